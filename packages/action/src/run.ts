import {
  createGuard,
  type Guard,
  type GuardEvent,
  type GuardSnapshot,
  inertMarkdown,
  type Phase,
} from '@release-guard/core';
import {
  type ArtifactVerifierOptions,
  type GuardEventsFor,
  type GuardRunOptions,
  type GuardRunResult,
  isReleaseRun,
  type Octokit,
  type RepoRef,
  runAttemptId,
  runGuard,
  sameRun,
  versionOfBranch,
} from '@release-guard/github-adapter';
import { EventPayloadError, type EventPlan, isCommitSha, planFor, word } from './event-plan.js';
import { gate } from './gate.js';
import { type ActionInputs, InputError, releaseMode } from './inputs.js';
import { inertLog, inertLogLine } from './log.js';
import { renderGateSummary, renderSummary } from './summary.js';

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
  /** The step's outputs. For a sweep, which may handle several pull requests, they are empty. */
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
}

/** The outputs of a run that leaves no single pull request behind (a notice, a sweep, a gate). */
const NO_OUTPUTS: ActionResult['outputs'] = { phase: '', release: 'false', 'head-sha': '', version: '' };

/** Open pull requests a sweep handles at once. */
export const SWEEP_CONCURRENCY = 4;

/** A sweep also looks at release pull requests closed this recently (a day). */
export const SWEEP_CLOSED_WITHIN_MS = 24 * 60 * 60 * 1000;

/**
 * One run of the action: the inputs (already checked by `parseInputs`), the runner's context, the
 * clients. `auto` maps the event to the guard (`planFor`); the other commands are steps inside
 * the release job. Effects are executed unless `dry-run`, in which case they are only reported.
 */
export async function run(
  inputs: ActionInputs,
  context: ActionContext,
  clients: ActionClients,
  log: ActionLog,
): Promise<ActionResult> {
  const guard = createGuard(inputs.config);
  const job = new Job(guard, inputs, context, clients, inertLog(log));
  const result = await perform(job, inputs.command, context);
  return { ...result, failures: result.failures.map(inertLogLine) };
}

/** What `command` does, run by `job`. */
async function perform(job: Job, command: ActionInputs['command'], context: ActionContext): Promise<ActionResult> {
  switch (command) {
    case 'auto':
      return job.auto(planFor(context.eventName, context.payload));
    case 'reconcile':
      return job.pullRequests([await job.target()], []);
    case 'release-started':
    case 'release-succeeded':
    case 'release-failed':
      return job.releaseReport(command);
    case 'gate':
      return job.gate();
  }
}

class Job {
  /** The workflow run a `workflow_run` delivery reports: only the guard's own dispatch releases. */
  private deliveredRun: GuardRunOptions['deliveredRun'];

  constructor(
    private readonly guard: Guard,
    private readonly inputs: ActionInputs,
    private readonly context: ActionContext,
    private readonly clients: ActionClients,
    private readonly log: ActionLog,
  ) {}

  /** The calling run's attempt id, when the runner names it. */
  private callingRun(): string | undefined {
    const run = this.context.run;
    return run ? runAttemptId(run.id, run.attempt) : undefined;
  }

  private now(): Date {
    return this.clients.now?.() ?? new Date();
  }

  async auto(plan: EventPlan): Promise<ActionResult> {
    switch (plan.kind) {
      case 'ignore':
        return this.nothing(plan.notice);
      case 'pull-request':
        return this.pullRequests([{ number: plan.number }], plan.events);
      case 'release-run': {
        const workflow = this.inputs.release.workflow;
        if (!workflow) {
          return this.nothing(
            'workflow_run events are for a dispatched release workflow (input release-workflow); releases in the calling run report themselves with the release commands',
          );
        }
        if (basename(plan.workflowPath) !== basename(workflow)) {
          return this.nothing(`the workflow ${plan.workflowPath} is not the release workflow ${workflow}`);
        }
        const release = {
          event: plan.run.event,
          head_sha: plan.headSha,
          head_branch: plan.headBranch,
          display_title: plan.run.displayTitle,
          head_repository: plan.run.headRepository === undefined ? null : { full_name: plan.run.headRepository },
        };
        if (!isReleaseRun(release, { repo: this.context.repository, sha: plan.headSha, headRef: plan.headBranch })) {
          const about = `a run of ${plan.workflowPath} (${word(plan.run.event)} on ${word(plan.headBranch)}, ${plan.headSha.slice(0, 7)}) that the guard did not start`;
          if (!plan.run.succeeded) return this.nothing(`${about} is not the release: ignored`);
          const alert = `${about} succeeded: it is not the release and unlocks nothing. Anyone with write access can make the release workflow run for any SHA; only a workflow_dispatch run on the release branch, named with the marker, releases.`;
          return { ...this.nothing(alert), failures: [alert] };
        }
        const numbers = await this.openPullRequestsOf(plan.headBranch);
        if (numbers.length === 0) {
          return this.nothing(`no open pull request has the head branch ${plan.headBranch} in this repository`);
        }
        const [started] = plan.events;
        this.deliveredRun = {
          runId: started?.type === 'RELEASE_STARTED' ? String(started.runId) : '',
          actor: plan.run.actor ?? '',
          succeeded: plan.run.succeeded,
        };
        return this.pullRequests(numbers, plan.events);
      }
      case 'sweep':
        return this.sweep();
    }
  }

  /** The pull request a command names: the `pull-request` input, the event's, or the one open on the run's branch. */
  async target(): Promise<{ number: number; headRef?: string }> {
    if (this.inputs.pullRequest) return { number: this.inputs.pullRequest };
    const fromEvent = pullRequestOf(this.context.payload);
    if (fromEvent) return fromEvent;
    const branch = this.context.refName;
    if (branch) {
      const [found, ...others] = await this.openPullRequestsOf(branch);
      if (found && others.length === 0) return found;
      if (found) {
        throw new InputError(
          'pull-request',
          `several open pull requests have the head branch ${branch}: name one, e.g. pull-request: ${found.number}`,
        );
      }
    }
    throw new InputError(
      'pull-request',
      `the ${this.context.eventName} event names no pull request and none is open on ${branch ?? 'this branch'}: give its number`,
    );
  }

  async releaseReport(command: 'release-started' | 'release-succeeded' | 'release-failed'): Promise<ActionResult> {
    const target = await this.target();
    const run = this.context.run;
    if (!run) throw new Error('the release commands report the calling run: GITHUB_RUN_ID is not set');
    const released = releaseSha(this.context);
    if (!released) {
      throw new Error('the release commands need the released SHA: the inputs.sha of the dispatch, or GITHUB_SHA');
    }
    const { sha, from } = released;
    if (!isCommitSha(sha)) {
      throw new EventPayloadError(`${from} must be a commit SHA (40 or 64 lowercase hexadecimal characters)`);
    }
    const runId = runAttemptId(run.id, run.attempt);
    const events: GuardEvent[] = [{ type: 'RELEASE_STARTED', sha, runId }];
    if (command === 'release-succeeded') events.push({ type: 'RELEASE_SUCCEEDED', sha, runId });
    if (command === 'release-failed') {
      events.push({ type: 'RELEASE_FAILED', sha, runId, reason: `the release job reported a failure (run ${runId})` });
    }
    // Any workflow can call the action with a release command. Only the run the guard recorded when it
    // answered `release=true` (or an attempt of it) reports the release.
    let refusal: string | undefined;
    const result = await this.pullRequests([target], (snapshot) => {
      const recorded = snapshot.release.runId;
      if (recorded === undefined || sameRun(recorded, runId) || snapshot.headSha !== sha) return events;
      refusal = `run ${runId} reported ${command} for ${sha.slice(0, 7)}, but the release of ${sha.slice(0, 7)} is run ${recorded}: ignored`;
      return [];
    });
    return refusal ? { ...result, failures: [...result.failures, refusal] } : result;
  }

  async gate(): Promise<ActionResult> {
    const artifact = this.inputs.artifact;
    if (!artifact) throw new InputError('artifact', 'required by command gate: the name of the artifact to publish');
    const version = this.inputs.version ?? versionOfBranch(this.context.refName ?? '').version;
    const result = await this.log.group(`release-guard: gate for ${artifact}`, () =>
      gate({
        config: this.inputs.config,
        artifact,
        versions: version ? { version } : {},
        ...(this.clients.registries ? { registries: this.clients.registries } : {}),
      }),
    );
    for (const p of result.predecessors) {
      this.log.info(`${p.present ? 'present' : 'missing'}: ${p.name} ${p.ref}${p.reason ? ` (${p.reason})` : ''}`);
    }
    const failures = result.open
      ? []
      : [
          `the gate for ${artifact} is closed: ${result.predecessors
            .filter((p) => !p.present)
            .map((p) => `${p.name}: ${p.reason ?? `${p.ref} is missing`}`)
            .join('; ')}`,
        ];
    return {
      outputs: { ...NO_OUTPUTS, version: version ?? '' },
      summary: renderGateSummary(artifact, result),
      failures,
      pullRequests: [],
    };
  }

  /**
   * Every open release pull request, several at once: repairs missed events and fires release timeouts.
   * Release pull requests closed in the last day are looked at too, so a lost `closed` delivery still
   * gets a merge that bypassed the guard recorded and alerted.
   */
  async sweep(): Promise<ActionResult> {
    const { octokit } = this.clients;
    const open = await octokit.paginate(octokit.rest.pulls.list, {
      ...this.context.repository,
      state: 'open',
      per_page: 100,
    });
    const { data: closed } = await octokit.rest.pulls.list({
      ...this.context.repository,
      state: 'closed',
      sort: 'updated',
      direction: 'desc',
      per_page: 50,
    });
    const since = this.now().getTime() - SWEEP_CLOSED_WITHIN_MS;
    const isRelease = (pr: { head: { ref: string } }) => this.guard.settings.releaseBranch.test(pr.head.ref);
    const recentlyClosed = closed.filter((pr) => isRelease(pr) && pr.closed_at && Date.parse(pr.closed_at) >= since);
    const releases = [...open.filter(isRelease), ...recentlyClosed].map((pr) => ({
      number: pr.number,
      headRef: pr.head.ref,
    }));
    this.log.info(
      `sweeping ${releases.length - recentlyClosed.length} open release pull request(s) of ${open.length} open, and ${recentlyClosed.length} closed in the last day`,
    );
    const timeoutMs = this.inputs.releaseTimeoutMinutes * 60_000;
    return this.pullRequests(releases, (snapshot) => {
      const since = releaseSince(snapshot);
      if (since === undefined || this.now().getTime() - since < timeoutMs) return [];
      return [{ type: 'TIMED_OUT', sha: snapshot.headSha }];
    });
  }

  async pullRequests(
    targets: readonly { number: number; headRef?: string }[],
    events: GuardEventsFor,
  ): Promise<ActionResult> {
    const outcomes: PullRequestOutcome[] = [];
    const failures: string[] = [];
    const queue = [...targets];
    const worker = async () => {
      for (let target = queue.shift(); target; target = queue.shift()) {
        const { number } = target;
        try {
          const result = await this.log.group(`release-guard: pull request #${number}`, () =>
            this.guardOne(target, events),
          );
          outcomes.push({ number, result });
          failures.push(...result.alerts.map((alert) => `#${number}: ${alert}`));
        } catch (error) {
          if (targets.length === 1) throw error;
          const message = `#${number}: ${(error as Error).message}`;
          this.log.error(message);
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

  private async guardOne(
    target: { number: number; headRef?: string },
    events: GuardEventsFor,
  ): Promise<GuardRunResult> {
    const { octokit, mergeOctokit, registries } = this.clients;
    const result = await runGuard({
      guard: this.guard,
      octokit,
      ...(mergeOctokit ? { mergeOctokit } : {}),
      pr: { ...this.context.repository, number: target.number },
      release: releaseMode(this.inputs, target.headRef, this.callingRun()),
      statusKind: this.inputs.statusKind,
      approvers: this.inputs.approvers,
      ...(registries ? { registries } : {}),
      events,
      ...(this.deliveredRun ? { deliveredRun: this.deliveredRun } : {}),
      dryRun: this.inputs.dryRun,
      now: () => this.now(),
    });
    if (result.storedSnapshotProblem) {
      this.log.warning(`the stored timeline was not used (${result.storedSnapshotProblem}); rebuilt from GitHub`);
    }
    for (const reason of result.ignored) this.log.info(`ignored: ${reason}`);
    for (const { effect, executed } of result.effects) {
      this.log.info(`${executed ? 'done' : 'dry run, not done'}: ${describeEffect(effect)}`);
    }
    for (const alert of result.alerts) this.log.error(alert);
    this.log.info(`phase: ${result.snapshot.phase} at ${result.snapshot.headSha}`);
    return result;
  }

  private async openPullRequestsOf(branch: string): Promise<{ number: number; headRef: string }[]> {
    const { data } = await this.clients.octokit.rest.pulls.list({
      ...this.context.repository,
      state: 'open',
      head: `${this.context.repository.owner}:${branch}`,
      per_page: 10,
    });
    return data.map((pr) => ({ number: pr.number, headRef: pr.head.ref }));
  }

  /** A run with nothing to do: `notice`, which may quote the payload, is logged and shown as inert Markdown. */
  private nothing(notice: string): ActionResult {
    this.log.notice(notice);
    return {
      outputs: { ...NO_OUTPUTS },
      summary: `### release-guard\n\nNothing to do: ${inertMarkdown(notice)}.`,
      failures: [],
      pullRequests: [],
    };
  }
}

/**
 * When the current release attempt began: the time of the first timeline entry of the trailing run of
 * `approved` and `releasing` entries. Undefined when no release is under way or the time is unknown.
 */
export function releaseSince(snapshot: GuardSnapshot): number | undefined {
  if (snapshot.phase !== 'approved' && snapshot.phase !== 'releasing') return undefined;
  let since: string | undefined;
  for (let i = snapshot.timeline.length - 1; i >= 0; i--) {
    const entry = snapshot.timeline[i];
    if (!entry || (entry.phase !== 'approved' && entry.phase !== 'releasing') || entry.sha !== snapshot.headSha) break;
    since = entry.at ?? since;
  }
  const time = since === undefined ? Number.NaN : Date.parse(since);
  return Number.isNaN(time) ? undefined : time;
}

function describeEffect(effect: GuardRunResult['effects'][number]['effect']): string {
  switch (effect.type) {
    case 'SET_STATUS':
      return `status ${effect.context} ${effect.state} on ${effect.sha.slice(0, 7)}: ${effect.description}`;
    case 'START_RELEASE':
      return `start the release of ${effect.sha.slice(0, 7)}${effect.version ? ` (${effect.version})` : ''}`;
    case 'VERIFY_ARTIFACTS':
      return `verify ${effect.artifacts.map((a) => a.ref).join(', ')}`;
    case 'MERGE':
      return `merge #${effect.pr} at ${effect.sha.slice(0, 7)} (${effect.method})`;
    case 'COMMENT':
      return `update the timeline comment of #${effect.pr}`;
    case 'ALERT':
      return `alert: ${effect.reason}`;
  }
}

function pullRequestOf(payload: unknown): { number: number; headRef?: string } | undefined {
  const pr = (payload as { pull_request?: { number?: unknown; head?: { ref?: unknown } } } | null)?.pull_request;
  if (typeof pr?.number !== 'number') return undefined;
  return typeof pr.head?.ref === 'string' ? { number: pr.number, headRef: pr.head.ref } : { number: pr.number };
}

/** The SHA a release job released, and where it came from: the dispatch's `sha` input, the pull request's head, or the run's commit. */
function releaseSha(context: ActionContext): { sha: string; from: string } | undefined {
  const payload = context.payload as {
    inputs?: { sha?: unknown };
    pull_request?: { head?: { sha?: unknown } };
  } | null;
  const fromInputs = payload?.inputs?.sha;
  if (typeof fromInputs === 'string' && fromInputs) return { sha: fromInputs, from: 'workflow_dispatch.inputs.sha' };
  const fromPr = payload?.pull_request?.head?.sha;
  if (typeof fromPr === 'string' && fromPr) return { sha: fromPr, from: `${context.eventName}.pull_request.head.sha` };
  return context.sha ? { sha: context.sha, from: 'GITHUB_SHA' } : undefined;
}

function basename(path: string): string {
  return path.split('/').at(-1) ?? path;
}
