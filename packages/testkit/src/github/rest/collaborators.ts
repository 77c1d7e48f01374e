import { type Handler, notFound } from './context.js';

const ROLE: Record<string, string> = {
  admin: 'admin',
  maintain: 'maintain',
  write: 'write',
  triage: 'triage',
  read: 'read',
  none: 'none',
};
/** The legacy `permission` field knows only admin, write, read and none. */
const LEGACY: Record<string, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

export const getCollaboratorPermissionLevel: Handler = (ctx) => {
  const login = ctx.params.username ?? '';
  const account = ctx.state.accounts.get(login);
  if (!account) return notFound();
  const permission = ctx.state.permission(ctx.repo, login);
  return {
    status: 200,
    body: {
      permission: LEGACY[permission],
      role_name: ROLE[permission],
      user: { ...ctx.repr.user(account), permissions: permissionsOf(permission), role_name: ROLE[permission] },
    },
  };
};

function permissionsOf(permission: string) {
  const order = ['read', 'triage', 'write', 'maintain', 'admin'];
  const rank = order.indexOf(permission);
  return { pull: rank >= 0, triage: rank >= 1, push: rank >= 2, maintain: rank >= 3, admin: rank >= 4 };
}
