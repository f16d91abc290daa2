// Audit log: newest first, "load more" follows nextCursor (?before=).
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, formatDateTime } from '../i18n.js';
import { shortId } from '../format.js';
import { pageHeader, card, emptyRow, loadingBlock, loadError } from '../ui.js';

const PAGE = 50;

function actorType(type) {
  switch (type) {
    case 'user': return t('audit.actorUser');
    case 'token': return t('audit.actorToken');
    case 'system': return t('audit.actorSystem');
    default: return String(type || '');
  }
}

// Readable names for the actions the server records; other codes are shown as they are.
const ACTION_LABELS = {
  'agent.create': () => t('audit.actionAgentCreate'),
  'agent.update': () => t('audit.actionAgentUpdate'),
  'inbox.create': () => t('audit.actionInboxCreate'),
  'inbox.update': () => t('audit.actionInboxUpdate'),
  'api_token.create': () => t('audit.actionTokenCreate'),
  'api_token.revoke': () => t('audit.actionTokenRevoke'),
  'user.password_change': () => t('audit.actionPasswordChange'),
  'account.create': () => t('audit.actionAccountCreate'),
  'user.login': () => t('audit.actionLogin'),
  'user.logout': () => t('audit.actionLogout'),
};

function actionCell(action) {
  const label = Object.prototype.hasOwnProperty.call(ACTION_LABELS, action) ? ACTION_LABELS[action]() : null;
  return label
    ? [h('span', { class: 'cell-strong' }, label), h('code', { class: 'mono action-code' }, action)]
    : h('code', { class: 'mono action-code' }, action || '');
}

function compactValue(value) {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** {"role":"agent","inboxIds":["a"]} → role=agent · inboxIds=["a"] */
export function compactDetails(details) {
  if (!details || typeof details !== 'object') return details ? String(details) : '';
  return Object.entries(details).map(([k, v]) => `${k}=${compactValue(v)}`).join(' · ');
}

export async function render(container, ctx) {
  const state = { items: [], next: null, loading: false };
  const tbody = h('tbody', { 'data-testid': 'audit-rows' });
  const more = h('button', { type: 'button', class: 'btn', 'data-testid': 'audit-more', id: 'audit-more', hidden: true, onclick: () => loadPage(state.next) },
    t('audit.loadMore'));
  const status = h('div', { class: 'table-foot' }, more);
  const body = h('div', { class: 'stack' }, loadingBlock());

  container.append(pageHeader(t('audit.title'), t('audit.subtitle'),
    h('button', { type: 'button', class: 'btn', 'data-testid': 'audit-refresh', onclick: () => { state.items = []; loadPage(null); } }, t('app.common.refresh'))),
  body);

  function row(entry) {
    const actor = entry.actor || {};
    const details = compactDetails(entry.details);
    return h('tr', { 'data-testid': 'audit-row', 'data-action': entry.action || '' },
      h('td', { class: 'time', 'data-label': t('audit.time') }, h('time', { datetime: entry.createdAt || '' }, formatDateTime(entry.createdAt))),
      h('td', { 'data-label': t('audit.actor') },
        h('span', { class: 'cell-strong' }, actor.label || shortId(actor.id) || '—'),
        actor.type && actor.type !== 'user' ? h('span', { class: 'tag tag-muted' }, actorType(actor.type)) : null),
      h('td', { class: 'cell-action', 'data-label': t('audit.action') }, actionCell(entry.action)),
      h('td', { 'data-label': t('audit.target') },
        entry.targetType ? h('span', null, entry.targetType) : null,
        entry.targetId ? h('code', { class: 'mono muted target-id', title: entry.targetId }, shortId(entry.targetId)) : null),
      h('td', { class: 'mono', 'data-label': t('audit.ip') }, entry.ip || '—'),
      h('td', { class: 'details', 'data-label': t('audit.details'), title: details }, details || h('span', { class: 'muted' }, '—')));
  }

  function draw() {
    if (!ctx.isCurrent()) return;
    tbody.replaceChildren(...(state.items.length ? state.items.map(row) : [emptyRow(6, t('audit.empty'))]));
    more.hidden = !state.next;
    status.replaceChildren(more);
    body.replaceChildren(card(null,
      h('div', { class: 'table-wrap' },
        h('table', { class: 'table table-audit', id: 'audit-table', 'data-testid': 'audit-table' },
          h('thead', null, h('tr', null,
            h('th', null, t('audit.time')),
            h('th', null, t('audit.actor')),
            h('th', null, t('audit.action')),
            h('th', null, t('audit.target')),
            h('th', null, t('audit.ip')),
            h('th', null, t('audit.details')))),
          tbody)),
      status));
  }

  async function loadPage(cursor) {
    if (state.loading) return;
    state.loading = true;
    more.disabled = true;
    try {
      const data = await api.get(`/api/v1/audit-log${query({ limit: PAGE, before: cursor })}`);
      const items = (data && data.items) || [];
      state.items = cursor ? state.items.concat(items) : items;
      state.next = (data && data.nextCursor) || null;
      draw();
    } catch (error) {
      if (cursor) {
        status.replaceChildren(h('span', { class: 'inline-error', role: 'alert' }, errorText(error)), more);
      } else {
        body.replaceChildren(loadError(error, () => loadPage(null)));
      }
    } finally {
      state.loading = false;
      more.disabled = false;
    }
  }

  await loadPage(null);
}
