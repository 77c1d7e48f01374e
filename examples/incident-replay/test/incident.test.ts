import { toMermaid } from '@release-guard/core';
import type { PushRecord } from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import { at } from '../clock.js';
import { replayIncident } from '../incident.js';
import { measureWindow } from '../outcome.js';
import { renderReport } from '../render.js';
import {
  CHART_NAME,
  CHART_VERSION,
  DELAYS,
  GUARD_LOGIN,
  GUARDED,
  IMAGE_NAME,
  RELEASER,
  SEED_TIMES,
  UNGUARDED,
  VERSION,
} from '../scenario.js';
import { describeWindow, duration, judge } from '../verdict.js';
import { withEmulators } from '../world.js';
import { expectMergedAfterImage, MINUTE, pushOf, replayedBeforeAll } from './support.js';

const IMAGE = { name: IMAGE_NAME, tag: VERSION };
const CHART = { name: CHART_NAME, tag: CHART_VERSION };

describe('the v0.29 incident replayed on the GitHub and registry emulators', () => {
  const runs = replayedBeforeAll(UNGUARDED, GUARDED);

  it('without the guard, the chart is out ~85 min before its image, as measured from the push log', () => {
    const chart = pushOf(runs.unguarded, CHART);
    const image = pushOf(runs.unguarded, IMAGE);
    expect(chart.at.getTime()).toBe(at(SEED_TIMES.handMerge).getTime() + DELAYS.chartMs);
    expect(image.at).toEqual(at(SEED_TIMES.imagePushed));
    expect(runs.unguarded.window).toEqual({
      chartPushedAt: chart.at,
      imagePushedAt: image.at,
      ms: image.at.getTime() - chart.at.getTime(),
    });
    expect(Math.abs(runs.unguarded.window.ms - 85 * MINUTE)).toBeLessThan(MINUTE);
    expect(runs.unguarded.pullRequest).toMatchObject({
      merged: true,
      mergedBy: RELEASER,
      mergedAt: at(SEED_TIMES.handMerge),
    });
    // Merged by hand: no merge request went through the API, and nothing runs.guarded the release PR.
    expect(runs.unguarded.mergeRequests).toEqual([]);
    expect(runs.unguarded.statuses).toEqual([]);
    expect(runs.unguarded.guard).toBeUndefined();
  });

  it('with the guard, GitHub answers the 11:16 merge with 405 because `release` is pending', () => {
    const [refused] = runs.guarded.mergeRequests;
    expect(refused).toMatchObject({ status: 405, caller: RELEASER });
    expect(new Date(refused?.at ?? 0)).toEqual(at(SEED_TIMES.handMerge));
    const pendingThen = runs.guarded.statuses.filter((s) => s.at <= at(SEED_TIMES.handMerge)).at(-1);
    expect(pendingThen).toMatchObject({ state: 'pending', by: GUARD_LOGIN });
    const line = runs.guarded.entries.find(
      (e) => e.actor === RELEASER && e.at.getTime() === at(SEED_TIMES.handMerge).getTime(),
    );
    expect(line?.what).toMatch(/GitHub answers 405: Required status check "release" is not successful/);
  });

  it('with the guard, the approval dispatches the release, and the guard merges only after the image is pushed', () => {
    expectMergedAfterImage(runs.guarded, IMAGE, CHART);
    const image = pushOf(runs.guarded, IMAGE);
    const success = runs.guarded.statuses.find((s) => s.state === 'success');
    expect(success && success.at >= image.at).toBe(true);
    expect(runs.guarded.statuses.map((s) => [s.state, s.by])).toEqual([
      ['pending', GUARD_LOGIN],
      ['success', GUARD_LOGIN],
    ]);
    expect(runs.guarded.entries.some((e) => e.actor === GUARD_LOGIN && /dispatches release\.yaml/.test(e.what))).toBe(
      true,
    );
    expect(runs.guarded.guard).toEqual({ phase: 'merged', violations: [], alerts: [] });
  });

  it('each timeline is in time order and starts at the seed’s 11:00', () => {
    for (const run of [runs.unguarded, runs.guarded]) {
      const times = run.entries.map((e) => e.at.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(run.entries[0]?.at).toEqual(at(SEED_TIMES.opened));
    }
  });

  it('the verdict passes for the seed and fails when the guard is bypassed and the chart is not gated', async () => {
    expect(judge([runs])).toMatchObject({ exitCode: 0, problems: [] });

    const bypassed = await replayIncident({ ...GUARDED, title: 'bypassed', bypass: true, chartGate: false });
    expect(bypassed.window.ms).toBe(pushOf(bypassed, IMAGE).at.getTime() - pushOf(bypassed, CHART).at.getTime());
    expect(bypassed.window.ms).toBeGreaterThan(80 * MINUTE);
    expect(bypassed.guard?.violations).toHaveLength(1);
    expect(bypassed.guard?.alerts).toHaveLength(1);
    const verdict = judge([{ unguarded: runs.unguarded, guarded: bypassed }]);
    expect(verdict.exitCode).toBe(1);
    expect(verdict.problems).toEqual([
      `v0.29: with the guard every upgrade still failed for ${duration(bypassed.window.ms)}`,
      `v0.29: with the guard the release PR was merged by ${RELEASER}, not by ${GUARD_LOGIN}`,
    ]);
    expect(verdict.line).toMatch(/^Verdict: FAILED: /);
  });

  it('a bypassing merge with the chart gated: no window, the gate holds the chart, the guard alerts, and the verdict fails', async () => {
    const bypassed = await replayIncident({ ...GUARDED, title: 'bypassed, gated', bypass: true });
    expect(bypassed.pushes.map((p) => p.name)).toEqual([IMAGE_NAME]);
    expect(bypassed.window).toMatchObject({ ms: 0 });
    expect(bypassed.entries.find((e) => e.actor === 'chart workflow')?.what).toMatch(
      /^gate closed: .*wego-app:v0\.29\.0.*; the chart is not pushed$/,
    );
    expect(bypassed.guard?.alerts).toHaveLength(1);
    expect(judge([{ unguarded: runs.unguarded, guarded: bypassed }]).problems).toContain(
      'v0.29: with the guard the chart was never published',
    );
  });

  it('the verdict fails when the run without the guard shows no window (the releaser waits for the release)', async () => {
    const patient = await replayIncident({ ...UNGUARDED, title: 'patient', times: { handMerge: '12:45:00' } });
    expect(pushOf(patient, CHART).at > pushOf(patient, IMAGE).at).toBe(true);
    expect(patient.window.ms).toBe(0);
    const verdict = judge([{ unguarded: patient, guarded: runs.guarded }]);
    expect(verdict.exitCode).toBe(1);
    expect(verdict.problems).toEqual([
      'v0.29: without the guard the replay shows no window: the incident was not reproduced',
    ]);
  });

  it('the report has both timelines, the windows, the verdict and the machine’s diagram', () => {
    const verdict = judge([runs]);
    const report = renderReport([runs.unguarded, runs.guarded], verdict);
    expect(report).toContain(`### ${UNGUARDED.title}`);
    expect(report).toContain(`### ${GUARDED.title}`);
    for (const entry of [...runs.unguarded.entries, ...runs.guarded.entries]) {
      expect(report).toContain(`| ${entry.actor} | ${entry.what.replaceAll('|', '\\|')} |`);
    }
    expect(report).toContain(`Window: ${describeWindow(runs.unguarded.window)}.`);
    expect(report).toContain(`Window: ${describeWindow(runs.guarded.window)}.`);
    expect(report).toContain(verdict.line);
    expect(report).toContain(`\`\`\`mermaid\n${toMermaid({ highlight: 'merged' })}\n\`\`\``);
  });
});

describe('measuring the window', () => {
  const push = (name: string, tag: string, time: string): PushRecord => ({
    name,
    tag,
    digest: 'sha256:0',
    mediaType: 'application/vnd.oci.image.index.v1+json',
    at: at(time),
  });

  it('is 0 without a chart, open-ended without an image, and counts the first push of each tag', () => {
    expect(measureWindow([push(IMAGE_NAME, VERSION, '12:41:02')], IMAGE, CHART).ms).toBe(0);
    expect(measureWindow([push(CHART_NAME, CHART_VERSION, '11:16:19')], IMAGE, CHART).ms).toBe(
      Number.POSITIVE_INFINITY,
    );
    const log = [
      push(CHART_NAME, CHART_VERSION, '11:16:19'),
      push(IMAGE_NAME, 'latest', '11:20:00'),
      push(IMAGE_NAME, VERSION, '12:41:02'),
      push(IMAGE_NAME, VERSION, '12:50:00'),
    ];
    expect(measureWindow(log, IMAGE, CHART).ms).toBe(at('12:41:02').getTime() - at('11:16:19').getTime());
    expect(duration(measureWindow(log, IMAGE, CHART).ms)).toBe('84 min 43 s');
  });
});

describe('the emulators', () => {
  it('listen on 127.0.0.1 and are closed even when the replay throws', async () => {
    const urls: string[] = [];
    await expect(
      withEmulators(
        () => at('11:00:00'),
        async (github, registry) => {
          urls.push(github.url, registry.url);
          expect((await fetch(`${registry.url}/v2/`)).status).toBe(200);
          throw new Error('a step failed');
        },
      ),
    ).rejects.toThrow('a step failed');
    expect(urls.map((url) => new URL(url).hostname)).toEqual(['127.0.0.1', '127.0.0.1']);
    for (const url of urls) await expect(fetch(url)).rejects.toThrow();
  });
});
