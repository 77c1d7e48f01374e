export type { Octokit } from '@octokit/rest';
export * from './artifacts/index.js';
export type { ClientOptions } from './client.js';
export { createOctokit, DO_NOT_RETRY } from './client.js';
export { postAlert, saveTimeline } from './comments.js';
export type { ArtifactVerifier, EffectExecutor, GitHubExecutorOptions } from './executor.js';
export { githubExecutor } from './executor.js';
export type { MemoryWorld } from './memory-executor.js';
export { memoryExecutor, memoryWorld } from './memory-executor.js';
export type { MergeOptions } from './merge.js';
export {
  AUTO_MERGE_MUTATION,
  DEQUEUE_MUTATION,
  DISABLE_AUTO_MERGE_MUTATION,
  dequeue,
  disableAutoMerge,
  ENQUEUE_MUTATION,
  MERGE_MUTATION,
  merge,
} from './merge.js';
export type { ApproverPolicy, Observation, ObserveOptions, PullRequestRef } from './observe.js';
export { observe, restLogin, sameLogin, versionOfBranch } from './observe.js';
export { OBSERVE_MORE_QUERY, OBSERVE_QUERY } from './observe-query.js';
export type { ReleaseMode } from './release.js';
export {
  isReleaseRun,
  RELEASE_INPUTS,
  RELEASE_RUN_NAME,
  releaseRuns,
  rerunOf,
  runAttemptId,
  runMarker,
  runVersion,
  sameRun,
  startRelease,
} from './release.js';
export type { GuardEventsFor, GuardRunOptions, GuardRunResult } from './run-guard.js';
export { runGuard } from './run-guard.js';
export type { StatusKind, StatusOptions } from './statuses.js';
export { appSlugOf, setStatus } from './statuses.js';
export type { ParsedTimelineComment } from './timeline-comment.js';
export {
  COMMENT_LIMIT,
  parseTimelineComment,
  RECOVERING_LINE,
  RECOVERING_URL,
  renderTimelineComment,
  TIMELINE_MARKER,
} from './timeline-comment.js';
export type { RepoRef } from './types.js';
