import { createOctokit } from '@release-guard/github-adapter';
import {
  type GitHubEmulator,
  pullRequestEvent,
  pullRequestReviewEvent,
  startGitHub,
  type WebhookDelivery,
} from '@release-guard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ActionLog, parseInputs, run } from '../src/api.js';

/** Each point of the security review, through the action's code path against the emulator. */
let github: GitHubEmulator;
beforeAll(async () => {
  github = await startGitHub();
});
afterEach(() => github.control.assertNoViolations());
afterAll(async () => {
  await github?.close();
});

const SHA = { a: 'a'.repeat(40), b: 'b'.repeat(40) };
const quiet: ActionLog = { info() {}, notice() {}, warning() {}, error() {}, group: (_n, fn) => fn() };
let repositories = 0;

function setup(inputs: Record<string, string> = {}) {
  repositories++;
  const name = `security-${repositories}`;
  const full = github.control.createRepository({
    owner: 'weaveworks',
    name,
    collaborators: { releaser: 'write', maintainer: 'maintain', reader: 'read' },
  });
  github.control.addToken('guard', 'github-actions[bot]');
  github.control.setPermission(full, 'github-actions[bot]', 'write');
  github.control.protectBranch(full, 'main', { requiredContexts: ['release'] });
  github.control.addWorkflow(full, { path: '.github/workflows/release.yaml', name: 'release' });
  const octokit = createOctokit({ token: 'guard', baseUrl: github.url, throttle: false, retries: 0 });
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
    const id = github.control.submitReview(full, number, { user, state: 'APPROVED' });
    return act(pullRequestReviewEvent('submitted', { repo, number, head, review: { id, state: 'approved', user } }));
  };
  return { full, repo, act, approve };
}

describe('security review', () => {
  it('a fork pull request with a releases/* head never triggers a release, and is never merged by the guard', async () => {
    const { full, repo, act, approve } = setup();
    const head = { ref: 'releases/v9.9.9', sha: SHA.a };
    const number = github.control.openPullRequest(full, {
      head: { ...head, repo: 'mallory/weave-gitops' },
      user: 'mallory',
    });
    const forkHead = { ...head, repo: { owner: 'mallory', name: 'weave-gitops' } };
    const opened = await act(pullRequestEvent('opened', { repo, number, head: forkHead }));
    expect(opened.outputs.phase).toBe('skipped');
    const status = github.control.statuses(full, SHA.a).find((s) => s.context === 'release');
    expect(status?.state).toBe('failure');
    const approved = await approve(number, forkHead, 'maintainer');
    expect(approved.outputs).toMatchObject({ phase: 'skipped', release: 'false' });
    expect(github.control.runs(full)).toEqual([]);
    expect(github.control.requests(full).filter((r) => r.operation === 'pulls/merge')).toEqual([]);
    expect(github.control.comments(full, number)).toEqual([]);
  });

  it('an approval by someone who cannot push is ignored', async () => {
    const { full, repo, act, approve } = setup();
    const head = { ref: 'releases/v1.0.0', sha: SHA.a };
    const number = github.control.openPullRequest(full, { head });
    await act(pullRequestEvent('opened', { repo, number, head }));
    const result = await approve(number, head, 'reader');
    expect(result.outputs.phase).toBe('prepared');
    expect(github.control.runs(full)).toEqual([]);
  });

  it('an approval by someone outside the approvers, or below the minimum permission, is ignored', async () => {
    const { full, repo, act, approve } = setup({ approvers: 'maintainer', 'minimum-permission': 'maintain' });
    const head = { ref: 'releases/v1.0.0', sha: SHA.a };
    const number = github.control.openPullRequest(full, { head });
    await act(pullRequestEvent('opened', { repo, number, head }));
    expect((await approve(number, head, 'releaser')).outputs.phase).toBe('prepared');
    expect(github.control.runs(full)).toEqual([]);
    expect((await approve(number, head, 'maintainer')).outputs.phase).toBe('releasing');
    expect(github.control.runs(full)).toHaveLength(1);
  });

  it('with forbid-self-approval, the releaser who ran prepare-release cannot approve their own release', async () => {
    const { full, repo, act, approve } = setup({ 'forbid-self-approval': 'true' });
    const head = { ref: 'releases/v1.0.0', sha: SHA.a };
    const number = github.control.openPullRequest(full, {
      head,
      user: 'github-actions[bot]',
      assignees: ['releaser'],
    });
    await act(pullRequestEvent('opened', { repo, number, head }));
    expect((await approve(number, head, 'releaser')).outputs.phase).toBe('prepared');
    expect(github.control.runs(full)).toEqual([]);
    expect((await approve(number, head, 'maintainer')).outputs.phase).toBe('releasing');
  });

  it('an approval of an earlier head does not release the new one', async () => {
    const { full, repo, act, approve } = setup();
    const head = { ref: 'releases/v1.0.0', sha: SHA.a };
    const number = github.control.openPullRequest(full, { head });
    await act(pullRequestEvent('opened', { repo, number, head }));
    github.control.submitReview(full, number, { user: 'maintainer', state: 'APPROVED' });
    github.control.pushHead(full, number, SHA.b);
    const moved = { ...head, sha: SHA.b };
    const result = await act(pullRequestEvent('synchronize', { repo, number, head: moved }));
    expect(result.outputs).toMatchObject({ phase: 'prepared', 'head-sha': SHA.b });
    expect(github.control.runs(full)).toEqual([]);
    expect((await approve(number, moved, 'releaser')).outputs.phase).toBe('releasing');
    expect(github.control.runs(full)[0]?.headSha).toBe(SHA.b);
  });
});
