/**
 * The sweep (`auto` on a schedule or a manual dispatch): every open release pull request, several at once,
 * repairing missed events and failing releases that ran past `release-timeout`; release pull requests closed
 * in the last day are looked at too, so that a lost `closed` delivery still gets a merge that bypassed the
 * guard recorded and alerted. With the `pull-request` input, the sweep of that one pull request.
 */
import type { GuardSnapshot } from '@release-guard/core';
import type { ActionResult, CommandDeps } from '../run.js';
import { clockOf, guardedRepository, guardPullRequests } from './guard-pull-requests.js';

/** A sweep also looks at release pull requests closed this recently (a day). */
export const SWEEP_CLOSED_WITHIN_MS = 24 * 60 * 60 * 1000;

export async function sweep(deps: CommandDeps): Promise<ActionResult> {
  const repository = guardedRepository(deps);
  const { guard, inputs, context, clients, log } = repository;
  const { octokit } = clients;
  const now = clockOf(clients);
  const timeoutMs = inputs.releaseTimeoutMinutes * 60_000;
  const timedOut = (snapshot: GuardSnapshot) => {
    const since = releaseSince(snapshot);
    if (since === undefined || now().getTime() - since < timeoutMs) return [];
    return [{ type: 'TIMED_OUT', sha: snapshot.headSha } as const];
  };
  if (inputs.pullRequest) {
    log.info(`sweeping pull request #${inputs.pullRequest} (the pull-request input)`);
    return guardPullRequests(repository, [{ number: inputs.pullRequest }], timedOut);
  }
  const open = await octokit.paginate(octokit.rest.pulls.list, {
    ...context.repository,
    state: 'open',
    per_page: 100,
  });
  const { data: closed } = await octokit.rest.pulls.list({
    ...context.repository,
    state: 'closed',
    sort: 'updated',
    direction: 'desc',
    per_page: 50,
  });
  const since = now().getTime() - SWEEP_CLOSED_WITHIN_MS;
  const isRelease = (pr: { head: { ref: string } }) => guard.settings.releaseBranch.test(pr.head.ref);
  const recentlyClosed = closed.filter((pr) => isRelease(pr) && pr.closed_at && Date.parse(pr.closed_at) >= since);
  const releases = [...open.filter(isRelease), ...recentlyClosed].map((pr) => ({
    number: pr.number,
    headRef: pr.head.ref,
  }));
  log.info(
    `sweeping ${releases.length - recentlyClosed.length} open release pull request(s) of ${open.length} open, and ${recentlyClosed.length} closed in the last day`,
  );
  return guardPullRequests(repository, releases, timedOut);
}

/**
 * When the current release attempt began: the time of the first timeline entry of the trailing run of
 * `approved` and `releasing` entries. Undefined when no release is under way or the time is unknown.
 */
export function releaseSince(snapshot: GuardSnapshot): number | undefined {
  if (snapshot.phase !== 'approved' && snapshot.phase !== 'releasing') return undefined;
  let since: string | undefined;
  for (let i = snapshot.timeline.length - 1; i >= 0; i--) {
    const entry = snapshot.timeline[i];
    if (!entry || (entry.phase !== 'approved' && entry.phase !== 'releasing') || entry.sha !== snapshot.headSha) break;
    since = entry.at ?? since;
  }
  const time = since === undefined ? Number.NaN : Date.parse(since);
  return Number.isNaN(time) ? undefined : time;
}
