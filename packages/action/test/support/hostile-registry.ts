import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * Text a registry could put in its error message to take over the runner's log: workflow commands on
 * lines of their own (after LF, CR, CRLF, NEL and leading blanks), a legacy `##[` command inside a
 * line, and percent escapes that a command would decode.
 */
export const HOSTILE_REGISTRY_MESSAGE = [
  'manifest unknown',
  '::stop-commands::pwned',
  '::add-mask::y %0A%0D%25',
  '\r::warning::forged warning',
  '  ::error::indented error',
  '\u0085::debug::after a NEL\u2028##[add-mask]z',
].join('\n');

/** Words of the hostile message that any faithful rendering of it keeps: proof that it reached the output. */
export const HOSTILE_REGISTRY_WORDS = [
  'stop-commands::pwned',
  'add-mask::y',
  'forged warning',
  'indented error',
  'after a NEL',
];

export interface HostileRegistry {
  /** `127.0.0.1:<port>`: reached over plain HTTP, as every loopback registry is. */
  host: string;
}

/**
 * A registry on 127.0.0.1, for the test file, that answers every manifest request with `404` and the
 * distribution spec's `{ "errors": [...] }` body carrying {@link HOSTILE_REGISTRY_MESSAGE}.
 */
export function useHostileRegistry(): HostileRegistry {
  const registry = { host: '' };
  let server: Server | undefined;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const body = JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: HOSTILE_REGISTRY_MESSAGE }] });
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(request.method === 'HEAD' ? undefined : body);
    });
    await new Promise<void>((listening) => server?.listen(0, '127.0.0.1', listening));
    registry.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((closed) => (server ? server.close(closed) : closed(undefined)));
  });
  return registry;
}

/**
 * The workflow commands the runner would obey in `output` (stdout or stderr of a step): every line,
 * split as the runner splits it (CR, LF), that starts with `::` after leading blanks or controls, and every line
 * holding a legacy `##[` command anywhere. Each as `name::data`, e.g. `add-mask::y`.
 */
export function workflowCommands(output: string): string[] {
  const commands: string[] = [];
  for (const line of output.split(/\r\n|\r|\n/)) {
    const v2 = /^[\s\p{Cc}]*::([^:\s]+)(?:\s[^:]*)?::(.*)$/su.exec(line);
    if (v2) commands.push(`${v2[1]}::${v2[2]}`);
    const v1 = /##\[([^\]\s]+)[^\]]*\](.*)$/su.exec(line);
    if (v1) commands.push(`${v1[1]}::${v1[2]}`);
  }
  return commands;
}
