import { delivery } from './delivery.js';
import { example } from './examples.js';
import { pullRequestObject } from './pull-request.js';
import { repository, user } from './repository.js';
import type { HeadRef, RepoRef, WebhookDelivery } from './types.js';

type Payload = Record<string, unknown>;

export interface ReviewOptions {
  repo: RepoRef;
  number: number;
  head: HeadRef;
  review: {
    id: number;
    state: 'approved' | 'changes_requested' | 'commented' | 'dismissed';
    user: string;
    /** The commit the review is on. Default: the head. */
    commitId?: string;
    authorAssociation?: 'OWNER' | 'MEMBER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'NONE';
    body?: string;
  };
  at?: string;
}

/** A `pull_request_review` delivery: `submitted` (approved, changes requested, commented) or `dismissed`. */
export function pullRequestReviewEvent(
  action: 'submitted' | 'dismissed',
  options: ReviewOptions,
): WebhookDelivery<'pull_request_review'> {
  const template = example('pull_request_review', action);
  const fullName = `${options.repo.owner}/${options.repo.name}`;
  const at = options.at ?? '2023-08-02T11:05:00Z';
  const html = `https://github.com/${fullName}/pull/${options.number}#pullrequestreview-${options.review.id}`;
  const review = template.review as Payload;
  const state = action === 'dismissed' ? 'dismissed' : options.review.state;
  const payload: Payload = {
    ...template,
    action,
    review: {
      ...review,
      id: options.review.id,
      node_id: Buffer.from(`PRR_${options.review.id}`).toString('base64'),
      user: user(review.user as Payload, options.review.user),
      body: options.review.body ?? null,
      commit_id: options.review.commitId ?? options.head.sha,
      submitted_at: at,
      state,
      html_url: html,
      pull_request_url: `https://api.github.com/repos/${fullName}/pulls/${options.number}`,
      author_association: options.review.authorAssociation ?? 'COLLABORATOR',
      _links: {
        html: { href: html },
        pull_request: { href: `https://api.github.com/repos/${fullName}/pulls/${options.number}` },
      },
    },
    pull_request: pullRequestObject(template.pull_request as Payload, { ...options, at }, 'open'),
    repository: repository(template.repository as Payload, options.repo),
    sender: user(template.sender as Payload, options.review.user),
  };
  return delivery('pull_request_review', payload);
}
