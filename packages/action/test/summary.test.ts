import { readFileSync } from 'node:fs';
import { createGuard } from '@release-guard/core';
import { RECOVERING_LINE } from '@release-guard/github-adapter';
import { describe, expect, it } from 'vitest';
import { renderSummary } from '../src/api.js';

const guard = createGuard();
const sha = 'a'.repeat(40);

describe('renderSummary', () => {
  it('says in plain words what the run did and what the guard waits for; effect names and the diagram collapsed', () => {
    const started = guard.start({ number: 7, headRef: 'releases/v1', headSha: sha, baseRef: 'main', fromFork: false });
    const summary = renderSummary({
      snapshot: started.snapshot,
      effects: started.effects.map((effect) => ({ effect, executed: true })),
      ignored: [],
      alerts: [],
    });
    expect(summary).toContain('Pull request #7: **prepared**');
    expect(summary).toContain(
      '- set the `release` status of aaaaaaa to **pending**: Locked&#58; waiting for an approved, finished release',
    );
    expect(summary).toContain(
      '**Next:** the guard waits for an approval of aaaaaaa by someone who may approve releases.',
    );
    expect(summary).toContain('### release-guard: locked: waiting for an approved release');
    expect(summary).toMatch(/<details><summary>Effects, as the core named them<\/summary>\n\n- SET_STATUS\n/);
    expect(summary).toContain('```mermaid\nstateDiagram-v2');
    expect(summary).toContain('class prepared current');
  });

  it('a whole release told run by run: the release run started, the artifacts found, the merge and who made it', () => {
    const artifacts = createGuard({ artifacts: [{ name: 'image', ref: 'ghcr.io/acme/app:{version}' }] });
    const said = (step: ReturnType<typeof artifacts.next>) =>
      renderSummary({
        snapshot: step.snapshot,
        effects: step.effects.map((effect) => ({ effect, executed: true })),
        ignored: [],
        alerts: [],
      });
    const started = artifacts.start({
      number: 7,
      headRef: 'releases/v1',
      headSha: sha,
      baseRef: 'main',
      fromFork: false,
    });
    const approved = artifacts.next(started.snapshot, {
      type: 'APPROVED',
      sha,
      reviewId: 1,
      reviewer: 'maintainer',
      authorized: true,
    });
    const running = artifacts.next(approved.snapshot, { type: 'RELEASE_STARTED', sha, runId: '11.1' });
    expect(said(running)).toContain('**Next:** the guard waits for release run 11.1 of aaaaaaa to finish.');
    const succeeded = artifacts.next(running.snapshot, { type: 'RELEASE_SUCCEEDED', sha, runId: '11.1' });
    expect(said(succeeded)).toContain('- looked for image (`ghcr.io/acme/app:v1`)');
    const verified = artifacts.next(succeeded.snapshot, {
      type: 'ARTIFACT_VERIFIED',
      sha,
      name: 'image',
      digest: `sha256:${'1'.repeat(64)}`,
    });
    const merged = artifacts.next(verified.snapshot, { type: 'MERGED', sha, by: 'release-bot' });
    const story = said({ ...merged, effects: [...verified.effects, ...merged.effects] });
    expect(story).toContain(
      '- merged aaaaaaa if it was still the head: merged aaaaaaa by release&#45;bot\n- updated the timeline comment\n\n',
    );
    expect(story).toContain('**Next:** the guard waits for nothing: merged.');
  });

  it('makes hostile text inert and marks dry-run effects', () => {
    const started = guard.start({ number: 7, headRef: 'releases/v1', headSha: sha, baseRef: 'main', fromFork: false });
    const summary = renderSummary({
      snapshot: started.snapshot,
      effects: [{ effect: { type: 'MERGE', pr: 7, sha, method: 'merge', via: 'merge' }, executed: false }],
      ignored: ['<img src=x onerror=alert(1)>'],
      alerts: ['[click](https://evil.example) @everyone'],
    });
    expect(summary).toContain('- would have merged aaaaaaa if it was still the head (not executed: dry run)');
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
      effect: { type: 'SET_STATUS', sha: on, state: 'failure', context: 'release', description: 'd' } as const,
      executed: true,
    });
    const summary = renderSummary({
      snapshot: { ...started.snapshot, groups: [group] },
      effects: [status(group), status(sha)],
      ignored: [],
      alerts: [],
    });
    expect(summary).toContain('- set the `release` status of merge group bbbbbbb to **failure**: d\n');
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

describe('the job summary in the README', () => {
  it('is what renderSummary writes for the run that merges a release', () => {
    const configured = createGuard({ artifacts: [{ name: 'image', ref: 'ghcr.io/weaveworks/wego-app:{version}' }] });
    const at = (time: string) => ({ at: `2023-08-02T${time}Z` });
    const pr = { number: 3906, headRef: 'releases/v0.29.0', headSha: sha, baseRef: 'main', fromFork: false };
    let step = configured.start(pr);
    for (const event of [
      { type: 'APPROVED', sha, reviewId: 1, reviewer: 'maintainer', authorized: true, ...at('11:05:00') },
      { type: 'RELEASE_STARTED', sha, runId: '5738127454.1', ...at('11:05:10') },
      { type: 'RELEASE_SUCCEEDED', sha, runId: '5738127454.1', ...at('12:41:03') },
    ] as const) {
      step = configured.next(step.snapshot, event);
    }
    const verified = configured.next(step.snapshot, {
      type: 'ARTIFACT_VERIFIED',
      sha,
      name: 'image',
      digest: `sha256:${'5fa7da25cf60'.padEnd(64, '0')}`,
      ...at('12:41:13'),
    });
    const merged = configured.next(verified.snapshot, { type: 'MERGED', sha, by: 'release-bot', ...at('12:41:13') });
    const summary = renderSummary({
      snapshot: merged.snapshot,
      effects: [...step.effects, ...verified.effects, ...merged.effects].map((effect) => ({ effect, executed: true })),
      ignored: [],
      alerts: [],
    });
    if (process.env.PRINT_SUMMARY) console.info(summary);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const shown = /<!-- job-summary:start -->\n([\s\S]*?)\n<!-- job-summary:end -->/.exec(readme)?.[1];
    // The README's formatter aligns table columns: cells are compared trimmed.
    const cells = (text: string) =>
      text
        .split('\n')
        .map((line) => (line.startsWith('|') ? line.split('|').map((cell) => cell.trim().replace(/^-+$/, '-')) : line))
        .map((line) => (Array.isArray(line) ? line.join('|') : line));
    const rendered = summary.replace(/\n<details><summary>The release-guard machine[\s\S]*$/, '').trimEnd();
    expect(cells(shown ?? '')).toEqual(cells(rendered));
  });
});
