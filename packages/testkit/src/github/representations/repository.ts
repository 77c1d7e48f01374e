/**
 * The REST representations every other one embeds: accounts (`simple-user`) and repositories (full and
 * minimal), on the emulator's base URL; and node ids, which GraphQL shares.
 */

import { userUrls } from '../../user-urls.js';
import type { Account, RepositoryRecord } from '../state.js';

/** A global node id, as REST's `node_id` and GraphQL's `id` carry it. */
export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64');
}

export class RepositoryRepresentations {
  constructor(protected readonly base: string) {}

  protected html(path: string): string {
    return `${this.base}/_html/${path}`;
  }

  user(account: Account) {
    const url = `${this.base}/users/${encodeURIComponent(account.login)}`;
    return {
      login: account.login,
      id: account.id,
      node_id: nodeId(account.type, account.id),
      avatar_url: `${this.base}/_avatars/${account.id}`,
      gravatar_id: '',
      url,
      html_url: this.html(encodeURIComponent(account.login)),
      ...userUrls(url),
      type: account.type,
      site_admin: false,
    };
  }

  repository(repo: RepositoryRecord) {
    const url = `${this.base}/repos/${repo.fullName}`;
    return {
      id: repo.id,
      node_id: nodeId('Repository', repo.id),
      name: repo.name,
      full_name: repo.fullName,
      owner: this.user(repo.owner),
      private: false,
      html_url: this.html(repo.fullName),
      description: null,
      fork: repo.fork,
      url,
      archive_url: `${url}/{archive_format}{/ref}`,
      assignees_url: `${url}/assignees{/user}`,
      blobs_url: `${url}/git/blobs{/sha}`,
      branches_url: `${url}/branches{/branch}`,
      collaborators_url: `${url}/collaborators{/collaborator}`,
      comments_url: `${url}/comments{/number}`,
      commits_url: `${url}/commits{/sha}`,
      compare_url: `${url}/compare/{base}...{head}`,
      contents_url: `${url}/contents/{+path}`,
      contributors_url: `${url}/contributors`,
      deployments_url: `${url}/deployments`,
      downloads_url: `${url}/downloads`,
      events_url: `${url}/events`,
      forks_url: `${url}/forks`,
      git_commits_url: `${url}/git/commits{/sha}`,
      git_refs_url: `${url}/git/refs{/sha}`,
      git_tags_url: `${url}/git/tags{/sha}`,
      git_url: `git://127.0.0.1/${repo.fullName}.git`,
      issue_comment_url: `${url}/issues/comments{/number}`,
      issue_events_url: `${url}/issues/events{/number}`,
      issues_url: `${url}/issues{/number}`,
      keys_url: `${url}/keys{/key_id}`,
      labels_url: `${url}/labels{/name}`,
      languages_url: `${url}/languages`,
      merges_url: `${url}/merges`,
      milestones_url: `${url}/milestones{/number}`,
      notifications_url: `${url}/notifications{?since,all,participating}`,
      pulls_url: `${url}/pulls{/number}`,
      releases_url: `${url}/releases{/id}`,
      ssh_url: `git@127.0.0.1:${repo.fullName}.git`,
      stargazers_url: `${url}/stargazers`,
      statuses_url: `${url}/statuses/{sha}`,
      subscribers_url: `${url}/subscribers`,
      subscription_url: `${url}/subscription`,
      tags_url: `${url}/tags`,
      teams_url: `${url}/teams`,
      trees_url: `${url}/git/trees{/sha}`,
      clone_url: `${this.html(repo.fullName)}.git`,
      mirror_url: null,
      hooks_url: `${url}/hooks`,
      svn_url: this.html(repo.fullName),
      homepage: null,
      language: null,
      forks_count: 0,
      forks: 0,
      stargazers_count: 0,
      watchers_count: 0,
      watchers: 0,
      size: 0,
      default_branch: repo.defaultBranch,
      open_issues_count: [...repo.pulls.values()].filter((p) => p.state === 'open').length,
      open_issues: [...repo.pulls.values()].filter((p) => p.state === 'open').length,
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_downloads: false,
      archived: false,
      disabled: false,
      visibility: 'public',
      pushed_at: repo.createdAt,
      created_at: repo.createdAt,
      updated_at: repo.createdAt,
      license: null,
    };
  }

  minimalRepository(repo: RepositoryRecord) {
    const full = this.repository(repo);
    const {
      clone_url: _clone,
      mirror_url: _mirror,
      svn_url: _svn,
      homepage: _homepage,
      ssh_url: _ssh,
      git_url: _git,
      language: _language,
      ...minimal
    } = full;
    return minimal;
  }
}
