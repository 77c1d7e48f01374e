import { graphql } from '@octokit/graphql';
import { describe, expect, it } from 'vitest';
import { freshRepo, SHA, useGitHub } from './support/github.js';

const { github, octokit } = useGitHub();
const client = (token = 'release-bot-token') =>
  graphql.defaults({ baseUrl: github().url, headers: { authorization: `token ${token}` } });

const QUEUE = `
  query queue($owner: String!, $name: String!, $number: Int!) {
    repository(owner: $owner, name: $name) {
      mergeQueue(branch: "main") {
        configuration { mergeMethod mergingStrategy maximumEntriesToBuild checkResponseTimeout }
        entries(first: 10) { totalCount nodes { position pullRequest { number } } }
      }
      pullRequest(number: $number) {
        id isMergeQueueEnabled isInMergeQueue
        mergeQueueEntry { id state position jump enqueuedAt enqueuer { login } headCommit { oid } baseCommit { oid } pullRequest { number } }
      }
    }
  }`;
const ENQUEUE = `mutation($id: ID!, $oid: GitObjectID, $jump: Boolean) {
  enqueuePullRequest(input: { pullRequestId: $id, expectedHeadOid: $oid, jump: $jump }) {
    mergeQueueEntry { state position headCommit { oid } pullRequest { number } }
  }
}`;
const DEQUEUE = `mutation($id: ID!) { dequeuePullRequest(input: { id: $id }) { mergeQueueEntry { pullRequest { number } } } }`;

type Queried = {
  repository: {
    mergeQueue: Record<string, unknown> | null;
    pullRequest: { id: string; isMergeQueueEnabled: boolean; isInMergeQueue: boolean; mergeQueueEntry: unknown };
  };
};

async function setUp(queue = true) {
  const fresh = freshRepo(github(), { alice: 'write' });
  const control = github().control;
  control.addToken('alice-token', 'alice');
  control.pushBranch(fresh.full, 'main', SHA.c);
  control.protectBranch(fresh.full, 'main', { requiredContexts: ['release'] });
  if (queue) control.requireMergeQueue(fresh.full, 'main');
  const number = control.openPullRequest(fresh.full, { head: { ref: 'releases/v1', sha: SHA.a } });
  const vars = { owner: fresh.owner, name: fresh.repo, number };
  const { repository } = await client()<Queried>(QUEUE, vars);
  return { ...fresh, number, vars, id: repository.pullRequest.id };
}

const pass = (owner: string, repo: string, sha: string) =>
  octokit().rest.repos.createCommitStatus({ owner, repo, sha, state: 'success', context: 'release' });

describe('the merge queue in GraphQL', () => {
  it('isMergeQueueEnabled follows the base branch’s rule; mergeQueueEntry is null until queued', async () => {
    const { vars } = await setUp();
    const { repository } = await client()<Queried>(QUEUE, vars);
    expect(repository.pullRequest).toMatchObject({
      isMergeQueueEnabled: true,
      isInMergeQueue: false,
      mergeQueueEntry: null,
    });
    expect(repository.mergeQueue).toMatchObject({
      configuration: {
        mergeMethod: 'MERGE',
        mergingStrategy: 'ALLGREEN',
        maximumEntriesToBuild: 5,
        checkResponseTimeout: 60,
      },
      entries: { totalCount: 0, nodes: [] },
    });
    const plain = await setUp(false);
    const other = await client()<Queried>(QUEUE, plain.vars);
    expect(other.repository).toMatchObject({ mergeQueue: null, pullRequest: { isMergeQueueEnabled: false } });
  });

  it('enqueuePullRequest queues the head it expects and answers the entry; the pull request shows it', async () => {
    const { owner, repo, full, vars, id, number } = await setUp();
    await pass(owner, repo, SHA.a);
    const answer = await client('alice-token')<{ enqueuePullRequest: { mergeQueueEntry: unknown } }>(ENQUEUE, {
      id,
      oid: SHA.a,
    });
    expect(answer.enqueuePullRequest.mergeQueueEntry).toEqual({
      state: 'AWAITING_CHECKS',
      position: 1,
      headCommit: { oid: SHA.a },
      pullRequest: { number },
    });
    const { repository } = await client()<Queried>(QUEUE, vars);
    expect(repository.pullRequest).toMatchObject({
      isInMergeQueue: true,
      mergeQueueEntry: {
        state: 'AWAITING_CHECKS',
        position: 1,
        jump: false,
        enqueuer: { login: 'alice' },
        baseCommit: { oid: SHA.c },
      },
    });
    expect(repository.mergeQueue).toMatchObject({
      entries: { totalCount: 1, nodes: [{ position: 1, pullRequest: { number } }] },
    });
    expect(github().control.mergeQueue(full, 'main')?.entries[0]?.enqueuer.login).toBe('alice');
  });

  it('enqueuePullRequest refuses another head, a branch without a queue, and a pull request protection holds back', async () => {
    const { owner, repo, id } = await setUp();
    await expect(client()(ENQUEUE, { id })).rejects.toThrow(/Pull request Required status check "release" is expected/);
    await pass(owner, repo, SHA.a);
    await expect(client()(ENQUEUE, { id, oid: SHA.b })).rejects.toThrow(/Head sha did not match expected head sha/);
    const plain = await setUp(false);
    await expect(client()(ENQUEUE, { id: plain.id })).rejects.toThrow(/merge queue is not enabled/);
  });

  it('dequeuePullRequest takes the pull request (by its node id) out; a second time is refused', async () => {
    const { owner, repo, full, id, number, vars } = await setUp();
    await pass(owner, repo, SHA.a);
    await client()(ENQUEUE, { id, oid: SHA.a });
    const answer = await client()<{ dequeuePullRequest: { mergeQueueEntry: unknown } }>(DEQUEUE, { id });
    expect(answer.dequeuePullRequest.mergeQueueEntry).toEqual({ pullRequest: { number } });
    expect((await client()<Queried>(QUEUE, vars)).repository.pullRequest.mergeQueueEntry).toBeNull();
    expect(github().control.deliveries(full).at(-1)?.payload).toMatchObject({ action: 'dequeued', reason: 'MANUAL' });
    await expect(client()(DEQUEUE, { id })).rejects.toThrow(/not in the merge queue/);
  });

  it('mergePullRequest is refused with an error naming the merge queue', async () => {
    const { owner, repo, full, id, number } = await setUp();
    const merge = `mutation($id: ID!) { mergePullRequest(input: { pullRequestId: $id }) { pullRequest { merged } } }`;
    await expect(client()(merge, { id })).rejects.toThrow(
      'Changes must be made through the merge queue Required status check "release" is expected.',
    );
    await pass(owner, repo, SHA.a);
    await expect(client()(merge, { id })).rejects.toThrow(
      /^Request failed due to following response errors:\n - Changes must be made through the merge queue$/,
    );
    expect(github().control.pullRequest(full, number).merged).toBe(false);
  });

  it('enablePullRequestAutoMerge is "merge when ready": the pull request joins the queue once protection is met', async () => {
    const { owner, repo, full, id, number } = await setUp();
    const enable = `mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id }) { pullRequest { autoMergeRequest { enabledAt } } } }`;
    await client('alice-token')(enable, { id });
    const control = github().control;
    expect(control.mergeQueue(full, 'main')?.entries).toEqual([]);
    await pass(owner, repo, SHA.a);
    expect(control.mergeQueue(full, 'main')?.entries.map((e) => e.number)).toEqual([number]);
    expect(control.pullRequest(full, number).autoMerge).toBeNull();
    const groupSha = control.mergeQueue(full, 'main')?.groups[0]?.headSha ?? '';
    await pass(owner, repo, groupSha);
    expect(control.pullRequest(full, number)).toMatchObject({ merged: true, mergeCommitSha: groupSha });
  });
});
