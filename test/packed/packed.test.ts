/**
 * What users install is what is tested: core, github-adapter and testkit built and packed as they are
 * published, installed from their tarballs into a project outside the workspace, type-checked there with
 * `module: nodenext`, and run with plain Node: a consumer of every entry point, the first example of each
 * package's README, `examples/embed`, and `examples/property-test` (its vitest file, compiled).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryPoints, LIBRARIES, ROOT } from '../../scripts/libraries.js';
import { exec, succeed } from '../support/exec.js';
import { buildLibraries, fileProblems, manifestProblems, type Packed, packLibraries } from '../support/pack.js';
import { createProject, TSC } from './project.js';

const ENTRY_POINTS = LIBRARIES.flatMap(entryPoints);

let dir = '';
let project = '';
let packed: Packed[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'release-guard-packed-'));
  project = join(dir, 'consumer');
  await buildLibraries();
  packed = await packLibraries(dir);
  await createProject(project, packed);
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it('hold dist, the README and the LICENSE, and no sources or tests', () => {
    expect(packed.map((p) => p.library)).toEqual(LIBRARIES);
    expect(packed.flatMap((p) => fileProblems(p.library, p.files))).toEqual([]);
  });

  it('point consumers at dist only, and depend on each other at the versions packed together', () => {
    expect(packed.flatMap((p) => manifestProblems(p, packed))).toEqual([]);
    for (const p of packed) {
      expect(p.manifest.exports, p.library).toEqual(p.source.publishConfig.exports);
      expect(p.source.publishConfig).toMatchObject({ access: 'public', provenance: true });
    }
  });

  it('are judged by checks with teeth', () => {
    const files = ['package.json', 'README.md', 'dist/index.js', 'src/index.ts', 'dist/guard.test.js', 'CHANGES.txt'];
    expect(fileProblems('core', files)).toEqual(
      expect.arrayContaining([
        'core: src/index.ts is not dist/, README.md, LICENSE or package.json',
        'core: ships src/index.ts',
        'core: ships the source src/index.ts',
        'core: ships dist/guard.test.js',
        'core: CHANGES.txt is not dist/, README.md, LICENSE or package.json',
        'core: no LICENSE',
        '@release-guard/core: ./dist/index.d.ts is not packed',
        '@release-guard/core/testing: ./dist/testing/index.js is not packed',
      ]),
    );
    const [core, adapter] = packed as [Packed, Packed];
    const leaky = { ...adapter, manifest: { ...adapter.manifest, exports: adapter.source.exports, private: true } };
    const stale = { ...adapter, manifest: { ...adapter.manifest, dependencies: { '@release-guard/core': '0.0.1' } } };
    const unpacked = { ...adapter, manifest: { ...adapter.manifest, dependencies: { x: 'workspace:*' } } };
    expect(manifestProblems(leaky, packed)).toEqual([
      'github-adapter: private',
      'github-adapter: exports the workspace condition',
      'github-adapter: exports sources',
    ]);
    expect(manifestProblems(stale, packed)).toEqual([
      `github-adapter: depends on @release-guard/core@0.0.1, packed at ${core.manifest.version}`,
    ]);
    expect(manifestProblems(unpacked, packed)).toEqual(['github-adapter: x@workspace:*']);
  });

  it('publish (dry run) with pnpm, listing exactly the files packed', async () => {
    for (const p of packed) {
      const cwd = join(ROOT, 'packages', p.library);
      const out = await succeed('pnpm', ['publish', '--dry-run', '--no-git-checks', '--json'], { cwd });
      const listed = JSON.parse(out.slice(out.indexOf('{'))) as {
        name: string;
        version: string;
        files: { path: string }[];
      };
      expect({ name: listed.name, version: listed.version }).toEqual({
        name: p.manifest.name,
        version: p.manifest.version,
      });
      expect(listed.files.map((f) => f.path).sort()).toEqual([...p.files].sort());
    }
  });
});

describe('a project that installed the tarballs', () => {
  it('resolves every entry point to dist with Node, with or without the workspace condition', async () => {
    const script = `for (const s of ${JSON.stringify(ENTRY_POINTS.map((e) => e.specifier))}) console.log(import.meta.resolve(s))`;
    for (const conditions of [[], ['--conditions=@release-guard/source']]) {
      const out = await succeed(process.execPath, [...conditions, '--input-type=module', '-e', script], {
        cwd: project,
      });
      const resolved = out.trim().split('\n');
      ENTRY_POINTS.forEach((entry, i) => {
        const target = entry.manifest.publishConfig.exports[entry.subpath]?.default.slice(1);
        expect(resolved[i], `${entry.specifier} ${conditions.join(' ')}`).toMatch(
          new RegExp(`/node_modules/${entry.manifest.name}${target?.replaceAll('.', '\\.')}$`),
        );
      });
    }
  });

  it('type-checks a consumer of every entry point with module nodenext, against the packed declarations', async () => {
    const consumer = await readFile(join(project, 'src/consumer.ts'), 'utf8');
    for (const entry of ENTRY_POINTS) expect(consumer).toContain(`from '${entry.specifier}'`);
    const ran = await exec(process.execPath, [TSC, '-p', 'tsconfig.json', '--noEmit', '--listFiles'], { cwd: project });
    expect(ran.code, ran.stdout).toBe(0);
    const ours = ran.stdout.split('\n').filter((file) => file.includes('/node_modules/@release-guard/'));
    for (const entry of ENTRY_POINTS) {
      const types = entry.manifest.publishConfig.exports[entry.subpath]?.types.slice(1);
      expect(ours.some((file) => file.endsWith(`/node_modules/${entry.manifest.name}${types}`))).toBe(true);
    }
    expect(ours.filter((file) => !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('runs the consumer of every entry point with plain Node', async () => {
    const out = await succeed(process.execPath, ['build/consumer.js'], { cwd: project });
    for (const entry of ENTRY_POINTS) expect(out).toMatch(new RegExp(`^${entry.specifier}: `, 'm'));
  });

  it("runs the first example of each package's README with plain Node", async () => {
    const printed: Record<string, RegExp> = {
      core: /^released SET_STATUS MERGE COMMENT\nreleased$/m,
      'github-adapter': /^merged \{ sha: '5f3c2a1b9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b', by: 'release-bot' \}$/m,
      testkit: /^405 Required status check "release" is expected\.$/m,
    };
    expect(Object.keys(printed)).toEqual(LIBRARIES);
    for (const library of LIBRARIES) {
      const out = await succeed(process.execPath, [`build/readme/${library}.js`], { cwd: project });
      expect(out, library).toMatch(printed[library] as RegExp);
    }
  });

  it('runs examples/embed with plain Node: both stories, merged by the bot after the release', async () => {
    const out = await succeed(process.execPath, ['build/embed/release.js'], { cwd: project });
    expect(out).toContain('Merges by hand before the release: refused.');
    expect(out).toContain('Damaged state: refused, then rebuilt from the code host.');
    expect(out).toMatch(/Both release PRs merged by \S+ after the image was verified\./);
  });

  it("passes examples/property-test's properties, compiled to JavaScript, with the installed packages", async () => {
    const vitest = join(project, 'node_modules/vitest/vitest.mjs');
    const out = await succeed(process.execPath, [vitest, 'run', '--reporter=json'], { cwd: project });
    const report = JSON.parse(out.slice(out.indexOf('{'))) as { numPassedTests: number; numTotalTests: number };
    expect(report.numTotalTests).toBeGreaterThan(0);
    expect(report.numPassedTests).toBe(report.numTotalTests);
  });
});
