import { STATUS_TEXT } from '@release-guard/core';
import type { WebhookDelivery } from '@release-guard/testkit';
import type { ActionResult } from '../src/api.js';
import { Epochs } from './epochs.js';
import { QueueOracle } from './queue-oracle.js';
import type { Setup } from './setup.js';
import { dispatchedShaOf, mergeShaOf, type Standing } from './standing.js';
import type { SoakReport } from './types.js';

/**
 * The oracle: judges one lifecycle by what stands on its emulated GitHub and registry (read through
 * `Standing`: statuses on the live head, merges and dispatches sent, runs, comments, reviews) and by who
 * may approve and release as its set-up says, never by the harness's account of what it did. It is told
 * when a burst of runs starts and ends, what each run returned, and the moments whose state it must read
 * then: a close, a reopen, a merge by hand. Findings go to the report as violations or stuck pull requests.
 */

/** What stood before a burst of runs, to judge what the burst sent. */
export interface Mark {
  requests: number;
  faults: number;
  records: number;
}

export class Oracle {
  private readonly epochs: Epochs;
  /** Whether the last merge by hand was of a SHA that the guard could not have merged. */
  private bypassed = false;
  private seenDuplicates = 0;
  private seenAgain = 0;
  /** Statuses of each head judged so far by `checkNoOtherVerdict`. */
  private readonly judgedStatuses = new Map<string, number>();
  /** The merge queue's checks, where main requires it. */
  private readonly queue: QueueOracle | undefined;

  constructor(
    private readonly standing: Standing,
    private readonly setup: Setup,
    private readonly report: SoakReport,
  ) {
    this.epochs = new Epochs(standing);
    if (setup.queue && report.queue) {
      this.queue = new QueueOracle(
        standing,
        setup,
        report,
        report.queue,
        (sha) => this.unreleased(sha),
        (sha) => this.approved(sha, 0),
        (message) => this.violation(message),
      );
    }
  }

  mark(): Mark {
    return {
      requests: this.standing.requests().length,
      faults: this.standing.firedFaults(),
      records: this.standing.records().length,
    };
  }

  /** After a burst of `copies` runs on `event`: what they sent, and the records they left. */
  judgeBurst(mark: Mark, event: WebhookDelivery, copies: number): void {
    const faulted = this.standing.firedFaults() > mark.faults;
    this.countRequests(mark.requests, faulted);
    this.checkRecords(mark.records, event);
    this.queue?.judgeBurst(event, copies, faulted);
  }

  /** What one run of the action on `event` returned. */
  judgeRun(event: WebhookDelivery, result: ActionResult): void {
    if (this.standing.foreignSuccess(event)) {
      // The expected failure of the step: the alert that a run the guard did not start succeeded.
      if (result.failures.some((f) => f.includes('that the guard did not start succeeded')))
        this.report.foreignRunAlerts++;
      else this.violation(`the delivered success of a run the guard did not start was not alerted`);
    }
    for (const { number, result: r } of result.pullRequests) {
      if (number !== this.setup.number || r.snapshot.phase !== 'closed') continue;
      this.epochs.sawClosed();
      // A close read when GitHub shows the pull request open again is stale: it must not close the snapshot.
      if (this.standing.pullRequest().state === 'open') {
        this.violation(`a ${event.name} run left the snapshot closed while GitHub shows the pull request open`);
      }
    }
  }

  /** After each delivery: the status standing on the head. */
  judgeDelivery(): void {
    this.checkHonestStatus();
    this.checkNoOtherVerdict();
    this.queue?.judgeDelivery();
  }

  /** The pull request was just closed: its epoch ends once a run of the guard sees it. */
  closed(): void {
    this.epochs.closed();
  }

  /** The pull request was just reopened: a new epoch, if a run of the guard saw it closed. */
  reopened(): void {
    this.epochs.reopened();
  }

  /** A releaser just merged the pull request by hand: whether the guard was bypassed, as GitHub stands now. */
  mergedByHand(): void {
    this.bypassed = this.unreleased(this.standing.pullRequest().head.sha) !== undefined;
  }

  /** After the lifecycle's clean sweep. */
  judgeEnd(): void {
    this.checkStuck();
    this.checkMerges();
  }

  /** Merge requests and dispatches the runs sent, judged against what was true when they sent them. */
  private countRequests(from: number, faulted: boolean): void {
    for (const request of this.standing.requests().slice(from)) {
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
          const why = this.standing.approvedBy(sha, 0, this.setup.releasers)
            ? 'approved by the releaser alone'
            : 'no standing approval by an authorized reviewer';
          this.violation(`a release dispatched for ${sha.slice(0, 10)}: ${why}`);
        }
      }
    }
    // Live or successful runs of the guard per SHA, within an epoch and across epochs; a success without
    // the image failed its release, and a new approval releases again (not a duplicate).
    const releasing = this.standing
      .guardRuns()
      .filter((r) => r.status !== 'completed' || (r.conclusion === 'success' && this.standing.verified(r)));
    const { duplicates, again } = this.epochs.excess(releasing);
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
    if (again > this.seenAgain) {
      this.report.releasesAgainAfterReopen += again - this.seenAgain;
      this.seenAgain = again;
    }
  }

  /**
   * Why `sha` may not be merged now, or undefined when GitHub shows it approved by an authorized reviewer
   * (a standing review of that commit; not a releaser's own with forbid-self-approval), released by a
   * successful run of the guard, and its image pushed. This is the safety bar: the guard may be stricter
   * (a reopened pull request needs a new approval and release) but never laxer.
   */
  private unreleased(sha: string): string | undefined {
    if (!this.approved(sha, 0)) {
      return this.setup.forbidSelfApproval
        ? 'no standing authorized approval (the releaser excluded)'
        : 'no standing authorized approval';
    }
    if (!this.standing.releasedSince(sha, 0)) return 'no successful release run';
    if (!this.standing.imagePushed()) return `its image ${this.setup.version} was never pushed`;
    return undefined;
  }

  /**
   * Whether an authorized approval of `sha` newer than review `floor` stands: by an approver, or with
   * forbid-self-approval by an approver who is not a releaser (the releasers were assigned when the pull
   * request was opened, whatever the assignees are now).
   */
  private approved(sha: string, floor: number): boolean {
    const { approvers, releasers, forbidSelfApproval } = this.setup;
    const authorized = forbidSelfApproval ? approvers.filter((a) => !releasers.includes(a)) : approvers;
    return this.standing.approvedBy(sha, floor, authorized);
  }

  /** The guard's `release` status says success only for a head that was approved, released and verified. */
  private checkHonestStatus(): void {
    const pr = this.standing.pullRequest();
    if (pr.state !== 'open') return;
    const status = this.standing.releaseStatuses(pr.head.sha).at(-1);
    if (status?.state !== 'success') return;
    const problem = this.unreleased(pr.head.sha);
    if (problem) this.violation(`release status success on ${pr.head.sha.slice(0, 10)}: ${problem}`);
  }

  /**
   * No verdict of another pull request ("release not required", a fork's failure) is written on the head of
   * the release pull request while it is open: statuses belong to the commit, so it would stand for it.
   */
  private checkNoOtherVerdict(): void {
    const pr = this.standing.pullRequest();
    const statuses = this.standing.releaseStatuses(pr.head.sha);
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

  /**
   * While a record of the guard stands, no run writes a second one: no flood of comments hides it. (Runs
   * that race where none stands may each write one; they are counted, not judged.)
   */
  private checkRecords(before: number, event: WebhookDelivery): void {
    const after = this.standing.records().length;
    if (before > 0 && after > before) {
      this.violation(`a ${event.name} run wrote a second timeline record while one stood (${after} now)`);
    } else if (before === 0 && after > 1) {
      this.report.racingRecords += after - 1;
    }
  }

  private checkMerges(): void {
    const merges = this.standing.requests().filter((r) => mergeShaOf(r) !== undefined && r.status === 200);
    if (merges.length > 1) {
      this.report.doubleMerges++;
      this.violation(`merged ${merges.length} times`);
    }
    const pr = this.standing.pullRequest();
    if (pr.merged && this.setup.releasers.includes(pr.mergedBy?.login ?? '') && this.bypassed) {
      const alerted = this.standing.guardComments().some((c) => c.body.includes('the guard was bypassed'));
      if (!alerted) this.violation('a merge that bypassed the guard was not reported');
    }
  }

  /** After one clean sweep, nothing that should have happened is still waiting. */
  private checkStuck(): void {
    const pr = this.standing.pullRequest();
    const stuck = (why: string) => {
      this.report.stuckAfterSweep.push(`seed ${this.setup.seed}, ${this.setup.full}#${this.setup.number}: ${why}`);
    };
    this.queue?.judgeEnd(stuck);
    if (pr.state !== 'open') return;
    const status = this.standing.releaseStatuses(pr.head.sha).at(-1);
    const approved = this.approved(pr.head.sha, this.epochs.reviewFloor);
    if (!status) stuck('no release status on the head');
    else if (this.standing.guardRecords().length === 0) stuck('no timeline record');
    else if (
      approved &&
      this.standing.releasedSince(pr.head.sha, this.epochs.runFloor) &&
      this.standing.imagePushed() &&
      // The guard said that the head left the merge queue too often: a RETRY or a new approval enqueues it.
      !this.queue?.alertedExits(pr.head.sha)
    )
      stuck('approved, released and verified in this epoch, but not merged');
    else if (
      approved &&
      // A live run of the head, of this epoch or an earlier one, is the release the guard follows.
      !this.standing
        .guardRuns()
        .some((r) => r.headSha === pr.head.sha && (r.id > this.epochs.runFloor || r.status !== 'completed')) &&
      // An earlier epoch's live or successful run of this SHA is taken for the release (never releasing
      // twice); when it fails, or its artifact is missing, the guard fails the release and says why on the
      // head, and a re-run or the next approval releases again: stuck is a head left pending.
      status.state !== 'failure'
    )
      stuck('approved, but no release was started');
  }

  private violation(message: string): void {
    this.report.invariantViolations.push(
      `seed ${this.setup.seed}, ${this.setup.full}#${this.setup.number}: ${message}`,
    );
  }
}
