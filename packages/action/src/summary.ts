import {
  type Effect,
  type GuardSnapshot,
  inertMarkdown,
  renderTimeline,
  shortSha,
  toMermaid,
} from '@release-guard/core';
import { RECOVERING_LINE } from '@release-guard/github-adapter';
import type { GateResult } from './gate.js';
import { describeDone, isGroupCommit, waitsFor } from './run-story.js';

/**
 * The job summary of one guard run, in plain words: what this run did, what the guard waits for next, the
 * pull request's timeline, and, collapsed, the effects by name and the machine's diagram with the current
 * phase highlighted; while the release failed, after a bypass or with an alert, a link to Recovering. Text
 * from outside (branch names, failure reasons) is made inert, as in the timeline comment.
 */
export function renderSummary(run: {
  snapshot: GuardSnapshot;
  effects: readonly { effect: Effect; executed: boolean }[];
  ignored: readonly string[];
  alerts: readonly string[];
}): string {
  const { snapshot } = run;
  const lines = [`Pull request #${snapshot.pr.number}: **${snapshot.phase}**`, ''];
  const done = run.effects.filter((e) => e.executed);
  const planned = run.effects.filter((e) => !e.executed);
  lines.push('#### This run', '');
  if (done.length === 0 && planned.length === 0) lines.push('- changed nothing');
  const said = [
    ...done.map(({ effect }) => `- ${describeDone(effect, snapshot)}`),
    ...planned.map(({ effect }) => `- would have ${describeDone(effect, snapshot)} (not executed: dry run)`),
  ];
  // A run may update the timeline comment more than once: it is said once.
  lines.push(...said.filter((line, i) => said.indexOf(line) === i));
  lines.push('', `**Next:** the guard waits for ${waitsFor(snapshot)}.`, '', renderTimeline(snapshot), '');
  if (run.effects.length > 0) {
    lines.push(
      '<details><summary>Effects, as the core named them</summary>',
      '',
      ...run.effects.map(
        ({ effect, executed }) =>
          `- ${effect.type}${effect.type === 'SET_STATUS' && isGroupCommit(snapshot, effect.sha) ? ` on the merge group ${shortSha(effect.sha)}` : ''}${executed ? '' : ' (not executed: dry run)'}`,
      ),
      '',
      '</details>',
      '',
    );
  }
  if (run.ignored.length > 0)
    lines.push('#### Ignored', '', ...run.ignored.map((reason) => `- ${inertMarkdown(reason)}`), '');
  if (run.alerts.length > 0) lines.push('> [!CAUTION]', ...run.alerts.map((alert) => `> ${inertMarkdown(alert)}`), '');
  if (snapshot.phase === 'failed' || snapshot.violations.length > 0 || run.alerts.length > 0) {
    lines.push(RECOVERING_LINE, '');
  }
  lines.push(
    '<details><summary>The release-guard machine</summary>',
    '',
    '```mermaid',
    toMermaid({ highlight: snapshot.phase }),
    '```',
    '',
    '</details>',
  );
  return lines.join('\n');
}

/** The job summary of a gate: open or closed, and each predecessor checked. */
export function renderGateSummary(artifact: string, result: GateResult): string {
  return [
    `### release-guard gate: ${inertMarkdown(artifact, 100)} ${result.open ? 'may be published' : 'must not be published yet'}`,
    '',
    '| predecessor | ref | in its registry |',
    '| --- | --- | --- |',
    ...result.predecessors.map(
      (p) =>
        `| ${inertMarkdown(p.name, 100)} | \`${p.ref.replace(/[`|\r\n]/g, '')}\` | ${p.present ? 'yes' : `no: ${inertMarkdown(p.reason ?? 'missing')}`} |`,
    ),
  ].join('\n');
}
