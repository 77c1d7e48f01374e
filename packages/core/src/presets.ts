import type { VersionSource } from './version-source.js';

/** A named set-up of `releaseBranch` and `versionSource` for release pull requests as a tool makes them. */
export type Preset = 'releases' | 'release-please' | 'changesets';

/**
 * What each preset sets. A target branch may hold `/` (`release/1.x`), and release-please and changesets
 * name their branch after it (`release-please--branches--release/1.x--components--app`,
 * `changeset-release/release/1.x`): their globs end in `**` to match those too.
 */
export const PRESETS: Readonly<
  Record<Preset, { readonly releaseBranch: string; readonly versionSource: VersionSource }>
> = {
  releases: { releaseBranch: 'releases/*', versionSource: 'branch' },
  'release-please': { releaseBranch: 'release-please--branches--**', versionSource: 'title' },
  changesets: { releaseBranch: 'changeset-release/**', versionSource: { file: 'package.json', key: 'version' } },
};

export const PRESET_NAMES = Object.keys(PRESETS) as Preset[];
