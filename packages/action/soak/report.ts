import type { SoakReport } from './soak.js';

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
