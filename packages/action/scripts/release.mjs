#!/usr/bin/env node
// Publishes the action to the repository users reference (`uses: release-guard/action@v1`): bundles
// dist/, commits action.yml, dist/, README.md and the monorepo's LICENSE at the root of a clone of that
// repository, tags the commit vX.Y.Z and moves the major tag vX to it. `dist/` is only ever built here,
// never edited. Anything else in that repository (its .github/, a SECURITY.md) is left as it is. The README's
// links relative to this package are made absolute, to the sources of the commit released. The monorepo
// must be clean: what is released is its HEAD, which the release commit names.
//
//   node packages/action/scripts/release.mjs v1.2.0 --repo ../action [--push]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const monorepo = resolve(root, '../..');

/** Where the monorepo lives on GitHub; the action repository is release-guard/action. */
export const MONOREPO_URL = 'https://github.com/release-guard/release-guard';

/** What a release writes at the root of the action repository, replacing what an earlier one wrote. */
export const RELEASED = ['action.yml', 'dist', 'README.md', 'LICENSE'];

/** Releases `version` into the git work tree at `repo`; returns the release commit. */
export async function release({ version, repo, push = false, source = 'unknown' }) {
  if (!/^v\d+\.\d+\.\d+$/.test(version)) throw new Error(`the version must look like v1.2.3, got '${version}'`);
  if (!existsSync(join(repo, '.git')))
    throw new Error(`${repo} is not a git work tree (clone the action repository first)`);
  // What is released is a commit of the monorepo (`source`): a change not committed there would be released
  // without being in any.
  const changes = execFileSync('git', ['status', '--porcelain'], { cwd: monorepo, encoding: 'utf8' }).trimEnd();
  if (changes) {
    const listed = changes.split('\n');
    throw new Error(
      `the monorepo has uncommitted changes: commit or stash them, so that the release is built from a commit\n${listed.slice(0, 10).join('\n')}${listed.length > 10 ? `\n… and ${listed.length - 10} more` : ''}`,
    );
  }
  const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  if (git('tag', '--list', version))
    throw new Error(`${version} is already released: tags are never moved, except the major one`);
  if (git('status', '--porcelain')) throw new Error(`${repo} has uncommitted changes`);
  for (const entry of RELEASED) rmSync(join(repo, entry), { recursive: true, force: true });
  mkdirSync(join(repo, 'dist'));
  await bundle(join(repo, 'dist'));
  cpSync(join(root, 'action.yml'), join(repo, 'action.yml'));
  // The links name the commit released: it exists on GitHub once pushed, whether or not it is tagged.
  const ref = /^[0-9a-f]{40}$/.test(source) ? source : version;
  writeFileSync(join(repo, 'README.md'), absoluteLinks(readFileSync(join(root, 'README.md'), 'utf8'), ref));
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

/**
 * The README with every link relative to this package (`../../examples/…`, `test/…`, `/SECURITY.md`) made an
 * absolute URL of the monorepo at `ref` (a commit or a tag), `${MONOREPO_URL}/blob/<ref>/packages/action/…`: at the root of
 * the action repository those paths do not exist. Links with a scheme and anchors in the page stay, and
 * so does code (fenced blocks, inline code).
 */
export function absoluteLinks(markdown, ref) {
  const base = `${MONOREPO_URL}/blob/${ref}/`;
  const absolute = (target) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) return target;
    return target.startsWith('/') ? `${base}${target.slice(1)}` : new URL(target, `${base}packages/action/`).href;
  };
  let fenced = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return line;
      }
      if (fenced) return line;
      // Inline code is split out: only the text between code spans is rewritten.
      return line
        .split(/(`[^`]*`)/)
        .map((part) =>
          part.startsWith('`') ? part : part.replace(/(\]\()([^)\s]+)/g, (_, open, to) => open + absolute(to)),
        )
        .join('')
        .replace(/^(\s*\[[^\]]+\]:\s*)(\S+)/, (_, definition, to) => definition + absolute(to));
    })
    .join('\n');
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
  try {
    const commit = await release({ version, repo: resolve(values.repo), push: values.push, source });
    console.log(`${version} released as ${commit}${values.push ? ' and pushed' : ' (not pushed: --push to publish)'}`);
  } catch (error) {
    console.error(`release.mjs: ${error.message}`);
    process.exit(1);
  }
}
