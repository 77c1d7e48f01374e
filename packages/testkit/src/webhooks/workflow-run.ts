import { delivery } from './delivery.js';
import { example } from './examples.js';
import { defaultBaseSha, nodeId, pullRequestId, stableId, stableSha } from './ids.js';
import { envelope, fullName, rewriteRepository } from './repository.js';
import type { Payload, RepoRef, WebhookDelivery } from './types.js';
import { user } from './user.js';

/** A run's `status`; it decides the action: `completed`, `in_progress`, else `requested`. */
export type WorkflowRunStatus = 'requested' | 'queued' | 'pending' | 'waiting' | 'in_progress' | 'completed';

/** A completed run's `conclusion`. */
export type WorkflowRunConclusion =
  | 'success'
  | 'failure'
  | 'cancelled'
  | 'timed_out'
  | 'action_required'
  | 'neutral'
  | 'skipped'
  | 'stale'
  | 'startup_failure';

/** What `workflowRunEvent` is built from. */
export interface WorkflowRunOptions {
  repo: RepoRef;
  runId: number;
  /** Default 1; above 1, `previous_attempt_url` names the attempt before. */
  runAttempt?: number;
  /** Default 1. */
  runNumber?: number;
  workflowName: string;
  /** Default `.github/workflows/<workflowName>.yaml`. */
  workflowPath?: string;
  headSha: string;
  headBranch: string;
  /** The repository of the head, for a run of a fork's pull request. Default: `repo`. */
  headRepo?: RepoRef;
  /** The event that started the run. Default `workflow_dispatch`. */
  event?: string;
  /** Default `completed`. */
  status?: WorkflowRunStatus;
  /** `null` unless the run is completed. */
  conclusion: WorkflowRunConclusion | null;
  /** Default: the workflow's name. */
  displayTitle?: string;
  /** Who started the run, and the sender. Default: the repository owner. */
  actor?: string;
  /** The pull requests the run belongs to (GitHub lists none for a fork's). Default: none. */
  pullRequests?: { number: number; headRef: string; headSha: string; baseRef: string; baseSha?: string }[];
  /** ISO time of the event. Default: a fixed time. */
  at?: string;
}

/**
 * A `workflow_run` delivery: `completed` (by default), `in_progress` or `requested`, as `status` says.
 * The `in_progress` example is missing: it is built from the `requested` one.
 */
export function workflowRunEvent(options: WorkflowRunOptions): WebhookDelivery<'workflow_run'> {
  const status = options.status ?? 'completed';
  if (status !== 'completed' && options.conclusion !== null) {
    throw new RangeError(`a ${status} run has no conclusion yet, not ${options.conclusion}`);
  }
  const action = status === 'completed' || status === 'in_progress' ? status : 'requested';
  const template = example('workflow_run', action === 'completed' ? 'completed' : 'requested');
  const { repo, runId } = options;
  const name = fullName(repo);
  const api = `https://api.github.com/repos/${name}`;
  const run = template.workflow_run as Payload;
  const path = options.workflowPath ?? `.github/workflows/${options.workflowName}.yaml`;
  const workflowId = stableId(`workflow:${name}:${path}`);
  const attempt = options.runAttempt ?? 1;
  const checkSuiteId = stableId(`check-suite:${name}:${runId}:${attempt}`);
  const actor = options.actor ?? repo.owner;
  const headRepo = options.headRepo ?? repo;
  const at = options.at ?? '2023-08-02T12:41:00Z';
  const runUrl = `${api}/actions/runs/${runId}`;
  const runRepository = rewriteRepository(run.repository as Payload, repo);
  const pullRequestRepo = { id: runRepository.id, name: repo.name, url: api };
  const committer = { name: actor, email: `${actor}@users.noreply.github.com` };
  const payload: Payload = {
    ...envelope(template, repo, actor),
    action,
    workflow: {
      ...(template.workflow as Payload),
      id: workflowId,
      node_id: nodeId('Workflow', workflowId),
      name: options.workflowName,
      path,
      url: `${api}/actions/workflows/${workflowId}`,
      html_url: `https://github.com/${name}/blob/${repo.defaultBranch ?? 'main'}/${path}`,
      badge_url: `https://github.com/${name}/workflows/${encodeURIComponent(options.workflowName)}/badge.svg`,
    },
    workflow_run: {
      ...run,
      id: runId,
      node_id: nodeId('WorkflowRun', runId),
      name: options.workflowName,
      display_title: options.displayTitle ?? options.workflowName,
      path,
      head_branch: options.headBranch,
      head_sha: options.headSha,
      run_number: options.runNumber ?? 1,
      run_attempt: attempt,
      event: options.event ?? 'workflow_dispatch',
      status,
      conclusion: options.conclusion,
      workflow_id: workflowId,
      check_suite_id: checkSuiteId,
      check_suite_node_id: nodeId('CheckSuite', checkSuiteId),
      check_suite_url: `${api}/check-suites/${checkSuiteId}`,
      url: runUrl,
      html_url: `https://github.com/${name}/actions/runs/${runId}`,
      jobs_url: `${runUrl}/jobs`,
      logs_url: `${runUrl}/logs`,
      artifacts_url: `${runUrl}/artifacts`,
      cancel_url: `${runUrl}/cancel`,
      rerun_url: `${runUrl}/rerun`,
      workflow_url: `${api}/actions/workflows/${workflowId}`,
      previous_attempt_url: attempt > 1 ? `${runUrl}/attempts/${attempt - 1}` : null,
      created_at: at,
      updated_at: at,
      run_started_at: at,
      // `actor` and `triggering_actor` are missing from the older completed example.
      actor: user(template.sender as Payload, actor),
      triggering_actor: user(template.sender as Payload, actor),
      repository: runRepository,
      head_repository: rewriteRepository(run.head_repository as Payload, headRepo, fullName(headRepo) !== name),
      head_commit: {
        ...(run.head_commit as Payload),
        id: options.headSha,
        tree_id: stableSha(`tree:${options.headSha}`),
        timestamp: at,
        author: committer,
        committer,
      },
      pull_requests: (options.pullRequests ?? []).map((pr) => ({
        id: pullRequestId(name, pr.number),
        number: pr.number,
        url: `${api}/pulls/${pr.number}`,
        head: { ref: pr.headRef, sha: pr.headSha, repo: pullRequestRepo },
        base: { ref: pr.baseRef, sha: pr.baseSha ?? defaultBaseSha(name, pr.baseRef), repo: pullRequestRepo },
      })),
    },
  };
  return delivery('workflow_run', payload);
}
