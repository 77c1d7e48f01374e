import { activeRulesets } from '../rulesets.js';
import { atLeast, type RulesetRecord } from '../state.js';
import { error, type Handler, type HandlerContext, notFound, paginate } from './context.js';

/**
 * `repos/get-branch-rules`: the active ruleset rules of a branch, which need not exist: the `merge_queue`
 * rule of `control.requireMergeQueue` and the `required_status_checks` of the rulesets of
 * `control.addRuleset` that target it. As GitHub's description of the operation says, "Rules in
 * rulesets with "evaluate" or "disabled" enforcement statuses are not returned": a ruleset in `evaluate`
 * is listed by `repos/get-repo-rulesets` only. Classic branch protection (`control.protectBranch`) is not
 * a ruleset and is not listed, as on GitHub (hub4j/github-api#2062 shows the converse: a branch protected
 * only by a ruleset is "Branch not protected" to the classic endpoints).
 */
export const getBranchRules: Handler = (ctx) => {
  const branch = ctx.params.branch ?? '';
  const queue = ctx.repo.mergeQueues.get(branch);
  const source = { ruleset_source_type: 'Repository', ruleset_source: ctx.repo.fullName };
  const rules: unknown[] = queue
    ? [{ type: 'merge_queue', parameters: { ...queue.parameters }, ...source, ruleset_id: queue.rulesetId }]
    : [];
  for (const ruleset of activeRulesets(ctx.repo, branch)) {
    rules.push({ ...statusChecksRule(ruleset), ...source, ruleset_id: ruleset.id });
  }
  const { items, headers } = paginate(
    ctx,
    rules,
    `/repos/${ctx.repo.fullName}/rules/branches/${encodeURIComponent(branch)}`,
  );
  return { status: 200, body: items, headers };
};

/**
 * `repos/get-repo-rulesets`: every ruleset of the repository whatever its enforcement (a merge queue's
 * included), without its rules or conditions, as GitHub lists them. Readable with metadata read.
 */
export const getRepoRulesets: Handler = (ctx) => {
  const queues = [...ctx.repo.mergeQueues.values()].map((queue) =>
    summary(ctx, queue.rulesetId, `merge queue ${queue.branch}`, 'active'),
  );
  const rulesets = ctx.repo.rulesets.map((r) => summary(ctx, r.id, r.name, r.enforcement, r));
  const { items, headers } = paginate(ctx, [...queues, ...rulesets], `/repos/${ctx.repo.fullName}/rulesets`);
  return { status: 200, body: items, headers };
};

/**
 * `repos/get-repo-ruleset`: one ruleset with its conditions and rules. Its `bypass_actors` are left out
 * for a caller without admin access, as the operation's description warns ("To prevent leaking sensitive
 * information, the `bypass_actors` property is only returned if the user making the API request has write
 * access to the ruleset"; editing a ruleset takes the admin role).
 */
export const getRepoRuleset: Handler = (ctx) => {
  const id = Number(ctx.params.ruleset_id);
  const ruleset = ctx.repo.rulesets.find((r) => r.id === id);
  if (ruleset) {
    const admin = atLeast(ctx.state.permission(ctx.repo, ctx.caller.login), 'admin');
    return {
      status: 200,
      body: {
        ...summary(ctx, ruleset.id, ruleset.name, ruleset.enforcement, ruleset),
        conditions: { ref_name: { include: [...ruleset.include], exclude: [...ruleset.exclude] } },
        rules: [statusChecksRule(ruleset)],
        ...(admin ? { bypass_actors: ruleset.bypassActors.map((a) => ({ ...a })) } : {}),
      },
    };
  }
  const queue = [...ctx.repo.mergeQueues.values()].find((q) => q.rulesetId === id);
  if (!queue) return notFound();
  return {
    status: 200,
    body: {
      ...summary(ctx, queue.rulesetId, `merge queue ${queue.branch}`, 'active'),
      conditions: { ref_name: { include: [`refs/heads/${queue.branch}`], exclude: [] } },
      rules: [{ type: 'merge_queue', parameters: { ...queue.parameters } }],
    },
  };
};

/** The time periods `repos/get-repo-rule-suites` filters on, in hours. */
const PERIOD_HOURS: Record<string, number> = { hour: 1, day: 24, week: 168, month: 720 };

/**
 * `repos/get-repo-rule-suites`: the evaluations of pushes to the repository ("rule insights"), newest
 * first, filtered by `ref` (with or without `refs/heads/`), `time_period` (default `day`) and
 * `rule_suite_result` (default `all`). Insights are for those who manage rulesets: a caller without admin
 * access gets 403, as the fine-grained `administration` read that tools reading them ask for
 * (Gentleman-Programming/gentle-ai#3758 keeps a ruleset "administration read" token for its checker; a
 * workflow's GITHUB_TOKEN cannot be given `administration`).
 */
export const getRepoRuleSuites: Handler = (ctx) => {
  if (!atLeast(ctx.state.permission(ctx.repo, ctx.caller.login), 'admin')) return notAccessible('administration=read');
  const ref = ctx.query.ref;
  const hours = PERIOD_HOURS[ctx.query.time_period ?? 'day'] ?? 24;
  const since = ctx.state.now().getTime() - hours * 3_600_000;
  const result = ctx.query.rule_suite_result ?? 'all';
  const suites = ctx.repo.ruleSuites
    .filter(
      (s) =>
        (ref === undefined || s.ref === ref || s.ref === `refs/heads/${ref}`) &&
        Date.parse(s.pushedAt) >= since &&
        (result === 'all' || s.result === result),
    )
    .reverse()
    .map((s) => ({
      id: s.id,
      actor_id: s.actor.id,
      actor_name: s.actor.login,
      before_sha: s.beforeSha,
      after_sha: s.afterSha,
      ref: s.ref,
      repository_id: ctx.repo.id,
      repository_name: ctx.repo.name,
      pushed_at: s.pushedAt,
      result: s.result,
      evaluation_result: s.evaluationResult,
    }));
  const { items, headers } = paginate(ctx, suites, `/repos/${ctx.repo.fullName}/rulesets/rule-suites`);
  return { status: 200, body: items, headers };
};

/**
 * GitHub's 403 for a token that lacks a fine-grained permission: "Resource not accessible by integration",
 * with `x-accepted-github-permissions` naming what the endpoint takes (GitHub's changelog of 2023-08-10,
 * "X-Accepted-GitHub-Permissions header for fine-grained permission actors"; renovatebot/renovate#23885
 * quotes the 403 on reading branch protection without Administration).
 */
export function notAccessible(permissions: string) {
  return {
    ...error(403, 'Resource not accessible by integration'),
    headers: { 'x-accepted-github-permissions': permissions },
  };
}

function statusChecksRule(ruleset: RulesetRecord) {
  return {
    type: 'required_status_checks',
    parameters: {
      required_status_checks: ruleset.requiredChecks.map((c) => ({ ...c })),
      strict_required_status_checks_policy: false,
    },
  };
}

function summary(
  ctx: HandlerContext,
  id: number,
  name: string,
  enforcement: RulesetRecord['enforcement'],
  ruleset?: RulesetRecord,
) {
  const self = `${ctx.url}/repos/${ctx.repo.fullName}/rulesets/${id}`;
  return {
    id,
    name,
    target: 'branch',
    source_type: 'Repository',
    source: ctx.repo.fullName,
    enforcement,
    node_id: Buffer.from(`RepositoryRuleset:${id}`).toString('base64'),
    _links: { self: { href: self }, html: { href: `${ctx.url}/_html/${ctx.repo.fullName}/rules/${id}` } },
    ...(ruleset ? { created_at: ruleset.createdAt, updated_at: ruleset.updatedAt } : {}),
  };
}
