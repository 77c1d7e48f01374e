import { delivery } from './delivery.js';
import { example } from './examples.js';
import { defaultBaseSha, stableId, stableSha } from './ids.js';
import { envelope, fullName } from './repository.js';
import type { Payload, RepoRef, WebhookDelivery } from './types.js';

/** Why a merge group was destroyed, as `merge_group` `destroyed` spells it. */
export type MergeGroupDestroyReason = 'merged' | 'invalidated' | 'dequeued';

/** What `mergeGroupEvent` is built from: the group of one pull request. */
export interface MergeGroupOptions {
  repo: RepoRef;
  /** The pull request the group merges. */
  number: number;
  /** The pull request's head SHA, which names the group's branch. */
  prHeadSha: string;
  /** The group's commit. Default: a SHA derived from the pull request and the base. */
  headSha?: string;
  /** The branch the group merges into. Default: `repo`'s default branch. */
  baseRef?: string;
  /** The commit of the base the group was built on. Default: the base SHA the other builders assume. */
  baseSha?: string;
  /** `destroyed` only (and required there). */
  reason?: MergeGroupDestroyReason;
  /** The group commit's message. Default: GitHub's merge message for the pull request. */
  message?: string;
  /** Who caused the event. Default: the repository owner. */
  sender?: string;
  /** ISO time of the group's commit. Default: a fixed time. */
  at?: string;
}

/** The branch of a merge group: `gh-readonly-queue/<base>/pr-<number>-<head sha>`, as a full ref. */
export function mergeGroupRef(baseRef: string, number: number, prHeadSha: string): string {
  return `refs/heads/gh-readonly-queue/${baseRef}/pr-${number}-${prHeadSha}`;
}

/**
 * A `merge_group` delivery: `checks_requested` when the queue builds a group (CI must report the
 * required checks on its `head_sha`), `destroyed` with a `reason` when the group is merged, invalidated
 * or dequeued. The examples have no `destroyed`: it is built from the `checks_requested` one.
 */
export function mergeGroupEvent(
  action: 'checks_requested' | 'destroyed',
  options: MergeGroupOptions,
): WebhookDelivery<'merge_group'> {
  if ((action === 'destroyed') !== (options.reason !== undefined)) {
    throw new RangeError(`a reason belongs to a destroyed merge group, and a destroyed one needs one (${action})`);
  }
  const template = example('merge_group', 'checks_requested');
  const name = fullName(options.repo);
  const baseRef = options.baseRef ?? options.repo.defaultBranch ?? 'main';
  const baseSha = options.baseSha ?? defaultBaseSha(name, baseRef);
  const headSha = options.headSha ?? stableSha(`merge-group:${name}#${options.number}:${options.prHeadSha}:${baseSha}`);
  const group = template.merge_group as Payload;
  const sender = options.sender ?? options.repo.owner;
  const base = envelope(template, options.repo, sender);
  // The example's repository has an empty `homepage`, which the schema's `uri` format refuses: none is null.
  const payload: Payload = {
    ...base,
    repository: { ...(base.repository as Payload), homepage: null },
    action,
    merge_group: {
      ...group,
      head_sha: headSha,
      head_ref: mergeGroupRef(baseRef, options.number, options.prHeadSha),
      base_sha: baseSha,
      base_ref: `refs/heads/${baseRef}`,
      // The queue commits as GitHub, on behalf of whoever queued the pull request.
      head_commit: {
        id: headSha,
        tree_id: stableSha(`tree:${headSha}`),
        message: options.message ?? `Merge pull request #${options.number} from ${name}`,
        timestamp: options.at ?? '2023-08-02T11:10:00Z',
        author: {
          name: sender,
          email: `${stableId(`user:${sender}`)}+${sender.replace(/\[bot\]$/, '')}@users.noreply.github.com`,
        },
        committer: { name: 'GitHub', email: 'noreply@github.com' },
      },
    },
  };
  if (options.reason) payload.reason = options.reason;
  return delivery('merge_group', payload);
}
