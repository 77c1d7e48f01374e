/** True histories: what happened to one pull request on GitHub, every event in order, drawn by fast-check. */
import fc from 'fast-check';
import type { GuardEvent } from '../events.js';
import type { Guard } from '../guard.js';
import type { PullRequest } from '../pull-request.js';
import type { GuardSnapshot } from '../snapshot.js';

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
}

type Action = { weight: number; event: (pick: number) => GuardEvent };

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
    .map((choices) => playHistory(guard, pr, choices, artifacts, options.unobservable ?? true));
}

function playHistory(
  guard: Guard,
  pr: PullRequest,
  choices: readonly (readonly [number, number])[],
  artifacts: readonly string[],
  unobservable: boolean,
): TrueHistory {
  let snapshot = guard.start(pr).snapshot;
  const events: GuardEvent[] = [];
  let shas = 1;
  let reviews = 0;
  let runCount = 0;
  let state: 'open' | 'closed' | 'merged' = 'open';
  let head = pr.headSha;
  const standing: { reviewId: string; reviewer: string }[] = [];
  const dispatches: string[] = [];
  const live: { runId: string; sha: string }[] = [];
  const published: { sha: string; name: string }[] = [];
  const succeeded: string[] = [];
  const merges: string[] = [];

  for (const [choice, pick] of choices) {
    const actions: Action[] = [];
    if (state !== 'merged') {
      actions.push({
        weight: state === 'open' ? 3 : 1,
        event: () => ({ type: 'HEAD_CHANGED', sha: shaNumber(pr, shas) }),
      });
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
      if (merges.length > 0) {
        const sha = merges[0] as string;
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
    if (state === 'closed') actions.push({ weight: 4, event: () => ({ type: 'REOPENED', sha: head }) });
    if (dispatches.length > 0) {
      actions.push({
        weight: 8,
        event: () => ({ type: 'RELEASE_STARTED', sha: dispatches[0] as string, runId: `run-${runCount + 1}` }),
      });
    }
    if (live.length > 0) {
      actions.push({
        weight: 8,
        event: (p) => {
          const run = live[p % live.length] as (typeof live)[number];
          return p % 4 === 0
            ? { type: 'RELEASE_FAILED', sha: run.sha, runId: run.runId, reason: 'job failed' }
            : { type: 'RELEASE_SUCCEEDED', sha: run.sha, runId: run.runId };
        },
      });
    }
    const unpublished = succeeded.flatMap((sha) =>
      artifacts
        .filter((name) => !published.some((a) => a.sha === sha && a.name === name))
        .map((name) => ({ sha, name })),
    );
    if (unpublished.length > 0) {
      actions.push({
        weight: 8,
        event: (p) => {
          const { sha, name } = unpublished[p % unpublished.length] as (typeof unpublished)[number];
          return { type: 'ARTIFACT_VERIFIED', sha, name, digest: `sha256:${sha.slice(0, 8)}${name}` };
        },
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
    switch (event.type) {
      case 'HEAD_CHANGED':
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
        live.push({ runId: String(event.runId), sha: event.sha });
        break;
      case 'RELEASE_SUCCEEDED':
      case 'RELEASE_FAILED':
        live.splice(
          live.findIndex((r) => r.runId === String(event.runId)),
          1,
        );
        if (event.type === 'RELEASE_SUCCEEDED' && !succeeded.includes(event.sha)) succeeded.push(event.sha);
        break;
      case 'ARTIFACT_VERIFIED':
        published.push({ sha: event.sha, name: event.name });
        break;
      case 'MERGE_REJECTED':
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
      if (effect.type === 'START_RELEASE') dispatches.push(effect.sha);
      if (effect.type === 'MERGE' && state === 'open') merges.push(effect.sha);
    }
  }
  return { pr, events, snapshot };
}
