import type { Octokit } from '@octokit/rest';
import {
  classify,
  type Effect,
  type Guard,
  type GuardEvent,
  type GuardSnapshot,
  renderTimeline,
  shortSha,
  standingStatus,
} from '@release-guard/core';
import { type ArtifactVerifierOptions, verifyArtifacts } from './artifacts/index.js';
import { saveTimeline } from './comments.js';
import { groupOfQueuedHead, staleDelivery, staleEffect, staleQueueDelivery, standingEntry } from './deliveries.js';
import { type ArtifactVerifier, githubExecutor } from './executor.js';
import { changedFilesOf } from './head-facts.js';
import { disableAutoMerge } from './merge.js';
import { type Observation, type ObserveOptions, observe, type PullRequestRef, sameLogin } from './observe.js';
import { type ReleaseMode, releaseRuns, rerunOf } from './release.js';
import type { StatusKind } from './statuses.js';
import { renderTimelineComment } from './timeline-comment.js';

/**
 * The guard events a run applies: a list, or a function of the snapshot rebuilt from GitHub's facts, for
 * events that depend on it (a sweep's `TIMED_OUT`, a release report checked against the recorded run).
 */
export type GuardEventsFor = readonly GuardEvent[] | ((reconciled: GuardSnapshot) => readonly GuardEvent[]);

export interface GuardRunOptions {
  guard: Guard;
  /** Reads, statuses, comments and dispatches. */
  octokit: Octokit;
  /**
   * Merges. A merge made with a workflow's GITHUB_TOKEN starts no `push` workflows, so a chart workflow
   * on push would never run: give a GitHub App or personal token here.
   */
  mergeOctokit?: Octokit;
  pr: PullRequestRef;
  release: ReleaseMode;
  statusKind?: StatusKind;
  approvers?: ObserveOptions['approvers'];
  /** The version of a release branch, with `versionSource: 'branch'` only (any other source throws). */
  versionOf?: ObserveOptions['versionOf'];
  /** REST (default) or GraphQL merge; `autoMerge` enables GitHub's auto-merge when other checks are pending. */
  merge?: { via?: 'rest' | 'graphql'; autoMerge?: boolean };
  /** How artifacts are looked up in their registries (credentials per host, revision check). */
  registries?: ArtifactVerifierOptions;
  /** Answers `VERIFY_ARTIFACTS` instead of looking in the registries. */
  verifyArtifacts?: ArtifactVerifier;
  /** What happened, as guard events (from the Actions event); none for a sweep. */
  events?: GuardEventsFor;
  /**
   * The clock: every event applied without an `at` (reconciled facts, the caller's events, effect
   * outcomes) is stamped with it, so the timeline shows when things happened. Default: the system clock.
   */
  now?: () => Date;
  /**
   * The release workflow run that `events` report (from a `workflow_run` delivery): its events are applied
   * only when the guard's own token started it; the success of anyone else's run is alerted.
   */
  deliveredRun?: { runId: string; actor: string; succeeded: boolean };
  /** Compute and return the effects without executing any or saving the snapshot. */
  dryRun?: boolean;
}

export interface GuardRunResult {
  snapshot: GuardSnapshot;
  /** Every effect, in order, with whether it was executed. */
  effects: { effect: Effect; executed: boolean }[];
  /** Why events changed nothing. */
  ignored: string[];
  /** True when `START_RELEASE` asked the calling run to release (`release: { kind: 'in-run' }`). */
  release: boolean;
  alerts: string[];
  /** Why the stored snapshot was not used, if it was not. */
  storedSnapshotProblem?: string;
  /**
   * True when the run disabled GitHub's auto-merge of a release pull request whose guard status must not
   * be `success` (see `standingStatus`): nothing stays armed to merge it when that status turns green.
   */
  autoMergeDisabled?: boolean;
}

/**
 * One guard run for one pull request: observe GitHub (one query), rebuild the state from the facts
 * and the stored snapshot (`guard.reconcile`), apply the events, execute the effects in order (feeding
 * their outcomes back as events), and save the snapshot in the timeline comment only after every effect
 * succeeded. An effect that throws stops the run without saving: the next run repairs from the facts.
 */
export async function runGuard(options: GuardRunOptions): Promise<GuardRunResult> {
  const { guard, octokit, pr } = options;
  const { number: _number, ...repo } = pr;
  if (options.versionOf && guard.settings.versionSource !== 'branch') {
    throw new TypeError(
      "versionOf names a branch's version, but the guard reads versions from its versionSource: leave versionOf out, or use versionSource: 'branch'",
    );
  }
  const observed = await observe(octokit, pr, {
    recognition: guard.settings,
    statusContext: guard.settings.statusContext,
    ...(options.statusKind ? { statusKind: options.statusKind } : {}),
    ...(options.approvers ? { approvers: options.approvers } : {}),
    ...(options.versionOf ? { versionOf: options.versionOf } : {}),
  });
  const { facts } = observed;
  let stored: GuardSnapshot | undefined;
  let storedSnapshotProblem = observed.timeline?.problem;
  if (observed.timeline?.serialized) {
    try {
      stored = guard.restore(observed.timeline.serialized);
    } catch (error) {
      storedSnapshotProblem = (error as Error).message;
    }
  }

  // A stored release claim is only as good as GitHub's record of the run, and a release under way may
  // have finished while its workflow_run delivery was lost: read the runs whenever one matters. Without a
  // stored snapshot (none yet, or lost, edited or deleted) they are always read, so a rebuilt state sees
  // a release that already ran instead of starting a second one.
  const kind = classify(facts.pr, guard.settings);
  let foreignRuns: { runId: string; event: string; branch: string }[] = [];
  if (
    options.release.kind === 'dispatch' &&
    kind === 'release' &&
    facts.pr.state !== 'merged' &&
    (!stored ||
      (stored.headSha === facts.pr.headSha &&
        (stored.release.state !== 'none' || stored.phase === 'approved' || stored.phase === 'releasing')))
  ) {
    const read = await releaseRuns(octokit, repo, options.release.workflow, {
      sha: facts.pr.headSha,
      headRef: options.release.ref ?? facts.pr.headRef,
      guard: observed.viewer,
    });
    // A later attempt of the run the stored snapshot holds as the release is a re-run of it (a retry).
    facts.releaseRuns = read.runs.map((run) => {
      const of = stored?.headSha === run.sha ? rerunOf(String(run.runId), stored.release.runId) : undefined;
      return of === undefined ? run : { ...run, rerunOf: of };
    });
    foreignRuns = read.foreign;
  }

  // Statuses belong to the commit: a verdict for this pull request would also stand on every release pull
  // request with the same head. Only the release pull request's own guard speaks on that SHA.
  const governing = facts.pr.state === 'open' ? await governorsOf(octokit, repo, guard, observed, kind) : [];

  const result: GuardRunResult = { snapshot: undefined as never, effects: [], ignored: [], release: false, alerts: [] };
  if (storedSnapshotProblem) result.storedSnapshotProblem = storedSnapshotProblem;
  const now = options.now ?? (() => new Date());
  const queue: Effect[] = [];
  let step = guard.reconcile(stored, { ...facts, at: now().toISOString() });
  let snapshot = step.snapshot;
  queue.push(...step.effects);
  if (step.ignored) result.ignored.push(step.ignored);
  const repair = step.effects.find((e) => e.type === 'SET_STATUS' && e.sha === facts.pr.headSha);
  const shown = facts.statuses?.at(-1);
  if (
    repair?.type === 'SET_STATUS' &&
    shown &&
    observed.statusWriter &&
    !sameLogin(observed.statusWriter, observed.viewer)
  ) {
    queue.push({
      type: 'ALERT',
      pr: pr.number,
      reason: `The ${repair.context} status on ${shortSha(repair.sha)} was set to ${shown.state} by ${observed.statusWriter}, not by the guard: it is set back to ${repair.state}.`,
    });
  }

  const executor = githubExecutor({
    octokit,
    ...(options.mergeOctokit ? { mergeOctokit: options.mergeOctokit } : {}),
    pr,
    release:
      options.release.kind === 'dispatch' && !options.release.ref
        ? { ...options.release, ref: observed.facts.pr.headRef }
        : options.release,
    ...(options.statusKind ? { statusKind: options.statusKind } : {}),
    verifyArtifacts:
      options.verifyArtifacts ?? ((effect) => verifyArtifacts(effect, { octokit, ...options.registries })),
    shown: facts.statuses ?? [],
    // The read token's login names the merger only when it also merges; a separate merge token's
    // identity is read from the merged pull request.
    ...(options.mergeOctokit ? {} : { mergedBy: observed.viewer }),
    viewer: observed.viewer,
    merge: { ...options.merge, pullRequestId: observed.nodeId },
    // A run alerted while no approval stood is still the guard's release of this SHA: a new approval
    // adopts it while it runs or once it succeeded, never releasing twice. Finished runs are done with.
    knownRuns: () => snapshot.finishedRuns,
  });

  for (const run of foreignRuns) {
    result.ignored.push(
      `run ${run.runId} of the release workflow (${run.event} on ${run.branch}) succeeded for ${shortSha(facts.pr.headSha)}, but the guard did not start it: it is not the release`,
    );
  }
  const apply = (reported: GuardEvent) => {
    const event = asRerun(reported, snapshot);
    step = guard.next(snapshot, event.at === undefined ? { ...event, at: now().toISOString() } : event);
    snapshot = step.snapshot;
    queue.push(...step.effects);
    if (step.ignored) result.ignored.push(step.ignored);
  };
  let events = typeof options.events === 'function' ? options.events(snapshot) : (options.events ?? []);
  const delivered = options.deliveredRun;
  if (delivered && !sameLogin(delivered.actor, observed.viewer)) {
    events = events.filter((event) => !('runId' in event) || String(event.runId) !== delivered.runId);
    const about = `run ${delivered.runId} of the release workflow was started by ${delivered.actor || 'someone unknown'}, not by the guard`;
    if (delivered.succeeded && kind === 'release') {
      queue.push({ type: 'ALERT', pr: pr.number, reason: `${capitalized(about)}: its success releases nothing.` });
    } else result.ignored.push(`${about}: it releases nothing`);
  }
  for (const delivered of events) {
    const event = await groupOfQueuedHead(octokit, repo, delivered, observed);
    const stale = staleDelivery(event, facts.pr.state) ?? staleQueueDelivery(event, observed);
    if (stale) result.ignored.push(stale);
    else apply(event);
  }

  if (governing.length > 0) result.ignored.push(sharedHeadNote(facts.pr.headSha, governing));
  // The head standing in the merge queue, as GitHub showed it and as the run's own queue effects left it.
  let queuedHead = facts.pr.queued === true ? (observed.queuedHead ?? facts.pr.headSha) : undefined;
  while (queue.length > 0) {
    const effect = queue.shift() as Effect;
    if (governing.length > 0 || options.dryRun) {
      result.effects.push({ effect, executed: false });
      continue;
    }
    const stale = staleEffect(effect, snapshot);
    if (stale) {
      result.ignored.push(stale);
      result.effects.push({ effect, executed: false });
      continue;
    }
    const standing = standingEntry(effect, queuedHead);
    if (standing) {
      result.ignored.push(`${shortSha(standing.sha)} stands in the merge queue already: it is not enqueued again`);
      result.effects.push({ effect, executed: false });
      apply(standing);
      continue;
    }
    for (const event of await executor.execute(effect)) apply(event);
    if (effect.type === 'DEQUEUE') queuedHead = undefined;
    result.effects.push({ effect, executed: true });
  }
  // An armed auto-merge waits only for the required checks: while the status that must stand on a release
  // head is not green (locked, releasing, failed, or released with its approval withdrawn), GitHub would
  // merge it as soon as anyone turned that status green again. The guard merges a cleared head itself.
  const must =
    kind === 'release' && facts.pr.state === 'open'
      ? standingStatus(snapshot, guard.settings.statusContext)
      : undefined;
  if (!options.dryRun && governing.length === 0 && observed.autoMergeArmed && must && must.state !== 'success') {
    try {
      await disableAutoMerge(options.mergeOctokit ?? octokit, observed.nodeId);
      result.autoMergeDisabled = true;
    } catch (error) {
      const reason = `Auto-merge of #${pr.number} is enabled but the guard could not disable it (${(error as Error).message}): GitHub merges ${shortSha(snapshot.headSha)} as soon as its checks pass.`;
      await executor.execute({ type: 'ALERT', pr: pr.number, reason });
      result.effects.push({ effect: { type: 'ALERT', pr: pr.number, reason }, executed: true });
    }
  }
  result.snapshot = snapshot;
  result.release = executor.releaseInRun;
  result.alerts.push(...executor.alerts);
  const timelineBody = executor.timelineBody;

  if (!options.dryRun && governing.length > 0) await noteSharedHead(octokit, pr, observed, governing);
  else if (!options.dryRun) {
    const serialized = guard.serialize(snapshot);
    const changed = !stored || guard.serialize(stored) !== serialized || timelineBody !== undefined;
    // A pull request that changes protected paths keeps a record too, so its bypass is alerted once; one
    // whose record stands keeps it up to date when it no longer does.
    const recorded = snapshot.kind === 'release' || snapshot.kind === 'protected' || observed.timeline !== undefined;
    if (changed && recorded) {
      const body = renderTimelineComment(timelineBody ?? renderTimeline(snapshot), snapshot, serialized);
      await saveTimeline(octokit, pr, observed.timeline?.commentId, body);
    }
  }
  return result;
}

/** `event`, with `rerunOf` when it starts a later attempt of the release run that `snapshot` holds. */
function asRerun(event: GuardEvent, snapshot: GuardSnapshot): GuardEvent {
  if (event.type !== 'RELEASE_STARTED' || event.rerunOf !== undefined || event.sha !== snapshot.headSha) return event;
  const of = rerunOf(String(event.runId), snapshot.release.runId);
  return of === undefined ? event : { ...event, rerunOf: of };
}

function isReleaseBranch(guard: Guard, branch: string): boolean {
  return classify({ headRef: branch, fromFork: false }, guard.settings) === 'release';
}

/**
 * What else speaks for this pull request's head commit, so that this pull request writes nothing on it:
 * for a pull request that is not a release, every open release pull request of this repository with the
 * same head, every other open pull request with that head that changes protected paths (when this one does
 * not), and every release branch of this repository that points at it (a release pull request that
 * is closed for a moment, or not opened yet); for a release pull request, an older open one with the same
 * head (a second release pull request of one branch, into another base).
 */
async function governorsOf(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  guard: Guard,
  observed: Observation,
  kind: ReturnType<typeof classify>,
): Promise<string[]> {
  const { number } = observed.facts.pr;
  const prs = observed.sharedHead.filter((other) => isReleaseBranch(guard, other.headRef));
  if (kind === 'release') {
    return prs
      .filter((other) => other.number < number)
      .map((other) => `the older release pull request #${other.number}`);
  }
  const protectedOthers = kind === 'not-release' ? await protectedSharers(octokit, repo, guard, observed) : [];
  const { data } = await octokit.rest.repos.listBranchesForHeadCommit({
    ...repo,
    commit_sha: observed.facts.pr.headSha,
  });
  const branches = data
    .map((branch) => branch.name)
    .filter((name) => isReleaseBranch(guard, name) && !prs.some((other) => other.headRef === name));
  return [
    ...prs.map((other) => `release pull request #${other.number}`),
    ...protectedOthers.map((number) => `pull request #${number}, which changes release-managed files`),
    ...branches.map((name) => `the release branch ${name}`),
  ];
}

/**
 * The other open pull requests with this head that change protected paths (into another base, the same
 * commit changes other files): "not required" written for this one would stand on their head too. One
 * whose files cannot be read at this head counts, failing closed.
 */
async function protectedSharers(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  guard: Guard,
  observed: Observation,
): Promise<number[]> {
  if (guard.settings.protectedPaths.length === 0) return [];
  const { headSha } = observed.facts.pr;
  const found: number[] = [];
  for (const other of observed.sharedHead) {
    if (isReleaseBranch(guard, other.headRef)) continue;
    const files = await changedFilesOf(octokit, { ...repo, number: other.number }, headSha);
    const kind = classify({ headRef: other.headRef, fromFork: false, ...(files ?? {}) }, guard.settings);
    if (kind === 'protected') found.push(other.number);
  }
  return found;
}

const SHARED_HEAD_MARKER = '<!-- release-guard:shared-head';

function sharedHeadNote(sha: string, governing: readonly string[]): string {
  return `the head ${shortSha(sha)} is also the head of ${governing.join(', ')}, whose status governs it: the guard writes nothing for this pull request on it`;
}

/** Says once on the pull request why the guard writes nothing for it. */
async function noteSharedHead(
  octokit: Octokit,
  pr: PullRequestRef,
  observed: Observation,
  governing: readonly string[],
): Promise<void> {
  const sha = observed.facts.pr.headSha;
  const marker = `${SHARED_HEAD_MARKER} ${sha} -->`;
  if (observed.ownComments.some((c) => c.body.startsWith(marker))) return;
  const { number, ...repo } = pr;
  const note = sharedHeadNote(sha, governing);
  const body = `${marker}\n**release-guard:** ${capitalized(note)}.`;
  await octokit.rest.issues.createComment({ ...repo, issue_number: number, body });
}

function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
