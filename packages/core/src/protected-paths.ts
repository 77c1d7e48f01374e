/**
 * Release-managed files (`GuardConfig.protectedPaths`): which paths they are, and whether a pull
 * request that is not a release changes any of them.
 */
import { type Checker, join } from './check.js';
import { globToRegExp } from './glob.js';
import { checkRepoPath } from './repo-path.js';

/** At most this many globs in `protectedPaths`. */
export const MAX_PROTECTED_PATHS = 50;

/** `GuardConfig.protectedPaths` checked, each glob as the RegExp that matches it; problems reported into `check`. */
export function resolveProtectedPaths(value: unknown, check: Checker): RegExp[] {
  if (value === undefined || !check.array(value, 'protectedPaths', MAX_PROTECTED_PATHS)) return [];
  return value.flatMap((glob, i) =>
    checkRepoPath(glob, join('protectedPaths', i), check) ? [globToRegExp(glob)] : [],
  );
}
