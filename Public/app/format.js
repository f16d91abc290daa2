// Small formatting helpers shared by the views.
import { t } from './i18n.js';

export const ROLES = ['owner', 'admin', 'supervisor', 'agent'];

export function roleLabel(role) {
  return ROLES.includes(role) ? t('accounts.role.' + role) : String(role || '');
}

/** Roles `actorRole` may give to someone: never above its own; owners only by owners. */
export function assignableRoles(actorRole) {
  const rank = { owner: 3, admin: 2, supervisor: 1, agent: 0 };
  return ROLES.filter((r) => rank[r] <= (rank[actorRole] ?? -1) && (r !== 'owner' || actorRole === 'owner'));
}

export function shortId(id) {
  return id ? String(id).slice(0, 8) : '';
}
