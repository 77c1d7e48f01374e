import type { SetStatusEffect } from '@release-guard/core';
import { validateGraphQL } from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import {
  AUTO_MERGE_MUTATION,
  createOctokit,
  DISABLE_AUTO_MERGE_MUTATION,
  MERGE_MUTATION,
  merge,
  runMarker,
  setStatus,
  startRelease,
} from '../src/index.js';
import { guardRepository, RELEASE_INPUTS, RELEASE_RUN_NAME, SHA, useEmulators } from './support/emulators.js';

const emulators = useEmulators();
const setup = () => guardRepository(emulators.github);

const status = (state: SetStatusEffect['state'], description: string, sha = SHA.a): SetStatusEffect => ({
  type: 'SET_STATUS',
  sha,
  state,
  description,
  context: 'release',
});

describe('SET_STATUS', () => {
  const checkRun = { kind: 'check-run', viewer: 'release-guard[bot]' } as const;

  it('as a commit status, written only when GitHub shows something else', async () => {
    const { repo, full, octokit } = setup();
    expect(await setStatus(octokit, repo, status('pending', 'Locked'), { kind: 'status' })).toBe(true);
    const shown = [{ sha: SHA.a, state: 'pending' as const, description: 'Locked' }];
    expect(await setStatus(octokit, repo, status('pending', 'Locked'), { kind: 'status', shown })).toBe(false);
    expect(await setStatus(octokit, repo, status('success', 'Released and verified'), { kind: 'status', shown })).toBe(
      true,
    );
    expect(emulators.github.control.statuses(full, SHA.a).map((s) => s.state)).toEqual(['pending', 'success']);
  });

  it('as one check run per SHA, updated in place, posted by the guard’s app', async () => {
    const { repo, full, octokit } = setup();
    await setStatus(octokit, repo, status('pending', 'Locked'), checkRun);
    expect(await setStatus(octokit, repo, status('pending', 'Locked'), checkRun)).toBe(false);
    await setStatus(octokit, repo, status('success', 'Released and verified'), checkRun);
    const runs = emulators.github.control.checkRuns(full, SHA.a);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      name: 'release',
      status: 'completed',
      conclusion: 'success',
      app: { slug: 'release-guard' },
    });
    await setStatus(octokit, repo, status('failure', 'Release failed: timed out'), checkRun);
    expect(emulators.github.control.checkRuns(full, SHA.a)[0]).toMatchObject({
      conclusion: 'failure',
      output: { title: 'Release failed: timed out' },
    });
  });

  /** Creates a check run named `release` on SHA.a as another GitHub App (`other-app[bot]`); returns its id. */
  const foreignRun = async (repo: { owner: string; repo: string }, conclusion: 'success' | 'failure' = 'failure') => {
    emulators.github.control.addToken('other-app', 'other-app[bot]');
    const other = createOctokit({ token: 'other-app', baseUrl: emulators.github.url, throttle: false, retries: 0 });
    const { data } = await other.rest.checks.create({
      ...repo,
      name: 'release',
      head_sha: SHA.a,
      conclusion,
      output: { title: 'Not the guard', summary: 'Not the guard' },
    });
    return data.id;
  };

  it('as a check run, another app’s check run of the same name is left alone: the guard creates its own', async () => {
    const { repo, full, octokit } = setup();
    const foreign = await foreignRun(repo, 'success');
    expect(await setStatus(octokit, repo, status('pending', 'Locked'), checkRun)).toBe(true);
    const runs = emulators.github.control.checkRuns(full, SHA.a);
    expect(runs.map((r) => [r.id === foreign, r.app.slug, r.status, r.conclusion])).toEqual([
      [true, 'other-app', 'completed', 'success'],
      [false, 'release-guard', 'in_progress', null],
    ]);
  });

  it('as a check run, the guard updates its own even when newer check runs of other apps outnumber a page', async () => {
    const { repo, full, octokit } = setup();
    await setStatus(octokit, repo, status('pending', 'Locked'), checkRun);
    for (let i = 0; i < 101; i++) await foreignRun(repo);
    expect(await setStatus(octokit, repo, status('pending', 'Locked'), checkRun)).toBe(false);
    expect(await setStatus(octokit, repo, status('success', 'Released and verified'), checkRun)).toBe(true);
    const own = emulators.github.control.checkRuns(full, SHA.a).filter((r) => r.app.slug === 'release-guard');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(emulators.github.control.checkRuns(full, SHA.a).filter((r) => r.conclusion === 'failure')).toHaveLength(101);
  });
});

describe('MERGE', () => {
  const effect = (pr: number, sha = SHA.a) => ({
    type: 'MERGE' as const,
    pr,
    sha,
    method: 'merge' as const,
    via: 'merge' as const,
  });

  it('merges the head it was asked to: MERGED', async () => {
    const { repo, full, octokit } = setup();
    const pr = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    expect(await merge(octokit, repo, effect(pr), 'release-guard[bot]')).toEqual({
      type: 'MERGED',
      sha: SHA.a,
      by: 'release-guard[bot]',
    });
  });

  it('a push since: MERGE_REJECTED head-changed, nothing merged', async () => {
    const { repo, full, octokit } = setup();
    const pr = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    emulators.github.control.pushHead(full, pr, SHA.b);
    expect(await merge(octokit, repo, effect(pr), 'bot')).toMatchObject({
      type: 'MERGE_REJECTED',
      reason: 'head-changed',
    });
    expect(emulators.github.control.pullRequest(full, pr).merged).toBe(false);
  });

  it('protection refuses: not-mergeable, after reading the pull request again', async () => {
    const { repo, full, octokit } = setup();
    emulators.github.control.protectBranch(full, 'main', { requiredContexts: ['build'] });
    const pr = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    expect(await merge(octokit, repo, effect(pr), 'bot')).toMatchObject({
      type: 'MERGE_REJECTED',
      reason: 'not-mergeable',
      message: expect.stringContaining('"build" is expected'),
    });
    expect(emulators.github.control.requests(full).map((r) => r.operation)).toEqual(['pulls/merge', 'pulls/get']);
  });

  it('already merged by someone else: MERGED, never a second merge', async () => {
    const { repo, full, octokit } = setup();
    const pr = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    emulators.github.control.mergeByHand(full, pr, 'releaser');
    expect(await merge(octokit, repo, effect(pr), 'bot')).toEqual({ type: 'MERGED', sha: SHA.a, by: 'releaser' });
  });

  it('a lost response: the pull request is read again and found merged', async () => {
    const { repo, full, octokit } = setup();
    const pr = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    emulators.github.control.inject({ repo: full, operation: 'pulls/merge', kind: 'lose-response' });
    expect(await merge(octokit, repo, effect(pr), 'release-guard[bot]')).toEqual({
      type: 'MERGED',
      sha: SHA.a,
      by: 'release-guard[bot]',
    });
    expect(emulators.github.control.requests(full).filter((r) => r.operation === 'pulls/merge')).toHaveLength(1);
  });

  it('no write access: forbidden', async () => {
    const { repo, full } = setup();
    emulators.github.control.addToken('reader', 'reader');
    emulators.github.control.setPermission(full, 'reader', 'read');
    const pr = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const reader = createOctokit({ token: 'reader', baseUrl: emulators.github.url, throttle: false, retries: 0 });
    expect(await merge(reader, repo, effect(pr), 'reader')).toMatchObject({
      type: 'MERGE_REJECTED',
      reason: 'forbidden',
    });
  });
});

describe('START_RELEASE', () => {
  it('dispatches the release workflow once per SHA, even when asked twice', async () => {
    const { repo, full, octokit } = setup();
    emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    emulators.github.control.addWorkflow(full, {
      path: '.github/workflows/release.yaml',
      name: 'release',
      runName: RELEASE_RUN_NAME,
      inputs: RELEASE_INPUTS,
    });
    const mode = { kind: 'dispatch' as const, workflow: 'release.yaml', ref: 'releases/v1' };
    const effect = { type: 'START_RELEASE' as const, sha: SHA.a, version: 'v1' };
    const [first] = await startRelease(octokit, repo, effect, mode);
    const [second] = await startRelease(octokit, repo, effect, mode);
    expect(first).toMatchObject({ type: 'RELEASE_STARTED', sha: SHA.a });
    expect(second).toEqual(first);
    const runs = emulators.github.control.runs(full);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ displayTitle: runMarker(SHA.a, 'v1'), inputs: { sha: SHA.a, version: 'v1' } });
  });

  it('dispatches again after the previous run failed', async () => {
    const { repo, full, octokit } = setup();
    emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    emulators.github.control.addWorkflow(full, {
      path: '.github/workflows/release.yaml',
      name: 'release',
      runName: RELEASE_RUN_NAME,
      inputs: RELEASE_INPUTS,
    });
    const mode = { kind: 'dispatch' as const, workflow: 'release.yaml', ref: 'releases/v1' };
    const effect = { type: 'START_RELEASE' as const, sha: SHA.a };
    const [first] = await startRelease(octokit, repo, effect, mode);
    const firstId = Number(String(first?.type === 'RELEASE_STARTED' && first.runId).split('.')[0]);
    emulators.github.control.updateRun(full, firstId, { status: 'completed', conclusion: 'failure' });
    const [second] = await startRelease(octokit, repo, effect, mode);
    expect(second).not.toEqual(first);
    expect(emulators.github.control.runs(full)).toHaveLength(2);
  });

  it('in-run mode dispatches nothing', async () => {
    const { repo, full, octokit } = setup();
    expect(await startRelease(octokit, repo, { type: 'START_RELEASE', sha: SHA.a }, { kind: 'in-run' })).toEqual([]);
    expect(emulators.github.control.requests(full)).toEqual([]);
  });
});

describe('MERGE over GraphQL, and auto-merge', () => {
  const effect = (pr: number, sha = SHA.a) => ({
    type: 'MERGE' as const,
    pr,
    sha,
    method: 'squash' as const,
    via: 'merge' as const,
  });
  const nodeId = (pr: number, full: string) =>
    Buffer.from(`PullRequest:${emulators.github.control.pullRequest(full, pr).id}`).toString('base64');

  it('uses mutations GitHub’s schema accepts', () => {
    expect(validateGraphQL(MERGE_MUTATION)).toEqual([]);
    expect(validateGraphQL(AUTO_MERGE_MUTATION)).toEqual([]);
    expect(validateGraphQL(DISABLE_AUTO_MERGE_MUTATION)).toEqual([]);
  });

  it('mergePullRequest with expectedHeadOid: merged, or head-changed', async () => {
    const { repo, full, octokit } = setup();
    const pr = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    emulators.github.control.pushHead(full, pr, SHA.b);
    const options = { via: 'graphql' as const, pullRequestId: nodeId(pr, full) };
    expect(await merge(octokit, repo, effect(pr), 'bot', options)).toMatchObject({
      type: 'MERGE_REJECTED',
      reason: 'head-changed',
    });
    expect(await merge(octokit, repo, effect(pr, SHA.b), 'bot', options)).toEqual({
      type: 'MERGED',
      sha: SHA.b,
      by: 'bot',
    });
  });

  it('auto-merge: pending checks enable it, and GitHub merges that head when they pass', async () => {
    const { repo, full, octokit } = setup();
    emulators.github.control.protectBranch(full, 'main', { requiredContexts: ['build'] });
    const pr = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const answer = await merge(octokit, repo, effect(pr), 'bot', { autoMerge: true, pullRequestId: nodeId(pr, full) });
    expect(answer).toMatchObject({
      type: 'MERGE_REJECTED',
      reason: 'not-mergeable',
      message: expect.stringContaining('Auto-merge is enabled'),
    });
    expect(emulators.github.control.pullRequest(full, pr).merged).toBe(false);
    await octokit.rest.repos.createCommitStatus({ ...repo, sha: SHA.a, state: 'success', context: 'build' });
    expect(emulators.github.control.pullRequest(full, pr)).toMatchObject({
      merged: true,
      mergedBy: { login: 'release-guard[bot]' },
    });
  });
});
