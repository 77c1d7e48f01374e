/**
 * The `artifacts` input, which is YAML: loaded only when the input is given.
 */
import type { GuardConfig } from '@release-guard/core';
import { parse as parseYaml } from 'yaml';
import { InputError } from './shared.js';

/**
 * The `artifacts` input: a YAML list of `name`, `ref`, `after` and `on-merge`, as in the core's config. A
 * ref's one placeholder is `{version}`: the action has no other value to fill (the core's `versions` map is
 * for callers of the library), so any other, such as a `{vesion}` typo, is refused here, before any API call,
 * rather than when a release pull request turns up.
 * @example
 * ```yaml
 * artifacts: |
 *   - name: image
 *     ref: ghcr.io/weaveworks/wego-app:{version}
 *   - name: chart
 *     ref: ghcr.io/weaveworks/charts/weave-gitops:{version}
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
    if (typeof rest.ref === 'string') checkPlaceholders(rest.ref, i, rest.name);
    return { ...rest, ...(onMerge === undefined ? {} : { onMerge }) } as NonNullable<GuardConfig['artifacts']>[number];
  });
}

/** Refuses a placeholder in `ref` other than `{version}`, the one the action fills. */
function checkPlaceholders(ref: string, index: number, name: unknown): void {
  const other = [...ref.matchAll(/\{([^{}]*)\}/g)].find(([, key]) => key !== 'version');
  if (!other) return;
  const entry = typeof name === 'string' ? `entry ${index} (${oneLine(name, 40)})` : `entry ${index}`;
  throw new InputError(
    'artifacts',
    `${entry}: the ref '${oneLine(ref, 100)}' has the placeholder ${oneLine(other[0], 40)}, which the action never fills: ` +
      'use {version}, the release version (the last segment of the release branch, or the version input)',
  );
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
