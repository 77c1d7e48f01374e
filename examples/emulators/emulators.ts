/**
 * The GitHub emulator and the registry emulator of `@release-guard/testkit` on 127.0.0.1, seeded with a
 * repository guarded as the action's quick start guards one: a release pull request, its release workflow
 * (named with the guard's marker, declaring the guard's inputs) and `release` required on `main`. The people
 * and the CI around the guard are played here: once the guard has locked the pull request, a maintainer
 * approves it; once the guard has dispatched the release, the run pushes the image and succeeds. Each writes
 * the delivery GitHub would send, for the CLI's `--payload`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RELEASE_INPUTS, RELEASE_RUN_NAME } from '@release-guard/github-adapter';
import {
  type GitHubEmulator,
  pullRequestEvent,
  pullRequestReviewEvent,
  type Registry,
  startGitHub,
  startRegistry,
  type WebhookDelivery,
  workflowRunEvent,
} from '@release-guard/testkit';

export const REPO = { owner: 'weaveworks', name: 'weave-gitops' };
export const FULL_NAME = `${REPO.owner}/${REPO.name}`;
export const HEAD = { ref: 'releases/v0.30.0', sha: '5e1ea5e0c0ffee0ddba11decade0fbadcafe0001' };
export const IMAGE = 'weaveworks/wego-app';
const WORKFLOW = { path: '.github/workflows/release.yaml', name: 'release' };

/** The files the deliveries are written to, in the payload directory, in the order they come. */
export const PAYLOADS = {
  opened: 'pull_request.opened.json',
  approved: 'pull_request_review.submitted.json',
  released: 'workflow_run.completed.json',
} as const;

/**
 * The commands that take the release pull request through, ready to paste at the root of the workspace
 * once the variables `env` names are exported: each step's delivery, with the inputs of the quick start.
 */
export const COMMANDS = [
  { step: 'The release pull request is opened: the guard locks it.', event: 'pull_request', payload: PAYLOADS.opened },
  {
    step: 'A maintainer approves it (the emulators do, once it is locked): the guard dispatches the release.',
    event: 'pull_request_review',
    payload: PAYLOADS.approved,
  },
  {
    step: 'The release run succeeds (the emulators push the image): the guard verifies the image and merges.',
    event: 'workflow_run',
    payload: PAYLOADS.released,
  },
].map(({ step, event, payload }) => ({
  step,
  payload,
  command:
    `pnpm release-guard --event ${event} --payload "$RELEASE_GUARD_DEMO/${payload}" --repo ${FULL_NAME} ` +
    `--input release-workflow=release.yaml --input "artifacts=[{name: image, ref: '$RELEASE_GUARD_REGISTRY/${IMAGE}:{version}'}]"`,
}));

export interface Emulators {
  github: GitHubEmulator;
  registry: Registry;
  /** The variables the commands read: the API, a token, the payload directory and the registry. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts both emulators (ports 0: free ones), seeds the repository and writes the delivery of the opened
 * pull request to `dir`; `log` hears what the people and the CI do.
 */
export async function startEmulators(options: {
  dir: string;
  githubPort?: number;
  registryPort?: number;
  log?: (line: string) => void;
}): Promise<Emulators> {
  const log = options.log ?? (() => {});
  const github = await startGitHub({ port: options.githubPort ?? 0 });
  const registry = await startRegistry({ port: options.registryPort ?? 0 });
  const { control } = github;
  control.createRepository({ ...REPO, collaborators: { releaser: 'write', maintainer: 'maintain' } });
  control.protectBranch(FULL_NAME, 'main', { requiredContexts: ['release'] });
  control.addWorkflow(FULL_NAME, { ...WORKFLOW, runName: RELEASE_RUN_NAME, inputs: RELEASE_INPUTS });
  const number = control.openPullRequest(FULL_NAME, { head: HEAD, user: 'releaser' });
  const save = (file: string, delivery: WebhookDelivery) =>
    writeFile(join(options.dir, file), `${JSON.stringify(delivery.payload, null, 2)}\n`);
  await save(PAYLOADS.opened, pullRequestEvent('opened', { repo: REPO, number, head: HEAD, user: 'releaser' }));

  let approved = false;
  const released = new Set<number>();
  const step = async () => {
    if (!approved && control.statuses(FULL_NAME, HEAD.sha, 'release').some((s) => s.state === 'pending')) {
      approved = true;
      const id = control.submitReview(FULL_NAME, number, { user: 'maintainer', state: 'APPROVED' });
      const review = { id, state: 'approved' as const, user: 'maintainer' };
      await save(PAYLOADS.approved, pullRequestReviewEvent('submitted', { repo: REPO, number, head: HEAD, review }));
      log(`maintainer approved #${number}: ${PAYLOADS.approved} written`);
    }
    for (const run of control.runs(FULL_NAME)) {
      if (run.event !== 'workflow_dispatch' || run.status === 'completed' || released.has(run.id)) continue;
      released.add(run.id);
      const version = run.inputs.version || (run.headBranch.split('/').at(-1) ?? '');
      await registry.control.pushImage(IMAGE, version, { revision: run.headSha });
      control.updateRun(FULL_NAME, run.id, { status: 'completed', conclusion: 'success' });
      const delivery = workflowRunEvent({
        repo: REPO,
        runId: run.id,
        runAttempt: run.runAttempt,
        workflowName: WORKFLOW.name,
        workflowPath: WORKFLOW.path,
        headSha: run.headSha,
        headBranch: run.headBranch,
        displayTitle: run.displayTitle,
        actor: run.actor.login,
        conclusion: 'success',
      });
      await save(PAYLOADS.released, delivery);
      log(
        `release run ${run.id} pushed ${registry.host}/${IMAGE}:${version} and succeeded: ${PAYLOADS.released} written`,
      );
    }
  };
  let stepping = Promise.resolve();
  const timer = setInterval(() => {
    stepping = stepping.then(step).catch((error: unknown) => log(`error: ${(error as Error).message}`));
  }, 50);

  return {
    github,
    registry,
    env: {
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: 'emulator',
      RELEASE_GUARD_DEMO: options.dir,
      RELEASE_GUARD_REGISTRY: registry.host,
    },
    async close() {
      clearInterval(timer);
      await stepping;
      await Promise.all([github.close(), registry.close()]);
    },
  };
}
