import type { WebhookDelivery } from './types.js';

/**
 * Deliveries as a flaky network hands them over: `duplicate` redelivers the delivery at an index right
 * after it (same id and payload, as GitHub's redelivery does), `swap` exchanges two neighbours.
 */
export function disorder<T extends WebhookDelivery>(
  deliveries: readonly T[],
  changes: readonly ({ duplicate: number } | { swap: number })[],
): T[] {
  const result = [...deliveries];
  for (const change of changes) {
    if ('duplicate' in change) {
      const original = result[change.duplicate];
      if (!original) throw new Error(`no delivery at ${change.duplicate} to duplicate`);
      result.splice(change.duplicate + 1, 0, structuredClone(original));
    } else {
      const [a, b] = [result[change.swap], result[change.swap + 1]];
      if (!a || !b) throw new Error(`no deliveries at ${change.swap} and ${change.swap + 1} to swap`);
      result[change.swap] = b;
      result[change.swap + 1] = a;
    }
  }
  return result;
}
