/**
 * What the action says to the runner, as `@actions/core` says it: workflow commands on stdout (`::notice::`,
 * `::add-mask::`, `::group::`), the step's outputs in the `GITHUB_OUTPUT` file and its summary in the
 * `GITHUB_STEP_SUMMARY` file. Only these few, written here so that every run, an ignored event included,
 * loads no more than `node:fs` and `node:os` for them, where `@actions/core` loads `node:crypto` and its
 * streams on import for the delimiter of an output.
 */
import { accessSync, appendFileSync, constants, existsSync } from 'node:fs';
import { EOL } from 'node:os';

/** Writes one line of the step's log. */
export function info(message: string): void {
  process.stdout.write(message + EOL);
}

/** A workflow command: `::name::message`, with the message escaped so that it stays on one line. */
export function command(name: 'notice' | 'warning' | 'error' | 'add-mask' | 'group' | 'endgroup', message = ''): void {
  info(`::${name}::${escaped(message)}`);
}

/** Runs `fn` inside a collapsible group of the log. */
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  command('group', name);
  try {
    return await fn();
  } finally {
    command('endgroup');
  }
}

/** Sets an output of the step, in the `GITHUB_OUTPUT` file (or as the deprecated `set-output` command without one). */
export function setOutput(name: string, value: string): void {
  const path = process.env.GITHUB_OUTPUT || '';
  if (!path) {
    process.stdout.write(EOL);
    info(`::set-output name=${escaped(name).replace(/:/g, '%3A').replace(/,/g, '%2C')}::${escaped(value)}`);
    return;
  }
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`);
  appendFileSync(path, outputLines(name, value), { encoding: 'utf8' });
}

/**
 * An output as the runner reads the `GITHUB_OUTPUT` file (actions/runner, `FileCommandManager`): a line
 * `name=value` when the value is one line (the first `=` ends the name, and the name holds no `<<`), else
 * `name<<delimiter`, the value's lines and the delimiter. The delimiter is a random UUID, as
 * `@actions/core` makes it, and the value is checked not to contain it, so it cannot end early and set
 * other outputs; Web Crypto, which makes it, is initialised only for such a value.
 */
function outputLines(name: string, value: string): string {
  if (!/[\r\n=]|<</.test(name) && !/[\r\n]/.test(value)) return `${name}=${value}${EOL}`;
  const delimiter = `ghadelimiter_${globalThis.crypto.randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`Unexpected input: the output ${name} contains its delimiter "${delimiter}"`);
  }
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

/** Appends `markdown` and a line break to the job summary, in the `GITHUB_STEP_SUMMARY` file. */
export function appendSummary(markdown: string): void {
  const path = process.env.GITHUB_STEP_SUMMARY;
  if (!path) throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY.');
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch {
    throw new Error(`Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`);
  }
  appendFileSync(path, markdown + EOL, { encoding: 'utf8' });
}

/** Fails the step: exit code 1, and `message` as an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  command('error', message);
}

/** `text` on one line, as the runner reads a command's data: `%`, CR and LF percent-encoded. */
function escaped(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
