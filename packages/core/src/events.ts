import { Checker } from './check.js';
import { GuardEventError } from './errors.js';
import { checkHeadFacts, HEAD_FACT_KEYS, type HeadFacts } from './head-facts.js';

/** A GitHub id (review, workflow run attempt): a number or a string, compared as a string. */
export type Id = string | number;

/** Fields every event may carry. The core reads no clock: `at` is the caller's ISO time, shown in the timeline. */
interface EventBase {
  at?: string;
}

/**
 * The pull request's head is `sha`, with the facts of that head (`HeadFacts`) that recognising it needs.
 * A SHA other than the head is a push (a force-push, a rebase): changed files and file contents left out
 * are unknown there (the guard fails closed), the title is unchanged. The head's own SHA is an edit
 * without a push (the title, the base branch): a fact left out is unchanged, and facts that change a
 * release's version lock it again as a push does, since an approval covers one version of one commit.
 */
export interface HeadChangedEvent extends EventBase, HeadFacts {
  type: 'HEAD_CHANGED';
  sha: string;
}
/** A review approved `sha`. `authorized` says whether the reviewer may approve releases (decided by the adapter). */
export interface ApprovedEvent extends EventBase {
  type: 'APPROVED';
  sha: string;
  reviewId: Id;
  reviewer: string;
  authorized: boolean;
}
export interface ApprovalDismissedEvent extends EventBase {
  type: 'APPROVAL_DISMISSED';
  reviewId: Id;
  reviewer: string;
}
/**
 * A release run attempt for `sha` started; `runId` identifies the attempt. `rerunOf` says that it is a
 * new attempt of the same run as the attempt `rerunOf` (GitHub's "Re-run jobs"), as the caller, who
 * knows how its ids are made, tells: a re-run of the release run that failed or timed out, while an
 * approval of the head stands, is a retry of that release.
 */
export interface ReleaseStartedEvent extends EventBase, RunVersion {
  type: 'RELEASE_STARTED';
  sha: string;
  runId: Id;
  rerunOf?: Id;
}
export interface ReleaseSucceededEvent extends EventBase, RunVersion {
  type: 'RELEASE_SUCCEEDED';
  sha: string;
  runId: Id;
}
export interface ReleaseFailedEvent extends EventBase, RunVersion {
  type: 'RELEASE_FAILED';
  sha: string;
  runId: Id;
  reason: string;
}
/**
 * What a release run releases, when the caller knows it. A release pull request's version may change
 * while its head does not (an edited title): a run of the same commit may release another version.
 */
interface RunVersion {
  /** The version the run releases (the `version` of the `START_RELEASE` it answers): a run of another version than the head's is not its release. */
  version?: string;
}
/** What an answer to `VERIFY_ARTIFACTS` looked up, when the caller says so: the same commit may have another version. */
interface ArtifactRef {
  /** The ref looked up (from `VERIFY_ARTIFACTS`): an answer for another ref than the artifact's at the head's version is stale. */
  ref?: string;
}
/** The artifact `name` of the release of `sha` was found in its registry. */
export interface ArtifactVerifiedEvent extends EventBase, ArtifactRef {
  type: 'ARTIFACT_VERIFIED';
  sha: string;
  name: string;
  digest: string;
}
export interface ArtifactMissingEvent extends EventBase, ArtifactRef {
  type: 'ARTIFACT_MISSING';
  sha: string;
  name: string;
  reason: string;
}
/** The pull request was merged at `sha`, by the guard or by anyone else. */
export interface MergedEvent extends EventBase {
  type: 'MERGED';
  sha: string;
  by: string;
}
/**
 * Why GitHub refused the guard's merge: the head moved, the pull request cannot be merged yet, the guard
 * may not merge, or the base branch requires a merge queue (a direct merge is refused: enqueue it).
 */
export type MergeRejectionReason = 'head-changed' | 'not-mergeable' | 'forbidden' | 'merge-queue';
/** GitHub refused the guard's merge of `sha`. */
export interface MergeRejectedEvent extends EventBase {
  type: 'MERGE_REJECTED';
  sha: string;
  reason: MergeRejectionReason;
  message: string;
}
export interface ClosedEvent extends EventBase {
  type: 'CLOSED';
}
/** The pull request was reopened at `sha`, with the facts of that head, as `HEAD_CHANGED` takes them. */
export interface ReopenedEvent extends EventBase, HeadFacts {
  type: 'REOPENED';
  sha: string;
}
/**
 * The pull request entered the merge queue at its head `sha`: the answer to a `MERGE` via the queue, or
 * a `pull_request` `enqueued` delivery. A head that is not cleared (approved, released and verified) is
 * ignored with a reason: the queue's required check fails it.
 */
export interface EnqueuedEvent extends EventBase {
  type: 'ENQUEUED';
  sha: string;
}
/**
 * The pull request left the merge queue without being merged (`pull_request` `dequeued`, or a merge
 * group destroyed other than merged); `reason` says why, as GitHub gives it.
 */
export interface DequeuedEvent extends EventBase {
  type: 'DEQUEUED';
  sha: string;
  reason: string;
}
/**
 * A merge group for the pull request at head `sha` was created (`merge_group` `checks_requested`):
 * `groupSha` is the group's head commit, which the required checks must report on.
 */
export interface MergeGroupEvent extends EventBase {
  type: 'MERGE_GROUP';
  sha: string;
  groupSha: string;
}
/** Try again what failed: the release (in `failed`), the merge (after `MERGE_REJECTED`), or a lost verification. */
export interface RetryEvent extends EventBase {
  type: 'RETRY';
}
/** The release of `sha` took longer than allowed (fired by a scheduled sweep). */
export interface TimedOutEvent extends EventBase {
  type: 'TIMED_OUT';
  sha: string;
}

/** Everything the guard reacts to. */
export type GuardEvent =
  | HeadChangedEvent
  | ApprovedEvent
  | ApprovalDismissedEvent
  | ReleaseStartedEvent
  | ReleaseSucceededEvent
  | ReleaseFailedEvent
  | ArtifactVerifiedEvent
  | ArtifactMissingEvent
  | MergedEvent
  | MergeRejectedEvent
  | ClosedEvent
  | ReopenedEvent
  | RetryEvent
  | TimedOutEvent
  | EnqueuedEvent
  | DequeuedEvent
  | MergeGroupEvent;

export type GuardEventType = GuardEvent['type'];

export const MERGE_REJECTION_REASONS: readonly MergeRejectionReason[] = [
  'head-changed',
  'not-mergeable',
  'forbidden',
  'merge-queue',
];

type FieldKind = 'sha' | 'id' | 'text' | 'name' | 'digest' | 'login' | 'boolean' | 'reason' | 'version' | 'ref';
/** Each event's fields; a kind ending in `?` marks a field that may be left out. */
const FIELDS: { readonly [T in GuardEventType]: Readonly<Record<string, FieldKind | `${FieldKind}?`>> } = {
  HEAD_CHANGED: { sha: 'sha' },
  APPROVED: { sha: 'sha', reviewId: 'id', reviewer: 'login', authorized: 'boolean' },
  APPROVAL_DISMISSED: { reviewId: 'id', reviewer: 'login' },
  RELEASE_STARTED: { sha: 'sha', runId: 'id', rerunOf: 'id?', version: 'version?' },
  RELEASE_SUCCEEDED: { sha: 'sha', runId: 'id', version: 'version?' },
  RELEASE_FAILED: { sha: 'sha', runId: 'id', reason: 'text', version: 'version?' },
  ARTIFACT_VERIFIED: { sha: 'sha', name: 'name', digest: 'digest', ref: 'ref?' },
  ARTIFACT_MISSING: { sha: 'sha', name: 'name', reason: 'text', ref: 'ref?' },
  MERGED: { sha: 'sha', by: 'login' },
  MERGE_REJECTED: { sha: 'sha', reason: 'reason', message: 'text' },
  CLOSED: {},
  REOPENED: { sha: 'sha' },
  RETRY: {},
  TIMED_OUT: { sha: 'sha' },
  ENQUEUED: { sha: 'sha' },
  DEQUEUED: { sha: 'sha', reason: 'text' },
  MERGE_GROUP: { sha: 'sha', groupSha: 'sha' },
};

/** The events that may carry the facts of the head (`HeadFacts`). */
const FACT_EVENTS: readonly GuardEventType[] = ['HEAD_CHANGED', 'REOPENED'];

/** Every event type, in the order of the reference. */
export const EVENT_TYPES: readonly GuardEventType[] = Object.freeze(Object.keys(FIELDS) as GuardEventType[]);

/** A commit SHA: 7 to 64 hexadecimal characters (SHA-1 or SHA-256 object names, abbreviated or full). */
export const SHA_PATTERN = /^[0-9a-f]{7,64}$/;
/** Longest free text accepted in an event (failure reasons, messages); the snapshot keeps less. */
const MAX_TEXT = 4096;
/** Longest id or login: GitHub's are far shorter; the bound keeps the snapshot small. */
export const MAX_ID_LENGTH = 64;

/**
 * Checks that `value` is a well-formed `GuardEvent` and returns it; throws `GuardEventError` naming
 * each bad field otherwise. Extra fields are rejected so that a typo cannot silently drop data.
 */
export function parseEvent(value: unknown): GuardEvent {
  const check = new Checker();
  if (!check.record(value, '')) throw new GuardEventError('Malformed guard event', check.issues);
  if (!check.oneOf(value.type, 'type', EVENT_TYPES)) throw new GuardEventError('Malformed guard event', check.issues);
  const fields = FIELDS[value.type];
  const facts = FACT_EVENTS.includes(value.type) ? HEAD_FACT_KEYS : [];
  check.onlyKeys(value, '', ['type', 'at', ...Object.keys(fields), ...facts]);
  if (facts.length > 0) checkHeadFacts(value, '', check);
  if (value.at !== undefined) check.string(value.at, 'at', { max: 64 });
  for (const [key, declared] of Object.entries(fields)) {
    const field = value[key];
    const kind = declared.endsWith('?') ? declared.slice(0, -1) : declared;
    if (kind !== declared && field === undefined) continue;
    if (kind === 'sha') check.string(field, key, { pattern: SHA_PATTERN, hint: 'a lowercase hexadecimal commit SHA' });
    else if (kind === 'id') check.id(field, key, MAX_ID_LENGTH);
    else if (kind === 'text') check.string(field, key, { max: MAX_TEXT });
    else if (kind === 'name') check.string(field, key, { max: 100 });
    else if (kind === 'digest') check.string(field, key, { max: 150 });
    else if (kind === 'login') check.string(field, key, { max: MAX_ID_LENGTH });
    else if (kind === 'boolean') check.boolean(field, key);
    else if (kind === 'version') check.string(field, key, { max: 100 });
    else if (kind === 'ref') check.string(field, key, { max: 1000 });
    else check.oneOf(field, key, MERGE_REJECTION_REASONS);
  }
  if (!check.ok) throw new GuardEventError(`Malformed ${value.type} event`, check.issues);
  return value as unknown as GuardEvent;
}
