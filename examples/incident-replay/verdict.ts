import { hhmmss } from './clock.js';
import type { IncidentRun, UpgradeWindow } from './outcome.js';
import { GUARD_LOGIN } from './scenario.js';

export interface Verdict {
  /** 0 when the replay shows what release-guard promises, 1 otherwise (the demo's exit code). */
  exitCode: 0 | 1;
  /** What went wrong, one sentence each; empty when the exit code is 0. */
  problems: string[];
  /** One line for the terminal and the report. */
  line: string;
}

/** An incident's two replays: without the guard (or with it as it was) and with it. */
export interface IncidentPair {
  unguarded: IncidentRun;
  guarded: IncidentRun;
}

/**
 * Judges each incident's two replays. Without the guard the incident must show: the chart out before its
 * image (a window). With the guard there must be no window, and the release must really have happened:
 * the guard merged after the image was pushed, and the chart went out; a pull request that changes
 * release-managed files outside a release, when the replay opened one, must have failed. Each problem
 * names its incident (`v0.29: …`).
 */
export function judge(pairs: readonly IncidentPair[]): Verdict {
  const problems = pairs.flatMap((pair) => problemsOf(pair).map((p) => `${pair.guarded.scenario.incident.key}: ${p}`));
  if (problems.length > 0) return { exitCode: 1, problems, line: `Verdict: FAILED: ${problems.join('; ')}.` };
  return { exitCode: 0, problems, line: `Verdict: ${pairs.map(passed).join(' ')}` };
}

function problemsOf({ unguarded, guarded }: IncidentPair): string[] {
  const problems: string[] = [];
  if (!(unguarded.window.ms > 0)) {
    problems.push('without the guard the replay shows no window: the incident was not reproduced');
  }
  if (guarded.window.ms > 0) {
    problems.push(`with the guard every upgrade still failed for ${duration(guarded.window.ms)}`);
  }
  const pr = guarded.pullRequest;
  const imageAt = guarded.window.imagePushedAt;
  if (pr.mergedBy !== GUARD_LOGIN) {
    problems.push(
      `with the guard the release PR was ${pr.merged ? `merged by ${pr.mergedBy ?? 'someone'}` : 'never merged'}, not by ${GUARD_LOGIN}`,
    );
  } else if (!imageAt || !pr.mergedAt || pr.mergedAt < imageAt) {
    problems.push('with the guard the release PR was merged before the image was pushed');
  }
  if (!guarded.window.chartPushedAt) problems.push('with the guard the chart was never published');
  if (guarded.scenario.incident.protectedChange && guarded.protectedChange?.statuses.at(-1)?.state !== 'failure') {
    problems.push('with the guard the pull request changing release-managed files outside a release did not fail');
  }
  return problems;
}

/** What a pair that passed shows, as a sentence. */
function passed({ unguarded, guarded }: IncidentPair): string {
  const refused = guarded.mergeRequests.find((r) => r.caller !== GUARD_LOGIN && r.status !== 200);
  const early = refused
    ? `GitHub refused the ${hhmmss(new Date(refused.at)).slice(0, 5)} merge (${refused.status}), `
    : '';
  return (
    `${guarded.scenario.incident.key}: without release-guard every upgrade failed for ${duration(unguarded.window.ms)}; ` +
    `with it, for none: ${early}the guard merged at ${hhmmss(guarded.pullRequest.mergedAt as Date)} after the image, and the chart followed.`
  );
}

/** `84 min 43 s`, `30 s`, `0 s`; the rest of the replay for a window the image never closed. */
export function duration(ms: number): string {
  if (ms === Number.POSITIVE_INFINITY) return 'the rest of the replay (the image never came)';
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

/** The window in words, with the push times it was measured from. */
export function describeWindow(window: UpgradeWindow): string {
  const chart = window.chartPushedAt ? `chart pushed ${hhmmss(window.chartPushedAt)}` : 'chart never pushed';
  const image = window.imagePushedAt ? `image pushed ${hhmmss(window.imagePushedAt)}` : 'image never pushed';
  if (window.ms > 0) {
    const about = window.ms === Number.POSITIVE_INFINITY ? '' : ` (~${Math.round(window.ms / 60_000)} min)`;
    return `${duration(window.ms)}${about} in which every upgrade failed: ${chart}, ${image}`;
  }
  if (window.chartPushedAt && window.imagePushedAt) {
    const lead = window.chartPushedAt.getTime() - window.imagePushedAt.getTime();
    return `0 s: ${image}, ${chart} (${duration(lead)} later)`;
  }
  return `0 s: ${image}, ${chart}`;
}
