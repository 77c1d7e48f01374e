import type { Octokit } from '@octokit/rest';
import type { ApprovalFact, GuardFacts, StatusFact } from '@release-guard/core';
import { OBSERVE_QUERY, type ObserveResult } from './observe-query.js';
import { parseTimelineComment } from './timeline-comment.js';
import type { RepoRef } from './types.js';

export interface PullRequestRef extends RepoRef {
  number: number;
}

export interface ObserveOptions {
  /** The status context (or check-run name) the guard writes. */
  statusContext: string;
  /** Who may approve releases. Default: anyone who can push to the repository. */
  approvers?: ApproverPolicy;
  /** The release version of a head branch. Default: its last path segment (`releases/v0.29.0` -> `v0.29.0`). */
  versionOf?: (headRef: string) => { version?: string; versions?: Record<string, string> };
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
  /** The login of the token: only its own timeline comment is trusted. */
  viewer: string;
  /** The pull request's GraphQL node id (for GraphQL mutations). */
  nodeId: string;
  /** The guard's timeline comment, if it wrote one: its id, and the snapshot text or why it cannot be read. */
  timeline?: { commentId: number; serialized?: string; problem?: string };
}

/**
 * Reads every fact the guard needs about a pull request in one GraphQL query. Approvals are the latest
 * review of each reviewer when it approves; `authorized` is decided here, so the core never sees an
 * unchecked approval. Release runs and artifacts are not part of this read.
 *
 * @example
 * ```ts
 * const { facts, timeline } = await observe(octokit, { owner: 'weaveworks', repo: 'weave-gitops', number: 3906 }, { statusContext: 'release' });
 * ```
 */
export async function observe(octokit: Octokit, ref: PullRequestRef, options: ObserveOptions): Promise<Observation> {
  const data = await octokit.graphql<ObserveResult>(OBSERVE_QUERY, {
    owner: ref.owner,
    name: ref.repo,
    number: ref.number,
  });
  const pr = data.repository.pullRequest;
  const head = pr.headRefOid;
  const latest = new Map<string, ObserveResult['repository']['pullRequest']['reviews']['nodes'][number]>();
  for (const review of pr.reviews.nodes) {
    if (review.state === 'COMMENTED' || review.state === 'PENDING' || !review.author) continue;
    latest.set(review.author.login, review);
  }
  const policy = options.approvers ?? {};
  const minimum = policy.minimumPermission ?? 'write';
  const releasers = policy.excludeReleaser ? releasersOf(pr) : new Set<string>();
  const approvals: ApprovalFact[] = [];
  for (const review of latest.values()) {
    if (review.state !== 'APPROVED' || !review.commit || !review.author) continue;
    const login = review.author.login;
    let authorized =
      review.authorCanPushToRepository && !releasers.has(login) && (await isListed(octokit, policy, login));
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
  const contexts = pr.commits.nodes[0]?.commit.statusCheckRollup?.contexts.nodes ?? [];
  const statuses: StatusFact[] = contexts.flatMap((context) => {
    if (context.__typename === 'StatusContext' && context.context === options.statusContext) {
      const state = context.state.toLowerCase() as StatusFact['state'];
      return [{ sha: head, state, ...(context.description === null ? {} : { description: context.description }) }];
    }
    return [];
  });
  const own = pr.comments.nodes.filter((c) => c.author?.login === data.viewer.login);
  let timeline: Observation['timeline'];
  for (const comment of own) {
    const parsed = parseTimelineComment(comment.body);
    // Anyone with write access can edit the guard's comment: one edited by someone else is not its record.
    const editor = comment.editor?.login;
    if (parsed.found && editor !== undefined && editor !== data.viewer.login) {
      timeline = { commentId: comment.databaseId, problem: `the timeline comment was edited by ${editor}` };
    } else if (parsed.found) timeline = { commentId: comment.databaseId, serialized: parsed.serialized };
    else if (parsed.problem !== 'not a release-guard timeline comment')
      timeline = { commentId: comment.databaseId, problem: parsed.problem };
  }
  const versions = (options.versionOf ?? versionOfBranch)(pr.headRefName);
  const state = pr.merged ? 'merged' : pr.state === 'OPEN' ? 'open' : 'closed';
  return {
    viewer: data.viewer.login,
    nodeId: pr.id,
    ...(timeline ? { timeline } : {}),
    facts: {
      pr: {
        number: pr.number,
        headRef: pr.headRefName,
        headSha: head,
        baseRef: pr.baseRefName,
        fromFork: pr.isCrossRepository,
        ...versions,
        state,
        ...(pr.merged ? { mergedSha: head, mergedBy: pr.mergedBy?.login ?? 'unknown' } : {}),
      },
      approvals,
      statuses,
    },
  };
}

/** Who prepared the release: the author, or the assignees of a pull request a bot opened. */
function releasersOf(pr: ObserveResult['repository']['pullRequest']): Set<string> {
  const author = pr.author?.login;
  if (author && !author.endsWith('[bot]')) return new Set([author]);
  return new Set(pr.assignees.nodes.map((a) => a.login));
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
