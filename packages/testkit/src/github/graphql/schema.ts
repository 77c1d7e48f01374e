/**
 * GitHub's GraphQL schema: loaded from @octokit/graphql-schema for validating documents, and with the
 * emulator's resolvers attached for executing them.
 */

import { schema as published } from '@octokit/graphql-schema';
import {
  buildClientSchema,
  type GraphQLSchema,
  type IntrospectionQuery,
  isAbstractType,
  isObjectType,
  parse,
  validate,
} from 'graphql';
import { commitResolvers } from './commit.js';
import { mutationResolvers } from './mutations.js';
import { pullRequestResolvers } from './pull-request.js';
import { repositoryResolvers } from './repository.js';
import { timelineResolvers } from './timeline.js';

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

/** Every value the resolvers return for an abstract type names its concrete type in `__typename`. */
const byTypename = { __resolveType: (value: { __typename?: string }) => value.__typename ?? null };

const resolvers = {
  Node: byTypename,
  Actor: byTypename,
  StatusCheckRollupContext: byTypename,
  PullRequestTimelineItems: byTypename,
  Assignee: byTypename,
  ...repositoryResolvers,
  ...pullRequestResolvers,
  ...commitResolvers,
  ...timelineResolvers,
  ...mutationResolvers,
};

let executable: GraphQLSchema | undefined;

/**
 * GitHub's schema with the emulator's resolvers attached (once per process). Resolvers read the
 * emulator's state from the execution context, so every emulator in a process shares one schema.
 */
export function executableSchema(): GraphQLSchema {
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
