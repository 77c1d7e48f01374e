import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GitHubEmulator, pullRequestEvent, startGitHub } from '@release-guard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cli, USAGE } from '../src/cli.js';
import { parseCommandLine } from '../src/cli-usage.js';
import { parseInputs } from '../src/parse-inputs.js';
import { HOSTILE_REGISTRY_WORDS, useHostileRegistry, workflowCommands } from './support/hostile-registry.js';
import { useBundle } from './support/runner.js';

const bundle = useBundle();
const hostileRegistry = useHostileRegistry();
let github: GitHubEmulator;
let work: string;
const SHA = 'a'.repeat(40);
const TOKEN = 'ghp_cliTokenThatMustNeverBePrinted';
let payloadPath: string;
let full: string;
let number: number;

beforeAll(async () => {
  github = await startGitHub();
  work = await mkdtemp(join(tmpdir(), 'release-guard-cli-'));
  full = github.control.createRepository({ owner: 'weaveworks', name: 'weave-gitops' });
  github.control.addToken(TOKEN, 'releaser');
  github.control.setPermission(full, 'releaser', 'write');
  number = github.control.openPullRequest(full, { head: { ref: 'releases/v0.29.0', sha: SHA } });
  payloadPath = join(work, 'opened.json');
  const event = pullRequestEvent('opened', {
    repo: { owner: 'weaveworks', name: 'weave-gitops' },
    number,
    head: { ref: 'releases/v0.29.0', sha: SHA },
  });
  await writeFile(payloadPath, JSON.stringify(event.payload));
});
afterAll(async () => {
  await github?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

function captured() {
  const io = { stdout: '', stderr: '' };
  return { io, out: (t: string) => (io.stdout += t), err: (t: string) => (io.stderr += t) };
}

const args = (...extra: string[]) => [
  '--event',
  'pull_request',
  '--payload',
  payloadPath,
  '--repo',
  full,
  '--api-url',
  github.url,
  ...extra,
];

/** `args()` with the value of `flag` replaced. */
const replaced = (flag: string, value: string) => args().map((arg, i, all) => (all[i - 1] === flag ? value : arg));

describe('the release-guard CLI', () => {
  it('--dry-run prints the effects and the outputs, and executes nothing', async () => {
    const { io, out, err } = captured();
    const code = await cli(args('--dry-run'), { GITHUB_TOKEN: TOKEN }, { out, err });
    expect(code, io.stderr).toBe(0);
    expect(io.stderr).toContain('dry run, not done: status release pending on aaaaaaa');
    expect(io.stdout).toContain('phase=prepared');
    expect(io.stdout).toMatch(/- would have set the release status of \w{7} to pending: .* \(not executed: dry run\)/);
    expect(github.control.statuses(full, SHA)).toEqual([]);
    expect(`${io.stdout}${io.stderr}`).not.toContain(TOKEN);
  });

  it('--summary writes the job summary as Markdown; the terminal gets it as plain text', async () => {
    const { io, out, err } = captured();
    const file = join(work, 'summary.md');
    expect(await cli(args('--dry-run', '--summary', file), { GITHUB_TOKEN: TOKEN }, { out, err })).toBe(0);
    const markdown = await readFile(file, 'utf8');
    expect(markdown).toContain('### release-guard: locked: waiting for an approved release');
    expect(markdown).toContain('| phase | commit | what happened |');
    expect(markdown).toContain('```mermaid');
    expect(io.stdout).toMatch(/^Pull request #\d+: prepared\n\nThis run\n/);
    expect(io.stdout).toContain('\nrelease-guard: locked: waiting for an approved release\n');
    expect(io.stdout).toContain('Release branch releases/v0.29.0 at aaaaaaa.');
    expect(io.stdout).toMatch(/\nphase {5}commit {3}what happened\nprepared {2}aaaaaaa {2}\S/);
    expect(io.stdout).toMatch(/This run\n\n- would have set the release status of \w{7} to pending/);
    expect(io.stdout).not.toMatch(/&#|```|<details>|\| ---/);
  });

  it('without --dry-run it acts as the action would', async () => {
    const { io, out, err } = captured();
    const code = await cli(args('--input', 'status-context=release'), { GITHUB_TOKEN: TOKEN }, { out, err });
    expect(code, io.stderr).toBe(0);
    expect(github.control.statuses(full, SHA).at(-1)).toMatchObject({ context: 'release', state: 'pending' });
  });

  it('bad usage exits 2 with the usage; tokens are never taken as flags', async () => {
    const bad = captured();
    expect(await cli(['--event'], {}, bad)).toBe(2);
    expect(bad.io.stderr).toContain(USAGE);
    const missing = captured();
    expect(await cli(['--event', 'push'], {}, missing)).toBe(2);
    expect(missing.io.stderr).toContain('missing --payload, --repo');
    const token = captured();
    expect(await cli(args('--input', `token=${TOKEN}`), {}, token)).toBe(2);
    expect(token.io.stderr).toContain('tokens are read from the environment');
    expect(token.io.stderr).not.toContain(TOKEN);
    const help = captured();
    expect(await cli(['--help'], {}, help)).toBe(0);
    expect(help.io.stdout).toBe(USAGE);
  });

  it('every bad flag or value exits 2 before any API call, naming the flag rather than what the action reads', async () => {
    const notJson = join(work, 'not.json');
    const empty = join(work, 'empty.json');
    await writeFile(notJson, 'not json');
    await writeFile(empty, '{}');
    const cases: { argv: string[]; env?: NodeJS.ProcessEnv; says: string; usage?: boolean }[] = [
      { argv: args('--bogus'), says: "Unknown option '--bogus'", usage: true },
      { argv: args('stray'), says: "Unexpected argument 'stray'", usage: true },
      { argv: ['--payload', payloadPath], says: 'missing --event, --repo', usage: true },
      { argv: args(), env: {}, says: 'set GITHUB_TOKEN' },
      { argv: args(), env: { GITHUB_TOKEN: '' }, says: 'set GITHUB_TOKEN' },
      { argv: args('--input', 'release-workflow'), says: "--input expects name=value, got 'release-workflow'" },
      { argv: args('--input', '=release.yaml'), says: "--input expects name=value, got '=release.yaml'" },
      { argv: args('--input', 'merge-method=fast-forward'), says: '--input merge-method: expected one of merge' },
      { argv: args('--input', 'release-timeout=soon'), says: '--input release-timeout: expected a positive whole' },
      { argv: args('--input', 'preset=release-plz'), says: "--input preset: expected one of 'releases', 'release-" },
      { argv: args('--input', 'version-source=tag'), says: "--input version-source: expected 'branch', 'title', or" },
      { argv: args('--input', 'protected-paths=charts/**\n/etc/*'), says: '--input protected-paths: expected a path' },
      { argv: args('--command', 'deploy'), says: '--command: expected one of auto, release-started' },
      { argv: args('--command', 'reconcile', '--pull-request', 'x'), says: '--pull-request: expected a positive' },
      { argv: args('--input', 'dry-run=maybe'), says: "--dry-run: expected true or false, got 'maybe'" },
      { argv: args('--api-url', 'ftp://example.com'), says: "--api-url: expected an http(s) URL, got 'ftp:" },
      { argv: args('--summary', join(work, 'no/such/dir/summary.md')), says: '--summary: the directory' },
      { argv: replaced('--repo', 'weave-gitops'), says: "--repo: expected owner/name, got 'weave-gitops'" },
      { argv: replaced('--payload', join(work, 'nowhere.json')), says: '--payload: the event payload' },
      { argv: replaced('--payload', notJson), says: 'could not be read as JSON' },
      { argv: replaced('--payload', empty), says: '--payload: pull_request.action must be a non-empty' },
    ];
    const before = github.control.requests().length;
    for (const { argv, env = { GITHUB_TOKEN: TOKEN }, says, usage = false } of cases) {
      const { io, out, err } = captured();
      expect(await cli(argv, env, { out, err }), argv.join(' ')).toBe(2);
      expect(io.stderr, argv.join(' ')).toContain(says);
      expect(io.stderr.includes(USAGE), argv.join(' ')).toBe(usage);
      expect(io.stderr, argv.join(' ')).not.toMatch(/GITHUB_(REPOSITORY|EVENT_PATH|EVENT_NAME)|INPUT_/);
      expect(io.stdout).toBe('');
    }
    expect(github.control.requests().slice(before)).toEqual([]);
  });

  it('refuses an --input the action does not declare, naming it and the closest input', async () => {
    const before = github.control.requests().length;
    const typo = captured();
    expect(await cli(args('--input', 'release-workflows=release.yaml'), { GITHUB_TOKEN: TOKEN }, typo)).toBe(2);
    expect(typo.io.stderr).toContain("--input: unknown input 'release-workflows' (did you mean release-workflow?)");
    const unlike = captured();
    expect(await cli(args('--input', 'colour=green'), { GITHUB_TOKEN: TOKEN }, unlike)).toBe(2);
    expect(unlike.io.stderr).toContain("--input: unknown input 'colour'; the inputs are command, pull-request");
    expect(github.control.requests().slice(before)).toEqual([]);
    // Every input action.yml declares, but the tokens and npmrc (which holds tokens), is taken, each as the action reads it.
    const declared = parseYaml(readFileSync(fileURLToPath(new URL('../action.yml', import.meta.url)), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    for (const name of Object.keys(declared.inputs)) {
      if (name.endsWith('token') || name === 'npmrc') continue;
      const invocation = parseCommandLine(args('--input', `${name}=value`), { GITHUB_TOKEN: TOKEN });
      expect(invocation.help ? {} : invocation.env, name).toHaveProperty([`INPUT_${name.toUpperCase()}`], 'value');
    }
  });

  it('refuses an --event GitHub does not have; a GitHub event the guard ignores is a notice', async () => {
    const before = github.control.requests().length;
    const typo = captured();
    expect(await cli(replaced('--event', 'pull-request'), { GITHUB_TOKEN: TOKEN }, typo)).toBe(2);
    expect(typo.io.stderr).toContain(
      "--event: 'pull-request' is not a GitHub Actions event (did you mean pull_request?). The command auto acts on " +
        'pull_request, pull_request_target, pull_request_review, workflow_run, merge_group, schedule, workflow_dispatch',
    );
    const made = captured();
    expect(await cli(replaced('--event', 'deploy'), { GITHUB_TOKEN: TOKEN }, made)).toBe(2);
    expect(made.io.stderr).toContain("--event: 'deploy' is not a GitHub Actions event. The command auto acts on");
    const ignored = captured();
    expect(await cli(replaced('--event', 'push'), { GITHUB_TOKEN: TOKEN }, ignored)).toBe(0);
    expect(ignored.io.stderr).toContain('notice: release-guard does not act on push events');
    expect(ignored.io.stdout).toContain('phase=\n');
    expect(github.control.requests().slice(before)).toEqual([]);
  });

  it('takes the release tool inputs, protected paths one glob a line, into the configuration', () => {
    const inputs = ['preset=release-please', 'version-source=title', 'protected-paths=charts/**\ncharts/*/values.yaml'];
    const invocation = parseCommandLine(args(...inputs.flatMap((input) => ['--input', input])), {
      GITHUB_TOKEN: TOKEN,
    });
    expect(invocation.help ? undefined : parseInputs(invocation.env).config).toEqual({
      mergeMethod: 'merge',
      preset: 'release-please',
      versionSource: 'title',
      protectedPaths: ['charts/**', 'charts/*/values.yaml'],
    });
  });

  it('a {vesion} typo in an artifact ref is bad usage, caught before any API call', async () => {
    const before = github.control.requests().length;
    const { io, out, err } = captured();
    const artifacts = '- name: image\n  ref: ghcr.io/weaveworks/wego-app:{vesion}';
    expect(await cli(args('--input', `artifacts=${artifacts}`), { GITHUB_TOKEN: TOKEN }, { out, err })).toBe(2);
    expect(io.stderr).toContain(
      "--input artifacts: entry 0 (image): the ref 'ghcr.io/weaveworks/wego-app:{vesion}' has the placeholder {vesion}",
    );
    expect(io.stderr).toContain('which the action never fills: use {version}');
    expect(github.control.requests().slice(before)).toEqual([]);
  });

  it('a registry’s hostile error message reaches stderr as one line, never a workflow command', async () => {
    const { io, out, err } = captured();
    const artifacts = `- name: image\n  ref: ${hostileRegistry.host}/a:{version}\n- name: chart\n  ref: ${hostileRegistry.host}/c:{version}\n  after: [image]`;
    const code = await cli(
      args(
        '--command',
        'gate',
        '--input',
        'artifact=chart',
        '--input',
        'version=v0.29.0',
        '--input',
        `artifacts=${artifacts}`,
      ),
      { GITHUB_TOKEN: TOKEN },
      { out, err },
    );
    expect(code, io.stderr).toBe(1);
    // The runner reads commands from a step's stderr as from its stdout.
    expect(workflowCommands(io.stderr)).toEqual([]);
    expect(workflowCommands(io.stdout)).toEqual([]);
    const lines = io.stderr.split('\n');
    for (const prefix of ['missing: image', 'failed: the gate for chart is closed']) {
      const found = lines.filter((line) => line.startsWith(prefix));
      expect(found).toHaveLength(1);
      for (const word of HOSTILE_REGISTRY_WORDS) expect(found[0]).toContain(word);
    }
    expect(io.stderr).not.toContain('\r');
  });

  it('runs from the sources as `pnpm release-guard` at the root of the workspace, with its exit code', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const run = (...argv: string[]) =>
      new Promise<{ code: number; stdout: string }>((done) => {
        execFile('pnpm', ['--silent', 'release-guard', ...argv], { cwd: root }, (error, stdout) =>
          done({ code: error ? Number(error.code ?? 1) : 0, stdout }),
        );
      });
    expect(await run('--help')).toEqual({ code: 0, stdout: USAGE });
    expect((await run('--event', 'push')).code).toBe(2);
  });

  it('the bundled dist/cli.js runs as a command', async () => {
    const result = await new Promise<{ code: number; stdout: string }>((done) => {
      execFile(
        process.execPath,
        [join(bundle.dir, 'cli.js'), ...args('--dry-run')],
        { env: { PATH: process.env.PATH ?? '', GITHUB_TOKEN: TOKEN } },
        (error, stdout) => done({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      );
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('phase=');
    expect(result.stdout).not.toContain(TOKEN);
  });
});
