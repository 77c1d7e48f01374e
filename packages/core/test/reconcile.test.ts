import { type Effect, GuardEventError, type GuardFacts, type GuardSnapshot, MAX_RELEASERS } from '@release-guard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approve, drive, headChanged, started, succeeded, toReleased, types } from './support/drive.js';
import { releasePr, SHA, seedGuard } from './support/fixtures.js';

const guard = seedGuard();
const pr = releasePr();
const LOCKED = {
  sha: SHA.a,
  state: 'pending',
  description: 'Locked: waiting for an approved, finished release',
} as const;
const WITHDRAWN = 'approval withdrawn: approve again to merge';
const approval = { reviewId: 1, reviewer: 'maintainer', sha: SHA.a, authorized: true };
const success = { runId: 100, sha: SHA.a, conclusion: 'success' } as const;
const image = {
  name: 'image',
  sha: SHA.a,
  digest: 'sha256:a0d23c6429357d2bc037470acbe347e40bd0ee738cbe4b328656cead3330e394',
};

function facts(overrides: Partial<GuardFacts> = {}, prOverrides: Partial<GuardFacts['pr']> = {}): GuardFacts {
  return {
    pr: { ...pr, state: 'open', ...prOverrides },
    approvals: [],
    releaseRuns: [],
    statuses: [LOCKED],
    ...overrides,
  };
}

const stored = (events: Parameters<typeof drive>[2]): GuardSnapshot => drive(guard, pr, events).snapshot;
const without = (effects: readonly Effect[], type: Effect['type']) => effects.filter((e) => e.type !== type);

describe('reconcile without a stored snapshot', () => {
  it('locks a release PR that GitHub does not show locked', () => {
    const step = guard.reconcile(undefined, facts({ statuses: [] }));
    expect(step.snapshot.phase).toBe('prepared');
    expect(types(step.effects)).toEqual(['SET_STATUS', 'COMMENT']);
  });

  it('writes no status GitHub already shows', () => {
    const step = guard.reconcile(undefined, facts());
    expect(types(step.effects)).toEqual(['COMMENT']);
  });

  it('starts the release a missed approval asked for', () => {
    const step = guard.reconcile(undefined, facts({ approvals: [approval] }));
    expect(step.snapshot.phase).toBe('approved');
    expect(step.effects).toContainEqual({ type: 'START_RELEASE', sha: SHA.a, version: 'v0.29.0' });
  });

  it('a release that finished and was verified is unlocked and merged', () => {
    const step = guard.reconcile(
      undefined,
      facts({ approvals: [approval], releaseRuns: [success], artifacts: [image] }),
    );
    expect(step.snapshot.phase).toBe('released');
    expect(types(step.effects)).toEqual(['SET_STATUS', 'MERGE', 'COMMENT']);
    expect(step.effects[0]).toMatchObject({ state: 'success', sha: SHA.a });
  });

  it('artifacts not looked up are verified before unlock', () => {
    const step = guard.reconcile(undefined, facts({ approvals: [approval], releaseRuns: [success] }));
    expect(step.snapshot.phase).toBe('releasing');
    expect(step.effects).toContainEqual({
      type: 'VERIFY_ARTIFACTS',
      sha: SHA.a,
      artifacts: [{ name: 'image', ref: 'ghcr.io/weaveworks/wego-app:v0.29.0' }],
    });
    expect(types(step.effects)).not.toContain('MERGE');
  });

  it('approvals that are not authorized or not for the head count for nothing', () => {
    const step = guard.reconcile(
      undefined,
      facts({
        approvals: [
          { ...approval, authorized: false },
          { ...approval, reviewId: 2, sha: SHA.b },
        ],
        releaseRuns: [success],
        artifacts: [image],
      }),
    );
    expect(step.snapshot.phase).toBe('prepared');
    expect(types(step.effects)).not.toContain('MERGE');
  });

  it('a merged PR that was never released is a violation', () => {
    const step = guard.reconcile(undefined, facts({}, { state: 'merged', mergedSha: SHA.a, mergedBy: 'releaser' }));
    expect(step.snapshot.phase).toBe('merged');
    expect(step.snapshot.violations).toHaveLength(1);
    expect(types(step.effects)).toContain('ALERT');
    expect(types(step.effects)).not.toContain('SET_STATUS');
  });

  it('a non-release PR gets "release not required" once', () => {
    const other = facts({ statuses: [] }, { headRef: 'feature/x' });
    const step = guard.reconcile(undefined, other);
    expect(step.snapshot.phase).toBe('skipped');
    expect(step.effects).toEqual([
      { type: 'SET_STATUS', sha: SHA.a, state: 'success', description: 'release not required', context: 'release' },
    ]);
    const shown = {
      ...other,
      statuses: [{ sha: SHA.a, state: 'success', description: 'release not required' }],
    } as const;
    expect(guard.reconcile(step.snapshot, shown).effects).toEqual([]);
  });
});

describe('reconcile with a stored snapshot', () => {
  it('does nothing when GitHub agrees', () => {
    const snapshot = stored([approve(), started()]);
    const step = guard.reconcile(
      snapshot,
      facts({ approvals: [approval], releaseRuns: [{ ...success, conclusion: null }] }),
    );
    expect(step.effects).toEqual([]);
    expect(step.snapshot).toBe(snapshot);
    expect(step.ignored).toMatch(/already agrees/);
  });

  it('rebuilds a snapshot whose kind its branch does not have (restore rejects it; one handed over in memory loses too)', () => {
    const forged: GuardSnapshot = { ...stored([]), phase: 'skipped', kind: 'not-release' };
    expect(() => guard.restore(guard.serialize(forged))).toThrow(/snapshot\.kind/);
    const step = guard.reconcile(forged, facts());
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.snapshot.kind).toBe('release');
  });

  it('asks again for a release GitHub shows no run of, and never beside a live or successful run', () => {
    const snapshot = stored([approve()]);
    const lost = guard.reconcile(snapshot, facts({ approvals: [approval] }));
    expect(lost.effects).toEqual([{ type: 'START_RELEASE', sha: SHA.a, version: 'v0.29.0' }]);
    expect(lost.snapshot.phase).toBe('approved');
    const live = guard.reconcile(
      snapshot,
      facts({ approvals: [approval], releaseRuns: [{ ...success, conclusion: null }] }),
    );
    expect(types(live.effects)).not.toContain('START_RELEASE');
    expect(live.snapshot.phase).toBe('releasing');
    expect(
      types(guard.reconcile(snapshot, facts({ approvals: [approval], releaseRuns: [success] })).effects),
    ).not.toContain('START_RELEASE');
    // Runs not observed: nothing is known, nothing is repaired.
    expect(guard.reconcile(snapshot, facts({ approvals: [approval], releaseRuns: undefined })).effects).toEqual([]);
  });

  it('a run older than the current one, listed by GitHub, never replaces it', () => {
    // run 100 was dispatched for an approval since withdrawn; run 200 is the release of the standing one.
    const snapshot = stored([
      approve(),
      started(SHA.a, 100),
      { type: 'APPROVAL_DISMISSED', reviewId: 1, reviewer: 'reviewer-1' },
      approve(SHA.a, 2),
      started(SHA.a, 200),
    ]);
    expect(snapshot.release).toEqual({ state: 'running', runId: '200' });
    const runs = [
      { runId: 100, sha: SHA.a, conclusion: 'failure' },
      { runId: 200, sha: SHA.a, conclusion: 'success' },
    ] as const;
    const step = guard.reconcile(
      snapshot,
      facts({
        approvals: [{ ...approval, reviewId: 2, reviewer: 'reviewer-2' }],
        releaseRuns: runs,
        artifacts: [image],
      }),
    );
    expect(step.snapshot.phase).toBe('released');
    expect(step.snapshot.release).toEqual({ state: 'succeeded', runId: '200' });
  });

  it('an approval given after a failed release that the guard missed starts a new release (no dead end)', () => {
    // approved, the run started; then the run failed and a new approval came, both missed.
    const snapshot = stored([approve(), started()]);
    const failed = { runId: 100, sha: SHA.a, conclusion: 'failure' } as const;
    const again = { ...approval, reviewId: 2, reviewer: 'maintainer-2' };
    const step = guard.reconcile(snapshot, facts({ approvals: [approval, again], releaseRuns: [failed] }));
    expect(step.snapshot.phase).toBe('approved');
    expect(step.effects).toContainEqual({ type: 'START_RELEASE', sha: SHA.a, version: 'v0.29.0' });
  });

  it('repairs a missed RELEASE_SUCCEEDED', () => {
    const snapshot = stored([approve(), started()]);
    const step = guard.reconcile(
      snapshot,
      facts({ approvals: [approval], releaseRuns: [success], artifacts: [image] }),
    );
    expect(step.snapshot.phase).toBe('released');
    expect(types(step.effects)).toEqual(['SET_STATUS', 'MERGE', 'COMMENT']);
  });

  it('applies an approval dismissed on GitHub', () => {
    const snapshot = stored([approve(), started()]);
    const step = guard.reconcile(snapshot, facts({ releaseRuns: [{ ...success, conclusion: null }] }));
    expect(step.snapshot.phase).toBe('failed');
    expect(step.snapshot.failure).toBe('approval withdrawn');
  });

  it('locks a head that moved while no event said so', () => {
    const snapshot = stored([approve(), started()]);
    const step = guard.reconcile(snapshot, facts({ statuses: [] }, { headSha: SHA.b }));
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.snapshot.headSha).toBe(SHA.b);
    expect(step.effects[0]).toMatchObject({ type: 'SET_STATUS', sha: SHA.b, state: 'pending' });
    expect(types(step.effects)).toContain('ALERT');
  });

  it('a forged snapshot that claims a release GitHub does not show loses', () => {
    const forged: GuardSnapshot = {
      ...stored([approve()]),
      phase: 'released',
      release: { state: 'succeeded', runId: '100' },
      releasedShas: [SHA.a],
      verified: [{ name: 'image', digest: 'sha256:fake' }],
    };
    const step = guard.reconcile(forged, facts({ approvals: [approval] }));
    expect(step.snapshot.phase).toBe('approved');
    expect(types(step.effects)).not.toContain('MERGE');
    expect(step.effects.filter((e) => e.type === 'SET_STATUS' && e.state === 'success')).toEqual([]);
  });

  it('a verified artifact the registry no longer shows is checked again', () => {
    const snapshot = stored(toReleased());
    const step = guard.reconcile(snapshot, facts({ approvals: [approval], releaseRuns: [success], artifacts: [] }));
    expect(step.snapshot.phase).toBe('releasing');
    expect(types(step.effects)).toEqual(['COMMENT', 'VERIFY_ARTIFACTS']);
  });

  it('an artifact re-pushed with another digest is trusted only as GitHub and the registry now show it', () => {
    const snapshot = stored(toReleased());
    const repushed = { ...image, digest: 'sha256:ffff' };
    const step = guard.reconcile(
      snapshot,
      facts({ approvals: [approval], releaseRuns: [success], artifacts: [repushed] }),
    );
    expect(step.snapshot.phase).toBe('released');
    expect(step.snapshot.verified).toEqual([{ name: 'image', digest: 'sha256:ffff' }]);
  });

  it('release runs not observed keep the stored release; observed ones that do not back it discard it', () => {
    const snapshot = stored(toReleased());
    const unobserved = { pr: { ...pr, state: 'open' as const }, approvals: [approval] };
    const kept = guard.reconcile(snapshot, unobserved);
    expect(kept.snapshot.phase).toBe('released');
    expect(types(kept.effects)).not.toContain('START_RELEASE');
    const contradicted = guard.reconcile(snapshot, { ...unobserved, releaseRuns: [] });
    expect(contradicted.snapshot.phase).toBe('approved');
  });

  it('a sweep retries a refused merge', () => {
    const refused = guard.next(stored(toReleased()), {
      type: 'MERGE_REJECTED',
      sha: SHA.a,
      reason: 'not-mergeable',
      message: 'Required status check "build" is expected.',
    }).snapshot;
    const shown = { ...facts({ approvals: [approval], releaseRuns: [success], artifacts: [image] }) };
    shown.statuses = [{ sha: SHA.a, state: 'success', description: 'Released and verified' }];
    const step = guard.reconcile(refused, shown);
    expect(step.effects).toEqual([{ type: 'MERGE', pr: 3906, sha: SHA.a, method: 'merge', via: 'merge' }]);
    expect(step.snapshot.merge.state).toBe('requested');
  });

  it('a merge after release is not a violation; a closed PR is closed; a reopened one starts afresh', () => {
    const released = stored(toReleased());
    expect(guard.reconcile(released, facts({}, { state: 'merged', mergedSha: SHA.a })).snapshot.violations).toEqual([]);
    const closed = guard.reconcile(released, facts({}, { state: 'closed' })).snapshot;
    expect(closed.phase).toBe('closed');
    const reopened = guard.reconcile(closed, facts({ statuses: [] }));
    expect(reopened.snapshot.phase).toBe('prepared');
    expect(reopened.effects[0]).toMatchObject({ type: 'SET_STATUS', state: 'pending' });
  });

  it('a human merge after a reopening that was never delivered is recorded and alerted (closed snapshot, merged facts)', () => {
    const closed = guard.reconcile(stored([]), facts({}, { state: 'closed' })).snapshot;
    expect(closed.phase).toBe('closed');
    const step = guard.reconcile(closed, facts({}, { state: 'merged', mergedSha: SHA.a, mergedBy: 'human' }));
    expect(step.snapshot.phase).toBe('merged');
    expect(step.snapshot.violations).toEqual([
      'aaaaaaa was merged by human before it was approved, released and verified: the guard was bypassed.',
    ]);
    expect(types(step.effects)).toContain('ALERT');
    expect(step.ignored).toBeUndefined();
  });

  it('a merged snapshot stays merged', () => {
    const merged = guard.next(stored(toReleased()), { type: 'MERGED', sha: SHA.a, by: 'bot' }).snapshot;
    const step = guard.reconcile(merged, facts({}, { state: 'merged', mergedSha: SHA.a }));
    expect(step.snapshot).toBe(merged);
    expect(step.effects).toEqual([]);
  });

  it('never revives an approval of an earlier epoch of the same SHA', () => {
    const back = stored([approve(), headChanged(SHA.b), headChanged(SHA.a)]);
    const step = guard.reconcile(back, facts({ approvals: [approval] }));
    expect(step.snapshot.phase).toBe('prepared');
    expect(types(step.effects)).not.toContain('START_RELEASE');
  });

  it('the failed run before a retry does not fail the retried release', () => {
    const failed = { runId: 100, sha: SHA.a, conclusion: 'failure' } as const;
    const retried = guard.next(
      stored([approve(), started(), { type: 'RELEASE_FAILED', sha: SHA.a, runId: 100, reason: 'x' }]),
      { type: 'RETRY' },
    ).snapshot;
    const step = guard.reconcile(retried, facts({ approvals: [approval], releaseRuns: [failed] }));
    expect(step.snapshot.phase).toBe('approved');
    // GitHub shows no run of the retry yet: it is asked for again (the adapter adopts a live run).
    expect(without(step.effects, 'COMMENT')).toEqual([{ type: 'START_RELEASE', sha: SHA.a, version: 'v0.29.0' }]);
  });

  it('a re-run attempt of the failed release run that GitHub shows is a retry: its success unlocks and merges', () => {
    const failed = stored([approve(), started(), { type: 'RELEASE_FAILED', sha: SHA.a, runId: 100, reason: 'x' }]);
    const rerun = { runId: '100.2', rerunOf: 100, sha: SHA.a } as const;
    const running = guard.reconcile(
      failed,
      facts({ approvals: [approval], releaseRuns: [{ ...rerun, conclusion: null }] }),
    );
    expect(running.snapshot.phase).toBe('releasing');
    expect(types(running.effects)).not.toContain('ALERT');
    const done = guard.reconcile(
      failed,
      facts({ approvals: [approval], releaseRuns: [{ ...rerun, conclusion: 'success' }], artifacts: [image] }),
    );
    expect(done.snapshot.phase).toBe('released');
    expect(types(done.effects)).toContain('MERGE');
    const unapproved = guard.reconcile(failed, facts({ releaseRuns: [{ ...rerun, conclusion: 'success' }] }));
    expect(unapproved.snapshot.phase).toBe('failed');
    expect(types(unapproved.effects)).toContain('ALERT');
  });

  it('a snapshot of another pull request is not used', () => {
    const other = drive(guard, releasePr({ number: 1 }), [approve()]).snapshot;
    const step = guard.reconcile(other, facts());
    expect(step.snapshot.pr.number).toBe(3906);
    expect(step.snapshot.phase).toBe('prepared');
  });

  it('is idempotent: reconciling twice with the same facts acts once', () => {
    const all = facts({ approvals: [approval], releaseRuns: [success] });
    const first = guard.reconcile(undefined, all);
    const second = guard.reconcile(first.snapshot, all);
    expect(types(second.effects)).toEqual(['VERIFY_ARTIFACTS']);
    expect(second.snapshot.phase).toBe(first.snapshot.phase);
  });
});

describe('reconcile pins the releasers: they only ever grow', () => {
  const withAlice = releasePr({ releasers: ['alice'] });
  /** Alice's approval, marked authorized by a caller that no longer counts her as a releaser. */
  const byAlice = { reviewId: 5, reviewer: 'Alice', sha: SHA.a, authorized: true };
  const startedBy = (prWith = withAlice) => guard.start(prWith).snapshot;

  it('the releaser who takes themself off the list still cannot approve (the un-assign attack)', () => {
    const step = guard.reconcile(startedBy(), facts({ approvals: [byAlice] }, { releasers: [] }));
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.snapshot.approvals).toEqual([]);
    expect(step.snapshot.pr.releasers).toEqual(['alice']);
    expect(types(step.effects)).not.toContain('START_RELEASE');
    // Facts that leave the field out remove nobody either.
    const omitted = guard.reconcile(startedBy(), facts({ approvals: [byAlice] }));
    expect(omitted.snapshot.phase).toBe('prepared');
    expect(omitted.snapshot.pr.releasers).toEqual(['alice']);
  });

  it('releasers the facts add are kept after the facts drop them', () => {
    const grown = guard.reconcile(startedBy(), facts({}, { releasers: ['bob', 'ALICE'] }));
    expect(grown.snapshot.pr.releasers).toEqual(['alice', 'bob']);
    const byBob = { ...byAlice, reviewId: 6, reviewer: 'bob[bot]' };
    const later = guard.reconcile(grown.snapshot, facts({ approvals: [byBob] }, { releasers: ['carol'] }));
    expect(later.snapshot.pr.releasers).toEqual(['alice', 'bob', 'carol']);
    expect(later.snapshot.phase).toBe('prepared');
    // A maintainer's approval still counts.
    const approved = guard.reconcile(later.snapshot, facts({ approvals: [byBob, approval] }, { releasers: [] }));
    expect(approved.snapshot.phase).toBe('approved');
    expect(approved.snapshot.approvals.map((a) => a.reviewer)).toEqual(['maintainer']);
  });

  it('the first time the guard sees the pull request, the facts’ releasers are pinned', () => {
    const step = guard.reconcile(undefined, facts({ approvals: [byAlice] }, { releasers: ['alice[bot]'] }));
    expect(step.snapshot.pr.releasers).toEqual(['alice[bot]']);
    expect(step.snapshot.phase).toBe('prepared');
  });

  it('a rebuilt state keeps the stored releasers and adds the facts’', () => {
    // The stored snapshot claims a succeeded release that GitHub does not show: it is rebuilt from the facts.
    const claims = drive(guard, withAlice, [approve(), started(), succeeded()]).snapshot;
    expect(claims.release.state).toBe('succeeded');
    const step = guard.reconcile(claims, facts({ approvals: [byAlice], releaseRuns: [] }, { releasers: ['dave'] }));
    expect(step.snapshot.epoch).toBe(claims.epoch + 1);
    expect(step.snapshot.pr.releasers).toEqual(['alice', 'dave']);
    expect(step.snapshot.phase).toBe('prepared');
    expect(types(step.effects)).not.toContain('START_RELEASE');
  });

  it('a standing approval by someone since found to be a releaser is withdrawn', () => {
    const byBob = { reviewId: 1, reviewer: 'reviewer-1', sha: SHA.a, authorized: true };
    const snapshot = stored([approve()]);
    expect(snapshot.phase).toBe('approved');
    const step = guard.reconcile(snapshot, facts({ approvals: [byBob] }, { releasers: ['Reviewer-1'] }));
    expect(step.snapshot.phase).toBe('failed');
    expect(step.snapshot.failure).toBe('approval withdrawn');
    expect(step.snapshot.approvals).toEqual([]);
    expect(step.snapshot.pr.releasers).toEqual(['Reviewer-1']);
  });

  it('facts naming the same releasers, in any spelling, change nothing', () => {
    const snapshot = startedBy();
    const step = guard.reconcile(snapshot, facts({}, { releasers: ['Alice[bot]'] }));
    expect(step.effects).toEqual([]);
    expect(step.snapshot).toBe(snapshot);
    expect(step.ignored).toMatch(/already agrees/);
  });

  it('a snapshot of another pull request lends it no releasers', () => {
    const other = guard.start(releasePr({ number: 1, releasers: ['alice'] })).snapshot;
    const step = guard.reconcile(other, facts({ approvals: [byAlice] }));
    expect(step.snapshot.pr).not.toHaveProperty('releasers');
    expect(step.snapshot.phase).toBe('approved');
  });

  it(`keeps at most ${MAX_RELEASERS}, dropping the newest: a flood of assignees never pushes out the first`, () => {
    const flood = (from: number, count: number) => Array.from({ length: count }, (_, i) => `assignee-${from + i}`);
    const full = guard.start(releasePr({ releasers: ['alice', ...flood(0, MAX_RELEASERS - 1)] })).snapshot;
    const step = guard.reconcile(full, facts({ approvals: [byAlice] }, { releasers: flood(100, 10) }));
    expect(step.snapshot.pr.releasers).toEqual(full.pr.releasers);
    expect(step.snapshot.phase).toBe('prepared');

    let snapshot = startedBy();
    for (let round = 0; round < 5; round++) {
      snapshot = guard.reconcile(snapshot, facts({}, { releasers: flood(round * 10, 10) })).snapshot;
    }
    expect(snapshot.pr.releasers).toHaveLength(MAX_RELEASERS);
    expect(snapshot.pr.releasers?.slice(0, 2)).toEqual(['alice', 'assignee-0']);
    expect(guard.reconcile(snapshot, facts({ approvals: [byAlice] }, { releasers: [] })).snapshot.phase).toBe(
      'prepared',
    );
  });

  it('rejects facts whose releasers are not a short list of logins', () => {
    const error = (releasers: unknown) => () =>
      guard.reconcile(undefined, facts({}, { releasers } as unknown as Partial<GuardFacts['pr']>));
    expect(error('alice')).toThrow(/facts\.pr\.releasers: expected an array/);
    expect(error(Array.from({ length: MAX_RELEASERS + 1 }, (_, i) => `r${i}`))).toThrow(
      /facts\.pr\.releasers: expected at most 20 entries/,
    );
    expect(error([''])).toThrow(/facts\.pr\.releasers\.0: expected a non-empty string/);
  });
});

describe('reconcile input', () => {
  it('rejects malformed facts with the path of each problem', () => {
    const bad = { pr: { ...pr, state: 'gone' }, approvals: [{ reviewId: 1, sha: 'nope', authorized: 'yes' }] };
    try {
      guard.reconcile(undefined, bad as unknown as GuardFacts);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GuardEventError);
      const paths = (error as GuardEventError).issues.map((i) => i.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'facts.pr.state',
          'facts.approvals.0.reviewer',
          'facts.approvals.0.sha',
          'facts.approvals.0.authorized',
        ]),
      );
    }
  });

  it('never merges or unlocks what GitHub does not show approved, released and verified', () => {
    const sha = fc.constantFrom(SHA.a, SHA.b);
    const arbitraryFacts = fc.record({
      approvals: fc.array(
        fc.record({ reviewId: fc.nat(5), reviewer: fc.constant('r'), sha, authorized: fc.boolean() }),
        {
          maxLength: 3,
        },
      ),
      releaseRuns: fc.array(
        fc.record({
          runId: fc.nat(5),
          sha,
          conclusion: fc.constantFrom('success', 'failure', null) as fc.Arbitrary<'success' | 'failure' | null>,
        }),
        { maxLength: 3 },
      ),
      artifacts: fc.array(
        fc.record({ name: fc.constantFrom('image', 'chart'), sha, digest: fc.constant('sha256:1') }),
        { maxLength: 2 },
      ),
      state: fc.constantFrom('open', 'closed') as fc.Arbitrary<'open' | 'closed'>,
      prior: fc.constantFrom(undefined, [approve()], [approve(), started()], toReleased(), [
        approve(),
        started(),
        succeeded(),
      ]),
    });
    fc.assert(
      fc.property(arbitraryFacts, ({ approvals, releaseRuns, artifacts, state, prior }) => {
        const snapshot = prior ? stored(prior) : undefined;
        const step = guard.reconcile(snapshot, { pr: { ...pr, state }, approvals, releaseRuns, artifacts });
        const cleared =
          approvals.some((a) => a.sha === SHA.a && a.authorized) &&
          releaseRuns.some((r) => r.sha === SHA.a && r.conclusion === 'success') &&
          artifacts.some((a) => a.sha === SHA.a && a.name === 'image');
        const unlocks = step.effects.some(
          (e) => e.type === 'MERGE' || (e.type === 'SET_STATUS' && e.state === 'success'),
        );
        if (unlocks) expect(cleared).toBe(true);
        expect(guard.restore(guard.serialize(step.snapshot))).toEqual(step.snapshot);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('reconcile stamps the time of the observation', () => {
  it('the events it applies carry facts.at into the timeline', () => {
    const at = '2023-08-01T11:05:00.000Z';
    const step = guard.reconcile(undefined, facts({ approvals: [approval], at }));
    expect(step.snapshot.timeline.at(-1)).toMatchObject({ phase: 'approved', at });
  });

  it('rejects an at that is not a short string', () => {
    expect(() => guard.reconcile(undefined, facts({ at: 'x'.repeat(65) }))).toThrow(/facts\.at/);
  });
});

describe('reconcile re-asserts the status that must stand on a live release head', () => {
  const foreignGreen = { sha: SHA.a, state: 'success', description: 'release not required' } as const;

  it('sets a trusted, unchanged snapshot’s head back to pending when GitHub shows success', () => {
    const prior = stored([]);
    expect(guard.reconcile(prior, facts()).effects).toEqual([]);
    const step = guard.reconcile(prior, facts({ statuses: [LOCKED, foreignGreen] }));
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.effects).toEqual([{ type: 'SET_STATUS', context: 'release', ...LOCKED }]);
  });

  it('compares states, not descriptions, and writes nothing when the statuses were not observed', () => {
    const prior = stored([]);
    expect(
      guard.reconcile(prior, facts({ statuses: [{ ...LOCKED, description: 'Release in progress' }] })).effects,
    ).toEqual([]);
    expect(guard.reconcile(prior, facts({ statuses: undefined })).effects).toEqual([]);
  });

  it('writes what the phase implies, for every live phase', () => {
    const released = stored(toReleased());
    const step = guard.reconcile(
      released,
      facts({ approvals: [approval], releaseRuns: [success], artifacts: [image], statuses: [LOCKED] }),
    );
    expect(step.effects.filter((e) => e.type === 'SET_STATUS')).toEqual([
      { type: 'SET_STATUS', sha: SHA.a, state: 'success', description: 'Released and verified', context: 'release' },
    ]);
  });

  it('a released head whose approval GitHub no longer shows is locked again, and nothing merges it', () => {
    const released = { ...stored(toReleased()), merge: { state: 'rejected' as const, rejection: 'checks pending' } };
    const green = { sha: SHA.a, state: 'success', description: 'Released and verified' } as const;
    const step = guard.reconcile(
      released,
      facts({ approvals: [], releaseRuns: [success], artifacts: [image], statuses: [green] }),
    );
    expect(step.snapshot.phase).toBe('released');
    expect(types(step.effects)).toEqual(['SET_STATUS', 'COMMENT']);
    expect(step.effects[0]).toMatchObject({ state: 'pending', description: WITHDRAWN });
    // Someone turns it green again: the sweep sets it back, and still does not merge.
    const again = guard.reconcile(
      step.snapshot,
      facts({ approvals: [], releaseRuns: [success], artifacts: [image], statuses: [green] }),
    );
    expect(again.effects).toEqual([
      { type: 'SET_STATUS', sha: SHA.a, state: 'pending', description: WITHDRAWN, context: 'release' },
    ]);
    // A new approval on GitHub unlocks and merges it without a second release.
    const approved = guard.reconcile(
      step.snapshot,
      facts({
        approvals: [{ ...approval, reviewId: 2 }],
        releaseRuns: [success],
        artifacts: [image],
        statuses: [{ sha: SHA.a, state: 'pending', description: WITHDRAWN }],
      }),
    );
    expect(types(approved.effects)).toEqual(['SET_STATUS', 'MERGE', 'COMMENT']);
    expect(approved.effects[0]).toMatchObject({ state: 'success', description: 'Released and verified' });
  });

  it('leaves the head of a closed or merged pull request, and of a non-release pull request, alone', () => {
    const prior = stored([]);
    expect(
      guard
        .reconcile(prior, facts({ statuses: [foreignGreen] }, { state: 'closed' }))
        .effects.filter((e) => e.type === 'SET_STATUS'),
    ).toEqual([]);
    const other = { ...pr, headRef: 'feature/x' };
    const skipped = guard.reconcile(undefined, { pr: { ...other, state: 'open' }, statuses: [{ ...LOCKED }] });
    const again = guard.reconcile(skipped.snapshot, { pr: { ...other, state: 'open' }, statuses: [LOCKED] });
    expect(again.effects.filter((e) => e.type === 'SET_STATUS')).toEqual([]);
  });
});
