import { nodeId, stableId } from './ids.js';
import type { Payload, RepoRef } from './types.js';
import { user } from './user.js';

/** The full name of a repository, `owner/name`. */
export function fullName(repo: RepoRef): string {
  return `${repo.owner}/${repo.name}`;
}

/**
 * Rewrites a repository object of an example to `repo`: names, ids, owner, default branch and every URL
 * follow. Fits the full objects of `repository` and the short ones inside `workflow_run`.
 */
export function rewriteRepository(template: Payload, repo: RepoRef, fork = false): Payload {
  const name = fullName(repo);
  const urls = JSON.parse(JSON.stringify(template).split(String(template.full_name)).join(name)) as Payload;
  const id = repo.id ?? stableId(`repo:${name}`);
  return {
    ...urls,
    id,
    node_id: nodeId('Repository', id),
    name: repo.name,
    full_name: name,
    fork,
    owner: user(template.owner as Payload, repo.owner),
    ...('default_branch' in template ? { default_branch: repo.defaultBranch ?? 'main' } : {}),
  };
}

/** A full repository object for `repo`, with the fields GitHub made required after some examples were recorded. */
export function repository(template: Payload, repo: RepoRef, fork = false): Payload {
  return { has_discussions: false, topics: [], visibility: 'public', ...rewriteRepository(template, repo, fork) };
}

/**
 * The fields every payload shares: `repository` and `sender` rewritten. The example's `organization` and
 * `enterprise` are dropped: they name the example's owner, and builders render `repo.owner` as a user.
 */
export function envelope(template: Payload, repo: RepoRef, sender: string): Payload {
  const payload: Payload = {
    ...template,
    repository: repository(template.repository as Payload, repo),
    sender: user(template.sender as Payload, sender),
  };
  delete payload.organization;
  delete payload.enterprise;
  return payload;
}
