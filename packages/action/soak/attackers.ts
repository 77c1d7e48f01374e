import { type HeadRef, pullRequestEvent } from '@release-guard/testkit';
import { MALLORY, OUTSIDER, RELEASER, runTitle, WORKFLOW } from './setup.js';
import type { Stage } from './stage.js';
import type { Attack, AttackStep, SoakReport } from './types.js';

/**
 * The attackers of SECURITY.md's threat model, each a step of its own: what each does on GitHub before its
 * event is delivered (what each must not achieve is listed at `Attack`). The report counts every attack,
 * and the lifecycle's summary line lists them.
 */

export class Attackers {
  /** The attacks of this lifecycle, in order, for its summary line. */
  readonly made: Attack[] = [];
  /** Attackers so far that needed a name of their own (a branch). */
  private count = 0;

  constructor(
    private readonly stage: Stage,
    private readonly report: SoakReport,
  ) {}

  /** The attack steps to draw from (un-assigning only where forbid-self-approval makes it an attack). */
  choices(): AttackStep[] {
    const attacks: AttackStep[] = ['shared-head', 'foreign-run', 'review-flood', 'comment-flood', 'tamper-record'];
    if (this.stage.setup.forbidSelfApproval) attacks.push('unassign', 'unassign', 'unassign');
    return attacks;
  }

  async play(step: AttackStep): Promise<void> {
    const { setup, github, standing, random, pr, deliver } = this.stage;
    const { full, number } = setup;
    switch (step) {
      case 'shared-head': {
        const k = ++this.count;
        if (random.chance(0.3)) {
          // A fork's pull request on the release branch's name, at the release head, under pull_request_target.
          const fork = { owner: OUTSIDER, name: setup.repo.name };
          const head = { ref: pr.head.ref, sha: pr.head.sha };
          const other = github.openPullRequest(full, {
            head: { ...head, repo: `${fork.owner}/${fork.name}` },
            user: OUTSIDER,
          });
          this.attack('sharedHead', `fork #${other} on ${head.ref} at ${head.sha.slice(0, 10)} (pull_request_target)`);
          const event = this.opened(other, { ...head, repo: fork }, OUTSIDER);
          return deliver({ ...event, name: 'pull_request_target' });
        }
        const head = { ref: `feature/copy-${k}`, sha: pr.head.sha };
        const other = github.openPullRequest(full, { head, user: MALLORY });
        this.attack('sharedHead', `#${other} from ${head.ref} at ${head.sha.slice(0, 10)}`);
        return deliver(this.opened(other, head, MALLORY));
      }
      case 'foreign-run': {
        const k = ++this.count;
        const event = random.pick(['pull_request', 'push'] as const);
        const headBranch = event === 'push' && random.chance(0.3) ? pr.head.ref : `${MALLORY}/ci-${k}`;
        const title = random.chance(0.5) ? runTitle(pr.head.sha) : 'release';
        const run = github.startRun(full, {
          workflow: WORKFLOW,
          headSha: pr.head.sha,
          headBranch,
          event,
          actor: MALLORY,
          title,
        });
        github.updateRun(full, run.id, { status: 'completed', conclusion: 'success' });
        this.attack('foreignRuns', `run ${run.id} (${event} on ${headBranch}, "${title.slice(0, 24)}") succeeded`);
        return deliver(pr.runCompleted(run, headBranch, 'success'));
      }
      case 'review-flood': {
        const count = random.int(100, 130);
        let id = 0;
        for (let i = 0; i < count; i++) {
          id = github.submitReview(full, number, { user: OUTSIDER, state: 'COMMENTED', body: `nit ${i}` });
        }
        this.attack('reviewFloods', `${count} comment-only reviews by ${OUTSIDER}`);
        return deliver(pr.review('submitted', id, OUTSIDER, 'commented'));
      }
      case 'comment-flood': {
        const count = random.int(100, 130);
        for (let i = 0; i < count; i++) {
          github.addComment(full, number, { user: MALLORY, body: `noise ${i}` });
        }
        this.attack('commentFloods', `${count} comments by ${MALLORY}`);
        return this.redeliverApproval();
      }
      case 'unassign': {
        github.setAssignees(full, number, []);
        const id = github.submitReview(full, number, { user: RELEASER, state: 'APPROVED' });
        this.attack('unassigned', `the releaser un-assigned themself and approved ${pr.head.sha.slice(0, 10)}`);
        return deliver(pr.review('submitted', id, RELEASER, 'approved'));
      }
      case 'tamper-record': {
        const record = standing.guardRecords()[0];
        if (!record) return;
        const how = random.pick(['deleted', 'edited', 'forged'] as const);
        if (how === 'deleted') github.deleteComment(full, record.id);
        else github.editComment(full, record.id, how === 'edited' ? 'nothing to see' : forged(record.body), MALLORY);
        this.attack('recordTampered', `the record ${how} by ${MALLORY}`);
        return this.redeliverApproval();
      }
    }
  }

  private attack(kind: Attack, detail: string): void {
    this.report.attacks[kind]++;
    this.made.push(kind);
    this.stage.trace(`  attack ${kind}: ${detail}`);
  }

  /** The opening of another pull request, `number`, at `head`, by `user`. */
  private opened(number: number, head: HeadRef, user: string) {
    return pullRequestEvent('opened', { repo: this.stage.setup.repo, number, head, user });
  }

  /** A redelivery of a standing approval of the head (as GitHub redelivers), or a sweep when none stands. */
  private redeliverApproval(): Promise<void> {
    const { standing, pr, deliver } = this.stage;
    const review = standing
      .pullRequest()
      .reviews.filter((r) => r.state === 'APPROVED' && r.commitId === pr.head.sha)
      .at(-1);
    if (!review) return deliver(pr.sweep());
    return deliver(pr.review('submitted', review.id, review.user.login, 'approved'));
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
