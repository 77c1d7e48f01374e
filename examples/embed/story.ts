import { join } from 'node:path';
import { createGuard, type GuardConfig, type PullRequest } from '@release-guard/core';
import {
  approve,
  createHost,
  fileStore,
  finishRelease,
  mergeByHand,
  type RunReport,
  recover,
  releaseRun,
  renderRun,
  requiredRefs,
  StoredSnapshotError,
  type ToolContext,
} from './embed.js';

/** The tool's configuration: the image must be in the registry before the release PR may be merged. */
export const CONFIG: GuardConfig = { artifacts: [{ name: 'image', ref: 'registry.example.com/acme/app:{version}' }] };

export const RELEASE_PR: PullRequest = {
  number: 42,
  headRef: 'releases/v1.4.0',
  headSha: '5d41402abc4b2a76b9719d911017c592ae5f3b1e',
  baseRef: 'main',
  fromFork: false,
  version: 'v1.4.0',
};

/** The merge bot's login. */
export const BOT = 'acme-release-bot';

/** One thing that happened in a story. */
export type Entry =
  | { at: string; kind: 'run'; report: RunReport }
  | { at: string; kind: 'merge-by-hand'; by: string; merged: boolean; reason?: string }
  | { at: string; kind: 'refused'; title: string; error: StoredSnapshotError }
  | { at: string; kind: 'note'; text: string };

export interface Story {
  title: string;
  ctx: ToolContext;
  entries: Entry[];
}

/** A tool context over a fresh host, keeping its snapshot in `dir`. */
export function toolContext(dir: string, pr: PullRequest = RELEASE_PR): ToolContext {
  const guard = createGuard(CONFIG);
  return { guard, pr, host: createHost(guard, pr), store: fileStore(join(dir, `pr-${pr.number}.json`)), bot: BOT };
}

/** Collects a story's entries; every run is a separate call that reads and writes the stored snapshot. */
class Script {
  readonly entries: Entry[] = [];
  constructor(readonly ctx: ToolContext) {}

  async run(at: string, title: string, events: Parameters<typeof releaseRun>[2] = []): Promise<void> {
    this.entries.push({ at, kind: 'run', report: await releaseRun(this.ctx, title, events, iso(at)) });
  }

  async recover(at: string, title: string): Promise<void> {
    this.entries.push({ at, kind: 'run', report: await recover(this.ctx, title, iso(at)) });
  }

  /** A run that is expected to refuse the stored snapshot. */
  async refusedRun(at: string, title: string, events: Parameters<typeof releaseRun>[2]): Promise<void> {
    try {
      await releaseRun(this.ctx, title, events, iso(at));
    } catch (error) {
      if (!(error instanceof StoredSnapshotError)) throw error;
      this.entries.push({ at, kind: 'refused', title, error });
      return;
    }
    throw new Error(`${title}: the damaged snapshot was accepted`);
  }

  async mergeByHand(at: string, by: string): Promise<void> {
    const result = await mergeByHand(this.ctx.host, this.ctx.pr, by);
    if (result.merged) {
      this.entries.push({ at, kind: 'merge-by-hand', by, merged: true });
      await this.run(at, 'webhook: the pull request was merged by hand', [result.event]);
    } else this.entries.push({ at, kind: 'merge-by-hand', by, merged: false, reason: result.reason });
  }

  note(at: string, text: string): void {
    this.entries.push({ at, kind: 'note', text });
  }

  /** The run id of the release the executor started last. */
  lastRunId(): string {
    const run = this.ctx.host.world.runs.at(-1);
    if (!run) throw new Error('no release run was started');
    return run.runId;
  }
}

const iso = (at: string) => `2024-05-14T${at}:00Z`;

/**
 * A release from start to end: opened, merge by hand refused, approved (the approval webhook arrives
 * twice), merge by hand refused again while the release runs, release finished, image verified, merged
 * by the bot. Every run restores the snapshot the previous run stored in `dir`.
 */
export async function endToEnd(dir: string): Promise<Story> {
  const s = new Script(toolContext(dir));
  const { host, guard, pr } = s.ctx;
  await s.run('10:00', 'the release PR is opened');
  await s.mergeByHand('10:05', 'maintainer');
  const approval = approve(host, { reviewId: 1, reviewer: 'maintainer' });
  await s.run('10:10', 'webhook: maintainer approved the release PR', [approval]);
  await s.run('10:11', 'webhook: the same approval, delivered again', [approval]);
  await s.mergeByHand('10:20', 'maintainer');
  const refs = requiredRefs(guard, pr);
  s.note('10:40', `the release job pushed ${refs.join(', ')} and ended`);
  await s.run('10:40', 'webhook: the release run succeeded', [finishRelease(host, s.lastRunId(), refs)]);
  return { title: `release PR #${pr.number} (${pr.headRef}), end to end`, ctx: s.ctx, entries: s.entries };
}

/**
 * The stored snapshot is edited by hand while the release runs: the next run refuses it with a clear
 * error and executes nothing; `recover` rebuilds the state from the host, verifies the image and merges.
 */
export async function damagedState(dir: string): Promise<Story> {
  const s = new Script(toolContext(dir));
  const { host, guard, pr, store } = s.ctx;
  await s.run('10:00', 'the release PR is opened');
  await s.run('10:10', 'webhook: maintainer approved the release PR', [
    approve(host, { reviewId: 1, reviewer: 'maintainer' }),
  ]);
  const stored = await store.read();
  if (stored === undefined) throw new Error('the second run stored nothing');
  await store.write(stored.replace('"phase":"releasing"', '"phase":"released"'));
  s.note('10:30', `someone edits ${store.location} by hand: phase releasing -> released`);
  const finished = finishRelease(host, s.lastRunId(), requiredRefs(guard, pr));
  await s.refusedRun('10:40', 'webhook: the release run succeeded', [finished]);
  await s.recover('10:45', 'recover: rebuild the state from the code host');
  return { title: `release PR #${pr.number}: a damaged state file`, ctx: s.ctx, entries: s.entries };
}

/** Plain-text rendering of a story, for the terminal. */
export function render(story: Story): string {
  const lines = [`== ${story.title} ==`];
  for (const entry of story.entries) {
    switch (entry.kind) {
      case 'run':
        lines.push(`  ${entry.at}  run: ${entry.report.title}`, ...renderRun(entry.report));
        break;
      case 'merge-by-hand':
        lines.push(
          `  ${entry.at}  ${entry.by} clicks merge: ${entry.merged ? 'MERGED' : `REFUSED (${entry.reason ?? ''})`}`,
        );
        break;
      case 'refused':
        lines.push(
          `  ${entry.at}  run: ${entry.title}`,
          ...entry.error.message.split('\n').map((line) => `    ${line}`),
        );
        break;
      case 'note':
        lines.push(`  ${entry.at}  ${entry.text}`);
        break;
    }
  }
  const merged = story.ctx.host.world.merged;
  lines.push(`  => ${merged ? `merged ${merged.sha.slice(0, 7)} by ${merged.by}` : 'not merged'}`);
  return lines.join('\n');
}
