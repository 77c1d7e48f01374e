/**
 * `doctor` on what a required check is pinned to. A pin to the GitHub Actions app (15368) pins nothing
 * against workflow jobs: every job's own check run comes from that app, and so does every check run posted
 * with a workflow's `GITHUB_TOKEN`. In check-run mode the pin must be the guard's own App's; when doctor
 * cannot tell that App, it warns and names the pinned id, and `guard-app-id` lets it compare.
 */
import { createOctokit } from '@release-guard/github-adapter';
import { describe, expect, it } from 'vitest';
import type { ActionResult } from '../src/api.js';
import { APP_TOKEN, CHECK_RUN_PERMISSIONS, doctorRepository, guardYaml } from './support/doctor-repository.js';
import { SHA, useEmulators } from './support/emulators.js';

const emulators = useEmulators();
const GITHUB_ACTIONS_APP = 15368;
const CI_WITH_RELEASE_JOB =
  'on: pull_request\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';

function check(result: ActionResult, id: string) {
  return result.doctor?.checks.find((c) => c.id === id);
}

/** A repository whose only requirement of `release` is a ruleset pinning it to `app`. */
function pinnedTo(app: number, workflows: Record<string, string> = {}) {
  const repo = doctorRepository(emulators, ({ control, full }) => {
    control.addRuleset(full, { name: 'pinned', requiredChecks: [{ context: 'release', integrationId: app }] });
    for (const [path, content] of Object.entries(workflows)) control.setFile(full, { ref: 'main', path, content });
  });
  repo.control.setRulesetEnforcement(repo.full, repo.ruleset, 'disabled');
  return repo;
}

describe('doctor: what the required check is pinned to', () => {
  it('a requirement pinned to the GitHub Actions app is not pinned against a workflow job named like the status', async () => {
    const result = await pinnedTo(GITHUB_ACTIONS_APP, { '.github/workflows/ci.yml': CI_WITH_RELEASE_JOB }).doctor();
    expect(check(result, 'status-jobs')).toMatchObject({
      status: 'fail',
      findings: [
        {
          message: expect.stringContaining(
            'job "release" of .github/workflows/ci.yml is named release: the requirement is pinned to the GitHub Actions app (15368)',
          ),
          fix: expect.stringContaining('dedicated GitHub App'),
        },
      ],
    });
    expect(result.doctor?.effective).toBe(false);
  });

  it('check-run mode: a check pinned to the GitHub Actions app, with the guard on GITHUB_TOKEN, protects nothing', async () => {
    const repo = pinnedTo(GITHUB_ACTIONS_APP, {
      '.github/workflows/release-guard.yaml': guardYaml(CHECK_RUN_PERMISSIONS),
      '.github/workflows/ci.yml': CI_WITH_RELEASE_JOB,
    });
    const result = await repo.doctor({ 'status-kind': 'check-run' });
    expect(result.doctor?.effective).toBe(false);
    expect(check(result, 'required-status')?.findings).toEqual([
      expect.objectContaining({
        status: 'fail',
        message: expect.stringContaining('(pinned to app 15368): 15368 is the GitHub Actions app'),
        fix: expect.stringMatching(/^pin to a dedicated GitHub App/),
      }),
      expect.objectContaining({
        status: 'fail',
        message: expect.stringContaining(
          `job "guard" of .github/workflows/release-guard.yaml runs the guard with the workflow's GITHUB_TOKEN`,
        ),
        fix: expect.stringMatching(/^pin to a dedicated GitHub App/),
      }),
      expect.objectContaining({ status: 'note' }),
    ]);
    expect(check(result, 'status-jobs')?.status).toBe('fail');
  });

  it('check-run mode: a guard on GITHUB_TOKEN fails whatever the pin, since its check runs are GitHub Actions’', async () => {
    const repo = pinnedTo(424242, { '.github/workflows/release-guard.yaml': guardYaml(CHECK_RUN_PERMISSIONS) });
    const result = await repo.doctor({ 'status-kind': 'check-run' });
    expect(check(result, 'required-status')?.findings[0]).toMatchObject({ status: expect.stringMatching(/warn|fail/) });
    expect(check(result, 'required-status')?.findings[1]).toMatchObject({
      status: 'fail',
      message: expect.stringContaining("runs the guard with the workflow's GITHUB_TOKEN"),
    });
    expect(result.doctor?.effective).toBe(false);
  });

  it("check-run mode: a pin to another app is a warning naming its id when doctor cannot tell the guard's app; guard-app-id decides", async () => {
    const repo = pinnedTo(424242, {
      '.github/workflows/release-guard.yaml': guardYaml(CHECK_RUN_PERMISSIONS, APP_TOKEN),
    });
    const unknown = await repo.doctor({ 'status-kind': 'check-run' });
    expect(check(unknown, 'required-status')?.findings[0]).toMatchObject({
      status: 'warn',
      message: expect.stringContaining("doctor cannot tell the guard's app"),
      fix: expect.stringContaining('set guard-app-id'),
    });
    expect(check(unknown, 'required-status')?.findings[0]?.message).toContain('app 424242');
    expect(unknown.failures).toEqual([]);

    const same = await repo.doctor({ 'status-kind': 'check-run', 'guard-app-id': '424242' });
    expect(check(same, 'required-status')?.findings[0]).toEqual({
      status: 'pass',
      message: '`release` is required on main by ruleset "pinned" (pinned to app 424242)',
    });

    const other = await repo.doctor({ 'status-kind': 'check-run', 'guard-app-id': '777' });
    expect(check(other, 'required-status')?.findings[0]).toMatchObject({
      status: 'fail',
      message: expect.stringContaining("but not from the guard's app (777, from guard-app-id)"),
      fix: expect.stringContaining("to the guard's GitHub App, 777"),
    });
    expect(other.doctor?.effective).toBe(false);

    const actions = await repo.doctor({ 'status-kind': 'check-run', 'guard-app-id': String(GITHUB_ACTIONS_APP) });
    expect(check(actions, 'required-status')?.findings.map((f) => f.status)).toEqual(['fail', 'fail', 'note']);
  });

  it("check-run mode: learns the guard's app from a check run it posted on a release head", async () => {
    const repo = pinnedTo(424242, {
      '.github/workflows/release-guard.yaml': guardYaml(CHECK_RUN_PERMISSIONS, APP_TOKEN),
    });
    repo.control.addToken('app', 'release-guard-app[bot]');
    const octokit = createOctokit({ token: 'app', baseUrl: emulators.github.url, throttle: false, retries: 0 });
    const { data } = await octokit.rest.checks.create({
      owner: 'weaveworks',
      repo: repo.name,
      name: 'release',
      head_sha: SHA.a,
      status: 'in_progress',
    });
    const result = await repo.doctor({ 'status-kind': 'check-run' }, 'app');
    expect(check(result, 'required-status')?.findings[0]).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(`but not from the guard's app (${data.app?.id}, from a check run it posted)`),
    });
  });

  it('in status mode, a pin to the GitHub Actions app is judged by the jobs alone', async () => {
    const result = await pinnedTo(GITHUB_ACTIONS_APP).doctor();
    expect(result.failures).toEqual([]);
    expect(check(result, 'required-status')?.findings[0]?.message).toBe(
      '`release` is required on main by ruleset "pinned" (pinned to app 15368)',
    );
  });
});
