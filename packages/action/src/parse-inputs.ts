/**
 * `parseInputs`: the inputs read and checked with every library loaded at once, for callers that load the
 * guard anyway (tests, tools that drive it). The action's entry points use `loadInputs` instead.
 */
import { type ActionInputs, readInputs } from './inputs.js';
import { parseArtifacts } from './inputs-artifacts.js';
import { checkConfig } from './inputs-config.js';

/**
 * Reads and checks every input before any API call: a bad one fails the step with a message that names
 * the input and the expected form.
 */
export function parseInputs(env: NodeJS.ProcessEnv): ActionInputs {
  return readInputs(env, { artifacts: parseArtifacts, config: checkConfig });
}
