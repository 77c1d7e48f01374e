/** What the webhook tests share: payload validation against @octokit/openapi-webhooks, and the repository and head the payloads are built for. */

import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

const require = createRequire(import.meta.url);
const document = require('@octokit/openapi-webhooks/generated/api.github.com.json') as {
  components: { schemas: Record<string, unknown> };
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
formats.default(ajv);
// One document holding every component, so `#/components/schemas/...` references resolve inside it.
ajv.addSchema({ $id: 'webhooks', components: document.components });

/** Problems of a payload against a component schema of @octokit/openapi-webhooks, e.g. `webhook-pull-request-opened`. */
export function problems(schema: string, payload: unknown): string[] {
  const validate = ajv.getSchema(`webhooks#/components/schemas/${schema}`);
  if (!validate) throw new Error(`@octokit/openapi-webhooks has no schema ${schema}`);
  if (validate(payload)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

export type Json = Record<string, unknown>;
/** The object at a dotted path of a payload. */
export function at(payload: Json, path: string): Json {
  return path.split('.').reduce((o, key) => o[key] as Json, payload);
}

export const repo = { owner: 'weaveworks', name: 'weave-gitops' };
export const forkRepo = { owner: 'mallory', name: 'weave-gitops' };
export const head = { ref: 'releases/v0.29.0', sha: '03093a127262cad8f4c94caf8aa4262314a1cedd' };
