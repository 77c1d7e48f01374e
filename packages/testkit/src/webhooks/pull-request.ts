import { delivery } from './delivery.js';
import { example } from './examples.js';
import { defaultBaseSha, nodeId, pullRequestId, stableId, stableSha } from './ids.js';
import { envelope, fullName, repository } from './repository.js';
import type { AuthorAssociation, HeadRef, Payload, RepoRef, WebhookDelivery } from './types.js';
import { user } from './user.js';

/** What `pullRequestEvent` (and the pull request inside `pullRequestReviewEvent`) is built from. */
export interface PullRequestOptions {
  repo: RepoRef;
  number: number;
  head: HeadRef;
  /** Default: `repo`'s default branch at a SHA derived from it. */
  base?: { ref: string; sha?: string };
  /** `closed` only: whether the pull request was merged. */
  merged?: boolean;
  /** Who merged it. Default: `user`. */
  mergedBy?: string;
  /** Default: a SHA derived from the repository and number. */
  mergeCommitSha?: string;
  /** Who opened the pull request. Default: the owner of the head repository. */
  user?: string;
  /** Default: `OWNER` when `user` owns `repo`, else `NONE`. */
  authorAssociation?: AuthorAssociation;
  /** Who caused the event. Default: `mergedBy` for a merge, else `user`. */
  sender?: string;
  title?: string;
  body?: string;
  /** `synchronize` only: the head before the push. Default: a SHA derived from the head. */
  before?: string;
  labels?: string[];
  /** `edited` only: what changed (default nothing). The pull request itself carries the new values. */
  changes?: PullRequestChanges;
  /** `dequeued` only (and required there): why the pull request left the merge queue. */
  reason?: DequeueReason;
  /** ISO time of the event. Default: a fixed time. */
  at?: string;
}

/** The `pull_request` actions release automation reacts to; `enqueued` and `dequeued` are the merge queue's. */
export type PullRequestAction = 'opened' | 'reopened' | 'synchronize' | 'closed' | 'edited' | 'enqueued' | 'dequeued';

/**
 * Why a pull request left the merge queue, as the `reason` of a `pull_request` `dequeued` delivery spells
 * it (`webhook-pull-request-dequeued` of @octokit/openapi-webhooks 12.1.0).
 */
export type DequeueReason =
  | 'UNKNOWN_REMOVAL_REASON'
  | 'MANUAL'
  | 'MERGE'
  | 'MERGE_CONFLICT'
  | 'CI_FAILURE'
  | 'CI_TIMEOUT'
  | 'ALREADY_MERGED'
  | 'QUEUE_CLEARED'
  | 'ROLL_BACK'
  | 'BRANCH_PROTECTIONS'
  | 'GIT_TREE_INVALID'
  | 'INVALID_MERGE_COMMIT';
/** `edited` only: what the edit changed, each with the value it had before, as GitHub's `changes` spells it. */
export interface PullRequestChanges {
  title?: { from: string };
  body?: { from: string };
  base?: { ref: { from: string }; sha: { from: string } };
}

/** The `pull_request` object of a payload, as GitHub sends it for these options. */
export function pullRequestObject(template: Payload, options: PullRequestOptions, state: 'open' | 'closed'): Payload {
  const { repo, number, head } = options;
  const name = fullName(repo);
  const headRepo = head.repo ?? repo;
  const baseRepository = repository((template.base as Payload).repo as Payload, repo);
  const headRepository = repository((template.head as Payload).repo as Payload, headRepo, fullName(headRepo) !== name);
  const login = options.user ?? headRepo.owner;
  const baseRef = options.base?.ref ?? repo.defaultBranch ?? 'main';
  const merged = state === 'closed' && options.merged === true;
  const at = options.at ?? '2023-08-02T10:58:00Z';
  const api = `https://api.github.com/repos/${name}`;
  const html = `https://github.com/${name}/pull/${number}`;
  const id = pullRequestId(name, number);
  return {
    ...template,
    url: `${api}/pulls/${number}`,
    id,
    node_id: nodeId('PullRequest', id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${number}`,
    commits_url: `${api}/pulls/${number}/commits`,
    review_comments_url: `${api}/pulls/${number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${number}/comments`,
    statuses_url: `${api}/statuses/${head.sha}`,
    number,
    state,
    locked: false,
    // Required since some examples were recorded, or naming the example's people: a fresh pull request has none.
    active_lock_reason: null,
    auto_merge: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    milestone: null,
    draft: false,
    title: options.title ?? `Release ${head.ref}`,
    user: user(template.user as Payload, login),
    author_association: options.authorAssociation ?? (login === repo.owner ? 'OWNER' : 'NONE'),
    body: options.body ?? null,
    labels: (options.labels ?? []).map((label) => {
      const labelId = stableId(`label:${name}:${label}`);
      return {
        id: labelId,
        node_id: nodeId('Label', labelId),
        url: `${api}/labels/${encodeURIComponent(label)}`,
        name: label,
        color: 'ededed',
        default: false,
        description: null,
      };
    }),
    created_at: at,
    updated_at: at,
    closed_at: state === 'closed' ? at : null,
    merged_at: merged ? at : null,
    merge_commit_sha: merged ? (options.mergeCommitSha ?? stableSha(`merge:${name}#${number}`)) : null,
    merged,
    merged_by: merged ? user(template.user as Payload, options.mergedBy ?? login) : null,
    head: {
      ...(template.head as Payload),
      label: `${headRepo.owner}:${head.ref}`,
      ref: head.ref,
      sha: head.sha,
      user: headRepository.owner,
      repo: headRepository,
    },
    base: {
      ...(template.base as Payload),
      label: `${repo.owner}:${baseRef}`,
      ref: baseRef,
      sha: options.base?.sha ?? defaultBaseSha(name, baseRef),
      user: baseRepository.owner,
      repo: baseRepository,
    },
    _links: {
      self: { href: `${api}/pulls/${number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${number}` },
      comments: { href: `${api}/issues/${number}/comments` },
      review_comments: { href: `${api}/pulls/${number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${number}/commits` },
      statuses: { href: `${api}/statuses/${head.sha}` },
    },
  };
}

/**
 * A `pull_request` delivery, from GitHub's example for the action, rewritten to the options. A `head.repo`
 * other than `repo` makes a fork pull request; `closed` with `merged: true` a merge (the examples have
 * none: it is built from the closed one). The examples have no `enqueued` or `dequeued` either: those are
 * built from the opened one, `dequeued` with its `reason`.
 *
 * @example
 * ```ts
 * const merged = pullRequestEvent('closed', {
 *   repo: { owner: 'weaveworks', name: 'weave-gitops' },
 *   number: 3906,
 *   head: { ref: 'releases/v0.29.0', sha: '03093a127262cad8f4c94caf8aa4262314a1cedd' },
 *   merged: true,
 *   mergedBy: 'release-bot',
 * });
 * // merged.name === 'pull_request'
 * // merged.payload.pull_request.merged_by.login === 'release-bot'
 * ```
 */
export function pullRequestEvent(
  action: PullRequestAction,
  options: PullRequestOptions,
): WebhookDelivery<'pull_request'> {
  // The queue's merge closes the pull request, then removes it from the queue (dequeued, reason MERGE).
  const mergedDequeue = action === 'dequeued' && options.reason === 'MERGE';
  if (options.merged && action !== 'closed' && !mergedDequeue) {
    throw new RangeError(`a pull request is merged when closed (or dequeued for its merge), not ${action}`);
  }
  if ((action === 'dequeued') !== (options.reason !== undefined)) {
    throw new RangeError(`a reason belongs to a dequeued pull request, and a dequeued one needs one (${action})`);
  }
  if (options.changes && action !== 'edited') throw new RangeError(`changes come with edited, not ${action}`);
  // @octokit/webhooks-examples has no edited, enqueued or dequeued example: their pull request is the one
  // an opened payload carries.
  const fromOpened = action === 'enqueued' || action === 'dequeued' || action === 'edited';
  const template = example('pull_request', fromOpened ? 'opened' : action);
  const author = options.user ?? (options.head.repo ?? options.repo).owner;
  const sender = options.sender ?? (options.merged ? (options.mergedBy ?? author) : author);
  const payload: Payload = {
    ...envelope(template, options.repo, sender),
    action,
    number: options.number,
    pull_request: pullRequestObject(
      template.pull_request as Payload,
      options,
      action === 'closed' || (mergedDequeue && options.merged) ? 'closed' : 'open',
    ),
  };
  if (action === 'edited') payload.changes = options.changes ?? {};
  if (options.reason) payload.reason = options.reason;
  if (action === 'synchronize') {
    payload.before = options.before ?? stableSha(`before:${options.head.sha}`);
    payload.after = options.head.sha;
  }
  return delivery('pull_request', payload);
}
