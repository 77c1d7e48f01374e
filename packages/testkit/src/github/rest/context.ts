import type { Representations } from '../representations.js';
import type { Account, GitHubState, RepositoryRecord } from '../state.js';

/** What a REST handler gets: the state, the repository of the path, the caller and the request. */
export interface HandlerContext {
  state: GitHubState;
  repr: Representations;
  repo: RepositoryRecord;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
  /** The request's `Accept` header (a media type such as `application/vnd.github.raw+json`), or ''. */
  accept: string;
  caller: Account;
  /** Where the emulator listens, for URLs in bodies. */
  url: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Why the emulator does not serve this request although the contract has it: a contract violation. */
  unserved?: string;
}

export type Handler = (ctx: HandlerContext) => Reply;

const DOCS = 'https://docs.github.com/rest';

/** GitHub's error body. */
export function error(status: number, message: string): Reply {
  return { status, body: { message, documentation_url: DOCS, status: String(status) } };
}

export function notFound(): Reply {
  return error(404, 'Not Found');
}

/**
 * A request the contract allows but the emulator does not serve (a directory listing, a media type): it is
 * recorded as a contract violation and answered 404, like a path the emulator does not serve, never with
 * an answer GitHub would not give.
 */
export function unserved(reason: string): Reply {
  return { status: 404, unserved: reason };
}

/**
 * `per_page` / `page` as GitHub pages lists, with a `Link` header to the next page whose URLs keep the
 * request's other query parameters (filters such as `check_name` or `head_sha`), as GitHub's do.
 */
export function paginate<T>(
  ctx: HandlerContext,
  items: readonly T[],
  path: string,
): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30) || 30, 1), 100);
  const page = Math.max(Number(ctx.query.page ?? 1) || 1, 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = {};
  if (page * perPage < items.length) {
    const last = Math.ceil(items.length / perPage);
    const { per_page: _perPage, page: _page, ...rest } = ctx.query;
    const url = (n: number) =>
      `${ctx.url}${path}?${new URLSearchParams({ ...rest, per_page: String(perPage), page: String(n) })}`;
    headers.link = [`<${url(page + 1)}>; rel="next"`, `<${url(last)}>; rel="last"`].join(', ');
  }
  return { items: slice, headers };
}
