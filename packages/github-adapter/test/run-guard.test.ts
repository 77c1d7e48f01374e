import { createGuard, type GuardEvent, renderTimeline } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { createOctokit, type GuardRunOptions, renderTimelineComment, rerunOf, runGuard } from '../src/index.js';
import { guardRepository, RELEASE_INPUTS, RELEASE_RUN_NAME, SHA, useEmulators } from './support/emulators.js';

const emulators = useEmulators({ registry: true });

function setup(headRef = 'releases/v0.29.0', client: { retries?: number; throttle?: boolean } = {}) {
  const { name, full, octokit } = guardRepository(emulators.github, {
    collaborators: { releaser: 'write' },
    client: { retryBaseMs: 10, ...client },
  });
  emulators.github.control.protectBranch(full, 'main', { requiredContexts: ['release'] });
  emulators.github.control.addWorkflow(full, {
    path: '.github/workflows/release.yaml',
    name: 'release',
    runName: RELEASE_RUN_NAME,
    inputs: RELEASE_INPUTS,
  });
  const number = emulators.github.control.openPullRequest(full, { head: { ref: headRef, sha: SHA.a } });
  const image = `weaveworks/wego-app-${name}`;
  const guard = createGuard({ artifacts: [{ name: 'image', ref: `${emulators.registry.host}/${image}:{version}` }] });
  const pr = { owner: 'weaveworks', repo: name, number };
  const run = (events: GuardEvent[] = [], extra: Partial<GuardRunOptions> = {}) =>
    runGuard({
      guard,
      octokit,
      pr,
      events,
      release: { kind: 'dispatch', workflow: 'release.yaml', ref: headRef },
      ...extra,
    });
  const pushImage = () =>
    emulators.registry.control.pushImage(image, 'v0.29.0', { platforms: ['linux/amd64', 'linux/arm64'] });
  const calls = () => emulators.github.control.requests(full).length;
  return { full, number, run, calls, pushImage };
}

/** A second client on a pull request `setup` made: the guard's token, the same guard configuration. */
function reopen(full: string, number: number) {
  const [owner = '', repo = ''] = full.split('/');
  const octokit = createOctokit({ token: 'guard', baseUrl: emulators.github.url, throttle: false, retries: 0 });
  return { octokit, pr: { owner, repo, number }, guard: createGuard() };
}

describe('runGuard over the emulator', () => {
  it('the seed’s happy path: locked, approved, released, verified, merged by the bot', async () => {
    const { full, number, run, calls, pushImage } = setup();
    const opened = await run();
    expect(opened.snapshot.phase).toBe('prepared');
    expect(emulators.github.control.statuses(full, SHA.a).map((s) => s.state)).toEqual(['pending']);
    const afterOpen = calls();

    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    const approved = await run();
    expect(approved.snapshot.phase).toBe('releasing');
    const [releaseRun] = emulators.github.control.runs(full);
    expect(releaseRun).toBeDefined();
    const runId = `${releaseRun?.id}.1`;

    await pushImage();
    emulators.github.control.updateRun(full, releaseRun?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const released = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId }]);
    expect(released.snapshot.phase).toBe('merged');
    expect(emulators.github.control.pullRequest(full, number)).toMatchObject({
      merged: true,
      mergedBy: { login: 'release-guard[bot]' },
    });
    expect(emulators.github.control.statuses(full, SHA.a).map((s) => s.state)).toEqual(['pending', 'success']);
    expect(emulators.github.control.comments(full, number)).toHaveLength(1);

    const total = calls();
    console.info(`API calls: ${afterOpen} for opening, ${total} for the whole release lifecycle`);
    expect(total).toBeLessThanOrEqual(14);
  });

  it('with a separate merge token, the timeline names the identity that merged, not the reading token', async () => {
    const { full, number, pushImage } = setup();
    const [owner = '', repo = ''] = full.split('/');
    emulators.github.control.addToken('merger', 'release-merger[bot]');
    emulators.github.control.setPermission(full, 'release-merger[bot]', 'write');
    const mergeOctokit = createOctokit({ token: 'merger', baseUrl: emulators.github.url, throttle: false, retries: 0 });
    const { octokit } = reopen(full, number);
    const guard = createGuard({
      artifacts: [{ name: 'image', ref: `${emulators.registry.host}/weaveworks/wego-app-${repo}:{version}` }],
    });
    const run = (events: GuardEvent[] = []) =>
      runGuard({
        guard,
        octokit,
        mergeOctokit,
        pr: { owner, repo, number },
        events,
        release: { kind: 'dispatch', workflow: 'release.yaml', ref: 'releases/v0.29.0' },
      });
    await run();
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [releaseRun] = emulators.github.control.runs(full);
    await pushImage();
    emulators.github.control.updateRun(full, releaseRun?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const merged = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${releaseRun?.id}.1` }]);
    expect(merged.snapshot.phase).toBe('merged');
    expect(emulators.github.control.pullRequest(full, number).mergedBy?.login).toBe('release-merger[bot]');
    expect(merged.snapshot.timeline.at(-1)?.note).toBe(`Merged ${SHA.a.slice(0, 7)} by release-merger[bot]`);
  });

  it('a merge refused by another pending check is retried by a later run, without a second release', async () => {
    const { full, number, run, pushImage } = setup();
    await pushImage();
    emulators.github.control.protectBranch(full, 'main', { requiredContexts: ['release', 'build'] });
    await run();
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [releaseRun] = emulators.github.control.runs(full);
    emulators.github.control.updateRun(full, releaseRun?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const refused = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${releaseRun?.id}.1` }]);
    expect(refused.snapshot).toMatchObject({ phase: 'released', merge: { state: 'rejected' } });
    emulators.github.control.setPermission(full, 'ci', 'write');
    emulators.github.control.addToken('ci', 'ci');
    await createOctokit({ token: 'ci', baseUrl: emulators.github.url, throttle: false }).rest.repos.createCommitStatus({
      owner: 'weaveworks',
      repo: full.split('/')[1] ?? '',
      sha: SHA.a,
      state: 'success',
      context: 'build',
    });
    const retried = await run();
    expect(retried.snapshot.phase).toBe('merged');
    expect(emulators.github.control.runs(full)).toHaveLength(1);
    expect(emulators.github.control.requests(full).filter((r) => r.operation === 'pulls/merge')).toHaveLength(2);
  });

  it('a dismissal re-locks a released head and disarms the armed auto-merge; a new approval merges it without a second release', async () => {
    const { full, number, run, pushImage } = setup();
    const autoMerge = { merge: { autoMerge: true } };
    await pushImage();
    emulators.github.control.protectBranch(full, 'main', { requiredContexts: ['release', 'build'] });
    await run();
    const review = emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [releaseRun] = emulators.github.control.runs(full);
    emulators.github.control.updateRun(full, releaseRun?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const refused = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${releaseRun?.id}.1` }], autoMerge);
    expect(refused.snapshot).toMatchObject({ phase: 'released', merge: { state: 'rejected' } });
    expect(emulators.github.control.pullRequest(full, number).autoMerge).not.toBeNull();

    emulators.github.control.dismissReview(full, number, review);
    const relocked = await run([], autoMerge);
    expect(relocked.snapshot).toMatchObject({ phase: 'released', approvals: [] });
    expect(relocked.autoMergeDisabled).toBe(true);
    expect(emulators.github.control.pullRequest(full, number).autoMerge).toBeNull();
    expect(emulators.github.control.statuses(full, SHA.a, 'release').at(-1)).toMatchObject({
      state: 'pending',
      description: 'approval withdrawn: approve again to merge',
    });

    // Someone else turns every required check green: with auto-merge disarmed, nothing merges it.
    emulators.github.control.setPermission(full, 'ci', 'write');
    emulators.github.control.addToken('ci', 'ci');
    const ci = createOctokit({ token: 'ci', baseUrl: emulators.github.url, throttle: false });
    for (const context of ['build', 'release']) {
      await ci.rest.repos.createCommitStatus({
        owner: 'weaveworks',
        repo: full.split('/')[1] ?? '',
        sha: SHA.a,
        state: 'success',
        context,
      });
    }
    expect(emulators.github.control.pullRequest(full, number).merged).toBe(false);

    emulators.github.control.setPermission(full, 'maintainer', 'write');
    emulators.github.control.submitReview(full, number, { user: 'maintainer', state: 'APPROVED' });
    const approved = await run([], autoMerge);
    expect(approved.snapshot.phase).toBe('merged');
    expect(approved.autoMergeDisabled).toBeUndefined();
    expect(emulators.github.control.runs(full)).toHaveLength(1);
    expect(emulators.github.control.pullRequest(full, number).merged).toBe(true);
  });

  it('under faults (5xx, a secondary rate limit, a lost merge response) nothing is done twice', async () => {
    const { full, number, run, pushImage } = setup('releases/v0.29.0', { retries: 2, throttle: true });
    await pushImage();
    emulators.github.control.inject({ repo: full, operation: 'repos/create-commit-status', kind: 'server-error' });
    emulators.github.control.inject({
      repo: full,
      operation: 'graphql',
      nth: 2,
      kind: 'secondary-rate-limit',
      retryAfter: 1,
    });
    emulators.github.control.inject({ repo: full, operation: 'pulls/merge', kind: 'lose-response' });
    await run();
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [releaseRun] = emulators.github.control.runs(full);
    emulators.github.control.updateRun(full, releaseRun?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const done = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${releaseRun?.id}.1` }]);
    expect(done.snapshot.phase).toBe('merged');
    expect(emulators.github.control.firedFaults.filter((f) => f.repo === full)).toHaveLength(3);
    expect(emulators.github.control.statuses(full, SHA.a).map((s) => s.state)).toEqual(['pending', 'success']);
    expect(emulators.github.control.requests(full).filter((r) => r.operation === 'pulls/merge')).toHaveLength(1);
    expect(emulators.github.control.runs(full)).toHaveLength(1);
    expect(emulators.github.control.pullRequest(full, number).merged).toBe(true);
  });

  it('a non-release pull request costs two reads (the pull request, the branches at its head) and one status write', async () => {
    const { full, number, run, calls } = setup('feature/x');
    const result = await run();
    expect(result.snapshot.phase).toBe('skipped');
    expect(calls()).toBe(3);
    expect(emulators.github.control.comments(full, number)).toHaveLength(0);
    await run();
    expect(calls()).toBe(5);
  });

  it('the incident: the release "succeeded" but the image is not in the registry: failed, never merged', async () => {
    const { full, number, run } = setup();
    await run();
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [releaseRun] = emulators.github.control.runs(full);
    const result = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${releaseRun?.id}.1` }]);
    expect(result.snapshot.phase).toBe('failed');
    expect(result.snapshot.failure).toMatch(/artifact image missing: manifest unknown/);
    expect(emulators.github.control.statuses(full, SHA.a).at(-1)).toMatchObject({ state: 'failure' });
    expect(emulators.github.control.pullRequest(full, number).merged).toBe(false);
  });

  it('a push between release success and merge: 409, nothing merged, the new head locked', async () => {
    const { full, number, run, pushImage } = setup();
    await pushImage();
    await run();
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [releaseRun] = emulators.github.control.runs(full);
    emulators.github.control.pushHead(full, number, SHA.b);
    const result = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${releaseRun?.id}.1` }]);
    expect(emulators.github.control.pullRequest(full, number).merged).toBe(false);
    expect(result.snapshot.phase).toBe('prepared');
    expect(result.snapshot.headSha).toBe(SHA.b);
    expect(emulators.github.control.statuses(full, SHA.b).map((s) => s.state)).toEqual(['pending']);
  });

  it('a human merging early is recorded as a violation and alerted', async () => {
    const { full, number, run } = setup();
    await run();
    emulators.github.control.mergeByHand(full, number, 'releaser');
    const result = await run();
    expect(result.snapshot.phase).toBe('merged');
    expect(result.snapshot.violations).toHaveLength(1);
    expect(result.alerts).toHaveLength(1);
    expect(emulators.github.control.comments(full, number).some((c) => c.body.includes('[!CAUTION]'))).toBe(true);
  });

  it('a lost status response is repaired by the next run, without writing the status twice', async () => {
    const { full, run } = setup();
    emulators.github.control.inject({ repo: full, operation: 'repos/create-commit-status', kind: 'lose-response' });
    await expect(run()).rejects.toThrow();
    expect(emulators.github.control.statuses(full, SHA.a)).toHaveLength(1);
    const repaired = await run();
    expect(repaired.snapshot.phase).toBe('prepared');
    expect(emulators.github.control.statuses(full, SHA.a)).toHaveLength(1);
  });

  it('a timeline comment edited by hand is rebuilt from GitHub’s facts, and repaired', async () => {
    const { full, number, run } = setup();
    await run();
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [comment] = emulators.github.control.comments(full, number);
    const forged = (comment?.body ?? '').replace(
      /release-guard:state v1 sha=(\w+) \S+/,
      'release-guard:state v1 sha=$1 Zm9yZ2Vk',
    );
    await createOctokit({ token: 'guard', baseUrl: emulators.github.url, throttle: false }).rest.issues.updateComment({
      owner: 'weaveworks',
      repo: full.split('/')[1] ?? '',
      comment_id: comment?.id ?? 0,
      body: forged,
    });
    const result = await run();
    expect(result.storedSnapshotProblem).toMatch(/not JSON/);
    expect(result.snapshot.phase).toBe('releasing');
    expect(emulators.github.control.runs(full)).toHaveLength(1);
    expect(emulators.github.control.comments(full, number)[0]?.body).not.toBe(forged);
  });

  it('dry run executes nothing', async () => {
    const { full } = setup();
    const before = emulators.github.control.requests(full).length;
    const result = await runGuard({
      guard: createGuard(),
      octokit: createOctokit({ token: 'guard', baseUrl: emulators.github.url, throttle: false }),
      pr: { owner: 'weaveworks', repo: full.split('/')[1] ?? '', number: 1 },
      release: { kind: 'in-run' },
      dryRun: true,
    });
    expect(result.effects.map((e) => [e.effect.type, e.executed])).toEqual([
      ['SET_STATUS', false],
      ['COMMENT', false],
    ]);
    expect(emulators.github.control.requests(full).length - before).toBe(1);
  });

  it('stamps its clock on the timeline and hands events a function of the reconciled snapshot', async () => {
    const { full, number } = setup();
    const { octokit, pr, guard } = reopen(full, number);
    const at = '2023-08-01T11:16:00.000Z';
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    const seen: string[] = [];
    const result = await runGuard({
      guard,
      octokit,
      pr,
      release: { kind: 'in-run' },
      now: () => new Date(at),
      events: (reconciled) => {
        seen.push(reconciled.phase);
        return [{ type: 'TIMED_OUT', sha: reconciled.headSha }];
      },
    });
    expect(seen).toEqual(['approved']);
    expect(result.snapshot.phase).toBe('failed');
    expect(result.snapshot.timeline.slice(-2)).toMatchObject([
      { phase: 'approved', at },
      { phase: 'failed', at },
    ]);
  });

  it('a close delivered after the reopen is stale: the approval given since the reopen still releases', async () => {
    const { full, number, run } = setup();
    const { control } = emulators.github;
    await run();
    control.closePullRequest(full, number);
    control.reopenPullRequest(full, number);
    control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    const stale = await run([{ type: 'CLOSED' }]);
    expect(stale.ignored).toContain('the close is stale: GitHub shows the pull request open again');
    expect(stale.snapshot.phase).toBe('releasing');
    expect((await run()).snapshot.phase).toBe('releasing');
    expect(control.runs(full)).toHaveLength(1);
  });

  it('a reopen delivered after the pull request was closed again is stale', async () => {
    const { full, number, run } = setup();
    const { control } = emulators.github;
    await run();
    control.closePullRequest(full, number);
    expect((await run([{ type: 'CLOSED' }])).snapshot.phase).toBe('closed');
    control.reopenPullRequest(full, number);
    control.closePullRequest(full, number);
    const stale = await run([{ type: 'REOPENED', sha: SHA.a }]);
    expect(stale.ignored).toContain('the reopen is stale: GitHub shows the pull request closed');
    expect(stale.snapshot.phase).toBe('closed');
  });

  it('a release whose completion was never delivered is read from GitHub by the next run', async () => {
    const { full, number, run, pushImage } = setup();
    await run();
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [releaseRun] = emulators.github.control.runs(full);
    await pushImage();
    emulators.github.control.updateRun(full, releaseRun?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const swept = await run();
    expect(swept.snapshot.phase).toBe('merged');
    expect(emulators.github.control.runs(full)).toHaveLength(1);
  });

  it('approving again after a release that succeeded without its image releases again, with a new run', async () => {
    const { full, number, run, pushImage } = setup();
    await run();
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [first] = emulators.github.control.runs(full);
    emulators.github.control.updateRun(full, first?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const failed = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${first?.id}.1` }]);
    expect(failed.snapshot.phase).toBe('failed');
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    const again = await run();
    expect(again.snapshot.phase).toBe('releasing');
    const runs = emulators.github.control.runs(full);
    expect(runs).toHaveLength(2);
    await pushImage();
    emulators.github.control.updateRun(full, runs[1]?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const merged = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${runs[1]?.id}.1` }]);
    expect(merged.snapshot.phase).toBe('merged');
  });

  it('rerunOf: a later attempt of the recorded run re-runs it; anything else does not', () => {
    expect(rerunOf('7.2', '7.1')).toBe('7.1');
    expect(rerunOf('7.5', '7.2')).toBe('7.2');
    expect(rerunOf('7.1', '7.2')).toBeUndefined();
    expect(rerunOf('7.2', '7.2')).toBeUndefined();
    expect(rerunOf('8.2', '7.1')).toBeUndefined();
    expect(rerunOf('7.2', undefined)).toBeUndefined();
  });

  it('a re-run of the failed release run retries it, reported or read from GitHub, and merges once it succeeds', async () => {
    for (const delivered of [true, false]) {
      const { full, number, run, pushImage } = setup();
      await run();
      emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
      await run();
      const [release] = emulators.github.control.runs(full);
      const id = release?.id ?? 0;
      emulators.github.control.updateRun(full, id, { status: 'completed', conclusion: 'failure' });
      const failed = await run([{ type: 'RELEASE_FAILED', sha: SHA.a, runId: `${id}.1`, reason: 'flaky' }]);
      expect(failed.snapshot.phase).toBe('failed');
      emulators.github.control.rerun(full, id);
      const retried = await run(delivered ? [{ type: 'RELEASE_STARTED', sha: SHA.a, runId: `${id}.2` }] : []);
      expect(retried.snapshot.phase).toBe('releasing');
      expect(retried.alerts).toEqual([]);
      await pushImage();
      emulators.github.control.updateRun(full, id, { status: 'completed', conclusion: 'success' });
      const merged = await run(delivered ? [{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${id}.2` }] : []);
      expect(merged.snapshot.phase).toBe('merged');
      expect(emulators.github.control.runs(full)).toHaveLength(1);
    }
  });

  it('a snapshot forged consistently (checksum and all) by someone who edits the comment loses to the facts', async () => {
    const { full, number } = setup();
    const { octokit, pr } = reopen(full, number);
    const guard = createGuard({ artifacts: [{ name: 'image', ref: 'registry.example/wego-app:{version}' }] });
    const run = () => runGuard({ guard, octokit, pr, release: { kind: 'in-run' } });
    await run();
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    const approved = await run();
    expect(approved.snapshot.phase).toBe('approved');

    let forged = approved.snapshot;
    for (const event of [
      { type: 'RELEASE_STARTED', sha: SHA.a, runId: '1.1' },
      { type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: '1.1' },
      { type: 'ARTIFACT_VERIFIED', sha: SHA.a, name: 'image', digest: `sha256:${'f'.repeat(64)}` },
    ] as const) {
      forged = guard.next(forged, event).snapshot;
    }
    expect(forged.phase).toBe('released');
    const [comment] = emulators.github.control.comments(full, number);
    const body = renderTimelineComment(renderTimeline(forged), forged, guard.serialize(forged));
    emulators.github.control.editComment(full, comment?.id ?? 0, body, 'releaser');

    const result = await run();
    expect(result.storedSnapshotProblem).toBe('the timeline comment was edited by releaser');
    expect(result.snapshot.phase).toBe('approved');
    expect(result.effects.map((e) => e.effect.type)).not.toContain('MERGE');
    expect(emulators.github.control.pullRequest(full, number).merged).toBe(false);
  });
});
