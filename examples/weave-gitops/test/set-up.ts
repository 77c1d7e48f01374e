/**
 * What any set-up of the guard must hold to, shared by the test of this example and the test of the
 * action README's snippets: the least privilege of a guard job, the tokens it is given, and the steps a job
 * running under `pull_request_target` may have.
 */
import type { Step } from './runner.js';

/** The action, at the published major version. */
export const GUARD = 'release-guard/action@v1';

/** The action that mints a GitHub App's installation token in the run (it expires after an hour). */
export const APP_TOKEN = 'actions/create-github-app-token@v3';

/** The outputs of actions other than the guard that a set-up's steps may read. */
export const ACTION_OUTPUTS: Record<string, string[]> = {
  [APP_TOKEN]: ['token', 'installation-id', 'app-slug'],
};

/** The least privilege of a job that runs the guard with the job's token, its artifacts on ghcr.io. */
export const GUARD_PERMISSIONS = {
  statuses: 'write',
  'pull-requests': 'write',
  actions: 'write',
  contents: 'read',
  packages: 'read',
};

/** What the merge token needs, as the `permission-*` inputs of {@link APP_TOKEN} name it. */
export const MERGE_TOKEN_PERMISSIONS = { 'permission-contents': 'write', 'permission-pull-requests': 'write' };

/** A step of the guard: release-guard/action with any command but `doctor`, which guards nothing. */
export function isGuard(step: Step): boolean {
  return step.uses?.startsWith('release-guard/action') === true && step.with?.command !== 'doctor';
}

/** A step that checks the lock (`command: doctor`): it only reads. */
export function isDoctor(step: Step): boolean {
  return step.uses?.startsWith('release-guard/action') === true && step.with?.command === 'doctor';
}

/**
 * What a doctor job reads: the workflow files, the pull requests, the release workflow, and the guard's
 * `release` status on the heads of merged release pull requests (`checks: read` in check-run mode).
 */
export const DOCTOR_PERMISSIONS = { contents: 'read', 'pull-requests': 'read', actions: 'read', statuses: 'read' };

/**
 * Why a job running under `pull_request_target` (with a write token and secrets, while the pull request's
 * code is untrusted) could run pull request code: any step but the guard and the step minting the App's
 * merge token, which read only the event and the API. Empty when there is none.
 */
export function pullRequestCodeProblems(steps: readonly Step[]): string[] {
  return steps.flatMap((s, index) => {
    const what = `step ${index + 1} (${s.name ?? s.uses ?? 'run'})`;
    if (s.run !== undefined) return [`${what} runs a script`];
    if (s.uses === GUARD || s.uses === APP_TOKEN) return [];
    return [`${what} uses ${s.uses}, which is neither the guard nor ${APP_TOKEN}`];
  });
}
