/**
 * The release commands, `release-started`, `release-succeeded` and `release-failed`: steps of a release
 * job that report the calling run as the release of its pull request's head. Only the run the guard
 * recorded when it answered `release=true` (or an attempt of it) reports the release; any other is refused.
 */
import { type GuardEvent, shortSha } from '@release-guard/core';
import { runAttemptId, sameRun } from '@release-guard/github-adapter';
import type { ActionContext, ActionResult, CommandDeps } from '../run.js';
import { EventPayloadError, isCommitSha } from '../shared.js';
import { guardedRepository, guardPullRequests } from './guard-pull-requests.js';
import { targetPullRequest } from './target.js';

export type ReleaseCommand = 'release-started' | 'release-succeeded' | 'release-failed';

export async function reportRelease(deps: CommandDeps, command: ReleaseCommand): Promise<ActionResult> {
  const target = await targetPullRequest(deps);
  const run = deps.context.run;
  if (!run) throw new Error('the release commands report the calling run: GITHUB_RUN_ID is not set');
  const released = releaseSha(deps.context);
  if (!released) {
    throw new Error('the release commands need the released SHA: the inputs.sha of the dispatch, or GITHUB_SHA');
  }
  const { sha, from } = released;
  if (!isCommitSha(sha)) {
    throw new EventPayloadError(`${from} must be a commit SHA (40 or 64 lowercase hexadecimal characters)`);
  }
  const runId = runAttemptId(run.id, run.attempt);
  const events: GuardEvent[] = [{ type: 'RELEASE_STARTED', sha, runId }];
  if (command === 'release-succeeded') events.push({ type: 'RELEASE_SUCCEEDED', sha, runId });
  if (command === 'release-failed') {
    events.push({ type: 'RELEASE_FAILED', sha, runId, reason: `the release job reported a failure (run ${runId})` });
  }
  // Any workflow can call the action with a release command. Only the run the guard recorded when it
  // answered `release=true` (or an attempt of it) reports the release.
  let refusal: string | undefined;
  const result = await guardPullRequests(guardedRepository(deps), [target], (snapshot) => {
    const recorded = snapshot.release.runId;
    if (recorded === undefined || sameRun(recorded, runId) || snapshot.headSha !== sha) return events;
    refusal = `run ${runId} reported ${command} for ${shortSha(sha)}, but the release of ${shortSha(sha)} is run ${recorded}: ignored`;
    return [];
  });
  return refusal ? { ...result, failures: [...result.failures, refusal] } : result;
}

/** The SHA a release job released, and where it came from: the dispatch's `sha` input, the pull request's head, or the run's commit. */
function releaseSha(context: ActionContext): { sha: string; from: string } | undefined {
  const payload = context.payload as {
    inputs?: { sha?: unknown };
    pull_request?: { head?: { sha?: unknown } };
  } | null;
  const fromInputs = payload?.inputs?.sha;
  if (typeof fromInputs === 'string' && fromInputs) return { sha: fromInputs, from: 'workflow_dispatch.inputs.sha' };
  const fromPr = payload?.pull_request?.head?.sha;
  if (typeof fromPr === 'string' && fromPr) return { sha: fromPr, from: `${context.eventName}.pull_request.head.sha` };
  return context.sha ? { sha: context.sha, from: 'GITHUB_SHA' } : undefined;
}
