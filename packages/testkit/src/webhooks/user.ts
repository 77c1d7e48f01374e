import { userUrls } from '../user-urls.js';
import { nodeId, stableId } from './ids.js';
import type { Payload } from './types.js';

/** Rewrites a user object of an example to `login`: id, node id and every URL follow. */
export function user(template: Payload, login: string): Payload {
  const type = login.endsWith('[bot]') ? 'Bot' : 'User';
  const id = stableId(`user:${login}`);
  const api = `https://api.github.com/users/${encodeURIComponent(login)}`;
  return {
    ...template,
    login,
    id,
    node_id: nodeId(type, id),
    type,
    url: api,
    html_url: `https://github.com/${encodeURIComponent(login)}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    ...userUrls(api),
  };
}
