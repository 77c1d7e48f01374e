import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuardStateError } from '@release-guard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AppliedStep,
  approve,
  finishRelease,
  latestStatus,
  mergeByHand,
  push,
  type RunReport,
  recover,
  releaseRun,
  requiredRefs,
  rerunRelease,
  StoredSnapshotError,
  type ToolContext,
} from '../embed.js';
import { BOT, damagedState, endToEnd, RELEASE_PR, type Story, toolContext } from '../story.js';

const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url));
const NEW_HEAD = '7c4a8d09ca3762af61e59520943dc26494f8941b';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'release-guard-embed-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const reports = (story: Story): RunReport[] => story.entries.flatMap((e) => (e.kind === 'run' ? [e.report] : []));
const allSteps = (runs: readonly RunReport[]): AppliedStep[] => runs.flatMap((r) => r.steps);
const effectTypes = (runs: readonly RunReport[]) => runs.flatMap((r) => r.executed.map((x) => x.effect.type));

/** Phases in the order the steps went through them, without repeats. */
function phaseSequence(steps: readonly AppliedStep[]): string[] {
  return steps.map((s) => s.phase).filter((phase, i, all) => i === 0 || all[i - 1] !== phase);
}

/** Opens the release PR and approves it, one run each; returns the release run the executor started. */
async function openAndApprove(ctx: ToolContext): Promise<string> {
  await releaseRun(ctx, 'opened');
  await releaseRun(ctx, 'approved', [approve(ctx.host, { reviewId: 1, reviewer: 'maintainer' })]);
  const run = ctx.host.world.runs.at(-1);
  if (!run) throw new Error('the approval started no release');
  return run.runId;
}

describe('a release tool embedding the guard', () => {
  it('walks the release PR through prepared, approved, releasing, released and merged', async () => {
    const story = await endToEnd(dir);
    expect(phaseSequence(allSteps(reports(story)))).toEqual([
      'prepared',
      'approved',
      'releasing',
      'released',
      'merged',
    ]);
    expect(story.ctx.host.world.merged).toEqual({ sha: RELEASE_PR.headSha, by: BOT });
  });

  it('has the bot merge only after the release succeeded and the image was verified', async () => {
    const story = await endToEnd(dir);
    const steps = allSteps(reports(story));
    const merging = steps.findIndex((s) => s.effects.some((e) => e.type === 'MERGE'));
    const succeeded = steps.findIndex((s) => s.event?.type === 'RELEASE_SUCCEEDED');
    expect(succeeded).toBeGreaterThanOrEqual(0);
    expect(merging).toBeGreaterThan(succeeded);
    expect(steps[merging]?.event).toMatchObject({ type: 'ARTIFACT_VERIFIED', name: 'image' });
    expect(steps[merging]?.source).toBe('executor');
    expect(effectTypes(reports(story)).filter((t) => t === 'MERGE')).toHaveLength(1);
    // The check was pending until then and turned green once, right before the merge.
    const writes = story.ctx.host.world.statuses.filter((s) => s.sha === RELEASE_PR.headSha).map((s) => s.state);
    expect(writes).toEqual(['pending', 'success']);
  });

  it('refuses every merge by hand before the release, with branch protection on the guard’s check', async () => {
    const story = await endToEnd(dir);
    const attempts = story.entries.filter((e) => e.kind === 'merge-by-hand');
    expect(attempts.map((a) => a.at)).toEqual(['10:05', '10:20']);
    for (const attempt of attempts) {
      expect(attempt.merged).toBe(false);
      expect(attempt.reason).toContain('"release"');
    }
  });

  it('never merges a release whose image is missing; a re-run that pushes it merges', async () => {
    const ctx = toolContext(dir);
    const firstRun = await openAndApprove(ctx);
    const forgot = await releaseRun(ctx, 'release ended without the image', [finishRelease(ctx.host, firstRun, [])]);
    expect(forgot.snapshot.phase).toBe('failed');
    expect(forgot.snapshot.failure).toContain('manifest unknown');
    expect(effectTypes([forgot])).not.toContain('MERGE');
    expect(latestStatus(ctx.host, RELEASE_PR.headSha, 'release')).toBe('failure');
    expect(await mergeByHand(ctx.host, ctx.pr, 'maintainer')).toMatchObject({ merged: false });

    // Approved again: the executor answers with the finished run, which cannot count twice.
    const again = await releaseRun(ctx, 'approved again', [approve(ctx.host, { reviewId: 2, reviewer: 'maintainer' })]);
    expect(again.snapshot.phase).toBe('approved');
    expect(again.steps.at(-1)?.ignored).toBe(`run ${firstRun} already finished`);
    // The job is re-run; this attempt pushes the image.
    const rerun = await releaseRun(ctx, 'job re-run', [rerunRelease(ctx.host, firstRun)]);
    expect(rerun.snapshot.phase).toBe('releasing');
    const secondRun = ctx.host.world.runs.at(-1)?.runId ?? '';
    expect(secondRun).not.toBe(firstRun);
    const done = await releaseRun(ctx, 'release ended with the image', [
      finishRelease(ctx.host, secondRun, requiredRefs(ctx.guard, ctx.pr)),
    ]);
    expect(done.snapshot.phase).toBe('merged');
    expect(ctx.host.world.merged).toEqual({ sha: RELEASE_PR.headSha, by: BOT });
  });

  it('locks a new head pushed during the release, and never merges the old release', async () => {
    const ctx = toolContext(dir);
    const oldRun = await openAndApprove(ctx);
    const pushed = await releaseRun(ctx, 'pushed', [push(ctx.host, NEW_HEAD)]);
    expect(pushed.snapshot.phase).toBe('prepared');
    expect(pushed.steps[0]?.effects[0]).toMatchObject({ type: 'SET_STATUS', sha: NEW_HEAD, state: 'pending' });
    expect(pushed.alerts).toEqual([expect.stringContaining('will not be merged')]);

    const late = await releaseRun(ctx, 'old release ended', [
      finishRelease(ctx.host, oldRun, requiredRefs(ctx.guard, ctx.pr)),
    ]);
    expect(late.steps[0]?.ignored).toBeDefined();
    expect(late.executed).toEqual([]);
    expect(await mergeByHand(ctx.host, ctx.pr, 'maintainer')).toMatchObject({ merged: false });
    expect(ctx.host.world.merged).toBeUndefined();
  });
});

describe('the snapshot stored between runs', () => {
  it('round-trips, and each run continues from the one the previous run stored', async () => {
    const story = await endToEnd(dir);
    const { guard, store } = story.ctx;
    const runs = reports(story);
    expect(runs).toHaveLength(4);
    for (const run of runs) {
      const restored = guard.restore(run.saved);
      expect(guard.serialize(restored)).toBe(run.saved);
      expect(restored).toEqual(run.snapshot);
    }
    // Only the first run started the guard; the redelivered approval was recognised from the stored state.
    expect(runs.map((r) => r.steps[0]?.source)).toEqual(['start', 'webhook', 'webhook', 'webhook']);
    expect(runs[2]?.steps[0]?.ignored).toBe('review 1 was already counted');
    expect(await store.read()).toBe(runs.at(-1)?.saved);
  });

  const damage: [string, (text: string) => string, RegExp][] = [
    [
      'edited by hand',
      (t) => t.replace('"phase":"releasing"', '"phase":"released"'),
      /checksum: .*edited or corrupted/,
    ],
    ['truncated', (t) => t.slice(0, Math.floor(t.length / 2)), /was the snapshot truncated\?/],
    ['from a newer release-guard', (t) => t.replace('"version":1', '"version":2'), /upgrade release-guard/],
    ['not a snapshot', () => '{"hello":"world"}', /schema: expected 'release-guard\/snapshot'/],
  ];

  it.each(damage)('is refused with a clear error when %s, and the run executes nothing', async (_, mutate, reason) => {
    const ctx = toolContext(dir);
    const runId = await openAndApprove(ctx);
    const text = await ctx.store.read();
    const bad = mutate(text ?? '');
    expect(bad).not.toBe(text);
    await ctx.store.write(bad);
    const statuses = ctx.host.world.statuses.length;

    const error = await releaseRun(ctx, 'release ended', [
      finishRelease(ctx.host, runId, requiredRefs(ctx.guard, ctx.pr)),
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoredSnapshotError);
    expect((error as StoredSnapshotError).cause).toBeInstanceOf(GuardStateError);
    expect((error as Error).message).toContain(ctx.store.location);
    expect((error as Error).message).toMatch(reason);
    expect(ctx.host.world.statuses).toHaveLength(statuses);
    expect(ctx.host.world.merged).toBeUndefined();
    expect(await ctx.store.read()).toBe(bad);
  });

  it('is rebuilt from the code host by recover, which finishes the release', async () => {
    const story = await damagedState(dir);
    expect(story.entries.map((e) => e.kind)).toEqual(['run', 'run', 'note', 'refused', 'run']);
    const recovered = reports(story).at(-1) as RunReport;
    expect(recovered.steps[0]).toMatchObject({ source: 'reconcile', phase: 'releasing' });
    expect(phaseSequence(recovered.steps)).toEqual(['releasing', 'released', 'merged']);
    expect(story.ctx.host.world.merged).toEqual({ sha: RELEASE_PR.headSha, by: BOT });
    const { guard, store } = story.ctx;
    const stored = (await store.read()) ?? '';
    expect(guard.serialize(guard.restore(stored))).toBe(stored);
    expect(guard.restore(stored).phase).toBe('merged');
  });

  it('is rebuilt by recover without claiming a release that has not finished', async () => {
    const ctx = toolContext(dir);
    await openAndApprove(ctx);
    await ctx.store.write('');
    await expect(releaseRun(ctx, 'any webhook')).rejects.toThrow(/the text is empty/);
    const recovered = await recover(ctx, 'recover');
    expect(recovered.snapshot.phase).toBe('releasing');
    expect(effectTypes([recovered])).not.toContain('MERGE');
    expect(latestStatus(ctx.host, RELEASE_PR.headSha, 'release')).toBe('pending');
  });
});

describe('release.ts', () => {
  it('prints the timeline of both stories and exits 0', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | string; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          ['--conditions=@release-guard/source', '--import', 'tsx', 'release.ts'],
          { cwd: EXAMPLE_DIR },
          (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 'unknown') : 0, stdout, stderr }),
        );
      },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('== release PR #42 (releases/v1.4.0), end to end ==');
    expect(stdout).toContain('maintainer clicks merge: REFUSED (Required status check "release" is expected.)');
    expect(stdout).toContain('checksum: does not match the snapshot: it was edited or corrupted');
    const refused = stdout.indexOf('REFUSED');
    const merged = stdout.indexOf(`MERGED 5d41402 by ${BOT}`);
    expect(refused).toBeGreaterThan(0);
    expect(merged).toBeGreaterThan(refused);
    expect(stdout).toContain(`Both release PRs merged by ${BOT} after the image was verified.`);
  });
});
