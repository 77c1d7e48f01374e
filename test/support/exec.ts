import { execFile } from 'node:child_process';

/** How a command ended. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without blocking the event loop (a test may serve HTTP meanwhile), and resolves with its
 * exit code and output whatever the code. The environment is the test's without vitest's own variables,
 * so that a vitest run in the child is a run of its own.
 */
export function exec(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<Ran> {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'TEST');
  const env = { ...Object.fromEntries(inherited), NO_COLOR: '1', ...options.env };
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The output of a command that must succeed; a failure throws with what it printed. */
export async function succeed(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  const ran = await exec(command, args, options);
  if (ran.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${ran.code} in ${options.cwd}\n${ran.stdout}\n${ran.stderr}`,
    );
  }
  return ran.stdout;
}
