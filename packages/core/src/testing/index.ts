export type { EventSequenceOptions } from './arbitraries.js';
export { DEFAULT_SHAS, eventSequence, guardEvent } from './arbitraries.js';
export type { Delivery, History } from './history.js';
export { runEvents } from './history.js';
export type { InvariantViolation, MonitorOptions } from './invariants.js';
export { checkInvariants, completionProblem, InvariantMonitor, MAX_SNAPSHOT_LENGTH } from './invariants.js';
export type { DeliveryPlan, TrueHistory, TrueHistoryOptions } from './world.js';
export { deliver, deliveryPlan, factsOf, standingOn, trueHistory } from './world.js';
