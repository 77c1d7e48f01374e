/**
 * The `artifacts` input, which is YAML: loaded only when the input is given.
 */
import type { GuardConfig } from '@release-guard/core';
import { parse as parseYaml } from 'yaml';
import { InputError } from './shared.js';

/**
 * The `artifacts` input: a YAML list of `name`, `ref`, `after` and `on-merge`, as in the core's config.
 * @example
 * ```yaml
 * artifacts: |
 *   - name: image
 *     ref: ghcr.io/weaveworks/wego-app:{version}
 *   - name: chart
 *     ref: ghcr.io/weaveworks/charts/weave-gitops:{chart}
 *     after: [image]
 *     on-merge: true
 * ```
 */
export function parseArtifacts(value: string): NonNullable<GuardConfig['artifacts']> {
  let parsed: unknown;
  try {
    parsed = parseYaml(value, { logLevel: 'error' });
  } catch (error) {
    throw new InputError('artifacts', `not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(parsed))
    throw new InputError('artifacts', 'expected a YAML list of { name, ref, after?, on-merge? }');
  return parsed.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new InputError('artifacts', `entry ${i} must be a mapping with name and ref`);
    }
    const { 'on-merge': onMerge, ...rest } = entry as Record<string, unknown>;
    return { ...rest, ...(onMerge === undefined ? {} : { onMerge }) } as NonNullable<GuardConfig['artifacts']>[number];
  });
}
