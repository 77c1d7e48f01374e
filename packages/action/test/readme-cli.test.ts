import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GitHubEmulator, pullRequestEvent, startGitHub } from '@release-guard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS as EMULATOR_COMMANDS } from '../../../examples/emulators/emulators.js';
import { USAGE } from '../src/cli.js';
import { RELEASE_WORKFLOW_FILE } from './support/emulators.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const section = readme.slice(readme.indexOf('## The CLI\n'), readme.indexOf('## Releasing the action\n'));

/** The console blocks of the CLI section: each command (`$ `, its continuation lines joined) with the output shown after it. */
const examples = [...section.matchAll(/```console\n([\s\S]*?)\n```/g)].flatMap(([, block = '']) => {
  const found: { command: string; output: string }[] = [];
  for (const line of block.replace(/ *\\\n */g, ' ').split('\n')) {
    if (line.startsWith('$ ')) found.push({ command: line.slice(2), output: '' });
    else if (found.at(-1)) (found.at(-1) as { output: string }).output += `${line}\n`;
  }
  return found;
});

/** Runs a README command as a shell would, at the root of the workspace. */
function shell(command: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile('sh', ['-c', command], { cwd: root, env }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let github: GitHubEmulator;
let home: string;
beforeAll(async () => {
  github = await startGitHub();
  home = await mkdtemp(join(tmpdir(), 'release-guard-readme-'));
});
afterAll(async () => {
  await github?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe("the action README's CLI section", () => {
  it('holds only commands these tests run', () => {
    expect(examples.map((e) => e.command.split(' --')[0])).toEqual([
      'pnpm release-guard',
      'GITHUB_TOKEN=$(gh auth token) pnpm release-guard',
      'pnpm emulators',
      'pnpm release-guard',
      'pnpm release-guard',
      'pnpm release-guard',
    ]);
  });

  it('shows the usage that pnpm release-guard --help prints', async () => {
    const help = examples[0];
    expect(help?.output).toBe(USAGE);
    const run = await shell(`${help?.command} 2>/dev/null`, process.env);
    expect(run).toMatchObject({ code: 0, stdout: USAGE });
  });

  it('its example against GitHub runs as written, with gh and the delivery where it says', async () => {
    const full = github.control.createRepository({ owner: 'weaveworks', name: 'weave-gitops' });
    const head = { ref: 'releases/v0.30.0', sha: 'b'.repeat(40) };
    github.control.addWorkflow(full, RELEASE_WORKFLOW_FILE);
    const number = github.control.openPullRequest(full, { head });
    const delivery = pullRequestEvent('opened', { repo: { owner: 'weaveworks', name: 'weave-gitops' }, number, head });
    await mkdir(join(home, 'Downloads'));
    await writeFile(join(home, 'Downloads', 'delivery.json'), JSON.stringify(delivery.payload));
    // gh, logged in: `gh auth token` prints the token.
    const bin = join(home, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'gh'), '#!/bin/sh\necho gho_fromGhAuthToken\n');
    await chmod(join(bin, 'gh'), 0o755);
    const env = {
      ...process.env,
      HOME: home,
      PATH: `${bin}${delimiter}${process.env.PATH}`,
      GITHUB_API_URL: github.url,
    };
    const run = await shell(examples[1]?.command ?? '', env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/- would have set the release status of \w{7} to pending: .* \(not executed: dry run\)/);
    expect(run.stdout).toContain('phase=prepared');
    expect(github.control.statuses(full, head.sha)).toEqual([]);
    expect(github.control.requests(full).every((r) => r.caller === 'github-actions[bot]')).toBe(true);
  });

  it('its emulator recipe is what pnpm emulators prints, which the emulators test runs against them', () => {
    expect(examples.slice(3).map((e) => e.command)).toEqual(EMULATOR_COMMANDS.map((c) => c.command));
  });
});
