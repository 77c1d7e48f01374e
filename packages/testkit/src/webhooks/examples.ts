import { createRequire } from 'node:module';
import type { Payload } from './types.js';

interface ExampleGroup {
  name: string;
  examples: Payload[];
}

let index: ExampleGroup[] | undefined;

/**
 * A deep copy of GitHub's documented example payload for an event (and action), the first one
 * `@octokit/webhooks-examples` lists: builders start from these, never from hand-written JSON. Each call
 * returns a fresh copy, so no two payloads share an object.
 */
export function example(event: string, action?: string): Payload {
  index ??= createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as ExampleGroup[];
  const group = index.find((g) => g.name === event);
  const found = group?.examples.find((e) => action === undefined || e.action === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}${action ? `.${action}` : ''} example`);
  return structuredClone(found);
}
