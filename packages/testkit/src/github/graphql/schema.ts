/**
 * GitHub's GraphQL schema, from @octokit/graphql-schema: one instance for validating documents (the one
 * callers get), and another with the emulator's resolvers attached for executing them.
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
import { mergeQueueResolvers } from './merge-queue.js';
import { mutationResolvers } from './mutations.js';
import { pullRequestResolvers } from './pull-request.js';
import { repositoryResolvers } from './repository.js';
import { timelineResolvers } from './timeline.js';

/** A new instance of GitHub's public GraphQL schema, from @octokit/graphql-schema. */
const loadSchema = () => buildClientSchema(published.json as unknown as IntrospectionQuery);

let schemaCache: GraphQLSchema | undefined;

/** GitHub's public GraphQL schema (loaded once per process), without resolvers. */
export function githubSchema(): GraphQLSchema {
  schemaCache ??= loadSchema();
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
  GitObject: byTypename,
  ...repositoryResolvers,
  ...pullRequestResolvers,
  ...commitResolvers,
  ...timelineResolvers,
  ...mergeQueueResolvers,
  ...mutationResolvers,
};

let executable: GraphQLSchema | undefined;

/**
 * GitHub's schema with the emulator's resolvers attached (once per process), on an instance of its own:
 * the schema `githubSchema()` gives callers is never changed. Resolvers read the emulator's state from
 * the execution context, so every emulator in a process shares one executable schema.
 */
export function executableSchema(): GraphQLSchema {
  if (executable) return executable;
  const schema = loadSchema();
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
