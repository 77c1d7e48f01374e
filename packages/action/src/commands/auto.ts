/**
 * The `auto` command: what the workflow's event means for the guard (`planFor`). A pull request event
 * guards that pull request; a run of the release workflow reports the release of its pull request, found
 * by head branch, once it is known to be the guard's own dispatch; a schedule or a dispatch sweeps.
 */
import { shortSha } from '@release-guard/core';
import { isReleaseRun } from '@release-guard/github-adapter';
import type { EventPlan } from '../event-plan.js';
import type { ActionResult, CommandDeps } from '../run.js';
import { ignoredEvent, word } from '../shared.js';
import { guardedRepository, guardPullRequests } from './guard-pull-requests.js';
import { openPullRequestsOf } from './target.js';

/** An event the guard acts on: every plan but `ignore`, which `run` answers without loading this. */
export type ActionablePlan = Exclude<EventPlan, { kind: 'ignore' }>;

export async function auto(deps: CommandDeps, plan: ActionablePlan): Promise<ActionResult> {
  switch (plan.kind) {
    case 'pull-request':
      return guardPullRequests(guardedRepository(deps), [{ number: plan.number }], plan.events);
    case 'release-run':
      return releaseRun(deps, plan);
    case 'sweep': {
      const { sweep } = await import('./sweep.js');
      return sweep(deps);
    }
  }
}

async function releaseRun(deps: CommandDeps, plan: Extract<EventPlan, { kind: 'release-run' }>): Promise<ActionResult> {
  const { inputs, context, log } = deps;
  const workflow = inputs.release.workflow;
  if (!workflow) {
    return ignoredEvent(
      log,
      'workflow_run events are for a dispatched release workflow (input release-workflow); releases in the calling run report themselves with the release commands',
    );
  }
  if (basename(plan.workflowPath) !== basename(workflow)) {
    return ignoredEvent(log, `the workflow ${plan.workflowPath} is not the release workflow ${workflow}`);
  }
  const release = {
    event: plan.run.event,
    head_sha: plan.headSha,
    head_branch: plan.headBranch,
    display_title: plan.run.displayTitle,
    head_repository: plan.run.headRepository === undefined ? null : { full_name: plan.run.headRepository },
  };
  if (!isReleaseRun(release, { repo: context.repository, sha: plan.headSha, headRef: plan.headBranch })) {
    const about = `a run of ${plan.workflowPath} (${word(plan.run.event)} on ${word(plan.headBranch)}, ${shortSha(plan.headSha)}) that the guard did not start`;
    if (!plan.run.succeeded) return ignoredEvent(log, `${about} is not the release: ignored`);
    const alert = `${about} succeeded: it is not the release and unlocks nothing. Anyone with write access can make the release workflow run for any SHA; only a workflow_dispatch run on the release branch, named with the marker, releases.`;
    return { ...ignoredEvent(log, alert), failures: [alert] };
  }
  const numbers = await openPullRequestsOf(deps, plan.headBranch);
  if (numbers.length === 0) {
    return ignoredEvent(log, `no open pull request has the head branch ${plan.headBranch} in this repository`);
  }
  const [started] = plan.events;
  return guardPullRequests(guardedRepository(deps), numbers, plan.events, {
    runId: started?.type === 'RELEASE_STARTED' ? String(started.runId) : '',
    actor: plan.run.actor ?? '',
    succeeded: plan.run.succeeded,
  });
}

function basename(path: string): string {
  return path.split('/').at(-1) ?? path;
}
