import type { Review } from '../state.js';
import { error, type Handler, notFound, paginate } from './context.js';

const EVENTS: Record<string, Review['state']> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
};

export const listReviews: Handler = (ctx) => {
  const pr = ctx.repo.pulls.get(Number(ctx.params.pull_number));
  if (!pr) return notFound();
  const { items, headers } = paginate(ctx, pr.reviews, `/repos/${ctx.repo.fullName}/pulls/${pr.number}/reviews`);
  return { status: 200, body: items.map((r) => ctx.repr.review(ctx.repo, pr, r)), headers };
};

export const createReview: Handler = (ctx) => {
  const pr = ctx.repo.pulls.get(Number(ctx.params.pull_number));
  if (!pr) return notFound();
  const event = typeof ctx.body.event === 'string' ? ctx.body.event : undefined;
  const state = event ? EVENTS[event] : undefined;
  if (!state) return error(422, 'Unprocessable Entity: a review needs an event of APPROVE, REQUEST_CHANGES or COMMENT');
  if (pr.user.login === ctx.caller.login && state !== 'COMMENTED') {
    return error(422, 'Unprocessable Entity: Can not approve your own pull request');
  }
  const review: Review = {
    id: ctx.state.id(),
    user: ctx.caller,
    state,
    body: typeof ctx.body.body === 'string' ? ctx.body.body : '',
    commitId: typeof ctx.body.commit_id === 'string' ? ctx.body.commit_id : pr.head.sha,
    submittedAt: ctx.state.timestamp(),
  };
  pr.reviews.push(review);
  return { status: 200, body: ctx.repr.review(ctx.repo, pr, review) };
};

export const dismissReview: Handler = (ctx) => {
  const pr = ctx.repo.pulls.get(Number(ctx.params.pull_number));
  const review = pr?.reviews.find((r) => r.id === Number(ctx.params.review_id));
  if (!pr || !review) return notFound();
  if (review.state !== 'APPROVED' && review.state !== 'CHANGES_REQUESTED') {
    return error(422, `Unprocessable Entity: Can not dismiss a ${review.state.toLowerCase()} pull request review`);
  }
  review.state = 'DISMISSED';
  return { status: 200, body: ctx.repr.review(ctx.repo, pr, review) };
};
