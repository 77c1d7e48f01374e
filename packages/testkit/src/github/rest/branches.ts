import { atLeast, type Protection } from '../state.js';
import { error, type Handler, type HandlerContext, type Reply } from './context.js';
import { notAccessible } from './rules.js';

/** The branches of the repository whose head is the commit (GitHub's "List branches for HEAD commit"). */
export const listBranchesForHeadCommit: Handler = (ctx) => {
  const sha = ctx.params.commit_sha ?? '';
  const branches = [...ctx.repo.branches].filter(([, head]) => head === sha).sort(([a], [b]) => a.localeCompare(b));
  return {
    status: 200,
    body: branches.map(([name, head]) => ({
      name,
      commit: { sha: head, url: `${ctx.url}/repos/${ctx.repo.fullName}/commits/${head}` },
      protected: ctx.repo.protection.has(name),
    })),
  };
};

/**
 * Reading classic branch protection takes the admin role (a fine-grained token's `administration` read;
 * GITHUB_TOKEN cannot have it): anyone else gets 403 "Resource not accessible by integration"
 * (renovatebot/renovate#23885, technote-space/package-version-check-action#1, CasperWA/push-protected#95).
 * A branch without classic protection is 404 "Branch not protected", rulesets or not (hub4j/github-api#2062;
 * google/go-github#625 for `required_status_checks`).
 */
function classicProtection(ctx: HandlerContext): Reply | Protection {
  if (!atLeast(ctx.state.permission(ctx.repo, ctx.caller.login), 'admin')) return notAccessible('administration=read');
  const protection = ctx.repo.protection.get(ctx.params.branch ?? '');
  return protection ?? error(404, 'Branch not protected');
}

/**
 * `repos/get-status-checks-protection`: the contexts classic protection requires, and the app each check
 * is pinned to (`app_id`, null for any source). A protection that requires none is 404 too, the one other
 * answer the operation documents.
 */
export const getStatusChecksProtection: Handler = (ctx) => {
  const protection = classicProtection(ctx);
  if ('status' in protection) return protection;
  if (protection.requiredContexts.length === 0) return error(404, 'Required status checks not enabled');
  const url = `${ctx.url}/repos/${ctx.repo.fullName}/branches/${encodeURIComponent(ctx.params.branch ?? '')}/protection/required_status_checks`;
  return {
    status: 200,
    body: {
      url,
      strict: false,
      contexts: [...protection.requiredContexts],
      checks: protection.requiredContexts.map((context) => ({
        context,
        app_id: protection.requiredChecks.find((c) => c.context === context)?.appId ?? null,
      })),
      contexts_url: `${url}/contexts`,
    },
  };
};

/** `repos/get-admin-branch-protection`: whether classic protection applies to admins too (`enforce_admins`). */
export const getAdminBranchProtection: Handler = (ctx) => {
  const protection = classicProtection(ctx);
  if ('status' in protection) return protection;
  const url = `${ctx.url}/repos/${ctx.repo.fullName}/branches/${encodeURIComponent(ctx.params.branch ?? '')}/protection/enforce_admins`;
  return { status: 200, body: { url, enabled: protection.enforceAdmins } };
};
