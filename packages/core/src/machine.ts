import { and, assign, enqueueActions, setup } from 'xstate';
import { fillRef, type GuardSettings } from './config.js';
import type {
  AlertEffect,
  CommentEffect,
  MergeEffect,
  SetStatusEffect,
  StartReleaseEffect,
  VerifyArtifactsEffect,
} from './effects.js';
import type { GuardEvent } from './events.js';
import { addReleasers, isReleaser, type PullRequest, type PullRequestKind } from './pull-request.js';
import { type GuardSnapshot, idString, LIMITS, type Phase, pushBounded, TEXT_LIMIT } from './snapshot.js';
import { STATUS_TEXT, statusOf } from './standing-status.js';
import { shortSha, truncate } from './text.js';
import { renderTimeline } from './timeline.js';

/** The machine's context: the snapshot without its phase (the state value), plus the settings. */
export interface GuardContext extends Omit<GuardSnapshot, 'phase'> {
  settings: GuardSettings;
}

export interface GuardInput {
  pr: PullRequest;
  kind: PullRequestKind;
  settings: GuardSettings;
}

type Params<T> = Omit<T, 'type'>;
type Args = { context: GuardContext; event: GuardEvent };

// ---- Reading the event -------------------------------------------------------------------------

function shaOf(event: GuardEvent): string | undefined {
  return 'sha' in event ? event.sha : undefined;
}

function isForHead({ context, event }: Args): boolean {
  return shaOf(event) === context.headSha;
}

/** For the head, from a run whose outcome is not recorded yet (a late or redelivered run event is not). */
function isUnfinishedRunOfHead(args: Args): boolean {
  const runId = runIdOf(args.event);
  return isForHead(args) && runId !== undefined && !args.context.finishedRuns.includes(runId);
}

/** The current release run among the finished runs, so that no later release takes it again. */
function currentRunFinished(context: GuardContext): { finishedRuns?: string[] } {
  const runId = context.release.runId;
  if (runId === undefined || context.finishedRuns.includes(runId)) return {};
  return { finishedRuns: pushBounded(context.finishedRuns, runId, LIMITS.finishedRuns) };
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

function reviewIdOf(event: GuardEvent): string | undefined {
  return 'reviewId' in event ? idString(event.reviewId) : undefined;
}

function runIdOf(event: GuardEvent): string | undefined {
  return 'runId' in event ? idString(event.runId) : undefined;
}

/** Artifacts that must be verified before unlock, with their refs filled from the pull request. */
export function requiredArtifacts(context: Pick<GuardContext, 'settings' | 'pr'>): { name: string; ref: string }[] {
  return context.settings.artifacts
    .filter((artifact) => !artifact.onMerge)
    .map((artifact) => ({ name: artifact.name, ref: fillRef(artifact.ref, context.pr).ref }));
}

function unverified(context: GuardContext): { name: string; ref: string }[] {
  return requiredArtifacts(context).filter((artifact) => !context.verified.some((v) => v.name === artifact.name));
}

/** Why an event that the current phase does not act on was ignored. */
function whyIgnored(context: GuardContext, event: GuardEvent, phase: Phase): string {
  const sha = shaOf(event);
  const reviewId = reviewIdOf(event);
  if (event.type === 'APPROVED' && reviewId !== undefined && context.seenReviews.includes(reviewId)) {
    return `review ${reviewId} was already counted`;
  }
  if (sha !== undefined && sha !== context.headSha && event.type !== 'MERGED') {
    return `${event.type} is for ${shortSha(sha)} but the head is ${shortSha(context.headSha)}`;
  }
  if (event.type === 'APPROVED' && isReleaser(context.pr.releasers, event.reviewer)) {
    return `${event.reviewer} prepared this release and cannot approve their own release`;
  }
  if (event.type === 'APPROVED' && !event.authorized) return `${event.reviewer} may not approve releases`;
  if (event.type === 'HEAD_CHANGED') return `${shortSha(event.sha)} is already the head`;
  if (event.type === 'APPROVAL_DISMISSED') return `review ${reviewId} is not a standing approval of the head`;
  if (event.type === 'RETRY') return retryIgnored(context, phase);
  const runId = runIdOf(event);
  if (runId !== undefined && context.finishedRuns.includes(runId)) return `run ${runId} already finished`;
  if (runId !== undefined && context.alertedRuns.includes(runId) && context.release.runId !== runId) {
    return `run ${runId} was alerted as running without an approval: it is not the release under way`;
  }
  if (event.type === 'RELEASE_STARTED' && context.release.runId === runIdOf(event)) {
    return `run ${runIdOf(event)} was already recorded`;
  }
  if (event.type === 'RELEASE_FAILED' && context.release.runId !== undefined) {
    return `run ${runIdOf(event)} is not the current release run ${context.release.runId}`;
  }
  if (event.type === 'MERGE_REJECTED') return 'no merge of the head is waiting for an answer';
  return `${event.type} does not apply while ${phase}`;
}

function retryIgnored(context: GuardContext, phase: Phase): string {
  if (context.approvals.length === 0 && (phase === 'failed' || phase === 'released')) {
    return 'no approval of the head stands: approve it again';
  }
  if (phase === 'released')
    return context.merge.state === 'requested' ? 'the merge is waiting for an answer' : 'nothing to retry';
  return `nothing to retry while ${phase}`;
}

// ---- Effects as parameterised actions ----------------------------------------------------------

function status(context: GuardContext, state: SetStatusEffect['state'], description: string): Params<SetStatusEffect> {
  const { type: _type, ...params } = statusOf(context.headSha, context.settings.statusContext, state, description);
  return params;
}

const lockHead = {
  type: 'SET_STATUS',
  params: ({ context }: Args) => status(context, 'pending', STATUS_TEXT.locked),
} as const;

const markReleasing = {
  type: 'SET_STATUS',
  params: ({ context }: Args) => status(context, 'pending', STATUS_TEXT.releasing),
} as const;

const skippedStatus = {
  type: 'SET_STATUS',
  params: ({ context }: Args) =>
    context.kind === 'fork'
      ? status(context, 'failure', STATUS_TEXT.fork)
      : status(context, 'success', STATUS_TEXT.notRequired),
} as const;

/** The last standing approval of a released head was dismissed: no merge until it is approved again. */
const relockReleased = {
  type: 'SET_STATUS',
  params: ({ context }: Args) => status(context, 'pending', STATUS_TEXT.withdrawn),
} as const;

const unlockReleased = {
  type: 'SET_STATUS',
  params: ({ context }: Args) => status(context, 'success', STATUS_TEXT.released),
} as const;

const failStatus = {
  type: 'SET_STATUS',
  params: ({ context }: Args) => status(context, 'failure', `Release failed: ${context.failure ?? 'unknown reason'}`),
} as const;

const startRelease = {
  type: 'START_RELEASE',
  params: ({ context }: Args): Params<StartReleaseEffect> =>
    context.pr.version === undefined ? { sha: context.headSha } : { sha: context.headSha, version: context.pr.version },
} as const;

const verifyArtifacts = {
  type: 'VERIFY_ARTIFACTS',
  params: ({ context }: Args): Params<VerifyArtifactsEffect> => ({
    sha: context.headSha,
    artifacts: unverified(context),
  }),
} as const;

const merge = {
  type: 'MERGE',
  params: ({ context }: Args): Params<MergeEffect> => ({
    pr: context.pr.number,
    sha: context.headSha,
    method: context.settings.mergeMethod,
  }),
} as const;

function alert(reason: (args: Args) => string) {
  return {
    type: 'ALERT',
    params: (args: Args): Params<AlertEffect> => ({ pr: args.context.pr.number, reason: reason(args) }),
  } as const;
}

function ignore(phase: Phase) {
  return {
    type: 'IGNORE',
    params: ({ context, event }: Args) => ({ reason: whyIgnored(context, event, phase) }),
  } as const;
}

// ---- Context updates ---------------------------------------------------------------------------

const fresh = {
  approvals: [],
  release: { state: 'none' },
  verified: [],
  merge: { state: 'none' },
  failure: undefined,
} as const satisfies Partial<GuardContext>;

/** Phase notes for the timeline, from the event that entered the phase. */
function noteFor(phase: Phase, { context, event }: Args): string {
  switch (phase) {
    case 'prepared':
      return event.type === 'REOPENED' ? 'Reopened; head locked' : `Head ${shortSha(context.headSha)} locked`;
    case 'approved':
      return event.type === 'APPROVED'
        ? `Approved by ${event.reviewer}; release requested`
        : 'Retry; release requested';
    case 'releasing':
      return event.type === 'RELEASE_STARTED' && event.rerunOf !== undefined
        ? `Release run ${context.release.runId ?? '(unknown)'} started: a re-run of ${idString(event.rerunOf)}, retrying the release`
        : `Release run ${context.release.runId ?? '(unknown)'} started`;
    case 'released': {
      if (event.type === 'MERGE_REJECTED') return `Merge refused: ${context.merge.rejection ?? event.reason}`;
      if (event.type === 'APPROVAL_DISMISSED') return 'Approval withdrawn: head locked until approved again';
      if (event.type === 'APPROVED') return `Approved again by ${event.reviewer}; merge requested`;
      const verified = context.verified.map((v) => v.name).join(', ');
      return verified ? `Released; verified ${verified}; merge requested` : 'Released; merge requested';
    }
    case 'failed':
      return context.failure ?? 'Failed';
    case 'merged':
      if (event.type !== 'MERGED') return 'Merged';
      return context.releasedShas.includes(event.sha)
        ? `Merged ${shortSha(event.sha)} by ${event.by}`
        : `Merged ${shortSha(event.sha)} by ${event.by}: the guard was BYPASSED`;
    case 'closed':
      return 'Closed';
    default:
      return phase;
  }
}

function timeline(phase: Phase) {
  return { type: 'updateTimeline', params: { phase } } as const;
}

// ---- The machine -------------------------------------------------------------------------------

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
    adoptHead: assign(({ context, event }) => ({
      ...fresh,
      headSha: shaOf(event) ?? context.headSha,
      epoch: context.epoch + 1,
    })),
    recordReview: assign(({ context, event }) => {
      const id = reviewIdOf(event);
      if (id === undefined || context.seenReviews.includes(id)) return {};
      return { seenReviews: pushBounded(context.seenReviews, id, LIMITS.seenReviews) };
    }),
    addApproval: assign(({ context, event }) =>
      event.type === 'APPROVED'
        ? {
            approvals: pushBounded(
              context.approvals,
              { reviewId: idString(event.reviewId), reviewer: event.reviewer },
              LIMITS.approvals,
            ),
          }
        : {},
    ),
    removeApproval: assign(({ context, event }) => ({
      approvals: context.approvals.filter((a) => a.reviewId !== reviewIdOf(event)),
    })),
    requestRelease: assign({
      release: { state: 'requested' },
      verified: [],
      merge: { state: 'none' },
      failure: undefined,
    }),
    recordRun: assign(({ context, event }) => ({
      release: { ...context.release, state: 'running' as const, runId: runIdOf(event) },
    })),
    recordSuccess: assign(({ context, event }) => ({
      release: { state: 'succeeded' as const, runId: runIdOf(event) },
      finishedRuns: pushBounded(context.finishedRuns, runIdOf(event) ?? '', LIMITS.finishedRuns),
    })),
    recordArtifact: assign(({ context, event }) =>
      event.type === 'ARTIFACT_VERIFIED' && !context.verified.some((v) => v.name === event.name)
        ? { verified: pushBounded(context.verified, { name: event.name, digest: event.digest }, LIMITS.verified) }
        : {},
    ),
    recordFailure: assign(({ context, event }) => {
      switch (event.type) {
        case 'RELEASE_FAILED':
          return {
            failure: truncate(`run ${idString(event.runId)} failed: ${event.reason}`, TEXT_LIMIT),
            finishedRuns: pushBounded(context.finishedRuns, idString(event.runId), LIMITS.finishedRuns),
          };
        case 'ARTIFACT_MISSING':
          // The run that released without the artifact is done with: asking again releases again.
          return {
            failure: truncate(`artifact ${event.name} missing: ${event.reason}`, TEXT_LIMIT),
            ...currentRunFinished(context),
          };
        case 'TIMED_OUT':
          // The run that took too long is done with: asking again dispatches a new one, never adopts it.
          return { failure: 'release timed out', ...currentRunFinished(context) };
        default:
          return { failure: 'approval withdrawn' };
      }
    }),
    recordAlertedRun: assign(({ context, event }) => ({
      alertedRuns: pushBounded(context.alertedRuns, runIdOf(event) ?? '', LIMITS.alertedRuns),
    })),
    markReleased: assign(({ context }) => ({
      releasedShas: context.releasedShas.includes(context.headSha)
        ? context.releasedShas
        : pushBounded(context.releasedShas, context.headSha, LIMITS.releasedShas),
    })),
    requestMerge: assign({ merge: { state: 'requested' } }),
    recordRejection: assign(({ event }) =>
      event.type === 'MERGE_REJECTED'
        ? {
            merge: {
              state: 'rejected' as const,
              rejection: truncate(`${event.reason}: ${event.message}`, TEXT_LIMIT),
            },
          }
        : {},
    ),
    /** Appends a timeline entry and, for release pull requests, asks for the timeline comment to be updated. */
    updateTimeline: enqueueActions(({ context, event, enqueue }, params: { phase: Phase }) => {
      if (context.kind !== 'release') return;
      const note = truncate(noteFor(params.phase, { context, event }), TEXT_LIMIT);
      const entry = { phase: params.phase, sha: context.headSha, note, ...(event.at ? { at: event.at } : {}) };
      const timeline = pushBounded(context.timeline, entry, LIMITS.timeline);
      enqueue.assign({ timeline });
      const comment: Params<CommentEffect> = {
        pr: context.pr.number,
        body: renderTimeline({ ...context, phase: params.phase, timeline }),
      };
      // Inside setup() the named actions being defined are not yet in enqueue's type; COMMENT is one of them.
      enqueue({ type: 'COMMENT', params: comment } as never);
    }),
    recordViolation: assign(({ context, event }) => ({
      violations: pushBounded(
        context.violations,
        truncate(bypassMessage({ context, event }), TEXT_LIMIT),
        LIMITS.violations,
      ),
    })),
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
        '*': {
          actions: { type: 'IGNORE', params: () => ({ reason: 'not a release pull request: nothing to guard' }) },
        },
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
            actions: [
              'adoptHead',
              lockHead,
              alert(
                ({ context, event }) =>
                  `The head moved to ${shortSha(shaOf(event) ?? '')} while the release run ${context.release.runId ?? '(unknown)'} of ${shortSha(context.headSha)} was running: that release will not be merged.`,
              ),
            ],
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
            actions: [
              'recordRejection',
              alert(({ event }) => `The guard may not merge: ${event.type === 'MERGE_REJECTED' ? event.message : ''}`),
              timeline('released'),
            ],
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
        '*': {
          actions: {
            type: 'IGNORE',
            params: () => ({ reason: 'the pull request is closed: only REOPENED or MERGED acts' }),
          },
        },
      },
    },
  },
});

function initialContext(input: GuardInput): GuardContext {
  const releasers = addReleasers([], input.pr.releasers);
  return {
    settings: input.settings,
    pr: {
      number: input.pr.number,
      headRef: input.pr.headRef,
      baseRef: input.pr.baseRef,
      fromFork: input.pr.fromFork,
      ...(input.pr.version === undefined ? {} : { version: input.pr.version }),
      ...(input.pr.versions === undefined ? {} : { versions: { ...input.pr.versions } }),
      ...(releasers === undefined ? {} : { releasers }),
    },
    kind: input.kind,
    headSha: input.pr.headSha,
    epoch: 1,
    ...fresh,
    seenReviews: [],
    releasedShas: [],
    alertedRuns: [],
    finishedRuns: [],
    violations: [],
    timeline: [],
  };
}

/** A harmless input for actors that only host pure transitions. */
export const INERT_INPUT: GuardInput = {
  pr: { number: 1, headRef: 'inert', headSha: '0000000', baseRef: 'inert', fromFork: false },
  kind: 'not-release',
  settings: { releaseBranch: /^$/, statusContext: 'inert', artifacts: [], mergeMethod: 'merge' },
};

// ---- Transition builders shared by several phases ----------------------------------------------

function liveHeadChange(phase: Phase) {
  return [
    { guard: 'isNewHead', target: 'prepared', reenter: true, actions: ['adoptHead', lockHead] },
    { actions: ignore(phase) },
  ] as const;
}

function additionalApproval(phase: Phase) {
  return [
    { guard: 'isFreshApproval', actions: ['recordReview', 'addApproval'] },
    { actions: [ignore(phase), 'recordReview'] },
  ] as const;
}

function dismissal(phase: Phase) {
  return [{ guard: 'dismissesAnApproval', actions: ['removeApproval'] }, { actions: ignore(phase) }] as const;
}

function withdrawal(phase: Phase) {
  return [
    { guard: 'dismissesLastApproval', target: 'failed', actions: ['removeApproval', 'recordFailure'] },
    { guard: 'dismissesAnApproval', actions: ['removeApproval'] },
    { actions: ignore(phase) },
  ] as const;
}

function releaseFailures(phase: 'approved' | 'releasing') {
  return {
    RELEASE_FAILED: [
      { guard: 'isFailureOfCurrentRun', target: 'failed', actions: ['recordFailure'] },
      { actions: ignore(phase) },
    ],
    ARTIFACT_MISSING: [
      { guard: 'isForHead', target: 'failed', actions: ['recordFailure'] },
      { actions: ignore(phase) },
    ],
    TIMED_OUT: [{ guard: 'isForHead', target: 'failed', actions: ['recordFailure'] }, { actions: ignore(phase) }],
  } as const;
}

function unapprovedRun(phase: Phase) {
  return [
    {
      guard: 'isUnapprovedRunOfHead',
      actions: [
        'recordAlertedRun',
        alert(
          ({ context, event }) =>
            `Release run ${runIdOf(event)} of ${shortSha(context.headSha)} is running although nobody approved it (${phase}).`,
        ),
      ],
    },
    { actions: ignore(phase) },
  ] as const;
}

function mergedByHand() {
  return [
    { guard: 'isBypass', target: 'merged', actions: ['recordViolation', alert(bypassMessage)] },
    { target: 'merged' },
  ] as const;
}

function bypassMessage({ event }: Args): string {
  const by = event.type === 'MERGED' ? event.by : 'someone';
  return `${shortSha(shaOf(event) ?? '')} was merged by ${by} before it was approved, released and verified: the guard was bypassed.`;
}
