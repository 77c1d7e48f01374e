/**
 * The roots a query starts from (`viewer`, `repository(owner:, name:)`, `node(id:)`) and a repository
 * with its pull requests.
 */

import { nodeId } from '../representations/repository.js';
import type { Account } from '../state.js';
import {
  type Context,
  findPullRequest,
  GitHubAnswer,
  identity,
  type PageArgs,
  page,
  prObject,
  type RepositoryObject,
  repoObject,
} from './context.js';
import { prState } from './pull-request.js';

/** The caller as `viewer`: always a `User` in the schema, and a bot keeps its `[bot]` suffix there. */
const viewer = (account: Account) => ({
  __typename: 'User',
  login: account.login,
  id: nodeId(account.type, account.id),
  databaseId: account.id,
});

export const repositoryResolvers = {
  Query: {
    viewer: (_: unknown, __: unknown, { caller }: Context) => viewer(caller),
    repository: (_: unknown, args: { owner: string; name: string }, { state }: Context) => {
      const repo = state.repository(`${args.owner}/${args.name}`);
      if (!repo)
        throw new GitHubAnswer(
          `Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`,
          'NOT_FOUND',
        );
      return repoObject(repo);
    },
    node: (_: unknown, args: { id: string }, { state }: Context) => {
      const node = findPullRequest(state, args.id);
      return node ? { __typename: 'PullRequest', ...node } : null;
    },
  },
  Repository: {
    ...identity('Repository', ({ repo }: RepositoryObject) => repo.id),
    name: ({ repo }: RepositoryObject) => repo.name,
    nameWithOwner: ({ repo }: RepositoryObject) => repo.fullName,
    owner: ({ repo }: RepositoryObject) => ({
      __typename: 'User',
      login: repo.owner.login,
      id: nodeId('User', repo.owner.id),
    }),
    isFork: ({ repo }: RepositoryObject) => repo.fork,
    defaultBranchRef: ({ repo }: RepositoryObject) => ({ name: repo.defaultBranch }),
    pullRequest: ({ repo }: RepositoryObject, args: { number: number }) => {
      const pr = repo.pulls.get(args.number);
      if (!pr)
        throw new GitHubAnswer(`Could not resolve to a PullRequest with the number of ${args.number}.`, 'NOT_FOUND');
      return prObject(repo, pr);
    },
    pullRequests: (
      { repo }: RepositoryObject,
      args: PageArgs & { states?: string[]; headRefName?: string; baseRefName?: string },
    ) => {
      const pulls = [...repo.pulls.values()]
        .filter((pr) => !args.states || args.states.includes(prState(pr)))
        .filter((pr) => !args.headRefName || pr.head.ref === args.headRefName)
        .filter((pr) => !args.baseRefName || pr.base.ref === args.baseRefName)
        .map((pr) => prObject(repo, pr));
      return page(pulls, args);
    },
  },
};
