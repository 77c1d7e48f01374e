import type { CheckRunRecord } from '../state.js';
import { error, type Handler, notFound, paginate } from './context.js';
import { resolveRef } from './statuses.js';

/** Check runs are created by GitHub Apps: the caller's login names the app. */
function appOf(login: string, id: number): CheckRunRecord['app'] {
  const slug = login.replace(/\[bot\]$/, '');
  return { id, slug, name: slug };
}

function output(body: Record<string, unknown>, previous?: CheckRunRecord['output']): CheckRunRecord['output'] {
  const given = (body.output ?? {}) as Record<string, unknown>;
  const text = (key: string) =>
    typeof given[key] === 'string' ? (given[key] as string) : (previous?.[key as 'title'] ?? null);
  return { title: text('title'), summary: text('summary'), text: text('text') };
}

export const createCheckRun: Handler = (ctx) => {
  const now = ctx.state.timestamp();
  const status = (ctx.body.conclusion ? 'completed' : (ctx.body.status ?? 'queued')) as CheckRunRecord['status'];
  const run: CheckRunRecord = {
    id: ctx.state.id(),
    headSha: String(ctx.body.head_sha),
    name: String(ctx.body.name),
    status,
    conclusion: typeof ctx.body.conclusion === 'string' ? ctx.body.conclusion : null,
    app: appOf(ctx.caller.login, ctx.caller.id),
    detailsUrl: typeof ctx.body.details_url === 'string' ? ctx.body.details_url : null,
    externalId: typeof ctx.body.external_id === 'string' ? ctx.body.external_id : null,
    startedAt: typeof ctx.body.started_at === 'string' ? ctx.body.started_at : now,
    completedAt: status === 'completed' ? ((ctx.body.completed_at as string | undefined) ?? now) : null,
    output: output(ctx.body),
  };
  ctx.repo.checkRuns.push(run);
  return { status: 201, body: ctx.repr.checkRun(ctx.repo, run) };
};

export const updateCheckRun: Handler = (ctx) => {
  const run = ctx.repo.checkRuns.find((r) => r.id === Number(ctx.params.check_run_id));
  if (!run) return notFound();
  if (run.app.id !== ctx.caller.id)
    return error(
      403,
      `Invalid app_id \`${ctx.caller.id}\` - check run can only be modified by the GitHub App that created it.`,
    );
  if (typeof ctx.body.name === 'string') run.name = ctx.body.name;
  if (typeof ctx.body.details_url === 'string') run.detailsUrl = ctx.body.details_url;
  if (typeof ctx.body.status === 'string') run.status = ctx.body.status as CheckRunRecord['status'];
  if (typeof ctx.body.conclusion === 'string') {
    run.conclusion = ctx.body.conclusion;
    run.status = 'completed';
    run.completedAt = (ctx.body.completed_at as string | undefined) ?? ctx.state.timestamp();
  }
  run.output = output(ctx.body, run.output);
  return { status: 200, body: ctx.repr.checkRun(ctx.repo, run) };
};

export const listCheckRunsForRef: Handler = (ctx) => {
  const sha = resolveRef(ctx.repo, ctx.params.ref ?? '');
  const name = ctx.query.check_name;
  const runs = ctx.repo.checkRuns.filter((r) => r.headSha === sha && (!name || r.name === name)).reverse();
  const latest =
    ctx.query.filter === 'all' ? runs : runs.filter((r, i) => runs.findIndex((o) => o.name === r.name) === i);
  const { items, headers } = paginate(ctx, latest, `/repos/${ctx.repo.fullName}/commits/${ctx.params.ref}/check-runs`);
  return {
    status: 200,
    body: { total_count: latest.length, check_runs: items.map((r) => ctx.repr.checkRun(ctx.repo, r)) },
    headers,
  };
};
