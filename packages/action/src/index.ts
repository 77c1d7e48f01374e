/**
 * The action's entry point (`dist/index.js`): reads the inputs and the runner's context, runs the command
 * and hands its outputs, summary and failures to the runner. It loads only what every run needs; the
 * clients, the guard and each command are loaded when the run comes to them (see `run.ts`).
 */
import { type ActionInputs, secretsOf } from './inputs.js';
import type { ActionClients, ActionLog } from './run.js';
import * as runner from './runner.js';
import { actionContext, inertLogLine, loadInputs, runAction } from './shared.js';

/** The runner's log: annotations for notices, warnings and errors, collapsible groups. */
const log: ActionLog = {
  info: (message) => runner.info(message),
  notice: (message) => runner.command('notice', message),
  warning: (message) => runner.command('warning', message),
  error: (message) => runner.command('error', message),
  group: (name, fn) => runner.group(name, fn),
};

/** The clients of the run, made when a command first needs them. */
async function clients(inputs: ActionInputs): Promise<ActionClients> {
  // Node's fetch parses HTTP with WebAssembly, which V8 re-optimises in the background; a step that makes a
  // few requests gains nothing from that, and waiting for it at exit costs about 150 ms. Set before any
  // request is made.
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--liftoff-only');
  const { actionClients } = await import('./clients.js');
  return actionClients(inputs, process.env);
}

async function main(): Promise<void> {
  const inputs = await loadInputs(process.env);
  for (const secret of secretsOf(inputs.tokens)) runner.command('add-mask', secret);
  const result = await runAction(inputs, actionContext(process.env), () => clients(inputs), log);
  for (const [name, value] of Object.entries(result.outputs)) runner.setOutput(name, value);
  if (process.env.GITHUB_STEP_SUMMARY) runner.appendSummary(result.summary);
  if (result.failures.length > 0) runner.setFailed(result.failures.join('\n'));
}

// Once the step's work is done, exit after the log is flushed rather than waiting for the rate limiter's
// idle timers to run out.
main()
  .catch((error: unknown) => runner.setFailed(inertLogLine(error instanceof Error ? error.message : String(error))))
  .finally(() => process.stdout.write('', () => process.exit()));
