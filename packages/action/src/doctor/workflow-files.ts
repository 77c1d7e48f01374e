/**
 * The workflow files of the base branch, read through the contents API and parsed with `yaml`: the jobs
 * that run the guard and the permissions they are given, and any job whose check run would carry the
 * guard's status name.
 */
import { parse } from 'yaml';
import { attempt, type DoctorScope, refusal } from './read.js';
import type { Finding } from './report.js';
import { GITHUB_ACTIONS_APP } from './required-status.js';

/** The directory GitHub runs workflows from. */
export const WORKFLOWS = '.github/workflows';

/** A workflow file as far as doctor reads it. */
export interface WorkflowFile {
  path: string;
  /** The parsed YAML, or why it could not be parsed. */
  yaml: Record<string, unknown> | { error: string };
}

/** A file at the base branch: its text, or the refusal (a 404 when it is missing). */
export async function readText(scope: DoctorScope, path: string) {
  const read = await attempt(() => scope.octokit.rest.repos.getContent({ ...scope.repo, path, ref: scope.base }));
  if (!read.ok) return read;
  const file = read.data as { type?: string; content?: string; encoding?: string };
  if (Array.isArray(read.data) || file.type !== 'file' || file.encoding !== 'base64') {
    return { ok: false as const, status: 404 as const, message: `${path} is not a file GitHub inlines` };
  }
  return { ok: true as const, text: Buffer.from(file.content ?? '', 'base64').toString('utf8'), headers: read.headers };
}

/** YAML text as an object, or why it is not one. */
export function parseWorkflow(text: string): WorkflowFile['yaml'] {
  try {
    const value = parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { error: 'not a mapping' };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] ?? 'not YAML' };
  }
}

/** A workflow's `on:` as a map of event to its configuration (null for `on: push`, `on: [push]`). */
export function triggersOf(yaml: Record<string, unknown>): Record<string, unknown> {
  const on = yaml.on;
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((t) => [String(t), null]));
  return on && typeof on === 'object' ? (on as Record<string, unknown>) : {};
}

/** The workflow files of the base branch (at most 50), or a note saying why they could not be listed. */
export async function workflowFiles(
  scope: DoctorScope,
): Promise<{ files: WorkflowFile[]; note?: Finding; scopes?: string }> {
  const listing = await attempt(() =>
    scope.octokit.rest.repos.getContent({ ...scope.repo, path: WORKFLOWS, ref: scope.base }),
  );
  if (!listing.ok || !Array.isArray(listing.data)) {
    return {
      files: [],
      note: {
        status: 'note',
        message: `the workflow files of ${scope.base} could not be listed (${listing.ok ? 'not a directory' : refusal(listing)}): jobs and their permissions were not checked`,
      },
    };
  }
  const scopes = listing.headers['x-oauth-scopes'];
  const files: WorkflowFile[] = [];
  for (const entry of listing.data.filter((e) => e.type === 'file' && /\.ya?ml$/.test(e.name)).slice(0, 50)) {
    const text = await readText(scope, entry.path);
    files.push({ path: entry.path, yaml: text.ok ? parseWorkflow(text.text) : { error: refusal(text) } });
  }
  return { files, ...(scopes === undefined ? {} : { scopes: String(scopes) }) };
}

type Level = 'none' | 'read' | 'write';
const LEVELS: readonly Level[] = ['none', 'read', 'write'];

/**
 * The permissions a guard job needs for its command and inputs: statuses (or checks), pull requests,
 * actions to dispatch, contents to read, packages for an artifact on ghcr.io. A doctor job reads them
 * all, the guard's statuses (or check runs) on merged release heads included.
 */
function needs(scope: DoctorScope, step: Record<string, unknown>): Record<string, Level> {
  const inputs = (step.with ?? {}) as Record<string, unknown>;
  const command = String(inputs.command ?? 'auto');
  if (command === 'doctor') {
    // The guard's verdicts on the heads of merged release pull requests: its statuses, or its check runs.
    const kind = inputs['status-kind'] === undefined ? scope.kind : String(inputs['status-kind']);
    const verdicts = kind === 'check-run' ? 'checks' : 'statuses';
    return { contents: 'read', 'pull-requests': 'read', actions: 'read', [verdicts]: 'read' };
  }
  const needed: Record<string, Level> = { contents: 'read' };
  if (/ghcr\.io/.test(String(inputs.artifacts ?? ''))) needed.packages = 'read';
  if (command === 'gate') return needed;
  needed[scope.kind === 'check-run' ? 'checks' : 'statuses'] = 'write';
  needed['pull-requests'] = 'write';
  if (inputs['release-workflow']) needed.actions = 'write';
  return needed;
}

/** What `permissions:` grants `name`: a map, `read-all`/`write-all`, or `{}`. */
function granted(permissions: unknown, name: string): Level {
  if (permissions === 'write-all') return 'write';
  if (permissions === 'read-all') return 'read';
  const value = (permissions as Record<string, unknown> | null | undefined)?.[name];
  return value === 'write' || value === 'read' ? value : 'none';
}

/** A job of a workflow file, with the step that runs the guard when it has one. */
interface Job {
  path: string;
  key: string;
  job: Record<string, unknown>;
  workflow: Record<string, unknown>;
  guard?: Record<string, unknown>;
}

/** The jobs of the workflow files that parsed. */
function jobsOf(files: WorkflowFile[]): Job[] {
  return files.flatMap((file) => {
    if ('error' in file.yaml) return [];
    const workflow = file.yaml;
    return Object.entries((workflow.jobs ?? {}) as Record<string, Record<string, unknown> | null>).map(
      ([key, value]) => {
        const job = value ?? {};
        const steps = Array.isArray(job.steps) ? (job.steps as Record<string, unknown>[]) : [];
        const guard = steps.find((s) =>
          /(^|\/)release-guard\/action@|^\.\/packages\/action$/.test(String(s?.uses ?? '')),
        );
        return { path: file.path, key, job, workflow, ...(guard ? { guard } : {}) };
      },
    );
  });
}

/** A `token:` that is the workflow's own (none given, `github.token`, `secrets.GITHUB_TOKEN`). */
const WORKFLOW_TOKEN = /^(?:\$\{\{\s*(?:github\.token|secrets\.GITHUB_TOKEN)\s*\}\})?$/;

/**
 * The jobs that run the guard (any command but `doctor`) with the workflow's `GITHUB_TOKEN`: their
 * check runs come from the GitHub Actions app, as every job's own check run does.
 */
export function onWorkflowToken(files: WorkflowFile[]): string[] {
  return jobsOf(files)
    .filter(({ guard }) => guard && String(inputsOf(guard).command ?? 'auto') !== 'doctor')
    .filter(({ guard }) => WORKFLOW_TOKEN.test(String(inputsOf(guard ?? {}).token ?? '').trim()))
    .map(({ path, key }) => `job "${key}" of ${path}`);
}

/**
 * The workflow files with a job that runs the guard (any command but `doctor`) and a `workflow_run`
 * trigger, with the workflows it names (`on.workflow_run.workflows`).
 */
export function guardWorkflowRuns(files: WorkflowFile[]): { path: string; workflows: string[] }[] {
  const guarded = new Set(
    jobsOf(files)
      .filter(({ guard }) => guard && String(inputsOf(guard).command ?? 'auto') !== 'doctor')
      .map(({ path }) => path),
  );
  return files.flatMap((file) => {
    if ('error' in file.yaml || !guarded.has(file.path)) return [];
    const triggers = triggersOf(file.yaml);
    if (!Object.hasOwn(triggers, 'workflow_run')) return [];
    const named = (triggers.workflow_run as { workflows?: unknown } | null)?.workflows;
    const workflows = Array.isArray(named) ? named.map(String) : typeof named === 'string' ? [named] : [];
    return [{ path: file.path, workflows }];
  });
}

function inputsOf(step: Record<string, unknown>): Record<string, unknown> {
  return (step.with ?? {}) as Record<string, unknown>;
}

/**
 * Check 5's part that workflow files show: each job that runs the guard against the permissions its
 * command needs (missing ones make the lock fail: the guard cannot write its status), and the jobs whose
 * name is the status context (their check run satisfies a requirement that is not pinned to an app, or
 * pinned to GitHub Actions, whose check runs every job's is).
 */
export function judgeWorkflows(
  scope: DoctorScope,
  files: WorkflowFile[],
  pin: { pinned: boolean; actionsPin: boolean },
): { permissions: Finding[]; jobs: Finding[] } {
  const permissions: Finding[] = files.flatMap((file) =>
    'error' in file.yaml
      ? [{ status: 'note' as const, message: `${file.path} could not be read: ${String(file.yaml.error)}` }]
      : [],
  );
  const jobs: Finding[] = [];
  for (const { path, key, job, workflow, guard } of jobsOf(files)) {
    const name = typeof job.name === 'string' ? job.name : key;
    if (name === scope.context) jobs.push(namedLikeStatus(scope, `job "${key}" of ${path}`, pin));
    if (!guard) continue;
    const declared = job.permissions ?? workflow.permissions;
    if (declared === undefined) {
      permissions.push({
        status: 'warn',
        message: `job "${key}" of ${path} runs the guard with the repository's default token permissions`,
        fix: 'declare permissions: on the job (see the action README, Tokens)',
      });
      continue;
    }
    const missing = Object.entries(needs(scope, guard))
      .filter(([name, level]) => LEVELS.indexOf(granted(declared, name)) < LEVELS.indexOf(level))
      .map(([name, level]) => `${name}: ${level}`);
    permissions.push(
      missing.length === 0
        ? { status: 'pass', message: `job "${key}" of ${path} has the permissions its command needs` }
        : {
            status: 'fail',
            message: `job "${key}" of ${path} runs the guard without ${missing.join(', ')}`,
            fix: `add ${missing.join(', ')} to the job's permissions:`,
          },
    );
  }
  if (jobs.length === 0) jobs.push({ status: 'pass', message: `no workflow job is named ${scope.context}` });
  return { permissions, jobs };
}

function namedLikeStatus(scope: DoctorScope, job: string, pin: { pinned: boolean; actionsPin: boolean }): Finding {
  if (pin.pinned) {
    return {
      status: 'note',
      message: `${job} is named ${scope.context}: the requirement is pinned to an app, so its check run does not count`,
    };
  }
  return {
    status: 'fail',
    message: pin.actionsPin
      ? `${job} is named ${scope.context}: the requirement is pinned to the GitHub Actions app (${GITHUB_ACTIONS_APP}), which every job's own check run comes from, so its check run satisfies the required \`${scope.context}\` by itself`
      : `${job} is named ${scope.context}: its check run satisfies the required \`${scope.context}\` by itself`,
    fix: `rename the job, and pin the required check to a dedicated GitHub App of the guard's (status-kind: check-run)`,
  };
}
