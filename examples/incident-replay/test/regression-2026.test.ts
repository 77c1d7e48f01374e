import { describe, expect, it } from 'vitest';
import { at } from '../clock.js';
import { replayIncident } from '../incident.js';
import {
  ASSUMED_DELAYS_2026,
  ASSUMED_TIMES_2026,
  GUARDED_2026,
  IMAGE_TAG_2026,
  RELEASE_PLEASE_2026,
  releasePleaseConfig,
  UNGUARDED_2026,
  VALUES_PATH,
} from '../regression-2026.js';
import { renderReport } from '../render.js';
import { GUARD_LOGIN, GUARDED, RELEASER, UNGUARDED } from '../scenario.js';
import { duration, judge } from '../verdict.js';
import { expectMergedAfterImage, MINUTE, pushOf, replayedBeforeAll } from './support.js';

const { image: IMAGE, chart: CHART, day: DAY } = RELEASE_PLEASE_2026;
const MERGE = at(ASSUMED_TIMES_2026.handMerge, DAY);

describe('the 2026 regression (release-please) replayed on the GitHub and registry emulators', () => {
  const runs = replayedBeforeAll(UNGUARDED_2026, GUARDED_2026);

  it('with the guard still set for releases/*, the release-please PR is "not required" and merged by the releaser', () => {
    expect(runs.unguarded.statuses.map((s) => [s.state, s.description, s.by])).toEqual([
      ['success', 'release not required', GUARD_LOGIN],
    ]);
    expect(runs.unguarded.mergeRequests.map((r) => [r.caller, r.status])).toEqual([[RELEASER, 200]]);
    expect(runs.unguarded.pullRequest).toMatchObject({ merged: true, mergedBy: RELEASER, mergedAt: MERGE });
    expect(runs.unguarded.guard?.violations).toEqual([]);
  });

  it('under the 2025 workflows the chart is out before the image built after the merge: the window, from the push log', () => {
    const chart = pushOf(runs.unguarded, CHART);
    const image = pushOf(runs.unguarded, IMAGE);
    expect(chart.at.getTime()).toBe(MERGE.getTime() + ASSUMED_DELAYS_2026.chartMs);
    expect(image.at.getTime()).toBe(
      MERGE.getTime() + ASSUMED_DELAYS_2026.runStartMs + (ASSUMED_DELAYS_2026.buildMs ?? Number.NaN),
    );
    expect(runs.unguarded.window).toEqual({
      chartPushedAt: chart.at,
      imagePushedAt: image.at,
      ms: image.at.getTime() - chart.at.getTime(),
    });
    expect(runs.unguarded.window.ms).toBeGreaterThan(30 * MINUTE);
    expect(
      runs.unguarded.entries.some((e) => e.actor === 'image workflow' && /starts on the push to main/.test(e.what)),
    ).toBe(true);
  });

  it('with the preset, the release PR is locked (pending) and the 10:00 merge gets 405', () => {
    const pendingThen = runs.guarded.statuses.filter((s) => s.at <= MERGE);
    expect(pendingThen.map((s) => [s.state, s.by])).toEqual([['pending', GUARD_LOGIN]]);
    const [refused] = runs.guarded.mergeRequests;
    expect(refused).toMatchObject({ status: 405, caller: RELEASER });
    expect(new Date(refused?.at ?? 0)).toEqual(MERGE);
  });

  it('the approval dispatches the release of the title’s version; the guard merges after the image, the chart follows: no window', () => {
    expectMergedAfterImage(runs.guarded, IMAGE, CHART);
    expect(
      runs.guarded.entries.some(
        (e) => e.actor === GUARD_LOGIN && /^starts the release: dispatches release\.yaml/.test(e.what),
      ),
    ).toBe(true);
    expect(
      runs.guarded.entries.some((e) => e.actor === GUARD_LOGIN && e.what.includes(`wego-app:${IMAGE_TAG_2026}`)),
    ).toBe(true);
    expect(runs.guarded.statuses.map((s) => s.state)).toEqual(['pending', 'success']);
    expect(runs.guarded.guard).toEqual({ phase: 'merged', violations: [], alerts: [] });
  });

  it('a pull request that is no release and bumps the chart’s values fails, naming the file', () => {
    expect(runs.guarded.protectedChange?.statuses.map((s) => [s.state, s.description, s.by])).toEqual([
      ['failure', `changes release-managed files outside a release PR: ${VALUES_PATH}`, GUARD_LOGIN],
    ]);
    expect(runs.unguarded.protectedChange).toBeUndefined();
  });

  it('each timeline is in time order and starts at the assumed 09:30 on the replay’s day', () => {
    for (const run of [runs.unguarded, runs.guarded]) {
      const times = run.entries.map((e) => e.at.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(run.entries[0]?.at).toEqual(at(ASSUMED_TIMES_2026.opened, DAY));
    }
  });

  it('the verdict and the report cover both incidents', async () => {
    const v029 = { unguarded: await replayIncident(UNGUARDED), guarded: await replayIncident(GUARDED) };
    const pairs = [v029, runs];
    const verdict = judge(pairs);
    expect(verdict).toMatchObject({ exitCode: 0, problems: [] });
    expect(verdict.line).toMatch(
      /^Verdict: v0\.29: .* 2026: without release-guard every upgrade failed for 39 min 5 s/,
    );
    const report = renderReport(
      pairs.flatMap((p) => [p.unguarded, p.guarded]),
      verdict,
    );
    expect(report).toMatch(/^## v0\.29: weaveworks\/weave-gitops v0\.29\.0, 2023-08-02$/m);
    expect(report).toMatch(/^## 2026: weaveworks\/weave-gitops 0\.39\.1-rc\.1 \(release-please\), 2026-04-14$/m);
    expect(report).toContain(`| 2026 | ${UNGUARDED_2026.title} | 39 min 5 s (~39 min) in which every upgrade failed |`);
    // One incident failing is enough to fail the demo.
    expect(judge([v029, { unguarded: runs.unguarded, guarded: runs.unguarded }]).exitCode).toBe(1);
  });

  describe('the verdict fails', () => {
    it('when the run without the fix shows no window (the chart workflow waits for the build)', async () => {
      const patient = await replayIncident({ ...UNGUARDED_2026, title: 'patient', delays: { chartMs: 45 * MINUTE } });
      expect(patient.window.ms).toBe(0);
      expect(judge([{ unguarded: patient, guarded: runs.guarded }]).problems).toEqual([
        '2026: without the guard the replay shows no window: the incident was not reproduced',
      ]);
    });

    it('when the release PR is merged bypassing protection before the image', async () => {
      const bypassed = await replayIncident({ ...GUARDED_2026, title: 'bypassed', bypass: true });
      expect(bypassed.window.ms).toBe(pushOf(bypassed, IMAGE).at.getTime() - pushOf(bypassed, CHART).at.getTime());
      expect(bypassed.window.ms).toBeGreaterThan(20 * MINUTE);
      expect(bypassed.guard?.violations).toHaveLength(1);
      const verdict = judge([{ unguarded: runs.unguarded, guarded: bypassed }]);
      expect(verdict.exitCode).toBe(1);
      expect(verdict.problems).toEqual([
        `2026: with the guard every upgrade still failed for ${duration(bypassed.window.ms)}`,
        `2026: with the guard the release PR was merged by ${RELEASER}, not by ${GUARD_LOGIN}`,
      ]);
    });

    it('when the chart’s files are not protected and the bump outside a release passes', async () => {
      const unprotected = await replayIncident({
        ...GUARDED_2026,
        title: 'unprotected',
        incident: {
          ...RELEASE_PLEASE_2026,
          config: (host) => ({ ...releasePleaseConfig(host), protectedPaths: [] }),
        },
      });
      expect(unprotected.protectedChange?.statuses.at(-1)?.state).toBe('success');
      expect(judge([{ unguarded: runs.unguarded, guarded: unprotected }]).problems).toEqual([
        '2026: with the guard the pull request changing release-managed files outside a release did not fail',
      ]);
    });
  });
});
