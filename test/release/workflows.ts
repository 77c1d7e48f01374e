/**
 * This repository's own workflows (`.github/workflows/`), read with the runner model of
 * `examples/weave-gitops/test` (the YAML as the runner loads it, expressions, `if:` and `run:` steps).
 */
import { join } from 'node:path';
import { type Job, loadWorkflows, type Step, type Workflow } from '../../examples/weave-gitops/test/runner.js';
import { isGuard } from '../../examples/weave-gitops/test/set-up.js';
import { ROOT } from '../../scripts/libraries.js';

/** Every workflow of this repository, by file name. */
export function loadRepositoryWorkflows(): Map<string, Workflow> {
  return loadWorkflows(join(ROOT, '.github/workflows'));
}

export function workflowOf(workflows: Map<string, Workflow>, file: string): Workflow {
  const found = workflows.get(file);
  if (!found) throw new Error(`.github/workflows has no ${file}`);
  return found;
}

export function jobOf(workflows: Map<string, Workflow>, file: string, id: string): Job {
  const found = workflowOf(workflows, file).jobs[id];
  if (!found) throw new Error(`${file} has no job ${id}`);
  return found;
}

/** The one step of a job that `which` picks. */
export function stepOf(job: Job, which: (step: Step) => boolean, what: string): Step {
  const found = job.steps.filter(which);
  if (found.length !== 1) throw new Error(`${found.length} steps ${what}, not one`);
  return found[0] as Step;
}

/** The one release-guard step of a workflow. */
export function guardStepOf(workflows: Map<string, Workflow>, file: string): Step {
  return stepOf(
    { 'runs-on': '', steps: Object.values(workflowOf(workflows, file).jobs).flatMap((j) => j.steps) },
    isGuard,
    `of ${file} run release-guard`,
  );
}

/** The inputs of a workflow's release-guard step, as strings. */
export function guardInputs(workflows: Map<string, Workflow>, file: string): Record<string, string> {
  return Object.fromEntries(Object.entries(guardStepOf(workflows, file).with ?? {}).map(([k, v]) => [k, String(v)]));
}
