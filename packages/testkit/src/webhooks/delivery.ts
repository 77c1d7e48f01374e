import type { Payload, WebhookDelivery } from './types.js';

let sequence = 0;

/**
 * The next delivery id, in `X-GitHub-Delivery`'s GUID format: a counter, so ids are unique within the
 * process and the same in every run of the same test.
 */
export function deliveryId(): string {
  sequence++;
  return `72d3162e-cc78-11e3-81ab-${sequence.toString(16).padStart(12, '0')}`;
}

/**
 * A delivery of `payload` as event `name`, with the next delivery id. The payload goes through JSON, as
 * on the wire: builders may put one object in two places (a head's `user` and its repository's `owner`),
 * a delivery never does (`structuredClone` would keep them shared).
 */
export function delivery<Name extends string>(name: Name, payload: Payload): WebhookDelivery<Name> {
  return { name, id: deliveryId(), payload: JSON.parse(JSON.stringify(payload)) as Payload };
}
