import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../emulators.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let emulators: ChildProcess | undefined;
let output = '';

afterAll(() => {
  // Only if a test failed before stopping it: the whole group, pnpm and the emulators.
  if (emulators?.pid && emulators.exitCode === null && emulators.signalCode === null) {
    process.kill(-emulators.pid, 'SIGKILL');
  }
});

/** Resolves once the emulators' output matches `pattern`. */
async function printed(pattern: RegExp): Promise<RegExpMatchArray> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    const match = pattern.exec(output);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the emulators never printed ${pattern}; they printed:\n${output}`);
}

/** Runs a printed command as a shell would, at the root of the workspace. */
function shell(command: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile('sh', ['-c', command], { cwd: root, env }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('pnpm emulators', () => {
  it('prints ready-to-paste commands that take the release pull request through, and stops on Ctrl-C', async () => {
    // Its own process group, so that Ctrl-C can be sent as a terminal sends it: to pnpm and the emulators.
    emulators = spawn('pnpm', ['--silent', 'emulators'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    emulators.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    emulators.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<unknown>((resolve) =>
      emulators?.once('exit', (code, signal) => resolve(code ?? signal)),
    );

    const [, variables = ''] = await printed(/^export (.+)$/m);
    const env = Object.fromEntries(variables.split(' ').map((pair) => pair.split('=') as [string, string]));
    expect(Object.keys(env)).toEqual([
      'GITHUB_API_URL',
      'GITHUB_TOKEN',
      'RELEASE_GUARD_DEMO',
      'RELEASE_GUARD_REGISTRY',
    ]);
    expect(env.GITHUB_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await printed(new RegExp(`^${COMMANDS.at(-1)?.command.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')}$`, 'm'));
    const commands = output.split('\n').filter((line) => line.startsWith('pnpm release-guard '));
    expect(commands).toEqual(COMMANDS.map((c) => c.command));

    const phases = [];
    for (const [i, command] of commands.entries()) {
      // The maintainer and the release run act on what the guard did: their deliveries come when they have.
      await printed(i === 0 ? /payloads/ : i === 1 ? /maintainer approved/ : /release run \d+ pushed/);
      expect(existsSync(join(env.RELEASE_GUARD_DEMO ?? '', COMMANDS[i]?.payload ?? ''))).toBe(true);
      const run = await shell(command, { ...process.env, ...env });
      expect(run.code, run.stderr).toBe(0);
      phases.push(/^phase=(.*)$/m.exec(run.stdout)?.[1]);
    }
    expect(phases).toEqual(['prepared', 'releasing', 'merged']);

    if (emulators.pid) process.kill(-emulators.pid, 'SIGINT');
    // pnpm ends as its script did, or by the signal it forwarded, as after Ctrl-C in a terminal.
    expect([0, 'SIGINT']).toContain(await exited);
    expect(output).toContain('[emulators] stopped');
    expect(existsSync(env.RELEASE_GUARD_DEMO ?? '')).toBe(false);
  });
});
