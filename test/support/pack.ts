/**
 * The published packages as npm receives them: built, packed by pnpm (which applies `publishConfig` and
 * replaces `workspace:` ranges), and what a tarball and its manifest must and must not hold.
 */
import { join } from 'node:path';
import { entryPoints, LIBRARIES, type Manifest, manifestOf, ROOT } from '../../scripts/libraries.js';
import { succeed } from './exec.js';

/** One packed library. */
export interface Packed {
  library: string;
  /** The workspace's manifest. */
  source: Manifest;
  /** The manifest in the tarball. */
  manifest: Manifest;
  tarball: string;
  /** The paths in the tarball, `package/` left out. */
  files: string[];
}

/** `pnpm build` of the published packages (their `dist/`). */
export async function buildLibraries(): Promise<void> {
  await succeed('pnpm', ['build:libraries'], { cwd: ROOT });
}

/** `pnpm pack` of each published package into `destination`. */
export async function packLibraries(destination: string): Promise<Packed[]> {
  const packed: Packed[] = [];
  for (const library of LIBRARIES) {
    const cwd = join(ROOT, 'packages', library);
    const out = await succeed('pnpm', ['pack', '--json', '--pack-destination', destination], { cwd });
    const { filename, files } = JSON.parse(out) as { filename: string; files: { path: string }[] };
    const manifest = JSON.parse(
      await succeed('tar', ['-xOzf', filename, 'package/package.json'], { cwd: destination }),
    ) as Manifest;
    packed.push({ library, source: manifestOf(library), manifest, tarball: filename, files: files.map((f) => f.path) });
  }
  return packed;
}

/** The files a published package may hold besides `dist/`. */
const ALSO_SHIPPED: Record<string, RegExp> = { testkit: /^contract\/[^/]+\.json$/ };

/**
 * Why the files of a package would be wrong on npm: a file other than `dist/`, the README, the LICENSE and
 * the manifest (testkit's GitHub contract aside), sources or tests, or an entry point whose files are
 * missing. Empty when they are right.
 */
export function fileProblems(library: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const allowed =
      ['package.json', 'README.md', 'LICENSE'].includes(file) ||
      file.startsWith('dist/') ||
      ALSO_SHIPPED[library]?.test(file) === true;
    if (!allowed) problems.push(`${library}: ${file} is not dist/, README.md, LICENSE or package.json`);
    if (/(^|\/)(test|src)\//.test(file) || /\.test\.|\.spec\./.test(file)) problems.push(`${library}: ships ${file}`);
    if (/\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file)) problems.push(`${library}: ships the source ${file}`);
  }
  for (const required of ['package.json', 'README.md', 'LICENSE']) {
    if (!files.includes(required)) problems.push(`${library}: no ${required}`);
  }
  for (const entry of entryPoints(library)) {
    for (const target of Object.values(entry.manifest.publishConfig.exports[entry.subpath] ?? {})) {
      if (!files.includes(target.replace(/^\.\//, ''))) problems.push(`${entry.specifier}: ${target} is not packed`);
    }
  }
  return problems;
}

/**
 * Why a packed manifest would be wrong on npm: private, exports that name the workspace's condition or
 * sources, a `workspace:` range left, a published package depending on another at a version that is not
 * the one packed with it. Empty when it is right.
 */
export function manifestProblems(packed: Packed, all: readonly Packed[]): string[] {
  const { library, manifest } = packed;
  const problems: string[] = [];
  if (manifest.private === true) problems.push(`${library}: private`);
  const exported = JSON.stringify(manifest.exports);
  if (exported.includes('@release-guard/source')) problems.push(`${library}: exports the workspace condition`);
  if (/\.\/src\//.test(exported)) problems.push(`${library}: exports sources`);
  for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    if (range.startsWith('workspace:')) problems.push(`${library}: ${name}@${range}`);
    const sibling = all.find((p) => p.manifest.name === name);
    if (sibling && range !== sibling.manifest.version) {
      problems.push(`${library}: depends on ${name}@${range}, packed at ${sibling.manifest.version}`);
    }
  }
  return problems;
}
