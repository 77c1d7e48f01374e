#!/usr/bin/env node
// Publishes the action to the repository users reference (`uses: release-guard/action@v1`): bundles
// dist/, commits action.yml, dist/, README.md and the monorepo's LICENSE at the root of a clone of that
// repository, tags the commit vX.Y.Z and moves the major tag vX to it. `dist/` is only ever built here,
// never edited. Anything else in that repository (its .github/, a SECURITY.md) is left as it is.
//
//   node packages/action/scripts/release.mjs v1.2.0 --repo ../action [--push]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const monorepo = resolve(root, '../..');

/** What a release writes at the root of the action repository, replacing what an earlier one wrote. */
export const RELEASED = ['action.yml', 'dist', 'README.md', 'LICENSE'];

/** Releases `version` into the git work tree at `repo`; returns the release commit. */
export async function release({ version, repo, push = false, source = 'unknown' }) {
  if (!/^v\d+\.\d+\.\d+$/.test(version)) throw new Error(`the version must look like v1.2.3, got '${version}'`);
  if (!existsSync(join(repo, '.git')))
    throw new Error(`${repo} is not a git work tree (clone the action repository first)`);
  const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  if (git('tag', '--list', version))
    throw new Error(`${version} is already released: tags are never moved, except the major one`);
  if (git('status', '--porcelain')) throw new Error(`${repo} has uncommitted changes`);
  for (const entry of RELEASED) rmSync(join(repo, entry), { recursive: true, force: true });
  mkdirSync(join(repo, 'dist'));
  await bundle(join(repo, 'dist'));
  for (const file of ['action.yml', 'README.md']) cpSync(join(root, file), join(repo, file));
  cpSync(join(monorepo, 'LICENSE'), join(repo, 'LICENSE'));
  git('add', '--all');
  git('commit', '--quiet', '--allow-empty', '-m', `release-guard action ${version}`, '-m', `Built from ${source}.`);
  const major = version.split('.')[0];
  git('tag', '-a', version, '-m', `release-guard action ${version}`);
  git('tag', '-f', '-a', major, '-m', `release-guard action ${version}`);
  if (push) {
    git('push', 'origin', 'HEAD');
    git('push', 'origin', version);
    git('push', '--force', 'origin', major);
  }
  return git('rev-parse', 'HEAD');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { repo: { type: 'string' }, push: { type: 'boolean' } },
  });
  const [version] = positionals;
  if (!version || !values.repo) {
    console.error('usage: release.mjs vX.Y.Z --repo <clone of the action repository> [--push]');
    process.exit(2);
  }
  const source = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const commit = await release({ version, repo: resolve(values.repo), push: values.push, source });
  console.log(`${version} released as ${commit}${values.push ? ' and pushed' : ' (not pushed: --push to publish)'}`);
}
