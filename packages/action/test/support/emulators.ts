import { RELEASE_INPUTS, RELEASE_RUN_NAME } from '@release-guard/github-adapter';
import {
  type GitHubEmulator,
  pullRequestReviewEvent,
  type Registry,
  startGitHub,
  startRegistry,
  type WebhookDelivery,
  workflowRunEvent,
} from '@release-guard/testkit';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const SHA = { a: 'a'.repeat(40), b: 'b'.repeat(40) };
export const RELEASE_WORKFLOW = '.github/workflows/release.yaml';
/**
 * The release workflow as the guard needs it on GitHub: its `run-name` carries the marker of the SHA it
 * releases, and it declares the inputs the guard dispatches.
 */
export const RELEASE_WORKFLOW_FILE = {
  path: RELEASE_WORKFLOW,
  name: 'release',
  runName: RELEASE_RUN_NAME,
  inputs: RELEASE_INPUTS,
} as const;

export interface Emulators {
  github: GitHubEmulator;
  registry: Registry;
}

/**
 * A GitHub emulator and a registry emulator for the test file, on 127.0.0.1, closed after it; a contract
 * violation fails the test that caused it. `now` is the GitHub emulator's clock.
 */
export function useEmulators(options: { now?: () => Date } = {}): Emulators {
  const emulators = {} as Emulators;
  beforeAll(async () => {
    emulators.github = await startGitHub(options.now ? { now: options.now } : {});
    emulators.registry = await startRegistry();
  });
  afterEach(() => emulators.github.control.assertNoViolations());
  afterAll(async () => {
    await emulators.github?.close();
    await emulators.registry?.close();
  });
  return emulators;
}

type Repo = { owner: string; name: string };

/** The delivery of an approval (`id` from `control.submitReview`) of `head` by `user`. */
export function approvalEvent(
  repo: Repo,
  number: number,
  head: { ref: string; sha: string },
  id: number,
  user: string,
): WebhookDelivery {
  return pullRequestReviewEvent('submitted', { repo, number, head, review: { id, state: 'approved', user } });
}

/**
 * The delivery of a completed run of the release workflow: by default a dispatch by the guard's token
 * (`github-actions[bot]`) named with the guard's marker.
 */
export function releaseRunEvent(
  repo: Repo,
  run: { id: number; headSha: string; headBranch: string; displayTitle?: string; event?: string; actor?: string },
  conclusion: 'success' | 'failure',
): WebhookDelivery {
  return workflowRunEvent({
    repo,
    runId: run.id,
    workflowName: 'release',
    workflowPath: RELEASE_WORKFLOW,
    headSha: run.headSha,
    headBranch: run.headBranch,
    displayTitle: run.displayTitle ?? `release-guard ${run.headSha}`,
    ...(run.event ? { event: run.event } : {}),
    actor: run.actor ?? 'github-actions[bot]',
    conclusion,
  });
}
