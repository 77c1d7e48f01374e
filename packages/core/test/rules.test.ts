import {
  type ApprovedEvent,
  createGuard,
  type Effect,
  type GuardEvent,
  MAX_RELEASERS,
  normalizeLogin,
  renderTimeline,
  type SetStatusEffect,
  standingStatus,
} from '@release-guard/core';
import { checkInvariants, runEvents } from '@release-guard/core/testing';
import { describe, expect, it } from 'vitest';
import {
  apply,
  approve,
  drive,
  headChanged,
  started,
  succeeded,
  toReleased,
  types,
  verified,
} from './support/drive.js';
import { releasePr, SHA, seedGuard } from './support/fixtures.js';

const guard = seedGuard();
const pr = releasePr();
const statuses = (effects: readonly Effect[]) => effects.filter((e): e is SetStatusEffect => e.type === 'SET_STATUS');

describe('release pull requests', () => {
  it('start: a release PR is prepared with its head locked first', () => {
    const step = guard.start(pr);
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.effects[0]).toEqual({
      type: 'SET_STATUS',
      sha: SHA.a,
      state: 'pending',
      description: 'Locked: waiting for an approved, finished release',
      context: 'release',
    });
    expect(types(step.effects)).toEqual(['SET_STATUS', 'COMMENT']);
  });

  it('a release PR needs a matching head branch and the base repository', () => {
    expect(guard.start(releasePr({ headRef: 'release/v1' })).snapshot.kind).toBe('not-release');
    expect(guard.start(releasePr({ headRef: 'releases/v1/extra' })).snapshot.kind).toBe('not-release');
    expect(guard.start(releasePr({ fromFork: true })).snapshot.kind).toBe('fork');
    expect(
      createGuard({ releaseBranch: /^rel-\d+$/ }).start(releasePr({ headRef: 'rel-42', versions: {} })).snapshot.kind,
    ).toBe('release');
  });
});

describe('non-release pull requests', () => {
  const feature = releasePr({ headRef: 'feature/validation-poc' });

  it('are skipped with "release not required" for the head and every later head', () => {
    const step = drive(guard, feature, [headChanged(SHA.b), headChanged(SHA.c)]);
    expect(step.snapshot.phase).toBe('skipped');
    expect(statuses(step.all).map((s) => [s.sha, s.state, s.description])).toEqual([
      [SHA.a, 'success', 'release not required'],
      [SHA.b, 'success', 'release not required'],
      [SHA.c, 'success', 'release not required'],
    ]);
    expect(types(step.all)).not.toContain('COMMENT');
  });

  it('never start a release, and a merge of them is never a violation', () => {
    const step = drive(guard, feature, [approve(), started(), succeeded(), { type: 'MERGED', sha: SHA.a, by: 'dev' }]);
    expect(types(step.all)).toEqual(['SET_STATUS']);
    expect(step.snapshot.phase).toBe('merged');
    expect(step.snapshot.violations).toEqual([]);
  });

  it('a fork PR with a release-like branch gets failure for every head and can never release', () => {
    const fork = releasePr({ fromFork: true });
    const step = drive(guard, fork, [
      approve(),
      headChanged(SHA.b),
      approve(SHA.b, 2),
      succeeded(SHA.b),
      verified(SHA.b),
    ]);
    expect(step.snapshot.phase).toBe('skipped');
    expect(statuses(step.all).map((s) => [s.sha, s.state, s.description])).toEqual([
      [SHA.a, 'failure', 'release PRs must come from this repository'],
      [SHA.b, 'failure', 'release PRs must come from this repository'],
    ]);
    expect(types(step.all)).not.toContain('START_RELEASE');
    expect(types(step.all)).not.toContain('MERGE');
  });
});

describe('head changes', () => {
  it.each([
    ['prepared', []],
    ['approved', [approve()]],
    ['releasing', [approve(), started()]],
    ['released', toReleased()],
    ['failed', [approve(), started(), { type: 'RELEASE_FAILED', sha: SHA.a, runId: 100, reason: 'boom' }]],
  ] as const)('from %s: back to prepared, the new head locked first, approvals void', (phase, events) => {
    const before = drive(guard, pr, events);
    expect(before.snapshot.phase).toBe(phase);
    const step = guard.next(before.snapshot, headChanged(SHA.b));
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.snapshot.headSha).toBe(SHA.b);
    expect(step.snapshot.approvals).toEqual([]);
    expect(step.effects[0]).toMatchObject({ type: 'SET_STATUS', sha: SHA.b, state: 'pending' });
  });

  it('while releasing, a head change also raises ALERT about the abandoned run', () => {
    const step = guard.next(drive(guard, pr, [approve(), started()]).snapshot, headChanged(SHA.b));
    expect(types(step.effects)).toEqual(['SET_STATUS', 'ALERT', 'COMMENT']);
    expect(step.effects[1]).toEqual({
      type: 'ALERT',
      pr: pr.number,
      reason: `The head moved to ${SHA.b.slice(0, 7)} while the release run 100 of ${SHA.a.slice(0, 7)} was running: that release will not be merged.`,
    });
  });

  it('returning to an earlier SHA is a new head: its earlier approvals are never revived', () => {
    const back = drive(guard, pr, [approve(SHA.a, 1), headChanged(SHA.b), headChanged(SHA.a)]);
    expect(back.snapshot.phase).toBe('prepared');
    const redelivered = guard.next(back.snapshot, approve(SHA.a, 1));
    expect(redelivered.snapshot.phase).toBe('prepared');
    expect(redelivered.effects).toEqual([]);
    expect(redelivered.ignored).toMatch(/already counted/);
    const fresh = guard.next(back.snapshot, approve(SHA.a, 2));
    expect(fresh.snapshot.phase).toBe('approved');
  });

  it('an approval delivered while another SHA was the head never counts later', () => {
    const step = drive(guard, pr, [headChanged(SHA.b), approve(SHA.a, 7), headChanged(SHA.a), approve(SHA.a, 7)]);
    expect(step.snapshot.phase).toBe('prepared');
    expect(types(step.all)).not.toContain('START_RELEASE');
  });

  it('a HEAD_CHANGED to the current head changes nothing', () => {
    const step = guard.next(guard.start(pr).snapshot, headChanged(SHA.a));
    expect(step.effects).toEqual([]);
    expect(step.ignored).toMatch(/already the head/);
  });
});

describe('approvals', () => {
  it('a new authorized approval of the head in prepared starts the release', () => {
    const step = guard.next(guard.start(pr).snapshot, approve());
    expect(step.snapshot.phase).toBe('approved');
    expect(step.effects[0]).toEqual({ type: 'START_RELEASE', sha: SHA.a, version: 'v0.29.0' });
  });

  it('an approval by someone not authorized is ignored', () => {
    const step = guard.next(guard.start(pr).snapshot, approve(SHA.a, 1, false));
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.effects).toEqual([]);
    expect(step.ignored).toMatch(/may not approve/);
  });

  it('an approval of another SHA is ignored', () => {
    const step = guard.next(guard.start(pr).snapshot, approve(SHA.b));
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.ignored).toMatch(/for bbbbbbb but the head is aaaaaaa/);
  });

  it('a redelivered approval never starts a second release', () => {
    const step = drive(guard, pr, [
      approve(),
      approve(),
      started(),
      approve(),
      { type: 'RELEASE_FAILED', sha: SHA.a, runId: 100, reason: 'x' },
      approve(),
    ]);
    expect(step.all.filter((e) => e.type === 'START_RELEASE')).toHaveLength(1);
    expect(step.snapshot.phase).toBe('failed');
  });

  it('a new approval in failed retries the release', () => {
    const failed = drive(guard, pr, [approve(), started(), { type: 'TIMED_OUT', sha: SHA.a }]);
    expect(failed.snapshot.phase).toBe('failed');
    const step = guard.next(failed.snapshot, approve(SHA.a, 2));
    expect(step.snapshot.phase).toBe('approved');
    expect(types(step.effects)).toEqual(['SET_STATUS', 'START_RELEASE', 'COMMENT']);
    expect(step.effects[0]).toMatchObject({ state: 'pending', description: 'Release in progress' });
  });

  it('a run that released without its artifact is done with: a new approval never takes it for the release again', () => {
    const failed = drive(guard, pr, [
      approve(),
      started(),
      succeeded(),
      { type: 'ARTIFACT_MISSING', sha: SHA.a, name: 'image', reason: 'manifest unknown' },
    ]);
    expect(failed.snapshot.phase).toBe('failed');
    const runId = failed.snapshot.release.runId ?? '';
    expect(failed.snapshot.finishedRuns).toContain(runId);
    const again = guard.next(failed.snapshot, approve(SHA.a, 2));
    expect(guard.next(again.snapshot, { type: 'RELEASE_STARTED', sha: SHA.a, runId }).ignored).toMatch(
      /already finished/,
    );
  });

  it('a timed-out run is done with: a retry never takes it for the new release, and its late success changes nothing', () => {
    const failed = drive(guard, pr, [approve(), started(), { type: 'TIMED_OUT', sha: SHA.a }]);
    const runId = failed.snapshot.release.runId ?? '';
    expect(runId).not.toBe('');
    expect(failed.snapshot.finishedRuns).toContain(runId);
    const retried = guard.next(failed.snapshot, approve(SHA.a, 2));
    const late = guard.next(retried.snapshot, { type: 'RELEASE_STARTED', sha: SHA.a, runId });
    expect(late.snapshot.phase).toBe('approved');
    expect(late.ignored).toMatch(/already finished/);
  });

  it('dismissing the last approval while approved or releasing fails the release', () => {
    for (const events of [[approve()], [approve(), started()]]) {
      const step = apply(guard, drive(guard, pr, events).snapshot, [
        { type: 'APPROVAL_DISMISSED', reviewId: 1, reviewer: 'r' },
      ]);
      expect(step.snapshot.phase).toBe('failed');
      expect(step.snapshot.failure).toBe('approval withdrawn');
      expect(statuses(step.effects)[0]).toMatchObject({
        state: 'failure',
        description: 'Release failed: approval withdrawn',
      });
    }
  });

  it('dismissing one of two approvals keeps the release going', () => {
    const step = drive(guard, pr, [
      approve(SHA.a, 1),
      approve(SHA.a, 2),
      { type: 'APPROVAL_DISMISSED', reviewId: 1, reviewer: 'r' },
    ]);
    expect(step.snapshot.phase).toBe('approved');
    expect(step.snapshot.approvals.map((a) => a.reviewId)).toEqual(['2']);
    expect(step.effects).toEqual([]);
  });
});

describe('releasers may not approve their own release', () => {
  const byReleaser = releasePr({ releasers: ['Releaser', 'github-actions'] });
  const approveAs = (reviewer: string, reviewId: number | string = 1, sha: string = SHA.a): ApprovedEvent => ({
    type: 'APPROVED',
    sha,
    reviewId,
    reviewer,
    authorized: true,
  });

  it('start keeps the releasers in the snapshot; without any, the field is left out', () => {
    expect(guard.start(byReleaser).snapshot.pr.releasers).toEqual(['Releaser', 'github-actions']);
    expect(guard.start(pr).snapshot.pr).not.toHaveProperty('releasers');
    expect(guard.start(releasePr({ releasers: [] })).snapshot.pr).not.toHaveProperty('releasers');
  });

  it('start keeps each releaser once, in its first spelling', () => {
    const step = guard.start(releasePr({ releasers: ['Alice', 'alice', 'bob[bot]', 'BOB', 'alice[bot]'] }));
    expect(step.snapshot.pr.releasers).toEqual(['Alice', 'bob[bot]']);
  });

  it('an authorized approval by a releaser is ignored, and says why', () => {
    const step = guard.next(guard.start(byReleaser).snapshot, approveAs('Releaser'));
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.snapshot.approvals).toEqual([]);
    expect(step.effects).toEqual([]);
    expect(step.ignored).toBe('Releaser prepared this release and cannot approve their own release');
    // The review is seen, like any ignored approval: its redelivery is not counted either.
    expect(step.snapshot.seenReviews).toEqual(['1']);
    expect(guard.next(step.snapshot, approveAs('Releaser')).ignored).toMatch(/already counted/);
  });

  it('the releaser reason wins over the unauthorized one', () => {
    const step = guard.next(guard.start(byReleaser).snapshot, { ...approveAs('releaser'), authorized: false });
    expect(step.ignored).toMatch(/prepared this release and cannot approve their own release/);
  });

  it('logins compare case-insensitively and with a trailing [bot] ignored', () => {
    const start = guard.start(byReleaser).snapshot;
    for (const reviewer of ['releaser', 'RELEASER', 'Releaser[bot]', 'github-actions[bot]', 'GitHub-Actions']) {
      const step = guard.next(start, approveAs(reviewer));
      expect(step.snapshot.phase, reviewer).toBe('prepared');
      expect(step.ignored, reviewer).toMatch(/cannot approve their own release/);
    }
    for (const reviewer of ['releaser2', 'actions', 'github-actions[bot]x', 'maintainer']) {
      expect(guard.next(start, approveAs(reviewer)).snapshot.phase, reviewer).toBe('approved');
    }
    expect(normalizeLogin('GitHub-Actions[bot]')).toBe('github-actions');
    expect(normalizeLogin('Dependabot[BOT]')).toBe('dependabot');
    expect(normalizeLogin('robot')).toBe('robot');
    expect(normalizeLogin('a[bot][bot]')).toBe('a[bot]');
  });

  it('a releaser’s approval counts in no phase: not as a second approval, not as a retry', () => {
    const approved = drive(guard, byReleaser, [approveAs('maintainer', 1)]);
    expect(approved.snapshot.phase).toBe('approved');
    const second = guard.next(approved.snapshot, approveAs('releaser', 2));
    expect(second.snapshot.approvals.map((a) => a.reviewer)).toEqual(['maintainer']);
    expect(second.ignored).toMatch(/cannot approve their own release/);
    const failed = apply(guard, approved.snapshot, [
      started(),
      { type: 'RELEASE_FAILED', sha: SHA.a, runId: 100, reason: 'x' },
      { type: 'APPROVAL_DISMISSED', reviewId: 1, reviewer: 'maintainer' },
    ]);
    expect(failed.snapshot.phase).toBe('failed');
    const retry = guard.next(failed.snapshot, approveAs('github-actions[bot]', 3));
    expect(retry.snapshot.phase).toBe('failed');
    expect(retry.effects).toEqual([]);
  });

  it('releasers outlive head changes, closing and reopening', () => {
    const step = drive(guard, byReleaser, [
      headChanged(SHA.b),
      { type: 'CLOSED' },
      { type: 'REOPENED', sha: SHA.c },
      approveAs('releaser', 1, SHA.c),
    ]);
    expect(step.snapshot.pr.releasers).toEqual(['Releaser', 'github-actions']);
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.ignored).toMatch(/cannot approve their own release/);
  });

  it(`start takes up to ${MAX_RELEASERS} releasers`, () => {
    const many = Array.from({ length: MAX_RELEASERS }, (_, i) => `releaser-${i}`);
    expect(guard.start(releasePr({ releasers: many })).snapshot.pr.releasers).toEqual(many);
    expect(() => guard.start(releasePr({ releasers: [...many, 'one-more'] }))).toThrow(/releasers/);
  });
});

describe('a released head whose last approval is dismissed', () => {
  const dismiss = (reviewId: number | string = 1): GuardEvent => ({
    type: 'APPROVAL_DISMISSED',
    reviewId,
    reviewer: `reviewer-${reviewId}`,
  });
  const refused: GuardEvent = {
    type: 'MERGE_REJECTED',
    sha: SHA.a,
    reason: 'not-mergeable',
    message: 'checks pending',
  };
  const WITHDRAWN = { sha: SHA.a, state: 'pending', description: 'approval withdrawn: approve again to merge' };

  it('is locked again: pending "approval withdrawn", still released, no merge', () => {
    const step = apply(guard, drive(guard, pr, [...toReleased(), refused]).snapshot, [dismiss()]);
    expect(step.snapshot.phase).toBe('released');
    expect(step.snapshot.approvals).toEqual([]);
    expect(statuses(step.effects)).toEqual([expect.objectContaining(WITHDRAWN)]);
    expect(types(step.effects)).toEqual(['SET_STATUS', 'COMMENT']);
    expect(step.snapshot.timeline.at(-1)?.note).toBe('Approval withdrawn: head locked until approved again');
    expect(standingStatus(step.snapshot, 'release')).toMatchObject(WITHDRAWN);
  });

  it('dismissing one of two approvals keeps it unlocked', () => {
    const both = drive(guard, pr, [approve(SHA.a, 1), approve(SHA.a, 2), ...toReleased().slice(1)]);
    const step = guard.next(both.snapshot, dismiss(1));
    expect(step.effects).toEqual([]);
    expect(standingStatus(step.snapshot, 'release')?.state).toBe('success');
  });

  it('neither RETRY nor a merge refusal merges it while no approval stands', () => {
    const relocked = apply(guard, drive(guard, pr, [...toReleased(), refused]).snapshot, [dismiss()]).snapshot;
    const retry = guard.next(relocked, { type: 'RETRY' });
    expect(retry.effects).toEqual([]);
    expect(retry.ignored).toMatch(/approve it again/);
    for (const outsider of [approve(SHA.a, 2, false), { ...approve(SHA.a, 2), reviewer: 'releaser' }]) {
      const pinned = { ...relocked, pr: { ...relocked.pr, releasers: ['releaser'] } };
      expect(types(guard.next(pinned, outsider).effects)).not.toContain('MERGE');
    }
  });

  it('a new authorized approval of the same head returns it to released and merges it, without a second release', () => {
    const relocked = apply(guard, drive(guard, pr, [...toReleased(), refused]).snapshot, [dismiss()]).snapshot;
    const step = guard.next(relocked, approve(SHA.a, 2));
    expect(step.snapshot.phase).toBe('released');
    expect(types(step.effects)).toEqual(['SET_STATUS', 'MERGE', 'COMMENT']);
    expect(statuses(step.effects)).toEqual([
      expect.objectContaining({ sha: SHA.a, state: 'success', description: 'Released and verified' }),
    ]);
    expect(step.snapshot.release).toEqual(relocked.release);
    expect(step.snapshot.timeline.at(-1)?.note).toBe('Approved again by reviewer-2; merge requested');
    expect(standingStatus(step.snapshot, 'release')?.state).toBe('success');
  });

  it('a re-approval while the first merge has no answer yet unlocks it but does not merge twice', () => {
    const relocked = apply(guard, drive(guard, pr, toReleased()).snapshot, [dismiss()]).snapshot;
    expect(relocked.merge.state).toBe('requested');
    const step = guard.next(relocked, approve(SHA.a, 2));
    expect(types(step.effects)).toEqual(['SET_STATUS', 'COMMENT']);
    const answer = guard.next(step.snapshot, refused);
    expect(types(guard.next(answer.snapshot, { type: 'RETRY' }).effects)).toEqual(['MERGE']);
  });

  it('regression: APPROVED, RELEASE_SUCCEEDED, APPROVAL_DISMISSED leaves no success standing', () => {
    const plain = createGuard();
    const history = runEvents(plain, pr, [approve(), succeeded(), dismiss()]);
    const last = history.deliveries.at(-1)?.step;
    expect(history.deliveries[1]?.step.snapshot.phase).toBe('released');
    expect(last?.snapshot.phase).toBe('released');
    expect(last && statuses(last.effects)).toEqual([expect.objectContaining({ ...WITHDRAWN, context: 'release' })]);
    expect(checkInvariants(plain, history)).toEqual([]);
  });
});

describe('retry', () => {
  const failed = () =>
    drive(guard, pr, [approve(), started(), { type: 'RELEASE_FAILED', sha: SHA.a, runId: 100, reason: 'x' }]);

  it('RETRY in failed restarts the release while an approval of the head stands', () => {
    const step = guard.next(failed().snapshot, { type: 'RETRY' });
    expect(step.snapshot.phase).toBe('approved');
    expect(types(step.effects)).toContain('START_RELEASE');
  });

  it('RETRY in failed without a standing approval asks for one', () => {
    const noApproval = drive(guard, pr, [approve(), { type: 'APPROVAL_DISMISSED', reviewId: 1, reviewer: 'r' }]);
    expect(noApproval.snapshot.phase).toBe('failed');
    const step = guard.next(noApproval.snapshot, { type: 'RETRY' });
    expect(step.snapshot.phase).toBe('failed');
    expect(step.ignored).toMatch(/approve it again/);
  });

  it('a late failure of the run already recorded does not fail the retried release', () => {
    const retried = guard.next(failed().snapshot, { type: 'RETRY' });
    const late = guard.next(retried.snapshot, { type: 'RELEASE_FAILED', sha: SHA.a, runId: 100, reason: 'x' });
    expect(late.snapshot.phase).toBe('approved');
    expect(late.ignored).toMatch(/already finished/);
  });

  const rerun = (runId = '100.2', rerunOf: string | number = 100): GuardEvent => ({
    type: 'RELEASE_STARTED',
    sha: SHA.a,
    runId,
    rerunOf,
  });

  it('a re-run of the failed release run while an approval stands is a retry: releasing, pending, no alert', () => {
    const step = guard.next(failed().snapshot, rerun());
    expect(step.snapshot.phase).toBe('releasing');
    expect(step.snapshot.release).toEqual({ state: 'running', runId: '100.2' });
    expect(step.snapshot.failure).toBeUndefined();
    expect(types(step.effects)).toEqual(['SET_STATUS', 'COMMENT']);
    expect(statuses(step.effects)[0]).toMatchObject({ state: 'pending', description: 'Release in progress' });
    expect(step.snapshot.timeline.at(-1)?.note).toBe(
      'Release run 100.2 started: a re-run of 100, retrying the release',
    );
    const done = apply(guard, step.snapshot, [succeeded(SHA.a, '100.2'), verified()]);
    expect(done.snapshot.phase).toBe('released');
    expect(types(done.effects)).toContain('MERGE');
  });

  it('a redelivered re-run acts once; a re-run of the re-run retries again once it failed', () => {
    const step = guard.next(failed().snapshot, rerun());
    const again = guard.next(step.snapshot, rerun());
    expect(again.effects).toEqual([]);
    expect(again.snapshot.phase).toBe('releasing');
    const failedAgain = guard.next(again.snapshot, {
      type: 'RELEASE_FAILED',
      sha: SHA.a,
      runId: '100.2',
      reason: 'x',
    });
    expect(failedAgain.snapshot.phase).toBe('failed');
    const late = guard.next(failedAgain.snapshot, rerun());
    expect(late.snapshot.phase).toBe('failed');
    expect(late.effects).toEqual([]);
    expect(guard.next(failedAgain.snapshot, rerun('100.3', '100.2')).snapshot.phase).toBe('releasing');
  });

  it('a re-run without a standing approval, or of another run, never releases and is alerted once', () => {
    const noApproval = drive(guard, pr, [
      approve(),
      started(),
      { type: 'APPROVAL_DISMISSED', reviewId: 1, reviewer: 'r' },
    ]).snapshot;
    expect(noApproval.phase).toBe('failed');
    for (const [snapshot, event] of [
      [noApproval, rerun()],
      [failed().snapshot, rerun('200.2', '200.1')],
      [failed().snapshot, started(SHA.a, '100.2')],
    ] as const) {
      const step = guard.next(snapshot, event);
      expect(step.snapshot.phase).toBe('failed');
      expect(types(step.effects)).toEqual(['ALERT']);
      expect(guard.next(step.snapshot, event).effects).toEqual([]);
      const success = guard.next(
        step.snapshot,
        succeeded(SHA.a, String(event.type === 'RELEASE_STARTED' && event.runId)),
      );
      expect(success.snapshot.phase).toBe('failed');
      expect(success.effects).toEqual([]);
    }
  });

  it('a run alerted as unapproved is taken by a new approval for its release, never twice, and never replaces a run under way', () => {
    const noApproval = drive(guard, pr, [
      approve(),
      started(),
      { type: 'APPROVAL_DISMISSED', reviewId: 1, reviewer: 'r' },
    ]).snapshot;
    const alerted = guard.next(noApproval, rerun()).snapshot;
    expect(alerted.alertedRuns).toContain('100.2');
    const approved = guard.next(alerted, approve(SHA.a, 2));
    expect(approved.snapshot.phase).toBe('approved');
    expect(types(approved.effects)).toContain('START_RELEASE');
    // The executor answers START_RELEASE with the guard's own run of the SHA, alerted or not: no second release.
    const adopted = apply(guard, approved.snapshot, [rerun(), succeeded(SHA.a, '100.2')]);
    expect(adopted.snapshot.release).toEqual({ runId: '100.2', state: 'succeeded' });
    expect(types(adopted.effects)).toContain('VERIFY_ARTIFACTS');
    expect(types(adopted.effects)).not.toContain('START_RELEASE');
    // While another run is the release, the alerted one neither replaces it nor fails it.
    const other = apply(guard, approved.snapshot, [started(SHA.a, '300')]);
    const stale = apply(guard, other.snapshot, [
      rerun(),
      { type: 'RELEASE_FAILED', sha: SHA.a, runId: '100.2', reason: 'x' },
    ]);
    expect(stale.snapshot.phase).toBe('releasing');
    expect(stale.snapshot.release.runId).toBe('300');
    expect(guard.next(other.snapshot, succeeded(SHA.a, '100.2')).ignored).toMatch(
      /100\.2 was alerted as running without an approval: it is not the release under way/,
    );
  });

  it('a re-run of the timed-out release run is a retry too', () => {
    const timedOut = drive(guard, pr, [approve(), started(), { type: 'TIMED_OUT', sha: SHA.a }]).snapshot;
    expect(guard.next(timedOut, rerun()).snapshot.phase).toBe('releasing');
  });

  it('the failed timeline names the paths that exist: a re-run of the release run, or a new approval', () => {
    expect(renderTimeline(failed().snapshot)).toContain(
      '### release-guard: release failed: re-run the release run, or approve again',
    );
  });

  it('after a timeout, the timeline says the run must be cancelled before it can be re-run', () => {
    const timedOut = drive(guard, pr, [approve(), started(), { type: 'TIMED_OUT', sha: SHA.a }]).snapshot;
    expect(renderTimeline(timedOut)).toContain(
      '### release-guard: release timed out: approve again, or cancel the run and re-run it',
    );
    expect(timedOut.timeline.at(-1)?.note).toBe('release timed out');
  });
});

describe('release runs', () => {
  it('RELEASE_STARTED for the head moves approved to releasing', () => {
    const step = drive(guard, pr, [approve(), started()]);
    expect(step.snapshot.phase).toBe('releasing');
    expect(step.snapshot.release).toEqual({ state: 'running', runId: '100' });
  });

  it.each([
    ['prepared', []],
    ['failed', [approve(), { type: 'TIMED_OUT', sha: SHA.a }]],
  ] as const)('a run nobody approved in %s changes nothing and raises ALERT once', (phase, events) => {
    const before = drive(guard, pr, events).snapshot;
    const step = guard.next(before, started(SHA.a, 555));
    expect(step.snapshot.phase).toBe(phase);
    expect(types(step.effects)).toEqual(['ALERT']);
    expect(guard.next(step.snapshot, started(SHA.a, 555)).effects).toEqual([]);
  });

  it('RELEASE_SUCCEEDED asks to verify the required artifacts, never the onMerge ones', () => {
    const step = drive(guard, pr, [approve(), started(), succeeded()]);
    expect(step.snapshot.phase).toBe('releasing');
    expect(step.effects).toEqual([
      {
        type: 'VERIFY_ARTIFACTS',
        sha: SHA.a,
        artifacts: [{ name: 'image', ref: 'ghcr.io/weaveworks/wego-app:v0.29.0' }],
      },
    ]);
  });

  it('once every artifact is verified: released, status success, then MERGE of the head', () => {
    const step = drive(guard, pr, toReleased());
    expect(step.snapshot.phase).toBe('released');
    expect(types(step.effects)).toEqual(['SET_STATUS', 'MERGE', 'COMMENT']);
    expect(step.effects[0]).toMatchObject({ state: 'success', sha: SHA.a });
    expect(step.effects[1]).toEqual({ type: 'MERGE', pr: 3906, sha: SHA.a, method: 'merge', via: 'merge' });
  });

  it('a missed RELEASE_STARTED is tolerated, and without artifacts success releases at once', () => {
    const plain = createGuard({ mergeMethod: 'squash' });
    const step = drive(plain, pr, [approve(), succeeded()]);
    expect(step.snapshot.phase).toBe('released');
    expect(step.effects[1]).toEqual({ type: 'MERGE', pr: 3906, sha: SHA.a, method: 'squash', via: 'merge' });
  });

  it.each([
    [
      'RELEASE_FAILED',
      { type: 'RELEASE_FAILED', sha: SHA.a, runId: 100, reason: 'docker push failed' },
      'run 100 failed: docker push failed',
    ],
    [
      'ARTIFACT_MISSING',
      { type: 'ARTIFACT_MISSING', sha: SHA.a, name: 'image', reason: 'manifest unknown' },
      'artifact image missing: manifest unknown',
    ],
    ['TIMED_OUT', { type: 'TIMED_OUT', sha: SHA.a }, 'release timed out'],
  ] as const)('%s for the head fails the release with the reason in the status', (_, event, reason) => {
    for (const events of [[approve()], [approve(), started()]]) {
      const step = guard.next(drive(guard, pr, events).snapshot, event);
      expect(step.snapshot.phase).toBe('failed');
      expect(step.snapshot.failure).toBe(reason);
      expect(step.effects[0]).toMatchObject({
        type: 'SET_STATUS',
        state: 'failure',
        description: `Release failed: ${reason}`,
      });
    }
  });

  it('TIMED_OUT outside approved and releasing changes nothing', () => {
    for (const events of [[], toReleased()]) {
      const step = guard.next(drive(guard, pr, events).snapshot, { type: 'TIMED_OUT', sha: SHA.a });
      expect(step.effects).toEqual([]);
      expect(step.ignored).toBeDefined();
    }
  });

  it('a status description never exceeds GitHub’s 140 characters', () => {
    const step = drive(guard, pr, [
      approve(),
      { type: 'RELEASE_FAILED', sha: SHA.a, runId: 1, reason: 'x'.repeat(500) },
    ]);
    const failure = statuses(step.effects)[0];
    expect(failure?.description.length).toBe(140);
    expect(failure?.description.endsWith('…')).toBe(true);
  });
});

describe('merging', () => {
  const released = () => drive(guard, pr, toReleased()).snapshot;
  const rejected = (reason: 'head-changed' | 'not-mergeable' | 'forbidden') =>
    guard.next(released(), {
      type: 'MERGE_REJECTED',
      sha: SHA.a,
      reason,
      message: 'Required status check "build" is expected.',
    });

  it('MERGE_REJECTED keeps released and its green status, and records the reason', () => {
    const step = rejected('not-mergeable');
    expect(step.snapshot.phase).toBe('released');
    expect(statuses(step.effects)).toEqual([]);
    expect(step.snapshot.merge).toEqual({
      state: 'rejected',
      rejection: 'not-mergeable: Required status check "build" is expected.',
    });
    expect(types(step.effects)).toEqual(['COMMENT']);
  });

  it('a forbidden merge raises ALERT', () => {
    expect(types(rejected('forbidden').effects)).toEqual(['ALERT', 'COMMENT']);
  });

  it('RETRY after a rejection merges again, once', () => {
    const retry = guard.next(rejected('not-mergeable').snapshot, { type: 'RETRY' });
    expect(retry.effects).toEqual([{ type: 'MERGE', pr: 3906, sha: SHA.a, method: 'merge', via: 'merge' }]);
    const again = guard.next(retry.snapshot, { type: 'RETRY' });
    expect(again.effects).toEqual([]);
    expect(again.ignored).toMatch(/waiting for an answer/);
  });

  it('never a second MERGE while the first has no outcome', () => {
    const step = guard.next(released(), { type: 'RETRY' });
    expect(step.effects).toEqual([]);
  });

  it('after MERGED nothing is emitted, whatever arrives', () => {
    const merged = guard.next(released(), { type: 'MERGED', sha: SHA.a, by: 'release-bot' });
    expect(merged.snapshot.phase).toBe('merged');
    expect(merged.snapshot.violations).toEqual([]);
    for (const event of [
      { type: 'RETRY' },
      approve(SHA.a, 9),
      headChanged(SHA.b),
      { type: 'REOPENED', sha: SHA.a },
    ] as const) {
      const step = guard.next(merged.snapshot, event);
      expect(step.effects).toEqual([]);
      expect(step.snapshot).toBe(merged.snapshot);
    }
  });

  it.each([
    ['prepared', []],
    ['approved', [approve()]],
    ['releasing', [approve(), started()]],
    ['failed', [approve(), { type: 'TIMED_OUT', sha: SHA.a }]],
  ] as const)('a merge from %s bypassed the guard: violation recorded and ALERT', (_, events) => {
    const step = guard.next(drive(guard, pr, events).snapshot, { type: 'MERGED', sha: SHA.a, by: 'releaser' });
    expect(step.snapshot.phase).toBe('merged');
    expect(step.snapshot.violations).toHaveLength(1);
    expect(step.snapshot.violations[0]).toMatch(
      /aaaaaaa was merged by releaser before it was approved, released and verified/,
    );
    expect(types(step.effects)).toEqual(['ALERT', 'COMMENT']);
  });

  it('a merge of an earlier, released SHA after a push is not a violation; of an unreleased one it is', () => {
    const moved = guard.next(released(), headChanged(SHA.b)).snapshot;
    expect(guard.next(moved, { type: 'MERGED', sha: SHA.a, by: 'bot' }).snapshot.violations).toEqual([]);
    expect(guard.next(moved, { type: 'MERGED', sha: SHA.b, by: 'human' }).snapshot.violations).toHaveLength(1);
  });
});

describe('a succeeded release stays succeeded', () => {
  it('another run of the head starting after the success (an earlier cycle’s, or late) and failing changes nothing', () => {
    const step = drive(guard, pr, [
      approve(),
      started(SHA.a, 200),
      succeeded(SHA.a, 200),
      started(SHA.a, 100),
      { type: 'RELEASE_FAILED', sha: SHA.a, runId: 100, reason: 'job failed' },
    ]);
    expect(step.snapshot.phase).toBe('releasing');
    expect(step.snapshot.release).toEqual({ state: 'succeeded', runId: '200' });
    expect(drive(guard, pr, [...toReleased().slice(0, 3), started(SHA.a, 100), verified()]).snapshot.phase).toBe(
      'released',
    );
  });
});

describe('closing', () => {
  it('a merge seen while closed (its reopening lost) is final, and a bypass there is recorded and alerted', () => {
    const closed = drive(guard, pr, [{ type: 'CLOSED' }]).snapshot;
    const bypass = guard.next(closed, { type: 'MERGED', sha: SHA.a, by: 'human' });
    expect(bypass.snapshot.phase).toBe('merged');
    expect(bypass.snapshot.violations).toHaveLength(1);
    expect(types(bypass.effects)).toContain('ALERT');
    const releasedThenClosed = guard.next(drive(guard, pr, toReleased()).snapshot, { type: 'CLOSED' }).snapshot;
    const merged = guard.next(releasedThenClosed, { type: 'MERGED', sha: SHA.a, by: 'human' });
    expect(merged.snapshot.phase).toBe('merged');
    expect(merged.snapshot.violations).toEqual([]);
    expect(types(merged.effects)).not.toContain('ALERT');
  });

  it('CLOSED closes from any live phase; then only REOPENED (or a merge) acts', () => {
    const closed = drive(guard, pr, [approve(), { type: 'CLOSED' }]);
    expect(closed.snapshot.phase).toBe('closed');
    for (const event of [approve(SHA.a, 2), headChanged(SHA.b), { type: 'RETRY' }] as const) {
      const step = guard.next(closed.snapshot, event);
      expect(step.effects).toEqual([]);
      expect(step.ignored).toMatch(/only REOPENED or MERGED acts/);
    }
  });

  it('REOPENED starts afresh: prepared with the head locked, earlier approvals void', () => {
    const step = drive(guard, pr, [approve(), { type: 'CLOSED' }, { type: 'REOPENED', sha: SHA.b }]);
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.snapshot.headSha).toBe(SHA.b);
    expect(step.snapshot.approvals).toEqual([]);
    expect(step.effects[0]).toMatchObject({ type: 'SET_STATUS', state: 'pending', sha: SHA.b });
  });

  it('a reopened non-release PR is skipped afresh', () => {
    const step = drive(guard, releasePr({ headRef: 'main-fix' }), [
      { type: 'CLOSED' },
      { type: 'REOPENED', sha: SHA.c },
    ]);
    expect(step.snapshot.phase).toBe('skipped');
    expect(step.effects).toEqual([
      { type: 'SET_STATUS', sha: SHA.c, state: 'success', description: 'release not required', context: 'release' },
    ]);
  });
});

describe('stale events and the timeline', () => {
  it('events for a SHA that is not the head change nothing and say why', () => {
    const approved = drive(guard, pr, [approve()]).snapshot;
    for (const event of [
      started(SHA.b),
      succeeded(SHA.b),
      verified(SHA.b),
      { type: 'TIMED_OUT', sha: SHA.b },
    ] as const) {
      const step = guard.next(approved, event);
      expect(step.effects).toEqual([]);
      expect(step.snapshot.phase).toBe('approved');
      expect(step.ignored).toMatch(/but the head is aaaaaaa/);
    }
  });

  it('every change of phase updates the timeline comment; a no-op emits nothing', () => {
    const step = drive(guard, pr, toReleased());
    const comments = step.all.filter((e) => e.type === 'COMMENT');
    expect(comments).toHaveLength(4);
    expect(step.snapshot.timeline.map((t) => t.phase)).toEqual(['prepared', 'approved', 'releasing', 'released']);
    expect(guard.next(step.snapshot, succeeded()).effects).toEqual([]);
  });

  it('untrusted text in the timeline comment is inert Markdown', () => {
    const hostile = '<img src=x onerror=alert(1)> [click](https://evil.example) @everyone `code` | cell';
    const step = drive(guard, pr, [
      approve(),
      { type: 'RELEASE_FAILED', sha: SHA.a, runId: 1, reason: hostile, at: '2023-08-02T11:16:18Z' },
    ]);
    const comment = step.effects.find((e) => e.type === 'COMMENT');
    expect(comment?.type === 'COMMENT' && comment.body).toBeTruthy();
    const body = comment?.type === 'COMMENT' ? comment.body : '';
    expect(body).not.toContain('<img');
    expect(body).not.toContain('](');
    expect(body).not.toContain('@everyone');
    expect(body).not.toMatch(/\| cell/);
    expect(body).toContain('2023');
  });
});
