import { type Handler, paginate } from './context.js';

/**
 * `repos/get-branch-rules`: the active ruleset rules of a branch, which need not exist. The emulator's
 * rulesets hold one kind of rule, `merge_queue` (`control.requireMergeQueue`); a branch without one has
 * none. Classic branch protection (`control.protectBranch`) is not a ruleset and is not listed, as on GitHub.
 */
export const getBranchRules: Handler = (ctx) => {
  const branch = ctx.params.branch ?? '';
  const queue = ctx.repo.mergeQueues.get(branch);
  const rules = queue
    ? [
        {
          type: 'merge_queue',
          parameters: { ...queue.parameters },
          ruleset_source_type: 'Repository',
          ruleset_source: ctx.repo.fullName,
          ruleset_id: queue.rulesetId,
        },
      ]
    : [];
  const { items, headers } = paginate(
    ctx,
    rules,
    `/repos/${ctx.repo.fullName}/rules/branches/${encodeURIComponent(branch)}`,
  );
  return { status: 200, body: items, headers };
};
