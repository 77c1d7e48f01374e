import { pullRequestEvent, pullRequestReviewEvent, type WebhookDelivery } from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import { type ActionLog, type ActionResult, parseInputs, run } from '../src/api.js';
import { releaseRunEvent, SHA, useEmulators } from './support/emulators.js';
import { type GuardedRepository, guardedRepository } from './support/guarded-repository.js';

/**
 * The action README's "Merge queue", end to end: a main that requires GitHub's merge queue, the action run
 * for each delivery the example's pr.yaml subscribes to, as the emulator's queue produces them.
 */
const emulators = useEmulators();
const quiet: ActionLog = { info() {}, notice() {}, warning() {}, error() {}, group: (_n, fn) => fn() };

/** The deliveries pr.yaml runs the guard for: every `pull_request` (as `pull_request_target`), groups asking for checks. */
function subscribed(delivery: WebhookDelivery): boolean {
  return (
    delivery.name === 'pull_request' ||
    (delivery.name === 'merge_group' && delivery.payload.action === 'checks_requested')
  );
}

/** A guarded repository whose main requires the merge queue, and the action run for each delivery of its queue. */
function queued(options: { queue?: boolean } = {}) {
  const repository = guardedRepository(emulators, { prefix: 'queue' });
  const { control, full } = repository;
  if (options.queue !== false) control.requireMergeQueue(full, 'main');
  let seen = control.deliveries(full).length;
  const runs: { delivery: WebhookDelivery; result: ActionResult }[] = [];
  /**
   * Runs the action for every delivery produced since the last call, oldest first, and for those its runs
   * produce in turn; `drop` loses the ones it matches (never delivered).
   */
  const deliver = async (drop: (delivery: WebhookDelivery) => boolean = () => false) => {
    const done: typeof runs = [];
    for (let delivery = control.deliveries(full)[seen]; delivery; delivery = control.deliveries(full)[seen]) {
      seen++;
      if (!subscribed(delivery) || drop(delivery)) continue;
      const eventName = delivery.name === 'pull_request' ? 'pull_request_target' : delivery.name;
      const result = await repository.act(delivery, eventName);
      done.push({ delivery, result });
    }
    runs.push(...done);
    return done;
  };
  return { ...repository, runs, deliver, release: () => releaseThroughAction(repository) };
}

/** Opens the release pull request, approves it and completes the release run the guard dispatched. */
async function releaseThroughAction(repository: GuardedRepository, act = repository.act) {
  const { control, full, repo, head } = repository;
  const number = await repository.openRelease();
  expect((await repository.approve(number)).outputs.phase).toBe('releasing');
  const [dispatched] = repository.guardRuns();
  control.updateRun(full, dispatched?.id ?? 0, { status: 'completed', conclusion: 'success' });
  const released = await act(
    releaseRunEvent(repo, { id: dispatched?.id ?? 0, headSha: head.sha, headBranch: head.ref }, 'success'),
  );
  return { number, released };
}

const isGroup = (delivery: WebhookDelivery) => delivery.name === 'merge_group';

/** The run for a merge group's `checks_requested` among `done`, and the group's commit. */
function groupRun(done: { delivery: WebhookDelivery; result: ActionResult }[]) {
  const found = done.find(({ delivery }) => isGroup(delivery));
  const group = found?.delivery.payload.merge_group as { head_sha?: string } | undefined;
  return { run: found, groupSha: group?.head_sha ?? '' };
}
const actions = (done: { delivery: WebhookDelivery }[]) =>
  done.map(({ delivery }) => `${delivery.name}.${String(delivery.payload.action)}`);

describe('the action on a main that requires the merge queue', () => {
  it('a release pull request: locked, approved, released and verified, enqueued, green on its group, merged by the queue', async () => {
    const { control, full, deliver, release, status, runs } = queued();
    const { number, released } = await release();
    expect(status()?.state).toBe('success');
    // Enqueued at the released head, never merged directly.
    expect(released.outputs).toMatchObject({ phase: 'released', 'head-sha': SHA.a });
    expect(released.failures).toEqual([]);
    expect(control.requests(full).filter((r) => r.operation === 'pulls/merge')).toEqual([]);
    expect(control.mergeQueue(full, 'main')?.entries.map((e) => e.number)).toEqual([number]);

    const done = await deliver();
    expect(actions(done)).toEqual([
      'pull_request.enqueued',
      'merge_group.checks_requested',
      'pull_request.closed',
      'pull_request.dequeued',
    ]);
    const { run: group, groupSha } = groupRun(done);
    expect(control.statuses(full, groupSha, 'release').at(-1)).toMatchObject({
      state: 'success',
      description: 'Released and verified',
    });
    // The group's run describes the pull request: its head, not the group's commit.
    expect(group?.result.outputs).toMatchObject({ 'head-sha': SHA.a });
    expect(group?.result.summary).toContain(`SET_STATUS on the merge group ${groupSha.slice(0, 7)}`);

    expect(control.pullRequest(full, number).merged).toBe(true);
    const closed = done.find(({ delivery }) => delivery.payload.action === 'closed');
    expect(closed?.result.outputs.phase).toBe('merged');
    expect(closed?.result.pullRequests[0]?.result.snapshot.violations).toEqual([]);
    expect(runs.flatMap(({ result }) => result.failures)).toEqual([]);
    console.info(
      `API calls for a queued release lifecycle through the action: ${control.requests(full).length} (${runs.length} queue deliveries)`,
    );
  });

  it('a pull request that is not a release gets "not required" on its group and merges through the queue', async () => {
    const { control, full, repo, act, deliver } = queued();
    const head = { ref: 'fix/typo', sha: SHA.b };
    const number = control.openPullRequest(full, { head });
    await act(pullRequestEvent('opened', { repo, number, head }), 'pull_request_target');
    expect(control.statuses(full, SHA.b, 'release').at(-1)?.state).toBe('success');
    control.enqueue(full, number, { login: 'maintainer' });
    const done = await deliver();
    const { groupSha } = groupRun(done);
    expect(control.statuses(full, groupSha, 'release').at(-1)).toMatchObject({
      state: 'success',
      description: expect.stringContaining('not required'),
    });
    expect(control.pullRequest(full, number).merged).toBe(true);
    expect(done.flatMap(({ result }) => result.failures)).toEqual([]);
  });

  it('a release pull request a human enqueued before its release: failure on its group, an alert, ejected', async () => {
    const { control, full, openRelease, client, repo, deliver } = queued();
    const number = await openRelease();
    // An admin turns the status green by hand, so that GitHub lets the pull request into the queue.
    control.setPermission(full, 'maintainer', 'admin');
    await client('maintainer-token').rest.repos.createCommitStatus({
      owner: repo.owner,
      repo: repo.name,
      sha: SHA.a,
      state: 'success',
      context: 'release',
    });
    control.enqueue(full, number, { login: 'maintainer' });
    const done = await deliver();
    const { run: group, groupSha } = groupRun(done);
    expect(control.statuses(full, groupSha, 'release').at(-1)?.state).toBe('failure');
    // The group's alert fails the step, as every alert does.
    expect(group?.result.failures.join('\n')).toMatch(/merge group/i);
    expect(group?.result.outputs).toMatchObject({ 'head-sha': SHA.a, phase: 'prepared' });
    expect(control.pullRequest(full, number).merged).toBe(false);
    expect(control.mergeQueue(full, 'main')?.entries ?? []).toEqual([]);
    expect(actions(done)).toContain('pull_request.dequeued');
  });

  /** A released pull request whose entries leave the queue before their groups are judged (the groups' deliveries lost). */
  async function ejectedThreeTimes() {
    const repository = queued();
    const { control, full, deliver, release } = repository;
    const { number } = await release();
    const enqueues = () =>
      control.deliveries(full).filter((d) => d.name === 'pull_request' && d.payload.action === 'enqueued').length;
    await deliver(isGroup);
    const failures: string[][] = [];
    for (let exit = 1; exit <= 3; exit++) {
      expect(enqueues(), `before exit ${exit}`).toBe(exit);
      control.dequeue(full, number, 'CI_FAILURE');
      failures.push((await deliver(isGroup)).flatMap(({ result }) => result.failures));
    }
    return { ...repository, number, enqueues, failures };
  }

  it('left the queue, enqueued again at the same head while an approval stands; the third exit is an alert', async () => {
    const { failures } = await ejectedThreeTimes();
    expect(failures.slice(0, 2)).toEqual([[], []]);
    expect(failures[2]?.join('\n')).toMatch(/left the merge queue 3 times/);
  });

  // The guard's sweep-style repair (reconcile) asks for MERGE via the queue again after the alert.
  it('after the third exit the pull request is not enqueued a fourth time', async () => {
    const { control, full, number, enqueues, sweep } = await ejectedThreeTimes();
    await sweep();
    expect(enqueues()).toBe(3);
    expect(control.mergeQueue(full, 'main')?.entries ?? []).toEqual([]);
    expect(control.pullRequest(full, number).merged).toBe(false);
  });

  it('a dismissal of the last approval of a queued release takes it out of the queue and locks it', async () => {
    const { control, full, repo, head, act, deliver, release, status } = queued();
    const { number } = await release();
    await deliver(isGroup);
    const review = control.pullRequest(full, number).reviews.at(-1);
    control.dismissReview(full, number, review?.id ?? 0);
    const dismissed = await act(
      pullRequestReviewEvent('dismissed', {
        repo,
        number,
        head,
        review: { id: review?.id ?? 0, state: 'dismissed', user: 'maintainer' },
      }),
    );
    expect(dismissed.pullRequests[0]?.result.effects.map((e) => e.effect.type)).toContain('DEQUEUE');
    expect(control.mergeQueue(full, 'main')?.entries ?? []).toEqual([]);
    expect(status()?.state).toBe('pending');
    const done = await deliver(isGroup);
    expect(actions(done)).toEqual(['pull_request.dequeued']);
    expect(done.flatMap(({ result }) => result.failures)).toEqual([]);
    expect(control.mergeQueue(full, 'main')?.entries ?? []).toEqual([]);
    expect(control.pullRequest(full, number).merged).toBe(false);
  });

  it('a base whose queue the guard did not know: GitHub refuses the merge (405) and the guard enqueues', async () => {
    const repository = queued({ queue: false });
    const { control, full, client } = repository;
    // The queue is required between the guard's reading of the base and its merge.
    const octokit = client('guard');
    octokit.hook.before('request', (options) => {
      if (options.method === 'PUT' && String(options.url).endsWith('/merge')) control.requireMergeQueue(full, 'main');
    });
    const inputs = parseInputs({ INPUT_TOKEN: 'guard', 'INPUT_RELEASE-WORKFLOW': 'release.yaml' });
    const act = (event: WebhookDelivery) =>
      run(
        inputs,
        {
          eventName: event.name,
          payload: event.payload,
          repository: { owner: 'weaveworks', repo: repository.repo.name },
        },
        { octokit },
        quiet,
      );
    const { number, released } = await releaseThroughAction(repository, act);
    const merges = control.requests(full).filter((r) => r.operation === 'pulls/merge');
    expect(merges.map((r) => r.status)).toEqual([405]);
    expect(released.failures).toEqual([]);
    expect(released.outputs.phase).toBe('released');
    expect(control.mergeQueue(full, 'main')?.entries.map((e) => e.number)).toEqual([number]);
    await repository.deliver();
    expect(control.pullRequest(full, number).merged).toBe(true);
    expect(repository.runs.flatMap(({ result }) => result.failures)).toEqual([]);
  });
});
