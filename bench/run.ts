import { benchExploration, benchGuardNext } from './core.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const next = benchGuardNext({ seconds });
console.log(
  `guard.next: ${Math.round(next.guard)} events/s; trivial 2-state machine: ${Math.round(next.floor)} events/s; ratio ${next.ratio.toFixed(2)} (target >= 0.5)`,
);

const exploration = benchExploration();
console.log(
  `exhaustive exploration: ${exploration.states} states, ${exploration.edges} edges in ${exploration.seconds.toFixed(2)}s (target < 10s)`,
);
