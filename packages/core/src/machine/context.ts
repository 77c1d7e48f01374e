/**
 * The machine's context: its type, its value at the start, and every update of it (the `assign`
 * actions, and the timeline entry each phase appends).
 */
import type { GuardSettings } from '../config.js';
import type { CommentEffect } from '../effects.js';
import { addReleasers, type PullRequest, type PullRequestKind } from '../pull-request.js';
import { recognize } from '../recognition.js';
import {
  type GuardSnapshot,
  idString,
  LIMITS,
  type Phase,
  pushBounded,
  TEXT_LIMIT,
  type TimelineEntry,
} from '../snapshot.js';
import { truncate } from '../text.js';
import { renderTimeline, TIMED_OUT_FAILURE } from '../timeline.js';
import { type Args, type Params, reviewIdOf, runIdOf, shaOf } from './event.js';
import { bypassMessage, noteFor } from './messages.js';
import { recognitionAfter } from './recognition.js';

/** The machine's context: the snapshot without its phase (the state value), plus the settings. */
export interface GuardContext extends Omit<GuardSnapshot, 'phase'> {
  settings: GuardSettings;
}

export interface GuardInput {
  pr: PullRequest;
  kind: PullRequestKind;
  settings: GuardSettings;
}

/** What a new head or a new epoch starts from: nothing approved, released, verified, merged or failed. */
const fresh = {
  approvals: [],
  release: { state: 'none' },
  verified: [],
  merge: { state: 'none' },
  failure: undefined,
} as const satisfies Partial<GuardContext>;

export function initialContext(input: GuardInput): GuardContext {
  const releasers = addReleasers([], input.pr.releasers);
  const { version, versionProblem, protection } = recognize(input.pr, input.settings);
  return {
    settings: input.settings,
    pr: {
      number: input.pr.number,
      headRef: input.pr.headRef,
      baseRef: input.pr.baseRef,
      fromFork: input.pr.fromFork,
      ...(version === undefined ? {} : { version }),
      ...(versionProblem === undefined ? {} : { versionProblem }),
      ...(input.pr.versions === undefined ? {} : { versions: { ...input.pr.versions } }),
      ...(releasers === undefined ? {} : { releasers }),
      ...(input.pr.mergeQueue === undefined ? {} : { mergeQueue: input.pr.mergeQueue }),
    },
    kind: input.kind,
    ...(input.kind === 'protected' && protection !== undefined ? { protection } : {}),
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
  settings: {
    releaseBranch: /^$/,
    versionSource: 'branch',
    protectedPaths: [],
    statusContext: 'inert',
    artifacts: [],
    mergeMethod: 'merge',
  },
};

/** The current release run among the finished runs, so that no later release takes it again. */
function currentRunFinished(context: GuardContext): { finishedRuns?: string[] } {
  const runId = context.release.runId;
  if (runId === undefined || context.finishedRuns.includes(runId)) return {};
  return { finishedRuns: pushBounded(context.finishedRuns, runId, LIMITS.finishedRuns) };
}

/** A context update: what the `assign` action of the same name changes. */
type Update = (args: Args) => Partial<GuardContext>;

/**
 * A new head (or the reopened pull request's head) starts a new epoch from nothing, recognised again
 * from the facts the event gives.
 */
export const adoptHead: Update = ({ context, event }) => {
  const headSha = shaOf(event) ?? context.headSha;
  return { ...fresh, headSha, epoch: context.epoch + 1, ...recognised(context, event, headSha === context.headSha) };
};

/**
 * An edit (a `HEAD_CHANGED` of the head itself) that changes the version of a release locks it again
 * as a push would: a new epoch from nothing, and the run under way is done with (it releases the
 * earlier version: no approval of this one may take it for its release).
 */
export const adoptVersion: Update = ({ context, event }) => ({
  ...fresh,
  epoch: context.epoch + 1,
  ...currentRunFinished(context),
  ...recognised(context, event, true),
});

/** An edit of a pull request that is not a release: judged again on the files it gives. */
export const adoptVerdict: Update = ({ context, event }) => recognised(context, event, true);

/** The context fields the recognition of the head after `event` sets: kind, protection, version. */
function recognised(context: GuardContext, event: Args['event'], sameHead: boolean): Partial<GuardContext> {
  const { kind, protection, version, versionProblem } = recognitionAfter({ context, event }, sameHead);
  const { version: _version, versionProblem: _problem, ...pr } = context.pr;
  return {
    kind,
    protection,
    pr: {
      ...pr,
      ...(version === undefined ? {} : { version }),
      ...(versionProblem === undefined ? {} : { versionProblem }),
    },
  };
}

export const recordReview: Update = ({ context, event }) => {
  const id = reviewIdOf(event);
  if (id === undefined || context.seenReviews.includes(id)) return {};
  return { seenReviews: pushBounded(context.seenReviews, id, LIMITS.seenReviews) };
};

export const addApproval: Update = ({ context, event }) =>
  event.type === 'APPROVED'
    ? {
        approvals: pushBounded(
          context.approvals,
          { reviewId: idString(event.reviewId), reviewer: event.reviewer },
          LIMITS.approvals,
        ),
      }
    : {};

export const removeApproval: Update = ({ context, event }) => ({
  approvals: context.approvals.filter((a) => a.reviewId !== reviewIdOf(event)),
});

export const requestRelease: Update = () => ({
  release: { state: 'requested' },
  verified: [],
  merge: { state: 'none' },
  failure: undefined,
});

export const recordRun: Update = ({ context, event }) => ({
  release: { ...context.release, state: 'running', runId: runIdOf(event) },
});

export const recordSuccess: Update = ({ context, event }) => ({
  release: { state: 'succeeded', runId: runIdOf(event) },
  finishedRuns: pushBounded(context.finishedRuns, runIdOf(event) ?? '', LIMITS.finishedRuns),
});

export const recordArtifact: Update = ({ context, event }) =>
  event.type === 'ARTIFACT_VERIFIED' && !context.verified.some((v) => v.name === event.name)
    ? { verified: pushBounded(context.verified, { name: event.name, digest: event.digest }, LIMITS.verified) }
    : {};

export const recordFailure: Update = ({ context, event }) => {
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
      return { failure: TIMED_OUT_FAILURE, ...currentRunFinished(context) };
    default:
      return { failure: 'approval withdrawn' };
  }
};

/** The event's run among the finished runs: its outcome came, whether or not it decided anything. */
export const recordFinishedRun: Update = ({ context, event }) => ({
  finishedRuns: pushBounded(context.finishedRuns, runIdOf(event) ?? '', LIMITS.finishedRuns),
});

export const recordAlertedRun: Update = ({ context, event }) => ({
  alertedRuns: pushBounded(context.alertedRuns, runIdOf(event) ?? '', LIMITS.alertedRuns),
});

export const markReleased: Update = ({ context }) => ({
  releasedShas: context.releasedShas.includes(context.headSha)
    ? context.releasedShas
    : pushBounded(context.releasedShas, context.headSha, LIMITS.releasedShas),
});

/** How many times the guard enqueued the head, kept across its merge's states (absent while none). */
function enqueuesOf(context: Pick<GuardContext, 'merge'>, more = 0): { enqueues?: number } {
  const enqueues = (context.merge.enqueues ?? 0) + more;
  return enqueues > 0 ? { enqueues } : {};
}

/** A merge asked for: through the merge queue when the base branch requires one, which counts an enqueue. */
export function requestedMerge(context: Pick<GuardContext, 'merge' | 'pr'>): GuardContext['merge'] {
  return { state: 'requested', ...enqueuesOf(context, context.pr.mergeQueue === true ? 1 : 0) };
}

export const requestMerge: Update = ({ context }) => ({ merge: requestedMerge(context) });

/** The merge waiting for an answer went through the merge queue: it was counted as an enqueue. */
function isEnqueueAwaited(context: Pick<GuardContext, 'merge' | 'pr'>): boolean {
  return context.merge.state === 'requested' && context.pr.mergeQueue === true && (context.merge.enqueues ?? 0) > 0;
}

/**
 * A refused merge; refused because the base branch requires a merge queue, the guard learns it does. A
 * refused enqueue made no entry: it is not counted (a sweep asks again, as after a refused merge), so that
 * a fault on the request never uses up the entries of a head that left the queue.
 */
export const recordRejection: Update = ({ context, event }) =>
  event.type === 'MERGE_REJECTED'
    ? {
        merge: {
          state: 'rejected',
          rejection: truncate(`${event.reason}: ${event.message}`, TEXT_LIMIT),
          ...enqueuesOf(context, isEnqueueAwaited(context) ? -1 : 0),
        },
        ...(event.reason === 'merge-queue' ? learnMergeQueue({ context, event }) : {}),
      }
    : {};

/** The base branch requires a merge queue: the guard's merges go through it from now on. */
export const learnMergeQueue: Update = ({ context }) => ({ pr: { ...context.pr, mergeQueue: true } });

/** The pull request stands in the merge queue. */
export const markQueued: Update = ({ context }) => ({ merge: { state: 'queued', ...enqueuesOf(context) } });

/** The pull request left the merge queue unmerged: its merge is refused, as after `MERGE_REJECTED` (`RETRY` asks again). */
export const recordDequeue: Update = ({ context, event }) =>
  event.type === 'DEQUEUED'
    ? {
        merge: {
          state: 'rejected',
          rejection: truncate(`left the merge queue: ${event.reason}`, TEXT_LIMIT),
          ...enqueuesOf(context),
        },
        ...learnMergeQueue({ context, event }),
      }
    : {};

/** The merge group of the event got its verdict: a redelivery of it writes nothing. */
export const recordGroup: Update = ({ context, event }) =>
  event.type === 'MERGE_GROUP' ? { groups: pushBounded(context.groups ?? [], event.groupSha, LIMITS.groups) } : {};

export const recordViolation: Update = ({ context, event }) => ({
  violations: pushBounded(
    context.violations,
    truncate(bypassMessage({ context, event }), TEXT_LIMIT),
    LIMITS.violations,
  ),
});

/**
 * The timeline entry entering `phase`, and the timeline comment that shows it; none for a pull
 * request that is not a release pull request.
 */
export function timelineUpdate(
  { context, event }: Args,
  phase: Phase,
): { timeline: TimelineEntry[]; comment: Params<CommentEffect> } | undefined {
  if (context.kind !== 'release') return undefined;
  const note = truncate(noteFor(phase, { context, event }), TEXT_LIMIT);
  const entry = { phase, sha: context.headSha, note, ...(event.at ? { at: event.at } : {}) };
  const timeline = pushBounded(context.timeline, entry, LIMITS.timeline);
  return { timeline, comment: { pr: context.pr.number, body: renderTimeline({ ...context, phase, timeline }) } };
}

/** The `updateTimeline` action entering `phase`. */
export function timeline(phase: Phase) {
  return { type: 'updateTimeline', params: { phase } } as const;
}
