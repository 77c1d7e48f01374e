import type { Octokit } from '@octokit/rest';
import type { GuardEvent, ReleaseRunFact, StartReleaseEffect } from '@release-guard/core';
import type { RepoRef } from './types.js';

/**
 * Where a release runs: a workflow the guard dispatches (on `ref`, by default the pull request's head
 * branch), or the run that called the guard.
 */
export type ReleaseMode = { kind: 'dispatch'; workflow: string; ref?: string } | { kind: 'in-run' };

/**
 * The marker a dispatched release run carries in its name. The release workflow must show it, e.g.
 * `run-name: release-guard ${{ inputs.sha }}`, so that a second guard run finds the first one's release.
 */
export function runMarker(sha: string): string {
  return `release-guard ${sha}`;
}

/** One attempt of a workflow run, as the core's `runId`. */
export function runAttemptId(runId: number, attempt = 1): string {
  return `${runId}.${attempt}`;
}

/**
 * Starts the release of `effect.sha`, once: a run of the workflow for that SHA that carries the marker
 * and is still going is reported instead of dispatching another (two guard runs racing on one approval
 * start one release), and one that already succeeded, unknown to the guard, is reported with its outcome.
 * Runs that failed, and runs the guard already saw finish (`finished`), are never reused: asking again
 * means releasing again. The dispatch asks for `return_run_details`, so the run is known at once. The
 * workflow receives the inputs `sha` and `version`. In `in-run` mode nothing is dispatched: the calling
 * job performs the release.
 */
export async function startRelease(
  octokit: Octokit,
  repo: RepoRef,
  effect: StartReleaseEffect,
  mode: ReleaseMode,
  options: { finished?: readonly string[] } = {},
): Promise<GuardEvent[]> {
  if (mode.kind === 'in-run') return [];
  if (!mode.ref) throw new Error('dispatching the release workflow needs the ref (branch) to run it on');
  const marker = runMarker(effect.sha);
  const { data } = await octokit.rest.actions.listWorkflowRuns({
    ...repo,
    workflow_id: mode.workflow,
    head_sha: effect.sha,
    per_page: 50,
  });
  const finished = new Set(options.finished ?? []);
  const reusable = data.workflow_runs.find(
    (run) =>
      run.display_title.includes(marker) &&
      !finished.has(runAttemptId(run.id, run.run_attempt)) &&
      !(run.status === 'completed' && run.conclusion !== 'success'),
  );
  if (reusable) {
    const runId = runAttemptId(reusable.id, reusable.run_attempt);
    const started: GuardEvent = { type: 'RELEASE_STARTED', sha: effect.sha, runId };
    return reusable.status === 'completed'
      ? [started, { type: 'RELEASE_SUCCEEDED', sha: effect.sha, runId }]
      : [started];
  }
  const response = await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
    ...repo,
    workflow_id: mode.workflow,
    ref: mode.ref,
    inputs: { sha: effect.sha, ...(effect.version ? { version: effect.version } : {}) },
    return_run_details: true,
  });
  const details = response.data as { workflow_run_id?: number } | undefined;
  return details?.workflow_run_id
    ? [{ type: 'RELEASE_STARTED', sha: effect.sha, runId: runAttemptId(details.workflow_run_id) }]
    : [];
}

/** The runs of the release workflow for `sha`, oldest first, as the core's facts. */
export async function releaseRuns(
  octokit: Octokit,
  repo: RepoRef,
  workflow: string,
  sha: string,
): Promise<ReleaseRunFact[]> {
  const { data } = await octokit.rest.actions.listWorkflowRuns({
    ...repo,
    workflow_id: workflow,
    head_sha: sha,
    per_page: 50,
  });
  return data.workflow_runs
    .map((run) => ({
      runId: runAttemptId(run.id, run.run_attempt),
      sha: run.head_sha,
      conclusion: run.status === 'completed' ? ((run.conclusion ?? 'failure') as ReleaseRunFact['conclusion']) : null,
    }))
    .reverse();
}
