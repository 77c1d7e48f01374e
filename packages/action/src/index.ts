export type { EventPlan } from './event-to-guard-events.js';
export { EventPayloadError, toGuardEvents } from './event-to-guard-events.js';
