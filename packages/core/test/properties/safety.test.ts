import { PHASES } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { assertInvariant, Coverage, QUEUE_RUNS, RUNS } from '../support/property-cases.js';

const coverage = new Coverage();

describe('safety invariants over generated histories of 20 to 100 events', () => {
  it('1. no merge before release: MERGE of S only when S is the head, approved, released and verified', () => {
    assertInvariant(1, coverage);
  });

  it('2. honest status, judged on what stands after every event: success only then; other PRs always "not required"; forks never success', () => {
    assertInvariant(2, coverage);
  });

  it('3. a new head is locked before anything else happens to it; approvals never carry over', () => {
    assertInvariant(3, coverage);
  });

  it('7. never a second MERGE while the previous one has no outcome, and none after merged', () => {
    assertInvariant(7, coverage);
  });

  it('9. a merge that bypassed the guard is recorded as a violation and raises ALERT', () => {
    assertInvariant(9, coverage);
  });

  it('10. a PR that touches protected paths is never green unless it is a cleared release PR', () => {
    assertInvariant(10, coverage);
  });

  it('the runs covered every phase, long histories and real merges', () => {
    expect(coverage.runs).toBe(6 * (RUNS + QUEUE_RUNS));
    expect([...coverage.phases].sort()).toEqual([...PHASES].sort());
    expect(coverage.events / coverage.runs).toBeGreaterThanOrEqual(20);
    expect(coverage.withMerge / coverage.seedRuns).toBeGreaterThan(0.1);
    coverage.expectRecognition();
    coverage.expectQueue();
  });
});
