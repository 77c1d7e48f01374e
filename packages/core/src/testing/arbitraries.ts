import fc from 'fast-check';
import type { GuardEvent, MergeRejectionReason } from '../events.js';
import type { HeadFacts } from '../head-facts.js';

export interface EventSequenceOptions {
  /** Commit SHAs to draw from; the first is the pull request's initial head. Default: three SHAs. */
  shas?: readonly string[];
  /** Artifact names to verify or report missing. Default `['image']`. */
  artifacts?: readonly string[];
  /** Default 20. */
  minLength?: number;
  /** Default 100. */
  maxLength?: number;
  /** How many distinct review ids and run ids to draw from (small pools produce redeliveries). Default 6. */
  ids?: number;
  /**
   * Facts of a head (`HeadFacts`) for the events that move it to draw from: with them, a `HEAD_CHANGED`
   * or `REOPENED` may carry one, and edits (a `HEAD_CHANGED` of the head itself with facts: a title
   * edited, a base changed) are mixed in. Default none: the events carry no facts. See `SAMPLE_HEAD_FACTS`.
   */
  heads?: readonly HeadFacts[];
  /**
   * Whether to draw the merge queue's events too: the pull request entering (`ENQUEUED`) and leaving it
   * (`DEQUEUED`), merge groups (`MERGE_GROUP`, with group commits of their own), and merges refused
   * because the base branch requires the queue. Default false: the sequences of a seed are what they were.
   */
  queue?: boolean;
}

/**
 * Facts of heads that exercise recognition under the presets and `protectedPaths` such as
 * `['.release-please-manifest.json', '**' + '/CHANGELOG.md', 'package.json']`: titles with the version
 * 0.29.0 (also edited around it), another version or none; changed files that touch those paths or not,
 * a rename out of one, a list GitHub cut short; `package.json` with 0.29.0, 0.30.0 or missing.
 */
export const SAMPLE_HEAD_FACTS: readonly HeadFacts[] = [
  { title: 'chore(main): release 0.29.0' },
  { title: 'chore(main): release 0.29.0 (#3906)' },
  { title: 'chore(main): release 0.30.0-rc.1' },
  { title: 'chore: release main' },
  { files: [{ path: 'src/index.ts' }], filesComplete: true },
  { files: [{ path: 'src/index.ts' }, { path: 'docs/CHANGELOG.md' }], filesComplete: true },
  { files: [{ path: 'docs/manifest.json', previousPath: '.release-please-manifest.json' }], filesComplete: true },
  { files: [{ path: 'src/index.ts' }], filesComplete: false },
  { contents: { 'package.json': '{"name":"app","version":"0.29.0"}' } },
  { contents: { 'package.json': '{"name":"app","version":"0.30.0"}' } },
  { contents: { 'package.json': null } },
  {
    title: 'chore(main): release 0.29.0',
    files: [{ path: 'src/index.ts' }],
    filesComplete: true,
    contents: { 'package.json': '{"version":"0.29.0"}' },
  },
];

/** Three SHAs for property tests, easy to tell apart in a failing example. */
export const DEFAULT_SHAS: readonly string[] = ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)];

type Move =
  | {
      kind: 'event';
      type: GuardEvent['type'];
      stale: boolean;
      pick: number;
      id: number;
      authorized: boolean;
      text: number;
      /** The facts a head change or a reopening carries: an index into `heads`, none past its end. */
      facts?: number;
    }
  | { kind: 'edit'; facts: number }
  | { kind: 'duplicate' }
  | { kind: 'swap' };

const WEIGHTS: readonly [GuardEvent['type'], number][] = [
  ['HEAD_CHANGED', 4],
  ['APPROVED', 14],
  ['APPROVAL_DISMISSED', 3],
  ['RELEASE_STARTED', 10],
  ['RELEASE_SUCCEEDED', 12],
  ['RELEASE_FAILED', 3],
  ['ARTIFACT_VERIFIED', 12],
  ['ARTIFACT_MISSING', 2],
  ['MERGED', 2],
  ['MERGE_REJECTED', 5],
  ['CLOSED', 2],
  ['REOPENED', 3],
  ['RETRY', 8],
  ['TIMED_OUT', 2],
];

/** The merge queue's events, drawn with `queue`. */
const QUEUE_WEIGHTS: readonly [GuardEvent['type'], number][] = [
  ['ENQUEUED', 6],
  ['DEQUEUED', 4],
  ['MERGE_GROUP', 6],
];

const REASONS: readonly MergeRejectionReason[] = ['head-changed', 'not-mergeable', 'forbidden', 'merge-queue'];
const DEQUEUE_REASONS = ['the required check release failed', 'a merge conflict', 'removed by a maintainer'];

/**
 * Moves over `ids` review and run ids; with `heads` facts to draw from, events carry them and edits are
 * mixed in; with `queue`, the merge queue's events and its refusal of a direct merge.
 */
function moveArbitrary(ids: number, heads = 0, queue = false): fc.Arbitrary<Move> {
  const event = fc.oneof(
    ...[...WEIGHTS, ...(queue ? QUEUE_WEIGHTS : [])].map(([type, weight]) => ({
      weight,
      arbitrary: fc.record({
        kind: fc.constant('event' as const),
        type: fc.constant(type),
        stale: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        pick: fc.nat(7),
        id: fc.nat(ids - 1),
        authorized: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        text: fc.nat(queue ? 3 : 2),
      }),
    })),
  );
  // Without facts to draw from, the moves (and so the sequences of a seed) are what they always were.
  if (heads === 0) {
    return fc.oneof(
      { weight: 85, arbitrary: event },
      { weight: 10, arbitrary: fc.constant({ kind: 'duplicate' as const }) },
      { weight: 5, arbitrary: fc.constant({ kind: 'swap' as const }) },
    );
  }
  return fc.oneof(
    { weight: 85, arbitrary: fc.tuple(event, fc.nat(heads)).map(([move, facts]): Move => ({ ...move, facts })) },
    { weight: 8, arbitrary: fc.nat(heads - 1).map((facts): Move => ({ kind: 'edit', facts })) },
    { weight: 10, arbitrary: fc.constant({ kind: 'duplicate' as const }) },
    { weight: 5, arbitrary: fc.constant({ kind: 'swap' as const }) },
  );
}

/**
 * Sequences of guard events that exercise a release pull request: mostly events for the current head
 * (tracked through the sequence's own `HEAD_CHANGED` and `REOPENED`), with stale SHAs, unauthorized
 * approvals, redelivered events (`duplicate`) and swapped neighbours (reordering) mixed in.
 * Shrinking keeps the sequence meaningful because heads are resolved after shrinking.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(eventSequence(), (events) => {
 *   expect(checkInvariants(guard, runEvents(guard, pr, events))).toEqual([]);
 * }));
 * ```
 */
export function eventSequence(options: EventSequenceOptions = {}): fc.Arbitrary<GuardEvent[]> {
  const shas = options.shas ?? DEFAULT_SHAS;
  const artifacts = options.artifacts ?? ['image'];
  const ids = options.ids ?? 6;
  const minLength = options.minLength ?? 20;
  const maxLength = options.maxLength ?? 100;
  const heads = options.heads ?? [];
  if (shas.length < 2) throw new Error('eventSequence needs at least two SHAs to make stale events');
  return fc
    .array(moveArbitrary(ids, heads.length, options.queue), { minLength, maxLength, size: 'max' })
    .map((moves) => materialize(moves, shas, artifacts, heads));
}

function materialize(
  moves: readonly Move[],
  shas: readonly string[],
  artifacts: readonly string[],
  heads: readonly HeadFacts[],
): GuardEvent[] {
  const events: GuardEvent[] = [];
  let head = shas[0] as string;
  for (const move of moves) {
    if (move.kind === 'edit') {
      events.push({ type: 'HEAD_CHANGED', sha: head, ...heads[move.facts] });
      continue;
    }
    if (move.kind === 'duplicate') {
      const last = events.at(-1);
      if (last) events.push(last);
      continue;
    }
    if (move.kind === 'swap') {
      const n = events.length;
      if (n >= 2) [events[n - 2], events[n - 1]] = [events[n - 1] as GuardEvent, events[n - 2] as GuardEvent];
      continue;
    }
    const other = shas.filter((s) => s !== head);
    const otherSha = other[move.pick % other.length] as string;
    const sha = move.stale ? otherSha : head;
    const event = withFacts(build(move, sha, head, otherSha, artifacts), move, head, heads);
    if (event.type === 'HEAD_CHANGED' || event.type === 'REOPENED') head = event.sha;
    events.push(event);
  }
  return events;
}

/**
 * `event` with the facts the move draws, when it moves the head (a head change to another SHA, a
 * reopening): a head change naming the head again stays a redelivery that must change nothing.
 */
function withFacts(
  event: GuardEvent,
  move: Extract<Move, { kind: 'event' }>,
  head: string,
  heads: readonly HeadFacts[],
): GuardEvent {
  const facts = move.facts === undefined ? undefined : heads[move.facts];
  if (facts === undefined) return event;
  if ((event.type === 'HEAD_CHANGED' && event.sha !== head) || event.type === 'REOPENED') return { ...event, ...facts };
  return event;
}

function build(
  move: Extract<Move, { kind: 'event' }>,
  sha: string,
  head: string,
  otherSha: string,
  artifacts: readonly string[],
): GuardEvent {
  const name = artifacts.length > 0 ? (artifacts[move.pick % artifacts.length] as string) : 'image';
  switch (move.type) {
    case 'HEAD_CHANGED':
      // A "stale" head change names the current head again, which must change nothing.
      return { type: 'HEAD_CHANGED', sha: move.stale ? head : otherSha };
    case 'APPROVED':
      return {
        type: 'APPROVED',
        sha,
        reviewId: move.id + 1,
        reviewer: `reviewer${move.id}`,
        authorized: move.authorized,
      };
    case 'APPROVAL_DISMISSED':
      return { type: 'APPROVAL_DISMISSED', reviewId: move.id + 1, reviewer: `reviewer${move.id}` };
    case 'RELEASE_STARTED':
      return { type: 'RELEASE_STARTED', sha, runId: `run-${move.id}` };
    case 'RELEASE_SUCCEEDED':
      return { type: 'RELEASE_SUCCEEDED', sha, runId: `run-${move.id}` };
    case 'RELEASE_FAILED':
      return { type: 'RELEASE_FAILED', sha, runId: `run-${move.id}`, reason: 'job failed' };
    case 'ARTIFACT_VERIFIED':
      return { type: 'ARTIFACT_VERIFIED', sha, name, digest: `sha256:${'0'.repeat(63)}${move.text}` };
    case 'ARTIFACT_MISSING':
      return { type: 'ARTIFACT_MISSING', sha, name, reason: 'manifest unknown' };
    case 'MERGED':
      return { type: 'MERGED', sha, by: move.authorized ? 'release-bot' : 'releaser' };
    case 'MERGE_REJECTED':
      return { type: 'MERGE_REJECTED', sha, reason: REASONS[move.text] ?? 'not-mergeable', message: 'refused' };
    case 'ENQUEUED':
      return { type: 'ENQUEUED', sha };
    case 'DEQUEUED':
      return { type: 'DEQUEUED', sha, reason: DEQUEUE_REASONS[move.text % DEQUEUE_REASONS.length] as string };
    case 'MERGE_GROUP':
      // Group commits of their own, from a small pool: a redelivered group, and a group of a stale head.
      return { type: 'MERGE_GROUP', sha, groupSha: groupShaOf(move.id) };
    case 'CLOSED':
      return { type: 'CLOSED' };
    case 'REOPENED':
      return { type: 'REOPENED', sha };
    case 'RETRY':
      return { type: 'RETRY' };
    case 'TIMED_OUT':
      return { type: 'TIMED_OUT', sha };
  }
}

/** The head commit of the `n`-th merge group: 40 hexadecimal digits, apart from every head's. */
export function groupShaOf(n: number): string {
  return n.toString(16).padStart(40, 'e');
}

/**
 * Any single well-formed guard event over `shas`: for fuzzing one step from a given snapshot. With
 * `heads`, a head change may carry facts, to another SHA or to the one it names (an edit); with `queue`,
 * the merge queue's events are drawn too.
 */
export function guardEvent(
  options: Pick<EventSequenceOptions, 'shas' | 'artifacts' | 'ids' | 'heads' | 'queue'> = {},
): fc.Arbitrary<GuardEvent> {
  const shas = options.shas ?? DEFAULT_SHAS;
  const artifacts = options.artifacts ?? ['image'];
  const heads = options.heads ?? [];
  return fc
    .tuple(
      moveArbitrary(options.ids ?? 6, heads.length, options.queue),
      fc.constantFrom(...shas),
      fc.constantFrom(...shas),
    )
    .filter(([move]) => move.kind !== 'duplicate' && move.kind !== 'swap')
    .map(([move, sha, other]) =>
      move.kind === 'edit'
        ? { type: 'HEAD_CHANGED', sha, ...heads[move.facts] }
        : withFacts(
            build(move as Extract<Move, { kind: 'event' }>, sha, sha, other, artifacts),
            move as Extract<Move, { kind: 'event' }>,
            sha,
            heads,
          ),
    );
}
