/**
 * The CLI's command line: the flags, checked before any API call, turned into the environment the action
 * reads (`GITHUB_*`, `INPUT_*`); and what goes wrong in a run, said in the terms of the command line.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GITHUB_EVENTS } from './github-events.js';
import { AUTO_EVENTS, EnvironmentError, EventPayloadError, INPUT_NAMES, InputError } from './shared.js';

export const USAGE = `Usage: release-guard --event <name> --payload <file> --repo <owner/name> [options]
       release-guard doctor --repo <owner/name> [--json] [options]

Runs release-guard for one Actions event, as the action would, against a repository; doctor (the same
as --command doctor, with no event) checks that the release lock is effective.
The token is read from GITHUB_TOKEN, the npmrc input from RELEASE_GUARD_NPMRC (never from the command line).

Options:
  --event <name>          the event name, e.g. pull_request, workflow_run, schedule (any other GitHub
                          event gets a notice and no effects)
  --payload <file>        the event payload (JSON), e.g. a webhook delivery saved from GitHub
  --repo <owner/name>     the repository
  --command <command>     auto (default), release-started, release-succeeded, release-failed, gate, reconcile,
                          doctor
  --pull-request <n>      the pull request, for reconcile, the release commands and a sweep of one
  --input <name=value>    any other action input, e.g. --input release-workflow=release.yaml (repeatable)
  --api-url <url>         the REST API (default GITHUB_API_URL or https://api.github.com)
  --summary <file>        write the job summary (Markdown) to this file; the terminal gets it as text
  --dry-run               print the effects instead of executing them
  --json                  doctor: print the checklist as JSON instead of the summary
  -h, --help              this text

Exit codes: 0 done (doctor: the lock is effective), 1 failed (an alert, a closed gate, an ineffective lock,
an error), 2 bad usage.
`;

/** A command line the CLI refuses: exit 2, with this message, and the usage when no flag was of use. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
  }
}

/** What a command line asks for: the usage, or a run with this environment. */
export type Invocation =
  | { help: true }
  | { help: false; env: NodeJS.ProcessEnv; summaryFile?: string; json?: boolean; eventless?: boolean };

/** Inputs with a flag of their own; `--input` takes them too, the flag wins. */
const FLAG_INPUTS = ['command', 'pull-request', 'dry-run'];
/** Inputs that are secrets: from the environment only. */
const TOKEN_INPUTS = ['token', 'merge-token', 'registry-token', 'npmrc'];

/** Reads and checks the command line; throws a `UsageError`. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Invocation {
  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
  } catch (error) {
    throw new UsageError((error as Error).message, true);
  }
  if (values.help) return { help: true };
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'doctor')) {
    const stray = (positionals.find((p) => p !== 'doctor') ?? positionals[1] ?? '').slice(0, 60);
    throw new UsageError(`Unexpected argument '${stray}': the one argument the CLI takes is doctor`, true);
  }
  if (positionals[0] && values.command && values.command !== 'doctor') {
    throw new UsageError(`doctor is --command doctor, not --command ${values.command.slice(0, 60)}`);
  }
  const doctor = positionals[0] === 'doctor' || values.command === 'doctor';
  if (values.json && !doctor) throw new UsageError('--json: only doctor prints its checklist as JSON');
  const missing = (doctor ? (['repo'] as const) : (['event', 'payload', 'repo'] as const)).filter(
    (name) => !values[name],
  );
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}`, true);
  const event = values.event;
  if (event !== undefined) checkEvent(event);
  const inputs = inputsOf(values.input ?? []);
  if (values.command) inputs.command = values.command;
  if (doctor) inputs.command = 'doctor';
  if (values['pull-request']) inputs['pull-request'] = values['pull-request'];
  if (values['dry-run']) inputs['dry-run'] = 'true';
  const apiUrl = values['api-url'] || env.GITHUB_API_URL || 'https://api.github.com';
  if (!/^https?:\/\/[^/\s]+/.test(apiUrl)) {
    throw new UsageError(
      `${values['api-url'] ? '--api-url' : 'GITHUB_API_URL'}: expected an http(s) URL, got '${apiUrl.slice(0, 100)}'`,
    );
  }
  const summaryFile = values.summary ? resolve(values.summary) : undefined;
  if (summaryFile && !existsSync(dirname(summaryFile))) {
    throw new UsageError(`--summary: the directory ${dirname(summaryFile)} does not exist`);
  }
  if (!env.GITHUB_TOKEN) {
    throw new UsageError(
      'set GITHUB_TOKEN to a token that may read the pull request and write statuses, e.g. GITHUB_TOKEN=$(gh auth token)',
    );
  }
  const actionEnv: NodeJS.ProcessEnv = {
    ...(event ? { GITHUB_EVENT_NAME: event } : {}),
    ...(values.payload ? { GITHUB_EVENT_PATH: values.payload } : {}),
    GITHUB_REPOSITORY: values.repo,
    GITHUB_API_URL: apiUrl,
    ...(env.GITHUB_RUN_ID ? { GITHUB_RUN_ID: env.GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT: env.GITHUB_RUN_ATTEMPT } : {}),
    ...(env.GITHUB_REF_NAME ? { GITHUB_REF_NAME: env.GITHUB_REF_NAME } : {}),
    INPUT_TOKEN: env.GITHUB_TOKEN,
    ...(env.RELEASE_GUARD_MERGE_TOKEN ? { 'INPUT_MERGE-TOKEN': env.RELEASE_GUARD_MERGE_TOKEN } : {}),
    // The npmrc input holds registry tokens: from the environment only, like the tokens.
    ...(env.RELEASE_GUARD_NPMRC ? { INPUT_NPMRC: env.RELEASE_GUARD_NPMRC } : {}),
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
  };
  return {
    help: false,
    env: actionEnv,
    ...(summaryFile ? { summaryFile } : {}),
    ...(values.json ? { json: true } : {}),
    ...(doctor && !event ? { eventless: true } : {}),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      event: { type: 'string' },
      payload: { type: 'string' },
      repo: { type: 'string' },
      command: { type: 'string' },
      'pull-request': { type: 'string' },
      input: { type: 'string', multiple: true },
      'api-url': { type: 'string' },
      summary: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * An event GitHub has: `auto` acts on a few and answers the others with a notice, as the action does, and
 * the other commands take any. A name GitHub does not have is refused, with the closest one.
 */
function checkEvent(event: string): void {
  if ((GITHUB_EVENTS as readonly string[]).includes(event)) return;
  const hint = closest(event, GITHUB_EVENTS);
  throw new UsageError(
    `--event: '${event.slice(0, 60)}' is not a GitHub Actions event${hint ? ` (did you mean ${hint}?)` : ''}. ` +
      `The command auto acts on ${AUTO_EVENTS.join(', ')}; any other GitHub event gets a notice and no effects`,
  );
}

/** The `--input name=value` pairs: each name one of the action's inputs (`action.yml`), none a token. */
function inputsOf(pairs: readonly string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--input expects name=value, got '${pair.slice(0, 60)}'`);
    const name = pair.slice(0, at);
    if (TOKEN_INPUTS.includes(name)) {
      throw new UsageError(
        `tokens are read from the environment (${name === 'npmrc' ? 'RELEASE_GUARD_NPMRC' : 'GITHUB_TOKEN'}), not from --input ${name}`,
      );
    }
    if (!(INPUT_NAMES as readonly string[]).includes(name)) {
      const known = INPUT_NAMES.filter((n) => !TOKEN_INPUTS.includes(n));
      const hint = closest(name, known);
      throw new UsageError(
        `--input: unknown input '${name.slice(0, 60)}'${hint ? ` (did you mean ${hint}?)` : ''}; the inputs are ${known.join(', ')}`,
      );
    }
    inputs[name] = pair.slice(at + 1);
  }
  return inputs;
}

/**
 * A failure of the run said in the terms of the command line, or `undefined` when it is not about the
 * command line: an input names its flag, a runner variable the flag the CLI set it from, the payload `--payload`.
 */
export function usageErrorOf(error: unknown): UsageError | undefined {
  if (error instanceof InputError) {
    const detail = error.message.replace(/^input '[^']*': /, '');
    return new UsageError(`${flagOf(error.input)}: ${detail}`);
  }
  if (error instanceof EnvironmentError) {
    const variable = /^(GITHUB_[A-Z_]+)/.exec(error.message)?.[1] ?? '';
    const flag = RUNNER_FLAGS[variable];
    return new UsageError(flag ? error.message.replace(/^GITHUB_[A-Z_]+:?/, `${flag}:`) : error.message);
  }
  if (error instanceof EventPayloadError) return new UsageError(`--payload: ${error.message}`);
  return undefined;
}

/** The runner's variables the CLI sets from its flags. */
const RUNNER_FLAGS: Record<string, string> = {
  GITHUB_EVENT_NAME: '--event',
  GITHUB_EVENT_PATH: '--payload',
  GITHUB_REPOSITORY: '--repo',
};

function flagOf(input: string): string {
  if (FLAG_INPUTS.includes(input)) return `--${input}`;
  if (input === 'token') return 'GITHUB_TOKEN';
  if (input === 'merge-token') return 'RELEASE_GUARD_MERGE_TOKEN';
  if (input === 'npmrc') return 'RELEASE_GUARD_NPMRC';
  return `--input ${input}`;
}

/** The candidate nearest to `name` (edit distance, case and `-`/`_` aside), when it is near enough to be a typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const normal = (s: string) => s.toLowerCase().replace(/-/g, '_');
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(normal(name), normal(candidate));
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length] as number;
}
