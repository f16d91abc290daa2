// Who is signed in: the answer of login / GET /api/v1/auth/me.
import { setCsrfToken } from './api.js';

const ADMIN_ROLES = new Set(['owner', 'admin']);
let current = null;

export function setSession(data) {
  current = data && data.user ? data : null;
  setCsrfToken(current ? current.csrfToken : null);
  return current;
}

export function clearSession() {
  current = null;
  setCsrfToken(null);
}

export function session() {
  return current;
}

export function user() {
  return current ? current.user : null;
}

export function isAdmin() {
  return Boolean(current && ADMIN_ROLES.has(current.user.role));
}

export function isOwner() {
  return Boolean(current && current.user.role === 'owner');
}
