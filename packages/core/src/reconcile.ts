import { checkFacts } from './check-facts.js';
import type { Effect, StatusState } from './effects.js';
import type { GuardEvent, Id } from './events.js';
import type { Guard, Step } from './guard.js';
import { headFactsOf } from './head-facts.js';
import { requestedMerge } from './machine/context.js';
import {
  awaitedEffect,
  dequeueParams,
  isInItsPhase,
  mergeParams,
  requiredArtifacts,
  startReleaseParams,
  verifyArtifactsParams,
} from './machine/effects.js';
import { addReleasers, classify, isReleaser, type PullRequest } from './pull-request.js';
import { assertVersionSource } from './recognition.js';
import { type GuardSnapshot, idString, LIMITS, MAX_ENQUEUES } from './snapshot.js';
import { standingStatus } from './standing-status.js';

/**
 * An approving review as GitHub shows it; `authorized` is decided by the caller (the adapter). An
 * approval by one of the pull request's releasers counts for nothing, whatever `authorized` says.
 */
export interface ApprovalFact {
  reviewId: Id;
  reviewer: string;
  sha: string;
  authorized: boolean;
}

/**
 * A release workflow run attempt. `conclusion` is `null` while it has not finished. `rerunOf`, as on
 * `RELEASE_STARTED`: the earlier attempt of the same run that this one re-runs.
 */
export interface ReleaseRunFact {
  runId: Id;
  sha: string;
  rerunOf?: Id;
  /** The version the run releases, as on `RELEASE_STARTED`: a run of another version is not the head's release. */
  version?: string;
  conclusion:
    | 'success'
    | 'failure'
    | 'cancelled'
    | 'timed_out'
    | 'action_required'
    | 'neutral'
    | 'skipped'
    | 'stale'
    | null;
}

/** An artifact found in its registry for the release of `sha`. */
export interface ArtifactFact {
  name: string;
  sha: string;
  digest: string;
  /** The ref found, as on `ARTIFACT_VERIFIED`: one other than the artifact's at the head's version is not its artifact. */
  ref?: string;
}

/** The latest status (or check run) of the guard's context on `sha`, as GitHub shows it. */
export interface StatusFact {
  sha: string;
  state: StatusState;
  description?: string;
}

/**
 * What GitHub says about one pull request. Lists are in chronological order (oldest first). Leave a
 * list out when it was not observed: the stored snapshot's claims about it (a succeeded release,
 * verified artifacts) are then kept, while an observed list that does not back them discards them.
 * Observe `releaseRuns` whenever a stored snapshot claims a release that matters.
 */
export interface GuardFacts {
  pr: PullRequest & { state: 'open' | 'closed' | 'merged'; mergedSha?: string; mergedBy?: string };
  approvals?: readonly ApprovalFact[];
  releaseRuns?: readonly ReleaseRunFact[];
  artifacts?: readonly ArtifactFact[];
  statuses?: readonly StatusFact[];
  /** When the facts were observed (ISO time): stamped on the events reconcile applies, so the timeline shows it. */
  at?: string;
}

/**
 * Rebuilds the state from GitHub's facts. A stored snapshot is used as the starting point only while
 * every claim it makes (standing approvals, a succeeded release, verified artifacts, merged) is backed
 * by the facts; otherwise the state is rebuilt from the facts alone, keeping only the stored history
 * (released SHAs, reported runs, violations, timeline). The facts are then applied as events, which
 * the machine's idempotence turns into no-ops where they are already known, and the effects are
 * trimmed to those GitHub does not already reflect. The releasers are the stored ones and any that
 * `facts.pr.releasers` adds (trusted or rebuilt alike): facts never remove one.
 */
export function reconcileFacts(guard: Guard, stored: GuardSnapshot | undefined, facts: GuardFacts): Step {
  checkFacts(facts);
  assertVersionSource(facts.pr, guard.settings);
  const { state, mergedSha, mergedBy, ...pr } = facts.pr;
  const prior = stored && stored.pr.number === pr.number ? stored : undefined;
  const head = pr.headSha;
  // Releasers are pinned before any approval is looked at: the stored ones first, then any the facts
  // add. Facts that no longer list a releaser (who took themself off the assignees) remove nobody.
  const releasers = addReleasers(prior?.pr.releasers, pr.releasers);
  const approvals = (facts.approvals ?? []).filter(
    (a) => a.sha === head && a.authorized && !isReleaser(releasers, a.reviewer),
  );

  if (prior?.phase === 'merged' && state === 'merged') {
    return { snapshot: prior, effects: [], ignored: 'the pull request is merged: nothing more happens' };
  }

  const trusted =
    prior !== undefined && isBackedByFacts(prior, facts, guard) && !refusesShownRelease(prior, facts, approvals, guard);
  const effects: Effect[] = [];
  let snapshot: GuardSnapshot;
  if (trusted) snapshot = prior;
  else {
    const started = guard.start(pr);
    effects.push(...started.effects);
    snapshot = prior ? carryHistory(started.snapshot, prior, approvals) : started.snapshot;
  }
  snapshot = withReleasers(snapshot, releasers);
  // Whether the base branch requires a merge queue: GitHub's word wins over what the guard learnt.
  if (pr.mergeQueue !== undefined) snapshot = { ...snapshot, pr: { ...snapshot.pr, mergeQueue: pr.mergeQueue } };

  const apply = (event: GuardEvent) => {
    const step = guard.next(snapshot, facts.at === undefined ? event : { ...event, at: facts.at });
    snapshot = step.snapshot;
    effects.push(...step.effects);
  };

  // The facts of the head come with the head: at a new head they are its facts, at the same head an edit
  // (an edited title may change the version, which locks the head again).
  const headFacts = headFactsOf(pr);
  const edited = Object.keys(headFacts).length > 0;
  if (snapshot.phase === 'closed' && state === 'open') apply({ type: 'REOPENED', sha: head, ...headFacts });
  else if (snapshot.headSha !== head || edited) apply({ type: 'HEAD_CHANGED', sha: head, ...headFacts });
  // Standing approvals GitHub no longer shows, or by someone since found to be a releaser, are withdrawn.
  for (const approval of snapshot.approvals) {
    if (!approvals.some((a) => idString(a.reviewId) === approval.reviewId)) {
      apply({ type: 'APPROVAL_DISMISSED', reviewId: approval.reviewId, reviewer: approval.reviewer });
    }
  }
  const approve = () => {
    for (const { reviewId, reviewer, authorized } of approvals)
      apply({ type: 'APPROVED', sha: head, reviewId, reviewer, authorized });
  };
  // The runs of the head, of its version when they name one (its facts were applied above).
  const runs = (facts.releaseRuns ?? []).filter((run) => isRunOf(run, snapshot));
  // Runs older than the snapshot's current run (the list is chronological) are done with: replayed,
  // an earlier cycle's run would replace the current one and its failure fail the release.
  const current = runs.findIndex((run) => idString(run.runId) === snapshot.release.runId);
  const release = () => {
    for (const run of trusted ? runs.slice(Math.max(current, 0)) : runs.slice(-1)) {
      const version = run.version === undefined ? {} : { version: run.version };
      apply({
        type: 'RELEASE_STARTED',
        sha: head,
        runId: run.runId,
        ...(run.rerunOf === undefined ? {} : { rerunOf: run.rerunOf }),
        ...version,
      });
      if (run.conclusion === 'success') apply({ type: 'RELEASE_SUCCEEDED', sha: head, runId: run.runId, ...version });
      else if (run.conclusion !== null) {
        const reason = `the run concluded ${run.conclusion}`;
        apply({ type: 'RELEASE_FAILED', sha: head, runId: run.runId, reason, ...version });
      }
    }
  };
  // Facts carry no order between reviews and runs. While a release of the head is already under way,
  // an approval the guard has not seen cannot be the one that asked for it: it is applied after the
  // runs' outcomes, so an approval given after a failed release starts a new one.
  if (snapshot.release.state === 'none') {
    approve();
    release();
  } else {
    release();
    approve();
  }
  for (const { name, digest, ref, sha } of facts.artifacts ?? []) {
    if (sha === head)
      apply({ type: 'ARTIFACT_VERIFIED', sha: head, name, digest, ...(ref === undefined ? {} : { ref }) });
  }
  // Standing in the merge queue, or out of it, as GitHub shows: a cleared head in the queue is queued.
  if (state === 'open' && pr.queued === true) apply({ type: 'ENQUEUED', sha: head });
  if (state === 'open' && pr.queued === false && snapshot.merge.state === 'queued') {
    apply({ type: 'DEQUEUED', sha: head, reason: 'GitHub shows it out of the merge queue' });
  }
  if (state === 'merged') apply({ type: 'MERGED', sha: mergedSha ?? head, by: mergedBy ?? 'unknown' });
  if (state === 'closed') apply({ type: 'CLOSED' });

  const repairs = repairEffects(snapshot, facts, guard);
  if (repairs.merge) snapshot = { ...snapshot, merge: requestedMerge(snapshot) };
  const needed = trimEffects(
    [...effects, ...repairs.effects, ...reassertion(snapshot, facts, effects, guard)],
    snapshot,
    facts,
  );
  if (needed.length === 0 && prior && guard.serialize(prior) === guard.serialize(snapshot)) {
    return { snapshot: prior, effects: [], ignored: 'GitHub already agrees with the snapshot' };
  }
  return { snapshot, effects: needed };
}

/** Whether every claim of the stored snapshot is backed by the facts. */
function isBackedByFacts(prior: GuardSnapshot, facts: GuardFacts, guard: Guard): boolean {
  const { pr } = facts;
  if (prior.kind !== classify(pr, guard.settings)) return false;
  if (prior.phase === 'merged') return false;
  if (prior.headSha !== pr.headSha) return true;
  const runs = facts.releaseRuns;
  if (runs && (prior.release.state === 'succeeded' || prior.phase === 'released')) {
    if (!runs.some((r) => isRunOf(r, prior) && r.conclusion === 'success')) return false;
  }
  const artifacts = facts.artifacts;
  if (artifacts && prior.verified.length > 0) {
    const refs = requiredArtifacts({ settings: guard.settings, pr: prior.pr });
    const isOfHead = (a: ArtifactFact) =>
      a.sha === pr.headSha && (a.ref === undefined || refs.some((r) => r.name === a.name && r.ref === a.ref));
    if (
      !prior.verified.every((v) => artifacts.some((a) => isOfHead(a) && a.name === v.name && a.digest === v.digest))
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Whether the facts show the head's release done, approved and verified while the stored snapshot will
 * never count it: the last run of the head succeeded, every required artifact of the head is there and
 * an authorized approval stands, but the snapshot took that run as finished without releasing the head
 * (its approval withdrawn before it learnt of the artifacts). Trusted, it would ask for a second
 * release that the successful run forbids, or take the guard's merge for a bypass; rebuilt from the
 * facts, the approval standing adopts the run, as it would without a stored snapshot.
 */
function refusesShownRelease(
  prior: GuardSnapshot,
  facts: GuardFacts,
  approvals: readonly ApprovalFact[],
  guard: Guard,
): boolean {
  const head = facts.pr.headSha;
  const waiting = prior.phase === 'prepared' || prior.phase === 'approved' || prior.phase === 'failed';
  if (prior.headSha !== head || !waiting || approvals.length === 0) return false;
  const last = (facts.releaseRuns ?? []).findLast((r) => isRunOf(r, prior));
  if (last?.conclusion !== 'success' || !prior.finishedRuns.includes(idString(last.runId))) return false;
  const shown = facts.artifacts ?? [];
  return requiredArtifacts({ settings: guard.settings, pr: prior.pr }).every(({ name, ref }) =>
    shown.some((a) => a.sha === head && a.name === name && (a.ref === undefined || a.ref === ref)),
  );
}

/** Whether a run is one of the snapshot's head: its commit, and its version when it names one. */
function isRunOf(run: ReleaseRunFact, snapshot: GuardSnapshot): boolean {
  return run.sha === snapshot.headSha && (run.version === undefined || run.version === snapshot.pr.version);
}

/** `snapshot` keeping `releasers`: the stored ones, then those the facts add (see `addReleasers`). */
function withReleasers(snapshot: GuardSnapshot, releasers: string[] | undefined): GuardSnapshot {
  return releasers === undefined ? snapshot : { ...snapshot, pr: { ...snapshot.pr, releasers } };
}

/**
 * A rebuilt snapshot keeps the stored history, in a new epoch, but none of its claims. Its releasers
 * are the stored ones and the facts' (`withReleasers`), set before any approval is applied. The
 * approvals that stood count again, unless the version changed since: they approved another one.
 */
function carryHistory(started: GuardSnapshot, prior: GuardSnapshot, approvals: readonly ApprovalFact[]): GuardSnapshot {
  const sameVersion = prior.pr.version === started.pr.version && prior.pr.versionProblem === started.pr.versionProblem;
  const standing = new Set(sameVersion ? prior.approvals.map((a) => a.reviewId) : []);
  const current = new Set(approvals.map((a) => idString(a.reviewId)).filter((id) => standing.has(id)));
  return {
    ...started,
    epoch: prior.epoch + 1,
    seenReviews: prior.seenReviews.filter((id) => !current.has(id)),
    releasedShas: prior.releasedShas,
    alertedRuns: prior.alertedRuns,
    finishedRuns: [],
    violations: prior.violations,
    ...(prior.groups === undefined ? {} : { groups: prior.groups }),
    timeline: [...prior.timeline, ...started.timeline].slice(-LIMITS.timeline),
  };
}

/**
 * Work that a sweep must retry even when no fact changed: a lost dispatch, a lost verification, a
 * refused merge (or one out of the merge queue), a release head no approval clears that stands in the queue. A
 * release is asked for again only when the observed runs show none of the head running or succeeded
 * (never a second release beside a live or successful one).
 */
function repairEffects(
  snapshot: GuardSnapshot,
  facts: GuardFacts,
  guard: Guard,
): { effects: Effect[]; merge: boolean } {
  const context = { ...snapshot, settings: guard.settings };
  const none = { effects: [], merge: false };
  // A release head with no approval standing (locked again, rebuilt without its record, its version edited,
  // queued by someone before any approval) is taken out of the merge queue: a group the guard judged while
  // it was cleared would still merge it. One approved is left to its release, which clears it or fails.
  if (facts.pr.queued === true && snapshot.kind === 'release' && snapshot.approvals.length === 0) {
    return { effects: [{ type: 'DEQUEUE', ...dequeueParams(context) }], merge: false };
  }
  switch (awaitedEffect(snapshot.phase)) {
    case 'START_RELEASE': {
      const runs = facts.releaseRuns;
      if (runs === undefined) return none;
      const live = runs.some((r) => isRunOf(r, snapshot) && (r.conclusion === null || r.conclusion === 'success'));
      return live ? none : { effects: [{ type: 'START_RELEASE', ...startReleaseParams(context) }], merge: false };
    }
    case 'VERIFY_ARTIFACTS': {
      const verify = verifyArtifactsParams(context);
      if (snapshot.release.state !== 'succeeded' || verify.artifacts.length === 0) return none;
      return { effects: [{ type: 'VERIFY_ARTIFACTS', ...verify }], merge: false };
    }
    case 'MERGE':
      if (!isCleared(snapshot)) return none;
      if (snapshot.merge.state === 'requested' || snapshot.merge.state === 'queued') return none;
      // A head that left the merge queue `MAX_ENQUEUES` times was alerted: only a command (`RETRY`) or a
      // new approval enqueues it again, never a rebuild.
      if (snapshot.pr.mergeQueue === true && (snapshot.merge.enqueues ?? 0) >= MAX_ENQUEUES) return none;
      return { effects: [{ type: 'MERGE', ...mergeParams(context) }], merge: true };
    default:
      return none;
  }
}

/** Whether the head is cleared: released, with an approval standing. */
function isCleared(snapshot: GuardSnapshot): boolean {
  return snapshot.phase === 'released' && snapshot.approvals.length > 0;
}

/**
 * The status that must stand on a live release head, when GitHub shows another state there and nothing
 * else writes it. A status belongs to the commit, not to the guard: anyone with `statuses: write`, or a
 * verdict for another pull request with the same head, can change it. What stands is compared with what
 * the snapshot implies, never with what the guard last wrote (level-triggered).
 */
function reassertion(snapshot: GuardSnapshot, facts: GuardFacts, effects: readonly Effect[], guard: Guard): Effect[] {
  if (!facts.statuses || facts.pr.state !== 'open' || snapshot.kind !== 'release') return [];
  const must = standingStatus(snapshot, guard.settings.statusContext);
  if (!must || effects.some((e) => e.type === 'SET_STATUS' && e.sha === snapshot.headSha)) return [];
  const shown = facts.statuses.findLast((s) => s.sha === snapshot.headSha);
  return shown?.state === must.state ? [] : [must];
}

/**
 * Keeps only what GitHub does not already reflect: the last status of the head (when it differs from
 * the one GitHub shows), one timeline update, and each other effect once, if it is still the work of
 * the phase the pull request ends in (`EFFECT_PHASE`): no merge of a pull request that stands in the
 * merge queue, no `DEQUEUE` of one GitHub shows out of it or of a head cleared again (an approval given
 * again by its reviewer replaces the one it withdraws).
 */
function trimEffects(effects: readonly Effect[], snapshot: GuardSnapshot, facts: GuardFacts): Effect[] {
  const lastStatus = effects.findLast((e) => e.type === 'SET_STATUS' && e.sha === snapshot.headSha);
  const lastComment = effects.findLast((e) => e.type === 'COMMENT');
  const lastVerify = effects.findLast((e) => e.type === 'VERIFY_ARTIFACTS');
  const shown = facts.statuses?.findLast((s) => s.sha === snapshot.headSha);
  const kept: Effect[] = [];
  const seen = new Set<string>();
  for (const effect of effects) {
    if (!isInItsPhase(effect, snapshot.phase)) continue;
    if (effect.type === 'SET_STATUS') {
      if (effect !== lastStatus || facts.pr.state !== 'open') continue;
      if (shown && shown.state === effect.state && shown.description === effect.description) continue;
    } else if (effect.type === 'COMMENT' && effect !== lastComment) continue;
    else if (effect.type === 'VERIFY_ARTIFACTS' && effect !== lastVerify) continue;
    else if (effect.type === 'MERGE' && (facts.pr.state !== 'open' || snapshot.merge.state === 'queued')) continue;
    else if (
      effect.type === 'DEQUEUE' &&
      (facts.pr.state !== 'open' || facts.pr.queued === false || isCleared(snapshot))
    )
      continue;
    const key = JSON.stringify(effect);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(effect);
  }
  return kept;
}
