/**
 * What the guard sends when it dispatches a release workflow, read from the adapter's own request, and
 * whether a workflow's `workflow_dispatch.inputs` accept it: GitHub answers 422 to a dispatch that
 * carries an input the workflow does not declare ("Unexpected inputs provided"), and then no release
 * ever starts; nor may the workflow require an input the guard sometimes leaves out.
 */
import { createOctokit, RELEASE_RUN_NAME, startRelease } from '@release-guard/github-adapter';
import { startGitHub } from '@release-guard/testkit';
import { isObject, type Workflow } from './runner.js';

/** The inputs of the guard's dispatches: those it always sends, and those it sends only sometimes. */
export interface DispatchedInputs {
  always: string[];
  sometimes: string[];
}

/**
 * Calls the adapter's `startRelease` against the GitHub emulator, once with a version and once without
 * (the core's `START_RELEASE` may carry one or not), on a release workflow declaring the inputs `workflow`
 * declares, and reads the inputs of the runs it dispatched. Rejects with GitHub's 422 when the workflow
 * refuses one of the dispatches, as the emulator answers what GitHub answers.
 */
export async function guardDispatchInputs(workflow: Workflow): Promise<DispatchedInputs> {
  const github = await startGitHub();
  try {
    const owner = 'weaveworks';
    const name = 'dispatch';
    const full = github.control.createRepository({ owner, name, collaborators: {} });
    github.control.addToken('guard', 'release-guard[bot]');
    github.control.setPermission(full, 'release-guard[bot]', 'write');
    github.control.addWorkflow(full, {
      path: '.github/workflows/release.yaml',
      name: 'release',
      runName: RELEASE_RUN_NAME,
      inputs: declaredInputs(workflow),
    });
    const octokit = createOctokit({ token: 'guard', baseUrl: github.url, throttle: false, retries: 0 });
    const effects = [
      { type: 'START_RELEASE' as const, sha: 'a'.repeat(40), version: 'v0.30.0' },
      { type: 'START_RELEASE' as const, sha: 'b'.repeat(40) },
    ];
    for (const [index, effect] of effects.entries()) {
      const ref = `releases/v0.30.${index}`;
      github.control.openPullRequest(full, { head: { ref, sha: effect.sha } });
      await startRelease(octokit, { owner, repo: name }, effect, { kind: 'dispatch', workflow: 'release.yaml', ref });
    }
    github.control.assertNoViolations();
    const sent = github.control.runs(full).map((run) => Object.keys(run.inputs));
    if (sent.length !== effects.length) throw new Error(`expected ${effects.length} dispatches, saw ${sent.length}`);
    const all = [...new Set(sent.flat())].sort();
    const always = all.filter((input) => sent.every((keys) => keys.includes(input)));
    return { always, sometimes: all.filter((input) => !always.includes(input)) };
  } finally {
    await github.close();
  }
}

/** The `workflow_dispatch` inputs a workflow declares, with whether each is required. */
export function declaredInputs(workflow: Workflow): Record<string, { required: boolean }> {
  const dispatch = workflow.on.workflow_dispatch;
  const inputs = isObject(dispatch) && isObject(dispatch.inputs) ? dispatch.inputs : {};
  return Object.fromEntries(
    Object.entries(inputs).map(([input, spec]) => [input, { required: isObject(spec) && spec.required === true }]),
  );
}

/**
 * Why GitHub would refuse one of the guard's dispatches of `workflow`, or why the workflow declares more
 * than the guard gives it: an input the guard sends that is not declared, a required input the guard does
 * not always send, a declared input the guard never sends. Empty when it accepts exactly what the guard sends.
 */
export function dispatchProblems(workflow: Workflow, sent: DispatchedInputs): string[] {
  const declared = declaredInputs(workflow);
  const problems: string[] = [];
  for (const input of [...sent.always, ...sent.sometimes]) {
    if (!(input in declared)) problems.push(`${workflow.file} does not declare the input ${input} the guard sends`);
  }
  for (const [input, { required }] of Object.entries(declared)) {
    if (!sent.always.includes(input) && !sent.sometimes.includes(input)) {
      problems.push(`${workflow.file} declares the input ${input}, which the guard never sends`);
    } else if (required && !sent.always.includes(input)) {
      problems.push(`${workflow.file} requires the input ${input}, which the guard does not always send`);
    }
  }
  return problems;
}
