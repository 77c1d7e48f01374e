import { type AnyActorScope, createActor } from 'xstate';
import { INERT_INPUT, releaseGuardMachine } from './machine.js';

type MachineSnapshot = ReturnType<typeof releaseGuardMachine.resolveState>;
type MachineEvent = Parameters<typeof releaseGuardMachine.transition>[1];
export type MachineAction = { type: string; params?: unknown };

let scope: AnyActorScope | undefined;
let collected: MachineAction[] = [];

/**
 * The computation of XState's pure `transition(machine, snapshot, event)`: the next snapshot and the
 * actions to execute, none executed. XState's function builds a throwaway actor (and runs the initial
 * transition) on every call, which is three quarters of the cost of a step here; this reuses one inert
 * scope that only collects actions. The machine invokes and spawns nothing, so the scope holds no state
 * between calls, and a call is synchronous, so calls cannot interleave.
 */
export function pureTransition(snapshot: MachineSnapshot, event: MachineEvent): [MachineSnapshot, MachineAction[]] {
  scope ??= inertScope();
  collected = [];
  const next = releaseGuardMachine.transition(snapshot, event, scope);
  return [next, collected];
}

function inertScope(): AnyActorScope {
  const self = createActor(releaseGuardMachine, { input: INERT_INPUT });
  return {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: (action) => {
      collected.push(action as MachineAction);
    },
  } as AnyActorScope;
}
