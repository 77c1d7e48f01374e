import { pullRequestEvent } from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import { approvalEvent, releaseRunEvent, SHA, useEmulators } from './support/emulators.js';
import { guardedRepository } from './support/guarded-repository.js';

/**
 * The edges of the facts the guard trusts (a head shared while the release pull request is closed or with
 * a second release pull request, next pages of every list, runs dispatched by hand or stuck, check runs
 * of the same app), attacked through the action's code path against the emulators.
 */
let clock = Date.parse('2024-05-01T10:00:00Z');
const now = () => new Date(clock);
const emulators = useEmulators({ now });
function setup(inputs: Record<string, string> = {}) {
  return guardedRepository(emulators, { prefix: 'attack', inputs, now });
}

describe('shared SHA: a verdict of another pull request on a release head', () => {
  it('a fork pull request run while the release pull request is closed (close/reopen to re-run checks) writes no "release not required" on its head', async () => {
    const { control, full, repo, head, act, openRelease, status, humanMerge } = setup();
    const release = await openRelease();
    expect(status()).toMatchObject({ state: 'pending' });
    // A maintainer closes the release pull request (to re-run its checks, or to think again).
    control.closePullRequest(full, release);
    await act(pullRequestEvent('closed', { repo, number: release, head }));
    // Meanwhile a fork-only attacker opens a pull request (pull_request_target) with the release head.
    const forkHead = { ref: 'feature/typo', sha: head.sha, repo: { owner: 'mallory', name: repo.name } };
    const fork = control.openPullRequest(full, {
      head: { ref: 'feature/typo', sha: head.sha, repo: `mallory/${repo.name}` },
      user: 'mallory',
    });
    await act(pullRequestEvent('opened', { repo, number: fork, head: forkHead }), 'pull_request_target');
    // The release pull request is reopened: until the guard's `reopened` run writes again, the
    // fork's verdict stands on the release head and branch protection lets it merge unreleased.
    control.reopenPullRequest(full, release);
    const standing = status();
    const merged = await humanMerge(release);
    expect({ standing: standing?.state, merged }).toEqual({ standing: 'pending', merged: 405 });
  });

  it('a second release pull request from the same branch into another base does not disturb the real one', async () => {
    const { control, full, repo, head, act, openRelease, approve, guardRuns } = setup();
    const release = await openRelease();
    // mallory (write, not an approver) opens the release branch into a scratch base: a second "release" PR.
    const second = control.openPullRequest(full, { head, base: 'scratch', user: 'mallory' });
    await act(pullRequestEvent('opened', { repo, number: second, head, base: { ref: 'scratch' }, user: 'mallory' }));
    expect((await approve(release)).outputs.phase).toBe('releasing');
    const [own] = guardRuns();
    control.updateRun(full, own?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const done = await act(
      releaseRunEvent(repo, { id: own?.id ?? 0, headSha: head.sha, headBranch: head.ref }, 'success'),
    );
    const outcome = Object.fromEntries(done.pullRequests.map((p) => [p.number, p.result.snapshot.phase]));
    expect({ merged: control.pullRequest(full, release).merged, failures: done.failures }).toEqual({
      merged: true,
      failures: [],
    });
    expect(outcome[release]).toBe('merged');
  });
});

describe('pagination: every next page is read with a document GitHub accepts', () => {
  it('101 comments on a non-release pull request do not stop its guard run', async () => {
    const { control, full, repo, act, status, client } = setup();
    const h = { ref: 'feature/x', sha: SHA.b };
    const pr = control.openPullRequest(full, { head: h, user: 'mallory' });
    for (let i = 0; i < 101; i++) {
      await client('reader-token').rest.issues.createComment({
        owner: repo.owner,
        repo: repo.name,
        issue_number: pr,
        body: `spam ${i}`,
      });
    }
    // The next-page query carries the three fragments but uses one: "Fragment … is never used".
    const outcome = await act(pullRequestEvent('opened', { repo, number: pr, head: h })).then(
      (r) => r.outputs.phase,
      (error: Error) => error.message,
    );
    emulators.github.control.violations.length = 0;
    expect(outcome).toBe('skipped');
    expect(status(SHA.b)).toMatchObject({ state: 'success' });
  });

  it('101 distinct reviewers (latestOpinionatedReviews) do not stop the guard runs of the release pull request', async () => {
    const { control, full, repo, head, act, openRelease } = setup();
    const release = await openRelease();
    for (let i = 0; i < 101; i++) control.submitReview(full, release, { user: `drive-by-${i}`, state: 'APPROVED' });
    const id = control.submitReview(full, release, { user: 'maintainer', state: 'APPROVED' });
    const outcome = await act(approvalEvent(repo, release, head, id, 'maintainer')).then(
      (r) => r.outputs.phase,
      (error: Error) => error.message,
    );
    emulators.github.control.violations.length = 0;
    expect(outcome).toBe('releasing');
  });
});

describe('shared SHA: two release pull requests on one head', () => {
  it('a second release pull request into another base turns the released head of the real one back to pending', async () => {
    const { control, full, repo, head, act, openRelease, approve, guardRuns, sweep, status } = setup();
    // Another required check holds the merge, so the released pull request waits with a green release status.
    control.protectBranch(full, 'main', { requiredContexts: ['release', 'ci'] });
    const release = await openRelease();
    const second = control.openPullRequest(full, { head, base: 'scratch', user: 'mallory' });
    await act(pullRequestEvent('opened', { repo, number: second, head, base: { ref: 'scratch' }, user: 'mallory' }));
    await approve(release);
    const [own] = guardRuns();
    control.updateRun(full, own?.id ?? 0, { status: 'completed', conclusion: 'success' });
    await act(releaseRunEvent(repo, { id: own?.id ?? 0, headSha: head.sha, headBranch: head.ref }, 'success'));
    expect(control.pullRequest(full, release).merged).toBe(false);
    // Anything that runs the second pull request's guard (a reopened or labeled event, a sweep) speaks on the shared head.
    await act(pullRequestEvent('reopened', { repo, number: second, head, base: { ref: 'scratch' }, user: 'mallory' }));
    expect(status()).toMatchObject({ state: 'success' });
    await sweep();
    expect(status()).toMatchObject({ state: 'success' });
  });
});

describe('foreign release runs', () => {
  it('a release run mallory dispatched by hand before anyone approved is not adopted as the approved release', async () => {
    const { control, full, repo, head, openRelease, approve, guardRuns, client } = setup();
    const release = await openRelease();
    // mallory (write, not an approver) dispatches the release workflow herself, with inputs of her choosing;
    // the `requested` delivery is lost (GitHub sometimes delivers nothing).
    await client('mallory-token').request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      owner: repo.owner,
      repo: repo.name,
      workflow_id: 'release.yaml',
      ref: head.ref,
      inputs: { sha: head.sha, version: 'v6.6.6' },
    });
    const [hers] = guardRuns();
    expect(hers?.actor.login).toBe('mallory');
    control.updateRun(full, hers?.id ?? 0, { status: 'in_progress' });
    // An approver approves: the guard should start its own release (or at least alert), not take hers.
    const approved = await approve(release);
    const started = approved.pullRequests[0]?.result.snapshot.release;
    const byGuard = guardRuns().filter((r) => r.actor.login === 'github-actions[bot]');
    expect({ runs: byGuard.length, adopted: started?.runId, alerts: approved.failures.length > 0 }).toMatchObject({
      runs: 1,
    });
  });

  it('neither a run mallory keeps queued nor the guard’s own timed-out run is taken for the release a fresh approval asks for', async () => {
    const { repo, head, openRelease, approve, sweep, guardRuns, client } = setup();
    const release = await openRelease();
    await client('mallory-token').request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      owner: repo.owner,
      repo: repo.name,
      workflow_id: 'release.yaml',
      ref: head.ref,
      inputs: { sha: head.sha },
    });
    // Her run stays queued (e.g. waiting for a deployment review or a busy concurrency group).
    expect((await approve(release)).outputs.phase).toBe('releasing');
    clock += 61 * 60_000;
    const timedOut = await sweep();
    expect(timedOut.pullRequests[0]?.result.snapshot.phase).toBe('failed');
    // A fresh approval asks for a new release: the guard should start one, not take the stuck run again.
    const again = await approve(release, 'releaser');
    expect(again.outputs.phase).toBe('releasing');
    const byGuard = guardRuns().filter((r) => r.actor.login === 'github-actions[bot]');
    expect(byGuard).toHaveLength(2);
    const newest = byGuard.at(-1);
    expect(again.pullRequests[0]?.result.snapshot.release.runId).toBe(`${newest?.id}.1`);
  });
});

describe('check-run mode', () => {
  it('a release check run forged with the same app (any workflow job token) is set back by the next sweep', async () => {
    const { control, full, repo, head, openRelease, sweep, client } = setup({ 'status-kind': 'check-run' });
    await openRelease();
    // Any workflow's GITHUB_TOKEN is github-actions[bot]: a job of mallory's on her branch, with checks: write.
    control.addToken('mallory-workflow', 'github-actions[bot]');
    await client('mallory-workflow').rest.checks.create({
      owner: repo.owner,
      repo: repo.name,
      name: 'release',
      head_sha: head.sha,
      conclusion: 'success',
      output: { title: 'release not required', summary: 'ok' },
    });
    const swept = await sweep();
    const runs = control.checkRuns(full, head.sha).filter((r) => r.name === 'release');
    const latest = runs.reduce((a, b) => (a.id > b.id ? a : b));
    expect(latest.status).not.toBe('completed');
    // Every job's GITHUB_TOKEN is the same app: the forged run cannot be told from the guard's own, so it is
    // set back without an alert (SECURITY.md: check-run mode wants a dedicated GitHub App).
    expect(swept.failures).toEqual([]);
  });
});
