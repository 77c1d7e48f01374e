import type { WebhookDelivery } from '@release-guard/testkit';
import { isReleaseSha, type Setup } from './setup.js';
import type { Standing } from './standing.js';
import type { QueueFigures, SoakReport } from './types.js';

/**
 * The oracle of the merge queue (a soak with `queue`): judges what stands on GitHub and what the queue
 * did, as the emulator's deliveries tell it the moment they happen (an entry, an exit, a group built, a
 * merge), against the request log's order (which request came before which delivery):
 * - a queue merge is a merge: of a head not approved, released and verified, it is a violation, unless
 *   the guard's `success` on its group was honest when written and the approval was withdrawn since;
 *   the release head merged through the group of another pull request is one too;
 * - the guard's `success` on a group stands only for a release cleared at exactly its head (the pull
 *   request's head now), or for a pull request that is not a release and does not carry a release head;
 * - the guard never enqueues the release while it stands queued (in a delivery run once, with no fault),
 *   and makes at most three entries per head and approval;
 * - after a dismissal or a sweep run once with no fault, an entry the guard made of a head whose last
 *   approval was withdrawn no longer stands; after the end's sweep, no entry stands.
 */

/** What a delivery of the queue told, and when: `at` is the request log's length then. */
interface Told {
  action: 'enqueued' | 'dequeued' | 'merged';
  number: number;
  at: number;
}

interface Group {
  number: number;
  prHeadSha: string;
  /** The guard's `release` statuses on the group's commit judged so far, and whether a `success` was honest. */
  judged: number;
  honest: boolean;
}

export class QueueOracle {
  private readonly told: Told[] = [];
  private readonly groups = new Map<string, Group>();
  /** Guard entries per head and the latest approval of it when each was made. */
  private readonly entries = new Map<string, number>();
  private scanned = 0;

  constructor(
    private readonly standing: Standing,
    private readonly setup: Setup,
    private readonly report: SoakReport,
    private readonly figures: QueueFigures,
    /** Why `sha` may not be merged now (the oracle's safety bar), and whether an authorized approval of it stands. */
    private readonly unreleased: (sha: string) => string | undefined,
    private readonly approved: (sha: string) => boolean,
    private readonly violation: (message: string) => void,
  ) {
    standing.onDelivery((delivery) => this.heard(delivery));
  }

  /** After a burst of `copies` runs on `event` (`faulted`: a fault fired): the enqueues it sent, an entry left standing. */
  judgeBurst(event: WebhookDelivery, copies: number, faulted: boolean): void {
    const requests = this.standing.log();
    const alone = copies === 1 && !faulted;
    for (let i = this.scanned; i < requests.length; i++) {
      const request = requests[i];
      if (request?.caller !== this.setup.merger) continue;
      if (request.operation === 'graphql:dequeuePullRequest') this.figures.dequeueRequests++;
      if (request.operation !== 'graphql:enqueuePullRequest') continue;
      this.figures.enqueueRequests++;
      if (!this.queuedBefore(i)) continue;
      this.figures.enqueuesWhileQueued++;
      if (alone) this.violation(`a ${event.name} run enqueued the pull request while it stood in the queue`);
    }
    this.scanned = requests.length;
    const withdrawal =
      event.name === 'schedule' || (event.name === 'pull_request_review' && event.payload.action === 'dismissed');
    const entry = this.standing.queueEntry();
    const pr = this.standing.pullRequest();
    if (alone && withdrawal && entry?.enqueuer.login === this.setup.merger && !this.approved(pr.head.sha)) {
      this.violation(
        `still queued after a ${event.name} run, the last approval of ${pr.head.sha.slice(0, 10)} withdrawn`,
      );
    }
  }

  /** After each delivery: the guard's statuses on merge groups. */
  judgeDelivery(): void {
    const pr = this.standing.pullRequest();
    for (const [sha, group] of this.groups) {
      const statuses = this.standing.releaseStatuses(sha);
      for (const status of statuses.slice(group.judged)) {
        if (status.state !== 'success') continue;
        const problem = this.groupProblem(sha, group, pr);
        if (problem) this.violation(`success on the merge group ${sha.slice(0, 10)} of #${group.number}: ${problem}`);
        else group.honest = true;
      }
      group.judged = statuses.length;
    }
  }

  /** After the end's sweep: nothing left queued, and the figures of the lifecycle's groups. */
  judgeEnd(stuck: (why: string) => void): void {
    const entry = this.standing.queueEntry();
    const pr = this.standing.pullRequest();
    if (entry) {
      stuck(`still in the merge queue after the sweep (enqueued by ${entry.enqueuer.login})`);
      if (entry.enqueuer.login === this.setup.merger && !this.approved(pr.head.sha))
        this.violation('still queued by the guard after the sweep, its last approval withdrawn');
    }
    for (const sha of this.groups.keys()) {
      const statuses = this.standing.releaseStatuses(sha);
      this.figures.groups++;
      if (statuses.length > 0) this.figures.groupsJudged++;
      if (statuses.some((s) => s.state === 'failure')) this.figures.groupsFailed++;
    }
    this.figures.exitAlerts += this.standing.guardComments().filter((c) => c.body.includes(EXIT_ALERT)).length;
  }

  /** Whether the guard alerted that the head left the queue too often, since its latest approval. */
  alertedExits(sha: string): boolean {
    const approvals = this.standing
      .pullRequest()
      .reviews.filter((r) => r.commitId === sha && r.state === 'APPROVED')
      .map((r) => r.submittedAt);
    const since = approvals.sort().at(-1) ?? '';
    return this.standing.guardComments().some((c) => c.body.includes(EXIT_ALERT) && c.createdAt >= since);
  }

  /** Why the guard's `success` on `group` is not honest now, if it is not. */
  private groupProblem(sha: string, group: Group, pr: ReturnType<Standing['pullRequest']>): string | undefined {
    if (group.number !== this.setup.number) {
      // Another pull request at the open release's head: the release's verdict governs that commit. (One at
      // a commit the release branch has moved on from is an ordinary pull request to the guard.)
      if (pr.state !== 'open' || group.prHeadSha !== pr.head.sha) return undefined;
      const problem = this.unreleased(group.prHeadSha);
      return problem && `its head is the release head ${group.prHeadSha.slice(0, 10)}: ${problem}`;
    }
    // Where nothing else is required, the queue merged the group the moment the guard's success stood.
    const mergedByIt = pr.merged && pr.mergeCommitSha === sha;
    if (pr.state !== 'open' && !mergedByIt) return 'the release pull request is closed';
    if (group.prHeadSha !== pr.head.sha) return `its head ${group.prHeadSha.slice(0, 10)} is not the head now`;
    return this.unreleased(group.prHeadSha);
  }

  /** A delivery of the queue, the moment the emulator makes it. */
  private heard(delivery: WebhookDelivery): void {
    const at = this.standing.log().length;
    const payload = delivery.payload as {
      action?: string;
      reason?: string;
      number?: number;
      sender?: { login?: string };
      pull_request?: { number?: number; merged?: boolean; head?: { sha?: string } };
      merge_group?: { head_sha?: string; head_ref?: string; head_commit?: unknown };
    };
    if (delivery.name === 'merge_group') {
      const sha = payload.merge_group?.head_sha ?? '';
      const match = /\/pr-(\d+)-([0-9a-f]+)$/.exec(payload.merge_group?.head_ref ?? '');
      if (payload.action === 'checks_requested' && match && !this.groups.has(sha)) {
        this.groups.set(sha, { number: Number(match[1]), prHeadSha: match[2] ?? '', judged: 0, honest: false });
      }
      return;
    }
    const number = payload.pull_request?.number ?? payload.number ?? 0;
    const sha = payload.pull_request?.head?.sha ?? '';
    const sender = payload.sender?.login;
    if (payload.action === 'enqueued') {
      this.told.push({ action: 'enqueued', number, at });
      if (number === this.setup.number && sender === this.setup.merger) this.guardEntry(sha);
    } else if (payload.action === 'dequeued') {
      this.told.push({ action: 'dequeued', number, at });
      const reason = payload.reason ?? 'unknown';
      if (number === this.setup.number && reason !== 'MERGE')
        this.figures.ejections[reason] = (this.figures.ejections[reason] ?? 0) + 1;
    } else if (payload.action === 'closed' && payload.pull_request?.merged) {
      this.told.push({ action: 'merged', number, at });
      this.queueMerge(number, sha);
    }
  }

  /** The guard made an entry of `sha`: at most three per head and approval. */
  private guardEntry(sha: string): void {
    this.figures.guardEntries++;
    const approval = Math.max(
      0,
      ...this.standing
        .pullRequest()
        .reviews.filter((r) => r.commitId === sha && (r.state === 'APPROVED' || r.state === 'DISMISSED'))
        .map((r) => r.id),
    );
    const key = `${sha}:${approval}`;
    const count = (this.entries.get(key) ?? 0) + 1;
    this.entries.set(key, count);
    if (count > 3) this.violation(`the guard enqueued ${sha.slice(0, 10)} ${count} times with no new approval`);
  }

  /** The queue merged pull request `number` at `sha`, just now. */
  private queueMerge(number: number, sha: string): void {
    const problem = this.unreleased(sha);
    if (number === this.setup.number) this.figures.queueMerges++;
    else if (isReleaseSha(this.setup.n, sha)) {
      this.figures.releaseCommitsMergedElsewhere++;
      if (sha !== this.standing.pullRequest().head.sha) return;
    } else return;
    if (!problem) return;
    const group = [...this.groups.values()].find((g) => g.number === number && g.prHeadSha === sha);
    if (number === this.setup.number && group?.honest) {
      // Cleared when the guard judged its group; its approval withdrawn since, the news not yet heard.
      this.figures.mergedAfterWithdrawal++;
      return;
    }
    this.figures.unreleasedQueueMerges++;
    this.report.unreleasedMerges++;
    this.violation(`the queue merged #${number} at ${sha.slice(0, 10)}, a release head: ${problem}`);
  }

  /** Whether the release pull request stood in the queue just before request `i`. */
  private queuedBefore(i: number): boolean {
    let queued = false;
    for (const told of this.told) {
      if (told.at > i) break;
      if (told.number === this.setup.number) queued = told.action === 'enqueued';
    }
    return queued;
  }
}

/** What the guard's alert says of a pull request that left the queue too often. */
const EXIT_ALERT = 'it is not enqueued again';
