/**
 * What a replay yields: its timeline, and what GitHub and the registry recorded by its end (the push
 * log and the window measured from it, the release PR, the merge requests, the `release` statuses).
 */
import type { Phase } from '@release-guard/core';
import type { GitHubControl, PushRecord, RegistryControl, RequestLogEntry } from '@release-guard/testkit';
import {
  CHART_NAME,
  CHART_VERSION,
  HEAD_SHA,
  IMAGE_NAME,
  type IncidentTimes,
  type Scenario,
  VERSION,
} from './scenario.js';

export interface TimelineEntry {
  at: Date;
  actor: string;
  what: string;
}

/** How long the published chart pointed at an image that did not exist: every upgrade failed meanwhile. */
export interface UpgradeWindow {
  /** When the chart was pushed, from the registry's push log. */
  chartPushedAt?: Date;
  /** When the image the chart runs was pushed, from the registry's push log. */
  imagePushedAt?: Date;
  /** Milliseconds; 0 when the chart came after the image or never came; Infinity when the image never came. */
  ms: number;
}

export interface IncidentRun {
  scenario: Scenario;
  times: IncidentTimes;
  entries: TimelineEntry[];
  /** The registry's push log, oldest first. */
  pushes: PushRecord[];
  window: UpgradeWindow;
  /** The release PR as GitHub records it at the end. */
  pullRequest: { number: number; merged: boolean; mergedAt?: Date; mergedBy?: string };
  /** Every `pulls/merge` request GitHub answered, with its status and caller. */
  mergeRequests: RequestLogEntry[];
  /** The `release` statuses GitHub recorded on the head, oldest first. */
  statuses: { state: string; description: string | null; at: Date; by: string }[];
  /** The guard's last result, when guarded. */
  guard?: { phase: Phase; violations: string[]; alerts: string[] };
}

/**
 * Measures the window from the registry's push log: the first push of the chart's tag and of the tag of
 * the image it runs.
 */
export function measureWindow(
  pushes: readonly PushRecord[],
  image: { name: string; tag: string },
  chart: { name: string; tag: string },
): UpgradeWindow {
  const first = (name: string, tag: string) => pushes.find((p) => p.name === name && p.tag === tag)?.at;
  const chartPushedAt = first(chart.name, chart.tag);
  const imagePushedAt = first(image.name, image.tag);
  const window: UpgradeWindow = { ms: 0 };
  if (chartPushedAt) window.chartPushedAt = chartPushedAt;
  if (imagePushedAt) window.imagePushedAt = imagePushedAt;
  if (!chartPushedAt) return window;
  window.ms = imagePushedAt ? Math.max(0, imagePushedAt.getTime() - chartPushedAt.getTime()) : Number.POSITIVE_INFINITY;
  return window;
}

/** Every `pulls/merge` request GitHub answered on the repository `full`, oldest first. */
export function mergeRequests(github: GitHubControl, full: string): RequestLogEntry[] {
  return github.requests(full).filter((r) => r.operation === 'pulls/merge');
}

/** What a replay saw, with the guard's last state when guarded. */
export interface Seen {
  scenario: Scenario;
  times: IncidentTimes;
  entries: TimelineEntry[];
  guard?: IncidentRun['guard'];
}

/** A finished replay: what it saw, and what GitHub (release PR `number` on `full`) and the registry recorded. */
export function recordedRun(
  seen: Seen,
  github: GitHubControl,
  registry: RegistryControl,
  pr: { full: string; number: number },
): IncidentRun {
  const record = github.pullRequest(pr.full, pr.number);
  const pushes = registry.pushes();
  const run: IncidentRun = {
    scenario: seen.scenario,
    times: seen.times,
    entries: seen.entries,
    pushes,
    window: measureWindow(pushes, { name: IMAGE_NAME, tag: VERSION }, { name: CHART_NAME, tag: CHART_VERSION }),
    pullRequest: {
      number: record.number,
      merged: record.merged,
      ...(record.mergedAt ? { mergedAt: new Date(record.mergedAt) } : {}),
      ...(record.mergedBy ? { mergedBy: record.mergedBy.login } : {}),
    },
    mergeRequests: mergeRequests(github, pr.full),
    statuses: github
      .statuses(pr.full, HEAD_SHA, 'release')
      .map((s) => ({ state: s.state, description: s.description, at: new Date(s.createdAt), by: s.creator.login })),
  };
  if (seen.guard) run.guard = seen.guard;
  return run;
}
