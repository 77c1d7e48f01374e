import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGuard } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS, INPUT_NAMES, parseInputs } from '../src/api.js';

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const action = parse(readFileSync(fileURLToPath(new URL('../action.yml', import.meta.url)), 'utf8')) as ActionYml;

describe('action.yml', () => {
  it('declares exactly the inputs the action reads, each described', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description.length, name).toBeGreaterThan(20);
    }
  });

  it('declares the outputs the action sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(['head-sha', 'phase', 'release', 'version']);
  });

  it('documents the defaults the action applies', () => {
    const env = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([name, input]) => input.default !== undefined && name !== 'token')
        .map(([name, input]) => [`INPUT_${name.toUpperCase()}`, input.default]),
    );
    const documented = parseInputs({ ...env, INPUT_TOKEN: 'token' });
    const applied = parseInputs({ INPUT_TOKEN: 'token' });
    expect(documented).toEqual({
      ...applied,
      config: { ...applied.config, preset: 'releases', statusContext: 'release' },
    });
    for (const command of COMMANDS) expect(action.inputs.command?.description).toContain(`\`${command}\``);
  });

  it("defaults neither release-branch nor version-source: the runner would pass them, and they would win over the preset's", () => {
    expect(action.inputs['release-branch']?.default).toBeUndefined();
    expect(action.inputs['version-source']?.default).toBeUndefined();
    const env = Object.fromEntries(
      Object.entries(action.inputs).flatMap(([name, input]) =>
        input.default === undefined ? [] : [[`INPUT_${name.toUpperCase()}`, input.default]],
      ),
    );
    const { config } = parseInputs({ ...env, INPUT_TOKEN: 'token', INPUT_PRESET: 'release-please' });
    const { settings } = createGuard(config);
    expect(settings.releaseBranch.test('release-please--branches--main')).toBe(true);
    expect(settings.releaseBranch.test('releases/v1.2.0')).toBe(false);
    expect(settings.versionSource).toBe('title');
  });

  it("declares the inputs in the order of INPUT_NAMES, which the README's Inputs table lists too", () => {
    expect(Object.keys(action.inputs)).toEqual([...INPUT_NAMES]);
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const section = readme.slice(readme.indexOf('## Inputs\n'), readme.indexOf('## Outputs\n'));
    const listed = [...section.matchAll(/^\| `([a-z-]+)` +\|/gm)].map(([, name]) => name);
    expect(listed).toEqual([...INPUT_NAMES]);
  });

  it('runs the bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
});
