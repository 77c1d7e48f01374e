/**
 * The workflow files of the base branch, read through the contents API and parsed with `yaml`: the jobs
 * that run the guard and the permissions they are given, and any job whose check run would carry the
 * guard's status name.
 */
import { parse } from 'yaml';
import { attempt, type DoctorScope, refusal } from './read.js';
import type { Finding } from './report.js';

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
 * actions to dispatch, contents to read, packages for an artifact on ghcr.io.
 */
function needs(scope: DoctorScope, step: Record<string, unknown>): Record<string, Level> {
  const inputs = (step.with ?? {}) as Record<string, unknown>;
  const command = String(inputs.command ?? 'auto');
  if (command === 'doctor') return { contents: 'read', 'pull-requests': 'read', actions: 'read' };
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

/**
 * Check 5's part that workflow files show: each job that runs the guard against the permissions its
 * command needs (missing ones make the lock fail: the guard cannot write its status), and the jobs whose
 * name is the status context (their check run satisfies a requirement that is not pinned to an app).
 */
export function judgeWorkflows(
  scope: DoctorScope,
  files: WorkflowFile[],
  pinned: boolean,
): { permissions: Finding[]; jobs: Finding[] } {
  const permissions: Finding[] = [];
  const jobs: Finding[] = [];
  for (const file of files) {
    if ('error' in file.yaml) {
      permissions.push({ status: 'note', message: `${file.path} could not be read: ${String(file.yaml.error)}` });
      continue;
    }
    const workflow = file.yaml;
    for (const [key, value] of Object.entries((workflow.jobs ?? {}) as Record<string, Record<string, unknown>>)) {
      const job = value ?? {};
      const name = typeof job.name === 'string' ? job.name : key;
      if (name === scope.context) {
        jobs.push(
          pinned
            ? {
                status: 'note',
                message: `job "${key}" of ${file.path} is named ${scope.context}: the requirement is pinned to an app, so its check run does not count`,
              }
            : {
                status: 'fail',
                message: `job "${key}" of ${file.path} is named ${scope.context}: its check run satisfies the required \`${scope.context}\` by itself`,
                fix: `rename the job, or pin the required check to the guard's app (status-kind: check-run)`,
              },
        );
      }
      const steps = Array.isArray(job.steps) ? (job.steps as Record<string, unknown>[]) : [];
      const guard = steps.find((s) =>
        /(^|\/)release-guard\/action@|^\.\/packages\/action$/.test(String(s?.uses ?? '')),
      );
      if (!guard) continue;
      const declared = job.permissions ?? workflow.permissions;
      if (declared === undefined) {
        permissions.push({
          status: 'warn',
          message: `job "${key}" of ${file.path} runs the guard with the repository's default token permissions`,
          fix: 'declare permissions: on the job (see the action README, Tokens)',
        });
        continue;
      }
      const missing = Object.entries(needs(scope, guard))
        .filter(([name, level]) => LEVELS.indexOf(granted(declared, name)) < LEVELS.indexOf(level))
        .map(([name, level]) => `${name}: ${level}`);
      permissions.push(
        missing.length === 0
          ? { status: 'pass', message: `job "${key}" of ${file.path} has the permissions its command needs` }
          : {
              status: 'fail',
              message: `job "${key}" of ${file.path} runs the guard without ${missing.join(', ')}`,
              fix: `add ${missing.join(', ')} to the job's permissions:`,
            },
      );
    }
  }
  if (jobs.length === 0) jobs.push({ status: 'pass', message: `no workflow job is named ${scope.context}` });
  return { permissions, jobs };
}
