import { createGuard, type GuardEvent, type GuardSnapshot, GuardStateError, renderTimeline } from '@release-guard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMMENT_LIMIT,
  parseTimelineComment,
  RECOVERING_LINE,
  renderTimelineComment,
  TIMELINE_MARKER,
} from '../src/index.js';

const SHA = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const guard = createGuard();
const pr = { number: 3906, headRef: 'releases/v0.29.0', headSha: SHA, baseRef: 'main', fromFork: false };

function after(events: readonly GuardEvent[]): GuardSnapshot {
  let snapshot = guard.start(pr).snapshot;
  for (const event of events) snapshot = guard.next(snapshot, event).snapshot;
  return snapshot;
}

const HOSTILE = '--> <!-- release-guard:state v1 sha=bbbbbbb e30= --> <img src=x onerror=alert(1)> @octocat';
/** Snapshots whose text fields carry what an attacker controls: a reviewer login, a failure reason, a merger. */
const SNAPSHOTS: readonly GuardSnapshot[] = [
  after([]),
  after([{ type: 'APPROVED', sha: SHA, reviewId: 1, reviewer: '<!--x-->@evil', authorized: true }]),
  after([
    { type: 'APPROVED', sha: SHA, reviewId: 1, reviewer: 'maintainer', authorized: true },
    { type: 'RELEASE_FAILED', sha: SHA, runId: 7, reason: HOSTILE },
  ]),
  after([{ type: 'MERGED', sha: SHA, by: '--><!-- release-guard:state' }]),
];
const BASE = SNAPSHOTS[0] as GuardSnapshot;

/** The comment the guard writes for `snapshot`, as `runGuard` writes it. */
const comment = (snapshot: GuardSnapshot, body = renderTimeline(snapshot)) =>
  renderTimelineComment(body, snapshot, guard.serialize(snapshot));

const written = comment(BASE);
const encoded = Buffer.from(guard.serialize(BASE), 'utf8').toString('base64');
const marker = (sha: string, base64: string, version = 'v1') =>
  `<!-- release-guard:state ${version} sha=${sha} ${base64} -->`;
const forgedSnapshot = guard.serialize(after([{ type: 'HEAD_CHANGED', sha: OTHER }]));
const forgedMarker = marker(OTHER, Buffer.from(forgedSnapshot).toString('base64'));

/** Comments as a human or an attacker may leave the guard's comment: each must be refused, with a reason. */
const EDITED: readonly { description: string; body: string }[] = [
  { description: 'another comment that only quotes the marker', body: `Look: ${written}` },
  {
    description: 'the marker without its inner spaces',
    body: written.replace(TIMELINE_MARKER, '<!--release-guard:timeline-->'),
  },
  {
    description: 'the marker in another case',
    body: written.replace('release-guard:timeline', 'Release-Guard:timeline'),
  },
  { description: 'a blank line before the marker', body: `\n${written}` },
  { description: 'the marker and nothing else', body: TIMELINE_MARKER },
  {
    description: 'the visible timeline kept, the snapshot deleted',
    body: written.replace(/\n<!-- release-guard:state[\s\S]*$/, ''),
  },
  { description: 'truncated inside the base64', body: written.slice(0, written.length - 40) },
  { description: 'truncated before the comment closes', body: written.slice(0, -4) },
  {
    description: 'base64 with a character outside the alphabet',
    body: written.replace(encoded, `${encoded.slice(0, 8)}!${encoded.slice(9)}`),
  },
  {
    description: 'base64url instead of base64',
    body: written.replace(encoded, `${encoded.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}-_`),
  },
  {
    description: 'base64 padding in the middle',
    body: written.replace(encoded, `${encoded.slice(0, 8)}=${encoded.slice(8)}`),
  },
  { description: 'base64 without its padding', body: written.replace(encoded, `${encoded.replace(/=+$/, '')}A`) },
  {
    description: 'base64 of bytes that are not UTF-8',
    body: written.replace(encoded, Buffer.from([0xff, 0xfe, 0xfd, 0x00]).toString('base64')),
  },
  { description: 'a second snapshot marker appended', body: `${written}\n${forgedMarker}` },
  {
    description: 'a second snapshot marker before the real one',
    body: written.replace('\n<!-- release-guard:state', `\n${forgedMarker}\n<!-- release-guard:state`),
  },
  {
    description: 'a second, malformed snapshot marker',
    body: `${written}\n<!--release-guard:state v1 sha=${OTHER} -->`,
  },
  { description: 'the marker naming another head SHA', body: written.replace(`sha=${SHA}`, `sha=${OTHER}`) },
  {
    description: 'the marker naming a shortened head SHA',
    body: written.replace(`sha=${SHA}`, `sha=${SHA.slice(0, 7)}`),
  },
  { description: 'the head SHA in upper case', body: written.replace(`sha=${SHA}`, `sha=${SHA.toUpperCase()}`) },
  { description: 'a marker version from the future', body: written.replace('state v1 ', 'state v2 ') },
  { description: 'a marker version with a leading zero', body: written.replace('state v1 ', 'state v01 ') },
  {
    description: 'a body longer than GitHub allows',
    body: `${TIMELINE_MARKER}\n${'x'.repeat(COMMENT_LIMIT)}\n${marker(SHA, encoded)}`,
  },
  {
    description: 'a snapshot swapped for another one, marker SHA kept',
    body: written.replace(encoded, Buffer.from(forgedSnapshot).toString('base64')),
  },
];

/** Edits that still parse, but whose snapshot text `guard.restore` refuses: never a different snapshot. */
const RESTORE_REFUSES: readonly { description: string; body: string }[] = [
  { description: 'base64 of plain text', body: written.replace(encoded, Buffer.from('forged').toString('base64')) },
  {
    description: 'base64 of a snapshot with one character changed',
    body: written.replace(
      encoded,
      Buffer.from(guard.serialize(BASE).replace('"epoch":1', '"epoch":2')).toString('base64'),
    ),
  },
  { description: 'base64 of an empty text', body: written.replace(encoded, '') },
];

describe('timeline comments edited by hand or by an attacker', () => {
  it('the comment the guard writes parses back to exactly its snapshot', () => {
    expect(parseTimelineComment(written)).toEqual({ found: true, serialized: guard.serialize(BASE), headSha: SHA });
  });

  for (const { description, body } of EDITED) {
    it(`refuses ${description}`, () => {
      const parsed = parseTimelineComment(body);
      expect(parsed.found).toBe(false);
      if (parsed.found) return;
      expect(parsed.problem).toMatch(/^[^\n]{10,200}$/);
      expect(parsed.problem).not.toContain('<');
    });
  }

  for (const { description, body } of RESTORE_REFUSES) {
    it(`never trusts ${description}: the snapshot text is refused by guard.restore`, () => {
      const parsed = parseTimelineComment(body);
      if (!parsed.found) return expect(parsed.problem.length).toBeGreaterThan(0);
      expect(() => guard.restore(parsed.serialized)).toThrow(GuardStateError);
    });
  }

  it('keeps the snapshot when only the visible timeline was edited (the snapshot is checked by restore)', () => {
    const body = written.replace('### release-guard', '### edited by a human <img src=x>');
    expect(parseTimelineComment(body)).toEqual({ found: true, serialized: guard.serialize(BASE), headSha: SHA });
  });
});

describe('a rendered comment with hostile text', () => {
  for (const [i, snapshot] of SNAPSHOTS.entries()) {
    it(`parses back to its own snapshot, whatever the rendered text holds (snapshot ${i + 1})`, () => {
      const serialized = guard.serialize(snapshot);
      for (const body of [renderTimeline(snapshot), HOSTILE, `${forgedMarker}\n${TIMELINE_MARKER}`, forgedMarker]) {
        const rendered = renderTimelineComment(body, snapshot, serialized);
        expect(rendered.length).toBeLessThanOrEqual(COMMENT_LIMIT);
        expect(parseTimelineComment(rendered)).toEqual({ found: true, serialized, headSha: snapshot.headSha });
        expect(guard.restore(serialized)).toEqual(snapshot);
      }
    });
  }

  it('refuses a snapshot that cannot fit in a comment instead of cutting it', () => {
    const serialized = 'x'.repeat(COMMENT_LIMIT);
    expect(() => renderTimelineComment('timeline', BASE, serialized)).toThrow(/does not fit/);
  });
});

/** Text with the pieces of markers, comments and base64 in it, and whole forged markers. */
const markerText = fc.string({
  unit: fc.constantFrom(
    forgedMarker,
    marker(SHA, Buffer.from(forgedSnapshot).toString('base64')),
    '<!--',
    '-->',
    ' ',
    '\n',
    'release-guard:state',
    'release-guard:timeline',
    ' v1 ',
    'sha=',
    SHA,
    OTHER,
    encoded.slice(0, 12),
    'e30=',
    '=',
    '`',
    '<img src=x>',
    'x',
  ),
  maxLength: 40,
});

describe('fuzzing the timeline comment codec with fast-check', () => {
  it('never throws on any text, and a refusal always says why', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          markerText,
          markerText.map((t) => `${TIMELINE_MARKER}${t}`),
        ),
        (body) => {
          const parsed = parseTimelineComment(body);
          if (!parsed.found) expect(parsed.problem.length).toBeGreaterThan(0);
          else expect(parsed.headSha).toMatch(/^[0-9a-f]{7,64}$/);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('an edited comment never parses into a snapshot other than the one the guard wrote', () => {
    const edit = fc.record({
      snapshot: fc.constantFrom(...SNAPSHOTS),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      cut: fc.nat(30),
      insert: fc.oneof(fc.string({ maxLength: 4 }), markerText),
    });
    fc.assert(
      fc.property(edit, ({ snapshot, at, cut, insert }) => {
        const body = comment(snapshot);
        const i = Math.floor(at * body.length);
        const parsed = parseTimelineComment(body.slice(0, i) + insert + body.slice(i + cut));
        if (!parsed.found) return;
        let restored: GuardSnapshot;
        try {
          restored = guard.restore(parsed.serialized);
        } catch (error) {
          expect(error).toBeInstanceOf(GuardStateError);
          return;
        }
        expect(restored).toEqual(snapshot);
        expect(parsed.headSha).toBe(snapshot.headSha);
      }),
      { numRuns: 400 },
    );
  });

  it('renders any hostile body under GitHub’s limit, and it parses back to the snapshot', () => {
    const body = fc.oneof(
      markerText,
      fc.tuple(markerText, fc.integer({ min: 1, max: 20_000 })).map(([text, times]) => (text || '<!--').repeat(times)),
    );
    fc.assert(
      fc.property(fc.constantFrom(...SNAPSHOTS), body, (snapshot, text) => {
        const serialized = guard.serialize(snapshot);
        const rendered = renderTimelineComment(text, snapshot, serialized);
        expect(rendered.length).toBeLessThanOrEqual(COMMENT_LIMIT);
        expect(rendered.startsWith(TIMELINE_MARKER)).toBe(true);
        expect(parseTimelineComment(rendered)).toEqual({ found: true, serialized, headSha: snapshot.headSha });
      }),
      { numRuns: 150 },
    );
  });
});

describe('the way out of a failed release or a bypass', () => {
  const [prepared, approved, failed, bypassed] = SNAPSHOTS as [
    GuardSnapshot,
    GuardSnapshot,
    GuardSnapshot,
    GuardSnapshot,
  ];

  it('links Recovering while the release failed or after a bypass, and only then', () => {
    expect(failed.phase).toBe('failed');
    expect(bypassed.violations).toHaveLength(1);
    for (const snapshot of [failed, bypassed]) {
      expect(comment(snapshot).split('\n').at(-2)).toBe(RECOVERING_LINE);
    }
    for (const snapshot of [prepared, approved]) expect(comment(snapshot)).not.toContain(RECOVERING_LINE);
  });

  it('keeps the link when a long timeline is shortened, and the comment still parses back', () => {
    const long = comment(failed, 'x'.repeat(COMMENT_LIMIT));
    expect(long.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(long).toContain('_(timeline shortened)_');
    expect(long.split('\n').at(-2)).toBe(RECOVERING_LINE);
    expect(parseTimelineComment(long)).toMatchObject({ found: true, serialized: guard.serialize(failed) });
  });
});
