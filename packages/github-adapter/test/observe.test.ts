import { createGuard } from '@release-guard/core';
import { validateGraphQL } from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import {
  createOctokit,
  OBSERVE_MORE_QUERY,
  OBSERVE_QUERY,
  observe,
  parseTimelineComment,
  renderTimelineComment,
  TIMELINE_MARKER,
} from '../src/index.js';
import { guardRepository, SHA, useEmulators } from './support/emulators.js';

const emulators = useEmulators();
function setup(collaborators: Record<string, 'read' | 'write' | 'admin'> = {}) {
  const { name, full, octokit } = guardRepository(emulators.github, { collaborators });
  return { repo: name, full, octokit };
}

describe('observe', () => {
  it('uses a GraphQL document that GitHub’s schema accepts', () => {
    expect(validateGraphQL(OBSERVE_QUERY)).toEqual([]);
    for (const document of Object.values(OBSERVE_MORE_QUERY)) expect(validateGraphQL(document)).toEqual([]);
    expect(validateGraphQL('{ viewer { nope } }')).toEqual([
      expect.stringContaining('Cannot query field "nope" on type "User"'),
    ]);
  });

  it('reads on past the first page of reviews, status contexts and comments, one request a page', async () => {
    const { repo, full, octokit } = setup({ alice: 'write' });
    const { control } = emulators.github;
    const number = control.openPullRequest(full, { head: { ref: 'releases/v0.29.0', sha: SHA.a } });
    for (let i = 0; i < 120; i++) control.setPermission(full, `reviewer${i}`, 'read');
    for (let i = 0; i < 120; i++)
      control.submitReview(full, number, { user: `reviewer${i}`, state: 'CHANGES_REQUESTED' });
    control.submitReview(full, number, { user: 'alice', state: 'APPROVED' });
    for (let i = 0; i < 105; i++) {
      await octokit.rest.repos.createCommitStatus({
        owner: 'weaveworks',
        repo,
        sha: SHA.a,
        state: 'success',
        context: `ci/${i}`,
      });
    }
    await octokit.rest.repos.createCommitStatus({
      owner: 'weaveworks',
      repo,
      sha: SHA.a,
      state: 'pending',
      context: 'release',
    });
    control.addToken('alice-token', 'alice');
    const alice = createOctokit({ token: 'alice-token', baseUrl: emulators.github.url, throttle: false, retries: 0 });
    for (let i = 0; i < 101; i++) {
      await alice.rest.issues.createComment({ owner: 'weaveworks', repo, issue_number: number, body: `noise ${i}` });
    }
    const guard = createGuard();
    const snapshot = guard.start({
      number,
      headRef: 'releases/v0.29.0',
      headSha: SHA.a,
      baseRef: 'main',
      fromFork: false,
    });
    const body = renderTimelineComment('timeline', snapshot.snapshot, guard.serialize(snapshot.snapshot));
    await octokit.rest.issues.createComment({ owner: 'weaveworks', repo, issue_number: number, body });
    const before = control.requests(full).length;
    const seen = await observe(octokit, { owner: 'weaveworks', repo, number }, { statusContext: 'release' });
    expect(control.requests(full).length - before).toBe(4);
    expect(seen.facts.approvals).toEqual([
      { reviewId: expect.any(Number), reviewer: 'alice', sha: SHA.a, authorized: true },
    ]);
    expect(seen.facts.statuses).toEqual([{ sha: SHA.a, state: 'pending' }]);
    expect(seen.timeline?.serialized).toBe(guard.serialize(snapshot.snapshot));
  });

  it('reads every fact in one request: head, approvals with authorization, our status, the timeline', async () => {
    const { repo, full, octokit } = setup({ alice: 'write', reader: 'read', bob: 'write' });
    const number = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v0.29.0', sha: SHA.a } });
    emulators.github.control.submitReview(full, number, { user: 'alice', state: 'APPROVED' });
    emulators.github.control.submitReview(full, number, { user: 'reader', state: 'APPROVED' });
    emulators.github.control.submitReview(full, number, { user: 'bob', state: 'APPROVED' });
    emulators.github.control.submitReview(full, number, { user: 'bob', state: 'CHANGES_REQUESTED' });
    await octokit.rest.repos.createCommitStatus({
      owner: 'weaveworks',
      repo,
      sha: SHA.a,
      state: 'pending',
      context: 'release',
      description: 'Locked',
    });
    await octokit.rest.repos.createCommitStatus({
      owner: 'weaveworks',
      repo,
      sha: SHA.a,
      state: 'success',
      context: 'build',
    });
    const before = emulators.github.control.requests(full).length;
    const seen = await observe(octokit, { owner: 'weaveworks', repo, number }, { statusContext: 'release' });
    expect(emulators.github.control.requests(full).length - before).toBe(1);
    expect(seen.viewer).toBe('release-guard[bot]');
    expect(seen.facts.pr).toMatchObject({
      number,
      headRef: 'releases/v0.29.0',
      headSha: SHA.a,
      version: 'v0.29.0',
      fromFork: false,
      state: 'open',
    });
    expect(seen.facts.approvals?.map((a) => [a.reviewer, a.authorized, a.sha])).toEqual([
      ['alice', true, SHA.a],
      ['reader', false, SHA.a],
    ]);
    expect(seen.facts.statuses).toEqual([{ sha: SHA.a, state: 'pending', description: 'Locked' }]);
    expect(seen.timeline).toBeUndefined();
  });

  it('an allow-list of approvers narrows who may approve', async () => {
    const { repo, full, octokit } = setup({ alice: 'write', releaser: 'write', reader: 'read' });
    const number = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    for (const user of ['alice', 'releaser', 'reader'])
      emulators.github.control.submitReview(full, number, { user, state: 'APPROVED' });
    const approvers = { users: ['releaser', 'reader'] };
    const seen = await observe(octokit, { owner: 'weaveworks', repo, number }, { statusContext: 'release', approvers });
    expect(seen.facts.approvals?.map((a) => [a.reviewer, a.authorized])).toEqual([
      ['alice', false],
      ['releaser', true],
      ['reader', false],
    ]);
  });

  it('excludeReleaser: the author, or the assignees of a pull request a bot opened, cannot approve it', async () => {
    const { repo, full, octokit } = setup({ releaser: 'write', maintainer: 'write' });
    const byBot = emulators.github.control.openPullRequest(full, {
      head: { ref: 'releases/v1', sha: SHA.a },
      user: 'github-actions[bot]',
      assignees: ['releaser'],
    });
    const byHuman = emulators.github.control.openPullRequest(full, {
      head: { ref: 'releases/v2', sha: SHA.b },
      user: 'releaser',
    });
    for (const number of [byBot, byHuman])
      for (const user of ['releaser', 'maintainer'])
        emulators.github.control.submitReview(full, number, { user, state: 'APPROVED' });
    const approvals = async (number: number, excludeReleaser: boolean) =>
      (
        await observe(
          octokit,
          { owner: 'weaveworks', repo, number },
          { statusContext: 'release', approvers: { excludeReleaser } },
        )
      ).facts.approvals?.map((a) => [a.reviewer, a.authorized]);
    expect(await approvals(byBot, true)).toEqual([
      ['releaser', false],
      ['maintainer', true],
    ]);
    expect(await approvals(byHuman, true)).toEqual([
      ['releaser', false],
      ['maintainer', true],
    ]);
    expect(await approvals(byBot, false)).toEqual([
      ['releaser', true],
      ['maintainer', true],
    ]);
  });

  it('team members may approve when the policy names their team', async () => {
    const { repo, full, octokit } = setup({ alice: 'write', bob: 'write' });
    emulators.github.control.addTeamMember('weaveworks', 'releasers', 'bob');
    const number = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    emulators.github.control.submitReview(full, number, { user: 'alice', state: 'APPROVED' });
    emulators.github.control.submitReview(full, number, { user: 'bob', state: 'APPROVED' });
    const approvers = { teams: ['weaveworks/releasers'] };
    const seen = await observe(octokit, { owner: 'weaveworks', repo, number }, { statusContext: 'release', approvers });
    expect(seen.facts.approvals?.map((a) => [a.reviewer, a.authorized])).toEqual([
      ['alice', false],
      ['bob', true],
    ]);
  });

  it('a minimum permission above write is checked per approving reviewer', async () => {
    const { repo, full, octokit } = setup({ alice: 'write', boss: 'admin' });
    const number = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    emulators.github.control.submitReview(full, number, { user: 'alice', state: 'APPROVED' });
    emulators.github.control.submitReview(full, number, { user: 'boss', state: 'APPROVED' });
    const before = emulators.github.control.requests(full).length;
    const approvers = { minimumPermission: 'maintain' as const };
    const seen = await observe(octokit, { owner: 'weaveworks', repo, number }, { statusContext: 'release', approvers });
    expect(seen.facts.approvals?.map((a) => [a.reviewer, a.authorized])).toEqual([
      ['alice', false],
      ['boss', true],
    ]);
    expect(emulators.github.control.requests(full).length - before).toBe(3);
  });

  it('a fork, a merged pull request', async () => {
    const { repo, full, octokit } = setup();
    const fork = emulators.github.control.openPullRequest(full, {
      head: { ref: 'releases/v1', sha: SHA.a, repo: `mallory/${repo}` },
    });
    expect(
      (await observe(octokit, { owner: 'weaveworks', repo, number: fork }, { statusContext: 'release' })).facts.pr
        .fromFork,
    ).toBe(true);
    const merged = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v2', sha: SHA.b } });
    emulators.github.control.mergeByHand(full, merged, 'releaser');
    const seen = await observe(octokit, { owner: 'weaveworks', repo, number: merged }, { statusContext: 'release' });
    expect(seen.facts.pr).toMatchObject({ state: 'merged', mergedSha: SHA.b, mergedBy: 'releaser' });
  });

  it('trusts only its own timeline comment, and reports one it cannot read', async () => {
    const { repo, full, octokit } = setup({ mallory: 'write' });
    const number = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const guard = createGuard();
    const snapshot = guard.start({
      number,
      headRef: 'releases/v1',
      headSha: SHA.a,
      baseRef: 'main',
      fromFork: false,
    }).snapshot;
    const body = renderTimelineComment('timeline', snapshot, guard.serialize(snapshot));
    emulators.github.control.addToken('mallory', 'mallory');
    const mallory = createOctokit({ token: 'mallory', baseUrl: emulators.github.url, throttle: false });
    await mallory.rest.issues.createComment({ owner: 'weaveworks', repo, issue_number: number, body });
    let seen = await observe(octokit, { owner: 'weaveworks', repo, number }, { statusContext: 'release' });
    expect(seen.timeline).toBeUndefined();
    const own = await octokit.rest.issues.createComment({ owner: 'weaveworks', repo, issue_number: number, body });
    seen = await observe(octokit, { owner: 'weaveworks', repo, number }, { statusContext: 'release' });
    expect(seen.timeline).toEqual({ commentId: own.data.id, serialized: guard.serialize(snapshot) });
    await octokit.rest.issues.updateComment({
      owner: 'weaveworks',
      repo,
      comment_id: own.data.id,
      body: `${TIMELINE_MARKER}\nedited by hand`,
    });
    seen = await observe(octokit, { owner: 'weaveworks', repo, number }, { statusContext: 'release' });
    expect(seen.timeline).toEqual({ commentId: own.data.id, problem: 'the timeline comment holds no snapshot' });
  });
});

describe('the timeline comment', () => {
  const guard = createGuard();
  const snapshot = guard.start({
    number: 1,
    headRef: 'releases/v1',
    headSha: SHA.a,
    baseRef: 'main',
    fromFork: false,
  }).snapshot;

  it('round-trips the snapshot, whatever its text holds', () => {
    const hostile = { ...snapshot, violations: ['--> <script>alert(1)</script> <!--'] };
    const serialized = guard.serialize(hostile);
    const body = renderTimelineComment('### release-guard', hostile, serialized);
    expect(body.startsWith(TIMELINE_MARKER)).toBe(true);
    expect(body).not.toContain('<script>');
    expect(parseTimelineComment(body)).toEqual({ found: true, serialized, headSha: SHA.a });
  });

  it('stays within GitHub’s 65,536 characters by shortening the rendered timeline', () => {
    const body = renderTimelineComment('x'.repeat(80_000), snapshot, guard.serialize(snapshot));
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('timeline shortened');
    expect(parseTimelineComment(body).found).toBe(true);
  });

  it('refuses markers it does not understand', () => {
    expect(parseTimelineComment('hello')).toEqual({ found: false, problem: 'not a release-guard timeline comment' });
    const future = `${TIMELINE_MARKER}\n<!-- release-guard:state v9 sha=${SHA.a} AAAA -->`;
    expect(parseTimelineComment(future)).toEqual({
      found: false,
      problem: 'the snapshot marker has unknown version 9',
    });
  });
});
