import { HTPASSWD_USER, type RealRegistry, skipWithoutRealRegistry, startRealRegistry } from '@release-guard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArtifact, verifyArtifacts } from '../src/artifacts/index.js';
import { Pusher } from './support/registry-push.js';

/**
 * The checks of artifacts.test.ts against distribution 2.8 (Debian's docker-registry, or the binary RELEASE_GUARD_REGISTRY_BIN names), started by the test.
 * Under CI=true a missing binary fails these tests; elsewhere they are skipped with a warning.
 */
const skipLocally = skipWithoutRealRegistry('artifacts-real-registry');

const SHA = '03093a127262cad8f4c94caf8aa4262314a1cedd';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

describe.skipIf(skipLocally)('verifyArtifacts against the real docker-registry', () => {
  let open: RealRegistry;
  let basic: RealRegistry;
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    [open, basic] = await Promise.all([startRealRegistry(), startRealRegistry({ basicRealm: 'release-guard' })]);
    const pusher = new Pusher(open.url);
    digests.single = await pusher.image('weaveworks/wego-app', 'v0.29.0', 'single', {
      'org.opencontainers.image.revision': SHA,
    });
    digests.multi = await pusher.index('weaveworks/wego-app', 'v0.29.1', ['amd64', 'arm64']);
    digests.chart = await pusher.chart('weaveworks/charts/weave-gitops', '4.0.27');
    const authorization = `Basic ${Buffer.from(`${HTPASSWD_USER.username}:${HTPASSWD_USER.password}`).toString('base64')}`;
    digests.basic = await new Pusher(basic.url, authorization).image('team/app', 'v1', 'basic');
  });
  afterAll(() => Promise.all([open?.stop(), basic?.stop()]));

  it('verifies an image, a multi-platform index and a chart with their digests', async () => {
    const events = await verifyArtifacts({
      type: 'VERIFY_ARTIFACTS',
      sha: SHA,
      artifacts: [
        { name: 'image', ref: `${open.host}/weaveworks/wego-app:v0.29.0` },
        { name: 'multi', ref: `${open.host}/weaveworks/wego-app:v0.29.1` },
        { name: 'chart', ref: `${open.host}/weaveworks/charts/weave-gitops:4.0.27` },
      ],
    });
    expect(events).toEqual([
      { type: 'ARTIFACT_VERIFIED', sha: SHA, name: 'image', digest: digests.single },
      { type: 'ARTIFACT_VERIFIED', sha: SHA, name: 'multi', digest: digests.multi },
      { type: 'ARTIFACT_VERIFIED', sha: SHA, name: 'chart', digest: digests.chart },
    ]);
    await expect(verifyArtifact(`${open.host}/weaveworks/wego-app:v0.29.1`)).resolves.toEqual({
      present: true,
      digest: digests.multi,
      mediaType: OCI_INDEX,
    });
  });

  it('checks the revision annotation', async () => {
    const events = await verifyArtifacts(
      {
        type: 'VERIFY_ARTIFACTS',
        sha: SHA,
        artifacts: [
          { name: 'annotated', ref: `${open.host}/weaveworks/wego-app:v0.29.0` },
          { name: 'plain', ref: `${open.host}/weaveworks/charts/weave-gitops:4.0.27` },
        ],
      },
      { requireRevision: true },
    );
    expect(events.map((event) => event.type)).toEqual(['ARTIFACT_VERIFIED', 'ARTIFACT_MISSING']);
  });

  it('reports a missing tag and a missing repository as MANIFEST_UNKNOWN (distribution 2.8 has no NAME_UNKNOWN here)', async () => {
    await expect(verifyArtifact(`${open.host}/weaveworks/wego-app:v0.29.9`)).resolves.toEqual({
      present: false,
      reason: `manifest unknown: ${open.host}/weaveworks/wego-app:v0.29.9 does not exist (404 MANIFEST_UNKNOWN: manifest unknown)`,
    });
    await expect(verifyArtifact(`${open.host}/weaveworks/nothing:v1`)).resolves.toEqual({
      present: false,
      reason: `manifest unknown: ${open.host}/weaveworks/nothing:v1 does not exist (404 MANIFEST_UNKNOWN: manifest unknown)`,
    });
  });

  it('authenticates with basic credentials, and explains wrong or missing ones', async () => {
    const ref = `${basic.host}/team/app:v1`;
    await expect(verifyArtifact(ref, { credentials: { [basic.host]: HTPASSWD_USER } })).resolves.toEqual({
      present: true,
      digest: digests.basic,
      mediaType: OCI_MANIFEST,
    });
    const wrong = { username: HTPASSWD_USER.username, password: 'wrong-password' };
    await expect(verifyArtifact(ref, { credentials: { [basic.host]: wrong } })).resolves.toEqual({
      present: false,
      reason: `${ref} could not be checked: ${basic.host} rejected the credentials configured for "${basic.host}" (401 Unauthorized)`,
    });
    await expect(verifyArtifact(ref)).resolves.toEqual({
      present: false,
      reason: `${ref} could not be checked: ${basic.host} requires basic authentication: configure credentials for "${basic.host}"`,
    });
  });
});
