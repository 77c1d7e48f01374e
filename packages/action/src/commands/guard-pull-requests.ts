/**
 * Guarding pull requests, which every command but `gate` comes down to: the guard made from the inputs'
 * configuration runs (`runGuard`) for each pull request, several at once, each run reported in the log;
 * the results become the step's outputs and its summary.
 */
import { createGuard, type Guard, shortSha } from '@release-guard/core';
import {
  type ArtifactVerifierOptions,
  type GuardEventsFor,
  type GuardRunOptions,
  type GuardRunResult,
  runAttemptId,
  runGuard,
} from '@release-guard/github-adapter';
import type { ActionInputs } from '../inputs.js';
import type { ActionClients, ActionResult, CommandDeps, PullRequestOutcome } from '../run.js';
import { NO_OUTPUTS, releaseMode } from '../shared.js';
import { renderSummary } from '../summary.js';

/** Open pull requests a sweep handles at once. */
export const SWEEP_CONCURRENCY = 4;

/** A repository under the guard for this run: what the command runs with, and the guard of the inputs' configuration. */
export interface GuardedRepository extends CommandDeps {
  guard: Guard;
}

/** A pull request to guard: its number and, when known, its head branch. */
export interface PullRequestTarget {
  number: number;
  headRef?: string;
}

/** The workflow run a `workflow_run` delivery reports: only the guard's own dispatch releases. */
export type DeliveredRun = GuardRunOptions['deliveredRun'];

/** `deps` with the guard made from the inputs' configuration: loaded with the commands that guard pull requests. */
export function guardedRepository(deps: CommandDeps): GuardedRepository {
  return { ...deps, guard: createGuard(deps.inputs.config) };
}

/** The clock of `clients`: the system clock unless they bring one. */
export function clockOf(clients: ActionClients): () => Date {
  return () => clients.now?.() ?? new Date();
}

/**
 * Runs the guard with `events` for every pull request of `targets`, `SWEEP_CONCURRENCY` at once. A single
 * pull request's error is thrown; with several, it is logged and becomes a failure, and the others still run.
 */
export async function guardPullRequests(
  repository: GuardedRepository,
  targets: readonly PullRequestTarget[],
  events: GuardEventsFor,
  deliveredRun?: DeliveredRun,
): Promise<ActionResult> {
  const { log } = repository;
  const outcomes: PullRequestOutcome[] = [];
  const failures: string[] = [];
  const queue = [...targets];
  const worker = async () => {
    for (let target = queue.shift(); target; target = queue.shift()) {
      const { number } = target;
      try {
        const result = await log.group(`release-guard: pull request #${number}`, () =>
          guardPullRequest(repository, target, events, deliveredRun),
        );
        outcomes.push({ number, result });
        failures.push(...result.alerts.map((alert) => `#${number}: ${alert}`));
      } catch (error) {
        if (targets.length === 1) throw error;
        const message = `#${number}: ${(error as Error).message}`;
        log.error(message);
        failures.push(message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SWEEP_CONCURRENCY, targets.length) }, worker));
  outcomes.sort((a, b) => a.number - b.number);
  const single = targets.length === 1 ? outcomes[0] : undefined;
  const summaries = outcomes.map(({ result }) => renderSummary(result));
  return {
    outputs: single
      ? {
          phase: single.result.snapshot.phase,
          release: single.result.release ? 'true' : 'false',
          'head-sha': single.result.snapshot.headSha,
          version: single.result.snapshot.pr.version ?? '',
        }
      : { ...NO_OUTPUTS },
    summary:
      summaries.length > 0 ? summaries.join('\n\n---\n\n') : '### release-guard\n\nNo open release pull request.',
    failures,
    pullRequests: outcomes,
  };
}

/** One guard run for one pull request, reported in the log as it went. */
async function guardPullRequest(
  repository: GuardedRepository,
  target: PullRequestTarget,
  events: GuardEventsFor,
  deliveredRun: DeliveredRun,
): Promise<GuardRunResult> {
  const { guard, inputs, context, clients, log } = repository;
  const { octokit, mergeOctokit } = clients;
  const registries = registryOptions(inputs, clients);
  const callingRun = context.run ? runAttemptId(context.run.id, context.run.attempt) : undefined;
  const result = await runGuard({
    guard,
    octokit,
    ...(mergeOctokit ? { mergeOctokit } : {}),
    pr: { ...context.repository, number: target.number },
    release: releaseMode(inputs, target.headRef, callingRun),
    statusKind: inputs.statusKind,
    approvers: inputs.approvers,
    ...(registries ? { registries } : {}),
    events,
    ...(deliveredRun ? { deliveredRun } : {}),
    dryRun: inputs.dryRun,
    now: clockOf(clients),
  });
  if (result.storedSnapshotProblem) {
    log.warning(`the stored timeline was not used (${result.storedSnapshotProblem}); rebuilt from GitHub`);
  }
  for (const reason of result.ignored) log.info(`ignored: ${reason}`);
  const groups = new Set(result.snapshot.groups);
  for (const { effect, executed } of result.effects) {
    log.info(`${executed ? 'done' : 'dry run, not done'}: ${describeEffect(effect, groups)}`);
  }
  for (const alert of result.alerts) log.error(alert);
  log.info(`phase: ${result.snapshot.phase} at ${result.snapshot.headSha}`);
  return result;
}

/**
 * How the artifacts are looked up: the clients' registry options, with the revision check when
 * `require-revision` asks for it. The input only ever adds the check, never removes one the clients ask for.
 */
function registryOptions(inputs: ActionInputs, clients: ActionClients): ArtifactVerifierOptions | undefined {
  return inputs.requireRevision ? { ...clients.registries, requireRevision: true } : clients.registries;
}

/** One effect as the log says it; `groups` are the merge groups' commits, whose statuses are named so. */
function describeEffect(effect: GuardRunResult['effects'][number]['effect'], groups: ReadonlySet<string>): string {
  switch (effect.type) {
    case 'SET_STATUS': {
      const on = groups.has(effect.sha) ? `the merge group ${shortSha(effect.sha)}` : shortSha(effect.sha);
      return `status ${effect.context} ${effect.state} on ${on}: ${effect.description}`;
    }
    case 'START_RELEASE':
      return `start the release of ${shortSha(effect.sha)}${effect.version ? ` (${effect.version})` : ''}`;
    case 'VERIFY_ARTIFACTS':
      return `verify ${effect.artifacts.map((a) => a.ref).join(', ')}`;
    case 'MERGE':
      return effect.via === 'queue'
        ? `enqueue #${effect.pr} at ${shortSha(effect.sha)} in the merge queue`
        : `merge #${effect.pr} at ${shortSha(effect.sha)} (${effect.method})`;
    case 'DEQUEUE':
      return `take #${effect.pr} at ${shortSha(effect.sha)} out of the merge queue`;
    case 'COMMENT':
      return `update the timeline comment of #${effect.pr}`;
    case 'ALERT':
      return `alert: ${effect.reason}`;
  }
}
