import { createRequire } from 'node:module';

type Payload = Record<string, unknown>;
interface ExampleGroup {
  name: string;
  examples: Payload[];
}

let index: ExampleGroup[] | undefined;

/**
 * A deep copy of GitHub's documented example payload for an event and action, from
 * `@octokit/webhooks-examples`: builders start from these, never from hand-written JSON.
 */
export function example(event: string, action?: string): Payload {
  index ??= createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as ExampleGroup[];
  const group = index.find((g) => g.name === event);
  const found = group?.examples.find((e) => action === undefined || e.action === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}${action ? `.${action}` : ''} example`);
  return structuredClone(found);
}
