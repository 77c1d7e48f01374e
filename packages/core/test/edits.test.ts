import { createGuard, type GuardEvent, type PullRequest, STATUS_TEXT, standingStatus } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { approve, drive, started, succeeded, types, verified } from './support/drive.js';
import { releasePr, SHA } from './support/fixtures.js';

/** release-please's release pull request of 1.2.0, an image verified before unlock. */
const guard = createGuard({
  preset: 'release-please',
  artifacts: [{ name: 'image', ref: 'ghcr.io/acme/app:{version}' }],
});
const pr: PullRequest = releasePr({
  headRef: 'release-please--branches--main',
  title: 'chore(main): release 1.2.0',
  version: undefined,
  versions: undefined,
});
/** The title edited on GitHub: a HEAD_CHANGED of the head itself, with the new title. */
const retitled = (title: string, sha = SHA.a): GuardEvent => ({ type: 'HEAD_CHANGED', sha, title });

describe('an edit that changes the version locks the head again, as a push does', () => {
  it.each([
    ['prepared', []],
    ['approved', [approve()]],
    ['released', [approve(), started(), succeeded(), verified()]],
    ['failed', [approve(), started(), { type: 'RELEASE_FAILED', sha: SHA.a, runId: 100, reason: 'boom' }]],
  ] as const)('from %s: prepared, locked first, approvals void', (phase, events) => {
    const before = drive(guard, pr, events);
    expect(before.snapshot.phase).toBe(phase);
    const step = guard.next(before.snapshot, retitled('chore(main): release 1.3.0'));
    expect(step.snapshot).toMatchObject({ phase: 'prepared', headSha: SHA.a, approvals: [], pr: { version: '1.3.0' } });
    expect(step.snapshot.epoch).toBe(before.snapshot.epoch + 1);
    expect(step.effects[0]).toEqual({
      type: 'SET_STATUS',
      sha: SHA.a,
      state: 'pending',
      description: STATUS_TEXT.locked,
      context: 'release',
    });
    expect(types(step.effects)).not.toContain('MERGE');
    expect(step.snapshot.timeline.at(-1)?.note).toBe('Version 1.3.0; head locked again');
  });

  it('an approval of the earlier version never counts again; a new one releases the new version', () => {
    const edited = guard.next(drive(guard, pr, [approve()]).snapshot, retitled('chore(main): release 1.3.0'));
    const redelivered = guard.next(edited.snapshot, approve());
    expect(redelivered.effects).toEqual([]);
    expect(redelivered.ignored).toBe('review 1 was already counted');
    const fresh = guard.next(edited.snapshot, approve(SHA.a, 2));
    expect(fresh.effects.find((e) => e.type === 'START_RELEASE')).toEqual({
      type: 'START_RELEASE',
      sha: SHA.a,
      version: '1.3.0',
    });
  });

  it('while releasing, it alerts about the run of the earlier version, which never releases the new one', () => {
    const releasing = drive(guard, pr, [approve(), started()]);
    const step = guard.next(releasing.snapshot, retitled('chore(main): release 1.3.0'));
    expect(types(step.effects)).toEqual(['SET_STATUS', 'ALERT', 'COMMENT']);
    expect(step.effects[1]).toEqual({
      type: 'ALERT',
      pr: pr.number,
      reason: `The version of ${SHA.a.slice(0, 7)} changed from 1.2.0 to 1.3.0 while the release run 100 was running: that release will not be merged.`,
    });
    const late = guard.next(step.snapshot, succeeded());
    expect([late.effects, late.ignored]).toEqual([[], 'run 100 already finished']);
    const approved = guard.next(step.snapshot, approve(SHA.a, 2));
    expect(approved.snapshot.phase).toBe('approved');
    expect(guard.next(approved.snapshot, started()).ignored).toBe('run 100 already finished');
  });

  it('a merge of the head after the new version locked it: its commit was released, so no bypass', () => {
    const released = drive(guard, pr, [approve(), started(), succeeded(), verified()]);
    const edited = guard.next(released.snapshot, retitled('chore(main): release 1.3.0'));
    const merged = guard.next(edited.snapshot, { type: 'MERGED', sha: SHA.a, by: 'admin' });
    expect(merged.snapshot.violations).toEqual([]);
  });

  it('a version that cannot be read any more locks the head and says why; one that can be read again locks it afresh', () => {
    const approved = drive(guard, pr, [approve()]);
    const unreadable = guard.next(approved.snapshot, retitled('chore: release main'));
    expect(unreadable.snapshot).toMatchObject({ phase: 'prepared', approvals: [] });
    expect(unreadable.snapshot.pr.version).toBeUndefined();
    expect(unreadable.effects[0]).toMatchObject({
      state: 'pending',
      description: `${STATUS_TEXT.versionUnreadable}: the title holds no semantic version (such as 1.2.3)`,
    });
    const readable = guard.next(unreadable.snapshot, retitled('chore(main): release 1.2.1'));
    expect(readable.snapshot.pr).toMatchObject({ version: '1.2.1' });
    expect(readable.effects[0]).toMatchObject({ state: 'pending', description: STATUS_TEXT.locked });
    expect(guard.next(readable.snapshot, approve(SHA.a, 2)).snapshot.phase).toBe('approved');
  });
});

describe('an edit that keeps the version changes nothing', () => {
  it('a title edited around the same version, or the same facts delivered again', () => {
    const approved = drive(guard, pr, [approve()]);
    const same = guard.next(approved.snapshot, retitled('chore(main): release 1.2.0 (edited)'));
    expect(same.effects).toEqual([]);
    expect(same.snapshot).toEqual(approved.snapshot);
    expect(same.ignored).toBe(`${SHA.a.slice(0, 7)} is already the head, and its version is still 1.2.0`);
    expect(guard.next(approved.snapshot, { type: 'HEAD_CHANGED', sha: SHA.a }).ignored).toBe(
      `${SHA.a.slice(0, 7)} is already the head`,
    );
  });

  it("with the 'branch' source the title is never read", () => {
    const branch = createGuard();
    const approved = drive(branch, releasePr(), [approve()]);
    const step = branch.next(approved.snapshot, retitled('chore(main): release 9.9.9'));
    expect([step.effects, step.snapshot.phase]).toEqual([[], 'approved']);
  });
});

describe('an edit of a pull request that is not a release judges its files again', () => {
  const protecting = createGuard({ protectedPaths: ['CHANGELOG.md'] });
  const feature = releasePr({ headRef: 'feature/x', files: [{ path: 'src/a.ts' }], filesComplete: true });

  it('its base changed, and so did its files: the status follows, written only when it changes', () => {
    const step = drive(protecting, feature, [
      { type: 'HEAD_CHANGED', sha: SHA.a, files: [{ path: 'CHANGELOG.md' }], filesComplete: true },
      { type: 'HEAD_CHANGED', sha: SHA.a, files: [{ path: 'CHANGELOG.md' }, { path: 'b' }], filesComplete: true },
      { type: 'HEAD_CHANGED', sha: SHA.a, files: [{ path: 'src/a.ts' }], filesComplete: true },
      { type: 'HEAD_CHANGED', sha: SHA.a, title: 'a new title' },
    ]);
    expect(step.all.map((e) => e.type === 'SET_STATUS' && [e.state, e.description])).toEqual([
      ['success', STATUS_TEXT.notRequired],
      ['failure', `${STATUS_TEXT.protectedPaths}: CHANGELOG.md`],
      ['success', STATUS_TEXT.notRequired],
    ]);
    expect(step.ignored).toBe(`${SHA.a.slice(0, 7)} is already the head, and its facts leave the verdict as it was`);
    expect(standingStatus(step.snapshot, 'release')).toMatchObject({ state: 'success' });
  });
});

describe('reconcile reads the title and the files of the head', () => {
  it('a stored approval of the earlier version does not count once the title changed; a new review does', () => {
    const approved = drive(guard, pr, [approve()]);
    const base = {
      pr: { ...pr, title: 'chore(main): release 1.3.0', state: 'open' as const },
      approvals: [{ reviewId: 1, reviewer: 'reviewer-1', sha: SHA.a, authorized: true }],
      releaseRuns: [],
    };
    const step = guard.reconcile(approved.snapshot, base);
    expect(step.snapshot).toMatchObject({ phase: 'prepared', approvals: [], pr: { version: '1.3.0' } });
    expect(step.effects.filter((e) => e.type === 'SET_STATUS')).toEqual([
      { type: 'SET_STATUS', sha: SHA.a, state: 'pending', description: STATUS_TEXT.locked, context: 'release' },
    ]);
    const again = guard.reconcile(step.snapshot, {
      ...base,
      approvals: [...base.approvals, { reviewId: 2, reviewer: 'reviewer-2', sha: SHA.a, authorized: true }],
    });
    expect(again.snapshot.phase).toBe('approved');
    expect(again.effects.find((e) => e.type === 'START_RELEASE')).toMatchObject({ version: '1.3.0' });
  });

  it('rebuilt from the facts alone, the version comes from the title given', () => {
    const step = guard.reconcile(undefined, { pr: { ...pr, state: 'open' } });
    expect(step.snapshot.pr.version).toBe('1.2.0');
  });

  it('a pull request that is not a release, judged on the files of the facts', () => {
    const protecting = createGuard({ protectedPaths: ['CHANGELOG.md'] });
    const feature = releasePr({ headRef: 'feature/x', files: [{ path: 'src/a.ts' }], filesComplete: true });
    const stored = protecting.start(feature).snapshot;
    const step = protecting.reconcile(stored, {
      pr: { ...feature, files: [{ path: 'CHANGELOG.md' }], state: 'open' },
      statuses: [{ sha: SHA.a, state: 'success', description: STATUS_TEXT.notRequired }],
    });
    expect(step.snapshot.kind).toBe('protected');
    expect(step.effects).toEqual([
      {
        type: 'SET_STATUS',
        sha: SHA.a,
        state: 'failure',
        description: `${STATUS_TEXT.protectedPaths}: CHANGELOG.md`,
        context: 'release',
      },
    ]);
  });
});

describe('runs and artifacts that say their version answer only for it', () => {
  const edited = () =>
    guard.next(drive(guard, pr, [approve(), started()]).snapshot, retitled('chore(main): release 1.3.0'));

  it('a run of the earlier version is never the release of the new one, whatever its id', () => {
    const approved = guard.next(edited().snapshot, approve(SHA.a, 2));
    const other: GuardEvent = { type: 'RELEASE_STARTED', sha: SHA.a, runId: 200, version: '1.2.0' };
    const step = guard.next(approved.snapshot, other);
    expect([step.snapshot.phase, step.effects, step.ignored]).toEqual([
      'approved',
      [],
      "RELEASE_STARTED is for version 1.2.0 but the head's version is 1.3.0",
    ]);
    const own = guard.next(approved.snapshot, { type: 'RELEASE_STARTED', sha: SHA.a, runId: 201, version: '1.3.0' });
    expect(own.snapshot).toMatchObject({ phase: 'releasing', release: { runId: '201' } });
  });

  it('an answer for the ref of the earlier version verifies nothing', () => {
    const approved = guard.next(edited().snapshot, approve(SHA.a, 2));
    const releasing = guard.next(approved.snapshot, { type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: 201 });
    expect(releasing.effects.find((e) => e.type === 'VERIFY_ARTIFACTS')).toMatchObject({
      artifacts: [{ name: 'image', ref: 'ghcr.io/acme/app:1.3.0' }],
    });
    const ref = (version: string) => `ghcr.io/acme/app:${version}`;
    const found = (version: string): GuardEvent => ({
      type: 'ARTIFACT_VERIFIED',
      sha: SHA.a,
      name: 'image',
      digest: 'sha256:1',
      ref: ref(version),
    });
    const late = guard.next(releasing.snapshot, found('1.2.0'));
    expect([late.snapshot.phase, late.effects, late.ignored]).toEqual([
      'releasing',
      [],
      `ARTIFACT_VERIFIED is for ${ref('1.2.0')} but the head's version is 1.3.0`,
    ]);
    const missing: GuardEvent = {
      type: 'ARTIFACT_MISSING',
      sha: SHA.a,
      name: 'image',
      reason: 'no',
      ref: ref('1.2.0'),
    };
    expect(guard.next(releasing.snapshot, missing).snapshot.phase).toBe('releasing');
    const own = guard.next(releasing.snapshot, found('1.3.0'));
    expect(own.snapshot.phase).toBe('released');
  });

  it('reconcile: a successful run or an artifact of the earlier version backs no release of the new one', () => {
    const released = drive(guard, pr, [approve(), started(), succeeded(), verified()]);
    const facts = {
      pr: { ...pr, title: 'chore(main): release 1.3.0', state: 'open' as const },
      approvals: [
        { reviewId: 1, reviewer: 'reviewer-1', sha: SHA.a, authorized: true },
        { reviewId: 2, reviewer: 'reviewer-2', sha: SHA.a, authorized: true },
      ],
      releaseRuns: [{ runId: 100, sha: SHA.a, conclusion: 'success' as const, version: '1.2.0' }],
      artifacts: [{ name: 'image', sha: SHA.a, digest: 'sha256:1', ref: 'ghcr.io/acme/app:1.2.0' }],
    };
    const step = guard.reconcile(released.snapshot, facts);
    expect(step.snapshot).toMatchObject({ phase: 'approved', pr: { version: '1.3.0' }, verified: [] });
    expect(step.effects.find((e) => e.type === 'START_RELEASE')).toEqual({
      type: 'START_RELEASE',
      sha: SHA.a,
      version: '1.3.0',
    });
    const rebuilt = guard.reconcile(undefined, facts);
    expect(rebuilt.snapshot).toMatchObject({ phase: 'approved', verified: [] });
  });
});

describe('reconcile rebuilding from the facts alone', () => {
  it('takes the last run of the version it reads, not a later run of another version', () => {
    const step = guard.reconcile(undefined, {
      pr: { ...pr, title: 'chore(main): release 1.3.0', state: 'open' },
      approvals: [{ reviewId: 2, reviewer: 'reviewer-2', sha: SHA.a, authorized: true }],
      releaseRuns: [
        { runId: 200, sha: SHA.a, conclusion: 'success', version: '1.3.0' },
        { runId: 100, sha: SHA.a, conclusion: null, version: '1.2.0' },
      ],
    });
    expect(step.snapshot).toMatchObject({ phase: 'releasing', release: { state: 'succeeded', runId: '200' } });
    expect(step.effects.find((e) => e.type === 'VERIFY_ARTIFACTS')).toMatchObject({
      artifacts: [{ ref: 'ghcr.io/acme/app:1.3.0' }],
    });
  });
});
