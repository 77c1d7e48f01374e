import { describe, expect, it } from 'vitest';
import { formatReport } from '../soak/report.js';
import { type SoakOptions, type SoakReport, soak } from '../soak/soak.js';

/** The soak's small version: a fixed seed (or SOAK_SEED), printed, so a failure replays with `pnpm soak --seed`. */
const seed = Number(process.env.SOAK_SEED ?? 20261128);

describe('the soak, small', () => {
  it(`release lifecycles under faults, lost and racing deliveries and attackers keep every guarantee (seed ${seed})`, async () => {
    const report = await soak({ seed, lifecycles: 32 });
    console.info(formatReport(report));
    expect(report.invariantViolations).toEqual([]);
    expect(report.stuckAfterSweep).toEqual([]);
    expect(report.doubleMerges).toBe(0);
    expect(report.unreleasedMergeRequests).toBe(0);
    expect(report.unreleasedMerges).toBe(0);
    expect(report.unapprovedDispatches).toBe(0);
    expect(report.duplicateDispatchesWithoutFault).toBe(0);
    // Every attacker struck at least once, and each delivered success of a foreign run failed the step.
    for (const [attack, count] of Object.entries(report.attacks)) expect([attack, count > 0]).toEqual([attack, true]);
    expect(report.selfApprovalForbidden).toBeGreaterThan(0);
    expect(report.foreignRunAlerts).toBeGreaterThan(0);
    // The run exercised what it claims to: faults, lost, duplicated and racing deliveries, unprotected branches, merges.
    expect(report.faultsInjected).toBeGreaterThan(10);
    expect(report.dropped).toBeGreaterThan(0);
    expect(report.concurrentBursts).toBeGreaterThan(0);
    expect(report.unprotected).toBeGreaterThan(0);
    expect(report.mergeRequests).toBeGreaterThan(0);
  }, 120_000);

  it('catches a planted fault: with a registry that lies, merges of unreleased SHAs are reported', async () => {
    const report = await soak({ seed, lifecycles: 12, lyingRegistry: true });
    expect(report.unreleasedMerges).toBeGreaterThan(0);
    expect(report.invariantViolations.some((v) => v.includes('its image v0.'))).toBe(true);
  }, 120_000);
});

/** Lifecycle `n` of `seed` (alone, or inside a soak of `lifecycles`): what GitHub received, the trace, the report. */
async function replay(seed: number, n: number, lifecycles?: number) {
  let requests: string[] = [];
  const trace: string[] = [];
  const options: SoakOptions = {
    seed,
    lifecycles: lifecycles ?? n,
    ...(lifecycles === undefined ? { only: n } : {}),
    requests: (lifecycle, log) => {
      if (lifecycle === n) requests = log.map((r) => `${r.method} ${r.path} ${r.status} ${r.body}`);
    },
    trace: { lifecycles: [n], line: (line) => trace.push(line) },
  };
  const { durationMs: _, ...report }: SoakReport = await soak(options);
  return { requests, trace, report };
}

describe('the soak replays', () => {
  it('a lifecycle alone does what it did inside the soak, and again: the same requests in the same order, bursts and faults included', async () => {
    const seed = 20261128;
    // Lifecycle 6 of this seed: five bursts of concurrent runs, two of them racing where no record stood, and faults.
    const inside = await replay(seed, 6, 6);
    const alone = await replay(seed, 6);
    const again = await replay(seed, 6);
    expect(alone.report.concurrentBursts).toBeGreaterThan(2);
    expect(alone.report.faultsInjected).toBeGreaterThan(0);
    expect(alone.report.racingRecords).toBeGreaterThan(0);
    // The runs of a burst did interleave: some burst sent a request of one run between two of another.
    const orders = alone.trace.filter((l) => l.includes('runs interleaved:')).map((l) => l.split(': ')[1] ?? '');
    expect(orders.some((o) => /(\d)\b.*\b(?!\1)\d\b.*\b\1\b/.test(o))).toBe(true);
    expect(alone.requests.length).toBeGreaterThan(50);
    expect(alone.requests).toEqual(inside.requests);
    expect(alone.trace).toEqual(inside.trace);
    expect(again.requests).toEqual(alone.requests);
    expect(again.trace).toEqual(alone.trace);
    expect(again.report).toEqual(alone.report);
  }, 120_000);
});
