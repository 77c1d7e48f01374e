import type { Authenticator } from '../auth.js';
import { type MethodHandlers, sendJson } from '../http.js';

/** `GET /token?service=...&scope=repository:<name>:pull,push`: the token endpoint of bearer mode. */
export function tokenHandlers(issueToken: NonNullable<Authenticator['issueToken']>): MethodHandlers<unknown> {
  return {
    GET({ req, res, url }) {
      sendJson(res, 200, issueToken(req.headers.authorization, url.searchParams.getAll('scope')));
    },
  };
}
