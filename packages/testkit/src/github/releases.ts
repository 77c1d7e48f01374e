/** The releases of a repository, as the emulator keeps them. */

/** One asset of a release. */
export interface ReleaseAssetRecord {
  id: number;
  name: string;
  contentType: string;
  size: number;
  /** `sha256:<hex>` of the content, as GitHub gives assets uploaded since June 2025; `null` for older ones. */
  digest: string | null;
  /** `open` while the upload is under way. */
  state: 'uploaded' | 'open';
  uploaderLogin: string;
  createdAt: string;
  updatedAt: string;
}

/** A release: published, or a draft (which GitHub does not find by its tag). */
export interface ReleaseRecord {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  authorLogin: string;
  createdAt: string;
  publishedAt: string | null;
  assets: ReleaseAssetRecord[];
}
