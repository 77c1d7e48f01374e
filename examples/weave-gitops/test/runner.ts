/**
 * What the GitHub Actions runner does with a workflow, as far as the wiring test needs it: load the YAML,
 * find and parse `${{ }}` expressions with the contexts GitHub makes available where they stand, build the
 * `github` context of an event, evaluate `if:` conditions (with the implicit `success() &&`), and run a
 * `run:` step with bash as the runner runs it, reading what it writes to `$GITHUB_OUTPUT`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import { parse } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string | boolean;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string | number | boolean>;
}

export interface Job {
  name?: string;
  if?: string | boolean;
  'runs-on': string;
  permissions?: Json;
  steps: Step[];
}

export interface Workflow {
  /** The file name, e.g. `release.yaml`. */
  file: string;
  name: string;
  'run-name'?: string;
  on: Record<string, JsonObject | null>;
  permissions?: Json;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, Job>;
  /** The parsed document as it is, for walking every value. */
  document: JsonObject;
}

/** An Actions event: its name (`github.event_name`) and payload (`github.event`). */
export interface ActionsEvent {
  name: string;
  payload: Record<string, unknown>;
}

/** Values of the expression contexts (`github`, `inputs`, `steps`, ...), as plain JSON. */
export type Contexts = Partial<Record<string, Json>>;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every `.yaml`/`.yml` workflow of a directory, parsed and checked for the shape the runner requires. */
export function loadWorkflows(directory: string): Map<string, Workflow> {
  const workflows = new Map<string, Workflow>();
  for (const file of readdirSync(directory).sort()) {
    if (!/\.ya?ml$/.test(file)) continue;
    workflows.set(file, parseWorkflow(file, readFileSync(join(directory, file), 'utf8')));
  }
  return workflows;
}

/** The workflow `file` (its name, e.g. `release.yaml`) holds, checked for the shape the runner requires. */
export function parseWorkflow(file: string, text: string): Workflow {
  const document: unknown = parse(text);
  if (!isObject(document)) throw new Error(`${file}: not a mapping`);
  if (typeof document.name !== 'string') throw new Error(`${file}: no name`);
  if (!isObject(document.on)) throw new Error(`${file}: 'on' must be a mapping of events`);
  if (!isObject(document.jobs)) throw new Error(`${file}: no jobs`);
  for (const [id, job] of Object.entries(document.jobs)) {
    if (!isObject(job)) throw new Error(`${file}: job ${id} is not a mapping`);
    if (typeof job['runs-on'] !== 'string') throw new Error(`${file}: job ${id} has no runs-on`);
    if (!Array.isArray(job.steps) || !job.steps.every(isObject)) throw new Error(`${file}: job ${id} has no steps`);
    for (const step of job.steps) {
      if ((typeof step.uses === 'string') === (typeof step.run === 'string')) {
        throw new Error(`${file}: a step of job ${id} needs exactly one of uses and run`);
      }
    }
  }
  return { ...(document as unknown as Omit<Workflow, 'file' | 'document'>), file, document: document as JsonObject };
}

/** An action's metadata (`action.yml`): its inputs and outputs. */
export interface ActionMetadata {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

export function loadAction(path: string): ActionMetadata {
  const document: unknown = parse(readFileSync(path, 'utf8'));
  if (!isObject(document) || !isObject(document.inputs) || !isObject(document.outputs)) {
    throw new Error(`${path}: no inputs or outputs`);
  }
  return document as unknown as ActionMetadata;
}

/** One `${{ }}` in a string: the expression inside, and where the whole `${{ }}` starts and ends. */
export interface Embedded {
  expression: string;
  start: number;
  end: number;
}

/** The `${{ }}` expressions of a string; a `}}` inside a string literal does not close one. */
export function embeddedExpressions(text: string): Embedded[] {
  const found: Embedded[] = [];
  let start = text.indexOf('${{');
  while (start !== -1) {
    let i = start + 3;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "'") {
          if (text[i + 1] === "'") i++;
          else inString = false;
        }
      } else if (c === "'") inString = true;
      else if (c === '}' && text[i + 1] === '}') break;
    }
    if (i >= text.length) throw new Error(`unclosed \${{ in: ${text}`);
    found.push({ expression: text.slice(start + 3, i).trim(), start, end: i + 2 });
    start = text.indexOf('${{', i + 2);
  }
  return found;
}

type FunctionInfos = ConstructorParameters<typeof Parser>[2];
type FunctionDefinitions = NonNullable<ConstructorParameters<typeof Evaluator>[2]>;

const STATUS_FUNCTIONS = ['success', 'failure', 'cancelled', 'always'];
const statusFunctionInfos: FunctionInfos = STATUS_FUNCTIONS.map((name) => ({ name, minArgs: 0, maxArgs: 0 }));
const hashFiles: FunctionInfos = [{ name: 'hashFiles', minArgs: 1, maxArgs: 255 }];

const STEP_CONTEXTS = [
  'github',
  'needs',
  'strategy',
  'matrix',
  'job',
  'runner',
  'env',
  'vars',
  'secrets',
  'steps',
  'inputs',
];

/**
 * Where an expression may stand, with the contexts and functions GitHub makes available there (GitHub's
 * "Contexts reference", context availability table).
 */
export const PLACES = {
  'run-name': { contexts: ['github', 'inputs', 'vars'], functions: [] },
  concurrency: { contexts: ['github', 'inputs', 'vars'], functions: [] },
  env: { contexts: ['github', 'secrets', 'inputs', 'vars'], functions: [] },
  'job-if': { contexts: ['github', 'needs', 'vars', 'inputs'], functions: statusFunctionInfos },
  'job-name': { contexts: ['github', 'needs', 'strategy', 'matrix', 'vars', 'inputs'], functions: [] },
  'job-concurrency': { contexts: ['github', 'needs', 'strategy', 'matrix', 'inputs', 'vars'], functions: [] },
  'job-env': { contexts: ['github', 'needs', 'strategy', 'matrix', 'vars', 'secrets', 'inputs'], functions: [] },
  'job-outputs': { contexts: STEP_CONTEXTS, functions: [] },
  'step-if': {
    contexts: STEP_CONTEXTS.filter((c) => c !== 'secrets'),
    functions: [...statusFunctionInfos, ...hashFiles],
  },
  step: { contexts: STEP_CONTEXTS, functions: hashFiles },
} satisfies Record<string, { contexts: string[]; functions: FunctionInfos }>;
export type Place = keyof typeof PLACES;

const STEP_KEYS = new Set(['name', 'with', 'env', 'run', 'working-directory', 'continue-on-error', 'timeout-minutes']);
const JOB_KEYS: Record<string, Place> = {
  name: 'job-name',
  'runs-on': 'job-name',
  'timeout-minutes': 'job-name',
  concurrency: 'job-concurrency',
  env: 'job-env',
  outputs: 'job-outputs',
};

/** The place of a value in a workflow, from its path (`['jobs', 'guard', 'steps', 0, 'with', 'artifacts']`). */
export function placeOf(path: readonly (string | number)[]): Place | undefined {
  const [top, , jobKey, , stepKey] = path;
  if (top === 'run-name' || top === 'concurrency' || top === 'env') return top;
  if (top !== 'jobs' || typeof jobKey !== 'string') return undefined;
  if (jobKey === 'if') return 'job-if';
  if (jobKey === 'steps') {
    if (stepKey === 'if') return 'step-if';
    return typeof stepKey === 'string' && STEP_KEYS.has(stepKey) ? 'step' : undefined;
  }
  return JOB_KEYS[jobKey];
}

/** Every string of a document with its path. */
export function* strings(
  value: Json,
  path: (string | number)[] = [],
): Generator<{ path: (string | number)[]; text: string }> {
  if (typeof value === 'string') yield { path, text: value };
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, [...path, i]);
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) yield* strings(item, [...path, key]);
}

/** Parses an expression as the runner does at `place`: unknown contexts or functions there throw. */
export function parseAt(expression: string, place: Place) {
  const { tokens } = new Lexer(expression).lex();
  return new Parser(tokens, PLACES[place].contexts, PLACES[place].functions).parse();
}

/**
 * Every expression of a workflow with the place it stands: each `if:` as the condition GitHub evaluates
 * (`conditionExpression`), and each `${{ }}` elsewhere. Throws for a `${{ }}` where GitHub allows none.
 */
export function* workflowExpressions(w: Workflow): Generator<{ where: string; place: Place; expression: string }> {
  for (const { path, text } of strings(w.document)) {
    const place = placeOf(path);
    const where = `${w.file} ${path.join('.')}`;
    if (place === 'job-if' || place === 'step-if') {
      yield { where, place, expression: conditionExpression(text) };
      continue;
    }
    const found = embeddedExpressions(text);
    if (found.length === 0) continue;
    if (!place) throw new Error(`${where}: an expression where GitHub allows none`);
    for (const { expression } of found) yield { where: `${where}: ${expression}`, place, expression };
  }
}

/**
 * The expression an `if:` stands for: the value with or without `${{ }}`, and `success() && (...)` when it
 * calls no status function, as GitHub adds. A value that mixes text and `${{ }}` is a non-empty string to
 * GitHub, always true: that throws.
 */
export function conditionExpression(condition: string | boolean | undefined): string {
  if (condition === undefined) return 'success()';
  const text = String(condition).trim();
  const embedded = embeddedExpressions(text);
  let expression = text;
  if (embedded.length > 0) {
    const [only] = embedded;
    if (!only || embedded.length !== 1 || only.start !== 0 || only.end !== text.length) {
      throw new Error(`if: '${text}' mixes text and \${{ }}: GitHub reads it as a non-empty string, always true`);
    }
    expression = only.expression;
  }
  const { tokens } = new Lexer(expression).lex();
  const callsStatus = tokens.some(
    (token, i) => STATUS_FUNCTIONS.includes(token.lexeme.toLowerCase()) && tokens[i + 1]?.lexeme === '(',
  );
  return callsStatus ? expression : `success() && (${expression})`;
}

/** The status of a job so far, which `success()`, `failure()` and `cancelled()` report. */
export type JobStatus = 'success' | 'failure' | 'cancelled';

function statusFunctions(status: JobStatus): FunctionDefinitions {
  const result = (name: string, value: boolean) => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(value),
  });
  return new Map([
    ['success', result('success', status === 'success')],
    ['failure', result('failure', status === 'failure')],
    ['cancelled', result('cancelled', status === 'cancelled')],
    ['always', result('always', true)],
  ]);
}

/** The contexts available at `place` as expression data; an absent one is empty, as on the runner. */
function contextData(contexts: Contexts, place: Place): data.Dictionary {
  const complete = Object.fromEntries(PLACES[place].contexts.map((name) => [name, contexts[name] ?? {}]));
  return JSON.parse(JSON.stringify(complete), data.reviver) as data.Dictionary;
}

/** Evaluates one expression at `place`. */
export function evaluateAt(expression: string, place: Place, contexts: Contexts, status: JobStatus = 'success') {
  return new Evaluator(parseAt(expression, place), contextData(contexts, place), statusFunctions(status)).evaluate();
}

/** Whether a job (`job-if`) or step (`step-if`) with this `if:` runs, given the job's status so far. */
export function runs(
  condition: string | boolean | undefined,
  place: 'job-if' | 'step-if',
  contexts: Contexts,
  status: JobStatus = 'success',
): boolean {
  return truthy(evaluateAt(conditionExpression(condition), place, contexts, status));
}

/** A string with its `${{ }}` replaced by their values, as the runner fills `run-name`, `with:` and `env:`. */
export function evaluateTemplate(text: string, place: Place, contexts: Contexts): string {
  let result = '';
  let last = 0;
  for (const { expression, start, end } of embeddedExpressions(text)) {
    result += text.slice(last, start) + evaluateAt(expression, place, contexts).coerceString();
    last = end;
  }
  return result + text.slice(last);
}

function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) current = isObject(current) ? current[key] : undefined;
  return current;
}

function text(value: unknown, path: string): string {
  const found = at(value, path);
  return typeof found === 'string' ? found : '';
}

/**
 * The `github` context of a run for `event`, as the runner builds it: `ref` and `sha` follow GitHub's
 * "Events that trigger workflows" (the base branch for `pull_request_target`, the merge ref for
 * `pull_request` and `pull_request_review`, the group's branch and commit for `merge_group`, the default
 * branch for `workflow_run` and `schedule`, the pushed or dispatched ref otherwise). The commit a ref
 * points at is not in these payloads (but in a push's and a merge group's): it is derived from the ref.
 */
export function githubContext(event: ActionsEvent, workflow: Workflow): JsonObject {
  const { payload } = event;
  const repository = text(payload, 'repository.full_name');
  const headOf = (ref: string) => createHash('sha1').update(`${repository}@${ref}`).digest('hex');
  const defaultBranch = `refs/heads/${text(payload, 'repository.default_branch') || 'main'}`;
  let ref = defaultBranch;
  let sha = headOf(ref);
  let headRef = '';
  let baseRef = '';
  switch (event.name) {
    case 'pull_request_target':
      ref = `refs/heads/${text(payload, 'pull_request.base.ref')}`;
      sha = text(payload, 'pull_request.base.sha');
      headRef = text(payload, 'pull_request.head.ref');
      baseRef = text(payload, 'pull_request.base.ref');
      break;
    case 'pull_request':
    case 'pull_request_review':
      ref = `refs/pull/${String(at(payload, 'pull_request.number'))}/merge`;
      sha = headOf(ref);
      headRef = text(payload, 'pull_request.head.ref');
      baseRef = text(payload, 'pull_request.base.ref');
      break;
    case 'push':
      ref = text(payload, 'ref');
      sha = text(payload, 'after');
      break;
    case 'merge_group':
      ref = text(payload, 'merge_group.head_ref');
      sha = text(payload, 'merge_group.head_sha');
      break;
    case 'workflow_dispatch':
      ref = text(payload, 'ref');
      sha = headOf(ref);
      break;
  }
  const actor = text(payload, 'sender.login') || text(payload, 'repository.owner.login');
  return {
    event: JSON.parse(JSON.stringify(payload)) as JsonObject,
    event_name: event.name,
    repository,
    repository_owner: text(payload, 'repository.owner.login'),
    ref,
    ref_name: ref.replace(/^refs\/(heads|tags|pull)\//, ''),
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha,
    head_ref: headRef,
    base_ref: baseRef,
    actor,
    triggering_actor: actor,
    workflow: workflow.name,
    workflow_ref: `${repository}/.github/workflows/${workflow.file}@${ref}`,
    run_id: '1',
    run_number: '1',
    run_attempt: '1',
    server_url: 'https://github.com',
    api_url: 'https://api.github.com',
    graphql_url: 'https://api.github.com/graphql',
    token: '***',
  };
}

/**
 * The `inputs` context: for `workflow_dispatch`, the workflow's declared defaults overlaid with the
 * payload's inputs; empty for other events.
 */
export function inputsContext(event: ActionsEvent, workflow: Workflow): JsonObject {
  if (event.name !== 'workflow_dispatch') return {};
  const declared = at(workflow.on, 'workflow_dispatch.inputs');
  const defaults = Object.fromEntries(
    Object.entries(isObject(declared) ? declared : {}).flatMap(([name, input]) =>
      isObject(input) && input.default !== undefined ? [[name, input.default as Json]] : [],
    ),
  );
  const given = event.payload.inputs;
  return { ...defaults, ...(isObject(given) ? (given as JsonObject) : {}) };
}

/** The contexts of a job of `workflow` run for `event`, before any step ran. */
export function contextsFor(event: ActionsEvent, workflow: Workflow): Contexts {
  return { github: githubContext(event, workflow), inputs: inputsContext(event, workflow), vars: {}, needs: {} };
}

/** What a `run:` step did. */
export interface StepRun {
  code: number;
  outputs: Record<string, string>;
  stdout: string;
  stderr: string;
}

/** Parses `$GITHUB_OUTPUT`: `name=value` lines and `name<<DELIMITER` blocks. */
export function parseOutputFile(content: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block?.[1] && block[2]) {
      const end = lines.indexOf(block[2], i + 1);
      if (end === -1) throw new Error(`GITHUB_OUTPUT: ${block[1]} is never closed by ${block[2]}`);
      outputs[block[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

/**
 * Runs a `run:` step as the runner runs it with `shell: bash`: the script in a file, `bash --noprofile
 * --norc -eo pipefail`, the step's `env:` evaluated, `$GITHUB_OUTPUT` a fresh file. The script itself must
 * hold no `${{ }}` (values reach it through `env:`).
 */
export function runStep(step: Step, contexts: Contexts, options: { cwd?: string } = {}): StepRun {
  if (step.run === undefined) throw new Error(`step '${step.name ?? step.id}' is not a run step`);
  if (step.run.includes('${{')) throw new Error(`step '${step.name ?? step.id}' interpolates \${{ }} into its script`);
  const env = Object.fromEntries(
    Object.entries(step.env ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string' ? evaluateTemplate(value, 'step', contexts) : String(value),
    ]),
  );
  const directory = mkdtempSync(join(tmpdir(), 'release-guard-step-'));
  try {
    const script = join(directory, 'step.sh');
    const output = join(directory, 'output');
    writeFileSync(script, step.run);
    writeFileSync(output, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: options.cwd ?? directory,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: directory, GITHUB_OUTPUT: output, ...env },
      encoding: 'utf8',
    });
    return {
      code: result.status ?? -1,
      outputs: parseOutputFile(readFileSync(output, 'utf8')),
      stdout: result.stdout,
      stderr: result.stderr,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** One step of a simulated job: whether it ran, and how it ended. */
export interface StepResult {
  step: Step;
  ran: boolean;
  outcome?: 'success' | 'failure';
}

/**
 * Runs a job's steps in order as the runner decides them: each step's `if:` against the job's status so far
 * and the `steps` context of the steps before it. `perform` says what a step that runs does (for instance
 * `runStep`); a failure makes the job's status `failure`.
 */
export function simulateJob(
  job: Job,
  contexts: Contexts,
  perform: (step: Step, index: number, contexts: Contexts) => { code: number; outputs: Record<string, string> },
): { status: JobStatus; steps: StepResult[] } {
  let status: JobStatus = 'success';
  const stepsContext: JsonObject = {};
  const results: StepResult[] = [];
  for (const [index, step] of job.steps.entries()) {
    const current = { ...contexts, steps: stepsContext };
    if (!runs(step.if, 'step-if', current, status)) {
      if (step.id) stepsContext[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      results.push({ step, ran: false });
      continue;
    }
    const { code, outputs } = perform(step, index, current);
    const outcome = code === 0 ? 'success' : 'failure';
    if (outcome === 'failure') status = 'failure';
    if (step.id) stepsContext[step.id] = { outputs, outcome, conclusion: outcome };
    results.push({ step, ran: true, outcome });
  }
  return { status, steps: results };
}

/** Whether a branch matches a glob as the guard reads `release-branch`: `*` and `?` stay within one segment. */
export function globMatches(glob: string, branch: string): boolean {
  const source = glob
    .split(/(\*\*|\*|\?)/)
    .map((part) =>
      part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`).test(branch);
}
