import { type GuardSnapshot, inertMarkdown, renderTimeline, toMermaid } from '@release-guard/core';

/**
 * The job summary of one guard run: the pull request's phase, its timeline, the effects of this run,
 * and the machine's diagram with the current phase highlighted. Text from outside (branch names, failure
 * reasons) is made inert, as in the timeline comment.
 */
export function renderSummary(run: {
  snapshot: GuardSnapshot;
  effects: readonly { effect: { type: string }; executed: boolean }[];
  ignored: readonly string[];
  alerts: readonly string[];
}): string {
  const { snapshot } = run;
  const lines = [renderTimeline(snapshot), ''];
  if (run.effects.length > 0) {
    lines.push(
      '#### This run',
      '',
      ...run.effects.map(({ effect, executed }) => `- ${effect.type}${executed ? '' : ' (not executed: dry run)'}`),
      '',
    );
  }
  if (run.ignored.length > 0)
    lines.push('#### Ignored', '', ...run.ignored.map((reason) => `- ${inertMarkdown(reason)}`), '');
  if (run.alerts.length > 0) lines.push('> [!CAUTION]', ...run.alerts.map((alert) => `> ${inertMarkdown(alert)}`), '');
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
