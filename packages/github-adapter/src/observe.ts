import type { Octokit } from '@octokit/rest';
import {
  type ApprovalFact,
  branchKind,
  type GuardFacts,
  type GuardSettings,
  type HeadFacts,
  MAX_RELEASERS,
  normalizeLogin,
  type StatusFact,
} from '@release-guard/core';
import { changedFilesOf, fileAt } from './head-facts.js';
import {
  type AssignmentNode,
  type Connection,
  type ContextNode,
  type GraphQLActor,
  OBSERVE_MORE_QUERY,
  OBSERVE_QUERY,
  type ObserveMoreResult,
  type ObserveResult,
} from './observe-query.js';
import { parseTimelineComment } from './timeline-comment.js';
import type { RepoRef } from './types.js';

export interface PullRequestRef extends RepoRef {
  number: number;
}

export interface ObserveOptions {
  /** The status context (or check-run name) the guard writes. */
  statusContext: string;
  /** Whether the guard writes a commit status (default) or a check run of its own app. */
  statusKind?: 'status' | 'check-run';
  /** Who may approve releases. Default: anyone who can push to the repository. */
  approvers?: ApproverPolicy;
  /**
   * The release version of a head branch, with `versionSource: 'branch'` only. Default: its last path
   * segment (`releases/v0.29.0` -> `v0.29.0`).
   */
  versionOf?: (headRef: string) => { version?: string; versions?: Record<string, string> };
  /**
   * How the guard recognises pull requests (`guard.settings`): the head facts they need are read with
   * the rest. The title always; the changed files of a pull request that is not a release, when there
   * are `protectedPaths`; the version file at the head of a release pull request, for a `versionSource`
   * file. Default: `releases/*` from the branch, no protected paths.
   */
  recognition?: Pick<GuardSettings, 'releaseBranch' | 'versionSource' | 'protectedPaths'>;
}

/**
 * Who may approve a release. Always someone who can push; `users` and `teams` (`org/team-slug`) narrow it
 * to an allow-list (either may match); `minimumPermission` above `write` raises the bar. A team look-up
 * or a permission above `write` costs one REST call per approving reviewer, and team look-ups need a
 * token that may read the organisation's teams (`read:org`, or an app with members: read).
 */
export interface ApproverPolicy {
  users?: readonly string[];
  teams?: readonly string[];
  minimumPermission?: 'write' | 'maintain' | 'admin';
  /**
   * The releaser may not approve their own release: the pull request's author or, when a bot opened it
   * (a prepare-release workflow), its assignees (the workflow assigns whoever ran it). Default false.
   */
  excludeReleaser?: boolean;
}

const RANK = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 } as Record<string, number>;

/** What one observation of a pull request tells the guard. */
export interface Observation {
  facts: GuardFacts;
  /** The login of the token, as REST spells it (`github-actions[bot]` for an app or a workflow token). */
  viewer: string;
  /** The pull request's GraphQL node id (for GraphQL mutations). */
  nodeId: string;
  /** The guard's timeline comment, if it wrote one: its id, and the snapshot text or why it cannot be read. */
  timeline?: { commentId: number; serialized?: string; problem?: string };
  /** Comments the token wrote on the pull request (ids and bodies), found on every page. */
  ownComments: { id: number; body: string }[];
  /**
   * Other open pull requests of this repository (not from a fork) whose head is this pull request's head
   * commit: statuses and check runs belong to the commit, so a verdict written for one is shown on all.
   */
  sharedHead: { number: number; headRef: string }[];
  /** Who prepared the release: the author, or the assignees of a pull request a bot opened. */
  releasers: string[];
  /** Who wrote the guard's commit status that stands on the head (REST spelling), when one stands. */
  statusWriter?: string;
  /** Whether GitHub's auto-merge of the pull request is enabled (by anyone). */
  autoMergeArmed: boolean;
  /** The head commit the pull request entered the merge queue with, while it stands in the queue. */
  queuedHead?: string;
}

/**
 * Reads every fact the guard needs about a pull request: one GraphQL query, and one more per further
 * page of reviews, comments or status contexts (lists come back 100 at a time, and nothing that matters
 * may fall off a page). Approvals are the latest opinionated review of each reviewer when it approves;
 * `authorized` is decided here, so the core never sees an unchecked approval. Release runs and artifacts
 * are not part of this read.
 *
 * @example
 * ```ts
 * const { facts, timeline } = await observe(octokit, { owner: 'weaveworks', repo: 'weave-gitops', number: 3906 }, { statusContext: 'release' });
 * ```
 */
export async function observe(octokit: Octokit, ref: PullRequestRef, options: ObserveOptions): Promise<Observation> {
  const excludeReleaser = options.approvers?.excludeReleaser === true;
  const data = await octokit.graphql<ObserveResult>(OBSERVE_QUERY, {
    owner: ref.owner,
    name: ref.repo,
    number: ref.number,
    withAssignments: excludeReleaser,
    withFiles: (options.recognition?.protectedPaths.length ?? 0) > 0,
  });
  const pr = data.repository.pullRequest;
  const head = pr.headRefOid;
  const viewer = data.viewer.login;
  const more = <K extends keyof typeof OBSERVE_MORE_QUERY>(key: K) => nextPage(octokit, pr.id, key);
  const headCommit = pr.commits.nodes[0]?.commit;

  const reviews = await readAll(pr.latestOpinionatedReviews, more('reviews'));
  const policy = options.approvers ?? {};
  const minimum = policy.minimumPermission ?? 'write';
  const assignments = pr.timelineItems ? await readAll(pr.timelineItems, more('assignments')) : [];
  const releasers = releasersOf(pr, assignments);
  const excluded = new Set(excludeReleaser ? releasers.map(normalizeLogin) : []);
  const approvals: ApprovalFact[] = [];
  for (const review of reviews) {
    if (review.state !== 'APPROVED' || !review.commit || !review.author) continue;
    const login = restLogin(review.author);
    let authorized =
      review.authorCanPushToRepository &&
      !excluded.has(normalizeLogin(login)) &&
      (await isListed(octokit, policy, login));
    if (authorized && minimum !== 'write') {
      const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
        owner: ref.owner,
        repo: ref.repo,
        username: login,
      });
      authorized = (RANK[data.role_name] ?? 0) >= (RANK[minimum] ?? 0);
    }
    approvals.push({ reviewId: review.databaseId, reviewer: login, sha: review.commit.oid, authorized });
  }

  const ownApp = viewer.endsWith(BOT_SUFFIX) ? viewer.slice(0, -BOT_SUFFIX.length) : undefined;
  const isOwn = (context: ContextNode) =>
    context.__typename === 'StatusContext'
      ? context.context === options.statusContext && options.statusKind !== 'check-run'
      : context.name === options.statusContext &&
        options.statusKind === 'check-run' &&
        ownApp !== undefined &&
        context.checkSuite?.app?.slug === ownApp;
  const contexts = headCommit?.statusCheckRollup
    ? await readAll(headCommit.statusCheckRollup.contexts, more('contexts'), (nodes) => nodes.some(isOwn))
    : [];
  const own = contexts.filter(isOwn);
  const statuses: StatusFact[] = own.map((context) => statusFact(head, context));
  const standing = own.at(-1);
  const statusWriter =
    standing?.__typename === 'StatusContext' && standing.creator ? restLogin(standing.creator) : undefined;

  const comments = await readAll(pr.comments, more('comments'), (nodes) =>
    nodes.some((c) => c.viewerDidAuthor && parseTimelineComment(c.body).found),
  );
  const authored = comments.filter((c) => c.viewerDidAuthor);
  const ownComments = authored.map((c) => ({ id: c.databaseId, body: c.body }));
  let timeline: Observation['timeline'];
  for (const comment of authored) {
    const parsed = parseTimelineComment(comment.body);
    // Anyone with write access can edit the guard's comment: one edited by someone else is not its record.
    const editor = comment.editor ? restLogin(comment.editor) : undefined;
    if (parsed.found && editor !== undefined && !sameLogin(editor, viewer)) {
      timeline = { commentId: comment.databaseId, problem: `the timeline comment was edited by ${editor}` };
    } else if (parsed.found) timeline = { commentId: comment.databaseId, serialized: parsed.serialized };
    else if (parsed.problem !== 'not a release-guard timeline comment')
      timeline = { commentId: comment.databaseId, problem: parsed.problem };
  }

  const sharedHead = (headCommit?.associatedPullRequests.nodes ?? [])
    .filter((other) => other.number !== pr.number && other.state === 'OPEN' && !other.isCrossRepository)
    .filter((other) => other.headRefOid === head)
    .map((other) => ({ number: other.number, headRef: other.headRefName }));
  const recognition = options.recognition;
  const versions =
    recognition === undefined || recognition.versionSource === 'branch'
      ? (options.versionOf ?? versionOfBranch)(pr.headRefName)
      : {};
  const headFacts = recognition ? await headFactsOf(octokit, ref, pr, recognition) : {};
  const state = pr.merged ? 'merged' : pr.state === 'OPEN' ? 'open' : 'closed';
  return {
    viewer,
    nodeId: pr.id,
    ...(timeline ? { timeline } : {}),
    ownComments,
    sharedHead,
    releasers,
    ...(statusWriter ? { statusWriter } : {}),
    autoMergeArmed: pr.autoMergeRequest !== null,
    ...(pr.mergeQueueEntry?.headCommit ? { queuedHead: pr.mergeQueueEntry.headCommit.oid } : {}),
    facts: {
      pr: {
        number: pr.number,
        headRef: pr.headRefName,
        headSha: head,
        baseRef: pr.baseRefName,
        fromFork: pr.isCrossRepository,
        title: pr.title,
        mergeQueue: pr.isMergeQueueEnabled,
        queued: pr.mergeQueueEntry !== null,
        ...headFacts,
        ...versions,
        // Pinned by the core: someone who prepared the release stays a releaser after un-assigning themself.
        ...(excludeReleaser && releasers.length > 0 ? { releasers: releasers.slice(0, MAX_RELEASERS) } : {}),
        state,
        ...(pr.merged ? { mergedSha: head, mergedBy: pr.mergedBy ? restLogin(pr.mergedBy) : 'unknown' } : {}),
      },
      approvals,
      statuses,
    },
  };
}

/**
 * The changed files of a pull request that is not a release (when protected paths are set), or the
 * version file at the head of a release pull request (for a `versionSource` file).
 */
async function headFactsOf(
  octokit: Octokit,
  ref: PullRequestRef,
  pr: ObserveResult['repository']['pullRequest'],
  recognition: NonNullable<ObserveOptions['recognition']>,
): Promise<HeadFacts> {
  const kind = branchKind({ headRef: pr.headRefName, fromFork: pr.isCrossRepository }, recognition);
  const source = recognition.versionSource;
  if (kind === 'release' && typeof source === 'object') {
    return {
      contents: {
        [source.file]: await fileAt(octokit, { owner: ref.owner, repo: ref.repo }, source.file, pr.headRefOid),
      },
    };
  }
  if (kind === 'release' || !pr.files || pr.changedFiles === undefined) return {};
  return (await changedFilesOf(octokit, ref, pr.headRefOid, { changedFiles: pr.changedFiles, files: pr.files })) ?? {};
}

const BOT_SUFFIX = '[bot]';

/**
 * A login as REST spells it. GitHub's GraphQL names a Bot by its bare login (`github-actions`) where
 * REST and the GraphQL `viewer` carry the suffix (`github-actions[bot]`): the guard speaks REST's.
 */
export function restLogin(actor: GraphQLActor): string {
  return actor.__typename === 'Bot' && !actor.login.endsWith(BOT_SUFFIX) ? `${actor.login}${BOT_SUFFIX}` : actor.login;
}

/** Whether two REST logins name the same account (GitHub logins are case-insensitive). */
export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The guard's status or its own check run as the core's fact. */
function statusFact(sha: string, context: ContextNode): StatusFact {
  if (context.__typename === 'StatusContext') {
    const state = context.state.toLowerCase() as StatusFact['state'];
    return { sha, state, ...(context.description === null ? {} : { description: context.description }) };
  }
  const state: StatusFact['state'] =
    context.status !== 'COMPLETED' ? 'pending' : context.conclusion === 'SUCCESS' ? 'success' : 'failure';
  return { sha, state, ...(context.title === null ? {} : { description: context.title }) };
}

/**
 * Every node of a connection: the first page, then the next ones while GitHub says there are more,
 * unless `enough` says that what was read already holds what matters.
 */
async function readAll<T>(
  first: Connection<T>,
  next: (after: string) => Promise<Connection<T> | undefined>,
  enough: (nodes: readonly T[]) => boolean = () => false,
): Promise<T[]> {
  const nodes = [...first.nodes];
  let page: Connection<T> | undefined = first;
  while (page?.pageInfo.hasNextPage && page.pageInfo.endCursor && !enough(nodes)) {
    page = await next(page.pageInfo.endCursor);
    nodes.push(...(page?.nodes ?? []));
  }
  return nodes;
}

/** A reader of the next page of one of the pull request's connections. */
function nextPage<K extends keyof typeof OBSERVE_MORE_QUERY>(octokit: Octokit, id: string, key: K) {
  return async (after: string) => {
    const { node } = await octokit.graphql<ObserveMoreResult>(OBSERVE_MORE_QUERY[key], { id, after });
    if (key === 'reviews') return node?.latestOpinionatedReviews as Connection<never> | undefined;
    if (key === 'assignments') return node?.timelineItems as Connection<never> | undefined;
    if (key === 'comments') return node?.comments as Connection<never> | undefined;
    return node?.commits?.nodes[0]?.commit.statusCheckRollup?.contexts as Connection<never> | undefined;
  };
}

/**
 * Who prepared the release: the author, or, for a pull request a bot opened, everyone it was ever
 * assigned to. Assignees are mutable (a releaser can un-assign themself); the timeline's assignments are
 * not, so un-assigning oneself, even before the guard first saw the pull request, changes nothing.
 */
function releasersOf(pr: ObserveResult['repository']['pullRequest'], assignments: readonly AssignmentNode[]): string[] {
  if (pr.author && pr.author.__typename !== 'Bot') return [pr.author.login];
  const logins = [
    ...assignments.flatMap((event) =>
      event.assignee?.login ? [restLogin({ __typename: event.assignee.__typename, login: event.assignee.login })] : [],
    ),
    ...pr.assignees.nodes.map((a) => a.login),
  ];
  return logins.filter((login, i) => logins.findIndex((other) => sameLogin(other, login)) === i);
}

/** Whether `login` is on the policy's allow-list (users or team members); true when there is none. */
async function isListed(octokit: Octokit, policy: ApproverPolicy, login: string): Promise<boolean> {
  if (!policy.users && !policy.teams) return true;
  if (policy.users?.includes(login)) return true;
  for (const team of policy.teams ?? []) {
    const [org = '', slug = ''] = team.split('/');
    try {
      const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login });
      if (data.state === 'active') return true;
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }
  return false;
}

/** The release version a branch names: its last path segment (`releases/v0.29.0` -> `v0.29.0`). */
export function versionOfBranch(branch: string): { version?: string } {
  const last = branch.split('/').at(-1);
  return last ? { version: last } : {};
}
