import { describe, expect, it } from 'vitest';
import { releaseRunEvent, SHA, useEmulators } from './support/emulators.js';
import { guardedRepository } from './support/guarded-repository.js';

/**
 * The `require-revision` input, through the action against the emulators: with it, a release whose image
 * tag was pushed by another commit's build (a stale tag) fails and is not merged, and the image of the
 * released commit merges; without it, the stale tag passes as it always did.
 */
const emulators = useEmulators();
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
let images = 0;

/**
 * A release pull request of v1.0.0 at `SHA.a` under a guard given `inputs` and one image artifact, opened;
 * `build` pushes the image's tag for a revision, `release` approves and completes the guard's release run.
 */
async function releasePullRequest(inputs: Record<string, string> = {}) {
  images++;
  const image = `weaveworks/revision-app-${images}`;
  const ref = `${emulators.registry.host}/${image}:v1.0.0`;
  const repository = guardedRepository(emulators, {
    prefix: 'revision',
    inputs: { artifacts: `- name: image\n  ref: ${emulators.registry.host}/${image}:{version}`, ...inputs },
  });
  const { control, full, repo, head } = repository;
  const number = await repository.openRelease();
  const build = (revision: string | undefined) =>
    emulators.registry.control.pushImage(image, 'v1.0.0', {
      platforms: PLATFORMS,
      ...(revision ? { revision } : {}),
    });
  const release = async () => {
    await repository.approve(number);
    const run = repository.guardRuns().at(-1);
    if (!run) throw new Error('the approval dispatched no release run');
    control.updateRun(full, run.id, { status: 'completed', conclusion: 'success' });
    return repository.act(releaseRunEvent(repo, { id: run.id, headSha: head.sha, headBranch: head.ref }, 'success'));
  };
  const merged = () => control.pullRequest(full, number).merged;
  return { ...repository, number, ref, build, release, merged };
}

describe('require-revision: "true"', () => {
  it('a stale tag, built from another commit: the release fails naming the revision, and nothing is merged', async () => {
    const { ref, build, release, merged, status } = await releasePullRequest({ 'require-revision': 'true' });
    await build(SHA.b);
    const result = await release();
    const reason = `artifact image missing: ${ref}: revision ${SHA.b} does not match ${SHA.a}`;
    expect(result.outputs).toMatchObject({ phase: 'failed', 'head-sha': SHA.a });
    expect(result.pullRequests[0]?.result.snapshot.failure).toBe(reason);
    expect(result.summary).toContain(`revision ${SHA.b} does not match ${SHA.a}`);
    expect(status()).toMatchObject({ state: 'failure' });
    expect(merged()).toBe(false);
  });

  it('an image without the annotation fails the same way, saying that it has none', async () => {
    const { ref, build, release, merged } = await releasePullRequest({ 'require-revision': 'true' });
    await build(undefined);
    const result = await release();
    expect(result.pullRequests[0]?.result.snapshot.failure).toBe(
      `artifact image missing: ${ref}: revision (no org.opencontainers.image.revision annotation) does not match ${SHA.a}`,
    );
    expect(merged()).toBe(false);
  });

  it('the image of the released commit is verified and merged', async () => {
    const { build, release, merged, status } = await releasePullRequest({ 'require-revision': 'true' });
    await build(SHA.a);
    const result = await release();
    expect(result.outputs.phase).toBe('merged');
    expect(status()).toMatchObject({ state: 'success' });
    expect(merged()).toBe(true);
  });

  it('after a stale tag failed the release, a build of the released commit and a new approval merge', async () => {
    const { build, release, merged } = await releasePullRequest({ 'require-revision': 'true' });
    await build(SHA.b);
    expect((await release()).outputs.phase).toBe('failed');
    await build(SHA.a);
    expect((await release()).outputs.phase).toBe('merged');
    expect(merged()).toBe(true);
  });
});

describe('without require-revision (the default), or with "false"', () => {
  it.each<Record<string, string>>([{}, { 'require-revision': 'false' }])(
    '%o: the stale tag passes as before, and is merged',
    async (inputs) => {
      const { build, release, merged } = await releasePullRequest(inputs);
      await build(SHA.b);
      const result = await release();
      expect(result.outputs.phase).toBe('merged');
      expect(merged()).toBe(true);
    },
  );
});
