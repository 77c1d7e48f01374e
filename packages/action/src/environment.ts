/**
 * The runner's context of one run, read from the `GITHUB_*` variables and the event payload file. The
 * clients are made apart (`clients.ts`), only when a command needs them.
 */
import { readFileSync } from 'node:fs';
import type { ActionContext } from './run.js';

/** A runner variable that is missing or not of its form: names it. */
export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}

/**
 * The runner's context, from the `GITHUB_*` variables and the event payload file. `eventless` (the CLI's
 * `doctor`, which needs none) takes a missing event as none: an empty name and a null payload.
 */
export function actionContext(
  env: NodeJS.ProcessEnv,
  read: (path: string) => string = readText,
  eventless = false,
): ActionContext {
  const none = eventless && !env.GITHUB_EVENT_NAME && !env.GITHUB_EVENT_PATH;
  const eventName = none ? '' : required(env, 'GITHUB_EVENT_NAME');
  const path = none ? '' : required(env, 'GITHUB_EVENT_PATH');
  let payload: unknown = null;
  try {
    if (!none) payload = JSON.parse(read(path));
  } catch (error) {
    throw new EnvironmentError(
      `GITHUB_EVENT_PATH: the event payload ${path} could not be read as JSON (${(error as Error).message.split('\n')[0]})`,
    );
  }
  const repository = required(env, 'GITHUB_REPOSITORY');
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repository);
  if (!match) throw new EnvironmentError(`GITHUB_REPOSITORY: expected owner/name, got '${repository.slice(0, 100)}'`);
  const runId = Number(env.GITHUB_RUN_ID);
  const attempt = Number(env.GITHUB_RUN_ATTEMPT || '1');
  const refName = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME;
  return {
    eventName,
    payload,
    repository: { owner: match[1] as string, repo: match[2] as string },
    ...(Number.isSafeInteger(runId) && runId > 0
      ? { run: { id: runId, attempt: Number.isSafeInteger(attempt) && attempt > 0 ? attempt : 1 } }
      : {}),
    ...(refName ? { refName } : {}),
    ...(env.GITHUB_SHA ? { sha: env.GITHUB_SHA } : {}),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new EnvironmentError(`${name} is not set: release-guard runs as a step of a GitHub Actions job`);
  return value;
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
