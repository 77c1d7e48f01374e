/**
 * The machine's chart: its phases and the transitions between them. Its parts stand in `machine/`:
 * the guards, the context and its updates, the effects, the messages and the shared transitions.
 */
import { and, assign, enqueueActions, not, or, setup } from 'xstate';
import type {
  AlertEffect,
  CommentEffect,
  DequeueEffect,
  MergeEffect,
  SetStatusEffect,
  StartReleaseEffect,
  VerifyArtifactsEffect,
} from './effects.js';
import type { GuardEvent } from './events.js';
import {
  addApproval,
  adoptHead,
  adoptVerdict,
  adoptVersion,
  type GuardContext,
  type GuardInput,
  INERT_INPUT,
  initialContext,
  learnMergeQueue,
  markQueued,
  markReleased,
  recordAlertedRun,
  recordArtifact,
  recordDequeue,
  recordFailure,
  recordFinishedRun,
  recordGroup,
  recordRejection,
  recordReview,
  recordRun,
  recordSuccess,
  recordViolation,
  removeApproval,
  requestMerge,
  requestRelease,
  timeline,
  timelineUpdate,
} from './machine/context.js';
import {
  alert,
  failStatus,
  lockHead,
  markReleasing,
  merge,
  skippedStatus,
  startRelease,
  unlockReleased,
  verifyArtifacts,
} from './machine/effects.js';
import type { Params } from './machine/event.js';
import { atomicGuards } from './machine/guards.js';
import {
  CLOSED_IGNORES,
  forbiddenMergeMessage,
  headMovedMessage,
  NO_APPROVAL_TO_RETRY,
  NOT_GUARDED,
  NOTHING_TO_RETRY_RELEASED,
  versionChangedMessage,
} from './machine/messages.js';
import { releasedQueue, skippedQueue, unclearedQueue } from './machine/queue.js';
import {
  additionalApproval,
  dismissal,
  ignoreAlways,
  ignored,
  ignoredApproval,
  ignoredFailure,
  liveHeadChange,
  mergedByHand,
  releaseFailures,
  relock,
  unapprovedRun,
  withdrawal,
} from './machine/transitions.js';
import type { Phase } from './snapshot.js';

export type { GuardContext, GuardInput } from './machine/context.js';
export { INERT_INPUT } from './machine/context.js';
export { requiredArtifacts } from './machine/effects.js';

const unfinishedRunOfHead = and(['isForHead', 'isRunEvent', not('isFinishedRun')]);

/**
 * The life of one pull request under release-guard, as an XState v5 machine. Effects are named
 * actions with typed params that do nothing here: `createGuard` collects them as data through the
 * pure `transition()`. The `IGNORE` action carries the reason an event changed nothing.
 */
export const releaseGuardMachine = setup({
  types: {
    context: {} as GuardContext,
    events: {} as GuardEvent,
    input: {} as GuardInput,
  },
  actions: {
    SET_STATUS: (_, _params: Params<SetStatusEffect>) => {},
    START_RELEASE: (_, _params: Params<StartReleaseEffect>) => {},
    VERIFY_ARTIFACTS: (_, _params: Params<VerifyArtifactsEffect>) => {},
    MERGE: (_, _params: Params<MergeEffect>) => {},
    DEQUEUE: (_, _params: Params<DequeueEffect>) => {},
    COMMENT: (_, _params: Params<CommentEffect>) => {},
    ALERT: (_, _params: Params<AlertEffect>) => {},
    IGNORE: (_, _params: { reason: string }) => {},
    adoptHead: assign(adoptHead),
    adoptVersion: assign(adoptVersion),
    adoptVerdict: assign(adoptVerdict),
    recordReview: assign(recordReview),
    addApproval: assign(addApproval),
    removeApproval: assign(removeApproval),
    requestRelease: assign(requestRelease),
    recordRun: assign(recordRun),
    recordSuccess: assign(recordSuccess),
    recordArtifact: assign(recordArtifact),
    recordFailure: assign(recordFailure),
    recordAlertedRun: assign(recordAlertedRun),
    markReleased: assign(markReleased),
    requestMerge: assign(requestMerge),
    recordRejection: assign(recordRejection),
    recordViolation: assign(recordViolation),
    learnMergeQueue: assign(learnMergeQueue),
    markQueued: assign(markQueued),
    recordDequeue: assign(recordDequeue),
    recordGroup: assign(recordGroup),
    /**
     * Adopts the new head (or the new version), locks it first, and alerts about the release run it
     * abandons. The alert is said from the context before the update, which forgets the run and what it released.
     */
    adoptAbandoningRun: enqueueActions(({ context, event, enqueue }, params: { moved: 'head' | 'version' }) => {
      const reason = (params.moved === 'head' ? headMovedMessage : versionChangedMessage)({ context, event });
      enqueue.assign(params.moved === 'head' ? adoptHead : adoptVersion);
      enqueue(lockHead as never);
      enqueue({ type: 'ALERT', params: { pr: context.pr.number, reason } } as never);
    }),
    /** Records the outcome of an unfinished run of the head that decided nothing (see `ignoredFailure`). */
    recordOutcome: enqueueActions(({ check, enqueue }) => {
      if (check('isUnfinishedRunOfHead')) enqueue.assign(recordFinishedRun);
    }),
    /** Appends a timeline entry and, for release pull requests, asks for the timeline comment to be updated. */
    updateTimeline: enqueueActions(({ context, event, enqueue }, params: { phase: Phase }) => {
      const update = timelineUpdate({ context, event }, params.phase);
      if (update === undefined) return;
      enqueue.assign({ timeline: update.timeline });
      // Inside setup() the named actions being defined are not yet in enqueue's type; COMMENT is one of them.
      enqueue({ type: 'COMMENT', params: update.comment } as never);
    }),
  },
  guards: {
    ...atomicGuards,
    /** The event is for the head: its commit, and its version when the event names one. */
    isForHead: and(['isForHeadCommit', not('isOfAnotherVersion')]),
    isNewHead: and(['isHeadChange', not('isForHead')]),
    isFreshApproval: and([
      'isApproval',
      'isAuthorizedReviewer',
      not('isByReleaser'),
      'isForHead',
      not('isSeenReview'),
      'hasVersion',
    ]),
    dismissesLastApproval: and(['dismissesAnApproval', 'hasSingleApproval']),
    isRelocked: not('hasStandingApproval'),
    /** For the head, from a run whose outcome is not recorded yet (a late or redelivered run event is not). */
    isUnfinishedRunOfHead: unfinishedRunOfHead,
    /**
     * An unfinished run of the head that may speak for the release: not one alerted as running without an
     * approval, unless a new approval took it for its release (it is then the recorded run). A run alerted
     * while no approval stood never replaces the release under way, and its failure never fails it.
     */
    isLiveRunOfHead: and(['isUnfinishedRunOfHead', or([not('isAlertedRun'), 'isCurrentRun'])]),
    // Once a run of the head succeeded, another run's start (late, or an earlier cycle's) never replaces it.
    isNewRunOfHead: and(['isLiveRunOfHead', not('isReleaseSucceeded'), not('isCurrentRun')]),
    isRerunOfRelease: and(['isRerunOfReleaseRun', 'isLiveRunOfHead', 'hasStandingApproval']),
    isUnapprovedRunOfHead: and(['isUnfinishedRunOfHead', not('isAlertedRun')]),
    // A new approval's release is any unfinished run of the head, one alerted before it included: the
    // guard dispatched that run for this very SHA, and starting another would release it twice.
    isAdoptableRunOfHead: unfinishedRunOfHead,
    isFailureOfCurrentRun: and(['isLiveRunOfHead', or([not('hasReleaseRun'), 'isCurrentRun'])]),
    completesRelease: and(['isLiveRunOfHead', not('isReleaseSucceeded'), not('hasUnverifiedArtifacts')]),
    isNewSuccessOfHead: and(['isLiveRunOfHead', not('isReleaseSucceeded')]),
    completesVerification: and(['isForHead', 'isReleaseSucceeded', 'isLastUnverifiedArtifact']),
    isNewArtifactOfHead: and(['isForHead', 'isUnverifiedArtifact']),
    /** For the merge waiting for an answer; a refusal for the merge queue answers only a direct merge. */
    isAnswerToMerge: and([
      'isForHead',
      'isAwaitingMergeAnswer',
      not(and(['isMergeQueueRejection', 'knowsMergeQueue'])),
    ]),
    canRetryMerge: and(['hasRefusedMerge', 'hasStandingApproval']),
    /** A merge of the head stands: asked for and not answered, or standing in the merge queue. */
    hasStandingMerge: or(['isAwaitingMergeAnswer', 'isQueued']),
    /** A merge of a release that was not approved, released and verified, or of a protected pull request. */
    isBypass: and(['isMerge', or([and(['isReleasePr', not('isMergeOfReleasedSha')]), 'isProtectedPr'])]),
  },
}).createMachine({
  id: 'releaseGuard',
  // XState's pure transition() builds a throwaway actor that runs the initial transition without input.
  // Giving it a valid, non-release context keeps that detour to one cheap status (instead of an exception
  // thrown and caught on every step); its result is discarded.
  context: ({ input }) => initialContext(input ?? INERT_INPUT),
  initial: 'classify',
  states: {
    classify: {
      always: [
        { guard: 'isReleasePr', target: 'prepared', actions: [lockHead] },
        { target: 'skipped', actions: [skippedStatus] },
      ],
    },
    skipped: {
      on: {
        HEAD_CHANGED: [
          { guard: 'isNewHead', actions: ['adoptHead', skippedStatus] },
          { guard: 'changesVerdict', actions: ['adoptVerdict', skippedStatus] },
          ...ignored('skipped'),
        ],
        ...skippedQueue(),
        MERGED: mergedByHand(),
        CLOSED: { target: 'closed' },
        '*': { actions: ignoreAlways(NOT_GUARDED) },
      },
    },
    prepared: {
      entry: timeline('prepared'),
      on: {
        HEAD_CHANGED: liveHeadChange('prepared'),
        APPROVED: [
          {
            guard: 'isFreshApproval',
            target: 'approved',
            actions: ['recordReview', 'addApproval', 'requestRelease', startRelease],
          },
          ...ignoredApproval('prepared'),
        ],
        APPROVAL_DISMISSED: dismissal('prepared'),
        RELEASE_STARTED: unapprovedRun('prepared'),
        RELEASE_SUCCEEDED: unapprovedRun('prepared'),
        RELEASE_FAILED: ignoredFailure('prepared'),
        ...unclearedQueue('prepared'),
        MERGED: mergedByHand(),
        CLOSED: { target: 'closed' },
        '*': ignored('prepared'),
      },
    },
    approved: {
      entry: timeline('approved'),
      on: {
        HEAD_CHANGED: liveHeadChange('approved'),
        APPROVED: additionalApproval('approved'),
        APPROVAL_DISMISSED: withdrawal('approved'),
        RELEASE_STARTED: [
          { guard: 'isAdoptableRunOfHead', target: 'releasing', actions: ['recordRun'] },
          ...ignored('approved'),
        ],
        RELEASE_SUCCEEDED: [
          { guard: 'completesRelease', target: 'released', actions: ['recordSuccess'] },
          { guard: 'isNewSuccessOfHead', target: 'releasing', actions: ['recordSuccess', verifyArtifacts] },
          ...ignored('approved'),
        ],
        ARTIFACT_VERIFIED: [{ guard: 'isNewArtifactOfHead', actions: ['recordArtifact'] }, ...ignored('approved')],
        ...releaseFailures('approved'),
        ...unclearedQueue('approved'),
        MERGED: mergedByHand(),
        CLOSED: { target: 'closed' },
        '*': ignored('approved'),
      },
    },
    releasing: {
      entry: timeline('releasing'),
      on: {
        HEAD_CHANGED: [
          {
            guard: 'isNewHead',
            target: 'prepared',
            actions: [{ type: 'adoptAbandoningRun', params: { moved: 'head' } }],
          },
          {
            guard: 'changesVersion',
            target: 'prepared',
            actions: [{ type: 'adoptAbandoningRun', params: { moved: 'version' } }],
          },
          ...ignored('releasing'),
        ],
        APPROVED: additionalApproval('releasing'),
        APPROVAL_DISMISSED: withdrawal('releasing'),
        RELEASE_STARTED: [{ guard: 'isNewRunOfHead', actions: ['recordRun'] }, ...ignored('releasing')],
        RELEASE_SUCCEEDED: [
          { guard: 'completesRelease', target: 'released', actions: ['recordSuccess'] },
          { guard: 'isNewSuccessOfHead', actions: ['recordSuccess', verifyArtifacts] },
          ...ignored('releasing'),
        ],
        ARTIFACT_VERIFIED: [
          { guard: 'completesVerification', target: 'released', actions: ['recordArtifact'] },
          { guard: 'isNewArtifactOfHead', actions: ['recordArtifact'] },
          ...ignored('releasing'),
        ],
        ...releaseFailures('releasing'),
        ...unclearedQueue('releasing'),
        MERGED: mergedByHand(),
        CLOSED: { target: 'closed' },
        '*': ignored('releasing'),
      },
    },
    released: {
      entry: ['markReleased', unlockReleased, 'requestMerge', merge, timeline('released')],
      on: {
        HEAD_CHANGED: liveHeadChange('released'),
        APPROVED: [
          // A released head locked again by a dismissal: a new approval unlocks it without a second release.
          {
            guard: and(['isFreshApproval', 'isRelocked', 'hasStandingMerge']),
            actions: ['recordReview', 'addApproval', unlockReleased, timeline('released')],
          },
          {
            guard: and(['isFreshApproval', 'isRelocked']),
            actions: ['recordReview', 'addApproval', unlockReleased, 'requestMerge', merge, timeline('released')],
          },
          ...additionalApproval('released'),
        ],
        APPROVAL_DISMISSED: relock(),
        MERGE_REJECTED: [
          {
            guard: and(['isAnswerToMerge', 'isForbidden']),
            actions: ['recordRejection', alert(forbiddenMergeMessage), timeline('released')],
          },
          // The base branch requires a merge queue: the guard learns it and enqueues the release at once.
          {
            guard: and(['isAnswerToMerge', 'isMergeQueueRejection', 'hasStandingApproval']),
            actions: ['learnMergeQueue', 'requestMerge', merge, timeline('released')],
          },
          { guard: 'isAnswerToMerge', actions: ['recordRejection', timeline('released')] },
          ...ignored('released'),
        ],
        RETRY: [
          { guard: 'canRetryMerge', actions: ['requestMerge', merge] },
          ...ignored('released', NOTHING_TO_RETRY_RELEASED),
        ],
        RELEASE_FAILED: ignoredFailure('released'),
        ...releasedQueue(),
        MERGED: mergedByHand(),
        CLOSED: { target: 'closed' },
        '*': ignored('released'),
      },
    },
    failed: {
      entry: [failStatus, timeline('failed')],
      on: {
        HEAD_CHANGED: liveHeadChange('failed'),
        APPROVED: [
          {
            guard: 'isFreshApproval',
            target: 'approved',
            actions: ['recordReview', 'addApproval', 'requestRelease', markReleasing, startRelease],
          },
          ...ignoredApproval('failed'),
        ],
        RETRY: [
          {
            guard: 'hasStandingApproval',
            target: 'approved',
            actions: ['requestRelease', markReleasing, startRelease],
          },
          ...ignored('failed', [NO_APPROVAL_TO_RETRY]),
        ],
        APPROVAL_DISMISSED: dismissal('failed'),
        RELEASE_STARTED: [
          // A new attempt of the release run that failed (GitHub's "Re-run jobs"), while an approval stands: a retry.
          { guard: 'isRerunOfRelease', target: 'releasing', actions: ['requestRelease', 'recordRun', markReleasing] },
          ...unapprovedRun('failed'),
        ],
        RELEASE_FAILED: ignoredFailure('failed'),
        ...unclearedQueue('failed'),
        MERGED: mergedByHand(),
        CLOSED: { target: 'closed' },
        '*': ignored('failed'),
      },
    },
    merged: {
      type: 'final',
      entry: timeline('merged'),
    },
    closed: {
      entry: timeline('closed'),
      on: {
        // GitHub merges only open pull requests: the reopening was not delivered, the merge is final.
        MERGED: mergedByHand(),
        REOPENED: [
          { guard: 'isReleasePr', target: 'prepared', actions: ['adoptHead', lockHead] },
          { target: 'skipped', actions: ['adoptHead', skippedStatus] },
        ],
        '*': { actions: ignoreAlways(CLOSED_IGNORES) },
      },
    },
  },
});
