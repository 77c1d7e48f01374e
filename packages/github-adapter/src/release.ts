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
 * start one release), unless the guard already knows it (`known`: runs it saw finish or reported as
 * unapproved, e.g. from before the pull request was reopened). A finished run is never reused: asking
 * again means releasing again. The dispatch asks for `return_run_details`, so the run is known at once.
 * The workflow receives the inputs `sha` and `version`. In `in-run` mode nothing is dispatched: the
 * calling job performs the release.
 */
export async function startRelease(
  octokit: Octokit,
  repo: RepoRef,
  effect: StartReleaseEffect,
  mode: ReleaseMode,
  options: { known?: readonly string[] } = {},
): Promise<GuardEvent[]> {
  if (mode.kind === 'in-run') return [];
  if (!mode.ref) throw new Error('dispatching the release workflow needs the ref (branch) to run it on');
  const marker = runMarker(effect.sha);
  const known = new Set(options.known ?? []);
  /** The oldest run of this release that is still going and that the guard does not already know. */
  const oldestLive = async () =>
    (await runsOf(octokit, repo, mode.workflow, effect.sha)).find(
      (run) =>
        run.display_title.includes(marker) &&
        run.status !== 'completed' &&
        !known.has(runAttemptId(run.id, run.run_attempt)),
    );
  const started = (run: { id: number; run_attempt?: number }): GuardEvent[] => [
    { type: 'RELEASE_STARTED', sha: effect.sha, runId: runAttemptId(run.id, run.run_attempt) },
  ];

  const live = await oldestLive();
  if (live) return started(live);
  const response = await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
    ...repo,
    workflow_id: mode.workflow,
    ref: mode.ref,
    inputs: { sha: effect.sha, ...(effect.version ? { version: effect.version } : {}) },
    return_run_details: true,
  });
  const dispatched = (response.data as { workflow_run_id?: number } | undefined)?.workflow_run_id;
  if (!dispatched) return [];
  // Guard runs racing on one approval may each have dispatched: they all keep the oldest live run and
  // cancel their own if it is not that one, so one release runs.
  const oldest = await oldestLive();
  if (oldest && oldest.id < dispatched) {
    await octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: dispatched }).catch(() => undefined);
    return started(oldest);
  }
  return started({ id: dispatched });
}

/**
 * The runs of the release workflow for `sha`, oldest first, as the core's facts. A run cancelled while an
 * older one was going or succeeded is left out: it is a duplicate that racing guard runs cancelled (see
 * `startRelease`), not the outcome of the release.
 */
export async function releaseRuns(
  octokit: Octokit,
  repo: RepoRef,
  workflow: string,
  sha: string,
): Promise<ReleaseRunFact[]> {
  const runs = await runsOf(octokit, repo, workflow, sha);
  const standing = (run: (typeof runs)[number]) => run.status !== 'completed' || run.conclusion === 'success';
  return runs
    .filter((run) => !(run.conclusion === 'cancelled' && runs.some((older) => older.id < run.id && standing(older))))
    .map((run) => ({
      runId: runAttemptId(run.id, run.run_attempt),
      sha: run.head_sha,
      conclusion: run.status === 'completed' ? ((run.conclusion ?? 'failure') as ReleaseRunFact['conclusion']) : null,
    }));
}

/** The runs of `workflow` for `sha`, oldest first. */
async function runsOf(octokit: Octokit, repo: RepoRef, workflow: string, sha: string) {
  const { data } = await octokit.rest.actions.listWorkflowRuns({
    ...repo,
    workflow_id: workflow,
    head_sha: sha,
    per_page: 50,
  });
  return [...data.workflow_runs].sort((a, b) => a.id - b.id);
}
