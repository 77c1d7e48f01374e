import type { Effect } from '../effects.js';
import type { GuardEvent } from '../events.js';
import type { Guard, Step } from '../guard.js';
import { requiredArtifacts } from '../machine.js';
import { classify } from '../pull-request.js';
import { restoreSnapshot, serializeSnapshot } from '../serialize.js';
import { type GuardSnapshot, LIVE_PHASES } from '../snapshot.js';
import type { History } from './history.js';

/** A broken promise: which invariant (numbered as in the design), where, and what happened. */
export interface InvariantViolation {
  invariant: number;
  /** Index of the delivery in the history; -1 for the start step. */
  index: number;
  message: string;
}

/** The largest serialized snapshot any history may produce, well under GitHub's 65,536-character comment. */
export const MAX_SNAPSHOT_LENGTH = 32_768;

const STALE_CHECKED: ReadonlySet<GuardEvent['type']> = new Set([
  'APPROVED',
  'RELEASE_STARTED',
  'RELEASE_SUCCEEDED',
  'RELEASE_FAILED',
  'ARTIFACT_VERIFIED',
  'ARTIFACT_MISSING',
  'MERGE_REJECTED',
  'TIMED_OUT',
]);

/**
 * What the history itself says, independent of the machine's own bookkeeping: the pull request's
 * state and head, and per epoch which approvals stand, whether a release succeeded and which artifacts
 * were verified. Invariants compare the guard's effects against this model.
 */
class Reference {
  state: 'open' | 'closed' | 'merged' = 'open';
  head: string;
  epoch = 1;
  readonly seenReviews = new Set<string>();
  approvals = new Map<string, string>();
  succeeded = false;
  verified = new Set<string>();
  /** SHAs that were at some point approved, released and verified. */
  readonly cleared = new Set<string>();
  /** A MERGE effect of this epoch with no recorded outcome yet. */
  outstandingMerge: string | undefined;
  startsSinceFailure = 0;

  constructor(
    head: string,
    readonly required: readonly string[],
  ) {
    this.head = head;
  }

  newEpoch(sha: string): void {
    this.head = sha;
    this.epoch++;
    this.approvals = new Map();
    this.succeeded = false;
    this.verified = new Set();
    this.outstandingMerge = undefined;
    this.startsSinceFailure = 0;
  }

  isCleared(sha: string): boolean {
    return (
      this.state === 'open' &&
      sha === this.head &&
      this.approvals.size > 0 &&
      this.succeeded &&
      this.required.every((name) => this.verified.has(name))
    );
  }

  /** Applies an event; returns whether it started a new epoch. */
  apply(event: GuardEvent): boolean {
    const forHead = 'sha' in event && event.sha === this.head;
    if (this.state === 'closed') {
      if (event.type !== 'REOPENED') return false;
      this.state = 'open';
      this.newEpoch(event.sha);
      return true;
    }
    if (this.state === 'merged') return false;
    let epochStarted = false;
    switch (event.type) {
      case 'HEAD_CHANGED':
        if (event.sha !== this.head) {
          this.newEpoch(event.sha);
          epochStarted = true;
        }
        break;
      case 'APPROVED': {
        const id = String(event.reviewId);
        if (!this.seenReviews.has(id) && event.authorized && forHead) this.approvals.set(id, event.sha);
        this.seenReviews.add(id);
        break;
      }
      case 'APPROVAL_DISMISSED':
        this.approvals.delete(String(event.reviewId));
        this.startsSinceFailure = 0;
        break;
      case 'RELEASE_SUCCEEDED':
        if (forHead) this.succeeded = true;
        break;
      case 'ARTIFACT_VERIFIED':
        if (forHead) this.verified.add(event.name);
        break;
      case 'RELEASE_FAILED':
      case 'ARTIFACT_MISSING':
      case 'TIMED_OUT':
        if (forHead) this.startsSinceFailure = 0;
        break;
      case 'MERGE_REJECTED':
        if (forHead) this.outstandingMerge = undefined;
        break;
      case 'MERGED':
        this.state = 'merged';
        break;
      case 'CLOSED':
        this.state = 'closed';
        break;
      default:
        break;
    }
    if (this.isCleared(this.head)) this.cleared.add(this.head);
    return epochStarted;
  }
}

/**
 * Checks the nine invariants of release-guard over a recorded history. The model of what happened
 * is computed from the events and the configuration alone, never from flags in the guard's
 * snapshot, so a guard that misbehaves cannot vouch for itself. Invariant 6 (no dead ends) is checked
 * by driving the last snapshot to `merged` through the guard's own merge.
 *
 * @example
 * ```ts
 * import { createGuard } from '@release-guard/core';
 * import { checkInvariants, runEvents } from '@release-guard/core/testing';
 * const guard = createGuard();
 * const history = runEvents(guard, pr, events);
 * expect(checkInvariants(guard, history)).toEqual([]);
 * ```
 */
export function checkInvariants(guard: Guard, history: History): InvariantViolation[] {
  const violations: InvariantViolation[] = [];
  const fail = (invariant: number, index: number, message: string) => violations.push({ invariant, index, message });
  const kind = classify(history.pr, guard.settings);
  const required = requiredArtifacts({ settings: guard.settings, pr: history.pr }).map((a) => a.name);
  const ref = new Reference(history.pr.headSha, required);
  const lastStatus = new Map<string, string>();

  const checkStep = (
    index: number,
    step: Step,
    event: GuardEvent | undefined,
    epochStarted: boolean,
    before?: GuardSnapshot,
  ) => {
    const effects = step.effects;
    if (epochStarted) lastStatus.clear();
    // 3. A new head is locked before anything else happens to it.
    if (epochStarted) {
      const first = effects[0];
      if (
        kind === 'release' &&
        !(first?.type === 'SET_STATUS' && first.sha === ref.head && first.state === 'pending')
      ) {
        fail(3, index, `new head ${ref.head} was not locked first (first effect: ${describe(first)})`);
      }
      if (
        kind === 'not-release' &&
        !effects.some((e) => e.type === 'SET_STATUS' && e.sha === ref.head && e.state === 'success')
      ) {
        fail(2, index, `non-release head ${ref.head} did not get "release not required"`);
      }
      if (
        kind === 'fork' &&
        !effects.some((e) => e.type === 'SET_STATUS' && e.sha === ref.head && e.state === 'failure')
      ) {
        fail(2, index, `fork head ${ref.head} did not get a failure status`);
      }
    }
    for (const effect of effects) {
      if (effect.type === 'MERGE') {
        // 1. No merge before release.
        if (kind !== 'release') fail(1, index, `MERGE of a ${kind} pull request`);
        else if (!ref.isCleared(effect.sha)) {
          fail(1, index, `MERGE of ${effect.sha} which is not the approved, released and verified head`);
        }
        // 7. One merge at a time, none after merged.
        if (ref.state === 'merged') fail(7, index, 'MERGE after the pull request was merged');
        else if (ref.outstandingMerge !== undefined)
          fail(7, index, `second MERGE while ${ref.outstandingMerge} has no outcome`);
        ref.outstandingMerge = effect.sha;
      }
      if (effect.type === 'SET_STATUS') {
        // 2. Honest status.
        if (effect.state === 'success' && kind === 'release' && !ref.isCleared(effect.sha)) {
          fail(2, index, `success status on ${effect.sha} before it was approved, released and verified`);
        }
        if (effect.state === 'success' && kind === 'fork') fail(2, index, 'success status on a fork pull request');
        // 4. A status is written only when it changes.
        const key = `${effect.state}|${effect.description}`;
        if (lastStatus.get(effect.sha) === key) fail(4, index, `the same status was written twice on ${effect.sha}`);
        lastStatus.set(effect.sha, key);
      }
      if (effect.type === 'START_RELEASE') {
        // 4. A redelivered approval never starts a second release.
        if (event?.type === 'APPROVED' && before?.seenReviews.includes(String(event.reviewId))) {
          fail(4, index, `redelivered review ${event.reviewId} started a release`);
        }
        if (ref.startsSinceFailure > 0)
          fail(4, index, `second START_RELEASE of ${effect.sha} without a failure between`);
        // 3. Approvals never carry over: a release needs an approval of this head, in this epoch.
        if (ref.approvals.size === 0 || effect.sha !== ref.head) {
          fail(3, index, `START_RELEASE of ${effect.sha} without a standing approval of the head in this epoch`);
        }
        ref.startsSinceFailure++;
      }
    }
    // 8. Snapshots round-trip through serialization, and stay bounded (5).
    const text = serializeSnapshot(step.snapshot);
    if (serializeSnapshot(restoreSnapshot(text)) !== text) fail(8, index, 'serialize(restore(t)) !== t');
    if (text.length > MAX_SNAPSHOT_LENGTH) fail(5, index, `snapshot grew to ${text.length} characters`);
  };

  checkStep(-1, history.start, undefined, true);
  let previous: GuardEvent | undefined;
  let snapshot = history.start.snapshot;
  history.deliveries.forEach(({ event, step }, index) => {
    const wasOpen = ref.state === 'open';
    const head = ref.head;
    const wasMergedBypass = event.type === 'MERGED' && wasOpen && kind === 'release' && !ref.cleared.has(event.sha);
    const epochStarted = ref.apply(event);
    // 4. A duplicated delivery produces no further effects.
    if (previous && JSON.stringify(previous) === JSON.stringify(event) && step.effects.length > 0) {
      fail(4, index, `duplicated ${event.type} produced ${step.effects.map((e) => e.type).join(', ')}`);
    }
    // 5. Stale events never advance the state, and say why.
    if (wasOpen && STALE_CHECKED.has(event.type) && 'sha' in event && event.sha !== head) {
      if (step.effects.length > 0 || step.snapshot.phase !== snapshot.phase) {
        fail(5, index, `stale ${event.type} for ${event.sha} (head ${head}) acted`);
      }
      if (!step.ignored) fail(5, index, `stale ${event.type} was not reported as ignored`);
    }
    // 9. A bypassing merge is recorded and raises an alert; never for other pull requests.
    if (wasMergedBypass) {
      if (!step.snapshot.violations.at(-1)?.startsWith(event.sha.slice(0, 7))) {
        fail(9, index, `merge of ${event.sha} bypassed the guard but no violation was recorded`);
      }
      if (!step.effects.some((e) => e.type === 'ALERT'))
        fail(9, index, `merge of ${event.sha} bypassed the guard without ALERT`);
    }
    if (kind !== 'release' && step.snapshot.violations.length > 0)
      fail(9, index, `violation recorded on a ${kind} pull request`);
    checkStep(index, step, event, epochStarted, snapshot);
    previous = event;
    snapshot = step.snapshot;
  });

  // 6. No dead ends.
  if (kind === 'release' && LIVE_PHASES.includes(snapshot.phase)) {
    const problem = completionProblem(guard, snapshot);
    if (problem) fail(6, history.deliveries.length - 1, problem);
  }
  return violations;
}

/**
 * Drives a live snapshot to `merged` through the guard's own merge, without closing the pull request.
 * Returns what went wrong, or undefined when it got there.
 */
export function completionProblem(guard: Guard, from: GuardSnapshot): string | undefined {
  const sha = from.headSha;
  const fresh = `completion-${from.epoch}-${from.seenReviews.length}`;
  const events: GuardEvent[] = [
    { type: 'MERGE_REJECTED', sha, reason: 'not-mergeable', message: 'completing' },
    { type: 'APPROVED', sha, reviewId: fresh, reviewer: 'completion', authorized: true },
    { type: 'RETRY' },
    { type: 'RELEASE_STARTED', sha, runId: fresh },
    { type: 'RELEASE_SUCCEEDED', sha, runId: fresh },
    ...requiredArtifacts({ settings: guard.settings, pr: from.pr }).map(
      (a): GuardEvent => ({ type: 'ARTIFACT_VERIFIED', sha, name: a.name, digest: 'sha256:completion' }),
    ),
    { type: 'MERGE_REJECTED', sha, reason: 'not-mergeable', message: 'completing' },
    { type: 'RETRY' },
  ];
  let snapshot = from;
  let merged = false;
  for (const event of events) {
    const step = guard.next(snapshot, event);
    snapshot = step.snapshot;
    merged ||= step.effects.some((e) => e.type === 'MERGE' && e.sha === sha);
  }
  if (!merged) return `from ${from.phase}, no MERGE of ${sha} could be reached (stuck in ${snapshot.phase})`;
  const final = guard.next(snapshot, { type: 'MERGED', sha, by: 'completion' });
  if (final.snapshot.phase !== 'merged') return `from ${from.phase}, MERGED did not reach merged`;
  if (final.snapshot.violations.length > snapshot.violations.length)
    return `from ${from.phase}, the guard's own merge was a violation`;
  return undefined;
}

function describe(effect: Effect | undefined): string {
  if (!effect) return 'none';
  return effect.type === 'SET_STATUS' ? `SET_STATUS ${effect.state} ${effect.sha}` : effect.type;
}
