import { STATUS_TEXT } from '@release-guard/core';
import { createOctokit, TIMELINE_MARKER } from '@release-guard/github-adapter';
import {
  type FaultRule,
  type GitHubEmulator,
  pullRequestEvent,
  pullRequestReviewEvent,
  type Registry,
  scheduleEvent,
  startGitHub,
  startRegistry,
  type WebhookDelivery,
  workflowRunEvent,
} from '@release-guard/testkit';
import { type ActionLog, parseInputs, run } from '../src/api.js';
import { Interleaving, type Transport } from './interleave.js';
import { generator, lifecycleSeed, type Random } from './random.js';
import type { Attack, ScriptedStep, SoakOptions, SoakReport, Step } from './types.js';

export { lifecycleSeed } from './random.js';
export type { Attack, Script, ScriptedStep, SoakOptions, SoakReport, Step } from './types.js';

/** Lifecycle n's clock starts on day n of the soak's calendar (each lifecycle has a GitHub of its own). */
const START = Date.parse('2023-08-01T09:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

const GUARD_TOKEN = 'ghs_soakGuardToken';
const MERGE_TOKEN = 'ghp_soakMergeToken';
const GUARD = 'github-actions[bot]';
const MERGER = 'release-bot[bot]';
const WORKFLOW = '.github/workflows/release.yaml';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
const RUN_NAME = 'release-guard ${{ inputs.sha }}';
const WRITES = [
  'repos/create-commit-status',
  'issues/create-comment',
  'issues/update-comment',
  'actions/create-workflow-dispatch',
  'pulls/merge',
];

const quietLog: ActionLog = {
  info: () => {},
  notice: () => {},
  warning: () => {},
  error: () => {},
  group: (_name, fn) => fn(),
};

/**
 * The soak: many release lifecycles end to end through the action's `run()` and the emulators, with
 * random interleavings of approvals, pushes, dismissals, release outcomes, human merges and closes;
 * attackers (pull requests sharing the release head, release workflow runs the guard did not start, floods
 * of reviews and comments, a releaser un-assigning themself, the guard's record edited or deleted);
 * dropped, duplicated, reordered and concurrent deliveries; and API faults. Each lifecycle runs against
 * an emulated GitHub of its own and draws every decision from a generator seeded with (seed, lifecycle),
 * so lifecycle N does the same alone (`only`) as inside the whole soak (the interleaving of runs delivered
 * at once still depends on timing).
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
  const report: SoakReport = {
    seed: options.seed,
    lifecycles: numbers.length,
    ...(options.only !== undefined ? { only: options.only } : {}),
    unprotected: 0,
    events: 0,
    dropped: 0,
    duplicated: 0,
    reordered: 0,
    concurrentBursts: 0,
    faultsInjected: 0,
    failedRuns: 0,
    invariantViolations: [],
    doubleMerges: 0,
    mergeRequests: 0,
    unreleasedMergeRequests: 0,
    unreleasedMerges: 0,
    releaseDispatches: 0,
    duplicateDispatches: 0,
    duplicateDispatchesWithoutFault: 0,
    releasesAgainAfterReopen: 0,
    unapprovedDispatches: 0,
    selfApprovalForbidden: 0,
    attacks: { sharedHead: 0, foreignRuns: 0, reviewFloods: 0, commentFloods: 0, unassigned: 0, recordTampered: 0 },
    foreignRunAlerts: 0,
    racingRecords: 0,
    stuckAfterSweep: [],
    apiCallsPerLifecycle: { median: 0, max: 0 },
    durationMs: 0,
  };
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
    github.control.addToken(GUARD_TOKEN, GUARD);
    github.control.addToken(MERGE_TOKEN, MERGER);
    github.control.addToken('releaser-token', 'releaser');
    const human = createOctokit({ token: 'releaser-token', baseUrl: github.url, throttle: false, retries: 0 });
    const random = generator(lifecycleSeed(options.seed, n));
    // Stream 1 draws the order in which the runs' requests reach the emulators.
    const order = generator(lifecycleSeed(options.seed, n, 1));
    const lifecycle = new Lifecycle(n, random, github, registry, options, report, {
      client: (token, transport) =>
        transport.watch(
          createOctokit({
            token,
            baseUrl: github.url,
            throttle: false,
            retries: 2,
            retryBaseMs: 1,
            fetch: transport.fetch,
          }),
        ),
      interleaving: new Interleaving(
        (count) => order.int(0, count - 1),
        options.lyingRegistry ? lyingFetch : toRegistry(registry),
      ),
      human,
      now: () => new Date(clock.ms),
      tick: () => {
        clock.ms += 60_000;
      },
    });
    const result = await lifecycle.run();
    options.end?.(n, github.control, lifecycle.pullRequest);
    return result;
  } finally {
    await github.close();
  }
}

interface Clients {
  /** An Octokit for `token` whose requests go through `transport`. */
  client: (token: string, transport: Transport) => ReturnType<typeof createOctokit>;
  /** Every run of the guard goes through it, alone or in a burst. */
  interleaving: Interleaving;
  human: ReturnType<typeof createOctokit>;
  now: () => Date;
  tick: () => void;
}

/** Share of steps that are an attack. */
const ATTACK_SHARE = 0.2;
/** Share of lifecycles with forbid-self-approval, the pull request opened by a bot and assigned to the releaser. */
const FORBID_SELF_APPROVAL_SHARE = 0.3;

class Lifecycle {
  private readonly name: string;
  private readonly full: string;
  private readonly repo: { owner: string; name: string };
  private readonly version: string;
  private readonly image: string;
  private readonly protectedBranch: boolean;
  /** With forbid-self-approval the pull request is opened by a bot and assigned to the releaser, whose approval never counts. */
  private readonly forbidSelfApproval: boolean;
  private readonly author: string;
  private number = 0;
  private head: { ref: string; sha: string };
  private shas = 0;
  private held: WebhookDelivery[] = [];
  private readonly inputs: ReturnType<typeof parseInputs>;
  /** Who may approve a release, and who releases (with forbid-self-approval, their approvals never count). */
  private readonly approvers = ['releaser', 'maintainer'];
  private readonly releasers = ['releaser'];

  constructor(
    private readonly n: number,
    private readonly random: Random,
    private readonly github: GitHubEmulator,
    private readonly registry: Registry,
    private readonly options: SoakOptions,
    private readonly report: SoakReport,
    private readonly clients: Clients,
  ) {
    this.name = `soak-${n}`;
    this.repo = { owner: 'weaveworks', name: this.name };
    this.full = github.control.createRepository({
      owner: 'weaveworks',
      name: this.name,
      collaborators: { releaser: 'write', maintainer: 'admin', outsider: 'read', mallory: 'write' },
    });
    github.control.setPermission(this.full, GUARD, 'write');
    github.control.setPermission(this.full, MERGER, 'write');
    const script = options.script;
    this.protectedBranch = script ? script.protection !== undefined : !random.chance(options.unprotectedShare ?? 0.4);
    if (this.protectedBranch) {
      github.control.protectBranch(this.full, 'main', {
        requiredContexts: ['release'],
        requiredApprovals: script?.protection?.requiredApprovals ?? 0,
      });
    } else report.unprotected++;
    this.forbidSelfApproval = script ? false : random.chance(FORBID_SELF_APPROVAL_SHARE);
    this.author = this.forbidSelfApproval ? random.pick([GUARD, 'renovate[bot]']) : 'releaser';
    if (this.forbidSelfApproval) report.selfApprovalForbidden++;
    github.control.addWorkflow(this.full, { path: WORKFLOW, name: 'release', runName: RUN_NAME });
    this.version = `v0.${n}.0`;
    this.image = `weaveworks/wego-app-${n}`;
    this.head = { ref: `releases/${this.version}`, sha: this.nextSha() };
    this.inputs = parseInputs({
      INPUT_TOKEN: GUARD_TOKEN,
      'INPUT_MERGE-TOKEN': MERGE_TOKEN,
      'INPUT_RELEASE-WORKFLOW': 'release.yaml',
      'INPUT_RELEASE-TIMEOUT': '30',
      INPUT_ARTIFACTS: `- name: image\n  ref: ${REGISTRY_HOST}/${this.image}:{version}`,
      ...(this.forbidSelfApproval ? { 'INPUT_FORBID-SELF-APPROVAL': 'true' } : {}),
    });
  }

  private nextSha(): string {
    this.shas++;
    return `${this.n.toString(16).padStart(6, '0')}${this.shas.toString(16).padStart(4, '0')}`.padEnd(40, 'e');
  }

  async run(): Promise<{ calls: number; summary: string }> {
    this.number = this.github.control.openPullRequest(this.full, {
      head: this.head,
      user: this.author,
      ...(this.forbidSelfApproval ? { assignees: ['releaser'] } : {}),
    });
    await this.deliver(this.prEvent('opened'));
    const script = this.options.script?.steps;
    const steps = script ? script.length : this.random.int(4, this.options.steps ?? 14);
    for (let i = 0; i < steps; i++) {
      this.clients.tick();
      this.scripted = script?.[i];
      await this.step(this.scripted ? this.scripted.step : this.choose());
    }
    this.scripted = undefined;
    for (const held of this.held.splice(0)) await this.handle([held], 1);
    // One clean sweep: no faults, every delivery before it may have been lost.
    this.github.control.clearFaults(this.full);
    await this.runConcurrently(scheduleEvent({ repo: this.repo, cron: '*/15 * * * *' }), 1);
    this.checkStuck();
    this.checkMerges();
    this.trace(
      `runs: ${this.github.control
        .runs(this.full)
        .map((r) => `${r.id}:${r.headSha.slice(0, 10)}:${r.status}:${r.conclusion ?? ''}`)
        .join(' ')}`,
    );
    const pr = this.github.control.pullRequest(this.full, this.number);
    const calls = this.github.control
      .requests(this.full)
      .filter((r) => r.caller === GUARD || r.caller === MERGER).length;
    const state = pr.merged ? `merged by ${pr.mergedBy?.login}` : pr.state;
    return {
      calls,
      summary: `${steps} steps, ${state}, ${calls} API calls${this.protectedBranch ? '' : ', unprotected'}${
        this.forbidSelfApproval ? `, forbid-self-approval (opened by ${this.author})` : ''
      }${this.attacked.length > 0 ? `, attacks: ${this.attacked.join(' ')}` : ''}`,
    };
  }

  private choose(): Step {
    const pr = this.github.control.pullRequest(this.full, this.number);
    if (pr.merged) return 'sweep';
    if (pr.state === 'closed') return this.random.pick(['reopen', 'reopen', 'sweep']);
    if (this.random.chance(ATTACK_SHARE)) {
      const attacks: Step[] = ['shared-head', 'foreign-run', 'review-flood', 'comment-flood', 'tamper-record'];
      if (this.forbidSelfApproval) attacks.push('unassign', 'unassign', 'unassign');
      return this.random.pick(attacks);
    }
    const live = this.liveRun();
    const choices: Step[] = ['approve', 'approve', 'approve-unauthorized', 'dismiss', 'push', 'close', 'sweep'];
    if (live)
      choices.push(
        'release-succeeds',
        'release-succeeds',
        'release-succeeds',
        'release-succeeds-without-image',
        'release-fails',
      );
    if (this.random.chance(0.15)) choices.push('human-merge');
    return this.random.pick(choices);
  }

  /** The step of the script being played, if any. */
  private scripted: ScriptedStep | undefined;

  /** The release pull request. */
  get pullRequest(): { repo: string; number: number } {
    return { repo: this.full, number: this.number };
  }

  private liveRun() {
    return this.guardRuns().find((r) => r.headSha === this.head.sha && r.status !== 'completed');
  }

  /** The runs of the release workflow the guard dispatched (not those someone else started). */
  private guardRuns() {
    return this.github.control
      .runs(this.full)
      .filter((r) => r.event === 'workflow_dispatch' && r.actor.login === GUARD);
  }

  /** Whether `event` delivers the success of a run of the release workflow that the guard did not dispatch. */
  private foreignSuccess(event: WebhookDelivery): boolean {
    if (event.name !== 'workflow_run') return false;
    const id = (event.payload.workflow_run as { id?: unknown } | undefined)?.id;
    const run = this.github.control.runs(this.full).find((r) => r.id === id);
    return (
      run !== undefined && !this.guardRuns().includes(run) && run.status === 'completed' && run.conclusion === 'success'
    );
  }

  /** Whether the release image was ever pushed to the registry (one tag per version, whatever the SHA). */
  private imagePushed(): boolean {
    return this.imagePushes().length > 0;
  }

  /**
   * Whether the guard's registry showed the release image when `run` completed: a success without it fails
   * its release (a lying registry shows every image).
   */
  private verified(run: { updatedAt: string }): boolean {
    const completed = Date.parse(run.updatedAt);
    return this.options.lyingRegistry === true || this.imagePushes().some((p) => p.at.getTime() <= completed);
  }

  private imagePushes() {
    return this.registry.control.pushes().filter((p) => p.name === this.image && p.tag === this.version);
  }
  /** The attacks of this lifecycle, in order, for its summary line. */
  private readonly attacked: string[] = [];
  private attackers = 0;

  private attack(kind: Attack, detail: string): void {
    this.report.attacks[kind]++;
    this.attacked.push(kind);
    this.trace(`  attack ${kind}: ${detail}`);
  }

  private trace(line: string): void {
    if (this.options.trace?.lifecycles.includes(this.n)) this.options.trace.line(`[${this.n}] ${line}`);
  }

  private async step(step: Step): Promise<void> {
    this.trace(`step ${step} (head ${this.head.sha.slice(0, 10)})`);
    const control = this.github.control;
    switch (step) {
      case 'approve':
      case 'approve-unauthorized': {
        const user =
          step === 'approve'
            ? this.options.script
              ? (this.scripted?.user ?? 'maintainer')
              : this.random.pick(['releaser', 'maintainer'])
            : 'outsider';
        const id = control.submitReview(this.full, this.number, { user, state: 'APPROVED' });
        return this.deliver(this.reviewEvent('submitted', id, user, 'approved'));
      }
      case 'dismiss': {
        const standing = control.pullRequest(this.full, this.number).reviews.filter((r) => r.state === 'APPROVED');
        if (standing.length === 0) return;
        const review = this.random.pick(standing);
        control.dismissReview(this.full, this.number, review.id);
        return this.deliver(this.reviewEvent('dismissed', review.id, review.user.login, 'dismissed'));
      }
      case 'push':
        this.head = { ...this.head, sha: this.nextSha() };
        control.pushHead(this.full, this.number, this.head.sha);
        return this.deliver(this.prEvent('synchronize'));
      case 'release-succeeds':
      case 'release-succeeds-without-image':
      case 'release-fails': {
        const live = this.liveRun();
        if (!live) return;
        // With a lying registry, no image is ever pushed: every merge the guard makes is then of an unverified SHA.
        if (step === 'release-succeeds' && !this.options.lyingRegistry) {
          await this.registry.control.pushImage(this.image, this.version);
        }
        const conclusion = step === 'release-fails' ? 'failure' : 'success';
        control.updateRun(this.full, live.id, { status: 'completed', conclusion });
        return this.deliver(
          workflowRunEvent({
            repo: this.repo,
            runId: live.id,
            workflowName: 'release',
            workflowPath: WORKFLOW,
            headSha: live.headSha,
            headBranch: this.head.ref,
            displayTitle: live.displayTitle,
            actor: live.actor.login,
            conclusion,
          }),
        );
      }
      case 'human-merge': {
        const merged = await this.clients.human.rest.pulls
          .merge({ owner: 'weaveworks', repo: this.name, pull_number: this.number, sha: this.head.sha })
          .then(
            () => true,
            () => false,
          );
        if (!merged) return;
        this.bypassed = this.unreleased(this.head.sha) !== undefined;
        return this.deliver(this.prEvent('closed', { merged: true, mergedBy: 'releaser' }));
      }
      case 'close':
        control.closePullRequest(this.full, this.number);
        this.guardSawClosed = false;
        return this.deliver(this.prEvent('closed', { merged: false }));
      case 'reopen':
        control.reopenPullRequest(this.full, this.number);
        // A reopened pull request starts a new epoch: approvals given before it no longer count. Only if a
        // run of the guard saw it closed, though: otherwise (every delivery of the close lost, or read
        // when GitHub already showed it open again) nothing ended the epoch the guard is in.
        if (this.guardSawClosed) {
          this.reviewFloor = Math.max(0, ...control.pullRequest(this.full, this.number).reviews.map((r) => r.id));
          this.runFloor = Math.max(0, ...control.runs(this.full).map((r) => r.id));
          this.epochFloors.push(this.runFloor);
        }
        return this.deliver(this.prEvent('reopened'));
      case 'sweep':
        return this.deliver(scheduleEvent({ repo: this.repo, cron: '*/15 * * * *' }));
      case 'shared-head': {
        const k = ++this.attackers;
        if (this.random.chance(0.3)) {
          // A fork's pull request on the release branch's name, at the release head, under pull_request_target.
          const fork = { owner: 'outsider', name: this.name };
          const head = { ref: this.head.ref, sha: this.head.sha };
          const number = control.openPullRequest(this.full, {
            head: { ...head, repo: `${fork.owner}/${fork.name}` },
            user: 'outsider',
          });
          this.attack('sharedHead', `fork #${number} on ${head.ref} at ${head.sha.slice(0, 10)} (pull_request_target)`);
          const event = pullRequestEvent('opened', {
            repo: this.repo,
            number,
            head: { ...head, repo: fork },
            user: 'outsider',
          });
          return this.deliver({ ...event, name: 'pull_request_target' });
        }
        const head = { ref: `feature/copy-${k}`, sha: this.head.sha };
        const number = control.openPullRequest(this.full, { head, user: 'mallory' });
        this.attack('sharedHead', `#${number} from ${head.ref} at ${head.sha.slice(0, 10)}`);
        return this.deliver(pullRequestEvent('opened', { repo: this.repo, number, head, user: 'mallory' }));
      }
      case 'foreign-run': {
        const k = ++this.attackers;
        const event = this.random.pick(['pull_request', 'push'] as const);
        const headBranch = event === 'push' && this.random.chance(0.3) ? this.head.ref : `mallory/ci-${k}`;
        const title = this.random.chance(0.5) ? `release-guard ${this.head.sha}` : 'release';
        const run = control.startRun(this.full, {
          workflow: WORKFLOW,
          headSha: this.head.sha,
          headBranch,
          event,
          actor: 'mallory',
          title,
        });
        control.updateRun(this.full, run.id, { status: 'completed', conclusion: 'success' });
        this.attack('foreignRuns', `run ${run.id} (${event} on ${headBranch}, "${title.slice(0, 24)}") succeeded`);
        const delivery = workflowRunEvent({
          repo: this.repo,
          runId: run.id,
          workflowName: 'release',
          workflowPath: WORKFLOW,
          headSha: run.headSha,
          headBranch,
          displayTitle: title,
          event,
          actor: 'mallory',
          conclusion: 'success',
        });
        return this.deliver(delivery);
      }
      case 'review-flood': {
        const count = this.random.int(100, 130);
        let id = 0;
        for (let i = 0; i < count; i++) {
          id = control.submitReview(this.full, this.number, { user: 'outsider', state: 'COMMENTED', body: `nit ${i}` });
        }
        this.attack('reviewFloods', `${count} comment-only reviews by outsider`);
        return this.deliver(this.reviewEvent('submitted', id, 'outsider', 'commented'));
      }
      case 'comment-flood': {
        const count = this.random.int(100, 130);
        for (let i = 0; i < count; i++) {
          control.addComment(this.full, this.number, { user: 'mallory', body: `noise ${i}` });
        }
        this.attack('commentFloods', `${count} comments by mallory`);
        return this.redeliverApproval();
      }
      case 'unassign': {
        control.setAssignees(this.full, this.number, []);
        const id = control.submitReview(this.full, this.number, { user: 'releaser', state: 'APPROVED' });
        this.attack('unassigned', `the releaser un-assigned themself and approved ${this.head.sha.slice(0, 10)}`);
        return this.deliver(this.reviewEvent('submitted', id, 'releaser', 'approved'));
      }
      case 'tamper-record': {
        const record = control
          .comments(this.full, this.number)
          .find((c) => c.user.login === GUARD && c.body.startsWith(TIMELINE_MARKER));
        if (!record) return;
        const how = this.random.pick(['deleted', 'edited', 'forged'] as const);
        if (how === 'deleted') control.deleteComment(this.full, record.id);
        else
          control.editComment(
            this.full,
            record.id,
            how === 'edited' ? 'nothing to see' : forged(record.body),
            'mallory',
          );
        this.attack('recordTampered', `the record ${how} by mallory`);
        return this.redeliverApproval();
      }
    }
  }

  /** A redelivery of a standing approval of the head (as GitHub redelivers), or a sweep when none stands. */
  private redeliverApproval(): Promise<void> {
    const review = this.github.control
      .pullRequest(this.full, this.number)
      .reviews.filter((r) => r.state === 'APPROVED' && r.commitId === this.head.sha)
      .at(-1);
    if (!review) return this.deliver(scheduleEvent({ repo: this.repo, cron: '*/15 * * * *' }));
    return this.deliver(this.reviewEvent('submitted', review.id, review.user.login, 'approved'));
  }

  /** Delivers as GitHub sometimes does: dropped, duplicated, held back behind the next one, or to several runs at once. */
  private async deliver(event: WebhookDelivery): Promise<void> {
    if (this.options.script) {
      if (this.scripted?.fault) this.github.control.inject({ ...this.scripted.fault, repo: this.full });
      if (!this.scripted?.lost) return this.handle([event], 1);
      this.report.dropped++;
      this.trace(`  ${event.name} delivery lost`);
      return;
    }
    if (this.random.chance(0.1)) {
      this.report.dropped++;
      return;
    }
    if (this.random.chance(0.1)) {
      this.report.reordered++;
      this.held.push(event);
      return;
    }
    const batch = [...this.held.splice(0).reverse(), event].reverse();
    let copies = 1;
    if (this.random.chance(0.15)) {
      this.report.duplicated++;
      copies = 2;
    } else if (this.random.chance(0.2)) {
      this.report.concurrentBursts++;
      copies = this.random.int(2, 8);
    }
    await this.handle(batch, copies);
  }

  /** Each delivery of the batch in order; `copies` runs of it at once (runs on the same pull request racing). */
  private async handle(batch: readonly WebhookDelivery[], copies: number): Promise<void> {
    for (const event of batch) {
      if (!this.options.script && this.random.chance(this.options.faultRate ?? 0.25)) this.injectFault();
      await this.runConcurrently(event, copies);
      this.checkHonestStatus();
      this.checkNoOtherVerdict();
    }
  }

  /** `copies` runs of the action on `event` at once; the requests they sent are judged once, together. */
  private async runConcurrently(event: WebhookDelivery, copies: number): Promise<void> {
    const before = this.github.control.requests(this.full).length;
    const faults = this.firedFaults();
    const records = this.records().length;
    const sent = this.clients.interleaving.sent.length;
    await this.clients.interleaving.all(copies, (transport) => this.runAction(event, transport));
    if (copies > 1) {
      const order = this.clients.interleaving.sent.slice(sent).map((label) => label.split(':')[0]);
      this.trace(`  ${copies} runs interleaved: ${order.join(' ')}`);
    }
    this.countRequests(before, this.firedFaults() > faults);
    this.checkRecords(records, event);
  }

  private firedFaults(): number {
    return this.github.control.firedFaults.filter((f) => f.repo?.toLowerCase() === this.full.toLowerCase()).length;
  }

  private injectFault(): void {
    this.report.faultsInjected++;
    const kind = this.random.pick(['server-error', 'secondary-rate-limit', 'lose-response'] as const);
    const rule: FaultRule =
      kind === 'lose-response'
        ? { kind, repo: this.full, operation: this.random.pick(WRITES) }
        : kind === 'server-error'
          ? { kind, repo: this.full, operation: this.random.pick([...WRITES, 'graphql', 'pulls/list']), status: 502 }
          : { kind, repo: this.full, retryAfter: 1 };
    this.github.control.inject(rule);
  }

  private async runAction(event: WebhookDelivery, transport: Transport): Promise<void> {
    this.report.events++;
    try {
      const result = await run(
        this.inputs,
        {
          eventName: event.name,
          payload: event.payload,
          repository: { owner: 'weaveworks', repo: this.name },
          run: { id: 1, attempt: 1 },
        },
        {
          octokit: this.clients.client(GUARD_TOKEN, transport),
          mergeOctokit: this.clients.client(MERGE_TOKEN, transport),
          now: this.clients.now,
          registries: { fetch: transport.registryFetch },
        },
        quietLog,
      );
      if (this.foreignSuccess(event)) {
        // The expected failure of the step: the alert that a run the guard did not start succeeded.
        if (result.failures.some((f) => f.includes('that the guard did not start succeeded')))
          this.report.foreignRunAlerts++;
        else this.violation(`the delivered success of a run the guard did not start was not alerted`);
      }
      for (const failure of result.failures) this.trace(`  ${event.name} -> step fails: ${failure}`);
      for (const { number, result: r } of result.pullRequests) {
        if (number === this.number && r.snapshot.phase === 'closed') {
          this.guardSawClosed = true;
          // A close read when GitHub shows the pull request open again is stale: it must not close the snapshot.
          if (this.github.control.pullRequest(this.full, this.number).state === 'open') {
            this.violation(`a ${event.name} run left the snapshot closed while GitHub shows the pull request open`);
          }
        }
        const effects = r.effects.map(({ effect }) => effect.type).join(',');
        this.trace(
          `  ${event.name} -> #${number} ${r.snapshot.phase} [${effects}]${r.ignored.length ? ` ignored: ${r.ignored.join('; ')}` : ''}`,
        );
      }
    } catch (error) {
      this.trace(`  ${event.name} -> error: ${(error as Error).message}`);
      this.report.failedRuns++;
    }
  }

  /** Merge requests and dispatches this run sent, judged against what was true when it sent them. */
  private countRequests(from: number, faulted: boolean): void {
    for (const request of this.github.control.requests(this.full).slice(from)) {
      const mergeSha = mergeShaOf(request);
      if (mergeSha !== undefined) {
        this.report.mergeRequests++;
        const problem = this.unreleased(mergeSha);
        if (problem) {
          this.report.unreleasedMergeRequests++;
          this.violation(`a merge request for ${mergeSha.slice(0, 10)}: ${problem}`);
          if (request.status === 200) this.report.unreleasedMerges++;
        }
      }
      if (request.operation === 'actions/create-workflow-dispatch' && request.status < 300) {
        this.report.releaseDispatches++;
        const sha = dispatchedShaOf(request);
        if (!this.approved(sha, 0)) {
          this.report.unapprovedDispatches++;
          const why = this.approvedBy(sha, 0, this.releasers)
            ? 'approved by the releaser alone'
            : 'no standing approval by an authorized reviewer';
          this.violation(`a release dispatched for ${sha.slice(0, 10)}: ${why}`);
        }
      }
    }
    // Live or successful runs of the guard per SHA, within an epoch and across epochs; a success without
    // its image failed its release, and a new approval releases again (not a duplicate).
    const perEpoch = new Map<string, number>();
    const perSha = new Map<string, number>();
    for (const r of this.guardRuns()) {
      if (r.status === 'completed' && (r.conclusion !== 'success' || !this.verified(r))) continue;
      const epoch = this.epochFloors.filter((floor) => r.id > floor).length;
      perEpoch.set(`${epoch}:${r.headSha}`, (perEpoch.get(`${epoch}:${r.headSha}`) ?? 0) + 1);
      perSha.set(r.headSha, (perSha.get(r.headSha) ?? 0) + 1);
    }
    const excess = (counts: Map<string, number>) =>
      [...counts.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    const duplicates = excess(perEpoch);
    if (duplicates > this.seenDuplicates) {
      this.report.duplicateDispatches += duplicates - this.seenDuplicates;
      if (!faulted) {
        this.report.duplicateDispatchesWithoutFault += duplicates - this.seenDuplicates;
        this.violation(
          `${duplicates - this.seenDuplicates} release run(s) dispatched again for a SHA with a live or successful one, with no fault`,
        );
      }
      this.seenDuplicates = duplicates;
    }
    const again = excess(perSha) - duplicates;
    if (again > this.seenAgain) {
      this.report.releasesAgainAfterReopen += again - this.seenAgain;
      this.seenAgain = again;
    }
  }
  private seenDuplicates = 0;
  private seenAgain = 0;
  /** The highest run id at each reopen: a run above the n-th floor belongs to epoch n or later. */
  private readonly epochFloors: number[] = [];

  /**
   * Why `sha` may not be merged now, or undefined when GitHub shows it approved by an authorized reviewer
   * (a standing review of that commit; not the releaser's own with forbid-self-approval), released by a
   * successful run of the guard, and its image pushed. This is the safety bar: the guard may be stricter
   * (a reopened pull request needs a new approval and release) but never laxer.
   */
  private unreleased(sha: string): string | undefined {
    if (!this.approved(sha, 0)) {
      return this.forbidSelfApproval
        ? 'no standing authorized approval (the releaser excluded)'
        : 'no standing authorized approval';
    }
    if (!this.releasedSince(sha, 0)) return 'no successful release run';
    if (!this.imagePushed()) return `its image ${this.version} was never pushed`;
    return undefined;
  }

  private releasedSince(sha: string, floor: number): boolean {
    return this.guardRuns().some(
      (r) => r.id > floor && r.headSha === sha && r.status === 'completed' && r.conclusion === 'success',
    );
  }

  /** The guard's `release` status says success only for a head that was approved, released and verified. */
  private checkHonestStatus(): void {
    const pr = this.github.control.pullRequest(this.full, this.number);
    if (pr.state !== 'open') return;
    const status = this.github.control.statuses(this.full, pr.head.sha, 'release').at(-1);
    if (status?.state !== 'success') return;
    const problem = this.unreleased(pr.head.sha);
    if (problem) this.violation(`release status success on ${pr.head.sha.slice(0, 10)}: ${problem}`);
  }

  private checkMerges(): void {
    const merges = this.github.control
      .requests(this.full)
      .filter((r) => mergeShaOf(r) !== undefined && r.status === 200);
    if (merges.length > 1) {
      this.report.doubleMerges++;
      this.violation(`merged ${merges.length} times`);
    }
    const pr = this.github.control.pullRequest(this.full, this.number);
    if (pr.merged && this.releasers.includes(pr.mergedBy?.login ?? '') && this.bypassed) {
      const alerted = this.github.control
        .comments(this.full, this.number)
        .some((c) => c.user.login === GUARD && c.body.includes('the guard was bypassed'));
      if (!alerted) this.violation('a merge that bypassed the guard was not reported');
    }
  }
  private bypassed = false;

  /** After one clean sweep, nothing that should have happened is still waiting. */
  private checkStuck(): void {
    const pr = this.github.control.pullRequest(this.full, this.number);
    if (pr.state !== 'open') return;
    const stuck = (why: string) => {
      this.report.stuckAfterSweep.push(`seed ${this.options.seed}, ${this.full}#${this.number}: ${why}`);
    };
    const status = this.github.control.statuses(this.full, pr.head.sha, 'release').at(-1);
    const records = this.github.control
      .comments(this.full, this.number)
      .filter((c) => c.user.login === GUARD && c.body.startsWith(TIMELINE_MARKER));
    if (!status) stuck('no release status on the head');
    else if (records.length === 0) stuck('no timeline record');
    else if (
      this.approved(pr.head.sha, this.reviewFloor) &&
      this.releasedSince(pr.head.sha, this.runFloor) &&
      this.imagePushed()
    )
      stuck('approved, released and verified in this epoch, but not merged');
    else if (
      this.approved(pr.head.sha, this.reviewFloor) &&
      // A live run of the head, of this epoch or an earlier one, is the release the guard follows.
      !this.guardRuns().some((r) => r.headSha === pr.head.sha && (r.id > this.runFloor || r.status !== 'completed')) &&
      // An earlier epoch's live or successful run of this SHA is taken for the release (never releasing
      // twice); when it fails, or its artifact is missing, the guard fails the release and says why on the
      // head, and a re-run or the next approval releases again: stuck is a head left pending.
      status.state !== 'failure'
    )
      stuck('approved, but no release was started');
  }

  /**
   * Whether an authorized approval of `sha` newer than review `floor` stands: by an approver, or with
   * forbid-self-approval by an approver who is not a releaser (the releasers were assigned when the pull
   * request was opened, whatever the assignees are now).
   */
  private approved(sha: string, floor: number): boolean {
    const authorized = this.forbidSelfApproval
      ? this.approvers.filter((a) => !this.releasers.includes(a))
      : this.approvers;
    return this.approvedBy(sha, floor, authorized);
  }

  private approvedBy(sha: string, floor: number, users: readonly string[]): boolean {
    // As GitHub counts them: the latest review of each reviewer that approved, requested changes or was
    // dismissed (an approval followed by a dismissed one of the same reviewer no longer stands).
    const latest = new Map<string, ReturnType<GitHubEmulator['control']['pullRequest']>['reviews'][number]>();
    for (const r of this.github.control.pullRequest(this.full, this.number).reviews) {
      if (r.state !== 'COMMENTED') latest.set(r.user.login, r);
    }
    return [...latest.values()].some(
      (r) => r.id > floor && r.state === 'APPROVED' && r.commitId === sha && users.includes(r.user.login),
    );
  }

  /**
   * No verdict of another pull request ("release not required", a fork's failure) is written on the head of
   * the release pull request while it is open: statuses belong to the commit, so it would stand for it.
   */
  private checkNoOtherVerdict(): void {
    const pr = this.github.control.pullRequest(this.full, this.number);
    const statuses = this.github.control.statuses(this.full, pr.head.sha, 'release');
    const judged = this.judgedStatuses.get(pr.head.sha) ?? 0;
    this.judgedStatuses.set(pr.head.sha, statuses.length);
    if (pr.state !== 'open') return;
    for (const status of statuses.slice(judged)) {
      if (status.description === STATUS_TEXT.notRequired || status.description === STATUS_TEXT.fork) {
        this.violation(
          `${status.state} "${status.description}" on the head ${pr.head.sha.slice(0, 10)} of the open release`,
        );
      }
    }
  }
  private readonly judgedStatuses = new Map<string, number>();

  /** The guard's records on the release pull request that nobody else has edited. */
  private records() {
    return this.github.control
      .comments(this.full, this.number)
      .filter(
        (c) =>
          c.user.login === GUARD &&
          c.body.startsWith(TIMELINE_MARKER) &&
          (c.editor === undefined || c.editor.login === GUARD),
      );
  }

  /**
   * While a record of the guard stands, no run writes a second one: no flood of comments hides it. (Runs
   * that race where none stands may each write one; they are counted, not judged.)
   */
  private checkRecords(before: number, event: WebhookDelivery): void {
    const after = this.records().length;
    if (before > 0 && after > before) {
      this.violation(`a ${event.name} run wrote a second timeline record while one stood (${after} now)`);
    } else if (before === 0 && after > 1) {
      this.report.racingRecords += after - 1;
    }
  }
  private reviewFloor = 0;
  /** Whether a run of the guard saw the pull request closed since the last close. */
  private guardSawClosed = false;
  /** Release runs of an earlier epoch do not release the current one. */
  private runFloor = 0;

  private violation(message: string): void {
    this.report.invariantViolations.push(`seed ${this.options.seed}, ${this.full}#${this.number}: ${message}`);
  }

  private prEvent(
    action: 'opened' | 'synchronize' | 'closed' | 'reopened',
    extra: { merged?: boolean; mergedBy?: string } = {},
  ): WebhookDelivery {
    return pullRequestEvent(action, { repo: this.repo, number: this.number, head: this.head, ...extra });
  }

  private reviewEvent(
    action: 'submitted' | 'dismissed',
    id: number,
    user: string,
    state: 'approved' | 'commented' | 'dismissed',
  ): WebhookDelivery {
    return pullRequestReviewEvent(action, {
      repo: this.repo,
      number: this.number,
      head: this.head,
      review: { id, state, user },
    });
  }
}

/** `body`, a record of the guard, with the phase of the snapshot it holds rewritten to `released`. */
function forged(body: string): string {
  return body.replace(
    /(<!-- release-guard:state v1 sha=[0-9a-f]+ )([A-Za-z0-9+/=]+)( -->)/,
    (_, before, encoded, after) => {
      const text = Buffer.from(encoded, 'base64')
        .toString('utf8')
        .replace(/"phase":"[a-z]+"/g, '"phase":"released"');
      return `${before}${Buffer.from(text, 'utf8').toString('base64')}${after}`;
    },
  );
}

/**
 * The registry as the guard names it in artifact references: a name of its own rather than the emulator's
 * port, which changes from one soak to the next and would show in the guard's comments and statuses.
 */
const REGISTRY_HOST = 'localhost';

/** A registry transport that sends what is addressed to `REGISTRY_HOST` to the emulated registry. */
function toRegistry(registry: Registry): typeof fetch {
  const from = `http://${REGISTRY_HOST}/`;
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return fetch(url.startsWith(from) ? `http://${registry.host}/${url.slice(from.length)}` : url, init);
  };
}

/** A registry transport that says every manifest exists. */
const lyingFetch: typeof fetch = async () =>
  new Response(null, {
    status: 200,
    headers: {
      'content-type': 'application/vnd.oci.image.index.v1+json',
      'docker-content-digest': `sha256:${'0'.repeat(64)}`,
    },
  });

/** The SHA a dispatch asked to release (its `sha` input). */
function dispatchedShaOf(request: { body: string }): string {
  try {
    const body = JSON.parse(request.body || '{}') as { inputs?: { sha?: unknown } };
    return typeof body.inputs?.sha === 'string' ? body.inputs.sha : '';
  } catch {
    return '';
  }
}

/** The SHA a merge request asked to merge (REST `sha`, GraphQL `expectedHeadOid`), if it is one. */
function mergeShaOf(request: { operation: string; body: string }): string | undefined {
  if (request.operation !== 'pulls/merge' && request.operation !== 'graphql:mergePullRequest') return undefined;
  try {
    const body = JSON.parse(request.body || '{}') as { sha?: string; variables?: Record<string, unknown> };
    if (typeof body.sha === 'string') return body.sha;
    const oid = Object.values(body.variables ?? {}).find((v) => typeof v === 'string' && /^[0-9a-f]{40}$/.test(v));
    return typeof oid === 'string' ? oid : '';
  } catch {
    return '';
  }
}
