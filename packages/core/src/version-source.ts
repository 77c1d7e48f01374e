/**
 * Where a release pull request's version is read (`GuardConfig.versionSource`), and the reading
 * itself: from the head branch's name, from the title, or from a file at the head.
 */
import { Checker, join } from './check.js';
import { GuardConfigError } from './errors.js';
import { checkRepoPath } from './repo-path.js';

/** A file at the pull request's head that holds the version: the whole file, or one top-level JSON key. */
export interface VersionFile {
  /** The file's path from the repository's root, e.g. `package.json` or `.release-please-manifest.json`. */
  file: string;
  /** One literal top-level key of the file, read as JSON (`"."`, `packages/app`); without it, the whole file, trimmed. */
  key?: string;
}

/**
 * Where the version of a release pull request is read:
 * - `'branch'`: the head branch's last `/` segment (`releases/v1.2.0` -> `v1.2.0`), unless the pull
 *   request gives its `version` itself;
 * - `'title'`: the last semantic version in the title (`chore(main): release app 0.39.1-rc.1` -> `0.39.1-rc.1`);
 * - a `VersionFile`: a file at the head, e.g. `{ file: 'package.json', key: 'version' }`.
 */
export type VersionSource = 'branch' | 'title' | VersionFile;

/** `versionOf`'s answer: the version, or why it cannot be read. */
export type VersionReading = { version: string } | { problem: string };

/** What a version read from a title or a file must look like: letters, digits, `.`, `_`, `+` and `-`. */
export const VERSION_PATTERN = /^[A-Za-z0-9_.+-]{1,100}$/;
/** The longest version (as `PullRequest.version`). */
const MAX_VERSION_LENGTH = 100;

const NUMBER = '(?:0|[1-9][0-9]*)';
const IDENTIFIER = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
/**
 * A semantic version (semver.org) with an optional leading `v`, standing as a word of its own: not
 * glued to a letter, digit, `.` or `+` before it, nor to a letter, digit, `+`, `-` or `.` and more of
 * the version after it (a sentence may end with a `.`).
 */
const SEMVER = new RegExp(
  `(?<![0-9A-Za-z.+])v?${NUMBER}\\.${NUMBER}\\.${NUMBER}` +
    `(?:-${IDENTIFIER}(?:\\.${IDENTIFIER})*)?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?` +
    '(?![0-9A-Za-z+-]|\\.[0-9A-Za-z])',
  'g',
);

const FORMS = "'branch', 'title', or 'file:<path>' with an optional '#<key>' (e.g. 'file:package.json#version')";

/**
 * The version of a pull request, read from `source`: `pr.headRef` for `'branch'`, `pr.title` for
 * `'title'`, `facts.contents` (each file's text at the head, `null` where it does not exist) for a
 * file. Pure: it reads nothing but its arguments. A version that cannot be read comes back as a
 * `problem`, said for a commit status (the guard keeps such a pull request locked).
 *
 * @example
 * ```ts
 * versionOf({ headRef: 'release-please--branches--main', title: 'chore(main): release 2.1.0' }, 'title');
 * // { version: '2.1.0' }
 * versionOf(pr, { file: '.release-please-manifest.json', key: '.' }, { contents: { '.release-please-manifest.json': '{".":"2.1.0"}' } });
 * // { version: '2.1.0' }
 * ```
 */
export function versionOf(
  pr: { headRef: string; title?: string },
  source: VersionSource,
  facts: { contents?: Readonly<Record<string, string | null>> } = {},
): VersionReading {
  if (source === 'branch') {
    // As the branch names it: a branch cannot be renamed, so refusing its characters would lock the pull
    // request for good. Git already keeps whitespace and control characters out of branch names.
    const last = pr.headRef.split('/').at(-1) ?? '';
    return last.length <= MAX_VERSION_LENGTH
      ? { version: last }
      : { problem: `the branch name's last segment is longer than ${MAX_VERSION_LENGTH} characters` };
  }
  if (source === 'title') {
    if (pr.title === undefined) return { problem: 'the title was not given' };
    const found = [...pr.title.matchAll(SEMVER)].at(-1)?.[0];
    if (found === undefined) return { problem: 'the title holds no semantic version (such as 1.2.3)' };
    return VERSION_PATTERN.test(found) ? { version: found } : { problem: 'the version in the title is too long' };
  }
  const text =
    facts.contents !== undefined && Object.hasOwn(facts.contents, source.file)
      ? facts.contents[source.file]
      : undefined;
  if (text === undefined) return { problem: `${source.file} was not read at the head` };
  if (text === null) return { problem: `${source.file} does not exist at the head` };
  if (source.key === undefined) {
    const whole = text.trim();
    if (whole === '') return { problem: `${source.file} is empty` };
    return VERSION_PATTERN.test(whole) ? { version: whole } : { problem: `${source.file} does not hold a version` };
  }
  return keyOf(text, source.file, source.key);
}

function keyOf(text: string, file: string, key: string): VersionReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { problem: `${file} is not JSON` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { problem: `${file} is not a JSON object` };
  }
  const name = JSON.stringify(key);
  if (!Object.hasOwn(parsed, key)) return { problem: `${file} has no key ${name}` };
  const value = (parsed as Record<string, unknown>)[key];
  if (typeof value !== 'string') return { problem: `${name} in ${file} is not a string` };
  return VERSION_PATTERN.test(value) ? { version: value } : { problem: `${name} in ${file} is not a version` };
}

/**
 * The version source a configuration string names: `'branch'`, `'title'`, or `'file:<path>'` with an
 * optional `'#<key>'`. Everything after the first `#` is the key, literally (`file:.release-please-manifest.json#.`
 * is the key `"."`, `#packages/app` the key `"packages/app"`); without `#` the whole file is the version.
 * Throws `GuardConfigError` saying what to fix.
 *
 * @example
 * ```ts
 * parseVersionSource('file:package.json#version'); // { file: 'package.json', key: 'version' }
 * parseVersionSource('title'); // 'title'
 * ```
 */
export function parseVersionSource(text: string): VersionSource {
  const check = new Checker();
  const source = readVersionSource(text, 'versionSource', check);
  if (source === undefined) throw new GuardConfigError(check.issues);
  return source;
}

/** `GuardConfig.versionSource` checked and in its object form; undefined after reporting a problem into `check`. */
export function readVersionSource(value: unknown, path: string, check: Checker): VersionSource | undefined {
  if (typeof value === 'string') {
    if (value === 'branch' || value === 'title') return value;
    if (!value.startsWith('file:')) {
      check.fail(path, `expected ${FORMS}, got ${JSON.stringify(value.slice(0, 60))}`);
      return undefined;
    }
    const rest = value.slice('file:'.length);
    const hash = rest.indexOf('#');
    if (hash < 0) return readVersionFile({ file: rest }, path, check);
    return readVersionFile({ file: rest.slice(0, hash), key: rest.slice(hash + 1) }, path, check);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return readVersionFile(value as Record<string, unknown>, path, check);
  }
  check.fail(path, `expected ${FORMS}, or { file, key? }`);
  return undefined;
}

function readVersionFile(value: Record<string, unknown>, path: string, check: Checker): VersionFile | undefined {
  const before = check.issues.length;
  check.onlyKeys(value, path, ['file', 'key']);
  checkRepoPath(value.file, join(path, 'file'), check);
  if (value.key !== undefined && typeof value.key === 'string' && value.key === '') {
    check.fail(join(path, 'key'), "expected a key after '#': leave '#' out to read the whole file");
  } else if (value.key !== undefined) check.string(value.key, join(path, 'key'), { max: 200 });
  if (check.issues.length > before) return undefined;
  const file = value.file as string;
  return value.key === undefined ? { file } : { file, key: value.key as string };
}
