import type { CommitStatusRecord, RepositoryRecord } from '../state.js';
import { error, type Handler, paginate } from './context.js';

type State = CommitStatusRecord['state'];

/** The latest status per context on `sha`, newest first. */
export function latestStatuses(repo: RepositoryRecord, sha: string): CommitStatusRecord[] {
  const latest = new Map<string, CommitStatusRecord>();
  for (const status of repo.statuses) if (status.sha === sha) latest.set(status.context, status);
  return [...latest.values()].reverse();
}

/** GitHub's combined state: any failure or error -> failure; any pending, or none -> pending; else success. */
export function combinedState(statuses: readonly CommitStatusRecord[]): State | 'failure' {
  if (statuses.some((s) => s.state === 'failure' || s.state === 'error')) return 'failure';
  if (statuses.length === 0 || statuses.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

const MAX_PER_CONTEXT = 1000;

export const createCommitStatus: Handler = (ctx) => {
  const { sha = '' } = ctx.params;
  const context = typeof ctx.body.context === 'string' ? ctx.body.context : 'default';
  const count = ctx.repo.statuses.filter((s) => s.sha === sha && s.context === context).length;
  if (count >= MAX_PER_CONTEXT) {
    return error(422, `This SHA and context has reached the maximum number of statuses (${MAX_PER_CONTEXT}).`);
  }
  const status: CommitStatusRecord = {
    id: ctx.state.id(),
    sha,
    state: ctx.body.state as State,
    description: typeof ctx.body.description === 'string' ? ctx.body.description : null,
    targetUrl: typeof ctx.body.target_url === 'string' ? ctx.body.target_url : null,
    context,
    creator: ctx.caller,
    createdAt: ctx.state.timestamp(),
  };
  ctx.repo.statuses.push(status);
  return { status: 201, body: ctx.repr.status(ctx.repo, status) };
};

export const listCommitStatusesForRef: Handler = (ctx) => {
  const sha = resolveRef(ctx.repo, ctx.params.ref ?? '');
  const all = ctx.repo.statuses.filter((s) => s.sha === sha).reverse();
  const { items, headers } = paginate(ctx, all, `/repos/${ctx.repo.fullName}/commits/${ctx.params.ref}/statuses`);
  return { status: 200, body: items.map((s) => ctx.repr.status(ctx.repo, s)), headers };
};

export const getCombinedStatusForRef: Handler = (ctx) => {
  const sha = resolveRef(ctx.repo, ctx.params.ref ?? '');
  const latest = latestStatuses(ctx.repo, sha);
  return {
    status: 200,
    body: {
      state: combinedState(latest),
      statuses: latest.map((s) => ctx.repr.simpleStatus(ctx.repo, s)),
      sha,
      total_count: latest.length,
      repository: ctx.repr.minimalRepository(ctx.repo),
      commit_url: `${ctx.url}/repos/${ctx.repo.fullName}/commits/${sha}`,
      url: `${ctx.url}/repos/${ctx.repo.fullName}/commits/${sha}/status`,
    },
  };
};

/** A ref of the REST paths: a SHA, or a branch name (the head of an open pull request with that branch). */
export function resolveRef(repo: RepositoryRecord, ref: string): string {
  const branch = ref.replace(/^(refs\/)?heads\//, '');
  const pr = [...repo.pulls.values()].find((p) => p.head.ref === branch && p.state === 'open');
  return pr ? pr.head.sha : ref;
}
