/**
 * The release part of `GitHubControl`: releases, drafts or published, and their assets, which REST
 * `repos/get-release-by-tag` reads.
 */

import { createHash } from 'node:crypto';
import type { ReleaseRecord } from '../releases.js';
import { RulesetControl } from './rulesets.js';

/** A release as `control.createRelease` takes it. */
export interface ReleaseOptions {
  /** The tag it releases (`tag_name`); one release per tag. */
  tag: string;
  /** Where the tag is created from: a branch or a commit SHA. Default the default branch. */
  targetCommitish?: string;
  /** Its title. Default the tag. */
  name?: string;
  /** Its notes. Default none. */
  body?: string;
  /** A draft is not found by its tag until `publishRelease`. Default false. */
  draft?: boolean;
  /** Default false. */
  prerelease?: boolean;
  /** Who created it. Default `github-actions[bot]`. */
  author?: string;
}

/** An asset as `control.uploadAsset` takes it. */
export interface AssetOptions {
  /** Its file name; an asset of the same name is replaced. */
  name: string;
  /** Its bytes, or text as UTF-8: `size` and `digest` are computed from them. */
  content: string | Uint8Array;
  /** Default `application/octet-stream`. */
  contentType?: string;
  /** `open`: the upload is not finished. Default `uploaded`. */
  state?: 'uploaded' | 'open';
  /** Leave `digest` null, as on assets uploaded before GitHub computed digests. Default false. */
  withoutDigest?: boolean;
  /** Who uploaded it. Default the release's author. */
  uploader?: string;
}

export class ReleaseControl extends RulesetControl {
  /** Creates a release of `tag` and returns its id; a tag may have one release. */
  createRelease(repo: string, options: ReleaseOptions): number {
    const record = this.repo(repo);
    if (record.releases.some((release) => release.tagName === options.tag)) {
      throw new Error(`${repo} already has a release of the tag ${options.tag}`);
    }
    const author = this.state.account(options.author ?? this.state.defaultLogin);
    const now = this.state.timestamp();
    const draft = options.draft ?? false;
    record.releases.push({
      id: this.state.id(),
      tagName: options.tag,
      targetCommitish: options.targetCommitish ?? record.defaultBranch,
      name: options.name ?? options.tag,
      body: options.body ?? null,
      draft,
      prerelease: options.prerelease ?? false,
      authorLogin: author.login,
      createdAt: now,
      publishedAt: draft ? null : now,
      assets: [],
    });
    return record.releases.at(-1)?.id as number;
  }

  /** Publishes the draft release of `tag`. */
  publishRelease(repo: string, tag: string): void {
    const release = this.release(repo, tag);
    release.draft = false;
    release.publishedAt = this.state.timestamp();
  }

  /** Uploads an asset to the release of `tag` (replacing one of the same name) and returns its id. */
  uploadAsset(repo: string, tag: string, options: AssetOptions): number {
    const release = this.release(repo, tag);
    const content = typeof options.content === 'string' ? Buffer.from(options.content) : Buffer.from(options.content);
    const now = this.state.timestamp();
    const asset = {
      id: this.state.id(),
      name: options.name,
      contentType: options.contentType ?? 'application/octet-stream',
      size: content.length,
      digest: options.withoutDigest ? null : `sha256:${createHash('sha256').update(content).digest('hex')}`,
      state: options.state ?? 'uploaded',
      uploaderLogin: this.state.account(options.uploader ?? release.authorLogin).login,
      createdAt: now,
      updatedAt: now,
    } as const;
    release.assets = [...release.assets.filter((existing) => existing.name !== options.name), asset];
    return asset.id;
  }

  /** Marks an asset whose upload was `open` as `uploaded`. */
  finishUpload(repo: string, tag: string, name: string): void {
    const asset = this.release(repo, tag).assets.find((candidate) => candidate.name === name);
    if (!asset) throw new Error(`the release ${tag} of ${repo} has no asset ${name}`);
    asset.state = 'uploaded';
    asset.updatedAt = this.state.timestamp();
  }

  private release(repo: string, tag: string): ReleaseRecord {
    const release = this.repo(repo).releases.find((candidate) => candidate.tagName === tag);
    if (!release) throw new Error(`${repo} has no release of the tag ${tag}: create it with control.createRelease`);
    return release;
  }
}
