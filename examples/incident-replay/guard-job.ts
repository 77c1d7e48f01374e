/**
 * The guard's app in the replay: release-guard's job (`runGuard` with the incident's config) run on a
 * GitHub event for one pull request, what it executed told on the timeline, and its last state per pull
 * request kept for the outcome.
 */
import { createGuard, type Guard, type GuardConfig, type GuardEvent } from '@release-guard/core';
import { type GuardRunResult, runGuard } from '@release-guard/github-adapter';
import type { GitHubEmulator } from '@release-guard/testkit';
import { describeEffect } from './narration.js';
import type { IncidentRun } from './outcome.js';
import { type Incident, OWNER, RELEASE_WORKFLOW, REPO } from './scenario.js';
import { GUARD_TOKEN, octokitFor } from './world.js';

export class GuardJob {
  private readonly guard: Guard;
  private readonly last = new Map<number, GuardRunResult>();
  private readonly alerts: string[] = [];

  constructor(
    config: GuardConfig,
    private readonly incident: Incident,
    private readonly github: GitHubEmulator,
    private readonly full: string,
    private readonly now: () => Date,
    /** Puts a line on the timeline as the guard's app, about pull request `number`. */
    private readonly log: (what: string, number: number) => void,
  ) {
    this.guard = createGuard(config);
  }

  /** One run of the job on pull request `number`, with the events it carries. */
  async run(number: number, events: GuardEvent[]): Promise<void> {
    // The incident's versionOf reads a release branch: only for a guard that reads versions from the branch.
    const versionOf = this.guard.settings.versionSource === 'branch' ? this.incident.versionOf : undefined;
    const result = await runGuard({
      guard: this.guard,
      octokit: octokitFor(this.github, GUARD_TOKEN),
      pr: { owner: OWNER, repo: REPO, number },
      release: { kind: 'dispatch', workflow: RELEASE_WORKFLOW },
      ...(versionOf ? { versionOf } : {}),
      events,
      now: this.now,
    });
    this.last.set(number, result);
    this.alerts.push(...result.alerts);
    const executed = result.effects.filter((e) => e.executed).map((e) => e.effect);
    const release = { full: this.full, sha: this.incident.release.headSha };
    const lines = executed.flatMap((effect) => describeEffect(effect, result.snapshot, this.github.control, release));
    for (const what of lines) this.log(what, number);
  }

  /**
   * The guard's phase and violations after its last run on pull request `number`, and every alert it
   * raised; none before it ran.
   */
  state(number: number): IncidentRun['guard'] {
    const last = this.last.get(number);
    return last && { phase: last.snapshot.phase, violations: last.snapshot.violations, alerts: this.alerts };
  }
}
