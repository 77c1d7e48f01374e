/**
 * This repository's release workflows, validated as examples/weave-gitops validates its own: the YAML the
 * runner loads, every expression where it stands, least privilege, the guard's inputs as the action reads
 * them, which events run which job, the dispatch the guard sends, and the publish job's checks run with bash.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { branchKind, classify, createGuard, PRESETS } from '@release-guard/core';
import { RELEASE_RUN_NAME } from '@release-guard/github-adapter';
import {
  pullRequestEvent,
  pullRequestReviewEvent,
  type RepoRef,
  workflowDispatchEvent,
  workflowRunEvent,
} from '@release-guard/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchProblems, guardDispatchInputs } from '../../examples/weave-gitops/test/dispatch.js';
import {
  type ActionsEvent,
  contextsFor,
  embeddedExpressions,
  evaluateTemplate,
  loadAction,
  parseAt,
  runStep,
  runs,
  simulateJob,
  workflowExpressions,
} from '../../examples/weave-gitops/test/runner.js';
import { GUARD, GUARD_PERMISSIONS, pullRequestCodeProblems } from '../../examples/weave-gitops/test/set-up.js';
import { parseInputs } from '../../packages/action/src/api.js';
import { LIBRARIES, manifestOf, ROOT } from '../../scripts/libraries.js';
import { guardInputs, jobOf, loadRepositoryWorkflows, stepOf, workflowOf } from './workflows.js';

const workflows = loadRepositoryWorkflows();
const action = loadAction(join(ROOT, 'packages/action/action.yml'));
const repo: RepoRef = { owner: 'release-guard', name: 'release-guard' };
const fork: RepoRef = { owner: 'contributor', name: 'release-guard' };
const BRANCH = 'changeset-release/main';
const HEAD = 'c'.repeat(40);

/** The guard's own permissions without `packages: read`: no artifact of ours is in an OCI registry. */
const { packages: _ghcr, ...GUARD_JOB } = GUARD_PERMISSIONS;
const LEAST_PRIVILEGE: Record<string, Record<string, Record<string, string>>> = {
  'release-guard.yml': { guard: GUARD_JOB },
  'release-guard-sweep.yml': { sweep: GUARD_JOB },
  'release.yml': { 'version-packages': { contents: 'read' }, publish: { contents: 'read', 'id-token': 'write' } },
};

const release = workflowOf(workflows, 'release.yml');
const publish = jobOf(workflows, 'release.yml', 'publish');
const versionPackages = jobOf(workflows, 'release.yml', 'version-packages');

function dispatch(inputs: Record<string, string>, ref = BRANCH, target = repo): ActionsEvent {
  return workflowDispatchEvent({ repo: target, ref, workflowPath: '.github/workflows/release.yml', inputs });
}

function push(target: RepoRef, branch: string): ActionsEvent {
  const repository = { name: target.name, full_name: `${target.owner}/${target.name}`, owner: { login: target.owner } };
  return { name: 'push', payload: { ref: `refs/heads/${branch}`, after: HEAD, repository, sender: { login: 'dev' } } };
}

/** The guard's inputs as the action reads them (those filled in the run left out), and its guard. */
function configured(file: string) {
  const inputs = guardInputs(workflows, file);
  const env = Object.fromEntries(
    Object.entries(inputs)
      .filter(([, value]) => !value.includes('${{'))
      .map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  const parsed = parseInputs({ ...env, INPUT_TOKEN: 'token' });
  return { inputs, parsed, settings: createGuard(parsed.config).settings };
}

describe('the workflow files', () => {
  it('are the release, the guard and its sweep', () => {
    expect([...workflows.keys()]).toEqual(['release-guard-sweep.yml', 'release-guard.yml', 'release.yml']);
  });

  it('grant nothing at the top level, and each job exactly its least privilege', () => {
    for (const w of workflows.values()) {
      expect(w.permissions, `${w.file} top-level permissions`).toEqual({});
      const spec = LEAST_PRIVILEGE[w.file] ?? {};
      expect(Object.keys(w.jobs).sort(), w.file).toEqual(Object.keys(spec).sort());
      for (const [id, j] of Object.entries(w.jobs)) expect(j.permissions, `${w.file} job ${id}`).toEqual(spec[id]);
    }
  });

  it('parse every expression where it stands, with the contexts GitHub gives there', () => {
    let parsed = 0;
    for (const w of workflows.values()) {
      for (const { where, place, expression } of workflowExpressions(w)) {
        expect(() => parseAt(expression, place), where).not.toThrow();
        parsed++;
      }
    }
    expect(parsed).toBeGreaterThan(20);
  });

  it('run their scripts with bash, valid, with values through env and never as expressions', () => {
    for (const w of workflows.values()) {
      const scripts = Object.values(w.jobs).flatMap((j) => j.steps.filter((s) => s.run !== undefined));
      if (scripts.length > 0) expect(w.defaults?.run?.shell, w.file).toBe('bash');
      for (const s of scripts) {
        expect(embeddedExpressions(s.run ?? ''), `${w.file} '${s.name}'`).toEqual([]);
        const syntax = spawnSync('bash', ['-n'], { input: s.run, encoding: 'utf8' });
        expect(syntax.status, `${w.file} '${s.name}': ${syntax.stderr}`).toBe(0);
      }
    }
  });

  it('name no job like the status the guard owns', () => {
    const context = configured('release-guard.yml').settings.statusContext;
    for (const w of workflows.values()) {
      for (const [id, j] of Object.entries(w.jobs)) {
        expect(
          [id, j.name ?? ''].map((n) => n.toLowerCase()),
          `${w.file} ${id}`,
        ).not.toContain(context);
      }
    }
  });
});

describe('release-guard.yml and its sweep: the changesets preset, applied to this repository', () => {
  const guard = configured('release-guard.yml');
  const sweep = configured('release-guard-sweep.yml');
  const guardJob = jobOf(workflows, 'release-guard.yml', 'guard');

  it("give the action only inputs it declares, which it accepts, the sweep the guard's configuration", () => {
    for (const { inputs } of [guard, sweep]) {
      for (const name of Object.keys(inputs)) expect(Object.keys(action.inputs)).toContain(name);
    }
    expect(guard.inputs.preset).toBe('changesets');
    expect(sweep.parsed.config).toEqual(guard.parsed.config);
    expect(sweep.parsed.release).toEqual(guard.parsed.release);
    expect(sweep.inputs['release-timeout']).toMatch(/^[1-9]\d*$/);
    expect(guard.parsed.release).toEqual({ workflow: 'release.yml' });
  });

  it("take changesets' release pull request for the release, and nothing else", () => {
    expect(PRESETS.changesets.releaseBranch).toBe('changeset-release/**');
    expect(branchKind({ headRef: BRANCH, fromFork: false }, guard.settings)).toBe('release');
    expect(branchKind({ headRef: BRANCH, fromFork: true }, guard.settings)).toBe('fork');
    expect(branchKind({ headRef: 'main', fromFork: false }, guard.settings)).toBe('not-release');
  });

  it('fail any other pull request that writes a changelog, and not one that adds a changeset', () => {
    const files = (path: string) => ({ files: [{ path }], filesComplete: true });
    const pr = { headRef: 'fix/typo', fromFork: false };
    for (const library of LIBRARIES) {
      expect(classify({ ...pr, ...files(`packages/${library}/CHANGELOG.md`) }, guard.settings)).toBe('protected');
    }
    expect(classify({ ...pr, ...files('.changeset/fix-typo.md') }, guard.settings)).toBe('not-release');
    expect(classify({ headRef: BRANCH, fromFork: false, ...files('packages/core/CHANGELOG.md') }, guard.settings)).toBe(
      'release',
    );
  });

  it('run the guard alone under pull_request_target: no checkout, no script', () => {
    expect(guardJob.steps.map((s) => s.uses)).toEqual([GUARD]);
    expect(pullRequestCodeProblems(guardJob.steps)).toEqual([]);
    const triggers = workflowOf(workflows, 'release-guard.yml').on;
    expect(triggers.pull_request_target?.types).toEqual(['opened', 'reopened', 'synchronize', 'edited', 'closed']);
    expect(triggers.workflow_run?.workflows).toEqual([release.name]);
  });

  it("run for every pull request, the release pull request's reviews, and the release runs the guard dispatched", () => {
    const own = { repo, number: 12, head: { ref: BRANCH, sha: HEAD } };
    const w = workflowOf(workflows, 'release-guard.yml');
    const review = (head: { ref: string; sha: string; repo?: RepoRef }) =>
      pullRequestReviewEvent('submitted', { repo, number: 12, head, review: { id: 1, state: 'approved', user: 'm' } });
    const run = (event: string, displayTitle: string) =>
      workflowRunEvent({
        repo,
        runId: 7,
        workflowName: release.name,
        workflowPath: '.github/workflows/release.yml',
        headSha: HEAD,
        headBranch: event === 'push' ? 'main' : BRANCH,
        event,
        conclusion: 'success',
        displayTitle,
      });
    const runsFor = (event: ActionsEvent) => runs(guardJob.if, 'job-if', contextsFor(event, w));
    const title = (event: ActionsEvent) =>
      evaluateTemplate(release['run-name'] ?? '', 'run-name', contextsFor(event, release));
    const pullRequestTarget = { name: 'pull_request_target', payload: pullRequestEvent('opened', own).payload };
    expect(runsFor(pullRequestTarget)).toBe(true);
    expect(runsFor(review(own.head))).toBe(true);
    expect(runsFor(review({ ref: 'fix/typo', sha: HEAD }))).toBe(false);
    expect(runsFor(review({ ...own.head, repo: fork }))).toBe(false);
    expect(runsFor(run('workflow_dispatch', title(dispatch({ sha: HEAD, version: '0.2.0' }))))).toBe(true);
    expect(runsFor(run('push', title(push(repo, 'main'))))).toBe(false);
  });
});

describe('release.yml: the Version Packages pull request, and the publication the guard dispatches', () => {
  let sent: Awaited<ReturnType<typeof guardDispatchInputs>>;
  beforeAll(async () => {
    sent = await guardDispatchInputs(release);
  });

  it("accepts exactly the inputs of the guard's dispatch, and names its run as the guard finds it", () => {
    expect(dispatchProblems(release, sent)).toEqual([]);
    const contexts = contextsFor(dispatch({ sha: HEAD, version: '0.2.0' }), release);
    expect(evaluateTemplate(release['run-name'] ?? '', 'run-name', contexts)).toBe(
      evaluateTemplate(RELEASE_RUN_NAME, 'run-name', contexts),
    );
    expect(evaluateTemplate(release['run-name'] ?? '', 'run-name', contextsFor(push(repo, 'main'), release))).toBe(
      'version packages',
    );
  });

  it('versions on a push to main of this repository, and publishes only when dispatched on the release branch with a SHA', () => {
    const on = (job: typeof publish, event: ActionsEvent) => runs(job.if, 'job-if', contextsFor(event, release));
    expect(on(versionPackages, push(repo, 'main'))).toBe(true);
    expect(on(versionPackages, push(fork, 'main'))).toBe(false);
    expect(on(versionPackages, dispatch({ sha: HEAD }))).toBe(false);
    expect(on(publish, dispatch({ sha: HEAD, version: '0.2.0' }))).toBe(true);
    expect(on(publish, dispatch({ sha: HEAD }, 'main'))).toBe(false);
    expect(on(publish, dispatch({ sha: '' }))).toBe(false);
    expect(on(publish, push(repo, 'main'))).toBe(false);
  });

  it('opens the pull request with a token that starts workflows, and after the merge only tags', () => {
    const step = stepOf(versionPackages, (s) => s.uses?.startsWith('changesets/action@') === true, 'run changesets');
    expect(step.with).toMatchObject({ version: 'pnpm changeset version', publish: 'pnpm changeset tag' });
    const token = (value: unknown) => embeddedExpressions(String(value)).map((e) => e.expression);
    expect(token(step.env?.GITHUB_TOKEN)).toEqual(['secrets.CHANGESETS_TOKEN']);
    const checkout = stepOf(versionPackages, (s) => s.uses?.startsWith('actions/checkout@') === true, 'check out');
    expect(checkout.with?.['fetch-depth']).toBe(0);
    expect(token(checkout.with?.token)).toEqual(['secrets.CHANGESETS_TOKEN']);
  });

  it('publishes with changesets and provenance, after building and testing the packed packages', () => {
    const script = publish.steps.map((s) => s.run ?? '').join('\n');
    const order = ['pnpm build:libraries', 'pnpm api:check', 'pnpm vitest run test/packed', 'pnpm changeset publish'];
    expect(order.map((line) => script.indexOf(line))).toEqual([...order.map((line) => script.indexOf(line))].sort());
    expect(order.every((line) => script.includes(line))).toBe(true);
    const step = stepOf(publish, (s) => s.run?.includes('pnpm changeset publish') === true, 'publish');
    expect(step.env?.NPM_CONFIG_PROVENANCE).toBe('true');
    for (const library of LIBRARIES) expect(manifestOf(library).publishConfig.provenance, library).toBe(true);
  });

  it('checks that inputs.sha is a SHA before anything else, and does nothing further when it is not', () => {
    const first = publish.steps[0];
    const outcome = (sha: string) =>
      simulateJob(publish, contextsFor(dispatch({ sha }), release), (s, _i, contexts) =>
        s === first ? runStep(s, contexts) : { code: 0, outputs: {} },
      );
    expect(outcome(HEAD).steps.every((s) => s.ran)).toBe(true);
    for (const bad of ['main', HEAD.slice(0, 7), `${HEAD}0`, '$(id)']) {
      const result = outcome(bad);
      expect(result.status, bad).toBe('failure');
      expect(
        result.steps.slice(1).some((s) => s.ran),
        bad,
      ).toBe(false);
    }
  });

  it('publishes only when every package holds the version the guard read', () => {
    const step = stepOf(publish, (s) => s.id === 'version', 'check the version');
    const checkout = mkdtempSync(join(tmpdir(), 'release-guard-versions-'));
    try {
      const at = (versions: string[]) =>
        LIBRARIES.forEach((library, i) => {
          mkdirSync(join(checkout, 'packages', library), { recursive: true });
          writeFileSync(join(checkout, 'packages', library, 'package.json'), JSON.stringify({ version: versions[i] }));
        });
      const check = (version: string) =>
        runStep(step, contextsFor(dispatch({ sha: HEAD, version }), release), { cwd: checkout });
      at(['0.2.0', '0.2.0', '0.2.0']);
      expect(check('0.2.0')).toMatchObject({ code: 0, outputs: { version: '0.2.0' } });
      for (const bad of ['', '0.2', 'v0.2.0', '0.2.0 ', '0.2.0;id']) expect(check(bad).code, bad).not.toBe(0);
      expect(check('0.1.0').code).not.toBe(0);
      at(['0.2.0', '0.1.0', '0.2.0']);
      expect(check('0.2.0').code).not.toBe(0);
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });
});
