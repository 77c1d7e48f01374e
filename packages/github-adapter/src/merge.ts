import type { Octokit } from '@octokit/rest';
import { type GuardEvent, type MergeEffect, shortSha } from '@release-guard/core';
import type { RepoRef } from './types.js';

export interface MergeOptions {
  /** REST `PUT .../merge` with `sha` (default), or GraphQL `mergePullRequest` with `expectedHeadOid`. */
  via?: 'rest' | 'graphql';
  /** When other required checks are still pending, enable auto-merge (with `expectedHeadOid`) instead. */
  autoMerge?: boolean;
  /** The pull request's GraphQL node id, needed by the GraphQL merge and by auto-merge. */
  pullRequestId?: string;
}

/** GraphQL merge with compare-and-swap on the head. */
export const MERGE_MUTATION: string = /* GraphQL */ `
  mutation releaseGuardMerge($id: ID!, $oid: GitObjectID!, $mergeMethod: PullRequestMergeMethod!) {
    mergePullRequest(input: { pullRequestId: $id, expectedHeadOid: $oid, mergeMethod: $mergeMethod }) {
      clientMutationId
    }
  }
`;

/** Auto-merge of exactly this head, once the required checks pass. */
export const AUTO_MERGE_MUTATION: string = /* GraphQL */ `
  mutation releaseGuardAutoMerge($id: ID!, $oid: GitObjectID!, $mergeMethod: PullRequestMergeMethod!) {
    enablePullRequestAutoMerge(input: { pullRequestId: $id, expectedHeadOid: $oid, mergeMethod: $mergeMethod }) {
      clientMutationId
    }
  }
`;

/** Adds exactly this head to the merge queue of its base branch (compare-and-swap on the head). */
export const ENQUEUE_MUTATION: string = /* GraphQL */ `
  mutation releaseGuardEnqueue($id: ID!, $oid: GitObjectID!) {
    enqueuePullRequest(input: { pullRequestId: $id, expectedHeadOid: $oid }) {
      mergeQueueEntry {
        id
      }
    }
  }
`;

/** Takes the pull request out of the merge queue. */
export const DEQUEUE_MUTATION: string = /* GraphQL */ `
  mutation releaseGuardDequeue($id: ID!) {
    dequeuePullRequest(input: { id: $id }) {
      mergeQueueEntry {
        id
      }
    }
  }
`;

/** Disables GitHub's auto-merge of the pull request, whoever enabled it. */
export const DISABLE_AUTO_MERGE_MUTATION: string = /* GraphQL */ `
  mutation releaseGuardDisableAutoMerge($id: ID!) {
    disablePullRequestAutoMerge(input: { pullRequestId: $id }) {
      clientMutationId
    }
  }
`;

/**
 * Disarms an armed auto-merge of the pull request with node id `pullRequestId`. Armed, GitHub merges as
 * soon as the required checks pass, whoever turns the guard's status green again.
 */
export async function disableAutoMerge(octokit: Octokit, pullRequestId: string): Promise<void> {
  await octokit.graphql(DISABLE_AUTO_MERGE_MUTATION, { id: pullRequestId });
}

const METHOD = { merge: 'MERGE', squash: 'SQUASH', rebase: 'REBASE' } as const;

/** A merge is never retried blindly (not even after a network error): its outcome is read instead. */
const NO_RETRY = { retries: 0 };

/**
 * Merges with compare-and-swap on the head SHA and turns GitHub's answer into the core's event:
 * merged -> `MERGED`; 409 -> `MERGE_REJECTED head-changed`; 405 -> `not-mergeable`, or `merge-queue` when
 * GitHub says the base branch merges through its queue ("Changes must be made through the merge queue");
 * 403 -> `forbidden`. A `MERGE` via the queue enqueues instead (see `enqueue`).
 * After a 405 and after a lost response the pull request is read again: if it is merged (by this call,
 * a concurrent guard or a human), the answer is `MERGED`, so a merge is never sent twice. With
 * `autoMerge`, a merge refused because other required checks are pending enables GitHub's auto-merge
 * of this very head instead.
 */
export async function merge(
  octokit: Octokit,
  repo: RepoRef,
  effect: MergeEffect,
  mergedBy: string,
  options: MergeOptions = {},
): Promise<GuardEvent> {
  if (effect.via === 'queue') return enqueue(octokit, repo, effect, mergedBy, options);
  let refusal: { status: number | undefined; message: string };
  try {
    if (options.via === 'graphql') {
      await octokit.graphql(MERGE_MUTATION, {
        id: nodeIdOf(options),
        oid: effect.sha,
        mergeMethod: METHOD[effect.method],
      });
    } else {
      await octokit.rest.pulls.merge({
        ...repo,
        pull_number: effect.pr,
        sha: effect.sha,
        merge_method: effect.method,
        request: NO_RETRY,
      });
    }
    return { type: 'MERGED', sha: effect.sha, by: mergedBy };
  } catch (error) {
    refusal = classify(error);
  }
  const { status, message } = refusal;
  const read = await settle(octokit, repo, effect, mergedBy, refusal);
  if ('event' in read) return read.event;
  const data = read.pr;
  if (status === 405 && MERGE_QUEUE_REFUSAL.test(message)) {
    return { type: 'MERGE_REJECTED', sha: effect.sha, reason: 'merge-queue', message };
  }
  if (status === 405 && options.autoMerge && data.state === 'open' && data.head.sha === effect.sha) {
    await octokit.graphql(AUTO_MERGE_MUTATION, {
      id: nodeIdOf(options),
      oid: effect.sha,
      mergeMethod: METHOD[effect.method],
    });
    const note = `Auto-merge is enabled: GitHub merges ${shortSha(effect.sha)} once the required checks pass.`;
    return { type: 'MERGE_REJECTED', sha: effect.sha, reason: 'not-mergeable', message: `${message} ${note}` };
  }
  const why = status === 405 ? message : `the merge got no answer (${message}) and the pull request is still open`;
  return { type: 'MERGE_REJECTED', sha: effect.sha, reason: 'not-mergeable', message: why };
}

/** GitHub's refusal of a direct merge into a branch that merges through its queue (REST 405, GraphQL). */
const MERGE_QUEUE_REFUSAL = /merge queue/i;

/**
 * Enqueues exactly `effect.sha` (GraphQL `enqueuePullRequest` with `expectedHeadOid`) and turns GitHub's
 * answer into the core's event: queued -> `ENQUEUED`; another head -> `MERGE_REJECTED head-changed`; not
 * allowed -> `forbidden`; any other refusal is read against the pull request: merged already -> `MERGED`,
 * queued already (a racing guard run) -> `ENQUEUED`, otherwise `not-mergeable` with GitHub's reason.
 */
async function enqueue(
  octokit: Octokit,
  repo: RepoRef,
  effect: MergeEffect,
  mergedBy: string,
  options: MergeOptions,
): Promise<GuardEvent> {
  let refusal: { status: number | undefined; message: string };
  try {
    await octokit.graphql(ENQUEUE_MUTATION, { id: nodeIdOf(options), oid: effect.sha, request: NO_RETRY });
    return { type: 'ENQUEUED', sha: effect.sha };
  } catch (error) {
    refusal = classify(error);
  }
  const read = await settle(octokit, repo, effect, mergedBy, refusal);
  if ('event' in read) return read.event;
  if (read.pr.head.sha === effect.sha && (await isQueued(octokit, nodeIdOf(options)))) {
    return { type: 'ENQUEUED', sha: effect.sha };
  }
  return { type: 'MERGE_REJECTED', sha: effect.sha, reason: 'not-mergeable', message: refusal.message };
}

/**
 * What a refused merge or enqueue settles by itself: another head (409) or not allowed (403), or a pull
 * request merged meanwhile (by this call, a racing run or a human); otherwise the pull request as GitHub
 * shows it now, for the caller to read the rest of the refusal against.
 */
async function settle(
  octokit: Octokit,
  repo: RepoRef,
  effect: MergeEffect,
  mergedBy: string,
  { status, message }: { status: number | undefined; message: string },
): Promise<{ event: GuardEvent } | { pr: { state: string; head: { sha: string } } }> {
  if (status === 409) return { event: { type: 'MERGE_REJECTED', sha: effect.sha, reason: 'head-changed', message } };
  if (status === 403) return { event: { type: 'MERGE_REJECTED', sha: effect.sha, reason: 'forbidden', message } };
  const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: effect.pr });
  if (data.merged) return { event: { type: 'MERGED', sha: data.head.sha, by: data.merged_by?.login ?? mergedBy } };
  return { pr: data };
}

/** Whether the pull request with node id `id` stands in a merge queue. */
async function isQueued(octokit: Octokit, id: string): Promise<boolean> {
  const { node } = await octokit.graphql<{ node: { mergeQueueEntry: { id: string } | null } | null }>(
    `query releaseGuardQueued($id: ID!) { node(id: $id) { ... on PullRequest { mergeQueueEntry { id } } } }`,
    { id },
  );
  return Boolean(node?.mergeQueueEntry);
}

/**
 * Takes the pull request out of the merge queue. One that is not in it (it left, or was merged since)
 * is out already: nothing to do.
 */
export async function dequeue(octokit: Octokit, options: MergeOptions): Promise<void> {
  const id = nodeIdOf(options);
  try {
    await octokit.graphql(DEQUEUE_MUTATION, { id });
  } catch (error) {
    if (!(error as { errors?: unknown[] }).errors || (await isQueued(octokit, id))) throw error;
  }
}

function nodeIdOf(options: MergeOptions): string {
  if (!options.pullRequestId) {
    throw new Error('the GraphQL merge, auto-merge and the merge queue need the pull request node id');
  }
  return options.pullRequestId;
}

/**
 * The status of a refused merge: REST errors carry it; GraphQL answers with `errors[]`, mapped to the
 * REST status each corresponds to. Other client errors (400, 401, 404, 422) are thrown: they are bugs
 * or configuration problems, not answers.
 */
function classify(error: unknown): { status: number | undefined; message: string } {
  const message = (error as Error).message;
  const graphqlErrors = (error as { errors?: { type?: string; message: string }[] }).errors;
  const first = graphqlErrors?.[0];
  if (first) {
    if (first.type === 'FORBIDDEN') return { status: 403, message: first.message };
    if (/head branch was modified|did not match expected head/i.test(first.message))
      return { status: 409, message: first.message };
    return { status: 405, message: first.message };
  }
  const status = (error as { status?: number }).status;
  if (status !== undefined && status < 500 && ![403, 405, 409].includes(status)) throw error;
  return { status, message };
}
