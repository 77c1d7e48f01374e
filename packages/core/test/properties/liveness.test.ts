import { PHASES } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { assertInvariant, Coverage, QUEUE_RUNS, RUNS } from '../support/property-cases.js';

const coverage = new Coverage();

describe('idempotence, liveness and state invariants over generated histories of 20 to 100 events', () => {
  it('4. idempotence: a duplicated delivery acts once; a redelivered approval never starts a second release', () => {
    assertInvariant(4, coverage);
  });

  it('5. stale or out-of-order events never advance the state, say why, and the snapshot stays bounded', () => {
    assertInvariant(5, coverage);
  });

  it('6. no dead ends: from every live phase, merged is reachable through the guard’s own merge', () => {
    assertInvariant(6, coverage);
  });

  it('8. serialize(restore(t)) === t for every reachable snapshot', () => {
    assertInvariant(8, coverage);
  });

  it('the runs covered every phase, long histories and real merges', () => {
    expect(coverage.runs).toBe(4 * (RUNS + QUEUE_RUNS));
    expect([...coverage.phases].sort()).toEqual([...PHASES].sort());
    expect(coverage.events / coverage.runs).toBeGreaterThanOrEqual(20);
    expect(coverage.withMerge / coverage.seedRuns).toBeGreaterThan(0.1);
    coverage.expectRecognition();
    coverage.expectQueue();
  });
});
