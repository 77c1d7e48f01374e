import { createGuard, type GuardEvent } from '@release-guard/core';
import { type GitHubEmulator, type Registry, startGitHub, startRegistry } from '@release-guard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit, runGuard } from '../src/index.js';

let github: GitHubEmulator;
let registry: Registry;
beforeAll(async () => {
  github = await startGitHub();
  registry = await startRegistry();
});
afterEach(() => github.control.assertNoViolations());
afterAll(async () => {
  await github.close();
  await registry.close();
});

const SHA = { a: 'a'.repeat(40), b: 'b'.repeat(40) };
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
const RUN_NAME = 'release-guard ${{ inputs.sha }}';
let n = 0;

function setup(headRef = 'releases/v0.29.0', octokitOptions: { retries?: number; throttle?: boolean } = {}) {
  n++;
  const name = `run-${n}`;
  const full = github.control.createRepository({ owner: 'weaveworks', name, collaborators: { releaser: 'write' } });
  github.control.addToken('guard', 'release-guard[bot]');
  github.control.setPermission(full, 'release-guard[bot]', 'write');
  github.control.protectBranch(full, 'main', { requiredContexts: ['release'] });
  github.control.addWorkflow(full, { path: '.github/workflows/release.yaml', name: 'release', runName: RUN_NAME });
  const number = github.control.openPullRequest(full, { head: { ref: headRef, sha: SHA.a } });
  const octokit = createOctokit({
    token: 'guard',
    baseUrl: github.url,
    throttle: octokitOptions.throttle ?? false,
    retries: octokitOptions.retries ?? 0,
    retryBaseMs: 10,
  });
  const image = `weaveworks/wego-app-${n}`;
  const guard = createGuard({ artifacts: [{ name: 'image', ref: `${registry.host}/${image}:{version}` }] });
  const pr = { owner: 'weaveworks', repo: name, number };
  const run = (events: GuardEvent[] = []) =>
    runGuard({ guard, octokit, pr, events, release: { kind: 'dispatch', workflow: 'release.yaml', ref: headRef } });
  const pushImage = () => registry.control.pushImage(image, 'v0.29.0', { platforms: ['linux/amd64', 'linux/arm64'] });
  const calls = () => github.control.requests(full).length;
  return { full, number, run, calls, pushImage };
}

describe('runGuard over the emulator', () => {
  it('the seed’s happy path: locked, approved, released, verified, merged by the bot', async () => {
    const { full, number, run, calls, pushImage } = setup();
    const opened = await run();
    expect(opened.snapshot.phase).toBe('prepared');
    expect(github.control.statuses(full, SHA.a).map((s) => s.state)).toEqual(['pending']);
    const afterOpen = calls();

    github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    const approved = await run();
    expect(approved.snapshot.phase).toBe('releasing');
    const [releaseRun] = github.control.runs(full);
    expect(releaseRun).toBeDefined();
    const runId = `${releaseRun?.id}.1`;

    await pushImage();
    github.control.updateRun(full, releaseRun?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const released = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId }]);
    expect(released.snapshot.phase).toBe('merged');
    expect(github.control.pullRequest(full, number)).toMatchObject({
      merged: true,
      mergedBy: { login: 'release-guard[bot]' },
    });
    expect(github.control.statuses(full, SHA.a).map((s) => s.state)).toEqual(['pending', 'success']);
    expect(github.control.comments(full, number)).toHaveLength(1);

    const total = calls();
    console.info(`API calls: ${afterOpen} for opening, ${total} for the whole release lifecycle`);
    expect(total).toBeLessThanOrEqual(14);
  });

  it('a merge refused by another pending check is retried by a later run, without a second release', async () => {
    const { full, number, run, pushImage } = setup();
    await pushImage();
    github.control.protectBranch(full, 'main', { requiredContexts: ['release', 'build'] });
    await run();
    github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [releaseRun] = github.control.runs(full);
    github.control.updateRun(full, releaseRun?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const refused = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${releaseRun?.id}.1` }]);
    expect(refused.snapshot).toMatchObject({ phase: 'released', merge: { state: 'rejected' } });
    github.control.setPermission(full, 'ci', 'write');
    github.control.addToken('ci', 'ci');
    await createOctokit({ token: 'ci', baseUrl: github.url, throttle: false }).rest.repos.createCommitStatus({
      owner: 'weaveworks',
      repo: full.split('/')[1] ?? '',
      sha: SHA.a,
      state: 'success',
      context: 'build',
    });
    const retried = await run();
    expect(retried.snapshot.phase).toBe('merged');
    expect(github.control.runs(full)).toHaveLength(1);
    expect(github.control.requests(full).filter((r) => r.operation === 'pulls/merge')).toHaveLength(2);
  });

  it('under faults (5xx, a secondary rate limit, a lost merge response) nothing is done twice', async () => {
    const { full, number, run, pushImage } = setup('releases/v0.29.0', { retries: 2, throttle: true });
    await pushImage();
    github.control.inject({ repo: full, operation: 'repos/create-commit-status', kind: 'server-error' });
    github.control.inject({ repo: full, operation: 'graphql', nth: 2, kind: 'secondary-rate-limit', retryAfter: 1 });
    github.control.inject({ repo: full, operation: 'pulls/merge', kind: 'lose-response' });
    await run();
    github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [releaseRun] = github.control.runs(full);
    github.control.updateRun(full, releaseRun?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const done = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${releaseRun?.id}.1` }]);
    expect(done.snapshot.phase).toBe('merged');
    expect(github.control.firedFaults.filter((f) => f.repo === full)).toHaveLength(3);
    expect(github.control.statuses(full, SHA.a).map((s) => s.state)).toEqual(['pending', 'success']);
    expect(github.control.requests(full).filter((r) => r.operation === 'pulls/merge')).toHaveLength(1);
    expect(github.control.runs(full)).toHaveLength(1);
    expect(github.control.pullRequest(full, number).merged).toBe(true);
  });

  it('a non-release pull request costs one read and one status write', async () => {
    const { full, number, run, calls } = setup('feature/x');
    const result = await run();
    expect(result.snapshot.phase).toBe('skipped');
    expect(calls()).toBe(2);
    expect(github.control.comments(full, number)).toHaveLength(0);
    await run();
    expect(calls()).toBe(3);
  });

  it('the incident: the release "succeeded" but the image is not in the registry: failed, never merged', async () => {
    const { full, number, run } = setup();
    await run();
    github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [releaseRun] = github.control.runs(full);
    const result = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${releaseRun?.id}.1` }]);
    expect(result.snapshot.phase).toBe('failed');
    expect(result.snapshot.failure).toMatch(/artifact image missing: manifest unknown/);
    expect(github.control.statuses(full, SHA.a).at(-1)).toMatchObject({ state: 'failure' });
    expect(github.control.pullRequest(full, number).merged).toBe(false);
  });

  it('a push between release success and merge: 409, nothing merged, the new head locked', async () => {
    const { full, number, run, pushImage } = setup();
    await pushImage();
    await run();
    github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [releaseRun] = github.control.runs(full);
    github.control.pushHead(full, number, SHA.b);
    const result = await run([{ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: `${releaseRun?.id}.1` }]);
    expect(github.control.pullRequest(full, number).merged).toBe(false);
    expect(result.snapshot.phase).toBe('prepared');
    expect(result.snapshot.headSha).toBe(SHA.b);
    expect(github.control.statuses(full, SHA.b).map((s) => s.state)).toEqual(['pending']);
  });

  it('a human merging early is recorded as a violation and alerted', async () => {
    const { full, number, run } = setup();
    await run();
    github.control.mergeByHand(full, number, 'releaser');
    const result = await run();
    expect(result.snapshot.phase).toBe('merged');
    expect(result.snapshot.violations).toHaveLength(1);
    expect(result.alerts).toHaveLength(1);
    expect(github.control.comments(full, number).some((c) => c.body.includes('[!CAUTION]'))).toBe(true);
  });

  it('a lost status response is repaired by the next run, without writing the status twice', async () => {
    const { full, run } = setup();
    github.control.inject({ repo: full, operation: 'repos/create-commit-status', kind: 'lose-response' });
    await expect(run()).rejects.toThrow();
    expect(github.control.statuses(full, SHA.a)).toHaveLength(1);
    const repaired = await run();
    expect(repaired.snapshot.phase).toBe('prepared');
    expect(github.control.statuses(full, SHA.a)).toHaveLength(1);
  });

  it('a timeline comment edited by hand is rebuilt from GitHub’s facts, and repaired', async () => {
    const { full, number, run } = setup();
    await run();
    github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [comment] = github.control.comments(full, number);
    const forged = (comment?.body ?? '').replace(
      /release-guard:state v1 sha=(\w+) \S+/,
      'release-guard:state v1 sha=$1 Zm9yZ2Vk',
    );
    await createOctokit({ token: 'guard', baseUrl: github.url, throttle: false }).rest.issues.updateComment({
      owner: 'weaveworks',
      repo: full.split('/')[1] ?? '',
      comment_id: comment?.id ?? 0,
      body: forged,
    });
    const result = await run();
    expect(result.storedSnapshotProblem).toMatch(/not JSON/);
    expect(result.snapshot.phase).toBe('releasing');
    expect(github.control.runs(full)).toHaveLength(1);
    expect(github.control.comments(full, number)[0]?.body).not.toBe(forged);
  });

  it('dry run executes nothing', async () => {
    const { full } = setup();
    const before = github.control.requests(full).length;
    const result = await runGuard({
      guard: createGuard(),
      octokit: createOctokit({ token: 'guard', baseUrl: github.url, throttle: false }),
      pr: { owner: 'weaveworks', repo: full.split('/')[1] ?? '', number: 1 },
      release: { kind: 'in-run' },
      dryRun: true,
    });
    expect(result.effects.map((e) => [e.effect.type, e.executed])).toEqual([
      ['SET_STATUS', false],
      ['COMMENT', false],
    ]);
    expect(github.control.requests(full).length - before).toBe(1);
  });
});
