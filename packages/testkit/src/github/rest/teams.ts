import type { GitHubState } from '../state.js';
import { notFound, type Reply } from './context.js';

/** `teams/get-membership-for-user-in-org`: an active membership, or 404 (also for a hidden team). */
export function getTeamMembership(state: GitHubState, params: Record<string, string>, url: string): Reply {
  const { org = '', team_slug: slug = '', username = '' } = params;
  const role = state.teams.get(`${org}/${slug}`.toLowerCase())?.get(username);
  if (!role) return notFound();
  return {
    status: 200,
    body: {
      url: `${url}/organizations/${encodeURIComponent(org)}/team/${encodeURIComponent(slug)}/memberships/${encodeURIComponent(username)}`,
      role,
      state: 'active',
    },
  };
}
