/**
 * Release-managed files (`GuardConfig.protectedPaths`): which paths they are, and whether a pull
 * request that is not a release changes any of them.
 */
import { type Checker, join } from './check.js';
import { type ForeignGlobSyntax, foreignGlobSyntax, globToRegExp } from './glob.js';
import type { ChangedFile, HeadFacts } from './head-facts.js';
import { checkRepoPath } from './repo-path.js';
import { STATUS_TEXT } from './standing-status.js';

/** At most this many globs in `protectedPaths`. */
export const MAX_PROTECTED_PATHS = 50;

/** `GuardConfig.protectedPaths` checked, each glob as the RegExp that matches it; problems reported into `check`. */
export function resolveProtectedPaths(value: unknown, check: Checker): RegExp[] {
  if (value === undefined || !check.array(value, 'protectedPaths', MAX_PROTECTED_PATHS)) return [];
  return value.flatMap((glob, i) =>
    checkRepoPath(glob, join('protectedPaths', i), check) && checkSyntax(glob, join('protectedPaths', i), check)
      ? [globToRegExp(glob)]
      : [],
  );
}

/** What to write instead of each piece of another tool's glob syntax. */
const INSTEAD: Record<ForeignGlobSyntax, string> = {
  'brace expansion': 'list each path on its own line',
  'a character class': 'list each path on its own line, or write ? for any one character',
  'a negation': 'negation is not supported, protected paths only add: list only the paths to protect',
  'an inline comment': 'put the comment on a line of its own',
};

/** Refuses a glob written in another tool's syntax, which would silently protect nothing. */
function checkSyntax(glob: string, path: string, check: Checker): boolean {
  const found = foreignGlobSyntax(glob);
  if (found === undefined) return true;
  check.fail(
    path,
    `expected a glob with * and ** only; ${JSON.stringify(glob.slice(0, 60))} holds ${JSON.stringify(found.text)}, ${found.syntax}, which would match no file: ${INSTEAD[found.syntax]}`,
  );
  return false;
}

/**
 * The first path, in sorted order, of `files` that a protected glob matches: a rename counts for its
 * old path and its new one.
 */
export function firstProtectedPath(files: readonly ChangedFile[], globs: readonly RegExp[]): string | undefined {
  const paths = new Set<string>();
  for (const file of files) {
    paths.add(file.path);
    if (file.previousPath !== undefined) paths.add(file.previousPath);
  }
  return [...paths].sort().find((path) => globs.some((glob) => glob.test(path)));
}

/**
 * Why a pull request that is not a release fails its status, judged on its changed files: it changes
 * a protected path, or (failing closed) its files were not given or not all listed. Undefined when no
 * path is protected, or when the whole list holds none.
 */
export function protectionOf(
  facts: Pick<HeadFacts, 'files' | 'filesComplete'>,
  globs: readonly RegExp[],
): string | undefined {
  if (globs.length === 0) return undefined;
  if (facts.files === undefined) return STATUS_TEXT.filesUnknown;
  const path = firstProtectedPath(facts.files, globs);
  if (path !== undefined) return `${STATUS_TEXT.protectedPaths}: ${path}`;
  return facts.filesComplete === true ? undefined : STATUS_TEXT.filesIncomplete;
}
