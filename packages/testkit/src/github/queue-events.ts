/**
 * The webhook deliveries the merge queue produces, built with the testkit's own payload builders from the
 * emulator's records: `pull_request` `enqueued`, `dequeued` and `closed`, and `merge_group`
 * `checks_requested` and `destroyed`.
 */

import { type MergeGroupDestroyReason, mergeGroupEvent } from '../webhooks/merge-group.js';
import { type DequeueReason, type PullRequestAction, pullRequestEvent } from '../webhooks/pull-request.js';
import type { RepoRef } from '../webhooks/types.js';
import type { GitHubState, MergeQueueEntryRecord, PullRequestRecord, RepositoryRecord } from './state.js';

function repoRef(repo: RepositoryRecord): RepoRef {
  return { owner: repo.owner.login, name: repo.name, id: repo.id, defaultBranch: repo.defaultBranch };
}

/** Delivers a `pull_request` event of `pr` as it is now, caused by `sender`. */
export function deliverPullRequest(
  state: GitHubState,
  repo: RepositoryRecord,
  pr: PullRequestRecord,
  action: PullRequestAction,
  sender: string,
  reason?: DequeueReason,
): void {
  const headRepo = state.repository(pr.head.repo);
  const fork = headRepo && headRepo !== repo ? repoRef(headRepo) : undefined;
  const event = pullRequestEvent(action, {
    repo: repoRef(repo),
    number: pr.number,
    head: { ref: pr.head.ref, sha: pr.head.sha, ...(fork ? { repo: fork } : {}) },
    base: { ref: pr.base.ref, sha: pr.base.sha },
    user: pr.user.login,
    title: pr.title,
    body: pr.body,
    labels: pr.labels,
    sender,
    at: state.timestamp(),
    ...(pr.merged
      ? { merged: true, mergedBy: pr.mergedBy?.login, mergeCommitSha: pr.mergeCommitSha ?? undefined }
      : {}),
    ...(reason ? { reason } : {}),
  });
  state.deliver(repo, event);
}

/** Delivers a `merge_group` event of the entry's group: `checks_requested`, or `destroyed` with `reason`. */
export function deliverMergeGroup(
  state: GitHubState,
  repo: RepositoryRecord,
  branch: string,
  entry: MergeQueueEntryRecord,
  reason?: MergeGroupDestroyReason,
): void {
  const { group } = entry;
  if (!group) return;
  const options = {
    repo: repoRef(repo),
    number: entry.number,
    prHeadSha: entry.headSha,
    headSha: group.headSha,
    baseRef: branch,
    baseSha: group.baseSha,
    sender: entry.enqueuer.login,
    at: group.createdAt,
  };
  state.deliver(
    repo,
    reason ? mergeGroupEvent('destroyed', { ...options, reason }) : mergeGroupEvent('checks_requested', options),
  );
}
