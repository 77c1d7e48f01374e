import type { SetStatusEffect } from './effects.js';
import type { GuardSnapshot } from './snapshot.js';
import { DESCRIPTION_LIMIT, truncate } from './text.js';

/** The descriptions the guard gives its status (or check run). */
export const STATUS_TEXT = {
  locked: 'Locked: waiting for an approved, finished release',
  releasing: 'Release in progress',
  released: 'Released and verified',
  /** A released head whose last standing approval was dismissed: locked again until a new approval. */
  withdrawn: 'approval withdrawn: approve again to merge',
  notRequired: 'release not required',
  fork: 'release PRs must come from this repository',
  /** A release pull request whose version cannot be read: followed by why. */
  versionUnreadable: 'Locked: cannot read the release version',
  /** A pull request that is not a release and changes a protected path: followed by the path. */
  protectedPaths: 'changes release-managed files outside a release PR',
  filesIncomplete: 'changes more files than GitHub lists: release-managed files may be among them',
  filesUnknown: 'its changed files were not given: release-managed files may be among them',
  /** A merge group of a release head that is not approved, released and verified. */
  groupUncleared: 'merge group of a release that is not approved, released and verified',
  /** A merge group of a commit that is no longer the pull request's head. */
  staleGroup: 'stale merge group: the pull request has another head',
} as const;

/** The guard's status on `sha`: its context from the settings, the description within GitHub's limit. */
export function statusOf(
  sha: string,
  statusContext: string,
  state: SetStatusEffect['state'],
  description: string,
): SetStatusEffect {
  return {
    type: 'SET_STATUS',
    sha,
    state,
    description: truncate(description, DESCRIPTION_LIMIT),
    context: statusContext,
  };
}

/**
 * The verdict on a pull request that is not a release: `failure` for a fork's look-alike of a release
 * or one that changes release-managed files (`protection` says why), `success` "release not required"
 * for any other.
 */
export function skippedVerdict(s: Pick<GuardSnapshot, 'kind' | 'protection'>): {
  state: SetStatusEffect['state'];
  description: string;
} {
  if (s.kind === 'protected') return { state: 'failure', description: s.protection ?? STATUS_TEXT.filesUnknown };
  if (s.kind === 'fork') return { state: 'failure', description: STATUS_TEXT.fork };
  return { state: 'success', description: STATUS_TEXT.notRequired };
}

/** Why a release head is locked before its release: waiting, or its version cannot be read. */
export function lockedDescription(pr: Pick<GuardSnapshot['pr'], 'versionProblem'>): string {
  return pr.versionProblem === undefined
    ? STATUS_TEXT.locked
    : `${STATUS_TEXT.versionUnreadable}: ${pr.versionProblem}`;
}

/**
 * The status that must stand on the head of a pull request in this snapshot: `pending` until it is
 * approved, released and verified, `success` once it is and while an approval of it stands (`pending`
 * "approval withdrawn" when the last one was dismissed after the release), `failure` after a failed release; for other pull
 * requests their verdict (`skippedVerdict`). Undefined
 * once the pull request is merged or closed. Compare states, not descriptions: while `approved`, either
 * pending description may stand.
 */
export function standingStatus(snapshot: GuardSnapshot, statusContext: string): SetStatusEffect | undefined {
  const status = (state: SetStatusEffect['state'], description: string) =>
    statusOf(snapshot.headSha, statusContext, state, description);
  switch (snapshot.phase) {
    case 'skipped': {
      const verdict = skippedVerdict(snapshot);
      return status(verdict.state, verdict.description);
    }
    case 'prepared':
    case 'approved':
      return status('pending', lockedDescription(snapshot.pr));
    case 'releasing':
      return status('pending', STATUS_TEXT.releasing);
    case 'released':
      return snapshot.approvals.length > 0
        ? status('success', STATUS_TEXT.released)
        : status('pending', STATUS_TEXT.withdrawn);
    case 'failed':
      return status('failure', `Release failed: ${snapshot.failure ?? 'unknown reason'}`);
    case 'merged':
    case 'closed':
      return undefined;
  }
}
