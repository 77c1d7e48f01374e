import { createGuard, type GuardConfig, type PullRequest } from '@release-guard/core';
import { DEFAULT_SHAS } from '@release-guard/core/testing';

/** The seed's set-up: an image verified before unlock, and a chart published by the merge after it. */
export const SEED_CONFIG: GuardConfig = {
  artifacts: [
    { name: 'image', ref: 'ghcr.io/weaveworks/wego-app:{version}' },
    { name: 'chart', ref: 'ghcr.io/weaveworks/charts/weave-gitops:{chart}', after: ['image'], onMerge: true },
  ],
};

export const seedGuard = () => createGuard(SEED_CONFIG);

export function releasePr(overrides: Partial<PullRequest> = {}): PullRequest {
  return {
    number: 3906,
    headRef: 'releases/v0.29.0',
    headSha: DEFAULT_SHAS[0] as string,
    baseRef: 'main',
    fromFork: false,
    version: 'v0.29.0',
    versions: { chart: '4.0.27' },
    ...overrides,
  };
}

export const SHA = { a: DEFAULT_SHAS[0] as string, b: DEFAULT_SHAS[1] as string, c: DEFAULT_SHAS[2] as string };
