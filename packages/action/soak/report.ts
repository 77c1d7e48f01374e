import type { QueueFigures, SoakReport } from './types.js';

/** The soak's report: a fresh one, and its figures as `pnpm soak` prints them. */

/** The soak's figures, as `pnpm soak` prints them. */
export function formatReport(r: SoakReport): string {
  return [
    `seed ${r.seed}: ${r.only === undefined ? `${r.lifecycles} lifecycles` : `lifecycle ${r.only} alone`} (${r.unprotected} without branch protection) in ${(r.durationMs / 1000).toFixed(1)} s`,
    `events delivered: ${r.events} (dropped ${r.dropped}, duplicated ${r.duplicated}, held back ${r.reordered}, concurrent bursts of 2-8 runs ${r.concurrentBursts})`,
    `faults injected: ${r.faultsInjected}; runs that failed on one: ${r.failedRuns}`,
    `invariant violations: ${r.invariantViolations.length}`,
    ...r.invariantViolations.slice(0, 20).map((v) => `  - ${v}`),
    `merge requests sent by the guard: ${r.mergeRequests}; for an unreleased SHA: ${r.unreleasedMergeRequests}; unreleased SHAs merged: ${r.unreleasedMerges}; double merges: ${r.doubleMerges}`,
    `release dispatches: ${r.releaseDispatches}; duplicates for one SHA: ${r.duplicateDispatches} (with no fault: ${r.duplicateDispatchesWithoutFault}); again after a reopen: ${r.releasesAgainAfterReopen}; without an authorized approval: ${r.unapprovedDispatches}`,
    `attacks (${r.selfApprovalForbidden} lifecycles with forbid-self-approval): shared head ${r.attacks.sharedHead}, foreign runs ${r.attacks.foreignRuns} (alerts ${r.foreignRunAlerts}), review floods ${r.attacks.reviewFloods}, comment floods ${r.attacks.commentFloods}, un-assigned ${r.attacks.unassigned}, record tampered ${r.attacks.recordTampered}`,
    `timeline records written by runs racing where none stood, beyond the first: ${r.racingRecords}`,
    `pull requests stuck after one sweep: ${r.stuckAfterSweep.length}`,
    ...r.stuckAfterSweep.slice(0, 20).map((v) => `  - ${v}`),
    `API calls per lifecycle: median ${r.apiCallsPerLifecycle.median}, max ${r.apiCallsPerLifecycle.max}`,
    ...(r.queue ? formatQueue(r.queue) : []),
  ].join('\n');
}

/** The merge queue's figures (a soak with `queue`). */
function formatQueue(q: QueueFigures): string[] {
  const ejections = Object.entries(q.ejections)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  return [
    `merge queue (every main; ${q.ciRequired} also requiring ci): enqueue requests by the guard ${q.enqueueRequests} (entries ${q.guardEntries}; while one stood, racing or faulted: ${q.enqueuesWhileQueued}); dequeue requests ${q.dequeueRequests}`,
    `merge groups: ${q.groups} built, ${q.groupsJudged} judged by the guard, ${q.groupsFailed} failed; ci on groups passed ${q.ciPassed}, failed ${q.ciFailed}; timed out ${q.timedOut}`,
    `queue exits other than merges: ${ejections || 'none'}; removed by people ${q.removedByPeople}; dismissed while queued ${q.dismissedWhileQueued}; pushed while queued ${q.pushedWhileQueued}; alerts after three exits ${q.exitAlerts}`,
    `queue merges: ${q.queueMerges}; of an unreleased head: ${q.unreleasedQueueMerges}; cleared when the guard judged the group, the approval withdrawn since (not yet delivered): ${q.mergedAfterWithdrawal}; other pull requests merged at a commit of the release branch: ${q.releaseCommitsMergedElsewhere}`,
    `queue attacks: enqueued unreleased ${q.attacks.enqueuedUnreleased}, enqueued sharing the release head ${q.attacks.enqueuedSharedHead}`,
  ];
}

/** Queue figures with nothing counted yet. */
function emptyQueue(): QueueFigures {
  return {
    ciRequired: 0,
    enqueueRequests: 0,
    guardEntries: 0,
    enqueuesWhileQueued: 0,
    dequeueRequests: 0,
    groups: 0,
    groupsJudged: 0,
    groupsFailed: 0,
    ejections: {},
    queueMerges: 0,
    unreleasedQueueMerges: 0,
    mergedAfterWithdrawal: 0,
    releaseCommitsMergedElsewhere: 0,
    ciPassed: 0,
    ciFailed: 0,
    removedByPeople: 0,
    dismissedWhileQueued: 0,
    pushedWhileQueued: 0,
    timedOut: 0,
    attacks: { enqueuedUnreleased: 0, enqueuedSharedHead: 0 },
    exitAlerts: 0,
  };
}

/** A report with nothing counted yet. */
export function emptyReport(seed: number, lifecycles: number, only: number | undefined, queue = false): SoakReport {
  return {
    seed,
    lifecycles,
    ...(only !== undefined ? { only } : {}),
    unprotected: 0,
    events: 0,
    dropped: 0,
    duplicated: 0,
    reordered: 0,
    concurrentBursts: 0,
    faultsInjected: 0,
    failedRuns: 0,
    invariantViolations: [],
    doubleMerges: 0,
    mergeRequests: 0,
    unreleasedMergeRequests: 0,
    unreleasedMerges: 0,
    releaseDispatches: 0,
    duplicateDispatches: 0,
    duplicateDispatchesWithoutFault: 0,
    releasesAgainAfterReopen: 0,
    unapprovedDispatches: 0,
    selfApprovalForbidden: 0,
    attacks: { sharedHead: 0, foreignRuns: 0, reviewFloods: 0, commentFloods: 0, unassigned: 0, recordTampered: 0 },
    foreignRunAlerts: 0,
    racingRecords: 0,
    stuckAfterSweep: [],
    apiCallsPerLifecycle: { median: 0, max: 0 },
    ...(queue ? { queue: emptyQueue() } : {}),
    durationMs: 0,
  };
}
