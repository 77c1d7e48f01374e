import type { Octokit } from '@octokit/rest';
import { inertMarkdown } from '@release-guard/core';
import type { PullRequestRef } from './observe.js';

/** Writes the timeline comment: updates the guard's comment in place, or creates it. Returns its id. */
export async function saveTimeline(
  octokit: Octokit,
  ref: PullRequestRef,
  commentId: number | undefined,
  body: string,
): Promise<number> {
  const { number, ...repo } = ref;
  if (commentId !== undefined) {
    await octokit.rest.issues.updateComment({ ...repo, comment_id: commentId, body });
    return commentId;
  }
  const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: number, body });
  return data.id;
}

/** An `ALERT` as a visible warning on the pull request; the reason is made inert Markdown. */
export async function postAlert(octokit: Octokit, ref: PullRequestRef, reason: string): Promise<void> {
  const { number, ...repo } = ref;
  await octokit.rest.issues.createComment({
    ...repo,
    issue_number: number,
    body: `> [!CAUTION]\n> **release-guard:** ${inertMarkdown(reason, 1000)}`,
  });
}
