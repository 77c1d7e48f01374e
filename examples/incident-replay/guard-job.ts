/**
 * The guard's app in the replay: release-guard's job (`runGuard` with the weave-gitops config) run on a
 * GitHub event, what it executed told on the timeline, and its last state kept for the outcome.
 */
import { createGuard, type Guard, type GuardConfig, type GuardEvent } from '@release-guard/core';
import { type GuardRunResult, runGuard } from '@release-guard/github-adapter';
import type { GitHubEmulator } from '@release-guard/testkit';
import { describeEffect } from './narration.js';
import type { IncidentRun } from './outcome.js';
import { HEAD_REF, OWNER, RELEASE_WORKFLOW, REPO, versionsOf } from './scenario.js';
import { GUARD_TOKEN, octokitFor } from './world.js';

export class GuardJob {
  private readonly guard: Guard;
  private last: GuardRunResult | undefined;
  private readonly alerts: string[] = [];

  constructor(
    config: GuardConfig,
    private readonly github: GitHubEmulator,
    private readonly full: string,
    private readonly now: () => Date,
    /** Puts a line on the timeline as the guard's app. */
    private readonly log: (what: string) => void,
  ) {
    this.guard = createGuard(config);
  }

  /** One run of the job on release PR `number`, with the events it carries. */
  async run(number: number, events: GuardEvent[]): Promise<void> {
    const result = await runGuard({
      guard: this.guard,
      octokit: octokitFor(this.github, GUARD_TOKEN),
      pr: { owner: OWNER, repo: REPO, number },
      release: { kind: 'dispatch', workflow: RELEASE_WORKFLOW, ref: HEAD_REF },
      versionOf: versionsOf,
      events,
      now: this.now,
    });
    this.last = result;
    this.alerts.push(...result.alerts);
    const executed = result.effects.filter((e) => e.executed).map((e) => e.effect);
    const lines = executed.flatMap((effect) => describeEffect(effect, result.snapshot, this.github.control, this.full));
    for (const what of lines) this.log(what);
  }

  /** The guard's phase and violations after its last run, and every alert it raised; none before it ran. */
  state(): IncidentRun['guard'] {
    return (
      this.last && {
        phase: this.last.snapshot.phase,
        violations: this.last.snapshot.violations,
        alerts: this.alerts,
      }
    );
  }
}
