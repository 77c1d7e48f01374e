import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SoakReport } from './soak.js';

/**
 * `pnpm soak:hunt --seeds N [--jobs J] [--lifecycles L] [--first S] [--queue] [--fault-rate x] [--unprotected y]`:
 * runs the soak with N seeds (random, or S, S+1, …), J child processes at a time (default 2), and prints
 * every violation and stuck pull request with the command that replays its lifecycle alone, then a summary.
 * Exits non-zero when any seed found something (or a child failed to report).
 */
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '8' },
    jobs: { type: 'string', default: '2' },
    lifecycles: { type: 'string', default: '200' },
    first: { type: 'string' },
    'fault-rate': { type: 'string' },
    unprotected: { type: 'string' },
    queue: { type: 'boolean' },
  },
});
const count = Number(values.seeds);
const jobs = Math.max(1, Number(values.jobs));
const lifecycles = Number(values.lifecycles);
const seeds = Array.from({ length: count }, (_, i) =>
  values.first === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.first) + i,
);
/** Options passed on to each soak, and to every replay command. */
const passed = [
  ...(values.queue ? ['--queue'] : []),
  ...(values['fault-rate'] ? ['--fault-rate', values['fault-rate']] : []),
  ...(values.unprotected ? ['--unprotected', values.unprotected] : []),
];
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

interface Finding {
  seed: number;
  lifecycle: number | undefined;
  kind: 'violation' | 'stuck' | 'crash';
  message: string;
}

const began = performance.now();
const dir = await mkdtemp(join(tmpdir(), 'soak-hunt-'));
const findings: Finding[] = [];
const figures = { lifecycles: 0, events: 0, bursts: 0, faults: 0, merges: 0, queueMerges: 0, groupsFailed: 0 };
let clean = 0;
console.log(`soak:hunt: ${count} seeds x ${lifecycles} lifecycles, ${jobs} at a time`);

async function hunt(seed: number): Promise<void> {
  const path = join(dir, `${seed}.json`);
  const args = [
    ...process.execArgv,
    main,
    '--seed',
    String(seed),
    '--lifecycles',
    String(lifecycles),
    '--quiet',
    '--report',
    path,
    ...passed,
  ];
  const started = performance.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (code) => resolve({ code, output }));
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  let report: SoakReport;
  try {
    report = JSON.parse(await readFile(path, 'utf8')) as SoakReport;
  } catch {
    const tail = output.trim().split('\n').slice(-5).join('\n    ');
    findings.push({ seed, lifecycle: undefined, kind: 'crash', message: `exit ${code}, no report:\n    ${tail}` });
    console.log(`seed ${seed}: crashed (exit ${code}) after ${seconds} s`);
    return;
  }
  figures.lifecycles += report.lifecycles;
  figures.events += report.events;
  figures.bursts += report.concurrentBursts;
  figures.faults += report.faultsInjected;
  figures.merges += report.mergeRequests;
  figures.queueMerges += report.queue?.queueMerges ?? 0;
  figures.groupsFailed += report.queue?.groupsFailed ?? 0;
  const found: Finding[] = [
    ...report.invariantViolations.map((message) => ({ kind: 'violation' as const, message })),
    ...report.stuckAfterSweep.map((message) => ({ kind: 'stuck' as const, message })),
  ].map(({ kind, message }) => ({ seed, lifecycle: lifecycleOf(message), kind, message }));
  findings.push(...found);
  if (found.length === 0) clean++;
  console.log(`seed ${seed}: ${found.length === 0 ? 'clean' : `${found.length} finding(s)`} (${seconds} s)`);
  for (const finding of found) console.log(`  ${describe(finding)}`);
}

/** The lifecycle a finding names (`…, weaveworks/soak-N#1: …`). */
function lifecycleOf(message: string): number | undefined {
  const match = /\/soak-(\d+)#/.exec(message);
  return match ? Number(match[1]) : undefined;
}

function replay(f: Finding): string {
  const one = f.lifecycle === undefined ? `--lifecycles ${lifecycles}` : `--only ${f.lifecycle} --trace ${f.lifecycle}`;
  return ['pnpm soak --seed', f.seed, one, ...passed].join(' ');
}

function describe(f: Finding): string {
  return `${f.kind}: ${f.message}\n    replay: ${replay(f)}`;
}

try {
  const queue = [...seeds];
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) await hunt(seed);
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}

const failing = new Set(findings.map((f) => f.seed));
console.log('');
console.log(
  `soak:hunt: ${count} seeds in ${((performance.now() - began) / 1000).toFixed(1)} s: ${clean} clean, ${failing.size} with findings (${findings.length} in all)`,
);
console.log(
  `  ${figures.lifecycles} lifecycles, ${figures.events} deliveries, ${figures.bursts} bursts of concurrent runs, ${figures.faults} faults injected, ${figures.merges} merge requests${
    values.queue ? `, ${figures.queueMerges} queue merges, ${figures.groupsFailed} failed merge groups` : ''
  }`,
);
if (findings.length > 0) {
  console.log('failures, each with its replay:');
  for (const f of [...findings].sort((a, b) => a.seed - b.seed || (a.lifecycle ?? 0) - (b.lifecycle ?? 0))) {
    console.log(`  - ${describe(f)}`);
  }
}
process.exitCode = findings.length > 0 ? 1 : 0;
