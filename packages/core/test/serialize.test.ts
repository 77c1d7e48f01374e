import {
  type GuardEvent,
  type GuardSnapshot,
  GuardStateError,
  type InputIssue,
  LIMITS,
  MAX_ID_LENGTH,
  MAX_RELEASERS,
  type PullRequest,
  SNAPSHOT_SCHEMA,
  SNAPSHOT_VERSION,
} from '@release-guard/core';
import { eventSequence, MAX_SNAPSHOT_LENGTH, runEvents } from '@release-guard/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksum, type Migration, restoreWith } from '../src/serialize.js';
import { issuesOf, releasePr, SHA, seedGuard } from './support/fixtures.js';

const guard = seedGuard();

const TO_RELEASED: GuardEvent[] = [
  { type: 'APPROVED', sha: SHA.a, reviewId: 1, reviewer: 'maintainer', authorized: true },
  { type: 'RELEASE_STARTED', sha: SHA.a, runId: 'run-1' },
  { type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: 'run-1' },
  { type: 'ARTIFACT_VERIFIED', sha: SHA.a, name: 'image', digest: 'sha256:1' },
];

function snapshotAfter(events: readonly GuardEvent[], pr: PullRequest = releasePr()): GuardSnapshot {
  let snapshot = guard.start(pr).snapshot;
  for (const event of events) snapshot = guard.next(snapshot, event).snapshot;
  return snapshot;
}

const prepared = snapshotAfter([]);
const released = snapshotAfter(TO_RELEASED);

/** A document as an attacker would write it: any snapshot, with a checksum that matches it. */
function forge(snapshot: unknown, options: { version?: unknown; schema?: unknown } = {}): string {
  const body = JSON.stringify(snapshot);
  return JSON.stringify({
    schema: 'schema' in options ? options.schema : SNAPSHOT_SCHEMA,
    version: 'version' in options ? options.version : SNAPSHOT_VERSION,
    checksum: checksum(body),
    snapshot: JSON.parse(body),
  });
}

/** A plain, mutable copy of a snapshot for forging. */
function plain(snapshot: GuardSnapshot): Record<string, unknown> {
  return JSON.parse(JSON.stringify(snapshot));
}

function restoreIssues(text: unknown, restore: (text: string) => unknown = guard.restore): readonly InputIssue[] {
  return issuesOf(GuardStateError, () => restore(text as string));
}

const PRS: readonly PullRequest[] = [
  releasePr(),
  releasePr({ fromFork: true }),
  releasePr({ headRef: 'feature/x', version: undefined, versions: undefined }),
  releasePr({ versions: { chart: '4.0.27', zeta: '1', alpha: '2', '10': 'x', '9': 'y' } }),
  // reviewer0 to reviewer5 approve in the generated histories: two of them are releasers here.
  releasePr({ releasers: ['Reviewer0', 'reviewer1[bot]', 'release-manager'] }),
];

/** Sequences with `at` on some events, so that optional timeline fields are exercised too. */
const SEQUENCES = fc
  .tuple(eventSequence(), fc.array(fc.boolean(), { minLength: 100, maxLength: 100 }))
  .map(([events, stamps]) =>
    events.map(
      (event, i): GuardEvent =>
        stamps[i] ? { ...event, at: `2024-05-01T10:${String(i % 60).padStart(2, '0')}:00Z` } : event,
    ),
  );

describe('serialize and restore round-trip', () => {
  it('restores every reachable snapshot exactly, and re-serializes to the same text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PRS), SEQUENCES, (pr, events) => {
        const history = runEvents(guard, pr, events);
        const steps = [history.start, ...history.deliveries.map((d) => d.step)];
        steps.forEach((step, i) => {
          const text = guard.serialize(step.snapshot);
          const restored = guard.restore(text);
          expect(guard.serialize(restored)).toBe(text);
          expect(restored).toStrictEqual(step.snapshot);
          // A restored snapshot behaves exactly like the one it came from.
          const next = history.deliveries[i];
          if (next) expect(guard.next(restored, next.event)).toStrictEqual(next.step);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('writes plain JSON with the schema, version, checksum and snapshot', () => {
    for (const snapshot of [prepared, released]) {
      const text = guard.serialize(snapshot);
      const document = JSON.parse(text);
      expect(Object.keys(document)).toEqual(['schema', 'version', 'checksum', 'snapshot']);
      expect(document.schema).toBe('release-guard/snapshot');
      expect(SNAPSHOT_SCHEMA).toBe('release-guard/snapshot');
      expect(document.version).toBe(1);
      expect(SNAPSHOT_VERSION).toBe(1);
      expect(document.checksum).toMatch(/^[0-9a-f]{8}$/);
      expect(document.checksum).toBe(checksum(JSON.stringify(document.snapshot)));
      expect(document.snapshot).toStrictEqual(JSON.parse(JSON.stringify(snapshot)));
      // Canonical: no whitespace between tokens.
      expect(text).toBe(JSON.stringify(document));
    }
  });

  it('is canonical: the same snapshot with keys in another order serializes identically', () => {
    const reordered = Object.fromEntries(Object.entries(released).reverse()) as unknown as GuardSnapshot;
    expect(guard.serialize(reordered)).toBe(guard.serialize(released));
  });
});

/**
 * An `approved` snapshot as release-guard wrote it before pull requests had releasers (serialized by
 * the code of that time): it must restore, unchanged, with the current code.
 */
const WRITTEN_BEFORE_RELEASERS =
  '{"schema":"release-guard/snapshot","version":1,"checksum":"6d1c52ad","snapshot":{"phase":"approved","pr":{"number":3906,"headRef":"releases/v0.29.0","baseRef":"main","fromFork":false,"version":"v0.29.0","versions":{"chart":"4.0.27"}},"kind":"release","headSha":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","epoch":1,"approvals":[{"reviewId":"7","reviewer":"maintainer"}],"release":{"state":"requested"},"verified":[],"merge":{"state":"none"},"seenReviews":["7"],"releasedShas":[],"alertedRuns":[],"finishedRuns":[],"violations":[],"timeline":[{"phase":"prepared","sha":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","note":"Head aaaaaaa locked"},{"phase":"approved","sha":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","note":"Approved by maintainer; release requested","at":"2024-05-01T10:00:00Z"}]}}';

describe('releasers in the stored snapshot', () => {
  const withReleasers = snapshotAfter([], releasePr({ releasers: ['Alice', 'github-actions[bot]'] }));

  it('round-trip, in the order they were given, inside pr', () => {
    const text = guard.serialize(withReleasers);
    expect(text).toContain('"versions":{"chart":"4.0.27"},"releasers":["Alice","github-actions[bot]"]},"kind"');
    expect(guard.restore(text)).toStrictEqual(withReleasers);
    expect(guard.serialize(guard.restore(text))).toBe(text);
  });

  it('a snapshot written before releasers existed still restores, as version 1', () => {
    const restored = guard.restore(WRITTEN_BEFORE_RELEASERS);
    expect(restored.phase).toBe('approved');
    expect(restored.pr).not.toHaveProperty('releasers');
    expect(guard.serialize(restored)).toBe(WRITTEN_BEFORE_RELEASERS);
    // And the guard runs on it: an approval counts as it did then.
    const step = guard.next(restored, { type: 'RELEASE_STARTED', sha: SHA.a, runId: 'run-1' });
    expect(step.snapshot.phase).toBe('releasing');
  });

  it('a releaser taken out of the stored text is detected by the checksum', () => {
    const text = guard.serialize(withReleasers);
    const issues = restoreIssues(text.replace('"Alice",', ''));
    expect(issues).toEqual([{ path: 'checksum', message: expect.stringContaining('edited or corrupted') }]);
  });

  it('rejects forged releasers with a recomputed checksum, naming the field', () => {
    const pr = plain(withReleasers).pr as Record<string, unknown>;
    const cases: [unknown, string, string][] = [
      ['alice', 'snapshot.pr.releasers', 'expected an array'],
      [[], 'snapshot.pr.releasers', 'expected at least one releaser'],
      [['alice', 42], 'snapshot.pr.releasers.1', 'expected a non-empty string, got the number 42'],
      [['alice', ''], 'snapshot.pr.releasers.1', 'expected a non-empty string, got an empty string'],
      [['x'.repeat(MAX_ID_LENGTH + 1)], 'snapshot.pr.releasers.0', `expected at most ${MAX_ID_LENGTH} characters`],
      [
        Array.from({ length: MAX_RELEASERS + 1 }, (_, i) => `r${i}`),
        'snapshot.pr.releasers',
        `expected at most ${MAX_RELEASERS} entries, got ${MAX_RELEASERS + 1}`,
      ],
      [['Alice', 'bob', 'alice[bot]'], 'snapshot.pr.releasers.2', 'releaser alice is listed twice'],
    ];
    for (const [releasers, path, message] of cases) {
      const issues = restoreIssues(forge({ ...plain(withReleasers), pr: { ...pr, releasers } }));
      expect(issues, JSON.stringify(releasers)).toEqual([{ path, message: expect.stringContaining(message) }]);
    }
    const full = Array.from({ length: MAX_RELEASERS }, (_, i) => `r${i}`);
    expect(guard.restore(forge({ ...plain(withReleasers), pr: { ...pr, releasers: full } })).pr.releasers).toEqual(
      full,
    );
  });
});

describe('guard.restore rejects what it cannot trust', () => {
  it('rejects text that is not JSON', () => {
    expect(restoreIssues('hello')).toEqual([{ path: '', message: expect.stringContaining('not JSON') }]);
  });

  it('rejects an empty string', () => {
    expect(restoreIssues('')).toEqual([{ path: '', message: expect.stringContaining('empty') }]);
    expect(restoreIssues('  \n')).toEqual([{ path: '', message: expect.stringContaining('empty') }]);
  });

  it('rejects truncated text and asks whether it was truncated', () => {
    const text = guard.serialize(released);
    expect(restoreIssues(text.slice(0, Math.floor(text.length / 2)))).toEqual([
      { path: '', message: expect.stringContaining('truncated') },
    ]);
    expect(restoreIssues(text.slice(0, -1))).toEqual([{ path: '', message: expect.stringContaining('truncated') }]);
  });

  it('rejects JSON that is not an object, and a value that is not a string', () => {
    expect(restoreIssues('[]')).toEqual([{ path: '', message: expect.stringContaining('expected an object') }]);
    expect(restoreIssues('null')).toEqual([{ path: '', message: expect.stringContaining('expected an object') }]);
    expect(restoreIssues(42)).toEqual([{ path: '', message: expect.stringContaining('as a string') }]);
  });

  it('rejects another schema', () => {
    const issues = restoreIssues(forge(prepared, { schema: 'something-else/snapshot' }));
    expect(issues[0]?.path).toBe('schema');
    expect(issues[0]?.message).toContain('not a release-guard snapshot');
    expect(restoreIssues(JSON.stringify({ hello: 'world' }))[0]?.path).toBe('schema');
  });

  it('rejects version 0 and versions that are not positive integers', () => {
    for (const version of [0, -1, 1.5, '1', null]) {
      const issues = restoreIssues(forge(prepared, { version }));
      expect(issues[0]?.path).toBe('version');
      expect(issues[0]?.message).toContain('positive integer');
    }
  });

  it('rejects a newer version and says to upgrade release-guard', () => {
    const issues = restoreIssues(forge(prepared, { version: SNAPSHOT_VERSION + 1 }));
    expect(issues[0]?.path).toBe('version');
    expect(issues[0]?.message).toContain(`version ${SNAPSHOT_VERSION + 1}`);
    expect(issues[0]?.message).toContain('upgrade release-guard');
  });

  it('rejects a document without a snapshot', () => {
    const text = JSON.stringify({ schema: SNAPSHOT_SCHEMA, version: 1, checksum: '00000000' });
    expect(restoreIssues(text)).toEqual([{ path: 'snapshot', message: expect.stringContaining('expected an object') }]);
  });

  it('detects a one-field edit through the checksum', () => {
    const text = guard.serialize(prepared);
    expect(text).toContain('"phase":"prepared"');
    const edited = text.replace('"phase":"prepared"', '"phase":"released"');
    expect(edited).not.toBe(text);
    const issues = restoreIssues(edited);
    expect(issues[0]?.path).toBe('checksum');
    expect(issues[0]?.message).toContain('edited or corrupted');
  });

  it('detects an edited epoch and an edited checksum', () => {
    const text = guard.serialize(released);
    expect(restoreIssues(text.replace('"epoch":1', '"epoch":2'))[0]?.path).toBe('checksum');
    const document = JSON.parse(text);
    document.checksum = '00000000';
    expect(restoreIssues(JSON.stringify(document))[0]?.path).toBe('checksum');
  });
});

describe('guard.restore rejects forged snapshots with a recomputed checksum', () => {
  it("rejects 'released' without a succeeded release of the head", () => {
    const issues = restoreIssues(forge({ ...plain(prepared), phase: 'released' }));
    expect(issues[0]?.path).toBe('snapshot.release');
    expect(issues[0]?.message).toContain("'released' needs a succeeded release of the head");
  });

  it("rejects 'released' whose head is not among the released SHAs", () => {
    const issues = restoreIssues(forge({ ...plain(released), releasedShas: [SHA.b] }));
    expect(issues[0]?.path).toBe('snapshot.release');
    expect(issues[0]?.message).toContain('succeeded release of the head');
  });

  it("rejects a not-release pull request that is 'approved'", () => {
    const skipped = snapshotAfter([], releasePr({ headRef: 'feature/x' }));
    expect(skipped.kind).toBe('not-release');
    const issues = restoreIssues(forge({ ...plain(skipped), phase: 'approved' }));
    expect(issues[0]?.path).toBe('snapshot.phase');
    expect(issues[0]?.message).toContain("a not-release pull request cannot be 'approved'");
  });

  it("rejects a release pull request that is 'skipped'", () => {
    const issues = restoreIssues(forge({ ...plain(prepared), phase: 'skipped' }));
    expect(issues[0]?.path).toBe('snapshot.phase');
    expect(issues[0]?.message).toContain("cannot be 'skipped'");
  });

  it("rejects 'approved' without a standing approval and 'failed' without a reason", () => {
    const approved = restoreIssues(forge({ ...plain(prepared), phase: 'approved' }));
    expect(approved[0]?.path).toBe('snapshot.approvals');
    expect(approved[0]?.message).toContain('needs a standing approval');
    const failed = restoreIssues(forge({ ...plain(prepared), phase: 'failed' }));
    expect(failed[0]?.path).toBe('snapshot.failure');
    expect(failed[0]?.message).toContain('failure reason');
  });

  it('rejects approvals that are not among seenReviews', () => {
    const forged = { ...plain(prepared), approvals: [{ reviewId: '99', reviewer: 'mallory' }] };
    const issues = restoreIssues(forge(forged));
    expect(issues[0]?.path).toBe('snapshot.approvals.0.reviewId');
    expect(issues[0]?.message).toContain('review 99 is not among seenReviews');
  });

  it('rejects an unknown extra key', () => {
    const issues = restoreIssues(forge({ ...plain(released), approvedBy: 'admin' }));
    expect(issues[0]?.path).toBe('snapshot.approvedBy');
    expect(issues[0]?.message).toContain('unknown field');
    const nested = restoreIssues(forge({ ...plain(released), release: { state: 'succeeded', runId: 'r', by: 'x' } }));
    expect(nested[0]?.path).toBe('snapshot.release.by');
  });

  it('rejects a wrongly typed epoch', () => {
    for (const epoch of ['1', 0, 1.5, null]) {
      const issues = restoreIssues(forge({ ...plain(prepared), epoch }));
      expect(issues[0]?.path).toBe('snapshot.epoch');
      expect(issues[0]?.message).toContain('expected an integer of at least 1');
    }
  });

  it('rejects other wrongly typed fields with their paths', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ phase: 'done' }, 'snapshot.phase'],
      [{ headSha: 'HEAD' }, 'snapshot.headSha'],
      [{ kind: 'hotfix' }, 'snapshot.kind'],
      [{ pr: { ...(plain(prepared).pr as object), number: '3906' } }, 'snapshot.pr.number'],
      [{ seenReviews: [1] }, 'snapshot.seenReviews.0'],
      [{ timeline: [{ phase: 'prepared', sha: SHA.a }] }, 'snapshot.timeline.0.note'],
    ];
    for (const [change, path] of cases) {
      expect(restoreIssues(forge({ ...plain(prepared), ...change }))[0]?.path).toBe(path);
    }
  });

  it('rejects every list longer than its LIMITS bound', () => {
    const entry: Record<keyof typeof LIMITS, (i: number) => unknown> = {
      approvals: (i) => ({ reviewId: String(i), reviewer: `r${i}` }),
      seenReviews: (i) => String(i),
      releasedShas: (i) => i.toString(16).padStart(40, '0'),
      alertedRuns: (i) => `run-${i}`,
      finishedRuns: (i) => `run-${i}`,
      violations: (i) => `violation ${i}`,
      timeline: (i) => ({ phase: 'prepared', sha: SHA.a, note: `note ${i}` }),
      verified: (i) => ({ name: `a${i}`, digest: `sha256:${i}` }),
      groups: (i) => i.toString(16).padStart(40, 'e'),
    };
    for (const [key, max] of Object.entries(LIMITS) as [keyof typeof LIMITS, number][]) {
      const atLimit = { ...plain(prepared), [key]: Array.from({ length: max }, (_, i) => entry[key](i)) };
      if (key === 'approvals') atLimit.seenReviews = Array.from({ length: max }, (_, i) => String(i));
      expect(() => guard.restore(forge(atLimit)), `${key} at its limit`).not.toThrow();
      const over = { ...plain(prepared), [key]: Array.from({ length: max + 1 }, (_, i) => entry[key](i)) };
      const issues = restoreIssues(forge(over));
      expect(issues[0]?.path).toBe(`snapshot.${key}`);
      expect(issues[0]?.message).toBe(`expected at most ${max} entries, got ${max + 1}`);
    }
  });
});

describe('migrations', () => {
  /** A version-1 document in a pretend older format that had no `violations` list. */
  function oldDocument(snapshot: GuardSnapshot, version = 1): string {
    const { violations: _dropped, ...old } = plain(snapshot);
    return forge(old, { version });
  }
  const addViolations: Migration = (s) => ({ ...s, violations: [] });

  it('the old format is not readable without its migration', () => {
    const issues = restoreIssues(oldDocument(released));
    expect(issues[0]?.path).toBe('snapshot.violations');
  });

  it('migrates a version-1 document to the current version 2', () => {
    const restored = restoreWith(oldDocument(released), { 1: addViolations }, 2);
    expect(restored).toStrictEqual(released);
  });

  it('applies migrations one version at a time, in order', () => {
    const calls: number[] = [];
    const migrations: Record<number, Migration> = {
      1: (s) => {
        calls.push(1);
        return { ...s, violations: ['from v1'] };
      },
      2: (s) => {
        calls.push(2);
        return { ...s, violations: [...(s.violations as string[]), 'from v2'] };
      },
    };
    const restored = restoreWith(oldDocument(released), migrations, 3);
    expect(calls).toEqual([1, 2]);
    expect(restored.violations).toEqual(['from v1', 'from v2']);
    calls.length = 0;
    // A version-2 document already has `violations`; only the migration from 2 applies to it.
    expect(restoreWith(forge(plain(released), { version: 2 }), migrations, 3).violations).toEqual(['from v2']);
    expect(calls).toEqual([2]);
  });

  it('reports a missing migration step', () => {
    const none = restoreIssues(oldDocument(released), (text) => restoreWith(text, {}, 2));
    expect(none).toEqual([{ path: 'version', message: 'no migration from snapshot version 1' }]);
    const gap = restoreIssues(oldDocument(released), (text) => restoreWith(text, { 1: addViolations }, 3));
    expect(gap).toEqual([{ path: 'version', message: 'no migration from snapshot version 2' }]);
  });

  it('checks the migrated snapshot like any other', () => {
    const broken: Migration = (s) => ({ ...s, violations: 'none' });
    const issues = restoreIssues(oldDocument(released), (text) => restoreWith(text, { 1: broken }, 2));
    expect(issues[0]?.path).toBe('snapshot.violations');
  });

  it('rejects a document newer than the current version', () => {
    const issues = restoreIssues(oldDocument(released, 3), (text) => restoreWith(text, { 1: addViolations }, 2));
    expect(issues[0]?.path).toBe('version');
    expect(issues[0]?.message).toContain('upgrade release-guard');
    expect(issues[0]?.message).toContain('up to version 2');
  });
});

describe('snapshot size stays bounded', () => {
  const hex = (n: number) => n.toString(16).padStart(40, '0');

  const REVIEW_OFFSET: Record<string, number> = { review: 0, extra: 1, outsider: 2 };

  function expectWithinLimits(snapshot: GuardSnapshot): void {
    for (const [key, max] of Object.entries(LIMITS) as [keyof typeof LIMITS, number][]) {
      expect((snapshot[key] ?? []).length, key).toBeLessThanOrEqual(max);
    }
  }

  /**
   * 600 events: head changes, approvals with distinct review ids, runs that start and fail, unapproved
   * runs, verifications, merge refusals and retries. `text` makes every free-form field as long as
   * `parseEvent` allows, `id` every id.
   */
  function adversarialHistory(text: (n: number) => string, id: (prefix: string, n: number) => string | number) {
    const pr = releasePr({ headSha: hex(1) });
    let snapshot = guard.start(pr).snapshot;
    let head = hex(1);
    let largest = 0;
    let count = 0;
    const deliver = (event: GuardEvent) => {
      snapshot = guard.next(snapshot, event).snapshot;
      count++;
      const length = guard.serialize(snapshot).length;
      largest = Math.max(largest, length);
      expectWithinLimits(snapshot);
    };
    for (let i = 0; count < 600; i++) {
      if (i % 4 === 0) {
        head = hex(1000 + i);
        deliver({ type: 'HEAD_CHANGED', sha: head });
        deliver({ type: 'RELEASE_STARTED', sha: head, runId: id('unapproved', i) });
        deliver({ type: 'RELEASE_STARTED', sha: head, runId: id('unapproved', i + 1) });
      }
      const reviewer = text(MAX_ID_LENGTH);
      deliver({ type: 'APPROVED', sha: head, reviewId: id('review', i), reviewer, authorized: true });
      deliver({ type: 'APPROVED', sha: head, reviewId: id('extra', i), reviewer, authorized: true });
      deliver({ type: 'APPROVED', sha: head, reviewId: id('outsider', i), reviewer, authorized: false });
      if (i % 2 === 0) {
        deliver({ type: 'RELEASE_STARTED', sha: head, runId: id('run', i) });
        deliver({ type: 'RELEASE_FAILED', sha: head, runId: id('run', i), reason: text(4096) });
      } else {
        deliver({ type: 'RELEASE_STARTED', sha: head, runId: id('run', i) });
        deliver({ type: 'RELEASE_SUCCEEDED', sha: head, runId: id('run', i) });
        deliver({ type: 'ARTIFACT_VERIFIED', sha: head, name: 'image', digest: text(150) });
        deliver({ type: 'MERGE_REJECTED', sha: head, reason: 'not-mergeable', message: text(4096) });
        deliver({ type: 'RETRY' });
        deliver({ type: 'MERGE_REJECTED', sha: head, reason: 'forbidden', message: text(4096) });
      }
    }
    // The history must actually have filled the lists, or the bound proves nothing.
    expect(snapshot.seenReviews).toHaveLength(LIMITS.seenReviews);
    expect(snapshot.finishedRuns).toHaveLength(LIMITS.finishedRuns);
    expect(snapshot.releasedShas).toHaveLength(LIMITS.releasedShas);
    expect(snapshot.timeline).toHaveLength(LIMITS.timeline);
    expect(snapshot.alertedRuns).toHaveLength(LIMITS.alertedRuns);
    expect(snapshot.epoch).toBeGreaterThan(LIMITS.releasedShas * 2);
    return { snapshot, largest };
  }

  it('stays under 32 KiB after 600 events with many distinct review ids, runs and head changes', () => {
    const { snapshot, largest } = adversarialHistory(
      () => 'boom',
      (prefix, n) =>
        prefix.endsWith('run') || prefix === 'unapproved'
          ? `${prefix}-${n}`
          : 1_000_000_000 + n * 3 + REVIEW_OFFSET[prefix]!,
    );
    expect(MAX_SNAPSHOT_LENGTH).toBe(32 * 1024);
    expect(largest).toBeLessThan(32 * 1024);
    expect(guard.serialize(guard.restore(guard.serialize(snapshot)))).toBe(guard.serialize(snapshot));
  });

  it('stays under 32 KiB even when every id and text is as long as events allow', () => {
    const { snapshot, largest } = adversarialHistory(
      (n) => 'x'.repeat(n),
      (prefix, n) => `${prefix}-${n}-`.padEnd(MAX_ID_LENGTH, 'x'),
    );
    expect(largest).toBeLessThan(32 * 1024);
    expect(guard.serialize(guard.restore(guard.serialize(snapshot)))).toBe(guard.serialize(snapshot));
  });
});
