import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { replayIncident } from './incident.js';
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
const unguarded = await replayIncident(UNGUARDED);
const guarded = await replayIncident(GUARDED);
const verdict = judge([{ unguarded, guarded }]);
await writeFile(reportPath, renderReport([unguarded, guarded], verdict), 'utf8');

console.log(renderTerminal([unguarded, guarded], verdict));
console.log(`\nReport: ${reportPath} (replayed in ${Math.round(performance.now() - started)} ms)`);
process.exitCode = verdict.exitCode;
