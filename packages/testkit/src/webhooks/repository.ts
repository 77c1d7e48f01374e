import { createHash } from 'node:crypto';
import type { RepoRef } from './types.js';

type Payload = Record<string, unknown>;

/** A stable numeric id for a name, so the same repository or login always gets the same id. */
export function stableId(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0) % 1_000_000_000;
}

/** Rewrites a user object of an example to `login`. */
export function user(template: Payload, login: string, type = login.endsWith('[bot]') ? 'Bot' : 'User'): Payload {
  const id = stableId(`user:${login}`);
  const api = `https://api.github.com/users/${encodeURIComponent(login)}`;
  return {
    ...template,
    login,
    id,
    node_id: Buffer.from(`04:${type}${id}`).toString('base64'),
    type,
    url: api,
    html_url: `https://github.com/${encodeURIComponent(login)}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
  };
}

/** Rewrites a repository object of an example to `repo`: every URL and name in it follows. */
export function repository(template: Payload, repo: RepoRef, fork = false): Payload {
  const oldFullName = String(template.full_name);
  const fullName = `${repo.owner}/${repo.name}`;
  const rewritten = JSON.parse(JSON.stringify(template).split(oldFullName).join(fullName)) as Payload;
  return {
    // Fields GitHub made required after some examples were recorded.
    has_discussions: false,
    topics: [],
    visibility: 'public',
    ...rewritten,
    id: repo.id ?? stableId(`repo:${fullName}`),
    node_id: Buffer.from(`010:Repository${repo.id ?? stableId(`repo:${fullName}`)}`).toString('base64'),
    name: repo.name,
    full_name: fullName,
    fork,
    owner: user((template.owner ?? {}) as Payload, repo.owner, 'User'),
  };
}
