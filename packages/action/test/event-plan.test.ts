import {
  mergeGroupEvent,
  mergeGroupRef,
  pullRequestEvent,
  pullRequestReviewEvent,
  scheduleEvent,
  workflowDispatchEvent,
  workflowRunEvent,
} from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import { AUTO_EVENTS, EventPayloadError, planFor, toGuardEvents } from '../src/api.js';
import { GITHUB_EVENTS } from '../src/github-events.js';

const repo = { owner: 'weaveworks', name: 'weave-gitops' };
const head = { ref: 'releases/v0.29.0', sha: '03093a127262cad8f4c94caf8aa4262314a1cedd' };

describe('planFor', () => {
  it('acts on the events AUTO_EVENTS lists and answers every other GitHub event with a notice', () => {
    const acted = GITHUB_EVENTS.filter((name) => {
      try {
        return planFor(name, {}).kind !== 'ignore';
      } catch (error) {
        // An event it acts on needs a payload of its kind.
        expect(error).toBeInstanceOf(EventPayloadError);
        return true;
      }
    });
    expect(acted).toEqual([...AUTO_EVENTS].sort());
    expect(planFor('push', {})).toEqual({ kind: 'ignore', notice: 'release-guard does not act on push events' });
  });

  it('pull_request: opened reads facts; reopened, synchronize and closed become events', () => {
    const plan = (action: 'opened' | 'reopened' | 'synchronize' | 'closed', extra = {}) =>
      planFor('pull_request', pullRequestEvent(action, { repo, number: 3906, head, ...extra }).payload);
    expect(plan('opened')).toEqual({ kind: 'pull-request', number: 3906, events: [] });
    expect(plan('reopened')).toEqual({
      kind: 'pull-request',
      number: 3906,
      events: [{ type: 'REOPENED', sha: head.sha }],
    });
    expect(plan('synchronize')).toEqual({
      kind: 'pull-request',
      number: 3906,
      events: [{ type: 'HEAD_CHANGED', sha: head.sha }],
    });
    expect(plan('closed')).toEqual({ kind: 'pull-request', number: 3906, events: [{ type: 'CLOSED' }] });
    expect(plan('closed', { merged: true, mergedBy: 'releaser' })).toEqual({
      kind: 'pull-request',
      number: 3906,
      events: [{ type: 'MERGED', sha: head.sha, by: 'releaser' }],
    });
  });

  it.each(['pull_request', 'pull_request_target'])(
    '%s edited: a new title or base runs the guard with no events, whatever title the payload claims',
    (eventName) => {
      const payload = pullRequestEvent('synchronize', { repo, number: 3906, head }).payload;
      const edit = (changes: unknown) => planFor(eventName, { ...payload, action: 'edited', changes });
      const run = { kind: 'pull-request', number: 3906, events: [] };
      expect(edit({ title: { from: 'chore(main): release 1.2.2' } })).toEqual(run);
      expect(edit({ base: { ref: { from: 'main' }, sha: { from: 'f'.repeat(40) } } })).toEqual(run);
      expect(edit({ title: { from: 'draft' }, body: { from: 'notes' } })).toEqual(run);
    },
  );

  it('pull_request edited of neither the title nor the base (the body) is ignored with a notice', () => {
    const payload = pullRequestEvent('synchronize', { repo, number: 3906, head }).payload;
    const edit = (changes: unknown) => planFor('pull_request_target', { ...payload, action: 'edited', changes });
    expect(edit({ body: { from: 'old notes' } })).toEqual({
      kind: 'ignore',
      notice:
        'release-guard does not act on pull_request_target.edited that changes neither the title nor the base (it changes body)',
    });
    expect(edit({})).toMatchObject({ kind: 'ignore', notice: expect.stringContaining('(it changes nothing)') });
    // A title that is not an object of what changed is no title change.
    expect(edit({ title: 'v9.9.9' })).toMatchObject({ kind: 'ignore' });
    expect(() => planFor('pull_request', { ...payload, action: 'edited' })).toThrow(
      'pull_request.changes must be an object',
    );
  });

  it('pull_request_target is read like pull_request', () => {
    const payload = pullRequestEvent('synchronize', { repo, number: 7, head }).payload;
    expect(planFor('pull_request_target', payload)).toEqual(planFor('pull_request', payload));
  });

  it('reviews are never trusted from the payload: the guard reads them from GitHub', () => {
    const approved = pullRequestReviewEvent('submitted', {
      repo,
      number: 3906,
      head,
      review: { id: 1, state: 'approved', user: 'mallory' },
    });
    expect(planFor('pull_request_review', approved.payload)).toEqual({
      kind: 'pull-request',
      number: 3906,
      events: [],
    });
  });

  it('workflow_run: a run whose name says the version it releases reports it; a name without one, nothing', () => {
    const run = (displayTitle: string) =>
      planFor(
        'workflow_run',
        workflowRunEvent({
          repo,
          runId: 7,
          workflowName: 'release',
          workflowPath: '.github/workflows/release.yaml',
          headSha: head.sha,
          headBranch: head.ref,
          displayTitle,
          conclusion: 'failure',
        }).payload,
      );
    const named = run(`release-guard ${head.sha} 0.39.1-rc.1`);
    expect(named.kind === 'release-run' && named.events).toEqual([
      { type: 'RELEASE_STARTED', sha: head.sha, runId: '7.1', version: '0.39.1-rc.1' },
      {
        type: 'RELEASE_FAILED',
        sha: head.sha,
        runId: '7.1',
        reason: 'the release run concluded failure',
        version: '0.39.1-rc.1',
      },
    ]);
    for (const title of [`release-guard ${head.sha} `, `release-guard ${head.sha}`, `release-guard ${head.sha} <b>`]) {
      const plain = run(title);
      expect(plain.kind === 'release-run' && plain.events.every((e) => !('version' in e))).toBe(true);
    }
  });

  it('workflow_run: started and finished release runs, with the run attempt as runId', () => {
    const base = {
      repo,
      runId: 5738127454,
      runAttempt: 2,
      workflowName: 'release',
      workflowPath: '.github/workflows/release.yaml',
      headSha: head.sha,
      headBranch: head.ref,
      displayTitle: `release-guard ${head.sha}`,
    };
    const success = planFor('workflow_run', workflowRunEvent({ ...base, conclusion: 'success' }).payload);
    expect(success).toEqual({
      kind: 'release-run',
      workflowPath: '.github/workflows/release.yaml',
      headBranch: head.ref,
      headSha: head.sha,
      run: {
        event: 'workflow_dispatch',
        displayTitle: `release-guard ${head.sha}`,
        headRepository: `${repo.owner}/${repo.name}`,
        actor: repo.owner,
        succeeded: true,
      },
      events: [
        { type: 'RELEASE_STARTED', sha: head.sha, runId: '5738127454.2' },
        { type: 'RELEASE_SUCCEEDED', sha: head.sha, runId: '5738127454.2' },
      ],
    });
    const failure = planFor('workflow_run', workflowRunEvent({ ...base, conclusion: 'failure' }).payload);
    expect(failure.kind === 'release-run' && failure.events[1]).toEqual({
      type: 'RELEASE_FAILED',
      sha: head.sha,
      runId: '5738127454.2',
      reason: 'the release run concluded failure',
    });
    const started = planFor(
      'workflow_run',
      workflowRunEvent({ ...base, status: 'in_progress', conclusion: null }).payload,
    );
    expect(started.kind === 'release-run' && started.events).toEqual([
      { type: 'RELEASE_STARTED', sha: head.sha, runId: '5738127454.2' },
    ]);
  });

  it('schedule and workflow_dispatch sweep; anything else is ignored with a notice', () => {
    expect(planFor('schedule', scheduleEvent({ repo, cron: '*/15 * * * *' }).payload)).toEqual({ kind: 'sweep' });
    expect(
      planFor(
        'workflow_dispatch',
        workflowDispatchEvent({ repo, ref: 'main', workflowPath: '.github/workflows/sweep.yaml' }).payload,
      ),
    ).toEqual({ kind: 'sweep' });
    expect(planFor('push', { ref: 'refs/heads/main' })).toEqual({
      kind: 'ignore',
      notice: 'release-guard does not act on push events',
    });
    const labeled = { ...pullRequestEvent('opened', { repo, number: 1, head }).payload, action: 'labeled' };
    expect(planFor('pull_request', labeled)).toEqual({
      kind: 'ignore',
      notice: 'release-guard does not act on pull_request.labeled',
    });
  });

  it('a malformed payload is refused, naming what is missing', () => {
    expect(() => planFor('pull_request', null)).toThrow(EventPayloadError);
    expect(() => planFor('pull_request', { action: 'opened' })).toThrow('pull_request.pull_request must be an object');
    const noSha = pullRequestEvent('synchronize', { repo, number: 1, head }).payload as {
      pull_request: { head: { sha?: string } };
    };
    delete noSha.pull_request.head.sha;
    expect(() => planFor('pull_request', noSha)).toThrow(
      'pull_request.pull_request.head.sha must be a non-empty string',
    );
    expect(() =>
      planFor('workflow_run', {
        action: 'completed',
        workflow_run: { head_sha: 'a'.repeat(40), head_branch: 'b', id: 'x' },
      }),
    ).toThrow('workflow_run.workflow_run.id must be a positive integer');
  });

  it.each(['pull_request', 'pull_request_target'])(
    '%s enqueued and dequeued: the head entered or left the merge queue, with GitHub’s reason as one word',
    (eventName) => {
      const enqueued = pullRequestEvent('enqueued', { repo, number: 3906, head }).payload;
      expect(planFor(eventName, enqueued)).toEqual({
        kind: 'pull-request',
        number: 3906,
        events: [{ type: 'ENQUEUED', sha: head.sha }],
      });
      const dequeued = pullRequestEvent('dequeued', { repo, number: 3906, head, reason: 'CI_FAILURE' }).payload;
      expect(planFor(eventName, dequeued)).toEqual({
        kind: 'pull-request',
        number: 3906,
        events: [{ type: 'DEQUEUED', sha: head.sha, reason: 'CI_FAILURE' }],
      });
      expect(() => planFor(eventName, { ...dequeued, reason: undefined })).toThrow(
        `${eventName}.reason must be a non-empty string`,
      );
    },
  );

  it('merge_group checks_requested: the group’s pull request and head from its branch, read from the right', () => {
    const groupSha = 'b'.repeat(40);
    for (const baseRef of ['main', 'release/v1.x', 'a/b/pr-2-c']) {
      const group = mergeGroupEvent('checks_requested', {
        repo,
        number: 3906,
        prHeadSha: head.sha,
        headSha: groupSha,
        baseRef,
      });
      expect((group.payload.merge_group as { head_ref: string }).head_ref).toBe(mergeGroupRef(baseRef, 3906, head.sha));
      expect(planFor('merge_group', group.payload), baseRef).toEqual({
        kind: 'pull-request',
        number: 3906,
        events: [{ type: 'MERGE_GROUP', sha: head.sha, groupSha }],
      });
    }
  });

  it('merge_group destroyed: merged is the closed delivery’s; invalidated or dequeued, the pull request left the queue', () => {
    const destroyed = (reason: 'merged' | 'invalidated' | 'dequeued') =>
      planFor('merge_group', mergeGroupEvent('destroyed', { repo, number: 3906, prHeadSha: head.sha, reason }).payload);
    expect(destroyed('merged')).toEqual({
      kind: 'ignore',
      notice: 'the merge group of #3906 merged: the pull_request closed delivery records the merge',
    });
    for (const reason of ['invalidated', 'dequeued'] as const) {
      expect(destroyed(reason)).toEqual({
        kind: 'pull-request',
        number: 3906,
        events: [{ type: 'DEQUEUED', sha: head.sha, reason: `the merge group was destroyed (${reason})` }],
      });
    }
  });

  it('merge_group: a branch that names no pull request and head, or another base, is refused', () => {
    const { payload } = mergeGroupEvent('checks_requested', { repo, number: 3906, prHeadSha: head.sha });
    const group = payload.merge_group as Record<string, unknown>;
    const withRef = (headRef: unknown, baseRef: unknown = 'refs/heads/main') =>
      planFor('merge_group', {
        ...payload,
        merge_group: { ...group, head_ref: headRef, base_ref: baseRef },
      });
    const branch = 'merge_group.merge_group.head_ref must be a merge group branch';
    for (const ref of [
      'refs/heads/main',
      `refs/heads/gh-readonly-queue/pr-3906-${head.sha}`,
      'refs/heads/gh-readonly-queue/main/pr-3906',
      `refs/heads/gh-readonly-queue/main/pr-0-${head.sha}`,
      `refs/heads/gh-readonly-queue/main/pr-3906-${head.sha.slice(0, 12)}`,
      `refs/heads/gh-readonly-queue/main/pr-3906-${head.sha.toUpperCase()}`,
      `refs/heads/gh-readonly-queue/main/pr-99999999999999999-${head.sha}`,
      `gh-readonly-queue/main/pr-3906-${head.sha}`,
    ]) {
      expect(() => withRef(ref), ref).toThrow(branch);
    }
    expect(() => withRef(mergeGroupRef('main', 3906, head.sha), 'refs/heads/develop')).toThrow(
      'merge_group.merge_group.head_ref must name the branch of merge_group.merge_group.base_ref as its base',
    );
    expect(() => planFor('merge_group', { ...payload, action: 'destroyed', reason: 'exploded' })).toThrow(
      "merge_group.reason must be one of GitHub's (merged, invalidated, dequeued)",
    );
    expect(planFor('merge_group', { ...payload, action: 'rerequested' })).toEqual({
      kind: 'ignore',
      notice: 'release-guard does not act on merge_group.rerequested',
    });
  });

  it('is still exported under its old name, toGuardEvents (deprecated)', () => {
    expect(toGuardEvents).toBe(planFor);
  });
});
