/**
 * The machine's chart: its phases and the transitions between them. Its parts stand in `machine/`:
 * the guards, the context and its updates, the effects, the messages and the shared transitions.
 */
import { and, assign, enqueueActions, setup } from 'xstate';
import type {
  AlertEffect,
  CommentEffect,
  MergeEffect,
  SetStatusEffect,
  StartReleaseEffect,
  VerifyArtifactsEffect,
} from './effects.js';
import type { GuardEvent } from './events.js';
import {
  addApproval,
  adoptHead,
  type GuardContext,
  type GuardInput,
  INERT_INPUT,
  initialContext,
  markReleased,
  recordAlertedRun,
  recordArtifact,
  recordFailure,
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
  relockReleased,
  skippedStatus,
  startRelease,
  unlockReleased,
  unverified,
  verifyArtifacts,
} from './machine/effects.js';
import { type Args, type Params, reviewIdOf, runIdOf, shaOf } from './machine/event.js';
import { CLOSED_IGNORES, forbiddenMergeMessage, headMovedMessage, NOT_GUARDED } from './machine/messages.js';
import {
  additionalApproval,
  dismissal,
  ignore,
  ignoreAlways,
  liveHeadChange,
  mergedByHand,
  releaseFailures,
  unapprovedRun,
  withdrawal,
} from './machine/transitions.js';
import { isReleaser } from './pull-request.js';
import { idString, type Phase } from './snapshot.js';

export type { GuardContext, GuardInput } from './machine/context.js';
export { INERT_INPUT } from './machine/context.js';
export { requiredArtifacts } from './machine/effects.js';

// ---- Guard helpers -----------------------------------------------------------------------------

function isForHead({ context, event }: Args): boolean {
  return shaOf(event) === context.headSha;
}

/** For the head, from a run whose outcome is not recorded yet (a late or redelivered run event is not). */
function isUnfinishedRunOfHead(args: Args): boolean {
  const runId = runIdOf(args.event);
  return isForHead(args) && runId !== undefined && !args.context.finishedRuns.includes(runId);
}

/**
 * An unfinished run of the head that may speak for the release: not one alerted as running without an
 * approval, unless a new approval took it for its release (it is then the recorded run). A run alerted
 * while no approval stood never replaces the release under way, and its failure never fails it.
 */
function isLiveRunOfHead(args: Args): boolean {
  const runId = runIdOf(args.event);
  return (
    isUnfinishedRunOfHead(args) &&
    (!args.context.alertedRuns.includes(runId ?? '') || args.context.release.runId === runId)
  );
}

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
    COMMENT: (_, _params: Params<CommentEffect>) => {},
    ALERT: (_, _params: Params<AlertEffect>) => {},
    IGNORE: (_, _params: { reason: string }) => {},
    adoptHead: assign(adoptHead),
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
    isReleasePr: ({ context }) => context.kind === 'release',
    isNewHead: ({ context, event }) => event.type === 'HEAD_CHANGED' && event.sha !== context.headSha,
    isForHead,
    isFreshApproval: ({ context, event }) =>
      event.type === 'APPROVED' &&
      event.authorized &&
      !isReleaser(context.pr.releasers, event.reviewer) &&
      event.sha === context.headSha &&
      !context.seenReviews.includes(idString(event.reviewId)),
    dismissesLastApproval: ({ context, event }) =>
      context.approvals.length === 1 && context.approvals[0]?.reviewId === reviewIdOf(event),
    dismissesAnApproval: ({ context, event }) => context.approvals.some((a) => a.reviewId === reviewIdOf(event)),
    hasStandingApproval: ({ context }) => context.approvals.length > 0,
    isRelocked: ({ context }) => context.approvals.length === 0,
    isAwaitingMergeAnswer: ({ context }) => context.merge.state === 'requested',
    isLiveRunOfHead,
    // Once a run of the head succeeded, another run's start (late, or an earlier cycle's) never replaces it.
    isNewRunOfHead: (args) =>
      isLiveRunOfHead(args) &&
      args.context.release.state !== 'succeeded' &&
      args.context.release.runId !== runIdOf(args.event),
    isRerunOfRelease: (args) =>
      args.event.type === 'RELEASE_STARTED' &&
      args.event.rerunOf !== undefined &&
      args.context.release.runId !== undefined &&
      idString(args.event.rerunOf) === args.context.release.runId &&
      isLiveRunOfHead(args) &&
      args.context.approvals.length > 0,
    isUnapprovedRunOfHead: (args) =>
      isUnfinishedRunOfHead(args) && !args.context.alertedRuns.includes(runIdOf(args.event) ?? ''),
    // A new approval's release is any unfinished run of the head, one alerted before it included: the
    // guard dispatched that run for this very SHA, and starting another would release it twice.
    isAdoptableRunOfHead: isUnfinishedRunOfHead,
    isFailureOfCurrentRun: (args) =>
      isLiveRunOfHead(args) &&
      (args.context.release.runId === undefined || args.context.release.runId === runIdOf(args.event)),
    completesRelease: (args) =>
      isLiveRunOfHead(args) && args.context.release.state !== 'succeeded' && unverified(args.context).length === 0,
    isNewSuccessOfHead: (args) => isLiveRunOfHead(args) && args.context.release.state !== 'succeeded',
    completesVerification: ({ context, event }) =>
      event.type === 'ARTIFACT_VERIFIED' &&
      event.sha === context.headSha &&
      context.release.state === 'succeeded' &&
      unverified(context).every((a) => a.name === event.name) &&
      unverified(context).length === 1,
    isNewArtifactOfHead: ({ context, event }) =>
      event.type === 'ARTIFACT_VERIFIED' &&
      event.sha === context.headSha &&
      unverified(context).some((a) => a.name === event.name),
    isAnswerToMerge: (args) => isForHead(args) && args.context.merge.state === 'requested',
    isForbidden: ({ event }) => event.type === 'MERGE_REJECTED' && event.reason === 'forbidden',
    canRetryMerge: ({ context }) => context.merge.state === 'rejected' && context.approvals.length > 0,
    isBypass: ({ context, event }) =>
      context.kind === 'release' && event.type === 'MERGED' && !context.releasedShas.includes(event.sha),
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
        HEAD_CHANGED: [{ guard: 'isNewHead', actions: ['adoptHead', skippedStatus] }, { actions: ignore('skipped') }],
        MERGED: { target: 'merged' },
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
          { actions: [ignore('prepared'), 'recordReview'] },
        ],
        APPROVAL_DISMISSED: dismissal('prepared'),
        RELEASE_STARTED: unapprovedRun('prepared'),
        RELEASE_SUCCEEDED: unapprovedRun('prepared'),
        MERGED: mergedByHand(),
        CLOSED: { target: 'closed' },
        '*': { actions: ignore('prepared') },
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
          { actions: ignore('approved') },
        ],
        RELEASE_SUCCEEDED: [
          { guard: 'completesRelease', target: 'released', actions: ['recordSuccess'] },
          { guard: 'isNewSuccessOfHead', target: 'releasing', actions: ['recordSuccess', verifyArtifacts] },
          { actions: ignore('approved') },
        ],
        ARTIFACT_VERIFIED: [
          { guard: 'isNewArtifactOfHead', actions: ['recordArtifact'] },
          { actions: ignore('approved') },
        ],
        ...releaseFailures('approved'),
        MERGED: mergedByHand(),
        CLOSED: { target: 'closed' },
        '*': { actions: ignore('approved') },
      },
    },
    releasing: {
      entry: timeline('releasing'),
      on: {
        HEAD_CHANGED: [
          {
            guard: 'isNewHead',
            target: 'prepared',
            actions: ['adoptHead', lockHead, alert(headMovedMessage)],
          },
          { actions: ignore('releasing') },
        ],
        APPROVED: additionalApproval('releasing'),
        APPROVAL_DISMISSED: withdrawal('releasing'),
        RELEASE_STARTED: [{ guard: 'isNewRunOfHead', actions: ['recordRun'] }, { actions: ignore('releasing') }],
        RELEASE_SUCCEEDED: [
          { guard: 'completesRelease', target: 'released', actions: ['recordSuccess'] },
          { guard: 'isNewSuccessOfHead', actions: ['recordSuccess', verifyArtifacts] },
          { actions: ignore('releasing') },
        ],
        ARTIFACT_VERIFIED: [
          { guard: 'completesVerification', target: 'released', actions: ['recordArtifact'] },
          { guard: 'isNewArtifactOfHead', actions: ['recordArtifact'] },
          { actions: ignore('releasing') },
        ],
        ...releaseFailures('releasing'),
        MERGED: mergedByHand(),
        CLOSED: { target: 'closed' },
        '*': { actions: ignore('releasing') },
      },
    },
    released: {
      entry: ['markReleased', unlockReleased, 'requestMerge', merge, timeline('released')],
      on: {
        HEAD_CHANGED: liveHeadChange('released'),
        APPROVED: [
          // A released head locked again by a dismissal: a new approval unlocks it without a second release.
          {
            guard: and(['isFreshApproval', 'isRelocked', 'isAwaitingMergeAnswer']),
            actions: ['recordReview', 'addApproval', unlockReleased, timeline('released')],
          },
          {
            guard: and(['isFreshApproval', 'isRelocked']),
            actions: ['recordReview', 'addApproval', unlockReleased, 'requestMerge', merge, timeline('released')],
          },
          ...additionalApproval('released'),
        ],
        APPROVAL_DISMISSED: [
          {
            guard: 'dismissesLastApproval',
            actions: ['removeApproval', relockReleased, timeline('released')],
          },
          ...dismissal('released'),
        ],
        MERGE_REJECTED: [
          {
            guard: and(['isAnswerToMerge', 'isForbidden']),
            actions: ['recordRejection', alert(forbiddenMergeMessage), timeline('released')],
          },
          { guard: 'isAnswerToMerge', actions: ['recordRejection', timeline('released')] },
          { actions: ignore('released') },
        ],
        RETRY: [{ guard: 'canRetryMerge', actions: ['requestMerge', merge] }, { actions: ignore('released') }],
        MERGED: mergedByHand(),
        CLOSED: { target: 'closed' },
        '*': { actions: ignore('released') },
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
          { actions: [ignore('failed'), 'recordReview'] },
        ],
        RETRY: [
          {
            guard: 'hasStandingApproval',
            target: 'approved',
            actions: ['requestRelease', markReleasing, startRelease],
          },
          { actions: ignore('failed') },
        ],
        APPROVAL_DISMISSED: dismissal('failed'),
        RELEASE_STARTED: [
          // A new attempt of the release run that failed (GitHub's "Re-run jobs"), while an approval stands: a retry.
          { guard: 'isRerunOfRelease', target: 'releasing', actions: ['requestRelease', 'recordRun', markReleasing] },
          ...unapprovedRun('failed'),
        ],
        MERGED: mergedByHand(),
        CLOSED: { target: 'closed' },
        '*': { actions: ignore('failed') },
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
