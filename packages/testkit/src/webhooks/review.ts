import { delivery } from './delivery.js';
import { example } from './examples.js';
import { nodeId } from './ids.js';
import { type PullRequestOptions, pullRequestObject } from './pull-request.js';
import { envelope, fullName } from './repository.js';
import type { AuthorAssociation, Payload, WebhookDelivery } from './types.js';
import { user } from './user.js';

/** The state of a review as webhooks spell it. */
export type ReviewState = 'approved' | 'changes_requested' | 'commented' | 'dismissed';

/** What `pullRequestReviewEvent` is built from: the open pull request, and the review. */
export interface ReviewOptions
  extends Pick<PullRequestOptions, 'repo' | 'number' | 'head' | 'base' | 'user' | 'title'> {
  review: {
    id: number;
    /** `submitted`: approved, changes requested or commented. A `dismissed` delivery always says `dismissed`. */
    state: ReviewState;
    user: string;
    /** The commit the review is on. Default: the head. */
    commitId?: string;
    /** Default: `OWNER` when the reviewer owns the repository, else `COLLABORATOR`. */
    authorAssociation?: AuthorAssociation;
    body?: string;
  };
  /** Who caused the event (who dismissed, for `dismissed`). Default: the reviewer. */
  sender?: string;
  /** ISO time of the review. Default: a fixed time. */
  at?: string;
}

/**
 * A `pull_request_review` delivery: `submitted` (approved, changes requested, commented) or `dismissed`.
 * The examples have no approval: it is built from the submitted one.
 */
export function pullRequestReviewEvent(
  action: 'submitted' | 'dismissed',
  options: ReviewOptions,
): WebhookDelivery<'pull_request_review'> {
  const { review } = options;
  if (action === 'submitted' && review.state === 'dismissed') {
    throw new RangeError('a submitted review is approved, changes_requested or commented');
  }
  const template = example('pull_request_review', action);
  const name = fullName(options.repo);
  const at = options.at ?? '2023-08-02T11:05:00Z';
  const pull = `https://api.github.com/repos/${name}/pulls/${options.number}`;
  const html = `https://github.com/${name}/pull/${options.number}#pullrequestreview-${review.id}`;
  const reviewTemplate = template.review as Payload;
  const payload: Payload = {
    ...envelope(template, options.repo, options.sender ?? review.user),
    action,
    review: {
      ...reviewTemplate,
      id: review.id,
      node_id: nodeId('PullRequestReview', review.id),
      user: user(reviewTemplate.user as Payload, review.user),
      body: review.body ?? null,
      commit_id: review.commitId ?? options.head.sha,
      submitted_at: at,
      state: action === 'dismissed' ? 'dismissed' : review.state,
      html_url: html,
      pull_request_url: pull,
      author_association: review.authorAssociation ?? (review.user === options.repo.owner ? 'OWNER' : 'COLLABORATOR'),
      _links: { html: { href: html }, pull_request: { href: pull } },
    },
    pull_request: pullRequestObject(template.pull_request as Payload, { ...options, at }, 'open'),
  };
  return delivery('pull_request_review', payload);
}
