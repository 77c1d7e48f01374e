import { Checker, join } from './check.js';
import type { GuardSettings } from './config.js';
import { GuardEventError } from './errors.js';
import { SHA_PATTERN } from './events.js';

/** The pull request as the guard needs it. */
export interface PullRequest {
  number: number;
  /** Head branch name, without `refs/heads/` (GitHub's `pull_request.head.ref`). */
  headRef: string;
  headSha: string;
  baseRef: string;
  /** True when the head repository is not the base repository. */
  fromFork: boolean;
  /** The release version, e.g. `v0.29.0`: fills `{version}` in artifact refs and is passed to `START_RELEASE`. */
  version?: string;
  /** Other versions a release publishes, e.g. `{ chart: '4.0.27' }`: fill `{chart}` in artifact refs. */
  versions?: Record<string, string>;
}

/**
 * What kind of pull request this is:
 * - `release`: its head branch matches the release pattern and it comes from this repository;
 * - `fork`: its head branch matches but it comes from a fork, so it can never release;
 * - `not-release`: anything else.
 */
export type PullRequestKind = 'release' | 'fork' | 'not-release';

export function classify(pr: Pick<PullRequest, 'headRef' | 'fromFork'>, settings: GuardSettings): PullRequestKind {
  settings.releaseBranch.lastIndex = 0;
  if (!settings.releaseBranch.test(pr.headRef)) return 'not-release';
  return pr.fromFork ? 'fork' : 'release';
}

const PR_KEYS = ['number', 'headRef', 'headSha', 'baseRef', 'fromFork', 'version', 'versions'];
/** At most this many `versions`, with keys of at most `MAX_VERSION_KEY` characters. */
export const MAX_VERSIONS = 20;
export const MAX_VERSION_KEY = 50;

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
  return check.ok;
}

export function parsePullRequest(value: unknown): PullRequest {
  const check = new Checker();
  if (!checkPullRequest(value, '', check)) throw new GuardEventError('Malformed pull request', check.issues);
  return value;
}
