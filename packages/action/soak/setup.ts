import { RELEASE_INPUTS, RELEASE_RUN_NAME, runMarker } from '@release-guard/github-adapter';
import type { GitHubControl } from '@release-guard/testkit';
import { type ActionInputs, parseInputs } from '../src/api.js';
import type { Random } from './random.js';
import type { SoakOptions, SoakReport } from './types.js';

/**
 * One lifecycle's set-up: who takes part and with which token, its repository on the emulated GitHub (branch
 * protection or none, the release workflow and its run name), the guard's inputs, and the release pull
 * request, opened. The oracle takes who may approve and who releases from the `Setup` made here.
 */

export const GUARD_TOKEN = 'ghs_soakGuardToken';
export const MERGE_TOKEN = 'ghp_soakMergeToken';
export const RELEASER_TOKEN = 'releaser-token';
/** With the merge queue: the CI that reports the `ci` check on heads and groups, and the attacker's token. */
export const CI_TOKEN = 'ci-token';
export const MALLORY_TOKEN = 'mallory-token';
/** The guard's login, and that of the bot whose token merges for it. */
export const GUARD = 'github-actions[bot]';
export const MERGER = 'release-bot[bot]';
/** Write access; opens the release pull request, or is assigned it under forbid-self-approval. */
export const RELEASER = 'releaser';
/** Admin; approves. */
export const MAINTAINER = 'maintainer';
/** Read access: their approvals never count. */
export const OUTSIDER = 'outsider';
/** Write access: the attacker. */
export const MALLORY = 'mallory';
/** Write access: the CI reporting `ci` (with the merge queue). */
export const CI = 'ci[bot]';
export const OWNER = 'weaveworks';
export const WORKFLOW = '.github/workflows/release.yaml';
/** The title GitHub gives a run of the release workflow dispatched for `sha`: its run name, filled. */
export const runTitle = runMarker;

/**
 * The registry as the guard names it in artifact references: a name of its own rather than the emulator's
 * port, which changes from one soak to the next and would show in the guard's comments and statuses.
 */
export const REGISTRY_HOST = 'localhost';

/** Share of lifecycles with forbid-self-approval, the pull request opened by a bot and assigned to the releaser. */
const FORBID_SELF_APPROVAL_SHARE = 0.3;
/** With the merge queue: share of lifecycles whose main also requires `ci`, so a group waits for CI after the guard. */
const CI_REQUIRED_SHARE = 0.7;

export interface Setup {
  /** The lifecycle's number, and the soak's seed (both named in every finding). */
  n: number;
  seed: number;
  /** The repository as webhook payloads name it, and its full name on the emulated GitHub. */
  repo: { owner: string; name: string };
  full: string;
  /** The release pull request, and its head when it was opened. */
  number: number;
  head: { ref: string; sha: string };
  version: string;
  image: string;
  protectedBranch: boolean;
  /** Main requires the merge queue (`queue`); then it is always protected, and `ci` is required too when `ciRequired`. */
  queue: boolean;
  ciRequired: boolean;
  /** With forbid-self-approval the pull request is opened by a bot and assigned to the releaser, whose approval never counts. */
  forbidSelfApproval: boolean;
  author: string;
  /** Who runs the guard (whose runs of the release workflow are the guard's), and who merges for it. */
  guard: string;
  merger: string;
  /** Who may approve a release: collaborators with write access or more who review. */
  approvers: readonly string[];
  /** Who releases: assigned the pull request under forbid-self-approval, which then excludes their approvals. */
  releasers: readonly string[];
  /** The guard's registry says every image exists (a planted fault); no image is ever pushed. */
  lyingRegistry: boolean;
  /** The guard's failures on merge groups are rewritten to `success` (a planted fault). */
  lyingGroups: boolean;
  inputs: ActionInputs;
}

/** The `k`-th commit of lifecycle `n`'s release branch. */
export function releaseSha(n: number, k: number): string {
  return `${n.toString(16).padStart(6, '0')}${k.toString(16).padStart(4, '0')}`.padEnd(40, 'e');
}

/** Whether `sha` is a commit of lifecycle `n`'s release branch. */
export function isReleaseSha(n: number, sha: string): boolean {
  return (
    sha.startsWith(n.toString(16).padStart(6, '0')) && sha === releaseSha(n, Number.parseInt(sha.slice(6, 10), 16))
  );
}

/** Sets lifecycle `n` up on `github`, drawing its branch protection and forbid-self-approval from `random`. */
export function setUp(
  n: number,
  random: Random,
  github: GitHubControl,
  options: SoakOptions,
  report: SoakReport,
): Setup {
  github.addToken(GUARD_TOKEN, GUARD);
  github.addToken(MERGE_TOKEN, MERGER);
  github.addToken(RELEASER_TOKEN, RELEASER);
  const name = `soak-${n}`;
  const full = github.createRepository({
    owner: OWNER,
    name,
    collaborators: { [RELEASER]: 'write', [MAINTAINER]: 'admin', [OUTSIDER]: 'read', [MALLORY]: 'write' },
  });
  github.setPermission(full, GUARD, 'write');
  github.setPermission(full, MERGER, 'write');
  const script = options.script;
  const queue = options.queue === true;
  // A queue without required checks merges every group at once: with the queue, main is always protected.
  const protectedBranch =
    queue || (script ? script.protection !== undefined : !random.chance(options.unprotectedShare ?? 0.4));
  const ciRequired = queue && !script && random.chance(CI_REQUIRED_SHARE);
  if (protectedBranch) {
    github.protectBranch(full, 'main', {
      requiredContexts: ciRequired ? ['release', 'ci'] : ['release'],
      requiredApprovals: script?.protection?.requiredApprovals ?? 0,
    });
  } else report.unprotected++;
  if (queue) {
    github.requireMergeQueue(full, 'main');
    github.addToken(CI_TOKEN, CI);
    github.addToken(MALLORY_TOKEN, MALLORY);
    github.setPermission(full, CI, 'write');
    if (report.queue && ciRequired) report.queue.ciRequired++;
  }
  const forbidSelfApproval = script ? false : random.chance(FORBID_SELF_APPROVAL_SHARE);
  const author = forbidSelfApproval ? random.pick([GUARD, 'renovate[bot]']) : RELEASER;
  if (forbidSelfApproval) report.selfApprovalForbidden++;
  github.addWorkflow(full, { path: WORKFLOW, name: 'release', runName: RELEASE_RUN_NAME, inputs: RELEASE_INPUTS });
  const version = `v0.${n}.0`;
  const image = `weaveworks/wego-app-${n}`;
  const head = { ref: `releases/${version}`, sha: releaseSha(n, 1) };
  const inputs = parseInputs({
    INPUT_TOKEN: GUARD_TOKEN,
    'INPUT_MERGE-TOKEN': MERGE_TOKEN,
    'INPUT_RELEASE-WORKFLOW': 'release.yaml',
    'INPUT_RELEASE-TIMEOUT': '30',
    INPUT_ARTIFACTS: `- name: image\n  ref: ${REGISTRY_HOST}/${image}:{version}`,
    ...(forbidSelfApproval ? { 'INPUT_FORBID-SELF-APPROVAL': 'true' } : {}),
  });
  const number = github.openPullRequest(full, {
    head,
    user: author,
    ...(forbidSelfApproval ? { assignees: [RELEASER] } : {}),
  });
  return {
    n,
    seed: options.seed,
    repo: { owner: OWNER, name },
    full,
    number,
    head,
    version,
    image,
    protectedBranch,
    queue,
    ciRequired,
    forbidSelfApproval,
    author,
    guard: GUARD,
    merger: MERGER,
    approvers: [RELEASER, MAINTAINER],
    releasers: [RELEASER],
    lyingRegistry: options.lyingRegistry ?? false,
    lyingGroups: options.lyingGroups ?? false,
    inputs,
  };
}
