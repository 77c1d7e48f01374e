import {
  EVENT_TYPES,
  type GuardEvent,
  GuardEventError,
  type GuardSnapshot,
  type InputIssue,
  MAX_ID_LENGTH,
  MAX_RELEASERS,
  type PullRequest,
  parseEvent,
  type Step,
} from '@release-guard/core';
import { DEFAULT_SHAS, eventSequence, guardEvent, runEvents } from '@release-guard/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { issue, issuesOf, releasePr, SHA, seedGuard } from './support/fixtures.js';

const guard = seedGuard();

function snapshotAfter(events: readonly GuardEvent[]): GuardSnapshot {
  let snapshot = guard.start(releasePr()).snapshot;
  for (const event of events) snapshot = guard.next(snapshot, event).snapshot;
  return snapshot;
}

const TO_RELEASED: GuardEvent[] = [
  { type: 'APPROVED', sha: SHA.a, reviewId: 1, reviewer: 'maintainer', authorized: true },
  { type: 'RELEASE_STARTED', sha: SHA.a, runId: 'run-1' },
  { type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: 'run-1' },
  { type: 'ARTIFACT_VERIFIED', sha: SHA.a, name: 'image', digest: 'sha256:1' },
];

const SNAPSHOTS: Record<string, GuardSnapshot> = {
  prepared: snapshotAfter([]),
  released: snapshotAfter(TO_RELEASED),
  merged: snapshotAfter([...TO_RELEASED, { type: 'MERGED', sha: SHA.a, by: 'release-bot' }]),
  closed: snapshotAfter([{ type: 'CLOSED' }]),
  skipped: guard.start(releasePr({ headRef: 'feature/x' })).snapshot,
};

/** Expects `guard.next(snapshot, event)` to throw `GuardEventError` without touching `snapshot`; returns the issues. */
function rejected(
  event: unknown,
  snapshot: GuardSnapshot = SNAPSHOTS.prepared as GuardSnapshot,
): readonly InputIssue[] {
  const before = structuredClone(snapshot);
  const issues = issuesOf(GuardEventError, () => guard.next(snapshot, event as GuardEvent));
  expect(snapshot).toStrictEqual(before);
  return issues;
}

const approved = (overrides: Record<string, unknown> = {}) => ({
  type: 'APPROVED',
  sha: SHA.a,
  reviewId: 7,
  reviewer: 'maintainer',
  authorized: true,
  ...overrides,
});

describe('guard.next rejects malformed events', () => {
  it('rejects an unknown type and lists the known ones', () => {
    expect(rejected({ type: 'APPROVE', sha: SHA.a })).toEqual([issue('type', 'HEAD_CHANGED', 'TIMED_OUT', 'APPROVE')]);
    expect(rejected({ type: 'approved' })).toEqual([issue('type', 'APPROVED', '"approved"')]);
  });

  it('rejects an event without a type', () => {
    expect(rejected({ sha: SHA.a })).toEqual([issue('type', 'expected one of', 'nothing')]);
  });

  it('rejects a missing sha', () => {
    expect(rejected({ type: 'HEAD_CHANGED' })).toEqual([issue('sha', 'non-empty string', 'nothing')]);
    expect(rejected({ type: 'RELEASE_STARTED', runId: 'run-1' })).toEqual([issue('sha', 'non-empty string')]);
  });

  it('rejects an uppercase sha', () => {
    expect(rejected({ type: 'HEAD_CHANGED', sha: 'A'.repeat(40) })).toEqual([
      issue('sha', 'lowercase hexadecimal commit SHA', 'AAAA'),
    ]);
  });

  it('rejects a sha that is too short, too long or not hexadecimal', () => {
    expect(rejected({ type: 'HEAD_CHANGED', sha: 'abc12' })).toEqual([issue('sha', 'lowercase hexadecimal', 'abc12')]);
    expect(rejected({ type: 'HEAD_CHANGED', sha: 'a'.repeat(65) })).toEqual([issue('sha', 'lowercase hexadecimal')]);
    expect(rejected({ type: 'TIMED_OUT', sha: 'main' })).toEqual([issue('sha', 'lowercase hexadecimal', 'main')]);
    expect(rejected({ type: 'REOPENED', sha: 7 })).toEqual([issue('sha', 'non-empty string', 'number 7')]);
  });

  it('rejects a wrongly typed authorized', () => {
    expect(rejected(approved({ authorized: 'yes' }))).toEqual([issue('authorized', 'true or false', 'yes')]);
    expect(rejected(approved({ authorized: 1 }))).toEqual([issue('authorized', 'true or false', 'number 1')]);
    expect(rejected(approved({ authorized: undefined }))).toEqual([issue('authorized', 'true or false', 'nothing')]);
  });

  it('rejects an unknown extra field and lists the allowed ones', () => {
    expect(rejected(approved({ approved: true }))).toEqual([issue('approved', 'unknown field', 'reviewer')]);
    expect(rejected({ type: 'RETRY', force: true })).toEqual([issue('force', 'unknown field', 'type, at')]);
    expect(rejected({ type: 'CLOSED', sha: SHA.a })).toEqual([issue('sha', 'unknown field')]);
  });

  it('rejects MERGE_REJECTED with a bad reason and lists the valid ones', () => {
    const event = { type: 'MERGE_REJECTED', sha: SHA.a, reason: 'conflict', message: 'merge conflict' };
    expect(rejected(event, SNAPSHOTS.released)).toEqual([
      issue('reason', "'head-changed', 'not-mergeable', 'forbidden'", 'conflict'),
    ]);
  });

  it('rejects an empty or missing reviewer', () => {
    expect(rejected(approved({ reviewer: '' }))).toEqual([issue('reviewer', 'non-empty string', 'an empty string')]);
    expect(rejected({ type: 'APPROVAL_DISMISSED', reviewId: 7 })).toEqual([issue('reviewer', 'non-empty string')]);
  });

  it('rejects bad ids', () => {
    expect(rejected(approved({ reviewId: -1 }))).toEqual([issue('reviewId', 'expected an id')]);
    expect(rejected(approved({ reviewId: 1.5 }))).toEqual([issue('reviewId', 'expected an id')]);
    expect(rejected(approved({ reviewId: '' }))).toEqual([issue('reviewId', 'expected an id')]);
    expect(rejected({ type: 'RELEASE_STARTED', sha: SHA.a, runId: null })).toEqual([
      issue('runId', 'expected an id', 'null'),
    ]);
    expect(rejected({ type: 'RELEASE_STARTED', sha: SHA.a, runId: '7.2', rerunOf: '' })).toEqual([
      issue('rerunOf', 'expected an id'),
    ]);
    expect(rejected({ type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: '7.2', rerunOf: '7.1' })).toEqual([
      issue('rerunOf', 'unknown field'),
    ]);
  });

  it('rejects a bad `at`', () => {
    expect(rejected({ type: 'CLOSED', at: 1700000000 })).toEqual([issue('at', 'non-empty string')]);
    expect(rejected({ type: 'CLOSED', at: 'x'.repeat(65) })).toEqual([issue('at', 'at most 64 characters')]);
  });

  it('rejects texts longer than the limit', () => {
    const event = { type: 'RELEASE_FAILED', sha: SHA.a, runId: 'run-1', reason: 'x'.repeat(4097) };
    expect(rejected(event)).toEqual([issue('reason', 'at most 4096 characters')]);
  });

  it('rejects values that are not objects', () => {
    expect(rejected(null)).toEqual([issue('', 'expected an object', 'null')]);
    expect(rejected('CLOSED')).toEqual([issue('', 'expected an object', '"CLOSED"')]);
    expect(rejected([{ type: 'CLOSED' }])).toEqual([issue('', 'expected an object', 'an array')]);
    expect(rejected(undefined)).toEqual([issue('', 'expected an object', 'nothing')]);
    expect(rejected(42)).toEqual([issue('', 'expected an object', 'number 42')]);
  });

  it('reports every bad field of one event at once, naming the event type', () => {
    let caught: unknown;
    try {
      guard.next(
        SNAPSHOTS.prepared as GuardSnapshot,
        {
          type: 'APPROVED',
          sha: 'XYZ',
          reviewer: '',
          authorized: 'yes',
          extra: 1,
        } as unknown as GuardEvent,
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GuardEventError);
    const error = caught as GuardEventError;
    expect(error.message).toMatch(/APPROVED/);
    expect(error.issues.map((i) => i.path).sort()).toEqual(['authorized', 'extra', 'reviewId', 'reviewer', 'sha']);
  });

  it('rejects malformed events in every phase, merged included', () => {
    for (const [phase, snapshot] of Object.entries(SNAPSHOTS)) {
      expect(snapshot.phase).toBe(phase);
      expect(rejected({ type: 'HEAD_CHANGED', sha: 'nope' }, snapshot)).toEqual([
        issue('sha', 'lowercase hexadecimal'),
      ]);
      expect(rejected(null, snapshot)).toEqual([issue('', 'expected an object')]);
    }
  });

  it('parseEvent returns a well-formed event unchanged', () => {
    const event = approved({ at: '2024-05-01T10:00:00Z' });
    expect(parseEvent(event)).toBe(event);
    for (const valid of TO_RELEASED) expect(parseEvent(valid)).toBe(valid);
    const rerun = { type: 'RELEASE_STARTED', sha: SHA.a, runId: '7.2', rerunOf: '7.1' } as const;
    expect(parseEvent(rerun)).toBe(rerun);
  });
});

describe('the version a run releases and the ref an artifact answer looked up', () => {
  it('are optional fields of the run and artifact events, checked', () => {
    const run = { type: 'RELEASE_SUCCEEDED', sha: SHA.a, runId: 7, version: '1.2.0' };
    expect(parseEvent(run)).toBe(run);
    const answer = { type: 'ARTIFACT_MISSING', sha: SHA.a, name: 'image', reason: 'no', ref: 'ghcr.io/a:1.2.0' };
    expect(parseEvent(answer)).toBe(answer);
    expect(rejected({ type: 'RELEASE_STARTED', sha: SHA.a, runId: 7, version: '' })).toEqual([
      issue('version', 'non-empty string'),
    ]);
    expect(rejected({ type: 'ARTIFACT_VERIFIED', sha: SHA.a, name: 'image', digest: 'd', ref: 7 })).toEqual([
      issue('ref', 'non-empty string', 'number 7'),
    ]);
    expect(rejected({ type: 'TIMED_OUT', sha: SHA.a, version: '1.2.0' })).toEqual([issue('version', 'unknown field')]);
  });
});

describe('the facts of a head on HEAD_CHANGED and REOPENED', () => {
  const files = [{ path: 'CHANGELOG.md', previousPath: 'NEWS.md' }];

  it('are accepted on the events that move the head, and refused on any other', () => {
    const moved = { type: 'HEAD_CHANGED', sha: SHA.b, title: 'chore: release 1.0.0', files, filesComplete: true };
    expect(parseEvent(moved)).toBe(moved);
    const reopened = { type: 'REOPENED', sha: SHA.a, contents: { 'package.json': null, VERSION: '' } };
    expect(parseEvent(reopened)).toBe(reopened);
    expect(rejected(approved({ title: 'x' }))).toEqual([issue('title', 'unknown field')]);
  });

  it('name every bad field', () => {
    expect(rejected({ type: 'HEAD_CHANGED', sha: SHA.b, files })).toEqual([
      issue('filesComplete', 'files and filesComplete together'),
    ]);
    expect(
      rejected({
        type: 'HEAD_CHANGED',
        sha: SHA.b,
        title: '',
        files: [{ path: '' }, { path: 'a', renamedFrom: 'b' }, 'c'],
        filesComplete: 'yes',
        contents: { 'package.json': 42, '': 'x' },
      }),
    ).toEqual([
      issue('title', 'non-empty string'),
      issue('filesComplete', 'true or false'),
      issue('files.0.path', 'non-empty string'),
      issue('files.1.renamedFrom', 'unknown field'),
      issue('files.2', 'an object'),
      issue('contents.package.json', "the file's text", 'number 42'),
      issue('contents.', 'a file path as the key'),
    ]);
    expect(
      rejected({ type: 'HEAD_CHANGED', sha: SHA.b, files: Array(3001).fill({ path: 'a' }), filesComplete: false }),
    ).toEqual([issue('files', 'at most 3000')]);
  });
});

describe('guard.start rejects malformed pull requests', () => {
  function startIssues(pr: unknown): readonly InputIssue[] {
    const before = structuredClone(pr);
    const issues = issuesOf(GuardEventError, () => guard.start(pr as PullRequest));
    expect(pr).toStrictEqual(before);
    return issues;
  }

  it('rejects branch names git would refuse, so they cannot reach the timeline comment', () => {
    for (const headRef of ['releases/v1\n### pwned', 'a b', 'x~1']) {
      expect(startIssues(releasePr({ headRef }))).toEqual([issue('headRef', 'a git branch name')]);
    }
    // Valid in git, and shown only inside a code span, where Markdown and HTML are inert.
    const step = guard.start(releasePr({ headRef: 'releases/<b>x' }));
    const comment = step.effects.find((e) => e.type === 'COMMENT');
    expect(comment?.type === 'COMMENT' && comment.body).toContain('`releases/<b>x`');
  });

  it('rejects number 0', () => {
    expect(startIssues(releasePr({ number: 0 }))).toEqual([issue('number', 'integer of at least 1', 'number 0')]);
    expect(startIssues(releasePr({ number: 1.5 }))).toEqual([issue('number', 'integer of at least 1')]);
  });

  it('rejects a missing headSha', () => {
    const { headSha: _omitted, ...pr } = releasePr();
    expect(startIssues(pr)).toEqual([issue('headSha', 'non-empty string', 'nothing')]);
    expect(startIssues(releasePr({ headSha: 'HEAD' }))).toEqual([issue('headSha', 'lowercase hexadecimal', 'HEAD')]);
  });

  it("rejects fromFork: 'no'", () => {
    expect(startIssues({ ...releasePr(), fromFork: 'no' })).toEqual([issue('fromFork', 'true or false', '"no"')]);
  });

  it('rejects unknown fields, bad versions and non-objects', () => {
    expect(startIssues({ ...releasePr(), head_sha: SHA.a })).toEqual([issue('head_sha', 'unknown field', 'headSha')]);
    expect(startIssues({ ...releasePr(), versions: { chart: 4 } })).toEqual([
      issue('versions.chart', 'non-empty string', 'number 4'),
    ]);
    expect(startIssues({ ...releasePr(), versions: ['4.0.27'] })).toEqual([issue('versions', 'expected an object')]);
    expect(startIssues(null)).toEqual([issue('', 'expected an object', 'null')]);
  });

  it('rejects releasers that are not a short list of logins', () => {
    expect(startIssues({ ...releasePr(), releasers: 'alice' })).toEqual([
      issue('releasers', 'expected an array', '"alice"'),
    ]);
    const many = Array.from({ length: MAX_RELEASERS + 1 }, (_, i) => `releaser-${i}`);
    expect(startIssues(releasePr({ releasers: many }))).toEqual([
      issue('releasers', `at most ${MAX_RELEASERS} entries`, `got ${MAX_RELEASERS + 1}`),
    ]);
    expect(startIssues({ ...releasePr(), releasers: ['alice', 7, '', 'x'.repeat(MAX_ID_LENGTH + 1)] })).toEqual([
      issue('releasers.1', 'non-empty string', 'number 7'),
      issue('releasers.2', 'non-empty string', 'an empty string'),
      issue('releasers.3', `at most ${MAX_ID_LENGTH} characters`),
    ]);
  });

  it('reports every bad field at once', () => {
    const issues = startIssues({ number: 0, headRef: '', baseRef: 'main', fromFork: 'no' });
    expect(issues.map((i) => i.path).sort()).toEqual(['fromFork', 'headRef', 'headSha', 'number']);
  });
});

const PRS: readonly PullRequest[] = [
  releasePr(),
  releasePr({ fromFork: true }),
  releasePr({ headRef: 'feature/x', version: undefined, versions: undefined }),
];

const ANYTHING = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

/** Objects close to real events: a real type with a random mix of real and bogus fields. */
const NEAR_EVENT = fc
  .tuple(
    fc.constantFrom(...EVENT_TYPES),
    fc.dictionary(
      fc.constantFrom(
        'at',
        'sha',
        'reviewId',
        'reviewer',
        'authorized',
        'runId',
        'reason',
        'name',
        'digest',
        'by',
        'message',
        'extra',
      ),
      fc.oneof(
        fc.constantFrom(...DEFAULT_SHAS),
        fc.constantFrom('A'.repeat(40), '', 'forbidden', 'head-changed', 'image', -1, 0, 7, 1.5),
        fc.boolean(),
        fc.string(),
        ANYTHING,
      ),
    ),
  )
  .map(([type, fields]) => ({ ...fields, type }));

/** Calls `guard.next` and returns the step, or the error thrown; asserts the snapshot is left as it was. */
function attempt(snapshot: GuardSnapshot, event: unknown): Step | { error: unknown } {
  const before = structuredClone(snapshot);
  try {
    return guard.next(snapshot, event as GuardEvent);
  } catch (error) {
    return { error };
  } finally {
    expect(snapshot).toStrictEqual(before);
  }
}

describe('guard.next on arbitrary input', () => {
  const snapshots = Object.values(SNAPSHOTS);

  it('either returns a step or throws GuardEventError, for arbitrary values', () => {
    fc.assert(
      fc.property(fc.constantFrom(...snapshots), fc.oneof(ANYTHING, fc.object(), fc.jsonValue()), (snapshot, value) => {
        const outcome = attempt(snapshot, value);
        if ('error' in outcome) {
          expect(outcome.error).toBeInstanceOf(GuardEventError);
          expect((outcome.error as GuardEventError).issues.length).toBeGreaterThan(0);
        } else {
          expect(Array.isArray(outcome.effects)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('either returns a step or throws GuardEventError, for objects close to real events', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.constantFrom(...snapshots), NEAR_EVENT, (snapshot, value) => {
        const outcome = attempt(snapshot, value);
        if ('error' in outcome) {
          refused++;
          expect(outcome.error).toBeInstanceOf(GuardEventError);
          expect((outcome.error as GuardEventError).issues.length).toBeGreaterThan(0);
        } else {
          accepted++;
          expect(Array.isArray(outcome.effects)).toBe(true);
          expect(() => guard.restore(guard.serialize(outcome.snapshot))).not.toThrow();
        }
      }),
      { numRuns: 2000 },
    );
    // The generator must reach both outcomes, or the property says nothing about one of them.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('never throws for well-formed events from any reachable snapshot', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PRS),
        eventSequence({ minLength: 5, maxLength: 20 }),
        fc.array(guardEvent(), { minLength: 1, maxLength: 5 }),
        (pr, events, probes) => {
          const history = runEvents(guard, pr, events);
          const reached = [history.start.snapshot, ...history.deliveries.map((d) => d.step.snapshot)];
          for (const snapshot of reached) {
            for (const probe of probes) {
              const outcome = attempt(snapshot, probe);
              if ('error' in outcome) throw outcome.error;
              expect(Array.isArray(outcome.effects)).toBe(true);
              if (outcome.ignored !== undefined) {
                expect(outcome.ignored.length).toBeGreaterThan(0);
                expect(outcome.effects).toEqual([]);
              }
              expect(() => guard.restore(guard.serialize(outcome.snapshot))).not.toThrow();
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
