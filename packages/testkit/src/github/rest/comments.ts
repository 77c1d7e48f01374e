import type { IssueCommentRecord } from '../state.js';
import { error, type Handler, notFound, paginate } from './context.js';

const MAX_BODY = 65_536;

export const listComments: Handler = (ctx) => {
  const number = Number(ctx.params.issue_number);
  if (!ctx.repo.pulls.has(number)) return notFound();
  const all = ctx.repo.comments.filter((c) => c.issueNumber === number);
  const { items, headers } = paginate(ctx, all, `/repos/${ctx.repo.fullName}/issues/${number}/comments`);
  return { status: 200, body: items.map((c) => ctx.repr.comment(ctx.repo, c)), headers };
};

export const createComment: Handler = (ctx) => {
  const number = Number(ctx.params.issue_number);
  if (!ctx.repo.pulls.has(number)) return notFound();
  const body = String(ctx.body.body ?? '');
  if (body.length > MAX_BODY)
    return error(422, `Validation Failed: body is too long (maximum is ${MAX_BODY} characters)`);
  const now = ctx.state.timestamp();
  const comment: IssueCommentRecord = {
    id: ctx.state.id(),
    issueNumber: number,
    body,
    user: ctx.caller,
    createdAt: now,
    updatedAt: now,
  };
  ctx.repo.comments.push(comment);
  return {
    status: 201,
    body: ctx.repr.comment(ctx.repo, comment),
    headers: { location: `${ctx.url}/repos/${ctx.repo.fullName}/issues/comments/${comment.id}` },
  };
};

export const updateComment: Handler = (ctx) => {
  const comment = ctx.repo.comments.find((c) => c.id === Number(ctx.params.comment_id));
  if (!comment) return notFound();
  const body = String(ctx.body.body ?? '');
  if (body.length > MAX_BODY)
    return error(422, `Validation Failed: body is too long (maximum is ${MAX_BODY} characters)`);
  comment.body = body;
  comment.updatedAt = ctx.state.timestamp();
  comment.editor = ctx.caller;
  return { status: 200, body: ctx.repr.comment(ctx.repo, comment) };
};

export const addLabels: Handler = (ctx) => {
  const pr = ctx.repo.pulls.get(Number(ctx.params.issue_number));
  if (!pr) return notFound();
  const given = Array.isArray(ctx.body.labels)
    ? ctx.body.labels
    : Array.isArray(ctx.body)
      ? (ctx.body as unknown[])
      : [];
  for (const label of given) {
    const name = typeof label === 'string' ? label : String((label as { name?: string }).name ?? '');
    if (name && !pr.labels.includes(name)) pr.labels.push(name);
  }
  return { status: 200, body: pr.labels.map((name) => ctx.repr.label(ctx.repo, name)) };
};

export const removeLabel: Handler = (ctx) => {
  const pr = ctx.repo.pulls.get(Number(ctx.params.issue_number));
  if (!pr) return notFound();
  const name = ctx.params.name ?? '';
  if (!pr.labels.includes(name)) return error(404, 'Label does not exist');
  pr.labels = pr.labels.filter((l) => l !== name);
  return { status: 200, body: pr.labels.map((l) => ctx.repr.label(ctx.repo, l)) };
};
