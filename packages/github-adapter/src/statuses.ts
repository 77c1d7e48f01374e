import type { Octokit } from '@octokit/rest';
import type { SetStatusEffect, StatusFact } from '@release-guard/core';
import type { RepoRef } from './types.js';

/** How the guard's `release` check is published. */
export type StatusKind = 'status' | 'check-run';

const CONCLUSION: Record<SetStatusEffect['state'], 'success' | 'failure' | undefined> = {
  pending: undefined,
  success: 'success',
  failure: 'failure',
  error: 'failure',
};

/**
 * Publishes a `SET_STATUS` as a commit status, or as one check run per SHA (so branch protection can
 * pin the required check to the app that posts it). Nothing is written when GitHub already shows the
 * same state and description: GitHub keeps at most 1,000 statuses per SHA and context.
 * Returns whether a write happened.
 */
export async function setStatus(
  octokit: Octokit,
  repo: RepoRef,
  effect: SetStatusEffect,
  options: { kind: StatusKind; shown?: readonly StatusFact[] },
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
  const { data } = await octokit.rest.checks.listForRef({
    ...repo,
    ref: effect.sha,
    check_name: effect.context,
    filter: 'latest',
  });
  const existing = data.check_runs[0];
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
