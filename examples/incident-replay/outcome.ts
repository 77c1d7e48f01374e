/**
 * What a replay yields: its timeline, and what GitHub and the registry recorded by its end (the push
 * log and the window measured from it, the release PR, the merge requests, the `release` statuses, and
 * the status of a pull request that changes release-managed files).
 */
import type { Phase } from '@release-guard/core';
import type { GitHubControl, PushRecord, RegistryControl, RequestLogEntry } from '@release-guard/testkit';
import type { IncidentTimes, Scenario } from './scenario.js';

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

/** A `release` status as GitHub recorded it. */
export interface RecordedStatus {
  state: string;
  description: string | null;
  at: Date;
  by: string;
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
  statuses: RecordedStatus[];
  /** The pull request that changes release-managed files outside a release, when the replay opened one. */
  protectedChange?: { number: number; statuses: RecordedStatus[] };
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

/**
 * A finished replay: what it saw, and what GitHub (release PR `number` on `full`, and the pull request
 * `protectedChange` when there is one) and the registry recorded.
 */
export function recordedRun(
  seen: Seen,
  github: GitHubControl,
  registry: RegistryControl,
  pr: { full: string; number: number; protectedChange?: number },
): IncidentRun {
  const { incident } = seen.scenario;
  const record = github.pullRequest(pr.full, pr.number);
  const pushes = registry.pushes();
  const statusesOf = (sha: string): RecordedStatus[] =>
    github
      .statuses(pr.full, sha, 'release')
      .map((s) => ({ state: s.state, description: s.description, at: new Date(s.createdAt), by: s.creator.login }));
  const run: IncidentRun = {
    scenario: seen.scenario,
    times: seen.times,
    entries: seen.entries,
    pushes,
    window: measureWindow(pushes, incident.image, incident.chart),
    pullRequest: {
      number: record.number,
      merged: record.merged,
      ...(record.mergedAt ? { mergedAt: new Date(record.mergedAt) } : {}),
      ...(record.mergedBy ? { mergedBy: record.mergedBy.login } : {}),
    },
    mergeRequests: mergeRequests(github, pr.full),
    statuses: statusesOf(incident.release.headSha),
  };
  if (seen.guard) run.guard = seen.guard;
  if (pr.protectedChange !== undefined) {
    const change = github.pullRequest(pr.full, pr.protectedChange);
    run.protectedChange = { number: change.number, statuses: statusesOf(change.head.sha) };
  }
  return run;
}
