import { createOctokit } from '@release-guard/github-adapter';
import {
  pullRequestEvent,
  pullRequestReviewEvent,
  scheduleEvent,
  type WebhookDelivery,
  workflowRunEvent,
} from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import { type ActionLog, parseInputs, run } from '../src/api.js';
import { approvalEvent, RELEASE_WORKFLOW, RELEASE_WORKFLOW_FILE, SHA, useEmulators } from './support/emulators.js';

/**
 * The action README's "Recovering" section, path by path, through the action against the emulators: what
 * brings a failed, timed-out or stuck release to a merge, and what follows an alerted human merge.
 */
let clock = new Date('2024-03-01T09:00:00Z');
const emulators = useEmulators({ now: () => clock });
const quiet: ActionLog = { info() {}, notice() {}, warning() {}, error() {}, group: (_n, fn) => fn() };
const minutes = (n: number) => {
  clock = new Date(clock.getTime() + n * 60_000);
};
let repositories = 0;

function setup() {
  repositories++;
  const name = `recovery-${repositories}`;
  const { control } = emulators.github;
  const full = control.createRepository({
    owner: 'weaveworks',
    name,
    collaborators: { releaser: 'write', maintainer: 'maintain', mallory: 'write' },
  });
  control.addToken('guard', 'github-actions[bot]');
  control.addToken('maintainer-token', 'maintainer');
  control.setPermission(full, 'github-actions[bot]', 'write');
  control.protectBranch(full, 'main', { requiredContexts: ['release'] });
  control.addWorkflow(full, RELEASE_WORKFLOW_FILE);
  const octokit = createOctokit({ token: 'guard', baseUrl: emulators.github.url, throttle: false, retries: 0 });
  const parsed = parseInputs({
    INPUT_TOKEN: 'guard',
    'INPUT_RELEASE-WORKFLOW': 'release.yaml',
    'INPUT_RELEASE-TIMEOUT': '60',
  });
  const repo = { owner: 'weaveworks', name };
  const act = (event: WebhookDelivery) =>
    run(
      parsed,
      { eventName: event.name, payload: event.payload, repository: { owner: 'weaveworks', repo: name } },
      { octokit, now: () => clock },
      quiet,
    );
  const inRun = parseInputs({ INPUT_TOKEN: 'guard' });
  /** The action in the calling run `run` (no release workflow), with `command`. */
  const actInRun = (event: WebhookDelivery, run_: { id: number; attempt: number }, command: typeof inRun.command) =>
    run(
      { ...inRun, command },
      { eventName: event.name, payload: event.payload, repository: { owner: 'weaveworks', repo: name }, run: run_ },
      { octokit, now: () => clock },
      quiet,
    );
  const head = { ref: 'releases/v1.0.0', sha: SHA.a };
  const openRelease = async (at = head) => {
    const number = control.openPullRequest(full, { head: at });
    await act(pullRequestEvent('opened', { repo, number, head: at }));
    return number;
  };
  const approve = (number: number, user = 'maintainer', at = head) => {
    const id = control.submitReview(full, number, { user, state: 'APPROVED' });
    return act(approvalEvent(repo, number, at, id, user));
  };
  const sweep = () => act(scheduleEvent({ repo, cron: '*/15 * * * *' }));
  const status = (sha = SHA.a) => control.statuses(full, sha, 'release').at(-1);
  const guardRuns = () => control.runs(full).filter((r) => r.event === 'workflow_dispatch');
  /** The `workflow_run` delivery of an attempt of a release run: `requested`, or completed with a conclusion. */
  const runEvent = (
    runId: number,
    attempt: number,
    outcome: 'requested' | 'success' | 'failure' | 'cancelled',
    options: { actor?: string; at?: { ref: string; sha: string } } = {},
  ) =>
    workflowRunEvent({
      repo,
      runId,
      runAttempt: attempt,
      workflowName: 'release',
      workflowPath: RELEASE_WORKFLOW,
      headSha: (options.at ?? head).sha,
      headBranch: (options.at ?? head).ref,
      displayTitle: `release-guard ${(options.at ?? head).sha}`,
      actor: options.actor ?? 'github-actions[bot]',
      ...(outcome === 'requested' ? { status: 'requested' as const, conclusion: null } : { conclusion: outcome }),
    });
  /** Runs the guard's release run `runId` to `conclusion` on GitHub and delivers it. */
  const finish = (
    runId: number,
    attempt: number,
    conclusion: 'success' | 'failure' | 'cancelled',
    at: { ref: string; sha: string } = head,
  ) => {
    control.updateRun(full, runId, { status: 'completed', conclusion });
    return act(runEvent(runId, attempt, conclusion, { at }));
  };
  const timeline = (number: number) =>
    control.comments(full, number).find((c) => c.body.startsWith('<!-- release-guard:timeline'))?.body ?? '';
  const merged = (number: number) => control.pullRequest(full, number).merged;
  return {
    control,
    full,
    repo,
    head,
    act,
    actInRun,
    openRelease,
    approve,
    sweep,
    status,
    guardRuns,
    runEvent,
    finish,
    timeline,
    merged,
  };
}

describe('recovering a failed release', () => {
  it('"Re-run failed jobs" of the release run retries it: releasing, no alert, and its success merges', async () => {
    const { control, full, act, openRelease, approve, status, guardRuns, runEvent, finish, timeline, merged } = setup();
    const number = await openRelease();
    await approve(number);
    const [release] = guardRuns();
    const id = release?.id ?? 0;
    const failed = await finish(id, 1, 'failure');
    expect(failed.outputs.phase).toBe('failed');
    expect(status()).toMatchObject({ state: 'failure' });
    expect(timeline(number)).toContain('release failed: re-run the release run, or approve again');

    control.rerun(full, id);
    const rerun = await act(runEvent(id, 2, 'requested'));
    expect(rerun.failures).toEqual([]);
    expect(rerun.outputs.phase).toBe('releasing');
    expect(status()).toMatchObject({ state: 'pending', description: 'Release in progress' });
    expect(rerun.pullRequests[0]?.result.snapshot.timeline.at(-1)?.note).toBe(
      `Release run ${id}.2 started: a re-run of ${id}.1, retrying the release`,
    );
    expect(timeline(number)).toContain('retrying the release');

    const redelivered = await act(runEvent(id, 2, 'requested'));
    expect(redelivered.failures).toEqual([]);
    expect(redelivered.pullRequests[0]?.result.effects).toEqual([]);

    const done = await finish(id, 2, 'success');
    expect(done.failures).toEqual([]);
    expect(done.outputs.phase).toBe('merged');
    expect(merged(number)).toBe(true);
    expect(guardRuns()).toHaveLength(1);
  });

  it('a re-run whose deliveries were lost is read by the next sweep: its success merges', async () => {
    const { control, full, openRelease, approve, sweep, guardRuns, finish, merged } = setup();
    const number = await openRelease();
    await approve(number);
    const id = guardRuns()[0]?.id ?? 0;
    await finish(id, 1, 'failure');
    control.rerun(full, id);
    control.updateRun(full, id, { status: 'completed', conclusion: 'success' });
    const swept = await sweep();
    expect(swept.failures).toEqual([]);
    expect(swept.pullRequests[0]?.result.snapshot.phase).toBe('merged');
    expect(merged(number)).toBe(true);
  });

  it('a new approval dispatches a new release run, whose success merges', async () => {
    const { openRelease, approve, guardRuns, finish, merged } = setup();
    const number = await openRelease();
    await approve(number);
    await finish(guardRuns()[0]?.id ?? 0, 1, 'failure');
    const again = await approve(number, 'releaser');
    expect(again.outputs.phase).toBe('releasing');
    const [, second] = guardRuns();
    expect(second).toBeDefined();
    const done = await finish(second?.id ?? 0, 1, 'success');
    expect(done.outputs.phase).toBe('merged');
    expect(merged(number)).toBe(true);
  });

  it('a re-run while no approval stands never releases and is alerted once; approving again takes its success for the release', async () => {
    const { control, full, repo, head, act, openRelease, approve, sweep, guardRuns, runEvent, finish, merged } =
      setup();
    const number = await openRelease();
    const review = control.submitReview(full, number, { user: 'maintainer', state: 'APPROVED' });
    await act(approvalEvent(repo, number, head, review, 'maintainer'));
    const id = guardRuns()[0]?.id ?? 0;
    await finish(id, 1, 'failure');
    control.dismissReview(full, number, review);
    const dismissed = await act(
      pullRequestReviewEvent('dismissed', {
        repo,
        number,
        head,
        review: { id: review, state: 'dismissed', user: 'maintainer' },
      }),
    );
    expect(dismissed.outputs.phase).toBe('failed');

    control.rerun(full, id);
    const rerun = await act(runEvent(id, 2, 'requested'));
    expect(rerun.outputs.phase).toBe('failed');
    expect(rerun.failures.join('\n')).toMatch(new RegExp(`${id}\\.2 .*running although nobody approved it`));
    expect((await act(runEvent(id, 2, 'requested'))).failures).toEqual([]);
    const succeeded = await finish(id, 2, 'success');
    expect(succeeded.failures).toEqual([]);
    expect(succeeded.outputs.phase).toBe('failed');
    expect((await sweep()).failures).toEqual([]);
    expect(merged(number)).toBe(false);

    // The re-run released this very SHA from the guard's own run: approving again takes it for the
    // release instead of releasing a second time.
    const approved = await approve(number, 'releaser');
    expect(approved.outputs.phase).toBe('merged');
    expect(guardRuns()).toHaveLength(1);
  });

  it('a re-run of a release-workflow run the guard did not start releases nothing, and its success is alerted', async () => {
    const { control, full, head, act, openRelease, approve, guardRuns, runEvent, finish, merged } = setup();
    const number = await openRelease();
    await approve(number);
    await finish(guardRuns()[0]?.id ?? 0, 1, 'failure');
    const byHand = control.startRun(full, {
      workflow: RELEASE_WORKFLOW,
      headSha: head.sha,
      headBranch: head.ref,
      event: 'workflow_dispatch',
      actor: 'mallory',
      title: `release-guard ${head.sha}`,
    });
    control.updateRun(full, byHand.id, { status: 'completed', conclusion: 'failure' });
    control.rerun(full, byHand.id);
    expect((await act(runEvent(byHand.id, 2, 'requested', { actor: 'mallory' }))).outputs.phase).toBe('failed');
    control.updateRun(full, byHand.id, { status: 'completed', conclusion: 'success' });
    const result = await act(runEvent(byHand.id, 2, 'success', { actor: 'mallory' }));
    expect(result.failures.join('\n')).toMatch(/started by mallory, not by the guard: its success releases nothing/);
    expect(result.outputs.phase).toBe('failed');
    expect(merged(number)).toBe(false);
  });
});

describe('recovering a failed release in the calling run', () => {
  it('"Re-run failed jobs" of the calling run retries the release: its release commands report it', async () => {
    const { control, full, repo, head, actInRun, status, merged } = setup();
    const number = control.openPullRequest(full, { head });
    const opened = pullRequestEvent('opened', { repo, number, head });
    await actInRun(opened, { id: 700, attempt: 1 }, 'auto');
    const review = control.submitReview(full, number, { user: 'maintainer', state: 'APPROVED' });
    const approval = approvalEvent(repo, number, head, review, 'maintainer');
    expect((await actInRun(approval, { id: 701, attempt: 1 }, 'auto')).outputs.release).toBe('true');
    const failed = await actInRun(approval, { id: 701, attempt: 1 }, 'release-failed');
    expect(failed.outputs.phase).toBe('failed');

    const rerun = await actInRun(approval, { id: 701, attempt: 2 }, 'release-started');
    expect(rerun.failures).toEqual([]);
    expect(rerun.outputs.phase).toBe('releasing');
    expect(status()).toMatchObject({ state: 'pending', description: 'Release in progress' });
    const done = await actInRun(approval, { id: 701, attempt: 2 }, 'release-succeeded');
    expect(done.failures).toEqual([]);
    expect(done.outputs.phase).toBe('merged');
    expect(merged(number)).toBe(true);
  });
});

describe('recovering a timed-out release', () => {
  it('the sweep fails it after release-timeout; a new approval dispatches a new run, never the stuck one', async () => {
    const { openRelease, approve, sweep, status, guardRuns, finish, merged, timeline } = setup();
    const number = await openRelease();
    await approve(number);
    const stuck = guardRuns()[0]?.id ?? 0;
    minutes(61);
    const swept = await sweep();
    expect(swept.pullRequests[0]?.result.snapshot.phase).toBe('failed');
    expect(status()).toMatchObject({ state: 'failure', description: 'Release failed: release timed out' });
    expect(timeline(number)).toContain('release timed out: approve again, or cancel the run and re-run it');

    const again = await approve(number, 'releaser');
    expect(again.outputs.phase).toBe('releasing');
    const fresh = guardRuns().find((r) => r.id !== stuck);
    expect(fresh).toBeDefined();
    // The stuck run finishing late changes nothing.
    expect((await finish(stuck, 1, 'success')).outputs.phase).toBe('releasing');
    expect(merged(number)).toBe(false);
    expect((await finish(fresh?.id ?? 0, 1, 'success')).outputs.phase).toBe('merged');
  });

  it('or: cancel the stuck run and re-run it; the re-run retries the release', async () => {
    const { control, full, act, openRelease, approve, sweep, guardRuns, runEvent, finish, merged } = setup();
    const number = await openRelease();
    await approve(number);
    const stuck = guardRuns()[0]?.id ?? 0;
    minutes(61);
    await sweep();
    expect((await finish(stuck, 1, 'cancelled')).outputs.phase).toBe('failed');
    control.rerun(full, stuck);
    const rerun = await act(runEvent(stuck, 2, 'requested'));
    expect(rerun.failures).toEqual([]);
    expect(rerun.outputs.phase).toBe('releasing');
    expect((await finish(stuck, 2, 'success')).outputs.phase).toBe('merged');
    expect(merged(number)).toBe(true);
    expect(guardRuns()).toHaveLength(1);
  });
});

describe('recovering a stuck release', () => {
  it('no run started (the dispatch failed): the approval’s step fails, and the next sweep dispatches the release', async () => {
    const { control, full, openRelease, approve, sweep, guardRuns, finish, merged } = setup();
    const number = await openRelease();
    control.inject({ repo: full, operation: 'actions/create-workflow-dispatch', kind: 'server-error', times: 1 });
    await expect(approve(number)).rejects.toThrow();
    expect(guardRuns()).toEqual([]);
    const swept = await sweep();
    expect(swept.failures).toEqual([]);
    expect(swept.pullRequests[0]?.result.snapshot.phase).toBe('releasing');
    expect(guardRuns()).toHaveLength(1);
    expect((await finish(guardRuns()[0]?.id ?? 0, 1, 'success')).outputs.phase).toBe('merged');
    expect(merged(number)).toBe(true);
  });

  it('the run’s deliveries were lost: the sweep reads the run from GitHub and merges', async () => {
    const { control, full, openRelease, approve, sweep, guardRuns, merged } = setup();
    const number = await openRelease();
    await approve(number);
    control.updateRun(full, guardRuns()[0]?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const swept = await sweep();
    expect(swept.pullRequests[0]?.result.snapshot.phase).toBe('merged');
    expect(merged(number)).toBe(true);
  });

  it('the run never finishes (its runner was lost): the sweep times it out, and a new approval releases', async () => {
    const { control, full, openRelease, approve, sweep, guardRuns, finish, merged } = setup();
    const number = await openRelease();
    await approve(number);
    control.updateRun(full, guardRuns()[0]?.id ?? 0, { status: 'in_progress' });
    minutes(30);
    expect((await sweep()).pullRequests[0]?.result.snapshot.phase).toBe('releasing');
    minutes(31);
    expect((await sweep()).pullRequests[0]?.result.snapshot.phase).toBe('failed');
    await approve(number, 'releaser');
    expect(guardRuns()).toHaveLength(2);
    expect((await finish(guardRuns()[1]?.id ?? 0, 1, 'success')).outputs.phase).toBe('merged');
    expect(merged(number)).toBe(true);
  });
});

describe('after an alerted human merge', () => {
  it('the bypass is alerted once and kept in the timeline; the next release pull request is guarded as usual', async () => {
    const { control, full, repo, head, act, openRelease, approve, sweep, guardRuns, timeline, finish, merged } =
      setup();
    const number = await openRelease();
    control.mergeByHand(full, number, 'maintainer');
    const closed = pullRequestEvent('closed', { repo, number, head, merged: true, mergedBy: 'maintainer' });
    const alerted = await act(closed);
    expect(alerted.outputs.phase).toBe('merged');
    expect(alerted.failures.join('\n')).toMatch(/merged by maintainer before it was approved, released and verified/);
    expect(timeline(number)).toContain('the guard was BYPASSED');
    expect((await act(closed)).failures).toEqual([]);
    expect((await sweep()).failures).toEqual([]);

    const next = { ref: 'releases/v1.0.1', sha: SHA.b };
    const second = await openRelease(next);
    const approved = await approve(second, 'maintainer', next);
    expect(approved.outputs.phase).toBe('releasing');
    const done = await finish(guardRuns()[0]?.id ?? 0, 1, 'success', next);
    expect(done.failures).toEqual([]);
    expect(done.outputs.phase).toBe('merged');
    expect(merged(second)).toBe(true);
  });
});
