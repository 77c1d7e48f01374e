/**
 * The merge queue part of `GitHubControl`: a ruleset's `merge_queue` rule on a branch, the queue's
 * entries and groups, removals by people, and the webhook deliveries the queue produces.
 */

import type { DequeueReason } from '../../webhooks/pull-request.js';
import type { WebhookDelivery } from '../../webhooks/types.js';
import { dequeue, enqueue, MERGE_QUEUE_DEFAULTS, settle, settleMergeQueues } from '../queue.js';
import type { MergeGroupRecord, MergeQueueEntryRecord, MergeQueueParameters } from '../state.js';
import { ContentControl } from './contents.js';

/** A queue as `control.mergeQueue` shows it. */
export interface MergeQueueView {
  branch: string;
  parameters: MergeQueueParameters;
  /** First entry first, each with its position (1 is next). */
  entries: (MergeQueueEntryRecord & { position: number })[];
  /** The groups built now (the first entry's, if any), with the pull request each merges. */
  groups: (MergeGroupRecord & { number: number })[];
}

export class MergeQueueControl extends ContentControl {
  /**
   * A ruleset with a `merge_queue` rule on `branch`: pull requests into it merge through the queue only.
   * Parameters not given take GitHub's defaults (`MERGE_QUEUE_DEFAULTS`); the ruleset's id is returned.
   */
  requireMergeQueue(repo: string, branch: string, parameters: Partial<MergeQueueParameters> = {}): number {
    const record = this.repo(repo);
    const existing = record.mergeQueues.get(branch);
    const rulesetId = existing?.rulesetId ?? this.state.id();
    record.mergeQueues.set(branch, {
      id: existing?.id ?? this.state.id(),
      branch,
      rulesetId,
      parameters: { ...MERGE_QUEUE_DEFAULTS, ...existing?.parameters, ...parameters },
      entries: existing?.entries ?? [],
    });
    return rulesetId;
  }

  /** Removes the `merge_queue` rule of `branch`; pull requests still queued leave the queue (QUEUE_CLEARED). */
  removeMergeQueue(repo: string, branch: string): void {
    const record = this.repo(repo);
    for (const entry of [...(record.mergeQueues.get(branch)?.entries ?? [])]) {
      this.dequeue(repo, entry.number, 'QUEUE_CLEARED');
    }
    record.mergeQueues.delete(branch);
  }

  /** The queue of `branch`: its entries and the groups built now; undefined when the branch requires none. */
  mergeQueue(repo: string, branch: string): MergeQueueView | undefined {
    const queue = this.repo(repo).mergeQueues.get(branch);
    if (!queue) return undefined;
    return {
      branch,
      parameters: { ...queue.parameters },
      entries: queue.entries.map((entry, i) => ({ ...entry, position: i + 1 })),
      groups: queue.entries.flatMap((e) => (e.group ? [{ ...e.group, number: e.number }] : [])),
    };
  }

  /**
   * Someone with write access adds a pull request to the queue ("Merge when ready"), as `login`; throws
   * GitHub's refusal when it cannot be queued.
   */
  enqueue(repo: string, number: number, options: { login: string; jump?: boolean }): MergeQueueEntryRecord {
    const outcome = enqueue(
      this.state,
      this.repo(repo),
      this.pullRequest(repo, number),
      this.state.account(options.login),
      {
        jump: options.jump,
      },
    );
    if ('refused' in outcome) throw new Error(outcome.refused);
    settle(this.state);
    return outcome.entry;
  }

  /**
   * A pull request leaves the queue for `reason`, as GitHub's `pull_request` `dequeued` spells it (`MANUAL`
   * when a person removes it); its group, if built, is destroyed. Returns whether it was queued.
   */
  dequeue(repo: string, number: number, reason: DequeueReason = 'MANUAL', login = 'github-merge-queue[bot]'): boolean {
    const record = this.repo(repo);
    const entry = dequeue(this.state, record, this.pullRequest(repo, number), reason, this.state.account(login));
    settleMergeQueues(this.state, record);
    return entry !== undefined;
  }

  /**
   * Moves the queues of `repo` (of `branch` only, when given) on now: groups whose required contexts
   * passed merge, failed ones leave. The emulator does this itself after every write through the API.
   */
  settleMergeQueue(repo: string, branch?: string): void {
    settle(this.state);
    settleMergeQueues(this.state, this.repo(repo), branch);
  }

  /** The webhook deliveries the emulator produced for `repo` (or every repository), oldest first. */
  deliveries(repo?: string): WebhookDelivery[] {
    return this.state.deliveries
      .filter((d) => repo === undefined || d.repo.toLowerCase() === repo.toLowerCase())
      .map((d) => d.delivery);
  }

  /** Calls `listener` with each delivery as the emulator produces it; returns a function that stops it. */
  onDelivery(listener: (delivery: WebhookDelivery, repo: string) => void): () => void {
    this.state.deliveryListeners.add(listener);
    return () => this.state.deliveryListeners.delete(listener);
  }
}
