import type { FaultRule, GitHubEmulator } from '@release-guard/testkit';

/** The soak's shapes: its options, a scripted lifecycle, its steps and attacks, and the report it returns. */
export interface SoakOptions {
  seed: number;
  /** Lifecycles 1 to N. */
  lifecycles: number;
  /** Runs lifecycle `only` alone, as it runs inside a soak of any length with the same seed. */
  only?: number;
  /** Steps per lifecycle, at most. Default 14. */
  steps?: number;
  /** Chance that a delivery meets an injected API fault. Default 0.25. */
  faultRate?: number;
  /** Share of lifecycles without branch protection, where only the guard stands between a PR and a bad merge. Default 0.4. */
  unprotectedShare?: number;
  /** Called with each lifecycle's one-line result. */
  progress?: (line: string) => void;
  /**
   * A registry that answers every manifest look-up with "present": a planted fault that must make the
   * soak report merges of unreleased SHAs (it proves the soak's checks can fail).
   */
  lyingRegistry?: boolean;
  /**
   * Called at the end of each lifecycle with its GitHub and pull request: what stands there, and every
   * request it received, in order (the proof that a lifecycle replays: the same seed gives the same log).
   */
  end?: (lifecycle: number, github: GitHubEmulator['control'], pullRequest: { repo: string; number: number }) => void;
  /**
   * Runs one lifecycle (number `only`, default 1) by this script instead of drawing its steps: no attacks,
   * no faults, every delivery handed to one run, none lost but those the script loses.
   */
  script?: Script;
  /** Called with every step, delivery and guard run of the lifecycles listed, to follow a replay. */
  trace?: { lifecycles: readonly number[]; line: (line: string) => void };
  /**
   * Every lifecycle's main requires GitHub's merge queue (see `queue.ts`): the guard enqueues, the queue's
   * own deliveries go through the same lost, held back, duplicated and concurrent delivery, and the
   * queue's steps and attackers join the others.
   */
  queue?: boolean;
  /**
   * With `queue`: a guard that writes `success` on every merge group of the release (a planted fault that
   * must make the soak report groups of unreleased heads passed, and their merges).
   */
  lyingGroups?: boolean;
}

/** A lifecycle written out: a regression case of a history the soak once found. */
export interface Script {
  /** Branch protection on main: the `release` status required, and this many approving reviews. Default: no protection. */
  protection?: { requiredApprovals?: number };
  steps: readonly ScriptedStep[];
}

/** One step of a script: what happens on GitHub, and whether GitHub's delivery of it is lost. */
export interface ScriptedStep {
  step: Step;
  /** Who approves (`approve`). Default the maintainer. */
  user?: 'releaser' | 'maintainer';
  /** The delivery of this step is lost. */
  lost?: boolean;
  /** A fault armed for the run of this step's delivery (on the lifecycle's repository); cleared before the final sweep. */
  fault?: FaultRule;
}

export interface SoakReport {
  seed: number;
  /** Lifecycles run. */
  lifecycles: number;
  /** The one lifecycle run, when it ran alone. */
  only?: number;
  unprotected: number;
  /** Deliveries handed to the action (each duplicate and concurrent copy counted). */
  events: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  concurrentBursts: number;
  faultsInjected: number;
  /** Action runs that ended in an error (a fault they could not absorb); later deliveries and sweeps repair. */
  failedRuns: number;
  invariantViolations: string[];
  /** Pull requests merged more than once. */
  doubleMerges: number;
  /** Merge requests the guard sent (REST and GraphQL), whatever GitHub answered. */
  mergeRequests: number;
  /** Merge requests the guard sent for a SHA that was not approved, released and verified. */
  unreleasedMergeRequests: number;
  /** Merges by the guard of a SHA that was not approved, released and verified. */
  unreleasedMerges: number;
  releaseDispatches: number;
  /**
   * Release runs the guard dispatched for a SHA that already had a live or successful run of the guard in
   * the same epoch (a reopened pull request starts a new one, which must release again; a success without
   * the image failed its release, and a new approval releases again).
   */
  duplicateDispatches: number;
  /** Of `duplicateDispatches`, those that appeared in runs that met no injected fault (each also a violation). */
  duplicateDispatchesWithoutFault: number;
  /** Release runs dispatched for a SHA released in an earlier epoch of its pull request (by design: after a reopen). */
  releasesAgainAfterReopen: number;
  /**
   * Release runs dispatched for a SHA that GitHub did not show approved by an authorized reviewer other
   * than a releaser (with forbid-self-approval, the releaser is excluded however the assignees change);
   * each also a violation.
   */
  unapprovedDispatches: number;
  /** Lifecycles with forbid-self-approval, their pull request opened by a bot and assigned to the releaser. */
  selfApprovalForbidden: number;
  /** The attacks the soak made, each a step of its own (see `Attack`). */
  attacks: Record<Attack, number>;
  /** Delivered successes of release workflow runs the guard did not start; each must fail the step with an alert, as expected. */
  foreignRunAlerts: number;
  /** Timeline records beyond the first that runs racing where none stood wrote (counted, not judged). */
  racingRecords: number;
  /** Pull requests still stuck after one clean sweep, with why. */
  stuckAfterSweep: string[];
  apiCallsPerLifecycle: { median: number; max: number };
  /** The merge queue's figures, when every main required it (`queue`). */
  queue?: QueueFigures;
  durationMs: number;
}

/** What the merge queue did in a soak with `queue`, as GitHub shows it. */
export interface QueueFigures {
  /** Lifecycles whose main also required the `ci` check (on heads and groups), not only `release`. */
  ciRequired: number;
  /** `enqueuePullRequest` calls by the guard's merge token, and the entries GitHub made of them. */
  enqueueRequests: number;
  guardEntries: number;
  /** Calls that found the pull request already queued: racing or faulted runs (a violation otherwise). */
  enqueuesWhileQueued: number;
  /** `dequeuePullRequest` calls by the guard. */
  dequeueRequests: number;
  /** Merge groups built, judged by the guard (a `release` status of its on the group's commit), judged failure. */
  groups: number;
  groupsJudged: number;
  groupsFailed: number;
  /** Exits from the queue other than a merge, by reason (`CI_FAILURE`, `MANUAL`, …). */
  ejections: Record<string, number>;
  /** Release pull requests merged by the queue, and merged by it of a head not approved, released and verified. */
  queueMerges: number;
  unreleasedQueueMerges: number;
  /** Other pull requests merged by the queue at a commit of the release branch (a violation at its head while open). */
  releaseCommitsMergedElsewhere: number;
  /** Queue merges of a head cleared when the guard judged its group, whose approval was withdrawn since, unheard. */
  mergedAfterWithdrawal: number;
  /** The queue's steps: group CI outcomes, removals by people, dismissals and pushes while queued, timeouts. */
  ciPassed: number;
  ciFailed: number;
  removedByPeople: number;
  dismissedWhileQueued: number;
  pushedWhileQueued: number;
  timedOut: number;
  /** The queue's attackers (see `QueueAttack`). */
  attacks: Record<QueueAttack, number>;
  /** Alerts that a pull request left the queue three times (recoverable by RETRY or a new approval). */
  exitAlerts: number;
}

/** A step of a lifecycle: something that happens on GitHub, honest or an attack, before its event is delivered. */
export type Step = HonestStep | AttackStep;

export type HonestStep =
  | 'approve'
  | 'approve-unauthorized'
  | 'dismiss'
  | 'push'
  | 'release-succeeds'
  | 'release-succeeds-without-image'
  | 'release-fails'
  | 'human-merge'
  | 'close'
  | 'reopen'
  | 'sweep'
  | QueueStep;

/** The merge queue's honest steps (with `queue`): CI on the group, a removal by a person (see `queue.ts`). */
export type QueueStep = 'ci-group' | 'dequeue';

/** The attackers' steps (see `Attack`). */
export type AttackStep =
  | 'shared-head'
  | 'foreign-run'
  | 'review-flood'
  | 'comment-flood'
  | 'unassign'
  | 'tamper-record'
  | 'enqueue-unreleased'
  | 'enqueue-shared-head';

/**
 * The attackers, as the report counts them:
 * - `sharedHead`: a pull request from a feature branch of this repository whose head is the release head
 *   (or a fork's on `releases/*`, delivered as `pull_request_target`): its verdict must not stand on the release head;
 * - `foreignRuns`: a successful run of the release workflow for the release head that the guard did not
 *   start (a `pull_request` or `push` trigger, sometimes named with the marker): it releases nothing, and
 *   its delivered success fails the step;
 * - `reviewFloods`: 100 to 130 comment-only reviews by a reader: standing approvals still count;
 * - `commentFloods`: 100 to 130 comments by someone else: the guard's record is still found;
 * - `unassigned`: with forbid-self-approval, the releaser un-assigns themself and approves: it counts for nothing;
 * - `recordTampered`: the guard's record deleted, or edited by someone else (to nonsense, or with its
 *   snapshot's phase rewritten to `released`): no second release, nothing unlocked.
 */
export type Attack = 'sharedHead' | 'foreignRuns' | 'reviewFloods' | 'commentFloods' | 'unassigned' | 'recordTampered';

/**
 * The merge queue's attackers (with `queue`):
 * - `enqueuedUnreleased`: someone with write access writes `success` for `release` on the head of the
 *   release pull request, not cleared, and adds it to the queue: its group must fail, and it must not merge;
 * - `enqueuedSharedHead`: the same for a pull request from a feature branch whose head is the release
 *   head: the release head must not reach main through its group unreleased.
 */
export type QueueAttack = 'enqueuedUnreleased' | 'enqueuedSharedHead';
