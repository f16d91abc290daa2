// API tokens: list, create (the secret is shown once), revoke.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, formatDateTime } from '../i18n.js';
import { roleLabel } from '../format.js';
import {
  field, select, showFormError, clearFormErrors, busy, toast, confirmDialog, copyButton,
  pageHeader, card, emptyRow, loadingBlock, loadError,
} from '../ui.js';

const TOKEN_ROLES = ['admin', 'supervisor', 'agent'];

export async function render(container, ctx) {
  const state = { tokens: [] };
  const secretSlot = h('div', { 'data-testid': 'token-secret-slot' });
  const body = h('div', { class: 'stack' }, loadingBlock());

  const name = h('input', { type: 'text', name: 'name', 'data-testid': 'token-name', required: true, maxlength: '80', placeholder: t('auth.tokens.namePlaceholder') });
  const role = select('role', TOKEN_ROLES.map((r) => ({ value: r, label: roleLabel(r) })), 'admin', { 'data-testid': 'token-role' });
  const form = h('form', { class: 'form form-grid', 'data-testid': 'token-create-form', novalidate: true },
    field(t('auth.tokens.name'), name),
    field(t('auth.tokens.role'), role, { hint: t('auth.tokens.roleHint') }),
    h('div', { class: 'form-actions field-wide' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'token-create-submit' }, t('auth.tokens.create'))));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    await busy(form, async () => {
      try {
        const created = await api.post('/api/v1/api-tokens', { name: name.value.trim(), role: role.value });
        form.reset();
        showSecret(created);
        toast(t('auth.tokens.created', { name: created.name }));
        await refresh();
      } catch (error) {
        showFormError(form, error);
      }
    });
  });

  function showSecret(created) {
    const secret = created.token || '';
    secretSlot.replaceChildren(h('section', { class: 'card card-warning', role: 'alert', 'data-testid': 'token-secret-card' },
      h('h2', { class: 'card-title' }, t('auth.tokens.secretTitle', { name: created.name })),
      h('p', { class: 'warning-text' }, t('auth.tokens.secretWarning')),
      h('div', { class: 'code-row' },
        h('pre', { class: 'code code-secret' }, h('code', { 'data-testid': 'token-secret', id: 'token-secret' }, secret)),
        copyButton(() => secret, { 'data-testid': 'token-secret-copy' })),
      h('div', { class: 'form-actions' },
        h('button', {
          type: 'button', class: 'btn', 'data-testid': 'token-secret-done',
          onclick: () => secretSlot.replaceChildren(),
        }, t('auth.tokens.secretDone')))));
  }

  async function revoke(token) {
    const ok = await confirmDialog(t('auth.tokens.confirmRevoke', { name: token.name }), { confirmLabel: t('auth.tokens.revoke'), danger: true });
    if (!ok) return;
    try {
      await api.del(`/api/v1/api-tokens/${encodeURIComponent(token.id)}`);
      toast(t('auth.tokens.revoked', { name: token.name }));
      await refresh();
    } catch (error) {
      toast(errorText(error), 'error');
    }
  }

  function table() {
    const rows = state.tokens.map((token) => h('tr', {
      class: [token.revokedAt && 'row-inactive'], 'data-testid': 'token-row', 'data-token-id': token.id, 'data-token-name': token.name,
    },
    h('td', { 'data-label': t('auth.tokens.name') }, h('span', { class: 'cell-strong' }, token.name)),
    h('td', { 'data-label': t('auth.tokens.role') }, h('span', { class: ['role-pill', `role-${token.role}`] }, roleLabel(token.role))),
    h('td', { 'data-label': t('auth.tokens.prefix') }, h('code', { class: 'mono' }, token.prefix ? `${token.prefix}…` : '')),
    h('td', { class: 'time', 'data-label': t('auth.tokens.createdAt') }, formatDateTime(token.createdAt)),
    h('td', { class: 'time', 'data-label': t('auth.tokens.lastUsedAt') }, token.lastUsedAt ? formatDateTime(token.lastUsedAt) : h('span', { class: 'muted' }, t('auth.tokens.neverUsed'))),
    h('td', { 'data-label': t('auth.tokens.status') }, token.revokedAt
      ? h('span', { class: 'pill pill-off', title: formatDateTime(token.revokedAt) }, t('auth.tokens.revokedStatus'))
      : h('span', { class: 'pill pill-on' }, t('app.common.active'))),
    h('td', { class: 'actions' }, token.revokedAt ? null : h('button', {
      type: 'button', class: 'btn btn-small btn-danger-ghost', 'data-testid': 'token-revoke', onclick: () => revoke(token),
    }, t('auth.tokens.revoke')))));
    if (!rows.length) rows.push(emptyRow(7, t('auth.tokens.empty')));
    return h('div', { class: 'table-wrap' },
      h('table', { class: 'table', id: 'tokens-table', 'data-testid': 'tokens-table' },
        h('thead', null, h('tr', null,
          h('th', null, t('auth.tokens.name')),
          h('th', null, t('auth.tokens.role')),
          h('th', null, t('auth.tokens.prefix')),
          h('th', null, t('auth.tokens.createdAt')),
          h('th', null, t('auth.tokens.lastUsedAt')),
          h('th', null, t('auth.tokens.status')),
          h('th', { class: 'actions' }, t('app.common.actions')))),
        h('tbody', null, rows)));
  }

  function draw() {
    if (!ctx.isCurrent()) return;
    body.replaceChildren(card(t('auth.tokens.listTitle', { count: state.tokens.length }), table()));
  }

  async function refresh() {
    try {
      const data = await api.get('/api/v1/api-tokens');
      state.tokens = (data && data.items) || [];
      state.tokens.sort((a, b) => Boolean(a.revokedAt) - Boolean(b.revokedAt) || String(b.createdAt).localeCompare(String(a.createdAt)));
      draw();
    } catch (error) {
      body.replaceChildren(loadError(error, refresh));
    }
  }

  container.append(
    pageHeader(t('auth.tokens.title'), t('auth.tokens.subtitle')),
    secretSlot,
    card(t('auth.tokens.createTitle'), form),
    body);
  await refresh();
}
