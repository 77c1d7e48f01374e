import { pullRequestEvent } from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import { approvalEvent, releaseRunEvent, SHA, useEmulators } from './support/emulators.js';
import { guardedRepository } from './support/guarded-repository.js';

const emulators = useEmulators();

/**
 * A repository guarded through the action with `inputs`, the image artifact tagged with the version, and
 * a release pull request opened on `head` as the release tool opens it.
 */
function releaseTool(prefix: string, inputs: Record<string, string>) {
  images++;
  const image = `weaveworks/${prefix}-${images}`;
  const artifacts = `- name: image\n  ref: ${emulators.registry.host}/${image}:{version}`;
  return { ...guardedRepository(emulators, { prefix, inputs: { ...inputs, artifacts } }), image };
}
let images = 0;

describe('release pull requests as release tools make them, through the action', () => {
  it('release-please: locked with the title’s version, re-locked by a title edit, released and merged by the guard', async () => {
    const { control, full, repo, act, status, guardRuns, image } = releaseTool('rp', {
      preset: 'release-please',
      'protected-paths': 'charts/**',
    });
    const head = { ref: 'release-please--branches--main', sha: SHA.a };
    const number = control.openPullRequest(full, {
      head,
      title: 'chore(main): release 1.2.0-rc.1',
      user: 'releaser',
      files: [{ filename: '.release-please-manifest.json' }, { filename: 'charts/app/values.yaml' }],
    });
    const opened = await act(pullRequestEvent('opened', { repo, number, head, user: 'releaser' }));
    expect(opened.outputs).toMatchObject({ phase: 'prepared', version: '1.2.0-rc.1' });
    expect(status()?.state).toBe('pending');

    const id = control.submitReview(full, number, { user: 'maintainer', state: 'APPROVED' });
    const approved = await act(approvalEvent(repo, number, head, id, 'maintainer'));
    expect(approved.outputs.phase).toBe('releasing');
    expect(guardRuns().map((r) => r.inputs)).toEqual([{ sha: SHA.a, version: '1.2.0-rc.1' }]);

    // The title is edited: another version of the same commit, which the approval did not cover.
    control.editPullRequest(full, number, { title: 'chore(main): release 1.2.0' });
    const edited = await act(
      pullRequestEvent('edited', {
        repo,
        number,
        head,
        title: 'chore(main): release 1.2.0',
        changes: { title: { from: 'chore(main): release 1.2.0-rc.1' } },
      }),
    );
    expect(edited.outputs).toMatchObject({ phase: 'prepared', version: '1.2.0' });
    expect(status()?.state).toBe('pending');

    const again = control.submitReview(full, number, { user: 'maintainer', state: 'APPROVED' });
    await act(approvalEvent(repo, number, head, again, 'maintainer'));
    const run = guardRuns().at(-1);
    expect(run?.inputs).toEqual({ sha: SHA.a, version: '1.2.0' });
    await emulators.registry.control.pushImage(image, '1.2.0');
    control.updateRun(full, run?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const released = await act(
      releaseRunEvent(repo, { id: run?.id ?? 0, headSha: SHA.a, headBranch: head.ref }, 'success'),
    );
    expect(released.outputs).toMatchObject({ phase: 'merged', version: '1.2.0' });
    expect(released.failures).toEqual([]);
    expect(control.pullRequest(full, number)).toMatchObject({
      merged: true,
      mergedBy: { login: 'github-actions[bot]' },
    });
    expect(status()?.state).toBe('success');
  });

  it('changesets: the version from package.json at the head, again at each push, released and merged', async () => {
    const { control, full, repo, act, status, guardRuns, image } = releaseTool('cs', { preset: 'changesets' });
    const head = { ref: 'changeset-release/main', sha: SHA.a };
    const number = control.openPullRequest(full, { head, title: 'Version Packages', user: 'releaser' });
    control.setFile(full, { ref: SHA.a, path: 'package.json', content: '{ "name": "app", "version": "2.0.0" }\n' });
    const opened = await act(pullRequestEvent('opened', { repo, number, head, user: 'releaser' }));
    expect(opened.outputs).toMatchObject({ phase: 'prepared', version: '2.0.0' });

    // changesets pushes the release branch again when another changeset lands: a new head, a new version.
    const pushed = { ...head, sha: SHA.b };
    control.pushHead(full, number, SHA.b);
    control.setFile(full, { ref: SHA.b, path: 'package.json', content: '{ "name": "app", "version": "2.1.0" }\n' });
    const moved = await act(pullRequestEvent('synchronize', { repo, number, head: pushed, user: 'releaser' }));
    expect(moved.outputs).toMatchObject({ phase: 'prepared', 'head-sha': SHA.b, version: '2.1.0' });
    expect(status(SHA.b)?.state).toBe('pending');

    const id = control.submitReview(full, number, { user: 'maintainer', state: 'APPROVED' });
    await act(approvalEvent(repo, number, pushed, id, 'maintainer'));
    const run = guardRuns().at(-1);
    expect(run?.inputs).toEqual({ sha: SHA.b, version: '2.1.0' });
    await emulators.registry.control.pushImage(image, '2.1.0');
    control.updateRun(full, run?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const released = await act(
      releaseRunEvent(repo, { id: run?.id ?? 0, headSha: SHA.b, headBranch: head.ref }, 'success'),
    );
    expect(released.outputs).toMatchObject({ phase: 'merged', version: '2.1.0' });
    expect(control.pullRequest(full, number).merged).toBe(true);
  });

  it('a changesets release pull request without package.json at its head stays locked, saying why', async () => {
    const { control, full, repo, act, status } = releaseTool('cs-missing', { preset: 'changesets' });
    const head = { ref: 'changeset-release/main', sha: SHA.a };
    const number = control.openPullRequest(full, { head, title: 'Version Packages' });
    const opened = await act(pullRequestEvent('opened', { repo, number, head }));
    expect(opened.outputs).toMatchObject({ phase: 'prepared', version: '' });
    expect(status()).toMatchObject({ state: 'pending', description: expect.stringContaining('package.json') });
  });

  it('protected paths: a pull request that is not a release fails while it changes one, on every push', async () => {
    const { control, full, repo, act, status } = releaseTool('pp', {
      preset: 'release-please',
      'protected-paths': 'charts/**\n.release-please-manifest.json',
    });
    const head = { ref: 'bump-chart', sha: SHA.a };
    const number = control.openPullRequest(full, {
      head,
      files: [{ filename: 'docs/index.md' }, { filename: 'charts/gitops-server/values.yaml' }],
    });
    const opened = await act(pullRequestEvent('opened', { repo, number, head }));
    expect(opened.outputs.phase).toBe('skipped');
    expect(status()).toMatchObject({
      state: 'failure',
      description: 'changes release-managed files outside a release PR: charts/gitops-server/values.yaml',
    });

    const fixed = { ...head, sha: SHA.b };
    control.pushHead(full, number, SHA.b, { files: [{ filename: 'docs/index.md' }] });
    await act(pullRequestEvent('synchronize', { repo, number, head: fixed }));
    expect(status(SHA.b)).toMatchObject({ state: 'success', description: expect.stringContaining('not required') });

    const other = control.openPullRequest(full, {
      head: { ref: 'docs', sha: 'c'.repeat(40) },
      files: [{ filename: 'README.md' }],
    });
    await act(pullRequestEvent('opened', { repo, number: other, head: { ref: 'docs', sha: 'c'.repeat(40) } }));
    expect(status('c'.repeat(40))?.state).toBe('success');

    // Protected again, and merged anyway by someone who can bypass the check: alerted, the step fails.
    const bumped = { ...head, sha: 'd'.repeat(40) };
    control.pushHead(full, number, bumped.sha, { files: [{ filename: '.release-please-manifest.json' }] });
    await act(pullRequestEvent('synchronize', { repo, number, head: bumped }));
    expect(status(bumped.sha)?.state).toBe('failure');
    control.mergeByHand(full, number, 'maintainer');
    const merged = await act(
      pullRequestEvent('closed', { repo, number, head: bumped, merged: true, mergedBy: 'maintainer' }),
    );
    expect(merged.failures.join('\n')).toContain('the guard was bypassed');
  });
});
