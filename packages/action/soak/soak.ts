import { createOctokit } from '@release-guard/github-adapter';
import {
  type GitHubEmulator,
  type Registry,
  startGitHub,
  startRegistry,
  type WebhookDelivery,
} from '@release-guard/testkit';
import { ActionRunner } from './action-runner.js';
import { Attackers } from './attackers.js';
import { Delivery } from './delivery.js';
import { Faults } from './faults.js';
import { Oracle } from './oracle.js';
import { MergeQueue } from './queue.js';
import { generator, lifecycleSeed, type Random } from './random.js';
import { emptyReport } from './report.js';
import { CI_TOKEN, MALLORY_TOKEN, RELEASER_TOKEN, type Setup, setUp } from './setup.js';
import { ReleasePullRequest, type Stage } from './stage.js';
import { Standing } from './standing.js';
import { Steps } from './steps.js';
import type { ScriptedStep, SoakOptions, SoakReport } from './types.js';

export { lifecycleSeed } from './random.js';
export type { Attack, QueueAttack, Script, ScriptedStep, SoakOptions, SoakReport, Step } from './types.js';

/**
 * The soak: many release lifecycles end to end through the action's `run()` and the emulators, with
 * random interleavings of approvals, pushes, dismissals, release outcomes, human merges and closes;
 * attackers (pull requests sharing the release head, release workflow runs the guard did not start, floods
 * of reviews and comments, a releaser un-assigning themself, the guard's record edited or deleted);
 * dropped, duplicated, reordered and concurrent deliveries; and API faults. Each lifecycle runs against
 * an emulated GitHub of its own and draws every decision from generators seeded with (seed, lifecycle),
 * so lifecycle N does the same alone (`only`) as inside the whole soak.
 *
 * This file runs the lifecycles and ties each together: its set-up (setup.ts), the steps chosen and played
 * (steps.ts, attackers.ts), GitHub's delivery of their events (delivery.ts) with faults (faults.ts), the
 * runs of the action (action-runner.ts), and the oracle (oracle.ts, reading standing.ts). With `queue`,
 * main requires the merge queue: queue.ts plays its people, CI and attackers and hands its deliveries on,
 * queue-oracle.ts judges it.
 */
export async function soak(options: SoakOptions): Promise<SoakReport> {
  const began = performance.now();
  const numbers =
    options.only !== undefined || options.script
      ? [options.only ?? 1]
      : Array.from({ length: options.lifecycles }, (_, i) => i + 1);
  // The registry's push log runs on the clock of the lifecycle under way, like its GitHub.
  const clock = { ms: START };
  const registry = await startRegistry({ now: () => new Date(clock.ms) });
  const report = emptyReport(options.seed, numbers.length, options.only, options.queue);
  const calls: number[] = [];
  try {
    for (const n of numbers) {
      const result = await runLifecycle(n, registry, clock, options, report);
      calls.push(result.calls);
      options.progress?.(`lifecycle ${n}: ${result.summary}`);
    }
  } finally {
    await registry.close();
  }
  const sorted = [...calls].sort((a, b) => a - b);
  report.apiCallsPerLifecycle = { median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
  report.durationMs = performance.now() - began;
  return report;
}

/** Lifecycle n's clock starts on day n of the soak's calendar (each lifecycle has a GitHub of its own). */
const START = Date.parse('2023-08-01T09:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

/** Lifecycle `n` against a GitHub of its own (its ids and clock owe nothing to other lifecycles). */
async function runLifecycle(
  n: number,
  registry: Registry,
  clock: { ms: number },
  options: SoakOptions,
  report: SoakReport,
): Promise<{ calls: number; summary: string }> {
  clock.ms = START + (n - 1) * DAY;
  const github = await startGitHub({ now: () => new Date(clock.ms) });
  try {
    const random = generator(lifecycleSeed(options.seed, n));
    // Stream 1 draws the order in which the runs' requests reach the emulators.
    const order = generator(lifecycleSeed(options.seed, n, 1));
    const setup = setUp(n, random, github.control, options, report);
    const result = await new Lifecycle(setup, random, order, github, registry, clock, options, report).run();
    options.end?.(n, github.control, { repo: setup.full, number: setup.number });
    return result;
  } finally {
    await github.close();
  }
}

/** One lifecycle, tied together: its steps, their delivery, the runs of the action, and the oracle. */
class Lifecycle {
  /** The step of the script being played, if any. */
  private scripted: ScriptedStep | undefined;
  private readonly trace: (line: string) => void;
  private readonly pr: ReleasePullRequest;
  private readonly standing: Standing;
  private readonly oracle: Oracle;
  private readonly faults: Faults;
  private readonly runner: ActionRunner;
  private readonly delivery: Delivery;
  private readonly attackers: Attackers;
  private readonly steps: Steps;
  private readonly queue: MergeQueue | undefined;

  constructor(
    private readonly setup: Setup,
    private readonly random: Random,
    order: Random,
    github: GitHubEmulator,
    registry: Registry,
    private readonly clock: { ms: number },
    private readonly options: SoakOptions,
    report: SoakReport,
  ) {
    const { n } = setup;
    this.trace = (line) => {
      if (options.trace?.lifecycles.includes(n)) options.trace.line(`[${n}] ${line}`);
    };
    const scripted = options.script ? () => this.scripted : undefined;
    this.pr = new ReleasePullRequest(setup);
    this.standing = new Standing(github.control, registry.control, setup);
    this.oracle = new Oracle(this.standing, setup, report);
    const faultRate = options.script ? undefined : (options.faultRate ?? 0.25);
    this.faults = new Faults(github.control, setup, random, report, faultRate);
    const now = () => new Date(clock.ms);
    this.runner = new ActionRunner(setup, github, registry, order, now, this.oracle, report, this.trace);
    this.delivery = new Delivery(
      random,
      report,
      this.faults,
      this.oracle,
      (event, copies) => this.runner.burst(event, copies),
      this.trace,
      scripted,
    );
    const stage: Stage = {
      setup,
      github: github.control,
      standing: this.standing,
      random,
      pr: this.pr,
      deliver: (event) => this.delivery.deliver(event),
      trace: this.trace,
    };
    this.attackers = new Attackers(stage, report);
    const client = (token: string) => createOctokit({ token, baseUrl: github.url, throttle: false, retries: 0 });
    if (setup.queue && report.queue) {
      this.queue = new MergeQueue(stage, report.queue, client(CI_TOKEN), client(MALLORY_TOKEN));
    }
    this.steps = new Steps(
      stage,
      registry.control,
      client(RELEASER_TOKEN),
      this.oracle,
      this.attackers,
      scripted,
      this.queue,
    );
  }

  async run(): Promise<{ calls: number; summary: string }> {
    await this.queue?.start();
    await this.delivery.deliver(this.pr.event('opened'));
    const script = this.options.script?.steps;
    const steps = script ? script.length : this.random.int(4, this.options.steps ?? (this.setup.queue ? 20 : 14));
    for (let i = 0; i < steps; i++) {
      this.clock.ms += 60_000;
      this.scripted = script?.[i];
      await this.steps.play(this.scripted ? this.scripted.step : this.steps.choose());
      await this.queue?.afterStep();
    }
    this.scripted = undefined;
    await this.delivery.flush();
    // One clean sweep: no faults, every delivery before it may have been lost. The queue's deliveries
    // still waiting are made before and after it, each to one run.
    this.faults.clear();
    const clean = async (event: WebhookDelivery) => {
      await this.runner.burst(event, 1);
      this.oracle.judgeDelivery();
    };
    await this.queue?.settle(clean);
    await this.runner.burst(this.pr.sweep(), 1);
    await this.queue?.settle(clean);
    this.oracle.judgeEnd();
    this.trace(
      `runs: ${this.standing
        .allRuns()
        .map((r) => `${r.id}:${r.headSha.slice(0, 10)}:${r.status}:${r.conclusion ?? ''}`)
        .join(' ')}`,
    );
    const pr = this.standing.pullRequest();
    const { guard, merger, protectedBranch, forbidSelfApproval, author } = this.setup;
    const calls = this.standing.requests().filter((r) => r.caller === guard || r.caller === merger).length;
    const state = pr.merged ? `merged by ${pr.mergedBy?.login}` : pr.state;
    const attacks = [...this.attackers.made, ...(this.queue?.made ?? [])];
    return {
      calls,
      summary: `${steps} steps, ${state}, ${calls} API calls${protectedBranch ? '' : ', unprotected'}${
        forbidSelfApproval ? `, forbid-self-approval (opened by ${author})` : ''
      }${attacks.length > 0 ? `, attacks: ${attacks.join(' ')}` : ''}`,
    };
  }
}
