/**
 * The machine's words: the timeline note of each phase, the texts of its alerts and violations, and
 * why an event was ignored, each reason beside the guard it explains.
 */
import { and, not } from 'xstate';
import { HEAD_FACT_KEYS } from '../head-facts.js';
import { idString, MAX_ENQUEUES, type Phase } from '../snapshot.js';
import { shortSha } from '../text.js';
import { type Args, reviewerOf, reviewIdOf, runIdOf, shaOf } from './event.js';
import { editedRecognition } from './recognition.js';

/** Phase notes for the timeline, from the event that entered the phase. */
export function noteFor(phase: Phase, { context, event }: Args): string {
  const queue = queueNote({ context, event });
  if (queue !== undefined) return queue;
  switch (phase) {
    case 'prepared': {
      const { version, versionProblem } = context.pr;
      const unreadable = versionProblem === undefined ? '' : `: the version cannot be read (${versionProblem})`;
      // An edit keeps the head: the timeline already has an entry of it.
      if (event.type === 'HEAD_CHANGED' && context.timeline.at(-1)?.sha === context.headSha) {
        return version === undefined ? `Edited; head locked${unreadable}` : `Version ${version}; head locked again`;
      }
      return event.type === 'REOPENED'
        ? `Reopened; head locked${unreadable}`
        : `Head ${shortSha(context.headSha)} locked${unreadable}`;
    }
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
      if (event.type === 'APPROVAL_DISMISSED') {
        const out = context.merge.state === 'queued' ? '; taken out of the merge queue' : '';
        return `Approval withdrawn: head locked until approved again${out}`;
      }
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

/** The timeline note of an event of the merge queue, or of the refusal that sends a merge there. */
function queueNote({ context, event }: Args): string | undefined {
  switch (event.type) {
    case 'ENQUEUED':
      return `Entered the merge queue at ${shortSha(event.sha)}`;
    case 'DEQUEUED':
      return context.merge.state === 'requested'
        ? `Left the merge queue (${event.reason}); enqueued again (${context.merge.enqueues ?? 1} of ${MAX_ENQUEUES})`
        : `Left the merge queue: ${event.reason}`;
    case 'MERGE_GROUP':
      return `Merge group ${shortSha(event.groupSha)} failed: ${shortSha(event.sha)} is not approved, released and verified`;
    case 'MERGE_REJECTED':
      return event.reason === 'merge-queue' && context.merge.state === 'requested'
        ? 'Merge refused: the base branch requires a merge queue; enqueued'
        : undefined;
    default:
      return undefined;
  }
}

/** The alert of a merge group of a release head that is not approved, released and verified. */
export function unclearedGroupMessage({ event }: Args): string {
  const sha = shortSha(shaOf(event) ?? '');
  const group = event.type === 'MERGE_GROUP' ? shortSha(event.groupSha) : '';
  return `Merge group ${group} of ${sha} asked for the release check, but ${sha} is not approved, released and verified: the group fails and the queue will eject it.`;
}

/** The alert of a pull request that left the merge queue once too often to be enqueued again. */
export function dequeuedTooOftenMessage({ context, event }: Args): string {
  const why = event.type === 'DEQUEUED' ? event.reason : 'unknown';
  return `#${context.pr.number} left the merge queue ${context.merge.enqueues ?? 0} times (last: ${why}): it is not enqueued again. Fix what ejects it, then RETRY (or withdraw the approval and approve again) to enqueue it.`;
}

/** The alert and the violation of a merge that bypassed the guard. */
export function bypassMessage({ context, event }: Args): string {
  const by = event.type === 'MERGED' ? event.by : 'someone';
  const sha = shortSha(shaOf(event) ?? '');
  return context.kind === 'protected'
    ? `${sha} was merged by ${by} although it is not a release and ${context.protection ?? 'may change release-managed files'}: the guard was bypassed.`
    : `${sha} was merged by ${by} before it was approved, released and verified: the guard was bypassed.`;
}

/** The alert of a head that moved while its release was running. */
export function headMovedMessage({ context, event }: Args): string {
  return `The head moved to ${shortSha(shaOf(event) ?? '')} while the release run ${context.release.runId ?? '(unknown)'} of ${shortSha(context.headSha)} was running: that release will not be merged.`;
}

/** The alert of a version that changed while its release was running, said from the context before the change. */
export function versionChangedMessage(args: Args): string {
  const { context } = args;
  const now = editedRecognition(args).version;
  return `The version of ${shortSha(context.headSha)} changed from ${context.pr.version ?? '(unknown)'} to ${now ?? 'one that cannot be read'} while the release run ${context.release.runId ?? '(unknown)'} was running: that release will not be merged.`;
}

/** The alert of a release run of the head that nobody approved, seen while `phase`. */
export function unapprovedRunMessage(phase: Phase) {
  return ({ context, event }: Args): string =>
    `Release run ${runIdOf(event)} of ${shortSha(context.headSha)} is running although nobody approved it (${phase}).`;
}

/** The alert of a merge GitHub forbade the guard. */
export function forbiddenMergeMessage({ event }: Args): string {
  return `The guard may not merge: ${event.type === 'MERGE_REJECTED' ? event.message : ''}`;
}

/** What a `HEAD_CHANGED` of the head itself left as it was, when it gave facts of the head. */
function unchanged({ context, event }: Args): string {
  if (event.type !== 'HEAD_CHANGED' || !HEAD_FACT_KEYS.some((key) => event[key] !== undefined)) return '';
  if (context.kind !== 'release') return ', and its facts leave the verdict as it was';
  return context.pr.version === undefined
    ? ', and its version still cannot be read'
    : `, and its version is still ${context.pr.version}`;
}

/** Why any event was ignored while the pull request is not a release pull request. */
export const NOT_GUARDED = 'not a release pull request: nothing to guard';

/** Why any event but REOPENED and MERGED was ignored while the pull request is closed. */
export const CLOSED_IGNORES = 'the pull request is closed: only REOPENED or MERGED acts';

/** Why an event changed nothing, said from the event, the context and the phase. */
export type Reason = (args: Args, phase: Phase) => string;

/**
 * Why an event that the current phase does not act on was ignored: the first entry whose guard holds
 * gives the reason, the last one holds always. Each guard is one the acting transitions are composed
 * from (see `machine.ts`), so that a reason cannot drift from the rule it explains.
 */
export const WHY_IGNORED = [
  // A merge group that has its verdict (a stale one too).
  {
    guard: 'isJudgedGroup',
    reason: ({ event }: Args) =>
      `merge group ${event.type === 'MERGE_GROUP' ? shortSha(event.groupSha) : ''} already has its verdict`,
  },
  // isFreshApproval, and each of its conditions in turn.
  {
    guard: and(['isApproval', 'isSeenReview']),
    reason: ({ event }: Args) => `review ${reviewIdOf(event)} was already counted`,
  },
  {
    // isForHead, which every acting guard of an event for a commit asks (a merge is never ignored).
    guard: and(['carriesSha', not('isForHeadCommit'), not('isMerge')]),
    reason: ({ context, event }: Args) =>
      `${event.type} is for ${shortSha(shaOf(event) ?? '')} but the head is ${shortSha(context.headSha)}`,
  },
  {
    guard: 'isOfAnotherVersion',
    reason: ({ context, event }: Args) =>
      `${event.type} is for ${'ref' in event && event.ref !== undefined ? event.ref : `version ${'version' in event ? event.version : ''}`} but the head's version is ${context.pr.version ?? 'not known'}`,
  },
  {
    guard: 'isByReleaser',
    reason: ({ event }: Args) => `${reviewerOf(event)} prepared this release and cannot approve their own release`,
  },
  {
    guard: and(['isApproval', not('isAuthorizedReviewer')]),
    reason: ({ event }: Args) => `${reviewerOf(event)} may not approve releases`,
  },
  {
    guard: and(['isApproval', not('hasVersion')]),
    reason: ({ context }: Args) =>
      `the release version cannot be read (${context.pr.versionProblem}): approve again once it can`,
  },
  // isNewHead, changesVersion, changesVerdict.
  {
    guard: 'isHeadChange',
    reason: ({ context, event }: Args) =>
      `${shortSha(shaOf(event) ?? '')} is already the head${unchanged({ context, event })}`,
  },
  // The merge queue: an entry of a head that is not cleared, or already recorded; an exit of none.
  {
    guard: and(['isEnqueue', 'isQueued']),
    reason: () => 'the pull request already stands in the merge queue',
  },
  {
    guard: 'isEnqueue',
    reason: ({ context }: Args) =>
      `${shortSha(context.headSha)} is not approved, released and verified: the merge queue's required check fails it`,
  },
  { guard: 'isDequeue', reason: () => 'the pull request does not stand in the merge queue, as far as the guard knows' },
  // dismissesAnApproval.
  {
    guard: 'isDismissal',
    reason: ({ event }: Args) => `review ${reviewIdOf(event)} is not a standing approval of the head`,
  },
  // A phase without a RETRY transition of its own (see NO_APPROVAL_TO_RETRY for the others).
  { guard: 'isRetry', reason: (_: Args, phase: Phase) => `nothing to retry while ${phase}` },
  // isUnfinishedRunOfHead, isLiveRunOfHead, isNewRunOfHead, isFailureOfCurrentRun.
  { guard: 'isFinishedRun', reason: ({ event }: Args) => `run ${runIdOf(event)} already finished` },
  {
    guard: and(['isAlertedRun', not('isCurrentRun')]),
    reason: ({ event }: Args) =>
      `run ${runIdOf(event)} was alerted as running without an approval: it is not the release under way`,
  },
  {
    guard: and(['isRunStart', 'isCurrentRun']),
    reason: ({ event }: Args) => `run ${runIdOf(event)} was already recorded`,
  },
  {
    guard: and(['isRunFailure', 'hasReleaseRun']),
    reason: ({ context, event }: Args) =>
      `run ${runIdOf(event)} is not the current release run ${context.release.runId}`,
  },
  // isAnswerToMerge.
  {
    guard: and(['isMergeQueueRejection', 'knowsMergeQueue']),
    reason: () => 'the guard already merges through the merge queue',
  },
  { guard: 'isMergeRejection', reason: () => 'no merge of the head is waiting for an answer' },
  { reason: ({ event }: Args, phase: Phase) => `${event.type} does not apply while ${phase}` },
] as const;

/** Why RETRY changed nothing in `failed` or `released`, before `WHY_IGNORED`: no approval stands. */
export const NO_APPROVAL_TO_RETRY = {
  guard: not('hasStandingApproval'),
  reason: () => 'no approval of the head stands: approve it again',
} as const;

/** Why RETRY changed nothing in `released` (`canRetryMerge` does not hold), before `WHY_IGNORED`. */
export const NOTHING_TO_RETRY_RELEASED = [
  NO_APPROVAL_TO_RETRY,
  { guard: 'isAwaitingMergeAnswer', reason: () => 'the merge is waiting for an answer' },
  { guard: 'isQueued', reason: () => 'the pull request stands in the merge queue' },
  { guard: not('hasRefusedMerge'), reason: () => 'nothing to retry' },
] as const;
