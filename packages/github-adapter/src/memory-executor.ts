import type { Effect, GuardEvent } from '@release-guard/core';
import { type EffectExecutor, executorReport } from './executor.js';

/** A pull request and its surroundings, in memory: what the in-memory executor acts on. */
export interface MemoryWorld {
  head: string;
  merged: { sha: string; by: string } | undefined;
  /** Contexts that must be `success` on the head for a merge (branch protection). */
  requiredContexts: string[];
  /** Every status written, in order. */
  statuses: { sha: string; context: string; state: string; description: string }[];
  /** Release runs started, by SHA. */
  runs: { sha: string; runId: string; failed: boolean }[];
  /** Artifacts present in registries, by ref, with their digest. */
  registry: Map<string, string>;
  /** Every merge request made (direct merges and enqueues). */
  mergeRequests: number;
  /** Whether the base branch merges through a merge queue: a direct merge is refused. */
  mergeQueue: boolean;
  /** The head SHA standing in the merge queue, if the pull request was enqueued. */
  queued: string | undefined;
}

export function memoryWorld(head: string): MemoryWorld {
  return {
    head,
    merged: undefined,
    requiredContexts: [],
    statuses: [],
    runs: [],
    registry: new Map(),
    mergeRequests: 0,
    mergeQueue: false,
    queued: undefined,
  };
}

/**
 * An executor over an in-memory world, with the GitHub executor's behaviour (held to it by the same
 * contract suite): for users' tests of release tooling built on the core, and for fast simulations.
 *
 * @example
 * ```ts
 * const world = memoryWorld(sha);
 * const executor = memoryExecutor(world, { mergedBy: 'release-bot' });
 * for (const effect of step.effects) events.push(...(await executor.execute(effect)));
 * ```
 */
export function memoryExecutor(
  world: MemoryWorld,
  options: { mergedBy: string; releaseInRun?: boolean },
): EffectExecutor {
  const report = executorReport();
  const latest = (sha: string, context: string) =>
    world.statuses.findLast((s) => s.sha === sha && s.context === context);
  return Object.assign(report, {
    async execute(effect: Effect): Promise<GuardEvent[]> {
      switch (effect.type) {
        case 'SET_STATUS': {
          const current = latest(effect.sha, effect.context);
          if (current?.state !== effect.state || current.description !== effect.description) {
            world.statuses.push({
              sha: effect.sha,
              context: effect.context,
              state: effect.state,
              description: effect.description,
            });
          }
          return [];
        }
        case 'START_RELEASE': {
          if (options.releaseInRun) {
            report.releaseInRun = true;
            return [];
          }
          const live = world.runs.find((r) => r.sha === effect.sha && !r.failed);
          const run = live ?? { sha: effect.sha, runId: `${world.runs.length + 1}.1`, failed: false };
          if (!live) world.runs.push(run);
          return [{ type: 'RELEASE_STARTED', sha: effect.sha, runId: run.runId }];
        }
        case 'VERIFY_ARTIFACTS':
          return effect.artifacts.map(({ name, ref }): GuardEvent => {
            const digest = world.registry.get(ref);
            return digest
              ? { type: 'ARTIFACT_VERIFIED', sha: effect.sha, name, digest }
              : { type: 'ARTIFACT_MISSING', sha: effect.sha, name, reason: `manifest unknown: ${ref} does not exist` };
          });
        case 'MERGE': {
          world.mergeRequests++;
          if (world.merged) return [{ type: 'MERGED', sha: world.merged.sha, by: world.merged.by }];
          if (effect.sha !== world.head) {
            return [
              {
                type: 'MERGE_REJECTED',
                sha: effect.sha,
                reason: 'head-changed',
                message: 'Head branch was modified. Review and try the merge again.',
              },
            ];
          }
          if (effect.via === 'merge' && world.mergeQueue) {
            return [
              {
                type: 'MERGE_REJECTED',
                sha: effect.sha,
                reason: 'merge-queue',
                message: 'Changes must be made through the merge queue',
              },
            ];
          }
          const missing = world.requiredContexts.find((c) => latest(world.head, c)?.state !== 'success');
          if (missing) {
            const message = `Required status check "${missing}" is expected.`;
            return [
              {
                type: 'MERGE_REJECTED',
                sha: effect.sha,
                reason: 'not-mergeable',
                message: effect.via === 'queue' ? `Pull request ${message}` : message,
              },
            ];
          }
          if (effect.via === 'queue') {
            if (!world.mergeQueue) {
              const message = 'The merge queue is not enabled for the base branch';
              return [{ type: 'MERGE_REJECTED', sha: effect.sha, reason: 'not-mergeable', message }];
            }
            world.queued = effect.sha;
            return [{ type: 'ENQUEUED', sha: effect.sha }];
          }
          world.merged = { sha: effect.sha, by: options.mergedBy };
          return [{ type: 'MERGED', sha: effect.sha, by: options.mergedBy }];
        }
        case 'DEQUEUE':
          world.queued = undefined;
          return [];
        case 'COMMENT':
          report.timelineBody = effect.body;
          return [];
        case 'ALERT':
          report.alerts.push(effect.reason);
          return [];
      }
    },
  });
}
