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
    const first = error.issues[0];
    const input = first?.path.startsWith('artifacts')
      ? 'artifacts'
      : (first?.path ?? 'config').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new InputError(input, error.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}
