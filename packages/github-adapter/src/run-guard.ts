import type { Octokit } from '@octokit/rest';
import { type Effect, type Guard, type GuardEvent, type GuardSnapshot, renderTimeline } from '@release-guard/core';
import { type ArtifactVerifierOptions, verifyArtifacts } from './artifacts/index.js';
import { saveTimeline } from './comments.js';
import { type ArtifactVerifier, githubExecutor } from './executor.js';
import { type ObserveOptions, observe, type PullRequestRef } from './observe.js';
import { type ReleaseMode, releaseRuns } from './release.js';
import type { StatusKind } from './statuses.js';
import { renderTimelineComment } from './timeline-comment.js';

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
  versionOf?: ObserveOptions['versionOf'];
  /** REST (default) or GraphQL merge; `autoMerge` enables GitHub's auto-merge when other checks are pending. */
  merge?: { via?: 'rest' | 'graphql'; autoMerge?: boolean };
  /** How artifacts are looked up in their registries (credentials per host, revision check). */
  registries?: ArtifactVerifierOptions;
  /** Answers `VERIFY_ARTIFACTS` instead of looking in the registries. */
  verifyArtifacts?: ArtifactVerifier;
  /**
   * What happened, as guard events (from the Actions event); none for a sweep. A function is called with
   * the snapshot rebuilt from GitHub's facts, for events that depend on it (a sweep's `TIMED_OUT`).
   */
  events?: readonly GuardEvent[] | ((reconciled: GuardSnapshot) => readonly GuardEvent[]);
  /**
   * The clock: every event applied without an `at` (reconciled facts, the caller's events, effect
   * outcomes) is stamped with it, so the timeline shows when things happened. Default: the system clock.
   */
  now?: () => Date;
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
  const observed = await observe(octokit, pr, {
    statusContext: guard.settings.statusContext,
    ...(options.approvers ? { approvers: options.approvers } : {}),
    ...(options.versionOf ? { versionOf: options.versionOf } : {}),
  });
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
  // have finished while its workflow_run delivery was lost: read the runs whenever one matters.
  if (
    stored &&
    (stored.release.state !== 'none' || stored.phase === 'approved' || stored.phase === 'releasing') &&
    stored.headSha === observed.facts.pr.headSha &&
    options.release.kind === 'dispatch'
  ) {
    observed.facts.releaseRuns = await releaseRuns(octokit, repo, options.release.workflow, stored.headSha);
  }

  const result: GuardRunResult = { snapshot: undefined as never, effects: [], ignored: [], release: false, alerts: [] };
  if (storedSnapshotProblem) result.storedSnapshotProblem = storedSnapshotProblem;
  const now = options.now ?? (() => new Date());
  const queue: Effect[] = [];
  let step = guard.reconcile(stored, { ...observed.facts, at: now().toISOString() });
  let snapshot = step.snapshot;
  queue.push(...step.effects);
  if (step.ignored) result.ignored.push(step.ignored);

  const executor = githubExecutor({
    octokit,
    ...(options.mergeOctokit ? { mergeOctokit: options.mergeOctokit } : {}),
    pr,
    release:
      options.release.kind === 'dispatch' && !options.release.ref
        ? { ...options.release, ref: observed.facts.pr.headRef }
        : options.release,
    ...(options.statusKind ? { statusKind: options.statusKind } : {}),
    verifyArtifacts: options.verifyArtifacts ?? ((effect) => verifyArtifacts(effect, options.registries)),
    shown: observed.facts.statuses ?? [],
    mergedBy: observed.viewer,
    viewer: observed.viewer,
    merge: { ...options.merge, pullRequestId: observed.nodeId },
    knownRuns: () => [...snapshot.finishedRuns, ...snapshot.alertedRuns],
  });

  const apply = (event: GuardEvent) => {
    step = guard.next(snapshot, event.at === undefined ? { ...event, at: now().toISOString() } : event);
    snapshot = step.snapshot;
    queue.push(...step.effects);
    if (step.ignored) result.ignored.push(step.ignored);
  };
  const events = typeof options.events === 'function' ? options.events(snapshot) : (options.events ?? []);
  for (const event of events) apply(event);

  while (queue.length > 0) {
    const effect = queue.shift() as Effect;
    if (options.dryRun) {
      result.effects.push({ effect, executed: false });
      continue;
    }
    for (const event of await executor.execute(effect)) apply(event);
    result.effects.push({ effect, executed: true });
  }
  result.snapshot = snapshot;
  result.release = executor.releaseInRun;
  result.alerts.push(...executor.alerts);
  const timelineBody = executor.timelineBody;

  if (!options.dryRun) {
    const serialized = guard.serialize(snapshot);
    const changed = !stored || guard.serialize(stored) !== serialized || timelineBody !== undefined;
    if (changed && snapshot.kind === 'release') {
      const body = renderTimelineComment(timelineBody ?? renderTimeline(snapshot), snapshot, serialized);
      await saveTimeline(octokit, pr, observed.timeline?.commentId, body);
    }
  }
  return result;
}
