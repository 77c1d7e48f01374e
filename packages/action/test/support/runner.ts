import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebhookDelivery } from '@release-guard/testkit';
import { afterAll, beforeAll } from 'vitest';

const packageDir = resolve(fileURLToPath(import.meta.url), '../../..');

export interface Bundle {
  dir: string;
  /** Bytes of each bundled JavaScript file, by its path in `dir` (`index.js`, `chunks/…`). */
  sizes: Record<string, number>;
}

/** Bundles the action into a fresh directory for this test file, as the release script does, and removes it after. */
export function useBundle(): Bundle {
  const bundle = { dir: '', sizes: {} } as Bundle;
  beforeAll(async () => {
    bundle.dir = await mkdtemp(join(tmpdir(), 'release-guard-dist-'));
    const script = join(packageDir, 'scripts/bundle.mjs');
    const { bundle: build } = (await import(script)) as {
      bundle: (outdir: string) => Promise<Record<string, number>>;
    };
    bundle.sizes = await build(bundle.dir);
  });
  afterAll(async () => {
    if (bundle.dir) await rm(bundle.dir, { recursive: true, force: true });
  });
  return bundle;
}

/**
 * `entry` and every file of `dir` it imports statically, directly or not: what loading it loads. Dynamic
 * imports (`import("./chunks/…")`) are left out: they load when the run comes to them.
 */
export async function staticImports(dir: string, entry: string): Promise<string[]> {
  const found = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (found.has(file)) return;
    found.add(file);
    const code = await readFile(join(dir, file), 'utf8');
    for (const [, specifier = ''] of code.matchAll(
      /(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{},\s]*?from\s*)?"(\.[^"]+)"/g,
    )) {
      await visit(posix.join(posix.dirname(file), specifier));
    }
  };
  await visit(entry);
  return [...found];
}

export interface RunnerStep {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs `dist/index.js` as the runner does: a child process with the event payload in a file, the inputs
 * as `INPUT_*`, and `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files it appends to.
 */
export async function runStep(
  bundle: Bundle,
  options: {
    apiUrl: string;
    repository: string;
    event: WebhookDelivery;
    inputs: Record<string, string>;
    env?: Record<string, string>;
  },
): Promise<RunnerStep> {
  const work = await mkdtemp(join(tmpdir(), 'release-guard-step-'));
  try {
    const eventPath = join(work, 'event.json');
    const outputPath = join(work, 'output');
    const summaryPath = join(work, 'summary.md');
    await writeFile(eventPath, JSON.stringify(options.event.payload));
    await writeFile(outputPath, '');
    await writeFile(summaryPath, '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: options.event.name,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_API_URL: options.apiUrl,
      GITHUB_GRAPHQL_URL: `${options.apiUrl}/graphql`,
      GITHUB_REPOSITORY: options.repository,
      RUNNER_TEMP: work,
      ...Object.fromEntries(Object.entries(options.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
      ...options.env,
    };
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [join(bundle.dir, 'index.js')], { env, timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      });
    });
    return {
      ...result,
      outputs: parseOutputFile(await readFile(outputPath, 'utf8')),
      summary: await readFile(summaryPath, 'utf8'),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Reads a `GITHUB_OUTPUT` file: `name<<DELIMITER`, the value's lines, `DELIMITER`. */
export function parseOutputFile(text: string): Record<string, string> {
  // As actions/runner's FileCommandManager reads it: `name=value` when `=` comes before any `<<`, else a heredoc.
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      outputs[line.slice(0, equals)] = line.slice(equals + 1);
    } else if (heredoc > 0) {
      const delimiter = line.slice(heredoc + 2);
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      outputs[line.slice(0, heredoc)] = value.join('\n');
    }
  }
  return outputs;
}
