// The shop's forms (#/forms): a table of every form with its kind, the ticket type its
// submissions get, whether it takes submissions and shows in the chat widget, how many it
// received, and its public address (copy, open). Admins and owners create, edit and delete
// forms; everyone else reads the list (to send a customer the link).
// API: GET /api/v1/forms, DELETE /api/v1/forms/{id}.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { isAdmin } from '../session.js';
import { pageHeader, toast, copyButton, emptyRow, statusPill, loadingBlock, loadError, confirmDialog } from '../ui.js';
import { loadSettings, typeLabel } from '../tickets/shared.js';
import { kindLabel, publicLink, formsErrorText } from './shared.js';

const COLUMNS = 8;

/** onEdit(id) opens a form, onNew() a new one. Returns {el, refresh(), destroy()}. */
export function createFormList({ onEdit, onNew }) {
  const admin = isAdmin();
  const state = { forms: [], loaded: false, error: null, settings: null, destroyed: false, token: 0 };

  const body = h('tbody', { 'data-testid': 'forms-rows' });
  const refreshButton = h('button', { type: 'button', class: 'btn', 'data-testid': 'forms-refresh', onclick: () => load() }, t('app.common.refresh'));
  const newButton = admin
    ? h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'forms-new', onclick: () => onNew() }, t('forms.list.new'))
    : null;
  const el = h('div', { class: 'fo-list-page', 'data-testid': 'forms-page' },
    pageHeader(t('forms.title'), t('forms.subtitle'), refreshButton, newButton),
    admin ? null : h('p', { class: 'fo-readonly', 'data-testid': 'forms-readonly' }, t('forms.list.readOnly')),
    h('section', { class: 'card fo-list-card' },
      h('div', { class: 'table-wrap' },
        h('table', { class: 'table fo-table', 'data-testid': 'forms-table' },
          h('thead', null, h('tr', null,
            h('th', null, t('forms.field.name')),
            h('th', null, t('forms.field.kind')),
            h('th', null, t('forms.field.ticketType')),
            h('th', null, t('forms.field.active')),
            h('th', null, t('forms.field.inWidget')),
            h('th', { class: 'num' }, t('forms.field.submissions')),
            h('th', null, t('forms.field.publicUrl')),
            h('th', { class: 'actions' }, admin ? t('app.common.actions') : ''))),
          body))));

  function row(form) {
    const link = publicLink(form);
    return h('tr', {
      class: ['fo-row', !form.active && 'row-inactive'], 'data-testid': 'form-row', 'data-form-id': form.id, 'data-key': form.key,
    },
    h('td', { class: 'fo-name-cell' },
      admin
        ? h('a', { href: `#/forms/${encodeURIComponent(form.id)}`, class: 'cell-strong fo-name', 'data-testid': 'form-row-name' }, form.name)
        : h('span', { class: 'cell-strong fo-name', 'data-testid': 'form-row-name' }, form.name),
      h('div', { class: 'fo-row-fields muted' }, t('forms.list.fieldCount', { count: (form.fields || []).length }))),
    h('td', null, h('span', { class: ['fo-kind', `fo-kind-${form.kind}`], 'data-testid': 'form-row-kind', 'data-kind': form.kind }, kindLabel(form.kind))),
    h('td', { 'data-testid': 'form-row-type' }, typeLabel(form.ticketType, state.settings)),
    h('td', { 'data-testid': 'form-row-active' }, statusPill(form.active)),
    h('td', { 'data-testid': 'form-row-widget' },
      form.inWidget ? h('span', { class: 'pill pill-on' }, t('forms.list.inWidgetYes')) : h('span', { class: 'pill pill-off' }, t('forms.list.inWidgetNo'))),
    h('td', { class: 'num', 'data-testid': 'form-row-submissions' }, String(form.submissions ?? 0)),
    h('td', { class: 'fo-link-cell' },
      h('div', { class: 'fo-link' },
        h('code', { class: 'fo-link-text', title: link, 'data-testid': 'form-row-url' }, link),
        copyButton(() => link, { 'data-testid': 'form-row-copy' }),
        h('a', { class: 'btn btn-small', href: link, target: '_blank', rel: 'noopener', 'data-testid': 'form-row-open' }, t('forms.list.open')))),
    h('td', { class: 'actions' },
      admin ? h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'form-row-edit', onclick: () => onEdit(form.id) }, t('app.common.edit')) : null,
      admin ? h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', 'data-testid': 'form-row-delete', onclick: () => remove(form) }, t('forms.delete')) : null));
  }

  function draw() {
    if (!state.loaded) {
      body.replaceChildren(h('tr', { class: 'empty-row' }, h('td', { colspan: String(COLUMNS) },
        state.error ? loadError(state.error, () => load()) : loadingBlock())));
      return;
    }
    if (!state.forms.length) {
      body.replaceChildren(h('tr', { class: 'empty-row', 'data-testid': 'forms-empty' }, h('td', { colspan: String(COLUMNS) },
        h('p', { class: 'fo-empty-title' }, t('forms.list.empty')),
        admin ? h('p', { class: 'muted' }, t('forms.list.emptyHint')) : null)));
      return;
    }
    body.replaceChildren(...state.forms.map(row));
  }

  async function remove(form) {
    const ok = await confirmDialog(t('forms.confirmDelete', { name: form.name }), { confirmLabel: t('forms.delete'), danger: true });
    if (!ok || state.destroyed) return;
    try {
      await api.del(`/api/v1/forms/${encodeURIComponent(form.id)}`);
      toast(t('forms.deleted', { name: form.name }));
      await load();
    } catch (error) {
      toast(formsErrorText(error), 'error');
    }
  }

  async function load() {
    const token = ++state.token;
    refreshButton.disabled = true;
    try {
      const [answer, settings] = await Promise.all([api.get('/api/v1/forms'), loadSettings()]);
      if (token !== state.token || state.destroyed) return;
      state.forms = (answer && Array.isArray(answer.forms)) ? answer.forms : [];
      state.settings = settings;
      state.loaded = true;
      state.error = null;
    } catch (error) {
      if (token !== state.token || state.destroyed) return;
      if (state.loaded) toast(formsErrorText(error), 'error');
      else state.error = error;
    } finally {
      if (token === state.token) refreshButton.disabled = false;
    }
    draw();
  }

  draw();
  load();
  return {
    el,
    refresh: () => load(),
    destroy() {
      state.destroyed = true;
      state.token += 1;
    },
  };
}
