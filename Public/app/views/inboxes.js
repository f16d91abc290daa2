// Inboxes (skill groups such as pre-sale and after-sale): list, create, rename / describe, deactivate,
// the FAQ bot mode, business hours kept by a calendar (inboxes/hours.js; the calendars come from
// GET /api/v1/sla/calendars), and the one-line widget embed snippet.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import {
  field, showFormError, clearFormErrors, busy, toast, confirmDialog, copyButton,
  pageHeader, card, emptyRow, statusPill, loadingBlock, loadError,
} from '../ui.js';
import { hoursCell, hoursEditor } from '../inboxes/hours.js';
import { settingsButton } from '../inboxes/settings.js';

export function embedSnippet(widgetKey) {
  const origin = window.location.origin;
  return `<script src="${origin}/widget.js" data-inbox="${widgetKey}" async></script>`;
}

function inboxForm({ inbox, onDone, onCancel }) {
  const name = h('input', {
    type: 'text', name: 'name', 'data-testid': inbox ? 'inbox-edit-name' : 'inbox-name', required: true, maxlength: '80',
    value: inbox ? inbox.name : '', placeholder: t('accounts.inboxes.namePlaceholder'),
  });
  const description = h('textarea', {
    name: 'description', rows: '2', 'data-testid': inbox ? 'inbox-edit-description' : 'inbox-description', maxlength: '500',
    placeholder: t('accounts.inboxes.descriptionPlaceholder'),
  });
  description.value = inbox && inbox.description ? inbox.description : '';
  const form = h('form', { class: 'form form-grid', 'data-testid': inbox ? 'inbox-edit-form' : 'inbox-create-form', novalidate: true },
    field(t('accounts.inboxes.name'), name),
    field(t('accounts.inboxes.description'), description, { wide: false }),
    h('div', { class: 'form-actions field-wide' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': inbox ? 'inbox-edit-save' : 'inbox-create-submit' },
        inbox ? t('app.common.save') : t('accounts.inboxes.create')),
      onCancel ? h('button', { type: 'button', class: 'btn', onclick: onCancel }, t('app.common.cancel')) : null));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    await busy(form, async () => {
      try {
        let saved;
        if (inbox) {
          const body = {};
          if (name.value.trim() !== inbox.name) body.name = name.value.trim();
          if (description.value.trim() !== (inbox.description || '')) body.description = description.value.trim();
          if (!Object.keys(body).length) {
            onCancel();
            return;
          }
          saved = await api.patch(`/api/v1/inboxes/${encodeURIComponent(inbox.id)}`, body);
          toast(t('accounts.inboxes.saved', { name: saved.name }));
        } else {
          const body = { name: name.value.trim() };
          if (description.value.trim()) body.description = description.value.trim();
          saved = await api.post('/api/v1/inboxes', body);
          form.reset();
          toast(t('accounts.inboxes.created', { name: saved.name }));
        }
        onDone(saved);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

const BOT_MODES = [
  { value: 'off', label: () => t('knowledge.botModeOff') },
  { value: 'first', label: () => t('knowledge.botModeFirst') },
  { value: 'outside_hours', label: () => t('knowledge.botModeOutsideHours') },
];

/** The FAQ bot of an inbox (off / answers first / only outside business hours), saved on change. */
function botModeSelect(inbox, onSaved) {
  const current = inbox.botMode || 'off';
  const control = h('select', {
    class: 'inbox-bot-mode', 'data-testid': 'inbox-bot-mode', 'aria-label': t('knowledge.botMode'), title: t('knowledge.botModeHint'),
    onchange: async () => {
      const wanted = control.value;
      control.disabled = true;
      try {
        const saved = await api.patch(`/api/v1/inboxes/${encodeURIComponent(inbox.id)}`, { botMode: wanted });
        toast(t('knowledge.botModeSaved', { name: inbox.name }));
        onSaved({ ...inbox, ...(saved || {}), botMode: (saved && saved.botMode) || wanted });
      } catch (error) {
        control.value = inbox.botMode || 'off';
        toast(errorText(error), 'error');
      } finally {
        control.disabled = false;
      }
    },
  }, BOT_MODES.map((m) => h('option', { value: m.value, selected: m.value === current }, m.label())));
  return control;
}

function embedPanel(inbox) {
  const snippet = embedSnippet(inbox.widgetKey);
  return h('div', { class: 'embed', 'data-testid': 'inbox-embed' },
    h('p', { class: 'card-note' }, t('accounts.inboxes.embedHelp')),
    h('div', { class: 'code-row' },
      h('pre', { class: 'code', 'data-testid': 'inbox-embed-code' }, h('code', null, snippet)),
      copyButton(() => snippet, { 'data-testid': 'inbox-embed-copy' })));
}

export async function render(container, ctx) {
  // One panel open at a time: the edit form, the embed snippet or the business hours editor.
  const state = { inboxes: [], calendars: null, editing: null, embed: null, hours: null };
  // The open hours editor survives redraws (e.g. a bot mode change) with its unsaved draft.
  let hoursPanel = null;
  const body = h('div', { class: 'stack' }, loadingBlock());
  container.append(
    pageHeader(t('accounts.inboxes.title'), t('accounts.inboxes.subtitle')),
    card(t('accounts.inboxes.createTitle'), inboxForm({ onDone: () => refresh() })),
    body);

  async function toggleActive(inbox) {
    const deactivate = inbox.active;
    const ok = await confirmDialog(
      deactivate ? t('accounts.inboxes.confirmDeactivate', { name: inbox.name }) : t('accounts.inboxes.confirmReactivate', { name: inbox.name }),
      { confirmLabel: deactivate ? t('accounts.inboxes.deactivate') : t('accounts.inboxes.reactivate'), danger: deactivate });
    if (!ok) return;
    try {
      const saved = await api.patch(`/api/v1/inboxes/${encodeURIComponent(inbox.id)}`, { active: !deactivate });
      toast(deactivate ? t('accounts.inboxes.deactivated', { name: saved.name }) : t('accounts.inboxes.reactivated', { name: saved.name }));
      await refresh();
    } catch (error) {
      toast(errorText(error), 'error');
    }
  }

  function table() {
    const rows = [];
    for (const inbox of state.inboxes) {
      const count = (inbox.agentIds || []).length;
      rows.push(h('tr', { class: ['inbox-row', !inbox.active && 'row-inactive', state.hours === inbox.id && 'row-editing'], 'data-testid': 'inbox-row', 'data-inbox-id': inbox.id, 'data-inbox-name': inbox.name },
        h('td', { class: 'inbox-cell-name', 'data-label': t('accounts.inboxes.name') }, h('span', { class: 'cell-strong' }, inbox.name)),
        h('td', { class: 'cell-wrap inbox-cell-description', 'data-label': t('accounts.inboxes.description') }, inbox.description || h('span', { class: 'muted' }, '—')),
        h('td', { class: 'inbox-cell-key', 'data-label': t('accounts.inboxes.widgetKey') }, h('code', { class: 'mono', 'data-testid': 'inbox-widget-key' }, inbox.widgetKey)),
        h('td', { class: 'num', 'data-label': t('accounts.inboxes.agents') }, t('accounts.inboxes.agentCount', { count })),
        h('td', { 'data-label': t('knowledge.botMode') }, botModeSelect(inbox, (saved) => {
          state.inboxes = state.inboxes.map((i) => (i.id === saved.id ? saved : i));
          if (hoursPanel && hoursPanel.id === saved.id) hoursPanel.el.setBotMode(saved.botMode);
          draw();
        })),
        h('td', { class: 'inbox-cell-hours', 'data-label': t('routing.hours.title') }, hoursCell(inbox, h('button', {
          type: 'button', class: 'btn btn-small', 'data-testid': 'inbox-hours-edit',
          'aria-expanded': String(state.hours === inbox.id), 'aria-label': t('routing.hours.editFor', { name: inbox.name }),
          onclick: () => { state.hours = state.hours === inbox.id ? null : inbox.id; state.editing = null; state.embed = null; draw(true); },
        }, t('routing.hours.edit')), { calendars: state.calendars, inboxes: state.inboxes })),
        h('td', { 'data-label': t('accounts.inboxes.status') }, statusPill(inbox.active)),
        h('td', { class: 'actions' },
          settingsButton(inbox),
          h('button', {
            type: 'button', class: 'btn btn-small', 'data-testid': 'inbox-embed-toggle',
            onclick: () => { state.embed = state.embed === inbox.id ? null : inbox.id; state.editing = null; state.hours = null; draw(); },
          }, t('accounts.inboxes.embed')),
          h('button', {
            type: 'button', class: 'btn btn-small', 'data-testid': 'inbox-edit',
            onclick: () => { state.editing = state.editing === inbox.id ? null : inbox.id; state.embed = null; state.hours = null; draw(); },
          }, t('app.common.edit')),
          h('button', {
            type: 'button', class: ['btn', 'btn-small', inbox.active ? 'btn-danger-ghost' : ''],
            'data-testid': inbox.active ? 'inbox-deactivate' : 'inbox-reactivate', onclick: () => toggleActive(inbox),
          }, inbox.active ? t('accounts.inboxes.deactivate') : t('accounts.inboxes.reactivate')))));
      if (state.embed === inbox.id) {
        rows.push(h('tr', { class: 'edit-row' }, h('td', { colspan: '8' }, embedPanel(inbox))));
      }
      if (state.hours === inbox.id) {
        rows.push(h('tr', { class: 'edit-row hours-row', 'data-testid': 'inbox-hours-row' }, h('td', { colspan: '8' }, hoursPanelFor(inbox))));
      }
      if (state.editing === inbox.id) {
        rows.push(h('tr', { class: 'edit-row' }, h('td', { colspan: '8' }, inboxForm({
          inbox,
          onDone: () => { state.editing = null; refresh(); },
          onCancel: () => { state.editing = null; draw(); },
        }))));
      }
    }
    if (!rows.length) rows.push(emptyRow(8, t('accounts.inboxes.empty')));
    return h('div', { class: 'table-wrap' },
      h('table', { class: 'table inboxes-table', id: 'inboxes-table', 'data-testid': 'inboxes-table' },
        h('thead', null, h('tr', null,
          h('th', null, t('accounts.inboxes.name')),
          h('th', null, t('accounts.inboxes.description')),
          h('th', null, t('accounts.inboxes.widgetKey')),
          h('th', { class: 'num' }, t('accounts.inboxes.agents')),
          h('th', null, t('knowledge.botMode')),
          h('th', null, t('routing.hours.title')),
          h('th', null, t('accounts.inboxes.status')),
          h('th', { class: 'actions' }, t('app.common.actions')))),
        h('tbody', null, rows)));
  }

  /** The hours editor of `inbox`, kept across redraws while it stays open. */
  function hoursPanelFor(inbox) {
    if (!hoursPanel || hoursPanel.id !== inbox.id) {
      hoursPanel = {
        id: inbox.id,
        el: hoursEditor({
          inbox,
          calendars: state.calendars,
          inboxes: state.inboxes,
          onDone: () => { state.hours = null; refresh(); },
          onCancel: () => { state.hours = null; draw(); },
        }),
      };
    }
    return hoursPanel.el;
  }

  function draw(focusHours = false) {
    if (!ctx.isCurrent()) return;
    if (hoursPanel && hoursPanel.id !== state.hours) hoursPanel = null;
    body.replaceChildren(card(t('accounts.inboxes.listTitle', { count: state.inboxes.length }), table()));
    if (focusHours && hoursPanel) {
      const first = hoursPanel.el.querySelector('[data-testid="hours-always-open"]');
      if (first) first.focus({ preventScroll: true });
      hoursPanel.el.scrollIntoView({ block: 'nearest' });
    }
  }

  async function refresh() {
    try {
      // The calendars name an inbox's hours; without them the editor works as before.
      const [data, calendars] = await Promise.all([
        api.get('/api/v1/inboxes'),
        api.get('/api/v1/sla/calendars').catch(() => null),
      ]);
      state.inboxes = (data && data.items) || [];
      state.calendars = calendars && Array.isArray(calendars.items) ? calendars.items : null;
      draw();
    } catch (error) {
      body.replaceChildren(loadError(error, refresh));
    }
  }

  await refresh();
}
