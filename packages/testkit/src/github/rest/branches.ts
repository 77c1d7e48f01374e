import type { Handler } from './context.js';

/** The branches of the repository whose head is the commit (GitHub's "List branches for HEAD commit"). */
export const listBranchesForHeadCommit: Handler = (ctx) => {
  const sha = ctx.params.commit_sha ?? '';
  const branches = [...ctx.repo.branches].filter(([, head]) => head === sha).sort(([a], [b]) => a.localeCompare(b));
  return {
    status: 200,
    body: branches.map(([name, head]) => ({
      name,
      commit: { sha: head, url: `${ctx.url}/repos/${ctx.repo.fullName}/commits/${head}` },
      protected: ctx.repo.protection.has(name),
    })),
  };
};
