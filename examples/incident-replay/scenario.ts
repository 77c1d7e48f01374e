/**
 * The v0.29 morning as data: the weave-gitops repository, the release and its artifacts as on 2 August
 * 2023, the seed's times and the delays between trigger and action, and the scenarios a replay runs.
 */
import type { GuardConfig } from '@release-guard/core';
import { versionOfBranch } from '@release-guard/github-adapter';

// ---- The repository, the release and its artifacts, as on 2 August 2023 ------------------------

export const OWNER = 'weaveworks';
export const REPO = 'weave-gitops';
export const HEAD_REF = 'releases/v0.29.0';
export const HEAD_SHA = '03093a127262cad8f4c94caf8aa4262314a1cedd';
export const VERSION = 'v0.29.0';
/** The Helm chart the merge published; it runs the image `wego-app:v0.29.0`. */
export const CHART_VERSION = '4.0.27';
export const IMAGE_NAME = 'weaveworks/wego-app';
export const CHART_NAME = 'weaveworks/charts/weave-gitops';
export const RELEASE_WORKFLOW = 'release.yaml';
/** The guard's app. */
export const GUARD_LOGIN = 'release-guard[bot]';
export const RELEASER = 'releaser';
/** A dispatched release run must carry the guard's marker in its name (see the adapter's `runMarker`). */
export { RELEASE_RUN_NAME } from '@release-guard/github-adapter';

/** The seed's artifacts: the image must exist before unlock; the chart is published by the merge, after the image. */
export function weaveGitopsConfig(registryHost: string): GuardConfig {
  return {
    artifacts: [
      { name: 'image', ref: `${registryHost}/${IMAGE_NAME}:{version}` },
      { name: 'chart', ref: `${registryHost}/${CHART_NAME}:{chart}`, after: ['image'], onMerge: true },
    ],
  };
}

/** The versions a `releases/vX.Y.Z` branch releases: the app's, and the chart's it prepared. */
export function versionsOf(headRef: string): { version?: string; versions?: Record<string, string> } {
  const branch = versionOfBranch(headRef);
  return branch.version === VERSION ? { ...branch, versions: { chart: CHART_VERSION } } : branch;
}

// ---- When things happen ----------------------------------------------------------------------------

/** Times of the morning, as HH:MM:SS UTC on 2 August 2023. */
export interface IncidentTimes {
  /** prepare-release opens the release PR. */
  opened: string;
  /** The releaser approves it. */
  approved: string;
  /** The releaser merges by hand (the incident). */
  handMerge: string;
  /** The release workflow starts building the image (seed: 11:29:24). */
  buildStarted: string;
  /** The image `wego-app:v0.29.0` is pushed (seed: 12:41:02). */
  imagePushed: string;
  /** The release workflow run completes (seed: 12:41:03). */
  releaseCompleted: string;
}

/**
 * The seed's times. The seed gives the merge (~11:16), the chart push (11:16:19), the build (11:29:24)
 * and the image push (12:41:02); the PR's opening and its approval are not in it and are put before.
 */
export const SEED_TIMES: IncidentTimes = {
  opened: '11:00:00',
  approved: '11:05:00',
  handMerge: '11:16:00',
  buildStarted: '11:29:24',
  imagePushed: '12:41:02',
  releaseCompleted: '12:41:03',
};

/** How long after its trigger a workflow does its thing. */
export const DELAYS = {
  /** The guard's job runs on a GitHub event. */
  guardMs: 10_000,
  /** A release run starts after it is triggered. */
  runStartMs: 5_000,
  /** The chart workflow pushes the chart after the merge (seed: merged at 11:16, pushed at 11:16:19). */
  chartMs: 19_000,
};

// ---- What is replayed ------------------------------------------------------------------------------

export interface Scenario {
  title: string;
  /**
   * release-guard installed: branch protection requires `release`, the guard runs on every event and
   * dispatches the release, and the chart workflow runs the gate before pushing.
   */
  guarded: boolean;
  /** The 11:16 merge bypasses branch protection (an admin merge) instead of going through the merge button. */
  bypass?: boolean;
  /** Whether the chart workflow runs the gate (default: when guarded). */
  chartGate?: boolean;
  times?: Partial<IncidentTimes>;
}

export const UNGUARDED: Scenario = { title: 'Without release-guard (v0.29 as it happened)', guarded: false };
export const GUARDED: Scenario = { title: 'With release-guard', guarded: true };
