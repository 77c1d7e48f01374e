import type { PushRecord } from '@release-guard/testkit';
import { beforeAll, expect } from 'vitest';
import { replayIncident } from '../incident.js';
import type { IncidentRun } from '../outcome.js';
import { GUARD_LOGIN, RELEASER, type Scenario } from '../scenario.js';
import type { IncidentPair } from '../verdict.js';

export const MINUTE = 60_000;

/** The first push of `artifact` in a replay's push log; throws when it was never pushed. */
export function pushOf(run: IncidentRun, artifact: { name: string; tag: string }): PushRecord {
  const push = run.pushes.find((p) => p.name === artifact.name && p.tag === artifact.tag);
  if (!push) throw new Error(`${artifact.name}:${artifact.tag} was never pushed in "${run.scenario.title}"`);
  return push;
}

/** An incident's replays without and with the guard, made once before the suite's tests (read them in a test). */
export function replayedBeforeAll(unguarded: Scenario, guarded: Scenario): IncidentPair {
  const pair = {} as IncidentPair;
  beforeAll(async () => {
    pair.unguarded = await replayIncident(unguarded);
    pair.guarded = await replayIncident(guarded);
  });
  return pair;
}

/**
 * What a guarded replay must show: GitHub refused the releaser's merge (405) and the guard merged after
 * the image was pushed; the chart followed the merge, so there is no window.
 */
export function expectMergedAfterImage(
  run: IncidentRun,
  image: { name: string; tag: string },
  chart: { name: string; tag: string },
): void {
  const imagePush = pushOf(run, image);
  const chartPush = pushOf(run, chart);
  const merged = run.pullRequest.mergedAt;
  expect(run.pullRequest).toMatchObject({ merged: true, mergedBy: GUARD_LOGIN });
  expect(merged && merged > imagePush.at).toBe(true);
  expect(merged && chartPush.at > merged).toBe(true);
  expect(run.mergeRequests.map((r) => [r.caller, r.status])).toEqual([
    [RELEASER, 405],
    [GUARD_LOGIN, 200],
  ]);
  expect(run.window).toEqual({ chartPushedAt: chartPush.at, imagePushedAt: imagePush.at, ms: 0 });
}
