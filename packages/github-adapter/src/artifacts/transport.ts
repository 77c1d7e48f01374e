import { LookupFailure } from './failure.js';

/** A registry's answer, its body read in full (empty for HEAD). */
export interface RegistryAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  body: Uint8Array;
}

export interface Transport {
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * Sends one request and reads its whole answer within `timeoutMs`. A timeout or network error becomes a
 * {@link LookupFailure} naming `host` and the cause (the URL and headers, which may hold a token, are left out).
 */
export async function send(
  transport: Transport,
  host: string,
  url: URL,
  init: { method: 'GET' | 'HEAD'; headers: Record<string, string> },
): Promise<RegistryAnswer> {
  const signal = AbortSignal.timeout(transport.timeoutMs);
  try {
    const res = await transport.fetch(url, { ...init, signal });
    const body = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, statusText: res.statusText, headers: res.headers, body };
  } catch (error) {
    if (signal.aborted) throw new LookupFailure(`timeout: no answer from ${host} within ${transport.timeoutMs} ms`);
    throw new LookupFailure(`network error reaching ${host}: ${networkCause(error)}`);
  }
}

/** `connect ECONNREFUSED 127.0.0.1:5000`, `getaddrinfo ENOTFOUND ghcr.io`: undici hides it in `cause`. */
function networkCause(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** `404 MANIFEST_UNKNOWN: manifest unknown`, or `503 Service Unavailable` when the body has no spec errors. */
export function describeAnswer(answer: RegistryAnswer): string {
  const errors = registryErrors(answer.body);
  const detail = errors.length
    ? errors.map(({ code, message }) => (message ? `${code}: ${message}` : code)).join('; ')
    : answer.statusText;
  return `${answer.status}${detail ? ` ${truncate(detail, 300)}` : ''}`;
}

/** The `{ errors: [{ code, message }] }` of the distribution spec, or none when the body is something else. */
export function registryErrors(body: Uint8Array): { code: string; message: string }[] {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    const errors = (parsed as { errors?: unknown } | null)?.errors;
    if (!Array.isArray(errors)) return [];
    return errors.flatMap((entry: { code?: unknown; message?: unknown } | null) =>
      typeof entry?.code === 'string'
        ? [{ code: entry.code, message: typeof entry.message === 'string' ? entry.message : '' }]
        : [],
    );
  } catch {
    return [];
  }
}

/** `text`, cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
