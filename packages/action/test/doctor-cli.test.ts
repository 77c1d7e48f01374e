/**
 * `release-guard doctor` from a terminal against the emulators: the same run as the action's, with no event
 * or payload; exit 0 for an effective lock, 1 for an ineffective one, 2 for a usage error; `--json` prints
 * the checklist as data in the shape the README documents.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from '../src/cli.js';
import { CHECKS } from '../src/doctor/report.js';
import { doctorRepository } from './support/doctor-repository.js';
import { useEmulators } from './support/emulators.js';

const emulators = useEmulators();

function captured() {
  const io = { stdout: '', stderr: '' };
  return { io, out: (t: string) => (io.stdout += t), err: (t: string) => (io.stderr += t) };
}

const doctorArgs = (full: string, ...extra: string[]) => [
  'doctor',
  '--repo',
  full,
  '--api-url',
  emulators.github.url,
  '--input',
  'release-workflow=release.yaml',
  ...extra,
];

describe('release-guard doctor', () => {
  it('exits 0 for an effective lock, printing the checklist; --command doctor is the same', async () => {
    const { full } = doctorRepository(emulators);
    const { io, out, err } = captured();
    expect(await cli(doctorArgs(full), { GITHUB_TOKEN: 'guard' }, { out, err })).toBe(0);
    expect(io.stdout).toContain('release-guard doctor: the lock on main is effective');
    expect(io.stdout).toMatch(/✅ +the status is required on the base branch +`release` is required on main/);
    expect(io.stdout).not.toContain('phase=');
    expect(io.stderr).toContain('the lock on main is effective');
    const again = captured();
    const args = ['--command', 'doctor', ...doctorArgs(full).slice(1)];
    expect(await cli(args, { GITHUB_TOKEN: 'guard' }, again)).toBe(0);
    expect(again.io.stdout).toBe(io.stdout);
  });

  it('exits 1 for an ineffective lock, each failure named with its fix', async () => {
    const repo = doctorRepository(emulators);
    repo.control.setRulesetEnforcement(repo.full, repo.ruleset, 'evaluate');
    const { io, out, err } = captured();
    expect(await cli(doctorArgs(repo.full), { GITHUB_TOKEN: 'guard' }, { out, err })).toBe(1);
    expect(io.stdout).toContain('the lock on main is NOT effective');
    expect(io.stderr).toMatch(
      /failed: required-status: the `release` status is required on main only by ruleset "release lock" in evaluate mode, which reports and blocks nothing\. Fix: set the enforcement/,
    );
  });

  it('--json prints the checklist as data', async () => {
    const repo = doctorRepository(emulators);
    repo.control.setWorkflowState(repo.full, 'release.yaml', 'disabled_manually');
    const { io, out, err } = captured();
    expect(await cli(doctorArgs(repo.full, '--json'), { GITHUB_TOKEN: 'guard' }, { out, err })).toBe(1);
    const report = JSON.parse(io.stdout);
    expect(Object.keys(report)).toEqual([
      'repository',
      'baseBranch',
      'statusContext',
      'statusKind',
      'effective',
      'checks',
    ]);
    expect(report).toMatchObject({
      repository: repo.full,
      baseBranch: 'main',
      statusContext: 'release',
      statusKind: 'status',
      effective: false,
    });
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual([
      'required-status',
      'release-workflow',
      'release-pull-requests',
      'bypasses',
      'permissions',
      'bypass-allowances',
      'status-jobs',
    ]);
    const workflow = report.checks[1];
    expect(Object.keys(workflow)).toEqual(['id', 'title', 'status', 'findings']);
    expect(workflow.findings[0]).toEqual({
      status: 'fail',
      message: 'the release workflow release.yaml is disabled_manually: GitHub refuses to dispatch it',
      fix: 'enable it (Actions, release, "Enable workflow"), or restore its file',
    });
  });

  it('exits 2 for a usage error, before any API call', async () => {
    const requests = emulators.github.control.counters.requests;
    const usage = async (argv: string[], env: NodeJS.ProcessEnv = { GITHUB_TOKEN: 'guard' }) => {
      const { io, out, err } = captured();
      expect(await cli(argv, env, { out, err })).toBe(2);
      return io.stderr.split('\n')[0];
    };
    expect(await usage(['doctor'])).toBe('release-guard: missing --repo');
    expect(await usage(['doctor', '--repo', 'a/b'], {})).toContain('set GITHUB_TOKEN');
    expect(await usage(['doctor', 'now', '--repo', 'a/b'])).toBe(
      "release-guard: Unexpected argument 'now': the one argument the CLI takes is doctor",
    );
    expect(await usage(['--event', 'push', '--payload', 'x.json', '--repo', 'a/b', '--json'])).toBe(
      'release-guard: --json: only doctor prints its checklist as JSON',
    );
    expect(await usage(['doctor', '--command', 'gate', '--repo', 'a/b'])).toBe(
      'release-guard: doctor is --command doctor, not --command gate',
    );
    expect(await usage(['doctor', '--repo', 'a/b', '--input', 'base-branch=a b'])).toContain(
      "--input base-branch: expected a branch name such as main, got 'a b'",
    );
    expect(emulators.github.control.counters.requests).toBe(requests);
  });
});

describe("the action README's Checking the lock", () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const section = readme.slice(readme.indexOf('## Checking the lock\n'), readme.indexOf('## Racing runs\n'));

  it('lists the checks doctor runs, in their order, and shows the --json shape it prints', async () => {
    const listed = [...section.matchAll(/^\| `([a-z-]+)` +\|/gm)].map(([, id]) => id);
    expect(listed).toEqual(Object.keys(CHECKS));
    const shown = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(section)?.[1] ?? '{}');
    const repo = doctorRepository(emulators);
    const { io, out, err } = captured();
    await cli(doctorArgs(repo.full, '--json'), { GITHUB_TOKEN: 'guard' }, { out, err });
    const report = JSON.parse(io.stdout);
    expect(Object.keys(shown)).toEqual(Object.keys(report));
    expect(Object.keys(shown.checks[0])).toEqual(Object.keys(report.checks[0]));
    expect(Object.keys(shown.checks[0].findings[0]).sort()).toEqual(['fix', 'message', 'status']);
    expect(report.checks.map((c: { title: string }) => c.title)).toEqual(Object.values(CHECKS));
  });
});
