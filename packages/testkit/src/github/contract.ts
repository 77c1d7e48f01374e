import { readFileSync } from 'node:fs';
import formats from 'ajv-formats';
import { type Document, OpenAPIBackend, type Operation } from 'openapi-backend';

/** A request or response that breaks GitHub's published contract: names the operation and the fields. */
export class ContractViolation extends Error {
  override name = 'ContractViolation';
  constructor(
    readonly direction: 'request' | 'response',
    readonly operation: string,
    readonly problems: readonly string[],
  ) {
    super(`${direction} of ${operation} breaks GitHub's OpenAPI contract: ${problems.join('; ')}`);
  }
}

export interface Contract {
  /** The operation a request is for, or undefined when no path of the contract matches. */
  match(method: string, path: string): Operation | undefined;
  /** The path parameters of a request for `operation`. */
  params(operation: Operation, path: string): Record<string, string>;
  /** Problems with a request (path and query parameters, JSON body), empty when it is valid. */
  checkRequest(
    operation: Operation,
    request: {
      method: string;
      path: string;
      query: Record<string, string | string[]>;
      headers: Record<string, string>;
      body: unknown;
    },
  ): string[];
  /** Problems with a response body for a status code, empty when it is valid. */
  checkResponse(operation: Operation, status: number, body: unknown): string[];
  operationIds: string[];
}

/**
 * Errors GitHub answers on any operation (not found, forbidden, validation), although its description
 * documents them only on some: their body must still be GitHub's error shape.
 */
const GENERIC_ERRORS = [401, 403, 404, 422];

let loading: Promise<Contract> | undefined;

/** Loads the contract extract once per process (about half a second) and shares it. */
export function loadContract(): Promise<Contract> {
  loading ??= build();
  return loading;
}

async function build(): Promise<Contract> {
  const definition = allowNullEnums(
    JSON.parse(readFileSync(new URL('../../contract/api.github.com.json', import.meta.url), 'utf8')),
  ) as Document;
  const api = new OpenAPIBackend({
    definition,
    quick: true,
    strict: false,
    validate: true,
    ajvOpts: { strict: false, allErrors: true },
    // GitHub's description uses `uri`, `date-time` and `email` formats: check them too.
    customizeAjv: (ajv) => {
      formats.default(ajv as never);
      return ajv;
    },
  });
  await api.init();
  const describe = (errors: { instancePath?: string; message?: string; params?: unknown }[] | null | undefined) =>
    (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${extra(e.params)}`);
  // Path templates compiled once: a regular expression per operation is far cheaper than the generic router.
  // A parameter GitHub marks `x-multi-segment` (a file's `path`) spans slashes: `contents/docs/a.md`.
  const routes = api.getOperations().map((operation) => {
    const names: string[] = [];
    const declared = (operation.parameters ?? []) as { in?: string; name?: string; 'x-multi-segment'?: boolean }[];
    const multi = new Set(declared.filter((p) => p.in === 'path' && p['x-multi-segment']).map((p) => p.name));
    const source = operation.path
      .split('/')
      .map((segment) => {
        const name = segment.match(/^\{(.+)\}$/)?.[1];
        if (!name) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(name);
        return multi.has(name) ? '(.+)' : '([^/]+)';
      })
      .join('/');
    return { operation, names, multiSegment: multi.size > 0, pattern: new RegExp(`^${source}$`) };
  });
  const params = (operation: Operation, path: string): Record<string, string> => {
    const route = routes.find((r) => r.operation === operation);
    const values = route?.pattern.exec(path)?.slice(1) ?? [];
    return Object.fromEntries((route?.names ?? []).map((name, i) => [name, decodeURIComponent(values[i] ?? '')]));
  };
  // openapi-backend's own router takes a path parameter to end at a slash: a multi-segment one is
  // checked with its slashes escaped, as a client that escapes them sends it.
  const validationPath = (operation: Operation, path: string): string => {
    if (!routes.find((r) => r.operation === operation)?.multiSegment) return path;
    const values = params(operation, path);
    return operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
  };
  return {
    operationIds: api.getOperations().map((o) => o.operationId ?? ''),
    // A literal segment wins over a parameter: `rulesets/rule-suites` is not the ruleset `rule-suites`.
    match: (method, path) =>
      routes
        .filter((r) => r.operation.method === method.toLowerCase() && r.pattern.test(path))
        .sort((a, b) => a.names.length - b.names.length)[0]?.operation,
    params,
    checkRequest(operation, request) {
      const result = api.validateRequest({ ...request, path: validationPath(operation, request.path) }, operation);
      return result.valid ? [] : describe(result.errors as never);
    },
    checkResponse(operation, status, body) {
      const responses = operation.responses ?? {};
      if (!(String(status) in responses) && !('default' in responses)) {
        if (!GENERIC_ERRORS.includes(status)) {
          return [`status ${status} is not a documented response (documented: ${Object.keys(responses).join(', ')})`];
        }
        const error = body as { message?: unknown; documentation_url?: unknown } | null;
        return typeof error?.message === 'string'
          ? []
          : [`a ${status} error needs GitHub's error body ({ message, documentation_url })`];
      }
      const result = api.validateResponse(body, operation, status);
      return result.valid ? [] : describe(result.errors as never);
    },
  };
}

/**
 * OpenAPI 3.0 writes a nullable enum as `{ nullable: true, enum: [...] }`; Ajv checks `enum` before it
 * honours `nullable`, so `null` must be listed for GitHub's `conclusion: null` to validate. Ajv refuses
 * `nullable` without `type` (a ruleset's `conditions` is a nullable `anyOf`): that becomes an `anyOf` with
 * `null` as one more choice.
 */
function allowNullEnums(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowNullEnums);
  if (!node || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, allowNullEnums(v)])) as Record<
    string,
    unknown
  >;
  if (copy.nullable === true && Array.isArray(copy.enum) && !copy.enum.includes(null)) copy.enum = [...copy.enum, null];
  if (copy.nullable === true && copy.type === undefined) {
    const { nullable: _nullable, ...schema } = copy;
    return { anyOf: [schema, { type: 'null' }] };
  }
  return copy;
}

function extra(params: unknown): string {
  if (!params || typeof params !== 'object') return '';
  const p = params as Record<string, unknown>;
  if (typeof p.missingProperty === 'string') return ` (missing '${p.missingProperty}')`;
  if (typeof p.additionalProperty === 'string') return ` (unexpected '${p.additionalProperty}')`;
  if (Array.isArray(p.allowedValues)) return ` (allowed: ${p.allowedValues.join(', ')})`;
  if (typeof p.type === 'string') return ` (expected ${p.type})`;
  return '';
}
