/**
 * The roots a query starts from (`viewer`, `repository(owner:, name:)`, `node(id:)`) and a repository
 * with its pull requests and the objects its refs name.
 */

import { isDirectory, resolveCommit, treeOf } from '../contents.js';
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
import { repositoryMergeQueue } from './merge-queue.js';
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
    mergeQueue: repositoryMergeQueue,
    pullRequest: ({ repo }: RepositoryObject, args: { number: number }) => {
      const pr = repo.pulls.get(args.number);
      if (!pr)
        throw new GitHubAnswer(`Could not resolve to a PullRequest with the number of ${args.number}.`, 'NOT_FOUND');
      return prObject(repo, pr);
    },
    // A `<ref>:<path>` expression names a file (a Blob), a bare ref its commit; null when the ref names no
    // commit or the commit holds no such file. Trees (a directory's path) and object(oid:) are not modelled.
    object: ({ repo }: RepositoryObject, args: { expression?: string; oid?: string }, { state }: Context) => {
      if (args.expression === undefined) throw new Error('object(oid:) is not modelled: ask object(expression:)');
      const [ref = '', ...rest] = args.expression.split(':');
      const sha = resolveCommit(state, repo, ref === 'HEAD' ? undefined : ref);
      if (!sha) return null;
      if (rest.length === 0) return { __typename: 'Commit', repo, sha };
      const path = rest.join(':').replace(/^\/+|\/+$/g, '');
      const tree = treeOf(state, repo, sha);
      const content = tree?.get(path);
      if (content) return { __typename: 'Blob', repo, content };
      if (tree && isDirectory(tree, path)) throw new Error(`${args.expression} is a directory: trees are not modelled`);
      return null;
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
