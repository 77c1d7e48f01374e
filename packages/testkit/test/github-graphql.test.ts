import { graphql } from '@octokit/graphql';
import { describe, expect, it } from 'vitest';
import { ContractViolation } from '../src/github/index.js';
import { freshRepo, SHA, useGitHub } from './github-helpers.js';

const { github, octokit } = useGitHub();
const client = (token = 'release-bot-token') =>
  graphql.defaults({ baseUrl: github().url, headers: { authorization: `token ${token}` } });

/** Everything a release guard reads about a pull request, in one query. */
const OBSERVE = `
  query observe($owner: String!, $name: String!, $number: Int!) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: $number) {
        id state merged mergedAt mergedBy { login } mergeCommit { oid }
        headRefName headRefOid baseRefName isCrossRepository headRepository { nameWithOwner }
        reviews(last: 100) { nodes { databaseId state submittedAt author { login } authorCanPushToRepository commit { oid } } }
        commits(last: 1) { nodes { commit { oid statusCheckRollup { state contexts(first: 100) { nodes {
          __typename
          ... on StatusContext { context state description creator { login } }
          ... on CheckRun { name status conclusion checkSuite { app { databaseId slug } } }
        } } } } } }
        comments(last: 100) { nodes { databaseId body author { login } } }
      }
    }
  }`;

interface Observed {
  repository: {
    pullRequest: {
      id: string;
      state: string;
      merged: boolean;
      headRefOid: string;
      isCrossRepository: boolean;
      headRepository: { nameWithOwner: string };
      reviews: {
        nodes: {
          databaseId: number;
          state: string;
          authorCanPushToRepository: boolean;
          author: { login: string };
          commit: { oid: string };
        }[];
      };
      commits: {
        nodes: {
          commit: { statusCheckRollup: { state: string; contexts: { nodes: Record<string, unknown>[] } } | null };
        }[];
      };
      comments: { nodes: { body: string }[] };
    };
  };
}

describe('GraphQL on GitHub’s schema, sharing the REST state', () => {
  it('one query observes state, head, reviews with author permission, the status rollup and comments', async () => {
    const { owner, repo, full } = freshRepo(github(), { alice: 'write', reader: 'read' });
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    github().control.submitReview(full, n, { user: 'alice', state: 'APPROVED' });
    github().control.submitReview(full, n, { user: 'reader', state: 'APPROVED' });
    const api = octokit();
    await api.rest.repos.createCommitStatus({
      owner,
      repo,
      sha: SHA.a,
      state: 'pending',
      context: 'release',
      description: 'Locked',
    });
    await api.rest.checks.create({ owner, repo, name: 'build', head_sha: SHA.a, conclusion: 'success' });
    await api.rest.issues.createComment({ owner, repo, issue_number: n, body: '<!-- release-guard -->' });
    const data = await client()<Observed>(OBSERVE, { owner, name: repo, number: n });
    const pr = data.repository.pullRequest;
    expect(pr).toMatchObject({ state: 'OPEN', merged: false, headRefOid: SHA.a, isCrossRepository: false });
    expect(pr.reviews.nodes.map((r) => [r.author.login, r.state, r.authorCanPushToRepository, r.commit.oid])).toEqual([
      ['alice', 'APPROVED', true, SHA.a],
      ['reader', 'APPROVED', false, SHA.a],
    ]);
    const rollup = pr.commits.nodes[0]?.commit.statusCheckRollup;
    expect(rollup?.state).toBe('PENDING');
    expect(rollup?.contexts.nodes).toEqual([
      {
        __typename: 'StatusContext',
        context: 'release',
        state: 'PENDING',
        description: 'Locked',
        creator: { login: 'github-actions[bot]' },
      },
      {
        __typename: 'CheckRun',
        name: 'build',
        status: 'COMPLETED',
        conclusion: 'SUCCESS',
        checkSuite: { app: { databaseId: expect.any(Number), slug: 'github-actions' } },
      },
    ]);
    expect(pr.comments.nodes.map((c) => c.body)).toEqual(['<!-- release-guard -->']);
    expect(
      github()
        .control.requests(full)
        .filter((r) => r.operation.startsWith('graphql')),
    ).toHaveLength(1);
  });

  it('a fork pull request shows its head repository', async () => {
    const { repo, full } = freshRepo(github());
    const n = github().control.openPullRequest(full, {
      head: { ref: 'releases/v9', sha: SHA.b, repo: 'mallory/weave-gitops' },
    });
    const data = await client()<Observed>(OBSERVE, { owner: 'weaveworks', name: repo, number: n });
    expect(data.repository.pullRequest).toMatchObject({
      isCrossRepository: true,
      headRepository: { nameWithOwner: 'mallory/weave-gitops' },
    });
  });

  it('a document that breaks the schema is refused and recorded, naming the field', async () => {
    const { repo } = freshRepo(github());
    await expect(
      client()(`{ repository(owner: "weaveworks", name: "${repo}") { pullRequest(number: 1) { headSha } } }`),
    ).rejects.toThrow(/Cannot query field "headSha" on type "PullRequest"/);
    const [violation] = github().control.violations.splice(0);
    expect(violation).toBeInstanceOf(ContractViolation);
    expect(violation?.message).toContain('headSha');
  });

  it('a document sent again is checked again: a refused one stays refused, a valid one stays served', async () => {
    const { repo } = freshRepo(github());
    const bad = `{ repository(owner: "weaveworks", name: "${repo}") { pullRequest(number: 1) { headSha } } }`;
    const good = `{ repository(owner: "weaveworks", name: "${repo}") { nameWithOwner } }`;
    for (let i = 0; i < 2; i++) {
      await expect(client()(bad)).rejects.toThrow(/Cannot query field "headSha"/);
      await expect(client()(good)).resolves.toEqual({ repository: { nameWithOwner: `weaveworks/${repo}` } });
    }
    expect(github().control.violations.splice(0)).toHaveLength(2);
  });

  it('mergePullRequest compares and swaps on expectedHeadOid', async () => {
    const { owner, repo, full } = freshRepo(github());
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const { repository } = await client()<Observed>(OBSERVE, { owner, name: repo, number: n });
    const merge = `mutation($id: ID!, $oid: GitObjectID!) { mergePullRequest(input: { pullRequestId: $id, expectedHeadOid: $oid }) { pullRequest { merged mergeCommit { oid } } } }`;
    await expect(client()(merge, { id: repository.pullRequest.id, oid: SHA.b })).rejects.toThrow(
      /Head branch was modified/,
    );
    expect(github().control.pullRequest(full, n).merged).toBe(false);
    const done = await client()<{ mergePullRequest: { pullRequest: { merged: boolean } } }>(merge, {
      id: repository.pullRequest.id,
      oid: SHA.a,
    });
    expect(done.mergePullRequest.pullRequest.merged).toBe(true);
    const rest = await octokit().rest.pulls.get({ owner, repo, pull_number: n });
    expect(rest.data.merged).toBe(true);
  });

  it('auto-merge waits for protection, then merges the head it was enabled for', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.protectBranch(full, 'main', { requiredContexts: ['build', 'release'] });
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const { repository } = await client()<Observed>(OBSERVE, { owner, name: repo, number: n });
    const enable = `mutation($id: ID!, $oid: GitObjectID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, expectedHeadOid: $oid, mergeMethod: MERGE }) { pullRequest { autoMergeRequest { mergeMethod } } } }`;
    await expect(client()(enable, { id: repository.pullRequest.id, oid: SHA.b })).rejects.toThrow(/did not match/);
    await client()(enable, { id: repository.pullRequest.id, oid: SHA.a });
    const api = octokit();
    await api.rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'success', context: 'release' });
    expect(github().control.pullRequest(full, n).merged).toBe(false);
    await api.rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'success', context: 'build' });
    expect(github().control.pullRequest(full, n).merged).toBe(true);
  });

  it('auto-merge is refused on a pull request that is already clean, and dropped on a push', async () => {
    const { owner, repo, full } = freshRepo(github());
    const clean = github().control.openPullRequest(full, { head: { ref: 'a', sha: SHA.a } });
    const data = await client()<Observed>(OBSERVE, { owner, name: repo, number: clean });
    const enable = `mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id }) { clientMutationId } }`;
    await expect(client()(enable, { id: data.repository.pullRequest.id })).rejects.toThrow(/clean status/);
    github().control.protectBranch(full, 'main', { requiredContexts: ['release'] });
    await client()(enable, { id: data.repository.pullRequest.id });
    github().control.pushHead(full, clean, SHA.b);
    await octokit().rest.repos.createCommitStatus({ owner, repo, sha: SHA.b, state: 'success', context: 'release' });
    expect(github().control.pullRequest(full, clean).merged).toBe(false);
  });
});
