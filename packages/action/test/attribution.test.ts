import { pullRequestEvent } from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import { approvalEvent, RELEASE_WORKFLOW, releaseRunEvent, useEmulators } from './support/emulators.js';
import { guardedRepository } from './support/guarded-repository.js';

/**
 * Facts the guard can trust: each attack of the attribution review, through the action's code path
 * against the emulators. Statuses and check runs belong to a commit, anyone with write access can make
 * the release workflow run for any SHA, lists come back 100 at a time, and GraphQL spells bots bare.
 */
const emulators = useEmulators();
function setup(inputs: Record<string, string> = {}) {
  return guardedRepository(emulators, { prefix: 'attribution', inputs });
}

describe('1. a SHA shared with another pull request', () => {
  it('a non-release pull request with the release head writes no verdict on it, and says so', async () => {
    const { control, full, repo, head, act, openRelease, status, humanMerge } = setup();
    const release = await openRelease();
    expect(status()).toMatchObject({ state: 'pending' });
    const other = control.openPullRequest(full, { head: { ref: 'feature/copy', sha: head.sha }, user: 'mallory' });
    const result = await act(
      pullRequestEvent('opened', { repo, number: other, head: { ref: 'feature/copy', sha: head.sha } }),
    );
    expect(result.outputs.phase).toBe('skipped');
    expect(status()).toMatchObject({ state: 'pending' });
    expect(control.statuses(full, head.sha, 'release').some((s) => s.state === 'success')).toBe(false);
    expect(await humanMerge(release)).toBe(405);
    const [note] = control.comments(full, other);
    expect(note?.body).toContain(`the head of release pull request #${release}`);
    await act(pullRequestEvent('opened', { repo, number: other, head: { ref: 'feature/copy', sha: head.sha } }));
    expect(control.comments(full, other)).toHaveLength(1);
  });

  it('in check-run mode too, the guard’s own check run on the release head is not turned green for another pull request', async () => {
    const { control, full, repo, head, act, openRelease } = setup({ 'status-kind': 'check-run' });
    await openRelease();
    const other = control.openPullRequest(full, { head: { ref: 'feature/copy', sha: head.sha }, user: 'mallory' });
    await act(pullRequestEvent('opened', { repo, number: other, head: { ref: 'feature/copy', sha: head.sha } }));
    const runs = control.checkRuns(full, head.sha).filter((r) => r.name === 'release');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'in_progress', conclusion: null });
  });

  it('a fork pull request on releases/* with the release head cannot turn the release red (pull_request_target)', async () => {
    const { control, full, repo, head, act, openRelease } = setup();
    await openRelease();
    const fork = control.openPullRequest(full, { head: { ...head, repo: 'mallory/attribution' }, user: 'mallory' });
    const forkHead = { ...head, repo: { owner: 'mallory', name: 'attribution' } };
    const event = pullRequestEvent('opened', { repo, number: fork, head: forkHead });
    const result = await act(event, 'pull_request_target');
    expect(result.outputs.phase).toBe('skipped');
    expect(control.statuses(full, head.sha, 'release').map((s) => s.state)).toEqual(['pending']);
  });

  it('a status written by someone else on a live release head is set back by the next sweep, and alerted', async () => {
    const { repo, head, openRelease, sweep, status, humanMerge, client } = setup();
    const release = await openRelease();
    await client('mallory-token').rest.repos.createCommitStatus({
      owner: repo.owner,
      repo: repo.name,
      sha: head.sha,
      state: 'success',
      context: 'release',
      description: 'release not required',
    });
    const swept = await sweep();
    expect(status()).toMatchObject({ state: 'pending', creator: { login: 'github-actions[bot]' } });
    expect(swept.failures.join('\n')).toMatch(/set to success by mallory, not by the guard/);
    expect(await humanMerge(release)).toBe(405);
  });

  it('a merge that slipped in while a foreign success stood is recorded and alerted as a bypass', async () => {
    const { repo, head, openRelease, sweep, humanMerge, client, control, full } = setup();
    const release = await openRelease();
    await client('mallory-token').rest.repos.createCommitStatus({
      owner: repo.owner,
      repo: repo.name,
      sha: head.sha,
      state: 'success',
      context: 'release',
    });
    expect(await humanMerge(release)).toBe(200);
    const swept = await sweep();
    expect(swept.failures.join('\n')).toMatch(/BYPASSED|bypass/i);
    expect(control.pullRequest(full, release).merged).toBe(true);
  });
});

describe('2. a run of the release workflow the guard did not start', () => {
  it('a successful run triggered from another branch never unlocks or merges, through deliveries, reviews or sweeps', async () => {
    const { control, full, repo, head, act, openRelease, approve, sweep, status, guardRuns } = setup();
    const release = await openRelease();
    const foreign = control.startRun(full, {
      workflow: RELEASE_WORKFLOW,
      headSha: head.sha,
      headBranch: 'mallory/ci-tweak',
      event: 'pull_request',
      actor: 'mallory',
      title: `release-guard ${head.sha}`,
    });
    control.updateRun(full, foreign.id, { status: 'completed', conclusion: 'success' });
    const delivered = await act(
      releaseRunEvent(
        repo,
        { id: foreign.id, headSha: head.sha, headBranch: 'mallory/ci-tweak', event: 'pull_request' },
        'success',
      ),
    );
    expect(delivered.failures.join('\n')).toMatch(/did not start succeeded: it is not the release/);

    const approved = await approve(release);
    expect(approved.outputs.phase).toBe('releasing');
    expect(guardRuns()).toHaveLength(1);
    expect((await sweep()).pullRequests[0]?.result.snapshot.phase).toBe('releasing');
    expect(status()).toMatchObject({ state: 'pending' });
    expect(control.pullRequest(full, release).merged).toBe(false);

    const [real] = guardRuns();
    control.updateRun(full, real?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const done = await act(
      releaseRunEvent(repo, { id: real?.id ?? 0, headSha: head.sha, headBranch: head.ref }, 'success'),
    );
    expect(done.outputs.phase).toBe('merged');
  });

  it('a run dispatched by hand on the release branch, named with the marker, is not the release: its success is alerted', async () => {
    const { control, full, repo, head, act, openRelease, approve, client, guardRuns } = setup();
    const release = await openRelease();
    await approve(release);
    await client('mallory-token').request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      owner: repo.owner,
      repo: repo.name,
      workflow_id: 'release.yaml',
      ref: head.ref,
      inputs: { sha: head.sha, version: 'v1.0.0' },
    });
    const byHand = guardRuns().find((r) => r.actor.login === 'mallory');
    expect(byHand?.displayTitle).toBe(`release-guard ${head.sha} v1.0.0`);
    control.updateRun(full, byHand?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const result = await act(
      releaseRunEvent(
        repo,
        { id: byHand?.id ?? 0, headSha: head.sha, headBranch: head.ref, actor: 'mallory' },
        'success',
      ),
    );
    expect(result.failures.join('\n')).toMatch(/started by mallory, not by the guard: its success releases nothing/);
    expect(result.outputs.phase).toBe('releasing');
    expect(control.pullRequest(full, release).merged).toBe(false);
  });

  it('a run on the release branch that is not a dispatch (a push trigger) is not the release either', async () => {
    const { control, full, repo, head, act, openRelease, approve } = setup();
    const release = await openRelease();
    await approve(release);
    const pushRun = control.startRun(full, {
      workflow: RELEASE_WORKFLOW,
      headSha: head.sha,
      headBranch: head.ref,
      event: 'push',
      title: `release-guard ${head.sha}`,
    });
    control.updateRun(full, pushRun.id, { status: 'completed', conclusion: 'success' });
    const result = await act(
      releaseRunEvent(repo, { id: pushRun.id, headSha: head.sha, headBranch: head.ref, event: 'push' }, 'success'),
    );
    expect(result.pullRequests).toEqual([]);
    expect(control.pullRequest(full, release).merged).toBe(false);
  });
});

describe('2. in the calling run: only the run the guard recorded reports the release', () => {
  it('another workflow calling release-succeeded for the pull request unlocks nothing', async () => {
    const { control, full, repo, head, act, status } = setup({ 'release-workflow': '' });
    const number = control.openPullRequest(full, { head });
    const opened = pullRequestEvent('opened', { repo, number, head });
    await act(opened);
    const id = control.submitReview(full, number, { user: 'maintainer', state: 'APPROVED' });
    const guardRun = { id: 500, attempt: 1 };
    const approved = await act(approvalEvent(repo, number, head, id, 'maintainer'), undefined, { run: guardRun });
    expect(approved.outputs).toMatchObject({ release: 'true', phase: 'releasing' });

    const forged = await act(opened, 'pull_request', { run: { id: 666, attempt: 1 } }, 'release-succeeded');
    expect(forged.failures.join('\n')).toMatch(/run 666\.1 reported release-succeeded .* is run 500\.1: ignored/);
    expect(forged.outputs.phase).toBe('releasing');
    expect(status()).toMatchObject({ state: 'pending' });
    expect(control.pullRequest(full, number).merged).toBe(false);

    const done = await act(opened, 'pull_request', { run: { id: 500, attempt: 2 } }, 'release-succeeded');
    expect(done.failures).toEqual([]);
    expect(done.outputs.phase).toBe('merged');
  });
});

describe('3. the releasers are pinned', () => {
  it('a releaser who un-assigns themself still cannot approve their own release', async () => {
    const { control, full, openRelease, approve, guardRuns } = setup({ 'forbid-self-approval': 'true' });
    const release = await openRelease({ user: 'github-actions[bot]', assignees: ['releaser'] });
    control.setAssignees(full, release, []);
    expect((await approve(release, 'releaser')).outputs.phase).toBe('prepared');
    expect(guardRuns()).toEqual([]);
    expect((await approve(release, 'maintainer')).outputs.phase).toBe('releasing');
  });
  it('a releaser un-assigned before the guard first saw the pull request still cannot approve it', async () => {
    const { control, full, repo, head, act, approve, guardRuns } = setup({ 'forbid-self-approval': 'true' });
    const release = control.openPullRequest(full, { head, user: 'github-actions[bot]', assignees: ['releaser'] });
    control.setAssignees(full, release, []);
    await act(pullRequestEvent('opened', { repo, number: release, head }));
    expect((await approve(release, 'releaser')).outputs.phase).toBe('prepared');
    expect(guardRuns()).toEqual([]);
  });

  it('a releaser who un-assigns themself and deletes the record still cannot approve their own release', async () => {
    const { control, full, openRelease, approve, guardRuns } = setup({ 'forbid-self-approval': 'true' });
    const release = await openRelease({ user: 'github-actions[bot]', assignees: ['releaser'] });
    control.setAssignees(full, release, []);
    const record = control.comments(full, release).find((c) => c.body.startsWith('<!-- release-guard:timeline'));
    control.deleteComment(full, record?.id ?? 0);
    expect((await approve(release, 'releaser')).outputs.phase).toBe('prepared');
    expect(guardRuns()).toEqual([]);
  });
});

describe('4. lists that come back 100 at a time', () => {
  it('100 comment-only reviews after the approval do not withdraw it', async () => {
    const { control, full, repo, head, act, openRelease, approve, guardRuns } = setup();
    const release = await openRelease();
    await approve(release);
    for (let i = 0; i < 101; i++) control.submitReview(full, release, { user: 'reader', state: 'COMMENTED' });
    const [own] = guardRuns();
    control.updateRun(full, own?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const done = await act(
      releaseRunEvent(repo, { id: own?.id ?? 0, headSha: head.sha, headBranch: head.ref }, 'success'),
    );
    expect(done.outputs.phase).toBe('merged');
  });

  it('100 comments after the record do not hide it: a redelivered approval starts no second release', async () => {
    const { control, full, repo, head, act, openRelease, client } = setup();
    const release = await openRelease();
    const id = control.submitReview(full, release, { user: 'maintainer', state: 'APPROVED' });
    await act(approvalEvent(repo, release, head, id, 'maintainer'));
    for (let i = 0; i < 101; i++) {
      await client('mallory-token').rest.issues.createComment({
        owner: repo.owner,
        repo: repo.name,
        issue_number: release,
        body: `noise ${i}`,
      });
    }
    const again = await act(approvalEvent(repo, release, head, id, 'maintainer'));
    expect(again.outputs.phase).toBe('releasing');
    expect(control.runs(full)).toHaveLength(1);
    const records = control.comments(full, release).filter((c) => c.body.startsWith('<!-- release-guard:timeline'));
    expect(records).toHaveLength(1);
  });

  for (const loss of ['edited', 'deleted'] as const) {
    it(`a record ${loss} by someone else never causes a second release: the released run is read first`, async () => {
      const { control, full, openRelease, approve, guardRuns } = setup();
      const release = await openRelease();
      await approve(release);
      const [own] = guardRuns();
      control.updateRun(full, own?.id ?? 0, { status: 'completed', conclusion: 'success' });
      const record = control.comments(full, release).find((c) => c.body.startsWith('<!-- release-guard:timeline'));
      if (loss === 'edited') control.editComment(full, record?.id ?? 0, 'nothing to see', 'mallory');
      else control.deleteComment(full, record?.id ?? 0);
      const result = await approve(release, 'releaser');
      expect(guardRuns()).toHaveLength(1);
      expect(result.outputs.phase).toBe('merged');
    });
  }
});

describe('7. bot identities as GitHub spells them', () => {
  it('the guard finds its own record although GraphQL names its author without [bot]: a redelivery starts nothing', async () => {
    const { control, full, repo, head, act, openRelease } = setup();
    const release = await openRelease();
    const id = control.submitReview(full, release, { user: 'maintainer', state: 'APPROVED' });
    const delivery = approvalEvent(repo, release, head, id, 'maintainer');
    await act(delivery);
    const again = await act(delivery);
    expect(again.pullRequests[0]?.result.storedSnapshotProblem).toBeUndefined();
    expect(again.pullRequests[0]?.result.effects).toEqual([]);
    expect(control.runs(full)).toHaveLength(1);
    expect(
      control.comments(full, release).filter((c) => c.body.startsWith('<!-- release-guard:timeline')),
    ).toHaveLength(1);
  });
});
