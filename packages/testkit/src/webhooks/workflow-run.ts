import { delivery } from './delivery.js';
import { example } from './examples.js';
import { repository, user } from './repository.js';
import type { RepoRef, WebhookDelivery } from './types.js';

type Payload = Record<string, unknown>;

export interface WorkflowRunOptions {
  repo: RepoRef;
  runId: number;
  runAttempt?: number;
  runNumber?: number;
  workflowId?: number;
  workflowName: string;
  /** Default `.github/workflows/<name>.yaml`. */
  workflowPath?: string;
  headSha: string;
  headBranch: string;
  /** The event that started the run. Default `workflow_dispatch`. */
  event?: string;
  conclusion: 'success' | 'failure' | 'cancelled' | 'timed_out' | 'action_required' | 'neutral' | 'skipped' | null;
  displayTitle?: string;
  actor?: string;
  pullRequests?: { number: number; headRef: string; headSha: string; baseRef: string }[];
  at?: string;
}

/** A `workflow_run` delivery: `completed` (with a conclusion), `requested` or `in_progress`. */
export function workflowRunEvent(
  options: WorkflowRunOptions,
  action: 'completed' | 'requested' | 'in_progress' = 'completed',
): WebhookDelivery<'workflow_run'> {
  const template = example('workflow_run', action === 'in_progress' ? 'requested' : action);
  const fullName = `${options.repo.owner}/${options.repo.name}`;
  const api = `https://api.github.com/repos/${fullName}`;
  const run = template.workflow_run as Payload;
  const repo = repository(template.repository as Payload, options.repo);
  const workflowId = options.workflowId ?? 1000 + (options.workflowName.length % 100);
  const path = options.workflowPath ?? `.github/workflows/${options.workflowName}.yaml`;
  const at = options.at ?? '2023-08-02T12:41:00Z';
  const runUrl = `${api}/actions/runs/${options.runId}`;
  const payload: Payload = {
    ...template,
    action,
    repository: repo,
    sender: user(template.sender as Payload, options.actor ?? options.repo.owner),
    workflow: {
      ...(template.workflow as Payload),
      id: workflowId,
      name: options.workflowName,
      path,
      url: `${api}/actions/workflows/${workflowId}`,
      html_url: `https://github.com/${fullName}/blob/main/${path}`,
      badge_url: `https://github.com/${fullName}/workflows/${encodeURIComponent(options.workflowName)}/badge.svg`,
    },
    workflow_run: {
      ...run,
      id: options.runId,
      name: options.workflowName,
      display_title: options.displayTitle ?? options.workflowName,
      path,
      head_branch: options.headBranch,
      head_sha: options.headSha,
      run_number: options.runNumber ?? 1,
      run_attempt: options.runAttempt ?? 1,
      event: options.event ?? 'workflow_dispatch',
      status: action === 'completed' ? 'completed' : action === 'in_progress' ? 'in_progress' : 'queued',
      conclusion: action === 'completed' ? options.conclusion : null,
      workflow_id: workflowId,
      url: runUrl,
      html_url: `https://github.com/${fullName}/actions/runs/${options.runId}`,
      jobs_url: `${runUrl}/jobs`,
      logs_url: `${runUrl}/logs`,
      artifacts_url: `${runUrl}/artifacts`,
      cancel_url: `${runUrl}/cancel`,
      rerun_url: `${runUrl}/rerun`,
      workflow_url: `${api}/actions/workflows/${workflowId}`,
      previous_attempt_url:
        (options.runAttempt ?? 1) > 1 ? `${runUrl}/attempts/${(options.runAttempt ?? 1) - 1}` : null,
      created_at: at,
      updated_at: at,
      run_started_at: at,
      actor: user((run.actor ?? template.sender) as Payload, options.actor ?? options.repo.owner),
      triggering_actor: user((run.triggering_actor ?? template.sender) as Payload, options.actor ?? options.repo.owner),
      repository: { ...(run.repository as Payload), ...pick(repo) },
      head_repository: { ...(run.head_repository as Payload), ...pick(repo) },
      head_commit: { ...(run.head_commit as Payload), id: options.headSha, tree_id: options.headSha },
      pull_requests: (options.pullRequests ?? []).map((pr) => ({
        id: pr.number,
        number: pr.number,
        url: `${api}/pulls/${pr.number}`,
        head: { ref: pr.headRef, sha: pr.headSha, repo: { id: repo.id, name: repo.name, url: api } },
        base: { ref: pr.baseRef, sha: '0'.repeat(40), repo: { id: repo.id, name: repo.name, url: api } },
      })),
    },
  };
  return delivery('workflow_run', payload);
}

/** The repository fields a run's nested repository objects share with the payload's. */
function pick(repo: Payload): Payload {
  const { id, node_id, name, full_name, owner, url, html_url } = repo;
  return { id, node_id, name, full_name, owner, url, html_url };
}
