/**
 * The effects the machine asks for, as parameterised actions (`lockHead`, `startRelease`, `merge`,
 * `alert`...); the pure functions that compute their params from the context, which `reconcile`
 * uses too; and the phase each effect of the release's progress belongs to.
 */
import { fillRef } from '../config.js';
import type {
  AlertEffect,
  DequeueEffect,
  Effect,
  MergeEffect,
  SetStatusEffect,
  StartReleaseEffect,
  StatusState,
  VerifyArtifactsEffect,
} from '../effects.js';
import type { Phase } from '../snapshot.js';
import { lockedDescription, STATUS_TEXT, skippedVerdict, statusOf } from '../standing-status.js';
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

/** A new head, or a new version, is locked: until its release, or until its version can be read. */
export const lockHead = setStatus('pending', (context) => lockedDescription(context.pr));

export const markReleasing = setStatus('pending', () => STATUS_TEXT.releasing);

/** The last standing approval of a released head was dismissed: no merge until it is approved again. */
export const relockReleased = setStatus('pending', () => STATUS_TEXT.withdrawn);

export const unlockReleased = setStatus('success', () => STATUS_TEXT.released);

export const failStatus = setStatus('failure', (context) => `Release failed: ${context.failure ?? 'unknown reason'}`);

export const skippedStatus = {
  type: 'SET_STATUS',
  params: ({ context }: Args) => {
    const verdict = skippedVerdict(context);
    return status(context, verdict.state, verdict.description);
  },
} as const;

/** What `START_RELEASE` asks for: the release of the head, with its version when it has one. */
export function startReleaseParams(context: Pick<GuardContext, 'headSha' | 'pr'>): Params<StartReleaseEffect> {
  return context.pr.version === undefined
    ? { sha: context.headSha }
    : { sha: context.headSha, version: context.pr.version };
}

/** What `VERIFY_ARTIFACTS` asks for: the required artifacts of the head not verified yet. */
export function verifyArtifactsParams(
  context: Pick<GuardContext, 'headSha' | 'settings' | 'pr' | 'verified'>,
): Params<VerifyArtifactsEffect> {
  return { sha: context.headSha, artifacts: unverified(context) };
}

/**
 * What `MERGE` asks for: the merge of the pull request, only while its head is still the head; through
 * the merge queue when its base branch requires one.
 */
export function mergeParams(context: Pick<GuardContext, 'headSha' | 'settings' | 'pr'>): Params<MergeEffect> {
  const via = context.pr.mergeQueue === true ? 'queue' : 'merge';
  return { pr: context.pr.number, sha: context.headSha, method: context.settings.mergeMethod, via };
}

/** What `DEQUEUE` asks for: the pull request out of the merge queue. */
export function dequeueParams(context: Pick<GuardContext, 'headSha' | 'pr'>): Params<DequeueEffect> {
  return { pr: context.pr.number, sha: context.headSha };
}

export const startRelease = {
  type: 'START_RELEASE',
  params: ({ context }: Args) => startReleaseParams(context),
} as const;

export const verifyArtifacts = {
  type: 'VERIFY_ARTIFACTS',
  params: ({ context }: Args) => verifyArtifactsParams(context),
} as const;

export const merge = { type: 'MERGE', params: ({ context }: Args) => mergeParams(context) } as const;

export const dequeue = { type: 'DEQUEUE', params: ({ context }: Args) => dequeueParams(context) } as const;

/** The action setting the verdict on the head commit of the event's merge group (`MERGE_GROUP`). */
function groupStatus(verdict: (args: Args) => { state: StatusState; description: string }) {
  return {
    type: 'SET_STATUS',
    params: (args: Args) => {
      const { state, description } = verdict(args);
      const sha = args.event.type === 'MERGE_GROUP' ? args.event.groupSha : args.context.headSha;
      return status({ ...args.context, headSha: sha }, state, description);
    },
  } as const;
}

/** The group of a cleared release head: it may merge. */
export const clearedGroupStatus = groupStatus(() => ({ state: 'success', description: STATUS_TEXT.released }));

/** The group of a release head that is not approved, released and verified. */
export const unclearedGroupStatus = groupStatus(() => ({ state: 'failure', description: STATUS_TEXT.groupUncleared }));

/** A group of a commit that is no longer the pull request's head. */
export const staleGroupStatus = groupStatus(() => ({ state: 'failure', description: STATUS_TEXT.staleGroup }));

/** The group of a pull request that is not a release: the verdict its head has. */
export const skippedGroupStatus = groupStatus(({ context }) => skippedVerdict(context));

/**
 * The phase each effect of the release's progress is asked for in, and the one whose work it is:
 * once the pull request is in another phase, the effect is stale. The other effects (statuses,
 * the timeline, alerts, and `DEQUEUE`, whose work is any head that is not cleared) belong to no one phase.
 */
export const EFFECT_PHASE = {
  START_RELEASE: 'approved',
  VERIFY_ARTIFACTS: 'releasing',
  MERGE: 'released',
} as const satisfies Partial<Record<Effect['type'], Phase>>;

/** The effect whose work `phase` is, if any (`EFFECT_PHASE` read backwards). */
export function awaitedEffect(phase: Phase): keyof typeof EFFECT_PHASE | undefined {
  return (Object.keys(EFFECT_PHASE) as (keyof typeof EFFECT_PHASE)[]).find((type) => EFFECT_PHASE[type] === phase);
}

/** Whether `effect` may still be executed while `phase`: it is not the work of another phase. */
export function isInItsPhase(effect: Effect, phase: Phase): boolean {
  const own: Phase | undefined = EFFECT_PHASE[effect.type as keyof typeof EFFECT_PHASE];
  return own === undefined || own === phase;
}

export function alert(reason: (args: Args) => string) {
  return {
    type: 'ALERT',
    params: (args: Args): Params<AlertEffect> => ({ pr: args.context.pr.number, reason: reason(args) }),
  } as const;
}
