import type { Effect, SetStatusEffect } from '../effects.js';
import type { GuardEvent } from '../events.js';
import type { Guard, Step } from '../guard.js';
import { requiredArtifacts } from '../machine.js';
import type { PullRequest, PullRequestKind } from '../pull-request.js';
import { branchKind, normalizeLogin } from '../pull-request.js';
import { serializeSnapshot } from '../serialize.js';
import { type GuardSnapshot, LIVE_PHASES, MAX_ENQUEUES } from '../snapshot.js';
import { STATUS_TEXT, standingStatus } from '../standing-status.js';
import { shortSha } from '../text.js';
import { completionProblem } from './completion.js';
import { HeadView } from './head-view.js';
import type { History } from './history.js';
import { HistoryModel } from './history-model.js';

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
  'ENQUEUED',
  'DEQUEUED',
]);

export interface MonitorOptions {
  /** Check only these invariants (and skip the work the others need). Default: all ten. */
  only?: readonly number[];
}

/**
 * Checks the ten invariants of release-guard step by step, as a history unfolds. The model of what
 * happened is computed from the events and the configuration alone, never from flags in the guard's
 * snapshot, so a guard that misbehaves cannot vouch for itself. Invariant 6 (no dead ends) is checked
 * on demand with `checkLiveness`, by driving a snapshot to `merged` through the guard's own merge.
 * `clone()` forks the monitor, so a search can check every edge out of one state.
 */
export class InvariantMonitor {
  /** What the branch says: a release, a fork's look-alike, or neither (`protected` is judged per head from the model). */
  private readonly kind: Exclude<PullRequestKind, 'protected'>;
  private readonly ref: HistoryModel;
  private lastStatus = new Map<string, string>();
  /** The last status the guard set on each SHA, across epochs: what stands there on GitHub. */
  private standing = new Map<string, SetStatusEffect>();
  private previous: GuardEvent | undefined;
  private snapshot: GuardSnapshot | undefined;
  private index = -1;
  /** Merges of a pull request that is not a release while it may change protected paths. */
  private protectedBypasses = 0;

  constructor(
    private readonly guard: Guard,
    pr: PullRequest,
    private readonly options: MonitorOptions = {},
  ) {
    this.kind = branchKind(pr, guard.settings);
    this.ref = new HistoryModel(
      pr.headSha,
      requiredArtifacts({ settings: guard.settings, pr }).map((a) => a.name),
      new Set((pr.releasers ?? []).map(normalizeLogin)),
      new HeadView(pr, guard.settings),
      this.kind === 'release',
      pr.mergeQueue === true,
    );
  }

  /** Checks the step returned by `guard.start`. */
  start(step: Step): InvariantViolation[] {
    const violations: InvariantViolation[] = [];
    this.checkStep(step, true, violations);
    this.snapshot = step.snapshot;
    return violations;
  }

  /** Checks the step that `event` produced. */
  deliver(event: GuardEvent, step: Step): InvariantViolation[] {
    const violations: InvariantViolation[] = [];
    const fail = this.failer(violations);
    const { ref, kind } = this;
    const before = this.snapshot;
    this.index++;
    const wasOpen = ref.state === 'open';
    const head = ref.head;
    const redelivered = event.type === 'APPROVED' && ref.seenReviews.has(String(event.reviewId));
    const unmerged = event.type === 'MERGED' && ref.state !== 'merged';
    const bypass = unmerged && kind === 'release' && !ref.cleared.has(event.sha);
    const protectedBypass = unmerged && kind !== 'release' && ref.view.mayTouchProtected();
    const queuedApproved = ref.queued && ref.approvals.size > 0;
    const enqueues = ref.enqueues;
    const epochStarted = ref.apply(event);
    // 1. A queued release whose last approval is withdrawn (at the same head, still open) leaves the queue.
    if (queuedApproved && ref.state === 'open' && ref.head === head && ref.approvals.size === 0) {
      if (!step.effects.some((e) => e.type === 'DEQUEUE' && e.sha === head)) {
        fail(1, `the last approval of ${head} was withdrawn while it stood in the merge queue, without DEQUEUE`);
      }
    }
    // 7. A head that left the queue is enqueued again at most until the guard enqueued it MAX_ENQUEUES times.
    if (event.type === 'DEQUEUED' && enqueues >= MAX_ENQUEUES && step.effects.some((e) => e.type === 'MERGE')) {
      fail(7, `${head} left the merge queue and was enqueued again after ${enqueues} enqueues`);
    }
    // 4. A duplicated delivery produces no further effects.
    if (this.previous && JSON.stringify(this.previous) === JSON.stringify(event) && step.effects.length > 0) {
      fail(4, `duplicated ${event.type} produced ${step.effects.map((e) => e.type).join(', ')}`);
    }
    if (redelivered && step.effects.some((e) => e.type === 'START_RELEASE')) {
      fail(4, `redelivered review ${event.type === 'APPROVED' ? event.reviewId : ''} started a release`);
    }
    // 5. Stale events never advance the state, and say why.
    if (wasOpen && STALE_CHECKED.has(event.type) && 'sha' in event && event.sha !== head) {
      if (step.effects.length > 0 || step.snapshot.phase !== before?.phase) {
        fail(5, `stale ${event.type} for ${event.sha} (head ${head}) acted`);
      }
      if (!step.ignored) fail(5, `stale ${event.type} was not reported as ignored`);
    }
    // 9. A bypassing merge is recorded and raises an alert: of a release not cleared, or of a pull request
    // that is not a release and may change protected paths; never for other pull requests.
    if ((bypass || protectedBypass) && event.type === 'MERGED') {
      if (!step.snapshot.violations.at(-1)?.startsWith(shortSha(event.sha))) {
        fail(9, `merge of ${event.sha} bypassed the guard but no violation was recorded`);
      }
      if (!step.effects.some((e) => e.type === 'ALERT'))
        fail(9, `merge of ${event.sha} bypassed the guard without ALERT`);
    }
    if (protectedBypass) this.protectedBypasses++;
    if (kind !== 'release' && step.snapshot.violations.length > this.protectedBypasses)
      fail(9, `violation recorded on a ${kind} pull request that changes no protected path`);
    this.checkStep(step, epochStarted, violations, event);
    this.previous = event;
    this.snapshot = step.snapshot;
    return violations;
  }

  /** 6. No dead ends: from a live phase, `merged` is reachable through the guard's own merge. */
  checkLiveness(snapshot: GuardSnapshot): InvariantViolation[] {
    if (!this.wanted(6) || this.kind !== 'release' || !LIVE_PHASES.includes(snapshot.phase)) return [];
    const problem = completionProblem(this.guard, snapshot);
    return problem ? [{ invariant: 6, index: this.index, message: problem }] : [];
  }

  /** An independent copy, to check alternative next events from the same point. */
  clone(): InvariantMonitor {
    const copy = Object.create(InvariantMonitor.prototype) as InvariantMonitor;
    Object.assign(copy, this, {
      ref: this.ref.clone(),
      lastStatus: new Map(this.lastStatus),
      standing: new Map(this.standing),
    });
    return copy;
  }

  private wanted(invariant: number): boolean {
    return !this.options.only || this.options.only.includes(invariant);
  }

  private failer(violations: InvariantViolation[]) {
    return (invariant: number, message: string) => {
      if (this.wanted(invariant)) violations.push({ invariant, index: this.index, message });
    };
  }

  /**
   * 2. Honest status, judged on what stands after the step (the last status the guard set on the head,
   * in this step or any earlier one), not only on what the step wrote: on an open release pull request
   * it is `success` only while the model says the head is approved, released and verified, and never a
   * non-release verdict; other pull requests keep their verdict (`failure` for a fork's look-alike or
   * one that may change protected paths). What stands also agrees in state with
   * `standingStatus(snapshot)`, the status that reconcile re-asserts. 10. A head that may change
   * protected paths has no `success` standing unless it is a cleared release.
   */
  private checkStanding(snapshot: GuardSnapshot, fail: (invariant: number, message: string) => void) {
    const { ref, kind } = this;
    if (ref.state !== 'open') return;
    const stands = this.standing.get(ref.head);
    if (kind === 'release') {
      if (stands?.state === 'success' && !ref.isCleared(ref.head)) {
        fail(2, `success stands on ${ref.head} although it is not approved, released and verified`);
      }
      if (stands !== undefined && isNonReleaseVerdict(stands.description)) {
        fail(2, `the non-release verdict "${stands.description}" stands on the release head ${ref.head}`);
      }
    } else {
      const expected = this.nonReleaseVerdict();
      if (stands?.state !== expected) fail(2, `${stands?.state ?? 'no status'} stands on the ${kind} head ${ref.head}`);
    }
    // 10. A head that changes protected paths is green only as a cleared release.
    if (stands?.state === 'success' && this.touchesUncleared()) {
      fail(10, `success stands on ${ref.head}, which changes protected paths and is not a cleared release`);
    }
    const must = standingStatus(snapshot, this.guard.settings.statusContext);
    if (must && must.sha === ref.head && stands?.state !== must.state) {
      fail(
        2,
        `${stands?.state ?? 'no status'} stands on ${ref.head} but the snapshot (${snapshot.phase}) implies ${must.state}`,
      );
    }
  }

  /** 2. A status on a commit other than a merge group's; 10. never green on an uncleared head that changes protected paths. */
  private checkHeadStatus(effect: SetStatusEffect, fail: (invariant: number, message: string) => void) {
    if (effect.state !== 'success') return;
    const { ref, kind } = this;
    if (kind === 'release' && !ref.isCleared(effect.sha)) {
      fail(2, `success status on ${effect.sha} before it was approved, released and verified`);
    }
    if (kind === 'fork') fail(2, 'success status on a fork pull request');
    if (effect.sha === ref.head && this.touchesUncleared()) {
      fail(10, `success status on ${effect.sha}, which changes protected paths and is not a cleared release`);
    }
  }

  /**
   * 2. The status of a merge group made of `sha`: `success` only when `sha` is the head and a cleared
   * release (approved, released and verified), or a pull request that is not a release whose head gets
   * `success`; never on a group of another commit.
   */
  private checkGroupStatus(effect: SetStatusEffect, sha: string, fail: (invariant: number, message: string) => void) {
    if (effect.state !== 'success') return;
    const { ref, kind } = this;
    const may =
      ref.state === 'open' &&
      sha === ref.head &&
      (kind === 'release' ? ref.isCleared(sha) : this.nonReleaseVerdict() === 'success');
    if (!may) fail(2, `success on merge group ${effect.sha} of ${sha}, which may not merge`);
  }

  /** The state a pull request that is not a release must have on its head: failure for a fork's look-alike or one that may change protected paths. */
  private nonReleaseVerdict(): 'success' | 'failure' {
    return this.kind === 'fork' || this.ref.view.mayTouchProtected() ? 'failure' : 'success';
  }

  /** Whether the open head may change protected paths without being a cleared release. */
  private touchesUncleared(): boolean {
    const { ref } = this;
    return (
      ref.state === 'open' && ref.view.mayTouchProtected() && !(this.kind === 'release' && ref.isCleared(ref.head))
    );
  }

  private checkStep(step: Step, epochStarted: boolean, violations: InvariantViolation[], event?: GuardEvent) {
    const fail = this.failer(violations);
    const { ref, kind } = this;
    const effects = step.effects;
    if (epochStarted) {
      this.lastStatus.clear();
      // 3. A new head is locked before anything else happens to it; 2. other PRs get their status.
      const first = effects[0];
      if (
        kind === 'release' &&
        !(first?.type === 'SET_STATUS' && first.sha === ref.head && first.state === 'pending')
      ) {
        fail(3, `new head ${ref.head} was not locked first (first effect: ${describe(first)})`);
      }
      const expected = kind === 'release' ? undefined : this.nonReleaseVerdict();
      if (expected && !effects.some((e) => e.type === 'SET_STATUS' && e.sha === ref.head && e.state === expected)) {
        fail(2, `${kind} head ${ref.head} did not get a ${expected} status`);
      }
    }
    for (const effect of effects) {
      if (effect.type === 'MERGE') {
        // 1. No merge before release.
        if (kind !== 'release') fail(1, `MERGE of a ${kind} pull request`);
        else if (!ref.isCleared(effect.sha)) {
          fail(1, `MERGE of ${effect.sha} which is not the approved, released and verified head`);
        }
        // 7. One merge at a time (a queued one stands), none after merged; through the queue when it is required.
        if (ref.state === 'merged') fail(7, 'MERGE after the pull request was merged');
        else if (ref.outstandingMerge !== undefined)
          fail(
            7,
            `second MERGE while ${ref.outstandingMerge} has no outcome${ref.queued ? ' (it stands in the merge queue)' : ''}`,
          );
        if (ref.mergeQueue && effect.via !== 'queue')
          fail(7, `MERGE of ${effect.sha} not via the required merge queue`);
        ref.outstandingMerge = effect.sha;
        ref.outstandingEnqueue = effect.via === 'queue';
        if (effect.via === 'queue') ref.enqueues++;
      }
      if (effect.type === 'SET_STATUS') {
        // 2. Honest status: on a merge group by the group rule, on any other commit as on the head.
        if (event?.type === 'MERGE_GROUP' && effect.sha === event.groupSha)
          this.checkGroupStatus(effect, event.sha, fail);
        else this.checkHeadStatus(effect, fail);
        // 4. A status is written only when it changes.
        const key = `${effect.state}|${effect.description}`;
        if (this.lastStatus.get(effect.sha) === key) fail(4, `the same status was written twice on ${effect.sha}`);
        this.lastStatus.set(effect.sha, key);
        this.standing.set(effect.sha, effect);
      }
      if (effect.type === 'START_RELEASE') {
        // 4. One release per approval cycle: a second start needs a failure in between.
        if (ref.startsSinceFailure > 0) fail(4, `second START_RELEASE of ${effect.sha} without a failure between`);
        // 3. Approvals never carry over: a release needs an approval of this head, in this epoch.
        if (ref.approvals.size === 0 || effect.sha !== ref.head) {
          fail(3, `START_RELEASE of ${effect.sha} without a standing approval of the head in this epoch`);
        }
        ref.startsSinceFailure++;
      }
    }
    if (this.wanted(2) || this.wanted(10)) this.checkStanding(step.snapshot, fail);
    // 8. Snapshots round-trip through serialization; 5. they stay bounded.
    if (this.wanted(8) || this.wanted(5)) {
      const text = serializeSnapshot(step.snapshot);
      const problem = roundTripProblem(this.guard, text);
      if (problem) fail(8, problem);
      if (text.length > MAX_SNAPSHOT_LENGTH) fail(5, `snapshot grew to ${text.length} characters`);
    }
  }
}

/**
 * Checks the ten invariants over a recorded history (see `InvariantMonitor`); invariant 6 from its
 * last snapshot.
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
export function checkInvariants(guard: Guard, history: History, options: MonitorOptions = {}): InvariantViolation[] {
  const monitor = new InvariantMonitor(guard, history.pr, options);
  const violations = monitor.start(history.start);
  for (const { event, step } of history.deliveries) violations.push(...monitor.deliver(event, step));
  const last = history.deliveries.at(-1)?.step.snapshot ?? history.start.snapshot;
  violations.push(...monitor.checkLiveness(last));
  return violations;
}

/** Texts already shown to round-trip, by guard (its settings judge the kind): searches meet the same snapshot on many edges. */
const roundTripped = new WeakMap<Guard, Set<string>>();

/** Whether `text` restores through the guard's own `restore` and serializes back to itself. */
function roundTripProblem(guard: Guard, text: string): string | undefined {
  const known = roundTripped.get(guard) ?? new Set<string>();
  if (known.has(text)) return undefined;
  try {
    if (serializeSnapshot(guard.restore(text)) !== text) return 'serialize(restore(t)) !== t';
  } catch (error) {
    return `restore(serialize(snapshot)) failed: ${(error as Error).message}`;
  }
  if (known.size >= 20_000) known.clear();
  known.add(text);
  roundTripped.set(guard, known);
  return undefined;
}

/** Whether a status description is the verdict on a pull request that is not a release. */
function isNonReleaseVerdict(description: string): boolean {
  return (
    description === STATUS_TEXT.notRequired ||
    description === STATUS_TEXT.fork ||
    description === STATUS_TEXT.filesIncomplete ||
    description === STATUS_TEXT.filesUnknown ||
    description.startsWith(STATUS_TEXT.protectedPaths)
  );
}

function describe(effect: Effect | undefined): string {
  if (!effect) return 'none';
  return effect.type === 'SET_STATUS' ? `SET_STATUS ${effect.state} ${effect.sha}` : effect.type;
}
