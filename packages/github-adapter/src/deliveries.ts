/**
 * How `runGuard` reads a delivered event against what GitHub shows now: deliveries that are stale by the
 * facts (reconcile has already applied the state GitHub shows), the head a merge group is of; and its
 * effects against the state the run reached: those no longer asked for, and a merge through the queue
 * that the queue's standing entry already answers.
 */
import type { Octokit } from '@octokit/rest';
import { type Effect, type GuardEvent, type GuardSnapshot, shortSha } from '@release-guard/core';
import type { Observation } from './observe.js';
import type { RepoRef } from './types.js';

/**
 * Why a delivered close or reopen is stale by the facts this run read (reconcile has already applied
 * the state GitHub shows): a close delivered after the pull request was reopened would otherwise close
 * the snapshot of an open pull request, and the next run, seeing it open, would take it for a new reopen
 * and discard the approvals given since the real one.
 */
export function staleDelivery(event: GuardEvent, state: 'open' | 'closed' | 'merged'): string | undefined {
  if (event.type === 'CLOSED' && state === 'open')
    return 'the close is stale: GitHub shows the pull request open again';
  if (event.type === 'REOPENED' && state !== 'open')
    return `the reopen is stale: GitHub shows the pull request ${state}`;
  return undefined;
}

/**
 * A `MERGE_GROUP` with the pull request's head as GitHub's queue entry names it. The group's branch
 * (`gh-readonly-queue/<base>/pr-<N>-<sha>`) names a commit, which may not be the head the pull request
 * was queued with: the entry is GitHub's own word, but only of the group built for it. A group delivered
 * late may be of an earlier entry (of an earlier head, destroyed by a push): the entry's head is taken
 * only while the group stands, its commit the head of one of the pull request's queue branches (GitHub
 * deletes a destroyed group's branch). A group that does not stand, or of a pull request out of the
 * queue, keeps the branch's commit, which then fails as stale unless it is the cleared head.
 */
export async function groupOfQueuedHead(
  octokit: Octokit,
  repo: RepoRef,
  event: GuardEvent,
  observed: Observation,
): Promise<GuardEvent> {
  const head = observed.queuedHead;
  if (event.type !== 'MERGE_GROUP' || head === undefined || event.sha === head) return event;
  const { number, baseRef } = observed.facts.pr;
  const { data } = await octokit.rest.repos.listBranchesForHeadCommit({ ...repo, commit_sha: event.groupSha });
  const branch = `gh-readonly-queue/${baseRef}/pr-${number}-`;
  return data.some((b) => b.name.startsWith(branch)) ? { ...event, sha: head } : event;
}

/**
 * Why a delivered entry into or exit from the merge queue is stale by what GitHub shows now (reconcile
 * has already applied it): an exit delivered while the pull request stands queued again at its head would
 * count as an exit of the new entry, and an entry delivered once it is out would take it for queued.
 */
export function staleQueueDelivery(event: GuardEvent, observed: Observation): string | undefined {
  const queued = observed.facts.pr.queued === true;
  if (event.type === 'DEQUEUED' && queued) {
    return `the exit from the merge queue is stale: GitHub shows #${observed.facts.pr.number} in the queue`;
  }
  if (event.type === 'ENQUEUED' && !queued) {
    return `the entry into the merge queue is stale: GitHub shows #${observed.facts.pr.number} out of the queue`;
  }
  return undefined;
}

/**
 * The answer GitHub's queue already gives a `MERGE` through it: `ENQUEUED` while the pull request stands
 * queued at the effect's head (`queuedHead`). Someone may have queued the head before the guard cleared
 * it (reconcile then ignores the entry), and the run clears it afterwards (its artifacts verified, its
 * run's success delivered): enqueuing it again would be a second entry while one stands.
 */
export function standingEntry(
  effect: Effect,
  queuedHead: string | undefined,
): Extract<GuardEvent, { type: 'ENQUEUED' }> | undefined {
  if (effect.type !== 'MERGE' || effect.via !== 'queue' || effect.sha !== queuedHead) return undefined;
  return { type: 'ENQUEUED', sha: effect.sha };
}

/**
 * Why an effect is no longer asked for by the time it runs (effects run after the run's events and the
 * outcomes of those before them): a release reconcile asked for that a delivered run of the head took
 * since (dispatching would release the SHA twice), or a `DEQUEUE` of a head cleared again since (its
 * artifacts verified, an approval given again): it stays in the merge queue.
 */
export function staleEffect(effect: Effect, snapshot: GuardSnapshot): string | undefined {
  if (effect.type === 'START_RELEASE' && (snapshot.phase !== 'approved' || snapshot.headSha !== effect.sha)) {
    return `the release of ${shortSha(effect.sha)} is no longer asked for (${snapshot.phase})`;
  }
  if (effect.type !== 'DEQUEUE') return undefined;
  if (snapshot.phase === 'released' && snapshot.approvals.length > 0 && snapshot.headSha === effect.sha) {
    return `${shortSha(effect.sha)} is approved, released and verified again: it stays in the merge queue`;
  }
  return undefined;
}
