import type { Effect, GuardEvent, GuardSnapshot } from '@release-guard/core';
import { standingStatus } from '@release-guard/core';
import {
  type DeliveryPlan,
  deliver,
  deliveryPlan,
  factsOf,
  runEvents,
  standingOn,
  type TrueHistory,
  trueHistory,
} from '@release-guard/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { releasePr } from '../fixtures.js';
import { guard, RUNS } from './cases.js';

const pr = releasePr();

/**
 * Why the facts cannot show what the whole history did, or undefined when they can. GitHub's facts
 * carry no order between reviews, runs and merges, and show no command, clock or epoch:
 * - `command`: a RETRY or a TIMED_OUT (a command and a clock: no fact shows them);
 * - `epoch`: a close and reopen (GitHub keeps the reviews and runs of the earlier epoch: no fact says
 *   which epoch they belong to);
 * - `merge-order`: a human merge (whether it came before or after the release finished: no order);
 * - `review-order`: an approval or dismissal, or a head change, delivered out of order, or an approval
 *   or dismissal lost when GitHub lists release runs of its commit (reconcile counts an approval it
 *   never saw, once a release was asked for, as given after the runs' outcomes, so that it starts a
 *   new release rather than leave a dead end);
 * - `unapproved-run`: a run the whole history reported as running although nobody approved it (its
 *   approval withdrawn after the dispatch); GitHub lists it as a live run of the head, which the
 *   guard adopts once an approval stands again;
 * - `earlier-run`: GitHub lists a running or successful run of the head that the whole history did
 *   not count (dispatched for an approval withdrawn before it finished): reconcile adopts it as the
 *   release of the approval that stands rather than start a second release of the same commit;
 * - `early-approval`: an approval delivered while the guard did not yet know its commit was the head
 *   (the head change lost or late). The guard remembers it as seen, as it must for an approval of an
 *   earlier head (which it cannot tell apart), so it never counts: the reviewer approves again.
 */
function unobservable(truth: TrueHistory, delivered: readonly GuardEvent[]): string | undefined {
  const { events } = truth;
  if (events.some((e) => e.type === 'RETRY' || e.type === 'TIMED_OUT')) return 'command';
  if (events.some((e) => e.type === 'CLOSED')) return 'epoch';
  if (events.some((e) => e.type === 'MERGED' && e.by !== 'release-bot')) return 'merge-order';
  if (truth.snapshot.alertedRuns.length > 0) return 'unapproved-run';
  const whole = truth.snapshot;
  const uncounted = factsOf(pr, events).releaseRuns?.some(
    (r) =>
      r.sha === whole.headSha &&
      (r.conclusion === null || r.conclusion === 'success') &&
      r.runId !== whole.release.runId &&
      !whole.finishedRuns.includes(String(r.runId)),
  );
  if (uncounted) return 'earlier-run';
  const review = (e: GuardEvent) =>
    e.type === 'APPROVED' || e.type === 'APPROVAL_DISMISSED' || e.type === 'HEAD_CHANGED';
  const run = (e: GuardEvent) =>
    e.type === 'RELEASE_STARTED' || e.type === 'RELEASE_SUCCEEDED' || e.type === 'RELEASE_FAILED';
  const at = delivered.map((e) => events.indexOf(e));
  for (let i = 0; i < delivered.length; i++) {
    for (let j = i + 1; j < delivered.length; j++) {
      const [x, y] = [delivered[i] as GuardEvent, delivered[j] as GuardEvent];
      const crossed = (review(x) && (run(y) || y.type !== x.type)) || (review(y) && (run(x) || x.type !== y.type));
      if ((at[i] as number) > (at[j] as number) && crossed && (review(x) || review(y))) return 'review-order';
    }
  }
  let seen: GuardSnapshot = guard.start(pr).snapshot;
  for (const event of delivered) {
    if (event.type === 'APPROVED' && event.sha !== seen.headSha) return 'early-approval';
    seen = guard.next(seen, event).snapshot;
  }
  const runs = factsOf(pr, events).releaseRuns ?? [];
  for (const event of events) {
    if (delivered.includes(event)) continue;
    if (event.type === 'APPROVAL_DISMISSED' && runs.length > 0) return 'review-order';
    if (event.type === 'APPROVED' && runs.some((r) => r.sha === event.sha)) return 'review-order';
  }
  return undefined;
}

interface Outcome {
  truth: TrueHistory;
  delivered: GuardEvent[];
  stored: GuardSnapshot;
  got: GuardSnapshot;
  effects: Effect[];
  standing: string | undefined;
  open: boolean;
}

function converge(truth: TrueHistory, plan: DeliveryPlan): Outcome {
  const delivered = deliver(truth.events, plan);
  const partial = runEvents(guard, pr, delivered);
  const written = [...partial.start.effects, ...partial.deliveries.flatMap((d) => d.step.effects)];
  const stored = partial.deliveries.at(-1)?.step.snapshot ?? partial.start.snapshot;
  const facts = factsOf(pr, truth.events, written);
  const step = guard.reconcile(stored, facts);
  const open = facts.pr.state === 'open';
  return {
    truth,
    delivered,
    stored,
    got: step.snapshot,
    effects: step.effects,
    standing: open ? standingOn(step.snapshot.headSha, facts, step.effects)?.state : undefined,
    open,
  };
}

class Figures {
  runs = 0;
  events = 0;
  full = 0;
  merged = 0;
  readonly exceptions = new Map<string, number>();

  report(name: string): string {
    const exceptions = [...this.exceptions].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
    return `${name}: ${this.runs} runs, ${this.events} events, ${this.full} checked in full, ${this.merged} merged; exceptions: ${exceptions}`;
  }
}

/**
 * After any subsequence of a true history's events (lost, duplicated, reordered) was delivered to
 * `next`, one reconcile with the true facts gives the whole history's phase, head, standing status
 * (the last one on the head once reconcile's effects are written) and violations, except where the
 * facts cannot show them (see `unobservable`). Always: the head of a live pull request.
 */
function assertConvergence(figures: Figures, unobservableEvents: boolean): void {
  fc.assert(
    fc.property(trueHistory(guard, pr, { unobservable: unobservableEvents }), deliveryPlan(), (truth, plan) => {
      const { got, stored, delivered, standing, open } = converge(truth, plan);
      const whole = truth.snapshot;
      figures.runs++;
      figures.events += truth.events.length;
      if (whole.phase === 'merged') figures.merged++;
      const live = whole.phase !== 'closed' && whole.phase !== 'merged';
      if (live) expect(got.headSha).toBe(whole.headSha);
      const why = unobservable(truth, delivered);
      // Unless a command, an epoch or the order of a human merge is involved (the facts then show a
      // release the whole history did not count), no bypass of the whole history goes unreported.
      if (why === undefined || why === 'review-order') {
        for (const v of whole.violations) expect(got.violations).toContain(v);
      }
      if (why !== undefined) {
        figures.exceptions.set(why, (figures.exceptions.get(why) ?? 0) + 1);
        return;
      }
      figures.full++;
      expect(got.phase).toBe(whole.phase);
      if (open) expect(standing).toBe(standingStatus(whole, guard.settings.statusContext)?.state);
      // A merge delivered before the guard learnt of the head's release was reported when it came:
      // a merged snapshot is final, its violation stays.
      if (stored.phase !== 'merged') expect(got.violations).toEqual(whole.violations);
    }),
    { numRuns: RUNS },
  );
}

describe('convergence: reconcile once with the true facts after lost, duplicated and reordered deliveries', () => {
  it(`histories GitHub's facts can show: phase, head, standing status and violations (${RUNS} runs)`, () => {
    const figures = new Figures();
    assertConvergence(figures, false);
    console.info(figures.report('convergence (observable)'));
    expect(figures.runs).toBe(RUNS);
    expect(figures.events / figures.runs).toBeGreaterThanOrEqual(20);
    expect(figures.full / figures.runs).toBeGreaterThan(0.1);
  });

  it(`every history, with commands, epochs and human merges: the head, and no bypass left unreported (${RUNS} runs)`, () => {
    const figures = new Figures();
    assertConvergence(figures, true);
    console.info(figures.report('convergence (all)'));
    expect(figures.runs).toBe(RUNS);
  });
});
