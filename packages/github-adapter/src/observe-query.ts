/** What the guard reads of each connection. A document holds only the fragments it spreads: GraphQL refuses unused ones. */
const REVIEWS_FRAGMENT = /* GraphQL */ `
  fragment releaseGuardReviews on PullRequestReviewConnection {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      databaseId
      state
      author {
        __typename
        login
      }
      authorCanPushToRepository
      commit {
        oid
      }
    }
  }
`;

const CONTEXTS_FRAGMENT = /* GraphQL */ `
  fragment releaseGuardContexts on StatusCheckRollupContextConnection {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      __typename
      ... on StatusContext {
        context
        state
        description
        creator {
          __typename
          login
        }
      }
      ... on CheckRun {
        name
        status
        conclusion
        title
        checkSuite {
          app {
            databaseId
            slug
          }
        }
      }
    }
  }
`;

const ASSIGNMENTS_FRAGMENT = /* GraphQL */ `
  fragment releaseGuardAssignments on PullRequestTimelineItemsConnection {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      __typename
      ... on AssignedEvent {
        assignee {
          __typename
          ... on Actor {
            login
          }
        }
      }
    }
  }
`;

const COMMENTS_FRAGMENT = /* GraphQL */ `
  fragment releaseGuardComments on IssueCommentConnection {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      databaseId
      body
      viewerDidAuthor
      editor {
        __typename
        login
      }
    }
  }
`;

/**
 * Everything the guard reads about one pull request, in one GraphQL round trip: who the token is,
 * the pull request's state and merge, its head and head repository, the latest opinionated review of
 * each reviewer with its commit, author and push permission, the status/check rollup of the head, the
 * open pull requests that share the head commit, the comments (for the timeline), the title, and with
 * `$withFiles` the first 100 changed files and their count (for protected paths). Connections come
 * back 100 nodes at a time: `pageInfo` says when `OBSERVE_MORE_QUERY` must read on.
 */
export const OBSERVE_QUERY: string = /* GraphQL */ `
  query releaseGuardObserve(
    $owner: String!
    $name: String!
    $number: Int!
    $withAssignments: Boolean = false
    $withFiles: Boolean = false
  ) {
    viewer {
      login
    }
    repository(owner: $owner, name: $name) {
      nameWithOwner
      pullRequest(number: $number) {
        id
        number
        title
        state
        merged
        mergedBy {
          __typename
          login
        }
        autoMergeRequest {
          enabledAt
        }
        isMergeQueueEnabled
        mergeQueueEntry {
          id
          headCommit {
            oid
          }
        }
        headRefName
        headRefOid
        baseRefName
        author {
          __typename
          login
        }
        assignees(first: 100) {
          nodes {
            login
          }
        }
        timelineItems(itemTypes: [ASSIGNED_EVENT], first: 100) @include(if: $withAssignments) {
          ...releaseGuardAssignments
        }
        isCrossRepository
        headRepository {
          nameWithOwner
        }
        changedFiles @include(if: $withFiles)
        files(first: 100) @include(if: $withFiles) {
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            path
            changeType
          }
        }
        latestOpinionatedReviews(first: 100) {
          ...releaseGuardReviews
        }
        commits(last: 1) {
          nodes {
            commit {
              oid
              statusCheckRollup {
                contexts(first: 100) {
                  ...releaseGuardContexts
                }
              }
              associatedPullRequests(first: 100) {
                nodes {
                  number
                  state
                  isCrossRepository
                  headRefName
                  headRefOid
                }
              }
            }
          }
        }
        comments(first: 100) {
          ...releaseGuardComments
        }
      }
    }
  }
  ${REVIEWS_FRAGMENT}
  ${ASSIGNMENTS_FRAGMENT}
  ${CONTEXTS_FRAGMENT}
  ${COMMENTS_FRAGMENT}
`;

/** The next page of the reviews, assignments, contexts or comments of the pull request with node id `$id`. */
export const OBSERVE_MORE_QUERY: Readonly<Record<'reviews' | 'assignments' | 'comments' | 'contexts', string>> = {
  reviews: /* GraphQL */ `
    query releaseGuardReviews($id: ID!, $after: String!) {
      node(id: $id) {
        ... on PullRequest {
          latestOpinionatedReviews(first: 100, after: $after) {
            ...releaseGuardReviews
          }
        }
      }
    }
    ${REVIEWS_FRAGMENT}
  `,
  assignments: /* GraphQL */ `
    query releaseGuardAssignments($id: ID!, $after: String!) {
      node(id: $id) {
        ... on PullRequest {
          timelineItems(itemTypes: [ASSIGNED_EVENT], first: 100, after: $after) {
            ...releaseGuardAssignments
          }
        }
      }
    }
    ${ASSIGNMENTS_FRAGMENT}
  `,
  comments: /* GraphQL */ `
    query releaseGuardComments($id: ID!, $after: String!) {
      node(id: $id) {
        ... on PullRequest {
          comments(first: 100, after: $after) {
            ...releaseGuardComments
          }
        }
      }
    }
    ${COMMENTS_FRAGMENT}
  `,
  contexts: /* GraphQL */ `
    query releaseGuardContexts($id: ID!, $after: String!) {
      node(id: $id) {
        ... on PullRequest {
          commits(last: 1) {
            nodes {
              commit {
                statusCheckRollup {
                  contexts(first: 100, after: $after) {
                    ...releaseGuardContexts
                  }
                }
              }
            }
          }
        }
      }
    }
    ${CONTEXTS_FRAGMENT}
  `,
};

/** An account as GraphQL names it: a Bot by its bare login (`github-actions`), a User by its login. */
export interface GraphQLActor {
  __typename: string;
  login: string;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface ReviewNode {
  databaseId: number;
  state: string;
  author: GraphQLActor | null;
  authorCanPushToRepository: boolean;
  commit: { oid: string } | null;
}

export type ContextNode =
  | {
      __typename: 'StatusContext';
      context: string;
      state: string;
      description: string | null;
      creator: GraphQLActor | null;
    }
  | {
      __typename: 'CheckRun';
      name: string;
      status: string;
      conclusion: string | null;
      title: string | null;
      checkSuite: { app: { databaseId: number; slug: string } | null } | null;
    };

/** An assignment in the pull request's timeline (only `ASSIGNED_EVENT`s are asked for). */
export interface AssignmentNode {
  __typename: string;
  assignee?: { __typename: string; login?: string } | null;
}

export interface CommentNode {
  databaseId: number;
  body: string;
  viewerDidAuthor: boolean;
  editor: GraphQLActor | null;
}

export interface Connection<T> {
  pageInfo: PageInfo;
  nodes: T[];
}

export interface ObserveResult {
  viewer: { login: string };
  repository: {
    nameWithOwner: string;
    pullRequest: {
      id: string;
      number: number;
      title: string;
      state: 'OPEN' | 'CLOSED' | 'MERGED';
      merged: boolean;
      mergedBy: GraphQLActor | null;
      autoMergeRequest: { enabledAt: string | null } | null;
      /** Whether the base branch merges through a merge queue (a direct merge is refused). */
      isMergeQueueEnabled: boolean;
      /** The pull request's entry in the merge queue, while it stands in it. */
      mergeQueueEntry: { id: string; headCommit: { oid: string } | null } | null;
      headRefName: string;
      headRefOid: string;
      baseRefName: string;
      author: GraphQLActor | null;
      assignees: { nodes: { login: string }[] };
      /** Present when `$withAssignments`. */
      timelineItems?: Connection<AssignmentNode>;
      isCrossRepository: boolean;
      headRepository: { nameWithOwner: string } | null;
      /** Present when `$withFiles`: how many files the pull request changes, and the first 100 of them. */
      changedFiles?: number;
      files?: Connection<{ path: string; changeType: string }> | null;
      latestOpinionatedReviews: Connection<ReviewNode>;
      commits: {
        nodes: {
          commit: {
            oid: string;
            statusCheckRollup: { contexts: Connection<ContextNode> } | null;
            associatedPullRequests: {
              nodes: {
                number: number;
                state: 'OPEN' | 'CLOSED' | 'MERGED';
                isCrossRepository: boolean;
                headRefName: string;
                headRefOid: string;
              }[];
            };
          };
        }[];
      };
      comments: Connection<CommentNode>;
    };
  };
}

/** What `OBSERVE_MORE_QUERY` answers. */
export interface ObserveMoreResult {
  node: {
    latestOpinionatedReviews?: Connection<ReviewNode>;
    timelineItems?: Connection<AssignmentNode>;
    comments?: Connection<CommentNode>;
    commits?: { nodes: { commit: { statusCheckRollup: { contexts: Connection<ContextNode> } | null } }[] };
  } | null;
}
