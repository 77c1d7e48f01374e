import { readFileSync } from 'node:fs';
import { createGuard, EVENT_TYPES, type GuardEvent, PHASES, STATUS_TEXT } from '@release-guard/core';
import { factsOf, standingOn } from '@release-guard/core/testing';
import { describe, expect, it } from 'vitest';
import { explore, queueAlphabet, recognitionAlphabet } from './support/exploration.js';
import { releasePr, SEED_CONFIG, seedGuard } from './support/fixtures.js';
import { unobservable } from './support/unobservable.js';

const guard = seedGuard();
/** The seed's set-up for release-please's release pull requests, guarding the changelogs. */
const releasePlease = createGuard({ ...SEED_CONFIG, preset: 'release-please', protectedPaths: ['**/CHANGELOG.md'] });

/**
 * What the exploration reaches, release, other and fork pull requests and the two explored with the
 * facts of heads together (the first three alone: 2,424 states, 75,028 edges). The root README quotes
 * these figures: a change to the machine that changes them changes the README too.
 */
const EXPLORED = { states: 7_364, edges: 272_232 };

/** What the exploration of a release pull request on a base branch that requires a merge queue reaches. */
const EXPLORED_QUEUE = { states: 6_912, edges: 265_904 };

describe('exhaustive exploration of guard.next (2 SHAs, one required artifact, one on-merge artifact, a releaser)', () => {
  const release = explore(guard, releasePr({ releasers: ['releaser'] }));
  const other = explore(guard, releasePr({ headRef: 'feature/x' }));
  const fork = explore(guard, releasePr({ fromFork: true }));
  // With the facts of heads: a release-please release pull request whose title is edited, and a pull
  // request that is not a release whose changed files touch a protected path or not.
  const titled = explore(
    releasePlease,
    releasePr({
      headRef: 'release-please--branches--main',
      title: 'chore(main): release 0.29.0',
      version: undefined,
      releasers: ['releaser'],
    }),
    recognitionAlphabet,
  );
  const changing = explore(
    releasePlease,
    releasePr({
      headRef: 'feature/x',
      version: undefined,
      files: [{ path: 'src/index.ts' }],
      filesComplete: true,
    }),
    recognitionAlphabet,
  );
  const all = [release, other, fork, titled, changing];
  // A release pull request whose base branch requires a merge queue, under the queue's events too.
  const queued = explore(guard, releasePr({ releasers: ['releaser'], mergeQueue: true }), queueAlphabet);

  it('reports what it explored', () => {
    const total = all.reduce((sum, e) => sum + e.states, 0);
    const edges = all.reduce((sum, e) => sum + e.edges, 0);
    const seconds = (all.reduce((sum, e) => sum + e.millis, 0) / 1000).toFixed(2);
    console.info(
      `explored ${total} states and ${edges} edges in ${seconds}s (release PR: ${release.states} states, release-please PR: ${titled.states}, protected paths: ${changing.states})`,
    );
    expect(release.states).toBeGreaterThan(400);
    expect(release.edges).toBeGreaterThan(10_000);
    expect(other.states).toBeGreaterThanOrEqual(3);
    expect(fork.states).toBeGreaterThanOrEqual(3);
    expect({ states: total, edges }).toEqual(EXPLORED);
    console.info(
      `merge queue: ${queued.states} states and ${queued.edges} edges in ${(queued.millis / 1000).toFixed(2)}s`,
    );
    expect({ states: queued.states, edges: queued.edges }).toEqual(EXPLORED_QUEUE);
    // The facts of heads change nothing for the pull requests explored without them.
    expect([release, other, fork].reduce((sum, e) => sum + e.states, 0)).toBe(2_424);
    expect([release, other, fork].reduce((sum, e) => sum + e.edges, 0)).toBe(75_028);
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8').replaceAll('\n', ' ');
    const figure = (n: number) => n.toLocaleString('en-US');
    expect(readme).toContain(
      `all ${figure(edges)} edges between the ${figure(total)} states of an exhaustive exploration`,
    );
  });

  it('holds every invariant on every edge, and reaches merged from every live state', () => {
    expect([...all, queued].flatMap((e) => e.violations)).toEqual([]);
  });

  it('with the facts of heads: every phase under every version, and both verdicts on changed files', () => {
    expect([...titled.phases].sort()).toEqual(PHASES.filter((p) => p !== 'skipped').sort());
    const versions = new Set(titled.reached.map(({ snapshot }) => `${snapshot.phase} ${snapshot.pr.version ?? '-'}`));
    for (const phase of ['approved', 'releasing', 'released', 'failed']) {
      expect(versions, phase).toContain(`${phase} 0.29.0`);
      expect(versions, phase).toContain(`${phase} 0.30.0`);
    }
    expect(versions).toContain('prepared -');
    const verdicts = new Set(
      changing.reached.map(({ snapshot }) => `${snapshot.phase} ${snapshot.protection ?? snapshot.kind}`),
    );
    expect([...verdicts].sort()).toEqual(
      [
        'closed not-release',
        `closed ${STATUS_TEXT.filesIncomplete}`,
        `closed ${STATUS_TEXT.filesUnknown}`,
        `closed ${STATUS_TEXT.protectedPaths}: docs/CHANGELOG.md`,
        'merged not-release',
        `merged ${STATUS_TEXT.filesIncomplete}`,
        `merged ${STATUS_TEXT.filesUnknown}`,
        `merged ${STATUS_TEXT.protectedPaths}: docs/CHANGELOG.md`,
        'skipped not-release',
        `skipped ${STATUS_TEXT.filesIncomplete}`,
        `skipped ${STATUS_TEXT.filesUnknown}`,
        `skipped ${STATUS_TEXT.protectedPaths}: docs/CHANGELOG.md`,
      ].sort(),
    );
  });

  it('with the merge queue: queued after every count of enqueues, groups judged, and DEQUEUE written', () => {
    const merges = new Set(
      queued.reached.map(({ snapshot }) => `${snapshot.merge.state} ${snapshot.merge.enqueues ?? 0}`),
    );
    for (const n of [1, 2, 3]) expect(merges).toContain(`queued ${n}`);
    expect(merges).toContain('rejected 3');
    expect(queued.reached.some(({ snapshot }) => (snapshot.groups?.length ?? 0) > 0)).toBe(true);
    expect(queued.reached.some(({ written }) => written.some((e) => e.type === 'DEQUEUE'))).toBe(true);
  });

  it('reaches every phase', () => {
    expect([...new Set([...release.phases, ...other.phases])].sort()).toEqual([...PHASES].sort());
  });

  it('every event type changes the state on some edge', () => {
    expect([...new Set([...release.changingTypes, ...queued.changingTypes])].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each([
    ['', () => release, releasePr({ releasers: ['releaser'] })],
    [' (merge queue)', () => queued, releasePr({ releasers: ['releaser'], mergeQueue: true })],
  ])(
    'reconcile from every explored state%s unlocks the head exactly when a rebuild from the facts of its history does',
    (_, explored, pr) => {
      let checked = 0;
      const problems: string[] = [];
      for (const { snapshot, path, written } of explored().reached) {
        if (unobservable(pr, { pr, events: path, snapshot }, path) !== undefined) continue;
        // A head that moves away and back: GitHub still shows the earlier approval of that commit, which the
        // guard, knowing the head moved, never counts again (invariant 3); a rebuild cannot know it moved.
        if (headReturned(path, pr.headSha)) continue;
        checked++;
        const facts = factsOf(pr, path, written);
        const from = guard.reconcile(snapshot, facts);
        const rebuilt = guard.reconcile(undefined, facts);
        // Where the stored snapshot holds history the facts cannot show (a withdrawn approval, a missing
        // artifact: `failed` or a re-locked `released` where a rebuild says `prepared` or `approved`), both
        // lock the head. What must agree is whether the head stands unlocked.
        const standing = (step: typeof from) => standingOn(step.snapshot.headSha, facts, step.effects)?.state;
        if ((standing(from) === 'success') !== (standing(rebuilt) === 'success')) {
          problems.push(
            `${path.map((e) => e.type).join(' ')}: ${from.snapshot.phase}/${standing(from)}, rebuilt ${rebuilt.snapshot.phase}/${standing(rebuilt)}`,
          );
        }
      }
      console.info(`reconcile checked from ${checked} of ${explored().reached.length} explored states`);
      expect(problems.slice(0, 10)).toEqual([]);
      expect(checked).toBeGreaterThan(100);
    },
  );
});

/** Whether the head, along `path`, came back to a commit that was the head before. */
function headReturned(path: readonly GuardEvent[], first: string): boolean {
  const heads = [first];
  for (const event of path) {
    if (event.type !== 'HEAD_CHANGED' || event.sha === heads.at(-1)) continue;
    if (heads.includes(event.sha)) return true;
    heads.push(event.sha);
  }
  return false;
}
