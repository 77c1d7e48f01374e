import type { Checker } from './check.js';

/** Longest path (or path glob) the configuration accepts. */
export const MAX_PATH_LENGTH = 1024;

const HINT = "a path from the repository's root, such as package.json or packages/app/VERSION";

/**
 * Checks a path as GitHub names a file of the repository (or a glob of such paths): relative to the
 * root, `/` between segments, none of them empty, `.` or `..`. A path GitHub never lists would silently
 * match nothing.
 */
export function checkRepoPath(value: unknown, path: string, check: Checker): value is string {
  if (!check.string(value, path, { max: MAX_PATH_LENGTH })) return false;
  const problem = /\p{Cc}/u.test(value)
    ? 'holds a control character'
    : value.startsWith('/')
      ? "starts with '/'"
      : value.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
        ? "has an empty, '.' or '..' segment"
        : undefined;
  if (problem === undefined) return true;
  check.fail(path, `expected ${HINT}; ${JSON.stringify(value.slice(0, 60))} ${problem}`);
  return false;
}
