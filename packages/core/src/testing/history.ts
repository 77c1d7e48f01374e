import type { GuardEvent } from '../events.js';
import type { Guard, Step } from '../guard.js';
import type { PullRequest } from '../pull-request.js';

/** One event given to the guard and the step it produced. */
export interface Delivery {
  event: GuardEvent;
  step: Step;
}

/** Everything a run of the guard did: the pull request it started on, and each delivery in order. */
export interface History {
  pr: PullRequest;
  start: Step;
  deliveries: Delivery[];
}

/** Starts `guard` on `pr` and feeds it `events` one by one, recording every step. */
export function runEvents(guard: Guard, pr: PullRequest, events: readonly GuardEvent[]): History {
  const start = guard.start(pr);
  const deliveries: Delivery[] = [];
  let snapshot = start.snapshot;
  for (const event of events) {
    const step = guard.next(snapshot, event);
    deliveries.push({ event, step });
    snapshot = step.snapshot;
  }
  return { pr, start, deliveries };
}
