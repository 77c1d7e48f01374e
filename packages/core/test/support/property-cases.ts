import type { Phase, PullRequest } from '@release-guard/core';
import { checkInvariants, eventSequence, type History, runEvents } from '@release-guard/core/testing';
import fc from 'fast-check';
import { expect } from 'vitest';
import { releasePr, seedGuard } from './fixtures.js';

/** At least 1,000 runs per invariant; `PROPERTY_RUNS` raises it for a longer local hunt. */
export const RUNS = Math.max(1000, Number(process.env.PROPERTY_RUNS ?? 0));

export const guard = seedGuard();

/**
 * Mostly release pull requests, some of them with releasers among the generated reviewers (`reviewer0`
 * to `reviewer5`), spelt as GitHub might; some ordinary and some fork pull requests for the status promises.
 */
const pullRequest: fc.Arbitrary<PullRequest> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(releasePr()) },
  { weight: 2, arbitrary: fc.constant(releasePr({ releasers: ['Reviewer0', 'reviewer1[bot]'] })) },
  { weight: 1, arbitrary: fc.constant(releasePr({ headRef: 'feature/validation-poc' })) },
  { weight: 1, arbitrary: fc.constant(releasePr({ fromFork: true })) },
);

export const historyCase = fc
  .record({ pr: pullRequest, events: eventSequence({ minLength: 20, maxLength: 100, artifacts: ['image', 'chart'] }) })
  .map(({ pr, events }) => runEvents(guard, pr, events));

/** What the runs of one file covered, so the suite can prove it exercised the machine. */
export class Coverage {
  runs = 0;
  withMerge = 0;
  events = 0;
  readonly phases = new Set<Phase>();

  record(history: History): void {
    this.runs++;
    this.events += history.deliveries.length;
    this.phases.add(history.start.snapshot.phase);
    for (const { step } of history.deliveries) this.phases.add(step.snapshot.phase);
    if (history.deliveries.some(({ step }) => step.effects.some((e) => e.type === 'MERGE'))) this.withMerge++;
  }
}

/** Asserts one invariant over `RUNS` generated histories. */
export function assertInvariant(invariant: number, coverage: Coverage): void {
  fc.assert(
    fc.property(historyCase, (history) => {
      coverage.record(history);
      expect(checkInvariants(guard, history, { only: [invariant] })).toEqual([]);
    }),
    { numRuns: RUNS },
  );
}
