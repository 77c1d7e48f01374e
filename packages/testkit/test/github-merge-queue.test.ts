import { describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../src/webhooks/index.js';
import { freshRepo, SHA, useGitHub } from './support/github.js';
import { problems } from './support/webhooks.js';

const { github, octokit } = useGitHub();

/** A repository whose `main` requires a queue and the `release` context, with pull request #1 open at SHA.a. */
function queued(collaborators: Record<string, 'read' | 'write' | 'admin'> = { alice: 'write' }) {
  const fresh = freshRepo(github(), collaborators);
  const control = github().control;
  control.pushBranch(fresh.full, 'main', SHA.c);
  control.protectBranch(fresh.full, 'main', { requiredContexts: ['release'] });
  control.requireMergeQueue(fresh.full, 'main');
  const number = control.openPullRequest(fresh.full, { head: { ref: 'releases/v1', sha: SHA.a } });
  return { ...fresh, number };
}

/** A success of `release` on `sha`, through the API. */
const pass = (owner: string, repo: string, sha: string) =>
  octokit().rest.repos.createCommitStatus({ owner, repo, sha, state: 'success', context: 'release' });

/** Passes the head of `queued()`'s pull request, queues it as alice, and answers its group's commit. */
async function queueFirst({ owner, repo, full, number }: ReturnType<typeof queued>): Promise<string> {
  await pass(owner, repo, SHA.a);
  github().control.enqueue(full, number, { login: 'alice' });
  return github().control.mergeQueue(full, 'main')?.groups[0]?.headSha ?? '';
}

/** What each delivery is: `event.action (reason)`. */
const kinds = (deliveries: WebhookDelivery[]) =>
  deliveries.map(({ name, payload }) => `${name}.${payload.action}${payload.reason ? ` (${payload.reason})` : ''}`);

describe('a merge_queue rule', () => {
  it('repos/get-branch-rules lists it with GitHub’s default parameters, and nothing for other branches', async () => {
    const { owner, repo, full } = freshRepo(github());
    const rulesetId = github().control.requireMergeQueue(full, 'main', { merge_method: 'SQUASH' });
    const { data } = await octokit().rest.repos.getBranchRules({ owner, repo, branch: 'main' });
    expect(data).toEqual([
      {
        type: 'merge_queue',
        parameters: {
          merge_method: 'SQUASH',
          grouping_strategy: 'ALLGREEN',
          max_entries_to_build: 5,
          max_entries_to_merge: 5,
          min_entries_to_merge: 1,
          min_entries_to_merge_wait_minutes: 5,
          check_response_timeout_minutes: 60,
        },
        ruleset_source_type: 'Repository',
        ruleset_source: full,
        ruleset_id: rulesetId,
      },
    ]);
    const other = await octokit().rest.repos.getBranchRules({ owner, repo, branch: 'develop' });
    expect(other.data).toEqual([]);
    github().control.removeMergeQueue(full, 'main');
    expect((await octokit().rest.repos.getBranchRules({ owner, repo, branch: 'main' })).data).toEqual([]);
  });

  it('refuses a direct merge with 405 "Changes must be made through the merge queue", even when protection is met', async () => {
    const { owner, repo, full, number } = queued();
    const api = octokit();
    await pass(owner, repo, SHA.a);
    const merge = api.rest.pulls.merge({ owner, repo, pull_number: number, sha: SHA.a });
    await expect(merge).rejects.toMatchObject({
      status: 405,
      response: { data: { message: 'Changes must be made through the merge queue' } },
    });
    expect(github().control.pullRequest(full, number).merged).toBe(false);
  });
});

describe('merge groups', () => {
  it('enqueuing builds a group on the base; success on the GROUP’s commit merges it as a fast-forward', async () => {
    const fresh = queued();
    const { owner, repo, full, number } = fresh;
    const control = github().control;
    const api = octokit();
    await queueFirst(fresh);
    const [group] = control.mergeQueue(full, 'main')?.groups ?? [];
    expect(group).toMatchObject({
      number,
      baseSha: SHA.c,
      headRef: `refs/heads/gh-readonly-queue/main/pr-${number}-${SHA.a}`,
    });
    const groupSha = group?.headSha ?? '';
    expect(groupSha).toMatch(/^[0-9a-f]{40}$/);
    expect(groupSha).not.toBe(SHA.a);
    // The pull request's own success does not count for the group: its commit is another.
    control.settleMergeQueue(full);
    expect(control.pullRequest(full, number).merged).toBe(false);
    const branches = await api.rest.repos.listBranchesForHeadCommit({ owner, repo, commit_sha: groupSha });
    expect(branches.data.map((b) => b.name)).toEqual([`gh-readonly-queue/main/pr-${number}-${SHA.a}`]);
    await pass(owner, repo, groupSha);
    const pr = control.pullRequest(full, number);
    expect(pr).toMatchObject({ merged: true, state: 'closed', mergeCommitSha: groupSha, mergedBy: { login: 'alice' } });
    expect(pr.head.sha).toBe(SHA.a);
    const main = await api.rest.repos.listBranchesForHeadCommit({ owner, repo, commit_sha: groupSha });
    expect(main.data.map((b) => b.name)).toEqual(['main']);
    expect(control.mergeQueue(full, 'main')?.entries).toEqual([]);
    const { data } = await api.rest.pulls.get({ owner, repo, pull_number: number });
    expect(data).toMatchObject({ merged: true, merge_commit_sha: groupSha, merged_by: { login: 'alice' } });
  });

  it('a failed required context on the group removes the pull request (CI_FAILURE) and destroys the group', async () => {
    const fresh = queued();
    const { owner, repo, full, number } = fresh;
    const control = github().control;
    const api = octokit();
    const groupSha = await queueFirst(fresh);
    await api.rest.checks.create({ owner, repo, name: 'release', head_sha: groupSha, conclusion: 'failure' });
    expect(control.pullRequest(full, number)).toMatchObject({ merged: false, state: 'open' });
    expect(control.mergeQueue(full, 'main')).toMatchObject({ entries: [], groups: [] });
    expect(kinds(control.deliveries(full))).toEqual([
      'pull_request.enqueued',
      'merge_group.checks_requested',
      'merge_group.destroyed (dequeued)',
      'pull_request.dequeued (CI_FAILURE)',
    ]);
  });

  it('a pull request queued again at the same head on the same base gets a new group commit, without the failure of the last', async () => {
    const setup = queued();
    const { owner, repo, full, number } = setup;
    const first = await queueFirst(setup);
    await octokit().rest.repos.createCommitStatus({ owner, repo, sha: first, state: 'failure', context: 'release' });
    expect(github().control.pullRequest(full, number).merged).toBe(false);
    github().control.enqueue(full, number, { login: 'alice' });
    const second = github().control.mergeQueue(full, 'main')?.groups[0]?.headSha ?? '';
    expect(second).toMatch(/^[0-9a-f]{40}$/);
    expect(second).not.toBe(first);
    expect(
      github()
        .control.mergeQueue(full, 'main')
        ?.entries.map((e) => e.number),
    ).toEqual([number]);
  });

  it('groups are sequential: the next pull request gets its group on the new base once the first merges', async () => {
    const { owner, repo, full, number } = queued();
    const control = github().control;
    const second = control.openPullRequest(full, { head: { ref: 'releases/v2', sha: SHA.b } });
    for (const sha of [SHA.a, SHA.b]) {
      await pass(owner, repo, sha);
    }
    control.enqueue(full, number, { login: 'alice' });
    control.enqueue(full, second, { login: 'alice' });
    const queue = control.mergeQueue(full, 'main');
    expect(queue?.entries.map((e) => [e.number, e.position])).toEqual([
      [number, 1],
      [second, 2],
    ]);
    expect(queue?.groups.map((g) => g.number)).toEqual([number]);
    const first = queue?.groups[0]?.headSha ?? '';
    await pass(owner, repo, first);
    const next = control.mergeQueue(full, 'main')?.groups[0];
    expect(next).toMatchObject({ number: second, baseSha: first });
  });

  it('jumping the queue invalidates the group built for the entry it overtakes', async () => {
    const { owner, repo, full, number } = queued();
    const control = github().control;
    const urgent = control.openPullRequest(full, { head: { ref: 'hotfix', sha: SHA.b } });
    for (const sha of [SHA.a, SHA.b]) {
      await pass(owner, repo, sha);
    }
    control.enqueue(full, number, { login: 'alice' });
    control.enqueue(full, urgent, { login: 'alice', jump: true });
    expect(kinds(control.deliveries(full))).toEqual([
      'pull_request.enqueued',
      'merge_group.checks_requested',
      'pull_request.enqueued',
      'merge_group.destroyed (invalidated)',
      'merge_group.checks_requested',
    ]);
    const queue = control.mergeQueue(full, 'main');
    expect(queue?.entries.map((e) => [e.number, e.jump])).toEqual([
      [urgent, true],
      [number, false],
    ]);
    expect(queue?.groups.map((g) => g.number)).toEqual([urgent]);
  });

  it('a push to a queued pull request’s head removes it from the queue', async () => {
    const fresh = queued();
    const { full, number } = fresh;
    const control = github().control;
    await queueFirst(fresh);
    control.pushHead(full, number, SHA.b);
    expect(control.mergeQueue(full, 'main')?.entries).toEqual([]);
    expect(kinds(control.deliveries(full)).slice(-2)).toEqual([
      'merge_group.destroyed (dequeued)',
      'pull_request.dequeued (UNKNOWN_REMOVAL_REASON)',
    ]);
  });

  it('control.dequeue removes a pull request for a person’s reason; onDelivery hears every delivery', async () => {
    const fresh = queued();
    const { full, number } = fresh;
    const control = github().control;
    const heard: string[] = [];
    const stop = control.onDelivery((delivery, from) => {
      if (from === full) heard.push(delivery.name);
    });
    await queueFirst(fresh);
    expect(control.dequeue(full, number, 'MANUAL', 'alice')).toBe(true);
    expect(control.dequeue(full, number)).toBe(false);
    stop();
    expect(heard).toEqual(['pull_request', 'merge_group', 'merge_group', 'pull_request']);
    expect(control.deliveries(full).at(-1)?.payload).toMatchObject({
      action: 'dequeued',
      reason: 'MANUAL',
      sender: { login: 'alice' },
    });
  });

  it('every delivery the queue produces validates against @octokit/openapi-webhooks', async () => {
    const fresh = queued();
    const { owner, repo, full } = fresh;
    const control = github().control;
    const groupSha = await queueFirst(fresh);
    await pass(owner, repo, groupSha);
    const deliveries = control.deliveries(full);
    expect(kinds(deliveries)).toEqual([
      'pull_request.enqueued',
      'merge_group.checks_requested',
      'merge_group.destroyed (merged)',
      'pull_request.closed',
      'pull_request.dequeued (MERGE)',
    ]);
    for (const { name, payload } of deliveries) {
      const schema = `webhook-${name.replace('_', '-')}-${String(payload.action).replace('_', '-')}`;
      expect(problems(schema, payload), schema).toEqual([]);
    }
    expect(deliveries[1]?.payload).toMatchObject({
      merge_group: { head_sha: groupSha, base_sha: SHA.c, base_ref: 'refs/heads/main' },
    });
    expect(deliveries[3]?.payload).toMatchObject({
      pull_request: { merged: true, merge_commit_sha: groupSha, merged_by: { login: 'alice' }, head: { sha: SHA.a } },
    });
  });
});
