import { createGuard } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { renderGateSummary, renderSummary } from '../src/api.js';
import { plainText } from '../src/cli-text.js';
import { workflowCommands } from './support/hostile-registry.js';

const sha = 'a'.repeat(40);
const started = createGuard().start({
  number: 7,
  headRef: 'releases/v1',
  headSha: sha,
  baseRef: 'main',
  fromFork: false,
});

describe('plainText, the job summary in a terminal', () => {
  it('drops the Markdown and the diagram, aligns the timeline and decodes what was made inert for GitHub', () => {
    const text = plainText(
      renderSummary({
        snapshot: started.snapshot,
        effects: started.effects.filter((e) => e.type === 'SET_STATUS').map((effect) => ({ effect, executed: true })),
        ignored: ['the pull request is merged: nothing more happens'],
        alerts: ['run 12.1 of release.yaml succeeded, but the guard did not start it'],
      }),
    );
    expect(text.split('\n')).toEqual([
      'Pull request #7: prepared',
      '',
      'This run',
      '',
      '- set the release status of aaaaaaa to pending: Locked: waiting for an approved, finished release',
      '',
      'Next: the guard waits for an approval of aaaaaaa by someone who may approve releases.',
      '',
      'release-guard: locked: waiting for an approved release',
      '',
      'Release branch releases/v1 at aaaaaaa.',
      '',
      'phase     commit   what happened',
      `prepared  aaaaaaa  ${started.snapshot.timeline[0]?.note}`,
      '',
      'Ignored',
      '',
      '- the pull request is merged: nothing more happens',
      '',
      'CAUTION:',
      '  run 12.1 of release.yaml succeeded, but the guard did not start it',
      '',
      expect.stringMatching(/^What to do now: Recovering \(https:\/\/\S+#recovering\)\.$/),
      '',
    ]);
  });

  it('shows a gate as a table', () => {
    const text = plainText(
      renderGateSummary('chart', {
        open: false,
        predecessors: [{ name: 'image', ref: 'ghcr.io/a:v1', present: false, reason: 'manifest unknown' }],
      } as Parameters<typeof renderGateSummary>[1]),
    );
    expect(text.split('\n')).toEqual([
      'release-guard gate: chart must not be published yet',
      '',
      'predecessor  ref           in its registry',
      'image        ghcr.io/a:v1  no: manifest unknown',
      '',
    ]);
  });

  it('keeps text from outside one inert line: decoded, it never becomes a workflow command', () => {
    const hostile = '::add-mask::x\n##[error]y <img src=x> @everyone %0A';
    const text = plainText(
      renderSummary({ snapshot: started.snapshot, effects: [], ignored: [hostile], alerts: [hostile] }),
    );
    expect(workflowCommands(text)).toEqual([]);
    expect(text).toContain('<img src=x> @everyone');
    expect(text).not.toContain('&#');
  });
});
