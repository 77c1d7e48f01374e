import { benchActionColdStart } from './action.js';
import { benchExploration, benchGuardNext } from './core.js';
import { benchStartup, benchStatusWrites } from './testkit.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const next = benchGuardNext({ seconds });
console.log(
  `guard.next: ${Math.round(next.guard)} events/s; trivial 2-state machine: ${Math.round(next.floor)} events/s; ratio ${next.ratio.toFixed(2)} (target >= 0.5)`,
);

const exploration = benchExploration();
console.log(
  `exhaustive exploration: ${exploration.states} states, ${exploration.edges} edges in ${exploration.seconds.toFixed(2)}s (target < 10s)`,
);

const startup = await benchStartup();
console.log(
  `emulator start-up in a fresh process: ${startup.startupMs.toFixed(0)} ms (node -e '': ${startup.floorMs.toFixed(0)} ms)`,
);
const writes = await benchStatusWrites();
console.log(
  `status writes on loopback: ${Math.round(writes.validated)}/s validated, ${Math.round(writes.unvalidated)}/s unvalidated; validation keeps ${(writes.ratio * 100).toFixed(0)}% of the throughput (ratio ${writes.ratio.toFixed(2)})`,
);

const action = await benchActionColdStart();
console.log(
  `action cold start (dist/index.js, one pull_request event against the emulator): ${action.actionMs.toFixed(0)} ms; node -e '': ${action.floorMs.toFixed(0)} ms; ratio ${action.ratio.toFixed(2)} (target < 2)`,
);
console.log(
  `action cold start on an ignored event (ping: no API call, no guard): ${action.offlineMs.toFixed(0)} ms; ratio ${action.offlineRatio.toFixed(2)} (target < 1.5)`,
);
console.log(
  `action cold start on an ignored event with the quick start's configuration (its artifacts' YAML and the core's check of them load): ${action.configuredMs.toFixed(0)} ms; ratio ${action.configuredRatio.toFixed(2)}`,
);
console.log(`action bundle, every chunk included: ${(action.bundleBytes / 1024).toFixed(1)} KiB (target < 400 KiB)`);
