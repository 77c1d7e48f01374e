/**
 * What a commit holds: the files of the commits whose tree is modelled, the refs that name a commit, and
 * git's blob SHAs. REST `repos/get-content`, GraphQL `Repository.object` and `control.setFile` share it.
 */

import { createHash } from 'node:crypto';
import type { GitHubState, RepositoryRecord } from './state.js';

const COMMIT_SHA = /^[0-9a-f]{40}$/;

/**
 * The commit `ref` names in `repo`, if any: a commit SHA it knows, a branch (`main`, `refs/heads/main`) or
 * a pull request's head (`pull/7/head`, `refs/pull/7/head`); no ref is the default branch.
 */
export function resolveCommit(state: GitHubState, repo: RepositoryRecord, ref?: string): string | undefined {
  const name = ref ?? repo.defaultBranch;
  if (COMMIT_SHA.test(name)) return knowsCommit(state, repo, name) ? name : undefined;
  const pull = /^(?:refs\/)?pull\/(\d+)\/head$/.exec(name);
  if (pull) return repo.pulls.get(Number(pull[1]))?.head.sha;
  return repo.branches.get(name.replace(/^(?:refs\/)?heads\//, ''));
}

/** A commit `repo` can read: one with files, a branch's, or a pull request's head, base or merge commit. */
function knowsCommit(state: GitHubState, repo: RepositoryRecord, sha: string): boolean {
  if (treeOf(state, repo, sha) || [...repo.branches.values()].includes(sha)) return true;
  return [...repo.pulls.values()].some((pr) => [pr.head.sha, pr.base.sha, pr.mergeCommitSha].includes(sha));
}

/**
 * The files of commit `sha` as `repo` sees them: its own, or, for the head commit of a pull request from a
 * fork, the fork's (GitHub makes a pull request's head commit readable in the repository it targets).
 */
export function treeOf(
  state: GitHubState,
  repo: RepositoryRecord,
  sha: string,
): ReadonlyMap<string, Buffer> | undefined {
  const own = repo.trees.get(sha);
  if (own) return own;
  for (const pr of repo.pulls.values()) {
    const tree = pr.head.sha === sha ? state.repository(pr.head.repo)?.trees.get(sha) : undefined;
    if (tree) return tree;
  }
  return undefined;
}

/** Whether `path` is a directory of the tree: some file lies below it. */
export function isDirectory(tree: ReadonlyMap<string, Buffer>, path: string): boolean {
  return path === '' || [...tree.keys()].some((file) => file.startsWith(`${path}/`));
}

/**
 * A path as the tree keys it, without leading or trailing slashes, or an error for one git could not
 * hold (an empty, `.` or `..` segment).
 */
export function normalisePath(path: string): string {
  const normal = path.replace(/^\/+|\/+$/g, '');
  if (normal.split('/').some((segment) => ['', '.', '..'].includes(segment))) {
    throw new Error(`${JSON.stringify(path)} is not a path git can hold`);
  }
  return normal;
}

/** The commit's tree, created empty on first use. */
export function writableTree(repo: RepositoryRecord, sha: string): Map<string, Buffer> {
  let tree = repo.trees.get(sha);
  if (!tree) {
    tree = new Map();
    repo.trees.set(sha, tree);
  }
  return tree;
}

/**
 * A push: the commit `to` starts from the files of the commit `from` it follows, unless its files are
 * already set, as a new commit keeps every file it does not change.
 */
export function carryTree(repo: RepositoryRecord, from: string | undefined, to: string): void {
  const tree = from === undefined ? undefined : repo.trees.get(from);
  if (tree && !repo.trees.has(to)) repo.trees.set(to, new Map(tree));
}

/** Git's object id of a blob: SHA-1 over `blob <size>\0` and the bytes (what `git hash-object` prints). */
export function blobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Git's test for a binary file: a NUL byte in its first 8,000 bytes. */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

/** A path with each segment escaped for a URL, its slashes kept. */
export function urlPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
