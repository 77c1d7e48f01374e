/**
 * The model of a pull request's life that the invariants are checked against: computed from the
 * delivered events and the configuration alone, never from the guard's own snapshot.
 */
import type { GuardEvent } from '../events.js';
import { headFactsOf } from '../head-facts.js';
import { normalizeLogin } from '../pull-request.js';
import type { HeadView } from './head-view.js';

/**
 * What the history itself says, independent of the machine's own bookkeeping: the pull request's
 * state and head, the facts of the head (`view`: its version, its changed files), and per epoch which
 * approvals stand, whether a release succeeded and which artifacts were verified. Invariants compare
 * the guard's effects against this model. An approval stands only when it is authorized, not by one of
 * the releasers the pull request was started with, and given while the version can be read. A new head,
 * a reopening, and for a release an edit that changes its version, start a new epoch.
 */
export class HistoryModel {
  state: 'open' | 'closed' | 'merged' = 'open';
  head: string;
  epoch = 1;
  readonly seenReviews = new Set<string>();
  approvals = new Map<string, string>();
  succeeded = false;
  verified = new Set<string>();
  /** SHAs that were at some point approved, released and verified. */
  readonly cleared = new Set<string>();
  /** A MERGE effect of this epoch with no recorded outcome yet (still standing while the pull request is queued). */
  outstandingMerge: string | undefined;
  /** The guard's merge of the head entered the merge queue (`ENQUEUED` answered it) and has not left it. */
  queued = false;
  /** The MERGE effects via the merge queue of this epoch, but those GitHub refused (they made no entry). */
  enqueues = 0;
  /** The outstanding merge goes through the merge queue. */
  outstandingEnqueue = false;
  startsSinceFailure = 0;

  constructor(
    head: string,
    readonly required: readonly string[],
    /** The releasers the guard was started with, as `normalizeLogin` spells them. */
    readonly releasers: ReadonlySet<string>,
    /** The facts of the head. */
    public view: HeadView,
    /** Whether the pull request is a release by its branch (then its version matters). */
    readonly release: boolean,
    /** Whether the guard was told the base branch requires a merge queue: its merges must go through it. */
    readonly mergeQueue = false,
  ) {
    this.head = head;
  }

  newEpoch(sha: string): void {
    this.head = sha;
    this.epoch++;
    this.approvals = new Map();
    this.succeeded = false;
    this.verified = new Set();
    this.outstandingMerge = undefined;
    this.queued = false;
    this.enqueues = 0;
    this.startsSinceFailure = 0;
  }

  clone(): HistoryModel {
    const copy = Object.create(HistoryModel.prototype) as HistoryModel;
    return Object.assign(copy, this, {
      seenReviews: new Set(this.seenReviews),
      approvals: new Map(this.approvals),
      verified: new Set(this.verified),
      cleared: new Set(this.cleared),
      view: this.view.clone(),
    });
  }

  isCleared(sha: string): boolean {
    return (
      this.state === 'open' &&
      sha === this.head &&
      this.approvals.size > 0 &&
      this.succeeded &&
      this.required.every((name) => this.verified.has(name))
    );
  }

  /** Applies an event; returns whether it started a new epoch. */
  apply(event: GuardEvent): boolean {
    const forHead = 'sha' in event && event.sha === this.head;
    if (this.state === 'closed') {
      // A merge seen while closed means the reopening was not delivered: it is final all the same.
      if (event.type === 'MERGED') this.state = 'merged';
      if (event.type !== 'REOPENED') return false;
      this.state = 'open';
      if (event.sha === this.head) this.view.edit(headFactsOf(event));
      else this.view.moveTo(headFactsOf(event));
      this.newEpoch(event.sha);
      return true;
    }
    if (this.state === 'merged') return false;
    let epochStarted = false;
    switch (event.type) {
      case 'HEAD_CHANGED': {
        if (event.sha !== this.head) {
          this.view.moveTo(headFactsOf(event));
          this.newEpoch(event.sha);
          epochStarted = true;
          break;
        }
        const covered = this.view.versionKey();
        this.view.edit(headFactsOf(event));
        if (this.release && this.view.versionKey() !== covered) {
          this.newEpoch(event.sha);
          epochStarted = true;
        }
        break;
      }
      case 'APPROVED': {
        const id = String(event.reviewId);
        const byReleaser = this.releasers.has(normalizeLogin(event.reviewer));
        const readable = !this.release || this.view.version() !== undefined;
        if (!this.seenReviews.has(id) && event.authorized && !byReleaser && forHead && readable)
          this.approvals.set(id, event.sha);
        this.seenReviews.add(id);
        break;
      }
      case 'APPROVAL_DISMISSED':
        this.approvals.delete(String(event.reviewId));
        this.startsSinceFailure = 0;
        break;
      case 'RELEASE_SUCCEEDED':
        if (forHead) this.succeeded = true;
        break;
      case 'ARTIFACT_VERIFIED':
        if (forHead) this.verified.add(event.name);
        break;
      case 'RELEASE_FAILED':
      case 'ARTIFACT_MISSING':
      case 'TIMED_OUT':
        if (forHead) this.startsSinceFailure = 0;
        break;
      case 'MERGE_REJECTED':
        // A refusal for the merge queue is no answer to an enqueue, or while the pull request stands queued.
        if (forHead && !(event.reason === 'merge-queue' && (this.queued || this.mergeQueue))) {
          if (this.outstandingMerge !== undefined && this.outstandingEnqueue && !this.queued) this.enqueues--;
          this.outstandingMerge = undefined;
        }
        break;
      case 'ENQUEUED':
        if (forHead && this.outstandingMerge === event.sha && this.isCleared(event.sha)) this.queued = true;
        break;
      case 'DEQUEUED':
        if (forHead) {
          this.outstandingMerge = undefined;
          this.queued = false;
        }
        break;
      case 'MERGED':
        this.state = 'merged';
        this.queued = false;
        break;
      case 'CLOSED':
        this.state = 'closed';
        this.queued = false;
        break;
      default:
        break;
    }
    if (this.isCleared(this.head)) this.cleared.add(this.head);
    return epochStarted;
  }
}
