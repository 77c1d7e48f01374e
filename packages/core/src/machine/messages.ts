/**
 * The machine's words: the timeline note of each phase, the texts of its alerts and violations, and
 * why an event was ignored.
 */
import type { GuardEvent } from '../events.js';
import { isReleaser } from '../pull-request.js';
import { idString, type Phase } from '../snapshot.js';
import { shortSha } from '../text.js';
import type { GuardContext } from './context.js';
import { type Args, reviewIdOf, runIdOf, shaOf } from './event.js';

/** Phase notes for the timeline, from the event that entered the phase. */
export function noteFor(phase: Phase, { context, event }: Args): string {
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

/** The alert and the violation of a merge that bypassed the guard. */
export function bypassMessage({ event }: Args): string {
  const by = event.type === 'MERGED' ? event.by : 'someone';
  return `${shortSha(shaOf(event) ?? '')} was merged by ${by} before it was approved, released and verified: the guard was bypassed.`;
}

/** The alert of a head that moved while its release was running. */
export function headMovedMessage({ context, event }: Args): string {
  return `The head moved to ${shortSha(shaOf(event) ?? '')} while the release run ${context.release.runId ?? '(unknown)'} of ${shortSha(context.headSha)} was running: that release will not be merged.`;
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

/** Why any event was ignored while the pull request is not a release pull request. */
export const NOT_GUARDED = 'not a release pull request: nothing to guard';

/** Why any event but REOPENED and MERGED was ignored while the pull request is closed. */
export const CLOSED_IGNORES = 'the pull request is closed: only REOPENED or MERGED acts';

/** Why an event that the current phase does not act on was ignored. */
export function whyIgnored(context: GuardContext, event: GuardEvent, phase: Phase): string {
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
