import { createGuard } from '@release-guard/core';
import { RECOVERING_LINE } from '@release-guard/github-adapter';
import { describe, expect, it } from 'vitest';
import { renderSummary } from '../src/api.js';

const guard = createGuard();
const sha = 'a'.repeat(40);

describe('renderSummary', () => {
  it('shows the phase, the timeline, this run’s effects and the diagram with the phase highlighted', () => {
    const started = guard.start({ number: 7, headRef: 'releases/v1', headSha: sha, baseRef: 'main', fromFork: false });
    const summary = renderSummary({
      snapshot: started.snapshot,
      effects: started.effects.map((effect) => ({ effect, executed: true })),
      ignored: [],
      alerts: [],
    });
    expect(summary).toContain('### release-guard: locked: waiting for an approved release');
    expect(summary).toContain('- SET_STATUS');
    expect(summary).toContain('```mermaid\nstateDiagram-v2');
    expect(summary).toContain('class prepared current');
  });

  it('makes hostile text inert and marks dry-run effects', () => {
    const started = guard.start({ number: 7, headRef: 'releases/v1', headSha: sha, baseRef: 'main', fromFork: false });
    const summary = renderSummary({
      snapshot: started.snapshot,
      effects: [{ effect: { type: 'MERGE' }, executed: false }],
      ignored: ['<img src=x onerror=alert(1)>'],
      alerts: ['[click](https://evil.example) @everyone'],
    });
    expect(summary).toContain('- MERGE (not executed: dry run)');
    const fromOutside = summary.replace(RECOVERING_LINE, '');
    expect(fromOutside).not.toContain('<img');
    expect(fromOutside).not.toContain('](');
    expect(fromOutside).not.toContain('@everyone');
    expect(summary).toContain('> [!CAUTION]');
  });

  it('names a status on a merge group’s commit, which is not the pull request’s head', () => {
    const started = guard.start({ number: 7, headRef: 'releases/v1', headSha: sha, baseRef: 'main', fromFork: false });
    const group = 'b'.repeat(40);
    const status = (on: string) => ({
      effect: { type: 'SET_STATUS', sha: on, state: 'failure', context: 'release', description: 'd' },
      executed: true,
    });
    const summary = renderSummary({
      snapshot: { ...started.snapshot, groups: [group] },
      effects: [status(group), status(sha)],
      ignored: [],
      alerts: [],
    });
    expect(summary).toContain('- SET_STATUS on the merge group bbbbbbb\n- SET_STATUS\n');
  });

  it('links Recovering when there is something to recover from: an alert, a failed release, a bypass', () => {
    const started = guard.start({ number: 7, headRef: 'releases/v1', headSha: sha, baseRef: 'main', fromFork: false });
    const quiet = { snapshot: started.snapshot, effects: [], ignored: [], alerts: [] };
    expect(renderSummary(quiet)).not.toContain(RECOVERING_LINE);
    expect(renderSummary({ ...quiet, alerts: ['a run the guard did not start succeeded'] })).toContain(RECOVERING_LINE);
    expect(renderSummary({ ...quiet, snapshot: { ...started.snapshot, phase: 'failed' } })).toContain(RECOVERING_LINE);
    expect(renderSummary({ ...quiet, snapshot: { ...started.snapshot, violations: ['bypassed'] } })).toContain(
      RECOVERING_LINE,
    );
  });
});
