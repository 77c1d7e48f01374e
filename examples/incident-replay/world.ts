/**
 * The world a replay runs in: the GitHub and registry emulators, started and closed around it, and the
 * weave-gitops repository as a replay sets it up on GitHub (the releaser, the guard's app, the release
 * workflow when there is one and, when the guard runs, branch protection requiring `release`).
 */
import { createOctokit, type Octokit, RELEASE_INPUTS } from '@release-guard/github-adapter';
import {
  type GitHubControl,
  type GitHubEmulator,
  type Registry,
  startGitHub,
  startRegistry,
} from '@release-guard/testkit';
import { GUARD_LOGIN, OWNER, RELEASE_RUN_NAME, RELEASE_WORKFLOW, RELEASER, REPO } from './scenario.js';

/** The token GitHub knows the releaser by. */
export const RELEASER_TOKEN = 'releaser-token';
/** The token GitHub knows the guard's app by. */
export const GUARD_TOKEN = 'guard-token';

/**
 * Starts the GitHub and registry emulators on 127.0.0.1 on the clock `now`, runs `use`, and closes both
 * whatever happens.
 */
export async function withEmulators<T>(
  now: () => Date,
  use: (github: GitHubEmulator, registry: Registry) => Promise<T>,
): Promise<T> {
  const github = await startGitHub({ now });
  try {
    const registry = await startRegistry({ now });
    try {
      return await use(github, registry);
    } finally {
      await registry.close();
    }
  } finally {
    await github.close();
  }
}

/** An Octokit on the emulated GitHub, authenticated with `token`, that neither retries nor throttles. */
export function octokitFor(github: GitHubEmulator, token: string): Octokit {
  return createOctokit({ token, baseUrl: github.url, retries: 0, throttle: false });
}

/** The repository on GitHub, as a replay has it. */
export interface RepositorySetUp {
  /** Branch protection requires `release` on main (the guard runs). */
  protect: boolean;
  /** The release workflow: none (deleted), started by the approval, or dispatched by the guard (its run name carries the marker). */
  releaseWorkflow: 'none' | 'on-approval' | 'dispatched';
}

/** Creates the repository on GitHub as `setUp` has it, and returns its full name. */
export function setUpRepository(github: GitHubControl, setUp: RepositorySetUp): string {
  const full = github.createRepository({ owner: OWNER, name: REPO, collaborators: { [RELEASER]: 'write' } });
  github.addToken(RELEASER_TOKEN, RELEASER);
  github.addToken(GUARD_TOKEN, GUARD_LOGIN);
  github.setPermission(full, GUARD_LOGIN, 'write');
  if (setUp.releaseWorkflow !== 'none') {
    github.addWorkflow(full, {
      path: `.github/workflows/${RELEASE_WORKFLOW}`,
      name: 'release',
      inputs: RELEASE_INPUTS,
      ...(setUp.releaseWorkflow === 'dispatched' ? { runName: RELEASE_RUN_NAME } : {}),
    });
  }
  if (setUp.protect) github.protectBranch(full, 'main', { requiredContexts: ['release'] });
  return full;
}

/** The release workflow's run for the release PR's head `sha` on the repository `full`, once there is one. */
export function releaseRunOf(
  github: GitHubControl,
  full: string,
  sha: string,
): ReturnType<GitHubControl['runs']>[number] | undefined {
  return github.runs(full).find((r) => r.headSha === sha);
}
