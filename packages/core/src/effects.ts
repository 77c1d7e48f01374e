import type { MergeMethod } from './config.js';

export type StatusState = 'pending' | 'success' | 'failure' | 'error';

/** Set the guard's commit status (or check run) on `sha`. */
export interface SetStatusEffect {
  type: 'SET_STATUS';
  sha: string;
  state: StatusState;
  /** At most 140 characters (GitHub's limit). */
  description: string;
  /** The status context from the configuration, e.g. `release`. */
  context: string;
  targetUrl?: string;
}
/** Start the release of `sha` (dispatch the release workflow, or release in the current run). */
export interface StartReleaseEffect {
  type: 'START_RELEASE';
  sha: string;
  version?: string;
}
/** Look each artifact up in its registry; answer with `ARTIFACT_VERIFIED` or `ARTIFACT_MISSING` per artifact. */
export interface VerifyArtifactsEffect {
  type: 'VERIFY_ARTIFACTS';
  sha: string;
  artifacts: { name: string; ref: string }[];
}
/**
 * Merge pull request `pr` only if its head is still `sha` (compare-and-swap): directly (`via: 'merge'`),
 * or, when its base branch requires a merge queue, by enqueueing it (`via: 'queue'`, GraphQL
 * `enqueuePullRequest` with `expectedHeadOid` = `sha`).
 */
export interface MergeEffect {
  type: 'MERGE';
  pr: number;
  sha: string;
  method: MergeMethod;
  via: 'merge' | 'queue';
}
/** Take pull request `pr`, at head `sha`, out of the merge queue (GraphQL `dequeuePullRequest`). */
export interface DequeueEffect {
  type: 'DEQUEUE';
  pr: number;
  sha: string;
}
/** Create or update the pull request's single timeline comment with `body`. */
export interface CommentEffect {
  type: 'COMMENT';
  pr: number;
  body: string;
}
/** Something needs a human: a bypassed guard, a release nobody approved, a forbidden merge. */
export interface AlertEffect {
  type: 'ALERT';
  pr: number;
  reason: string;
}

/** What the guard asks the outside world to do. Effects are data; the core executes none of them. */
export type Effect =
  | SetStatusEffect
  | StartReleaseEffect
  | VerifyArtifactsEffect
  | MergeEffect
  | DequeueEffect
  | CommentEffect
  | AlertEffect;

export type EffectType = Effect['type'];

export const EFFECT_TYPES: readonly EffectType[] = [
  'SET_STATUS',
  'START_RELEASE',
  'VERIFY_ARTIFACTS',
  'MERGE',
  'DEQUEUE',
  'COMMENT',
  'ALERT',
];
