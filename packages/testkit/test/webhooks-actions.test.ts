/** The payloads of GitHub Actions events: `workflow_run`, `workflow_dispatch` and `schedule`. */

import { describe, expect, it } from 'vitest';
import {
  pullRequestEvent,
  scheduleEvent,
  type WorkflowRunConclusion,
  type WorkflowRunOptions,
  type WorkflowRunStatus,
  workflowDispatchEvent,
  workflowRunEvent,
} from '../src/webhooks/index.js';
import { at, forkRepo, head, type Json, problems, repo } from './support/webhooks.js';

/** A `workflow_run` delivery of a run on the release head of `repo`. */
const runOnHead = (options: Omit<WorkflowRunOptions, 'repo' | 'headSha' | 'headBranch'>) =>
  workflowRunEvent({ repo, headSha: head.sha, headBranch: head.ref, ...options });

describe('workflow_run', () => {
  it.each([
    ['completed', 'success', 'completed'],
    ['completed', 'failure', 'completed'],
    ['completed', 'cancelled', 'completed'],
    ['completed', 'timed_out', 'completed'],
    ['in_progress', null, 'in-progress'],
    ['requested', null, 'requested'],
    ['queued', null, 'requested'],
  ] as const)('%s (%s) validates and carries the run', (status: WorkflowRunStatus, conclusion, schema) => {
    const event = runOnHead({
      runId: 5738127454,
      runAttempt: 2,
      workflowName: 'release',
      workflowPath: '.github/workflows/release.yml',
      event: 'pull_request',
      status,
      conclusion: conclusion as WorkflowRunConclusion | null,
      displayTitle: 'Release v0.29.0',
      actor: 'release-bot',
      pullRequests: [{ number: 3906, headRef: head.ref, headSha: head.sha, baseRef: 'main' }],
    });
    expect(problems(`webhook-workflow-run-${schema}`, event.payload)).toEqual([]);
    const runUrl = 'https://api.github.com/repos/weaveworks/weave-gitops/actions/runs/5738127454';
    expect(event.payload).toMatchObject({
      action: schema.replace('-', '_'),
      sender: { login: 'release-bot' },
      repository: { full_name: 'weaveworks/weave-gitops' },
      workflow: { name: 'release', path: '.github/workflows/release.yml' },
      workflow_run: {
        id: 5738127454,
        run_attempt: 2,
        previous_attempt_url: `${runUrl}/attempts/1`,
        url: runUrl,
        html_url: 'https://github.com/weaveworks/weave-gitops/actions/runs/5738127454',
        head_sha: head.sha,
        head_branch: head.ref,
        head_commit: { id: head.sha },
        event: 'pull_request',
        status,
        conclusion,
        display_title: 'Release v0.29.0',
        path: '.github/workflows/release.yml',
        actor: { login: 'release-bot' },
        repository: { full_name: 'weaveworks/weave-gitops' },
        head_repository: { full_name: 'weaveworks/weave-gitops', fork: false },
        pull_requests: [{ number: 3906, head: { ref: head.ref, sha: head.sha }, base: { ref: 'main' } }],
      },
    });
    expect(at(event.payload, 'workflow_run').workflow_id).toBe(at(event.payload, 'workflow').id);
  });

  it('names a pull request by the same id and base as pull_request deliveries do', () => {
    const run = runOnHead({
      runId: 1,
      workflowName: 'release',
      conclusion: 'success',
      pullRequests: [{ number: 3906, headRef: head.ref, headSha: head.sha, baseRef: 'main' }],
    });
    const opened = pullRequestEvent('opened', { repo, number: 3906, head });
    const [listed] = at(run.payload, 'workflow_run').pull_requests as Json[];
    expect(listed).toMatchObject({
      id: at(opened.payload, 'pull_request').id,
      base: { sha: at(opened.payload, 'pull_request.base').sha, repo: { id: at(opened.payload, 'repository').id } },
    });
  });

  it("a run of a fork's head names the fork as head repository", () => {
    const event = runOnHead({
      runId: 2,
      workflowName: 'ci',
      headRepo: forkRepo,
      event: 'pull_request',
      conclusion: 'success',
    });
    expect(problems('webhook-workflow-run-completed', event.payload)).toEqual([]);
    expect(at(event.payload, 'workflow_run.head_repository')).toMatchObject({
      full_name: 'mallory/weave-gitops',
      fork: true,
    });
  });

  it('refuses a conclusion before the run completed', () => {
    expect(() =>
      runOnHead({
        runId: 3,
        workflowName: 'ci',
        status: 'in_progress',
        conclusion: 'success',
      }),
    ).toThrow(RangeError);
  });
});

describe('workflow_dispatch and schedule', () => {
  it('workflow_dispatch validates, with the ref, inputs and workflow', () => {
    const event = workflowDispatchEvent({
      repo,
      ref: 'main',
      workflowPath: '.github/workflows/sweep.yaml',
      inputs: { pr: '3906' },
      sender: 'releaser',
    });
    expect(problems('webhook-workflow-dispatch', event.payload)).toEqual([]);
    expect(event.payload).toMatchObject({
      ref: 'refs/heads/main',
      inputs: { pr: '3906' },
      workflow: '.github/workflows/sweep.yaml',
      repository: { full_name: 'weaveworks/weave-gitops' },
      sender: { login: 'releaser' },
    });
    const tag = workflowDispatchEvent({ repo, ref: 'refs/tags/v0.29.0', workflowPath: '.github/workflows/x.yaml' });
    expect(tag.payload).toMatchObject({ ref: 'refs/tags/v0.29.0', inputs: {} });
  });

  it('schedule (no webhook schema) carries the cron line and a repository that validates as a webhook repository', () => {
    const event = scheduleEvent({ repo, cron: '*/15 * * * *' });
    expect(event.name).toBe('schedule');
    expect(Object.keys(event.payload).sort()).toEqual(['repository', 'schedule']);
    expect(event.payload).toMatchObject({
      schedule: '*/15 * * * *',
      repository: { full_name: 'weaveworks/weave-gitops' },
    });
    expect(problems('repository-webhooks', event.payload.repository)).toEqual([]);
  });
});
