/**
 * What a lock's health is read from: rulesets (active, evaluate, disabled) and the rules of a branch,
 * classic protection's required checks and admin enforcement with their 403 and 404, workflows' state,
 * and rule suites.
 */

import { describe, expect, it } from 'vitest';
import { freshRepo, SHA, useGitHub } from './support/github.js';

const { github, octokit } = useGitHub();
const ADMIN = 'admin-token';

function repository() {
  const made = freshRepo(github(), { release: 'write' });
  github().control.addToken(ADMIN, 'weaveworks');
  github().control.addToken('release-bot-token', 'release');
  return made;
}

describe('rulesets', () => {
  it('get-branch-rules lists active rulesets only; get-repo-rulesets lists every one with its enforcement', async () => {
    const { owner, repo, full } = repository();
    const control = github().control;
    const active = control.addRuleset(full, {
      name: 'ci',
      requiredChecks: [{ context: 'build', integrationId: 15368 }],
    });
    const evaluate = control.addRuleset(full, {
      name: 'release lock',
      enforcement: 'evaluate',
      requiredChecks: [{ context: 'release' }],
    });
    control.addRuleset(full, { name: 'old', enforcement: 'disabled', requiredChecks: [{ context: 'old' }] });
    control.addRuleset(full, {
      name: 'other',
      include: ['refs/heads/releases/**'],
      requiredChecks: [{ context: 'x' }],
    });
    const api = octokit();
    const rules = (await api.rest.repos.getBranchRules({ owner, repo, branch: 'main' })).data;
    expect(rules).toEqual([
      {
        type: 'required_status_checks',
        parameters: {
          required_status_checks: [{ context: 'build', integration_id: 15368 }],
          strict_required_status_checks_policy: false,
        },
        ruleset_source_type: 'Repository',
        ruleset_source: full,
        ruleset_id: active,
      },
    ]);
    const listed = (await api.rest.repos.getRepoRulesets({ owner, repo })).data;
    expect(listed.map((r) => [r.name, r.enforcement])).toEqual([
      ['ci', 'active'],
      ['release lock', 'evaluate'],
      ['old', 'disabled'],
      ['other', 'active'],
    ]);
    const one = (await api.rest.repos.getRepoRuleset({ owner, repo, ruleset_id: evaluate })).data;
    expect(one).toMatchObject({
      enforcement: 'evaluate',
      conditions: { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
      rules: [{ type: 'required_status_checks' }],
    });
    control.setRulesetEnforcement(full, evaluate, 'active');
    const now = (await api.rest.repos.getBranchRules({ owner, repo, branch: 'main' })).data;
    expect(now.map((r) => r.ruleset_id)).toEqual([active, evaluate]);
  });

  it('shows bypass actors to admins only', async () => {
    const { owner, repo, full } = repository();
    const id = github().control.addRuleset(full, {
      name: 'lock',
      requiredChecks: [{ context: 'release' }],
      bypassActors: [{ actorType: 'RepositoryRole', actorId: 5 }],
    });
    const writer = (await octokit().rest.repos.getRepoRuleset({ owner, repo, ruleset_id: id })).data;
    expect(writer.bypass_actors).toBeUndefined();
    const admin = (await octokit(ADMIN).rest.repos.getRepoRuleset({ owner, repo, ruleset_id: id })).data;
    expect(admin.bypass_actors).toEqual([{ actor_id: 5, actor_type: 'RepositoryRole', bypass_mode: 'always' }]);
  });

  it('an active ruleset blocks a merge until its check passes; one in evaluate blocks nothing', async () => {
    const { owner, repo, full } = repository();
    const control = github().control;
    const id = control.addRuleset(full, {
      name: 'lock',
      enforcement: 'evaluate',
      requiredChecks: [{ context: 'release' }],
    });
    const first = control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const api = octokit();
    await api.rest.pulls.merge({ owner, repo, pull_number: first });
    control.setRulesetEnforcement(full, id, 'active');
    const second = control.openPullRequest(full, { head: { ref: 'releases/v2', sha: SHA.b } });
    await expect(api.rest.pulls.merge({ owner, repo, pull_number: second })).rejects.toMatchObject({
      status: 405,
      message: expect.stringContaining('Required status check "release" is expected.'),
    });
  });
});

describe('classic protection', () => {
  it('required status checks: 403 without admin (naming the permission), 404 when not protected, else the checks', async () => {
    const { owner, repo, full } = repository();
    const api = octokit();
    const read = (token?: string) =>
      octokit(token).rest.repos.getStatusChecksProtection({ owner, repo, branch: 'main' });
    await expect(read(ADMIN)).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('Branch not protected'),
    });
    github().control.protectBranch(full, 'main', {
      requiredContexts: ['release', 'build'],
      requiredChecks: [{ context: 'release', appId: 42 }],
    });
    const refused = await api.rest.repos.getStatusChecksProtection({ owner, repo, branch: 'main' }).catch((e) => e);
    expect(refused).toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration'),
    });
    expect(refused.response.headers['x-accepted-github-permissions']).toBe('administration=read');
    expect((await read(ADMIN)).data).toMatchObject({
      contexts: ['release', 'build'],
      checks: [
        { context: 'release', app_id: 42 },
        { context: 'build', app_id: null },
      ],
    });
    const admins = await octokit(ADMIN).rest.repos.getAdminBranchProtection({ owner, repo, branch: 'main' });
    expect(admins.data.enabled).toBe(false);
    github().control.protectBranch(full, 'main', { requiredApprovals: 1 });
    await expect(read(ADMIN)).rejects.toMatchObject({ status: 404 });
  });
});

describe('rule suites', () => {
  it('lists bypasses of a branch to admins, newest first, within the time period', async () => {
    const { owner, repo, full } = repository();
    const control = github().control;
    control.addRuleSuite(full, { branch: 'main', actor: 'weaveworks', result: 'pass', afterSha: SHA.a });
    control.addRuleSuite(full, { branch: 'main', actor: 'weaveworks', result: 'bypass', afterSha: SHA.b });
    control.addRuleSuite(full, { branch: 'other', actor: 'weaveworks', result: 'bypass', afterSha: SHA.c });
    control.addRuleSuite(full, {
      branch: 'main',
      actor: 'weaveworks',
      result: 'bypass',
      afterSha: SHA.c,
      pushedAt: '2000-01-01T00:00:00Z',
    });
    await expect(octokit().rest.repos.getRepoRuleSuites({ owner, repo })).rejects.toMatchObject({ status: 403 });
    const { data } = await octokit(ADMIN).rest.repos.getRepoRuleSuites({
      owner,
      repo,
      ref: 'refs/heads/main',
      time_period: 'month',
      rule_suite_result: 'bypass',
    });
    expect(data.map((s) => [s.after_sha, s.result, s.actor_name])).toEqual([[SHA.b, 'bypass', 'weaveworks']]);
  });
});

describe('workflows', () => {
  it('get-workflow reports its state; a disabled workflow refuses dispatches', async () => {
    const { owner, repo, full } = repository();
    const control = github().control;
    control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    control.addWorkflow(full, { path: '.github/workflows/release.yaml', name: 'release' });
    const api = octokit();
    const got = await api.rest.actions.getWorkflow({ owner, repo, workflow_id: 'release.yaml' });
    expect(got.data).toMatchObject({ name: 'release', path: '.github/workflows/release.yaml', state: 'active' });
    control.setWorkflowState(full, 'release.yaml', 'disabled_manually');
    expect((await api.rest.actions.getWorkflow({ owner, repo, workflow_id: 'release.yaml' })).data.state).toBe(
      'disabled_manually',
    );
    await expect(
      api.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: 'release.yaml', ref: 'releases/v1' }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringContaining('disabled workflow') });
    await expect(api.rest.actions.getWorkflow({ owner, repo, workflow_id: 'gone.yaml' })).rejects.toMatchObject({
      status: 404,
    });
  });
});
