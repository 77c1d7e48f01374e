import { treeOf } from '../contents.js';
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

/**
 * GitHub lists at most 3,000 files of a pull request, however many it changes ("Responses include a
 * maximum of 3000 files. The paginated response returns 30 files per page by default.":
 * https://docs.github.com/rest/pulls/pulls#list-pull-requests-files, and the description of
 * `pulls/list-files` in @octokit/openapi). `changed_files` of `pulls/get` still counts them all.
 */
export const MAX_LISTED_FILES = 3000;

export const listPullFiles: Handler = (ctx) => {
  const pr = ctx.repo.pulls.get(Number(ctx.params.pull_number));
  if (!pr) return notFound();
  const listed = pr.files.slice(0, MAX_LISTED_FILES);
  const { items, headers } = paginate(ctx, listed, `/repos/${ctx.repo.fullName}/pulls/${pr.number}/files`);
  const head = treeOf(ctx.state, ctx.repo, pr.head.sha);
  return {
    status: 200,
    body: items.map((file) => ctx.repr.diffEntry(ctx.repo, pr, file, head?.get(file.filename))),
    headers,
  };
};
