import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  example,
  mergeGroupEvent,
  type PullRequestAction,
  type PullRequestOptions,
  pullRequestEvent,
  pullRequestReviewEvent,
  type RepoRef,
  scheduleEvent,
  type WorkflowRunOptions,
  workflowDispatchEvent,
  workflowRunEvent,
} from '@release-guard/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type DispatchedInputs, declaredInputs, dispatchProblems, guardDispatchInputs } from './dispatch.js';
import { yamlBlocks } from './markdown.js';
import {
  type ActionsEvent,
  type Contexts,
  conditionExpression,
  contextsFor,
  embeddedExpressions,
  evaluateTemplate,
  globMatches,
  isObject,
  type Job,
  type Json,
  loadAction,
  loadWorkflows,
  type Place,
  parseAt,
  runStep,
  runs,
  type Step,
  simulateJob,
  strings,
  type Workflow,
  workflowExpressions,
} from './runner.js';
import {
  ACTION_OUTPUTS,
  APP_TOKEN,
  DOCTOR_PERMISSIONS,
  GUARD,
  GUARD_PERMISSIONS,
  isDoctor,
  isGuard,
  MERGE_TOKEN_PERMISSIONS,
  pullRequestCodeProblems,
} from './set-up.js';

const exampleRoot = fileURLToPath(new URL('..', import.meta.url));
const workflows = loadWorkflows(join(exampleRoot, '.github/workflows'));
const action = loadAction(fileURLToPath(new URL('../../../packages/action/action.yml', import.meta.url)));
const actionReadme = readFileSync(
  fileURLToPath(new URL('../../../packages/action/README.md', import.meta.url)),
  'utf8',
);

function workflow(file: string): Workflow {
  const found = workflows.get(file);
  if (!found) throw new Error(`no workflow ${file}`);
  return found;
}

function job(file: string, id: string): Job {
  const found = workflow(file).jobs[id];
  if (!found) throw new Error(`${file} has no job ${id}`);
  return found;
}

function step(file: string, jobId: string, which: (step: Step) => boolean, what: string): Step {
  const found = job(file, jobId).steps.find(which);
  if (!found) throw new Error(`${file} job ${jobId} has no step that ${what}`);
  return found;
}

/** Every release-guard step of a workflow, with its job. */
function guardSteps(w: Workflow): { jobId: string; step: Step; inputs: Record<string, string> }[] {
  return Object.entries(w.jobs).flatMap(([jobId, j]) =>
    j.steps.filter(isGuard).map((s) => ({
      jobId,
      step: s,
      inputs: Object.fromEntries(Object.entries(s.with ?? {}).map(([k, v]) => [k, String(v)])),
    })),
  );
}

function theGuardStep(file: string) {
  const [only, ...others] = guardSteps(workflow(file));
  if (!only || others.length > 0) throw new Error(`${file} must have exactly one release-guard step`);
  return only;
}

interface ArtifactEntry {
  name: string;
  ref: string;
  after?: string[];
  'on-merge'?: boolean;
}

function artifactsOf(inputs: Record<string, string>): ArtifactEntry[] {
  const parsed: unknown = parse(inputs.artifacts ?? '');
  if (!Array.isArray(parsed)) throw new Error('artifacts is not a YAML list');
  return parsed as ArtifactEntry[];
}

function artifact(name: string): ArtifactEntry {
  const found = artifactsOf(theGuardStep('pr.yaml').inputs).find((a) => a.name === name);
  if (!found) throw new Error(`the guard's artifacts name no ${name}`);
  return found;
}

/** The guard's default version of a release pull request: the last segment of its head branch (action.yml). */
function versionOfBranch(branch: string): string {
  return branch.split('/').at(-1) ?? '';
}

const sha = (label: string) => createHash('sha1').update(label).digest('hex');

const repo: RepoRef = { owner: 'weaveworks', name: 'weave-gitops' };
const fork: RepoRef = { owner: 'contributor', name: 'weave-gitops' };
const releaseBranch = 'releases/v0.30.0';
const releaseHead = sha('head of releases/v0.30.0');

const releasePr: PullRequestOptions = {
  repo,
  number: 3906,
  head: { ref: releaseBranch, sha: releaseHead },
  user: 'github-actions[bot]',
};
const forkReleasePr: PullRequestOptions = {
  repo,
  number: 3910,
  head: { ref: releaseBranch, sha: sha('fork release'), repo: fork },
};
const ordinaryPr: PullRequestOptions = { repo, number: 3911, head: { ref: 'fix/typo', sha: sha('typo') } };
const forkOrdinaryPr: PullRequestOptions = {
  repo,
  number: 3912,
  head: { ref: 'main', sha: sha('fork main'), repo: fork },
};

function pullRequestTarget(pullRequestAction: PullRequestAction, options: PullRequestOptions): ActionsEvent {
  // pull_request_target delivers the pull_request payload; a dequeue says why.
  const given = pullRequestAction === 'dequeued' ? { reason: 'MANUAL' as const, ...options } : options;
  return { name: 'pull_request_target', payload: pullRequestEvent(pullRequestAction, given).payload };
}

function review(options: PullRequestOptions, reviewAction: 'submitted' | 'dismissed' = 'submitted'): ActionsEvent {
  return pullRequestReviewEvent(reviewAction, {
    repo: options.repo,
    number: options.number,
    head: options.head,
    review: { id: 80, state: reviewAction === 'dismissed' ? 'dismissed' : 'approved', user: 'releaser' },
  });
}

function dispatch(file: string, ref: string, inputs: Record<string, string>, target: RepoRef = repo): ActionsEvent {
  return workflowDispatchEvent({
    repo: target,
    ref,
    workflowPath: `.github/workflows/${file}`,
    inputs,
    sender: 'releaser',
  });
}

/** A merge group of `options`' pull request at its head, on `base`. */
function mergeGroup(
  options: PullRequestOptions,
  groupAction: 'checks_requested' | 'destroyed' = 'checks_requested',
  base = 'main',
): ActionsEvent {
  return mergeGroupEvent(groupAction, {
    repo: options.repo,
    number: options.number,
    prHeadSha: options.head.sha,
    baseRef: base,
    ...(groupAction === 'destroyed' ? { reason: 'dequeued' as const } : {}),
  });
}

/** The run-name release.yaml gets when the guard dispatches it for `commit`. */
function releaseRunName(commit: string, version: string): string {
  const release = workflow('release.yaml');
  const contexts = contextsFor(dispatch(release.file, releaseBranch, { sha: commit, version }), release);
  return evaluateTemplate(release['run-name'] ?? '', 'run-name', contexts);
}

/** A workflow_run of release.yaml as the guard's dispatch produces it. */
function releaseRun(overrides: Partial<WorkflowRunOptions> = {}): ActionsEvent {
  const release = workflow('release.yaml');
  return workflowRunEvent({
    repo,
    runId: 5738127454,
    workflowName: release.name,
    workflowPath: `.github/workflows/${release.file}`,
    headSha: releaseHead,
    headBranch: releaseBranch,
    event: 'workflow_dispatch',
    conclusion: 'success',
    displayTitle: releaseRunName(releaseHead, 'v0.29.0'),
    actor: 'github-actions[bot]',
    ...overrides,
  });
}

/** A push, from GitHub's example push payload moved to `target` and `branch`. */
function push(target: RepoRef, branch: string): ActionsEvent {
  const payload = example('push');
  const repository = isObject(payload.repository) ? payload.repository : {};
  const owner = isObject(repository.owner) ? repository.owner : {};
  return {
    name: 'push',
    payload: {
      ...payload,
      ref: `refs/heads/${branch}`,
      before: sha(`${branch} before`),
      after: sha(`${branch} after`),
      repository: {
        ...repository,
        name: target.name,
        full_name: `${target.owner}/${target.name}`,
        default_branch: 'main',
        owner: { ...owner, login: target.owner },
      },
    },
  };
}

/** The expressions inside a value of a workflow. */
function expressionsOf(value: string | number | boolean | undefined): string[] {
  return embeddedExpressions(String(value ?? '')).map((e) => e.expression);
}

/**
 * Checks that every `steps.<id>.outputs.<name>` of `steps` names a step before it that produces that output:
 * action.yml's outputs for the guard, `$GITHUB_OUTPUT` lines for a script, the known outputs of another
 * action. Returns how many references it checked.
 */
function checkOutputReferences(where: string, steps: readonly Step[]): number {
  const reference = /steps\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)/g;
  let checked = 0;
  for (const [index, s] of steps.entries()) {
    for (const { text } of strings(s as unknown as Json)) {
      for (const [, id, name = ''] of text.matchAll(reference)) {
        const producer = steps.slice(0, index).find((earlier) => earlier.id === id);
        if (!producer) throw new Error(`${where}: steps.${id} is not a step before '${s.name}'`);
        const known = producer.uses === undefined ? undefined : ACTION_OUTPUTS[producer.uses];
        if (isGuard(producer)) expect(Object.keys(action.outputs), `${where}: ${id}.${name}`).toContain(name);
        else if (producer.run !== undefined) {
          const line = new RegExp(`(^|[\\s"'])${name}=`, 'm');
          expect(line.test(producer.run) && producer.run.includes('$GITHUB_OUTPUT'), `${where}: ${id}.${name}`).toBe(
            true,
          );
        } else if (known) expect(known, `${where}: ${id}.${name}`).toContain(name);
        else throw new Error(`${where}: the outputs of ${producer.uses} are not known here`);
        checked++;
      }
    }
  }
  return checked;
}

function jobRuns(file: string, jobId: string, event: ActionsEvent): boolean {
  return runs(job(file, jobId).if, 'job-if', contextsFor(event, workflow(file)));
}

function withContexts(contexts: Contexts, extra: Contexts): Contexts {
  return { ...contexts, ...extra };
}

const FILES = ['chart.yaml', 'pr.yaml', 'prepare-release.yaml', 'release.yaml', 'sweep.yaml'];

/** The least privilege of each job: what it does, and nothing else. */
const LEAST_PRIVILEGE: Record<string, Record<string, Record<string, string>>> = {
  'prepare-release.yaml': { prepare: { contents: 'write', 'pull-requests': 'write' } },
  'pr.yaml': { guard: GUARD_PERMISSIONS },
  'release.yaml': { image: { contents: 'read', packages: 'write' } },
  'chart.yaml': { publish: { contents: 'read', packages: 'write' } },
  'sweep.yaml': { sweep: GUARD_PERMISSIONS, doctor: DOCTOR_PERMISSIONS },
};

describe('the workflow files', () => {
  it('are the five of the set-up', () => {
    expect([...workflows.keys()]).toEqual(FILES);
  });

  it('grant nothing at the top level, and each job exactly its least privilege', () => {
    for (const w of workflows.values()) {
      expect(w.permissions, `${w.file} top-level permissions`).toEqual({});
      const spec = LEAST_PRIVILEGE[w.file] ?? {};
      expect(Object.keys(w.jobs).sort(), `${w.file} jobs`).toEqual(Object.keys(spec).sort());
      for (const [id, j] of Object.entries(w.jobs)) {
        expect(j.permissions, `${w.file} job ${id}`).toEqual(spec[id]);
      }
      expect(JSON.stringify(w.document)).not.toMatch(/write-all|read-all/);
    }
  });

  it('run their shell steps with bash, and pass values to scripts through env, never as expressions in the script', () => {
    for (const w of workflows.values()) {
      const runSteps = Object.values(w.jobs).flatMap((j) => j.steps.filter((s) => s.run !== undefined));
      if (runSteps.length > 0) expect(w.defaults?.run?.shell, `${w.file} default shell`).toBe('bash');
      for (const s of runSteps) {
        expect(expressionsOf(s.run), `${w.file} step '${s.name}'`).toEqual([]);
        const syntax = spawnSync('bash', ['-n'], { input: s.run, encoding: 'utf8' });
        expect(syntax.status, `${w.file} step '${s.name}': ${syntax.stderr}`).toBe(0);
      }
    }
  });

  it('name no job like the status the guard owns: its check run would satisfy branch protection', () => {
    const context = theGuardStep('pr.yaml').inputs['status-context'] ?? '';
    expect(context).not.toBe('');
    for (const w of workflows.values()) {
      for (const [id, j] of Object.entries(w.jobs)) {
        expect(id.toLowerCase(), `${w.file} job id`).not.toBe(context.toLowerCase());
        expect((j.name ?? '').toLowerCase(), `${w.file} job ${id} name`).not.toBe(context.toLowerCase());
      }
    }
  });
});

describe('events and activity types', () => {
  it('pr.yaml: pull_request_target and reviews of the listed types, the runs of the release workflow, merge groups', () => {
    const pr = workflow('pr.yaml');
    expect(Object.keys(pr.on).sort()).toEqual([
      'merge_group',
      'pull_request_review',
      'pull_request_target',
      'workflow_run',
    ]);
    expect(pr.on.pull_request_target?.types).toEqual([
      'opened',
      'reopened',
      'synchronize',
      'closed',
      'enqueued',
      'dequeued',
    ]);
    // The queue's verdicts; a destroyed group is told by pull_request dequeued and closed.
    expect(pr.on.merge_group?.types).toEqual(['checks_requested']);
    expect(pr.on.pull_request_review?.types).toEqual(['submitted', 'dismissed']);
    expect(pr.on.workflow_run?.types).toEqual(['requested', 'completed']);
    // workflow_run names workflows by their `name`: it must be release.yaml's.
    expect(pr.on.workflow_run?.workflows).toEqual([workflow('release.yaml').name]);
  });

  it('release.yaml: dispatched only, with a required sha and the version carried in its run-name', () => {
    const release = workflow('release.yaml');
    expect(Object.keys(release.on)).toEqual(['workflow_dispatch']);
    expect(release.on.workflow_dispatch?.inputs).toMatchObject({ sha: { required: true, type: 'string' } });
    expect(embeddedExpressions(release['run-name'] ?? '').map((e) => e.expression)).toEqual([
      'inputs.sha',
      'inputs.version',
    ]);
  });

  describe('release.yaml accepts exactly the inputs of the dispatch the adapter sends', () => {
    let sent: DispatchedInputs;
    beforeAll(async () => {
      sent = await guardDispatchInputs(workflow('release.yaml'));
    });

    it('every input the guard sends is declared, and every required one is always sent', () => {
      expect(sent.always).toContain('sha');
      expect(dispatchProblems(workflow('release.yaml'), sent)).toEqual([]);
    });

    it('GitHub refuses the dispatch of a release workflow that does not declare version (the emulator answers 422)', async () => {
      const release = workflow('release.yaml');
      const shaOnly: Workflow = { ...release, on: { workflow_dispatch: { inputs: { sha: { required: true } } } } };
      await expect(guardDispatchInputs(shaOnly)).rejects.toMatchObject({
        status: 422,
        message: expect.stringContaining('Unexpected inputs provided: ["version"]'),
      });
    });

    it('the check has teeth: an undeclared input, a required optional one, an input never sent', () => {
      const release = workflow('release.yaml');
      const withInputs = (inputs: Record<string, Json>): Workflow => ({
        ...release,
        on: { workflow_dispatch: { inputs } },
      });
      const sha = { required: true, type: 'string' };
      expect(dispatchProblems(withInputs({ sha }), sent)).toEqual(
        sent.sometimes.map((input) => `release.yaml does not declare the input ${input} the guard sends`),
      );
      const required = Object.fromEntries([...sent.always, ...sent.sometimes].map((input) => [input, sha]));
      expect(dispatchProblems(withInputs(required), sent)).toEqual(
        sent.sometimes.map((input) => `release.yaml requires the input ${input}, which the guard does not always send`),
      );
      const declared = { ...declaredInputs(release), tag: { required: false } };
      expect(dispatchProblems(withInputs(declared), sent)).toEqual([
        'release.yaml declares the input tag, which the guard never sends',
      ]);
    });
  });

  it('prepare-release.yaml: dispatched with a required version', () => {
    const prepare = workflow('prepare-release.yaml');
    expect(Object.keys(prepare.on)).toEqual(['workflow_dispatch']);
    expect(prepare.on.workflow_dispatch?.inputs).toMatchObject({ version: { required: true, type: 'string' } });
  });

  it("chart.yaml: pushes to main that touch the chart, which the guard's merge is", () => {
    const chart = workflow('chart.yaml');
    expect(Object.keys(chart.on)).toEqual(['push']);
    expect(chart.on.push).toEqual({ branches: ['main'], paths: ['charts/**'] });
  });

  it('sweep.yaml: a schedule and a dispatch by hand; doctor on a daily schedule of its own', () => {
    const sweep = workflow('sweep.yaml');
    expect(Object.keys(sweep.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const schedule = sweep.on.schedule as unknown as { cron: string }[];
    expect(schedule).toHaveLength(2);
    for (const { cron } of schedule) expect(cron.trim().split(/\s+/)).toHaveLength(5);
    const doctor = job('sweep.yaml', 'doctor');
    expect(doctor.if).toBe(
      `github.event_name == 'workflow_dispatch' || github.event.schedule == '${schedule[1]?.cron}'`,
    );
    const step = doctor.steps.find(isDoctor);
    expect(step?.uses).toBe(GUARD);
    expect(step?.with).toMatchObject({ command: 'doctor', 'release-workflow': 'release.yaml' });
  });
});

describe('the release-guard steps against packages/action/action.yml', () => {
  const all = [...workflows.values()].flatMap((w) => guardSteps(w).map((g) => ({ file: w.file, ...g })));
  const commands = [...(action.inputs.command?.description ?? '').matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);

  it('are in pr.yaml, sweep.yaml and chart.yaml, at the published major version', () => {
    expect([...new Set(all.map((g) => g.file))].sort()).toEqual(['chart.yaml', 'pr.yaml', 'sweep.yaml']);
    for (const g of all) expect(g.step.uses, g.file).toBe(GUARD);
  });

  it('give only declared inputs, every required one (or it has a default), and a known command', () => {
    expect(commands).toContain('auto');
    expect(commands).toContain('gate');
    for (const g of all) {
      for (const key of Object.keys(g.inputs)) expect(Object.keys(action.inputs), `${g.file}: ${key}`).toContain(key);
      for (const [name, input] of Object.entries(action.inputs)) {
        if (input.required) expect(name in g.inputs || input.default !== undefined, `${g.file}: ${name}`).toBe(true);
      }
      expect(commands, g.file).toContain(g.inputs.command ?? action.inputs.command?.default);
    }
  });

  it('read only outputs their steps produce: action.yml outputs for the guard, $GITHUB_OUTPUT lines for scripts', () => {
    let checked = 0;
    for (const w of workflows.values()) {
      for (const j of Object.values(w.jobs)) checked += checkOutputReferences(w.file, j.steps);
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('dispatch mode: release-workflow is release.yaml, which takes the sha and names its run after it', () => {
    for (const file of ['pr.yaml', 'sweep.yaml']) {
      const { inputs } = theGuardStep(file);
      expect(inputs.command).toBe('auto');
      const release = workflow(inputs['release-workflow'] ?? '');
      expect(release.on.workflow_dispatch?.inputs).toHaveProperty('sha');
    }
    // The guard finds its release by this run-name (action.yml: the release workflow carries the sha in it),
    // and the version the run releases.
    expect(releaseRunName(releaseHead, 'v0.29.0')).toBe(`release-guard ${releaseHead} v0.29.0`);
  });

  it('merge with a secret token other than GITHUB_TOKEN, so that the merge starts chart.yaml', () => {
    expect(workflow('chart.yaml').on.push).toBeTruthy();
    for (const file of ['pr.yaml', 'sweep.yaml']) {
      const token = theGuardStep(file).inputs['merge-token'] ?? '';
      const [only] = embeddedExpressions(token);
      expect(only?.expression, file).toMatch(/^secrets\.[A-Z0-9_]+$/);
      expect(only?.expression, file).not.toMatch(/^secrets\.GITHUB_TOKEN$/i);
    }
  });

  it('declare an image verified before unlock and a chart published by the merge after it', () => {
    const entries = artifactsOf(theGuardStep('pr.yaml').inputs);
    const names = entries.map((a) => a.name);
    for (const a of entries) for (const predecessor of a.after ?? []) expect(names).toContain(predecessor);
    expect(artifact('image')['on-merge']).toBeUndefined();
    expect(artifact('chart')).toMatchObject({ after: ['image'], 'on-merge': true });
    for (const a of entries) expect(a.ref).toContain('{version}');
  });
});

describe('the configuration shared between files', () => {
  /** Inputs that belong to one run rather than to the guard's configuration. */
  const PER_RUN = new Set(['command', 'release-timeout', 'dry-run', 'pull-request', 'artifact', 'version']);
  const configuration = (inputs: Record<string, string>) =>
    Object.fromEntries(Object.entries(inputs).filter(([key]) => !PER_RUN.has(key)));

  it('pr.yaml and sweep.yaml configure the guard identically', () => {
    const pr = configuration(theGuardStep('pr.yaml').inputs);
    expect(Object.keys(pr)).toEqual(
      expect.arrayContaining(['artifacts', 'status-context', 'release-branch', 'release-workflow', 'merge-token']),
    );
    expect(configuration(theGuardStep('sweep.yaml').inputs)).toEqual(pr);
  });

  it('the artifacts of pr.yaml, sweep.yaml and chart.yaml are the same text', () => {
    const texts = ['pr.yaml', 'sweep.yaml', 'chart.yaml'].map((file) => theGuardStep(file).inputs.artifacts);
    expect(texts[0]).toBeTruthy();
    expect(new Set(texts).size).toBe(1);
  });

  it('branch-protection.md requires the status the guard writes', () => {
    const doc = readFileSync(join(exampleRoot, 'branch-protection.md'), 'utf8');
    const context = theGuardStep('pr.yaml').inputs['status-context'] ?? '';
    expect(doc).toContain(`with \`${context}\` required`);
  });

  it('the README presents every workflow file', () => {
    const readme = readFileSync(join(exampleRoot, 'README.md'), 'utf8');
    for (const file of FILES) expect(readme).toContain(`(.github/workflows/${file})`);
  });
});

describe('pr.yaml runs under pull_request_target: it never checks out or runs pull request code', () => {
  it('has the guard as its only step', () => {
    for (const j of Object.values(workflow('pr.yaml').jobs)) {
      expect(j.steps.map((s) => s.uses)).toEqual([GUARD]);
      expect(pullRequestCodeProblems(j.steps)).toEqual([]);
    }
  });

  it('may gain the step that mints a GitHub App merge token, and nothing that checks out or runs code', () => {
    const [guard] = job('pr.yaml', 'guard').steps as [Step];
    const mint: Step = { uses: APP_TOKEN, id: 'merge-token' };
    expect(pullRequestCodeProblems([mint, guard])).toEqual([]);
    expect(pullRequestCodeProblems([{ uses: 'actions/checkout@v5' }, guard])).toEqual([
      `step 1 (actions/checkout@v5) uses actions/checkout@v5, which is neither the guard nor ${APP_TOKEN}`,
    ]);
    expect(pullRequestCodeProblems([guard, { name: 'build', run: 'make' }])).toEqual(['step 2 (build) runs a script']);
  });
});

describe('a GitHub App as the merge token: the steps in the action README ("Tokens")', () => {
  const block = yamlBlocks(actionReadme).find((b) => b.text.includes(`uses: ${APP_TOKEN}`));
  const steps = (
    isObject(block?.document) && Array.isArray(block.document.steps) ? block.document.steps : []
  ) as Step[];
  const [mint, guard] = steps;

  it('mint the token in the run, narrowed to what the merge token needs, and give it to the guard', () => {
    expect(steps).toHaveLength(2);
    expect(mint?.uses).toBe(APP_TOKEN);
    expect(expressionsOf(mint?.with?.['client-id'])).toEqual(['vars.RELEASE_GUARD_APP_CLIENT_ID']);
    expect(expressionsOf(mint?.with?.['private-key'])).toEqual(['secrets.RELEASE_GUARD_APP_PRIVATE_KEY']);
    const permissions = Object.entries(mint?.with ?? {}).filter(([key]) => key.startsWith('permission-'));
    expect(Object.fromEntries(permissions)).toEqual(MERGE_TOKEN_PERMISSIONS);
    expect(guard?.uses).toBe(GUARD);
    expect(expressionsOf(guard?.with?.['merge-token'])).toEqual([`steps.${mint?.id}.outputs.token`]);
    expect(checkOutputReferences('the README', steps)).toBe(1);
    for (const { path, text } of strings(steps as unknown as Json)) {
      for (const { expression } of embeddedExpressions(text)) {
        expect(() => parseAt(expression, 'step'), `${path.join('.')}: ${expression}`).not.toThrow();
      }
    }
    const doc = readFileSync(join(exampleRoot, 'branch-protection.md'), 'utf8');
    for (const name of ['RELEASE_GUARD_APP_CLIENT_ID', 'RELEASE_GUARD_APP_PRIVATE_KEY']) expect(doc).toContain(name);
  });

  it('configure the guard as pr.yaml does, the merge token aside, and run no pull request code', () => {
    const inputs = Object.entries(guard?.with ?? {}).filter(([key]) => key !== 'merge-token');
    const pr = theGuardStep('pr.yaml').inputs;
    for (const [key, value] of inputs) expect(String(value), key).toBe(pr[key]);
    // Nothing the quick start's guard step sets is left out: swapping it for these steps changes the token only.
    const quickStartGuard = yamlBlocks(actionReadme)
      .flatMap((b) => (isObject(b.document) && isObject(b.document.jobs) ? Object.values(b.document.jobs) : []))
      .flatMap((j) => (isObject(j) && Array.isArray(j.steps) ? (j.steps as Step[]) : []))
      .find((step) => step.uses === GUARD && String(step.with?.['merge-token']).includes('secrets.'));
    const kept = Object.keys(quickStartGuard?.with ?? {}).filter((key) => key !== 'merge-token');
    expect(kept.length).toBeGreaterThan(2);
    for (const key of kept) expect(guard?.with, key).toHaveProperty(key);
    expect(pullRequestCodeProblems(steps)).toEqual([]);
  });
});

describe('every expression parses with the contexts GitHub makes available where it stands', () => {
  it('checks them all, run-name, concurrency, with and if included', () => {
    const seen = new Map<Place, number>();
    for (const w of workflows.values()) {
      for (const { where, place, expression } of workflowExpressions(w)) {
        expect(() => parseAt(expression, place), where).not.toThrow();
        seen.set(place, (seen.get(place) ?? 0) + 1);
      }
    }
    for (const place of ['run-name', 'concurrency', 'job-if', 'step-if', 'step'] as const) {
      expect(seen.get(place), place).toBeGreaterThan(0);
    }
  });

  it('the check has teeth: a secret in a job condition, or a broken expression, is rejected', () => {
    expect(() => parseAt("secrets.RELEASE_GUARD_MERGE_TOKEN != ''", 'job-if')).toThrow();
    expect(() => parseAt("startsWith(github.ref, 'refs/heads/'", 'step')).toThrow();
    const wrapped = `\${{ github.event_name == 'push' }}`;
    expect(() => conditionExpression(`${wrapped} && true`)).toThrow();
  });
});

describe('every if: of every workflow evaluates against the events of its triggers', () => {
  const events: Record<string, ActionsEvent[]> = {
    'pr.yaml': [pullRequestTarget('opened', releasePr), review(releasePr), releaseRun(), mergeGroup(releasePr)],
    'release.yaml': [dispatch('release.yaml', releaseBranch, { sha: releaseHead })],
    'prepare-release.yaml': [dispatch('prepare-release.yaml', 'main', { version: '0.30.0' })],
    'chart.yaml': [push(repo, 'main')],
    'sweep.yaml': [scheduleEvent({ repo, cron: '*/15 * * * *' }), dispatch('sweep.yaml', 'main', {})],
  };

  it('to a boolean, for every job and step', () => {
    let evaluated = 0;
    for (const w of workflows.values()) {
      for (const event of events[w.file] ?? []) {
        const contexts = contextsFor(event, w);
        for (const j of Object.values(w.jobs)) {
          expect(typeof runs(j.if, 'job-if', contexts)).toBe('boolean');
          for (const s of j.steps) expect(typeof runs(s.if, 'step-if', { ...contexts, steps: {} })).toBe('boolean');
          evaluated++;
        }
      }
    }
    const jobs = Object.entries(events).map(([file, list]) => list.length * Object.keys(workflow(file).jobs).length);
    expect(evaluated).toBe(jobs.reduce((a, b) => a + b, 0));
  });

  it('sweep.yaml runs doctor on its daily schedule and on a run by hand, not every 15 minutes', () => {
    const doctorRuns = (event: ActionsEvent) => jobRuns('sweep.yaml', 'doctor', event);
    expect(doctorRuns(scheduleEvent({ repo, cron: '17 6 * * *' }))).toBe(true);
    expect(doctorRuns(dispatch('sweep.yaml', 'main', {}))).toBe(true);
    expect(doctorRuns(scheduleEvent({ repo, cron: '*/15 * * * *' }))).toBe(false);
  });
});

describe('pr.yaml: when the guard runs', () => {
  const guardRuns = (event: ActionsEvent) => jobRuns('pr.yaml', 'guard', event);
  const types = (workflow('pr.yaml').on.pull_request_target?.types ?? []) as PullRequestAction[];

  it('for every pull_request_target event of every pull request: each one needs its status', () => {
    expect(types.length).toBeGreaterThan(0);
    for (const options of [releasePr, forkReleasePr, ordinaryPr, forkOrdinaryPr]) {
      for (const type of types)
        expect(guardRuns(pullRequestTarget(type, options)), `${type} #${options.number}`).toBe(true);
    }
    expect(guardRuns(pullRequestTarget('closed', { ...releasePr, merged: true, mergedBy: 'release-bot' }))).toBe(true);
  });

  it('for every merge group, of any pull request: each group needs its status on its own commit', () => {
    for (const options of [releasePr, forkReleasePr, ordinaryPr, forkOrdinaryPr]) {
      expect(guardRuns(mergeGroup(options)), `#${options.number}`).toBe(true);
    }
  });

  it('for reviews of a release pull request of this repository only', () => {
    expect(guardRuns(review(releasePr))).toBe(true);
    expect(guardRuns(review(releasePr, 'dismissed'))).toBe(true);
    expect(guardRuns(review(forkReleasePr))).toBe(false);
    expect(guardRuns(review(ordinaryPr))).toBe(false);
    expect(guardRuns(review(forkOrdinaryPr))).toBe(false);
  });

  it('for the start and the end of the release the guard dispatched, whatever its conclusion', () => {
    expect(guardRuns(releaseRun({ status: 'requested', conclusion: null }))).toBe(true);
    expect(guardRuns(releaseRun())).toBe(true);
    expect(guardRuns(releaseRun({ conclusion: 'failure' }))).toBe(true);
    expect(guardRuns(releaseRun({ conclusion: 'cancelled' }))).toBe(true);
  });

  it('not for runs the guard did not dispatch', () => {
    expect(guardRuns(releaseRun({ event: 'push' }))).toBe(false);
    expect(guardRuns(releaseRun({ displayTitle: workflow('release.yaml').name }))).toBe(false);
    expect(guardRuns(releaseRun({ headRepo: fork }))).toBe(false);
    expect(guardRuns(releaseRun({ headBranch: 'main', displayTitle: releaseRunName(sha('main'), 'v0.29.0') }))).toBe(
      false,
    );
  });

  /** The concurrency group of pr.yaml's run for `event`. */
  const group = (event: ActionsEvent) => {
    const pr = workflow('pr.yaml');
    return evaluateTemplate(pr.concurrency?.group ?? '', 'concurrency', contextsFor(event, pr));
  };

  it('one queue per pull request head, shared with its release run, never cancelled', () => {
    const release = group(pullRequestTarget('opened', releasePr));
    expect(group(pullRequestTarget('synchronize', releasePr))).toBe(release);
    expect(group(review(releasePr))).toBe(release);
    expect(group(releaseRun())).toBe(release);
    expect(group(releaseRun({ status: 'requested', conclusion: null }))).toBe(release);
    expect(group(pullRequestTarget('opened', forkReleasePr))).not.toBe(release);
    expect(group(pullRequestTarget('opened', ordinaryPr))).not.toBe(release);
    expect(group(pullRequestTarget('opened', forkOrdinaryPr))).not.toBe(group(pullRequestTarget('opened', ordinaryPr)));
    expect(workflow('pr.yaml').concurrency?.['cancel-in-progress']).toBe(false);
  });

  it('the queue entry and exit of a pull request in its queue; each merge group in a queue of its own', () => {
    const release = group(pullRequestTarget('opened', releasePr));
    expect(group(pullRequestTarget('enqueued', releasePr))).toBe(release);
    expect(group(pullRequestTarget('dequeued', { ...releasePr, reason: 'CI_FAILURE' }))).toBe(release);
    // Pending group runs never replace each other: one group each, whatever pull request or base.
    const groups = [
      mergeGroup(releasePr),
      mergeGroup(ordinaryPr),
      mergeGroup(forkOrdinaryPr),
      mergeGroup({ ...ordinaryPr, head: { ...ordinaryPr.head, sha: sha('typo, again') } }),
      mergeGroup(ordinaryPr, 'checks_requested', 'release/v0.x'),
    ].map(group);
    expect(new Set(groups).size).toBe(groups.length);
    // Two events of one group are one queue; no group shares a pull request's queue.
    expect(group(mergeGroup(releasePr, 'destroyed'))).toBe(groups[0]);
    const pullRequests = [releasePr, forkReleasePr, ordinaryPr, forkOrdinaryPr].map((options) =>
      group(pullRequestTarget('opened', options)),
    );
    for (const g of groups) expect(pullRequests).not.toContain(g);
    expect(groups[0]).toBe(`release-guard-refs/heads/gh-readonly-queue/main/pr-3906-${releaseHead}:`);
  });
});

describe('release.yaml: releases exactly the approved commit', () => {
  const release = workflow('release.yaml');
  const image = job('release.yaml', 'image');
  const contextsOf = (commit: string, ref = releaseBranch) =>
    contextsFor(dispatch(release.file, ref, { sha: commit }), release);
  const shaCheck = step('release.yaml', 'image', (s) => s === image.steps[0], 'comes first');
  const headCheck = step('release.yaml', 'image', (s) => s.run?.includes('git rev-parse HEAD') === true, 'checks HEAD');
  const checkout = step('release.yaml', 'image', (s) => s.uses?.startsWith('actions/checkout@') === true, 'checks out');
  const build = step(
    'release.yaml',
    'image',
    (s) => s.uses?.startsWith('docker/build-push-action@') === true,
    'builds',
  );

  it('runs when dispatched on a release branch with a sha, not on main and not without one', () => {
    expect(runs(image.if, 'job-if', contextsOf(releaseHead))).toBe(true);
    expect(runs(image.if, 'job-if', contextsOf(releaseHead, 'main'))).toBe(false);
    expect(runs(image.if, 'job-if', contextsOf(''))).toBe(false);
  });

  it('checks that inputs.sha is a SHA before anything else, and does nothing further when it is not', () => {
    expect(shaCheck.run).toBeDefined();
    expect(expressionsOf(shaCheck.env?.SHA)).toEqual(['inputs.sha']);
    const outcome = (commit: string) =>
      simulateJob(image, contextsOf(commit), (s, _index, contexts) =>
        s === shaCheck ? runStep(s, contexts) : { code: 0, outputs: {} },
      );
    const good = outcome(releaseHead);
    expect(good.status).toBe('success');
    expect(good.steps.every((s) => s.ran)).toBe(true);
    for (const bad of [
      'main',
      releaseBranch,
      releaseHead.slice(0, 7),
      `${releaseHead}0`,
      `${releaseHead}\n`,
      '$(id)',
    ]) {
      expect(runs(image.if, 'job-if', contextsOf(bad)), JSON.stringify(bad)).toBe(true);
      const result = outcome(bad);
      expect(result.status, JSON.stringify(bad)).toBe('failure');
      expect(result.steps[0]?.outcome).toBe('failure');
      expect(
        result.steps.slice(1).some((s) => s.ran),
        JSON.stringify(bad),
      ).toBe(false);
    }
  });

  it('checks out inputs.sha and verifies that HEAD is that commit, in a real git repository', () => {
    const steps = image.steps;
    expect(steps.indexOf(shaCheck)).toBeLessThan(steps.indexOf(checkout));
    expect(steps.indexOf(checkout)).toBeLessThan(steps.indexOf(headCheck));
    expect(evaluateTemplate(String(checkout.with?.ref), 'step', contextsOf(releaseHead))).toBe(releaseHead);
    const repository = mkdtempSync(join(tmpdir(), 'release-guard-repo-'));
    try {
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repository, encoding: 'utf8' }).trim();
      git('init', '--quiet');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'release');
      const head = git('rev-parse', 'HEAD');
      expect(runStep(headCheck, contextsOf(head), { cwd: repository }).code).toBe(0);
      expect(runStep(headCheck, contextsOf(sha('another commit')), { cwd: repository }).code).not.toBe(0);
    } finally {
      rmSync(repository, { recursive: true, force: true });
    }
  });

  it('pushes the image the guard verifies before unlocking', () => {
    const contexts = contextsOf(releaseHead);
    const versionStep = step('release.yaml', 'image', (s) => s.id === 'version', 'reads the version');
    const { code, outputs } = runStep(versionStep, contexts);
    expect(code).toBe(0);
    const stepsContext = { version: { outputs, outcome: 'success', conclusion: 'success' } };
    const pushed = evaluateTemplate(String(build.with?.tags), 'step', withContexts(contexts, { steps: stepsContext }));
    expect(pushed).toBe(artifact('image').ref.replaceAll('{version}', versionOfBranch(releaseBranch)));
    expect(build.with?.push).toBe(true);
  });

  it('annotates the index it pushes with inputs.sha, the revision the guard requires of the image', () => {
    // buildx annotates an index only when it makes one: for several platforms it does.
    expect(String(build.with?.platforms).split(',').length).toBeGreaterThan(1);
    const annotations = evaluateTemplate(String(build.with?.annotations), 'step', contextsOf(releaseHead));
    expect(annotations.split('\n')).toContain(`index:org.opencontainers.image.revision=${releaseHead}`);
    for (const file of ['pr.yaml', 'sweep.yaml'])
      expect(theGuardStep(file).inputs['require-revision'], file).toBe('true');
  });
});

describe('prepare-release.yaml: the release pull request the guard expects', () => {
  const prepare = workflow('prepare-release.yaml');
  const contextsOf = (version: string, ref = 'main') => contextsFor(dispatch(prepare.file, ref, { version }), prepare);
  const versionStep = step('prepare-release.yaml', 'prepare', (s) => s.id === 'version', 'checks the version');

  it('runs from main only', () => {
    const { if: condition } = job('prepare-release.yaml', 'prepare');
    expect(runs(condition, 'job-if', contextsOf('0.30.0'))).toBe(true);
    expect(runs(condition, 'job-if', contextsOf('0.30.0', releaseBranch))).toBe(false);
  });

  it('creates a branch the guard takes for a release, whose release pushes the image of that version', () => {
    const guard = theGuardStep('pr.yaml').inputs;
    for (const version of ['0.30.0', '0.30.0-rc.1']) {
      const { code, outputs } = runStep(versionStep, contextsOf(version));
      expect(code, version).toBe(0);
      const branch = outputs.branch ?? '';
      expect(globMatches(guard['release-branch'] ?? '', branch), branch).toBe(true);
      expect(outputs.tag).toBe(versionOfBranch(branch));
      // release.yaml dispatched on that branch reads the same version.
      const release = workflow('release.yaml');
      const releaseVersion = runStep(
        step('release.yaml', 'image', (s) => s.id === 'version', 'reads the version'),
        contextsFor(dispatch(release.file, branch, { sha: releaseHead }), release),
      );
      expect(releaseVersion.outputs.version).toBe(outputs.tag);
    }
  });

  it('refuses a version that would not make a single-segment release branch of the right name', () => {
    for (const version of ['v0.30.0', '0.30', '0.30.0/../main', '0.30.0 ', '']) {
      expect(runStep(versionStep, contextsOf(version)).code, JSON.stringify(version)).not.toBe(0);
    }
  });

  it('bumps the chart to point at that image, and assigns the pull request to the releaser', () => {
    const bump = step('prepare-release.yaml', 'prepare', (s) => s.name === 'Bump the versions', 'bumps');
    expect(expressionsOf(bump.env?.TAG)).toEqual(['steps.version.outputs.tag']);
    expect(bump.run).toContain('.appVersion = strenv(TAG)');
    expect(bump.run).toContain('.image.tag = strenv(TAG)');
    const open = step('prepare-release.yaml', 'prepare', (s) => s.run?.includes('gh pr create') === true, 'opens');
    const contexts = contextsOf('0.30.0');
    expect(evaluateTemplate(String(open.env?.RELEASER), 'step', contexts)).toBe('releaser');
    expect(open.run).toContain('--assignee "$RELEASER"');
    expect(expressionsOf(open.env?.GH_TOKEN)).toEqual(['github.token']);
  });
});

describe('chart.yaml: the chart only after its image', () => {
  const chart = workflow('chart.yaml');
  const publish = job('chart.yaml', 'publish');
  const gate = theGuardStep('chart.yaml').step;
  const helmPush = step('chart.yaml', 'publish', (s) => s.run?.includes('helm push') === true, 'pushes the chart');

  it('runs for a push to main of this repository, not in a fork', () => {
    expect(runs(publish.if, 'job-if', contextsFor(push(repo, 'main'), chart))).toBe(true);
    expect(runs(publish.if, 'job-if', contextsFor(push(fork, 'main'), chart))).toBe(false);
  });

  it('gates the chart on its image, with the version the chart points at', () => {
    const inputs = theGuardStep('chart.yaml').inputs;
    expect(inputs.command).toBe('gate');
    expect(artifact(inputs.artifact ?? '').after).toContain('image');
    const steps = publish.steps;
    expect(steps.indexOf(gate)).toBeLessThan(steps.indexOf(helmPush));
    const appVersion = versionOfBranch(releaseBranch);
    const contexts = withContexts(contextsFor(push(repo, 'main'), chart), {
      steps: { chart: { outputs: { 'app-version': appVersion }, outcome: 'success', conclusion: 'success' } },
    });
    expect(evaluateTemplate(inputs.version ?? '', 'step', contexts)).toBe(appVersion);
  });

  it('pushes only when the chart changed and the gate opened', () => {
    const contexts = contextsFor(push(repo, 'main'), chart);
    const outcome = (changed: string, gateOpen: boolean) =>
      simulateJob(publish, contexts, (s): { code: number; outputs: Record<string, string> } => {
        const appVersion = versionOfBranch(releaseBranch);
        if (s.id === 'chart')
          return { code: 0, outputs: { version: appVersion.slice(1), 'app-version': appVersion, changed } };
        return { code: s === gate && !gateOpen ? 1 : 0, outputs: {} };
      });
    const pushed = (result: ReturnType<typeof outcome>) => result.steps.find((s) => s.step === helmPush)?.ran;
    expect(pushed(outcome('true', true))).toBe(true);
    expect(pushed(outcome('true', false))).toBe(false);
    expect(outcome('true', false).status).toBe('failure');
    expect(pushed(outcome('false', true))).toBe(false);
    expect(outcome('false', true).steps.find((s) => s.step === gate)?.ran).toBe(false);
  });
});

describe('sweep.yaml: every open release pull request, on a schedule', () => {
  const sweep = workflow('sweep.yaml');
  const cron = (sweep.on.schedule as unknown as { cron: string }[])[0]?.cron ?? '';

  it('runs on schedule and by hand in this repository, not in a fork', () => {
    const { if: condition } = job('sweep.yaml', 'sweep');
    expect(runs(condition, 'job-if', contextsFor(scheduleEvent({ repo, cron }), sweep))).toBe(true);
    expect(runs(condition, 'job-if', contextsFor(dispatch(sweep.file, 'main', {}), sweep))).toBe(true);
    expect(runs(condition, 'job-if', contextsFor(scheduleEvent({ repo: fork, cron }), sweep))).toBe(false);
  });

  it('fails releases only after a timeout in the form the action reads, and sweeps through command auto', () => {
    const { inputs } = theGuardStep('sweep.yaml');
    expect(inputs.command).toBe('auto');
    expect(inputs['release-timeout']).toMatch(/^[1-9]\d*$/);
  });
});
