/**
 * The quick start of the action README is what a maintainer copies: its workflows must be a shortened copy
 * of this example's, and hold to what this example's test checks of them.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DispatchedInputs, dispatchProblems, guardDispatchInputs } from './dispatch.js';
import { yamlBlocks } from './markdown.js';
import {
  isObject,
  type Json,
  loadWorkflows,
  parseAt,
  parseWorkflow,
  type Workflow,
  workflowExpressions,
} from './runner.js';
import { DOCTOR_PERMISSIONS, GUARD, GUARD_PERMISSIONS, isDoctor, isGuard, pullRequestCodeProblems } from './set-up.js';

const example = loadWorkflows(fileURLToPath(new URL('../.github/workflows', import.meta.url)));
const readme = readFileSync(fileURLToPath(new URL('../../../packages/action/README.md', import.meta.url)), 'utf8');
const section = readme.slice(
  readme.indexOf('## Quick start\n'),
  readme.indexOf('\n## ', readme.indexOf('## Quick start\n') + 1),
);

/** The example's workflow each workflow of the quick start is a shortened copy of. */
const COPY_OF: Record<string, string> = {
  'release-guard.yaml': 'pr.yaml',
  'release-guard-sweep.yaml': 'sweep.yaml',
  'release.yaml': 'release.yaml',
};

const quickStart = new Map(
  yamlBlocks(section).map((block) => {
    const file = basename(block.file ?? '');
    return [file, parseWorkflow(file, block.text)] as const;
  }),
);

function quick(file: string): Workflow {
  const found = quickStart.get(file);
  if (!found) throw new Error(`the quick start has no ${file}`);
  return found;
}

/** The release-guard steps of a workflow, with their job id. */
function guardJobs(w: Workflow) {
  return Object.entries(w.jobs).filter(([, j]) => j.steps.some(isGuard));
}

/**
 * Where `copy` is not a shortened `original`: a key `original` lacks, a different value, a list item
 * (a step, say) that matches none of `original`'s in order. Lists of plain values must be equal.
 */
function shorteningProblems(copy: Json, original: Json | undefined, path = ''): string[] {
  if (Array.isArray(copy) && Array.isArray(original) && copy.some(isObject)) {
    let from = 0;
    return copy.flatMap((item, index) => {
      const at = original.findIndex((candidate, i) => i >= from && shorteningProblems(item, candidate).length === 0);
      if (at < 0) return [`${path}[${index}] matches no later item of the original`];
      from = at + 1;
      return [];
    });
  }
  if (isObject(copy) && isObject(original)) {
    return Object.entries(copy).flatMap(([key, value]) =>
      key in original
        ? shorteningProblems(value as Json, original[key] as Json, `${path}.${key}`)
        : [`${path}.${key} is not in the original`],
    );
  }
  return JSON.stringify(copy) === JSON.stringify(original)
    ? []
    : [`${path}: ${JSON.stringify(copy)} where the original has ${JSON.stringify(original)}`];
}

describe("the action README's quick start", () => {
  it('is three workflow files, each a shortened copy of its workflow in the example', () => {
    expect([...quickStart.keys()].sort()).toEqual(Object.keys(COPY_OF).sort());
    for (const [file, original] of Object.entries(COPY_OF)) {
      const copy = example.get(original);
      expect(shorteningProblems(quick(file).document, copy?.document), `${file} against ${original}`).toEqual([]);
    }
  });

  it('the check has teeth: a broader grant, another queue, a missing step of the original, are found', () => {
    const guard = example.get('pr.yaml')?.document ?? {};
    const broader = { jobs: { guard: { permissions: { ...GUARD_PERMISSIONS, contents: 'write' } } } };
    expect(shorteningProblems(broader, guard)).toEqual([
      '.jobs.guard.permissions.contents: "write" where the original has "read"',
    ]);
    expect(shorteningProblems({ concurrency: { group: 'release-guard' } }, guard)).toHaveLength(1);
    expect(shorteningProblems({ jobs: { guard: { steps: [{ uses: 'actions/checkout@v5' }] } } }, guard)).toEqual([
      '.jobs.guard.steps[0] matches no later item of the original',
    ]);
  });

  it("names the release workflow in workflow_run by its name, and the guard dispatches that workflow's file", () => {
    const release = quick('release.yaml');
    expect(quick('release-guard.yaml').on.workflow_run?.workflows).toEqual([release.name]);
    for (const file of ['release-guard.yaml', 'release-guard-sweep.yaml']) {
      for (const [, j] of guardJobs(quick(file))) {
        const step = j.steps.find(isGuard);
        expect(step?.uses).toBe(GUARD);
        expect(step?.with?.['release-workflow'], file).toBe(release.file);
      }
    }
  });

  describe('its release workflow accepts exactly the inputs of the dispatch the adapter sends', () => {
    let sent: DispatchedInputs;
    beforeAll(async () => {
      sent = await guardDispatchInputs(quick('release.yaml'));
    });

    it('every input declared, every required one always sent', () => {
      expect(dispatchProblems(quick('release.yaml'), sent)).toEqual([]);
    });
  });

  it('grants nothing at the top level, and each guard job exactly its least privilege', () => {
    for (const w of quickStart.values()) {
      expect(w.permissions, `${w.file} top-level permissions`).toEqual({});
      for (const [id, j] of guardJobs(w)) expect(j.permissions, `${w.file} job ${id}`).toEqual(GUARD_PERMISSIONS);
    }
    expect(guardJobs(quick('release-guard.yaml'))).toHaveLength(1);
    expect(guardJobs(quick('release-guard-sweep.yaml'))).toHaveLength(1);
  });

  it('checks the lock once a day in the sweep: a doctor job of its own schedule, reading only', () => {
    const sweep = quick('release-guard-sweep.yaml');
    const doctors = Object.entries(sweep.jobs).filter(([, j]) => j.steps.some(isDoctor));
    expect(doctors.map(([id]) => id)).toEqual(['doctor']);
    const [[, doctor] = []] = doctors;
    expect(doctor?.permissions).toEqual(DOCTOR_PERMISSIONS);
    const crons = (sweep.on.schedule as unknown as { cron: string }[]).map((s) => s.cron);
    expect(crons).toHaveLength(2);
    expect(doctor?.if).toContain(`github.event.schedule == '${crons[1]}'`);
    expect(doctor?.steps.find(isDoctor)?.with?.['release-workflow']).toBe(quick('release.yaml').file);
  });

  it("filters the guard's events with the example's if: and runs no pull request code", () => {
    const [[, guard] = []] = guardJobs(quick('release-guard.yaml'));
    expect(guard?.if).toBeTruthy();
    expect(guard?.if).toBe(example.get('pr.yaml')?.jobs.guard?.if);
    expect(pullRequestCodeProblems(guard?.steps ?? [])).toEqual([]);
  });

  it('is as long as the READMEs say: "about N lines of YAML", N the count rounded to ten', () => {
    const lines = yamlBlocks(section).reduce((count, block) => count + block.text.trimEnd().split('\n').length, 0);
    const root = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
    for (const [where, text] of [
      ['the action README', section],
      ['the root README', root],
    ] as const) {
      const said = /about (\d+) lines of YAML/.exec(text.replaceAll('\n', ' '))?.[1];
      expect(Number(said), `${where} says about ${said} lines; the quick start has ${lines}`).toBe(
        Math.round(lines / 10) * 10,
      );
    }
  });

  it('parses every expression with the contexts GitHub makes available where it stands', () => {
    let parsed = 0;
    for (const w of quickStart.values()) {
      for (const { where, place, expression } of workflowExpressions(w)) {
        expect(() => parseAt(expression, place), where).not.toThrow();
        parsed++;
      }
    }
    expect(parsed).toBeGreaterThan(10);
  });
});
