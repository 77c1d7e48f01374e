export type { EventPlan } from './event-to-guard-events.js';
export { EventPayloadError, toGuardEvents } from './event-to-guard-events.js';
export type { GateResult } from './gate.js';
export { gate } from './gate.js';
export type { ActionInputs, Command } from './inputs.js';
export { COMMANDS, InputError, parseInputs, readInput, releaseMode } from './inputs.js';
export { renderSummary } from './summary.js';
