import { describe, expect, it } from 'vitest';
import {
  deliveryId,
  disorder,
  mergeGroupEvent,
  pullRequestEvent,
  pullRequestReviewEvent,
  type ReviewState,
  scheduleEvent,
  type WebhookDelivery,
  workflowDispatchEvent,
  workflowRunEvent,
} from '../src/webhooks/index.js';
import { at, forkRepo, head, type Json, problems, repo } from './support/webhooks.js';

const pullRequestActions = ['opened', 'reopened', 'synchronize', 'closed'] as const;

/** One call of every builder, for the properties all deliveries share. */
const builders: Record<string, () => WebhookDelivery> = {
  'pull_request.opened': () => pullRequestEvent('opened', { repo, number: 3906, head, labels: ['release'] }),
  'pull_request.closed (merged)': () => pullRequestEvent('closed', { repo, number: 3906, head, merged: true }),
  'pull_request.opened (fork)': () =>
    pullRequestEvent('opened', { repo, number: 7, head: { ...head, repo: forkRepo } }),
  'pull_request_review.submitted': () =>
    pullRequestReviewEvent('submitted', {
      repo,
      number: 3906,
      head,
      review: { id: 80, state: 'approved', user: 'releaser' },
    }),
  'workflow_run.completed': () =>
    workflowRunEvent({
      repo,
      runId: 5738127454,
      workflowName: 'release',
      headSha: head.sha,
      headBranch: head.ref,
      conclusion: 'success',
      pullRequests: [{ number: 3906, headRef: head.ref, headSha: head.sha, baseRef: 'main' }],
    }),
  workflow_dispatch: () => workflowDispatchEvent({ repo, ref: 'main', workflowPath: '.github/workflows/sweep.yaml' }),
  schedule: () => scheduleEvent({ repo, cron: '*/15 * * * *' }),
  'pull_request.dequeued': () => pullRequestEvent('dequeued', { repo, number: 3906, head, reason: 'CI_FAILURE' }),
  'merge_group.checks_requested': () =>
    mergeGroupEvent('checks_requested', { repo, number: 3906, prHeadSha: head.sha }),
};

describe('pull_request', () => {
  it.each(pullRequestActions)('%s validates and carries the options where GitHub puts them', (action) => {
    const event = pullRequestEvent(action, {
      repo,
      number: 3906,
      head,
      base: { ref: 'main', sha: 'b'.repeat(40) },
      user: 'octo-releaser',
      title: 'Release v0.29.0',
      body: 'Bumps the version.',
      labels: ['release', 'needs review'],
      before: 'f'.repeat(40),
    });
    expect(problems(`webhook-pull-request-${action}`, event.payload)).toEqual([]);
    expect(event.name).toBe('pull_request');
    expect(event.payload).toMatchObject({
      action,
      number: 3906,
      repository: { full_name: 'weaveworks/weave-gitops', name: 'weave-gitops', owner: { login: 'weaveworks' } },
      sender: { login: 'octo-releaser' },
      pull_request: {
        number: 3906,
        state: action === 'closed' ? 'closed' : 'open',
        merged: false,
        title: 'Release v0.29.0',
        body: 'Bumps the version.',
        user: { login: 'octo-releaser' },
        author_association: 'NONE',
        url: 'https://api.github.com/repos/weaveworks/weave-gitops/pulls/3906',
        html_url: 'https://github.com/weaveworks/weave-gitops/pull/3906',
        statuses_url: `https://api.github.com/repos/weaveworks/weave-gitops/statuses/${head.sha}`,
        labels: [{ name: 'release' }, { name: 'needs review' }],
        head: {
          ref: head.ref,
          sha: head.sha,
          label: `weaveworks:${head.ref}`,
          repo: { full_name: 'weaveworks/weave-gitops', fork: false },
        },
        base: { ref: 'main', sha: 'b'.repeat(40), repo: { full_name: 'weaveworks/weave-gitops' } },
      },
    });
    if (action === 'synchronize') expect(event.payload).toMatchObject({ before: 'f'.repeat(40), after: head.sha });
    else expect(event.payload).not.toHaveProperty('before');
  });

  it('closed and merged validates, with merged_at, merge_commit_sha and merged_by', () => {
    const event = pullRequestEvent('closed', {
      repo,
      number: 3906,
      head,
      merged: true,
      mergedBy: 'release-bot',
      mergeCommitSha: 'e'.repeat(40),
    });
    expect(problems('webhook-pull-request-closed', event.payload)).toEqual([]);
    expect(event.payload).toMatchObject({
      sender: { login: 'release-bot' },
      pull_request: {
        state: 'closed',
        merged: true,
        merged_at: '2023-08-02T10:58:00Z',
        closed_at: '2023-08-02T10:58:00Z',
        merge_commit_sha: 'e'.repeat(40),
        merged_by: { login: 'release-bot' },
      },
    });
    const closed = pullRequestEvent('closed', { repo, number: 3906, head });
    expect(closed.payload.pull_request).toMatchObject({ merged: false, merged_at: null, merged_by: null });
  });

  it('a fork pull request has a head repository of its own, marked as a fork, opened by its owner', () => {
    const event = pullRequestEvent('opened', { repo, number: 7, head: { ...head, repo: forkRepo } });
    expect(problems('webhook-pull-request-opened', event.payload)).toEqual([]);
    const pr = at(event.payload, 'pull_request');
    expect(pr).toMatchObject({
      user: { login: 'mallory' },
      head: { label: `mallory:${head.ref}`, user: { login: 'mallory' }, repo: { full_name: 'mallory/weave-gitops' } },
      base: { repo: { full_name: 'weaveworks/weave-gitops', fork: false } },
    });
    expect(at(pr, 'head.repo').fork).toBe(true);
    expect(at(pr, 'head.repo').full_name).not.toBe(at(pr, 'base.repo').full_name);
    expect(at(pr, 'head.repo').id).not.toBe(at(pr, 'base.repo').id);
  });

  it('edited validates, with what changed and the pull request as it is now', () => {
    const changes = {
      title: { from: 'chore(main): release 1.2.0-rc.1' },
      base: { ref: { from: 'next' }, sha: { from: 'f'.repeat(40) } },
    };
    const event = pullRequestEvent('edited', { repo, number: 7, head, title: 'chore(main): release 1.2.0', changes });
    expect(problems('webhook-pull-request-edited', event.payload)).toEqual([]);
    expect(event.payload).toMatchObject({
      action: 'edited',
      changes,
      pull_request: { title: 'chore(main): release 1.2.0' },
    });
    expect(() => pullRequestEvent('opened', { repo, number: 7, head, changes })).toThrow(
      'changes come with edited, not opened',
    );
  });

  it('refuses a merge on an action other than closed', () => {
    expect(() => pullRequestEvent('opened', { repo, number: 1, head, merged: true })).toThrow(/closed/);
  });
});

describe('pull_request_review', () => {
  it.each([
    ['submitted', 'approved'],
    ['submitted', 'changes_requested'],
    ['submitted', 'commented'],
    ['dismissed', 'dismissed'],
  ] as const)('%s (%s) validates and carries the review', (action, state: ReviewState) => {
    const event = pullRequestReviewEvent(action, {
      repo,
      number: 3906,
      head,
      review: { id: 80, state, user: 'releaser', authorAssociation: 'MEMBER', body: 'Ship it' },
    });
    expect(problems(`webhook-pull-request-review-${action}`, event.payload)).toEqual([]);
    expect(event.payload).toMatchObject({
      action,
      sender: { login: 'releaser' },
      repository: { full_name: 'weaveworks/weave-gitops' },
      review: {
        id: 80,
        state,
        body: 'Ship it',
        commit_id: head.sha,
        user: { login: 'releaser' },
        author_association: 'MEMBER',
        html_url: 'https://github.com/weaveworks/weave-gitops/pull/3906#pullrequestreview-80',
        pull_request_url: 'https://api.github.com/repos/weaveworks/weave-gitops/pulls/3906',
      },
      pull_request: { number: 3906, state: 'open', head: { sha: head.sha, ref: head.ref } },
    });
  });

  it('an approval of an older commit validates and names that commit', () => {
    const event = pullRequestReviewEvent('submitted', {
      repo,
      number: 3906,
      head,
      review: { id: 81, state: 'approved', user: 'releaser', commitId: 'c'.repeat(40) },
    });
    expect(problems('webhook-pull-request-review-submitted', event.payload)).toEqual([]);
    expect(event.payload).toMatchObject({
      review: { state: 'approved', commit_id: 'c'.repeat(40), author_association: 'COLLABORATOR' },
      pull_request: { head: { sha: head.sha } },
    });
  });

  it('refuses a submitted review in state dismissed', () => {
    expect(() =>
      pullRequestReviewEvent('submitted', { repo, number: 1, head, review: { id: 1, state: 'dismissed', user: 'r' } }),
    ).toThrow(RangeError);
  });
});

describe('every builder', () => {
  it.each(Object.keys(builders))('%s names no person, repository or organization of the examples', (name) => {
    const text = JSON.stringify(builders[name]!().payload);
    expect(text).not.toMatch(/octocat|hello-world|octo-org|octo-repo|octocoders|hub4j/i);
  });

  it.each(Object.keys(builders))('%s shares no mutable state with the next delivery', (name) => {
    const build = builders[name]!;
    const first = build();
    const pristine = structuredClone(first.payload);
    scribble(first.payload);
    const second = build();
    expect(second.payload).toEqual(pristine);
    expect(second.id).not.toBe(first.id);
  });

  it('puts no object in two places of one payload', () => {
    const { payload } = pullRequestEvent('opened', { repo, number: 1, head });
    at(payload, 'pull_request.head.user').login = 'changed';
    expect(at(payload, 'pull_request.head.repo.owner').login).toBe('weaveworks');
  });

  it.each([
    ['webhook-pull-request-opened', builders['pull_request.opened']!, 'pull_request', 'head'],
    ['webhook-pull-request-closed', builders['pull_request.closed (merged)']!, 'pull_request', 'merged_at'],
    ['webhook-pull-request-review-submitted', builders['pull_request_review.submitted']!, 'review', 'commit_id'],
    ['webhook-workflow-run-completed', builders['workflow_run.completed']!, 'workflow_run', 'head_sha'],
    ['webhook-workflow-dispatch', builders.workflow_dispatch!, '', 'ref'],
  ] as const)('a %s payload missing a required field fails validation, naming it', (schema, build, parent, field) => {
    const { payload } = build();
    expect(problems(schema, payload)).toEqual([]);
    delete (parent ? at(payload, parent) : payload)[field];
    expect(problems(schema, payload)).toContain(
      `${parent ? `/${parent}` : '/'} must have required property '${field}'`,
    );
  });
});

describe('deliveries', () => {
  it('have ids like X-GitHub-Delivery, a new one each time', () => {
    const [a, b] = [deliveryId(), deliveryId()];
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(b).not.toBe(a);
  });

  it('disorder redelivers (same id and payload) and reorders deliveries', () => {
    const [a, b, c] = [
      builders['pull_request.opened']!(),
      builders['pull_request_review.submitted']!(),
      builders['workflow_run.completed']!(),
    ];
    const messy = disorder([a, b, c], [{ duplicate: 1 }, { swap: 2 }]);
    expect(messy.map((d) => d.name)).toEqual([
      'pull_request',
      'pull_request_review',
      'workflow_run',
      'pull_request_review',
    ]);
    expect(messy[3]?.id).toBe(b.id);
    expect(messy[3]?.payload).toEqual(b.payload);
  });
});

/** Overwrites every value of a payload in place, down to the leaves. */
function scribble(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(scribble);
    value.push('scribbled');
  } else if (value && typeof value === 'object') {
    const object = value as Json;
    for (const [key, child] of Object.entries(object)) {
      if (child && typeof child === 'object') scribble(child);
      else object[key] = 'scribbled';
    }
  }
}
