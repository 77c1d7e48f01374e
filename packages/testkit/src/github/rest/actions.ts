import type { WorkflowRecord, WorkflowRunRecord } from '../state.js';
import { error, type Handler, type HandlerContext, notFound, paginate } from './context.js';

function workflowOf(ctx: HandlerContext): WorkflowRecord | undefined {
  const id = ctx.params.workflow_id ?? '';
  return ctx.repo.workflows.find((w) => String(w.id) === id || w.path.endsWith(`/${id}`));
}

/** `run-name` with `${{ inputs.NAME }}` filled, as GitHub shows a dispatched run's title. */
function displayTitle(workflow: WorkflowRecord, inputs: Record<string, string>): string {
  if (!workflow.runName) return workflow.name;
  return workflow.runName.replace(/\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g, (_, key: string) => inputs[key] ?? '');
}

/**
 * Why GitHub refuses a dispatch's inputs, or undefined. GitHub answers 422 "Unexpected inputs provided:
 * [\"name\"]" when an input is not declared in the workflow's `on.workflow_dispatch.inputs`, e.g.
 * https://github.com/convictional/trigger-workflow-and-wait/pull/4 (the response body quoted there) and
 * https://github.com/benc-uk/workflow-dispatch/issues/80; and "Required input 'name' not provided" when a
 * required input is left out (https://github.com/backstage/backstage/issues/18511, the HttpError quoted
 * there; https://github.com/XAMPPRocky/octocrab/issues/406 lists both refusals).
 */
function refusedInputs(workflow: WorkflowRecord, inputs: Record<string, string>): string | undefined {
  const unexpected = Object.keys(inputs).filter((name) => !Object.hasOwn(workflow.inputs, name));
  if (unexpected.length > 0) return `Unexpected inputs provided: ${JSON.stringify(unexpected)}`;
  const missing = Object.entries(workflow.inputs).find(
    ([name, input]) => input.required && !Object.hasOwn(inputs, name),
  );
  return missing ? `Required input '${missing[0]}' not provided` : undefined;
}

/**
 * `actions/get-workflow` by id or file name: its `state` says whether it runs (`active`) or was disabled
 * (by hand, for inactivity, in a fork).
 */
export const getWorkflow: Handler = (ctx) => {
  const workflow = workflowOf(ctx);
  if (!workflow) return notFound();
  const file = workflow.path.split('/').at(-1) ?? workflow.path;
  return {
    status: 200,
    body: {
      id: workflow.id,
      node_id: Buffer.from(`Workflow:${workflow.id}`).toString('base64'),
      name: workflow.name,
      path: workflow.path,
      state: workflow.state,
      created_at: workflow.createdAt,
      updated_at: workflow.updatedAt,
      url: `${ctx.url}/repos/${ctx.repo.fullName}/actions/workflows/${workflow.id}`,
      html_url: `${ctx.url}/_html/${ctx.repo.fullName}/blob/${ctx.repo.defaultBranch}/${workflow.path}`,
      badge_url: `${ctx.url}/_html/${ctx.repo.fullName}/workflows/${encodeURIComponent(file)}/badge.svg`,
    },
  };
};

/**
 * A dispatch of a workflow that is not `active` is refused with 422 "Cannot trigger a 'workflow_dispatch'
 * on a disabled workflow" (benc-uk/workflow-dispatch#72 quotes the error).
 */
export const createWorkflowDispatch: Handler = (ctx) => {
  const workflow = workflowOf(ctx);
  if (!workflow) return notFound();
  if (workflow.state !== 'active') return error(422, "Cannot trigger a 'workflow_dispatch' on a disabled workflow");
  const ref = String(ctx.body.ref ?? '');
  const inputs = Object.fromEntries(
    Object.entries((ctx.body.inputs ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
  );
  const refused = refusedInputs(workflow, inputs);
  if (refused) return error(422, refused);
  const pr = [...ctx.repo.pulls.values()].find((p) => p.head.ref === ref.replace(/^refs\/heads\//, ''));
  const headSha = pr?.head.sha ?? (/^[0-9a-f]{40}$/.test(ref) ? ref : undefined);
  if (!headSha && ref !== ctx.repo.defaultBranch) return error(422, `No ref found for: ${ref}`);
  const now = ctx.state.timestamp();
  const run: WorkflowRunRecord = {
    id: ctx.state.id(),
    workflowId: workflow.id,
    name: workflow.name,
    displayTitle: displayTitle(workflow, inputs),
    headSha: headSha ?? '0'.repeat(40),
    headBranch: ref.replace(/^refs\/heads\//, ''),
    event: 'workflow_dispatch',
    status: 'queued',
    conclusion: null,
    runNumber: ctx.repo.runs.filter((r) => r.workflowId === workflow.id).length + 1,
    runAttempt: 1,
    inputs,
    actor: ctx.caller,
    createdAt: now,
    updatedAt: now,
  };
  ctx.repo.runs.push(run);
  if (ctx.body.return_run_details !== true) return { status: 204 };
  return {
    status: 200,
    body: {
      workflow_run_id: run.id,
      run_url: `${ctx.url}/repos/${ctx.repo.fullName}/actions/runs/${run.id}`,
      html_url: `${ctx.url}/_html/${ctx.repo.fullName}/actions/runs/${run.id}`,
    },
  };
};

/** Cancels a run that has not completed (202); GitHub refuses a completed one with 409. */
export const cancelWorkflowRun: Handler = (ctx) => {
  const run = ctx.repo.runs.find((r) => r.id === Number(ctx.params.run_id));
  if (!run) return notFound();
  if (run.status === 'completed') return error(409, 'Cannot cancel a workflow run that is completed.');
  run.status = 'completed';
  run.conclusion = 'cancelled';
  run.updatedAt = ctx.state.timestamp();
  return { status: 202, body: {} };
};

export const getWorkflowRun: Handler = (ctx) => {
  const run = ctx.repo.runs.find((r) => r.id === Number(ctx.params.run_id));
  if (!run) return notFound();
  return { status: 200, body: ctx.repr.workflowRun(ctx.repo, run) };
};

function listRuns(ctx: HandlerContext, runs: WorkflowRunRecord[], path: string) {
  const q = ctx.query;
  const filtered = runs
    .filter((r) => !q.head_sha || r.headSha === q.head_sha)
    .filter((r) => !q.branch || r.headBranch === q.branch)
    .filter((r) => !q.event || r.event === q.event)
    .filter((r) => !q.status || r.status === q.status || r.conclusion === q.status)
    .reverse();
  const { items, headers } = paginate(ctx, filtered, path);
  return {
    status: 200,
    body: { total_count: filtered.length, workflow_runs: items.map((r) => ctx.repr.workflowRun(ctx.repo, r)) },
    headers,
  };
}

export const listWorkflowRuns: Handler = (ctx) => {
  const workflow = workflowOf(ctx);
  if (!workflow) return notFound();
  const runs = ctx.repo.runs.filter((r) => r.workflowId === workflow.id);
  return listRuns(ctx, runs, `/repos/${ctx.repo.fullName}/actions/workflows/${ctx.params.workflow_id}/runs`);
};

export const listWorkflowRunsForRepo: Handler = (ctx) =>
  listRuns(ctx, ctx.repo.runs, `/repos/${ctx.repo.fullName}/actions/runs`);
