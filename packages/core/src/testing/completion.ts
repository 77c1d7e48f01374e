/** Liveness (invariant 6): a live snapshot driven to `merged` through the guard's own merge. */
import type { GuardEvent } from '../events.js';
import type { Guard } from '../guard.js';
import type { HeadFacts } from '../head-facts.js';
import { requiredArtifacts } from '../machine.js';
import type { GuardSnapshot } from '../snapshot.js';

/**
 * Drives a live snapshot to `merged` through the guard's own merge, without closing the pull request.
 * Returns what went wrong, or undefined when it got there.
 */
export function completionProblem(guard: Guard, from: GuardSnapshot): string | undefined {
  const sha = from.headSha;
  const fresh = `completion-${from.epoch}-${from.seenReviews.length}`;
  const readable = readableFacts(guard);
  const events: GuardEvent[] = [
    // A version that cannot be read is mended on GitHub (a title edited, a file fixed at the head).
    ...(from.pr.versionProblem !== undefined && readable ? [{ type: 'HEAD_CHANGED', sha, ...readable } as const] : []),
    { type: 'MERGE_REJECTED', sha, reason: 'not-mergeable', message: 'completing' },
    // A pull request standing in the merge queue leaves it (and is enqueued again while an approval stands).
    { type: 'DEQUEUED', sha, reason: 'completing' },
    { type: 'APPROVED', sha, reviewId: fresh, reviewer: 'completion', authorized: true },
    { type: 'RETRY' },
    { type: 'RELEASE_STARTED', sha, runId: fresh },
    { type: 'RELEASE_SUCCEEDED', sha, runId: fresh },
    ...requiredArtifacts({ settings: guard.settings, pr: from.pr }).map(
      (a): GuardEvent => ({ type: 'ARTIFACT_VERIFIED', sha, name: a.name, digest: 'sha256:completion' }),
    ),
    { type: 'MERGE_REJECTED', sha, reason: 'not-mergeable', message: 'completing' },
    { type: 'RETRY' },
  ];
  let snapshot = from;
  let merged = false;
  for (const event of events) {
    const step = guard.next(snapshot, event);
    snapshot = step.snapshot;
    merged ||= step.effects.some((e) => e.type === 'MERGE' && e.sha === sha);
  }
  if (!merged) return `from ${from.phase}, no MERGE of ${sha} could be reached (stuck in ${snapshot.phase})`;
  const final = guard.next(snapshot, { type: 'MERGED', sha, by: 'completion' });
  if (final.snapshot.phase !== 'merged') return `from ${from.phase}, MERGED did not reach merged`;
  if (final.snapshot.violations.length > snapshot.violations.length)
    return `from ${from.phase}, the guard's own merge was a violation`;
  return undefined;
}

/** Facts of a head from which the guard's `versionSource` reads the version 1.0.0; none for `'branch'`. */
function readableFacts(guard: Guard): HeadFacts | undefined {
  const source = guard.settings.versionSource;
  if (source === 'branch') return undefined;
  if (source === 'title') return { title: 'chore: release 1.0.0' };
  return {
    contents: { [source.file]: source.key === undefined ? '1.0.0' : JSON.stringify({ [source.key]: '1.0.0' }) },
  };
}
