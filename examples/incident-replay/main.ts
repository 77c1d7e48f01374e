import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { replayIncident } from './incident.js';
import { GUARDED_2026, UNGUARDED_2026 } from './regression-2026.js';
import { renderReport, renderTerminal } from './render.js';
import { GUARDED, UNGUARDED } from './scenario.js';
import { judge } from './verdict.js';

const USAGE =
  'usage: pnpm demo [--report <path>]   (default: release-guard-incident-report.md in the temporary directory)';

let reportOption: string | undefined;
try {
  // `pnpm demo -- --report x` passes the `--` on.
  const args = process.argv.slice(2);
  const { values } = parseArgs({
    args: args[0] === '--' ? args.slice(1) : args,
    options: { report: { type: 'string' } },
  });
  reportOption = values.report;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const reportPath = resolve(reportOption ?? join(tmpdir(), 'release-guard-incident-report.md'));

const started = performance.now();
const pairs = [];
for (const [unguarded, guarded] of [
  [UNGUARDED, GUARDED],
  [UNGUARDED_2026, GUARDED_2026],
] as const) {
  pairs.push({ unguarded: await replayIncident(unguarded), guarded: await replayIncident(guarded) });
}
const runs = pairs.flatMap((pair) => [pair.unguarded, pair.guarded]);
const verdict = judge(pairs);
await writeFile(reportPath, renderReport(runs, verdict), 'utf8');

console.log(renderTerminal(runs, verdict));
console.log(`\nReport: ${reportPath} (replayed in ${Math.round(performance.now() - started)} ms)`);
process.exitCode = verdict.exitCode;
