export { ContractViolation, loadContract } from './contract.js';
export type { FileLocation } from './control/contents.js';
export type { MergeQueueView } from './control/merge-queue.js';
export type { PullRequestFile } from './control/pull-requests.js';
export type { AssetOptions, ReleaseOptions } from './control/releases.js';
export type { RulesetOptions } from './control/rulesets.js';
export type { Counters, RequestLogEntry } from './control.js';
export { GitHubControl } from './control.js';
export type { FaultKind, FaultRule } from './faults.js';
export { githubSchema, validateGraphQL } from './graphql/schema.js';
export { MERGE_QUEUE_DEFAULTS } from './queue.js';
export type { GitHubEmulator, GitHubOptions } from './server.js';
export { startGitHub } from './server.js';
export type {
  BypassActor,
  FileStatus,
  MergeGroupRecord,
  MergeQueueEntryRecord,
  MergeQueueParameters,
  Permission,
  Protection,
  RulesetEnforcement,
  WorkflowState,
} from './state.js';
export { PERMISSIONS } from './state.js';
