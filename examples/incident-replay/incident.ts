/**
 * The replay itself: an incident's steps on the agenda at the scenario's times (the release PR opened and
 * approved, the hand merge, the image's build, push and the end of its run), with the guard's job, the
 * chart workflow and, under the 2025 workflows, the image workflow started by the events that start them.
 */
import type { GuardConfig, GuardEvent } from '@release-guard/core';
import type { GitHubEmulator, Registry } from '@release-guard/testkit';
import { chartWorkflow } from './chart-workflow.js';
import { Agenda, at, VirtualClock } from './clock.js';
import { GuardJob } from './guard-job.js';
import { short, shortArtifact } from './narration.js';
import { type IncidentRun, mergeRequests, recordedRun, type TimelineEntry } from './outcome.js';
import {
  type Delays,
  GUARD_LOGIN,
  type Incident,
  type IncidentTimes,
  OWNER,
  type PullRequestSeed,
  RELEASE_WORKFLOW,
  RELEASER,
  REPO,
  type Scenario,
} from './scenario.js';
import { octokitFor, RELEASER_TOKEN, releaseRunOf, setUpRepository, withEmulators } from './world.js';

/** How long after the image push its run completes, when the build is timed by `Delays.buildMs`. */
const COMPLETE_AFTER_PUSH_MS = 1_000;

/**
 * Replays an incident on the emulators with a virtual clock: the release PR is opened and approved, the
 * releaser merges by hand, the chart workflow publishes after any merge, and the image is pushed by the
 * release workflow (or, under the 2025 workflows, by the image workflow the merge starts). With the
 * guard, GitHub refuses the hand merge, the guard starts the release, verifies the image, turns
 * `release` green and merges; the chart follows the image.
 */
export async function replayIncident(scenario: Scenario): Promise<IncidentRun> {
  const times = { ...scenario.incident.times, ...scenario.times };
  const clock = new VirtualClock(at(times.opened, scenario.incident.day));
  return withEmulators(clock.now, async (github, registry) => {
    const replay = new IncidentReplay(scenario, times, clock, github, registry);
    await replay.replay();
    github.control.assertNoViolations();
    return replay.result();
  });
}

/** One replay's state: the emulators, the agenda, and what was seen. */
class IncidentReplay {
  private readonly agenda: Agenda;
  private readonly entries: TimelineEntry[] = [];
  private readonly full: string;
  private readonly incident: Incident;
  private readonly delays: Delays;
  private readonly config: GuardConfig | undefined;
  private readonly guardJob: GuardJob | undefined;
  private number = 0;
  private protectedNumber: number | undefined;
  private chartWorkflowStarted = false;
  private releaseRunStarting = false;

  constructor(
    private readonly scenario: Scenario,
    private readonly times: IncidentTimes,
    private readonly clock: VirtualClock,
    private readonly github: GitHubEmulator,
    private readonly registry: Registry,
  ) {
    this.agenda = new Agenda(clock);
    this.incident = scenario.incident;
    this.delays = { ...this.incident.delays, ...scenario.delays };
    this.config = this.incident.config(registry.host, scenario.guarded);
    const releaseWorkflow = scenario.guarded
      ? 'dispatched'
      : this.incident.buildWithoutGuard === 'on-approval'
        ? 'on-approval'
        : 'none';
    this.full = setUpRepository(github.control, { protect: this.config !== undefined, releaseWorkflow });
    this.guardJob =
      this.config &&
      new GuardJob(this.config, this.incident, github, this.full, clock.now, (what, number) =>
        this.log(GUARD_LOGIN, number === this.number ? what : `on #${number}: ${what}`),
      );
  }

  private log(actor: string, what: string, when: Date = this.clock.now()): void {
    this.entries.push({ at: when, actor, what });
  }

  private at(time: string): Date {
    return at(time, this.incident.day);
  }

  async replay(): Promise<void> {
    const t = this.times;
    const change = this.incident.protectedChange;
    this.agenda.at(this.at(t.opened), () => this.open());
    if (change && this.scenario.guarded) this.agenda.at(this.at(change.opened), () => this.openProtectedChange(change));
    this.agenda.at(this.at(t.approved), () => this.approve());
    this.agenda.at(this.at(t.handMerge), () => this.mergeByHand());
    const timed = [t.buildStarted, t.imagePushed, t.releaseCompleted];
    if (t.buildStarted && t.imagePushed && t.releaseCompleted) {
      this.agenda.at(this.at(t.buildStarted), () => this.build());
      this.agenda.at(this.at(t.imagePushed), () => this.pushImage());
      this.agenda.at(this.at(t.releaseCompleted), () => this.completeRelease());
    } else if (timed.some((time) => time !== undefined)) {
      throw new Error(
        'an incident times its build with all of buildStarted, imagePushed and releaseCompleted, or none',
      );
    }
    await this.agenda.run();
  }

  /** Opens `seed` on GitHub with its files at the head, and returns its number. */
  private openPullRequest(seed: PullRequestSeed): number {
    const files = Object.entries(seed.files ?? {});
    for (const [path, content] of files) this.github.control.setFile(this.full, { ref: seed.headSha, path, content });
    return this.github.control.openPullRequest(this.full, {
      head: { ref: seed.headRef, sha: seed.headSha },
      title: seed.title,
      user: seed.author,
      ...(files.length > 0 ? { files: files.map(([filename]) => ({ filename })) } : {}),
    });
  }

  private open(): void {
    const { release } = this.incident;
    this.number = this.openPullRequest(release);
    const pr = this.github.control.pullRequest(this.full, this.number);
    const actor = release.author.replace(/\[bot\]$/, '');
    this.log(actor, `opens release PR #${pr.number} ${pr.head.ref} at ${short(pr.head.sha)}`, new Date(pr.createdAt));
    this.onEvent();
  }

  private openProtectedChange(change: PullRequestSeed): void {
    const number = this.openPullRequest(change);
    this.protectedNumber = number;
    const paths = Object.keys(change.files ?? {}).join(', ');
    this.log(change.author, `opens PR #${number} ${change.headRef} ("${change.title}"), changing ${paths}`);
    this.agenda.after(this.delays.guardMs, () => this.guardJob?.run(number, []));
  }

  private async approve(): Promise<void> {
    const id = this.github.control.submitReview(this.full, this.number, { user: RELEASER, state: 'APPROVED' });
    const review = this.github.control.pullRequest(this.full, this.number).reviews.find((r) => r.id === id);
    this.log(RELEASER, `approves #${this.number}`, review ? new Date(review.submittedAt) : undefined);
    this.onEvent();
    if (this.scenario.guarded || this.incident.buildWithoutGuard !== 'on-approval') return;
    // Without the guard, the release workflow runs on the approval itself.
    const { release } = this.incident;
    await octokitFor(this.github, 'github-actions').rest.actions.createWorkflowDispatch({
      owner: OWNER,
      repo: REPO,
      workflow_id: RELEASE_WORKFLOW,
      ref: release.headRef,
      inputs: { sha: release.headSha, version: release.versions.version },
    });
    this.watchRelease();
  }

  /** A release run that was just created (by the approval, or dispatched by the guard) starts shortly after. */
  private watchRelease(): void {
    const run = this.releaseRun();
    if (run?.status !== 'queued' || this.releaseRunStarting) return;
    this.releaseRunStarting = true;
    this.agenda.after(this.delays.runStartMs, () => {
      const started = this.github.control.updateRun(this.full, run.id, { status: 'in_progress' });
      const trigger = this.scenario.guarded ? `dispatched by ${started.actor.login}` : 'on the approval';
      this.log('release workflow', `run ${started.id} starts (${trigger})`, new Date(started.updatedAt));
      if (this.times.buildStarted === undefined) this.buildFor(this.buildMs());
    });
  }

  private async mergeByHand(): Promise<void> {
    const control = this.github.control;
    if (!this.config || this.scenario.bypass) {
      const run = this.releaseRun();
      control.mergeByHand(this.full, this.number, RELEASER);
      const pr = control.pullRequest(this.full, this.number);
      const how = this.scenario.bypass ? ', bypassing branch protection (admin merge)' : '';
      const running =
        run && run.status !== 'completed' ? ` while release run ${run.id} is ${run.status.replace('_', ' ')}` : '';
      this.log(
        RELEASER,
        `merges #${pr.number} by hand${how}${running}: merged`,
        pr.mergedAt ? new Date(pr.mergedAt) : undefined,
      );
    } else {
      // The merge button: GitHub's merge endpoint, as the releaser.
      try {
        await octokitFor(this.github, RELEASER_TOKEN).rest.pulls.merge({
          owner: OWNER,
          repo: REPO,
          pull_number: this.number,
        });
        this.log(RELEASER, `merges #${this.number} with the merge button: merged`);
      } catch (error) {
        const answer = mergeRequests(control, this.full).at(-1);
        const message = (error as { response?: { data?: { message?: string } } }).response?.data?.message;
        this.log(
          RELEASER,
          `merges #${this.number} with the merge button: GitHub answers ${answer?.status ?? '?'}: ${message ?? (error as Error).message}`,
          answer ? new Date(answer.at) : undefined,
        );
      }
    }
    this.afterPossibleMerge();
  }

  private build(): void {
    const run = this.releaseRun();
    if (run?.status !== 'in_progress') {
      this.log('release workflow', 'no release run is in progress: nothing is built');
      return;
    }
    this.log('release workflow', `run ${run.id} starts building ${shortArtifact(this.incident.image)}`);
  }

  /** How long a build takes, for an incident without build times. */
  private buildMs(): number {
    if (this.delays.buildMs === undefined) throw new Error('an incident without build times gives Delays.buildMs');
    return this.delays.buildMs;
  }

  /** The release run that just started builds the image, pushes it `buildMs` later, and completes. */
  private buildFor(buildMs: number): void {
    this.build();
    this.agenda.after(buildMs, () => this.pushImage());
    this.agenda.after(buildMs + COMPLETE_AFTER_PUSH_MS, () => this.completeRelease());
  }

  private async pushImage(): Promise<void> {
    const run = this.releaseRun();
    if (run?.status !== 'in_progress') return;
    await this.publishImage('release workflow');
  }

  /** The image's push to the registry, from the release PR's head, told as `actor`. */
  private async publishImage(actor: string): Promise<void> {
    const { image, release } = this.incident;
    const { digest } = await this.registry.control.pushImage(image.name, image.tag, {
      revision: release.headSha,
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    const push = this.registry.control.pushes().find((p) => p.name === image.name && p.tag === image.tag);
    this.log(actor, `pushes image ${shortArtifact(image)} (${short(digest, 19)})`, push?.at);
  }

  private completeRelease(): void {
    const run = this.releaseRun();
    if (run?.status !== 'in_progress') return;
    const done = this.github.control.updateRun(this.full, run.id, { status: 'completed', conclusion: 'success' });
    this.log('release workflow', `run ${run.id} completes: ${done.conclusion}`, new Date(done.updatedAt));
    this.onEvent([{ type: 'RELEASE_SUCCEEDED', sha: done.headSha, runId: `${done.id}.${done.runAttempt}` }]);
  }

  /** The guard's job, `delays.guardMs` after a GitHub event (none without a guard), with the events it carries. */
  private onEvent(events: GuardEvent[] = []): void {
    if (!this.guardJob) return;
    this.agenda.after(this.delays.guardMs, () => this.runGuard(events));
  }

  /**
   * Once the PR is merged: the push to main starts the chart workflow (and, under the 2025 workflows
   * without the guard, the image workflow), and the guard sees the PR closed.
   */
  private afterPossibleMerge(): void {
    if (this.chartWorkflowStarted || !this.github.control.pullRequest(this.full, this.number).merged) return;
    this.chartWorkflowStarted = true;
    const log = (what: string, when?: Date) => this.log('chart workflow', what, when);
    this.agenda.after(this.delays.chartMs, () => chartWorkflow(this.scenario, this.config, this.registry.control, log));
    if (!this.scenario.guarded && this.incident.buildWithoutGuard === 'after-merge') this.imageWorkflow();
    this.onEvent();
  }

  /** The 2025 image workflow: it starts on the push to main and pushes the image `buildMs` later. */
  private imageWorkflow(): void {
    const buildMs = this.buildMs();
    this.agenda.after(this.delays.runStartMs, () => {
      this.log('image workflow', `starts on the push to main: builds ${shortArtifact(this.incident.image)}`);
      this.agenda.after(buildMs, () => this.publishImage('image workflow'));
    });
  }

  private async runGuard(events: GuardEvent[]): Promise<void> {
    await this.guardJob?.run(this.number, events);
    this.watchRelease();
    this.afterPossibleMerge();
  }

  private releaseRun() {
    return releaseRunOf(this.github.control, this.full, this.incident.release.headSha);
  }

  result(): IncidentRun {
    const guard = this.guardJob?.state(this.number);
    const seen = { scenario: this.scenario, times: this.times, entries: this.entries, ...(guard ? { guard } : {}) };
    return recordedRun(seen, this.github.control, this.registry.control, {
      full: this.full,
      number: this.number,
      ...(this.protectedNumber !== undefined ? { protectedChange: this.protectedNumber } : {}),
    });
  }
}
