import { mergePullRequest } from '../merge.js';
import { error, type Handler, notFound, paginate } from './context.js';

export const getPull: Handler = (ctx) => {
  const pr = ctx.repo.pulls.get(Number(ctx.params.pull_number));
  if (!pr) return notFound();
  return { status: 200, body: ctx.repr.pullRequest(ctx.repo, pr, ctx.state.repository(pr.head.repo)) };
};

export const listPulls: Handler = (ctx) => {
  const state = ctx.query.state ?? 'open';
  const head = ctx.query.head;
  const base = ctx.query.base;
  const pulls = [...ctx.repo.pulls.values()]
    .filter((p) => state === 'all' || p.state === state)
    .filter((p) => !base || p.base.ref === base)
    .filter((p) => !head || `${ctx.state.repository(p.head.repo)?.owner.login}:${p.head.ref}` === head)
    .sort((a, b) => b.number - a.number);
  const { items, headers } = paginate(ctx, pulls, `/repos/${ctx.repo.fullName}/pulls`);
  return {
    status: 200,
    body: items.map((p) => ctx.repr.pullRequestSimple(ctx.repo, p, ctx.state.repository(p.head.repo))),
    headers,
  };
};

export const mergePull: Handler = (ctx) => {
  const pr = ctx.repo.pulls.get(Number(ctx.params.pull_number));
  if (!pr) return notFound();
  const expected = typeof ctx.body.sha === 'string' ? ctx.body.sha : undefined;
  const outcome = mergePullRequest(ctx.state, ctx.repo, pr, ctx.caller, expected);
  if (!outcome.merged) return error(outcome.status, outcome.message);
  return { status: 200, body: { sha: outcome.sha, merged: true, message: 'Pull Request successfully merged' } };
};
