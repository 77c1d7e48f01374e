import type { Guard, GuardEvent, GuardSnapshot, PullRequest } from '@release-guard/core';
import { factsOf, MERGE_QUEUE_BOT, type TrueHistory } from '@release-guard/core/testing';
import { guard as seedGuard } from './property-cases.js';

/**
 * Why the facts cannot show what the whole history did, or undefined when they can. GitHub's facts
 * carry no order between reviews, runs and merges, and show no command, clock or epoch:
 * - `command`: a RETRY or a TIMED_OUT (a command and a clock: no fact shows them);
 * - `epoch`: a close and reopen (GitHub keeps the reviews and runs of the earlier epoch: no fact says
 *   which epoch they belong to);
 * - `merge-order`: a human merge (whether it came before or after the release finished: no order); the
 *   merge queue's merge is the guard's own (it merges only a group the guard gave `success`);
 * - `review-order`: an approval or dismissal, or a head change, delivered out of order, or an approval
 *   or dismissal lost when GitHub lists release runs of its commit (reconcile counts an approval it
 *   never saw, once a release was asked for, as given after the runs' outcomes, so that it starts a
 *   new release rather than leave a dead end); or a run's failure lost, and an approval given after it
 *   delivered while the guard still waited for the release (asked for or running): reconcile counts an
 *   approval it saw then as given before the failure (one given before it asks for no second release,
 *   and the facts cannot tell the two apart);
 * - `unapproved-run`: a run the whole history reported as running although nobody approved it (its
 *   approval withdrawn after the dispatch); GitHub lists it as a live run of the head, which the
 *   guard adopts once an approval stands again;
 * - `earlier-run`: GitHub lists a running or successful run of the head that the whole history did
 *   not count (dispatched for an approval withdrawn before it finished), or whose success it counted
 *   for a release it then failed (its approval withdrawn before the artifacts were published), the
 *   head's last run: reconcile adopts it as the release of the approval that stands rather than start
 *   a second release of the same commit;
 * - `unanswered`: the whole history ends waiting for the answer to `VERIFY_ARTIFACTS` about artifacts
 *   GitHub's registry already shows for the head (published by an earlier run of it): reconcile counts
 *   them, as the answer would;
 * - `withdrawn-approval`: an approval lost and dismissed later: GitHub shows neither, so neither the
 *   release it asked for nor its withdrawal (a `failed` release) is a fact; or a head the whole history
 *   released, whose approvals were all dismissed since, while the deliveries that released it were lost:
 *   no fact says it was ever cleared (its merge by the guard looks like a bypass);
 * - `early-approval`: an approval delivered while the guard did not yet know its commit was the head
 *   (the head change lost or late). The guard remembers it as seen, as it must for an approval of an
 *   earlier head (which it cannot tell apart), so it never counts: the reviewer approves again;
 * - `version-order`: an approval of a commit given before an edit of that same head (a title changing
 *   the version), not delivered before the edit was, or delivered while the guard knew another version
 *   than the one it was given for (a head change or an edit carrying the version lost, late or
 *   reordered): GitHub shows the approval of the commit, not which version it approved, so reconcile
 *   counts it for the version the facts show, or not at all once the guard took it for another one.
 *   Also a merge of a commit released at one version, after an edit gave the head another version (the
 *   guard's merge asked for before the edit, answered after it): the whole history judges the merge by
 *   its commit (released, so no bypass), reconcile by the commit and the version GitHub shows now, which
 *   was never released (a bypass). The two judgements differ, not the facts.
 */
export function unobservable(
  pr: PullRequest,
  truth: TrueHistory,
  delivered: readonly GuardEvent[],
  guard: Guard = seedGuard,
): string | undefined {
  const { events } = truth;
  if (events.some((e) => e.type === 'RETRY' || e.type === 'TIMED_OUT')) return 'command';
  if (events.some((e) => e.type === 'CLOSED')) return 'epoch';
  if (events.some((e) => e.type === 'MERGED' && e.by !== 'release-bot' && e.by !== MERGE_QUEUE_BOT)) {
    return 'merge-order';
  }
  if (truth.snapshot.alertedRuns.length > 0) return 'unapproved-run';
  const whole = truth.snapshot;
  const shownRuns = factsOf(pr, events).releaseRuns ?? [];
  const uncounted = shownRuns.some(
    (r) =>
      r.sha === whole.headSha &&
      (r.conclusion === null || r.conclusion === 'success') &&
      r.runId !== whole.release.runId &&
      !whole.finishedRuns.includes(String(r.runId)),
  );
  if (uncounted) return 'earlier-run';
  const last = shownRuns.findLast(
    (r) => r.sha === whole.headSha && (r.version === undefined || r.version === whole.pr.version),
  );
  const waiting = whole.phase === 'prepared' || whole.phase === 'approved' || whole.phase === 'failed';
  const standing = factsOf(pr, events).approvals?.some((a) => a.sha === whole.headSha && a.authorized);
  if (waiting && standing && last?.conclusion === 'success' && whole.finishedRuns.includes(String(last.runId))) {
    return 'earlier-run';
  }
  if (whole.phase === 'releasing' && whole.release.state === 'succeeded') {
    const shown = factsOf(pr, events).artifacts ?? [];
    const waiting = guard.settings.artifacts.filter(
      (a) => !a.onMerge && !whole.verified.some((v) => v.name === a.name),
    );
    if (waiting.every((a) => shown.some((f) => f.sha === whole.headSha && f.name === a.name))) return 'unanswered';
  }
  const review = (e: GuardEvent) =>
    e.type === 'APPROVED' || e.type === 'APPROVAL_DISMISSED' || e.type === 'HEAD_CHANGED';
  const run = (e: GuardEvent) =>
    e.type === 'RELEASE_STARTED' || e.type === 'RELEASE_SUCCEEDED' || e.type === 'RELEASE_FAILED';
  const at = delivered.map((e) => events.indexOf(e));
  for (let i = 0; i < delivered.length; i++) {
    for (let j = i + 1; j < delivered.length; j++) {
      const [x, y] = [delivered[i] as GuardEvent, delivered[j] as GuardEvent];
      const crossed = (review(x) && (run(y) || y.type !== x.type)) || (review(y) && (run(x) || x.type !== y.type));
      if ((at[i] as number) > (at[j] as number) && crossed && (review(x) || review(y))) return 'review-order';
    }
  }
  const edits = editsOf(pr, events);
  const merged = events.findIndex((e) => e.type === 'MERGED');
  const released = events.findIndex((e) => e.type === 'RELEASE_SUCCEEDED');
  if (merged >= 0 && released >= 0 && edits.some((j) => j > released && j < merged)) return 'version-order';
  for (const [i, event] of events.entries()) {
    if (event.type !== 'APPROVED') continue;
    const edit = edits.find((j) => j > i && (events[j] as GuardEvent & { sha: string }).sha === event.sha);
    if (edit === undefined) continue;
    const approvedAt = delivered.indexOf(event);
    const editedAt = delivered.indexOf(events[edit] as GuardEvent);
    if (approvedAt < 0 || (editedAt >= 0 && approvedAt > editedAt)) return 'version-order';
  }
  // The version each approval was given for, as the whole history says.
  const approvedVersion = new Map<GuardEvent, string | undefined>();
  let then: GuardSnapshot = guard.start(pr).snapshot;
  for (const event of events) {
    if (event.type === 'APPROVED') approvedVersion.set(event, then.pr.version);
    then = guard.next(then, event).snapshot;
  }
  let seen: GuardSnapshot = guard.start(pr).snapshot;
  for (const event of delivered) {
    if (event.type === 'APPROVED' && event.sha !== seen.headSha) return 'early-approval';
    if (event.type === 'APPROVED' && approvedVersion.get(event) !== seen.pr.version) return 'version-order';
    if (event.type === 'APPROVED' && failedUnseen(seen, event, events, delivered)) return 'review-order';
    seen = guard.next(seen, event).snapshot;
  }
  const approved = factsOf(pr, events).approvals ?? [];
  const cleared = whole.releasedShas.filter((sha) => !seen.releasedShas.includes(sha));
  if (cleared.some((sha) => !approved.some((a) => a.sha === sha && a.authorized))) return 'withdrawn-approval';
  const runs = factsOf(pr, events).releaseRuns ?? [];
  for (const event of events) {
    if (delivered.includes(event)) continue;
    if (event.type === 'APPROVAL_DISMISSED' && runs.length > 0) return 'review-order';
    if (event.type === 'APPROVED' && runs.some((r) => r.sha === event.sha)) return 'review-order';
    if (
      event.type === 'APPROVED' &&
      events.some((e) => e.type === 'APPROVAL_DISMISSED' && String(e.reviewId) === String(event.reviewId))
    ) {
      return 'withdrawn-approval';
    }
  }
  return undefined;
}

/**
 * Whether `approval` came, in the whole history, after the failure of a run of the head while the guard
 * waited for the release when it was delivered (`seen`: asked for or running), and that failure was
 * never delivered (nor any outcome of its run).
 */
function failedUnseen(
  seen: GuardSnapshot,
  approval: GuardEvent,
  events: readonly GuardEvent[],
  delivered: readonly GuardEvent[],
): boolean {
  if (seen.release.state !== 'requested' && seen.release.state !== 'running') return false;
  const at = events.indexOf(approval);
  return events.some(
    (e, i) =>
      i < at &&
      e.type === 'RELEASE_FAILED' &&
      e.sha === seen.headSha &&
      !seen.finishedRuns.includes(String(e.runId)) &&
      !delivered.includes(e),
  );
}

/** The indices of the edits among `events`: head changes that name the head they found. */
function editsOf(pr: PullRequest, events: readonly GuardEvent[]): number[] {
  let head = pr.headSha;
  const edits: number[] = [];
  for (const [i, event] of events.entries()) {
    if (event.type === 'HEAD_CHANGED' && event.sha === head) edits.push(i);
    if (event.type === 'HEAD_CHANGED' || event.type === 'REOPENED') head = event.sha;
  }
  return edits;
}
