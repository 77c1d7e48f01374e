import { createGuard } from '@release-guard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGuard } from '../src/index.js';
import { guardRepository, RELEASE_INPUTS, RELEASE_RUN_NAME, SHA, useEmulators } from './support/emulators.js';
import { type LocalNpmRegistry, startVerdaccio } from './support/verdaccio.js';

/**
 * End to end: a release pull request whose artifacts are an npm package (in Verdaccio) and a release asset (in
 * the GitHub emulator), guarded by runGuard over the emulator: locked until both exist, then merged.
 */
describe('runGuard with an npm package and a release asset', () => {
  const emulators = useEmulators();
  let npm: LocalNpmRegistry;
  beforeAll(async () => {
    npm = await startVerdaccio();
  });
  afterAll(() => npm?.stop());

  it('keeps the release pull request locked while its npm version is missing after the release succeeded, and merges it once published', async () => {
    const { name, full, octokit } = guardRepository(emulators.github, { collaborators: { releaser: 'write' } });
    const control = emulators.github.control;
    control.protectBranch(full, 'main', { requiredContexts: ['release'] });
    control.addWorkflow(full, {
      path: '.github/workflows/release.yaml',
      name: 'release',
      runName: RELEASE_RUN_NAME,
      inputs: RELEASE_INPUTS,
    });
    const number = control.openPullRequest(full, { head: { ref: 'releases/v1.4.0', sha: SHA.a } });
    const guard = createGuard({
      artifacts: [
        { name: 'cli', ref: `npm:@acme/${name}@{version}` },
        { name: 'binary', ref: `gh-release:${full}@{version}/cli-linux-x86_64.tar.gz` },
      ],
    });
    const run = (events: Parameters<typeof runGuard>[0]['events'] = []) =>
      runGuard({
        guard,
        octokit,
        pr: { owner: 'weaveworks', repo: name, number },
        events,
        release: { kind: 'dispatch', workflow: 'release.yaml', ref: 'releases/v1.4.0' },
        registries: { npm: { scopes: { '@acme': npm.url }, tokens: { [npm.host]: npm.token } }, octokit },
      });
    const status = () => control.statuses(full, SHA.a).at(-1)?.state;

    await run();
    control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    expect((await run()).snapshot.phase).toBe('releasing');
    expect(status()).toBe('pending');
    const [release] = control.runs(full);
    const id = release?.id ?? 0;

    // The release run uploaded the binary, but its npm publish step never ran: the run still succeeded.
    control.createRelease(full, { tag: 'v1.4.0' });
    control.uploadAsset(full, 'v1.4.0', { name: 'cli-linux-x86_64.tar.gz', content: 'binary' });
    control.updateRun(full, id, { status: 'completed', conclusion: 'success' });
    const missing = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${id}.1` }]);
    expect(missing.snapshot.phase).toBe('failed');
    expect(missing.snapshot.failure).toContain(`package unknown: @acme/${name} is not in ${npm.host}`);
    expect(status()).toBe('failure');
    expect(control.pullRequest(full, number).merged).toBe(false);

    // Published by hand, then the release job re-run: verified, merged at the released SHA.
    const integrity = await npm.publish(`@acme/${name}`, '1.4.0', { gitHead: SHA.a });
    control.rerun(full, id);
    expect((await run([{ type: 'RELEASE_STARTED', sha: SHA.a, runId: `${id}.2` }])).snapshot.phase).toBe('releasing');
    control.updateRun(full, id, { status: 'completed', conclusion: 'success' });
    const merged = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${id}.2` }]);
    expect(merged.snapshot.phase).toBe('merged');
    expect(merged.snapshot.verified).toEqual([
      { name: 'cli', digest: integrity },
      { name: 'binary', digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
    ]);
    expect(control.pullRequest(full, number)).toMatchObject({
      merged: true,
      mergedBy: { login: 'release-guard[bot]' },
    });
    expect(control.statuses(full, SHA.a).map((s) => s.state)).toEqual(['pending', 'failure', 'pending', 'success']);
  });
});
