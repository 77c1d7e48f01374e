import { createGuard, type Effect, type Guard, type GuardEvent, STATUS_TEXT, type Step } from '@release-guard/core';
import { checkInvariants, eventSequence, runEvents } from '@release-guard/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approve, drive, headChanged, started, toReleased } from './support/drive.js';
import { releasePr, SEED_CONFIG, SHA, seedGuard } from './support/fixtures.js';

const guard = seedGuard();

/** A guard with one planted bug: `mutate` may rewrite each step. */
function plant(mutate: (step: Step, event: GuardEvent) => Step): Guard {
  return { ...guard, next: (snapshot, event) => mutate(guard.next(snapshot, event), event) };
}

const merge = (sha: string): Effect => ({ type: 'MERGE', pr: 3906, sha, method: 'merge', via: 'merge' });

/** Runs the property over generated histories and returns the invariants it reported broken. */
/** The invariants a planted bug breaks in random histories; the search stops at the first failure. */
function caught(buggy: Guard, numRuns = 500): number[] {
  const broken = new Set<number>();
  const result = fc.check(
    fc.property(eventSequence(), (events) => {
      const violations = checkInvariants(buggy, runEvents(buggy, releasePr(), events));
      for (const v of violations) broken.add(v.invariant);
      return violations.length === 0;
    }),
    { numRuns },
  );
  expect(result.failed).toBe(true);
  return [...broken];
}

describe('the invariant checker catches planted bugs', () => {
  it('the real guard passes (control)', () => {
    const history = runEvents(guard, releasePr(), [...toReleased(), { type: 'MERGED', sha: SHA.a, by: 'bot' }]);
    expect(checkInvariants(guard, history)).toEqual([]);
  });

  it('a guard that merges on RELEASE_STARTED breaks invariant 1', () => {
    const buggy = plant((step, event) =>
      event.type === 'RELEASE_STARTED' && step.snapshot.phase === 'releasing'
        ? { ...step, effects: [...step.effects, merge(event.sha)] }
        : step,
    );
    expect(caught(buggy)).toContain(1);
    const history = runEvents(buggy, releasePr(), [approve(), started()]);
    expect(checkInvariants(buggy, history)).toContainEqual(expect.objectContaining({ invariant: 1, index: 1 }));
  });

  it('a guard that turns the status green on approval breaks invariant 2', () => {
    const buggy = plant((step, event) =>
      event.type === 'APPROVED' && step.effects.some((e) => e.type === 'START_RELEASE')
        ? {
            ...step,
            effects: [
              ...step.effects,
              { type: 'SET_STATUS', sha: event.sha, state: 'success', description: 'ok', context: 'release' },
            ],
          }
        : step,
    );
    expect(caught(buggy)).toContain(2);
  });

  it('a guard that leaves success standing after the last approval is dismissed breaks invariant 2', () => {
    // Nothing it writes is wrong: the check judges the status that stands on the head after each event.
    const buggy = plant((step, event) =>
      event.type === 'APPROVAL_DISMISSED' && step.snapshot.phase === 'released'
        ? { ...step, effects: step.effects.filter((e) => e.type !== 'SET_STATUS') }
        : step,
    );
    // Few random histories release and then dismiss the last approval: search longer for one.
    expect(caught(buggy, 5000)).toContain(2);
    const dismissed: GuardEvent = { type: 'APPROVAL_DISMISSED', reviewId: 1, reviewer: 'reviewer-1' };
    const history = runEvents(buggy, releasePr(), [...toReleased(), dismissed]);
    expect(checkInvariants(buggy, history, { only: [2] })).toContainEqual({
      invariant: 2,
      index: 4,
      message: `success stands on ${SHA.a} although it is not approved, released and verified`,
    });
  });

  it('a guard that gives a released head the non-release verdict breaks invariant 2', () => {
    const buggy = plant((step) => ({
      ...step,
      effects: step.effects.map((e) =>
        e.type === 'SET_STATUS' && e.state === 'success' ? { ...e, description: STATUS_TEXT.notRequired } : e,
      ),
    }));
    const history = runEvents(buggy, releasePr(), toReleased());
    expect(checkInvariants(buggy, history, { only: [2] })).toEqual([
      {
        invariant: 2,
        index: 3,
        message: `the non-release verdict "release not required" stands on the release head ${SHA.a}`,
      },
    ]);
  });

  it('a snapshot whose standingStatus disagrees with the status that stands breaks invariant 2', () => {
    // reconcile re-asserts standingStatus: a snapshot claiming less than what was written would be "repaired" wrongly.
    const buggy = plant((step, event) =>
      event.type === 'APPROVED' && step.snapshot.phase === 'approved'
        ? { ...step, snapshot: { ...step.snapshot, phase: 'failed', failure: 'claimed' } }
        : step,
    );
    const history = runEvents(buggy, releasePr(), [approve()]);
    expect(checkInvariants(buggy, history, { only: [2] })).toContainEqual(
      expect.objectContaining({ invariant: 2, index: 0, message: expect.stringMatching(/implies failure/) }),
    );
  });

  it('a guard that forgets to lock a new head breaks invariant 3', () => {
    const buggy = plant((step, event) =>
      event.type === 'HEAD_CHANGED' ? { ...step, effects: step.effects.filter((e) => e.type !== 'SET_STATUS') } : step,
    );
    expect(caught(buggy)).toContain(3);
  });

  it('a guard that starts a release again on a redelivered approval breaks invariant 4', () => {
    const buggy = plant((step, event) =>
      event.type === 'APPROVED' && step.ignored?.includes('already counted')
        ? { ...step, effects: [{ type: 'START_RELEASE', sha: event.sha }], ignored: undefined }
        : step,
    );
    expect(caught(buggy)).toContain(4);
  });

  it('a guard that acts on a stale event breaks invariant 5', () => {
    const buggy = plant((step, event) =>
      event.type === 'RELEASE_SUCCEEDED' && step.ignored?.includes('but the head is')
        ? { ...step, effects: [{ type: 'COMMENT', pr: 3906, body: 'stale' }], ignored: undefined }
        : step,
    );
    expect(caught(buggy)).toContain(5);
  });

  it('a guard stuck in failed breaks invariant 6', () => {
    const buggy = plant((step, event) => {
      if (step.snapshot.phase !== 'approved' || event.type === 'HEAD_CHANGED') return step;
      return { snapshot: { ...step.snapshot, phase: 'failed', failure: 'stuck' }, effects: [] };
    });
    const history = runEvents(buggy, releasePr(), [approve()]);
    expect(checkInvariants(buggy, history, { only: [6] })).toContainEqual(expect.objectContaining({ invariant: 6 }));
  });

  it('a guard that merges twice breaks invariant 7', () => {
    const buggy = plant((step) =>
      step.effects.some((e) => e.type === 'MERGE')
        ? { ...step, effects: [...step.effects, merge(step.snapshot.headSha)] }
        : step,
    );
    expect(caught(buggy)).toContain(7);
  });

  it('a snapshot that does not survive serialization breaks invariant 8', () => {
    const buggy = plant((step) => ({ ...step, snapshot: { ...step.snapshot, epoch: 0 } }));
    const history = runEvents(buggy, releasePr(), [approve()]);
    expect(checkInvariants(buggy, history, { only: [8] })).toContainEqual(
      expect.objectContaining({ invariant: 8, message: expect.stringMatching(/snapshot\.epoch/) }),
    );
  });

  it('a guard that does not record a bypassing merge breaks invariant 9', () => {
    const buggy = plant((step, event) =>
      event.type === 'MERGED'
        ? { snapshot: { ...step.snapshot, violations: [] }, effects: step.effects.filter((e) => e.type !== 'ALERT') }
        : step,
    );
    expect(caught(buggy)).toContain(9);
  });

  describe('recognition', () => {
    const protecting = createGuard({ ...SEED_CONFIG, preset: 'release-please', protectedPaths: ['CHANGELOG.md'] });
    const plantIn = (mutate: (step: Step, event: GuardEvent) => Step): Guard => ({
      ...protecting,
      next: (snapshot, event) => mutate(protecting.next(snapshot, event), event),
    });
    const feature = releasePr({
      headRef: 'feature/x',
      version: undefined,
      files: [{ path: 'src/a.ts' }],
      filesComplete: true,
    });
    const touching: GuardEvent = {
      type: 'HEAD_CHANGED',
      sha: SHA.b,
      files: [{ path: 'CHANGELOG.md' }],
      filesComplete: true,
    };
    const release = releasePr({
      headRef: 'release-please--branches--main',
      title: 'chore(main): release 0.29.0',
      version: undefined,
    });

    it('the real guard passes (control)', () => {
      const events: GuardEvent[] = [touching, { type: 'MERGED', sha: SHA.b, by: 'someone' }];
      expect(checkInvariants(protecting, runEvents(protecting, feature, events))).toEqual([]);
      const edited: GuardEvent = { type: 'HEAD_CHANGED', sha: SHA.a, title: 'chore(main): release 0.30.0' };
      expect(
        checkInvariants(protecting, runEvents(protecting, release, [approve(), edited, approve(SHA.a, 2)])),
      ).toEqual([]);
    });

    it('a guard that keeps "release not required" on a head that changes a protected path breaks invariants 2 and 10', () => {
      const buggy = plantIn((step) => ({
        ...step,
        effects: step.effects.map((e) =>
          e.type === 'SET_STATUS' && e.state === 'failure'
            ? { ...e, state: 'success', description: STATUS_TEXT.notRequired }
            : e,
        ),
      }));
      const invariants = checkInvariants(buggy, runEvents(buggy, feature, [touching])).map((v) => v.invariant);
      expect(invariants).toContain(10);
      expect(invariants).toContain(2);
      expect(checkInvariants(buggy, runEvents(buggy, feature, [touching]), { only: [10] })).toEqual([
        {
          invariant: 10,
          index: 0,
          message: `success status on ${SHA.b}, which changes protected paths and is not a cleared release`,
        },
        {
          invariant: 10,
          index: 0,
          message: `success stands on ${SHA.b}, which changes protected paths and is not a cleared release`,
        },
      ]);
    });

    it('a guard that does not record the merge of a protected pull request breaks invariant 9', () => {
      const buggy = plantIn((step, event) =>
        event.type === 'MERGED' ? { snapshot: { ...step.snapshot, violations: [] }, effects: [] } : step,
      );
      const history = runEvents(buggy, feature, [touching, { type: 'MERGED', sha: SHA.b, by: 'someone' }]);
      expect(checkInvariants(buggy, history, { only: [9] })).toContainEqual(
        expect.objectContaining({ invariant: 9, index: 1 }),
      );
    });

    it('a guard that keeps the approval of the earlier version breaks invariant 3', () => {
      // It ignores edits: the approval of 0.29.0 stands for 0.30.0.
      const ignoring: Guard = {
        ...protecting,
        next: (snapshot, event) =>
          event.type === 'HEAD_CHANGED' && event.sha === snapshot.headSha
            ? { snapshot, effects: [] }
            : protecting.next(snapshot, event),
      };
      const edited: GuardEvent = { type: 'HEAD_CHANGED', sha: SHA.a, title: 'chore(main): release 0.30.0' };
      expect(
        checkInvariants(ignoring, runEvents(ignoring, release, [approve(), edited]), { only: [3] }),
      ).toContainEqual(
        expect.objectContaining({ invariant: 3, index: 1, message: expect.stringMatching(/was not locked first/) }),
      );
    });
  });

  it('a guard that forgets the releasers breaks invariant 3: their approval started a release', () => {
    const forgetful: Guard = {
      ...guard,
      next: (snapshot, event) => {
        const { releasers: _forgotten, ...pr } = snapshot.pr;
        return guard.next({ ...snapshot, pr }, event);
      },
    };
    const pr = releasePr({ releasers: ['Reviewer-1'] });
    expect(checkInvariants(guard, runEvents(guard, pr, [approve()]))).toEqual([]);
    expect(checkInvariants(forgetful, runEvents(forgetful, pr, [approve()]))).toContainEqual(
      expect.objectContaining({ invariant: 3, index: 0 }),
    );
  });

  it('the model is computed from events, not from the snapshot’s own flags', () => {
    // The buggy guard claims in its snapshot that the head was released, then merges it.
    const buggy = plant((step, event) =>
      event.type === 'APPROVED' && step.snapshot.phase === 'approved'
        ? {
            snapshot: { ...step.snapshot, releasedShas: [event.sha], release: { state: 'succeeded' } },
            effects: [merge(event.sha)],
          }
        : step,
    );
    const history = runEvents(buggy, releasePr(), [approve()]);
    expect(checkInvariants(buggy, history, { only: [1] })).toHaveLength(1);
  });

  it('a history where the head moved and came back still counts approvals per epoch', () => {
    const events = [approve(), headChanged(SHA.b), headChanged(SHA.a), ...toReleased().slice(1)];
    const step = drive(guard, releasePr(), events);
    expect(step.all.some((e) => e.type === 'MERGE')).toBe(false);
    expect(checkInvariants(guard, runEvents(guard, releasePr(), events))).toEqual([]);
  });
});

describe('the invariant checker knows the merge queue', () => {
  const queued = releasePr({ mergeQueue: true });
  const group: GuardEvent = { type: 'MERGE_GROUP', sha: SHA.a, groupSha: 'f'.repeat(40) };
  const enqueued: GuardEvent = { type: 'ENQUEUED', sha: SHA.a };
  const dismissed: GuardEvent = { type: 'APPROVAL_DISMISSED', reviewId: 1, reviewer: 'reviewer-1' };
  const dequeued: GuardEvent = { type: 'DEQUEUED', sha: SHA.a, reason: 'a merge conflict' };
  const broken = (buggy: Guard, events: readonly GuardEvent[]) =>
    checkInvariants(buggy, runEvents(buggy, queued, events)).map((v) => v.invariant);

  it('the real guard passes (control)', () => {
    const events = [...toReleased(), enqueued, group, dequeued, enqueued, dismissed, dequeued];
    expect(checkInvariants(guard, runEvents(guard, queued, events))).toEqual([]);
  });

  it('a guard that keeps a queued release in the queue when its last approval goes breaks invariant 1', () => {
    const buggy = plant((step) => ({ ...step, effects: step.effects.filter((e) => e.type !== 'DEQUEUE') }));
    expect(broken(buggy, [...toReleased(), enqueued, dismissed])).toContain(1);
  });

  it('a guard that passes every merge group breaks invariant 2', () => {
    const buggy = plant((step, event) => ({
      ...step,
      effects: step.effects.map((e) =>
        event.type === 'MERGE_GROUP' && e.type === 'SET_STATUS' ? { ...e, state: 'success' as const } : e,
      ),
    }));
    expect(broken(buggy, [approve(), group])).toContain(2);
  });

  it('a guard that merges directly, or enqueues while queued or without end, breaks invariant 7', () => {
    const direct = plant((step) => ({
      ...step,
      effects: step.effects.map((e) => (e.type === 'MERGE' ? { ...e, via: 'merge' as const } : e)),
    }));
    expect(broken(direct, toReleased())).toContain(7);
    const twice = plant((step, event) =>
      event.type === 'MERGE_GROUP' ? { ...step, effects: [...step.effects, { ...merge(SHA.a), via: 'queue' }] } : step,
    );
    expect(broken(twice, [...toReleased(), enqueued, group])).toContain(7);
    const endless = plant((step, event) =>
      event.type === 'DEQUEUED' && !step.effects.some((e) => e.type === 'MERGE')
        ? { ...step, effects: [...step.effects, { ...merge(SHA.a), via: 'queue' }] }
        : step,
    );
    const leaves = [enqueued, dequeued, enqueued, dequeued, enqueued, dequeued];
    expect(broken(endless, [...toReleased(), ...leaves])).toContain(7);
  });
});
