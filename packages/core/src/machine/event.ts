/**
 * What the machine reads from an event (its SHA, review id and run id), and the arguments that every
 * guard, action and params function of the machine is given.
 */
import type { GuardEvent } from '../events.js';
import { idString } from '../snapshot.js';
import type { GuardContext } from './context.js';

/** The arguments of every guard, action and params function of the machine. */
export type Args = { context: GuardContext; event: GuardEvent };

/** An effect without its `type`: the params of the named action that stands for it. */
export type Params<T> = Omit<T, 'type'>;

export function shaOf(event: GuardEvent): string | undefined {
  return 'sha' in event ? event.sha : undefined;
}

export function reviewerOf(event: GuardEvent): string | undefined {
  return 'reviewer' in event ? event.reviewer : undefined;
}

export function reviewIdOf(event: GuardEvent): string | undefined {
  return 'reviewId' in event ? idString(event.reviewId) : undefined;
}

export function runIdOf(event: GuardEvent): string | undefined {
  return 'runId' in event ? idString(event.runId) : undefined;
}
