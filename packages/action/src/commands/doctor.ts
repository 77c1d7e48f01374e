/**
 * The `doctor` command: whether the release lock is effective on the base branch, from what GitHub shows
 * without writing anything. The first three checks (the status is required, the release workflow can be
 * dispatched and found, release pull requests are recognised) decide; the others fail only when they
 * prove the lock broken (a bypass found, a guard job without the permission to write its status, a job
 * that satisfies the status by itself), and warn otherwise. Needs no event: only the repository and a token.
 */
import { createGuard, PRESETS } from '@release-guard/core';
import { bypasses, guardAppId, isRelease, pullRequestsOf, releaseRecognition } from '../doctor/pull-requests.js';
import { attempt, type DoctorScope, refusal } from '../doctor/read.js';
import { releaseWorkflow } from '../doctor/release-workflow.js';
import { check, type DoctorReport, doctorFailures, type Finding, renderDoctorSummary } from '../doctor/report.js';
import { type GuardApp, requiredStatus } from '../doctor/required-status.js';
import { judgeWorkflows, onWorkflowToken, type WorkflowFile, workflowFiles } from '../doctor/workflow-files.js';
import type { ActionResult, CommandDeps } from '../run.js';
import { NO_OUTPUTS } from '../shared.js';

const REPOSITORY = `query($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { defaultBranchRef { name } }
  viewer { login }
}`;

export async function doctor({ inputs, context, clients, log }: CommandDeps): Promise<ActionResult> {
  const { octokit } = clients;
  const { owner, repo } = context.repository;
  const found = await octokit.graphql<{
    repository: { defaultBranchRef: { name: string } | null };
    viewer: { login: string };
  }>(REPOSITORY, { owner, name: repo });
  const defaultBranch = found.repository.defaultBranchRef?.name ?? 'main';
  const scope: DoctorScope = {
    octokit,
    repo: context.repository,
    base: inputs.baseBranch ?? defaultBranch,
    defaultBranch,
    context: inputs.config.statusContext ?? 'release',
    kind: inputs.statusKind,
    viewer: found.viewer.login,
  };
  const { settings } = createGuard(inputs.config);
  const glob = inputs.config.releaseBranch ?? PRESETS[inputs.config.preset ?? 'releases'].releaseBranch;
  const releaseBranch = typeof glob === 'string' ? glob : String(glob);
  const now = clients.now ? clients.now() : new Date();
  const report = await log.group(`release-guard doctor: ${owner}/${repo} ${scope.base}`, async () => {
    const pulls = await attempt(async () => ({ data: await pullRequestsOf(scope) }));
    const { open, closed } = pulls.ok ? pulls.data : { open: [], closed: [] };
    const heads = [...open, ...closed].filter((pr) => isRelease(scope, settings, pr)).map((pr) => pr.head.sha);
    const files = await workflowFiles(scope);
    const required = await requiredStatus(scope, await guardOf(scope, inputs.guardAppId, heads, files.files));
    const unreadable: Finding[] = pulls.ok
      ? []
      : [
          {
            status: 'fail',
            message: `the pull requests of ${scope.base} are not readable with this token (${refusal(pulls)})`,
            fix: 'give the token pull-requests: read (the guard needs write)',
          },
        ];
    const judged = judgeWorkflows(scope, files.files, required);
    const permissions: Finding[] = [...unreadable, ...judged.permissions];
    if (files.note) permissions.push(files.note);
    else if (!judged.permissions.some((f) => f.status !== 'note')) {
      permissions.push({
        status: 'warn',
        message: `no job of ${scope.base}'s workflows runs release-guard/action: nothing writes the ${scope.context} status`,
        fix: 'add the guard workflow of the action README, Quick start',
      });
    }
    if (files.scopes !== undefined) {
      permissions.push({ status: 'note', message: `this classic token's scopes: ${files.scopes || 'none'}` });
    }
    const result: DoctorReport = {
      repository: `${owner}/${repo}`,
      baseBranch: scope.base,
      statusContext: scope.context,
      statusKind: scope.kind,
      effective: false,
      checks: [
        check('required-status', required.required),
        check('release-workflow', await releaseWorkflow(scope, inputs.release.workflow, files.files)),
        check(
          'release-pull-requests',
          pulls.ok ? await releaseRecognition(scope, settings, releaseBranch, open, required) : unreadable,
        ),
        check('bypasses', await bypasses(scope, settings, closed, now)),
        check('permissions', permissions),
        check('bypass-allowances', required.allowances),
        check('status-jobs', judged.jobs),
      ],
    };
    result.effective = result.checks.every((c) => c.status !== 'fail');
    for (const c of result.checks) {
      for (const f of c.findings) {
        const line = `${f.status}: ${c.title}: ${f.message}${f.fix ? `. Fix: ${f.fix}` : ''}`;
        if (f.status === 'warn') log.warning(line);
        else log.info(line);
      }
    }
    return result;
  });
  log.info(`the lock on ${scope.base} ${report.effective ? 'is effective' : 'is NOT effective'}`);
  return {
    outputs: { ...NO_OUTPUTS },
    summary: renderDoctorSummary(report),
    failures: doctorFailures(report),
    pullRequests: [],
    doctor: report,
  };
}

/**
 * What doctor knows of the guard's app: `guard-app-id`, or the app of a check run the guard posted on a
 * release head (check-run mode only); and the guard jobs that post with the workflow's token.
 */
async function guardOf(
  scope: DoctorScope,
  given: number | undefined,
  heads: readonly string[],
  files: WorkflowFile[],
): Promise<GuardApp> {
  const onToken = onWorkflowToken(files);
  if (given !== undefined) return { id: given, source: 'guard-app-id', onWorkflowToken: onToken };
  const learned = scope.kind === 'check-run' ? await guardAppId(scope, heads) : {};
  const unreadable = learned.unreadable === undefined ? {} : { unreadable: learned.unreadable };
  return learned.id === undefined
    ? { onWorkflowToken: onToken, ...unreadable }
    : { id: learned.id, source: 'a check run it posted', onWorkflowToken: onToken };
}
