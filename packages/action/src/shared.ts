/**
 * What every run loads, whatever its command: the entry points, the commands and the checks of the inputs
 * import it from here, one module, rather than each piece from where it is defined. esbuild splits code by
 * file; this keeps all of it in one chunk, which an ignored event loads with the entry point, instead of a
 * chunk for each set of modules that load it (a run spends about 0.4 ms on each file it loads).
 */
export { ignoredEvent, NO_OUTPUTS } from './commands/result.js';
export { actionContext, EnvironmentError } from './environment.js';
export { AUTO_EVENTS, EventPayloadError, isCommitSha, word } from './event-plan.js';
export { INPUT_NAMES, InputError, loadInputs, releaseMode } from './inputs.js';
export { inertLogLine } from './log.js';
export { runAction } from './run.js';
