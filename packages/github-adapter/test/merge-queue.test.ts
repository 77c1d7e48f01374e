import { createGuard } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { createOctokit, runGuard } from '../src/index.js';
import { guardRepository, RELEASE_INPUTS, RELEASE_RUN_NAME, SHA, useEmulators } from './support/emulators.js';

const emulators = useEmulators({ registry: true });

/** A release pull request into a main that merges through its queue, with `release` required. */
function setup(options: { queue?: boolean } = {}) {
  const { name, full, octokit } = guardRepository(emulators.github, { collaborators: { releaser: 'write' } });
  const { control } = emulators.github;
  control.protectBranch(full, 'main', { requiredContexts: ['release'] });
  if (options.queue !== false) control.requireMergeQueue(full, 'main');
  control.addWorkflow(full, {
    path: '.github/workflows/release.yaml',
    name: 'release',
    runName: RELEASE_RUN_NAME,
    inputs: RELEASE_INPUTS,
  });
  const number = control.openPullRequest(full, { head: { ref: 'releases/v1.0.0', sha: SHA.a } });
  const image = `weaveworks/queue-${name}`;
  const guard = createGuard({ artifacts: [{ name: 'image', ref: `${emulators.registry.host}/${image}:{version}` }] });
  const pr = { owner: 'weaveworks', repo: name, number };
  const run = (events: Parameters<typeof runGuard>[0]['events'] = []) =>
    runGuard({ guard, octokit, pr, events, release: { kind: 'dispatch', workflow: 'release.yaml' } });
  /** Approved, and its release run succeeded with the image pushed; the guard has yet to hear of it. */
  const succeed = async () => {
    await run();
    control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [dispatched] = control.runs(full);
    await emulators.registry.control.pushImage(image, 'v1.0.0');
    control.updateRun(full, dispatched?.id ?? 0, { status: 'completed', conclusion: 'success' });
  };
  const release = async () => {
    await succeed();
    return run();
  };
  const group = () => control.mergeQueue(full, 'main')?.groups.find((g) => g.number === number);
  const calls = () => control.requests(full).length;
  /** Someone with admin rights turns the status green by hand and enqueues the pull request. */
  const enqueueByHand = async () => {
    control.setPermission(full, 'maintainer', 'admin');
    control.addToken('maintainer-token', 'maintainer');
    const maintainer = createOctokit({ token: 'maintainer-token', baseUrl: emulators.github.url, retries: 0 });
    await maintainer.rest.repos.createCommitStatus({
      owner: 'weaveworks',
      repo: name,
      sha: SHA.a,
      state: 'success',
      context: 'release',
    });
    control.enqueue(full, number, { login: 'maintainer' });
  };
  return { full, number, octokit, control, run, succeed, release, group, calls, enqueueByHand };
}

describe('runGuard with a merge queue', () => {
  it('a released pull request is enqueued at its head, judged success on its group, and merged by the queue', async () => {
    const { full, number, control, run, release, group, calls } = setup();
    const released = await release();
    expect(released.snapshot).toMatchObject({ phase: 'released', merge: { state: 'queued' } });
    const merge = released.effects.find((e) => e.effect.type === 'MERGE');
    expect(merge?.effect).toMatchObject({ via: 'queue', sha: SHA.a });
    expect(control.requests(full).some((r) => r.operation === 'pulls/merge')).toBe(false);

    const built = group();
    expect(built?.headRef).toBe(`refs/heads/gh-readonly-queue/main/pr-${number}-${SHA.a}`);
    const judged = await run([{ type: 'MERGE_GROUP', sha: SHA.a, groupSha: built?.headSha ?? '' }]);
    expect(control.statuses(full, built?.headSha ?? '', 'release').at(-1)?.state).toBe('success');
    expect(control.pullRequest(full, number).merged).toBe(true);
    expect(judged.alerts).toEqual([]);

    const closed = await run();
    expect(closed.snapshot.phase).toBe('merged');
    expect(closed.snapshot.violations).toEqual([]);
    expect(closed.alerts).toEqual([]);
    console.info(`API calls for a queued release lifecycle: ${calls()}`);
  });

  it('a group of a head the guard has not released gets failure and an alert, and the queue ejects it', async () => {
    const { full, number, control, run, group, enqueueByHand } = setup();
    await run();
    // Someone turns the status green by hand and enqueues the pull request before any release.
    await enqueueByHand();
    const built = group();
    expect(built).toBeDefined();
    const judged = await run([{ type: 'MERGE_GROUP', sha: SHA.a, groupSha: built?.headSha ?? '' }]);
    expect(control.statuses(full, built?.headSha ?? '', 'release').at(-1)?.state).toBe('failure');
    expect(judged.alerts.length).toBeGreaterThan(0);
    expect(control.pullRequest(full, number).merged).toBe(false);
    expect(control.mergeQueue(full, 'main')?.entries ?? []).toEqual([]);
  });

  it('a release cleared in a run while someone else queued it is recorded as queued, not enqueued again', async () => {
    const { full, number, control, run, succeed, enqueueByHand } = setup();
    await succeed();
    // Enqueued by someone else before the guard heard of the release's success: the run that verifies
    // the image clears the head while that entry stands.
    await enqueueByHand();
    const cleared = await run([{ type: 'ENQUEUED', sha: SHA.a }]);
    expect(cleared.snapshot).toMatchObject({ phase: 'released', merge: { state: 'queued' } });
    expect(control.requests(full).filter((r) => r.operation === 'graphql:enqueuePullRequest')).toEqual([]);
    expect(control.mergeQueue(full, 'main')?.entries.map((e) => e.number)).toEqual([number]);
  });

  it('a base whose queue the guard did not know: the direct merge is refused (405) and it enqueues at once', async () => {
    const { full, number, octokit, control, release } = setup({ queue: false });
    // The queue is required between the guard's observation and its merge: GitHub's refusal teaches it.
    octokit.hook.before('request', (options) => {
      if (options.method === 'PUT' && String(options.url).includes('/merge')) control.requireMergeQueue(full, 'main');
    });
    const released = await release();
    const answers = control
      .requests(full)
      .filter((r) => r.operation === 'pulls/merge')
      .map((r) => r.status);
    expect(answers).toEqual([405]);
    expect(released.snapshot.merge.state).toBe('queued');
    expect(control.mergeQueue(full, 'main')?.entries.map((e) => e.number)).toEqual([number]);
  });

  it('a dismissal of the last approval of a queued release takes it out of the queue', async () => {
    const { full, number, control, run, release } = setup();
    await release();
    const review = control.pullRequest(full, number).reviews.at(-1);
    control.dismissReview(full, number, review?.id ?? 0);
    const dismissed = await run();
    expect(dismissed.effects.map((e) => e.effect.type)).toContain('DEQUEUE');
    expect(control.mergeQueue(full, 'main')?.entries ?? []).toEqual([]);
    expect(control.pullRequest(full, number).merged).toBe(false);
  });

  it("a group is judged for the head GitHub's queue entry names, whatever commit its branch names", async () => {
    const { full, number, control, run, release, group } = setup();
    await release();
    const built = group();
    // The branch's commit may be the base the group is built on, not the pull request's head.
    const judged = await run([{ type: 'MERGE_GROUP', sha: built?.baseSha ?? '', groupSha: built?.headSha ?? '' }]);
    expect(control.statuses(full, built?.headSha ?? '', 'release').at(-1)?.state).toBe('success');
    expect(judged.alerts).toEqual([]);
    expect(control.pullRequest(full, number).merged).toBe(true);
  });

  it('a late group of an earlier head is stale, though the pull request stands queued again at a new head', async () => {
    const { full, number, control, run, release, group } = setup();
    await release();
    const old = group();
    // A push takes the pull request out of the queue; its new head is released and enqueued again.
    control.pushHead(full, number, SHA.b);
    await run();
    control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const dispatched = control.runs(full).at(-1);
    control.updateRun(full, dispatched?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const queuedAgain = await run();
    expect(queuedAgain.snapshot).toMatchObject({ headSha: SHA.b, merge: { state: 'queued' } });
    expect(group()?.headSha).not.toBe(old?.headSha);
    // The group of the first entry, destroyed by the push, is delivered late: it is not the entry's group.
    await run([{ type: 'MERGE_GROUP', sha: SHA.a, groupSha: old?.headSha ?? '' }]);
    expect(control.statuses(full, old?.headSha ?? '', 'release').map((s) => s.state)).toEqual(['failure']);
    expect(control.pullRequest(full, number).merged).toBe(false);
  });

  it('an exit from the queue delivered while GitHub shows the pull request queued again is stale', async () => {
    const { full, control, run, release } = setup();
    const released = await release();
    expect(released.snapshot.merge).toMatchObject({ state: 'queued', enqueues: 1 });
    const late = await run([{ type: 'DEQUEUED', sha: SHA.a, reason: 'CI_FAILURE' }]);
    expect(late.ignored.join('\n')).toMatch(/the exit from the merge queue is stale: GitHub shows #\d+ in the queue/);
    expect(late.snapshot.merge).toMatchObject({ state: 'queued', enqueues: 1 });
    expect(control.requests(full).filter((r) => r.operation === 'graphql:enqueuePullRequest')).toHaveLength(1);
  });
});
