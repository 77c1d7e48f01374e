import type { Octokit } from '@octokit/rest';
import type { GuardEvent, MergeEffect } from '@release-guard/core';
import type { RepoRef } from './types.js';

/**
 * Merges with compare-and-swap on the head SHA and turns GitHub's answer into the core's event:
 * 200 -> `MERGED`; 409 -> `MERGE_REJECTED head-changed`; 405 -> `not-mergeable`; 403 -> `forbidden`.
 * After a 405 and after a lost response the pull request is read again: if it is merged (by this call,
 * a concurrent guard or a human), the answer is `MERGED`, so a merge is never sent twice.
 */
export async function merge(
  octokit: Octokit,
  repo: RepoRef,
  effect: MergeEffect,
  mergedBy: string,
): Promise<GuardEvent> {
  try {
    await octokit.rest.pulls.merge({ ...repo, pull_number: effect.pr, sha: effect.sha, merge_method: effect.method });
    return { type: 'MERGED', sha: effect.sha, by: mergedBy };
  } catch (error) {
    const status = (error as { status?: number }).status;
    const message = (error as Error).message;
    if (status === 409) return { type: 'MERGE_REJECTED', sha: effect.sha, reason: 'head-changed', message };
    if (status === 403) return { type: 'MERGE_REJECTED', sha: effect.sha, reason: 'forbidden', message };
    if (status !== undefined && status !== 405 && status < 500) throw error;
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: effect.pr });
    if (data.merged) return { type: 'MERGED', sha: data.head.sha, by: data.merged_by?.login ?? mergedBy };
    const why = status === 405 ? message : `the merge got no answer (${message}) and the pull request is still open`;
    return { type: 'MERGE_REJECTED', sha: effect.sha, reason: 'not-mergeable', message: why };
  }
}
