import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import {
  type ApprovalFact,
  type Effect,
  fillRef,
  type Guard,
  type GuardEvent,
  type GuardFacts,
  type GuardSnapshot,
  GuardStateError,
  type Phase,
  type PullRequest,
  type StatusFact,
  type StatusState,
  type Step,
  shortSha,
} from '@release-guard/core';
import { type MemoryWorld, memoryExecutor, memoryWorld } from '@release-guard/github-adapter';

// ---- Where the tool keeps the guard's state between runs -----------------------------------------

/** Where a release tool keeps the serialized snapshot of one pull request between its runs. */
export interface SnapshotStore {
  /** Where it is, for messages (a path, a key). */
  readonly location: string;
  /** The stored text, or undefined when nothing was stored yet. */
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
}

/** A snapshot kept in a file, as a release script run from a laptop or a CI job would keep it. */
export function fileStore(path: string): SnapshotStore {
  return {
    location: path,
    async read() {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(text) {
      await writeFile(path, text, 'utf8');
    },
  };
}

/** The stored snapshot could not be trusted: the run stops before anything is executed. */
export class StoredSnapshotError extends Error {
  override name = 'StoredSnapshotError';
  constructor(
    readonly location: string,
    override readonly cause: GuardStateError,
  ) {
    super(
      `Refusing the release-guard state stored in ${location}: ${cause.message}\n` +
        'Nothing was executed. Rebuild the state from the code host with recover().',
    );
  }
}

// ---- The code host and the registry, in memory -------------------------------------------------

/**
 * What the tool talks to: the adapter's in-memory world (head, statuses, release runs, registry,
 * merge, branch protection), plus what a code host lists that the world does not model: the approving
 * reviews and the conclusions of finished release runs. `recover` reads its facts from here.
 */
export interface Host {
  world: MemoryWorld;
  reviews: ApprovalFact[];
  /** Conclusions of finished release runs, by run id; a run without one is still running. */
  conclusions: Map<string, 'success' | 'failure'>;
}

/** A host whose default branch requires the guard's status check, as the guard's setup asks for. */
export function createHost(guard: Guard, pr: PullRequest): Host {
  const world = memoryWorld(pr.headSha);
  world.requiredContexts = [guard.settings.statusContext];
  return { world, reviews: [], conclusions: new Map() };
}

/** A maintainer approves the head: the host lists the review and sends its webhook, returned here. */
export function approve(host: Host, review: { reviewId: number; reviewer: string }): GuardEvent {
  const approval: ApprovalFact = { ...review, sha: host.world.head, authorized: true };
  host.reviews.push(approval);
  return { type: 'APPROVED', ...approval };
}

/** Someone pushes to the release branch: the host moves the head and sends the webhook. */
export function push(host: Host, sha: string): GuardEvent {
  host.world.head = sha;
  return { type: 'HEAD_CHANGED', sha };
}

/** The refs of the artifacts the release must publish before the pull request may be merged. */
export function requiredRefs(guard: Guard, pr: PullRequest): string[] {
  return guard.settings.artifacts.filter((a) => !a.onMerge).map((a) => fillRef(a.ref, pr).ref);
}

/**
 * The release job of run `runId` ends: it pushed `published` to the registry (possibly not all it
 * should have) and reported success. Returns the webhook of the run's success.
 */
export function finishRelease(host: Host, runId: string, published: readonly string[]): GuardEvent {
  const run = host.world.runs.find((r) => r.runId === runId);
  if (!run) throw new Error(`no release run ${runId} was started`);
  for (const ref of published) host.world.registry.set(ref, `sha256:${createHash('sha256').update(ref).digest('hex')}`);
  host.conclusions.set(runId, 'success');
  return { type: 'RELEASE_SUCCEEDED', sha: run.sha, runId };
}

/**
 * The release job of `runId` is re-run by hand (a new attempt, as the CI names it `<run>.<attempt>`).
 * Neither executor starts a second run of a SHA whose run succeeded (its tag may already be pushed), so
 * after a release that succeeded without its artifacts this is how a new attempt comes. Returns its webhook.
 */
export function rerunRelease(host: Host, runId: string): GuardEvent {
  const run = host.world.runs.find((r) => r.runId === runId);
  if (!run) throw new Error(`no release run ${runId} was started`);
  const [id, attempt] = runId.split('.');
  const next = `${id}.${Number(attempt ?? 1) + 1}`;
  host.world.runs.push({ sha: run.sha, runId: next, failed: false });
  return { type: 'RELEASE_STARTED', sha: run.sha, runId: next };
}

/** The latest status of `context` on `sha`, as branch protection reads it. */
export function latestStatus(host: Host, sha: string, context: string): string | undefined {
  return host.world.statuses.findLast((s) => s.sha === sha && s.context === context)?.state;
}

/**
 * A person clicks "merge" on the pull request. The host applies branch protection (the guard's
 * required check must be `success` on the head), exactly as it does for the guard's own merge.
 * When it merges, the caller hands the returned `MERGED` event to the next run.
 */
export async function mergeByHand(
  host: Host,
  pr: PullRequest,
  by: string,
): Promise<{ merged: true; event: GuardEvent } | { merged: false; reason: string }> {
  const hand = memoryExecutor(host.world, { mergedBy: by });
  const [answer] = await hand.execute({
    type: 'MERGE',
    pr: pr.number,
    sha: host.world.head,
    method: 'merge',
    via: 'merge',
  });
  if (answer?.type === 'MERGED') return { merged: true, event: answer };
  return { merged: false, reason: answer?.type === 'MERGE_REJECTED' ? answer.message : 'no answer' };
}

// ---- One run of the release tool ---------------------------------------------------------------

export interface ToolContext {
  guard: Guard;
  pr: PullRequest;
  host: Host;
  store: SnapshotStore;
  /** Who merges for the guard. */
  bot: string;
}

/** One call to the guard during a run: what it was given and what it decided. */
export interface AppliedStep {
  /** `start` and `reconcile` build the state; `webhook` is an input of the run; `executor` an effect's answer. */
  source: 'start' | 'reconcile' | 'webhook' | 'executor';
  event?: GuardEvent;
  phase: Phase;
  effects: Effect[];
  ignored?: string;
}

/** What one run did. */
export interface RunReport {
  title: string;
  steps: AppliedStep[];
  /** Every effect executed, in order, with the events it answered with. */
  executed: { effect: Effect; answers: GuardEvent[] }[];
  snapshot: GuardSnapshot;
  /** The text written to the store at the end of the run. */
  saved: string;
  alerts: string[];
}

/** Reads and checks the stored snapshot; undefined when none was stored yet. */
export async function loadSnapshot(ctx: ToolContext): Promise<GuardSnapshot | undefined> {
  const text = await ctx.store.read();
  if (text === undefined) return undefined;
  try {
    return ctx.guard.restore(text);
  } catch (error) {
    if (error instanceof GuardStateError) throw new StoredSnapshotError(ctx.store.location, error);
    throw error;
  }
}

/**
 * One run of the release tool, as one process would do it: restore the snapshot stored by the
 * previous run (or start guarding the pull request on the first run), apply the webhook `events`,
 * execute every effect through the executor and apply their answers until none is left, then store
 * the new snapshot. A stored snapshot that cannot be trusted stops the run before anything happens.
 */
export async function releaseRun(
  ctx: ToolContext,
  title: string,
  events: readonly GuardEvent[] = [],
  at?: string,
): Promise<RunReport> {
  const stored = await loadSnapshot(ctx);
  return drive(
    ctx,
    title,
    at,
    (record) => {
      if (stored) return stored;
      const step = ctx.guard.start(ctx.pr);
      record('start', undefined, step);
      return step.snapshot;
    },
    events,
  );
}

/**
 * Rebuilds the state from what the host shows (`guard.reconcile`), ignoring whatever is stored: the
 * way out after `StoredSnapshotError`, or after a run that crashed before saving. The guard then asks
 * for whatever the facts leave undone (a verification, a merge), which is executed as in any run.
 */
export async function recover(ctx: ToolContext, title: string, at?: string): Promise<RunReport> {
  const facts = factsOf(ctx, at);
  return drive(ctx, title, at, (record) => {
    const step = ctx.guard.reconcile(undefined, facts);
    record('reconcile', undefined, step);
    return step.snapshot;
  });
}

/** The facts the host shows about the pull request, as `guard.reconcile` takes them. */
export function factsOf(ctx: ToolContext, at?: string): GuardFacts {
  const { world, reviews, conclusions } = ctx.host;
  const merged = world.merged;
  return {
    pr: {
      ...ctx.pr,
      headSha: world.head,
      state: merged ? 'merged' : 'open',
      ...(merged ? { mergedSha: merged.sha, mergedBy: merged.by } : {}),
    },
    approvals: reviews,
    releaseRuns: world.runs.map((run) => ({
      runId: run.runId,
      sha: run.sha,
      conclusion: run.failed ? 'failure' : (conclusions.get(run.runId) ?? null),
    })),
    statuses: world.statuses
      .filter((s) => s.context === ctx.guard.settings.statusContext)
      .flatMap(({ sha, state, description }): StatusFact[] =>
        isStatusState(state) ? [{ sha, state, description }] : [],
      ),
    // Artifacts are left out on purpose: the guard then asks to verify them in the registry itself.
    ...(at === undefined ? {} : { at }),
  };
}

function isStatusState(state: string): state is StatusState {
  return state === 'pending' || state === 'success' || state === 'failure' || state === 'error';
}

type Recorder = (source: AppliedStep['source'], event: GuardEvent | undefined, step: Step) => void;

async function drive(
  ctx: ToolContext,
  title: string,
  at: string | undefined,
  begin: (record: Recorder) => GuardSnapshot,
  events: readonly GuardEvent[] = [],
): Promise<RunReport> {
  const { guard, store } = ctx;
  const executor = memoryExecutor(ctx.host.world, { mergedBy: ctx.bot });
  const steps: AppliedStep[] = [];
  const executed: RunReport['executed'] = [];
  const queue: Effect[] = [];
  const record: Recorder = (source, event, step) => {
    steps.push({
      source,
      ...(event ? { event } : {}),
      phase: step.snapshot.phase,
      effects: step.effects,
      ...(step.ignored ? { ignored: step.ignored } : {}),
    });
    queue.push(...step.effects);
  };

  let snapshot = begin(record);
  const apply = (source: 'webhook' | 'executor', event: GuardEvent) => {
    const stamped = at === undefined || event.at !== undefined ? event : { ...event, at };
    const step = guard.next(snapshot, stamped);
    snapshot = step.snapshot;
    record(source, stamped, step);
  };
  for (const event of events) apply('webhook', event);
  while (queue.length > 0) {
    const effect = queue.shift() as Effect;
    const answers = await executor.execute(effect);
    executed.push({ effect, answers });
    for (const answer of answers) apply('executor', answer);
  }

  const saved = guard.serialize(snapshot);
  await store.write(saved);
  return { title, steps, executed, snapshot, saved, alerts: [...executor.alerts] };
}

// ---- A readable timeline -------------------------------------------------------------------------

export function describeEvent(event: GuardEvent): string {
  switch (event.type) {
    case 'APPROVED':
      return `APPROVED ${shortSha(event.sha)} by ${event.reviewer} (review ${event.reviewId})`;
    case 'RELEASE_STARTED':
    case 'RELEASE_SUCCEEDED':
      return `${event.type} run ${event.runId}`;
    case 'RELEASE_FAILED':
      return `RELEASE_FAILED run ${event.runId}: ${event.reason}`;
    case 'ARTIFACT_VERIFIED':
      return `ARTIFACT_VERIFIED ${event.name} ${event.digest.slice(0, 19)}`;
    case 'ARTIFACT_MISSING':
      return `ARTIFACT_MISSING ${event.name}: ${event.reason}`;
    case 'MERGED':
      return `MERGED ${shortSha(event.sha)} by ${event.by}`;
    case 'MERGE_REJECTED':
      return `MERGE_REJECTED ${event.reason}: ${event.message}`;
    case 'HEAD_CHANGED':
    case 'REOPENED':
    case 'TIMED_OUT':
      return `${event.type} ${shortSha(event.sha)}`;
    default:
      return event.type;
  }
}

export function describeEffect(effect: Effect): string {
  switch (effect.type) {
    case 'SET_STATUS':
      return `SET_STATUS ${effect.state} on ${shortSha(effect.sha)} "${effect.description}"`;
    case 'START_RELEASE':
      return `START_RELEASE ${effect.version ?? ''} of ${shortSha(effect.sha)}`;
    case 'VERIFY_ARTIFACTS':
      return `VERIFY_ARTIFACTS ${effect.artifacts.map((a) => a.ref).join(', ')}`;
    case 'MERGE':
      return `MERGE #${effect.pr} ${effect.via === 'queue' ? 'through the merge queue ' : ''}if the head is still ${shortSha(effect.sha)}`;
    case 'DEQUEUE':
      return `DEQUEUE #${effect.pr} at ${shortSha(effect.sha)}`;
    case 'COMMENT':
      return 'COMMENT (timeline updated)';
    case 'ALERT':
      return `ALERT ${effect.reason}`;
  }
}

/** The steps of a run as indented lines for a terminal. */
export function renderRun(report: RunReport): string[] {
  const lines: string[] = [];
  for (const step of report.steps) {
    const what = step.event ? describeEvent(step.event) : step.source;
    const from = step.source === 'executor' ? ' (answer of the executor)' : '';
    lines.push(`    ${what}${from} -> ${step.phase}`);
    if (step.ignored) lines.push(`        ignored: ${step.ignored}`);
    for (const effect of step.effects) lines.push(`        => ${describeEffect(effect)}`);
  }
  lines.push(`    stored ${report.saved.length} characters (phase ${report.snapshot.phase})`);
  return lines;
}
