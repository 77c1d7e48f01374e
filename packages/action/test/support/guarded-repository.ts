import { createOctokit, type Octokit } from '@release-guard/github-adapter';
import { type GitHubControl, pullRequestEvent, scheduleEvent, type WebhookDelivery } from '@release-guard/testkit';
import { type ActionInputs, type ActionLog, type ActionResult, parseInputs, run } from '../../src/api.js';
import { approvalEvent, type Emulators, RELEASE_WORKFLOW_FILE, SHA } from './emulators.js';

const quiet: ActionLog = { info() {}, notice() {}, warning() {}, error() {}, group: (_n, fn) => fn() };
let repositories = 0;

/** What `guardedRepository` gives a test. */
export interface GuardedRepository {
  control: GitHubControl;
  full: string;
  repo: { owner: string; name: string };
  head: { ref: string; sha: string };
  act(
    event: WebhookDelivery,
    eventName?: string,
    context?: { run?: { id: number; attempt: number } },
    command?: ActionInputs['command'],
  ): Promise<ActionResult>;
  openRelease(pr?: { user?: string; assignees?: string[] }): Promise<number>;
  approve(number: number, user?: string): Promise<ActionResult>;
  sweep(): Promise<ActionResult>;
  status(sha?: string): ReturnType<GitHubControl['statuses']>[number] | undefined;
  humanMerge(number: number): Promise<number>;
  guardRuns(): ReturnType<GitHubControl['runs']>[number][];
  client(token: string): Octokit;
}

/**
 * A fresh repository guarded as the examples guard one: the guard's token (`github-actions[bot]`, write),
 * a maintainer, a releaser, a reader and `mallory` (write, not an approver) with tokens of their own, the
 * `release` status required on main, and the release workflow named with the marker. Returns `act` (one
 * run of the action for a delivery, with optional runner context and command) and the steps the attack
 * tests are made of.
 */
export function guardedRepository(
  emulators: Emulators,
  options: { prefix: string; inputs?: Record<string, string>; now?: () => Date },
): GuardedRepository {
  repositories++;
  const name = `${options.prefix}-${repositories}`;
  const { control } = emulators.github;
  const full = control.createRepository({
    owner: 'weaveworks',
    name,
    collaborators: { releaser: 'write', maintainer: 'maintain', reader: 'read', mallory: 'write' },
  });
  control.addToken('guard', 'github-actions[bot]');
  control.addToken('mallory-token', 'mallory');
  control.addToken('maintainer-token', 'maintainer');
  control.addToken('reader-token', 'reader');
  control.setPermission(full, 'github-actions[bot]', 'write');
  control.protectBranch(full, 'main', { requiredContexts: ['release'] });
  control.addWorkflow(full, RELEASE_WORKFLOW_FILE);
  const client = (token: string) =>
    createOctokit({ token, baseUrl: emulators.github.url, throttle: false, retries: 0 });
  const octokit = client('guard');
  const parsed = parseInputs({
    INPUT_TOKEN: 'guard',
    'INPUT_RELEASE-WORKFLOW': 'release.yaml',
    ...Object.fromEntries(Object.entries(options.inputs ?? {}).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  });
  const repo = { owner: 'weaveworks', name };
  const act = (
    event: WebhookDelivery,
    eventName = event.name,
    context: { run?: { id: number; attempt: number } } = {},
    command: ActionInputs['command'] = parsed.command,
  ) =>
    run(
      { ...parsed, command },
      { eventName, payload: event.payload, repository: { owner: 'weaveworks', repo: name }, ...context },
      { octokit, ...(options.now ? { now: options.now } : {}) },
      quiet,
    );
  const head = { ref: 'releases/v1.0.0', sha: SHA.a };
  const openRelease = async (pr: { user?: string; assignees?: string[] } = {}) => {
    const number = control.openPullRequest(full, { head, ...pr });
    await act(pullRequestEvent('opened', { repo, number, head }));
    return number;
  };
  const approve = (number: number, user = 'maintainer') => {
    const id = control.submitReview(full, number, { user, state: 'APPROVED' });
    return act(approvalEvent(repo, number, head, id, user));
  };
  const sweep = () => act(scheduleEvent({ repo, cron: '*/15 * * * *' }));
  const status = (sha = SHA.a) => control.statuses(full, sha, 'release').at(-1);
  const humanMerge = (number: number) =>
    client('maintainer-token')
      .rest.pulls.merge({ owner: 'weaveworks', repo: name, pull_number: number, sha: SHA.a })
      .then(
        () => 200,
        (error: { status: number }) => error.status,
      );
  const guardRuns = () => control.runs(full).filter((r) => r.event === 'workflow_dispatch');
  return { control, full, repo, head, act, openRelease, approve, sweep, status, humanMerge, guardRuns, client };
}
