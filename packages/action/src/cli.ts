#!/usr/bin/env node
/**
 * The `release-guard` CLI (`dist/cli.js`): the action's run for one event, from a terminal, with the event
 * payload from a file and the token from the environment. Like the action, it loads the clients, the guard
 * and each command only when the run comes to them.
 */
import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { plainText } from './cli-text.js';
import { type Invocation, parseCommandLine, USAGE, UsageError, usageErrorOf } from './cli-usage.js';
import type { ActionLog } from './run.js';
import { actionContext, inertLogLine, loadInputs, runAction } from './shared.js';

export { USAGE } from './cli-usage.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The CLI: returns the exit code (0 done, 1 failed, 2 bad usage); for doctor, 0 when the lock is effective. */
export async function cli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseCommandLine(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`release-guard: ${inertLogLine(error.message)}\n${error.showUsage ? `\n${USAGE}` : ''}`);
    return 2;
  }
  if (invocation.help) {
    io.out(USAGE);
    return 0;
  }
  const { env: actionEnv, summaryFile, json, eventless } = invocation;
  const log: ActionLog = {
    info: (message) => io.err(`${message}\n`),
    notice: (message) => io.err(`notice: ${message}\n`),
    warning: (message) => io.err(`warning: ${message}\n`),
    error: (message) => io.err(`error: ${message}\n`),
    group: async (name, fn) => {
      io.err(`\n${name}\n`);
      return fn();
    },
  };
  try {
    const context = actionContext(actionEnv, undefined, eventless);
    const parsed = await loadInputs(actionEnv);
    const clients = async () => (await import('./clients.js')).actionClients(parsed, actionEnv);
    const result = await runAction(parsed, context, clients, log);
    if (summaryFile) await writeFile(summaryFile, `${result.summary}\n`);
    if (json) io.out(`${JSON.stringify(result.doctor, null, 2)}\n`);
    else io.out(plainText(result.summary));
    if (!result.doctor) {
      io.out(
        `\n${Object.entries(result.outputs)
          .map(([name, value]) => `${name}=${value}`)
          .join('\n')}\n`,
      );
    }
    for (const failure of result.failures) io.err(`failed: ${failure}\n`);
    return result.failures.length > 0 ? 1 : 0;
  } catch (error) {
    const usage = usageErrorOf(error);
    io.err(`release-guard: ${inertLogLine((usage ?? (error as Error)).message)}\n`);
    return usage ? 2 : 1;
  }
}

function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const code = await cli(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  process.exitCode = code;
}
