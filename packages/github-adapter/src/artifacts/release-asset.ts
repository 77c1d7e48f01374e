import type { Octokit } from '@octokit/rest';
import { LookupFailure } from './failure.js';
import { truncate } from './transport.js';

/** A `gh-release:` ref, read (see `parseArtifactRef`). */
export interface ReleaseAssetRef {
  /** The ref as written, for reasons. */
  text: string;
  owner: string;
  repo: string;
  tag: string;
  asset: string;
}

/** An uploaded asset of a published release. */
export interface FoundAsset {
  /** The asset's `digest` (`sha256:…`) when GitHub gives one, else `github-asset:<id>:<size in bytes>`. */
  digest: string;
  /** The asset's `content_type`. */
  mediaType: string;
}

/**
 * Looks the asset up in the release of its tag (`repos/get-release-by-tag`): it must be listed and
 * `uploaded`. Throws a {@link LookupFailure}: `absent` when GitHub says there is no such release or asset
 * (drafts included: GitHub does not find a draft by its tag) or the upload is not finished; otherwise it
 * could not be checked.
 */
export async function releaseAsset(octokit: Octokit | undefined, ref: ReleaseAssetRef): Promise<FoundAsset> {
  const repo = `${ref.owner}/${ref.repo}`;
  if (!octokit) {
    throw new LookupFailure(
      'release assets are read from GitHub, and no GitHub client was given: pass the verifier options `octokit`',
    );
  }
  let release: Awaited<ReturnType<Octokit['rest']['repos']['getReleaseByTag']>>['data'];
  try {
    ({ data: release } = await octokit.rest.repos.getReleaseByTag({ owner: ref.owner, repo: ref.repo, tag: ref.tag }));
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status === 404) {
      throw new LookupFailure(
        `release unknown: ${repo} has no published release tagged ${ref.tag} (404), so ${ref.text} does not exist; a draft release is not found by its tag until it is published, and a token that may not read ${repo} finds none`,
        true,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new LookupFailure(
      `GitHub answered ${typeof status === 'number' ? `${status} ` : ''}${truncate(message, 300)}`,
    );
  }
  if (release.draft) {
    throw new LookupFailure(
      `draft: the release ${ref.tag} of ${repo} is a draft, so ${ref.text} is not published`,
      true,
    );
  }
  const asset = release.assets.find((candidate) => candidate.name === ref.asset);
  if (!asset) {
    const names = release.assets.map((candidate) => candidate.name);
    const listed = names.length ? `its assets: ${truncate(names.join(', '), 300)}` : 'it has no assets';
    throw new LookupFailure(
      `asset unknown: the release ${ref.tag} of ${repo} has no asset ${ref.asset} (${listed}), so ${ref.text} does not exist`,
      true,
    );
  }
  if (asset.state !== 'uploaded') {
    throw new LookupFailure(
      `upload unfinished: the asset ${ref.asset} of the release ${ref.tag} of ${repo} is ${asset.state}, not uploaded`,
      true,
    );
  }
  const digest = asset.digest || `github-asset:${asset.id}:${asset.size}`;
  return { digest, mediaType: asset.content_type };
}
