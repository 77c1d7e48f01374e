import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** Kept private: the type inferred from `Octokit.plugin(...)` is not portable across packages. */
const GuardOctokit = Octokit.plugin(retry, throttling);

export interface ClientOptions {
  /** A token; never logged. */
  token: string;
  /** REST base URL. Default `https://api.github.com`; GitHub Enterprise Server: `https://HOST/api/v3`. */
  baseUrl?: string;
  /** Retries of a request that failed with 5xx or a network error. Default 3. */
  retries?: number;
  /** The first retry waits this long, later ones longer (plugin-retry's backoff). Default 1000 ms. */
  retryBaseMs?: number;
  /** Honour primary and secondary rate limits by waiting (`retry-after`). Default true. */
  throttle?: boolean;
  /** Injected transport, as Octokit's `request.fetch`. */
  fetch?: typeof fetch;
  userAgent?: string;
}

/**
 * Status codes that are answers, not failures: never retried. 405 and 409 matter most: a refused merge
 * must be reported, never blindly tried again (plugin-retry would retry them by default).
 */
export const DO_NOT_RETRY = [400, 401, 403, 404, 405, 409, 410, 422, 451];

/**
 * An Octokit with retries and rate-limit handling configured for release-guard. Bring your own Octokit
 * instead if you need other plugins: the adapter only needs `octokit.request` and `octokit.graphql`.
 *
 * @example
 * ```ts
 * const octokit = createOctokit({ token: process.env.GITHUB_TOKEN ?? '' });
 * ```
 */
export function createOctokit(options: ClientOptions): Octokit {
  const throttle = options.throttle ?? true;
  const canRetry = (limit: number) => (_after: number, _request: unknown, _octokit: unknown, retryCount: number) =>
    retryCount < limit;
  return new GuardOctokit({
    auth: options.token,
    baseUrl: options.baseUrl ?? 'https://api.github.com',
    userAgent: options.userAgent ?? 'release-guard',
    request: options.fetch ? { fetch: options.fetch } : {},
    retry: {
      retries: options.retries ?? 3,
      doNotRetry: DO_NOT_RETRY,
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
    },
    throttle: { enabled: throttle, onRateLimit: canRetry(2), onSecondaryRateLimit: canRetry(2) },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}
