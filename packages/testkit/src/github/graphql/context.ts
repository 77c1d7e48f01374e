/**
 * What the GraphQL resolvers share: the execution context, GitHub's answers to a refused request, node
 * ids, accounts as GraphQL names them, and connections paged as GitHub pages them.
 */

import { GraphQLError } from 'graphql';
import { nodeId } from '../representations/repository.js';
import type { Account, GitHubState, PullRequestRecord, RepositoryRecord } from '../state.js';

/** An error GitHub itself would answer (a refused merge), as opposed to an emulator bug. */
export class GitHubAnswer extends GraphQLError {
  constructor(message: string, type: string) {
    super(message, { extensions: { type } });
  }
}

/** What every resolver reads: who is asking, and the emulator's state. */
export interface Context {
  caller: Account;
  state: GitHubState;
}

/** `id` (the global node id) and `databaseId` of an object GitHub keys by its database id. */
export const identity = <S>(typename: string, idOf: (source: S) => number) => ({
  id: (source: S) => nodeId(typename, idOf(source)),
  databaseId: idOf,
});

/** Resolvers of the fields a record holds under the schema's own names (`title`, `createdAt`, ...). */
export const fieldsOf = <S, R>(recordOf: (source: S) => R, ...names: (keyof R & string)[]) =>
  Object.fromEntries(names.map((name) => [name, (source: S) => recordOf(source)[name]]));

/** A connection's arguments; a cursor may be `null`, which GitHub takes as no cursor (clients send it for the first page). */
export type PageArgs = { first?: number; last?: number; after?: string | null; before?: string | null };

export type RepositoryObject = { repo: RepositoryRecord };
export type PullRequestObject = { repo: RepositoryRecord; pr: PullRequestRecord };

export const repoObject = (repo: RepositoryRecord): RepositoryObject => ({ repo });
export const prObject = (repo: RepositoryRecord, pr: PullRequestRecord): PullRequestObject => ({ repo, pr });

/** The pull request of a global node id (`node(id:)`, a mutation's `pullRequestId`), if there is one. */
export function findPullRequest(state: GitHubState, id: unknown): PullRequestObject | undefined {
  const decoded = Buffer.from(String(id), 'base64').toString('utf8');
  const dbId = Number(decoded.replace(/^PullRequest:/, ''));
  for (const repo of state.repositories.values()) {
    for (const pr of repo.pulls.values()) if (pr.id === dbId) return prObject(repo, pr);
  }
  return undefined;
}

/** The pull request a mutation names, or GitHub's NOT_FOUND answer. */
export function requirePullRequest(state: GitHubState, id: string): PullRequestObject {
  const node = findPullRequest(state, id);
  if (!node) throw new GitHubAnswer(`Could not resolve to a node with the global id of '${id}'`, 'NOT_FOUND');
  return node;
}

/**
 * An account as GitHub's GraphQL API names it where it authored or did something: a Bot by its bare login
 * (`github-actions`), although REST's `user.login` and the GraphQL `viewer` of an installation token
 * carry the suffix (`github-actions[bot]`). Public reports with live output: typeclaw/typeclaw#637,
 * orbi-build/orbi#655 and anthropics/claude-code-action#1516 (bare bot authors in GraphQL),
 * fullsend-ai/fullsend#1953 (`viewer.login` with the suffix).
 */
export const actor = (account: Account | null) =>
  account && {
    __typename: account.type,
    login: account.type === 'Bot' ? account.login.replace(/\[bot\]$/, '') : account.login,
    id: nodeId(account.type, account.id),
    databaseId: account.id,
  };

/** GitHub refuses `first` or `last` above 100 on every connection. */
const PAGE_LIMIT = 100;

const cursorOf = (index: number) => Buffer.from(`cursor:v2:${index}`).toString('base64');
const indexOf = (cursor: string | null | undefined): number | undefined => {
  if (cursor === undefined || cursor === null) return undefined;
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match) throw new GitHubAnswer(`\`${cursor}\` does not appear to be a valid cursor.`, 'INVALID_CURSOR_ARGUMENTS');
  return Number(match[1]);
};

/**
 * A connection as GitHub pages it: `first`/`after` from the start, `last`/`before` from the end, at most
 * 100 nodes a page, with cursors and `pageInfo` that say whether more pages exist.
 */
export const page = <T>(items: readonly T[], args: PageArgs) => {
  for (const key of ['first', 'last'] as const) {
    const value = args[key];
    if (value !== undefined && (value < 0 || value > PAGE_LIMIT)) {
      throw new GitHubAnswer(
        `Requesting ${value} records on the connection exceeds the \`${key}\` limit of ${PAGE_LIMIT} records.`,
        'EXCESSIVE_PAGE_SIZE',
      );
    }
  }
  let start = 0;
  let end = items.length;
  const after = indexOf(args.after);
  const before = indexOf(args.before);
  if (after !== undefined) start = Math.min(after + 1, end);
  if (before !== undefined) end = Math.max(Math.min(before, end), start);
  if (args.first !== undefined) end = Math.min(end, start + args.first);
  else if (args.last === undefined) end = Math.min(end, start + PAGE_LIMIT);
  if (args.last !== undefined) start = Math.max(start, end - args.last);
  const nodes = items.slice(start, end);
  return {
    nodes,
    totalCount: items.length,
    edges: nodes.map((node, i) => ({ node, cursor: cursorOf(start + i) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: nodes.length > 0 ? cursorOf(start) : null,
      endCursor: nodes.length > 0 ? cursorOf(end - 1) : null,
    },
  };
};
