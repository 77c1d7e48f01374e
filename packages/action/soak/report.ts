import type { SoakReport } from './types.js';

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
  ].join('\n');
}

/** A report with nothing counted yet. */
export function emptyReport(seed: number, lifecycles: number, only: number | undefined): SoakReport {
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
    durationMs: 0,
  };
}
