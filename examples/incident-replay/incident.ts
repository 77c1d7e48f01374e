/**
 * The replay itself: the morning's steps on the agenda at the scenario's times (the release PR opened and
 * approved, the 11:16 merge, the release workflow's build, image push and end), with the guard's job and
 * the chart workflow started by the events that start them.
 */
import type { GuardConfig, GuardEvent } from '@release-guard/core';
import type { GitHubEmulator, Registry } from '@release-guard/testkit';
import { chartWorkflow } from './chart-workflow.js';
import { Agenda, at, VirtualClock } from './clock.js';
import { GuardJob } from './guard-job.js';
import { short, shortImage } from './narration.js';
import { type IncidentRun, mergeRequests, recordedRun, type TimelineEntry } from './outcome.js';
import {
  DELAYS,
  GUARD_LOGIN,
  HEAD_REF,
  HEAD_SHA,
  IMAGE_NAME,
  type IncidentTimes,
  OWNER,
  RELEASE_WORKFLOW,
  RELEASER,
  REPO,
  type Scenario,
  SEED_TIMES,
  VERSION,
  weaveGitopsConfig,
} from './scenario.js';
import { octokitFor, RELEASER_TOKEN, releaseRunOf, setUpRepository, withEmulators } from './world.js';

/**
 * Replays the v0.29 morning on the emulators with a virtual clock: the release PR is opened and
 * approved, the releaser merges at 11:16, the chart workflow publishes after any merge, the release
 * workflow pushes the image at 12:41. With the guard, GitHub refuses the 11:16 merge, the guard starts
 * the release, verifies the image, turns `release` green and merges; the chart workflow's gate lets
 * the chart out only once the image exists.
 */
export async function replayIncident(scenario: Scenario): Promise<IncidentRun> {
  const times = { ...SEED_TIMES, ...scenario.times };
  const clock = new VirtualClock(at(times.opened));
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
  private readonly config: GuardConfig;
  private readonly guardJob: GuardJob;
  private number = 0;
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
    this.config = weaveGitopsConfig(registry.host);
    this.full = setUpRepository(github.control, scenario);
    this.guardJob = new GuardJob(this.config, github, this.full, clock.now, (what) => this.log(GUARD_LOGIN, what));
  }

  private log(actor: string, what: string, when: Date = this.clock.now()): void {
    this.entries.push({ at: when, actor, what });
  }

  async replay(): Promise<void> {
    const t = this.times;
    this.agenda.at(at(t.opened), () => this.open());
    this.agenda.at(at(t.approved), () => this.approve());
    this.agenda.at(at(t.handMerge), () => this.mergeByHand());
    this.agenda.at(at(t.buildStarted), () => this.build());
    this.agenda.at(at(t.imagePushed), () => this.pushImage());
    this.agenda.at(at(t.releaseCompleted), () => this.completeRelease());
    await this.agenda.run();
  }

  private open(): void {
    this.number = this.github.control.openPullRequest(this.full, {
      head: { ref: HEAD_REF, sha: HEAD_SHA },
      title: `Release ${VERSION}`,
      user: 'prepare-release[bot]',
    });
    const pr = this.github.control.pullRequest(this.full, this.number);
    this.log(
      'prepare-release',
      `opens release PR #${pr.number} ${pr.head.ref} at ${short(pr.head.sha)}`,
      new Date(pr.createdAt),
    );
    this.onEvent();
  }

  private async approve(): Promise<void> {
    const id = this.github.control.submitReview(this.full, this.number, { user: RELEASER, state: 'APPROVED' });
    const review = this.github.control.pullRequest(this.full, this.number).reviews.find((r) => r.id === id);
    this.log(RELEASER, `approves #${this.number}`, review ? new Date(review.submittedAt) : undefined);
    if (this.scenario.guarded) {
      this.onEvent();
      return;
    }
    // Without the guard, the release workflow runs on the approval itself.
    await octokitFor(this.github, 'github-actions').rest.actions.createWorkflowDispatch({
      owner: OWNER,
      repo: REPO,
      workflow_id: RELEASE_WORKFLOW,
      ref: HEAD_REF,
      inputs: { sha: HEAD_SHA, version: VERSION },
    });
    this.watchRelease();
  }

  /** A release run that was just created (by the approval, or dispatched by the guard) starts shortly after. */
  private watchRelease(): void {
    const run = this.releaseRun();
    if (run?.status !== 'queued' || this.releaseRunStarting) return;
    this.releaseRunStarting = true;
    this.agenda.after(DELAYS.runStartMs, () => {
      const started = this.github.control.updateRun(this.full, run.id, { status: 'in_progress' });
      const trigger = this.scenario.guarded ? `dispatched by ${started.actor.login}` : 'on the approval';
      this.log('release workflow', `run ${started.id} starts (${trigger})`, new Date(started.updatedAt));
    });
  }

  private async mergeByHand(): Promise<void> {
    const control = this.github.control;
    if (!this.scenario.guarded || this.scenario.bypass) {
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
    this.log('release workflow', `run ${run.id} starts building ${shortImage()}`);
  }

  private async pushImage(): Promise<void> {
    const run = this.releaseRun();
    if (run?.status !== 'in_progress') return;
    const { digest } = await this.registry.control.pushImage(IMAGE_NAME, VERSION, {
      revision: HEAD_SHA,
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    const push = this.registry.control.pushes().find((p) => p.name === IMAGE_NAME && p.tag === VERSION);
    this.log('release workflow', `pushes image ${shortImage()} (${short(digest, 19)})`, push?.at);
  }

  private completeRelease(): void {
    const run = this.releaseRun();
    if (run?.status !== 'in_progress') return;
    const done = this.github.control.updateRun(this.full, run.id, { status: 'completed', conclusion: 'success' });
    this.log('release workflow', `run ${run.id} completes: ${done.conclusion}`, new Date(done.updatedAt));
    this.onEvent([{ type: 'RELEASE_SUCCEEDED', sha: done.headSha, runId: `${done.id}.${done.runAttempt}` }]);
  }

  /** The guard's job, `DELAYS.guardMs` after a GitHub event (none without the guard), with the events it carries. */
  private onEvent(events: GuardEvent[] = []): void {
    if (!this.scenario.guarded) return;
    this.agenda.after(DELAYS.guardMs, () => this.runGuard(events));
  }

  /** Once the PR is merged: the push to main starts the chart workflow, and the guard sees the PR closed. */
  private afterPossibleMerge(): void {
    if (this.chartWorkflowStarted || !this.github.control.pullRequest(this.full, this.number).merged) return;
    this.chartWorkflowStarted = true;
    const log = (what: string, when?: Date) => this.log('chart workflow', what, when);
    this.agenda.after(DELAYS.chartMs, () => chartWorkflow(this.scenario, this.config, this.registry.control, log));
    this.onEvent();
  }

  private async runGuard(events: GuardEvent[]): Promise<void> {
    await this.guardJob.run(this.number, events);
    this.watchRelease();
    this.afterPossibleMerge();
  }

  private releaseRun() {
    return releaseRunOf(this.github.control, this.full);
  }

  result(): IncidentRun {
    const guard = this.guardJob.state();
    const seen = { scenario: this.scenario, times: this.times, entries: this.entries, ...(guard ? { guard } : {}) };
    return recordedRun(seen, this.github.control, this.registry.control, { full: this.full, number: this.number });
  }
}
