/** Unreliable delivery of a true history's events: lost, duplicated and reordered. */
import fc from 'fast-check';
import type { GuardEvent } from '../events.js';

/** How each event of a history is delivered, and which neighbours swap places. */
export interface DeliveryPlan {
  /** Per event, in order (cycled when shorter than the history): 0 lost, 1 delivered, 2 delivered twice. */
  copies: number[];
  /** Positions in the delivered list whose event swaps with the next one, applied in order. */
  swaps: number[];
}

/**
 * Unreliable delivery: about one event in six lost, one in eight delivered twice, and up to five pairs
 * of neighbours swapped (reordering). Apply a plan with `deliver`.
 */
export function deliveryPlan(): fc.Arbitrary<DeliveryPlan> {
  const copies = fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 17, arbitrary: fc.constant(1) },
    { weight: 3, arbitrary: fc.constant(2) },
  );
  return fc.record({
    copies: fc.array(copies, { minLength: 1, maxLength: 100 }),
    swaps: fc.array(fc.nat(), { maxLength: 5 }),
  });
}

/** The events of a history as `plan` delivers them: some lost, some twice, some out of order. */
export function deliver(events: readonly GuardEvent[], plan: DeliveryPlan): GuardEvent[] {
  const delivered = events.flatMap((event, i) =>
    Array.from({ length: plan.copies[i % plan.copies.length] ?? 1 }, () => event),
  );
  if (delivered.length < 2) return delivered;
  for (const swap of plan.swaps) {
    const i = swap % (delivered.length - 1);
    [delivered[i], delivered[i + 1]] = [delivered[i + 1] as GuardEvent, delivered[i] as GuardEvent];
  }
  return delivered;
}
