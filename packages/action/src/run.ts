/**
 * One run of the action: what it runs with (the runner's context, the clients, a log), what it returns,
 * and `run`, which hands the command to its module under `commands/`. A module is loaded only when its
 * command runs, and the clients only when a command needs them: an event the action ignores loads neither
 * the guard nor an HTTP client.
 */
import type { Phase } from '@release-guard/core';
import type { ArtifactVerifierOptions, GuardRunResult, Octokit, RepoRef } from '@release-guard/github-adapter';
import { ignoredEvent } from './commands/result.js';
import type { DoctorReport } from './doctor/report.js';
import { planFor } from './event-plan.js';
import type { ActionInputs } from './inputs.js';
import { inertLog, inertLogLine } from './log.js';

/** Where and why the action runs: what the runner puts in `GITHUB_*` and the event payload. */
export interface ActionContext {
  /** `GITHUB_EVENT_NAME`. */
  eventName: string;
  /** The JSON at `GITHUB_EVENT_PATH`. */
  payload: unknown;
  /** `GITHUB_REPOSITORY`. */
  repository: RepoRef;
  /** `GITHUB_RUN_ID` and `GITHUB_RUN_ATTEMPT`: the calling run, which the release commands report. */
  run?: { id: number; attempt: number };
  /** `GITHUB_HEAD_REF` or `GITHUB_REF_NAME`: the branch the run is on. */
  refName?: string;
  /** `GITHUB_SHA`. */
  sha?: string;
}

/** The clients the action talks through; tests point them at the emulators. */
export interface ActionClients {
  /** Reads, statuses, comments and dispatches (`token`). */
  octokit: Octokit;
  /** Merges (`merge-token`); default `octokit`. */
  mergeOctokit?: Octokit;
  /** How artifacts are looked up in their registries. */
  registries?: ArtifactVerifierOptions;
  /** The clock stamped on the timeline and used for the release timeout. Default: the system clock. */
  now?: () => Date;
}

/**
 * Where the action reports as it goes: the runner's log (`@actions/core`) or a terminal. `run` hands it
 * only inert lines (`inertLogLine`): text from payloads, GitHub and registries never becomes a command.
 */
export interface ActionLog {
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** One pull request the run handled. */
export interface PullRequestOutcome {
  number: number;
  result: GuardRunResult;
}

export interface ActionResult {
  /** The step's outputs: those of the one pull request the run handled; empty when it handled none or several. */
  outputs: { phase: Phase | ''; release: 'true' | 'false'; 'head-sha': string; version: string };
  /** The job summary, Markdown. */
  summary: string;
  /**
   * Why the step must fail: an alert (a merge that bypassed the guard, a release nobody approved), a
   * closed gate, or a pull request the sweep could not handle. Everything else still ran. Each is one
   * log line that cannot be taken for a workflow command (`inertLogLine`).
   */
  failures: string[];
  pullRequests: PullRequestOutcome[];
  /** `doctor`'s checklist, as data. */
  doctor?: DoctorReport;
}

/** What a command runs with: the checked inputs, the runner's context, the clients, a log of inert lines. */
export interface CommandDeps {
  inputs: ActionInputs;
  context: ActionContext;
  clients: ActionClients;
  log: ActionLog;
}

/**
 * One run of the action: the inputs (already checked by `parseInputs`), the runner's context, the
 * clients. `auto` maps the event to the guard (`planFor`); the other commands are steps inside the
 * release job. Effects are executed unless `dry-run`, in which case they are only reported. A
 * configuration the guard refuses throws an `InputError` naming the input first, whatever the command and
 * the event.
 */
export async function run(
  inputs: ActionInputs,
  context: ActionContext,
  clients: ActionClients,
  log: ActionLog,
): Promise<ActionResult> {
  const { checkConfig } = await import('./inputs-config.js');
  checkConfig(inputs.config);
  return runAction(inputs, context, () => clients, log);
}

/**
 * `run`, with the clients made by `clients` when a command first needs them: what the action's and the
 * CLI's entry points call, so that an event the action ignores makes none.
 */
export async function runAction(
  inputs: ActionInputs,
  context: ActionContext,
  clients: () => ActionClients | Promise<ActionClients>,
  log: ActionLog,
): Promise<ActionResult> {
  const inert = inertLog(log);
  const deps = async (): Promise<CommandDeps> => ({ inputs, context, clients: await clients(), log: inert });
  const result = await perform(inputs.command, context, deps, inert);
  return { ...result, failures: result.failures.map(inertLogLine) };
}

/** What `command` does, each command from its own module. */
async function perform(
  command: ActionInputs['command'],
  context: ActionContext,
  deps: () => Promise<CommandDeps>,
  log: ActionLog,
): Promise<ActionResult> {
  switch (command) {
    case 'auto': {
      const plan = planFor(context.eventName, context.payload);
      if (plan.kind === 'ignore') return ignoredEvent(log, plan.notice);
      const { auto } = await import('./commands/auto.js');
      return auto(await deps(), plan);
    }
    case 'reconcile': {
      const { reconcile } = await import('./commands/reconcile.js');
      return reconcile(await deps());
    }
    case 'release-started':
    case 'release-succeeded':
    case 'release-failed': {
      const { reportRelease } = await import('./commands/release-report.js');
      return reportRelease(await deps(), command);
    }
    case 'gate': {
      const { checkGate } = await import('./commands/gate.js');
      return checkGate(await deps());
    }
    case 'doctor': {
      const { doctor } = await import('./commands/doctor.js');
      return doctor(await deps());
    }
  }
}
