import type { Effect, Guard, GuardEvent, GuardEventType, GuardSnapshot, PullRequest } from '@release-guard/core';
import { groupShaOf, InvariantMonitor, type InvariantViolation } from '@release-guard/core/testing';
import { SHA } from './fixtures.js';

const SHAS = [SHA.a, SHA.b] as const;

/**
 * Every event worth sending from `s`: for the head and for the other SHA; fresh, standing and
 * already-used review ids; fresh, current and finished runs. Ids are derived from the snapshot so the
 * alphabet stays finite while approvals and runs stay possible forever.
 */
export function alphabet(s: GuardSnapshot): GuardEvent[] {
  const head = s.headSha;
  const other = head === SHA.a ? SHA.b : SHA.a;
  const fresh = `review-${s.seenReviews.length + 1}`;
  const standing = s.approvals[0]?.reviewId;
  const used = s.seenReviews.find((id) => !s.approvals.some((a) => a.reviewId === id));
  const knownRuns = new Set([...s.finishedRuns, ...s.alertedRuns, ...(s.release.runId ? [s.release.runId] : [])]);
  const freshRun = `run-${knownRuns.size + 1}`;
  const current = s.release.runId ?? freshRun;
  const finished = s.finishedRuns[0];
  const events: (GuardEvent | false | undefined)[] = [
    { type: 'HEAD_CHANGED', sha: other },
    { type: 'HEAD_CHANGED', sha: head },
    { type: 'APPROVED', sha: head, reviewId: fresh, reviewer: 'maintainer', authorized: true },
    { type: 'APPROVED', sha: head, reviewId: fresh, reviewer: 'outsider', authorized: false },
    // The explored release pull request names `releaser` among its releasers; GitHub spells bots both ways.
    { type: 'APPROVED', sha: head, reviewId: fresh, reviewer: 'Releaser[bot]', authorized: true },
    { type: 'APPROVED', sha: other, reviewId: fresh, reviewer: 'maintainer', authorized: true },
    standing !== undefined && {
      type: 'APPROVED',
      sha: head,
      reviewId: standing,
      reviewer: 'maintainer',
      authorized: true,
    },
    used !== undefined && { type: 'APPROVED', sha: head, reviewId: used, reviewer: 'maintainer', authorized: true },
    standing !== undefined && { type: 'APPROVAL_DISMISSED', reviewId: standing, reviewer: 'maintainer' },
    used !== undefined && { type: 'APPROVAL_DISMISSED', reviewId: used, reviewer: 'maintainer' },
    { type: 'RELEASE_STARTED', sha: head, runId: freshRun },
    { type: 'RELEASE_STARTED', sha: head, runId: current },
    { type: 'RELEASE_SUCCEEDED', sha: head, runId: current },
    { type: 'RELEASE_SUCCEEDED', sha: head, runId: freshRun },
    { type: 'RELEASE_SUCCEEDED', sha: other, runId: current },
    { type: 'RELEASE_FAILED', sha: head, runId: current, reason: 'job failed' },
    finished !== undefined && { type: 'RELEASE_FAILED', sha: head, runId: finished, reason: 'late' },
    { type: 'ARTIFACT_VERIFIED', sha: head, name: 'image', digest: 'sha256:1' },
    { type: 'ARTIFACT_VERIFIED', sha: other, name: 'image', digest: 'sha256:1' },
    { type: 'ARTIFACT_VERIFIED', sha: head, name: 'chart', digest: 'sha256:2' },
    { type: 'ARTIFACT_MISSING', sha: head, name: 'image', reason: 'manifest unknown' },
    { type: 'MERGE_REJECTED', sha: head, reason: 'not-mergeable', message: 'checks pending' },
    { type: 'MERGE_REJECTED', sha: head, reason: 'forbidden', message: 'no permission' },
    { type: 'MERGE_REJECTED', sha: other, reason: 'head-changed', message: 'moved' },
    { type: 'MERGED', sha: head, by: 'release-bot' },
    { type: 'MERGED', sha: other, by: 'human' },
    { type: 'CLOSED' },
    { type: 'REOPENED', sha: head },
    { type: 'REOPENED', sha: other },
    { type: 'RETRY' },
    { type: 'TIMED_OUT', sha: head },
    { type: 'TIMED_OUT', sha: other },
  ];
  return events.filter((e): e is GuardEvent => Boolean(e));
}

/** Changed files for head changes and edits: one that a protected glob matches, one that none does. */
const TOUCHING = { files: [{ path: 'docs/CHANGELOG.md' }], filesComplete: true };
const CLEAN = { files: [{ path: 'src/index.ts' }], filesComplete: true };

/**
 * The alphabet with the facts of heads: edits of the title to another version, back to the first one,
 * and to no version at all; head changes and edits whose changed files touch a protected path, do not,
 * or are not all listed (explored with release-please's preset and protected paths).
 */
export function recognitionAlphabet(s: GuardSnapshot): GuardEvent[] {
  const head = s.headSha;
  const other = head === SHA.a ? SHA.b : SHA.a;
  return [
    ...alphabet(s),
    { type: 'HEAD_CHANGED', sha: head, title: 'chore(main): release 0.30.0' },
    { type: 'HEAD_CHANGED', sha: head, title: 'chore(main): release 0.29.0' },
    { type: 'HEAD_CHANGED', sha: head, title: 'chore: release main' },
    { type: 'HEAD_CHANGED', sha: other, ...TOUCHING },
    { type: 'HEAD_CHANGED', sha: other, ...CLEAN },
    { type: 'HEAD_CHANGED', sha: head, ...TOUCHING },
    { type: 'HEAD_CHANGED', sha: head, ...CLEAN },
    { type: 'HEAD_CHANGED', sha: head, files: CLEAN.files, filesComplete: false },
    { type: 'REOPENED', sha: other, ...CLEAN },
  ];
}

/**
 * The alphabet with the merge queue's events: entries and exits of the head and of the other SHA, a
 * new merge group of each, a redelivered one, and a direct merge refused for the queue.
 */
export function queueAlphabet(s: GuardSnapshot): GuardEvent[] {
  const head = s.headSha;
  const other = head === SHA.a ? SHA.b : SHA.a;
  const fresh = groupShaOf((s.groups?.length ?? 0) + 1);
  const judged = s.groups?.[0];
  const events: (GuardEvent | false | undefined)[] = [
    { type: 'ENQUEUED', sha: head },
    { type: 'ENQUEUED', sha: other },
    { type: 'DEQUEUED', sha: head, reason: 'the required check release failed' },
    { type: 'DEQUEUED', sha: other, reason: 'the head changed' },
    { type: 'MERGE_GROUP', sha: head, groupSha: fresh },
    { type: 'MERGE_GROUP', sha: other, groupSha: fresh },
    judged !== undefined && { type: 'MERGE_GROUP', sha: head, groupSha: judged },
    { type: 'MERGE_REJECTED', sha: head, reason: 'merge-queue', message: 'through the merge queue' },
  ];
  return [...alphabet(s), ...events.filter((e): e is GuardEvent => Boolean(e))];
}

/**
 * States that behave alike under the alphabet share a key: no times, no timeline, no epoch counter,
 * lists reduced to what decisions read (which SHAs were released, whether a used review id or a
 * finished run exists, one or several standing approvals). The status standing on the head is not part
 * of the key: the monitor checks on every edge that it agrees in state with `standingStatus(snapshot)`,
 * so every path to one key leaves the same state standing.
 */
function canonicalKey(s: GuardSnapshot): string {
  return JSON.stringify([
    s.phase,
    s.kind,
    s.protection,
    s.pr.version,
    s.pr.versionProblem !== undefined,
    s.headSha,
    Math.min(s.approvals.length, 2),
    s.seenReviews.length > s.approvals.length,
    s.release.state,
    s.release.runId !== undefined,
    s.release.runId !== undefined && s.finishedRuns.includes(s.release.runId),
    s.verified.map((v) => v.name).sort(),
    s.merge.state,
    Math.min(s.merge.enqueues ?? 0, 3),
    s.pr.mergeQueue,
    (s.groups?.length ?? 0) > 0,
    s.failure !== undefined,
    SHAS.map((sha) => s.releasedShas.includes(sha)),
    s.finishedRuns.length > 0,
    s.alertedRuns.length > 0,
    s.violations.length,
  ]);
}

/** One explored state, with the first path that reached it and every effect written along it. */
export interface ExploredState {
  snapshot: GuardSnapshot;
  path: GuardEvent[];
  written: Effect[];
}

export interface Exploration {
  states: number;
  /** Every state reached, in breadth-first order. */
  reached: ExploredState[];
  edges: number;
  changingTypes: Set<GuardEventType>;
  phases: Set<string>;
  violations: InvariantViolation[];
  millis: number;
}

/** Breadth-first search over `guard.next` with the events of `letters`, checking every invariant on every edge. */
export function explore(
  guard: Guard,
  pr: PullRequest,
  letters: (s: GuardSnapshot) => GuardEvent[] = alphabet,
): Exploration {
  const began = performance.now();
  const start = guard.start(pr);
  const root = new InvariantMonitor(guard, pr);
  const violations = root.start(start);
  const seen = new Set([canonicalKey(start.snapshot)]);
  const queue: (ExploredState & { monitor: InvariantMonitor })[] = [
    { snapshot: start.snapshot, monitor: root, path: [], written: [...start.effects] },
  ];
  const changingTypes = new Set<GuardEventType>();
  const phases = new Set<string>([start.snapshot.phase]);
  let edges = 0;
  for (let i = 0; i < queue.length; i++) {
    const { snapshot, monitor, path, written } = queue[i] as (typeof queue)[number];
    violations.push(...monitor.checkLiveness(snapshot));
    const key = canonicalKey(snapshot);
    for (const event of letters(snapshot)) {
      edges++;
      const step = guard.next(snapshot, event);
      const branch = monitor.clone();
      violations.push(...branch.deliver(event, step));
      const next = canonicalKey(step.snapshot);
      if (next !== key) changingTypes.add(event.type);
      if (!seen.has(next)) {
        seen.add(next);
        phases.add(step.snapshot.phase);
        queue.push({
          snapshot: step.snapshot,
          monitor: branch,
          path: [...path, event],
          written: [...written, ...step.effects],
        });
      }
    }
  }
  const reached = queue.map(({ snapshot, path, written }) => ({ snapshot, path, written }));
  return { states: seen.size, reached, edges, changingTypes, phases, violations, millis: performance.now() - began };
}
