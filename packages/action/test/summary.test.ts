import { createGuard } from '@release-guard/core';
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
    expect(summary).not.toContain('<img');
    expect(summary).not.toContain('](');
    expect(summary).not.toContain('@everyone');
    expect(summary).toContain('> [!CAUTION]');
  });
});
