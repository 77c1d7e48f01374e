import { fillRef, type GuardConfig } from '@release-guard/core';
import { type ArtifactVerifierOptions, verifyArtifact } from '@release-guard/github-adapter';

export interface GateResult {
  /** True when every predecessor of the artifact exists. */
  open: boolean;
  /** Each predecessor checked, with its ref and, when absent, why. */
  predecessors: { name: string; ref: string; present: boolean; reason?: string }[];
}

/**
 * The gate a release job runs before publishing `artifact`: it opens only when every artifact named in
 * its `after` exists in its registry, so a chart can never be pushed before its image (the second root
 * cause of the v0.29 incident: step ordering inside the release job). Throws for an artifact the
 * configuration does not name, or a ref whose versions are missing.
 */
export async function gate(options: {
  config: GuardConfig;
  artifact: string;
  versions: { version?: string; versions?: Record<string, string> };
  registries?: ArtifactVerifierOptions;
}): Promise<GateResult> {
  const artifacts = options.config.artifacts ?? [];
  const target = artifacts.find((a) => a.name === options.artifact);
  if (!target) {
    throw new Error(
      `the gate names artifact '${options.artifact}', which the artifacts input does not list (known: ${artifacts.map((a) => a.name).join(', ') || 'none'})`,
    );
  }
  const predecessors = await Promise.all(
    (target.after ?? []).map(async (name) => {
      const predecessor = artifacts.find((a) => a.name === name);
      if (!predecessor)
        throw new Error(
          `artifact '${options.artifact}' comes after '${name}', which the artifacts input does not list`,
        );
      const { ref, missing } = fillRef(predecessor.ref, options.versions);
      if (missing.length > 0)
        throw new Error(
          `the ref of '${name}' needs ${missing.map((k) => `{${k}}`).join(', ')}, which this release does not provide`,
        );
      const lookup = await verifyArtifact(ref, options.registries);
      return lookup.present ? { name, ref, present: true } : { name, ref, present: false, reason: lookup.reason };
    }),
  );
  return { open: predecessors.every((p) => p.present), predecessors };
}
