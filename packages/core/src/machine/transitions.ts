/**
 * Transitions that several phases share: a head change, an approval, a dismissal, a release run's
 * failure, a run nobody approved, a merge by hand, and the reason an event was ignored.
 */
import type { Phase } from '../snapshot.js';
import { alert, lockHead } from './effects.js';
import type { Args } from './event.js';
import { bypassMessage, unapprovedRunMessage, whyIgnored } from './messages.js';

/** The action saying why the event changed nothing while `phase`. */
export function ignore(phase: Phase) {
  return {
    type: 'IGNORE',
    params: ({ context, event }: Args) => ({ reason: whyIgnored(context, event, phase) }),
  } as const;
}

/** The action saying why the event changed nothing, in every phase alike. */
export function ignoreAlways(reason: string) {
  return { type: 'IGNORE', params: () => ({ reason }) } as const;
}

export function liveHeadChange(phase: Phase) {
  return [
    { guard: 'isNewHead', target: 'prepared', reenter: true, actions: ['adoptHead', lockHead] },
    { actions: ignore(phase) },
  ] as const;
}

export function additionalApproval(phase: Phase) {
  return [
    { guard: 'isFreshApproval', actions: ['recordReview', 'addApproval'] },
    { actions: [ignore(phase), 'recordReview'] },
  ] as const;
}

export function dismissal(phase: Phase) {
  return [{ guard: 'dismissesAnApproval', actions: ['removeApproval'] }, { actions: ignore(phase) }] as const;
}

export function withdrawal(phase: Phase) {
  return [
    { guard: 'dismissesLastApproval', target: 'failed', actions: ['removeApproval', 'recordFailure'] },
    { guard: 'dismissesAnApproval', actions: ['removeApproval'] },
    { actions: ignore(phase) },
  ] as const;
}

export function releaseFailures(phase: 'approved' | 'releasing') {
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

export function unapprovedRun(phase: Phase) {
  return [
    { guard: 'isUnapprovedRunOfHead', actions: ['recordAlertedRun', alert(unapprovedRunMessage(phase))] },
    { actions: ignore(phase) },
  ] as const;
}

export function mergedByHand() {
  return [
    { guard: 'isBypass', target: 'merged', actions: ['recordViolation', alert(bypassMessage)] },
    { target: 'merged' },
  ] as const;
}
