export { ContractViolation, loadContract } from './contract.js';
export type { Counters, RequestLogEntry } from './control.js';
export { GitHubControl } from './control.js';
export type { FaultKind, FaultRule } from './faults.js';
export { githubSchema, validateGraphQL } from './graphql/schema.js';
export type { GitHubEmulator, GitHubOptions } from './server.js';
export { startGitHub } from './server.js';
export type { Permission, Protection } from './state.js';
export { PERMISSIONS } from './state.js';
