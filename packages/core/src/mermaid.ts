import type { AnyStateMachine } from 'xstate';
import { releaseGuardMachine } from './machine.js';
import type { Phase } from './snapshot.js';

export interface MermaidOptions {
  /** A phase to highlight, e.g. the pull request's current one. */
  highlight?: Phase;
}

/**
 * A Mermaid `stateDiagram-v2` of the machine, generated from its definition: one arrow per event
 * that changes phase (events that keep the phase are left out), the transient classification as a
 * choice, final states marked.
 *
 * @example
 * ```ts
 * import { toMermaid } from '@release-guard/core';
 * const diagram = toMermaid({ highlight: 'releasing' }); // paste into a ```mermaid block
 * ```
 */
export function toMermaid(options: MermaidOptions = {}, machine: AnyStateMachine = releaseGuardMachine): string {
  const lines = ['stateDiagram-v2'];
  const root = machine.root;
  const choices = Object.values(root.states).filter((node) => node.always && node.always.length > 0);
  for (const node of choices) lines.push(`  state ${node.key} <<choice>>`);
  lines.push(`  [*] --> ${root.initial?.target[0]?.key ?? 'unknown'}`);
  const edges = new Map<string, string[]>();
  const edge = (from: string, to: string, label?: string) => {
    const labels = edges.get(`${from} --> ${to}`) ?? [];
    if (label && !labels.includes(label)) labels.push(label);
    edges.set(`${from} --> ${to}`, labels);
  };
  for (const node of Object.values(root.states)) {
    for (const transition of node.always ?? []) {
      for (const target of transition.target ?? []) edge(node.key, target.key);
    }
    for (const [event, transitions] of node.transitions) {
      if (event === '*') continue;
      for (const transition of transitions) {
        for (const target of transition.target ?? []) {
          if (target.key !== node.key || transition.reenter) edge(node.key, target.key, event);
        }
      }
    }
    if (node.type === 'final') edge(node.key, '[*]');
  }
  for (const [arrow, labels] of edges)
    lines.push(labels.length > 0 ? `  ${arrow}: ${labels.join(', ')}` : `  ${arrow}`);
  if (options.highlight) {
    lines.push(
      '  classDef current fill:#fde68a,stroke:#b45309,stroke-width:2px',
      `  class ${options.highlight} current`,
    );
  }
  return lines.join('\n');
}
