import type { Id } from './events.js';
import type { PullRequestKind } from './pull-request.js';

/** Where a pull request stands. */
export type Phase = 'skipped' | 'prepared' | 'approved' | 'releasing' | 'released' | 'merged' | 'failed' | 'closed';

export const PHASES: readonly Phase[] = [
  'skipped',
  'prepared',
  'approved',
  'releasing',
  'released',
  'merged',
  'failed',
  'closed',
];

/** Phases of a release pull request in which it can still move towards `merged`. */
export const LIVE_PHASES: readonly Phase[] = ['prepared', 'approved', 'releasing', 'released', 'failed'];

/** A standing approval of the head SHA. */
export interface ApprovalRecord {
  reviewId: string;
  reviewer: string;
}

/** The release of the head SHA in the current epoch. */
export interface ReleaseRecord {
  /** The run attempt last seen for the head, if any. */
  runId?: string;
  state: 'none' | 'requested' | 'running' | 'succeeded';
}

/**
 * The guard's merge of the head SHA: asked for and waiting for an answer (`requested`), refused or out
 * of the merge queue again (`rejected`), or standing in the merge queue (`queued`).
 */
export interface MergeRecord {
  state: 'none' | 'requested' | 'rejected' | 'queued';
  /** Why GitHub refused the last merge, or why the pull request left the merge queue, when `state` is `rejected`. */
  rejection?: string;
  /** How many times the guard asked to enqueue the head (`MERGE` via the queue) and was not refused; absent while none. */
  enqueues?: number;
}

/** The times the guard enqueues one head again after it left the merge queue, before it alerts instead. */
export const MAX_ENQUEUES = 3;

export interface TimelineEntry {
  phase: Phase;
  sha: string;
  note: string;
  at?: string;
}

/**
 * Everything the guard knows about one pull request: a plain, JSON-safe object. It is bounded in size
 * whatever the history: the lists below keep only their most recent entries (see `LIMITS`).
 */
export interface GuardSnapshot {
  phase: Phase;
  pr: {
    number: number;
    headRef: string;
    baseRef: string;
    fromFork: boolean;
    /** The release's version, as read from `versionSource` (or given): absent while it cannot be read. */
    version?: string;
    /** Why the version of a release pull request cannot be read: it stays locked until it can. */
    versionProblem?: string;
    versions?: Record<string, string>;
    /**
     * Everyone the guard was ever told prepared this release (`PullRequest.releasers`), in the order it
     * learnt of them: it only grows, so their approvals never count, even after they leave the list
     * GitHub shows. Absent when no releaser was ever given; never empty.
     */
    releasers?: string[];
    /** Whether the base branch requires a merge queue, once the guard was told (`PullRequest.mergeQueue`) or learnt it. */
    mergeQueue?: boolean;
  };
  kind: PullRequestKind;
  /** Why a `protected` pull request fails: the status it gets (a protected path it changes, or unknown files). */
  protection?: string;
  headSha: string;
  /** Counts head changes and reopenings: approvals and releases belong to one epoch and never carry over. */
  epoch: number;
  approvals: ApprovalRecord[];
  release: ReleaseRecord;
  /** Artifacts verified present for the head, with their digests. */
  verified: { name: string; digest: string }[];
  merge: MergeRecord;
  /** Why the release failed, while `phase` is `failed`. */
  failure?: string;
  /** Every review id ever delivered, so that a redelivered or earlier-epoch approval never counts again. */
  seenReviews: string[];
  /** SHAs that were approved, released and verified: only these may be merged without a violation. */
  releasedShas: string[];
  /** Release runs nobody approved that were already reported, so a redelivery does not alert twice. */
  alertedRuns: string[];
  /** Release runs whose outcome was recorded: a late or redelivered event of theirs changes nothing. */
  finishedRuns: string[];
  /** Merges that bypassed the guard. */
  violations: string[];
  /** Merge groups (their head commits) the guard gave a verdict, so that a redelivery writes nothing; absent while none. */
  groups?: string[];
  timeline: TimelineEntry[];
}

/** Upper bounds of the snapshot's lists; older entries are dropped first. */
export const LIMITS = {
  approvals: 20,
  seenReviews: 100,
  releasedShas: 10,
  alertedRuns: 20,
  finishedRuns: 20,
  violations: 10,
  timeline: 25,
  verified: 20,
  groups: 20,
} as const;

/** Characters kept of a free text in the snapshot (failure reason, merge refusal, timeline note, violation). */
export const TEXT_LIMIT = 200;

export function pushBounded<T>(list: readonly T[], item: T, max: number): T[] {
  const next = [...list, item];
  return next.length > max ? next.slice(next.length - max) : next;
}

export function idString(id: Id): string {
  return String(id);
}
