import { Checker, join } from './check.js';
import type { GuardSettings } from './config.js';
import { GuardStateError } from './errors.js';
import { SHA_PATTERN } from './events.js';
import {
  BRANCH_PATTERN,
  branchKind,
  checkReleasers,
  MAX_VERSION_KEY,
  MAX_VERSIONS,
  normalizeLogin,
} from './pull-request.js';
import { type GuardSnapshot, LIMITS, PHASES, TEXT_LIMIT } from './snapshot.js';

/** Identifies release-guard snapshots among other JSON. */
export const SNAPSHOT_SCHEMA = 'release-guard/snapshot';
/**
 * The snapshot format this version writes. Older versions are migrated on restore; newer ones are rejected.
 * Optional fields added since version 1 (`pr.releasers`, `pr.versionProblem`, `protection`,
 * `pr.mergeQueue`, `merge.enqueues`, `groups`), the kind `protected` and the merge state `queued` did not change it: a snapshot without them is
 * still a valid version-1 snapshot, and a reader that does not know a field rejects it as unknown.
 */
export const SNAPSHOT_VERSION = 1;

/** Upgrades a document of version `from` to `from + 1`. */
export type Migration = (snapshot: Record<string, unknown>) => Record<string, unknown>;

/** Migrations by the version they upgrade from. Empty while version 1 is the only format ever written. */
const MIGRATIONS: Readonly<Record<number, Migration>> = {};

const SHA = { pattern: SHA_PATTERN, hint: 'a lowercase hexadecimal commit SHA' };

/**
 * Serializes a snapshot as canonical JSON: fixed key order, no whitespace, with the schema, its
 * version and a checksum of the snapshot (which detects hand edits; it is not a signature: a snapshot
 * that disagrees with GitHub still loses to GitHub's facts in `reconcile`).
 */
export function serializeSnapshot(snapshot: GuardSnapshot): string {
  const body = JSON.stringify(canonical(snapshot));
  return `{"schema":"${SNAPSHOT_SCHEMA}","version":${SNAPSHOT_VERSION},"checksum":"${checksum(body)}","snapshot":${body}}`;
}

/** What `restore` checks a snapshot's kind against: the branch pattern of the guard that restores it. */
export type RestoreSettings = Pick<GuardSettings, 'releaseBranch'>;

/**
 * Parses, migrates and checks a serialized snapshot. Throws `GuardStateError` naming what is wrong.
 * With `settings`, the snapshot's kind must also be the one its head branch has under them (see `checkKind`).
 */
export function restoreSnapshot(text: string, settings?: RestoreSettings): GuardSnapshot {
  return restoreWith(text, MIGRATIONS, SNAPSHOT_VERSION, settings);
}

/** `restoreSnapshot` with explicit migrations; exported for testing the migration path. */
export function restoreWith(
  text: string,
  migrations: Readonly<Record<number, Migration>>,
  current: number,
  settings?: RestoreSettings,
): GuardSnapshot {
  if (typeof text !== 'string') throw new GuardStateError([{ path: '', message: 'expected the snapshot as a string' }]);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const hint = text.trim().length === 0 ? 'the text is empty' : `not JSON (${(error as Error).message})`;
    throw new GuardStateError([{ path: '', message: `${hint}; was the snapshot truncated?` }]);
  }
  const check = new Checker();
  if (!check.record(document, '')) throw new GuardStateError(check.issues);
  if (document.schema !== SNAPSHOT_SCHEMA) {
    throw new GuardStateError([
      { path: 'schema', message: `expected '${SNAPSHOT_SCHEMA}': this is not a release-guard snapshot` },
    ]);
  }
  const version = document.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new GuardStateError([{ path: 'version', message: 'expected a positive integer schema version' }]);
  }
  if (version > current) {
    throw new GuardStateError([
      {
        path: 'version',
        message: `snapshot version ${version} was written by a newer release-guard; this one reads up to version ${current}: upgrade release-guard`,
      },
    ]);
  }
  if (!check.record(document.snapshot, 'snapshot')) throw new GuardStateError(check.issues);
  if (document.checksum !== checksum(stringifyUntrusted(document.snapshot))) {
    throw new GuardStateError([
      { path: 'checksum', message: 'does not match the snapshot: it was edited or corrupted' },
    ]);
  }
  let snapshot = document.snapshot;
  for (let v = version; v < current; v++) {
    const migrate = migrations[v];
    if (!migrate) throw new GuardStateError([{ path: 'version', message: `no migration from snapshot version ${v}` }]);
    snapshot = migrate(snapshot);
  }
  checkSnapshot(snapshot, check);
  if (check.ok && settings !== undefined) checkKind(snapshot as unknown as GuardSnapshot, settings, check);
  if (!check.ok) throw new GuardStateError(check.issues);
  return snapshot as unknown as GuardSnapshot;
}

/**
 * `JSON.stringify` of a parsed, untrusted value. `JSON.parse` reads any depth, but stringifying
 * recurses: a few kilobytes of nested brackets would overflow the stack, and no snapshot nests deeply.
 */
function stringifyUntrusted(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new GuardStateError([{ path: 'snapshot', message: 'nested too deeply to be a release-guard snapshot' }]);
  }
}

/** FNV-1a (32-bit) of `text`, as 8 hex digits. */
export function checksum(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The snapshot with its keys in a fixed order, and optional fields left out when absent. */
function canonical(s: GuardSnapshot): object {
  return {
    phase: s.phase,
    pr: {
      number: s.pr.number,
      headRef: s.pr.headRef,
      baseRef: s.pr.baseRef,
      fromFork: s.pr.fromFork,
      ...(s.pr.version === undefined ? {} : { version: s.pr.version }),
      ...(s.pr.versionProblem === undefined ? {} : { versionProblem: s.pr.versionProblem }),
      ...(s.pr.versions === undefined ? {} : { versions: sortKeys(s.pr.versions) }),
      ...(s.pr.releasers === undefined ? {} : { releasers: [...s.pr.releasers] }),
      ...(s.pr.mergeQueue === undefined ? {} : { mergeQueue: s.pr.mergeQueue }),
    },
    kind: s.kind,
    ...(s.protection === undefined ? {} : { protection: s.protection }),
    headSha: s.headSha,
    epoch: s.epoch,
    approvals: s.approvals.map((a) => ({ reviewId: a.reviewId, reviewer: a.reviewer })),
    release: { state: s.release.state, ...(s.release.runId === undefined ? {} : { runId: s.release.runId }) },
    verified: s.verified.map((v) => ({ name: v.name, digest: v.digest })),
    merge: {
      state: s.merge.state,
      ...(s.merge.rejection === undefined ? {} : { rejection: s.merge.rejection }),
      ...(s.merge.enqueues === undefined ? {} : { enqueues: s.merge.enqueues }),
    },
    ...(s.failure === undefined ? {} : { failure: s.failure }),
    seenReviews: [...s.seenReviews],
    releasedShas: [...s.releasedShas],
    alertedRuns: [...s.alertedRuns],
    finishedRuns: [...s.finishedRuns],
    violations: [...s.violations],
    ...(s.groups === undefined ? {} : { groups: [...s.groups] }),
    timeline: s.timeline.map((t) => ({
      phase: t.phase,
      sha: t.sha,
      note: t.note,
      ...(t.at === undefined ? {} : { at: t.at }),
    })),
  };
}

function sortKeys(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const SNAPSHOT_KEYS = [
  'phase',
  'pr',
  'kind',
  'protection',
  'headSha',
  'epoch',
  'approvals',
  'release',
  'verified',
  'merge',
  'failure',
  'seenReviews',
  'releasedShas',
  'alertedRuns',
  'finishedRuns',
  'violations',
  'groups',
  'timeline',
];

/** Structure first, then the facts that must agree with each other in any snapshot the guard writes. */
function checkSnapshot(s: Record<string, unknown>, check: Checker): void {
  const at = (key: string) => join('snapshot', key);
  check.onlyKeys(s, 'snapshot', SNAPSHOT_KEYS);
  check.oneOf(s.phase, at('phase'), PHASES);
  if (check.record(s.pr, at('pr'))) {
    const pr = s.pr;
    check.onlyKeys(pr, at('pr'), [
      'number',
      'headRef',
      'baseRef',
      'fromFork',
      'version',
      'versionProblem',
      'versions',
      'releasers',
      'mergeQueue',
    ]);
    check.integer(pr.number, at('pr.number'), 1);
    check.string(pr.headRef, at('pr.headRef'), { max: 255, pattern: BRANCH_PATTERN, hint: 'a git branch name' });
    check.string(pr.baseRef, at('pr.baseRef'), { max: 255, pattern: BRANCH_PATTERN, hint: 'a git branch name' });
    check.boolean(pr.fromFork, at('pr.fromFork'));
    if (pr.mergeQueue !== undefined) check.boolean(pr.mergeQueue, at('pr.mergeQueue'));
    check.optionalString(pr.version, at('pr.version'), { max: 100 });
    check.optionalString(pr.versionProblem, at('pr.versionProblem'), { max: TEXT_LIMIT });
    if (pr.versions !== undefined && check.record(pr.versions, at('pr.versions'))) {
      // The bounds `guard.start` puts on a pull request's versions, so a snapshot stays bounded.
      const entries = Object.entries(pr.versions);
      if (entries.length > MAX_VERSIONS) check.fail(at('pr.versions'), `expected at most ${MAX_VERSIONS} versions`);
      else {
        for (const [key, value] of entries) {
          if (key.length > MAX_VERSION_KEY) {
            check.fail(at('pr.versions'), `a version key is longer than ${MAX_VERSION_KEY} characters`);
          } else check.string(value, at(`pr.versions.${key}`), { max: 100 });
        }
      }
    }
    // The bounds `guard.start` puts on releasers; a list the guard writes is never empty.
    checkReleasers(pr.releasers, at('pr.releasers'), check);
    if (Array.isArray(pr.releasers) && pr.releasers.length === 0) {
      check.fail(at('pr.releasers'), 'expected at least one releaser (the field is left out when there is none)');
    }
  }
  check.oneOf(s.kind, at('kind'), ['release', 'fork', 'not-release', 'protected'] as const);
  check.optionalString(s.protection, at('protection'), { max: TEXT_LIMIT });
  check.string(s.headSha, at('headSha'), SHA);
  check.integer(s.epoch, at('epoch'), 1);
  records(s.approvals, at('approvals'), LIMITS.approvals, check, (a, path) => {
    check.onlyKeys(a, path, ['reviewId', 'reviewer']);
    check.string(a.reviewId, join(path, 'reviewId'), { max: 64 });
    check.string(a.reviewer, join(path, 'reviewer'), { max: 64 });
  });
  if (check.record(s.release, at('release'))) {
    check.onlyKeys(s.release, at('release'), ['state', 'runId']);
    check.oneOf(s.release.state, at('release.state'), ['none', 'requested', 'running', 'succeeded'] as const);
    check.optionalString(s.release.runId, at('release.runId'), { max: 64 });
  }
  records(s.verified, at('verified'), LIMITS.verified, check, (v, path) => {
    check.onlyKeys(v, path, ['name', 'digest']);
    check.string(v.name, join(path, 'name'), { max: 100 });
    check.string(v.digest, join(path, 'digest'), { max: 150 });
  });
  if (check.record(s.merge, at('merge'))) {
    check.onlyKeys(s.merge, at('merge'), ['state', 'rejection', 'enqueues']);
    check.oneOf(s.merge.state, at('merge.state'), ['none', 'requested', 'rejected', 'queued'] as const);
    check.optionalString(s.merge.rejection, at('merge.rejection'), { max: TEXT_LIMIT });
    if (s.merge.enqueues !== undefined) check.integer(s.merge.enqueues, at('merge.enqueues'), 1);
  }
  check.optionalString(s.failure, at('failure'), { max: TEXT_LIMIT });
  strings(s.seenReviews, at('seenReviews'), LIMITS.seenReviews, check, { max: 64 });
  strings(s.releasedShas, at('releasedShas'), LIMITS.releasedShas, check, SHA);
  strings(s.alertedRuns, at('alertedRuns'), LIMITS.alertedRuns, check, { max: 64 });
  strings(s.finishedRuns, at('finishedRuns'), LIMITS.finishedRuns, check, { max: 64 });
  strings(s.violations, at('violations'), LIMITS.violations, check, { max: TEXT_LIMIT });
  if (s.groups !== undefined) strings(s.groups, at('groups'), LIMITS.groups, check, SHA);
  records(s.timeline, at('timeline'), LIMITS.timeline, check, (t, path) => {
    check.onlyKeys(t, path, ['phase', 'sha', 'note', 'at']);
    check.oneOf(t.phase, join(path, 'phase'), PHASES);
    check.string(t.sha, join(path, 'sha'), SHA);
    check.string(t.note, join(path, 'note'), { max: TEXT_LIMIT });
    check.optionalString(t.at, join(path, 'at'), { max: 64 });
  });
  if (check.ok) checkConsistency(s as unknown as GuardSnapshot, check);
}

function checkConsistency(s: GuardSnapshot, check: Checker): void {
  if (s.kind !== 'release' && !['skipped', 'merged', 'closed'].includes(s.phase)) {
    check.fail('snapshot.phase', `a ${s.kind} pull request cannot be '${s.phase}'`);
  }
  if (s.kind === 'release' && s.phase === 'skipped')
    check.fail('snapshot.phase', "a release pull request cannot be 'skipped'");
  if ((s.phase === 'approved' || s.phase === 'releasing') && s.approvals.length === 0) {
    check.fail('snapshot.approvals', `'${s.phase}' needs a standing approval of the head`);
  }
  if (s.phase === 'released' && (s.release.state !== 'succeeded' || !s.releasedShas.includes(s.headSha))) {
    check.fail('snapshot.release', "'released' needs a succeeded release of the head");
  }
  if (s.merge.state !== 'none' && !['released', 'merged', 'closed'].includes(s.phase)) {
    check.fail('snapshot.merge', `only a 'released' pull request has a merge ${s.merge.state}`);
  }
  if (s.groups?.length === 0)
    check.fail('snapshot.groups', 'expected at least one group (the field is left out when there is none)');
  if (s.phase === 'failed' && s.failure === undefined)
    check.fail('snapshot.failure', "'failed' needs a failure reason");
  if ((s.kind === 'protected') !== (s.protection !== undefined)) {
    check.fail('snapshot.protection', 'a protected pull request, and only one, says why it is protected');
  }
  if (s.pr.versionProblem !== undefined && (s.pr.version !== undefined || s.kind !== 'release')) {
    check.fail('snapshot.pr.versionProblem', 'only a release pull request without a version has a version problem');
  }
  if (s.pr.versionProblem !== undefined && !['prepared', 'merged', 'closed'].includes(s.phase)) {
    check.fail('snapshot.phase', `a release pull request whose version cannot be read cannot be '${s.phase}'`);
  }
  for (const [i, approval] of s.approvals.entries()) {
    if (!s.seenReviews.includes(approval.reviewId)) {
      check.fail(`snapshot.approvals.${i}.reviewId`, `review ${approval.reviewId} is not among seenReviews`);
    }
  }
  const releasers = (s.pr.releasers ?? []).map(normalizeLogin);
  for (const [i, key] of releasers.entries()) {
    if (releasers.indexOf(key) !== i) check.fail(`snapshot.pr.releasers.${i}`, `releaser ${key} is listed twice`);
  }
}

/**
 * The kind a guard writes is the one the head branch has under its settings (`branchKind`): `classify`
 * at the start, the same again at every head (head branches never change), `protected` only for a pull
 * request that is not a release. The machine relies on it: a head change recognises the pull request
 * again from its branch and keeps the phase, so a kind forged against the branch would leave a snapshot
 * no guard wrote (a release phase of a pull request that is not a release, or the reverse), and before
 * that let a feature branch release and merge, or a release branch pass as not required.
 */
function checkKind(s: GuardSnapshot, settings: RestoreSettings, check: Checker): void {
  const branch = branchKind(s.pr, settings);
  if (s.kind === branch || (s.kind === 'protected' && branch !== 'release')) return;
  const source = s.pr.fromFork ? 'from a fork' : 'from the repository';
  check.fail(
    'snapshot.kind',
    `a ${s.kind} pull request cannot have its head branch (snapshot.pr.headRef, ${source}): the guard's releaseBranch makes it a ${branch} pull request`,
  );
}

function records(
  value: unknown,
  path: string,
  max: number,
  check: Checker,
  each: (entry: Record<string, unknown>, path: string) => void,
): void {
  if (!check.array(value, path, max)) return;
  value.forEach((entry, i) => {
    if (check.record(entry, join(path, i))) each(entry, join(path, i));
  });
}

function strings(
  value: unknown,
  path: string,
  max: number,
  check: Checker,
  options: { max?: number; pattern?: RegExp; hint?: string },
): void {
  if (!check.array(value, path, max)) return;
  value.forEach((entry, i) => {
    check.string(entry, join(path, i), options);
  });
}
