import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyArtifact, verifyArtifacts } from '../src/artifacts/index.js';
import { guardRepository, useEmulators } from './support/emulators.js';

/** `gh-release:` refs against the GitHub emulator, which serves `repos/get-release-by-tag` held to GitHub's contract. */
const SHA = '03093a127262cad8f4c94caf8aa4262314a1cedd';
const ASSET = 'gitops-linux-x86_64.tar.gz';

describe('verifyArtifacts with GitHub release assets', () => {
  const emulators = useEmulators();

  it('verifies an uploaded asset with its digest, or its id and size when GitHub has no digest for it', async () => {
    const { full, octokit } = guardRepository(emulators.github);
    const control = emulators.github.control;
    control.createRelease(full, { tag: 'v0.29.0' });
    control.uploadAsset(full, 'v0.29.0', { name: ASSET, content: 'binary', contentType: 'application/gzip' });
    const old = control.uploadAsset(full, 'v0.29.0', { name: 'old.zip', content: 'zip', withoutDigest: true });
    const events = await verifyArtifacts(
      {
        type: 'VERIFY_ARTIFACTS',
        sha: SHA,
        artifacts: [
          { name: 'binary', ref: `gh-release:${full}@v0.29.0/${ASSET}` },
          { name: 'old', ref: `gh-release:${full}@v0.29.0/old.zip` },
        ],
      },
      { octokit },
    );
    expect(events).toEqual([
      {
        type: 'ARTIFACT_VERIFIED',
        sha: SHA,
        name: 'binary',
        digest: `sha256:${createHash('sha256').update('binary').digest('hex')}`,
      },
      { type: 'ARTIFACT_VERIFIED', sha: SHA, name: 'old', digest: `github-asset:${old}:3` },
    ]);
    await expect(verifyArtifact(`gh-release:${full}@v0.29.0/${ASSET}`, { octokit })).resolves.toMatchObject({
      present: true,
      mediaType: 'application/gzip',
    });
  });

  it('reports a missing release, a missing asset, an unfinished upload and a draft as missing, with hints', async () => {
    const { full, octokit } = guardRepository(emulators.github);
    const control = emulators.github.control;
    control.createRelease(full, { tag: 'v1.0.0' });
    control.uploadAsset(full, 'v1.0.0', { name: 'app.zip', content: 'zip' });
    control.uploadAsset(full, 'v1.0.0', { name: ASSET, content: 'partial', state: 'open' });
    control.createRelease(full, { tag: 'v2.0.0', draft: true });
    control.uploadAsset(full, 'v2.0.0', { name: ASSET, content: 'binary' });
    const reason = async (ref: string) => {
      const lookup = await verifyArtifact(ref, { octokit });
      return lookup.present ? 'present' : lookup.reason;
    };
    expect(await reason(`gh-release:${full}@v9.9.9/${ASSET}`)).toBe(
      `release unknown: ${full} has no published release tagged v9.9.9 (404), so gh-release:${full}@v9.9.9/${ASSET} does not exist; a draft release is not found by its tag until it is published, and a token that may not read ${full} finds none`,
    );
    expect(await reason(`gh-release:${full}@v1.0.0/other.zip`)).toBe(
      `asset unknown: the release v1.0.0 of ${full} has no asset other.zip (its assets: app.zip, ${ASSET}), so gh-release:${full}@v1.0.0/other.zip does not exist`,
    );
    expect(await reason(`gh-release:${full}@v1.0.0/${ASSET}`)).toBe(
      `upload unfinished: the asset ${ASSET} of the release v1.0.0 of ${full} is open, not uploaded`,
    );
    expect(await reason(`gh-release:${full}@v2.0.0/${ASSET}`)).toContain('a draft release is not found by its tag');
    control.publishRelease(full, 'v2.0.0');
    expect(await reason(`gh-release:${full}@v2.0.0/${ASSET}`)).toBe('present');
  });

  it('says a release asset could not be checked without a GitHub client, or when GitHub fails', async () => {
    const { full, octokit } = guardRepository(emulators.github);
    const ref = `gh-release:${full}@v1.0.0/${ASSET}`;
    await expect(verifyArtifact(ref)).resolves.toEqual({
      present: false,
      reason: `${ref} could not be checked: release assets are read from GitHub, and no GitHub client was given: pass the verifier options \`octokit\``,
    });
    emulators.github.control.inject({
      kind: 'server-error',
      operation: 'repos/get-release-by-tag',
      repo: full,
      status: 502,
    });
    await expect(verifyArtifact(ref, { octokit })).resolves.toMatchObject({
      present: false,
      reason: expect.stringContaining(`${ref} could not be checked: GitHub answered 502`),
    });
  });
});
