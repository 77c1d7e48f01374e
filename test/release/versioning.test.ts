/**
 * Our own versioning, dry-run: `changeset version` in a copy of the workspace's manifests and changesets
 * (outside the repository, so nothing here changes), checked as the Version Packages pull request would
 * carry it, and as the guard reads its version.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVersionSource, versionOf } from '@release-guard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIBRARIES, type Manifest, ROOT } from '../../scripts/libraries.js';
import { succeed } from '../support/exec.js';
import { guardInputs, loadRepositoryWorkflows } from './workflows.js';

const CHANGESET = join(ROOT, 'node_modules/@changesets/cli/bin.js');

let copy = '';

/** The workspace's packages, as `pnpm-workspace.yaml` lists them: `packages/*` and `examples/*`. */
async function workspacePackages(): Promise<string[]> {
  const found: string[] = [];
  for (const parent of ['packages', 'examples']) {
    for (const name of await readdir(join(ROOT, parent))) found.push(`${parent}/${name}`);
  }
  return found;
}

const manifest = async (folder: string): Promise<Manifest> =>
  JSON.parse(await readFile(join(copy, folder, 'package.json'), 'utf8')) as Manifest;

const versions = async (folders: readonly string[]) =>
  Object.fromEntries(await Promise.all(folders.map(async (f) => [f, (await manifest(f)).version] as const)));

beforeEach(async () => {
  copy = await mkdtemp(join(tmpdir(), 'release-guard-versioning-'));
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset']) {
    await cp(join(ROOT, file), join(copy, file), { recursive: true });
  }
  for (const folder of await workspacePackages()) {
    await mkdir(join(copy, folder), { recursive: true });
    await cp(join(ROOT, folder, 'package.json'), join(copy, folder, 'package.json'));
  }
  // The changelog generator named in .changeset/config.json is resolved from the copy.
  await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
});

afterEach(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

const version = () => succeed(process.execPath, [CHANGESET, 'version'], { cwd: copy });

describe('changeset version, as the Version Packages pull request carries it', () => {
  it('releases core, github-adapter and testkit together at 0.1.0, and versions no private package', async () => {
    const folders = await workspacePackages();
    const before = await versions(folders);
    expect(LIBRARIES.map((l) => before[`packages/${l}`])).toEqual(['0.0.0', '0.0.0', '0.0.0']);
    await version();
    const after = await versions(folders);
    for (const folder of folders) {
      const expected = LIBRARIES.includes(folder.replace('packages/', '')) ? '0.1.0' : before[folder];
      expect(after[folder], folder).toBe(expected);
    }
    // pnpm replaces workspace ranges with these versions when it packs (test/packed checks the tarballs).
    expect((await manifest('packages/github-adapter')).dependencies?.['@release-guard/core']).toBe('workspace:*');
    expect((await readdir(join(copy, '.changeset'))).sort()).toEqual(['README.md', 'config.json']);
  });

  it("writes each package's changelog from its own first-release changeset", async () => {
    await version();
    for (const library of LIBRARIES) {
      const { name } = await manifest(`packages/${library}`);
      const changelog = await readFile(join(copy, 'packages', library, 'CHANGELOG.md'), 'utf8');
      const changeset = await readFile(join(ROOT, '.changeset', `first-release-${library}.md`), 'utf8');
      const summary = changeset.split('---').at(-1)?.trim().split('\n')[0] ?? '';
      expect(changelog.startsWith(`# ${name}\n\n## 0.1.0\n\n### Minor Changes\n\n- First release on npm`)).toBe(true);
      expect(changelog).toContain(summary);
      for (const other of LIBRARIES.filter((l) => l !== library)) {
        const theirs = await readFile(join(ROOT, '.changeset', `first-release-${other}.md`), 'utf8');
        expect(changelog).not.toContain(theirs.split('---').at(-1)?.trim().split('\n')[0]);
      }
    }
  });

  it('keeps the three at one version: a change to one of them releases all three', async () => {
    await version();
    await writeFile(join(copy, '.changeset/testkit-fix.md'), '---\n"@release-guard/testkit": patch\n---\n\nA fix.\n');
    await version();
    const after = await versions(LIBRARIES.map((l) => `packages/${l}`));
    expect(Object.values(after)).toEqual(['0.1.1', '0.1.1', '0.1.1']);
  });

  it('gives the guard the version release.yml publishes: the one it reads at the head, as release-guard.yml says', async () => {
    await version();
    const workflows = loadRepositoryWorkflows();
    for (const file of ['release-guard.yml', 'release-guard-sweep.yml']) {
      const inputs = guardInputs(workflows, file);
      const source = parseVersionSource(inputs['version-source'] ?? '');
      if (typeof source !== 'object') throw new Error(`${file}: the version is not read from a file`);
      const text = await readFile(join(copy, source.file), 'utf8');
      const pr = { headRef: 'changeset-release/main', title: 'Version Packages' };
      expect(versionOf(pr, source, { contents: { [source.file]: text } }), file).toEqual({ version: '0.1.0' });
    }
  });
});
