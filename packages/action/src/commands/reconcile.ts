/**
 * The `reconcile` command: one pull request (the `pull-request` input, the event's, or the one open on the
 * run's branch) rebuilt from GitHub's facts, with no event: repairs whatever a lost delivery left behind.
 */
import type { ActionResult, CommandDeps } from '../run.js';
import { guardedRepository, guardPullRequests } from './guard-pull-requests.js';
import { targetPullRequest } from './target.js';

export async function reconcile(deps: CommandDeps): Promise<ActionResult> {
  return guardPullRequests(guardedRepository(deps), [await targetPullRequest(deps)], []);
}
