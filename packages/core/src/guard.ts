import { initialTransition } from 'xstate';
import { fillRef, type GuardConfig, type GuardSettings, resolveConfig } from './config.js';
import type { Effect } from './effects.js';
import { GuardEventError } from './errors.js';
import { type GuardEvent, parseEvent } from './events.js';
import { type GuardContext, releaseGuardMachine } from './machine.js';
import { classify, type PullRequest, parsePullRequest } from './pull-request.js';
import { type MachineAction, pureTransition } from './pure-transition.js';
import { assertVersionSource } from './recognition.js';
import { type GuardFacts, reconcileFacts } from './reconcile.js';
import { restoreSnapshot, serializeSnapshot } from './serialize.js';
import type { GuardSnapshot } from './snapshot.js';

/** The outcome of one step: the new snapshot and the effects to execute, in order. */
export interface Step {
  snapshot: GuardSnapshot;
  effects: Effect[];
  /** Set when the event changed nothing: why it was ignored. */
  ignored?: string;
}

/** A configured release guard. Every method is pure: no I/O, no clock, no randomness. */
export interface Guard {
  /** The settings in force, defaults applied. */
  readonly settings: GuardSettings;
  /**
   * Starts guarding a pull request: a release pull request is `prepared` with its head locked, any
   * other is `skipped` with its status set once.
   */
  start(pr: PullRequest): Step;
  /**
   * Applies one event. A well-formed event never throws; a malformed one throws `GuardEventError`.
   * An event that changes nothing returns no effects and says why in `ignored`.
   */
  next(snapshot: GuardSnapshot, event: GuardEvent): Step;
  /**
   * The snapshot that GitHub's facts imply, and the effects that bring GitHub in line with it.
   * Facts win over the stored snapshot; the stored snapshot only spares effects already done.
   */
  reconcile(snapshot: GuardSnapshot | undefined, facts: GuardFacts): Step;
  /** Plain JSON with a schema version; `restore(serialize(s))` gives back `s`. */
  serialize(snapshot: GuardSnapshot): string;
  /**
   * Parses and checks a serialized snapshot; throws `GuardStateError` for anything it cannot trust,
   * a kind other than the one its head branch has under these settings included.
   */
  restore(text: string): GuardSnapshot;
}

type MachineSnapshot = ReturnType<typeof releaseGuardMachine.resolveState>;

/**
 * Creates a guard. Throws `GuardConfigError` listing every problem in `config`.
 *
 * @example
 * ```ts
 * import { createGuard } from '@release-guard/core';
 *
 * const guard = createGuard({ artifacts: [{ name: 'image', ref: 'ghcr.io/acme/app:{version}' }] });
 * let step = guard.start({ number: 7, headRef: 'releases/v1.2.0', headSha: 'a1b2c3d', baseRef: 'main', fromFork: false, version: 'v1.2.0' });
 * // step.snapshot.phase === 'prepared'; step.effects[0] is SET_STATUS pending on a1b2c3d
 * step = guard.next(step.snapshot, { type: 'APPROVED', sha: 'a1b2c3d', reviewId: 1, reviewer: 'maintainer', authorized: true });
 * // step.effects includes START_RELEASE { sha: 'a1b2c3d', version: 'v1.2.0' }
 * ```
 */
export function createGuard(config?: GuardConfig): Guard {
  const settings = resolveConfig(config);

  const guard: Guard = {
    settings,
    start(pr) {
      const checked = parsePullRequest(pr);
      assertVersionSource(checked, settings);
      const kind = classify(checked, settings);
      const [state, actions] = initialTransition(releaseGuardMachine, { pr: checked, kind, settings });
      if (kind === 'release') assertRefsFillable({ ...checked, ...state.context.pr }, settings);
      return toStep(state, actions);
    },
    next(snapshot, event) {
      const checked = parseEvent(event);
      if (snapshot.phase === 'merged') {
        return { snapshot, effects: [], ignored: 'the pull request is merged: nothing more happens' };
      }
      const [state, actions] = pureTransition(toMachineSnapshot(snapshot, settings), checked);
      return toStep(state, actions);
    },
    reconcile(snapshot, facts) {
      return reconcileFacts(guard, snapshot, facts);
    },
    serialize: serializeSnapshot,
    restore: (text) => restoreSnapshot(text, settings),
  };
  return guard;
}

/** Every placeholder of an artifact ref can be filled, but `{version}` while the version cannot be read (locked). */
function assertRefsFillable(pr: PullRequest & { versionProblem?: string }, settings: GuardSettings): void {
  const issues = settings.artifacts.flatMap((artifact) =>
    fillRef(artifact.ref, pr).missing.flatMap((key) =>
      key === 'version' && pr.versionProblem !== undefined
        ? []
        : [
            {
              path: key === 'version' ? 'version' : `versions.${key}`,
              message: `needed by artifact '${artifact.name}' (ref '${artifact.ref}')`,
            },
          ],
    ),
  );
  if (issues.length > 0) throw new GuardEventError(`Release pull request #${pr.number} lacks versions`, issues);
}

function toMachineSnapshot(snapshot: GuardSnapshot, settings: GuardSettings): MachineSnapshot {
  const { phase, ...rest } = snapshot;
  const context: GuardContext = { ...rest, settings };
  return releaseGuardMachine.resolveState({ value: phase, context });
}

/** Splits the machine's actions into effects and the reason an event was ignored. */
function toStep(state: MachineSnapshot, actions: readonly MachineAction[]): Step {
  const effects: Effect[] = [];
  let ignored: string | undefined;
  for (const action of actions) {
    if (action.type === 'IGNORE') ignored = (action.params as { reason: string }).reason;
    else effects.push({ type: action.type, ...(action.params as object) } as Effect);
  }
  const step: Step = { snapshot: fromContext(state.value as GuardSnapshot['phase'], state.context), effects };
  if (ignored !== undefined && effects.length === 0) step.ignored = ignored;
  return step;
}

function fromContext(phase: GuardSnapshot['phase'], context: GuardContext): GuardSnapshot {
  const { settings: _settings, failure, protection, ...rest } = context;
  return {
    phase,
    ...rest,
    ...(protection === undefined ? {} : { protection }),
    ...(failure === undefined ? {} : { failure }),
  };
}
