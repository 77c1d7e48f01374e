/**
 * Checks 3 and 4 on the pull requests of the base branch: the open ones the configuration does not
 * recognise although they look like releases or change release-managed paths, and the bypasses of the
 * last month (rule suites, and merged release pull requests whose head never had the guard's success).
 */
import { type GuardSettings, globToRegExp, PRESETS, type Preset, shortSha } from '@release-guard/core';
import { appSlugOf } from '@release-guard/github-adapter';
import { attempt, type DoctorScope, type Read, refusal } from './read.js';
import type { Finding } from './report.js';
import { GITHUB_ACTIONS_APP, type MergeQueueRule } from './required-status.js';

/** The fields of a REST pull request doctor reads. */
export interface PullRequestSummary {
  number: number;
  title: string;
  head: { ref: string; sha: string; repo: { full_name: string } | null };
  merged_at?: string | null;
}

/** How far back bypasses are looked for: a month, as rule suites' longest `time_period`. */
export const BYPASS_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
/** Titles release tools give their pull requests: `chore(main): release 1.2.3`, "Version Packages". */
const RELEASE_TITLE = /^(?:chore|build|release)(?:\([^)]*\))?!?:\s*release\b|^version packages\b/i;
const TOOL_PRESETS: readonly Preset[] = ['release-please', 'changesets', 'releases'];

/** The open pull requests into the base branch, and the last hundred closed ones. */
export async function pullRequestsOf(scope: DoctorScope) {
  const { octokit, repo, base } = scope;
  const open = (await octokit.paginate(octokit.rest.pulls.list, {
    ...repo,
    state: 'open',
    base,
    per_page: 100,
  })) as PullRequestSummary[];
  const { data } = await octokit.rest.pulls.list({
    ...repo,
    state: 'closed',
    base,
    sort: 'updated',
    direction: 'desc',
    per_page: 100,
  });
  return { open, closed: data as PullRequestSummary[] };
}

/** Whether `pr` is a release pull request for the guard: its branch matches and it is not a fork's. */
export function isRelease(scope: DoctorScope, settings: Pick<GuardSettings, 'releaseBranch'>, pr: PullRequestSummary) {
  return !fromFork(scope, pr) && settings.releaseBranch.test(pr.head.ref);
}

function fromFork(scope: DoctorScope, pr: PullRequestSummary): boolean {
  return pr.head.repo?.full_name.toLowerCase() !== `${scope.repo.owner}/${scope.repo.repo}`.toLowerCase();
}

/** Check 3: open pull requests that look like releases but are not recognised, and protected paths changed outside one. */
export async function releaseRecognition(
  scope: DoctorScope,
  settings: Pick<GuardSettings, 'releaseBranch' | 'protectedPaths'>,
  releaseBranch: string,
  open: PullRequestSummary[],
  queue: { mergeQueues: readonly MergeQueueRule[]; pinned: boolean },
): Promise<Finding[]> {
  const found: Finding[] = [];
  const others = open.filter((pr) => !isRelease(scope, settings, pr) && !fromFork(scope, pr));
  for (const pr of others) {
    const preset = TOOL_PRESETS.find((p) => globToRegExp(PRESETS[p].releaseBranch).test(pr.head.ref));
    if (!preset && !RELEASE_TITLE.test(pr.title)) continue;
    found.push({
      status: 'fail',
      message: `#${pr.number} "${pr.title.slice(0, 100)}" (branch ${pr.head.ref}) looks like a release pull request${preset ? ` of the ${preset} preset` : ''}, but release-branch ${releaseBranch} does not match it: the guard gives it "release: not required", and it can merge unguarded`,
      fix: preset
        ? `set preset: ${preset} in every release-guard step (or release-branch to a glob that matches ${pr.head.ref})`
        : `set release-branch to a glob that matches ${pr.head.ref}`,
    });
  }
  if (settings.protectedPaths.length > 0) {
    for (const pr of open.filter((p) => !isRelease(scope, settings, p)).slice(0, 100)) {
      const path = await protectedPathOf(scope, settings.protectedPaths, pr.number);
      if (path === undefined || found.some((f) => f.message.startsWith(`#${pr.number} `))) continue;
      found.push({
        status: 'fail',
        message: `#${pr.number} "${pr.title.slice(0, 100)}" changes the release-managed ${path} and is not recognised as a release pull request`,
        fix: `if it is a release, make release-branch (or preset) match its branch ${pr.head.ref}; if not, drop the change: the guard keeps it failing`,
      });
    }
  }
  const releases = open.filter((pr) => isRelease(scope, settings, pr)).length;
  if (found.length === 0) {
    found.push({
      status: 'pass',
      message: `${open.length} open pull request(s) into ${scope.base}: ${releases} recognised as release pull requests (${releaseBranch}), none that looks like one is left out`,
    });
  }
  found.push(...mergeQueueFindings(scope, queue.mergeQueues, queue.pinned));
  return found;
}

/**
 * A required merge queue is handled (the guard enqueues its releases and judges each group) only when it
 * merges no entry whose own group failed: grouping `ALLGREEN`, "Only merge non-failing pull requests".
 * With `HEADGREEN` a failing entry merges with a later group that passes, so a release whose group got
 * the guard's `failure` (not approved, released and verified) would merge anyway. A group is judged once:
 * unless the requirement is `pinned` to an app (not GitHub Actions), anyone with `statuses: write` can post
 * `success` on a group's commit before the guard's verdict, a warning.
 */
export function mergeQueueFindings(scope: DoctorScope, queues: readonly MergeQueueRule[], pinned: boolean): Finding[] {
  if (queues.length === 0) return [];
  const failing = queues.filter((q) => q.grouping !== 'ALLGREEN');
  if (failing.length === 0 && !pinned) {
    return [
      {
        status: 'warn',
        message: `a merge queue is required on ${scope.base}, merging only entries whose own group passed (grouping ALLGREEN), but \`${scope.context}\` is not pinned to the guard's own App: a group is judged once, and anyone with statuses: write can post success on its commit before the guard's verdict`,
        fix: 'pin the required check to the guard\'s own GitHub App (status-kind: check-run; SECURITY.md, "Check-run mode")',
      },
    ];
  }
  if (failing.length === 0) {
    return [
      {
        status: 'pass',
        message: `a merge queue is required on ${scope.base}, merging only entries whose own group passed (grouping ALLGREEN): handled, the guard merges release pull requests through it`,
      },
    ];
  }
  return failing.map((q) => ({
    status: 'fail',
    message: `the merge queue of ${q.ruleset} on ${scope.base} merges entries whose own group failed (grouping_strategy ${q.grouping ?? 'not shown'}, "Only merge non-failing pull requests" off): a release pull request whose group got the guard's failure merges together with a later group that passes`,
    fix: `turn on "Only merge non-failing pull requests" in the merge queue rule of ${q.ruleset} (grouping_strategy: ALLGREEN)`,
  }));
}

async function protectedPathOf(scope: DoctorScope, globs: readonly RegExp[], number: number) {
  const files = await scope.octokit.paginate(scope.octokit.rest.pulls.listFiles, {
    ...scope.repo,
    pull_number: number,
    per_page: 100,
  });
  const paths = files.flatMap((f) => (f.previous_filename ? [f.filename, f.previous_filename] : [f.filename]));
  return paths.sort().find((path) => globs.some((glob) => glob.test(path)));
}

/** Check 4: rule suites that bypassed the base branch's rules, and release pull requests merged without the guard's success. */
export async function bypasses(
  scope: DoctorScope,
  settings: Pick<GuardSettings, 'releaseBranch'>,
  closed: PullRequestSummary[],
  now: Date,
): Promise<Finding[]> {
  const found: Finding[] = [];
  const suites = await attempt(async () => ({
    data: await scope.octokit.paginate(scope.octokit.rest.repos.getRepoRuleSuites, {
      ...scope.repo,
      ref: `refs/heads/${scope.base}`,
      time_period: 'month',
      rule_suite_result: 'bypass',
      per_page: 100,
    }),
  }));
  if (!suites.ok) {
    found.push({
      status: 'note',
      message: `rule suites are not readable with this token (${refusal(suites)}): a workflow's token cannot read them; run doctor with an admin's token to see bypasses of the rules`,
    });
  } else {
    for (const suite of suites.data.slice(0, 10)) {
      found.push({
        status: 'fail',
        message: `${suite.actor_name ?? 'someone'} bypassed the rules of ${scope.base} at ${suite.pushed_at ?? 'an unknown time'} (${shortSha(suite.after_sha ?? '')})`,
        fix: 'see the action README, Recovering ("an alerted human merge"); remove the bypass allowance if it is not for emergencies',
      });
    }
  }
  const since = now.getTime() - BYPASS_WINDOW_MS;
  const merged = closed
    .filter((pr) => pr.merged_at && Date.parse(pr.merged_at) >= since && isRelease(scope, settings, pr))
    .slice(0, 20);
  for (const pr of merged) {
    const succeeded = await guardSucceeded(scope, pr.head.sha);
    if (!succeeded.ok) {
      found.push({
        status: 'note',
        message: `the ${scope.kind === 'check-run' ? 'check runs' : 'statuses'} of merged release pull requests' heads are not readable with this token (${refusal(succeeded)}): whether the ${merged.length} release pull request(s) merged in the last 30 days had the guard's success was not checked; give the doctor job ${readOf(scope)}`,
      });
      break;
    }
    if (succeeded.data) continue;
    const { data } = await scope.octokit.rest.pulls.get({ ...scope.repo, pull_number: pr.number });
    const by = data.merged_by;
    found.push({
      status: 'fail',
      message: `release pull request #${pr.number} was merged${by ? ` by ${by.login}` : ''} at ${pr.merged_at} without the guard's success of ${scope.context} on its head ${shortSha(pr.head.sha)}: it went past the lock`,
      fix: 'see the action README, Recovering ("an alerted human merge"), and the bypass allowances below',
    });
  }
  if (found.length === 0) {
    found.push({
      status: 'pass',
      message: `${merged.length} release pull request(s) merged in the last 30 days, each with the guard's success; no bypass in the rule suites`,
    });
  }
  return found;
}

/** The logins and app slugs whose `success` is the guard's: the token's, and the workflow token's. */
function guardWriters(scope: DoctorScope) {
  const logins = new Set([scope.viewer, 'github-actions[bot]']);
  const apps = new Set(['github-actions', appSlugOf(scope.viewer)].filter((s): s is string => s !== undefined));
  return { logins, apps };
}

/** The permission doctor reads the guard's verdicts on commits with: `statuses: read`, or `checks: read`. */
export function readOf(scope: Pick<DoctorScope, 'kind'>): string {
  return scope.kind === 'check-run' ? 'checks: read' : 'statuses: read';
}

/** Whether `sha` had the guard's success, or why its statuses (check runs) could not be read. */
async function guardSucceeded(scope: DoctorScope, sha: string): Promise<Read<boolean>> {
  const { logins, apps } = guardWriters(scope);
  if (scope.kind === 'check-run') {
    const read = await attempt(() =>
      scope.octokit.rest.checks.listForRef({
        ...scope.repo,
        ref: sha,
        check_name: scope.context,
        filter: 'all',
        per_page: 100,
      }),
    );
    if (!read.ok) return read;
    return {
      ...read,
      data: read.data.check_runs.some((r) => r.conclusion === 'success' && apps.has(r.app?.slug ?? '')),
    };
  }
  const read = await attempt(async () => ({
    data: await scope.octokit.paginate(scope.octokit.rest.repos.listCommitStatusesForRef, {
      ...scope.repo,
      ref: sha,
      per_page: 100,
    }),
  }));
  if (!read.ok) return read;
  const success = read.data.some(
    (s) => s.context === scope.context && s.state === 'success' && logins.has(s.creator?.login ?? ''),
  );
  return { ...read, data: success };
}

/**
 * The guard's app id, from a check run of the status context it wrote on one of `heads` (`id` undefined
 * when none is found), or why the check runs could not be read (`unreadable`).
 */
export async function guardAppId(
  scope: DoctorScope,
  heads: readonly string[],
): Promise<{ id?: number; unreadable?: string }> {
  const { apps } = guardWriters(scope);
  for (const sha of heads.slice(0, 5)) {
    const read = await attempt(() =>
      scope.octokit.rest.checks.listForRef({ ...scope.repo, ref: sha, check_name: scope.context }),
    );
    if (!read.ok) return { unreadable: refusal(read) };
    const own = read.data.check_runs.find((r) => apps.has(r.app?.slug ?? ''));
    // The workflow token's check runs are GitHub Actions', whose id GitHub gives as GITHUB_ACTIONS_APP.
    if (own?.app) return { id: own.app.slug === 'github-actions' ? GITHUB_ACTIONS_APP : own.app.id };
  }
  return {};
}
