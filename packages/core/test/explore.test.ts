import { EVENT_TYPES, PHASES } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { explore } from './exploration.js';
import { releasePr, seedGuard } from './fixtures.js';

const guard = seedGuard();

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
});
