/**
 * Which pull request a command acts on: the `pull-request` input, the event's, or the one open on the
 * run's branch; and the open pull requests of a head branch, which a release run is found by.
 */
import type { CommandDeps } from '../run.js';
import { InputError } from '../shared.js';
import type { PullRequestTarget } from './guard-pull-requests.js';

/** The pull request a command names: the `pull-request` input, the event's, or the one open on the run's branch. */
export async function targetPullRequest(deps: CommandDeps): Promise<PullRequestTarget> {
  const { inputs, context } = deps;
  if (inputs.pullRequest) return { number: inputs.pullRequest };
  const fromEvent = pullRequestOf(context.payload);
  if (fromEvent) return fromEvent;
  const branch = context.refName;
  if (branch) {
    const [found, ...others] = await openPullRequestsOf(deps, branch);
    if (found && others.length === 0) return found;
    if (found) {
      throw new InputError(
        'pull-request',
        `several open pull requests have the head branch ${branch}: name one, e.g. pull-request: ${found.number}`,
      );
    }
  }
  throw new InputError(
    'pull-request',
    `the ${context.eventName} event names no pull request and none is open on ${branch ?? 'this branch'}: give its number`,
  );
}

/** The open pull requests of this repository whose head is `branch`. */
export async function openPullRequestsOf(
  { clients, context }: CommandDeps,
  branch: string,
): Promise<{ number: number; headRef: string }[]> {
  const { data } = await clients.octokit.rest.pulls.list({
    ...context.repository,
    state: 'open',
    head: `${context.repository.owner}:${branch}`,
    per_page: 10,
  });
  return data.map((pr) => ({ number: pr.number, headRef: pr.head.ref }));
}

function pullRequestOf(payload: unknown): PullRequestTarget | undefined {
  const pr = (payload as { pull_request?: { number?: unknown; head?: { ref?: unknown } } } | null)?.pull_request;
  if (typeof pr?.number !== 'number') return undefined;
  return typeof pr.head?.ref === 'string' ? { number: pr.number, headRef: pr.head.ref } : { number: pr.number };
}
