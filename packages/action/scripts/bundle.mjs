#!/usr/bin/env node
// Bundles the action (dist/index.js) and the CLI (dist/cli.js) into ESM for Node 20 and later, as the runner
// executes them: no node_modules next to them. Code is split into chunks (dist/chunks/): each dynamic import
// of the sources (a command, the clients, the guard, YAML) is a chunk loaded only when a run comes to it,
// and code both entry points use is shared. dist/ is one unit: every file in it is released.
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Imports of the workspace packages (`@release-guard/core`, `@release-guard/github-adapter`) are bundled
 * from the modules that define what they import, not through the package's index. esbuild splits code by
 * file, and a file that imports an index reaches every module the index re-exports: `inertMarkdown` would
 * bring the whole core and XState into the entry chunk, `runAttemptId` the whole adapter and Octokit.
 * Type-only names are left out (`verbatimModuleSyntax` marks them). A value the index does not re-export by
 * name from a module fails the build rather than silently loading everything.
 */
const WORKSPACE_IMPORT = /import\s*\{([^}]*)\}\s*from\s*'(@release-guard\/(?:core|github-adapter))';/g;
/** Any other reference to a workspace package's index that would load at run time: it would pull in all of it. */
const OTHER_WORKSPACE_IMPORT =
  /(?:\bimport\s+(?!type\b)(?![^;]*\{[^}]*\}\s*from)[^;]*?from\s*|\bimport\s*\(\s*|\bexport\s+(?!type\b)[^;]*?from\s*)['"]@release-guard\/(?:core|github-adapter)['"]/;

const importsFromDefiningModules = {
  name: 'imports-from-defining-modules',
  setup(build) {
    const definitions = new Map();
    /** Every name a package's index exports, with the module that defines it and its name there. */
    const definitionsOf = async (pkg, resolveDir) => {
      if (!definitions.has(pkg)) {
        definitions.set(
          pkg,
          build.resolve(pkg, { kind: 'import-statement', resolveDir }).then(({ path }) => reExports(path)),
        );
      }
      return definitions.get(pkg);
    };
    const reExports = async (index) => {
      const found = new Map();
      const source = await readFile(index, 'utf8');
      const at = async (specifier) =>
        (await build.resolve(specifier, { kind: 'import-statement', resolveDir: dirname(index) })).path;
      for (const [, names, specifier] of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
        if (!specifier.startsWith('.')) continue;
        const file = await at(specifier);
        for (const name of names
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)) {
          const [local, exported = local] = name.replace(/^type\s+/, '').split(/\s+as\s+/);
          found.set(exported, { file, name: local });
        }
      }
      for (const [, specifier] of source.matchAll(/export\s+\*\s+from\s*'([^']+)'/g)) {
        for (const [name, definition] of await reExports(await at(specifier))) found.set(name, definition);
      }
      return found;
    };
    const sources = /[\\/]packages[\\/](action|github-adapter)[\\/]src[\\/].*\.ts$/;
    build.onLoad({ filter: sources }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const errors = [];
      let contents = source;
      for (const [statement, names, pkg] of source.matchAll(WORKSPACE_IMPORT)) {
        const defined = await definitionsOf(pkg, dirname(args.path));
        const byFile = new Map();
        for (const name of names
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)) {
          if (name.startsWith('type ')) continue;
          const [imported, local = imported] = name.split(/\s+as\s+/);
          const definition = defined.get(imported);
          if (!definition) {
            errors.push({ text: `${imported} is not exported by name from a module of ${pkg}` });
            continue;
          }
          const specifiers = byFile.get(definition.file) ?? [];
          specifiers.push(definition.name === local ? local : `${definition.name} as ${local}`);
          byFile.set(definition.file, specifiers);
        }
        const direct = [...byFile].map(
          ([file, specifiers]) => `import { ${specifiers.join(', ')} } from ${JSON.stringify(file)};`,
        );
        contents = contents.replace(statement, () => direct.join(' '));
      }
      const other = OTHER_WORKSPACE_IMPORT.exec(contents);
      if (other) {
        errors.push({
          text: `${other[0]}: import names with import { … } from '…', so that they load from their own modules`,
        });
      }
      return errors.length > 0 ? { errors } : { contents, loader: 'ts' };
    });
  },
};

/**
 * YAML from its ESM build, the package's `default` export, which esbuild passes over for the `node` one (its
 * CommonJS build). The same parser, which esbuild can tree-shake, and which requires no Node built-in
 * (CommonJS in ESM output needs a require() of its own, and every run would load node:module for it). The
 * builds differ only in where debug output and warnings go (console, not process.emitWarning), and the
 * action parses at logLevel 'error'.
 */
const yamlFromItsEsmBuild = {
  name: 'yaml-from-its-esm-build',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, async ({ kind, resolveDir }) => {
      const manifest = await build.resolve('yaml/package.json', { kind, resolveDir });
      return manifest.errors.length > 0
        ? { errors: manifest.errors }
        : { path: join(dirname(manifest.path), 'browser', 'index.js') };
    });
  },
};

/**
 * Builds both entry points and their chunks into `outdir` (default `dist/`) and returns the size in bytes
 * of every JavaScript file written, by its path in `outdir` (`index.js`, `cli.js`, `chunks/…`).
 */
export async function bundle(outdir = join(root, 'dist')) {
  // Chunk names carry a hash: the chunks of an earlier build would otherwise stay next to the new ones.
  await rm(join(outdir, 'chunks'), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
    outdir,
    write: false,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'linked',
    conditions: ['@release-guard/source'],
    plugins: [importsFromDefiningModules, yamlFromItsEsmBuild],
    logLevel: 'warning',
  });
  const sizes = {};
  for (const file of result.outputFiles) {
    const text = file.path.endsWith('.js') ? withRequire(file.text) : file.text;
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, text);
    // A file with a hashbang (dist/cli.js) is a command: executable, as esbuild writes it.
    if (text.startsWith('#!')) await chmod(file.path, 0o755);
    if (file.path.endsWith('.js')) sizes[relative(outdir, file.path).split(sep).join('/')] = Buffer.byteLength(text);
  }
  await writeFile(join(outdir, 'package.json'), '{ "type": "module" }\n');
  return sizes;
}

/**
 * A CommonJS dependency that calls require() for a Node built-in needs one, which ESM output lacks: the
 * chunk that holds esbuild's require shim is given one, rather than a banner on every file. None needs it
 * today (YAML is bundled from its ESM build); this keeps a new one from failing only when it runs.
 */
function withRequire(code) {
  if (!/\brequire\b/.test(code)) return code;
  const banner = "import{createRequire as __rgRequire}from'node:module';const require=__rgRequire(import.meta.url);\n";
  const hashbang = code.startsWith('#!') ? code.indexOf('\n') + 1 : 0;
  return code.slice(0, hashbang) + banner + code.slice(hashbang);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await bundle(process.argv[2] ? resolve(process.argv[2]) : undefined);
  for (const [file, bytes] of Object.entries(sizes)) console.log(`${file}: ${(bytes / 1024).toFixed(1)} KiB`);
}
