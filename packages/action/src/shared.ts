/**
 * What the modules loaded on demand (the commands, the checks of the inputs) share with the entry points:
 * the errors, the helpers for payload text, the result of a run with nothing to do. They import it from
 * here, one module, rather than each piece from where it is defined: esbuild splits code by file, and this
 * keeps all of it in one chunk, which every run loads with the entry point, instead of one chunk a module
 * (each costs a run about 0.4 ms).
 */
export { ignoredEvent, NO_OUTPUTS } from './commands/result.js';
export { EventPayloadError, isCommitSha, word } from './event-plan.js';
export { InputError, releaseMode } from './inputs.js';
