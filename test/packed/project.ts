/**
 * A user's project outside the workspace (under the system's temporary directory) that installs the packed
 * tarballs with pnpm, from pnpm's store and the npm registry, holds copies of `examples/embed`,
 * `examples/property-test`, the first example of each package's README and the consumer of every entry
 * point (`consumer.ts`), and compiles them with
 * TypeScript (`module: nodenext`) into `build/` for plain Node.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../../scripts/libraries.js';
import { succeed } from '../support/exec.js';
import type { Packed } from '../support/pack.js';

/** The TypeScript of the workspace (7), run by Node. */
export const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** What the project compiles, from where in the workspace, to where under `src/`. */
const SOURCES: [from: string, to: string][] = [
  ['test/packed/consumer.ts', 'consumer.ts'],
  ['examples/embed/embed.ts', 'embed/embed.ts'],
  ['examples/embed/story.ts', 'embed/story.ts'],
  ['examples/embed/release.ts', 'embed/release.ts'],
  ['examples/property-test/integration.ts', 'property-test/integration.ts'],
  ['examples/property-test/test', 'property-test/test'],
];

/** The compiler options of a user's project on Node: ESM, `nodenext`, strict, no workspace condition. */
export const COMPILER_OPTIONS = {
  target: 'ES2023',
  lib: ['ES2023'],
  module: 'nodenext',
  moduleResolution: 'nodenext',
  strict: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  skipLibCheck: false,
  types: ['node'],
  rootDir: 'src',
  outDir: 'build',
};

/** The TypeScript of a package README's "Install" section: its first example, which must run as it is. */
export async function installExample(library: string): Promise<string> {
  const readme = await readFile(join(ROOT, 'packages', library, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Install\n')) ?? '';
  const example = /^```ts\n([\s\S]*?)^```$/m.exec(section)?.[1];
  if (!example) throw new Error(`packages/${library}/README.md has no TypeScript example under "## Install"`);
  return example;
}

/** The version of a package the workspace installed, so that pnpm's store has it. */
async function installed(name: string, from = ROOT): Promise<string> {
  const manifest = JSON.parse(await readFile(join(from, 'node_modules', name, 'package.json'), 'utf8'));
  return manifest.version as string;
}

/**
 * Writes the project into `dir` and installs it: the tarballs (also as the version every other one depends
 * on, through `overrides`), fast-check (the optional peer `/testing` needs), vitest (the property test's
 * runner) and @types/node, at the versions the workspace has, so that pnpm finds them in its store.
 */
export async function createProject(dir: string, packed: readonly Packed[]): Promise<void> {
  const tarballs = Object.fromEntries(packed.map((p) => [p.manifest.name, `file:${p.tarball}`]));
  const manifest = {
    name: 'release-guard-consumer',
    private: true,
    type: 'module',
    dependencies: { ...tarballs, 'fast-check': await installed('fast-check') },
    devDependencies: { '@types/node': await installed('@types/node'), vitest: await installed('vitest') },
  };
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const overrides = Object.entries(tarballs).map(([name, spec]) => `  "${name}": "${spec}"`);
  await writeFile(
    join(dir, 'pnpm-workspace.yaml'),
    `overrides:\n${overrides.join('\n')}\nallowBuilds:\n  esbuild: true\n`,
  );
  await writeFile(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ['src'] }, null, 2)}\n`,
  );
  await writeFile(join(dir, 'vitest.config.js'), "export default { test: { include: ['build/**/*.test.js'] } };\n");
  for (const [from, to] of SOURCES) await cp(join(ROOT, from), join(dir, 'src', to), { recursive: true });
  await mkdir(join(dir, 'src/readme'));
  for (const { library } of packed)
    await writeFile(join(dir, 'src/readme', `${library}.ts`), await installExample(library));

  const store = (await succeed('pnpm', ['store', 'path'], { cwd: ROOT })).trim();
  await succeed('pnpm', ['install', '--prefer-offline', '--store-dir', store], { cwd: dir });
  await succeed(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir });
}
