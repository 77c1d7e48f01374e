import { createOctokit } from '@release-guard/github-adapter';
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

/**
 * The soak: many release lifecycles end to end through the action's `run()` and the emulators, with
 * random interleavings of approvals, pushes, dismissals, release outcomes, human merges and closes;
 * dropped, duplicated, reordered and concurrent deliveries; and API faults. Every decision comes from
 * one seeded generator, so a seed replays every decision of a soak (the interleaving of runs delivered at
 * once still depends on timing).
 */
export interface SoakOptions {
  seed: number;
  lifecycles: number;
  /** Steps per lifecycle, at most. Default 14. */
  steps?: number;
  /** Chance that a delivery meets an injected API fault. Default 0.25. */
  faultRate?: number;
  /** Share of lifecycles without branch protection, where only the guard stands between a PR and a bad merge. Default 0.4. */
  unprotectedShare?: number;
  /** Called with each lifecycle's one-line result. */
  progress?: (line: string) => void;
  /**
   * A registry that answers every manifest look-up with "present": a planted fault that must make the
   * soak report merges of unreleased SHAs (it proves the soak's checks can fail).
   */
  lyingRegistry?: boolean;
  /** Called with every step, delivery and guard run of the lifecycles listed, to follow a replay. */
  trace?: { lifecycles: readonly number[]; line: (line: string) => void };
}

export interface SoakReport {
  seed: number;
  lifecycles: number;
  unprotected: number;
  /** Deliveries handed to the action (each duplicate and concurrent copy counted). */
  events: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  concurrentBursts: number;
  faultsInjected: number;
  /** Action runs that ended in an error (a fault they could not absorb); later deliveries and sweeps repair. */
  failedRuns: number;
  invariantViolations: string[];
  /** Pull requests merged more than once. */
  doubleMerges: number;
  /** Merge requests the guard sent (REST and GraphQL), whatever GitHub answered. */
  mergeRequests: number;
  /** Merge requests the guard sent for a SHA that was not approved, released and verified. */
  unreleasedMergeRequests: number;
  /** Merges by the guard of a SHA that was not approved, released and verified. */
  unreleasedMerges: number;
  releaseDispatches: number;
  /** Release runs dispatched for a SHA that already had a live or successful run. */
  duplicateDispatches: number;
  /** Pull requests still stuck after one clean sweep, with why. */
  stuckAfterSweep: string[];
  apiCallsPerLifecycle: { median: number; max: number };
  durationMs: number;
}

/** Mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}
type Random = ReturnType<typeof generator>;

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

export async function soak(options: SoakOptions): Promise<SoakReport> {
  const began = performance.now();
  const random = generator(options.seed);
  let clock = Date.parse('2023-08-01T09:00:00Z');
  const github = await startGitHub({ now: () => new Date(clock) });
  const registry = await startRegistry();
  const report: SoakReport = {
    seed: options.seed,
    lifecycles: options.lifecycles,
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
    stuckAfterSweep: [],
    apiCallsPerLifecycle: { median: 0, max: 0 },
    durationMs: 0,
  };
  const calls: number[] = [];
  try {
    github.control.addToken(GUARD_TOKEN, GUARD);
    github.control.addToken(MERGE_TOKEN, MERGER);
    github.control.addToken('releaser-token', 'releaser');
    const octokit = createOctokit({
      token: GUARD_TOKEN,
      baseUrl: github.url,
      throttle: false,
      retries: 2,
      retryBaseMs: 1,
    });
    const mergeOctokit = createOctokit({
      token: MERGE_TOKEN,
      baseUrl: github.url,
      throttle: false,
      retries: 2,
      retryBaseMs: 1,
    });
    const human = createOctokit({ token: 'releaser-token', baseUrl: github.url, throttle: false, retries: 0 });
    for (let n = 1; n <= options.lifecycles; n++) {
      const lifecycle = new Lifecycle(n, random, github, registry, options, report, {
        octokit,
        mergeOctokit,
        human,
        now: () => new Date(clock),
        tick: () => {
          clock += 60_000;
        },
      });
      const result = await lifecycle.run();
      calls.push(result.calls);
      options.progress?.(`lifecycle ${n}: ${result.summary}`);
    }
  } finally {
    await github.close();
    await registry.close();
  }
  const sorted = [...calls].sort((a, b) => a - b);
  report.apiCallsPerLifecycle = { median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
  report.durationMs = performance.now() - began;
  return report;
}

interface Clients {
  octokit: ReturnType<typeof createOctokit>;
  mergeOctokit: ReturnType<typeof createOctokit>;
  human: ReturnType<typeof createOctokit>;
  now: () => Date;
  tick: () => void;
}

type Step =
  | 'approve'
  | 'approve-unauthorized'
  | 'dismiss'
  | 'push'
  | 'release-succeeds'
  | 'release-succeeds-without-image'
  | 'release-fails'
  | 'human-merge'
  | 'close'
  | 'reopen'
  | 'sweep';

class Lifecycle {
  private readonly name: string;
  private readonly full: string;
  private readonly repo: { owner: string; name: string };
  private readonly version: string;
  private readonly image: string;
  private readonly protectedBranch: boolean;
  private number = 0;
  private head: { ref: string; sha: string };
  private shas = 0;
  private held: WebhookDelivery[] = [];
  private readonly inputs: ReturnType<typeof parseInputs>;
  /** Whether the release workflow pushed the image (one tag per version, whatever the SHA). */
  private imagePushed = false;

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
      collaborators: { releaser: 'write', maintainer: 'admin', outsider: 'read' },
    });
    github.control.setPermission(this.full, GUARD, 'write');
    github.control.setPermission(this.full, MERGER, 'write');
    this.protectedBranch = !random.chance(options.unprotectedShare ?? 0.4);
    if (this.protectedBranch) github.control.protectBranch(this.full, 'main', { requiredContexts: ['release'] });
    else report.unprotected++;
    github.control.addWorkflow(this.full, { path: WORKFLOW, name: 'release', runName: RUN_NAME });
    this.version = `v0.${n}.0`;
    this.image = `weaveworks/wego-app-${n}`;
    this.head = { ref: `releases/${this.version}`, sha: this.nextSha() };
    this.inputs = parseInputs({
      INPUT_TOKEN: GUARD_TOKEN,
      'INPUT_MERGE-TOKEN': MERGE_TOKEN,
      'INPUT_RELEASE-WORKFLOW': 'release.yaml',
      'INPUT_RELEASE-TIMEOUT': '30',
      INPUT_ARTIFACTS: `- name: image\n  ref: ${registry.host}/${this.image}:{version}`,
    });
  }

  private nextSha(): string {
    this.shas++;
    return `${this.n.toString(16).padStart(6, '0')}${this.shas.toString(16).padStart(4, '0')}`.padEnd(40, 'e');
  }

  async run(): Promise<{ calls: number; summary: string }> {
    this.number = this.github.control.openPullRequest(this.full, { head: this.head, user: 'releaser' });
    await this.deliver(this.prEvent('opened'));
    const steps = this.random.int(4, this.options.steps ?? 14);
    for (let i = 0; i < steps; i++) {
      this.clients.tick();
      await this.step(this.choose());
    }
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
      summary: `${steps} steps, ${state}, ${calls} API calls${this.protectedBranch ? '' : ', unprotected'}`,
    };
  }

  private choose(): Step {
    const pr = this.github.control.pullRequest(this.full, this.number);
    if (pr.merged) return 'sweep';
    if (pr.state === 'closed') return this.random.pick(['reopen', 'reopen', 'sweep']);
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

  private liveRun() {
    return this.github.control.runs(this.full).find((r) => r.headSha === this.head.sha && r.status !== 'completed');
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
        const user = step === 'approve' ? this.random.pick(['releaser', 'maintainer']) : 'outsider';
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
          this.imagePushed = true;
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
        return this.deliver(this.prEvent('closed', { merged: false }));
      case 'reopen':
        control.reopenPullRequest(this.full, this.number);
        // A reopened pull request starts a new epoch: approvals given before it no longer count.
        this.reviewFloor = Math.max(0, ...control.pullRequest(this.full, this.number).reviews.map((r) => r.id));
        this.runFloor = Math.max(0, ...control.runs(this.full).map((r) => r.id));
        return this.deliver(this.prEvent('reopened'));
      case 'sweep':
        return this.deliver(scheduleEvent({ repo: this.repo, cron: '*/15 * * * *' }));
    }
  }

  /** Delivers as GitHub sometimes does: dropped, duplicated, held back behind the next one, or to several runs at once. */
  private async deliver(event: WebhookDelivery): Promise<void> {
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
      if (this.random.chance(this.options.faultRate ?? 0.25)) this.injectFault();
      await this.runConcurrently(event, copies);
      this.checkHonestStatus();
    }
  }

  /** `copies` runs of the action on `event` at once; the requests they sent are judged once, together. */
  private async runConcurrently(event: WebhookDelivery, copies: number): Promise<void> {
    const before = this.github.control.requests(this.full).length;
    await Promise.all(Array.from({ length: copies }, () => this.runAction(event)));
    this.countRequests(before);
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

  private async runAction(event: WebhookDelivery): Promise<void> {
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
          octokit: this.clients.octokit,
          mergeOctokit: this.clients.mergeOctokit,
          now: this.clients.now,
          ...(this.options.lyingRegistry ? { registries: { fetch: lyingFetch } } : {}),
        },
        quietLog,
      );
      for (const { number, result: r } of result.pullRequests) {
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
  private countRequests(from: number): void {
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
      }
    }
    const perSha = new Map<string, number>();
    for (const r of this.github.control.runs(this.full)) {
      if (r.status === 'completed' && r.conclusion !== 'success') continue;
      perSha.set(r.headSha, (perSha.get(r.headSha) ?? 0) + 1);
    }
    const duplicates = [...perSha.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    if (duplicates > this.seenDuplicates) {
      this.report.duplicateDispatches += duplicates - this.seenDuplicates;
      this.seenDuplicates = duplicates;
    }
  }
  private seenDuplicates = 0;

  /**
   * Why `sha` may not be merged now, or undefined when GitHub shows it approved by a releaser (a standing
   * review of that commit), released by a successful run, and its image pushed. This is the safety bar:
   * the guard may be stricter (a reopened pull request needs a new approval and release) but never laxer.
   */
  private unreleased(sha: string): string | undefined {
    if (!this.approved(sha, 0)) return 'no standing approval by a releaser';
    if (!this.releasedSince(sha, 0)) return 'no successful release run';
    if (!this.imagePushed) return `its image ${this.version} was never pushed`;
    return undefined;
  }

  private releasedSince(sha: string, floor: number): boolean {
    return this.github.control
      .runs(this.full)
      .some((r) => r.id > floor && r.headSha === sha && r.status === 'completed' && r.conclusion === 'success');
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
    if (pr.merged && pr.mergedBy?.login === 'releaser' && this.bypassed) {
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
    const comments = this.github.control.comments(this.full, this.number).filter((c) => c.user.login === GUARD);
    if (!status) stuck('no release status on the head');
    else if (comments.length === 0) stuck('no timeline comment');
    else if (
      this.approved(pr.head.sha, this.reviewFloor) &&
      this.releasedSince(pr.head.sha, this.runFloor) &&
      this.imagePushed
    )
      stuck('approved, released and verified in this epoch, but not merged');
    else if (
      this.approved(pr.head.sha, this.reviewFloor) &&
      !this.github.control.runs(this.full).some((r) => r.id > this.runFloor && r.headSha === pr.head.sha)
    )
      stuck('approved, but no release was started');
  }

  /** Whether a releaser's approval of `sha` newer than review `floor` stands. */
  private approved(sha: string, floor: number): boolean {
    return this.github.control
      .pullRequest(this.full, this.number)
      .reviews.some(
        (r) =>
          r.id > floor &&
          r.state === 'APPROVED' &&
          r.commitId === sha &&
          (r.user.login === 'releaser' || r.user.login === 'maintainer'),
      );
  }
  private reviewFloor = 0;
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
    state: 'approved' | 'dismissed',
  ): WebhookDelivery {
    return pullRequestReviewEvent(action, {
      repo: this.repo,
      number: this.number,
      head: this.head,
      review: { id, state, user },
    });
  }
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
