import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without declarations.
import { absoluteLinks, MONOREPO_URL } from '../scripts/release.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
let work: string;
/** The copy of the monorepo the script runs from: a clean commit of this working tree. */
let monorepo: string;
let script: string;
let origin: string;
let clone: string;
/**
 * Runs git, its output captured: git says "You appear to have cloned an empty repository" on stderr even
 * with --quiet. A failure still throws, with git's stderr in the message.
 */
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * A git repository holding what the release reads of this working tree, as it is, committed: the script
 * refuses a monorepo with uncommitted changes, which this working tree may well have while it is worked on.
 * The package's dependencies are this tree's, linked.
 */
async function copyOfMonorepo(dir: string): Promise<string> {
  for (const file of ['LICENSE', 'tsconfig.json', 'tsconfig.base.json']) await cp(join(root, file), join(dir, file));
  for (const entry of ['action.yml', 'README.md', 'package.json', 'scripts', 'src']) {
    await cp(join(root, 'packages/action', entry), join(dir, 'packages/action', entry), { recursive: true });
  }
  await symlink(join(root, 'packages/action/node_modules'), join(dir, 'packages/action/node_modules'));
  await writeFile(join(dir, '.gitignore'), 'node_modules\n');
  git(dir, 'init', '--quiet');
  git(dir, 'add', '--all');
  git(dir, '-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'the sources');
  return join(dir, 'packages/action/scripts/release.mjs');
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'release-guard-release-'));
  monorepo = join(work, 'monorepo');
  script = await copyOfMonorepo(monorepo);
  origin = join(work, 'action.git');
  clone = join(work, 'action');
  git(work, 'init', '--quiet', '--bare', origin);
  git(work, 'clone', '--quiet', origin, clone);
  git(clone, 'config', 'user.name', 'release bot');
  git(clone, 'config', 'user.email', 'release-bot@example.com');
  // What the action repository holds besides a release: its own workflows and policy, and what an earlier
  // release left (a chunk of an earlier build, an older README).
  await mkdir(join(clone, '.github', 'workflows'), { recursive: true });
  await writeFile(join(clone, '.github', 'workflows', 'check.yaml'), 'on: push\n');
  await writeFile(join(clone, 'SECURITY.md'), 'Report a vulnerability privately.\n');
  await mkdir(join(clone, 'dist', 'chunks'), { recursive: true });
  await writeFile(join(clone, 'dist', 'chunks', 'stale-0000.js'), 'export {};\n');
  await writeFile(join(clone, 'README.md'), 'an older README\n');
  git(clone, 'add', '--all');
  git(clone, 'commit', '--quiet', '-m', 'initial');
  git(clone, 'push', '--quiet', 'origin', 'HEAD');
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const releaseCli = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [script, ...args], (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

/** The targets of a Markdown text's links, outside code. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g), ...prose.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1] ?? '');
}

describe('absoluteLinks', () => {
  it('makes each link relative to the package an absolute URL of the monorepo at the version', () => {
    const readme = [
      'See [the core](../core), [`examples/x`](../../examples/x#setup), [a test](test/a.test.ts),',
      '[security](/SECURITY.md), [Tokens](#tokens) and [GitHub](https://github.com/features/actions).',
      '[src]: src/index.ts',
      '`[not a link](src/x.ts)`',
      '```md',
      '[in a block](src/y.ts)',
      '```',
    ].join('\n');
    const base = `${MONOREPO_URL}/blob/v1.2.0`;
    expect(absoluteLinks(readme, 'v1.2.0').split('\n')).toEqual([
      `See [the core](${base}/packages/core), [\`examples/x\`](${base}/examples/x#setup), [a test](${base}/packages/action/test/a.test.ts),`,
      `[security](${base}/SECURITY.md), [Tokens](#tokens) and [GitHub](https://github.com/features/actions).`,
      `[src]: ${base}/packages/action/src/index.ts`,
      '`[not a link](src/x.ts)`',
      '```md',
      '[in a block](src/y.ts)',
      '```',
    ]);
  });
});

describe('the action release script', () => {
  it('puts action.yml and the built dist/ on vX.Y.Z and moves vX, pushed to the action repository', async () => {
    const first = await releaseCli('v1.0.0', '--repo', clone, '--push');
    expect(first.code, first.stderr).toBe(0);
    const files = git(origin, 'ls-tree', '-r', '--name-only', 'v1.0.0').split('\n');
    expect(files).toEqual(
      expect.arrayContaining(['action.yml', 'README.md', 'dist/index.js', 'dist/cli.js', 'dist/package.json']),
    );
    // dist/ is released whole: every file an entry point imports, statically or when a command runs.
    const scripts = files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
    expect(scripts.filter((f) => f.startsWith('dist/chunks/')).length).toBeGreaterThan(5);
    for (const script of scripts) {
      const code = git(origin, 'show', `v1.0.0:${script}`);
      for (const [, specifier = ''] of code.matchAll(/(?:from\s*|import\s*\(?\s*)"(\.[^"]+)"/g)) {
        expect(files, `${script} imports ${specifier}`).toContain(posix.join(posix.dirname(script), specifier));
      }
    }
    // Only what a release writes is replaced; the rest of the repository stays.
    expect(files).toEqual(expect.arrayContaining(['.github/workflows/check.yaml', 'SECURITY.md', 'LICENSE']));
    expect(files).not.toContain('dist/chunks/stale-0000.js');
    expect(git(origin, 'show', 'v1.0.0:LICENSE')).toBe((await readFile(join(root, 'LICENSE'), 'utf8')).trim());
    // The README's links work from the action repository: none is relative, each names a path of the monorepo.
    const readme = git(origin, 'show', 'v1.0.0:README.md');
    expect(readme).toContain('# @release-guard/action');
    const links = linksOf(readme);
    expect(links.length).toBeGreaterThan(5);
    // They name the commit released, which the release commit names too.
    const built = /Built from ([0-9a-f]{40})\./.exec(git(origin, 'log', '-1', '--format=%b', 'v1.0.0'))?.[1];
    expect(built).toBeDefined();
    const base = `${MONOREPO_URL}/blob/${built}/`;
    for (const link of links) {
      expect(link).toMatch(/^(https?:\/\/|#)/);
      const inMonorepo = link.startsWith(base) ? link.slice(base.length).split('#')[0] : undefined;
      if (inMonorepo !== undefined) expect(existsSync(join(root, inMonorepo ?? '')), link).toBe(true);
    }
    expect(links).toContain(`${base}examples/weave-gitops`);
    expect(links).toContain(`${base}packages/action/test/recovery.test.ts`);
    expect(files.some((f) => f.startsWith('src/'))).toBe(false);
    expect(git(origin, 'show', 'v1:action.yml')).toContain('main: dist/index.js');

    const second = await releaseCli('v1.1.0', '--repo', clone, '--push');
    expect(second.code, second.stderr).toBe(0);
    expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(git(origin, 'rev-parse', 'v1.1.0^{commit}'));
    expect(git(origin, 'rev-parse', 'v1.0.0^{commit}')).not.toBe(git(origin, 'rev-parse', 'v1^{commit}'));
  });

  it('never moves a released version, and refuses a malformed one', async () => {
    const again = await releaseCli('v1.0.0', '--repo', clone);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('v1.0.0 is already released');
    const bad = await releaseCli('1.2', '--repo', clone);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("the version must look like v1.2.3, got '1.2'");
  });

  it('refuses a monorepo with uncommitted changes, before touching the action repository', async () => {
    const tags = git(origin, 'tag', '--list');
    const head = git(clone, 'rev-parse', 'HEAD');
    await writeFile(join(monorepo, 'packages/action/src/scratch.ts'), 'export const notCommitted = true;\n');
    try {
      const dirty = await releaseCli('v1.2.0', '--repo', clone, '--push');
      expect(dirty.code).toBe(1);
      expect(dirty.stderr).toBe(
        'release.mjs: the monorepo has uncommitted changes: commit or stash them, so that the release is built from a commit\n' +
          '?? packages/action/src/scratch.ts\n',
      );
    } finally {
      await rm(join(monorepo, 'packages/action/src/scratch.ts'));
    }
    expect(git(origin, 'tag', '--list')).toBe(tags);
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(clone, 'status', '--porcelain')).toBe('');
  });
});
