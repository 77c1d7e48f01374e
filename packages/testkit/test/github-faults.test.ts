import { describe, expect, it } from 'vitest';
import { freshRepo, SHA, useGitHub } from './support/github.js';

const { github, octokit } = useGitHub();

describe('fault injection', () => {
  it('5xx on the Nth call only, scoped to one repository', async () => {
    const a = freshRepo(github());
    const b = freshRepo(github());
    github().control.inject({ repo: a.full, operation: 'pulls/list', nth: 2, kind: 'server-error', status: 503 });
    const api = octokit();
    await api.rest.pulls.list({ owner: a.owner, repo: a.repo });
    await api.rest.pulls.list({ owner: b.owner, repo: b.repo });
    await expect(api.rest.pulls.list({ owner: a.owner, repo: a.repo })).rejects.toMatchObject({ status: 503 });
    await expect(api.rest.pulls.list({ owner: a.owner, repo: a.repo })).resolves.toMatchObject({ status: 200 });
    expect(github().control.firedFaults.filter((f) => f.repo === a.full)).toHaveLength(1);
  });

  it('a secondary rate limit answers 403 with retry-after; the primary one 429 with remaining 0', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.inject({ repo: full, kind: 'secondary-rate-limit', retryAfter: 7 });
    const first = await octokit()
      .rest.pulls.list({ owner, repo })
      .catch((e: { status: number; response: { headers: Record<string, string> } }) => e);
    expect(first).toMatchObject({ status: 403, response: { headers: { 'retry-after': '7' } } });
    github().control.inject({ repo: full, kind: 'rate-limit', resetInSeconds: 30 });
    const second = await octokit()
      .rest.pulls.list({ owner, repo })
      .catch((e: { status: number; response: { headers: Record<string, string> } }) => e);
    expect(second).toMatchObject({ status: 429, response: { headers: { 'x-ratelimit-remaining': '0' } } });
  });

  it('latency delays the answer', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.inject({ repo: full, kind: 'latency', ms: 150 });
    const began = performance.now();
    await octokit().rest.pulls.list({ owner, repo });
    expect(performance.now() - began).toBeGreaterThanOrEqual(140);
  });

  it('a lost response: the status write happened, the client saw the connection drop', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.inject({ repo: full, operation: 'repos/create-commit-status', kind: 'lose-response' });
    await expect(
      octokit().rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'pending', context: 'release' }),
    ).rejects.toThrow();
    expect(
      github()
        .control.statuses(full, SHA.a)
        .map((s) => s.state),
    ).toEqual(['pending']);
  });

  it('a lost merge response: the pull request is merged although the client got no answer', async () => {
    const { owner, repo, full } = freshRepo(github());
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    github().control.inject({ repo: full, operation: 'pulls/merge', kind: 'lose-response' });
    await expect(octokit().rest.pulls.merge({ owner, repo, pull_number: n, sha: SHA.a })).rejects.toThrow();
    expect(github().control.pullRequest(full, n).merged).toBe(true);
    await expect(octokit().rest.pulls.merge({ owner, repo, pull_number: n, sha: SHA.a })).rejects.toMatchObject({
      status: 405,
    });
  });

  it('faults can hit GraphQL, by root field', async () => {
    const { repo, full } = freshRepo(github());
    github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    github().control.inject({ repo: full, operation: 'graphql:repository', kind: 'server-error' });
    const query = {
      query: `{ repository(owner: "weaveworks", name: "${repo}") { pullRequest(number: 1) { number } } }`,
    };
    const post = () =>
      fetch(`${github().url}/graphql`, {
        method: 'POST',
        headers: { authorization: 'token t' },
        body: JSON.stringify(query),
      });
    expect((await post()).status).toBe(502);
    expect((await post()).status).toBe(200);
  });
});
