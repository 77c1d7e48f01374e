/**
 * The action README's "Release tools" and "Protected paths": the workflows a release-please or changesets
 * maintainer copies must be the quick start's, changed only where the tool needs it, configure the guard
 * the action accepts, and filter, dispatch and tag as the tool's branches and versions require.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGuard, STATUS_TEXT } from '@release-guard/core';
import {
  type PullRequestOptions,
  pullRequestEvent,
  pullRequestReviewEvent,
  type RepoRef,
  workflowDispatchEvent,
  workflowRunEvent,
} from '@release-guard/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseInputs, planFor } from '../../../packages/action/src/api.js';
import { dispatchProblems, guardDispatchInputs } from './dispatch.js';
import { yamlBlocks } from './markdown.js';
import {
  type ActionsEvent,
  contextsFor,
  evaluateTemplate,
  isObject,
  type Json,
  parseAt,
  parseWorkflow,
  runStep,
  runs,
  type Step,
  simulateJob,
  type Workflow,
  workflowExpressions,
} from './runner.js';
import { GUARD, GUARD_PERMISSIONS, isGuard, pullRequestCodeProblems } from './set-up.js';

const readme = readFileSync(fileURLToPath(new URL('../../../packages/action/README.md', import.meta.url)), 'utf8');

/** The README from the heading `from` to the next heading of its level or above, outside code blocks. */
function section(from: string): string {
  const lines = readme.split('\n');
  const start = lines.indexOf(from);
  if (start < 0) throw new Error(`the action README has no ${from}`);
  const level = from.indexOf(' ');
  let fenced = false;
  const end = lines.findIndex((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    return i > start && !fenced && /^#+ /.test(line) && line.indexOf(' ') <= level;
  });
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The workflow files of a part of the README (the blocks that name one), by file name. */
function workflowsOf(markdown: string): Map<string, Workflow> {
  return new Map(
    yamlBlocks(markdown)
      .filter((block) => block.file?.startsWith('.github/workflows/'))
      .map((block) => {
        const file = basename(block.file ?? '');
        return [file, parseWorkflow(file, block.text)] as const;
      }),
  );
}

function file(workflows: Map<string, Workflow>, name: string): Workflow {
  const found = workflows.get(name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}

/** The paths at which two documents differ: a key only one has, or another value; lists item by item. */
function differences(a: Json | undefined, b: Json | undefined, path = ''): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length);
    return Array.from({ length }, (_, i) => differences(a[i], b[i], `${path}[${i}]`)).flat();
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => differences(a[key] as Json, b[key] as Json, `${path}.${key}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

function guardStep(w: Workflow): Step {
  const steps = Object.values(w.jobs).flatMap((j) => j.steps.filter(isGuard));
  if (steps.length !== 1) throw new Error(`${w.file} must have exactly one release-guard step`);
  return steps[0] as Step;
}

/** The inputs of a guard step as the action reads them, those filled in the run (`${{ }}`) left out. */
function inputsOf(step: Step) {
  const env = Object.fromEntries(
    Object.entries(step.with ?? {})
      .filter(([, value]) => !String(value).includes('${{'))
      .map(([name, value]) => [`INPUT_${name.toUpperCase()}`, String(value)]),
  );
  return parseInputs({ ...env, INPUT_TOKEN: 'token' });
}

const quickStart = workflowsOf(section('## Quick start'));
const repo: RepoRef = { owner: 'acme', name: 'app' };
const fork: RepoRef = { owner: 'contributor', name: 'app' };
const HEAD = 'c'.repeat(40);

const TOOLS = [
  {
    preset: 'release-please',
    heading: '### release-please',
    branch: 'release-please--branches--main',
    versionSource: { file: '.release-please-manifest.json', key: '.' },
    /** The version file at a commit of `main`, holding `version`. */
    versionFile: (version: string) => JSON.stringify({ '.': version, 'packages/lib': '0.1.0' }),
    types: ['opened', 'reopened', 'synchronize', 'closed', 'enqueued', 'dequeued', 'edited'],
  },
  {
    preset: 'changesets',
    heading: '### changesets',
    branch: 'changeset-release/main',
    versionSource: { file: 'package.json', key: 'version' },
    versionFile: (version: string) => JSON.stringify({ name: 'app', private: true, version }),
    types: ['opened', 'reopened', 'synchronize', 'closed', 'enqueued', 'dequeued', 'edited'],
  },
] as const;

/**
 * What each tool's workflows change of the quick start's: the tool's branch, preset, version source (where the
 * preset's is not the one to use), versions and artifacts, and `edited` in the types.
 */
const CHANGED: Record<string, string[]> = {
  'release-guard.yaml': [
    '.on.pull_request_target.types[6]',
    '.jobs.guard.if',
    '.jobs.guard.steps[0].with.preset',
    '.jobs.guard.steps[0].with.artifacts',
  ],
  'release-guard-sweep.yaml': [
    '.jobs.sweep.steps[0].with.preset',
    '.jobs.sweep.steps[0].with.artifacts',
    '.jobs.doctor.steps[0].with.preset',
  ],
  'release.yaml': [
    '.on.workflow_dispatch.inputs.version.description',
    '.jobs.image.if',
    '.jobs.image.steps[1].name',
    '.jobs.image.steps[1].env.VERSION',
    '.jobs.image.steps[1].env.BRANCH',
    '.jobs.image.steps[1].run',
    '.jobs.image.steps[4].with.tags',
  ],
};

describe.each(TOOLS)("the action README's $heading set-up", (tool) => {
  const workflows = workflowsOf(section(tool.heading));
  const guard = file(workflows, 'release-guard.yaml');
  const sweep = file(workflows, 'release-guard-sweep.yaml');
  const release = file(workflows, 'release.yaml');
  const own: PullRequestOptions = { repo, number: 12, head: { ref: tool.branch, sha: HEAD } };

  it("is the quick start's three workflows, changed only where the tool needs it, and a chart workflow", () => {
    expect([...workflows.keys()].sort()).toEqual([...quickStart.keys(), 'chart.yaml'].sort());
    for (const [name, w] of workflows) {
      if (name === 'chart.yaml') continue;
      const changed = differences(w.document, file(quickStart, name).document);
      const expected = [...(CHANGED[name] ?? [])];
      // release-please's set-up reads the version from the manifest, not from the preset's title.
      if (tool.preset === 'release-please' && name !== 'release.yaml') {
        expected.push(`.jobs.${name === 'release-guard.yaml' ? 'guard' : 'sweep'}.steps[0].with.version-source`);
      }
      expect([...changed].sort(), name).toEqual(expected.sort());
    }
    expect(guard.on.pull_request_target?.types).toEqual([...tool.types]);
  });

  it('configures the guard and the sweep with the preset, which the action accepts', () => {
    for (const w of [guard, sweep]) {
      const inputs = inputsOf(guardStep(w));
      expect(inputs.config.preset, w.file).toBe(tool.preset);
      const { settings } = createGuard(inputs.config);
      expect(settings.releaseBranch.test(tool.branch), w.file).toBe(true);
      expect(settings.releaseBranch.test('releases/v1.2.3'), w.file).toBe(false);
      expect(settings.versionSource, w.file).toEqual(tool.versionSource);
      expect(guardStep(w).with?.['release-workflow'], w.file).toBe(release.file);
    }
    expect(guardStep(sweep).with?.artifacts).toBe(guardStep(guard).with?.artifacts);
  });

  it("filters reviews and release runs on the tool's branch of this repository", () => {
    const when = (event: ActionsEvent) => runs(guard.jobs.guard?.if, 'job-if', contextsFor(event, guard));
    const review = (options: PullRequestOptions) =>
      pullRequestReviewEvent('submitted', { ...options, review: { id: 1, state: 'approved', user: 'releaser' } });
    expect(when(review(own))).toBe(true);
    expect(when(review({ ...own, head: { ...own.head, repo: fork } }))).toBe(false);
    expect(when(review({ ...own, head: { ref: 'releases/v1.2.3', sha: HEAD } }))).toBe(false);
    const run = (headBranch: string) =>
      workflowRunEvent({
        repo,
        runId: 5,
        workflowName: release.name,
        workflowPath: `.github/workflows/${release.file}`,
        headSha: HEAD,
        headBranch,
        event: 'workflow_dispatch',
        conclusion: 'success',
        displayTitle: `release-guard ${HEAD}`,
      });
    expect(when(run(tool.branch))).toBe(true);
    expect(when(run('main'))).toBe(false);
    const edited = pullRequestEvent('synchronize', own);
    expect(when({ name: 'pull_request_target', payload: { ...edited.payload, action: 'edited' } })).toBe(true);
  });

  it('runs only the guard under pull_request_target, with least privilege, and every expression parses', () => {
    for (const w of workflows.values()) {
      expect(w.permissions, w.file).toEqual({});
      for (const { where, place, expression } of workflowExpressions(w)) {
        expect(() => parseAt(expression, place), where).not.toThrow();
      }
    }
    expect(guard.jobs.guard?.permissions).toEqual(GUARD_PERMISSIONS);
    expect(sweep.jobs.sweep?.permissions).toEqual(GUARD_PERMISSIONS);
    expect(guardStep(guard).uses).toBe(GUARD);
    expect(pullRequestCodeProblems(guard.jobs.guard?.steps ?? [])).toEqual([]);
  });

  describe('its release workflow', () => {
    const image = release.jobs.image;
    const versionStep = image?.steps.find((s) => s.id === 'version') as Step;
    const dispatched = (ref: string, inputs: Record<string, string>) =>
      contextsFor(
        workflowDispatchEvent({ repo, ref, workflowPath: `.github/workflows/${release.file}`, inputs }),
        release,
      );

    it("runs on the guard's dispatch on the tool's branch only", () => {
      expect(runs(image?.if, 'job-if', dispatched(tool.branch, { sha: HEAD, version: '1.2.3' }))).toBe(true);
      expect(runs(image?.if, 'job-if', dispatched('main', { sha: HEAD, version: '1.2.3' }))).toBe(false);
    });

    it('tags the image with the version the guard sent, refusing none or another shape', () => {
      const step = (version: string) => runStep(versionStep, dispatched(tool.branch, { sha: HEAD, version }));
      expect(step('1.2.3')).toMatchObject({ code: 0, outputs: { version: '1.2.3' } });
      expect(step('1.3.0-rc.1')).toMatchObject({ code: 0, outputs: { version: '1.3.0-rc.1' } });
      // Build metadata is semantic versioning the guard accepts, but no OCI tag can hold its '+'.
      for (const bad of ['', '1.2.3 latest', '$(id)', '1.2.3+build.1']) expect(step(bad).code, bad).not.toBe(0);
      const [artifact] = parse(String(guardStep(guard).with?.artifacts)) as { ref: string }[];
      const push = image?.steps.find((s) => s.uses?.startsWith('docker/build-push-action'));
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
      const version = '${{ steps.version.outputs.version }}';
      expect(push?.with?.tags).toBe(artifact?.ref.replace('{version}', version));
    });

    describe('accepts exactly the inputs of the dispatch the adapter sends', () => {
      let problems: string[];
      beforeAll(async () => {
        problems = dispatchProblems(release, await guardDispatchInputs(release));
      });
      it('every input declared, every required one always sent', () => {
        expect(problems).toEqual([]);
      });
    });
  });

  describe('its chart workflow, after the merge', () => {
    const chart = file(workflows, 'chart.yaml');
    const publish = chart.jobs.publish;
    const steps = publish?.steps ?? [];
    const versionStep = steps.find((s) => s.id === 'version') as Step;
    const gate = guardStep(chart);
    const helmPush = steps.find((s) => s.run?.includes('helm push')) as Step;

    it('runs on a push to main that changes the version file, with least privilege', () => {
      expect(chart.on).toEqual({ push: { branches: ['main'], paths: [tool.versionSource.file] } });
      expect(chart.permissions).toEqual({});
      expect(publish?.permissions).toEqual({ contents: 'read', packages: 'write' });
    });

    it('gates the chart on its image with the version read at the pushed commit, after checking it out', () => {
      const checkout = steps.findIndex((s) => s.uses?.startsWith('actions/checkout@'));
      expect(checkout).toBe(0);
      expect(steps[checkout]?.with?.ref).toBeUndefined();
      expect(steps.indexOf(versionStep)).toBeGreaterThan(checkout);
      expect(steps.indexOf(gate)).toBeGreaterThan(steps.indexOf(versionStep));
      expect(steps.indexOf(helmPush)).toBeGreaterThan(steps.indexOf(gate));
      const inputs = inputsOf(gate);
      expect(inputs).toMatchObject({ command: 'gate', artifact: 'chart' });
      // The gate's configuration is the guard's: the same preset, version source and artifacts.
      expect(inputs.config).toEqual(inputsOf(guardStep(guard)).config);
      expect(gate.with?.artifacts).toBe(guardStep(guard).with?.artifacts);
      const contexts = {
        steps: { version: { outputs: { version: '1.3.0' }, outcome: 'success', conclusion: 'success' } },
      };
      expect(evaluateTemplate(String(gate.with?.version), 'step', contexts)).toBe('1.3.0');
    });

    it('reads the version of the version file at the pushed commit, and whether the push changed it', () => {
      const directory = mkdtempSync(join(tmpdir(), 'release-guard-chart-'));
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
          cwd: directory,
          encoding: 'utf8',
        }).trim();
      const commit = (content: string) => {
        writeFileSync(join(directory, tool.versionSource.file), content);
        git('add', '.');
        git('commit', '-q', '-m', 'version');
        return git('rev-parse', 'HEAD');
      };
      try {
        git('init', '-q');
        const before = commit(tool.versionFile('1.2.3'));
        const step = (previous: string) =>
          runStep(versionStep, { github: { event_name: 'push', event: { before: previous } } }, { cwd: directory });
        commit(tool.versionFile('1.3.0'));
        expect(step(before)).toMatchObject({ code: 0, outputs: { version: '1.3.0', changed: 'true' } });
        expect(step('0'.repeat(40))).toMatchObject({ code: 0, outputs: { version: '1.3.0', changed: 'true' } });
        expect(step(git('rev-parse', 'HEAD'))).toMatchObject({
          code: 0,
          outputs: { version: '1.3.0', changed: 'false' },
        });
        for (const bad of ['1.3.0+build.1', '$(id)']) {
          commit(tool.versionFile(bad));
          expect(step(before).code, bad).not.toBe(0);
        }
        commit('{}');
        expect(step(before).code).not.toBe(0);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    });

    it('pushes only when the version changed and the gate opened', () => {
      const outcome = (changed: string, gateOpen: boolean) =>
        simulateJob(
          publish as NonNullable<typeof publish>,
          {},
          (s): { code: number; outputs: Record<string, string> } => {
            if (s === versionStep) return { code: 0, outputs: { version: '1.3.0', changed } };
            return { code: s === gate && !gateOpen ? 1 : 0, outputs: {} };
          },
        );
      const pushed = (result: ReturnType<typeof outcome>) => result.steps.find((s) => s.step === helmPush)?.ran;
      expect(pushed(outcome('true', true))).toBe(true);
      expect(pushed(outcome('true', false))).toBe(false);
      expect(pushed(outcome('false', true))).toBe(false);
    });
  });
});

describe('release-please: a new title at the same head runs the guard', () => {
  it('an edited title is planned as a run of the pull request, the title read from GitHub', () => {
    const payload = pullRequestEvent('synchronize', {
      repo,
      number: 12,
      head: { ref: 'release-please--branches--main', sha: HEAD },
    }).payload;
    const edited = { ...payload, action: 'edited', changes: { title: { from: 'chore(main): release 1.2.3' } } };
    expect(planFor('pull_request_target', edited)).toEqual({ kind: 'pull-request', number: 12, events: [] });
  });
});

describe("the action README's changesets set-up tags and releases a private package", () => {
  const text = section('### changesets');
  const [config] = [...text.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map(([, json = '']) => JSON.parse(json));
  const [step] = yamlBlocks(text).flatMap((block) => (Array.isArray(block.document) ? block.document : [])) as Step[];

  it('opts private packages into tagging, and publishes with changeset tag, which runs no npm publish', () => {
    expect(config).toEqual({ privatePackages: { version: true, tag: true } });
    expect(step?.uses).toMatch(/^changesets\/action@/);
    expect(step?.with?.publish).toBe('npx changeset tag');
  });
});

/** Whether a YAML document sets `protected-paths` anywhere. */
function setsProtectedPaths(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(setsProtectedPaths);
  if (!isObject(value)) return false;
  return Object.entries(value).some(([key, inner]) => key === 'protected-paths' || setsProtectedPaths(inner));
}

describe("the action README's protected paths", () => {
  const text = section('## Protected paths');
  const [block] = yamlBlocks(text);
  const document = (isObject(block?.document) ? block.document : {}) as Partial<Workflow>;
  const steps = document.jobs?.guard?.steps ?? [];

  it('every snippet that sets protected-paths subscribes to edited, a new base being new changed files', () => {
    const snippets = yamlBlocks(readme).filter((b) => setsProtectedPaths(b.document));
    expect(snippets.map((snippet) => snippet.text)).toContain(block?.text);
    for (const snippet of snippets) {
      const on = (isObject(snippet.document) ? snippet.document.on : undefined) as Workflow['on'] | undefined;
      expect(on?.pull_request_target?.types, snippet.text).toContain('edited');
    }
  });

  it("is a guard step whose globs the action reads, comments left out, and the core's matching", () => {
    expect(steps.map((s) => s.uses)).toEqual([GUARD]);
    const { config } = inputsOf(steps[0] as Step);
    expect(config.protectedPaths).toEqual(['charts/*/Chart.yaml', 'charts/*/values.yaml', '**/CHANGELOG.md']);
    const { protectedPaths } = createGuard(config).settings;
    const matched = (path: string) => protectedPaths.some((glob) => glob.test(path));
    for (const path of ['charts/app/values.yaml', 'charts/app/Chart.yaml', 'CHANGELOG.md', 'docs/CHANGELOG.md']) {
      expect(matched(path), path).toBe(true);
    }
    for (const path of ['charts/app/templates/deployment.yaml', 'charts/values.yaml', 'src/CHANGELOG.md.bak']) {
      expect(matched(path), path).toBe(false);
    }
  });

  it('quotes the statuses the guard writes', () => {
    const prose = text.replace(/\s+/g, ' ');
    expect(prose).toContain(`"${STATUS_TEXT.protectedPaths}: \`<path>\`"`);
    expect(prose).toContain(`("${STATUS_TEXT.filesIncomplete}")`);
  });
});
