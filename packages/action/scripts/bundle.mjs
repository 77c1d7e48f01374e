#!/usr/bin/env node
// Bundles the action (dist/index.js) and the CLI (dist/cli.js) into self-contained ESM files for Node 20
// and later, as the runner executes them: no node_modules next to them.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds both entry points into `outdir` (default `dist/`) and returns the bundle sizes in bytes. */
export async function bundle(outdir = join(root, 'dist')) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'linked',
    conditions: ['@release-guard/source'],
    metafile: true,
    logLevel: 'warning',
    // Some CommonJS dependencies call require() for Node built-ins, which ESM output lacks.
    banner: { js: "import{createRequire as __rgRequire}from'node:module';const require=__rgRequire(import.meta.url);" },
  });
  await mkdir(outdir, { recursive: true });
  await writeFile(join(outdir, 'package.json'), '{ "type": "module" }\n');
  return Object.fromEntries(
    Object.entries(result.metafile.outputs)
      .filter(([file]) => file.endsWith('.js'))
      .map(([file, output]) => [file.split('/').at(-1), output.bytes]),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await bundle(process.argv[2] ? resolve(process.argv[2]) : undefined);
  for (const [file, bytes] of Object.entries(sizes)) console.log(`${file}: ${(bytes / 1024).toFixed(1)} KiB`);
}
