/**
 * The April 2026 regression as data. In March 2025 weave-gitops moved to release-please (#4857): its
 * release workflow was deleted and the image was built after the merge. The guard stayed configured for
 * `releases/*`, which the release-please branch does not match, so the release PR got "release not
 * required" while its `extra-files` bumped the chart's `image.tag` to a tag not pushed yet (#5372,
 * 0.39.1-rc.1). The PR's files are as release-please writes them; the day, the times, the head SHA and
 * the chart's version are the replay's assumptions, not from the seed.
 */
import type { GuardConfig } from '@release-guard/core';
import {
  CHART_NAME,
  DELAYS,
  type Delays,
  IMAGE_NAME,
  type Incident,
  type IncidentTimes,
  type Scenario,
  weaveGitopsConfig,
} from './scenario.js';

export const RELEASE_PLEASE_BRANCH = 'release-please--branches--main';
/** The version release-please writes in the title and the manifest. */
export const VERSION_2026 = '0.39.1-rc.1';
/** The image tag: weave-gitops tags its images `v` and the version. */
export const IMAGE_TAG_2026 = `v${VERSION_2026}`;
/** Assumed: the chart version the replay's chart workflow publishes from main. */
export const CHART_VERSION_2026 = '4.0.39';
/** Made up: the release PR's head commit. */
export const HEAD_SHA_2026 = '5372c0ffee039100000000000000000000000001';
/** The chart's values, where release-please's `extra-files` bump `image.tag`. */
export const VALUES_PATH = 'charts/gitops-server/values.yaml';

/** The chart's values at a commit whose `image.tag` is `tag`. */
export function valuesYaml(tag: string): string {
  return `image:\n  repository: ghcr.io/weaveworks/wego-app\n  pullPolicy: IfNotPresent\n  tag: "${tag}"\n`;
}

/** Assumed times on the replay's day: the PR opened at 09:30, approved at 09:45, merged at 10:00. */
export const ASSUMED_TIMES_2026: IncidentTimes = {
  opened: '09:30:00',
  approved: '09:45:00',
  handMerge: '10:00:00',
};

/** Assumed delays: the chart is pushed a minute after the merge, and the image build takes 40 minutes. */
export const ASSUMED_DELAYS_2026: Delays = {
  ...DELAYS,
  chartMs: 60_000,
  buildMs: 40 * 60_000,
};

/**
 * The guard as the fix configures it: release-please's branch and title, the chart's files protected
 * outside a release PR, and the image (tag `v{version}`) verified before unlock.
 */
export function releasePleaseConfig(registryHost: string): GuardConfig {
  return {
    preset: 'release-please',
    protectedPaths: ['charts/**'],
    artifacts: [{ name: 'image', ref: `${registryHost}/${IMAGE_NAME}:v{version}` }],
  };
}

/** weave-gitops 0.39.1-rc.1 under the 2025 workflows (release-please), April 2026. */
export const RELEASE_PLEASE_2026: Incident = {
  key: '2026',
  name: `${VERSION_2026} (release-please)`,
  day: '2026-04-14',
  release: {
    headRef: RELEASE_PLEASE_BRANCH,
    headSha: HEAD_SHA_2026,
    title: `chore(main): release ${VERSION_2026}`,
    author: 'release-please[bot]',
    files: {
      '.release-please-manifest.json': `{\n  ".": "${VERSION_2026}"\n}\n`,
      'CHANGELOG.md': `# Changelog\n\n## [${VERSION_2026}](https://github.com/weaveworks/weave-gitops/compare/v0.39.0...${IMAGE_TAG_2026}) (2026-04-14)\n`,
      [VALUES_PATH]: valuesYaml(IMAGE_TAG_2026),
    },
    versions: { version: VERSION_2026 },
  },
  image: { name: IMAGE_NAME, tag: IMAGE_TAG_2026 },
  chart: { name: CHART_NAME, tag: CHART_VERSION_2026 },
  times: ASSUMED_TIMES_2026,
  delays: ASSUMED_DELAYS_2026,
  buildWithoutGuard: 'after-merge',
  // Without the fix: the guard as it was configured for `releases/*`.
  config: (registryHost, guarded) => (guarded ? releasePleaseConfig(registryHost) : weaveGitopsConfig(registryHost)),
  protectedChange: {
    headRef: 'bump-gitops-server-image',
    headSha: '5372c0ffee039100000000000000000000000002',
    title: `chore: bump gitops-server to ${IMAGE_TAG_2026}`,
    author: 'contributor',
    files: { [VALUES_PATH]: valuesYaml(IMAGE_TAG_2026) },
    opened: '09:40:00',
  },
};

export const UNGUARDED_2026: Scenario = {
  title: "Without release-guard's fix (2026: release-please, the guard still set for releases/*)",
  incident: RELEASE_PLEASE_2026,
  guarded: false,
};
export const GUARDED_2026: Scenario = {
  title: "With release-guard (2026: preset 'release-please', charts/** protected)",
  incident: RELEASE_PLEASE_2026,
  guarded: true,
};
