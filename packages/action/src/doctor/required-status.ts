/**
 * Whether the base branch requires the guard's status, by an active ruleset or classic branch protection,
 * and who may merge past that requirement. Rulesets are read with metadata read (any token); classic
 * protection takes administration read, which a workflow's GITHUB_TOKEN cannot have: its 403 is "not
 * readable", a failure only when no ruleset requires the status.
 */

import { attempt, type DoctorScope, type Read, refusal, targetsBranch } from './read.js';
import type { Finding } from './report.js';

interface RulesetDetail {
  id: number;
  name: string;
  enforcement: string;
  conditions?: { ref_name?: { include?: string[]; exclude?: string[] } } | null;
  rules?: { type: string; parameters?: unknown }[];
  bypass_actors?: { actor_id?: number | null; actor_type: string; bypass_mode?: string }[];
}

/**
 * The GitHub Actions app: every workflow job's own check run comes from it, and so does any check run or
 * status posted with a workflow's `GITHUB_TOKEN`. A requirement pinned to it is not pinned against jobs.
 */
export const GITHUB_ACTIONS_APP = 15368;

/** What doctor knows of the app the guard posts its check runs as (check-run mode). */
export interface GuardApp {
  /** Its id, from `guard-app-id` or from a check run the guard posted; undefined when doctor cannot tell. */
  id?: number;
  /** Where `id` comes from, for a finding: "guard-app-id", "a check run it posted". */
  source?: string;
  /** The guard jobs (`job "guard" of <path>`) that post with the workflow's `GITHUB_TOKEN`, as GitHub Actions. */
  onWorkflowToken: string[];
  /** Why the check runs of release heads, which `id` is learned from, could not be read (a refusal). */
  unreadable?: string;
}

/** A `merge_queue` rule on the base branch: the ruleset it is in, and how the queue groups its entries. */
export interface MergeQueueRule {
  ruleset: string;
  /** `grouping_strategy`: `ALLGREEN` ("Only merge non-failing pull requests") or `HEADGREEN`; undefined if not shown. */
  grouping?: string;
}

/** Where the status is required, and the app a required check is pinned to (null: any source). */
interface Requirement {
  where: string;
  appId: number | null;
  ruleset?: RulesetDetail;
}

export interface RequiredStatus {
  required: Finding[];
  allowances: Finding[];
  /**
   * Whether every requirement found pins the check to an app other than GitHub Actions: then no workflow
   * job's check run can satisfy it.
   */
  pinned: boolean;
  /** Whether a requirement is pinned to the GitHub Actions app ({@link GITHUB_ACTIONS_APP}). */
  actionsPin: boolean;
  /** The `merge_queue` rules of the base branch (none: no merge queue is required). */
  mergeQueues: MergeQueueRule[];
}

/** The checks of the requirement (check 1) and of the bypass allowances; `guard` matters in check-run mode. */
export async function requiredStatus(scope: DoctorScope, guard: GuardApp): Promise<RequiredStatus> {
  const { octokit, repo, base, context } = scope;
  const required: Finding[] = [];
  const rules = await attempt(async () => ({
    data: await octokit.paginate(octokit.rest.repos.getBranchRules, { ...repo, branch: base, per_page: 100 }),
  }));
  const rulesets = await attempt(async () => ({
    data: await octokit.paginate(octokit.rest.repos.getRepoRulesets, {
      ...repo,
      includes_parents: true,
      per_page: 100,
    }),
  }));
  const branchRules = rules.ok ? (rules.data as { type: string; parameters?: unknown; ruleset_id?: number }[]) : [];
  const requiring = new Map<number, number | null>();
  for (const rule of branchRules) {
    if (rule.type !== 'required_status_checks') continue;
    for (const c of checksOf(rule.parameters)) {
      if (c.context === context && rule.ruleset_id !== undefined)
        requiring.set(rule.ruleset_id, c.integration_id ?? null);
    }
  }
  const details = new Map<number, RulesetDetail>();
  for (const summary of rulesets.ok ? rulesets.data : []) {
    if (summary.enforcement !== 'evaluate' && !requiring.has(summary.id)) continue;
    const detail = await attempt(() => octokit.rest.repos.getRepoRuleset({ ...repo, ruleset_id: summary.id }));
    if (detail.ok) details.set(summary.id, detail.data as RulesetDetail);
  }
  const requirements: Requirement[] = [...requiring].map(([id, appId]) => {
    const ruleset = details.get(id);
    return { where: `ruleset "${ruleset?.name ?? id}"`, appId, ...(ruleset ? { ruleset } : {}) };
  });
  const classic = await attempt(() => octokit.rest.repos.getStatusChecksProtection({ ...repo, branch: base }));
  if (classic.ok) {
    const pin = classic.data.checks.find((c) => c.context === context);
    if (pin || classic.data.contexts.includes(context)) {
      requirements.push({ where: 'classic branch protection', appId: pin?.app_id ?? null });
    }
  }
  const evaluating = [...details.values()].filter(
    (r) =>
      r.enforcement === 'evaluate' &&
      targetsBranch(r.conditions, base, scope.defaultBranch) &&
      (r.rules ?? []).some((rule) => checksOf(rule.parameters).some((c) => c.context === context)),
  );
  const what = `the \`${context}\` ${scope.kind === 'check-run' ? 'check run' : 'status'}`;
  if (requirements.length > 0) {
    required.push(...judgeRequirements(scope, requirements, guard));
  } else if (evaluating.length > 0) {
    required.push({
      status: 'fail',
      message: `${what} is required on ${base} only by ${names(evaluating)} in evaluate mode, which reports and blocks nothing`,
      fix: `set the enforcement of ${names(evaluating)} to Active (Settings, Rules, Rulesets)`,
    });
  } else {
    required.push(nothingRequires(scope, what, classic));
  }
  if (!rules.ok) {
    required.push({
      status: 'note',
      message: `the rules of ${base} are not readable with this token: ${refusal(rules)}`,
    });
  }
  if (!classic.ok && classic.status === 403 && requirements.length > 0) {
    required.push({
      status: 'note',
      message: `classic branch protection is not readable with this token (${refusal(classic)}): rulesets were checked`,
    });
  }
  const pinned =
    requirements.length > 0 && requirements.every((r) => r.appId !== null && r.appId !== GITHUB_ACTIONS_APP);
  const actionsPin = requirements.some((r) => r.appId === GITHUB_ACTIONS_APP);
  const named = new Map((rulesets.ok ? rulesets.data : []).map((r) => [r.id, r.name]));
  const mergeQueues = branchRules
    .filter((r) => r.type === 'merge_queue')
    .map((r) => {
      const grouping = (r.parameters as { grouping_strategy?: unknown } | undefined)?.grouping_strategy;
      return {
        ruleset: `ruleset "${named.get(r.ruleset_id ?? -1) ?? r.ruleset_id ?? 'unknown'}"`,
        ...(typeof grouping === 'string' ? { grouping } : {}),
      };
    });
  const allowed = await allowances(scope, requirements, classic);
  return { required, allowances: allowed, pinned, actionsPin, mergeQueues };
}

function judgeRequirements(scope: DoctorScope, requirements: Requirement[], guard: GuardApp): Finding[] {
  const where = requirements.map((r) => `${r.where}${r.appId === null ? '' : ` (pinned to app ${r.appId})`}`);
  const required = `\`${scope.context}\` is required on ${scope.base} by ${where.join(' and ')}`;
  if (scope.kind !== 'check-run') return [{ status: 'pass', message: required }];
  const notes: Finding[] =
    guard.unreadable === undefined
      ? []
      : [
          {
            status: 'note',
            message: `the check runs of release heads are not readable with this token (${guard.unreadable}): the guard's app was not learned from them; give the doctor job checks: read, or set guard-app-id`,
          },
        ];
  return [judgePin(scope, requirements, guard, required), ...workflowTokenFindings(scope, guard), ...notes];
}

/**
 * Check-run mode: a requirement must be pinned to the guard's own App. A pin to GitHub Actions pins
 * nothing (every job's check run is that app's); a pin to an app doctor cannot tell from the guard's is a
 * warning that names the id, so that someone can compare it.
 */
function judgePin(scope: DoctorScope, requirements: Requirement[], guard: GuardApp, required: string): Finding {
  const dedicated = requirements.filter((r) => r.appId !== null && r.appId !== GITHUB_ACTIONS_APP);
  const own = guard.id === undefined ? dedicated : dedicated.filter((r) => r.appId === guard.id);
  const guardId = guard.id === undefined ? '' : ` (${guard.id}, from ${guard.source})`;
  if (own.length === 0 && requirements.some((r) => r.appId === GITHUB_ACTIONS_APP)) {
    return {
      status: 'fail',
      message: `${required}: ${GITHUB_ACTIONS_APP} is the GitHub Actions app, and every workflow job's own check run comes from it, so a job named ${scope.context} (in any workflow, a pull request's own included), or any job with checks: write, satisfies it`,
      fix: `pin to a dedicated GitHub App: give the guard an App of its own as token, set the required check's expected source (app_id, integration_id) to that App, and set guard-app-id to its id`,
    };
  }
  if (own.length === 0) {
    return {
      status: 'fail',
      message: `${required}, but not from the guard's app${guardId}: ${dedicated.length > 0 ? "another app's" : "any app's or workflow job's"} check run of that name satisfies it`,
      fix: `set the required check's expected source (app_id, integration_id) to the guard's GitHub App${guard.id === undefined ? '' : `, ${guard.id}`}`,
    };
  }
  if (guard.id === undefined) {
    const ids = [...new Set(own.map((r) => r.appId))].join(', ');
    return {
      status: 'warn',
      message: `${required}, but doctor cannot tell the guard's app (no guard-app-id, no check run of the guard's seen), so whether app ${ids} is the guard's was not checked`,
      fix: `set guard-app-id to the id of the GitHub App whose token the guard uses, or check that ${ids} is that App's id`,
    };
  }
  return { status: 'pass', message: required };
}

/** A guard that posts its check runs with the workflow's token posts them as GitHub Actions: no pin tells them apart. */
function workflowTokenFindings(scope: DoctorScope, guard: GuardApp): Finding[] {
  const on =
    guard.id === GITHUB_ACTIONS_APP
      ? [`the guard's app is GitHub Actions (${GITHUB_ACTIONS_APP}, from ${guard.source})`]
      : guard.onWorkflowToken.map((job) => `${job} runs the guard with the workflow's GITHUB_TOKEN`);
  if (on.length === 0) return [];
  return [
    {
      status: 'fail',
      message: `${on.join('; ')}: its \`${scope.context}\` check runs come from the GitHub Actions app, like every workflow job's, so no pin can tell the guard's from a job's`,
      fix: 'pin to a dedicated GitHub App: give the guard an App of its own as token (SECURITY.md, "Check-run mode"), pin the required check to that App, and set guard-app-id to its id',
    },
  ];
}

function nothingRequires(scope: DoctorScope, what: string, classic: Read<unknown>): Finding {
  const add = `require ${what} on ${scope.base}: a ruleset (Settings, Rules, Rulesets: "Require status checks to pass", Active) or classic branch protection ("Require status checks to pass before merging")`;
  if (classic.ok) {
    return {
      status: 'fail',
      message: `classic branch protection of ${scope.base} does not require ${what}, and no active ruleset does`,
      fix: add,
    };
  }
  if (classic.status === 403) {
    return {
      status: 'fail',
      message: `no active ruleset requires ${what} on ${scope.base}, and classic branch protection is not readable with this token (${refusal(classic)})`,
      fix: `${add}; a ruleset is readable with any token. If classic protection requires it already, give the token administration read (a fine-grained token of an admin) so that doctor can see it`,
    };
  }
  return {
    status: 'fail',
    message: `nothing requires ${what} on ${scope.base}: no active ruleset, and no classic protection requiring it`,
    fix: add,
  };
}

/** Who may merge past the requirement: admins when classic protection does not enforce them, rulesets' bypass actors. */
async function allowances(scope: DoctorScope, requirements: Requirement[], classic: Read<unknown>): Promise<Finding[]> {
  const found: Finding[] = [];
  if (!classic.ok && classic.status === 403) {
    found.push({
      status: 'note',
      message: `whether admins may merge past classic branch protection is not readable with this token (${refusal(classic)})`,
    });
  }
  if (classic.ok && requirements.some((r) => r.where === 'classic branch protection')) {
    const admins = await attempt(() =>
      scope.octokit.rest.repos.getAdminBranchProtection({ ...scope.repo, branch: scope.base }),
    );
    if (!admins.ok) found.push({ status: 'note', message: `admin enforcement is not readable: ${refusal(admins)}` });
    else if (!admins.data.enabled) {
      found.push({
        status: 'warn',
        message: `admins can merge past classic branch protection of ${scope.base} (enforce_admins is off)`,
        fix: 'turn on "Do not allow bypassing the above settings" in the branch protection rule',
      });
    }
  }
  for (const { ruleset } of requirements) {
    if (!ruleset) continue;
    if (ruleset.bypass_actors === undefined) {
      found.push({
        status: 'note',
        message: `the bypass actors of ruleset "${ruleset.name}" are not visible to this token (GitHub shows them to those who can edit the ruleset)`,
      });
    } else if (ruleset.bypass_actors.length > 0) {
      const actors = ruleset.bypass_actors.map(
        (a) => `${a.actor_type}${a.actor_id == null ? '' : ` ${a.actor_id}`} (${a.bypass_mode ?? 'always'})`,
      );
      found.push({
        status: 'warn',
        message: `ruleset "${ruleset.name}" lets ${actors.join(', ')} bypass it`,
        fix: 'remove the bypass, or keep it for emergencies and watch the bypasses doctor reports',
      });
    }
  }
  if (found.length === 0) found.push({ status: 'pass', message: 'no bypass allowance seen' });
  return found;
}

function checksOf(parameters: unknown): { context: string; integration_id?: number | null }[] {
  const list = (parameters as { required_status_checks?: unknown } | undefined)?.required_status_checks;
  return Array.isArray(list) ? (list as { context: string; integration_id?: number | null }[]) : [];
}

function names(rulesets: RulesetDetail[]): string {
  return rulesets.map((r) => `ruleset "${r.name}"`).join(', ');
}
