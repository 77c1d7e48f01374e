import { toMermaid } from '@release-guard/core';
import { hhmmss } from './clock.js';
import type { IncidentRun } from './outcome.js';
import { type Incident, OWNER, REPO } from './scenario.js';
import { describeWindow, type Verdict } from './verdict.js';

const ACTOR_WIDTH = 19;

/** One replay as terminal lines: time, actor, what happened; then the measured window. */
export function renderRun(run: IncidentRun): string {
  const rows = run.entries.map((e) => `  ${hhmmss(e.at)}  ${e.actor.padEnd(ACTOR_WIDTH)} ${e.what}`);
  return [`== ${run.scenario.title} ==`, ...rows, `  window: ${describeWindow(run.window)}`].join('\n');
}

/** What the terminal shows: a heading, each incident's heading and timelines, the verdict. */
export function renderTerminal(runs: readonly IncidentRun[], verdict: Verdict): string {
  const heading =
    `${OWNER}/${REPO}, replayed on the GitHub and registry emulators with a virtual clock. Windows are ` +
    "measured from the registry's push log.";
  const incidents = byIncident(runs).flatMap(([incident, of]) => [
    `# ${incidentHeading(incident)}: chart ${chartRef(incident)} runs image ${imageRef(incident)}.`,
    ...of.map(renderRun),
  ]);
  return [heading, ...incidents, verdict.line].join('\n\n');
}

/** The Markdown report: the windows, the verdict, each incident's timelines and the guard's state diagram. */
export function renderReport(runs: readonly IncidentRun[], verdict: Verdict): string {
  const guarded = runs.find((r) => r.scenario.guarded);
  const incidents = byIncident(runs).map(([incident]) => incident);
  const lines = [
    `# Incident replay: ${OWNER}/${REPO} ${incidents.map((i) => i.name).join(' and ')}`,
    '',
    'Replayed on the GitHub and OCI registry emulators with a virtual clock (times UTC). The window is the',
    'time the published chart ran an image that did not exist yet: every upgrade failed with',
    "`ImagePullBackOff`. It is measured from the registry's push log.",
    '',
    '| incident | run | window | chart pushed | image pushed | merged by |',
    '| --- | --- | --- | --- | --- | --- |',
    ...runs.map((run) =>
      row([
        run.scenario.incident.key,
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
  for (const [incident, of] of byIncident(runs)) {
    lines.push('', `## ${incidentHeading(incident)}`, '');
    lines.push(`The chart ${chartRef(incident)} runs the image ${imageRef(incident)}.`);
    for (const run of of) {
      lines.push('', `### ${run.scenario.title}`, '', '| time | actor | what happened |', '| --- | --- | --- |');
      for (const entry of run.entries) lines.push(row([hhmmss(entry.at), entry.actor, entry.what]));
      lines.push('', `Window: ${describeWindow(run.window)}.`);
    }
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

/** The runs grouped by incident, in the order they come. */
function byIncident(runs: readonly IncidentRun[]): [Incident, IncidentRun[]][] {
  const groups = new Map<Incident, IncidentRun[]>();
  for (const run of runs) groups.set(run.scenario.incident, [...(groups.get(run.scenario.incident) ?? []), run]);
  return [...groups];
}

function incidentHeading(incident: Incident): string {
  return `${incident.key}: ${OWNER}/${REPO} ${incident.name}, ${incident.day}`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replaceAll('|', '\\|').replaceAll('\n', ' ')).join(' | ')} |`;
}

function imageRef(incident: Incident): string {
  return `\`${incident.image.name}:${incident.image.tag}\``;
}

function chartRef(incident: Incident): string {
  return `\`${incident.chart.name}:${incident.chart.tag}\``;
}
