import { describe, expect, it } from 'vitest';
import { type DequeueReason, mergeGroupEvent, mergeGroupRef, pullRequestEvent } from '../src/webhooks/index.js';
import { head, problems, repo } from './support/webhooks.js';

describe('pull_request enqueued and dequeued', () => {
  it('enqueued validates against @octokit/openapi-webhooks and has no reason', () => {
    const event = pullRequestEvent('enqueued', { repo, number: 3906, head, sender: 'releaser' });
    expect(problems('webhook-pull-request-enqueued', event.payload)).toEqual([]);
    expect(event.payload).toMatchObject({ action: 'enqueued', number: 3906, sender: { login: 'releaser' } });
    expect(event.payload).not.toHaveProperty('reason');
  });

  it.each<DequeueReason>(['MANUAL', 'MERGE', 'CI_FAILURE', 'UNKNOWN_REMOVAL_REASON'])(
    'dequeued (%s) validates and carries the reason',
    (reason) => {
      const event = pullRequestEvent('dequeued', { repo, number: 3906, head, reason });
      expect(problems('webhook-pull-request-dequeued', event.payload)).toEqual([]);
      expect(event.payload).toMatchObject({ action: 'dequeued', reason, pull_request: { state: 'open' } });
    },
  );

  it('a dequeued delivery without its reason fails validation; the builder refuses to build one', () => {
    const { payload } = pullRequestEvent('dequeued', { repo, number: 1, head, reason: 'MANUAL' });
    delete payload.reason;
    expect(problems('webhook-pull-request-dequeued', payload)).toContain("/ must have required property 'reason'");
    expect(() => pullRequestEvent('dequeued', { repo, number: 1, head })).toThrow(RangeError);
    expect(() => pullRequestEvent('enqueued', { repo, number: 1, head, reason: 'MANUAL' })).toThrow(RangeError);
  });
});

describe('merge_group', () => {
  const group = { repo, number: 3906, prHeadSha: head.sha, baseSha: 'b'.repeat(40), headSha: 'c'.repeat(40) };

  it('checks_requested validates and names the group branch, its commit and its base', () => {
    const event = mergeGroupEvent('checks_requested', group);
    expect(problems('webhook-merge-group-checks-requested', event.payload)).toEqual([]);
    expect(event.name).toBe('merge_group');
    expect(event.payload).toMatchObject({
      action: 'checks_requested',
      merge_group: {
        head_sha: 'c'.repeat(40),
        head_ref: `refs/heads/gh-readonly-queue/main/pr-3906-${head.sha}`,
        base_sha: 'b'.repeat(40),
        base_ref: 'refs/heads/main',
        head_commit: { id: 'c'.repeat(40), committer: { name: 'GitHub' } },
      },
      repository: { full_name: 'weaveworks/weave-gitops' },
    });
    expect(event.payload).not.toHaveProperty('reason');
  });

  it.each(['merged', 'invalidated', 'dequeued'] as const)(
    'destroyed (%s) validates and carries the reason',
    (reason) => {
      const event = mergeGroupEvent('destroyed', { ...group, reason, sender: 'github-actions[bot]' });
      expect(problems('webhook-merge-group-destroyed', event.payload)).toEqual([]);
      expect(event.payload).toMatchObject({ action: 'destroyed', reason });
    },
  );

  it('refuses a destroyed group without a reason, and a reason on checks_requested', () => {
    expect(() => mergeGroupEvent('destroyed', group)).toThrow(RangeError);
    expect(() => mergeGroupEvent('checks_requested', { ...group, reason: 'merged' })).toThrow(RangeError);
  });

  it('the group branch of another base and pull request', () => {
    expect(mergeGroupRef('release/1.x', 7, 'a'.repeat(40))).toBe(
      `refs/heads/gh-readonly-queue/release/1.x/pr-7-${'a'.repeat(40)}`,
    );
  });
});
