/**
 * The GraphQL endpoint: parses a request body, validates its document against GitHub's schema (each
 * distinct document once), executes it over the emulator's state and records contract violations.
 */

import { type DocumentNode, execute, type FieldNode, type OperationDefinitionNode, parse, validate } from 'graphql';
import { ContractViolation } from '../contract.js';
import type { GitHubControl } from '../control.js';
import { settle } from '../queue.js';
import type { Account, GitHubState } from '../state.js';
import { type Context, findPullRequest, GitHubAnswer, type PullRequestObject } from './context.js';
import { executableSchema, githubSchema } from './schema.js';

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
      settle(state);
      return errors ? { data: result.data ?? null, errors } : { data: result.data };
    },
  };
}

/** The repository a request is about: from `repository(owner:, name:)` arguments, or a pull request id (a mutation's input, or `node(id:)`). */
function repoOf(
  field: FieldNode | undefined,
  variables: Record<string, unknown>,
  findPr: (id: unknown) => PullRequestObject | undefined,
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
