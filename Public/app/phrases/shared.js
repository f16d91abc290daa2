// Quick phrases (canned replies): the API calls and the small pieces shared by the
// phrases page, the composer's "/" picker and the thread's "save as quick phrase".
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { user } from '../session.js';

export const SCOPES = ['personal', 'team'];
export const MAX_TEXT = 2000;
export const MAX_SHORTCUT = 20;
const EDITOR_ROLES = new Set(['supervisor', 'admin', 'owner']);

/** Supervisors, admins and owners keep the team's phrases; everyone keeps their own. */
export function canEditTeam() {
  const me = user();
  return Boolean(me && EDITOR_ROLES.has(me.role));
}

/** Whether the signed-in member may change or delete `phrase`. */
export function canModify(phrase) {
  if (!phrase) return false;
  if (phrase.scope === 'team') return canEditTeam();
  const me = user();
  return !phrase.ownerId || !me || String(phrase.ownerId).toLowerCase() === String(me.id).toLowerCase();
}

export function scopeLabel(scope) {
  return scope === 'team' ? t('phrases.scopeTeam') : t('phrases.scopePersonal');
}

export function scopeBadge(scope) {
  return h('span', { class: ['qp-scope', `qp-scope-${scope === 'team' ? 'team' : 'personal'}`], 'data-testid': 'qp-scope-badge', 'data-scope': scope },
    scopeLabel(scope));
}

/** "thx" → "/thx"; "" → "". */
export function shortcutText(phrase) {
  return phrase && phrase.shortcut ? `/${phrase.shortcut}` : '';
}

/** What a shortcut may be: lower-case a-z 0-9 _ -, at most 20 (what the server accepts). */
export function normaliseShortcut(text) {
  return String(text || '').trim().replace(/^\/+/, '').toLowerCase();
}

export function validShortcut(text) {
  return text === '' || (/^[a-z0-9_-]+$/.test(text) && text.length <= MAX_SHORTCUT);
}

// ---- API -------------------------------------------------------------------------

export const phrasesApi = {
  /** {items, categories} — the caller's personal phrases and the team's, most used first. */
  list: ({ q = '', category = '' } = {}) => api.get(`/api/v1/quick-phrases${query({ q, category })}`),
  create: (body) => api.post('/api/v1/quick-phrases', body),
  update: (id, body) => api.patch(`/api/v1/quick-phrases/${encodeURIComponent(id)}`, body),
  remove: (id) => api.del(`/api/v1/quick-phrases/${encodeURIComponent(id)}`),
  /** {text (variables filled for the conversation), usageCount}. */
  use: (id, conversationId) => api.post(`/api/v1/quick-phrases/${encodeURIComponent(id)}/use`, conversationId ? { conversationId } : {}),
  proposals: () => api.get('/api/v1/quick-phrases/proposals'),
  /** `csv` is the file's text; answers {created, updated}. */
  importCsv: (csv) => api.upload('/api/v1/quick-phrases/import?format=csv', new Blob([csv], { type: 'text/csv' })),
  exportUrl: '/api/v1/quick-phrases/export?format=csv',
};

// Other parts of the workbench (the composer's picker) hear when phrases change.
const listeners = new Set();

export function onPhrasesChanged(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function phrasesChanged() {
  for (const fn of Array.from(listeners)) {
    try { fn(); } catch { /* one listener must not stop the others */ }
  }
}
