import type { GuardEvent } from '@release-guard/core';
import { runAttemptId, runVersion } from '@release-guard/github-adapter';

/** What one Actions event means for the guard. */
export type EventPlan =
  /** Run the guard for one pull request, with these events (reviews and plain updates are read as facts). */
  | { kind: 'pull-request'; number: number; events: GuardEvent[] }
  /**
   * A workflow run started or finished: when `workflowPath` is the release workflow, find its pull request
   * by head branch and apply these.
   */
  | {
      kind: 'release-run';
      workflowPath: string;
      headBranch: string;
      headSha: string;
      /** What started the run, its name, and the repository of its head: whether it is a release run at all. */
      run: {
        event: string;
        displayTitle: string;
        headRepository: string | undefined;
        /** Who started the run (a re-run keeps it): only the guard's own dispatches release. */
        actor: string | undefined;
        succeeded: boolean;
      };
      events: GuardEvent[];
    }
  /** Sweep every open release pull request (scheduled or dispatched by hand). */
  | { kind: 'sweep' }
  /** Nothing to do: why. */
  | { kind: 'ignore'; notice: string };

/** The events `auto` acts on (`planFor`); it answers any other with a notice and no effects. */
export const AUTO_EVENTS = [
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'workflow_run',
  'merge_group',
  'schedule',
  'workflow_dispatch',
] as const;

/** A payload that is not what GitHub sends for its event: what is wrong, where. */
export class EventPayloadError extends Error {
  override name = 'EventPayloadError';
}

type Json = Record<string, unknown>;

/**
 * Maps an Actions event (`GITHUB_EVENT_NAME` and the payload at `GITHUB_EVENT_PATH`) to what the guard
 * must do. Approvals and dismissals are not turned into events: the guard reads reviews from GitHub
 * (`observe`), where their authorization is decided, so a forged or redelivered payload cannot approve.
 * The merge queue's deliveries (`pull_request` `enqueued` and `dequeued`, `merge_group`) become events the
 * core weighs against what it recorded and what GitHub shows (`observe` reads the queue too).
 * Throws `EventPayloadError` for a payload that lacks what its event always carries.
 *
 * @example
 * ```ts
 * const plan = planFor(process.env.GITHUB_EVENT_NAME ?? '', JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH ?? '', 'utf8')));
 * ```
 */
export function planFor(eventName: string, payload: unknown): EventPlan {
  if (!isObject(payload)) throw new EventPayloadError(`the ${eventName} payload is not a JSON object`);
  switch (eventName) {
    case 'pull_request':
    case 'pull_request_target':
      return pullRequest(eventName, payload);
    case 'pull_request_review':
      return { kind: 'pull-request', number: pullRequestNumber(eventName, payload), events: [] };
    case 'workflow_run':
      return workflowRun(payload);
    case 'merge_group':
      return mergeGroup(payload);
    case 'schedule':
    case 'workflow_dispatch':
      return { kind: 'sweep' };
    default:
      return { kind: 'ignore', notice: `release-guard does not act on ${word(eventName)} events` };
  }
}

/** @deprecated Use planFor. */
export const toGuardEvents: typeof planFor = planFor;

function pullRequest(eventName: string, payload: Json): EventPlan {
  const action = text(payload, 'action', eventName);
  const number = pullRequestNumber(eventName, payload);
  const pr = payload.pull_request as Json;
  const head = object(pr, 'head', `${eventName}.pull_request`);
  const sha = commit(head, 'sha', `${eventName}.pull_request.head`);
  switch (action) {
    case 'opened':
      return { kind: 'pull-request', number, events: [] };
    case 'reopened':
      return { kind: 'pull-request', number, events: [{ type: 'REOPENED', sha }] };
    case 'synchronize':
      return { kind: 'pull-request', number, events: [{ type: 'HEAD_CHANGED', sha }] };
    case 'edited':
      return edited(eventName, number, payload);
    case 'enqueued':
      return { kind: 'pull-request', number, events: [{ type: 'ENQUEUED', sha }] };
    case 'dequeued': {
      // GitHub's reason (`CI_FAILURE`, `MANUAL`…) goes to the timeline as one short, inert word.
      const reason = word(text(payload, 'reason', eventName));
      return { kind: 'pull-request', number, events: [{ type: 'DEQUEUED', sha, reason }] };
    }
    case 'closed': {
      if (pr.merged !== true) return { kind: 'pull-request', number, events: [{ type: 'CLOSED' }] };
      const by = isObject(pr.merged_by) ? login(pr.merged_by, `${eventName}.pull_request.merged_by`) : 'unknown';
      return { kind: 'pull-request', number, events: [{ type: 'MERGED', sha, by }] };
    }
    default:
      return { kind: 'ignore', notice: `release-guard does not act on ${word(eventName)}.${word(action)}` };
  }
}

/**
 * An edit: a new title (the version of a release pull request may be read from it) or a new base (its
 * changed files are then others) runs the guard with no events: it reads the title and the files from
 * GitHub, never from the payload, and reconcile applies them. An edit of neither, such as the body's, is
 * ignored.
 */
function edited(eventName: string, number: number, payload: Json): EventPlan {
  const changes = object(payload, 'changes', eventName);
  if (isObject(changes.title) || isObject(changes.base)) return { kind: 'pull-request', number, events: [] };
  const what = Object.keys(changes).slice(0, 5).map(word).join(', ') || 'nothing';
  return {
    kind: 'ignore',
    notice: `release-guard does not act on ${word(eventName)}.edited that changes neither the title nor the base (it changes ${what})`,
  };
}

function workflowRun(payload: Json): EventPlan {
  const action = text(payload, 'action', 'workflow_run');
  const run = object(payload, 'workflow_run', 'workflow_run');
  const headSha = commit(run, 'head_sha', 'workflow_run.workflow_run');
  const headBranch = text(run, 'head_branch', 'workflow_run.workflow_run');
  const id = run.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw new EventPayloadError('workflow_run.workflow_run.id must be a positive integer');
  }
  const attempt = run.run_attempt ?? 1;
  if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1) {
    throw new EventPayloadError('workflow_run.workflow_run.run_attempt must be a positive integer');
  }
  const runId = runAttemptId(id, attempt);
  const workflowPath = text(run, 'path', 'workflow_run.workflow_run');
  const headRepository = isObject(run.head_repository) ? run.head_repository.full_name : undefined;
  const about = (succeeded: boolean) => ({
    event: text(run, 'event', 'workflow_run.workflow_run'),
    displayTitle: typeof run.display_title === 'string' ? run.display_title : '',
    headRepository: typeof headRepository === 'string' ? headRepository : undefined,
    actor: isObject(run.actor) && typeof run.actor.login === 'string' ? run.actor.login : undefined,
    succeeded,
  });
  // The version the run's name says it releases (`RELEASE_RUN_NAME`): a run of another version than the
  // head's is not its release.
  const named = typeof run.display_title === 'string' ? runVersion(run.display_title, headSha) : undefined;
  const version = named === undefined ? {} : { version: named };
  if (action === 'requested' || action === 'in_progress') {
    const events: GuardEvent[] = [{ type: 'RELEASE_STARTED', sha: headSha, runId, ...version }];
    return { kind: 'release-run', workflowPath, headBranch, headSha, run: about(false), events };
  }
  if (action !== 'completed')
    return { kind: 'ignore', notice: `release-guard does not act on workflow_run.${word(action)}` };
  const conclusion = run.conclusion ?? 'unknown';
  if (typeof conclusion !== 'string' || !CONCLUSIONS.includes(conclusion)) {
    throw new EventPayloadError(
      `workflow_run.workflow_run.conclusion must be one of GitHub's conclusions (${CONCLUSIONS.join(', ')})`,
    );
  }
  const outcome: GuardEvent =
    conclusion === 'success'
      ? { type: 'RELEASE_SUCCEEDED', sha: headSha, runId, ...version }
      : { type: 'RELEASE_FAILED', sha: headSha, runId, reason: `the release run concluded ${conclusion}`, ...version };
  const events: GuardEvent[] = [{ type: 'RELEASE_STARTED', sha: headSha, runId, ...version }, outcome];
  return { kind: 'release-run', workflowPath, headBranch, headSha, run: about(conclusion === 'success'), events };
}

/** Why a merge group was destroyed, as `merge_group` `destroyed` spells it. */
const DESTROYED_REASONS = ['merged', 'invalidated', 'dequeued'];

/**
 * A merge group: the queue built one (`checks_requested`), whose commit (`head_sha`) needs the guard's
 * verdict, or destroyed one. Its pull request and that pull request's head are named only by the group's
 * branch (`groupBranch`). A group destroyed because it merged needs nothing: the `pull_request` `closed`
 * delivery records the merge; destroyed otherwise, the pull request left the queue.
 */
function mergeGroup(payload: Json): EventPlan {
  const action = text(payload, 'action', 'merge_group');
  const group = object(payload, 'merge_group', 'merge_group');
  const groupSha = commit(group, 'head_sha', 'merge_group.merge_group');
  const { number, sha } = groupBranch(group);
  if (action === 'checks_requested') {
    return { kind: 'pull-request', number, events: [{ type: 'MERGE_GROUP', sha, groupSha }] };
  }
  if (action !== 'destroyed')
    return { kind: 'ignore', notice: `release-guard does not act on merge_group.${word(action)}` };
  const reason = text(payload, 'reason', 'merge_group');
  if (!DESTROYED_REASONS.includes(reason)) {
    throw new EventPayloadError(`merge_group.reason must be one of GitHub's (${DESTROYED_REASONS.join(', ')})`);
  }
  if (reason === 'merged') {
    return {
      kind: 'ignore',
      notice: `the merge group of #${number} merged: the pull_request closed delivery records the merge`,
    };
  }
  const dequeued = `the merge group was destroyed (${reason})`;
  return { kind: 'pull-request', number, events: [{ type: 'DEQUEUED', sha, reason: dequeued }] };
}

const GROUP_BRANCH = 'refs/heads/gh-readonly-queue/';

/**
 * The pull request and commit a merge group's branch names (the adapter judges the group for the head
 * GitHub's queue entry names, which wins over this commit): `head_ref` is
 * `refs/heads/gh-readonly-queue/<base>/pr-<number>-<head sha>`, read from the right, since the base may
 * hold `/` itself; the base must be the group's `base_ref`.
 */
function groupBranch(group: Json): { number: number; sha: string } {
  const where = 'merge_group.merge_group';
  const ref = text(group, 'head_ref', where);
  const baseRef = text(group, 'base_ref', where);
  const slash = ref.lastIndexOf('/');
  const base = ref.slice(GROUP_BRANCH.length, Math.max(slash, GROUP_BRANCH.length));
  const entry = /^pr-([1-9][0-9]{0,15})-([0-9a-f]+)$/.exec(ref.slice(slash + 1));
  const number = Number(entry?.[1]);
  const sha = entry?.[2] ?? '';
  if (!ref.startsWith(GROUP_BRANCH) || base === '' || !Number.isSafeInteger(number) || !isCommitSha(sha)) {
    throw new EventPayloadError(
      `${where}.head_ref must be a merge group branch, refs/heads/gh-readonly-queue/<base>/pr-<number>-<head sha> (a full SHA)`,
    );
  }
  if (baseRef !== `refs/heads/${base}`)
    throw new EventPayloadError(`${where}.head_ref must name the branch of ${where}.base_ref as its base`);
  return { number, sha };
}

function pullRequestNumber(eventName: string, payload: Json): number {
  const pr = object(payload, 'pull_request', eventName);
  const number = pr.number;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) {
    throw new EventPayloadError(`${eventName}.pull_request.number must be a positive integer`);
  }
  return number;
}

/** What GitHub reports as a completed run's conclusion (`unknown` stands for a missing one). */
const CONCLUSIONS = [
  'success',
  'failure',
  'cancelled',
  'timed_out',
  'action_required',
  'neutral',
  'skipped',
  'stale',
  'startup_failure',
  'unknown',
];

/** A name from the payload as a notice may show it: one short word, nothing to render. */
export function word(value: string): string {
  const clean = value.replace(/[^A-Za-z0-9_.-]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

/** Whether `value` is a full commit SHA: 40 (SHA-1) or 64 (SHA-256) lowercase hexadecimal characters. */
export function isCommitSha(value: string): boolean {
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(value);
}

function commit(value: Json, key: string, where: string): string {
  const found = text(value, key, where);
  if (!isCommitSha(found))
    throw new EventPayloadError(`${where}.${key} must be a commit SHA (40 or 64 lowercase hexadecimal characters)`);
  return found;
}

function login(value: Json, where: string): string {
  const found = text(value, 'login', where);
  if (!/^[A-Za-z0-9-]{1,39}(\[bot\])?$/.test(found))
    throw new EventPayloadError(`${where}.login must be a GitHub login (at most 39 letters, digits or hyphens)`);
  return found;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: Json, key: string, where: string): Json {
  const found = value[key];
  if (!isObject(found)) throw new EventPayloadError(`${where}.${key} must be an object`);
  return found;
}

function text(value: Json, key: string, where: string): string {
  const found = value[key];
  if (typeof found !== 'string' || found.length === 0)
    throw new EventPayloadError(`${where}.${key} must be a non-empty string`);
  return found;
}
