import fc from 'fast-check';
import type { Effect } from '../effects.js';
import type { GuardEvent } from '../events.js';
import type { Guard } from '../guard.js';
import type { PullRequest } from '../pull-request.js';
import type { ApprovalFact, ArtifactFact, GuardFacts, ReleaseRunFact, StatusFact } from '../reconcile.js';
import type { GuardSnapshot } from '../snapshot.js';

/**
 * What GitHub shows after a sequence of events happened to one pull request, for `guard.reconcile`.
 * Each event leaves the fact it reports: `HEAD_CHANGED` moves the head (closed or not), `APPROVED` adds
 * a review and `APPROVAL_DISMISSED` removes it, `RELEASE_STARTED` adds a running run and
 * `RELEASE_SUCCEEDED` or `RELEASE_FAILED` concludes it, `ARTIFACT_VERIFIED` puts the artifact in its
 * registry, `CLOSED`, `REOPENED` and `MERGED` set the pull request's state (a merge is final). The
 * statuses are those of the `SET_STATUS` effects in `written`, in order: what the guard wrote.
 * `MERGE_REJECTED`, `RETRY`, `TIMED_OUT` and `ARTIFACT_MISSING` leave no fact: GitHub shows no refused
 * merge, no command, no clock and no absence at a moment.
 *
 * @example
 * ```ts
 * const facts = factsOf(pr, events, history.deliveries.flatMap(({ step }) => step.effects));
 * const step = guard.reconcile(stored, facts);
 * ```
 */
export function factsOf(pr: PullRequest, events: readonly GuardEvent[], written: readonly Effect[] = []): GuardFacts {
  let state: GuardFacts['pr']['state'] = 'open';
  let head = pr.headSha;
  let merged: { sha: string; by: string } | undefined;
  const approvals: ApprovalFact[] = [];
  const runs: ReleaseRunFact[] = [];
  const artifacts: ArtifactFact[] = [];
  const conclude = (sha: string, runId: string, conclusion: ReleaseRunFact['conclusion']) => {
    const run = runs.find((r) => String(r.runId) === runId);
    if (run) run.conclusion = conclusion;
    else runs.push({ runId, sha, conclusion });
  };
  for (const event of events) {
    switch (event.type) {
      case 'HEAD_CHANGED':
        if (state !== 'merged') head = event.sha;
        break;
      case 'APPROVED':
        if (!approvals.some((a) => String(a.reviewId) === String(event.reviewId))) {
          approvals.push({
            reviewId: String(event.reviewId),
            reviewer: event.reviewer,
            sha: event.sha,
            authorized: event.authorized,
          });
        }
        break;
      case 'APPROVAL_DISMISSED': {
        const i = approvals.findIndex((a) => String(a.reviewId) === String(event.reviewId));
        if (i >= 0) approvals.splice(i, 1);
        break;
      }
      case 'RELEASE_STARTED':
        if (!runs.some((r) => String(r.runId) === String(event.runId))) {
          runs.push({ runId: String(event.runId), sha: event.sha, conclusion: null });
        }
        break;
      case 'RELEASE_SUCCEEDED':
        conclude(event.sha, String(event.runId), 'success');
        break;
      case 'RELEASE_FAILED':
        conclude(event.sha, String(event.runId), 'failure');
        break;
      case 'ARTIFACT_VERIFIED':
        if (!artifacts.some((a) => a.sha === event.sha && a.name === event.name)) {
          artifacts.push({ name: event.name, sha: event.sha, digest: event.digest });
        }
        break;
      case 'CLOSED':
        if (state === 'open') state = 'closed';
        break;
      case 'REOPENED':
        if (state === 'closed') {
          state = 'open';
          head = event.sha;
        }
        break;
      case 'MERGED':
        if (state !== 'merged') {
          state = 'merged';
          merged = { sha: event.sha, by: event.by };
        }
        break;
      default:
        break;
    }
  }
  const statuses: StatusFact[] = written.flatMap((e) =>
    e.type === 'SET_STATUS' ? [{ sha: e.sha, state: e.state, description: e.description }] : [],
  );
  return {
    pr: {
      ...pr,
      headSha: head,
      state,
      ...(merged ? { mergedSha: merged.sha, mergedBy: merged.by } : {}),
    },
    approvals,
    releaseRuns: runs,
    artifacts,
    statuses,
  };
}

/**
 * The status standing on `sha` once `written` (the `SET_STATUS` effects executed, in order) were
 * written over `facts.statuses`: the last one for it, or undefined.
 */
export function standingOn(sha: string, facts: GuardFacts, written: readonly Effect[] = []): StatusFact | undefined {
  const last = written.findLast((e) => e.type === 'SET_STATUS' && e.sha === sha);
  if (last?.type === 'SET_STATUS') return { sha, state: last.state, description: last.description };
  return facts.statuses?.findLast((s) => s.sha === sha);
}

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

/** How each event of a history is delivered, and which neighbours swap places. */
export interface DeliveryPlan {
  /** Per event, in order (cycled when shorter than the history): 0 lost, 1 delivered, 2 delivered twice. */
  copies: number[];
  /** Positions in the delivered list whose event swaps with the next one, applied in order. */
  swaps: number[];
}

/**
 * Unreliable delivery: about one event in six lost, one in eight delivered twice, and up to five pairs
 * of neighbours swapped (reordering). Apply a plan with `deliver`.
 */
export function deliveryPlan(): fc.Arbitrary<DeliveryPlan> {
  const copies = fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 17, arbitrary: fc.constant(1) },
    { weight: 3, arbitrary: fc.constant(2) },
  );
  return fc.record({
    copies: fc.array(copies, { minLength: 1, maxLength: 100 }),
    swaps: fc.array(fc.nat(), { maxLength: 5 }),
  });
}

/** The events of a history as `plan` delivers them: some lost, some twice, some out of order. */
export function deliver(events: readonly GuardEvent[], plan: DeliveryPlan): GuardEvent[] {
  const delivered = events.flatMap((event, i) =>
    Array.from({ length: plan.copies[i % plan.copies.length] ?? 1 }, () => event),
  );
  if (delivered.length < 2) return delivered;
  for (const swap of plan.swaps) {
    const i = swap % (delivered.length - 1);
    [delivered[i], delivered[i + 1]] = [delivered[i + 1] as GuardEvent, delivered[i] as GuardEvent];
  }
  return delivered;
}
