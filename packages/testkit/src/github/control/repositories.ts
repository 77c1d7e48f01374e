/**
 * The repository part of `GitHubControl`: repositories, who may do what in them (permissions, tokens,
 * teams), branch protection, and branches.
 */

import { carryTree } from '../contents.js';
import type { GitHubState, Permission, Protection, RepositoryRecord } from '../state.js';

export class RepositoryControl {
  constructor(protected readonly state: GitHubState) {}

  /** Creates a repository owned by `owner`; `collaborators` maps logins to permissions. */
  createRepository(options: {
    owner: string;
    name: string;
    defaultBranch?: string;
    fork?: boolean;
    collaborators?: Record<string, Permission>;
  }): string {
    const fullName = `${options.owner}/${options.name}`;
    if (this.state.repository(fullName)) throw new Error(`repository ${fullName} already exists`);
    const repo: RepositoryRecord = {
      id: this.state.id(),
      owner: this.state.account(options.owner),
      name: options.name,
      fullName,
      defaultBranch: options.defaultBranch ?? 'main',
      fork: options.fork ?? false,
      collaborators: new Map(),
      protection: new Map(),
      pulls: new Map(),
      branches: new Map(),
      trees: new Map(),
      statuses: [],
      checkRuns: [],
      comments: [],
      workflows: [],
      runs: [],
      mergeQueues: new Map(),
      rulesets: [],
      ruleSuites: [],
      releases: [],
      nextNumber: 1,
      createdAt: this.state.timestamp(),
    };
    this.state.repositories.set(fullName.toLowerCase(), repo);
    for (const [login, permission] of Object.entries(options.collaborators ?? {}))
      this.setPermission(fullName, login, permission);
    return fullName;
  }

  setPermission(repo: string, login: string, permission: Permission): void {
    this.state.account(login);
    this.repo(repo).collaborators.set(login, permission);
  }

  /** Makes `token` authenticate as `login` (a user, or an app's `name[bot]`). */
  addToken(token: string, login: string): void {
    this.state.account(login);
    this.state.tokens.set(token, login);
  }

  /** Makes `login` a member of the team `org/slug` (as `teams/get-membership-for-user-in-org` shows). */
  addTeamMember(org: string, slug: string, login: string, role: 'member' | 'maintainer' = 'member'): void {
    this.state.account(login);
    const key = `${org}/${slug}`.toLowerCase();
    const members = this.state.teams.get(key) ?? new Map<string, 'member' | 'maintainer'>();
    members.set(login, role);
    this.state.teams.set(key, members);
  }

  /**
   * Branch protection of `branch`: required contexts (optionally pinned to an app), approvals, and
   * `enforceAdmins` (default off, as GitHub's form starts).
   */
  protectBranch(repo: string, branch: string, protection: Partial<Protection>): void {
    this.repo(repo).protection.set(branch, {
      requiredContexts: protection.requiredContexts ?? [],
      requiredChecks: protection.requiredChecks ?? [],
      requiredApprovals: protection.requiredApprovals ?? 0,
      enforceAdmins: protection.enforceAdmins ?? false,
    });
  }

  unprotectBranch(repo: string, branch: string): void {
    this.repo(repo).protection.delete(branch);
  }

  /**
   * Points a branch of `repo` at `sha` (a push, or a new branch), without any pull request; a push's
   * commit starts with the files of the one it follows.
   */
  pushBranch(repo: string, branch: string, sha: string): void {
    const record = this.repo(repo);
    carryTree(record, record.branches.get(branch), sha);
    record.branches.set(branch, sha);
  }

  deleteBranch(repo: string, branch: string): void {
    this.repo(repo).branches.delete(branch);
  }

  protected repo(fullName: string): RepositoryRecord {
    const repo = this.state.repository(fullName);
    if (!repo) throw new Error(`no repository ${fullName}: create it with control.createRepository first`);
    return repo;
  }
}
