/**
 * `doctor` end to end against the emulators, through the action's `run`: a correct set-up passes, and each
 * way a lock stops protecting anything is reported by name, with its fix, and fails the run.
 */
import { describe, expect, it } from 'vitest';
import type { ActionResult } from '../src/api.js';
import { doctorRepository, guardYaml, pinToGuardApp, releaseYaml } from './support/doctor-repository.js';
import { RELEASE_WORKFLOW, SHA, useEmulators } from './support/emulators.js';

const emulators = useEmulators();
const SHA_C = 'c'.repeat(40);

/** The findings of `check` in a run's report. */
function findings(result: ActionResult, check: string) {
  return result.doctor?.checks.find((c) => c.id === check)?.findings ?? [];
}

function failing(result: ActionResult) {
  return result.doctor?.checks.filter((c) => c.status === 'fail').map((c) => c.id);
}

describe('doctor', () => {
  it('passes a lock set up as the README says, with a checklist in the summary', async () => {
    const result = await doctorRepository(emulators).doctor();
    expect(result.failures).toEqual([]);
    expect(result.doctor).toMatchObject({ baseBranch: 'main', statusContext: 'release', effective: true });
    expect(result.doctor?.checks.map((c) => [c.id, c.status])).toEqual([
      ['required-status', 'note'],
      ['release-workflow', 'pass'],
      ['release-pull-requests', 'pass'],
      ['bypasses', 'note'],
      ['permissions', 'pass'],
      ['bypass-allowances', 'note'],
      ['status-jobs', 'pass'],
    ]);
    expect(findings(result, 'required-status')[0]?.message).toBe(
      '`release` is required on main by ruleset "release lock"',
    );
    expect(result.summary).toContain('the lock on main is effective');
    expect(findings(result, 'required-status')[1]?.message).toContain('classic branch protection is not readable');
    expect(findings(result, 'bypasses')[0]?.message).toContain('rule suites are not readable with this token');
  });

  it('fails when nothing requires the status', async () => {
    const repo = doctorRepository(emulators);
    repo.control.setRulesetEnforcement(repo.full, repo.ruleset, 'disabled');
    const result = await repo.doctor({}, 'admin');
    expect(failing(result)).toEqual(['required-status']);
    expect(findings(result, 'required-status')[0]).toMatchObject({
      message: expect.stringContaining('nothing requires the `release` status on main'),
      fix: expect.stringContaining('a ruleset'),
    });
    expect(result.failures[0]).toMatch(/^required-status: nothing requires/);
  });

  it('fails when only a ruleset in evaluate mode requires it', async () => {
    const repo = doctorRepository(emulators);
    repo.control.setRulesetEnforcement(repo.full, repo.ruleset, 'evaluate');
    const result = await repo.doctor();
    expect(failing(result)).toEqual(['required-status']);
    expect(findings(result, 'required-status')[0]).toMatchObject({
      message: expect.stringContaining('only by ruleset "release lock" in evaluate mode'),
      fix: expect.stringContaining('to Active'),
    });
  });

  it('reports classic protection unreadable with the workflow token as such: a failure only when no ruleset requires it', async () => {
    const repo = doctorRepository(emulators, ({ control, full }) =>
      control.protectBranch(full, 'main', { requiredContexts: ['release'] }),
    );
    repo.control.setRulesetEnforcement(repo.full, repo.ruleset, 'disabled');
    const result = await repo.doctor();
    expect(failing(result)).toEqual(['required-status']);
    expect(findings(result, 'required-status')[0]).toMatchObject({
      message: expect.stringContaining(
        'classic branch protection is not readable with this token (403 Resource not accessible by integration (GitHub asks for administration=read))',
      ),
      fix: expect.stringContaining('administration read'),
    });
    const admin = await repo.doctor({}, 'admin');
    expect(findings(admin, 'required-status')[0]?.message).toBe(
      '`release` is required on main by classic branch protection',
    );
    expect(findings(admin, 'bypass-allowances')[0]).toMatchObject({
      status: 'warn',
      message: 'admins can merge past classic branch protection of main (enforce_admins is off)',
    });
    expect(findings(admin, 'bypasses')[0]?.status).toBe('pass');
    repo.control.setRulesetEnforcement(repo.full, repo.ruleset, 'active');
    const both = await repo.doctor();
    expect(both.failures).toEqual([]);
    expect(findings(both, 'required-status')[1]?.message).toContain('classic branch protection is not readable');
  });

  it('fails when the release workflow is missing, disabled, lacks an input or the marker', async () => {
    const missing = await doctorRepository(emulators).doctor({ 'release-workflow': 'publish.yaml' });
    expect(failing(missing)).toEqual(['release-workflow']);
    expect(findings(missing, 'release-workflow')[0]?.message).toContain(
      'the release workflow publish.yaml does not exist',
    );

    const disabled = doctorRepository(emulators);
    disabled.control.setWorkflowState(disabled.full, 'release.yaml', 'disabled_inactivity');
    expect(findings(await disabled.doctor(), 'release-workflow')[0]?.message).toBe(
      'the release workflow release.yaml is disabled_inactivity: GitHub refuses to dispatch it',
    );

    const noVersion = doctorRepository(emulators, ({ control, full }) =>
      control.setFile(full, { ref: 'main', path: RELEASE_WORKFLOW, content: releaseYaml({ inputs: ['sha'] }) }),
    );
    expect(findings(await noVersion.doctor(), 'release-workflow')[0]).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('does not declare the workflow_dispatch input version'),
    });

    const unmarked = doctorRepository(emulators, ({ control, full }) =>
      control.setFile(full, { ref: 'main', path: RELEASE_WORKFLOW, content: releaseYaml({ runName: 'release' }) }),
    );
    const result = await unmarked.doctor();
    expect(failing(result)).toEqual(['release-workflow']);
    expect(findings(result, 'release-workflow')[0]).toMatchObject({
      message: expect.stringContaining('does not carry the marker'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
      fix: 'set run-name: release-guard ${{ inputs.sha }} ${{ inputs.version }}',
    });
  });

  it('accepts a run-name with the SHA alone, warning that versions are not checked', async () => {
    const shaOnly = doctorRepository(emulators, ({ control, full }) =>
      control.setFile(full, {
        ref: 'main',
        path: RELEASE_WORKFLOW,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
        content: releaseYaml({ runName: 'release-guard ${{ inputs.sha }}' }),
      }),
    );
    const result = await shaOnly.doctor();
    expect(result.failures).toEqual([]);
    expect(findings(result, 'release-workflow')[0]).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('carries the SHA but not the version'),
    });
  });

  it("fails a run-name whose marker is not at its start: the guard job's if: keeps runs by startsWith", async () => {
    const late = doctorRepository(emulators, ({ control, full }) =>
      control.setFile(full, {
        ref: 'main',
        path: RELEASE_WORKFLOW,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
        content: releaseYaml({ runName: '"Release: release-guard ${{ inputs.sha }} ${{ inputs.version }}"' }),
      }),
    );
    const result = await late.doctor();
    expect(failing(result)).toEqual(['release-workflow']);
    expect(findings(result, 'release-workflow')).toEqual([
      {
        status: 'fail',
        message:
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
          'the run-name of .github/workflows/release.yaml ("Release: release-guard ${{ inputs.sha }} ${{ inputs.version }}") carries the marker, but not at its start: the guard job keeps release runs whose name starts with it (startsWith(github.event.workflow_run.display_title, \'release-guard \')), so it never hears of these runs',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
        fix: 'set run-name: release-guard ${{ inputs.sha }} ${{ inputs.version }}, the marker first',
      },
    ]);
  });

  it("warns when the guard workflow's workflow_run names another workflow than the release workflow's name", async () => {
    const subscribed = (names: string) =>
      doctorRepository(emulators, ({ control, full }) =>
        control.setFile(full, {
          ref: 'main',
          path: '.github/workflows/release-guard.yaml',
          content: guardYaml().replace(
            '  pull_request_target:',
            `  workflow_run:\n    workflows: ${names}\n    types: [requested, completed]\n  pull_request_target:`,
          ),
        }),
      );
    const renamed = await subscribed('[Release]').doctor();
    expect(renamed.failures).toEqual([]);
    expect(findings(renamed, 'release-workflow')).toEqual([
      {
        status: 'warn',
        message:
          '.github/workflows/release-guard.yaml runs the guard on workflow_run of "Release", not of the release workflow, whose name is "release": GitHub never delivers its runs there, and the guard learns their outcome only at the next sweep',
        fix: 'list "release" in on.workflow_run.workflows of .github/workflows/release-guard.yaml',
      },
    ]);
    expect(findings(await subscribed('[release]').doctor(), 'release-workflow')[0]?.status).toBe('pass');
  });

  it("fails on weave-gitops's failure: a release-please pull request the default preset does not match", async () => {
    const repo = doctorRepository(emulators, ({ control, full }) =>
      control.openPullRequest(full, {
        head: { ref: 'release-please--branches--main', sha: SHA_C },
        title: 'chore(main): release 1.2.3',
      }),
    );
    const result = await repo.doctor();
    expect(failing(result)).toEqual(['release-pull-requests']);
    expect(findings(result, 'release-pull-requests')[0]).toMatchObject({
      message: expect.stringContaining(
        'looks like a release pull request of the release-please preset, but release-branch releases/* does not match it',
      ),
      fix: expect.stringContaining('set preset: release-please'),
    });
    const preset = await repo.doctor({ preset: 'release-please' });
    expect(findings(preset, 'release-pull-requests').map((f) => f.message)).toEqual([
      expect.stringContaining(
        '#1 "Release v1.0.0" (branch releases/v1.0.0) looks like a release pull request of the releases preset',
      ),
    ]);
  });

  it('fails on an open pull request that changes a protected path and is not a release', async () => {
    const repo = doctorRepository(emulators, ({ control, full }) =>
      control.openPullRequest(full, {
        head: { ref: 'bump-chart', sha: SHA_C },
        title: 'bump the chart',
        files: [{ filename: 'charts/app/Chart.yaml' }],
      }),
    );
    const result = await repo.doctor({ 'protected-paths': 'charts/*/Chart.yaml' });
    expect(failing(result)).toEqual(['release-pull-requests']);
    expect(findings(result, 'release-pull-requests')[0]?.message).toContain(
      'changes the release-managed charts/app/Chart.yaml and is not recognised as a release pull request',
    );
  });

  it('passes a required merge queue only when it merges no entry whose own group failed (grouping ALLGREEN) and the check is pinned', async () => {
    const allGreen = doctorRepository(emulators, ({ control, full }) => {
      control.requireMergeQueue(full, 'main', { grouping_strategy: 'ALLGREEN' });
    });
    const unpinned = await allGreen.doctor();
    expect(unpinned.failures).toEqual([]);
    expect(findings(unpinned, 'release-pull-requests').at(-1)).toMatchObject({
      status: 'warn',
      message: expect.stringContaining(
        "is not pinned to the guard's own App: a group is judged once, and anyone with statuses: write can post success on its commit before the guard's verdict",
      ),
    });
    const pinned = doctorRepository(emulators, (repo) => {
      repo.control.requireMergeQueue(repo.full, 'main', { grouping_strategy: 'ALLGREEN' });
      pinToGuardApp(repo);
    });
    pinned.control.setRulesetEnforcement(pinned.full, pinned.ruleset, 'disabled');
    const handled = await pinned.doctor({ 'status-kind': 'check-run', 'guard-app-id': '424242' });
    expect(handled.failures).toEqual([]);
    expect(findings(handled, 'release-pull-requests').at(-1)).toEqual({
      status: 'pass',
      message:
        'a merge queue is required on main, merging only entries whose own group passed (grouping ALLGREEN): handled, the guard merges release pull requests through it',
    });

    const headGreen = doctorRepository(emulators, ({ control, full }) => {
      control.requireMergeQueue(full, 'main', { grouping_strategy: 'HEADGREEN' });
    });
    const result = await headGreen.doctor();
    expect(failing(result)).toEqual(['release-pull-requests']);
    const queue = findings(result, 'release-pull-requests').find((f) => /merge queue/.test(f.message));
    expect(queue).toEqual({
      status: 'fail',
      message:
        'the merge queue of ruleset "merge queue main" on main merges entries whose own group failed (grouping_strategy HEADGREEN, "Only merge non-failing pull requests" off): a release pull request whose group got the guard\'s failure merges together with a later group that passes',
      fix: 'turn on "Only merge non-failing pull requests" in the merge queue rule of ruleset "merge queue main" (grouping_strategy: ALLGREEN)',
    });
  });

  it('fails on a bypass: a rule suite that bypassed main, a release merged without the guard’s success', async () => {
    const repo = doctorRepository(emulators, ({ control, full }) => {
      control.addRuleSuite(full, { branch: 'main', actor: 'weaveworks', result: 'bypass', afterSha: SHA_C });
      const number = control.openPullRequest(full, { head: { ref: 'releases/v0.9.0', sha: SHA_C } });
      control.mergeByHand(full, number, 'weaveworks');
    });
    const result = await repo.doctor({}, 'admin');
    expect(failing(result)).toEqual(['bypasses']);
    expect(findings(result, 'bypasses').map((f) => f.message)).toEqual([
      expect.stringContaining('weaveworks bypassed the rules of main'),
      expect.stringContaining('release pull request #2 was merged by weaveworks'),
    ]);
    const guard = await repo.doctor();
    expect(findings(guard, 'bypasses').map((f) => f.status)).toEqual(['note', 'fail']);
  });

  it("notes, and does not crash, when the statuses of a merged release's head are not readable", async () => {
    const repo = doctorRepository(emulators, ({ control, full }) => {
      const number = control.openPullRequest(full, { head: { ref: 'releases/v0.9.0', sha: SHA_C } });
      control.mergeByHand(full, number, 'weaveworks');
    });
    const result = await repo.doctor({}, 'guard', { url: /\/statuses/, permission: 'statuses=read' });
    expect(result.doctor).toBeDefined();
    expect(findings(result, 'bypasses')).toContainEqual({
      status: 'note',
      message:
        "the statuses of merged release pull requests' heads are not readable with this token (403 Resource not accessible by integration (GitHub asks for statuses=read)): whether the 1 release pull request(s) merged in the last 30 days had the guard's success was not checked; give the doctor job statuses: read",
    });
    expect(failing(result)).toEqual([]);
  });

  it('in check-run mode, notes check runs that are not readable, where the guard succeeded and its app are read', async () => {
    const repo = doctorRepository(emulators, ({ control, full }) => {
      const number = control.openPullRequest(full, { head: { ref: 'releases/v0.9.0', sha: SHA_C } });
      control.mergeByHand(full, number, 'weaveworks');
    });
    const refuse = { url: /\/check-runs/, permission: 'checks=read' };
    const result = await repo.doctor({ 'status-kind': 'check-run' }, 'guard', refuse);
    expect(findings(result, 'bypasses').map((f) => f.message)).toContainEqual(
      expect.stringMatching(/^the check runs of merged release pull requests' heads are not readable .*checks: read$/),
    );
    expect(findings(result, 'required-status').at(-2)).toEqual({
      status: 'note',
      message:
        "the check runs of release heads are not readable with this token (403 Resource not accessible by integration (GitHub asks for checks=read)): the guard's app was not learned from them; give the doctor job checks: read, or set guard-app-id",
    });
  });

  it('fails a doctor job that cannot read the statuses (check runs) it judges merged releases by', async () => {
    const sweep = (permissions: string) =>
      `on: schedule\npermissions: {}\njobs:\n  doctor:\n    runs-on: ubuntu-latest\n    permissions:\n      ${permissions}\n    steps:\n      - uses: release-guard/action@v1\n        with:\n          command: doctor\n          release-workflow: release.yaml\n`;
    const without = doctorRepository(emulators, ({ control, full }) =>
      control.setFile(full, {
        ref: 'main',
        path: '.github/workflows/sweep.yaml',
        content: sweep('contents: read\n      pull-requests: read\n      actions: read'),
      }),
    );
    const result = await without.doctor();
    expect(failing(result)).toEqual(['permissions']);
    expect(findings(result, 'permissions')).toContainEqual({
      status: 'fail',
      message: 'job "doctor" of .github/workflows/sweep.yaml runs the guard without statuses: read',
      fix: "add statuses: read to the job's permissions:",
    });
    const checkRuns = await without.doctor({ 'status-kind': 'check-run' });
    expect(findings(checkRuns, 'permissions').map((f) => f.message)).toContain(
      'job "doctor" of .github/workflows/sweep.yaml runs the guard without checks: read',
    );
    const readable = doctorRepository(emulators, ({ control, full }) =>
      control.setFile(full, {
        ref: 'main',
        path: '.github/workflows/sweep.yaml',
        content: sweep('contents: read\n      pull-requests: read\n      actions: read\n      statuses: read'),
      }),
    );
    expect((await readable.doctor()).failures).toEqual([]);
  });

  it('fails a guard job without statuses: write, and a job named like the status', async () => {
    const repo = doctorRepository(emulators, ({ control, full }) => {
      control.setFile(full, {
        ref: 'main',
        path: '.github/workflows/release-guard.yaml',
        content: guardYaml('pull-requests: write\n      actions: write\n      contents: read'),
      });
      control.setFile(full, {
        ref: 'main',
        path: '.github/workflows/ci.yml',
        content: 'on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
      });
    });
    const result = await repo.doctor();
    expect(failing(result)).toEqual(['permissions', 'status-jobs']);
    expect(findings(result, 'permissions')[0]?.message).toBe(
      'job "guard" of .github/workflows/release-guard.yaml runs the guard without statuses: write',
    );
    expect(findings(result, 'status-jobs')[0]?.message).toContain(
      'job "release" of .github/workflows/ci.yml is named release',
    );
  });

  it("in check-run mode, requires the check pinned to the guard's own App, and the guard jobs to write checks", async () => {
    const pinned = doctorRepository(emulators, pinToGuardApp);
    pinned.control.setRulesetEnforcement(pinned.full, pinned.ruleset, 'disabled');
    const result = await pinned.doctor({ 'status-kind': 'check-run', 'guard-app-id': '424242' });
    expect(result.failures).toEqual([]);
    expect(findings(result, 'required-status')[0]?.message).toBe(
      '`release` is required on main by ruleset "pinned" (pinned to app 424242)',
    );
    const unpinned = await doctorRepository(emulators).doctor({ 'status-kind': 'check-run' });
    expect(failing(unpinned)).toEqual(['required-status', 'permissions']);
    expect(findings(unpinned, 'required-status')[0]?.fix).toContain(
      "expected source (app_id, integration_id) to the guard's GitHub App",
    );
    expect(findings(unpinned, 'permissions')[0]?.message).toContain('runs the guard without checks: write');
  });

  it('checks another base branch with base-branch', async () => {
    const repo = doctorRepository(emulators);
    repo.control.pushBranch(repo.full, 'release-1.x', SHA.b);
    const result = await repo.doctor({ 'base-branch': 'release-1.x' });
    expect(result.doctor?.baseBranch).toBe('release-1.x');
    expect(findings(result, 'required-status')[0]?.message).toContain(
      'no active ruleset requires the `release` status on release-1.x',
    );
  });
});
