/**
 * Branch rulesets as GitHub enforces them: which apply to a branch (`conditions.ref_name`), and what a
 * branch requires once classic branch protection and the active rulesets are taken together.
 */

import type { Protection, RepositoryRecord, RulesetRecord } from './state.js';

/**
 * Whether `ruleset` targets `branch`: an `include` pattern matches it (`~ALL`, `~DEFAULT_BRANCH`, or
 * `refs/heads/<pattern>` with fnmatch's `*` within a segment and `**` across them) and no `exclude`
 * pattern does, as GitHub's ruleset conditions are documented ("Creating rulesets for a repository",
 * "Using fnmatch syntax for branches and tags").
 */
export function rulesetTargets(repo: RepositoryRecord, ruleset: RulesetRecord, branch: string): boolean {
  const matches = (pattern: string) => {
    if (pattern === '~ALL') return true;
    if (pattern === '~DEFAULT_BRANCH') return branch === repo.defaultBranch;
    return fnmatch(pattern.replace(/^refs\/heads\//, '')).test(branch);
  };
  return ruleset.include.some(matches) && !ruleset.exclude.some(matches);
}

/** The rulesets of `repo` that `branch` is subject to now: targeted and `active`. */
export function activeRulesets(repo: RepositoryRecord, branch: string): RulesetRecord[] {
  return repo.rulesets.filter((r) => r.enforcement === 'active' && rulesetTargets(repo, r, branch));
}

/**
 * What merging into `branch` requires: classic protection's contexts and approvals with the
 * `required_status_checks` of every active ruleset added (a check a ruleset pins to an app counts only
 * from that app). Undefined when neither applies. A ruleset in `evaluate` only reports, and requires nothing.
 */
export function effectiveProtection(repo: RepositoryRecord, branch: string): Protection | undefined {
  const classic = repo.protection.get(branch);
  const checks = activeRulesets(repo, branch).flatMap((r) => r.requiredChecks);
  if (checks.length === 0) return classic;
  const protection: Protection = {
    requiredContexts: [...(classic?.requiredContexts ?? [])],
    requiredChecks: [...(classic?.requiredChecks ?? [])],
    requiredApprovals: classic?.requiredApprovals ?? 0,
    enforceAdmins: classic?.enforceAdmins ?? false,
  };
  for (const check of checks) {
    if (!protection.requiredContexts.includes(check.context)) protection.requiredContexts.push(check.context);
    if (check.integration_id !== undefined) {
      protection.requiredChecks.push({ context: check.context, appId: check.integration_id });
    }
  }
  return protection;
}

function fnmatch(pattern: string): RegExp {
  const source = pattern
    .split(/(\*\*|\*|\?)/)
    .map((part) => {
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      if (part === '?') return '[^/]';
      return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}
