/**
 * The machine's atomic guards: each asks one plain question of the event or the context. The chart
 * (`machine.ts`) composes the guards its transitions name from these with XState's `and`, `or` and
 * `not`, and the reasons an event was ignored (`messages.ts`) name the same guards.
 */
import { isReleaser } from '../pull-request.js';
import { idString, MAX_ENQUEUES } from '../snapshot.js';
import { requiredArtifacts, unverified } from './effects.js';
import { type Args, reviewIdOf, runIdOf, shaOf } from './event.js';
import { editedRecognition } from './recognition.js';

export const atomicGuards = {
  /** The pull request is a release pull request: a release branch, not from a fork. */
  isReleasePr: ({ context }: Args) => context.kind === 'release',
  /** The pull request is not a release and changes release-managed files (or may: its files are not all known). */
  isProtectedPr: ({ context }: Args) => context.kind === 'protected',
  /** The version of the release can be read. */
  hasVersion: ({ context }: Args) => context.pr.versionProblem === undefined,

  // ---- The head and its approvals

  /** The event names a commit: it carries a SHA. */
  carriesSha: ({ event }: Args) => shaOf(event) !== undefined,
  /** The event carries the head's SHA. */
  isForHeadCommit: ({ context, event }: Args) => shaOf(event) === context.headSha,
  /**
   * The event names what it released or looked up, and that is not the head's: a run of another version
   * (`version`), or an artifact ref other than the one at the head's version (`ref`). The version of a
   * head may change while its commit does not (an edited title).
   */
  isOfAnotherVersion: ({ context, event }: Args) => {
    if ((event.type === 'ARTIFACT_VERIFIED' || event.type === 'ARTIFACT_MISSING') && event.ref !== undefined) {
      const artifact = requiredArtifacts(context).find((a) => a.name === event.name);
      return artifact !== undefined && artifact.ref !== event.ref;
    }
    const version = 'version' in event ? event.version : undefined;
    return version !== undefined && version !== context.pr.version;
  },
  /** The head moved (`HEAD_CHANGED`). */
  isHeadChange: ({ event }: Args) => event.type === 'HEAD_CHANGED',
  /**
   * A `HEAD_CHANGED` of the head itself (an edit without a push) whose facts change the release's
   * version, or why it cannot be read.
   */
  changesVersion: (args: Args) => {
    if (args.event.type !== 'HEAD_CHANGED' || args.event.sha !== args.context.headSha) return false;
    const { version, versionProblem } = editedRecognition(args);
    return version !== args.context.pr.version || versionProblem !== args.context.pr.versionProblem;
  },
  /**
   * A `HEAD_CHANGED` of the head itself whose facts change the verdict on a pull request that is not a
   * release (its kind, why it is protected).
   */
  changesVerdict: (args: Args) => {
    if (args.event.type !== 'HEAD_CHANGED' || args.event.sha !== args.context.headSha) return false;
    const { kind, protection } = editedRecognition(args);
    return kind !== args.context.kind || protection !== args.context.protection;
  },
  /** A review approved a SHA (`APPROVED`). */
  isApproval: ({ event }: Args) => event.type === 'APPROVED',
  /** An approval by a reviewer who may approve releases (as the adapter decided). */
  isAuthorizedReviewer: ({ event }: Args) => event.type === 'APPROVED' && event.authorized,
  /** An approval by one of those who prepared the release. */
  isByReleaser: ({ context, event }: Args) =>
    event.type === 'APPROVED' && isReleaser(context.pr.releasers, event.reviewer),
  /** The event's review was delivered before (in any epoch). */
  isSeenReview: ({ context, event }: Args) => {
    const reviewId = reviewIdOf(event);
    return reviewId !== undefined && context.seenReviews.includes(reviewId);
  },
  /** An approval was dismissed (`APPROVAL_DISMISSED`). */
  isDismissal: ({ event }: Args) => event.type === 'APPROVAL_DISMISSED',
  /** The event's review is a standing approval of the head. */
  dismissesAnApproval: ({ context, event }: Args) => context.approvals.some((a) => a.reviewId === reviewIdOf(event)),
  /** Exactly one approval of the head stands. */
  hasSingleApproval: ({ context }: Args) => context.approvals.length === 1,
  /** At least one approval of the head stands. */
  hasStandingApproval: ({ context }: Args) => context.approvals.length > 0,

  // ---- Release runs

  /** The event reports on a release run: it carries a run id. */
  isRunEvent: ({ event }: Args) => runIdOf(event) !== undefined,
  /** A release run started (`RELEASE_STARTED`). */
  isRunStart: ({ event }: Args) => event.type === 'RELEASE_STARTED',
  /** A release run failed (`RELEASE_FAILED`). */
  isRunFailure: ({ event }: Args) => event.type === 'RELEASE_FAILED',
  /** The event's run has a recorded outcome already. */
  isFinishedRun: ({ context, event }: Args) => {
    const runId = runIdOf(event);
    return runId !== undefined && context.finishedRuns.includes(runId);
  },
  /** The event's run was alerted as running while no approval stood. */
  isAlertedRun: ({ context, event }: Args) => {
    const runId = runIdOf(event);
    return runId !== undefined && context.alertedRuns.includes(runId);
  },
  /** The event's run is the release run recorded for the head. */
  isCurrentRun: ({ context, event }: Args) => {
    const runId = runIdOf(event);
    return runId !== undefined && context.release.runId === runId;
  },
  /** A release run of the head is recorded. */
  hasReleaseRun: ({ context }: Args) => context.release.runId !== undefined,
  /** A run started as a new attempt of the recorded release run (GitHub's "Re-run jobs"). */
  isRerunOfReleaseRun: ({ context, event }: Args) =>
    event.type === 'RELEASE_STARTED' &&
    event.rerunOf !== undefined &&
    context.release.runId !== undefined &&
    idString(event.rerunOf) === context.release.runId,
  /** A release run of the head succeeded. */
  isReleaseSucceeded: ({ context }: Args) => context.release.state === 'succeeded',

  // ---- Artifacts

  /** Some artifact required before unlock is not verified yet. */
  hasUnverifiedArtifacts: ({ context }: Args) => unverified(context).length > 0,
  /** An artifact verified (`ARTIFACT_VERIFIED`) that is required and not verified yet. */
  isUnverifiedArtifact: ({ context, event }: Args) =>
    event.type === 'ARTIFACT_VERIFIED' && unverified(context).some((a) => a.name === event.name),
  /** An artifact verified (`ARTIFACT_VERIFIED`) that is the last required one not verified yet. */
  isLastUnverifiedArtifact: ({ context, event }: Args) => {
    const remaining = unverified(context);
    return event.type === 'ARTIFACT_VERIFIED' && remaining.length === 1 && remaining[0]?.name === event.name;
  },

  // ---- Merges

  /** The guard's merge of the head waits for GitHub's answer. */
  isAwaitingMergeAnswer: ({ context }: Args) => context.merge.state === 'requested',
  /** GitHub refused the guard's last merge of the head. */
  hasRefusedMerge: ({ context }: Args) => context.merge.state === 'rejected',
  /** GitHub refused a merge (`MERGE_REJECTED`). */
  isMergeRejection: ({ event }: Args) => event.type === 'MERGE_REJECTED',
  /** GitHub refused a merge because the guard may not merge. */
  isForbidden: ({ event }: Args) => event.type === 'MERGE_REJECTED' && event.reason === 'forbidden',
  /** The pull request was merged (`MERGED`). */
  isMerge: ({ event }: Args) => event.type === 'MERGED',
  /** A merge of a SHA that was approved, released and verified. */
  isMergeOfReleasedSha: ({ context, event }: Args) =>
    event.type === 'MERGED' && context.releasedShas.includes(event.sha),

  // ---- The merge queue

  /** The base branch requires a merge queue, as the guard was told (`PullRequest.mergeQueue`) or learnt. */
  knowsMergeQueue: ({ context }: Args) => context.pr.mergeQueue === true,
  /** The pull request stands in the merge queue, as the guard knows. */
  isQueued: ({ context }: Args) => context.merge.state === 'queued',
  /** The guard has not yet enqueued the head `MAX_ENQUEUES` times. */
  hasEnqueuesLeft: ({ context }: Args) => (context.merge.enqueues ?? 0) < MAX_ENQUEUES,
  /** GitHub refused a direct merge because the base branch requires a merge queue. */
  isMergeQueueRejection: ({ event }: Args) => event.type === 'MERGE_REJECTED' && event.reason === 'merge-queue',
  /** The pull request entered the merge queue (`ENQUEUED`). */
  isEnqueue: ({ event }: Args) => event.type === 'ENQUEUED',
  /** The pull request left the merge queue (`DEQUEUED`). */
  isDequeue: ({ event }: Args) => event.type === 'DEQUEUED',
  /** A merge group whose head commit the guard already gave a verdict (`MERGE_GROUP`). */
  isJudgedGroup: ({ context, event }: Args) =>
    event.type === 'MERGE_GROUP' && (context.groups ?? []).includes(event.groupSha),

  // ---- Commands

  /** Try again what failed (`RETRY`). */
  isRetry: ({ event }: Args) => event.type === 'RETRY',
};
