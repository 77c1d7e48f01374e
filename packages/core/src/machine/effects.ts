/**
 * The effects the machine asks for, as parameterised actions (`lockHead`, `startRelease`, `merge`,
 * `alert`...), and the pure functions that compute their params from the context.
 */
import { fillRef } from '../config.js';
import type {
  AlertEffect,
  MergeEffect,
  SetStatusEffect,
  StartReleaseEffect,
  StatusState,
  VerifyArtifactsEffect,
} from '../effects.js';
import { STATUS_TEXT, statusOf } from '../standing-status.js';
import type { GuardContext } from './context.js';
import type { Args, Params } from './event.js';

/** Artifacts that must be verified before unlock, with their refs filled from the pull request. */
export function requiredArtifacts(context: Pick<GuardContext, 'settings' | 'pr'>): { name: string; ref: string }[] {
  return context.settings.artifacts
    .filter((artifact) => !artifact.onMerge)
    .map((artifact) => ({ name: artifact.name, ref: fillRef(artifact.ref, context.pr).ref }));
}

/** The required artifacts not verified yet. */
export function unverified(
  context: Pick<GuardContext, 'settings' | 'pr' | 'verified'>,
): { name: string; ref: string }[] {
  return requiredArtifacts(context).filter((artifact) => !context.verified.some((v) => v.name === artifact.name));
}

function status(context: GuardContext, state: StatusState, description: string): Params<SetStatusEffect> {
  const { type: _type, ...params } = statusOf(context.headSha, context.settings.statusContext, state, description);
  return params;
}

/** The action setting the head's status to `state`, described by `description`. */
function setStatus(state: StatusState, description: (context: GuardContext) => string) {
  return { type: 'SET_STATUS', params: ({ context }: Args) => status(context, state, description(context)) } as const;
}

export const lockHead = setStatus('pending', () => STATUS_TEXT.locked);

export const markReleasing = setStatus('pending', () => STATUS_TEXT.releasing);

/** The last standing approval of a released head was dismissed: no merge until it is approved again. */
export const relockReleased = setStatus('pending', () => STATUS_TEXT.withdrawn);

export const unlockReleased = setStatus('success', () => STATUS_TEXT.released);

export const failStatus = setStatus('failure', (context) => `Release failed: ${context.failure ?? 'unknown reason'}`);

export const skippedStatus = {
  type: 'SET_STATUS',
  params: ({ context }: Args) =>
    context.kind === 'fork'
      ? status(context, 'failure', STATUS_TEXT.fork)
      : status(context, 'success', STATUS_TEXT.notRequired),
} as const;

export const startRelease = {
  type: 'START_RELEASE',
  params: ({ context }: Args): Params<StartReleaseEffect> =>
    context.pr.version === undefined ? { sha: context.headSha } : { sha: context.headSha, version: context.pr.version },
} as const;

export const verifyArtifacts = {
  type: 'VERIFY_ARTIFACTS',
  params: ({ context }: Args): Params<VerifyArtifactsEffect> => ({
    sha: context.headSha,
    artifacts: unverified(context),
  }),
} as const;

export const merge = {
  type: 'MERGE',
  params: ({ context }: Args): Params<MergeEffect> => ({
    pr: context.pr.number,
    sha: context.headSha,
    method: context.settings.mergeMethod,
  }),
} as const;

export function alert(reason: (args: Args) => string) {
  return {
    type: 'ALERT',
    params: (args: Args): Params<AlertEffect> => ({ pr: args.context.pr.number, reason: reason(args) }),
  } as const;
}
