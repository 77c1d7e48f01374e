/**
 * The packages published to npm and the entry points each publishes (`publishConfig.exports`, the
 * `exports` consumers get), read by the API report and the tests of what is packed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the scripts and tests read of a package's manifest. */
export interface Manifest {
  name: string;
  version: string;
  exports: Record<string, Record<string, string>>;
  publishConfig: { access: string; provenance: boolean; exports: Record<string, { types: string; default: string }> };
  files: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** An entry point of a published package. */
export interface EntryPoint {
  library: string;
  /** The package's folder. */
  folder: string;
  manifest: Manifest;
  /** The subpath of `exports`: `.`, `./testing`. */
  subpath: string;
  /** What a consumer imports: `@release-guard/core/testing`. */
  specifier: string;
  /** The declarations it resolves to, in the package's folder. */
  types: string;
  /** The file name of its API report. */
  report: string;
}

/** The folders under `packages/` of the published packages, dependencies first. */
export const LIBRARIES = ['core', 'github-adapter', 'testkit'];

/** A package's manifest: `packages/<library>/package.json`. */
export function manifestOf(library: string): Manifest {
  return JSON.parse(readFileSync(join(ROOT, 'packages', library, 'package.json'), 'utf8'));
}

/**
 * Every entry point `library` publishes: the specifier a consumer imports (`@release-guard/core/testing`),
 * the declarations it resolves to, and the name of its API report (the unscoped package name, followed by
 * `-<subpath>` for an entry point other than `.`: `core-testing.api.md`).
 */
export function entryPoints(library: string): EntryPoint[] {
  const folder = join(ROOT, 'packages', library);
  const manifest = manifestOf(library);
  const unscoped = manifest.name.replace(/^@[^/]+\//, '');
  return Object.entries(manifest.publishConfig.exports).map(([subpath, target]) => ({
    library,
    folder,
    manifest,
    subpath,
    specifier: subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`,
    types: join(folder, target.types),
    report: `${unscoped}${subpath === '.' ? '' : `-${subpath.slice(2).replaceAll('/', '-')}`}.api.md`,
  }));
}
