import type { Authenticator } from './auth.js';
import { baseHandlers } from './handlers/base.js';
import { blobHandlers } from './handlers/blobs.js';
import { manifestHandlers } from './handlers/manifests.js';
import { tagsHandlers } from './handlers/tags.js';
import { tokenHandlers } from './handlers/token.js';
import { uploadHandlers, uploadsHandlers } from './handlers/uploads.js';
import type { MethodHandlers, RequestContext } from './http.js';
import { DIGEST_SOURCE, NAME_SOURCE, TAG_SOURCE } from './reference.js';

/** A route a request path matched, with its handlers bound to the path's parameters. */
export interface MatchedRoute {
  /** The repository the request is about, for authorization; undefined for `/v2/` and `/token`. */
  name: string | undefined;
  /** False only for the token endpoint, which checks credentials itself. */
  authenticated: boolean;
  handlers: Record<string, (context: RequestContext) => Promise<void> | void>;
}

interface Route {
  pattern: RegExp;
  authenticated: boolean;
  bind(match: RegExpExecArray): { name?: string; handlers: MatchedRoute['handlers'] };
}

const NAME = `(${NAME_SOURCE})`;

/** The routes of distribution's API v2 that the emulator serves, plus `/token` when `issueToken` is given. */
export function createRouter(issueToken: Authenticator['issueToken']): (pathname: string) => MatchedRoute | undefined {
  const routes: Route[] = [
    route(/^\/v2\/$/, baseHandlers, () => ({})),
    route(new RegExp(`^/v2/${NAME}/tags/list$`), tagsHandlers, ([, name]) => ({ name: name! })),
    route(
      new RegExp(`^/v2/${NAME}/manifests/(${TAG_SOURCE}|${DIGEST_SOURCE})$`),
      manifestHandlers,
      ([, name, reference]) => ({ name: name!, reference: reference! }),
    ),
    route(new RegExp(`^/v2/${NAME}/blobs/uploads/$`), uploadsHandlers, ([, name]) => ({ name: name! })),
    route(new RegExp(`^/v2/${NAME}/blobs/uploads/([a-zA-Z0-9-_.=]+)$`), uploadHandlers, ([, name, id]) => ({
      name: name!,
      id: id!,
    })),
    route(new RegExp(`^/v2/${NAME}/blobs/(${DIGEST_SOURCE})$`), blobHandlers, ([, name, digest]) => ({
      name: name!,
      digest: digest!,
    })),
  ];
  if (issueToken) routes.push({ ...route(/^\/token$/, tokenHandlers(issueToken), () => ({})), authenticated: false });

  return (pathname) => {
    for (const { pattern, authenticated, bind } of routes) {
      const match = pattern.exec(pathname);
      if (match) {
        const { name, handlers } = bind(match);
        return { name, authenticated, handlers };
      }
    }
    return undefined;
  };
}

function route<P extends { name?: string }>(
  pattern: RegExp,
  handlers: MethodHandlers<P>,
  params: (match: RegExpExecArray) => P,
): Route {
  return {
    pattern,
    authenticated: true,
    bind(match) {
      const bound = params(match);
      const entries = Object.entries(handlers).map(([method, handler]) => [
        method,
        (context: RequestContext) => handler!(context, bound),
      ]);
      return { name: bound.name, handlers: Object.fromEntries(entries) };
    },
  };
}
