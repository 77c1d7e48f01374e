import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  disorder,
  pullRequestEvent,
  pullRequestReviewEvent,
  scheduleEvent,
  type WebhookDelivery,
  workflowDispatchEvent,
  workflowRunEvent,
} from '../src/webhooks/index.js';

const require = createRequire(import.meta.url);
const document = require('@octokit/openapi-webhooks/generated/api.github.com.json') as {
  components: { schemas: Record<string, unknown> };
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
formats.default(ajv as never);
ajv.addSchema({ $id: 'webhooks', components: document.components } as never);

/** Problems of a payload against the @octokit/openapi-webhooks schema of its event and action. */
function problems(schema: string, delivery: WebhookDelivery): string[] {
  const validate = ajv.getSchema(`webhooks#/components/schemas/${schema}`);
  if (!validate) throw new Error(`no schema ${schema}`);
  if (validate(delivery.payload)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${e.instancePath || '(root)'} ${e.message}${e.params && 'missingProperty' in e.params ? ` '${e.params.missingProperty}'` : ''}`,
  );
}

const repo = { owner: 'weaveworks', name: 'weave-gitops' };
type PullRequestPayload = { head: { sha: string; ref: string }; number: number; html_url: string };
const head = { ref: 'releases/v0.29.0', sha: '03093a127262cad8f4c94caf8aa4262314a1cedd' };

describe('webhook payload builders validate against GitHub’s webhook schemas', () => {
  it.each(['opened', 'reopened', 'synchronize', 'closed'] as const)('pull_request.%s', (action) => {
    const event = pullRequestEvent(action, { repo, number: 3906, head, before: 'f'.repeat(40) });
    expect(problems(`webhook-pull-request-${action}`, event)).toEqual([]);
    const pr = event.payload.pull_request as PullRequestPayload;
    expect(pr.head).toMatchObject({
      ref: head.ref,
      sha: head.sha,
      repo: { full_name: 'weaveworks/weave-gitops', fork: false },
    });
    expect(pr.number).toBe(3906);
    expect(pr.html_url).toBe('https://github.com/weaveworks/weave-gitops/pull/3906');
    expect((event.payload.repository as Record<string, unknown>).full_name).toBe('weaveworks/weave-gitops');
    if (action === 'synchronize') expect(event.payload).toMatchObject({ before: 'f'.repeat(40), after: head.sha });
  });

  it('pull_request.closed merged', () => {
    const event = pullRequestEvent('closed', {
      repo,
      number: 3906,
      head,
      merged: true,
      mergedBy: 'release-bot',
      mergeCommitSha: 'e'.repeat(40),
    });
    expect(problems('webhook-pull-request-closed', event)).toEqual([]);
    expect(event.payload.pull_request).toMatchObject({
      merged: true,
      merge_commit_sha: 'e'.repeat(40),
      merged_by: { login: 'release-bot' },
      state: 'closed',
    });
    const notMerged = pullRequestEvent('closed', { repo, number: 3906, head });
    expect(notMerged.payload.pull_request).toMatchObject({ merged: false, merged_at: null, merged_by: null });
  });

  it('a fork pull request has a different head repository marked as a fork', () => {
    const event = pullRequestEvent('opened', {
      repo,
      number: 7,
      head: { ...head, repo: { owner: 'mallory', name: 'weave-gitops' } },
    });
    expect(problems('webhook-pull-request-opened', event)).toEqual([]);
    expect(event.payload.pull_request).toMatchObject({
      head: { repo: { full_name: 'mallory/weave-gitops', fork: true } },
      base: { repo: { full_name: 'weaveworks/weave-gitops' } },
    });
  });

  it.each([
    ['submitted', 'approved'],
    ['submitted', 'changes_requested'],
    ['dismissed', 'dismissed'],
  ] as const)('pull_request_review.%s (%s)', (action, state) => {
    const event = pullRequestReviewEvent(action, {
      repo,
      number: 3906,
      head,
      review: { id: 80, state, user: 'releaser' },
    });
    expect(problems(`webhook-pull-request-review-${action}`, event)).toEqual([]);
    expect(event.payload.review).toMatchObject({ id: 80, state, commit_id: head.sha, user: { login: 'releaser' } });
  });

  it.each(['success', 'failure'] as const)('workflow_run.completed (%s)', (conclusion) => {
    const event = workflowRunEvent({
      repo,
      runId: 5738127454,
      runAttempt: 2,
      workflowName: 'release',
      headSha: head.sha,
      headBranch: head.ref,
      conclusion,
      displayTitle: `release ${head.sha}`,
      pullRequests: [{ number: 3906, headRef: head.ref, headSha: head.sha, baseRef: 'main' }],
    });
    expect(problems('webhook-workflow-run-completed', event)).toEqual([]);
    expect(event.payload.workflow_run).toMatchObject({
      id: 5738127454,
      run_attempt: 2,
      head_sha: head.sha,
      conclusion,
      display_title: `release ${head.sha}`,
    });
  });

  it('workflow_dispatch', () => {
    const event = workflowDispatchEvent({
      repo,
      ref: 'main',
      workflowPath: '.github/workflows/sweep.yaml',
      inputs: { pr: '3906' },
    });
    expect(problems('webhook-workflow-dispatch', event)).toEqual([]);
    expect(event.payload).toMatchObject({
      ref: 'refs/heads/main',
      inputs: { pr: '3906' },
      workflow: '.github/workflows/sweep.yaml',
    });
  });

  it('schedule carries the cron line and the repository', () => {
    const event = scheduleEvent({ repo, cron: '*/15 * * * *' });
    expect(event.name).toBe('schedule');
    expect(event.payload).toMatchObject({
      schedule: '*/15 * * * *',
      repository: { full_name: 'weaveworks/weave-gitops' },
    });
  });

  it('a corrupted payload fails validation, naming the field', () => {
    const event = pullRequestEvent('opened', { repo, number: 1, head });
    delete (event.payload.pull_request as Record<string, unknown>).head;
    expect(problems('webhook-pull-request-opened', event).join('\n')).toContain("'head'");
  });

  it('builders share no mutable state', () => {
    const first = pullRequestEvent('opened', { repo, number: 1, head });
    (first.payload.pull_request as PullRequestPayload).head.sha = 'mutated';
    const second = pullRequestEvent('opened', { repo, number: 1, head });
    expect((second.payload.pull_request as PullRequestPayload).head.sha).toBe(head.sha);
    expect(second.id).not.toBe(first.id);
  });

  it('disorder redelivers (same id and payload) and reorders deliveries', () => {
    const a = pullRequestEvent('opened', { repo, number: 1, head });
    const b = pullRequestReviewEvent('submitted', {
      repo,
      number: 1,
      head,
      review: { id: 1, state: 'approved', user: 'r' },
    });
    const c = workflowRunEvent({
      repo,
      runId: 1,
      workflowName: 'release',
      headSha: head.sha,
      headBranch: head.ref,
      conclusion: 'success',
    });
    const messy = disorder([a, b, c], [{ duplicate: 1 }, { swap: 2 }]);
    expect(messy.map((d) => d.name)).toEqual([
      'pull_request',
      'pull_request_review',
      'workflow_run',
      'pull_request_review',
    ]);
    expect(messy[3]?.id).toBe(b.id);
    expect(messy[3]?.payload).toEqual(b.payload);
  });
});
