import { createGuard, type Guard, type Phase, type PullRequest } from '@release-guard/core';
import {
  checkInvariants,
  eventSequence,
  type History,
  runEvents,
  SAMPLE_HEAD_FACTS,
} from '@release-guard/core/testing';
import fc from 'fast-check';
import { expect } from 'vitest';
import { releasePr, SEED_CONFIG, seedGuard } from './fixtures.js';

/** At least 1,000 runs per invariant; `PROPERTY_RUNS` raises it for a longer local hunt. */
export const RUNS = Math.max(1000, Number(process.env.PROPERTY_RUNS ?? 0));
/** `PROPERTY_SEED` fixes fast-check's seed for a hunt over seeds (`PROPERTY_SEED=159 pnpm vitest run ...`). */
export const SEED: { seed?: number } = process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {};

export const guard = seedGuard();

/**
 * Mostly release pull requests, some of them with releasers among the generated reviewers (`reviewer0`
 * to `reviewer5`), spelt as GitHub might; some ordinary and some fork pull requests for the status promises.
 */
const pullRequest: fc.Arbitrary<PullRequest> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(releasePr()) },
  { weight: 2, arbitrary: fc.constant(releasePr({ releasers: ['Reviewer0', 'reviewer1[bot]'] })) },
  { weight: 1, arbitrary: fc.constant(releasePr({ headRef: 'feature/validation-poc' })) },
  { weight: 1, arbitrary: fc.constant(releasePr({ fromFork: true })) },
);

/** Release-managed paths that the sample facts of heads (`SAMPLE_HEAD_FACTS`) touch or not. */
const PROTECTED_PATHS = ['.release-please-manifest.json', '**/CHANGELOG.md', 'package.json'];

/** release-please's release pull requests (the version from the title), guarding its files. */
export const releasePleaseGuard = createGuard({
  ...SEED_CONFIG,
  preset: 'release-please',
  protectedPaths: PROTECTED_PATHS,
});
/** changesets' release pull requests (the version from package.json), guarding the same files. */
export const changesetsGuard = createGuard({ ...SEED_CONFIG, preset: 'changesets', protectedPaths: PROTECTED_PATHS });

const files = (...paths: string[]) => ({ files: paths.map((path) => ({ path })), filesComplete: true });
const recognized = (headRef: string, more: Partial<PullRequest> = {}) =>
  fc.constant(releasePr({ headRef, version: undefined, ...more }));

/**
 * Pull requests recognised from their facts: release pull requests whose version can be read or not,
 * and pull requests that are not releases, with files that touch protected paths or not (or not all
 * listed); every one under events that carry facts of heads and edits.
 */
const recognizedCases: fc.Arbitrary<{ guard: Guard; pr: PullRequest }> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      guard: fc.constant(releasePleaseGuard),
      pr: fc.oneof(
        {
          weight: 6,
          arbitrary: recognized('release-please--branches--main', { title: 'chore(main): release 0.29.0' }),
        },
        { weight: 1, arbitrary: recognized('release-please--branches--main', { title: 'chore: release main' }) },
        { weight: 1, arbitrary: recognized('feature/x', files('src/index.ts')) },
        { weight: 1, arbitrary: recognized('feature/x', files('CHANGELOG.md')) },
        { weight: 1, arbitrary: recognized('feature/x', { ...files('src/index.ts'), filesComplete: false }) },
        { weight: 1, arbitrary: recognized('release-please--branches--main', { fromFork: true, ...files('a') }) },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      guard: fc.constant(changesetsGuard),
      pr: fc.oneof(
        {
          weight: 4,
          arbitrary: recognized('changeset-release/main', { contents: { 'package.json': '{"version":"0.29.0"}' } }),
        },
        { weight: 1, arbitrary: recognized('changeset-release/main', { contents: {} }) },
        { weight: 1, arbitrary: recognized('feature/y', files('package.json')) },
      ),
    }),
  },
);

const events = eventSequence({ minLength: 20, maxLength: 100, artifacts: ['image', 'chart'] });
const eventsWithFacts = eventSequence({
  minLength: 20,
  maxLength: 100,
  artifacts: ['image', 'chart'],
  heads: SAMPLE_HEAD_FACTS,
});

/** With the merge queue's events: merge groups, entries and exits, and refusals of direct merges. */
const queueEvents = eventSequence({ minLength: 20, maxLength: 100, artifacts: ['image', 'chart'], queue: true });

/**
 * Pull requests under the merge queue's events: release pull requests whose base is known to require the
 * queue or not (the guard learns it from a refusal), and some that are not releases.
 */
const queuedPullRequest: fc.Arbitrary<PullRequest> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(releasePr({ mergeQueue: true })) },
  { weight: 3, arbitrary: fc.constant(releasePr()) },
  { weight: 1, arbitrary: fc.constant(releasePr({ headRef: 'feature/x', mergeQueue: true })) },
  { weight: 1, arbitrary: fc.constant(releasePr({ fromFork: true, mergeQueue: true })) },
);

/** One generated history, the guard it ran under, and whether it was recognised from the facts of heads. */
export interface HistoryCase {
  guard: Guard;
  history: History;
  recognized: boolean;
  /** Whether the history had the merge queue's events. */
  queue?: boolean;
}

export const historyCase: fc.Arbitrary<HistoryCase> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ pr: pullRequest, events })
      .map(({ pr, events }) => ({ guard, history: runEvents(guard, pr, events), recognized: false })),
  },
  {
    weight: 2,
    arbitrary: fc.record({ guarded: recognizedCases, events: eventsWithFacts }).map(({ guarded, events }) => ({
      guard: guarded.guard,
      history: runEvents(guarded.guard, guarded.pr, events),
      recognized: true,
    })),
  },
);

/** Histories with the merge queue's events, checked apart so that the others are drawn as they always were. */
export const queueCase: fc.Arbitrary<HistoryCase> = fc
  .record({ pr: queuedPullRequest, events: queueEvents })
  .map(({ pr, events }) => ({ guard, history: runEvents(guard, pr, events), recognized: false, queue: true }));

/** The runs per invariant over histories with the merge queue's events. */
export const QUEUE_RUNS = RUNS / 2;

/** What the runs of one file covered, so the suite can prove it exercised the machine. */
export class Coverage {
  runs = 0;
  /** The runs of the seed's set-up (`releases/*`, no facts of heads, no merge queue), and those among them with a merge. */
  seedRuns = 0;
  withMerge = 0;
  /** The runs recognised from the facts of heads, and those among them with a merge. */
  recognizedRuns = 0;
  recognizedMerges = 0;
  events = 0;
  /** Runs with a pull request that changed protected paths, and with one merged while it did. */
  protectedRuns = 0;
  protectedMerges = 0;
  /** Runs with a release whose version could not be read, and with an edit that changed the version. */
  unreadableRuns = 0;
  versionChanges = 0;
  readonly phases = new Set<Phase>();
  /** Runs with the merge queue's events, those that stood in the queue, had a group succeed, or were dequeued by the guard. */
  queueRuns = 0;
  queuedRuns = 0;
  groupSuccesses = 0;
  dequeues = 0;
  /** Runs with the merge queue's events that asked for a merge. */
  queueMerges = 0;

  record({ history, recognized, queue }: HistoryCase): void {
    this.runs++;
    if (queue) this.recordQueue(history);
    if (queue && history.deliveries.some(({ step }) => step.effects.some((e) => e.type === 'MERGE')))
      this.queueMerges++;
    this.events += history.deliveries.length;
    this.phases.add(history.start.snapshot.phase);
    for (const { step } of history.deliveries) this.phases.add(step.snapshot.phase);
    const merged = history.deliveries.some(({ step }) => step.effects.some((e) => e.type === 'MERGE'));
    if (recognized) {
      this.recognizedRuns++;
      if (merged) this.recognizedMerges++;
    } else if (!queue) {
      this.seedRuns++;
      if (merged) this.withMerge++;
    }
    const snapshots = [history.start.snapshot, ...history.deliveries.map(({ step }) => step.snapshot)];
    if (snapshots.some((s) => s.kind === 'protected')) this.protectedRuns++;
    if (snapshots.some((s) => s.kind === 'protected' && s.violations.length > 0)) this.protectedMerges++;
    if (snapshots.some((s) => s.pr.versionProblem !== undefined)) this.unreadableRuns++;
    let before = history.start.snapshot;
    let edited = false;
    for (const { event, step } of history.deliveries) {
      edited ||= event.type === 'HEAD_CHANGED' && event.sha === before.headSha && step.snapshot.epoch > before.epoch;
      before = step.snapshot;
    }
    if (edited) this.versionChanges++;
  }

  private recordQueue(history: History): void {
    this.queueRuns++;
    const steps = history.deliveries.map(({ step }) => step);
    if (steps.some((step) => step.snapshot.merge.state === 'queued')) this.queuedRuns++;
    const groups = new Set(
      history.deliveries.flatMap(({ event }) => (event.type === 'MERGE_GROUP' ? [event.groupSha] : [])),
    );
    const effects = steps.flatMap((step) => step.effects);
    if (effects.some((e) => e.type === 'SET_STATUS' && e.state === 'success' && groups.has(e.sha)))
      this.groupSuccesses++;
    if (effects.some((e) => e.type === 'DEQUEUE')) this.dequeues++;
  }

  /** Asserts that the runs with the merge queue's events stood in the queue and had groups succeed (DEQUEUE: see the exploration). */
  expectQueue(): void {
    const share = (n: number) => `${((100 * n) / this.queueRuns).toFixed(1)}%`;
    console.info(
      `merge queue (${this.queueRuns} runs): merge asked for ${share(this.queueMerges)}, queued ${share(this.queuedRuns)}, a group succeeded ${share(this.groupSuccesses)}, DEQUEUE ${share(this.dequeues)}`,
    );
    expect(this.queuedRuns / this.queueRuns).toBeGreaterThan(0.02);
    expect(this.groupSuccesses).toBeGreaterThan(0);
    expect(this.queueMerges / this.queueRuns).toBeGreaterThan(0.05);
  }

  /** Asserts that the runs exercised what the recognised pull requests bring: protected paths, unreadable and changed versions. */
  expectRecognition(): void {
    expect(this.recognizedMerges / this.recognizedRuns).toBeGreaterThan(0.03);
    // Shares of the runs without the merge queue's events, whose pull requests may be recognised from facts.
    const runs = this.runs - this.queueRuns;
    const share = (n: number) => `${((100 * n) / runs).toFixed(1)}%`;
    console.info(
      `recognition (${share(this.recognizedRuns)} of the runs, ${((100 * this.recognizedMerges) / this.recognizedRuns).toFixed(1)}% of them merged): protected ${share(this.protectedRuns)} (merged ${this.protectedMerges}), unreadable version ${share(this.unreadableRuns)}, version changed by an edit ${share(this.versionChanges)}`,
    );
    expect(this.protectedRuns / runs).toBeGreaterThan(0.05);
    expect(this.protectedMerges).toBeGreaterThan(0);
    expect(this.unreadableRuns / runs).toBeGreaterThan(0.05);
    expect(this.versionChanges / runs).toBeGreaterThan(0.05);
  }
}

/** Asserts one invariant over `RUNS` generated histories, and `QUEUE_RUNS` with the merge queue's events. */
export function assertInvariant(invariant: number, coverage: Coverage): void {
  for (const [cases, numRuns] of [
    [historyCase, RUNS],
    [queueCase, QUEUE_RUNS],
  ] as const) {
    fc.assert(
      fc.property(cases, (generated) => {
        const { guard, history } = generated;
        coverage.record(generated);
        expect(checkInvariants(guard, history, { only: [invariant] })).toEqual([]);
      }),
      { numRuns },
    );
  }
}
