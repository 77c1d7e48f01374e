/**
 * The mutations: `mergePullRequest` (the merge REST `pulls/merge` shares, in merge.ts) and enabling or
 * disabling auto-merge (carried out by `settle`, in queue.ts: a merge, or a place in the merge queue);
 * merging and enabling honour `expectedHeadOid`. The queue's own mutations are in merge-queue.ts.
 */

import { mergePullRequest, protectionBlocker } from '../merge.js';
import { type Context, GitHubAnswer, type PullRequestObject, requirePullRequest } from './context.js';
import { mergeQueueMutations } from './merge-queue.js';

type Input<T> = { input: T & { pullRequestId: string; clientMutationId?: string } };

/** A mutation's payload: the pull request as it is now, and the client's mutation id. */
const payload = (pullRequest: PullRequestObject, input: { clientMutationId?: string }) => ({
  pullRequest,
  clientMutationId: input.clientMutationId ?? null,
});

export const mutationResolvers = {
  Mutation: {
    ...mergeQueueMutations,
    mergePullRequest: (_: unknown, { input }: Input<{ expectedHeadOid?: string }>, { caller, state }: Context) => {
      const node = requirePullRequest(state, input.pullRequestId);
      const outcome = mergePullRequest(state, node.repo, node.pr, caller, input.expectedHeadOid);
      if (!outcome.merged)
        throw new GitHubAnswer(outcome.message, outcome.status === 403 ? 'FORBIDDEN' : 'UNPROCESSABLE');
      return payload(node, input);
    },
    enablePullRequestAutoMerge: (
      _: unknown,
      { input }: Input<{ expectedHeadOid?: string; mergeMethod?: 'MERGE' | 'SQUASH' | 'REBASE' }>,
      { caller, state }: Context,
    ) => {
      const node = requirePullRequest(state, input.pullRequestId);
      const { repo, pr } = node;
      if (pr.state !== 'open') throw new GitHubAnswer('Pull request is closed', 'UNPROCESSABLE');
      if (input.expectedHeadOid && input.expectedHeadOid !== pr.head.sha) {
        throw new GitHubAnswer('Head sha did not match expected head sha', 'UNPROCESSABLE');
      }
      // With a merge queue, auto-merge is "merge when ready": a clean pull request is queued at once (settle).
      if (!repo.mergeQueues.has(pr.base.ref) && !protectionBlocker(repo, pr)) {
        throw new GitHubAnswer('Pull request is in clean status', 'UNPROCESSABLE');
      }
      pr.autoMerge = { method: input.mergeMethod ?? 'MERGE', enabledBy: caller, enabledAt: state.timestamp() };
      return payload(node, input);
    },
    disablePullRequestAutoMerge: (_: unknown, { input }: Input<object>, { state }: Context) => {
      const node = requirePullRequest(state, input.pullRequestId);
      if (node.pr.state !== 'open') throw new GitHubAnswer('Pull request is closed', 'UNPROCESSABLE');
      node.pr.autoMerge = null;
      return payload(node, input);
    },
  },
};
