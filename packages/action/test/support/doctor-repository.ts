import { createOctokit, RELEASE_RUN_NAME } from '@release-guard/github-adapter';
import type { GitHubControl } from '@release-guard/testkit';
import { type ActionLog, type ActionResult, parseInputs, run } from '../../src/api.js';
import { type Emulators, RELEASE_WORKFLOW, RELEASE_WORKFLOW_FILE, SHA } from './emulators.js';

const quiet: ActionLog = { info() {}, notice() {}, warning() {}, error() {}, group: (_n, fn) => fn() };
let made = 0;

/** The release workflow file as the Quick start has it: both inputs, the full marker. */
export function releaseYaml(options: { runName?: string; inputs?: string[] } = {}): string {
  const inputs = (options.inputs ?? ['sha', 'version'])
    .map((name) => `      ${name}:\n        required: ${name === 'sha'}\n        type: string\n`)
    .join('');
  return `name: release\nrun-name: ${options.runName ?? RELEASE_RUN_NAME}\non:\n  workflow_dispatch:\n    inputs:\n${inputs}jobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo build\n`;
}

/** The permissions of a guard job in check-run mode. */
export const CHECK_RUN_PERMISSIONS =
  'checks: write\n      pull-requests: write\n      actions: write\n      contents: read';

/**
 * The guard workflow of the Quick start, with the permissions its job needs (or `permissions`), and the
 * workflow's token unless `token` gives the guard step another (an App's: `${{ steps.app.outputs.token }}`).
 */
export function guardYaml(
  permissions = 'statuses: write\n      pull-requests: write\n      actions: write\n      contents: read',
  token?: string,
): string {
  const given = token === undefined ? '' : `\n          token: ${token}`;
  return `name: release-guard\non:\n  pull_request_target:\n    types: [opened, reopened, synchronize, closed]\npermissions: {}\njobs:\n  guard:\n    runs-on: ubuntu-latest\n    permissions:\n      ${permissions}\n    steps:\n      - uses: release-guard/action@v1\n        with:${given}\n          release-workflow: release.yaml\n`;
}

/** Requests GitHub refuses (403) for want of a permission, as `x-accepted-github-permissions` names it. */
export interface Refusal {
  url: RegExp;
  permission: string;
}

/** An octokit for `token` against the emulator, refusing what `refuse` matches. */
function octokitFor(emulators: Emulators, token: string, refuse?: Refusal) {
  const octokit = createOctokit({ token, baseUrl: emulators.github.url, throttle: false, retries: 0 });
  if (refuse) {
    octokit.hook.wrap('request', async (request, options) => {
      if (refuse.url.test(String(options.url))) {
        throw Object.assign(new Error('Resource not accessible by integration'), {
          status: 403,
          response: { headers: { 'x-accepted-github-permissions': refuse.permission } },
        });
      }
      return request(options);
    });
  }
  return octokit;
}

/** The id of the guard's own GitHub App in the tests of check-run mode. */
export const GUARD_APP = 424242;
/** The token a guard step is given when it runs as a GitHub App (minted in a step before it). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
export const APP_TOKEN = '${{ steps.app.outputs.token }}';

/**
 * Check-run mode as SECURITY.md says: `release` required by a ruleset ("pinned") pinned to
 * {@link GUARD_APP}, the guard step on that App's token. Disable the repository's `ruleset` to leave it alone.
 */
export function pinToGuardApp({ control, full }: { control: GitHubControl; full: string }): void {
  control.addRuleset(full, { name: 'pinned', requiredChecks: [{ context: 'release', integrationId: GUARD_APP }] });
  control.setFile(full, {
    ref: 'main',
    path: '.github/workflows/release-guard.yaml',
    content: guardYaml(CHECK_RUN_PERMISSIONS, APP_TOKEN),
  });
}

export interface DoctorRepository {
  control: GitHubControl;
  full: string;
  name: string;
  /** The id of the ruleset that requires `release`. */
  ruleset: number;
  /**
   * Runs `doctor` through the action's `run`, with the guard's token (default) or another; `refuse`
   * answers every request whose URL it matches 403, as GitHub answers a token without `permission`.
   */
  doctor(inputs?: Record<string, string>, token?: string, refuse?: Refusal): Promise<ActionResult>;
}

/**
 * A repository whose lock is set up as the action README says: `release` required by an active ruleset
 * on main, the release workflow active with both inputs and the marker, the guard workflow with its
 * permissions, a release pull request open. `alter` changes one thing before anything else is read.
 * Tokens: `guard` (github-actions[bot], write) and `admin` (the owner).
 */
export function doctorRepository(
  emulators: Emulators,
  alter: (repo: { control: GitHubControl; full: string }) => void = () => {},
): DoctorRepository {
  made++;
  const name = `doctor-${made}`;
  const { control } = emulators.github;
  const full = control.createRepository({ owner: 'weaveworks', name, collaborators: { releaser: 'write' } });
  control.addToken('guard', 'github-actions[bot]');
  control.addToken('admin', 'weaveworks');
  control.pushBranch(full, 'main', SHA.b);
  const ruleset = control.addRuleset(full, { name: 'release lock', requiredChecks: [{ context: 'release' }] });
  control.addWorkflow(full, RELEASE_WORKFLOW_FILE);
  control.setFile(full, { ref: 'main', path: RELEASE_WORKFLOW, content: releaseYaml() });
  control.setFile(full, { ref: 'main', path: '.github/workflows/release-guard.yaml', content: guardYaml() });
  control.openPullRequest(full, { head: { ref: 'releases/v1.0.0', sha: SHA.a }, title: 'Release v1.0.0' });
  alter({ control, full });
  const doctor = (inputs: Record<string, string> = {}, token = 'guard', refuse?: Refusal) =>
    run(
      parseInputs({
        INPUT_TOKEN: token,
        INPUT_COMMAND: 'doctor',
        'INPUT_RELEASE-WORKFLOW': 'release.yaml',
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
      }),
      { eventName: '', payload: null, repository: { owner: 'weaveworks', repo: name } },
      { octokit: octokitFor(emulators, token, refuse) },
      quiet,
    );
  return { control, full, name, ruleset, doctor };
}
