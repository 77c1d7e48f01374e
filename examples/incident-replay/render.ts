import { toMermaid } from '@release-guard/core';
import { hhmmss, INCIDENT_DAY } from './clock.js';
import type { IncidentRun } from './outcome.js';
import { CHART_NAME, CHART_VERSION, IMAGE_NAME, OWNER, REPO, VERSION } from './scenario.js';
import { describeWindow, type Verdict } from './verdict.js';

const ACTOR_WIDTH = 19;

/** One replay as terminal lines: time, actor, what happened; then the measured window. */
export function renderRun(run: IncidentRun): string {
  const rows = run.entries.map((e) => `  ${hhmmss(e.at)}  ${e.actor.padEnd(ACTOR_WIDTH)} ${e.what}`);
  return [`== ${run.scenario.title} ==`, ...rows, `  window: ${describeWindow(run.window)}`].join('\n');
}

/** What the terminal shows: a heading, both timelines, the verdict. */
export function renderTerminal(runs: readonly IncidentRun[], verdict: Verdict): string {
  return [heading(), ...runs.map(renderRun), verdict.line].join('\n\n');
}

function heading(): string {
  return (
    `${OWNER}/${REPO} ${VERSION}, ${INCIDENT_DAY} (UTC), replayed on the GitHub and registry emulators with a virtual clock.\n` +
    `Windows are measured from the registry's push log: chart ${chartRef()} runs image ${imageRef()}.`
  );
}

/** The Markdown report: both timelines, the windows, the verdict and the guard's state diagram. */
export function renderReport(runs: readonly IncidentRun[], verdict: Verdict): string {
  const guarded = runs.find((r) => r.scenario.guarded);
  const lines = [
    `# Incident replay: ${OWNER}/${REPO} ${VERSION}`,
    '',
    `Replayed on the GitHub and OCI registry emulators with a virtual clock on ${INCIDENT_DAY} (UTC). The window`,
    `is the time the published chart ${chartRef()} ran an image, ${imageRef()}, that did not exist yet:`,
    "every upgrade failed with `ImagePullBackOff`. It is measured from the registry's push log.",
    '',
    '| run | window | chart pushed | image pushed | merged by |',
    '| --- | --- | --- | --- | --- |',
    ...runs.map((run) =>
      row([
        run.scenario.title,
        describeWindow(run.window).split(':')[0] ?? '',
        run.window.chartPushedAt ? hhmmss(run.window.chartPushedAt) : 'never',
        run.window.imagePushedAt ? hhmmss(run.window.imagePushedAt) : 'never',
        run.pullRequest.merged
          ? `${run.pullRequest.mergedBy ?? 'unknown'} at ${run.pullRequest.mergedAt ? hhmmss(run.pullRequest.mergedAt) : '?'}`
          : 'not merged',
      ]),
    ),
    '',
    `**${verdict.line}**`,
  ];
  for (const run of runs) {
    lines.push('', `## ${run.scenario.title}`, '', '| time | actor | what happened |', '| --- | --- | --- |');
    for (const entry of run.entries) lines.push(row([hhmmss(entry.at), entry.actor, entry.what]));
    lines.push('', `Window: ${describeWindow(run.window)}.`);
  }
  lines.push(
    '',
    "## The guard's state machine",
    '',
    `Generated from \`@release-guard/core\`; highlighted: where the release PR ended${guarded?.guard ? ` (\`${guarded.guard.phase}\`)` : ''}.`,
    '',
    '```mermaid',
    toMermaid(guarded?.guard ? { highlight: guarded.guard.phase } : {}),
    '```',
    '',
  );
  return lines.join('\n');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replaceAll('|', '\\|').replaceAll('\n', ' ')).join(' | ')} |`;
}

function imageRef(): string {
  return `\`${IMAGE_NAME}:${VERSION}\``;
}

function chartRef(): string {
  return `\`${CHART_NAME}:${CHART_VERSION}\``;
}
