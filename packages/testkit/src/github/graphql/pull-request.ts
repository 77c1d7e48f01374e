/**
 * A pull request as GraphQL shows it: state, head and base, merge state, auto-merge, and its
 * connections (labels, assignees, reviews, timeline, comments, the head commit).
 */

import { protectionBlocker } from '../merge.js';
import { MAX_LISTED_FILES } from '../rest/pulls.js';
import {
  atLeast,
  type ChangedFileRecord,
  type FileStatus,
  lineChanges,
  type PullRequestRecord,
  type Review,
} from '../state.js';
import {
  actor,
  type Context,
  fieldsOf,
  identity,
  type PageArgs,
  type PullRequestObject,
  page,
  repoObject,
} from './context.js';
import { pullRequestQueueFields } from './merge-queue.js';

/**
 * REST's `status` of a changed file as GraphQL's `PatchStatus`. `PatchStatus` has no value for REST's
 * `unchanged`, and what GitHub answers there is not known: the emulator does not guess.
 */
const CHANGE_TYPES: Record<FileStatus, string | undefined> = {
  added: 'ADDED',
  removed: 'DELETED',
  modified: 'MODIFIED',
  renamed: 'RENAMED',
  copied: 'COPIED',
  changed: 'CHANGED',
  unchanged: undefined,
};

function changeType(file: ChangedFileRecord): string {
  const type = CHANGE_TYPES[file.status];
  if (!type) throw new Error(`${file.filename} is ${file.status}: GraphQL's PatchStatus has no value for it`);
  return type;
}

export function prState(pr: PullRequestRecord): string {
  return pr.merged ? 'MERGED' : pr.state === 'open' ? 'OPEN' : 'CLOSED';
}

export const pullRequestResolvers = {
  PullRequest: {
    ...identity('PullRequest', ({ pr }: PullRequestObject) => pr.id),
    ...fieldsOf(({ pr }: PullRequestObject) => pr, 'number', 'title', 'body', 'merged', 'mergedAt'),
    url: ({ repo, pr }: PullRequestObject) => `https://github.com/${repo.fullName}/pull/${pr.number}`,
    state: ({ pr }: PullRequestObject) => prState(pr),
    assignees: ({ pr }: PullRequestObject, args: PageArgs) => page(pr.assignees.map(actor), args),
    closed: ({ pr }: PullRequestObject) => pr.state === 'closed',
    mergedBy: ({ pr }: PullRequestObject) => actor(pr.mergedBy),
    mergeCommit: ({ repo, pr }: PullRequestObject) => (pr.mergeCommitSha ? { repo, sha: pr.mergeCommitSha } : null),
    author: ({ pr }: PullRequestObject) => actor(pr.user),
    headRefName: ({ pr }: PullRequestObject) => pr.head.ref,
    headRefOid: ({ pr }: PullRequestObject) => pr.head.sha,
    baseRefName: ({ pr }: PullRequestObject) => pr.base.ref,
    baseRefOid: ({ pr }: PullRequestObject) => pr.base.sha,
    isCrossRepository: ({ repo, pr }: PullRequestObject) => pr.head.repo.toLowerCase() !== repo.fullName.toLowerCase(),
    headRepository: ({ pr }: PullRequestObject, _: unknown, { state }: Context) => {
      const head = state.repository(pr.head.repo);
      return head ? repoObject(head) : null;
    },
    headRepositoryOwner: ({ pr }: PullRequestObject, _: unknown, { state }: Context) => {
      const head = state.repository(pr.head.repo);
      return head ? actor(head.owner) : null;
    },
    // No merge conflicts are modelled: an open pull request is always mergeable; protection shows in mergeStateStatus.
    mergeable: ({ pr }: PullRequestObject) => (pr.state === 'open' ? 'MERGEABLE' : 'UNKNOWN'),
    ...pullRequestQueueFields,
    mergeStateStatus: ({ repo, pr }: PullRequestObject) =>
      pr.state !== 'open' ? 'UNKNOWN' : protectionBlocker(repo, pr) ? 'BLOCKED' : 'CLEAN',
    autoMergeRequest: ({ pr }: PullRequestObject) =>
      pr.autoMerge && {
        enabledAt: pr.autoMerge.enabledAt,
        mergeMethod: pr.autoMerge.method,
        enabledBy: actor(pr.autoMerge.enabledBy),
      },
    labels: ({ pr }: PullRequestObject, args: PageArgs) =>
      page(
        pr.labels.map((name) => ({ name })),
        args,
      ),
    reviews: ({ repo, pr }: PullRequestObject, args: PageArgs & { states?: string[]; author?: string }) =>
      page(
        pr.reviews
          .filter((r) => !args.states || args.states.includes(r.state))
          .filter((r) => !args.author || r.user.login === args.author)
          .map((review) => ({ repo, review })),
        args,
      ),
    // Only the assignment events of the timeline are modelled.
    timelineItems: ({ pr }: PullRequestObject, args: PageArgs & { itemTypes?: string[] }) =>
      page(
        pr.assignments
          .filter(
            (event) =>
              !args.itemTypes || args.itemTypes.includes(event.assigned ? 'ASSIGNED_EVENT' : 'UNASSIGNED_EVENT'),
          )
          .map((event) => ({ ...event, __typename: event.assigned ? 'AssignedEvent' : 'UnassignedEvent' })),
        args,
      ),
    // The latest review of each reviewer that approved, requested changes or was dismissed (comments do
    // not count): GitHub's "latest reviews per user", oldest first.
    latestOpinionatedReviews: (
      { repo, pr }: PullRequestObject,
      args: PageArgs & { writersOnly?: boolean },
      { state }: Context,
    ) => {
      const latest = new Map<string, Review>();
      for (const review of pr.reviews) {
        if (review.state === 'COMMENTED') continue;
        latest.delete(review.user.login);
        latest.set(review.user.login, review);
      }
      const writers = [...latest.values()].filter(
        (r) => !args.writersOnly || atLeast(state.permission(repo, r.user.login), 'write'),
      );
      return page(
        writers.map((review) => ({ repo, review })),
        args,
      );
    },
    comments: ({ repo, pr }: PullRequestObject, args: PageArgs) =>
      page(
        repo.comments.filter((c) => c.issueNumber === pr.number).map((comment) => ({ repo, comment })),
        args,
      ),
    commits: ({ repo, pr }: PullRequestObject, args: PageArgs) => page([{ commit: { repo, sha: pr.head.sha } }], args),
    // Like REST, the connection stops at 3,000 files (its totalCount too) while changedFiles counts them
    // all: DefinitelyTyped/dt-mergebot#420 and pytorch/pytorch#120499 report it of GitHub's GraphQL API.
    files: ({ pr }: PullRequestObject, args: PageArgs) => page(pr.files.slice(0, MAX_LISTED_FILES), args),
    changedFiles: ({ pr }: PullRequestObject) => pr.files.length,
    additions: ({ pr }: PullRequestObject) => lineChanges(pr).additions,
    deletions: ({ pr }: PullRequestObject) => lineChanges(pr).deletions,
  },
  // Only the new path of a rename: GraphQL has no field for the old one (REST's previous_filename).
  PullRequestChangedFile: {
    path: (file: ChangedFileRecord) => file.filename,
    changeType,
    additions: (file: ChangedFileRecord) => file.additions,
    deletions: (file: ChangedFileRecord) => file.deletions,
    // Which files someone marked as viewed is not modelled: every file is unviewed, as on a new pull request.
    viewerViewedState: () => 'UNVIEWED',
  },
  PullRequestCommit: { commit: (value: { commit: unknown }) => value.commit },
};
