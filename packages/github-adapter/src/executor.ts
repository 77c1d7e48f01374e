import type { Octokit } from '@octokit/rest';
import type { Effect, GuardEvent, StatusFact, VerifyArtifactsEffect } from '@release-guard/core';
import { postAlert } from './comments.js';
import { dequeue, type MergeOptions, merge } from './merge.js';
import type { PullRequestRef } from './observe.js';
import { type ReleaseMode, startRelease } from './release.js';
import { type StatusKind, type StatusOptions, setStatus } from './statuses.js';

/**
 * Executes the core's effects and reports their outcomes as guard events. One contract suite
 * (`test/support/executor-contract.ts`) holds the GitHub executor and the in-memory one to the same behaviour.
 */
export interface EffectExecutor {
  execute(effect: Effect): Promise<GuardEvent[]>;
  /** The last timeline body a `COMMENT` asked for (saved with the snapshot by the caller). */
  readonly timelineBody: string | undefined;
  /** `ALERT` reasons, in order. */
  readonly alerts: readonly string[];
  /** True once `START_RELEASE` asked the calling run to perform the release (in-run mode). */
  readonly releaseInRun: boolean;
}

export type ArtifactVerifier = (effect: VerifyArtifactsEffect) => Promise<GuardEvent[]>;

export interface GitHubExecutorOptions {
  octokit: Octokit;
  /** Merges with another token (one whose merge starts `push` workflows). */
  mergeOctokit?: Octokit;
  pr: PullRequestRef;
  release: ReleaseMode;
  statusKind?: StatusKind;
  verifyArtifacts?: ArtifactVerifier;
  /** Statuses GitHub already shows (from `observe`), so unchanged ones are not written again. */
  shown?: readonly StatusFact[];
  /**
   * Who merges, for `MERGED.by`: the login of the token that merges. Leave it out when it is not known
   * (a `mergeOctokit` whose login was never read): it is then read from the merged pull request.
   */
  mergedBy?: string;
  /**
   * The login of `octokit`'s token (`observe`'s `viewer`; `<slug>[bot]` for a GitHub App): in check-run
   * mode only check runs of that app are the guard's own.
   */
  viewer: string;
  /** REST or GraphQL merge, auto-merge, and the pull request's node id they need. */
  merge?: MergeOptions;
  /** Release runs the guard saw finish (its snapshot's `finishedRuns`): a new release never reuses them. */
  knownRuns?: () => readonly string[];
}

/** Executes effects on GitHub. */
export function githubExecutor(options: GitHubExecutorOptions): EffectExecutor {
  const { octokit, pr } = options;
  const { number: _number, ...repo } = pr;
  const shown: StatusFact[] = [...(options.shown ?? [])];
  const report = executorReport();
  const statusOptions: StatusOptions =
    options.statusKind === 'check-run'
      ? { kind: 'check-run', shown, viewer: options.viewer }
      : { kind: 'status', shown };
  return Object.assign(report, {
    async execute(effect: Effect): Promise<GuardEvent[]> {
      switch (effect.type) {
        case 'SET_STATUS':
          if (await setStatus(octokit, repo, effect, statusOptions)) {
            shown.push({ sha: effect.sha, state: effect.state, description: effect.description });
          }
          return [];
        case 'START_RELEASE':
          if (options.release.kind === 'in-run') report.releaseInRun = true;
          return startRelease(octokit, repo, effect, options.release, {
            known: options.knownRuns?.() ?? [],
            guard: options.viewer,
          });
        case 'VERIFY_ARTIFACTS':
          if (!options.verifyArtifacts)
            throw new Error('the guard asked to verify artifacts but no verifier is configured');
          return options.verifyArtifacts(effect);
        case 'MERGE': {
          const known = options.mergedBy;
          const event = await merge(options.mergeOctokit ?? octokit, repo, effect, known ?? 'unknown', options.merge);
          if (event.type !== 'MERGED' || known !== undefined) return [event];
          return [{ ...event, by: (await mergerOf(octokit, pr)) ?? event.by }];
        }
        case 'DEQUEUE':
          await dequeue(options.mergeOctokit ?? octokit, options.merge ?? {});
          return [];
        case 'COMMENT':
          report.timelineBody = effect.body;
          return [];
        case 'ALERT':
          report.alerts.push(effect.reason);
          await postAlert(octokit, pr, effect.reason);
          return [];
      }
    },
  });
}

/**
 * Who merged the pull request, as GitHub records it (`merged_by`, in REST spelling). Undefined when it
 * cannot be read: the merge happened, and the timeline only loses the name.
 */
async function mergerOf(octokit: Octokit, pr: PullRequestRef): Promise<string | undefined> {
  const { number, ...repo } = pr;
  try {
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
    return data.merged_by?.login ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The report an executor fills for its caller, as `EffectExecutor` exposes it: the last timeline body a
 * `COMMENT` asked for, the `ALERT` reasons, and whether the calling run must release. Empty at first.
 */
export function executorReport(): { timelineBody: string | undefined; alerts: string[]; releaseInRun: boolean } {
  return { timelineBody: undefined, alerts: [], releaseInRun: false };
}
