import { describe, expect, it } from 'vitest';
import { freshRepo, SHA, useGitHub } from './support/github.js';

const { github, octokit } = useGitHub();

describe('commit statuses', () => {
  it('are append-only; the combined status takes the latest per context', async () => {
    const { owner, repo } = freshRepo(github());
    const api = octokit();
    await api.rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'pending', context: 'release' });
    await api.rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'success', context: 'build' });
    let combined = await api.rest.repos.getCombinedStatusForRef({ owner, repo, ref: SHA.a });
    expect(combined.data.state).toBe('pending');
    await api.rest.repos.createCommitStatus({
      owner,
      repo,
      sha: SHA.a,
      state: 'success',
      context: 'release',
      description: 'Released',
    });
    combined = await api.rest.repos.getCombinedStatusForRef({ owner, repo, ref: SHA.a });
    expect(combined.data.state).toBe('success');
    expect(combined.data.total_count).toBe(2);
    const all = await api.rest.repos.listCommitStatusesForRef({ owner, repo, ref: SHA.a });
    expect(all.data.map((s) => [s.context, s.state])).toEqual([
      ['release', 'success'],
      ['build', 'success'],
      ['release', 'pending'],
    ]);
  });

  it('failure or error beats pending, which beats success; no status is pending', async () => {
    const { owner, repo } = freshRepo(github());
    const api = octokit();
    expect((await api.rest.repos.getCombinedStatusForRef({ owner, repo, ref: SHA.b })).data.state).toBe('pending');
    await api.rest.repos.createCommitStatus({ owner, repo, sha: SHA.b, state: 'pending', context: 'a' });
    await api.rest.repos.createCommitStatus({ owner, repo, sha: SHA.b, state: 'error', context: 'b' });
    expect((await api.rest.repos.getCombinedStatusForRef({ owner, repo, ref: SHA.b })).data.state).toBe('failure');
  });

  it('paginates with a Link header', async () => {
    const { owner, repo } = freshRepo(github());
    const api = octokit();
    for (let i = 0; i < 3; i++)
      await api.rest.repos.createCommitStatus({ owner, repo, sha: SHA.c, state: 'pending', context: `c${i}` });
    const first = await api.rest.repos.listCommitStatusesForRef({ owner, repo, ref: SHA.c, per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toContain('rel="next"');
    const all = await api.paginate(api.rest.repos.listCommitStatusesForRef, { owner, repo, ref: SHA.c, per_page: 2 });
    expect(all).toHaveLength(3);
  });
});

describe('check runs', () => {
  it('are created, updated by their app only, and listed latest per name', async () => {
    const { owner, repo } = freshRepo(github());
    github().control.addToken('app-token', 'release-guard[bot]');
    github().control.addToken('other-app', 'other[bot]');
    const app = octokit('app-token');
    const run = await app.rest.checks.create({ owner, repo, name: 'release', head_sha: SHA.a, status: 'in_progress' });
    expect(run.data.app?.slug).toBe('release-guard');
    await expect(
      octokit('other-app').rest.checks.update({ owner, repo, check_run_id: run.data.id, conclusion: 'success' }),
    ).rejects.toMatchObject({ status: 403 });
    const done = await app.rest.checks.update({
      owner,
      repo,
      check_run_id: run.data.id,
      conclusion: 'success',
      output: { title: 'Released', summary: 'ok' },
    });
    expect(done.data).toMatchObject({ status: 'completed', conclusion: 'success' });
    await app.rest.checks.create({ owner, repo, name: 'release', head_sha: SHA.a, status: 'queued' });
    const listed = await app.rest.checks.listForRef({ owner, repo, ref: SHA.a });
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.check_runs[0]?.status).toBe('queued');
    await expect(
      app.rest.checks.update({ owner, repo, check_run_id: 999999, conclusion: 'success' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('are listed a page at a time, the next pages keeping the name and filter', async () => {
    const { owner, repo } = freshRepo(github());
    github().control.addToken('app-token', 'release-guard[bot]');
    const app = octokit('app-token');
    for (const name of ['release', 'build', 'release', 'release'])
      await app.rest.checks.create({ owner, repo, name, head_sha: SHA.a, status: 'queued' });
    const query = { owner, repo, ref: SHA.a, check_name: 'release', filter: 'all' as const, per_page: 2 };
    const first = await app.rest.checks.listForRef(query);
    expect(first.data).toMatchObject({ total_count: 3, check_runs: [{ name: 'release' }, { name: 'release' }] });
    expect(first.headers.link).toContain('rel="next"');
    const all = await app.paginate(app.rest.checks.listForRef, query);
    expect(all.map((r) => r.name)).toEqual(['release', 'release', 'release']);
  });
});

describe('pull requests and merging', () => {
  it('get and list, including a fork', async () => {
    const { owner, repo, full } = freshRepo(github());
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const f = github().control.openPullRequest(full, {
      head: { ref: 'releases/v2', sha: SHA.b, repo: 'mallory/fork' },
    });
    const api = octokit();
    const pr = await api.rest.pulls.get({ owner, repo, pull_number: n });
    expect(pr.data).toMatchObject({
      number: n,
      state: 'open',
      merged: false,
      head: { ref: 'releases/v1', sha: SHA.a },
    });
    const fork = await api.rest.pulls.get({ owner, repo, pull_number: f });
    expect(fork.data.head.repo?.full_name).toBe('mallory/fork');
    expect(fork.data.head.repo?.fork).toBe(true);
    const list = await api.rest.pulls.list({ owner, repo });
    expect(list.data.map((p) => p.number)).toEqual([f, n]);
    await expect(api.rest.pulls.get({ owner, repo, pull_number: 99 })).rejects.toMatchObject({ status: 404 });
  });

  it('merges with compare-and-swap on the head SHA: 409 when it moved', async () => {
    const { owner, repo, full } = freshRepo(github());
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    github().control.pushHead(full, n, SHA.b);
    const api = octokit();
    await expect(api.rest.pulls.merge({ owner, repo, pull_number: n, sha: SHA.a })).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('Head branch was modified'),
    });
    const merged = await api.rest.pulls.merge({ owner, repo, pull_number: n, sha: SHA.b });
    expect(merged.data).toMatchObject({ merged: true });
    const pr = await api.rest.pulls.get({ owner, repo, pull_number: n });
    expect(pr.data).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: merged.data.sha,
      merged_by: { login: 'github-actions[bot]' },
    });
  });

  it('405 when required checks or reviews are not satisfied, already merged, or closed; 403 without write', async () => {
    const { owner, repo, full } = freshRepo(github(), { alice: 'write', reader: 'read' });
    github().control.protectBranch(full, 'main', { requiredContexts: ['release'], requiredApprovals: 1 });
    github().control.addToken('alice', 'alice');
    github().control.addToken('reader', 'reader');
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const api = octokit();
    await expect(api.rest.pulls.merge({ owner, repo, pull_number: n })).rejects.toMatchObject({
      status: 405,
      message: expect.stringContaining('"release" is expected'),
    });
    await api.rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'success', context: 'release' });
    await expect(api.rest.pulls.merge({ owner, repo, pull_number: n })).rejects.toMatchObject({
      status: 405,
      message: expect.stringContaining('approving review'),
    });
    await octokit('alice').rest.pulls.createReview({ owner, repo, pull_number: n, event: 'APPROVE' });
    await expect(octokit('reader').rest.pulls.merge({ owner, repo, pull_number: n })).rejects.toMatchObject({
      status: 403,
    });
    await api.rest.pulls.merge({ owner, repo, pull_number: n, sha: SHA.a });
    await expect(api.rest.pulls.merge({ owner, repo, pull_number: n })).rejects.toMatchObject({ status: 405 });
    const closed = github().control.openPullRequest(full, { head: { ref: 'releases/v2', sha: SHA.b } });
    github().control.closePullRequest(full, closed);
    await expect(api.rest.pulls.merge({ owner, repo, pull_number: closed })).rejects.toMatchObject({ status: 405 });
  });

  it('a required check pinned to an app accepts only that app’s check run', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.addToken('guard-app', 'release-guard[bot]');
    github().control.addToken('impostor', 'impostor[bot]');
    const guardApp = github().control.createRepository({ owner: 'apps', name: `guard-${full.replace('/', '-')}` });
    void guardApp;
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const impostor = await octokit('impostor').rest.checks.create({
      owner,
      repo,
      name: 'release',
      head_sha: SHA.a,
      conclusion: 'success',
    });
    const guard = await octokit('guard-app').rest.checks.create({
      owner,
      repo,
      name: 'other',
      head_sha: SHA.c,
      conclusion: 'neutral',
    });
    github().control.protectBranch(full, 'main', {
      requiredContexts: ['release'],
      requiredChecks: [{ context: 'release', appId: guard.data.app?.id ?? 0 }],
    });
    expect(impostor.data.app?.id).not.toBe(guard.data.app?.id);
    await octokit().rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'success', context: 'release' });
    await expect(octokit().rest.pulls.merge({ owner, repo, pull_number: n })).rejects.toMatchObject({ status: 405 });
    await octokit('guard-app').rest.checks.create({
      owner,
      repo,
      name: 'release',
      head_sha: SHA.a,
      conclusion: 'success',
    });
    // Another app's newer, failing check run of that name does not count either.
    await octokit('impostor').rest.checks.create({
      owner,
      repo,
      name: 'release',
      head_sha: SHA.a,
      conclusion: 'failure',
    });
    await expect(octokit().rest.pulls.merge({ owner, repo, pull_number: n })).resolves.toMatchObject({ status: 200 });
  });
});

describe('reviews, comments, labels, collaborators', () => {
  it('reviews: approve, request changes, list, dismiss; no self-approval', async () => {
    const { owner, repo, full } = freshRepo(github(), { alice: 'write' });
    github().control.addToken('alice', 'alice');
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a }, user: 'bob' });
    const alice = octokit('alice');
    const review = await alice.rest.pulls.createReview({ owner, repo, pull_number: n, event: 'APPROVE' });
    expect(review.data).toMatchObject({ state: 'APPROVED', commit_id: SHA.a, user: { login: 'alice' } });
    await alice.rest.pulls.createReview({ owner, repo, pull_number: n, event: 'REQUEST_CHANGES', body: 'no' });
    const dismissed = await octokit().rest.pulls.dismissReview({
      owner,
      repo,
      pull_number: n,
      review_id: review.data.id,
      message: 'stale',
    });
    expect(dismissed.data.state).toBe('DISMISSED');
    const list = await octokit().rest.pulls.listReviews({ owner, repo, pull_number: n });
    expect(list.data.map((r) => r.state)).toEqual(['DISMISSED', 'CHANGES_REQUESTED']);
    github().control.addToken('bob', 'bob');
    await expect(
      octokit('bob').rest.pulls.createReview({ owner, repo, pull_number: n, event: 'APPROVE' }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it('comments: create, list, update; a body over 65,536 characters is refused', async () => {
    const { owner, repo, full } = freshRepo(github());
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const api = octokit();
    const created = await api.rest.issues.createComment({ owner, repo, issue_number: n, body: 'first' });
    await api.rest.issues.updateComment({ owner, repo, comment_id: created.data.id, body: 'edited' });
    const list = await api.rest.issues.listComments({ owner, repo, issue_number: n });
    expect(list.data.map((c) => c.body)).toEqual(['edited']);
    await expect(
      api.rest.issues.createComment({ owner, repo, issue_number: n, body: 'x'.repeat(65_537) }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(api.rest.issues.updateComment({ owner, repo, comment_id: 1, body: 'x' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('control.addComment makes the comment the API lists, by its user', async () => {
    const { owner, repo, full } = freshRepo(github());
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const id = github().control.addComment(full, n, { user: 'mallory', body: 'noise' });
    const list = await octokit().rest.issues.listComments({ owner, repo, issue_number: n });
    expect(list.data.map((c) => [c.id, c.user?.login, c.body])).toEqual([[id, 'mallory', 'noise']]);
    expect(() => github().control.addComment(full, n + 1, { user: 'mallory', body: 'x' })).toThrow(/no pull request/);
  });

  it('labels: add and remove', async () => {
    const { owner, repo, full } = freshRepo(github());
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const api = octokit();
    const added = await api.rest.issues.addLabels({ owner, repo, issue_number: n, labels: ['release', 'locked'] });
    expect(added.data.map((l) => l.name)).toEqual(['release', 'locked']);
    const removed = await api.rest.issues.removeLabel({ owner, repo, issue_number: n, name: 'locked' });
    expect(removed.data.map((l) => l.name)).toEqual(['release']);
    await expect(api.rest.issues.removeLabel({ owner, repo, issue_number: n, name: 'nope' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('collaborator permission levels', async () => {
    const { owner, repo } = freshRepo(github(), { alice: 'write', reader: 'read' });
    const api = octokit();
    expect(
      (await api.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: 'alice' })).data.permission,
    ).toBe('write');
    expect(
      (await api.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: 'reader' })).data.permission,
    ).toBe('read');
    expect(
      (await api.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: 'weaveworks' })).data.permission,
    ).toBe('admin');
    await expect(
      api.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: 'nobody-at-all' }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe('every response', () => {
  it('carries rate-limit headers and a request id; no token is 401', async () => {
    const { owner, repo } = freshRepo(github());
    const response = await octokit().rest.repos.getCombinedStatusForRef({ owner, repo, ref: SHA.a });
    expect(response.headers['x-ratelimit-limit']).toBe('5000');
    expect(Number(response.headers['x-ratelimit-remaining'])).toBeLessThan(5000);
    expect(response.headers['x-github-request-id']).toMatch(/^RG-\d+$/);
    const anonymous = await fetch(`${github().url}/repos/${owner}/${repo}/pulls`);
    expect(anonymous.status).toBe(401);
    const limits = await octokit().rest.rateLimit.get();
    expect(limits.data.resources.core.limit).toBe(5000);
  });
});

describe('teams', () => {
  it('membership of a user in an organisation team, or 404', async () => {
    github().control.addTeamMember('weaveworks', 'releasers', 'alice', 'maintainer');
    const api = octokit();
    const found = await api.rest.teams.getMembershipForUserInOrg({
      org: 'weaveworks',
      team_slug: 'releasers',
      username: 'alice',
    });
    expect(found.data).toMatchObject({ role: 'maintainer', state: 'active' });
    await expect(
      api.rest.teams.getMembershipForUserInOrg({ org: 'weaveworks', team_slug: 'releasers', username: 'bob' }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe('branches', () => {
  it('lists the branches whose head is a commit: pull request heads of this repository, pushes; a fork’s are the fork’s', async () => {
    const { owner, repo, full } = freshRepo(github());
    const control = github().control;
    const number = control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const fromFork = control.openPullRequest(full, {
      head: { ref: 'releases/v1', sha: SHA.a, repo: `mallory/${repo}` },
    });
    control.pushBranch(full, 'feature', SHA.a);
    control.pushBranch(full, 'other', SHA.b);
    const names = async (sha: string) =>
      (await octokit().rest.repos.listBranchesForHeadCommit({ owner, repo, commit_sha: sha })).data.map((b) => b.name);
    expect(await names(SHA.a)).toEqual(['feature', 'releases/v1']);
    control.pushHead(full, number, SHA.c);
    control.closePullRequest(full, number);
    expect(await names(SHA.a)).toEqual(['feature']);
    expect(await names(SHA.c)).toEqual(['releases/v1']);
    control.deleteBranch(full, 'releases/v1');
    expect(await names(SHA.c)).toEqual([]);
    // A fork's head branch is the fork's, and moves with a push to it.
    control.pushHead(full, fromFork, SHA.b);
    const forkNames = async (sha: string) =>
      (await octokit().rest.repos.listBranchesForHeadCommit({ owner: 'mallory', repo, commit_sha: sha })).data.map(
        (b) => b.name,
      );
    expect(await forkNames(SHA.b)).toEqual(['releases/v1']);
    expect(await names(SHA.b)).toEqual(['other']);
  });
});
