/**
 * The action's inputs: read from `INPUT_*`, checked, with defaults applied. Two checks need a library: the
 * `artifacts` input is YAML (`inputs-artifacts.ts`) and the configuration is checked by the core
 * (`inputs-config.ts`). `readInputs` is given them: `parseInputs` (`parse-inputs.ts`) loads both with it;
 * `loadInputs`, which the entry points call, loads each only when an input needs it.
 */
import type { GuardConfig, MergeMethod, Preset } from '@release-guard/core';
import type { ApproverPolicy, ReleaseMode, StatusKind } from '@release-guard/github-adapter';

export const COMMANDS = [
  'auto',
  'release-started',
  'release-succeeded',
  'release-failed',
  'gate',
  'reconcile',
  'doctor',
] as const;
export type Command = (typeof COMMANDS)[number];

/** Every input the action reads, as `action.yml` declares them. */
export const INPUT_NAMES = [
  'token',
  'merge-token',
  'registry-token',
  'npmrc',
  'command',
  'pull-request',
  'preset',
  'release-branch',
  'version-source',
  'protected-paths',
  'status-context',
  'status-kind',
  'artifacts',
  'require-revision',
  'artifact',
  'version',
  'merge-method',
  'approvers',
  'minimum-permission',
  'forbid-self-approval',
  'release-workflow',
  'release-timeout',
  'base-branch',
  'guard-app-id',
  'dry-run',
] as const;
export type InputName = (typeof INPUT_NAMES)[number];

/** The action's inputs, checked and with defaults applied. Tokens are kept apart so they are never logged. */
export interface ActionInputs {
  command: Command;
  config: GuardConfig;
  statusKind: StatusKind;
  /** `dispatch` of `release-workflow`, or release in the calling run when it is empty. */
  release: { workflow?: string };
  approvers: ApproverPolicy;
  /**
   * `require-revision`: an artifact verified before the merge must carry the released SHA as its annotation
   * `org.opencontainers.image.revision`, so a tag left by an earlier build of the version does not pass.
   */
  requireRevision: boolean;
  /** Minutes a release may run before a sweep fails it. */
  releaseTimeoutMinutes: number;
  dryRun: boolean;
  /** The pull request a command acts on (`pull-request`); default: from the event or the run's branch. */
  pullRequest?: number;
  /** For `gate`: the artifact about to be published. */
  artifact?: string;
  /** For `gate`: the version filling `{version}`; default: the last segment of the branch. */
  version?: string;
  /** For `doctor`: the branch the lock protects (`base-branch`); default: the repository's default branch. */
  baseBranch?: string;
  /**
   * For `doctor` in check-run mode: the id of the GitHub App the guard posts its check runs as
   * (`guard-app-id`), which the required check must be pinned to; default: learned from its check runs.
   */
  guardAppId?: number;
  /** `npmrc`: `.npmrc` lines (registries and their tokens) for `npm:` artifacts, as written. */
  tokens: { token: string; mergeToken?: string; registryToken?: string; npmrc?: string };
}

/**
 * The secrets of the inputs, to mask in the log: the tokens, and each `_authToken` of `npmrc` (not the whole
 * text, which holds registry URLs too).
 */
export function secretsOf(tokens: ActionInputs['tokens']): string[] {
  const { npmrc, ...others } = tokens;
  const npmTokens = [...(npmrc ?? '').matchAll(/:_authToken\s*=\s*["']?([^"'\s]+)/g)].map((match) => match[1] ?? '');
  return [...Object.values(others), ...npmTokens].filter(Boolean);
}

/** An input that is not of the expected form: names the input and the form. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`input '${input}': ${message}`);
  }
}

/** Reads one input as the runner passes it: `INPUT_<NAME>` with spaces as `_`, upper-cased. */
export function readInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** The checks of the inputs that need a library, as `readInputs` is given them. */
export interface InputChecks {
  /** The `artifacts` input (YAML) as the configuration's artifacts; throws an `InputError`. */
  artifacts(value: string): NonNullable<GuardConfig['artifacts']>;
  /** Throws an `InputError` for a configuration the guard refuses. */
  config(config: GuardConfig): void;
}

/** The inputs that make the configuration beyond the merge method: without any, the core has nothing to check. */
const CONFIG_INPUTS = [
  'preset',
  'release-branch',
  'version-source',
  'protected-paths',
  'status-context',
  'artifacts',
] as const satisfies readonly InputName[];

/**
 * `parseInputs`, loading only the checks the inputs need: YAML for an `artifacts` input, the core for a
 * configuration beyond the merge method (which is checked here, and alone cannot be refused).
 */
export async function loadInputs(env: NodeJS.ProcessEnv): Promise<ActionInputs> {
  const configured = CONFIG_INPUTS.some((name) => readInput(env, name));
  const [artifacts, config] = await Promise.all([
    readInput(env, 'artifacts') ? import('./inputs-artifacts.js').then((m) => m.parseArtifacts) : undefined,
    configured ? import('./inputs-config.js').then((m) => m.checkConfig) : undefined,
  ]);
  return readInputs(env, {
    // Called only for an `artifacts` input, for which the parser was loaded.
    artifacts: artifacts ?? (() => []),
    // Without a configuration input, the configuration is the merge method alone: nothing to refuse.
    config: config ?? (() => {}),
  });
}

/**
 * Reads and checks every input before any API call: a bad one fails the step with a message that names
 * the input and the expected form. `checks` are the checks that need a library.
 */
export function readInputs(env: NodeJS.ProcessEnv, checks: InputChecks): ActionInputs {
  try {
    return parse(env, checks);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // Real tokens are long; scrubbing a short test value would only garble the message.
    const secrets = secretsOf({
      token: readInput(env, 'token'),
      mergeToken: readInput(env, 'merge-token'),
      registryToken: readInput(env, 'registry-token'),
      npmrc: readInput(env, 'npmrc'),
    }).filter((t) => t.length >= 8);
    const message = secrets.reduce((text, secret) => text.split(secret).join('***'), error.message);
    throw message === error.message ? error : new InputError(error.input, message.replace(/^input '[^']*': /, ''));
  }
}

function parse(env: NodeJS.ProcessEnv, checks: InputChecks): ActionInputs {
  const get = (name: InputName) => readInput(env, name);
  const token = get('token');
  if (!token)
    throw new InputError(
      'token',
      'required: a token that may write statuses and comments, e.g. the workflow token github.token',
    );
  const mergeToken = get('merge-token');
  const registryToken = get('registry-token');
  const npmrc = get('npmrc');
  const command = oneOf('command', get('command') || 'auto', COMMANDS);
  const statusKind = oneOf('status-kind', get('status-kind') || 'status', ['status', 'check-run'] as const);
  const mergeMethod = oneOf('merge-method', get('merge-method') || 'merge', [
    'merge',
    'squash',
    'rebase',
  ] as const) as MergeMethod;
  const minimumPermission = oneOf('minimum-permission', get('minimum-permission') || 'write', [
    'write',
    'maintain',
    'admin',
  ] as const);
  const releaseTimeoutMinutes = positiveInteger('release-timeout', get('release-timeout') || '60', 'number of minutes');
  const dryRun = boolean('dry-run', get('dry-run') || 'false');
  const forbidSelfApproval = boolean('forbid-self-approval', get('forbid-self-approval') || 'false');
  const requireRevision = boolean('require-revision', get('require-revision') || 'false');
  const pullRequest = get('pull-request')
    ? positiveInteger('pull-request', get('pull-request'), 'pull request number')
    : undefined;
  const artifact = get('artifact');
  const version = get('version');
  const baseBranch = get('base-branch');
  const guardAppId = get('guard-app-id')
    ? positiveInteger('guard-app-id', get('guard-app-id'), 'GitHub App id')
    : undefined;
  if (baseBranch && !/^[^\s~^:?*[\\]{1,255}$/.test(baseBranch)) {
    throw new InputError('base-branch', `expected a branch name such as main, got ${shown(baseBranch)}`);
  }
  if (version && !/^[A-Za-z0-9_.+-]{1,100}$/.test(version)) {
    throw new InputError(
      'version',
      `expected a version such as v0.29.0 (letters, digits, . _ + -), got ${shown(version)}`,
    );
  }
  const protectedPaths = lines(get('protected-paths'));
  const config: GuardConfig = {
    mergeMethod,
    // Checked by the core (`checks.config`), which names the presets and the forms of a version source.
    ...(get('preset') ? { preset: get('preset') as Preset } : {}),
    ...(get('release-branch') ? { releaseBranch: get('release-branch') } : {}),
    ...(get('version-source') ? { versionSource: get('version-source') as GuardConfig['versionSource'] } : {}),
    ...(protectedPaths.length > 0 ? { protectedPaths } : {}),
    ...(get('status-context') ? { statusContext: get('status-context') } : {}),
    ...(get('artifacts') ? { artifacts: checks.artifacts(get('artifacts')) } : {}),
  };
  checks.config(config);
  const approvers = list(get('approvers'));
  const users = approvers.filter((a) => !a.includes('/'));
  const teams = approvers.filter((a) => a.includes('/'));
  const workflow = get('release-workflow');
  return {
    command,
    config,
    statusKind,
    release: workflow ? { workflow } : {},
    approvers: {
      ...(users.length > 0 ? { users } : {}),
      ...(teams.length > 0 ? { teams } : {}),
      minimumPermission,
      ...(forbidSelfApproval ? { excludeReleaser: true } : {}),
    },
    requireRevision,
    releaseTimeoutMinutes,
    dryRun,
    ...(pullRequest ? { pullRequest } : {}),
    ...(artifact ? { artifact } : {}),
    ...(version ? { version } : {}),
    ...(baseBranch ? { baseBranch } : {}),
    ...(guardAppId ? { guardAppId } : {}),
    tokens: {
      token,
      ...(mergeToken ? { mergeToken } : {}),
      ...(registryToken ? { registryToken } : {}),
      ...(npmrc ? { npmrc } : {}),
    },
  };
}

/**
 * The release mode for the adapter: dispatch the release workflow on the head branch (the one observed
 * when `headRef` is not given), or release here, in the calling run `run` (its attempt id).
 */
export function releaseMode(inputs: ActionInputs, headRef?: string, run?: string): ReleaseMode {
  if (!inputs.release.workflow) return run ? { kind: 'in-run', run } : { kind: 'in-run' };
  return headRef
    ? { kind: 'dispatch', workflow: inputs.release.workflow, ref: headRef }
    : { kind: 'dispatch', workflow: inputs.release.workflow };
}

function oneOf<T extends string>(input: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(input, `expected one of ${allowed.join(', ')}, got ${shown(value)}`);
}

/** An input's value as an error message quotes it: short, on one line. */
function shown(value: string): string {
  const line = value.replace(/\s+/g, ' ');
  // A long value is not quoted at all: a part of a token would not be recognised, and so not masked.
  return line.length > 60 ? `a value of ${line.length} characters` : `'${line}'`;
}

function positiveInteger(input: string, value: string, what: string): number {
  const number = Number(value);
  if (!/^\d{1,9}$/.test(value) || number < 1)
    throw new InputError(input, `expected a positive whole ${what}, got ${shown(value)}`);
  return number;
}

function boolean(input: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InputError(input, `expected true or false, got ${shown(value)}`);
}

/**
 * A multi-line input, one item a line: surrounding whitespace trimmed, blank lines and `#` comment lines
 * left out.
 */
function lines(value: string): string[] {
  return value
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function list(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((item) => item.replace(/^@/, ''))
    .filter(Boolean);
}
