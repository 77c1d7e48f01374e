import type { Octokit } from '@octokit/rest';
import type { GuardEvent, ReleaseRunFact, StartReleaseEffect } from '@release-guard/core';
import type { RepoRef } from './types.js';

/**
 * Where a release runs: a workflow the guard dispatches (on `ref`, by default the pull request's head
 * branch), or the run that called the guard (`run`: its id and attempt, as `runAttemptId` writes them;
 * recorded as the release when the guard answers that this run must release, so that no other run's
 * report releases anything).
 */
export type ReleaseMode = { kind: 'dispatch'; workflow: string; ref?: string } | { kind: 'in-run'; run?: string };

/**
 * The `run-name` a release workflow declares so that its runs carry the marker (`runMarker`): a second
 * guard run finds the first one's release by it, and the version it releases (`runVersion`): the title or
 * a file may give one commit another version, and a run of another version is not its release. A
 * workflow whose `run-name` names the SHA alone (`release-guard ${{ inputs.sha }}`) still works: its runs
 * count for whatever version the head has.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
const SHA_EXPRESSION = '${{ inputs.sha }}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
const VERSION_EXPRESSION = '${{ inputs.version }}';
export const RELEASE_RUN_NAME = `release-guard ${SHA_EXPRESSION} ${VERSION_EXPRESSION}`;

/**
 * The inputs a release workflow's `on.workflow_dispatch` declares: the guard always sends `sha`, and
 * `version` when the pull request names one. GitHub refuses (422) a dispatch with an undeclared input.
 */
export const RELEASE_INPUTS = { sha: { required: true }, version: { required: false } } as const;

/** The marker a dispatched release run of `sha` (and `version`) carries in its name: {@link RELEASE_RUN_NAME}, expanded. */
export function runMarker(sha: string, version?: string): string {
  return `release-guard ${sha}${version ? ` ${version}` : ''}`;
}

/**
 * The version a run's name says it releases: the word after the marker of `sha`, when the name carries
 * the marker (see `carriesMarker`) and a version follows it; undefined otherwise.
 */
export function runVersion(title: string, sha: string): string | undefined {
  const marker = `${runMarker(sha)} `;
  const at = title.indexOf(marker);
  if (at < 0 || !carriesMarker(title, sha)) return undefined;
  const word = title.slice(at + marker.length).split(/\s/, 1)[0] ?? '';
  return /^[0-9A-Za-z][0-9A-Za-z._+-]{0,99}$/.test(word) ? word : undefined;
}

/** One attempt of a workflow run, as the core's `runId`. */
export function runAttemptId(runId: number, attempt = 1): string {
  return `${runId}.${attempt}`;
}

/** Whether two run attempt ids (`runAttemptId`) are attempts of one workflow run. */
export function sameRun(a: string, b: string): boolean {
  return a.split('.')[0] === b.split('.')[0];
}

/**
 * What `RELEASE_STARTED`'s `rerunOf` names for the attempt `runId`: `recorded` (the release run the guard
 * holds), when `runId` is a later attempt of the same workflow run, i.e. GitHub's "Re-run jobs" of it.
 */
export function rerunOf(runId: string, recorded: string | undefined): string | undefined {
  if (recorded === undefined || !sameRun(runId, recorded)) return undefined;
  const attempt = (id: string) => Number(id.split('.')[1] ?? '1');
  return attempt(runId) > attempt(recorded) ? recorded : undefined;
}

/** A workflow run as REST shows it, as far as telling a release run from others goes. */
export interface WorkflowRunFacts {
  event: string;
  head_sha: string;
  head_branch: string | null;
  display_title: string;
  head_repository?: { full_name: string } | null;
  actor?: { login: string } | null;
}

/**
 * Whether a run of the release workflow is one the guard can attribute to the release of `sha`: a
 * `workflow_dispatch` run in this repository, on the release pull request's head branch, for `sha`, whose
 * name carries the marker, dispatched by the guard (`guard`: its token's login; a re-run attempt keeps the
 * run's actor, so the re-runs of the guard's runs count). Anyone with write access can make the workflow
 * file run for any SHA through another trigger (a `pull_request` or `push` on a branch of theirs, where
 * the file may say anything) or dispatch it by hand with inputs of their own: such a run releases nothing.
 */
export function isReleaseRun(
  run: WorkflowRunFacts,
  release: { repo: RepoRef; sha: string; headRef: string; guard?: string },
): boolean {
  const fullName = `${release.repo.owner}/${release.repo.repo}`.toLowerCase();
  return (
    run.event === 'workflow_dispatch' &&
    run.head_sha === release.sha &&
    run.head_branch === release.headRef &&
    carriesMarker(run.display_title, release.sha) &&
    (run.head_repository?.full_name === undefined || run.head_repository.full_name.toLowerCase() === fullName) &&
    (release.guard === undefined || (run.actor?.login ?? '').toLowerCase() === release.guard.toLowerCase())
  );
}

/** Whether a run's name carries the marker of `sha` as a whole word (`release-guard <sha>`, not `<sha>-x`). */
export function carriesMarker(title: string, sha: string): boolean {
  const marker = runMarker(sha);
  for (let at = title.indexOf(marker); at >= 0; at = title.indexOf(marker, at + 1)) {
    const before = at === 0 ? ' ' : (title[at - 1] ?? ' ');
    const after = title[at + marker.length] ?? ' ';
    if (!/[A-Za-z0-9_-]/.test(before) && !/[A-Za-z0-9_-]/.test(after)) return true;
  }
  return false;
}

/**
 * Starts the release of `effect.sha`, once. Before dispatching, the runs of the release workflow for that
 * SHA are read: a release run (see `isReleaseRun`) that is still going, or that succeeded, and that the
 * guard does not already know (`known`: runs it saw finish or reported as unapproved, e.g. from before the
 * pull request was reopened) is reported instead of dispatching another, so two guard runs racing on one
 * approval start one release, and a lost or edited timeline never causes a second release. A run the
 * guard already saw finish is never reused: asking again means releasing again. The dispatch asks for
 * `return_run_details`, so the run is known at once. The workflow receives the inputs `sha` and
 * `version`. In `in-run` mode nothing is dispatched: the calling job performs the release, and is
 * reported started at once when its run is known.
 */
export async function startRelease(
  octokit: Octokit,
  repo: RepoRef,
  effect: StartReleaseEffect,
  mode: ReleaseMode,
  options: { known?: readonly string[]; guard?: string } = {},
): Promise<GuardEvent[]> {
  if (mode.kind === 'in-run') return mode.run ? [{ type: 'RELEASE_STARTED', sha: effect.sha, runId: mode.run }] : [];
  const headRef = mode.ref;
  if (!headRef) throw new Error('dispatching the release workflow needs the ref (branch) to run it on');
  const known = new Set(options.known ?? []);
  const release = { repo, sha: effect.sha, headRef, ...(options.guard ? { guard: options.guard } : {}) };
  /** Release runs of this SHA and version the guard does not know yet, oldest first. */
  const unknownRuns = async () =>
    (await runsOf(octokit, repo, mode.workflow, effect.sha)).filter(
      (run) =>
        isReleaseRun(run, release) &&
        !known.has(runAttemptId(run.id, run.run_attempt)) &&
        ofVersion(runVersion(run.display_title, effect.sha), effect.version),
    );
  const version = effect.version ? { version: effect.version } : {};
  const reported = (run: { id: number; run_attempt?: number; status?: string | null; conclusion?: string | null }) => {
    const runId = runAttemptId(run.id, run.run_attempt);
    const events: GuardEvent[] = [{ type: 'RELEASE_STARTED', sha: effect.sha, runId, ...version }];
    if (run.status === 'completed' && run.conclusion === 'success')
      events.push({ type: 'RELEASE_SUCCEEDED', sha: effect.sha, runId, ...version });
    return events;
  };
  const standing = (run: { status: string | null; conclusion: string | null }) =>
    run.status !== 'completed' || run.conclusion === 'success';

  const existing = (await unknownRuns()).find(standing);
  if (existing) return reported(existing);
  const response = await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
    ...repo,
    workflow_id: mode.workflow,
    ref: headRef,
    inputs: { sha: effect.sha, ...(effect.version ? { version: effect.version } : {}) },
    return_run_details: true,
  });
  const dispatched = (response.data as { workflow_run_id?: number } | undefined)?.workflow_run_id;
  if (!dispatched) return [];
  // Guard runs racing on one approval may each have dispatched: they all keep the oldest live run and
  // cancel their own if it is not that one, so one release runs.
  const oldest = (await unknownRuns()).find((run) => run.status !== 'completed');
  if (oldest && oldest.id < dispatched) {
    await octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: dispatched }).catch(() => undefined);
    return reported(oldest);
  }
  return reported({ id: dispatched });
}

/**
 * The release runs of `sha` (see `isReleaseRun`), oldest first, as the core's facts, and the other runs
 * of the release workflow for `sha` that succeeded (`foreign`): they are never taken for the release. A
 * release run cancelled while an older one was going or succeeded is left out: it is a duplicate that
 * racing guard runs cancelled (see `startRelease`), not the outcome of the release.
 */
export async function releaseRuns(
  octokit: Octokit,
  repo: RepoRef,
  workflow: string,
  release: { sha: string; headRef: string; guard?: string },
): Promise<{ runs: ReleaseRunFact[]; foreign: { runId: string; event: string; branch: string }[] }> {
  const all = await runsOf(octokit, repo, workflow, release.sha);
  const runs = all.filter((run) => isReleaseRun(run, { repo, ...release }));
  const foreign = all
    .filter((run) => !runs.includes(run) && run.status === 'completed' && run.conclusion === 'success')
    .map((run) => ({ runId: runAttemptId(run.id, run.run_attempt), event: run.event, branch: run.head_branch ?? '' }));
  const standing = (run: (typeof runs)[number]) => run.status !== 'completed' || run.conclusion === 'success';
  return {
    runs: runs
      .filter((run) => !(run.conclusion === 'cancelled' && runs.some((older) => older.id < run.id && standing(older))))
      .map((run) => {
        const version = runVersion(run.display_title, run.head_sha);
        return {
          runId: runAttemptId(run.id, run.run_attempt),
          sha: run.head_sha,
          ...(version === undefined ? {} : { version }),
          conclusion:
            run.status === 'completed' ? ((run.conclusion ?? 'failure') as ReleaseRunFact['conclusion']) : null,
        };
      }),
    foreign,
  };
}

/** Every run of `workflow` for `sha`, oldest first, on every page. */
async function runsOf(octokit: Octokit, repo: RepoRef, workflow: string, sha: string) {
  const runs = await octokit.paginate(octokit.rest.actions.listWorkflowRuns, {
    ...repo,
    workflow_id: workflow,
    head_sha: sha,
    per_page: 100,
  });
  return [...runs].sort((a, b) => a.id - b.id);
}

/** Whether a run that says it releases `named` (or says nothing) may be the release of `wanted`. */
function ofVersion(named: string | undefined, wanted: string | undefined): boolean {
  return named === undefined || named === wanted;
}
