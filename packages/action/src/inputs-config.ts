/**
 * The configuration made from the inputs, checked by the core as `createGuard` checks it: what it refuses
 * becomes an `InputError` naming the input. Loaded only when an input makes a configuration to check.
 */
import { createGuard, type GuardConfig, GuardConfigError } from '@release-guard/core';
import { InputError } from './shared.js';

/** Throws an `InputError` for a configuration the guard refuses. */
export function checkConfig(config: GuardConfig): void {
  try {
    createGuard(config);
  } catch (error) {
    if (!(error instanceof GuardConfigError)) throw error;
    const input = inputOf(error.issues[0]?.path ?? '');
    // A problem of the input the error names needs no prefix; one of another input is prefixed with it.
    const problems = error.issues.map((i) => (where(i.path) === input ? i.message : `${where(i.path)}: ${i.message}`));
    throw new InputError(input, problems.join('; '));
  }
}

/** The input a configuration path comes from: its first field, spelled as the input (`versionSource.key` -> `version-source`). */
function inputOf(path: string): string {
  const field = path.split('.')[0] ?? '';
  return field === '' ? 'config' : field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Where in the inputs a problem is: an entry of the `artifacts` list by its path (`artifacts.0.after.0`);
 * anything else by its input alone, since the message quotes the value (a protected path's index counts
 * only the lines that hold a glob).
 */
function where(path: string): string {
  return path.startsWith('artifacts') ? path : inputOf(path);
}
