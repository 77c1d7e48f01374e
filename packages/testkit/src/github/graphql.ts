import { schema as published } from '@octokit/graphql-schema';
import {
  buildClientSchema,
  type DocumentNode,
  execute,
  type FieldNode,
  GraphQLError,
  type GraphQLSchema,
  type IntrospectionQuery,
  isAbstractType,
  isObjectType,
  type OperationDefinitionNode,
  parse,
  validate,
} from 'graphql';
import { ContractViolation } from './contract.js';
import type { GitHubControl } from './control.js';
import { mergePullRequest, protectionBlocker, settleAutoMerges } from './merge.js';
import { Representations } from './representations.js';
import { latestStatuses } from './rest/statuses.js';
import {
  type Account,
  atLeast,
  type CheckRunRecord,
  type GitHubState,
  type PullRequestRecord,
  type RepositoryRecord,
  type Review,
} from './state.js';

/** An error GitHub itself would answer (a refused merge), as opposed to an emulator bug. */
class GitHubAnswer extends GraphQLError {
  constructor(message: string, type: string) {
    super(message, { extensions: { type } });
  }
}

export interface GraphQLRequest {
  document?: DocumentNode;
  variables: Record<string, unknown>;
  operationName?: string;
  /** `graphql:<first root field>` for the log. */
  operation: string;
  field?: string;
  repo?: string;
  problems: string[];
}

export interface GraphQLEndpoint {
  parse(raw: string): GraphQLRequest;
  execute(request: GraphQLRequest, caller: Account): Promise<unknown>;
}

let schemaCache: GraphQLSchema | undefined;

/** GitHub's public GraphQL schema, from @octokit/graphql-schema (loaded once per process). */
export function githubSchema(): GraphQLSchema {
  schemaCache ??= buildClientSchema(published.json as unknown as IntrospectionQuery);
  return schemaCache;
}

/**
 * Problems of a GraphQL document against GitHub's schema (empty when valid): for testing the documents
 * your code sends, without a server.
 */
export function validateGraphQL(document: string): string[] {
  try {
    return validate(githubSchema(), parse(document)).map((e) => e.message);
  } catch (cause) {
    return [(cause as Error).message];
  }
}

type Node = { kind: 'pr'; repo: RepositoryRecord; pr: PullRequestRecord };

/**
 * A GraphQL endpoint over GitHub's real schema, sharing the REST emulator's state: the fields release
 * automation reads (a pull request with its head, reviews, status check rollup and comments) and the
 * merge mutations with `expectedHeadOid`. Every document is validated against the schema first.
 */
export function createGraphQL(state: GitHubState, control: GitHubControl): GraphQLEndpoint {
  const schema = executableSchema();
  const findPr = (id: unknown) => findPullRequest(state, id);
  // Parsing and validating a document against GitHub's schema is deterministic, and clients send the
  // same few documents again and again: each distinct document is parsed and validated once.
  const checked = new Map<string, { document: DocumentNode; problems: string[] }>();
  const check = (query: string) => {
    let found = checked.get(query);
    if (!found) {
      const document = parse(query);
      found = { document, problems: validate(githubSchema(), document).map((e) => e.message) };
      if (checked.size >= 200) checked.delete(checked.keys().next().value as string);
      checked.set(query, found);
    }
    return found;
  };

  return {
    parse(raw) {
      let body: { query?: unknown; variables?: unknown; operationName?: unknown };
      try {
        body = JSON.parse(raw);
      } catch {
        return { variables: {}, operation: 'graphql', problems: ['Problems parsing JSON'] };
      }
      const variables = (body.variables ?? {}) as Record<string, unknown>;
      if (typeof body.query !== 'string')
        return {
          variables,
          operation: 'graphql',
          problems: ['A query attribute must be specified and must be a string.'],
        };
      let document: DocumentNode;
      let problems: string[];
      try {
        ({ document, problems } = check(body.query));
      } catch (cause) {
        return { variables, operation: 'graphql', problems: [(cause as Error).message] };
      }
      const operation = document.definitions.find(
        (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
      );
      const first = operation?.selectionSet.selections.find((s): s is FieldNode => s.kind === 'Field');
      const field = first?.name.value;
      return {
        document,
        variables,
        operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
        operation: `graphql:${field ?? 'unknown'}`,
        field,
        repo: operation?.selectionSet.selections
          .filter((s): s is FieldNode => s.kind === 'Field')
          .map((f) => repoOf(f, variables, findPr))
          .find((name) => name !== undefined),
        problems,
      };
    },
    async execute(request, caller) {
      control.counters.requestValidations++;
      if (!request.document || request.problems.length > 0) {
        control.violations.push(new ContractViolation('request', request.operation, request.problems));
        return { errors: request.problems.map((message) => ({ message })) };
      }
      const result = await execute({
        schema,
        document: request.document,
        variableValues: request.variables,
        operationName: request.operationName,
        contextValue: { caller, state } satisfies Context,
      });
      control.counters.responseValidations++;
      for (const e of result.errors ?? []) {
        if (!(e.originalError instanceof GitHubAnswer)) {
          control.violations.push(
            new ContractViolation('response', request.operation, [`${e.path?.join('.') ?? ''}: ${e.message}`]),
          );
        }
      }
      const errors = result.errors?.map((e) => ({
        message: e.message,
        path: e.path,
        locations: e.locations,
        type: (e.extensions?.type as string | undefined) ?? 'INTERNAL',
      }));
      settleAutoMerges(state);
      return errors ? { data: result.data ?? null, errors } : { data: result.data };
    },
  };
}

interface Context {
  caller: Account;
  state: GitHubState;
}

const ids = new Representations('');

type PageArgs = { first?: number; last?: number; after?: string; before?: string };

/** The pull request a mutation names, or GitHub's NOT_FOUND answer. */
function requirePullRequest(state: GitHubState, id: string): Node {
  const node = findPullRequest(state, id);
  if (!node) throw new GitHubAnswer(`Could not resolve to a node with the global id of '${id}'`, 'NOT_FOUND');
  return node;
}

function findPullRequest(state: GitHubState, id: unknown): Node | undefined {
  const decoded = Buffer.from(String(id), 'base64').toString('utf8');
  const dbId = Number(decoded.replace(/^PullRequest:/, ''));
  for (const repo of state.repositories.values()) {
    for (const pr of repo.pulls.values()) if (pr.id === dbId) return { kind: 'pr', repo, pr };
  }
  return undefined;
}

/**
 * An account as GitHub's GraphQL API names it where it authored or did something: a Bot by its bare login
 * (`github-actions`), although REST's `user.login` and the GraphQL `viewer` of an installation token
 * carry the suffix (`github-actions[bot]`). Public reports with live output: typeclaw/typeclaw#637,
 * orbi-build/orbi#655 and anthropics/claude-code-action#1516 (bare bot authors in GraphQL),
 * fullsend-ai/fullsend#1953 (`viewer.login` with the suffix).
 */
const actor = (account: Account | null) =>
  account && {
    __typename: account.type,
    login: account.type === 'Bot' ? account.login.replace(/\[bot\]$/, '') : account.login,
    id: ids.nodeId(account.type, account.id),
    databaseId: account.id,
  };

/** The caller as `viewer`: always a `User` in the schema, and a bot keeps its `[bot]` suffix there. */
const viewer = (account: Account) => ({
  __typename: 'User',
  login: account.login,
  id: ids.nodeId(account.type, account.id),
  databaseId: account.id,
});

/** GitHub refuses `first` or `last` above 100 on every connection. */
const PAGE_LIMIT = 100;

const cursorOf = (index: number) => Buffer.from(`cursor:v2:${index}`).toString('base64');
const indexOf = (cursor: string | undefined): number | undefined => {
  if (cursor === undefined) return undefined;
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match) throw new GitHubAnswer(`\`${cursor}\` does not appear to be a valid cursor.`, 'INVALID_CURSOR_ARGUMENTS');
  return Number(match[1]);
};

/**
 * A connection as GitHub pages it: `first`/`after` from the start, `last`/`before` from the end, at most
 * 100 nodes a page, with cursors and `pageInfo` that say whether more pages exist.
 */
const page = <T>(items: readonly T[], args: PageArgs) => {
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
const repoObject = (repo: RepositoryRecord) => ({ repo });
const prObject = (repo: RepositoryRecord, pr: PullRequestRecord) => ({ repo, pr });
const rollup = (repo: RepositoryRecord, sha: string) => {
  const statuses = latestStatuses(repo, sha).reverse();
  const runs = latestRuns(repo.checkRuns.filter((r) => r.headSha === sha));
  const contexts = [
    ...statuses.map((s) => ({ __typename: 'StatusContext', repo, status: s })),
    ...runs.map((r) => ({ __typename: 'CheckRun', repo, run: r })),
  ];
  if (contexts.length === 0) return null;
  return {
    contexts,
    state: rollupState(
      statuses.map((s) => s.state.toUpperCase()),
      runs,
    ),
  };
};

const resolvers = {
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
      return node ? { __typename: 'PullRequest', ...prObject(node.repo, node.pr) } : null;
    },
  },
  Node: { __resolveType: (value: { __typename?: string }) => value.__typename ?? null },
  Actor: { __resolveType: (value: { __typename: string }) => value.__typename },
  StatusCheckRollupContext: { __resolveType: (value: { __typename: string }) => value.__typename },
  PullRequestTimelineItems: { __resolveType: (value: { __typename: string }) => value.__typename },
  Assignee: { __resolveType: (value: { __typename: string }) => value.__typename },
  AssignedEvent: {
    id: ({ id }: { id: number }) => ids.nodeId('AssignedEvent', id),
    assignee: ({ assignee }: { assignee: Account }) => actor(assignee),
    createdAt: ({ createdAt }: { createdAt: string }) => createdAt,
  },
  UnassignedEvent: {
    id: ({ id }: { id: number }) => ids.nodeId('UnassignedEvent', id),
    assignee: ({ assignee }: { assignee: Account }) => actor(assignee),
    createdAt: ({ createdAt }: { createdAt: string }) => createdAt,
  },
  Repository: {
    id: ({ repo }: { repo: RepositoryRecord }) => ids.nodeId('Repository', repo.id),
    databaseId: ({ repo }: { repo: RepositoryRecord }) => repo.id,
    name: ({ repo }: { repo: RepositoryRecord }) => repo.name,
    nameWithOwner: ({ repo }: { repo: RepositoryRecord }) => repo.fullName,
    owner: ({ repo }: { repo: RepositoryRecord }) => ({
      __typename: 'User',
      login: repo.owner.login,
      id: ids.nodeId('User', repo.owner.id),
    }),
    isFork: ({ repo }: { repo: RepositoryRecord }) => repo.fork,
    defaultBranchRef: ({ repo }: { repo: RepositoryRecord }) => ({ name: repo.defaultBranch }),
    pullRequest: ({ repo }: { repo: RepositoryRecord }, args: { number: number }) => {
      const pr = repo.pulls.get(args.number);
      if (!pr)
        throw new GitHubAnswer(`Could not resolve to a PullRequest with the number of ${args.number}.`, 'NOT_FOUND');
      return prObject(repo, pr);
    },
    pullRequests: (
      { repo }: { repo: RepositoryRecord },
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
  PullRequest: {
    id: ({ pr }: { pr: PullRequestRecord }) => ids.nodeId('PullRequest', pr.id),
    databaseId: ({ pr }: { pr: PullRequestRecord }) => pr.id,
    number: ({ pr }: { pr: PullRequestRecord }) => pr.number,
    title: ({ pr }: { pr: PullRequestRecord }) => pr.title,
    body: ({ pr }: { pr: PullRequestRecord }) => pr.body,
    url: ({ repo, pr }: { repo: RepositoryRecord; pr: PullRequestRecord }) =>
      `https://github.com/${repo.fullName}/pull/${pr.number}`,
    state: ({ pr }: { pr: PullRequestRecord }) => prState(pr),
    assignees: ({ pr }: { pr: PullRequestRecord }, args: PageArgs) => page(pr.assignees.map(actor), args),
    closed: ({ pr }: { pr: PullRequestRecord }) => pr.state === 'closed',
    merged: ({ pr }: { pr: PullRequestRecord }) => pr.merged,
    mergedAt: ({ pr }: { pr: PullRequestRecord }) => pr.mergedAt,
    mergedBy: ({ pr }: { pr: PullRequestRecord }) => actor(pr.mergedBy),
    mergeCommit: ({ repo, pr }: { repo: RepositoryRecord; pr: PullRequestRecord }) =>
      pr.mergeCommitSha ? { repo, sha: pr.mergeCommitSha } : null,
    author: ({ pr }: { pr: PullRequestRecord }) => actor(pr.user),
    headRefName: ({ pr }: { pr: PullRequestRecord }) => pr.head.ref,
    headRefOid: ({ pr }: { pr: PullRequestRecord }) => pr.head.sha,
    baseRefName: ({ pr }: { pr: PullRequestRecord }) => pr.base.ref,
    baseRefOid: ({ pr }: { pr: PullRequestRecord }) => pr.base.sha,
    isCrossRepository: ({ repo, pr }: { repo: RepositoryRecord; pr: PullRequestRecord }) =>
      pr.head.repo.toLowerCase() !== repo.fullName.toLowerCase(),
    headRepository: ({ pr }: { pr: PullRequestRecord }, _: unknown, { state }: Context) => {
      const head = state.repository(pr.head.repo);
      return head ? repoObject(head) : null;
    },
    headRepositoryOwner: ({ pr }: { pr: PullRequestRecord }, _: unknown, { state }: Context) => {
      const head = state.repository(pr.head.repo);
      return head ? actor(head.owner) : null;
    },
    // No merge conflicts are modelled: an open pull request is always mergeable; protection shows in mergeStateStatus.
    mergeable: ({ pr }: { pr: PullRequestRecord }) => (pr.state === 'open' ? 'MERGEABLE' : 'UNKNOWN'),
    mergeStateStatus: ({ repo, pr }: { repo: RepositoryRecord; pr: PullRequestRecord }) =>
      pr.state !== 'open' ? 'UNKNOWN' : protectionBlocker(repo, pr) ? 'BLOCKED' : 'CLEAN',
    autoMergeRequest: ({ pr }: { pr: PullRequestRecord }) =>
      pr.autoMerge && {
        enabledAt: pr.autoMerge.enabledAt,
        mergeMethod: pr.autoMerge.method,
        enabledBy: actor(pr.autoMerge.enabledBy),
      },
    labels: ({ pr }: { pr: PullRequestRecord }, args: PageArgs) =>
      page(
        pr.labels.map((name) => ({ name })),
        args,
      ),
    reviews: (
      { repo, pr }: { repo: RepositoryRecord; pr: PullRequestRecord },
      args: PageArgs & { states?: string[]; author?: string },
    ) =>
      page(
        pr.reviews
          .filter((r) => !args.states || args.states.includes(r.state))
          .filter((r) => !args.author || r.user.login === args.author)
          .map((review) => ({ repo, review })),
        args,
      ),
    // Only the assignment events of the timeline are modelled.
    timelineItems: ({ pr }: { pr: PullRequestRecord }, args: PageArgs & { itemTypes?: string[] }) =>
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
      { repo, pr }: { repo: RepositoryRecord; pr: PullRequestRecord },
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
    comments: ({ repo, pr }: { repo: RepositoryRecord; pr: PullRequestRecord }, args: PageArgs) =>
      page(
        repo.comments.filter((c) => c.issueNumber === pr.number).map((comment) => ({ repo, comment })),
        args,
      ),
    commits: ({ repo, pr }: { repo: RepositoryRecord; pr: PullRequestRecord }, args: PageArgs) =>
      page([{ commit: { repo, sha: pr.head.sha } }], args),
  },
  PullRequestCommit: { commit: (value: { commit: unknown }) => value.commit },
  Commit: {
    oid: ({ sha }: { sha: string }) => sha,
    statusCheckRollup: ({ repo, sha }: { repo: RepositoryRecord; sha: string }) => rollup(repo, sha),
    // The pull requests of this repository whose head is the commit while they are open, or that merged it.
    associatedPullRequests: ({ repo, sha }: { repo: RepositoryRecord; sha: string }, args: PageArgs) =>
      page(
        [...repo.pulls.values()]
          .filter((pr) => (pr.state === 'open' && pr.head.sha === sha) || pr.mergeCommitSha === sha)
          .map((pr) => prObject(repo, pr)),
        args,
      ),
  },
  StatusCheckRollup: {
    state: (value: { state: string }) => value.state,
    contexts: (value: { contexts: unknown[] }, args: PageArgs) => page(value.contexts, args),
  },
  StatusContext: {
    id: ({ status }: { status: { id: number } }) => ids.nodeId('StatusContext', status.id),
    context: ({ status }: { status: { context: string } }) => status.context,
    state: ({ status }: { status: { state: string } }) => status.state.toUpperCase(),
    description: ({ status }: { status: { description: string | null } }) => status.description,
    targetUrl: ({ status }: { status: { targetUrl: string | null } }) => status.targetUrl,
    createdAt: ({ status }: { status: { createdAt: string } }) => status.createdAt,
    creator: ({ status }: { status: { creator: Account } }) => actor(status.creator),
  },
  CheckRun: {
    id: ({ run }: { run: CheckRunRecord }) => ids.nodeId('CheckRun', run.id),
    databaseId: ({ run }: { run: CheckRunRecord }) => run.id,
    name: ({ run }: { run: CheckRunRecord }) => run.name,
    status: ({ run }: { run: CheckRunRecord }) => run.status.toUpperCase(),
    conclusion: ({ run }: { run: CheckRunRecord }) => run.conclusion?.toUpperCase() ?? null,
    detailsUrl: ({ run }: { run: CheckRunRecord }) => run.detailsUrl,
    title: ({ run }: { run: CheckRunRecord }) => run.output.title,
    summary: ({ run }: { run: CheckRunRecord }) => run.output.summary,
    checkSuite: ({ run }: { run: CheckRunRecord }) => ({
      app: { databaseId: run.app.id, slug: run.app.slug, name: run.app.name },
    }),
  },
  PullRequestReview: {
    id: ({ review }: { review: Review }) => ids.nodeId('PullRequestReview', review.id),
    databaseId: ({ review }: { review: Review }) => review.id,
    state: ({ review }: { review: Review }) => review.state,
    body: ({ review }: { review: Review }) => review.body,
    submittedAt: ({ review }: { review: Review }) => review.submittedAt,
    author: ({ review }: { review: Review }) => actor(review.user),
    authorCanPushToRepository: (
      { repo, review }: { repo: RepositoryRecord; review: Review },
      _: unknown,
      { state }: Context,
    ) => ['write', 'maintain', 'admin'].includes(state.permission(repo, review.user.login)),
    commit: ({ repo, review }: { repo: RepositoryRecord; review: Review }) => ({ repo, sha: review.commitId }),
  },
  IssueComment: {
    id: ({ comment }: { comment: { id: number } }) => ids.nodeId('IssueComment', comment.id),
    databaseId: ({ comment }: { comment: { id: number } }) => comment.id,
    body: ({ comment }: { comment: { body: string } }) => comment.body,
    createdAt: ({ comment }: { comment: { createdAt: string } }) => comment.createdAt,
    updatedAt: ({ comment }: { comment: { updatedAt: string } }) => comment.updatedAt,
    author: ({ comment }: { comment: { user: Account } }) => actor(comment.user),
    viewerDidAuthor: ({ comment }: { comment: { user: Account } }, _: unknown, { caller }: Context) =>
      comment.user.id === caller.id,
    editor: ({ comment }: { comment: { editor?: Account } }) => (comment.editor ? actor(comment.editor) : null),
    lastEditedAt: ({ comment }: { comment: { editor?: Account; updatedAt: string } }) =>
      comment.editor ? comment.updatedAt : null,
  },
  Mutation: {
    mergePullRequest: (
      _: unknown,
      { input }: { input: { pullRequestId: string; expectedHeadOid?: string; clientMutationId?: string } },
      { caller, state }: Context,
    ) => {
      const node = requirePullRequest(state, input.pullRequestId);
      const outcome = mergePullRequest(state, node.repo, node.pr, caller, input.expectedHeadOid);
      if (!outcome.merged)
        throw new GitHubAnswer(outcome.message, outcome.status === 403 ? 'FORBIDDEN' : 'UNPROCESSABLE');
      return { pullRequest: prObject(node.repo, node.pr), clientMutationId: input.clientMutationId ?? null };
    },
    enablePullRequestAutoMerge: (
      _: unknown,
      {
        input,
      }: {
        input: {
          pullRequestId: string;
          expectedHeadOid?: string;
          mergeMethod?: 'MERGE' | 'SQUASH' | 'REBASE';
          clientMutationId?: string;
        };
      },
      { caller, state }: Context,
    ) => {
      const node = requirePullRequest(state, input.pullRequestId);
      const { repo, pr } = node;
      if (pr.state !== 'open') throw new GitHubAnswer('Pull request is closed', 'UNPROCESSABLE');
      if (input.expectedHeadOid && input.expectedHeadOid !== pr.head.sha) {
        throw new GitHubAnswer('Head sha did not match expected head sha', 'UNPROCESSABLE');
      }
      if (!protectionBlocker(repo, pr)) throw new GitHubAnswer('Pull request is in clean status', 'UNPROCESSABLE');
      pr.autoMerge = { method: input.mergeMethod ?? 'MERGE', enabledBy: caller, enabledAt: state.timestamp() };
      return { pullRequest: prObject(repo, pr), clientMutationId: input.clientMutationId ?? null };
    },
    disablePullRequestAutoMerge: (
      _: unknown,
      { input }: { input: { pullRequestId: string; clientMutationId?: string } },
      { state }: Context,
    ) => {
      const node = requirePullRequest(state, input.pullRequestId);
      const { repo, pr } = node;
      if (pr.state !== 'open') throw new GitHubAnswer('Pull request is closed', 'UNPROCESSABLE');
      pr.autoMerge = null;
      return { pullRequest: prObject(repo, pr), clientMutationId: input.clientMutationId ?? null };
    },
  },
};

let executable: GraphQLSchema | undefined;

/**
 * GitHub's schema with the emulator's resolvers attached (once per process). Resolvers read the
 * emulator's state from the execution context, so every emulator in a process shares one schema.
 */
function executableSchema(): GraphQLSchema {
  if (executable) return executable;
  const schema = githubSchema();
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!type) throw new Error(`GitHub's schema has no type ${typeName}`);
    for (const [field, resolve] of Object.entries(fields)) {
      if (field === '__resolveType' && isAbstractType(type)) type.resolveType = resolve as never;
      else if (isObjectType(type)) {
        const definition = type.getFields()[field];
        if (!definition) throw new Error(`GitHub's schema has no field ${typeName}.${field}`);
        definition.resolve = resolve as never;
      }
    }
  }
  executable = schema;
  return schema;
}

function prState(pr: PullRequestRecord): string {
  return pr.merged ? 'MERGED' : pr.state === 'open' ? 'OPEN' : 'CLOSED';
}

function latestRuns(runs: readonly CheckRunRecord[]): CheckRunRecord[] {
  const latest = new Map<string, CheckRunRecord>();
  for (const run of runs) latest.set(run.name, run);
  return [...latest.values()];
}

/** The rollup state: any failure -> FAILURE; anything unfinished -> PENDING; else SUCCESS. */
function rollupState(statuses: readonly string[], runs: readonly CheckRunRecord[]): string {
  const failedRun = runs.some(
    (r) => r.status === 'completed' && !['success', 'neutral', 'skipped'].includes(r.conclusion ?? ''),
  );
  if (failedRun || statuses.some((s) => s === 'FAILURE' || s === 'ERROR')) return 'FAILURE';
  if (runs.some((r) => r.status !== 'completed') || statuses.some((s) => s === 'PENDING')) return 'PENDING';
  return 'SUCCESS';
}

/** The repository a request is about: from `repository(owner:, name:)` arguments, or a pull request id (a mutation's input, or `node(id:)`). */
function repoOf(
  field: FieldNode | undefined,
  variables: Record<string, unknown>,
  findPr: (id: unknown) => Node | undefined,
): string | undefined {
  if (!field) return undefined;
  const arg = (name: string): unknown => {
    const node = field.arguments?.find((a) => a.name.value === name)?.value;
    if (!node) return undefined;
    if (node.kind === 'Variable') return variables[node.name.value];
    if (node.kind === 'StringValue') return node.value;
    if (node.kind === 'ObjectValue') {
      const id = node.fields.find((f) => f.name.value === 'pullRequestId')?.value;
      if (id?.kind === 'Variable') return { pullRequestId: variables[id.name.value] };
      if (id?.kind === 'StringValue') return { pullRequestId: id.value };
    }
    return undefined;
  };
  const owner = arg('owner');
  const name = arg('name');
  if (typeof owner === 'string' && typeof name === 'string') return `${owner}/${name}`;
  const input = arg('input') as { pullRequestId?: unknown } | undefined;
  const id =
    input?.pullRequestId ??
    (variables.input as { pullRequestId?: unknown } | undefined)?.pullRequestId ??
    (field.name.value === 'node' ? arg('id') : undefined);
  return id ? findPr(id)?.repo.fullName : undefined;
}
