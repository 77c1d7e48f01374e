import { readFileSync } from 'node:fs';
import { EVENT_TYPES, type GuardEvent, PHASES } from '@release-guard/core';
import { factsOf, standingOn } from '@release-guard/core/testing';
import { describe, expect, it } from 'vitest';
import { explore } from './support/exploration.js';
import { releasePr, seedGuard } from './support/fixtures.js';
import { unobservable } from './support/unobservable.js';

const guard = seedGuard();

/**
 * What the exploration reaches, release, other and fork pull requests together. The root README quotes
 * these figures: a change to the machine that changes them changes the README too.
 */
const EXPLORED = { states: 2_412, edges: 74_692 };

describe('exhaustive exploration of guard.next (2 SHAs, one required artifact, one on-merge artifact, a releaser)', () => {
  const release = explore(guard, releasePr({ releasers: ['releaser'] }));
  const other = explore(guard, releasePr({ headRef: 'feature/x' }));
  const fork = explore(guard, releasePr({ fromFork: true }));

  it('reports what it explored', () => {
    const total = release.states + other.states + fork.states;
    const edges = release.edges + other.edges + fork.edges;
    const seconds = ((release.millis + other.millis + fork.millis) / 1000).toFixed(2);
    console.info(`explored ${total} states and ${edges} edges in ${seconds}s (release PR: ${release.states} states)`);
    expect(release.states).toBeGreaterThan(400);
    expect(release.edges).toBeGreaterThan(10_000);
    expect(other.states).toBeGreaterThanOrEqual(3);
    expect(fork.states).toBeGreaterThanOrEqual(3);
    expect({ states: total, edges }).toEqual(EXPLORED);
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8').replaceAll('\n', ' ');
    const figure = (n: number) => n.toLocaleString('en-US');
    expect(readme).toContain(
      `all ${figure(edges)} edges between the ${figure(total)} states of an exhaustive exploration`,
    );
  });

  it('holds every invariant on every edge, and reaches merged from every live state', () => {
    expect([...release.violations, ...other.violations, ...fork.violations]).toEqual([]);
  });

  it('reaches every phase', () => {
    expect([...new Set([...release.phases, ...other.phases])].sort()).toEqual([...PHASES].sort());
  });

  it('every event type changes the state on some edge', () => {
    expect([...release.changingTypes].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('reconcile from every explored state unlocks the head exactly when a rebuild from the facts of its history does', () => {
    const pr = releasePr({ releasers: ['releaser'] });
    let checked = 0;
    const problems: string[] = [];
    for (const { snapshot, path, written } of release.reached) {
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
    console.info(`reconcile checked from ${checked} of ${release.reached.length} explored states`);
    expect(problems.slice(0, 10)).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });
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
