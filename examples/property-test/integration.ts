import type {
  Guard,
  GuardEvent,
  GuardSettings,
  GuardSnapshot,
  Id,
  MergeRejectionReason,
  PullRequest,
  Step,
} from '@release-guard/core';

// ---- What our CI sends -------------------------------------------------------------------------

/** A repository permission, as the CI reports it for a reviewer. */
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

/** The payload of one CI webhook. Each kind is something the guard has to hear about. */
export type CiPayload =
  | { kind: 'push'; after: string }
  | { kind: 'review'; action: 'approved'; reviewId: Id; author: string; permission: Permission; commit: string }
  | { kind: 'review'; action: 'dismissed'; reviewId: Id; author: string }
  | { kind: 'pipeline'; pipeline: string; status: 'started' | 'passed'; commit: string; build: Id }
  | { kind: 'pipeline'; pipeline: string; status: 'failed'; commit: string; build: Id; log: string }
  | { kind: 'registry'; found: true; commit: string; artifact: string; digest: string }
  | { kind: 'registry'; found: false; commit: string; artifact: string; detail: string }
  | { kind: 'merge'; result: 'merged'; commit: string; by: string }
  | { kind: 'merge'; result: 'rejected'; commit: string; reason: MergeRejectionReason; message: string }
  | { kind: 'pull_request'; action: 'closed' }
  | { kind: 'pull_request'; action: 'reopened'; head: string }
  | { kind: 'command'; command: 'retry' }
  | { kind: 'sweep'; overdue: string };

/** One webhook delivery. A redelivery carries the same `id` as the original. */
export interface CiDelivery {
  id: string;
  payload: CiPayload;
}

// ---- Translating it into guard events ------------------------------------------------------------

/** What a translation may look at besides the payload. */
export interface TranslateContext {
  snapshot: GuardSnapshot;
  settings: GuardSettings;
  /** The name of the CI pipeline that releases. */
  releasePipeline: string;
}

/** Turns one CI payload into the guard events it means (none when it is not the guard's business). */
export type Translate = (payload: CiPayload, context: TranslateContext) => GuardEvent[];

/** Permissions that may approve a release. */
const RELEASERS: ReadonlySet<Permission> = new Set(['admin', 'maintain', 'write']);

/**
 * The translation of our CI's payloads. Every SHA comes from the payload itself, never from the
 * pull request's current head: a review of an earlier commit must stay an approval of that commit.
 */
export const translate: Translate = (payload, { releasePipeline }) => {
  switch (payload.kind) {
    case 'push':
      return [{ type: 'HEAD_CHANGED', sha: payload.after }];
    case 'review':
      return payload.action === 'approved'
        ? [
            {
              type: 'APPROVED',
              sha: payload.commit,
              reviewId: payload.reviewId,
              reviewer: payload.author,
              authorized: RELEASERS.has(payload.permission),
            },
          ]
        : [{ type: 'APPROVAL_DISMISSED', reviewId: payload.reviewId, reviewer: payload.author }];
    case 'pipeline': {
      if (payload.pipeline !== releasePipeline) return [];
      const run = { sha: payload.commit, runId: payload.build };
      if (payload.status === 'failed') return [{ type: 'RELEASE_FAILED', ...run, reason: payload.log }];
      return [{ type: payload.status === 'started' ? 'RELEASE_STARTED' : 'RELEASE_SUCCEEDED', ...run }];
    }
    case 'registry':
      return payload.found
        ? [{ type: 'ARTIFACT_VERIFIED', sha: payload.commit, name: payload.artifact, digest: payload.digest }]
        : [{ type: 'ARTIFACT_MISSING', sha: payload.commit, name: payload.artifact, reason: payload.detail }];
    case 'merge':
      return payload.result === 'merged'
        ? [{ type: 'MERGED', sha: payload.commit, by: payload.by }]
        : [{ type: 'MERGE_REJECTED', sha: payload.commit, reason: payload.reason, message: payload.message }];
    case 'pull_request':
      return payload.action === 'closed' ? [{ type: 'CLOSED' }] : [{ type: 'REOPENED', sha: payload.head }];
    case 'command':
      return [{ type: 'RETRY' }];
    case 'sweep':
      return [{ type: 'TIMED_OUT', sha: payload.overdue }];
  }
};

// ---- The inbox -----------------------------------------------------------------------------------

export interface InboxOptions {
  guard: Guard;
  pr: PullRequest;
  /** Default: `translate` above. */
  translate?: Translate;
  /** Default `'release'`. */
  releasePipeline?: string;
  /** How many delivery ids are remembered to drop redeliveries. Default 1,000. */
  rememberDeliveries?: number;
}

/**
 * The webhook endpoint of our CI integration: drops redelivered webhooks, translates each payload
 * into guard events and applies them. `receive` returns one `Step` per delivery: the snapshot after it
 * and every effect it asked for, in order, which the caller executes (with the GitHub adapter's
 * executor, say) and whose answers come back as further deliveries. A handler that keeps no memory
 * between deliveries would store `guard.serialize(inbox.snapshot)` and start from `guard.restore`.
 */
export class Inbox {
  /** The step of `guard.start`: its effects lock the head before any delivery. */
  readonly opened: Step;
  private current: GuardSnapshot;
  private readonly seen: string[] = [];
  private readonly guard: Guard;
  private readonly translate: Translate;
  private readonly releasePipeline: string;
  private readonly remember: number;

  constructor(options: InboxOptions) {
    this.guard = options.guard;
    this.translate = options.translate ?? translate;
    this.releasePipeline = options.releasePipeline ?? 'release';
    this.remember = options.rememberDeliveries ?? 1000;
    this.opened = this.guard.start(options.pr);
    this.current = this.opened.snapshot;
  }

  get snapshot(): GuardSnapshot {
    return this.current;
  }

  receive(delivery: CiDelivery): Step {
    const snapshot = this.current;
    if (this.seen.includes(delivery.id)) {
      return { snapshot, effects: [], ignored: `delivery ${delivery.id} was already handled` };
    }
    this.seen.push(delivery.id);
    if (this.seen.length > this.remember) this.seen.shift();

    const events = this.translate(delivery.payload, {
      snapshot,
      settings: this.guard.settings,
      releasePipeline: this.releasePipeline,
    });
    if (events.length === 0) return { snapshot, effects: [], ignored: `a ${delivery.payload.kind} the guard ignores` };

    // One delivery may mean several events: the caller sees them as one step.
    let next = snapshot;
    const effects: Step['effects'] = [];
    const ignored: string[] = [];
    for (const event of events) {
      const step = this.guard.next(next, event);
      next = step.snapshot;
      effects.push(...step.effects);
      if (step.ignored) ignored.push(step.ignored);
    }
    this.current = next;
    return ignored.length === events.length
      ? { snapshot: next, effects, ignored: ignored.join('; ') }
      : { snapshot: next, effects };
  }
}
