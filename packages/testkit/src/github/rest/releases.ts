import type { ReleaseAssetRecord, ReleaseRecord } from '../releases.js';
import { nodeId } from '../representations/repository.js';
import { type Handler, type HandlerContext, notFound } from './context.js';

/**
 * The published release of a tag (`repos/get-release-by-tag`), with its assets. A draft is not found by its
 * tag, whoever asks ("Get a published release with the specified tag"): 404, as for a tag without a release.
 */
export const getReleaseByTag: Handler = (ctx) => {
  const release = ctx.repo.releases.find((candidate) => candidate.tagName === ctx.params.tag && !candidate.draft);
  return release ? { status: 200, body: releaseBody(ctx, release) } : notFound();
};

function releaseBody(ctx: HandlerContext, release: ReleaseRecord) {
  const url = `${ctx.url}/repos/${ctx.repo.fullName}/releases/${release.id}`;
  const tag = encodeURIComponent(release.tagName);
  return {
    url,
    html_url: `${ctx.url}/_html/${ctx.repo.fullName}/releases/tag/${tag}`,
    assets_url: `${url}/assets`,
    upload_url: `${ctx.url}/_uploads/repos/${ctx.repo.fullName}/releases/${release.id}/assets{?name,label}`,
    tarball_url: `${ctx.url}/repos/${ctx.repo.fullName}/tarball/${tag}`,
    zipball_url: `${ctx.url}/repos/${ctx.repo.fullName}/zipball/${tag}`,
    id: release.id,
    node_id: nodeId('Release', release.id),
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: false,
    created_at: release.createdAt,
    published_at: release.publishedAt,
    updated_at: release.publishedAt ?? release.createdAt,
    author: ctx.repr.user(ctx.state.account(release.authorLogin)),
    assets: release.assets.map((asset) => assetBody(ctx, release, asset)),
  };
}

function assetBody(ctx: HandlerContext, release: ReleaseRecord, asset: ReleaseAssetRecord) {
  return {
    url: `${ctx.url}/repos/${ctx.repo.fullName}/releases/assets/${asset.id}`,
    browser_download_url: `${ctx.url}/_html/${ctx.repo.fullName}/releases/download/${encodeURIComponent(release.tagName)}/${encodeURIComponent(asset.name)}`,
    id: asset.id,
    node_id: nodeId('ReleaseAsset', asset.id),
    name: asset.name,
    label: null,
    state: asset.state,
    content_type: asset.contentType,
    size: asset.size,
    digest: asset.digest,
    download_count: 0,
    created_at: asset.createdAt,
    updated_at: asset.updatedAt,
    uploader: ctx.repr.user(ctx.state.account(asset.uploaderLogin)),
  };
}
