import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freshRepo, useGitHub } from './support/github.js';

const { github, octokit } = useGitHub();

describe('releases by tag over REST (repos/get-release-by-tag)', () => {
  it('serves a published release with its assets, their digests and states, held to the contract', async () => {
    const { owner, repo, full } = freshRepo(github());
    const control = github().control;
    const id = control.createRelease(full, { tag: 'v0.29.0', name: 'v0.29.0', targetCommitish: 'main' });
    const content = 'a gitops binary';
    control.uploadAsset(full, 'v0.29.0', {
      name: 'gitops-linux-x86_64.tar.gz',
      content,
      contentType: 'application/gzip',
    });
    control.uploadAsset(full, 'v0.29.0', { name: 'old.zip', content: 'old', withoutDigest: true });
    control.uploadAsset(full, 'v0.29.0', { name: 'checksums.txt', content: 'sums', state: 'open' });

    const { data } = await octokit().rest.repos.getReleaseByTag({ owner, repo, tag: 'v0.29.0' });
    expect(data).toMatchObject({ id, tag_name: 'v0.29.0', draft: false, target_commitish: 'main' });
    expect(
      data.assets.map(({ name, state, size, digest, content_type }) => ({ name, state, size, digest, content_type })),
    ).toEqual([
      {
        name: 'gitops-linux-x86_64.tar.gz',
        state: 'uploaded',
        size: content.length,
        digest: `sha256:${createHash('sha256').update(content).digest('hex')}`,
        content_type: 'application/gzip',
      },
      { name: 'old.zip', state: 'uploaded', size: 3, digest: null, content_type: 'application/octet-stream' },
      {
        name: 'checksums.txt',
        state: 'open',
        size: 4,
        digest: expect.stringMatching(/^sha256:/),
        content_type: 'application/octet-stream',
      },
    ]);
    control.finishUpload(full, 'v0.29.0', 'checksums.txt');
    const again = await octokit().rest.repos.getReleaseByTag({ owner, repo, tag: 'v0.29.0' });
    expect(again.data.assets.at(-1)?.state).toBe('uploaded');
  });

  it('finds a tag with slashes, and answers 404 for an unknown tag and for a draft until it is published', async () => {
    const { owner, repo, full } = freshRepo(github());
    const control = github().control;
    control.createRelease(full, { tag: 'release/1.0.0' });
    control.createRelease(full, { tag: 'v2.0.0', draft: true });
    control.uploadAsset(full, 'v2.0.0', { name: 'app.zip', content: 'zip' });

    const nested = await octokit().rest.repos.getReleaseByTag({ owner, repo, tag: 'release/1.0.0' });
    expect(nested.data.tag_name).toBe('release/1.0.0');
    await expect(octokit().rest.repos.getReleaseByTag({ owner, repo, tag: 'v9.9.9' })).rejects.toMatchObject({
      status: 404,
    });
    // GitHub finds no draft by its tag, even for an admin's token.
    await expect(octokit().rest.repos.getReleaseByTag({ owner, repo, tag: 'v2.0.0' })).rejects.toMatchObject({
      status: 404,
    });
    control.publishRelease(full, 'v2.0.0');
    const published = await octokit().rest.repos.getReleaseByTag({ owner, repo, tag: 'v2.0.0' });
    expect(published.data).toMatchObject({ draft: false, assets: [{ name: 'app.zip', state: 'uploaded' }] });
    expect(published.data.published_at).not.toBeNull();
  });

  it('refuses a second release of a tag and an asset for a release that does not exist', () => {
    const { full } = freshRepo(github());
    const control = github().control;
    control.createRelease(full, { tag: 'v1' });
    expect(() => control.createRelease(full, { tag: 'v1' })).toThrow('already has a release of the tag v1');
    expect(() => control.uploadAsset(full, 'v2', { name: 'a', content: '' })).toThrow('no release of the tag v2');
  });
});
