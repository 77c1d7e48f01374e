import { latestStatuses } from './rest/statuses.js';
import {
  type Account,
  atLeast,
  type GitHubState,
  type PullRequestRecord,
  type RepositoryRecord,
  shaOf,
} from './state.js';

export type MergeOutcome = { merged: true; sha: string } | { merged: false; status: 403 | 405 | 409; message: string };

/**
 * Why branch protection refuses to merge `pr` now, or undefined: every required context must be
 * `success` on the head (a status, or the latest check run of that name; of the pinned app when there
 * is one, other apps' check runs of that name counting for nothing), and enough approving reviews must
 * stand.
 */
export function protectionBlocker(repo: RepositoryRecord, pr: PullRequestRecord): string | undefined {
  const protection = repo.protection.get(pr.base.ref);
  if (!protection) return undefined;
  const statuses = latestStatuses(repo, pr.head.sha);
  for (const context of protection.requiredContexts) {
    const pinned = protection.requiredChecks.find((c) => c.context === context);
    const runs = repo.checkRuns.filter(
      (r) => r.headSha === pr.head.sha && r.name === context && (!pinned || r.app.id === pinned.appId),
    );
    const run = runs.at(-1);
    const runOk = run?.status === 'completed' && run.conclusion === 'success';
    const status = statuses.find((s) => s.context === context);
    const statusOk = !pinned && status?.state === 'success';
    if (!runOk && !statusOk) {
      return status || run
        ? `Required status check "${context}" is not successful.`
        : `Required status check "${context}" is expected.`;
    }
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
