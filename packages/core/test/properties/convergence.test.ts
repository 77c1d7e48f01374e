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
import { releasePr } from '../support/fixtures.js';
import { guard, RUNS } from '../support/property-cases.js';
import { unobservable } from '../support/unobservable.js';

const pr = releasePr();

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
      const why = unobservable(pr, truth, delivered);
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
