/**
 * The v0.29 morning as data: the weave-gitops repository, the release and its artifacts as on 2 August
 * 2023, the seed's times and the delays between trigger and action; what an incident the demo replays
 * is made of (`Incident`), and the scenarios a replay runs.
 */
import type { GuardConfig } from '@release-guard/core';
import { versionOfBranch } from '@release-guard/github-adapter';
import { INCIDENT_DAY } from './clock.js';

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

/** Times of an incident's morning, as HH:MM:SS UTC on its day. */
export interface IncidentTimes {
  /** The release PR is opened. */
  opened: string;
  /** The releaser approves it. */
  approved: string;
  /** The releaser merges by hand (the incident). */
  handMerge: string;
  /**
   * The release workflow starts building the image (seed: 11:29:24). Without the three build times the
   * image is pushed `Delays.buildMs` after its workflow starts.
   */
  buildStarted?: string;
  /** The image is pushed (seed: 12:41:02). */
  imagePushed?: string;
  /** The release workflow run completes (seed: 12:41:03). */
  releaseCompleted?: string;
}

/**
 * The seed's times. The seed gives the merge (~11:16), the chart push (11:16:19), the build (11:29:24)
 * and the image push (12:41:02); the PR's opening and its approval are not in it and are put before.
 */
export const SEED_TIMES: Required<IncidentTimes> = {
  opened: '11:00:00',
  approved: '11:05:00',
  handMerge: '11:16:00',
  buildStarted: '11:29:24',
  imagePushed: '12:41:02',
  releaseCompleted: '12:41:03',
};

/** How long after its trigger a workflow does its thing. */
export interface Delays {
  /** The guard's job runs on a GitHub event. */
  guardMs: number;
  /** A workflow run starts after it is triggered. */
  runStartMs: number;
  /** The chart workflow pushes the chart after the merge. */
  chartMs: number;
  /** The image is pushed after its workflow starts, when the incident has no build times. */
  buildMs?: number;
}

export const DELAYS: Delays = {
  guardMs: 10_000,
  runStartMs: 5_000,
  /** Seed: merged at 11:16, pushed at 11:16:19. */
  chartMs: 19_000,
};

// ---- What is replayed ------------------------------------------------------------------------------

/** A pull request as the replay opens it: its head, title, author and the files it changes. */
export interface PullRequestSeed {
  headRef: string;
  headSha: string;
  title: string;
  author: string;
  /** The files it changes, with their content at the head (set on GitHub with `setFile`). */
  files?: Readonly<Record<string, string>>;
}

/** An incident the demo replays, with and without release-guard. */
export interface Incident {
  /** How the demo names it: `v0.29`, `2026`. */
  key: string;
  /** The release as a heading names it. */
  name: string;
  /** The day, YYYY-MM-DD; every time is UTC. */
  day: string;
  release: PullRequestSeed & {
    /** What the release PR releases, as the chart workflow's gate is given it. */
    versions: { version: string; versions?: Record<string, string> };
  };
  /** The image the chart runs, and the chart the merge publishes. */
  image: { name: string; tag: string };
  chart: { name: string; tag: string };
  times: IncidentTimes;
  delays: Delays;
  /**
   * Without release-guard, the image is built by the release workflow the approval starts (2023), or by
   * the image workflow the push to main starts (2025).
   */
  buildWithoutGuard: 'on-approval' | 'after-merge';
  /** The guard's configuration: with release-guard (`guarded`), or as it was without it (none in 2023). */
  config(registryHost: string, guarded: boolean): GuardConfig | undefined;
  /** The version of a release branch, for a configuration that reads versions from the branch. */
  versionOf?: (headRef: string) => { version?: string; versions?: Record<string, string> };
  /** A pull request that is no release and changes release-managed files, opened at `opened` when guarded. */
  protectedChange?: PullRequestSeed & { opened: string };
}

/** The weave-gitops v0.29 release of 2 August 2023. */
export const V0_29: Incident = {
  key: 'v0.29',
  name: VERSION,
  day: INCIDENT_DAY,
  release: {
    headRef: HEAD_REF,
    headSha: HEAD_SHA,
    title: `Release ${VERSION}`,
    author: 'prepare-release[bot]',
    versions: { version: VERSION, versions: { chart: CHART_VERSION } },
  },
  image: { name: IMAGE_NAME, tag: VERSION },
  chart: { name: CHART_NAME, tag: CHART_VERSION },
  times: SEED_TIMES,
  delays: DELAYS,
  buildWithoutGuard: 'on-approval',
  config: (registryHost, guarded) => (guarded ? weaveGitopsConfig(registryHost) : undefined),
  versionOf: versionsOf,
};

export interface Scenario {
  title: string;
  incident: Incident;
  /**
   * release-guard installed as the fix: branch protection requires `release`, the guard runs on every
   * event and dispatches the release, and the chart workflow runs the gate before pushing (when the
   * configuration has a chart).
   */
  guarded: boolean;
  /** The hand merge bypasses branch protection (an admin merge) instead of going through the merge button. */
  bypass?: boolean;
  /** Whether the chart workflow runs the gate (default: when guarded and the configuration has a chart). */
  chartGate?: boolean;
  times?: Partial<IncidentTimes>;
  delays?: Partial<Delays>;
}

export const UNGUARDED: Scenario = {
  title: 'Without release-guard (v0.29 as it happened)',
  incident: V0_29,
  guarded: false,
};
export const GUARDED: Scenario = { title: 'With release-guard (v0.29)', incident: V0_29, guarded: true };
