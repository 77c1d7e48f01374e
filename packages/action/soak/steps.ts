import type { Octokit } from '@release-guard/github-adapter';
import type { RegistryControl } from '@release-guard/testkit';
import type { Attackers } from './attackers.js';
import type { Oracle } from './oracle.js';
import type { MergeQueue } from './queue.js';
import { MAINTAINER, OUTSIDER, RELEASER } from './setup.js';
import type { Stage } from './stage.js';
import type { ScriptedStep, Step } from './types.js';

/**
 * A lifecycle's steps: which one comes next (drawn from what GitHub shows, or read from a script), and what
 * the honest ones do on GitHub (approvals, dismissals, pushes, release outcomes, a merge by hand, close,
 * reopen, a sweep) before their event is delivered. The attacks are played by `Attackers`, the merge
 * queue's steps and attacks (where main requires it) by `MergeQueue`.
 */

/** Share of steps that are an attack. */
const ATTACK_SHARE = 0.2;

export class Steps {
  constructor(
    private readonly stage: Stage,
    private readonly registry: RegistryControl,
    /** The releaser's client, for merges by hand. */
    private readonly human: Octokit,
    private readonly oracle: Oracle,
    private readonly attackers: Attackers,
    /** The step of the script being played, when a script is. */
    private readonly scripted: (() => ScriptedStep | undefined) | undefined,
    /** Main's merge queue, when it requires one. */
    private readonly queue: MergeQueue | undefined,
  ) {}

  /** The next step, drawn from those that make sense on GitHub now. */
  choose(): Step {
    const { standing, random } = this.stage;
    const pr = standing.pullRequest();
    if (pr.merged) return 'sweep';
    if (pr.state === 'closed') return random.pick(['reopen', 'reopen', 'sweep']);
    if (random.chance(ATTACK_SHARE)) {
      return random.pick(
        this.queue ? [...this.attackers.choices(), ...this.queue.attacks()] : this.attackers.choices(),
      );
    }
    const live = standing.liveRun(this.stage.pr.head.sha);
    const choices: Step[] = ['approve', 'approve', 'approve-unauthorized', 'dismiss', 'push', 'close', 'sweep'];
    if (live)
      choices.push(
        'release-succeeds',
        'release-succeeds',
        'release-succeeds',
        'release-succeeds-without-image',
        'release-fails',
      );
    if (random.chance(0.15)) choices.push('human-merge');
    if (this.queue) choices.push(...this.queue.choices());
    return random.pick(choices);
  }

  async play(step: Step): Promise<void> {
    const { setup, github, standing, random, pr, deliver } = this.stage;
    this.stage.trace(`step ${step} (head ${pr.head.sha.slice(0, 10)})`);
    switch (step) {
      case 'approve':
      case 'approve-unauthorized': {
        const user =
          step === 'approve'
            ? this.scripted
              ? (this.scripted()?.user ?? MAINTAINER)
              : random.pick([RELEASER, MAINTAINER])
            : OUTSIDER;
        const id = github.submitReview(setup.full, setup.number, { user, state: 'APPROVED' });
        return deliver(pr.review('submitted', id, user, 'approved'));
      }
      case 'dismiss': {
        const approvals = standing.pullRequest().reviews.filter((r) => r.state === 'APPROVED');
        if (approvals.length === 0) return;
        const review = random.pick(approvals);
        this.queue?.dismissing();
        github.dismissReview(setup.full, setup.number, review.id);
        return deliver(pr.review('dismissed', review.id, review.user.login, 'dismissed'));
      }
      case 'push': {
        const queued = this.queue?.queued() ?? false;
        pr.nextCommit();
        github.pushHead(setup.full, setup.number, pr.head.sha);
        await this.queue?.pushed(queued);
        return deliver(pr.event('synchronize'));
      }
      case 'release-succeeds':
      case 'release-succeeds-without-image':
      case 'release-fails': {
        const live = standing.liveRun(pr.head.sha);
        if (!live) return;
        // With a lying registry, no image is ever pushed: every merge the guard makes is then of an unverified SHA.
        if (step === 'release-succeeds' && !setup.lyingRegistry)
          await this.registry.pushImage(setup.image, setup.version);
        const conclusion = step === 'release-fails' ? 'failure' : 'success';
        github.updateRun(setup.full, live.id, { status: 'completed', conclusion });
        return deliver(pr.runCompleted(live, pr.head.ref, conclusion));
      }
      case 'human-merge': {
        const merged = await this.human.rest.pulls
          .merge({ owner: setup.repo.owner, repo: setup.repo.name, pull_number: setup.number, sha: pr.head.sha })
          .then(
            () => true,
            () => false,
          );
        if (!merged) return;
        this.oracle.mergedByHand();
        return deliver(pr.event('closed', { merged: true, mergedBy: RELEASER }));
      }
      case 'close':
        github.closePullRequest(setup.full, setup.number);
        this.oracle.closed();
        return deliver(pr.event('closed', { merged: false }));
      case 'reopen':
        github.reopenPullRequest(setup.full, setup.number);
        this.oracle.reopened();
        return deliver(pr.event('reopened'));
      case 'sweep':
        return deliver(pr.sweep());
      case 'ci-group':
      case 'dequeue':
      case 'enqueue-unreleased':
      case 'enqueue-shared-head':
        return this.queue?.play(step);
      default:
        return this.attackers.play(step);
    }
  }
}
