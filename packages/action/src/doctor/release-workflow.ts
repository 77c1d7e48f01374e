/**
 * Check 2: the release workflow the guard dispatches exists and is active, declares the inputs the guard
 * sends (`sha`, `version`: GitHub refuses a dispatch with an undeclared input), and names its runs with
 * the marker the guard finds its release by (`RELEASE_RUN_NAME`).
 */
import { RELEASE_INPUTS, RELEASE_RUN_NAME } from '@release-guard/github-adapter';
import { attempt, type DoctorScope, refusal } from './read.js';
import type { Finding } from './report.js';
import {
  guardWorkflowRuns,
  parseWorkflow,
  readText,
  triggersOf,
  WORKFLOWS,
  type WorkflowFile,
} from './workflow-files.js';

/**
 * `release-guard ${{ inputs.sha }}` at the start of a run-name, and with `${{ inputs.version }}` after it:
 * the guard job's `if:` keeps release runs by `startsWith(github.event.workflow_run.display_title,
 * 'release-guard ')` (the action README's Quick start). `ANY_MARKER` finds the marker anywhere.
 */
const ANY_MARKER = /release-guard \$\{\{\s*inputs\.sha\s*\}\}/;
const SHA_MARKER = new RegExp(`^${ANY_MARKER.source}`);
const FULL_MARKER = /^release-guard \$\{\{\s*inputs\.sha\s*\}\} \$\{\{\s*inputs\.version\s*\}\}/;

/** The findings of check 2 for `workflow` (the `release-workflow` input: a file name or a path). */
export async function releaseWorkflow(
  scope: DoctorScope,
  workflow: string | undefined,
  files: WorkflowFile[],
): Promise<Finding[]> {
  if (!workflow) {
    return [{ status: 'pass', message: 'no release-workflow: the release runs in the calling workflow' }];
  }
  const file = workflow.split('/').at(-1) ?? workflow;
  const path = workflow.includes('/') ? workflow : `${WORKFLOWS}/${workflow}`;
  const got = await attempt(() => scope.octokit.rest.actions.getWorkflow({ ...scope.repo, workflow_id: file }));
  if (!got.ok) {
    return [
      got.status === 404
        ? {
            status: 'fail',
            message: `the release workflow ${file} does not exist: every approval's dispatch fails`,
            fix: `add ${path} to ${scope.base} (see the action README, Quick start), or set release-workflow to the release workflow's file`,
          }
        : {
            status: 'fail',
            message: `the release workflow ${file} is not readable: ${refusal(got)}`,
            fix: 'give the token actions: read',
          },
    ];
  }
  const found: Finding[] = [];
  if (got.data.state !== 'active') {
    found.push({
      status: 'fail',
      message: `the release workflow ${file} is ${got.data.state}: GitHub refuses to dispatch it`,
      fix: `enable it (Actions, ${got.data.name}, "Enable workflow"), or restore its file`,
    });
  }
  const text = await readText(scope, path);
  if (!text.ok) {
    found.push({
      status: 'fail',
      message: `${path} is not on ${scope.base} (${refusal(text)})`,
      fix: `restore ${path} on ${scope.base}`,
    });
    return found;
  }
  const yaml = parseWorkflow(text.text);
  if ('error' in yaml) {
    found.push({ status: 'fail', message: `${path} is not a workflow: ${String(yaml.error)}`, fix: `fix ${path}` });
    return found;
  }
  found.push(...judgeFile(path, yaml), ...subscriptions(got.data.name, files));
  if (found.length === 0) {
    found.push({
      status: 'pass',
      message: `${file} is active, declares the inputs sha and version, and its run-name carries the marker`,
    });
  }
  return found;
}

function judgeFile(path: string, yaml: Record<string, unknown>): Finding[] {
  const found: Finding[] = [];
  const triggers = triggersOf(yaml);
  if (!Object.hasOwn(triggers, 'workflow_dispatch')) {
    found.push({
      status: 'fail',
      message: `${path} has no workflow_dispatch trigger: GitHub refuses the guard's dispatch`,
      fix: 'add on: workflow_dispatch with the inputs sha and version',
    });
    return found;
  }
  const dispatch = triggers.workflow_dispatch as { inputs?: Record<string, unknown> } | null;
  const declared = Object.keys(dispatch?.inputs ?? {});
  const missing = Object.keys(RELEASE_INPUTS).filter((name) => !declared.includes(name));
  if (missing.length > 0) {
    found.push({
      status: 'fail',
      message: `${path} does not declare the workflow_dispatch input${missing.length > 1 ? 's' : ''} ${missing.join(', ')} the guard sends: GitHub refuses the dispatch ("Unexpected inputs provided")`,
      fix: `declare ${missing.map((m) => `on.workflow_dispatch.inputs.${m}`).join(' and ')} (type: string${missing.includes('sha') ? '; sha required' : ''})`,
    });
  }
  const runName = typeof yaml['run-name'] === 'string' ? yaml['run-name'] : '';
  if (!SHA_MARKER.test(runName) && ANY_MARKER.test(runName)) {
    found.push({
      status: 'fail',
      message: `the run-name of ${path} ("${runName.slice(0, 100)}") carries the marker, but not at its start: the guard job keeps release runs whose name starts with it (startsWith(github.event.workflow_run.display_title, 'release-guard ')), so it never hears of these runs`,
      fix: `set run-name: ${RELEASE_RUN_NAME}, the marker first`,
    });
  } else if (!SHA_MARKER.test(runName)) {
    found.push({
      status: 'fail',
      message: `the run-name of ${path} ${runName ? `("${runName.slice(0, 100)}")` : '(none)'} does not carry the marker: the guard never recognises its release runs`,
      fix: `set run-name: ${RELEASE_RUN_NAME}`,
    });
  } else if (!FULL_MARKER.test(runName)) {
    found.push({
      status: 'warn',
      message: `the run-name of ${path} carries the SHA but not the version: a run of another version of the same commit would be taken for its release`,
      fix: `set run-name: ${RELEASE_RUN_NAME}`,
    });
  }
  return found;
}

/**
 * A guard workflow subscribes to `workflow_run` of the release workflow by its `name:`, not its file: one
 * that names another (the release workflow renamed) is never delivered its runs. A warning, not a
 * failure: the lock holds, and the sweep still reads the runs' outcome from GitHub, only later.
 */
function subscriptions(name: string, files: WorkflowFile[]): Finding[] {
  return guardWorkflowRuns(files)
    .filter(({ workflows }) => !workflows.includes(name))
    .map(({ path, workflows }) => ({
      status: 'warn',
      message: `${path} runs the guard on workflow_run of ${workflows.length > 0 ? workflows.map((w) => `"${w}"`).join(', ') : 'no workflow'}, not of the release workflow, whose name is "${name}": GitHub never delivers its runs there, and the guard learns their outcome only at the next sweep`,
      fix: `list "${name}" in on.workflow_run.workflows of ${path}`,
    }));
}
