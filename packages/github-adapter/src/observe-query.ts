/**
 * Everything the guard reads about one pull request, in one GraphQL round trip: who the token is,
 * the pull request's state and merge, its head and head repository, the reviews with their commit,
 * author and push permission, the status/check rollup of the head, and the comments (for the timeline).
 */
export const OBSERVE_QUERY = /* GraphQL */ `
  query releaseGuardObserve($owner: String!, $name: String!, $number: Int!) {
    viewer {
      login
    }
    repository(owner: $owner, name: $name) {
      nameWithOwner
      pullRequest(number: $number) {
        id
        number
        state
        merged
        mergedBy {
          login
        }
        headRefName
        headRefOid
        baseRefName
        author {
          login
        }
        assignees(first: 10) {
          nodes {
            login
          }
        }
        isCrossRepository
        headRepository {
          nameWithOwner
        }
        reviews(last: 100) {
          nodes {
            databaseId
            state
            author {
              login
            }
            authorCanPushToRepository
            commit {
              oid
            }
          }
        }
        commits(last: 1) {
          nodes {
            commit {
              oid
              statusCheckRollup {
                contexts(first: 100) {
                  nodes {
                    __typename
                    ... on StatusContext {
                      context
                      state
                      description
                    }
                    ... on CheckRun {
                      name
                      status
                      conclusion
                      checkSuite {
                        app {
                          databaseId
                          slug
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
        comments(last: 100) {
          nodes {
            databaseId
            body
            author {
              login
            }
            editor {
              login
            }
          }
        }
      }
    }
  }
`;

export interface ObserveResult {
  viewer: { login: string };
  repository: {
    nameWithOwner: string;
    pullRequest: {
      id: string;
      number: number;
      state: 'OPEN' | 'CLOSED' | 'MERGED';
      merged: boolean;
      mergedBy: { login: string } | null;
      headRefName: string;
      headRefOid: string;
      baseRefName: string;
      author: { login: string } | null;
      assignees: { nodes: { login: string }[] };
      isCrossRepository: boolean;
      headRepository: { nameWithOwner: string } | null;
      reviews: {
        nodes: {
          databaseId: number;
          state: string;
          author: { login: string } | null;
          authorCanPushToRepository: boolean;
          commit: { oid: string } | null;
        }[];
      };
      commits: {
        nodes: {
          commit: {
            oid: string;
            statusCheckRollup: {
              contexts: {
                nodes: (
                  | { __typename: 'StatusContext'; context: string; state: string; description: string | null }
                  | {
                      __typename: 'CheckRun';
                      name: string;
                      status: string;
                      conclusion: string | null;
                      checkSuite: { app: { databaseId: number; slug: string } | null } | null;
                    }
                )[];
              };
            } | null;
          };
        }[];
      };
      comments: {
        nodes: {
          databaseId: number;
          body: string;
          author: { login: string } | null;
          editor: { login: string } | null;
        }[];
      };
    };
  };
}
