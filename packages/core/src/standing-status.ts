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
 * The status that must stand on the head of a pull request in this snapshot: `pending` until it is
 * approved, released and verified, `success` once it is and while an approval of it stands (`pending`
 * "approval withdrawn" when the last one was dismissed after the release), `failure` after a failed release; for other pull
 * requests "release not required", or `failure` for a fork whose branch looks like a release. Undefined
 * once the pull request is merged or closed. Compare states, not descriptions: while `approved`, either
 * pending description may stand.
 */
export function standingStatus(snapshot: GuardSnapshot, statusContext: string): SetStatusEffect | undefined {
  const status = (state: SetStatusEffect['state'], description: string) =>
    statusOf(snapshot.headSha, statusContext, state, description);
  switch (snapshot.phase) {
    case 'skipped':
      return snapshot.kind === 'fork'
        ? status('failure', STATUS_TEXT.fork)
        : status('success', STATUS_TEXT.notRequired);
    case 'prepared':
    case 'approved':
      return status('pending', STATUS_TEXT.locked);
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
