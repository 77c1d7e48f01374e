import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startGitHub } from '@release-guard/testkit';

/** Start-up of the emulator in a fresh process (contract and schema loading included), against `node -e ''`. */
export async function benchStartup(runs = 5): Promise<{ startupMs: number; floorMs: number }> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const run = promisify(execFile);
  const script = [
    'const t = performance.now();',
    "const { startGitHub } = await import('@release-guard/testkit');",
    'const github = await startGitHub();',
    'console.log(performance.now() - t);',
    'await github.close();',
  ].join('\n');
  const startups: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(
      process.execPath,
      ['--conditions=@release-guard/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: root },
    );
    startups.push(Number(stdout.trim()));
    const began = performance.now();
    await run(process.execPath, ['-e', ''], { cwd: root });
    floors.push(performance.now() - began);
  }
  return { startupMs: median(startups), floorMs: median(floors) };
}

/** Status writes per second on loopback, with contract validation on and off, in the same run. */
export async function benchStatusWrites(
  requests = 1500,
): Promise<{ validated: number; unvalidated: number; ratio: number }> {
  const rate = async (validate: boolean) => {
    const github = await startGitHub({ validate });
    github.control.createRepository({ owner: 'bench', name: 'repo' });
    const write = (i: number) =>
      fetch(`${github.url}/repos/bench/repo/statuses/${'a'.repeat(40)}`, {
        method: 'POST',
        headers: { authorization: 'token bench', 'content-type': 'application/json' },
        body: JSON.stringify({ state: 'pending', context: `c${i % 50}`, description: 'Locked' }),
      }).then((r) => r.arrayBuffer());
    for (let i = 0; i < 100; i++) await write(i);
    const began = performance.now();
    for (let i = 0; i < requests; i++) await write(i);
    const perSecond = (requests / (performance.now() - began)) * 1000;
    await github.close();
    return perSecond;
  };
  const validated = await rate(true);
  const unvalidated = await rate(false);
  return { validated, unvalidated, ratio: validated / unvalidated };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
