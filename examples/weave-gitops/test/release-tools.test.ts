/**
 * The action README's "Release tools" and "Protected paths": the workflows a release-please or changesets
 * maintainer copies must be the quick start's, changed only where the tool needs it, configure the guard
 * the action accepts, and filter, dispatch and tag as the tool's branches and versions require.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
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
  isObject,
  type Json,
  parseAt,
  parseWorkflow,
  runStep,
  runs,
  type Step,
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

/** The workflow files of a part of the README, by file name. */
function workflowsOf(markdown: string): Map<string, Workflow> {
  return new Map(
    yamlBlocks(markdown).map((block) => {
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
    versionSource: 'title',
    types: ['opened', 'reopened', 'synchronize', 'edited', 'closed'],
  },
  {
    preset: 'changesets',
    heading: '### changesets',
    branch: 'changeset-release/main',
    versionSource: { file: 'package.json', key: 'version' },
    types: ['opened', 'reopened', 'synchronize', 'closed'],
  },
] as const;

/** What each tool's workflows change of the quick start's: the tool's branch, preset, versions and image. */
const CHANGED: Record<string, string[]> = {
  'release-guard.yaml': ['.jobs.guard.if', '.jobs.guard.steps[0].with.preset', '.jobs.guard.steps[0].with.artifacts'],
  'release-guard-sweep.yaml': ['.jobs.sweep.steps[0].with.preset', '.jobs.sweep.steps[0].with.artifacts'],
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

  it("is the quick start's three workflows, changed only where the tool needs it", () => {
    expect([...workflows.keys()].sort()).toEqual([...quickStart.keys()].sort());
    for (const [name, w] of workflows) {
      const changed = differences(w.document, file(quickStart, name).document);
      const types = '.on.pull_request_target.types';
      const expected = [...(CHANGED[name] ?? [])];
      if (name === 'release-guard.yaml' && (tool.types as readonly string[]).includes('edited')) {
        expected.unshift(`${types}[3]`, `${types}[4]`);
      }
      expect(changed, name).toEqual(expected);
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
      for (const bad of ['', '1.2.3 latest', '$(id)']) expect(step(bad).code, bad).not.toBe(0);
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

describe("the action README's protected paths", () => {
  const text = section('## Protected paths');
  const [block] = yamlBlocks(text);
  const steps = (
    isObject(block?.document) && Array.isArray(block.document.steps) ? block.document.steps : []
  ) as Step[];

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
