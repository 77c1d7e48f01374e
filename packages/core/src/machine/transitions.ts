/**
 * Transitions that several phases share: a head change, an approval, a dismissal, a release run's
 * failure, a run nobody approved, a merge by hand, and the reason an event was ignored.
 */
import { and } from 'xstate';
import type { Phase } from '../snapshot.js';
import { timeline } from './context.js';
import { alert, dequeue, lockHead, relockReleased } from './effects.js';
import type { Args } from './event.js';
import { bypassMessage, type Reason, unapprovedRunMessage, WHY_IGNORED } from './messages.js';

type WhyIgnoredGuard = Extract<(typeof WHY_IGNORED)[number], { guard: unknown }>['guard'];

/** The action saying why the event changed nothing while `phase`. */
function ignore(reason: Reason, phase: Phase) {
  return { type: 'IGNORE', params: (args: Args) => ({ reason: reason(args, phase) }) } as const;
}

/**
 * The fallback transitions of an event that `phase` does not act on: one for each explanation of
 * `first` (the reasons of this very transition's guards), then of `WHY_IGNORED`, the first whose
 * guard holds saying why the event was ignored.
 */
export function ignored<E extends { readonly guard: unknown; readonly reason: Reason } = never>(
  phase: Phase,
  first: readonly E[] = [],
) {
  const explanations: readonly { readonly guard?: E['guard'] | WhyIgnoredGuard; readonly reason: Reason }[] = [
    ...first,
    ...WHY_IGNORED,
  ];
  return explanations.map(({ guard, reason }) => ({ guard, actions: ignore(reason, phase) }));
}

/** `ignored` for an approval: its review is recorded all the same, so that no redelivery of it counts. */
export function ignoredApproval(phase: Phase) {
  return ignored(phase).map(({ guard, actions }) => ({ guard, actions: [actions, 'recordReview'] as const }));
}

/** The action saying why the event changed nothing, in every phase alike. */
export function ignoreAlways(reason: string) {
  return { type: 'IGNORE', params: () => ({ reason }) } as const;
}

/**
 * A head change of a release pull request: a new head, or the same head whose new facts change its
 * version (an edited title), is locked again, approvals void.
 */
export function liveHeadChange(phase: Phase) {
  return [
    { guard: 'isNewHead', target: 'prepared', reenter: true, actions: ['adoptHead', lockHead] },
    // A queued release whose version changes leaves the queue: the approvals that cleared it are void.
    {
      guard: and(['changesVersion', 'isQueued']),
      target: 'prepared',
      reenter: true,
      actions: ['adoptVersion', lockHead, dequeue],
    },
    { guard: 'changesVersion', target: 'prepared', reenter: true, actions: ['adoptVersion', lockHead] },
    ...ignored(phase),
  ] as const;
}

export function additionalApproval(phase: Phase) {
  return [{ guard: 'isFreshApproval', actions: ['recordReview', 'addApproval'] }, ...ignoredApproval(phase)] as const;
}

export function dismissal(phase: Phase) {
  return [{ guard: 'dismissesAnApproval', actions: ['removeApproval'] }, ...ignored(phase)] as const;
}

/**
 * A dismissal while `released`: the last approval withdrawn locks the head again, and takes the pull
 * request out of the merge queue when it stands there.
 */
export function relock() {
  return [
    {
      guard: and(['dismissesLastApproval', 'isQueued']),
      actions: ['removeApproval', relockReleased, dequeue, timeline('released')],
    },
    { guard: 'dismissesLastApproval', actions: ['removeApproval', relockReleased, timeline('released')] },
    ...dismissal('released'),
  ] as const;
}

export function withdrawal(phase: Phase) {
  return [
    { guard: 'dismissesLastApproval', target: 'failed', actions: ['removeApproval', 'recordFailure'] },
    { guard: 'dismissesAnApproval', actions: ['removeApproval'] },
    ...ignored(phase),
  ] as const;
}

export function releaseFailures(phase: 'approved' | 'releasing') {
  return {
    RELEASE_FAILED: [
      { guard: 'isFailureOfCurrentRun', target: 'failed', actions: ['recordFailure'] },
      ...ignoredFailure(phase),
    ],
    ARTIFACT_MISSING: [{ guard: 'isForHead', target: 'failed', actions: ['recordFailure'] }, ...ignored(phase)],
    TIMED_OUT: [{ guard: 'isForHead', target: 'failed', actions: ['recordFailure'] }, ...ignored(phase)],
  } as const;
}

/**
 * A release run's failure that fails nothing while `phase` (the release already failed, was not asked
 * for, or succeeded; or the run is not the release under way), ignored as ever but still recorded: a
 * failure of an unfinished run of the head puts it among the finished runs, so that no later approval
 * takes it for its release and no late start of it replaces the release under way (reconcile replays
 * the runs GitHub lists, and relies on that).
 */
export function ignoredFailure(phase: Phase) {
  return ignored(phase).map(({ guard, actions }) => ({ guard, actions: [actions, 'recordOutcome'] as const }));
}

export function unapprovedRun(phase: Phase) {
  return [
    { guard: 'isUnapprovedRunOfHead', actions: ['recordAlertedRun', alert(unapprovedRunMessage(phase))] },
    ...ignored(phase),
  ] as const;
}

export function mergedByHand() {
  return [
    { guard: 'isBypass', target: 'merged', actions: ['recordViolation', alert(bypassMessage)] },
    { target: 'merged' },
  ] as const;
}
