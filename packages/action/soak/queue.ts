import type { Octokit } from '@release-guard/github-adapter';
import { pullRequestEvent, type WebhookDelivery } from '@release-guard/testkit';
import { MAINTAINER, MALLORY } from './setup.js';
import type { Stage } from './stage.js';
import type { AttackStep, QueueAttack, QueueFigures, QueueStep, Step } from './types.js';

/**
 * The merge queue of a lifecycle whose main requires it (`queue`), as the soak drives it: the emulator's
 * queue merges a group once its required checks pass on the group's commit and ejects it when one fails;
 * this class plays the people and the CI around it, and hands the queue's own deliveries (`pull_request`
 * `enqueued`, `dequeued` and `closed`, `merge_group` `checks_requested` and `destroyed`) to GitHub's
 * delivery, where they are lost, held back, duplicated and raced like the others. They wait in an inbox
 * until a step lets them go (each step, with a chance), so steps happen while a pull request is queued:
 * CI on its group, a removal by a person, a dismissal, a push. At the end, `settle` lets the queue finish
 * with every delivery made: CI passes on groups the guard judged, groups it never heard of time out.
 */

/** Chance, after each step, that the deliveries waiting in the inbox are made (again while some wait). */
const DELIVER_SHARE = 0.6;
/** Chance that CI fails on a merge group (the queue then ejects it). */
const CI_FAILURE_SHARE = 0.25;
/** Rounds of `settle` at most: each delivers what waits, or moves the standing group on. */
const SETTLE_ROUNDS = 24;
const QUEUE_BOT = 'github-merge-queue[bot]';

export class MergeQueue {
  private readonly inbox: WebhookDelivery[] = [];
  /** The queue's attacks of this lifecycle, for its summary line. */
  readonly made: QueueAttack[] = [];
  private attackers = 0;

  constructor(
    private readonly stage: Stage,
    private readonly figures: QueueFigures,
    /** The CI's client (reports `ci`), and the attacker's (writes statuses). */
    private readonly ci: Octokit,
    private readonly mallory: Octokit,
  ) {
    stage.github.onDelivery((delivery) => {
      const { action, reason, sender } = delivery.payload as {
        action?: string;
        reason?: string;
        sender?: { login?: string };
      };
      stage.trace(`  queue: ${delivery.name} ${action}${reason ? ` (${reason})` : ''} by ${sender?.login}`);
      // The workflow subscribes to the queue's pull request events as pull_request_target.
      this.inbox.push(delivery.name === 'pull_request' ? { ...delivery, name: 'pull_request_target' } : delivery);
    });
  }

  /** Before the lifecycle's first delivery: CI passes on the head it was opened with. */
  async start(): Promise<void> {
    await this.reportCi(this.stage.pr.head.sha, 'success');
  }

  /** The head was just pushed (`wasQueued`: the push took it out of the queue); CI passes on the new head. */
  async pushed(wasQueued: boolean): Promise<void> {
    if (wasQueued) this.figures.pushedWhileQueued++;
    await this.reportCi(this.stage.pr.head.sha, 'success');
  }

  /** An approval is about to be dismissed. */
  dismissing(): void {
    if (this.queued()) this.figures.dismissedWhileQueued++;
  }

  /** Whether the release pull request stands in the queue now. */
  queued(number = this.stage.setup.number): boolean {
    return this.entries().some((e) => e.number === number);
  }

  /** After each step: the deliveries waiting are made, with a chance each round. */
  async afterStep(): Promise<void> {
    while (this.inbox.length > 0 && this.stage.random.chance(DELIVER_SHARE)) {
      for (const delivery of this.inbox.splice(0)) await this.stage.deliver(delivery);
    }
  }

  /** The queue's honest steps that make sense now. */
  choices(): Step[] {
    const steps: Step[] = [];
    if (this.stage.setup.ciRequired && this.group()) steps.push('ci-group', 'ci-group', 'ci-group');
    // While the release is queued, what may happen to it there comes more often.
    if (this.queued()) steps.push('dequeue', 'dismiss', 'push');
    return steps;
  }

  /** The queue's attacks that make sense now: an enqueue of the release head while it is not queued. */
  attacks(): AttackStep[] {
    return this.queued() ? [] : ['enqueue-unreleased', 'enqueue-shared-head'];
  }

  async play(step: QueueStep | 'enqueue-unreleased' | 'enqueue-shared-head'): Promise<void> {
    const { setup, github, random } = this.stage;
    switch (step) {
      case 'ci-group': {
        const group = this.group();
        if (!group) return;
        const state = random.chance(CI_FAILURE_SHARE) ? 'failure' : 'success';
        this.stage.trace(`  ci ${state} on the group ${group.headSha.slice(0, 10)} of #${group.number}`);
        if (state === 'failure') this.figures.ciFailed++;
        else this.figures.ciPassed++;
        return this.reportCi(group.headSha, state);
      }
      case 'dequeue': {
        const reason = random.pick(['MANUAL', 'MANUAL', 'CI_FAILURE', 'CI_TIMEOUT'] as const);
        if (!github.dequeue(setup.full, setup.number, reason, reason === 'MANUAL' ? MAINTAINER : QUEUE_BOT)) return;
        this.figures.removedByPeople++;
        this.stage.trace(`  #${setup.number} removed from the queue (${reason})`);
        return;
      }
      case 'enqueue-unreleased':
        return this.enqueueForged('enqueuedUnreleased', setup.number);
      case 'enqueue-shared-head': {
        const { pr } = this.stage;
        const head = { ref: `feature/queue-${++this.attackers}`, sha: pr.head.sha };
        const other = github.openPullRequest(setup.full, { head, user: MALLORY });
        await this.stage.deliver(pullRequestEvent('opened', { repo: setup.repo, number: other, head, user: MALLORY }));
        return this.enqueueForged('enqueuedSharedHead', other);
      }
    }
  }

  /**
   * Mallory (write access) writes `success` for `release` on the release head, unless it already stands,
   * and adds pull request `number` (the release, or one sharing its head) to the queue.
   */
  private async enqueueForged(kind: QueueAttack, number: number): Promise<void> {
    const { setup, github, standing, pr } = this.stage;
    if (this.queued(number) || standing.pullRequest().state !== 'open') return;
    const latest = github.statuses(setup.full, pr.head.sha, 'release').at(-1);
    if (latest?.state !== 'success') {
      const forged = await this.write(this.mallory, pr.head.sha, 'release', 'success');
      if (!forged) return;
    }
    try {
      github.enqueue(setup.full, number, { login: MALLORY });
    } catch (error) {
      this.stage.trace(`  ${MALLORY} could not enqueue #${number}: ${(error as Error).message}`);
      return;
    }
    this.figures.attacks[kind]++;
    this.made.push(kind);
    this.stage.trace(
      `  attack ${kind}: ${MALLORY} forged release on ${pr.head.sha.slice(0, 10)} and enqueued #${number}`,
    );
  }

  /**
   * The end of the lifecycle, with no faults: every delivery waiting is made, each to one run
   * (`deliver`); a group the guard judged `success` gets CI's success; one it never judged (its
   * `checks_requested` lost) times out, as GitHub's queue does after its check timeout. Until nothing moves.
   */
  async settle(deliver: (event: WebhookDelivery) => Promise<void>): Promise<void> {
    const { setup, github } = this.stage;
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      if (this.inbox.length > 0) {
        for (const delivery of this.inbox.splice(0)) await deliver(delivery);
        continue;
      }
      const group = this.group();
      if (!group) return;
      const verdict = this.stage.standing.releaseStatuses(group.headSha).at(-1);
      if (!verdict) {
        this.figures.timedOut++;
        this.stage.trace(`  the group of #${group.number} timed out`);
        github.dequeue(setup.full, group.number, 'CI_TIMEOUT', QUEUE_BOT);
      } else if (setup.ciRequired && github.statuses(setup.full, group.headSha, 'ci').length === 0) {
        this.figures.ciPassed++;
        await this.reportCi(group.headSha, 'success');
      } else return;
    }
  }

  /** The merge group standing now (the queue builds one at a time), with the pull request it merges. */
  private group() {
    return this.stage.github.mergeQueue(this.stage.setup.full, 'main')?.groups[0];
  }

  private entries() {
    return this.stage.github.mergeQueue(this.stage.setup.full, 'main')?.entries ?? [];
  }

  /** CI reports `ci` on `sha` (only where main requires it). */
  private async reportCi(sha: string, state: 'success' | 'failure'): Promise<void> {
    if (this.stage.setup.ciRequired) await this.write(this.ci, sha, 'ci', state);
  }

  /**
   * A status written by `client` on `sha`; whether GitHub answered. The faults armed for the guard's runs
   * hit anyone's requests: a write whose answer was lost happened all the same.
   */
  private async write(client: Octokit, sha: string, context: string, state: 'success' | 'failure'): Promise<boolean> {
    const { setup } = this.stage;
    return client.rest.repos
      .createCommitStatus({ owner: setup.repo.owner, repo: setup.repo.name, sha, state, context })
      .then(
        () => true,
        (error: Error) => {
          this.stage.trace(`  the ${context} status on ${sha.slice(0, 10)} met a fault: ${error.message}`);
          return false;
        },
      );
  }
}
