/** True histories: what happened to one pull request on GitHub, every event in order, drawn by fast-check. */
import fc from 'fast-check';
import type { GuardEvent } from '../events.js';
import type { Guard } from '../guard.js';
import type { HeadFacts } from '../head-facts.js';
import { requiredArtifacts } from '../machine.js';
import type { PullRequest } from '../pull-request.js';
import type { GuardSnapshot } from '../snapshot.js';
import { MergeQueueWorld, type WorldAction } from './queue-world.js';

/** A history that happened on GitHub: every event in order, as the guard would have received it. */
export interface TrueHistory {
  pr: PullRequest;
  events: GuardEvent[];
  /** The snapshot after every event was delivered once, in order. */
  snapshot: GuardSnapshot;
}

export interface TrueHistoryOptions {
  /** Default 20. */
  minLength?: number;
  /** Default 100. */
  maxLength?: number;
  /** Artifact names a successful release publishes. Default `['image', 'chart']`. */
  artifacts?: readonly string[];
  /**
   * Whether to include what GitHub's facts cannot show: `RETRY` and `TIMED_OUT` (a command, a clock),
   * closes and reopens (GitHub keeps the earlier epoch's reviews and runs) and merges by a human
   * (whether before or after the release finished). Default true.
   */
  unobservable?: boolean;
  /**
   * Facts of heads (`HeadFacts`) to draw from: with them, a push may carry the new head's facts, and the
   * pull request is edited now and then (a `HEAD_CHANGED` of the head itself with facts, such as a new
   * title). Default none.
   */
  heads?: readonly HeadFacts[];
  /**
   * Whether the base branch requires a merge queue (`MergeQueueWorld`): the guard's direct merge is
   * refused, its enqueue answered, merge groups made of the queued head and merged or ejected by the
   * guard's verdict on them, and the pull request ejected now and then. Default false.
   */
  queue?: boolean;
}

type Action = WorldAction;

/** A commit released, and the version it was released as when versions may change. */
type Released = { sha: string; version?: string };

/** The n-th SHA of a history: 40 hexadecimal digits, the first is the pull request's own head. */
function shaNumber(pr: PullRequest, n: number): string {
  return n === 0 ? pr.headSha : n.toString(16).padStart(40, 'd');
}

/**
 * Histories of a release pull request that could have happened on GitHub, played against `guard`
 * as they happen: pushes to fresh commits (a head never returns to an earlier commit), approvals by
 * distinct reviewers (one in ten not authorized) and their dismissal, release runs that start only
 * when the guard dispatched one (`START_RELEASE`) and then succeed or fail, artifacts published by a
 * successful run, the guard's merges answered (`MERGED` by `release-bot`, or refused), merges by a
 * human, closes and reopens, and the odd `RETRY` or `TIMED_OUT` (leave these out with
 * `unobservable: false`). A history stops early once it is
 * merged and no run is left to finish. Events are drawn from each step's possible actions, so a
 * shrunk history is still a possible one.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(trueHistory(guard, pr), ({ events, snapshot }) => {
 *   const facts = factsOf(pr, events);
 *   expect(guard.reconcile(undefined, facts).snapshot.phase).toBe(snapshot.phase);
 * }));
 * ```
 */
export function trueHistory(
  guard: Guard,
  pr: PullRequest,
  options: TrueHistoryOptions = {},
): fc.Arbitrary<TrueHistory> {
  const artifacts = options.artifacts ?? ['image', 'chart'];
  return fc
    .array(fc.tuple(fc.nat(), fc.nat(99)), {
      minLength: options.minLength ?? 20,
      maxLength: options.maxLength ?? 100,
      size: 'max',
    })
    .map((choices) =>
      playHistory(guard, pr, choices, artifacts, options.unobservable ?? true, options.heads ?? [], options.queue),
    );
}

function playHistory(
  guard: Guard,
  pr: PullRequest,
  choices: readonly (readonly [number, number])[],
  artifacts: readonly string[],
  unobservable: boolean,
  heads: readonly HeadFacts[],
  queueRequired = false,
): TrueHistory {
  const queue = queueRequired ? new MergeQueueWorld() : undefined;
  /** The facts a push or an edit carries: one of `heads` for three picks in four, when there are any. */
  const factsFor = (p: number): HeadFacts => (heads.length === 0 || p % 4 === 3 ? {} : (heads[p % heads.length] ?? {}));
  let snapshot = guard.start(pr).snapshot;
  const events: GuardEvent[] = [];
  let shas = 1;
  let reviews = 0;
  let runCount = 0;
  let state: 'open' | 'closed' | 'merged' = 'open';
  let head = pr.headSha;
  const standing: { reviewId: string; reviewer: string }[] = [];
  // With the facts of heads a version may change while the head does not: runs and artifacts then say
  // the version they are of, and the registry answers each verification the guard asks for.
  const versioned = heads.length > 0;
  const dispatches: Released[] = [];
  const live: (Released & { runId: string })[] = [];
  const published: (Released & { name: string })[] = [];
  const succeeded: Released[] = [];
  const asked: (Released & { name: string; ref: string })[] = [];
  const merges: { sha: string; via: 'merge' | 'queue' }[] = [];
  const same = (a: Released, b: Released) => a.sha === b.sha && a.version === b.version;
  const refOf = (name: string, version: string | undefined) =>
    requiredArtifacts({ settings: guard.settings, pr: { ...pr, ...(version === undefined ? {} : { version }) } }).find(
      (a) => a.name === name,
    )?.ref;
  /** Which artifact of which release each verification reports. */
  const answered = new WeakMap<GuardEvent, Released & { name: string }>();
  const verified = (at: Released & { name: string }): GuardEvent => {
    const ref = versioned ? refOf(at.name, at.version) : undefined;
    const digest = `sha256:${at.sha.slice(0, 8)}${at.name}${at.version ?? ''}`;
    const event: GuardEvent = {
      type: 'ARTIFACT_VERIFIED',
      sha: at.sha,
      name: at.name,
      digest,
      ...(ref ? { ref } : {}),
    };
    answered.set(event, at);
    return event;
  };
  /** The version a run or a dispatch is of, as its events say it: only when versions may change. */
  const versionOf = (of: { version?: string }) =>
    versioned && of.version !== undefined ? { version: of.version } : {};

  for (const [choice, pick] of choices) {
    const actions: Action[] = [];
    if (state !== 'merged') {
      actions.push({
        weight: state === 'open' ? 3 : 1,
        event: (p) => ({ type: 'HEAD_CHANGED', sha: shaNumber(pr, shas), ...factsFor(p) }),
      });
    }
    if (state === 'open' && heads.length > 0) {
      actions.push({ weight: 2, event: (p) => ({ type: 'HEAD_CHANGED', sha: head, ...heads[p % heads.length] }) });
    }
    if (state === 'open') {
      actions.push({
        weight: 8,
        event: (p) => ({
          type: 'APPROVED',
          sha: head,
          reviewId: `review-${reviews + 1}`,
          reviewer: `reviewer-${reviews + 1}`,
          authorized: p % 10 !== 0,
        }),
      });
      if (unobservable) {
        actions.push(
          { weight: 1, event: () => ({ type: 'MERGED', sha: head, by: 'human' }) },
          { weight: 1, event: () => ({ type: 'CLOSED' }) },
          { weight: 1, event: () => ({ type: 'RETRY' }) },
          { weight: 1, event: () => ({ type: 'TIMED_OUT', sha: head }) },
        );
      }
      if (standing.length > 0) {
        actions.push({
          weight: 2,
          event: (p) => {
            const review = standing[p % standing.length] as (typeof standing)[number];
            return { type: 'APPROVAL_DISMISSED', reviewId: review.reviewId, reviewer: review.reviewer };
          },
        });
      }
      const pending = merges[0];
      if (pending && queue) actions.push({ weight: 8, event: (p) => queue.answer(pending, head, p) });
      else if (pending) {
        const sha = pending.sha;
        actions.push({
          weight: 8,
          event: (p) =>
            sha === head && p % 3 !== 0
              ? { type: 'MERGED', sha, by: 'release-bot' }
              : {
                  type: 'MERGE_REJECTED',
                  sha,
                  reason: sha === head ? 'not-mergeable' : 'head-changed',
                  message: 'refused',
                },
        });
      }
    }
    if (queue && state === 'open') actions.push(...queue.actions(head));
    if (state === 'closed') actions.push({ weight: 4, event: () => ({ type: 'REOPENED', sha: head }) });
    const dispatched = dispatches[0];
    if (dispatched) {
      actions.push({
        weight: 8,
        event: () => ({
          type: 'RELEASE_STARTED',
          sha: dispatched.sha,
          runId: `run-${runCount + 1}`,
          ...versionOf(dispatched),
        }),
      });
    }
    if (live.length > 0) {
      actions.push({
        weight: 8,
        event: (p) => {
          const run = live[p % live.length] as (typeof live)[number];
          return p % 4 === 0
            ? { type: 'RELEASE_FAILED', sha: run.sha, runId: run.runId, reason: 'job failed', ...versionOf(run) }
            : { type: 'RELEASE_SUCCEEDED', sha: run.sha, runId: run.runId, ...versionOf(run) };
        },
      });
    }
    const unpublished = succeeded.flatMap((release) =>
      artifacts
        .filter((name) => !published.some((a) => same(a, release) && a.name === name))
        .map((name) => ({ ...release, name })),
    );
    if (unpublished.length > 0) {
      actions.push({
        weight: 8,
        event: (p) => verified(unpublished[p % unpublished.length] as (typeof unpublished)[number]),
      });
    }
    const answerable = asked.filter((q) => published.some((a) => same(a, q) && a.name === q.name));
    if (answerable.length > 0) {
      actions.push({
        weight: 8,
        event: (p) => verified(answerable[p % answerable.length] as (typeof answerable)[number]),
      });
    }
    if (actions.length === 0) break;

    const total = actions.reduce((sum, a) => sum + a.weight, 0);
    let at = choice % total;
    let action = actions[0] as Action;
    for (const candidate of actions) {
      action = candidate;
      if (at < candidate.weight) break;
      at -= candidate.weight;
    }
    const event = action.event(pick);
    events.push(event);

    // What the event does to GitHub.
    queue?.happened(event, head);
    switch (event.type) {
      case 'HEAD_CHANGED':
        // An edit keeps the head, and a merge asked for it may still land (it compares the SHA only).
        if (event.sha === head) break;
        head = event.sha;
        shas++;
        merges.length = 0;
        break;
      case 'APPROVED':
        reviews++;
        standing.push({ reviewId: String(event.reviewId), reviewer: event.reviewer });
        break;
      case 'APPROVAL_DISMISSED':
        standing.splice(
          standing.findIndex((r) => r.reviewId === String(event.reviewId)),
          1,
        );
        break;
      case 'RELEASE_STARTED':
        runCount++;
        dispatches.shift();
        live.push({ runId: String(event.runId), sha: event.sha, ...versionOf(event) });
        break;
      case 'RELEASE_SUCCEEDED':
      case 'RELEASE_FAILED': {
        live.splice(
          live.findIndex((r) => r.runId === String(event.runId)),
          1,
        );
        const release = { sha: event.sha, ...versionOf(event) };
        if (event.type === 'RELEASE_SUCCEEDED' && !succeeded.some((r) => same(r, release))) succeeded.push(release);
        break;
      }
      case 'ARTIFACT_VERIFIED': {
        const at = answered.get(event);
        if (at && !published.some((a) => same(a, at) && a.name === at.name)) published.push(at);
        asked.splice(0, asked.length, ...asked.filter((q) => !(at && same(q, at) && q.name === at.name)));
        break;
      }
      case 'MERGE_REJECTED':
      case 'ENQUEUED':
        merges.shift();
        break;
      case 'MERGED':
        state = 'merged';
        merges.length = 0;
        dispatches.length = 0;
        break;
      case 'CLOSED':
        state = 'closed';
        merges.length = 0;
        break;
      case 'REOPENED':
        state = 'open';
        break;
      default:
        break;
    }

    // What the guard does about it: its dispatches become runs, its merges get an answer.
    const step = guard.next(snapshot, event);
    snapshot = step.snapshot;
    for (const effect of step.effects) {
      queue?.asked(effect);
      if (effect.type === 'START_RELEASE') dispatches.push({ sha: effect.sha, ...versionOf(effect) });
      if (effect.type === 'MERGE' && state === 'open') merges.push({ sha: effect.sha, via: effect.via });
      if (effect.type === 'VERIFY_ARTIFACTS' && versioned) {
        for (const { name, ref } of effect.artifacts)
          asked.push({ sha: effect.sha, ...versionOf(snapshot.pr), name, ref });
      }
    }
  }
  return { pr, events, snapshot };
}
