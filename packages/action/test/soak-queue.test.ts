import { describe, expect, it } from 'vitest';
import { formatReport } from '../soak/report.js';
import { soak } from '../soak/soak.js';

/** The queue soak's small version: a fixed seed (or SOAK_SEED), printed, so a failure replays with `pnpm soak --queue --seed`. */
const seed = Number(process.env.SOAK_SEED ?? 20261128);

describe('the soak with a merge queue, small', () => {
  it(`release lifecycles on a main that requires the merge queue keep every guarantee (seed ${seed})`, async () => {
    const report = await soak({ seed, lifecycles: 24, queue: true });
    console.info(formatReport(report));
    const queue = report.queue;
    expect(report.invariantViolations).toEqual([]);
    expect(report.stuckAfterSweep).toEqual([]);
    expect(report.unreleasedMerges).toBe(0);
    expect(queue?.unreleasedQueueMerges).toBe(0);
    // The queue merged, failed groups, and every queue attacker struck.
    expect(queue?.queueMerges).toBeGreaterThan(0);
    expect(queue?.groupsFailed).toBeGreaterThan(0);
    for (const [attack, count] of Object.entries(queue?.attacks ?? {}))
      expect([attack, count > 0]).toEqual([attack, true]);
    // Its deliveries went through the soak's delivery: lost, duplicated, racing; and faults hit the runs.
    expect(report.dropped).toBeGreaterThan(0);
    expect(report.concurrentBursts).toBeGreaterThan(0);
    expect(report.faultsInjected).toBeGreaterThan(10);
    expect(queue?.enqueueRequests).toBeGreaterThan(0);
  }, 180_000);

  // The guard takes a release with no approval standing out of the queue before it judges its group: in
  // these lifecycles the lie merges nothing, and its verdicts are what the oracle reports.
  it('catches a planted fault: a guard that writes success on every merge group is reported', async () => {
    const report = await soak({ seed, lifecycles: 12, queue: true, lyingGroups: true });
    expect(report.invariantViolations.some((v) => v.includes('success on the merge group'))).toBe(true);
    expect(report.queue?.groupsFailed).toBe(0);
  }, 180_000);
});
