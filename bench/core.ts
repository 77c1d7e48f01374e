import { createGuard, type GuardEvent, type GuardSnapshot, type PullRequest } from '@release-guard/core';
import { eventSequence } from '@release-guard/core/testing';
import fc from 'fast-check';
import { createMachine, initialTransition, transition } from 'xstate';
import { explore } from '../packages/core/test/support/exploration.js';

const SEED_PR: PullRequest = {
  number: 3906,
  headRef: 'releases/v0.29.0',
  headSha: 'a'.repeat(40),
  baseRef: 'main',
  fromFork: false,
  version: 'v0.29.0',
  versions: { chart: '4.0.27' },
};

/** Events per second of `guard.next` over realistic histories, against a trivial 2-state machine. */
export function benchGuardNext(options: { seconds: number }): { guard: number; floor: number; ratio: number } {
  const guard = createGuard({
    artifacts: [
      { name: 'image', ref: 'ghcr.io/weaveworks/wego-app:{version}' },
      { name: 'chart', ref: 'ghcr.io/weaveworks/charts/weave-gitops:{chart}', after: ['image'], onMerge: true },
    ],
  });
  const pr = SEED_PR;
  const histories = fc.sample(eventSequence({ artifacts: ['image', 'chart'] }), { numRuns: 200, seed: 42 });
  const runGuard = () => {
    let events = 0;
    for (const history of histories) {
      let snapshot: GuardSnapshot = guard.start(pr).snapshot;
      for (const event of history as GuardEvent[]) snapshot = guard.next(snapshot, event).snapshot;
      events += history.length;
    }
    return events;
  };
  const toggle = createMachine({
    initial: 'off',
    states: { off: { on: { TOGGLE: 'on' } }, on: { on: { TOGGLE: 'off' } } },
  });
  const runFloor = () => {
    let [snapshot] = initialTransition(toggle);
    for (let i = 0; i < 10_000; i++) [snapshot] = transition(toggle, snapshot, { type: 'TOGGLE' });
    return 10_000;
  };
  // Alternate the two loops so both see the same machine state (JIT, GC, other load).
  let guardEvents = 0;
  let guardMs = 0;
  let floorEvents = 0;
  let floorMs = 0;
  runGuard();
  runFloor();
  const until = performance.now() + options.seconds * 1000;
  while (performance.now() < until) {
    let t = performance.now();
    guardEvents += runGuard();
    guardMs += performance.now() - t;
    t = performance.now();
    floorEvents += runFloor();
    floorMs += performance.now() - t;
  }
  const guardRate = (guardEvents / guardMs) * 1000;
  const floorRate = (floorEvents / floorMs) * 1000;
  return { guard: guardRate, floor: floorRate, ratio: guardRate / floorRate };
}

/** Wall time of the exhaustive exploration of the test suite (every state and edge, invariants checked). */
export function benchExploration(): { seconds: number; states: number; edges: number } {
  const guard = createGuard({
    artifacts: [
      { name: 'image', ref: 'ghcr.io/weaveworks/wego-app:{version}' },
      { name: 'chart', ref: 'ghcr.io/weaveworks/charts/weave-gitops:{chart}', after: ['image'], onMerge: true },
    ],
  });
  const began = performance.now();
  let states = 0;
  let edges = 0;
  for (const overrides of [{}, { headRef: 'feature/x' }, { fromFork: true }]) {
    const result = explore(guard, { ...SEED_PR, ...overrides });
    if (result.violations.length > 0) throw new Error(`exploration found violations: ${result.violations[0]?.message}`);
    states += result.states;
    edges += result.edges;
  }
  return { seconds: (performance.now() - began) / 1000, states, edges };
}
