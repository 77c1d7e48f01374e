import { createOctokit } from '@release-guard/github-adapter';
import { pullRequestEvent, type WebhookDelivery } from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import { type ActionLog, parseInputs, run } from '../src/api.js';
import { approvalEvent, RELEASE_WORKFLOW_FILE, releaseRunEvent, SHA, useEmulators } from './support/emulators.js';

/** Each point of the security review, through the action's code path against the emulator. */
const emulators = useEmulators();
const quiet: ActionLog = { info() {}, notice() {}, warning() {}, error() {}, group: (_n, fn) => fn() };
let repositories = 0;

function setup(inputs: Record<string, string> = {}) {
  repositories++;
  const name = `security-${repositories}`;
  const full = emulators.github.control.createRepository({
    owner: 'weaveworks',
    name,
    collaborators: { releaser: 'write', maintainer: 'maintain', reader: 'read' },
  });
  emulators.github.control.addToken('guard', 'github-actions[bot]');
  emulators.github.control.setPermission(full, 'github-actions[bot]', 'write');
  emulators.github.control.protectBranch(full, 'main', { requiredContexts: ['release'] });
  emulators.github.control.addWorkflow(full, RELEASE_WORKFLOW_FILE);
  const octokit = createOctokit({ token: 'guard', baseUrl: emulators.github.url, throttle: false, retries: 0 });
  const parsed = parseInputs({
    INPUT_TOKEN: 'guard',
    'INPUT_RELEASE-WORKFLOW': 'release.yaml',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  });
  const repo = { owner: 'weaveworks', name };
  const act = (event: WebhookDelivery) =>
    run(
      parsed,
      { eventName: event.name, payload: event.payload, repository: { owner: 'weaveworks', repo: name } },
      { octokit },
      quiet,
    );
  const approve = (number: number, head: { ref: string; sha: string; repo?: typeof repo }, user: string) => {
    const id = emulators.github.control.submitReview(full, number, { user, state: 'APPROVED' });
    return act(approvalEvent(repo, number, head, id, user));
  };
  return { full, repo, act, approve };
}

/** An Octokit of another GitHub App (`other-app[bot]`), which can write check runs on `full`. */
function otherApp(full: string) {
  emulators.github.control.addToken('other-app', 'other-app[bot]');
  emulators.github.control.setPermission(full, 'other-app[bot]', 'write');
  return createOctokit({ token: 'other-app', baseUrl: emulators.github.url, throttle: false, retries: 0 });
}

describe('security review', () => {
  it('a fork pull request with a releases/* head never triggers a release, and is never merged by the guard', async () => {
    const { full, repo, act, approve } = setup();
    const head = { ref: 'releases/v9.9.9', sha: SHA.a };
    const number = emulators.github.control.openPullRequest(full, {
      head: { ...head, repo: 'mallory/weave-gitops' },
      user: 'mallory',
    });
    const forkHead = { ...head, repo: { owner: 'mallory', name: 'weave-gitops' } };
    const opened = await act(pullRequestEvent('opened', { repo, number, head: forkHead }));
    expect(opened.outputs.phase).toBe('skipped');
    const [status] = emulators.github.control.statuses(full, SHA.a, 'release');
    expect(status?.state).toBe('failure');
    const approved = await approve(number, forkHead, 'maintainer');
    expect(approved.outputs).toMatchObject({ phase: 'skipped', release: 'false' });
    expect(emulators.github.control.runs(full)).toEqual([]);
    expect(emulators.github.control.requests(full).filter((r) => r.operation === 'pulls/merge')).toEqual([]);
    expect(emulators.github.control.comments(full, number)).toEqual([]);
  });

  it('an approval by someone who cannot push is ignored', async () => {
    const { full, repo, act, approve } = setup();
    const head = { ref: 'releases/v1.0.0', sha: SHA.a };
    const number = emulators.github.control.openPullRequest(full, { head });
    await act(pullRequestEvent('opened', { repo, number, head }));
    const result = await approve(number, head, 'reader');
    expect(result.outputs.phase).toBe('prepared');
    expect(emulators.github.control.runs(full)).toEqual([]);
  });

  it('an approval by someone outside the approvers, or below the minimum permission, is ignored', async () => {
    const { full, repo, act, approve } = setup({ approvers: 'maintainer', 'minimum-permission': 'maintain' });
    const head = { ref: 'releases/v1.0.0', sha: SHA.a };
    const number = emulators.github.control.openPullRequest(full, { head });
    await act(pullRequestEvent('opened', { repo, number, head }));
    expect((await approve(number, head, 'releaser')).outputs.phase).toBe('prepared');
    expect(emulators.github.control.runs(full)).toEqual([]);
    expect((await approve(number, head, 'maintainer')).outputs.phase).toBe('releasing');
    expect(emulators.github.control.runs(full)).toHaveLength(1);
  });

  it('with forbid-self-approval, the releaser who ran prepare-release cannot approve their own release', async () => {
    const { full, repo, act, approve } = setup({ 'forbid-self-approval': 'true' });
    const head = { ref: 'releases/v1.0.0', sha: SHA.a };
    const number = emulators.github.control.openPullRequest(full, {
      head,
      user: 'github-actions[bot]',
      assignees: ['releaser'],
    });
    await act(pullRequestEvent('opened', { repo, number, head }));
    expect((await approve(number, head, 'releaser')).outputs.phase).toBe('prepared');
    expect(emulators.github.control.runs(full)).toEqual([]);
    expect((await approve(number, head, 'maintainer')).outputs.phase).toBe('releasing');
  });

  it('an approval of an earlier head does not release the new one', async () => {
    const { full, repo, act, approve } = setup();
    const head = { ref: 'releases/v1.0.0', sha: SHA.a };
    const number = emulators.github.control.openPullRequest(full, { head });
    await act(pullRequestEvent('opened', { repo, number, head }));
    emulators.github.control.submitReview(full, number, { user: 'maintainer', state: 'APPROVED' });
    emulators.github.control.pushHead(full, number, SHA.b);
    const moved = { ...head, sha: SHA.b };
    const result = await act(pullRequestEvent('synchronize', { repo, number, head: moved }));
    expect(result.outputs).toMatchObject({ phase: 'prepared', 'head-sha': SHA.b });
    expect(emulators.github.control.runs(full)).toEqual([]);
    expect((await approve(number, moved, 'releaser')).outputs.phase).toBe('releasing');
    expect(emulators.github.control.runs(full)[0]?.headSha).toBe(SHA.b);
  });

  it('in check-run mode, a check run of the same name by another app is not the guard’s: it posts its own, releases and merges', async () => {
    const { full, repo, act, approve } = setup({ 'status-kind': 'check-run' });
    const head = { ref: 'releases/v1.0.0', sha: SHA.a };
    const number = emulators.github.control.openPullRequest(full, { head });
    await act(pullRequestEvent('opened', { repo, number, head }));
    const [own] = emulators.github.control.checkRuns(full, SHA.a);
    expect(own).toMatchObject({ name: 'release', status: 'in_progress', app: { slug: 'github-actions' } });
    emulators.github.control.protectBranch(full, 'main', {
      requiredContexts: ['release'],
      requiredChecks: [{ context: 'release', appId: own?.app.id ?? 0 }],
    });

    // Another app's check run named `release` on the release head, newer than the guard's.
    const planted = await otherApp(full).rest.checks.create({
      owner: repo.owner,
      repo: repo.name,
      name: 'release',
      head_sha: SHA.a,
      conclusion: 'failure',
      output: { title: 'Not yours', summary: 'Not yours' },
    });

    expect((await approve(number, head, 'maintainer')).outputs.phase).toBe('releasing');
    const [run] = emulators.github.control.runs(full);
    emulators.github.control.updateRun(full, run?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const done = await act(
      releaseRunEvent(repo, { id: run?.id ?? 0, headSha: SHA.a, headBranch: head.ref }, 'success'),
    );
    expect(done.outputs.phase).toBe('merged');
    expect(emulators.github.control.pullRequest(full, number).merged).toBe(true);

    const runs = emulators.github.control.checkRuns(full, SHA.a);
    expect(runs.map((r) => [r.app.slug, r.status, r.conclusion])).toEqual([
      ['github-actions', 'completed', 'success'],
      ['other-app', 'completed', 'failure'],
    ]);
    expect(runs[1]).toMatchObject({ id: planted.data.id, output: { title: 'Not yours' } });
    const updates = emulators.github.control.requests(full).filter((r) => r.operation === 'checks/update');
    expect(updates.map((r) => r.status)).not.toContain(403);
  });
});
