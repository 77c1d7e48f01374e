import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pullRequestEvent, startGitHub } from '@release-guard/testkit';
// @ts-expect-error: a plain ESM script without declarations; it returns the size in bytes of every file of dist/.
import { bundle } from '../packages/action/scripts/bundle.mjs';

const run = promisify(execFile);

/** The artifacts of the action README's quick start. */
const QUICK_START_ARTIFACTS = `- name: image
  ref: ghcr.io/weaveworks/wego-app:{version}
- name: chart
  ref: ghcr.io/weaveworks/charts/weave-gitops:{version}
  after: [image]
  on-merge: true
`;

/**
 * Cold start of the bundled action handling one `pull_request` event (a non-release pull request: one
 * GraphQL read, the branches at its head, and one status write) against the emulator, as the runner starts it, and `node -e ''`
 * in the same run as the floor. Medians of `runs` interleaved runs. `offlineMs` is the same bundle handling
 * an event it ignores (`ping`, no API call): loading and running what every run loads, alone; `configuredMs`
 * the same with the quick start's configuration (`release-branch`, `release-workflow`, and `artifacts`, whose
 * YAML and whose check by the core load on every run, so that a bad configuration fails the step whatever
 * the event). `bundleBytes` is the whole of `dist/`: both entry points and every chunk.
 */
export async function benchActionColdStart(runs = 9): Promise<{
  actionMs: number;
  offlineMs: number;
  floorMs: number;
  ratio: number;
  offlineRatio: number;
  configuredMs: number;
  configuredRatio: number;
  bundleBytes: number;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'release-guard-bench-'));
  const github = await startGitHub();
  try {
    const sizes = (await bundle(join(dir, 'dist'))) as Record<string, number>;
    const full = github.control.createRepository({ owner: 'bench', name: 'repo' });
    const number = github.control.openPullRequest(full, { head: { ref: 'feature/x', sha: 'a'.repeat(40) } });
    const eventPath = join(dir, 'event.json');
    const event = pullRequestEvent('opened', {
      repo: { owner: 'bench', name: 'repo' },
      number,
      head: { ref: 'feature/x', sha: 'a'.repeat(40) },
    });
    await writeFile(eventPath, JSON.stringify(event.payload));
    const env = {
      PATH: process.env.PATH ?? '',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: full,
      GITHUB_API_URL: github.url,
      GITHUB_OUTPUT: join(dir, 'output'),
      INPUT_TOKEN: 'bench',
    };
    await writeFile(env.GITHUB_OUTPUT, '');
    const ping = { ...env, GITHUB_EVENT_NAME: 'ping' };
    const configured = {
      ...ping,
      'INPUT_RELEASE-BRANCH': 'releases/*',
      'INPUT_RELEASE-WORKFLOW': 'release.yaml',
      INPUT_ARTIFACTS: QUICK_START_ARTIFACTS,
    };
    const actions: number[] = [];
    const offline: number[] = [];
    const configuredRuns: number[] = [];
    const floors: number[] = [];
    for (let i = 0; i < runs; i++) {
      let began = performance.now();
      await run(process.execPath, [join(dir, 'dist/index.js')], { env });
      actions.push(performance.now() - began);
      began = performance.now();
      await run(process.execPath, [join(dir, 'dist/index.js')], { env: ping });
      offline.push(performance.now() - began);
      began = performance.now();
      await run(process.execPath, [join(dir, 'dist/index.js')], { env: configured });
      configuredRuns.push(performance.now() - began);
      began = performance.now();
      await run(process.execPath, ['-e', ''], { env });
      floors.push(performance.now() - began);
    }
    const actionMs = median(actions);
    const offlineMs = median(offline);
    const floorMs = median(floors);
    const configuredMs = median(configuredRuns);
    return {
      actionMs,
      offlineMs,
      floorMs,
      ratio: actionMs / floorMs,
      offlineRatio: offlineMs / floorMs,
      configuredMs,
      configuredRatio: configuredMs / floorMs,
      bundleBytes: Object.values(sizes).reduce((sum, bytes) => sum + bytes, 0),
    };
  } finally {
    await github.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
