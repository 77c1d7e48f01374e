import { latestStatuses } from './rest/statuses.js';
import { effectiveProtection } from './rulesets.js';
import {
  type Account,
  atLeast,
  type GitHubState,
  type Protection,
  type PullRequestRecord,
  type RepositoryRecord,
  shaOf,
} from './state.js';

export type MergeOutcome = { merged: true; sha: string } | { merged: false; status: 403 | 405 | 409; message: string };

/** How a required context stands on a commit. */
export type ContextState = 'success' | 'pending' | 'failure' | 'expected';

/**
 * Each required context of `protection` on commit `sha`: `success` when a status of that name, or the
 * latest check run (of the pinned app when there is one, other apps' runs of that name counting for
 * nothing), succeeded; `failure` when the latest status failed or errored, or the latest run completed
 * otherwise; `expected` when nothing reported; else `pending`.
 */
export function requiredContexts(
  repo: RepositoryRecord,
  protection: Protection,
  sha: string,
): { context: string; state: ContextState }[] {
  const statuses = latestStatuses(repo, sha);
  return protection.requiredContexts.map((context) => {
    const pinned = protection.requiredChecks.find((c) => c.context === context);
    const run = repo.checkRuns
      .filter((r) => r.headSha === sha && r.name === context && (!pinned || r.app.id === pinned.appId))
      .at(-1);
    const status = statuses.find((s) => s.context === context);
    const counted = pinned ? undefined : status?.state;
    if ((run?.status === 'completed' && run.conclusion === 'success') || counted === 'success') {
      return { context, state: 'success' };
    }
    if (!run && !status) return { context, state: 'expected' };
    const failed = run?.status === 'completed' || counted === 'failure' || counted === 'error';
    return { context, state: failed ? 'failure' : 'pending' };
  });
}

/**
 * Why branch protection refuses to merge `pr` now, or undefined: every required context (of classic
 * protection and of the active rulesets) must be `success` on the head (see `requiredContexts`), and
 * enough approving reviews must stand.
 */
export function protectionBlocker(repo: RepositoryRecord, pr: PullRequestRecord): string | undefined {
  const protection = effectiveProtection(repo, pr.base.ref);
  if (!protection) return undefined;
  const unmet = requiredContexts(repo, protection, pr.head.sha).find((c) => c.state !== 'success');
  if (unmet) {
    return unmet.state === 'expected'
      ? `Required status check "${unmet.context}" is expected.`
      : `Required status check "${unmet.context}" is not successful.`;
  }
  if (protection.requiredApprovals > 0) {
    const latest = new Map<string, string>();
    for (const review of pr.reviews) if (review.state !== 'COMMENTED') latest.set(review.user.login, review.state);
    const approvals = [...latest.values()].filter((s) => s === 'APPROVED').length;
    if (approvals < protection.requiredApprovals) {
      return `At least ${protection.requiredApprovals} approving review${protection.requiredApprovals > 1 ? 's are' : ' is'} required by reviewers with write access.`;
    }
  }
  return undefined;
}

/**
 * GitHub's refusal of a direct merge into a branch whose rules require a merge queue: REST answers 405
 * "Changes must be made through the merge queue" (quoted by cncf/prow-github-actions#166 and
 * pascalgn/automerge-action#235), GraphQL `mergePullRequest` the same text, followed by what branch
 * protection still waits for when it waits for something ("GraphQL: Changes must be made through the
 * merge queue Waiting on code owner review from …", cli/cli#8746).
 */
function queueRefusal(repo: RepositoryRecord, pr: PullRequestRecord): string {
  const blocker = protectionBlocker(repo, pr);
  return blocker
    ? `Changes must be made through the merge queue ${blocker}`
    : 'Changes must be made through the merge queue';
}

/** GitHub's merge semantics, shared by REST `pulls/merge`, GraphQL `mergePullRequest` and auto-merge. */
export function mergePullRequest(
  state: GitHubState,
  repo: RepositoryRecord,
  pr: PullRequestRecord,
  caller: Account,
  expectedSha: string | undefined,
): MergeOutcome {
  if (!atLeast(state.permission(repo, caller.login), 'write')) {
    return { merged: false, status: 403, message: 'Resource not accessible by integration' };
  }
  if (pr.merged) return { merged: false, status: 405, message: 'Pull Request is not mergeable' };
  if (pr.state !== 'open') return { merged: false, status: 405, message: 'Pull Request is not mergeable' };
  if (repo.mergeQueues.has(pr.base.ref)) return { merged: false, status: 405, message: queueRefusal(repo, pr) };
  if (expectedSha !== undefined && expectedSha !== pr.head.sha) {
    return { merged: false, status: 409, message: 'Head branch was modified. Review and try the merge again.' };
  }
  const blocker = protectionBlocker(repo, pr);
  if (blocker) return { merged: false, status: 405, message: blocker };
  const now = state.timestamp();
  pr.merged = true;
  pr.state = 'closed';
  pr.mergedAt = now;
  pr.closedAt = now;
  pr.updatedAt = now;
  pr.mergedBy = caller;
  pr.mergeCommitSha = shaOf(`merge:${repo.fullName}:${pr.number}:${pr.head.sha}`);
  pr.autoMerge = null;
  return { merged: true, sha: pr.mergeCommitSha };
}

/**
 * Merges every pull request with auto-merge enabled whose protection is now satisfied, as the account
 * that enabled it, through the same merge as REST `pulls/merge` and GraphQL `mergePullRequest`.
 */
export function settleAutoMerges(state: GitHubState): void {
  for (const repo of state.repositories.values()) {
    for (const pr of repo.pulls.values()) {
      if (pr.autoMerge && pr.state === 'open' && !protectionBlocker(repo, pr)) {
        mergePullRequest(state, repo, pr, pr.autoMerge.enabledBy, undefined);
      }
    }
  }
}
