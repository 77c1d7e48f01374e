#!/usr/bin/env node
/**
 * The `release-guard` CLI (`dist/cli.js`): the action's run for one event, from a terminal, with the event
 * payload from a file and the token from the environment. Like the action, it loads the clients, the guard
 * and each command only when the run comes to them.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ActionLog } from './run.js';
import { actionContext, inertLogLine, loadInputs, runAction } from './shared.js';

export const USAGE = `Usage: release-guard --event <name> --payload <file> --repo <owner/name> [options]

Runs release-guard for one Actions event, as the action would, against a repository.
The token is read from GITHUB_TOKEN (never from the command line).

Options:
  --event <name>          the event name, e.g. pull_request, workflow_run, schedule
  --payload <file>        the event payload (JSON), e.g. a webhook delivery saved from GitHub
  --repo <owner/name>     the repository
  --command <command>     auto (default), release-started, release-succeeded, release-failed, gate, reconcile
  --pull-request <n>      the pull request, for reconcile and the release commands
  --input <name=value>    any other action input, e.g. --input release-workflow=release.yaml (repeatable)
  --api-url <url>         the REST API (default GITHUB_API_URL or https://api.github.com)
  --dry-run               print the effects instead of executing them
  -h, --help              this text
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The CLI: returns the exit code (0 done, 1 failed, 2 bad usage). */
export async function cli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    io.err(`release-guard: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const missing = (['event', 'payload', 'repo'] as const).filter((name) => !values[name]);
  if (missing.length > 0) {
    io.err(`release-guard: missing ${missing.map((m) => `--${m}`).join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const inputs: Record<string, string> = {};
  for (const pair of values.input ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) {
      io.err(`release-guard: --input expects name=value, got '${pair.slice(0, 60)}'\n`);
      return 2;
    }
    inputs[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (values.command) inputs.command = values.command;
  if (values['pull-request']) inputs['pull-request'] = values['pull-request'];
  if (values['dry-run']) inputs['dry-run'] = 'true';
  for (const name of ['token', 'merge-token', 'registry-token']) {
    if (name in inputs) {
      io.err(`release-guard: tokens are read from the environment (GITHUB_TOKEN), not from --input ${name}\n`);
      return 2;
    }
  }
  const actionEnv: NodeJS.ProcessEnv = {
    GITHUB_EVENT_NAME: values.event,
    GITHUB_EVENT_PATH: values.payload,
    GITHUB_REPOSITORY: values.repo,
    GITHUB_API_URL: values['api-url'] || env.GITHUB_API_URL || 'https://api.github.com',
    ...(env.GITHUB_RUN_ID ? { GITHUB_RUN_ID: env.GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT: env.GITHUB_RUN_ATTEMPT } : {}),
    ...(env.GITHUB_REF_NAME ? { GITHUB_REF_NAME: env.GITHUB_REF_NAME } : {}),
    INPUT_TOKEN: env.GITHUB_TOKEN ?? '',
    ...(env.RELEASE_GUARD_MERGE_TOKEN ? { 'INPUT_MERGE-TOKEN': env.RELEASE_GUARD_MERGE_TOKEN } : {}),
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
  };
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
    const parsed = await loadInputs(actionEnv);
    const clients = async () => (await import('./clients.js')).actionClients(parsed, actionEnv);
    const result = await runAction(parsed, actionContext(actionEnv), clients, log);
    io.out(`${result.summary}\n`);
    io.out(
      `\n${Object.entries(result.outputs)
        .map(([name, value]) => `${name}=${value}`)
        .join('\n')}\n`,
    );
    for (const failure of result.failures) io.err(`failed: ${failure}\n`);
    return result.failures.length > 0 ? 1 : 0;
  } catch (error) {
    io.err(`release-guard: ${inertLogLine((error as Error).message)}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    options: {
      event: { type: 'string' },
      payload: { type: 'string' },
      repo: { type: 'string' },
      command: { type: 'string' },
      'pull-request': { type: 'string' },
      input: { type: 'string', multiple: true },
      'api-url': { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
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
