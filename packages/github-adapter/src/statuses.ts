import type { Octokit } from '@octokit/rest';
import type { SetStatusEffect, StatusFact } from '@release-guard/core';
import type { RepoRef } from './types.js';

/** How the guard's `release` check is published. */
export type StatusKind = 'status' | 'check-run';

/**
 * How `setStatus` publishes: `shown` are the statuses GitHub already shows; a check run needs `viewer`,
 * the login of the guard's token, to tell its own check runs from other apps'.
 */
export type StatusOptions =
  | { kind: 'status'; shown?: readonly StatusFact[] }
  | { kind: 'check-run'; shown?: readonly StatusFact[]; viewer: string };

const CONCLUSION: Record<SetStatusEffect['state'], 'success' | 'failure' | undefined> = {
  pending: undefined,
  success: 'success',
  failure: 'failure',
  error: 'failure',
};

/**
 * The slug of the GitHub App a login stands for: an installation token acts as `<slug>[bot]` (REST
 * `user.login`, GraphQL `viewer.login`). Undefined for a login that is not an app's.
 */
export function appSlugOf(login: string): string | undefined {
  return login.endsWith('[bot]') ? login.slice(0, -'[bot]'.length) : undefined;
}

/**
 * Publishes a `SET_STATUS` as a commit status, or as one check run per SHA (so branch protection can
 * pin the required check to the app that posts it). Nothing is written when GitHub already shows the
 * same state and description: GitHub keeps at most 1,000 statuses per SHA and context.
 * Returns whether a write happened.
 *
 * A check run is the guard's own only when its app is the guard's (`viewer`, the login of the guard's
 * token): GitHub lets only the app that created a check run update it, and any app may create one with
 * the same name. The latest of its own on the SHA is updated; when there is none, a new one is created,
 * and another app's check run of that name is left alone.
 */
export async function setStatus(
  octokit: Octokit,
  repo: RepoRef,
  effect: SetStatusEffect,
  options: StatusOptions,
): Promise<boolean> {
  const current = options.shown?.findLast((s) => s.sha === effect.sha);
  if (options.kind === 'status') {
    if (current && current.state === effect.state && (current.description ?? '') === effect.description) return false;
    await octokit.rest.repos.createCommitStatus({
      ...repo,
      sha: effect.sha,
      state: effect.state,
      context: effect.context,
      description: effect.description,
      ...(effect.targetUrl ? { target_url: effect.targetUrl } : {}),
    });
    return true;
  }
  const app = appSlugOf(options.viewer);
  // Every check run of that name, of every app, on every page: `filter: 'latest'` or a single page could
  // show another app's newer ones and hide the guard's own.
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    ...repo,
    ref: effect.sha,
    check_name: effect.context,
    filter: 'all',
    per_page: 100,
  });
  const existing = runs
    .filter((run) => app !== undefined && run.app?.slug === app)
    .reduce<(typeof runs)[number] | undefined>(
      (latest, run) => (latest && latest.id > run.id ? latest : run),
      undefined,
    );
  const conclusion = CONCLUSION[effect.state];
  const output = { title: effect.description, summary: effect.description };
  if (existing) {
    const same = conclusion
      ? existing.status === 'completed' &&
        existing.conclusion === conclusion &&
        existing.output.title === effect.description
      : existing.status !== 'completed' && existing.output.title === effect.description;
    if (same) return false;
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: existing.id,
      output,
      ...(conclusion ? { conclusion } : { status: 'in_progress' as const }),
    });
    return true;
  }
  await octokit.rest.checks.create({
    ...repo,
    name: effect.context,
    head_sha: effect.sha,
    output,
    ...(effect.targetUrl ? { details_url: effect.targetUrl } : {}),
    ...(conclusion ? { conclusion } : { status: 'in_progress' as const }),
  });
  return true;
}
