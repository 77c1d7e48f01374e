import { delivery } from './delivery.js';
import { example } from './examples.js';
import { repository, stableId, user } from './repository.js';
import type { HeadRef, RepoRef, WebhookDelivery } from './types.js';

type Payload = Record<string, unknown>;

export interface PullRequestOptions {
  repo: RepoRef;
  number: number;
  head: HeadRef;
  base?: { ref: string; sha?: string };
  /** `closed` only: whether the pull request was merged. */
  merged?: boolean;
  mergedBy?: string;
  mergeCommitSha?: string;
  /** Who opened the pull request. Default: the repository owner. */
  user?: string;
  /** Who caused the event. Default: `user`. */
  sender?: string;
  title?: string;
  body?: string;
  /** `synchronize` only: the head before the push. */
  before?: string;
  labels?: string[];
  /** ISO time of the event. Default: a fixed time. */
  at?: string;
}

export type PullRequestAction = 'opened' | 'reopened' | 'synchronize' | 'closed';

/** The `pull_request` object of a payload, as GitHub sends it for these options. */
export function pullRequestObject(template: Payload, options: PullRequestOptions, state: 'open' | 'closed'): Payload {
  const fullName = `${options.repo.owner}/${options.repo.name}`;
  const base = repository(template.base ? ((template.base as Payload).repo as Payload) : {}, options.repo);
  const headRepo = options.head.repo ?? options.repo;
  const fork = `${headRepo.owner}/${headRepo.name}` !== fullName;
  const head = repository(((template.head as Payload).repo as Payload) ?? {}, headRepo, fork);
  const author = user(template.user as Payload, options.user ?? options.repo.owner);
  const at = options.at ?? '2023-08-02T10:58:00Z';
  const api = `https://api.github.com/repos/${fullName}`;
  const html = `https://github.com/${fullName}/pull/${options.number}`;
  const merged = state === 'closed' && options.merged === true;
  const id = stableId(`pr:${fullName}#${options.number}`);
  return {
    // Fields GitHub made required after some examples were recorded.
    active_lock_reason: null,
    auto_merge: null,
    ...template,
    url: `${api}/pulls/${options.number}`,
    id,
    node_id: Buffer.from(`PR_${id}`).toString('base64'),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${options.number}`,
    commits_url: `${api}/pulls/${options.number}/commits`,
    review_comments_url: `${api}/pulls/${options.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${options.number}/comments`,
    statuses_url: `${api}/statuses/${options.head.sha}`,
    number: options.number,
    state,
    locked: false,
    title: options.title ?? `Release ${options.head.ref}`,
    user: author,
    body: options.body ?? null,
    labels: (options.labels ?? []).map((name) => ({
      id: stableId(`label:${name}`),
      node_id: Buffer.from(`LA_${name}`).toString('base64'),
      url: `${api}/labels/${encodeURIComponent(name)}`,
      name,
      color: 'ededed',
      default: false,
      description: null,
    })),
    created_at: at,
    updated_at: at,
    closed_at: state === 'closed' ? at : null,
    merged_at: merged ? at : null,
    merge_commit_sha: merged ? (options.mergeCommitSha ?? null) : null,
    merged,
    merged_by: merged ? user(template.user as Payload, options.mergedBy ?? (author.login as string)) : null,
    draft: false,
    head: {
      ...(template.head as Payload),
      label: `${headRepo.owner}:${options.head.ref}`,
      ref: options.head.ref,
      sha: options.head.sha,
      user: head.owner,
      repo: head,
    },
    base: {
      ...(template.base as Payload),
      label: `${options.repo.owner}:${options.base?.ref ?? 'main'}`,
      ref: options.base?.ref ?? 'main',
      sha: options.base?.sha ?? 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      user: base.owner,
      repo: base,
    },
    _links: {
      self: { href: `${api}/pulls/${options.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${options.number}` },
      comments: { href: `${api}/issues/${options.number}/comments` },
      review_comments: { href: `${api}/pulls/${options.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${options.number}/commits` },
      statuses: { href: `${api}/statuses/${options.head.sha}` },
    },
  };
}

/**
 * A `pull_request` delivery, from GitHub's example for the action, rewritten to the options.
 *
 * @example
 * ```ts
 * const opened = pullRequestEvent('opened', {
 *   repo: { owner: 'weaveworks', name: 'weave-gitops' },
 *   number: 3906,
 *   head: { ref: 'releases/v0.29.0', sha: '03093a127262cad8f4c94caf8aa4262314a1cedd' },
 * });
 * // opened.payload.pull_request.head.sha === '03093a1...'
 * ```
 */
export function pullRequestEvent(
  action: PullRequestAction,
  options: PullRequestOptions,
): WebhookDelivery<'pull_request'> {
  const template = example('pull_request', action);
  const state = action === 'closed' ? 'closed' : 'open';
  const payload: Payload = {
    ...template,
    action,
    number: options.number,
    pull_request: pullRequestObject(template.pull_request as Payload, options, state),
    repository: repository(template.repository as Payload, options.repo),
    sender: user(template.sender as Payload, options.sender ?? options.user ?? options.repo.owner),
  };
  if (action === 'synchronize') {
    payload.before = options.before ?? template.before;
    payload.after = options.head.sha;
  }
  return delivery('pull_request', payload);
}
