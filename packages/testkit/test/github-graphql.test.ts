import { graphql } from '@octokit/graphql';
import { isAbstractType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ContractViolation, githubSchema } from '../src/github/index.js';
import { freshRepo, SHA, useGitHub } from './support/github.js';

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
        creator: { login: 'github-actions' },
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

  it('spells a bot as GitHub does: bare where it authored something, with [bot] as the viewer and in REST', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.addToken('bot-token', 'github-actions[bot]');
    github().control.addToken('alice-token', 'alice');
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const rest = await octokit('bot-token').rest.issues.createComment({ owner, repo, issue_number: n, body: 'hi' });
    expect(rest.data.user?.login).toBe('github-actions[bot]');
    const data = await client('bot-token')<{
      viewer: { login: string };
      repository: {
        pullRequest: {
          comments: { nodes: { author: { __typename: string; login: string }; viewerDidAuthor: boolean }[] };
        };
      };
    }>(
      `query($owner: String!, $name: String!, $number: Int!) { viewer { login }
        repository(owner: $owner, name: $name) { pullRequest(number: $number) {
          comments(first: 10) { nodes { author { __typename login } viewerDidAuthor } } } } }`,
      { owner, name: repo, number: n },
    );
    expect(data.viewer.login).toBe('github-actions[bot]');
    expect(data.repository.pullRequest.comments.nodes).toEqual([
      { author: { __typename: 'Bot', login: 'github-actions' }, viewerDidAuthor: true },
    ]);
    const other = await client('alice-token')<typeof data>(
      `query($owner: String!, $name: String!, $number: Int!) { viewer { login }
        repository(owner: $owner, name: $name) { pullRequest(number: $number) {
          comments(first: 10) { nodes { author { __typename login } viewerDidAuthor } } } } }`,
      { owner, name: repo, number: n },
    );
    expect(other.repository.pullRequest.comments.nodes[0]?.viewerDidAuthor).toBe(false);
  });

  it('pages connections 100 at a time with cursors, and refuses more than 100 a page', async () => {
    const { owner, repo, full } = freshRepo(github());
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    for (let i = 0; i < 150; i++) github().control.submitReview(full, n, { user: `user${i}`, state: 'COMMENTED' });
    type Page = {
      repository: {
        pullRequest: {
          reviews: {
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
            nodes: { author: { login: string } }[];
          };
        };
      };
    };
    const query = `query($owner: String!, $name: String!, $number: Int!, $after: String) {
      repository(owner: $owner, name: $name) { pullRequest(number: $number) {
        reviews(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { author { login } } } } } }`;
    // A null cursor is no cursor: clients send `after: null` for the first page.
    const first = await client()<Page>(query, { owner, name: repo, number: n, after: null });
    expect(first.repository.pullRequest.reviews.nodes).toHaveLength(100);
    expect(first.repository.pullRequest.reviews.pageInfo.hasNextPage).toBe(true);
    const second = await client()<Page>(query, {
      owner,
      name: repo,
      number: n,
      after: first.repository.pullRequest.reviews.pageInfo.endCursor,
    });
    expect(second.repository.pullRequest.reviews.nodes.map((r) => r.author.login)).toEqual(
      Array.from({ length: 50 }, (_, i) => `user${100 + i}`),
    );
    expect(second.repository.pullRequest.reviews.pageInfo.hasNextPage).toBe(false);
    await expect(
      client()(
        `query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) {
          pullRequest(number: $number) { reviews(last: 101) { nodes { state } } } } }`,
        { owner, name: repo, number: n },
      ),
    ).rejects.toThrow(/exceeds the `last` limit of 100 records/);
  });

  it('latestOpinionatedReviews holds the latest approval, change request or dismissal of each reviewer, whatever the comments', async () => {
    const { owner, repo, full } = freshRepo(github(), { alice: 'write', bob: 'write', reader: 'read' });
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    github().control.submitReview(full, n, { user: 'alice', state: 'APPROVED' });
    const dismissed = github().control.submitReview(full, n, { user: 'bob', state: 'APPROVED' });
    github().control.dismissReview(full, n, dismissed);
    github().control.submitReview(full, n, { user: 'reader', state: 'CHANGES_REQUESTED' });
    for (let i = 0; i < 120; i++) github().control.submitReview(full, n, { user: 'alice', state: 'COMMENTED' });
    const data = await client()<{
      repository: {
        pullRequest: { all: { nodes: { state: string; author: { login: string } }[] }; writers: { nodes: unknown[] } };
      };
    }>(
      `query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) {
        pullRequest(number: $number) {
          all: latestOpinionatedReviews(first: 100) { nodes { state author { login } } }
          writers: latestOpinionatedReviews(first: 100, writersOnly: true) { nodes { state } } } } }`,
      { owner, name: repo, number: n },
    );
    expect(data.repository.pullRequest.all.nodes.map((r) => [r.author.login, r.state])).toEqual([
      ['alice', 'APPROVED'],
      ['bob', 'DISMISSED'],
      ['reader', 'CHANGES_REQUESTED'],
    ]);
    expect(data.repository.pullRequest.writers.nodes).toHaveLength(2);
  });

  it('associatedPullRequests of a commit lists the open pull requests whose head it is', async () => {
    const { owner, repo, full } = freshRepo(github());
    const release = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const other = github().control.openPullRequest(full, { head: { ref: 'feature', sha: SHA.a } });
    const closed = github().control.openPullRequest(full, { head: { ref: 'old', sha: SHA.a } });
    github().control.closePullRequest(full, closed);
    github().control.openPullRequest(full, { head: { ref: 'elsewhere', sha: SHA.b } });
    const data = await client()<{
      repository: {
        pullRequest: { commits: { nodes: { commit: { associatedPullRequests: { nodes: { number: number }[] } } }[] } };
      };
    }>(
      `query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) {
        pullRequest(number: $number) { commits(last: 1) { nodes { commit {
          associatedPullRequests(first: 100) { nodes { number } } } } } } } }`,
      { owner, name: repo, number: other },
    );
    const commit = data.repository.pullRequest.commits.nodes[0]?.commit;
    expect(commit?.associatedPullRequests.nodes.map((p) => p.number)).toEqual([release, other]);
  });

  it('timelineItems keeps every assignment and un-assignment, whatever the assignees are now', async () => {
    const { owner, repo, full } = freshRepo(github());
    const n = github().control.openPullRequest(full, {
      head: { ref: 'releases/v1', sha: SHA.a },
      user: 'github-actions[bot]',
      assignees: ['releaser'],
    });
    github().control.setAssignees(full, n, ['other']);
    const data = await client()<{
      repository: { pullRequest: { timelineItems: { nodes: { __typename: string; assignee: { login: string } }[] } } };
    }>(
      `query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) {
        pullRequest(number: $number) { timelineItems(itemTypes: [ASSIGNED_EVENT, UNASSIGNED_EVENT], first: 100) {
          nodes { __typename ... on AssignedEvent { assignee { ... on User { login } } }
                  ... on UnassignedEvent { assignee { ... on User { login } } } } } } } }`,
      { owner, name: repo, number: n },
    );
    expect(data.repository.pullRequest.timelineItems.nodes.map((e) => [e.__typename, e.assignee.login])).toEqual([
      ['AssignedEvent', 'releaser'],
      ['UnassignedEvent', 'releaser'],
      ['AssignedEvent', 'other'],
    ]);
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

  it('the schema githubSchema() returns stays without resolvers once the emulator has executed documents', async () => {
    const { repo } = freshRepo(github());
    await expect(client()(`{ repository(owner: "weaveworks", name: "${repo}") { nameWithOwner } }`)).resolves.toEqual({
      repository: { nameWithOwner: `weaveworks/${repo}` },
    });
    const types = Object.values(githubSchema().getTypeMap()).filter((type) => !type.name.startsWith('__'));
    const resolved = types.flatMap((type) => [
      ...(isObjectType(type)
        ? Object.values(type.getFields())
            .filter((field) => field.resolve !== undefined)
            .map((field) => `${type.name}.${field.name}`)
        : []),
      ...(isAbstractType(type) && type.resolveType !== undefined ? [`${type.name}.__resolveType`] : []),
    ]);
    expect(resolved).toEqual([]);
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

  it('disablePullRequestAutoMerge disarms it: checks that pass later merge nothing', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.protectBranch(full, 'main', { requiredContexts: ['release'] });
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const { repository } = await client()<Observed>(OBSERVE, { owner, name: repo, number: n });
    const id = repository.pullRequest.id;
    await client()(
      `mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id }) { clientMutationId } }`,
      {
        id,
      },
    );
    expect(github().control.pullRequest(full, n).autoMerge).not.toBeNull();
    const disable = `mutation($id: ID!) { disablePullRequestAutoMerge(input: { pullRequestId: $id }) { pullRequest { autoMergeRequest { enabledAt } } } }`;
    const answer = await client()<{ disablePullRequestAutoMerge: { pullRequest: { autoMergeRequest: unknown } } }>(
      disable,
      { id },
    );
    expect(answer.disablePullRequestAutoMerge.pullRequest.autoMergeRequest).toBeNull();
    await octokit().rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'success', context: 'release' });
    expect(github().control.pullRequest(full, n).merged).toBe(false);
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
