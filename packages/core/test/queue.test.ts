import {
  createGuard,
  type Effect,
  type GuardEvent,
  GuardEventError,
  type GuardFacts,
  parseEvent,
  type SetStatusEffect,
  STATUS_TEXT,
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
import { issue, issuesOf, releasePr, SEED_CONFIG, SHA, seedGuard } from './support/fixtures.js';

const guard = seedGuard();
const queued = releasePr({ mergeQueue: true });
/** A release-please release pull request, whose version an edited title changes, on a queued base. */
const please = createGuard({ ...SEED_CONFIG, preset: 'release-please' });
const pleasePr = releasePr({
  headRef: 'release-please--branches--main',
  title: 'chore(main): release 0.29.0',
  version: undefined,
  mergeQueue: true,
});
const GROUP = 'f'.repeat(40);
const GROUP2 = `${'f'.repeat(39)}0`;

const enqueued = (sha: string = SHA.a): GuardEvent => ({ type: 'ENQUEUED', sha });
const dequeued = (sha: string = SHA.a, reason = 'the required check release failed'): GuardEvent => ({
  type: 'DEQUEUED',
  sha,
  reason,
});
const group = (sha: string = SHA.a, groupSha = GROUP): GuardEvent => ({ type: 'MERGE_GROUP', sha, groupSha });
const dismissed = (reviewId: number | string = 1): GuardEvent => ({
  type: 'APPROVAL_DISMISSED',
  reviewId,
  reviewer: `reviewer-${reviewId}`,
});
const merges = (effects: readonly Effect[]) => effects.filter((e) => e.type === 'MERGE');
const statusOn = (sha: string, effects: readonly Effect[]) =>
  effects.filter((e): e is SetStatusEffect => e.type === 'SET_STATUS' && e.sha === sha);

/** Every invariant holds along `events` from the start of `pr`. */
const expectInvariants = (events: readonly GuardEvent[], pr = queued) =>
  expect(checkInvariants(guard, runEvents(guard, pr, events))).toEqual([]);

describe('the merge queue: facts and events', () => {
  it('guard.start and reconcile accept mergeQueue and queued, and reject them when they are not booleans', () => {
    expect(guard.start(releasePr({ mergeQueue: true, queued: false })).snapshot.pr.mergeQueue).toBe(true);
    expect(guard.start(releasePr()).snapshot.pr.mergeQueue).toBeUndefined();
    const bad = { ...releasePr(), mergeQueue: 'yes', queued: 1 } as never;
    expect(issuesOf(GuardEventError, () => guard.start(bad))).toEqual([
      issue('mergeQueue', 'expected true or false', 'the string "yes"'),
      issue('queued', 'expected true or false', 'the number 1'),
    ]);
    expect(
      issuesOf(GuardEventError, () =>
        guard.reconcile(undefined, { pr: { ...(bad as object), state: 'open' } as never }),
      ),
    ).toEqual([
      issue('facts.pr.mergeQueue', 'expected true or false'),
      issue('facts.pr.queued', 'expected true or false'),
    ]);
  });
});

describe('a release PR on a base branch that requires a merge queue', () => {
  it('is enqueued, not merged, once cleared: MERGE via queue', () => {
    const step = drive(guard, queued, toReleased());
    expect(step.snapshot.phase).toBe('released');
    expect(merges(step.effects)).toEqual([{ type: 'MERGE', pr: 3906, sha: SHA.a, method: 'merge', via: 'queue' }]);
    expect(step.snapshot.merge).toEqual({ state: 'requested', enqueues: 1 });
    expect(merges(drive(guard, releasePr(), toReleased()).effects)).toMatchObject([{ via: 'merge' }]);
  });

  it('a direct merge refused because of the queue: learns it and enqueues at once', () => {
    const events: GuardEvent[] = [
      ...toReleased(),
      {
        type: 'MERGE_REJECTED',
        sha: SHA.a,
        reason: 'merge-queue',
        message: 'Changes must be made through the merge queue',
      },
    ];
    const step = drive(guard, releasePr(), events);
    expect(merges(step.effects)).toEqual([{ type: 'MERGE', pr: 3906, sha: SHA.a, method: 'merge', via: 'queue' }]);
    expect(step.snapshot.pr.mergeQueue).toBe(true);
    expect(step.snapshot.merge.state).toBe('requested');
    // A redelivered refusal does not answer the enqueue: no loop of enqueues.
    const again = guard.next(step.snapshot, events.at(-1) as GuardEvent);
    expect(again.ignored).toBe('the guard already merges through the merge queue');
    expectInvariants([...events, events.at(-1) as GuardEvent], releasePr());
  });

  it('while queued: no further MERGE, and RETRY or a duplicate entry say why', () => {
    const step = drive(guard, queued, [...toReleased(), enqueued()]);
    expect(step.snapshot.merge.state).toBe('queued');
    expect(types(step.effects)).toEqual(['COMMENT']);
    expect(guard.next(step.snapshot, enqueued()).ignored).toBe('the pull request already stands in the merge queue');
    expect(guard.next(step.snapshot, { type: 'RETRY' }).ignored).toBe('the pull request stands in the merge queue');
    expect(guard.next(step.snapshot, enqueued(SHA.b)).ignored).toMatch(/is for bbbbbbb but the head is aaaaaaa/);
  });

  it('an entry of a head that is not cleared is ignored: the queue check fails it', () => {
    const step = drive(guard, queued, [approve(), enqueued()]);
    expect(step.ignored).toBe(
      "aaaaaaa is not approved, released and verified: the merge queue's required check fails it",
    );
    expect(step.snapshot.merge.state).toBe('none');
  });

  it('a group of the cleared head succeeds on the group commit; a redelivery writes nothing', () => {
    const step = drive(guard, queued, [...toReleased(), enqueued(), group()]);
    expect(step.effects).toEqual([
      { type: 'SET_STATUS', sha: GROUP, state: 'success', description: STATUS_TEXT.released, context: 'release' },
    ]);
    expect(step.snapshot.groups).toEqual([GROUP]);
    expect(guard.next(step.snapshot, group()).ignored).toBe('merge group fffffff already has its verdict');
    // A group without ENQUEUED delivered first: it stands in the queue all the same.
    expect(drive(guard, queued, [...toReleased(), group()]).snapshot.merge.state).toBe('queued');
  });

  it('a group of a head that is not cleared fails with an alert; a stale group fails with its reason', () => {
    const early = drive(guard, queued, [approve(), group()]);
    expect(statusOn(GROUP, early.effects)).toMatchObject([
      { state: 'failure', description: STATUS_TEXT.groupUncleared },
    ]);
    expect(types(early.effects)).toEqual(['SET_STATUS', 'ALERT', 'COMMENT']);
    const stale = drive(guard, queued, [...toReleased(), group(SHA.b)]);
    expect(stale.effects).toEqual([
      { type: 'SET_STATUS', sha: GROUP, state: 'failure', description: STATUS_TEXT.staleGroup, context: 'release' },
    ]);
    const relocked = drive(guard, queued, [...toReleased(), enqueued(), dismissed(), group()]);
    expect(statusOn(GROUP, relocked.effects)).toMatchObject([{ state: 'failure' }]);
  });

  it('a group of a PR that is not a release gets the verdict of its head', () => {
    const feature = releasePr({ headRef: 'feature/x', mergeQueue: true });
    expect(statusOn(GROUP, drive(guard, feature, [group()]).effects)).toMatchObject([
      { state: 'success', description: STATUS_TEXT.notRequired },
    ]);
    const fork = releasePr({ fromFork: true });
    expect(statusOn(GROUP, drive(guard, fork, [group()]).effects)).toMatchObject([{ state: 'failure' }]);
    expect(statusOn(GROUP, drive(guard, feature, [group(SHA.b)]).effects)).toMatchObject([
      { state: 'failure', description: STATUS_TEXT.staleGroup },
    ]);
  });

  it('left the queue: enqueued again, three times in all for one head, then alerted', () => {
    const events = [...toReleased(), enqueued(), dequeued(), enqueued(), dequeued(), enqueued()];
    const twice = drive(guard, queued, events);
    expect(merges(twice.all)).toHaveLength(3);
    expect(twice.snapshot.merge).toEqual({ state: 'queued', enqueues: 3 });
    const third = guard.next(twice.snapshot, dequeued(SHA.a, 'a merge conflict'));
    expect(types(third.effects)).toEqual(['ALERT', 'COMMENT']);
    const alert = third.effects.find((e) => e.type === 'ALERT');
    expect(alert).toMatchObject({
      reason: expect.stringMatching(/left the merge queue 3 times \(last: a merge conflict\).*RETRY/),
    });
    expect(third.snapshot.merge.state).toBe('rejected');
    // RETRY enqueues it again; a new head counts from nothing.
    expect(merges(guard.next(third.snapshot, { type: 'RETRY' }).effects)).toMatchObject([{ via: 'queue' }]);
    const moved = apply(guard, third.snapshot, [
      headChanged(SHA.b),
      approve(SHA.b, 9),
      started(SHA.b, 200),
      succeeded(SHA.b, 200),
      verified(SHA.b),
    ]);
    expect(moved.snapshot.merge).toEqual({ state: 'requested', enqueues: 1 });
    expectInvariants([...events, dequeued(), { type: 'RETRY' }, dequeued(), { type: 'RETRY' }]);
  });

  it('the last approval of a queued release withdrawn: relocked and DEQUEUE', () => {
    const step = drive(guard, queued, [...toReleased(), enqueued(), dismissed()]);
    expect(step.effects.slice(0, 2)).toEqual([
      { type: 'SET_STATUS', sha: SHA.a, state: 'pending', description: STATUS_TEXT.withdrawn, context: 'release' },
      { type: 'DEQUEUE', pr: 3906, sha: SHA.a },
    ]);
    expect(standingStatus(step.snapshot, 'release')?.state).toBe('pending');
    // Approved again before it left: unlocked, not enqueued twice; once out, enqueued again.
    const back = guard.next(step.snapshot, approve(SHA.a, 2));
    expect(merges(back.effects)).toEqual([]);
    const out = guard.next(back.snapshot, dequeued(SHA.a, 'removed by release-guard'));
    expect(merges(out.effects)).toMatchObject([{ via: 'queue' }]);
    // Without an approval, leaving the queue is only recorded; a new approval enqueues it.
    const left = guard.next(step.snapshot, dequeued());
    expect(merges(left.effects)).toEqual([]);
    expect(merges(guard.next(left.snapshot, approve(SHA.a, 3)).effects)).toMatchObject([{ via: 'queue' }]);
  });

  it('a version edit of a queued release takes it out of the queue, after locking it', () => {
    const step = drive(please, pleasePr, [...toReleased(), enqueued()]);
    expect(step.snapshot.merge.state).toBe('queued');
    const edited = please.next(step.snapshot, {
      type: 'HEAD_CHANGED',
      sha: SHA.a,
      title: 'chore(main): release 0.30.0',
    });
    expect(edited.snapshot.phase).toBe('prepared');
    expect(types(edited.effects)).toEqual(['SET_STATUS', 'DEQUEUE', 'COMMENT']);
  });

  it("the queue's merge of the released SHA is the guard's own; of another SHA, a bypass", () => {
    const own = drive(guard, queued, [
      ...toReleased(),
      enqueued(),
      group(),
      { type: 'MERGED', sha: SHA.a, by: 'github-merge-queue[bot]' },
    ]);
    expect(own.snapshot.phase).toBe('merged');
    expect(own.snapshot.violations).toEqual([]);
    expect(types(own.effects)).not.toContain('ALERT');
    const bypass = drive(guard, queued, [approve(), { type: 'MERGED', sha: SHA.a, by: 'github-merge-queue[bot]' }]);
    expect(bypass.snapshot.violations).toHaveLength(1);
    expect(types(bypass.effects)).toContain('ALERT');
  });

  it('parseEvent checks the queue events', () => {
    expect(parseEvent({ type: 'MERGE_GROUP', sha: SHA.a, groupSha: GROUP2 })).toEqual(group(SHA.a, GROUP2));
    expect(() => parseEvent({ type: 'MERGE_GROUP', sha: SHA.a })).toThrow(/groupSha/);
    expect(() => parseEvent({ type: 'DEQUEUED', sha: SHA.a })).toThrow(/reason/);
    expect(() => parseEvent({ type: 'ENQUEUED', sha: 'nope' })).toThrow(/sha/);
  });
});

describe('reconcile with the merge queue facts', () => {
  const approval = { reviewId: 1, reviewer: 'reviewer-1', sha: SHA.a, authorized: true };
  const image = {
    name: 'image',
    sha: SHA.a,
    digest: 'sha256:a0d23c6429357d2bc037470acbe347e40bd0ee738cbe4b328656cead3330e394',
  };
  const facts = (pr: Partial<GuardFacts['pr']> = {}): GuardFacts => ({
    pr: { ...queued, state: 'open', ...pr },
    approvals: [approval],
    releaseRuns: [{ runId: 100, sha: SHA.a, conclusion: 'success' }],
    artifacts: [image],
  });

  it('a cleared head that stands queued is queued: no MERGE', () => {
    const step = guard.reconcile(undefined, facts({ queued: true }));
    expect(step.snapshot.phase).toBe('released');
    expect(step.snapshot.merge.state).toBe('queued');
    expect(types(step.effects)).not.toContain('MERGE');
  });

  it('a cleared head not queued on a base that requires the queue is enqueued', () => {
    const step = guard.reconcile(undefined, facts({ queued: false }));
    expect(merges(step.effects)).toEqual([{ type: 'MERGE', pr: 3906, sha: SHA.a, method: 'merge', via: 'queue' }]);
    // A stored queued snapshot that GitHub shows out of the queue enters it again.
    const stored = drive(guard, queued, [...toReleased(), enqueued()]).snapshot;
    const again = guard.reconcile(stored, facts({ queued: false }));
    expect(merges(again.effects)).toMatchObject([{ via: 'queue' }]);
    expect(again.snapshot.merge).toEqual({ state: 'requested', enqueues: 2 });
    // GitHub's word on the queue wins over what the guard learnt.
    expect(guard.reconcile(stored, facts({ mergeQueue: false })).snapshot.pr.mergeQueue).toBe(false);
  });

  it('a head alerted after its third exit from the queue is not enqueued again by a rebuild, only by RETRY', () => {
    const events = [...toReleased(), enqueued(), dequeued(), enqueued(), dequeued(), enqueued(), dequeued()];
    const alerted = drive(guard, queued, events).snapshot;
    expect(alerted.merge).toMatchObject({ state: 'rejected', enqueues: 3 });
    const sweep = guard.reconcile(alerted, facts({ queued: false }));
    expect(merges(sweep.effects)).toEqual([]);
    expect(merges(guard.next(sweep.snapshot, { type: 'RETRY' }).effects)).toMatchObject([{ via: 'queue' }]);
  });

  it('a refused enqueue makes no entry: the next sweep enqueues the head, within the three entries', () => {
    const refused: GuardEvent = {
      type: 'MERGE_REJECTED',
      sha: SHA.a,
      reason: 'not-mergeable',
      message: 'Server Error',
    };
    const events = [...toReleased(), enqueued(), dequeued(), enqueued(), dequeued(), refused];
    const rejected = drive(guard, queued, events).snapshot;
    expect(rejected.merge).toMatchObject({ state: 'rejected', enqueues: 2 });
    const sweep = guard.reconcile(rejected, facts({ queued: false }));
    expect(merges(sweep.effects)).toMatchObject([{ via: 'queue' }]);
    expect(sweep.snapshot.merge).toEqual({ state: 'requested', enqueues: 3 });
    expectInvariants([...events, { type: 'RETRY' }, enqueued(), dequeued()]);
  });

  it('a released head locked again that still stands queued is taken out of the queue', () => {
    const stored = drive(guard, queued, [...toReleased(), enqueued()]).snapshot;
    const withdrawn = guard.reconcile(stored, { ...facts({ queued: true }), approvals: [] });
    expect(types(withdrawn.effects)).toContain('DEQUEUE');
    expect(withdrawn.snapshot.approvals).toEqual([]);
    const relocked = drive(guard, queued, [...toReleased(), dismissed()]).snapshot;
    const sweep = guard.reconcile(relocked, { ...facts({ queued: true }), approvals: [] });
    expect(types(sweep.effects)).toContain('DEQUEUE');
    expect(types(guard.reconcile(relocked, { ...facts({ queued: false }), approvals: [] }).effects)).not.toContain(
      'DEQUEUE',
    );
  });

  it('a release head not cleared that GitHub shows queued is taken out, whatever the snapshot knew', () => {
    // The record lost (tampered with): rebuilt from the facts, the withdrawn release is not cleared.
    const rebuilt = guard.reconcile(undefined, { ...facts({ queued: true }), approvals: [] });
    expect(rebuilt.snapshot.phase).not.toBe('released');
    expect(types(rebuilt.effects)).toContain('DEQUEUE');
    // A head never released that someone queued.
    const prepared = guard.reconcile(undefined, { pr: { ...queued, state: 'open', queued: true } });
    expect(types(prepared.effects)).toContain('DEQUEUE');
    // A version edit of a queued release, applied from the facts.
    const stored = drive(please, pleasePr, [...toReleased(), enqueued()]).snapshot;
    const edited = please.reconcile(stored, {
      ...facts({ ...pleasePr, title: 'chore(main): release 0.30.0', queued: true }),
      artifacts: [],
    });
    expect(edited.snapshot.phase).toBe('prepared');
    expect(types(edited.effects)).toContain('DEQUEUE');
  });

  it('an approved head queued before it is cleared is left to its release: no DEQUEUE', () => {
    // A racing run queued it; this run's facts show the release succeeded, its image not yet verified.
    const step = guard.reconcile(undefined, { ...facts({ queued: true }), artifacts: [] });
    expect(step.snapshot.phase).toBe('releasing');
    expect(types(step.effects)).toEqual(expect.arrayContaining(['VERIFY_ARTIFACTS']));
    expect(types(step.effects)).not.toContain('DEQUEUE');
  });

  it('an approval given again by its reviewer keeps a queued release in the queue', () => {
    const stored = drive(guard, queued, [...toReleased(), enqueued()]).snapshot;
    const again = { ...approval, reviewId: 2 };
    const step = guard.reconcile(stored, { ...facts({ queued: true }), approvals: [again] });
    expect(step.snapshot).toMatchObject({ phase: 'released', merge: { state: 'queued' } });
    expect(types(step.effects)).not.toContain('DEQUEUE');
    expect(types(guard.reconcile(stored, facts({ queued: true })).effects)).not.toContain('DEQUEUE');
  });
});
