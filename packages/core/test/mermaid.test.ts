import { readFileSync } from 'node:fs';
import { PHASES, toMermaid } from '@release-guard/core';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('toMermaid', () => {
  const diagram = toMermaid();

  it('is a stateDiagram-v2 of every phase, generated from the machine', () => {
    expect(diagram.split('\n')[0]).toBe('stateDiagram-v2');
    for (const phase of PHASES) expect(diagram).toMatch(new RegExp(`\\b${phase}\\b`));
    expect(diagram).toContain('  releasing --> released: RELEASE_SUCCEEDED, ARTIFACT_VERIFIED');
    expect(diagram).toContain('  merged --> [*]');
    expect(diagram).toContain('  state classify <<choice>>');
    expect(diagram).not.toContain('IGNORE');
  });

  it('highlights a phase on request', () => {
    expect(toMermaid({ highlight: 'releasing' })).toContain('  class releasing current');
    expect(diagram).not.toContain('class ');
  });

  it('the README shows the current diagram', () => {
    const block = readme.match(/<!-- diagram:start -->\n```mermaid\n([\s\S]*?)\n```\n<!-- diagram:end -->/);
    expect(block, 'packages/core/README.md lacks the diagram markers').not.toBeNull();
    expect(block?.[1], 'packages/core/README.md has a stale diagram: paste toMermaid() output').toBe(diagram);
  });
});
