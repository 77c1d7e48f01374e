import { createHash } from 'node:crypto';
import type { WebhookDelivery } from '../webhooks/types.js';
import type { ReleaseRecord } from './releases.js';

/** Repository permissions, weakest first (GitHub's role names). */
export const PERMISSIONS = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface Account {
  id: number;
  login: string;
  type: 'User' | 'Bot';
}

/** Branch protection of one branch, as far as merging is concerned. */
export interface Protection {
  /** Contexts that must be `success` (a commit status or a check run of that name). */
  requiredContexts: string[];
  /** Check runs that must come from one app (branch protection "expected source"). */
  requiredChecks: { context: string; appId: number }[];
  /** Approving reviews required (by users with write access). */
  requiredApprovals: number;
  /** "Do not allow bypassing the above settings" (`enforce_admins`): off, admins may merge past it. */
  enforceAdmins: boolean;
}

export interface Review {
  id: number;
  user: Account;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  body: string;
  commitId: string;
  submittedAt: string;
}

export interface PullRequestRecord {
  id: number;
  number: number;
  title: string;
  body: string;
  user: Account;
  /** Who the pull request is assigned to. */
  assignees: Account[];
  /** Every assignment and unassignment, oldest first (the pull request's timeline keeps them all). */
  assignments: { id: number; assignee: Account; assigned: boolean; createdAt: string }[];
  head: { ref: string; sha: string; repo: string };
  base: { ref: string; sha: string };
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt: string | null;
  mergedBy: Account | null;
  mergeCommitSha: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  labels: string[];
  reviews: Review[];
  /** The files the pull request changes, in the order GitHub lists them (its diff's order). */
  files: ChangedFileRecord[];
  autoMerge: { method: 'MERGE' | 'SQUASH' | 'REBASE'; enabledBy: Account; enabledAt: string } | null;
}

/** How a pull request changed a file: REST's `status` of a diff entry. */
export type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

/** One file a pull request changes. */
export interface ChangedFileRecord {
  filename: string;
  status: FileStatus;
  /** The path it had before: a rename's (or a copy's) source. */
  previousFilename?: string;
  additions: number;
  deletions: number;
}

export interface CommitStatusRecord {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  description: string | null;
  targetUrl: string | null;
  context: string;
  creator: Account;
  createdAt: string;
}

export interface CheckRunRecord {
  id: number;
  headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  app: { id: number; slug: string; name: string };
  detailsUrl: string | null;
  externalId: string | null;
  startedAt: string | null;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
}

export interface IssueCommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: Account;
  createdAt: string;
  updatedAt: string;
  /** Who last edited the body, once anyone has (GitHub lets anyone with write access edit a comment). */
  editor?: Account;
}

/** A workflow's `state`, as REST `actions/get-workflow` reports it. */
export type WorkflowState = 'active' | 'deleted' | 'disabled_fork' | 'disabled_inactivity' | 'disabled_manually';

export interface WorkflowRecord {
  id: number;
  name: string;
  path: string;
  /** Only an `active` workflow runs; the others refuse dispatches. */
  state: WorkflowState;
  createdAt: string;
  updatedAt: string;
  /** `run-name` of the workflow: `${{ inputs.NAME }}` placeholders are filled from the dispatch inputs. */
  runName?: string;
  /** The inputs its `on.workflow_dispatch.inputs` declares; a dispatch with any other input is refused. */
  inputs: Record<string, DeclaredInput>;
}

/** One input of `on.workflow_dispatch.inputs`. */
export interface DeclaredInput {
  /** A dispatch without it is refused. Default false, as in a workflow file. */
  required?: boolean;
}

export interface WorkflowRunRecord {
  id: number;
  workflowId: number;
  name: string;
  displayTitle: string;
  headSha: string;
  headBranch: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  runNumber: number;
  runAttempt: number;
  inputs: Record<string, string>;
  actor: Account;
  createdAt: string;
  updatedAt: string;
}

/**
 * The parameters of a ruleset's `merge_queue` rule, as REST `repos/get-branch-rules` spells them
 * (`repository-rule-merge-queue` of GitHub's OpenAPI description).
 */
export interface MergeQueueParameters {
  merge_method: 'MERGE' | 'SQUASH' | 'REBASE';
  grouping_strategy: 'ALLGREEN' | 'HEADGREEN';
  max_entries_to_build: number;
  max_entries_to_merge: number;
  min_entries_to_merge: number;
  min_entries_to_merge_wait_minutes: number;
  check_response_timeout_minutes: number;
}

/** A merge group: the commit the queue builds for an entry, on the base branch as it is. */
export interface MergeGroupRecord {
  /** The group's commit, the one required checks report on. */
  headSha: string;
  /** `refs/heads/gh-readonly-queue/<base>/pr-<N>-<head sha>`. */
  headRef: string;
  /** The commit of the base branch the group was built on. */
  baseSha: string;
  createdAt: string;
}

/** A pull request waiting in a merge queue. */
export interface MergeQueueEntryRecord {
  id: number;
  number: number;
  enqueuer: Account;
  enqueuedAt: string;
  /** The pull request's head SHA when it was enqueued. */
  headSha: string;
  jump: boolean;
  /** The entry's merge group, once the queue builds one (the first entry's only: groups are sequential). */
  group: MergeGroupRecord | null;
}

/** The merge queue a ruleset's `merge_queue` rule requires on one branch. */
export interface MergeQueueRecord {
  id: number;
  branch: string;
  /** The id of the ruleset holding the rule. */
  rulesetId: number;
  parameters: MergeQueueParameters;
  /** First entry first. */
  entries: MergeQueueEntryRecord[];
}

/** A ruleset's enforcement: only `active` rulesets are enforced (and listed by `repos/get-branch-rules`). */
export type RulesetEnforcement = 'active' | 'evaluate' | 'disabled';

/** Who may bypass a ruleset (`repository-ruleset-bypass-actor`). */
export interface BypassActor {
  actor_id: number | null;
  actor_type: 'Integration' | 'OrganizationAdmin' | 'RepositoryRole' | 'Team' | 'DeployKey' | 'User';
  bypass_mode: 'always' | 'pull_request' | 'exempt';
}

/** A branch ruleset of a repository, with its `required_status_checks` rule (the rule the emulator models). */
export interface RulesetRecord {
  id: number;
  name: string;
  enforcement: RulesetEnforcement;
  /** `conditions.ref_name`: `~DEFAULT_BRANCH`, `~ALL` or `refs/heads/<glob>`. */
  include: string[];
  exclude: string[];
  /** The checks its `required_status_checks` rule requires, each optionally from one app (`integration_id`). */
  requiredChecks: { context: string; integration_id?: number }[];
  bypassActors: BypassActor[];
  createdAt: string;
  updatedAt: string;
}

/** One evaluation of a repository's rules on a push (`rule-suites` of GitHub's OpenAPI description). */
export interface RuleSuiteRecord {
  id: number;
  actor: Account;
  /** `refs/heads/<branch>`. */
  ref: string;
  beforeSha: string;
  afterSha: string;
  pushedAt: string;
  /** The result of the active rules. */
  result: 'pass' | 'fail' | 'bypass';
  /** The result had every rule been active. */
  evaluationResult: 'pass' | 'fail' | 'bypass';
}

export interface RepositoryRecord {
  id: number;
  owner: Account;
  name: string;
  fullName: string;
  defaultBranch: string;
  fork: boolean;
  collaborators: Map<string, Permission>;
  protection: Map<string, Protection>;
  pulls: Map<number, PullRequestRecord>;
  /** Branches of this repository and the commit each points at. */
  branches: Map<string, string>;
  /** The files of each commit whose tree is modelled, by commit SHA, then by path. */
  trees: Map<string, Map<string, Buffer>>;
  statuses: CommitStatusRecord[];
  checkRuns: CheckRunRecord[];
  comments: IssueCommentRecord[];
  workflows: WorkflowRecord[];
  runs: WorkflowRunRecord[];
  /** Merge queues by the branch whose rules require them. */
  mergeQueues: Map<string, MergeQueueRecord>;
  /** Branch rulesets (a merge queue's is in `mergeQueues`). */
  rulesets: RulesetRecord[];
  /** Rule suites, oldest first. */
  ruleSuites: RuleSuiteRecord[];
  /** Releases, oldest first, drafts included. */
  releases: ReleaseRecord[];
  nextNumber: number;
  createdAt: string;
}

/**
 * Everything the emulator knows. Ids are unique across the whole emulator, as on GitHub, so tests of
 * different repositories sharing one emulator never collide.
 */
export class GitHubState {
  readonly repositories = new Map<string, RepositoryRecord>();
  readonly accounts = new Map<string, Account>();
  /** Tokens and who they authenticate. */
  readonly tokens = new Map<string, string>();
  /** Team members by `org/team-slug`, with their role. */
  readonly teams = new Map<string, Map<string, 'member' | 'maintainer'>>();
  /** The webhook deliveries the emulator produced (the merge queue's), oldest first, with their repository. */
  readonly deliveries: { repo: string; delivery: WebhookDelivery }[] = [];
  /** Who hears of each delivery as it is produced. */
  readonly deliveryListeners = new Set<(delivery: WebhookDelivery, repo: string) => void>();
  private nextId = 1000;

  constructor(
    readonly now: () => Date,
    /** Who an unregistered token authenticates as: like a workflow's GITHUB_TOKEN, it may write to every repository. */
    readonly defaultLogin = 'github-actions[bot]',
  ) {}

  id(): number {
    return this.nextId++;
  }

  timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  account(login: string, type: Account['type'] = login.endsWith('[bot]') ? 'Bot' : 'User'): Account {
    let account = this.accounts.get(login);
    if (!account) {
      account = { id: this.id(), login, type };
      this.accounts.set(login, account);
    }
    return account;
  }

  repository(fullName: string): RepositoryRecord | undefined {
    return this.repositories.get(fullName.toLowerCase());
  }

  /** Records a delivery of `repo` and hands it to the listeners. */
  deliver(repo: RepositoryRecord, delivery: WebhookDelivery): void {
    this.deliveries.push({ repo: repo.fullName, delivery });
    for (const listener of this.deliveryListeners) listener(delivery, repo.fullName);
  }

  permission(repo: RepositoryRecord, login: string): Permission {
    if (repo.owner.login === login) return 'admin';
    return repo.collaborators.get(login) ?? (login === this.defaultLogin ? 'write' : 'none');
  }
}

/** A deterministic 40-hex SHA from any text, for merge commits and the like. */
export function shaOf(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** The lines a pull request adds and deletes: the sums over its files, as GitHub counts them. */
export function lineChanges(pr: PullRequestRecord): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const file of pr.files) {
    additions += file.additions;
    deletions += file.deletions;
  }
  return { additions, deletions };
}

export function atLeast(permission: Permission, minimum: Permission): boolean {
  return PERMISSIONS.indexOf(permission) >= PERMISSIONS.indexOf(minimum);
}
