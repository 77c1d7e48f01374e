import { Checker, join } from './check.js';
import type { GuardSettings } from './config.js';
import { GuardEventError } from './errors.js';
import { MAX_ID_LENGTH, SHA_PATTERN } from './events.js';
import { checkHeadFacts, HEAD_FACT_KEYS, type HeadFacts } from './head-facts.js';
import { protectionOf } from './protected-paths.js';

/**
 * The pull request as the guard needs it, with the facts of its head (`HeadFacts`: title, changed
 * files, file contents) that recognising it may need.
 */
export interface PullRequest extends HeadFacts {
  number: number;
  /** Head branch name, without `refs/heads/` (GitHub's `pull_request.head.ref`). */
  headRef: string;
  headSha: string;
  baseRef: string;
  /** True when the head repository is not the base repository. */
  fromFork: boolean;
  /**
   * The release version, e.g. `v0.29.0`, as the caller reads it: fills `{version}` in artifact refs and is
   * passed to `START_RELEASE`. Only with `versionSource: 'branch'`, where it wins over the branch name's
   * last segment; with any other source the guard reads the version itself, and refuses one given.
   */
  version?: string;
  /** Other versions a release publishes, e.g. `{ chart: '4.0.27' }`: fill `{chart}` in artifact refs. */
  versions?: Record<string, string>;
  /**
   * Logins of those who prepared the release (its author, or whoever ran the workflow that opened it),
   * who therefore may not approve it. Give it only when self-approval is forbidden. The guard keeps
   * every releaser it is ever given for the pull request (see `GuardSnapshot.pr.releasers`), so taking
   * oneself off the list later does not make one's approval count.
   */
  releasers?: string[];
  /**
   * Whether the base branch requires a merge queue (GraphQL `isMergeQueueEnabled`): the guard then
   * enqueues a cleared release (`MERGE` via `'queue'`) instead of merging it directly.
   */
  mergeQueue?: boolean;
  /** Whether the pull request stands in the merge queue now (GraphQL `mergeQueueEntry` is not null). */
  queued?: boolean;
}

/**
 * A login as the guard compares it: lower case, without the `[bot]` suffix that GitHub's REST API
 * adds to an app's login and its GraphQL API leaves out (`github-actions[bot]` is `github-actions`).
 * GitHub logins are case-insensitive.
 */
export function normalizeLogin(login: string): string {
  const lower = login.toLowerCase();
  return lower.endsWith('[bot]') ? lower.slice(0, -'[bot]'.length) : lower;
}

/** Whether `login` is among `releasers`, as `normalizeLogin` compares logins. */
export function isReleaser(releasers: readonly string[] | undefined, login: string): boolean {
  if (!releasers || releasers.length === 0) return false;
  const key = normalizeLogin(login);
  return releasers.some((releaser) => normalizeLogin(releaser) === key);
}

/**
 * `known` with the releasers of `more` it lacks appended, each login once (as `normalizeLogin` compares
 * them; the first spelling is kept), at most `MAX_RELEASERS`; undefined when there are none.
 *
 * When the list is full it is the newest that are dropped, never the oldest: the first releasers are
 * the ones the guard pinned when it first saw the pull request, and anyone who can edit the assignees
 * could otherwise push them out by adding others, which is the self-approval the list exists to stop.
 * A releaser dropped for lack of room still counts while the caller lists them.
 */
export function addReleasers(
  known: readonly string[] | undefined,
  more: readonly string[] | undefined,
): string[] | undefined {
  const releasers = [...(known ?? [])];
  const keys = new Set(releasers.map(normalizeLogin));
  for (const login of more ?? []) {
    if (releasers.length >= MAX_RELEASERS) break;
    const key = normalizeLogin(login);
    if (keys.has(key)) continue;
    keys.add(key);
    releasers.push(login);
  }
  return releasers.length === 0 ? undefined : releasers;
}

/**
 * What kind of pull request this is:
 * - `release`: its head branch matches the release pattern and it comes from this repository;
 * - `fork`: its head branch matches but it comes from a fork, so it can never release;
 * - `protected`: not a release, and it changes a path of `protectedPaths` (or its changed files are not
 *   all known), so it fails closed;
 * - `not-release`: anything else.
 */
export type PullRequestKind = 'release' | 'fork' | 'not-release' | 'protected';

/** What the head branch alone says: a release, a fork's look-alike, or neither. Head branches never change. */
export function branchKind(
  pr: Pick<PullRequest, 'headRef' | 'fromFork'>,
  settings: Pick<GuardSettings, 'releaseBranch'>,
): Exclude<PullRequestKind, 'protected'> {
  settings.releaseBranch.lastIndex = 0;
  if (!settings.releaseBranch.test(pr.headRef)) return 'not-release';
  return pr.fromFork ? 'fork' : 'release';
}

/**
 * The kind of a pull request: its branch (`branchKind`), then, for one that is not a release, its
 * changed files against `protectedPaths`. Pure: the caller gives the files.
 */
export function classify(
  pr: Pick<PullRequest, 'headRef' | 'fromFork' | 'files' | 'filesComplete'>,
  settings: Pick<GuardSettings, 'releaseBranch' | 'protectedPaths'>,
): PullRequestKind {
  const kind = branchKind(pr, settings);
  if (kind === 'release' || protectionOf(pr, settings.protectedPaths) === undefined) return kind;
  return 'protected';
}

const PR_KEYS = [
  'number',
  'headRef',
  'headSha',
  'baseRef',
  'fromFork',
  'version',
  'versions',
  'releasers',
  'mergeQueue',
  'queued',
  ...HEAD_FACT_KEYS,
];
/** At most this many `versions`, with keys of at most `MAX_VERSION_KEY` characters. */
export const MAX_VERSIONS = 20;
export const MAX_VERSION_KEY = 50;
/**
 * At most this many releasers, given or kept in the snapshot (logins of at most `MAX_ID_LENGTH`
 * characters). GitHub allows 10 assignees on a pull request, so a list it shows always fits.
 */
export const MAX_RELEASERS = 20;

/** A branch name as git allows it: no whitespace, control characters or `~^:?*[\`. */
export const BRANCH_PATTERN = /^[^\s~^:?*[\\\p{Cc}]+$/u;
const BRANCH = {
  max: 255,
  pattern: BRANCH_PATTERN,
  hint: 'a git branch name (no spaces, control characters or ~^:?*[\\)',
};

/** Checks a `PullRequest` field by field, reporting into `check` under `path`. */
export function checkPullRequest(value: unknown, path: string, check: Checker): value is PullRequest {
  if (!check.record(value, path)) return false;
  check.onlyKeys(value, path, PR_KEYS);
  check.integer(value.number, join(path, 'number'), 1);
  check.string(value.headRef, join(path, 'headRef'), BRANCH);
  check.string(value.headSha, join(path, 'headSha'), {
    pattern: SHA_PATTERN,
    hint: 'a lowercase hexadecimal commit SHA',
  });
  check.string(value.baseRef, join(path, 'baseRef'), BRANCH);
  check.boolean(value.fromFork, join(path, 'fromFork'));
  for (const key of ['mergeQueue', 'queued'] as const) {
    if (value[key] !== undefined) check.boolean(value[key], join(path, key));
  }
  check.optionalString(value.version, join(path, 'version'), { max: 100 });
  if (value.versions !== undefined && check.record(value.versions, join(path, 'versions'))) {
    if (Object.keys(value.versions).length > MAX_VERSIONS)
      check.fail(join(path, 'versions'), `expected at most ${MAX_VERSIONS} versions`);
    for (const [key, version] of Object.entries(value.versions)) {
      if (key.length > MAX_VERSION_KEY)
        check.fail(
          join(path, 'versions'),
          `version key '${key.slice(0, 20)}...' is longer than ${MAX_VERSION_KEY} characters`,
        );
      check.string(version, join(join(path, 'versions'), key), { max: 100 });
    }
  }
  checkReleasers(value.releasers, join(path, 'releasers'), check);
  checkHeadFacts(value, path, check);
  return check.ok;
}

/** Checks an optional list of releasers: at most `MAX_RELEASERS` logins of at most `MAX_ID_LENGTH` characters. */
export function checkReleasers(value: unknown, path: string, check: Checker): void {
  if (value === undefined || !check.array(value, path, MAX_RELEASERS)) return;
  value.forEach((login, i) => {
    check.string(login, join(path, i), { max: MAX_ID_LENGTH });
  });
}

export function parsePullRequest(value: unknown): PullRequest {
  const check = new Checker();
  if (!checkPullRequest(value, '', check)) throw new GuardEventError('Malformed pull request', check.issues);
  return value;
}
