import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryError } from './errors.js';
import type { RegistryStore } from './store.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What a route handler gets besides its route. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request URL, resolved against the registry's URL. */
  url: URL;
  /** `http://127.0.0.1:PORT`, for `Location` headers. */
  registryUrl: string;
  store: RegistryStore;
}

/** Handlers of one route, by HTTP method. */
export type MethodHandlers<R> = Partial<Record<string, (context: RequestContext, route: R) => Promise<void> | void>>;

/**
 * Answers with `body` and its `Content-Length`, except on a 204, which must not have one (Node leaves the body
 * out of a HEAD response, as it should).
 */
export function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string = '') {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, status === 204 ? headers : { ...headers, 'Content-Length': String(bytes.length) });
  res.end(bytes);
}

/** Answers with JSON, newline-terminated as distribution's encoder writes it. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, { 'Content-Type': JSON_CONTENT_TYPE }, `${JSON.stringify(value)}\n`);
}

/** Answers with the spec's `{ "errors": [...] }` body and the error's headers. */
export function sendError(res: ServerResponse, error: RegistryError): void {
  send(res, error.status, { ...error.headers, 'Content-Type': JSON_CONTENT_TYPE }, error.body());
}

/** Answers as Go's HTTP router does for what it has no route or method for: a plain-text body. */
export function sendPlain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  send(
    res,
    status,
    { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
    `${text}\n`,
  );
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
