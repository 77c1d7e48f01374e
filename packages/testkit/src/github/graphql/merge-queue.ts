/**
 * The merge queue in GraphQL: `MergeQueue` (a branch's queue, its entries and configuration),
 * `MergeQueueEntry`, the pull request's queue fields, and the `enqueuePullRequest` and
 * `dequeuePullRequest` mutations.
 */

import { dequeue, enqueue, queuedEntry } from '../queue.js';
import { nodeId } from '../representations/repository.js';
import type { MergeQueueEntryRecord, MergeQueueRecord, RepositoryRecord } from '../state.js';
import {
  actor,
  type Context,
  GitHubAnswer,
  type PageArgs,
  type PullRequestObject,
  page,
  prObject,
  repoObject,
  requirePullRequest,
} from './context.js';

type QueueObject = { repo: RepositoryRecord; queue: MergeQueueRecord };
type EntryObject = QueueObject & { entry: MergeQueueEntryRecord };

const queueObject = (repo: RepositoryRecord, queue: MergeQueueRecord | undefined): QueueObject | null =>
  queue ? { repo, queue } : null;

/**
 * An entry's state: the first, whose group is being built, is AWAITING_CHECKS; the entries behind it wait
 * as QUEUED (groups are sequential). A group that merges leaves the queue at once, so MERGEABLE,
 * UNMERGEABLE and LOCKED are never seen.
 */
const entryState = ({ entry }: EntryObject) => (entry.group ? 'AWAITING_CHECKS' : 'QUEUED');

/** The queue fields of `PullRequest`. */
export const pullRequestQueueFields = {
  isMergeQueueEnabled: ({ repo, pr }: PullRequestObject) => repo.mergeQueues.has(pr.base.ref),
  isInMergeQueue: ({ repo, pr }: PullRequestObject) => queuedEntry(repo, pr) !== undefined,
  mergeQueue: ({ repo, pr }: PullRequestObject) => queueObject(repo, repo.mergeQueues.get(pr.base.ref)),
  mergeQueueEntry: ({ repo, pr }: PullRequestObject) => {
    const queued = queuedEntry(repo, pr);
    return queued ? { repo, queue: queued.queue, entry: queued.entry } : null;
  },
};

/** `Repository.mergeQueue(branch:)`: the queue of the branch (default: the default branch), or null. */
export const repositoryMergeQueue = ({ repo }: { repo: RepositoryRecord }, args: { branch?: string }) =>
  queueObject(repo, repo.mergeQueues.get(args.branch ?? repo.defaultBranch));

export const mergeQueueResolvers = {
  MergeQueue: {
    id: ({ queue }: QueueObject) => nodeId('MergeQueue', queue.id),
    entries: ({ repo, queue }: QueueObject, args: PageArgs) =>
      page(
        queue.entries.map((entry) => ({ repo, queue, entry })),
        args,
      ),
    configuration: ({ queue }: QueueObject) => queue.parameters,
    repository: ({ repo }: QueueObject) => repoObject(repo),
    url: ({ repo, queue }: QueueObject) =>
      `https://github.com/${repo.fullName}/queue/${encodeURIComponent(queue.branch)}`,
    resourcePath: ({ repo, queue }: QueueObject) => `/${repo.fullName}/queue/${encodeURIComponent(queue.branch)}`,
    // GitHub's estimates are not modelled.
    nextEntryEstimatedTimeToMerge: () => null,
  },
  MergeQueueConfiguration: {
    checkResponseTimeout: (p: MergeQueueRecord['parameters']) => p.check_response_timeout_minutes,
    maximumEntriesToBuild: (p: MergeQueueRecord['parameters']) => p.max_entries_to_build,
    maximumEntriesToMerge: (p: MergeQueueRecord['parameters']) => p.max_entries_to_merge,
    minimumEntriesToMerge: (p: MergeQueueRecord['parameters']) => p.min_entries_to_merge,
    minimumEntriesToMergeWaitTime: (p: MergeQueueRecord['parameters']) => p.min_entries_to_merge_wait_minutes,
    mergeMethod: (p: MergeQueueRecord['parameters']) => p.merge_method,
    mergingStrategy: (p: MergeQueueRecord['parameters']) => p.grouping_strategy,
  },
  MergeQueueEntry: {
    id: ({ entry }: EntryObject) => nodeId('MergeQueueEntry', entry.id),
    state: entryState,
    position: ({ queue, entry }: EntryObject) => queue.entries.indexOf(entry) + 1,
    // The pull request's head when it was queued, and the base its group was built on (or the base as it is).
    headCommit: ({ repo, entry }: EntryObject) => ({ repo, sha: entry.headSha }),
    baseCommit: ({ repo, queue, entry }: EntryObject) => {
      const sha = entry.group?.baseSha ?? repo.branches.get(queue.branch) ?? repo.pulls.get(entry.number)?.base.sha;
      return sha ? { repo, sha } : null;
    },
    enqueuedAt: ({ entry }: EntryObject) => entry.enqueuedAt,
    enqueuer: ({ entry }: EntryObject) => actor(entry.enqueuer),
    estimatedTimeToMerge: () => null,
    jump: ({ entry }: EntryObject) => entry.jump,
    solo: () => false,
    mergeQueue: ({ repo, queue }: EntryObject) => ({ repo, queue }),
    pullRequest: ({ repo, entry }: EntryObject) => {
      const pr = repo.pulls.get(entry.number);
      return pr ? prObject(repo, pr) : null;
    },
  },
};

type QueueInput<T> = { input: T & { clientMutationId?: string } };

/** The queue's mutations, answering `{ mergeQueueEntry, clientMutationId }`. */
export const mergeQueueMutations = {
  enqueuePullRequest: (
    _: unknown,
    { input }: QueueInput<{ pullRequestId: string; expectedHeadOid?: string; jump?: boolean }>,
    { caller, state }: Context,
  ) => {
    const { repo, pr } = requirePullRequest(state, input.pullRequestId);
    const outcome = enqueue(state, repo, pr, caller, {
      jump: input.jump ?? false,
      expectedHeadOid: input.expectedHeadOid,
    });
    if ('refused' in outcome) throw new GitHubAnswer(outcome.refused, outcome.type);
    const queue = repo.mergeQueues.get(pr.base.ref) as MergeQueueRecord;
    return { mergeQueueEntry: { repo, queue, entry: outcome.entry }, clientMutationId: input.clientMutationId ?? null };
  },
  // `id` is the pull request's node id ("The ID of the pull request to be dequeued").
  dequeuePullRequest: (_: unknown, { input }: QueueInput<{ id: string }>, { caller, state }: Context) => {
    const { repo, pr } = requirePullRequest(state, input.id);
    const queue = repo.mergeQueues.get(pr.base.ref);
    const entry = queue && dequeue(state, repo, pr, 'MANUAL', caller);
    if (!queue || !entry) throw new GitHubAnswer('Pull request is not in the merge queue', 'UNPROCESSABLE');
    return { mergeQueueEntry: { repo, queue, entry }, clientMutationId: input.clientMutationId ?? null };
  },
};
