import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatReport } from './report.js';
import { soak } from './soak.js';

/**
 * `pnpm soak [--lifecycles N] [--seed S] [--only n] [--queue] [--fault-rate 0.25] [--unprotected 0.4] [--trace n,m] [--report path.json]`:
 * runs the soak, prints the figures and the seed, and exits non-zero on any violation or stuck pull request.
 * `--seed` replays every decision; `--only n` runs lifecycle n alone, as it ran inside the soak of that seed;
 * `--queue` gives every lifecycle's main the merge queue.
 */
const { values } = parseArgs({
  options: {
    lifecycles: { type: 'string', default: '200' },
    seed: { type: 'string' },
    only: { type: 'string' },
    report: { type: 'string' },
    quiet: { type: 'boolean' },
    'fault-rate': { type: 'string' },
    unprotected: { type: 'string' },
    trace: { type: 'string' },
    queue: { type: 'boolean' },
  },
});
const queue = values.queue ? ' --queue' : '';
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const lifecycles = Number(values.lifecycles);
const only = values.only === undefined ? undefined : Number(values.only);
console.log(
  only === undefined
    ? `soak: ${lifecycles} lifecycles, seed ${seed}${queue ? ', merge queue' : ''} (replay: pnpm soak --seed ${seed} --lifecycles ${lifecycles}${queue}; one: pnpm soak --seed ${seed} --only N --trace N${queue})`
    : `soak: lifecycle ${only} of seed ${seed}, alone${queue ? ', merge queue' : ''}`,
);
const report = await soak({
  seed,
  lifecycles,
  ...(only !== undefined ? { only } : {}),
  ...(values.queue ? { queue: true } : {}),
  ...(values['fault-rate'] ? { faultRate: Number(values['fault-rate']) } : {}),
  ...(values.unprotected ? { unprotectedShare: Number(values.unprotected) } : {}),
  progress: values.quiet ? undefined : (line) => console.log(`  ${line}`),
  ...(values.trace
    ? { trace: { lifecycles: values.trace.split(',').map(Number), line: (l: string) => console.log(l) } }
    : {}),
});
console.log(formatReport(report));
if (values.report) await writeFile(values.report, `${JSON.stringify(report, null, 2)}\n`);
process.exitCode = report.invariantViolations.length > 0 || report.stuckAfterSweep.length > 0 ? 1 : 0;
