import type { FaultRule, Faults } from './faults.js';
import {
  type GitHubState,
  type Permission,
  type Protection,
  type PullRequestRecord,
  type RepositoryRecord,
  type Review,
  shaOf,
  type WorkflowRunRecord,
} from './state.js';

/** One request the emulator served. */
export interface RequestLogEntry {
  method: string;
  path: string;
  /** The OpenAPI operationId, or `graphql:<first root field>`. */
  operation: string;
  repo: string | undefined;
  status: number;
  /** Who the token authenticated. */
  caller: string | undefined;
  /** The raw request body, for tests that check nothing secret was sent. */
  body: string;
  at: string;
}

export interface Counters {
  requests: number;
  requestValidations: number;
  responseValidations: number;
}

/**
 * Sets up and inspects the emulator's state. Repositories are isolated from each other: tests that
 * share one emulator use different repository names, and faults can be scoped to one repository.
 */
export class GitHubControl {
  readonly log: RequestLogEntry[] = [];
  readonly violations: Error[] = [];
  readonly counters: Counters = { requests: 0, requestValidations: 0, responseValidations: 0 };

  constructor(
    private readonly state: GitHubState,
    private readonly faultRules: Faults,
  ) {}

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
      statuses: [],
      checkRuns: [],
      comments: [],
      workflows: [],
      runs: [],
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

  /** Branch protection of `branch`: required contexts (optionally pinned to an app) and approvals. */
  protectBranch(repo: string, branch: string, protection: Partial<Protection>): void {
    this.repo(repo).protection.set(branch, {
      requiredContexts: protection.requiredContexts ?? [],
      requiredChecks: protection.requiredChecks ?? [],
      requiredApprovals: protection.requiredApprovals ?? 0,
    });
  }

  unprotectBranch(repo: string, branch: string): void {
    this.repo(repo).protection.delete(branch);
  }

  /** Opens a pull request; `head.repo` names a fork (created on demand) for a cross-repository PR. */
  openPullRequest(
    repo: string,
    options: {
      head: { ref: string; sha: string; repo?: string };
      base?: string;
      title?: string;
      body?: string;
      user?: string;
      assignees?: string[];
    },
  ): number {
    const record = this.repo(repo);
    const headRepo = options.head.repo ?? record.fullName;
    if (!this.state.repository(headRepo)) {
      const [owner = '', name = ''] = headRepo.split('/');
      this.createRepository({ owner, name, fork: true });
    }
    const now = this.state.timestamp();
    const number = record.nextNumber++;
    const base = options.base ?? record.defaultBranch;
    const pr: PullRequestRecord = {
      id: this.state.id(),
      number,
      title: options.title ?? `Release ${options.head.ref}`,
      body: options.body ?? '',
      user: this.state.account(options.user ?? record.owner.login),
      assignees: (options.assignees ?? []).map((login) => this.state.account(login)),
      assignments: (options.assignees ?? []).map((login) => ({
        id: this.state.id(),
        assignee: this.state.account(login),
        assigned: true,
        createdAt: now,
      })),
      head: { ref: options.head.ref, sha: options.head.sha, repo: headRepo },
      base: { ref: base, sha: shaOf(`${record.fullName}:${base}`) },
      state: 'open',
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      labels: [],
      reviews: [],
      autoMerge: null,
    };
    record.pulls.set(number, pr);
    if (headRepo.toLowerCase() === record.fullName.toLowerCase()) record.branches.set(pr.head.ref, pr.head.sha);
    return number;
  }

  /** A push to the head branch: the head SHA moves (auto-merge is disabled, as GitHub does). */
  pushHead(repo: string, number: number, sha: string): void {
    const pr = this.pullRequest(repo, number);
    pr.head.sha = sha;
    pr.autoMerge = null;
    const record = this.repo(repo);
    if (pr.head.repo.toLowerCase() === record.fullName.toLowerCase()) record.branches.set(pr.head.ref, sha);
    pr.updatedAt = this.state.timestamp();
  }

  /** Points a branch of `repo` at `sha` (a push, or a new branch), without any pull request. */
  pushBranch(repo: string, branch: string, sha: string): void {
    this.repo(repo).branches.set(branch, sha);
  }

  deleteBranch(repo: string, branch: string): void {
    this.repo(repo).branches.delete(branch);
  }

  closePullRequest(repo: string, number: number): void {
    const pr = this.pullRequest(repo, number);
    pr.state = 'closed';
    pr.closedAt = this.state.timestamp();
  }

  reopenPullRequest(repo: string, number: number): void {
    const pr = this.pullRequest(repo, number);
    if (pr.merged) throw new Error(`pull request ${repo}#${number} is merged and cannot be reopened`);
    pr.state = 'open';
    pr.closedAt = null;
  }

  /** A merge by a human, outside any API call the code under test makes (bypassing nothing). */
  mergeByHand(repo: string, number: number, login: string): string {
    const pr = this.pullRequest(repo, number);
    const now = this.state.timestamp();
    Object.assign(pr, {
      merged: true,
      state: 'closed',
      mergedAt: now,
      closedAt: now,
      mergedBy: this.state.account(login),
      mergeCommitSha: shaOf(`merge:${repo}:${number}:${pr.head.sha}`),
    });
    return pr.mergeCommitSha as string;
  }

  /** A review submitted by `user` (on the head unless `commitId` says otherwise); returns its id. */
  submitReview(
    repo: string,
    number: number,
    options: { user: string; state: Review['state']; commitId?: string; body?: string },
  ): number {
    const pr = this.pullRequest(repo, number);
    const review: Review = {
      id: this.state.id(),
      user: this.state.account(options.user),
      state: options.state,
      body: options.body ?? '',
      commitId: options.commitId ?? pr.head.sha,
      submittedAt: this.state.timestamp(),
    };
    pr.reviews.push(review);
    return review.id;
  }

  dismissReview(repo: string, number: number, reviewId: number): void {
    const review = this.pullRequest(repo, number).reviews.find((r) => r.id === reviewId);
    if (!review) throw new Error(`no review ${reviewId} on ${repo}#${number}`);
    review.state = 'DISMISSED';
  }

  /** A workflow file; `runName` is its `run-name`, with `${{ inputs.NAME }}` placeholders. */
  addWorkflow(repo: string, options: { path: string; name: string; runName?: string }): number {
    const id = this.state.id();
    this.repo(repo).workflows.push({ id, ...options });
    return id;
  }

  /**
   * A run of a workflow file that the code under test did not dispatch: anyone with write access can make
   * a workflow file run for any SHA (a `pull_request` or `push` trigger on a branch of theirs, or a
   * dispatch by hand). `title` is the run's `display_title` (default: the workflow's name).
   */
  startRun(
    repo: string,
    options: {
      workflow: string;
      headSha: string;
      headBranch: string;
      event: string;
      actor?: string;
      title?: string;
      inputs?: Record<string, string>;
    },
  ): WorkflowRunRecord {
    const record = this.repo(repo);
    const workflow = record.workflows.find(
      (w) => w.path === options.workflow || w.path.endsWith(`/${options.workflow}`),
    );
    if (!workflow) throw new Error(`no workflow ${options.workflow} in ${repo}: add it with control.addWorkflow first`);
    const now = this.state.timestamp();
    const run: WorkflowRunRecord = {
      id: this.state.id(),
      workflowId: workflow.id,
      name: workflow.name,
      displayTitle: options.title ?? workflow.name,
      headSha: options.headSha,
      headBranch: options.headBranch,
      event: options.event,
      status: 'queued',
      conclusion: null,
      runNumber: record.runs.filter((r) => r.workflowId === workflow.id).length + 1,
      runAttempt: 1,
      inputs: options.inputs ?? {},
      actor: this.state.account(options.actor ?? record.owner.login),
      createdAt: now,
      updatedAt: now,
    };
    record.runs.push(run);
    return run;
  }

  /** "Re-run jobs" on a completed run: the same run id, its next attempt, queued again. */
  rerun(repo: string, runId: number): WorkflowRunRecord {
    const run = this.repo(repo).runs.find((r) => r.id === runId);
    if (!run) throw new Error(`no workflow run ${runId} in ${repo}`);
    if (run.status !== 'completed') throw new Error(`workflow run ${runId} is still running and cannot be re-run`);
    run.runAttempt++;
    run.status = 'queued';
    run.conclusion = null;
    run.updatedAt = this.state.timestamp();
    return run;
  }

  /** Moves a run along: `in_progress`, or `completed` with a conclusion. */
  updateRun(
    repo: string,
    runId: number,
    update: { status: WorkflowRunRecord['status']; conclusion?: string },
  ): WorkflowRunRecord {
    const run = this.repo(repo).runs.find((r) => r.id === runId);
    if (!run) throw new Error(`no workflow run ${runId} in ${repo}`);
    run.status = update.status;
    run.conclusion = update.status === 'completed' ? (update.conclusion ?? 'success') : null;
    run.updatedAt = this.state.timestamp();
    return run;
  }

  runs(repo: string): readonly WorkflowRunRecord[] {
    return this.repo(repo).runs;
  }

  pullRequest(repo: string, number: number): PullRequestRecord {
    const pr = this.repo(repo).pulls.get(number);
    if (!pr) throw new Error(`no pull request ${repo}#${number}`);
    return pr;
  }

  /** Every status ever written on `sha` (statuses are append-only), oldest first. */
  /** The commit statuses of `sha`, oldest first; only those of `context` when it is given. */
  statuses(repo: string, sha: string, context?: string) {
    return this.repo(repo).statuses.filter((s) => s.sha === sha && (context === undefined || s.context === context));
  }

  checkRuns(repo: string, sha: string) {
    return this.repo(repo).checkRuns.filter((r) => r.headSha === sha);
  }

  comments(repo: string, number: number) {
    return this.repo(repo).comments.filter((c) => c.issueNumber === number);
  }

  /**
   * A comment by `user` on pull request `number`, as `issues/create-comment` makes it, without an HTTP
   * round trip (a flood of comments in a few microseconds); returns its id.
   */
  addComment(repo: string, number: number, options: { user: string; body: string }): number {
    const record = this.repo(repo);
    if (!record.pulls.has(number)) throw new Error(`no pull request ${repo}#${number}`);
    const now = this.state.timestamp();
    const id = this.state.id();
    record.comments.push({
      id,
      issueNumber: number,
      body: options.body,
      user: this.state.account(options.user),
      createdAt: now,
      updatedAt: now,
    });
    return id;
  }

  /** Someone with write access edits a comment's body in the web UI (anyone's comment, as GitHub allows). */
  editComment(repo: string, commentId: number, body: string, login: string): void {
    const comment = this.repo(repo).comments.find((c) => c.id === commentId);
    if (!comment) throw new Error(`no comment ${commentId} in ${repo}`);
    comment.body = body;
    comment.updatedAt = this.state.timestamp();
    comment.editor = this.state.account(login);
  }

  /** Someone with write access deletes a comment (anyone's, as GitHub allows). */
  deleteComment(repo: string, commentId: number): void {
    const comments = this.repo(repo).comments;
    const index = comments.findIndex((c) => c.id === commentId);
    if (index < 0) throw new Error(`no comment ${commentId} in ${repo}`);
    comments.splice(index, 1);
  }

  /** Replaces the assignees of a pull request (anyone with triage access may, the assignees themselves included). */
  setAssignees(repo: string, number: number, logins: readonly string[]): void {
    const pr = this.pullRequest(repo, number);
    const next = logins.map((login) => this.state.account(login));
    const at = this.state.timestamp();
    const event = (assignee: (typeof next)[number], assigned: boolean) =>
      pr.assignments.push({ id: this.state.id(), assignee, assigned, createdAt: at });
    for (const gone of pr.assignees.filter((a) => !next.includes(a))) event(gone, false);
    for (const added of next.filter((a) => !pr.assignees.includes(a))) event(added, true);
    pr.assignees = next;
    pr.updatedAt = at;
  }

  /** Arms a fault; see `FaultRule`. */
  inject(rule: FaultRule): void {
    this.faultRules.add(rule);
  }

  clearFaults(repo?: string): void {
    this.faultRules.clear(repo);
  }

  get firedFaults() {
    return this.faultRules.fired;
  }

  /** Requests to one repository, for counting API calls. */
  requests(repo?: string): RequestLogEntry[] {
    return repo ? this.log.filter((e) => e.repo?.toLowerCase() === repo.toLowerCase()) : [...this.log];
  }

  /** Throws the first contract violation seen, if any: call it in `afterEach`. */
  assertNoViolations(): void {
    const first = this.violations[0];
    if (first) throw first;
  }

  private repo(fullName: string): RepositoryRecord {
    const repo = this.state.repository(fullName);
    if (!repo) throw new Error(`no repository ${fullName}: create it with control.createRepository first`);
    return repo;
  }
}
