/** GitHub's merge queue in a true history: what it does with the guard's merges, and what it reports. */
import type { Effect } from '../effects.js';
import type { GuardEvent } from '../events.js';
import { groupShaOf } from './arbitraries.js';

/** A possible next event, and how often it is drawn against the others. */
export interface WorldAction {
  weight: number;
  event: (pick: number) => GuardEvent;
}

/** The login GitHub's merge queue merges as. */
export const MERGE_QUEUE_BOT = 'github-merge-queue[bot]';

/**
 * A base branch that requires a merge queue: a direct merge is refused (`merge-queue`); an enqueue of the
 * head enters the queue (`ENQUEUED`); a queued head gets a merge group (`MERGE_GROUP`), which the queue
 * merges once the guard's status on it is `success` (`MERGED` by `github-merge-queue[bot]`) and ejects
 * otherwise (`DEQUEUED`); a queued pull request is now and then ejected (a conflict), taken out when the
 * guard asks (`DEQUEUE`) and when its head moves.
 */
export class MergeQueueWorld {
  /** The head standing in the queue. */
  private queued: string | undefined;
  /** The merge group of the queued head, and the guard's verdict on it once written. */
  private group: { sha: string; groupSha: string; verdict?: 'success' | 'failure' } | undefined;
  private groups = 0;
  /** Exits of the queue that GitHub has yet to report. */
  private readonly exits: GuardEvent[] = [];

  /** The answer to the guard's merge of `sha` (`via` the queue or not) while `head` is the head. */
  answer(effect: { sha: string; via: 'merge' | 'queue' }, head: string, pick: number): GuardEvent {
    const { sha } = effect;
    if (sha !== head) return { type: 'MERGE_REJECTED', sha, reason: 'head-changed', message: 'refused' };
    if (effect.via === 'merge') {
      return {
        type: 'MERGE_REJECTED',
        sha,
        reason: 'merge-queue',
        message: 'Changes must be made through the merge queue',
      };
    }
    return pick % 5 === 0
      ? { type: 'MERGE_REJECTED', sha, reason: 'not-mergeable', message: 'refused' }
      : { type: 'ENQUEUED', sha };
  }

  /** What the queue may report next while the pull request is open at `head`. */
  actions(head: string): WorldAction[] {
    const actions: WorldAction[] = [];
    const exit = this.exits[0];
    if (exit) actions.push({ weight: 6, event: () => exit });
    const { queued, group } = this;
    if (queued !== head) return actions;
    if (!group) {
      actions.push({
        weight: 8,
        event: () => ({ type: 'MERGE_GROUP', sha: head, groupSha: groupShaOf(this.groups + 1) }),
      });
      actions.push({ weight: 1, event: () => ({ type: 'DEQUEUED', sha: head, reason: 'a merge conflict' }) });
    } else if (group.verdict === 'success') {
      actions.push({ weight: 8, event: () => ({ type: 'MERGED', sha: group.sha, by: MERGE_QUEUE_BOT }) });
    } else if (group.verdict === 'failure') {
      actions.push({
        weight: 8,
        event: () => ({ type: 'DEQUEUED', sha: group.sha, reason: 'the required check release failed' }),
      });
    }
    return actions;
  }

  /** What an event that happened does to the queue. */
  happened(event: GuardEvent, head: string): void {
    switch (event.type) {
      case 'ENQUEUED':
        this.queued = event.sha;
        break;
      case 'MERGE_GROUP':
        this.groups++;
        this.group = { sha: event.sha, groupSha: event.groupSha };
        break;
      case 'DEQUEUED':
        if (this.exits[0] === event) this.exits.shift();
        else this.leave();
        break;
      case 'HEAD_CHANGED':
        // A push takes the pull request out of the queue, and GitHub reports it.
        if (this.queued !== undefined && event.sha !== head) this.leave('the head changed');
        break;
      case 'MERGED':
      case 'CLOSED':
        this.leave();
        this.exits.length = 0;
        break;
      default:
        break;
    }
  }

  /** What the guard's effects do to the queue: its verdict on the group, its `DEQUEUE`. */
  asked(effect: Effect): void {
    if (effect.type === 'SET_STATUS' && this.group?.groupSha === effect.sha) {
      this.group.verdict = effect.state === 'success' ? 'success' : 'failure';
    }
    if (effect.type === 'DEQUEUE' && this.queued === effect.sha) this.leave('removed by release-guard');
  }

  /** The pull request leaves the queue; with a reason, GitHub is yet to report it. */
  private leave(reason?: string): void {
    if (reason !== undefined && this.queued !== undefined) {
      this.exits.push({ type: 'DEQUEUED', sha: this.queued, reason });
    }
    this.queued = undefined;
    this.group = undefined;
  }
}
