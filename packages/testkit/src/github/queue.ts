/**
 * GitHub's merge queue: a ruleset's `merge_queue` rule on a branch, the pull requests waiting in it, and
 * the merge group the queue builds for the first of them. Groups are sequential, one pull request each:
 * the queue builds the next group once the one before is merged or destroyed.
 */

import type { DequeueReason } from '../webhooks/pull-request.js';
import { treeOf } from './contents.js';
import { protectionBlocker, requiredContexts, settleAutoMerges } from './merge.js';
import { deliverMergeGroup, deliverPullRequest } from './queue-events.js';
import { effectiveProtection } from './rulesets.js';
import {
  type Account,
  atLeast,
  type GitHubState,
  type MergeQueueEntryRecord,
  type MergeQueueParameters,
  type MergeQueueRecord,
  type PullRequestRecord,
  type RepositoryRecord,
  shaOf,
} from './state.js';

/**
 * A new `merge_queue` rule's parameters where none are given: the values GitHub's ruleset form starts
 * with (merge commits, build concurrency 5, groups of 1 to 5 with a 5-minute wait, only non-failing pull
 * requests, a 60-minute status check timeout); the settings are described in "Managing a merge queue",
 * https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/configuring-pull-request-merges/managing-a-merge-queue.
 */
export const MERGE_QUEUE_DEFAULTS: Readonly<MergeQueueParameters> = {
  merge_method: 'MERGE',
  grouping_strategy: 'ALLGREEN',
  max_entries_to_build: 5,
  max_entries_to_merge: 5,
  min_entries_to_merge: 1,
  min_entries_to_merge_wait_minutes: 5,
  check_response_timeout_minutes: 60,
};

/** Where a pull request waits: its queue, its entry and its position (1 is next). */
export function queuedEntry(
  repo: RepositoryRecord,
  pr: PullRequestRecord,
): { queue: MergeQueueRecord; entry: MergeQueueEntryRecord; position: number } | undefined {
  const queue = repo.mergeQueues.get(pr.base.ref);
  const index = queue?.entries.findIndex((e) => e.number === pr.number) ?? -1;
  const entry = queue?.entries[index];
  return queue && entry ? { queue, entry, position: index + 1 } : undefined;
}

export type EnqueueOutcome =
  | { entry: MergeQueueEntryRecord }
  | { refused: string; type: 'FORBIDDEN' | 'UNPROCESSABLE' };

/**
 * Adds `pr` to the queue of its base branch, as `enqueuePullRequest` (or auto-merge on a queued branch)
 * does: it must be open, at `expectedHeadOid` when one is given, and pass branch protection ("Once a pull
 * request has passed all required branch protection checks, a user with write access to the repository
 * can add the pull request to the queue", "Merging a pull request with a merge queue" in GitHub's docs).
 * A pull request already queued keeps its entry. `jump` puts it first, invalidating the group built for
 * the entry it overtakes.
 */
export function enqueue(
  state: GitHubState,
  repo: RepositoryRecord,
  pr: PullRequestRecord,
  enqueuer: Account,
  options: { jump?: boolean; expectedHeadOid?: string } = {},
): EnqueueOutcome {
  if (!atLeast(state.permission(repo, enqueuer.login), 'write')) {
    return { refused: 'Resource not accessible by integration', type: 'FORBIDDEN' };
  }
  const queue = repo.mergeQueues.get(pr.base.ref);
  if (!queue)
    return { refused: `The merge queue is not enabled for the base branch ${pr.base.ref}`, type: 'UNPROCESSABLE' };
  if (pr.state !== 'open') return { refused: 'Pull request is closed', type: 'UNPROCESSABLE' };
  if (options.expectedHeadOid !== undefined && options.expectedHeadOid !== pr.head.sha) {
    return { refused: 'Head sha did not match expected head sha', type: 'UNPROCESSABLE' };
  }
  const queued = queuedEntry(repo, pr);
  if (queued) return { entry: queued.entry };
  // github/app#93 quotes the refusal of a pull request protection still holds back: "Pull request Waiting
  // on code owner review from …".
  const blocker = protectionBlocker(repo, pr);
  if (blocker) return { refused: `Pull request ${blocker}`, type: 'UNPROCESSABLE' };
  const entry: MergeQueueEntryRecord = {
    id: state.id(),
    number: pr.number,
    enqueuer,
    enqueuedAt: state.timestamp(),
    headSha: pr.head.sha,
    jump: options.jump ?? false,
    group: null,
  };
  pr.autoMerge = null;
  const overtaken = options.jump ? queue.entries[0] : undefined;
  if (options.jump) queue.entries.unshift(entry);
  else queue.entries.push(entry);
  deliverPullRequest(state, repo, pr, 'enqueued', enqueuer.login);
  if (overtaken?.group) destroyGroup(state, repo, queue, overtaken, 'invalidated');
  buildGroup(state, repo, queue);
  return { entry };
}

/**
 * Takes `pr` out of its queue for `reason` (its group, if built, is destroyed as `dequeued`), delivering
 * `pull_request` `dequeued` as `sender`; returns the entry it had, or undefined when it was not queued.
 */
export function dequeue(
  state: GitHubState,
  repo: RepositoryRecord,
  pr: PullRequestRecord,
  reason: DequeueReason,
  sender: Account,
): MergeQueueEntryRecord | undefined {
  const queued = queuedEntry(repo, pr);
  if (!queued) return undefined;
  const { queue, entry } = queued;
  queue.entries.splice(queue.entries.indexOf(entry), 1);
  if (entry.group) destroyGroup(state, repo, queue, entry, 'dequeued');
  deliverPullRequest(state, repo, pr, 'dequeued', sender.login, reason);
  buildGroup(state, repo, queue);
  return entry;
}

/** The queue builds a group for its first entry when it has none: a new commit on the base as it is now. */
function buildGroup(state: GitHubState, repo: RepositoryRecord, queue: MergeQueueRecord): void {
  const entry = queue.entries[0];
  const pr = entry && repo.pulls.get(entry.number);
  if (!entry || entry.group || !pr) return;
  const baseSha = repo.branches.get(queue.branch) ?? pr.base.sha;
  // Each group is a new commit (its committer date differs), even of the same head on the same base: a
  // status written on an earlier group's commit does not stand on the next one.
  const headSha = shaOf(
    `merge-group:${repo.fullName}:${queue.branch}:${pr.number}:${entry.headSha}:${baseSha}:${state.id()}`,
  );
  // "The merge queue creates temporary branches with a special prefix", gh-readonly-queue/{base_branch}
  // ("Managing a merge queue"); the example merge_group payload names one
  // refs/heads/gh-readonly-queue/main/pr-104-<head sha>.
  const branch = `gh-readonly-queue/${queue.branch}/pr-${pr.number}-${entry.headSha}`;
  entry.group = { headSha, headRef: `refs/heads/${branch}`, baseSha, createdAt: state.timestamp() };
  repo.branches.set(branch, headSha);
  const files = treeOf(state, repo, entry.headSha);
  if (files && !repo.trees.has(headSha)) repo.trees.set(headSha, new Map(files));
  deliverMergeGroup(state, repo, queue.branch, entry);
}

function destroyGroup(
  state: GitHubState,
  repo: RepositoryRecord,
  queue: MergeQueueRecord,
  entry: MergeQueueEntryRecord,
  reason: 'merged' | 'invalidated' | 'dequeued',
): void {
  if (!entry.group) return;
  repo.branches.delete(entry.group.headRef.replace(/^refs\/heads\//, ''));
  deliverMergeGroup(state, repo, queue.branch, entry, reason);
  entry.group = null;
}

/**
 * The queue's merge of its first group: the base branch fast-forwards to the group's commit ("Once CI
 * checks pass, GitHub merges the pull request by fast-forwarding the default branch", "Using a merge
 * queue" in GitHub's docs), which becomes the pull request's `merge_commit_sha`. `merged_by` is whoever
 * queued it, not the queue's bot: "merged_by is the human who queued the PR, not the queue bot"
 * (IBM/mcp-context-forge#5483, which also finds the `merged` timeline event before
 * `removed_from_merge_queue`: the deliveries are `closed`, then `dequeued` with reason MERGE).
 */
function mergeGroup(state: GitHubState, repo: RepositoryRecord, queue: MergeQueueRecord, entry: MergeQueueEntryRecord) {
  const pr = repo.pulls.get(entry.number);
  const group = entry.group;
  if (!pr || !group) return;
  const now = state.timestamp();
  repo.branches.set(queue.branch, group.headSha);
  Object.assign(pr, {
    merged: true,
    state: 'closed',
    mergedAt: now,
    closedAt: now,
    updatedAt: now,
    mergedBy: entry.enqueuer,
    mergeCommitSha: group.headSha,
    autoMerge: null,
  });
  queue.entries.shift();
  destroyGroup(state, repo, queue, entry, 'merged');
  deliverPullRequest(state, repo, pr, 'closed', entry.enqueuer.login);
  deliverPullRequest(state, repo, pr, 'dequeued', entry.enqueuer.login, 'MERGE');
}

/**
 * Moves the queues on: a group whose required contexts (branch protection's, on the group's commit) all
 * succeeded merges; one with a failed context is removed (CI_FAILURE); a pull request closed or merged
 * outside the queue leaves it. Then the next group is built. Only `repo` and `branch` when given.
 */
export function settleMergeQueues(state: GitHubState, repo?: RepositoryRecord, branch?: string): void {
  for (const record of repo ? [repo] : state.repositories.values()) {
    for (const queue of record.mergeQueues.values()) {
      if (branch === undefined || queue.branch === branch) settleQueue(state, record, queue);
    }
  }
}

function settleQueue(state: GitHubState, repo: RepositoryRecord, queue: MergeQueueRecord): void {
  for (;;) {
    const entry = queue.entries[0];
    const pr = entry && repo.pulls.get(entry.number);
    if (!entry || !pr) return;
    if (pr.state !== 'open') {
      dequeue(state, repo, pr, pr.merged ? 'ALREADY_MERGED' : 'UNKNOWN_REMOVAL_REASON', entry.enqueuer);
      continue;
    }
    buildGroup(state, repo, queue);
    const group = entry.group;
    if (!group) return;
    const protection = effectiveProtection(repo, queue.branch);
    const contexts = protection ? requiredContexts(repo, protection, group.headSha) : [];
    if (contexts.some((c) => c.state === 'failure')) {
      // The queue's own bot removes it ("the PR is removed by `github-merge-queue[bot]`", imbue-ai/sculptor#393).
      dequeue(state, repo, pr, 'CI_FAILURE', state.account('github-merge-queue[bot]'));
    } else if (contexts.every((c) => c.state === 'success')) {
      mergeGroup(state, repo, queue, entry);
    } else return;
  }
}

/**
 * Everything that happens once state changed: auto-merge on a branch that requires a merge queue adds the
 * pull request to the queue once protection is satisfied ("GitHub will automatically add the pull request
 * to the merge queue once required approval and status checks conditions are met", "Merging a pull
 * request with a merge queue"; `enablePullRequestAutoMerge` documents that "when merging with a merge
 * queue any input value for merge method is ignored", and `gh pr merge` enables auto-merge there while
 * checks are pending, cli/cli#6097); the queues move on; elsewhere auto-merge merges.
 */
export function settle(state: GitHubState): void {
  for (const repo of state.repositories.values()) {
    for (const pr of repo.pulls.values()) {
      if (pr.autoMerge && pr.state === 'open' && repo.mergeQueues.has(pr.base.ref) && !protectionBlocker(repo, pr)) {
        enqueue(state, repo, pr, pr.autoMerge.enabledBy);
      }
    }
  }
  settleMergeQueues(state);
  settleAutoMerges(state);
}
