// Order settings: the webhooks told about price changes and reminders, and their delivery log.
import { api, query } from '../../api.js';
import { h } from '../../dom.js';
import { t, errorText, formatDateTime } from '../../i18n.js';
import {
  field, showFormError, clearFormErrors, busy, toast, copyText, loadingBlock, loadError, confirmRemove, saveSwitch,
} from '../../ui.js';
import { EVENTS, DELIVERY_STATUSES, DELIVERY_LIMIT, switchBox, section } from './common.js';

function eventLabel(value) {
  const known = EVENTS.find((e) => e.value === value);
  return known ? known.label() : String(value || '');
}

function maskSecret(secret) {
  const text = String(secret || '');
  if (text.length <= 8) return '\u2022'.repeat(Math.max(8, text.length));
  return `${text.slice(0, 6)}${'\u2022'.repeat(12)}${text.slice(-4)}`;
}

function prettyPayload(payload) {
  if (payload === null || payload === undefined) return '';
  if (typeof payload !== 'string') return JSON.stringify(payload, null, 2);
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

export function createWebhooks() {
  const state = { hooks: [], deliveries: [], revealed: new Set(), filterHook: '', filterStatus: '', deliveryToken: 0, replaying: new Set() };

  // ---- the create form ----
  const url = h('input', { type: 'url', name: 'url', required: true, maxlength: '500', 'data-testid': 'webhook-url', placeholder: 'https://', autocomplete: 'off', spellcheck: 'false' });
  const eventBoxes = EVENTS.map((e) => h('input', { type: 'checkbox', name: 'events', value: e.value, checked: true, 'data-testid': 'webhook-event', 'data-event': e.value }));
  const active = switchBox('active', true, 'webhook-active');
  const eventsField = h('fieldset', { class: 'field os-events' },
    h('legend', null, t('webhooks.events')),
    h('div', { class: 'checks' }, EVENTS.map((e, i) => h('label', { class: 'check', title: e.hint() }, eventBoxes[i],
      h('span', null, e.label(), ' ', h('code', { class: 'os-event-code' }, e.value))))),
    h('div', { class: 'field-error', 'data-error-for': 'events' }));
  const createForm = h('form', { class: 'form form-grid os-webhook-form', 'data-testid': 'webhook-form', novalidate: true },
    field(t('webhooks.url'), url, { hint: t('webhooks.urlHint'), wide: true }),
    eventsField,
    h('div', { class: 'field rs-switch-field' },
      h('span', { class: 'os-field-label' }, t('webhooks.active')),
      h('label', { class: 'rs-switch-row', for: active.id }, active, h('span', { class: 'field-hint' }, t('webhooks.activeHint')))),
    h('div', { class: 'form-actions field-wide' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'webhook-create' }, t('webhooks.create'))));
  // Errors naming "events" land under the checkboxes (the first one carries the name).
  createForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(createForm);
    const address = url.value.trim();
    let valid = false;
    try {
      const parsed = new URL(address);
      valid = parsed.protocol === 'https:' || parsed.protocol === 'http:';
    } catch {
      valid = false;
    }
    if (!valid) { showFormError(createForm, { message: t('webhooks.urlInvalid'), field: 'url' }); return; }
    const events = eventBoxes.filter((b) => b.checked).map((b) => b.value);
    if (!events.length) { showFormError(createForm, { message: t('webhooks.eventsRequired'), field: 'events' }); return; }
    await busy(createForm, async () => {
      try {
        const saved = await api.post('/api/v1/webhooks', { url: address, events, active: active.checked });
        if (saved && saved.id) {
          state.hooks = [saved].concat(state.hooks.filter((w) => w.id !== saved.id));
          state.revealed.add(saved.id);
        }
        url.value = '';
        toast(t('webhooks.created'));
        drawHooks();
        drawFilters();
        if (!saved || !saved.id) loadHooks();
      } catch (error) {
        showFormError(createForm, error);
      }
    });
  });

  // ---- the list ----
  const hooksHost = h('div', { class: 'os-hooks-host' }, loadingBlock());

  async function toggleHook(hook, input) {
    const result = await saveSwitch(input, (active) => api.patch(`/api/v1/webhooks/${encodeURIComponent(hook.id)}`, { active }), toast);
    if (!result) return;
    state.hooks = state.hooks.map((w) => (w.id === hook.id ? { ...w, active: input.checked, ...(result.saved || {}) } : w));
    toast(input.checked ? t('webhooks.enabled') : t('webhooks.disabled'));
  }

  async function removeHook(hook) {
    const removed = await confirmRemove({
      question: t('webhooks.deleteConfirm', { url: hook.url }),
      confirmLabel: t('webhooks.delete'),
      request: () => api.del(`/api/v1/webhooks/${encodeURIComponent(hook.id)}`),
      notify: toast,
    });
    if (!removed) return;
    state.hooks = state.hooks.filter((w) => w.id !== hook.id);
    if (state.filterHook === hook.id) state.filterHook = '';
    toast(t('webhooks.deleted'));
    drawHooks();
    drawFilters();
    loadDeliveries();
  }

  function hookRow(hook) {
    const shown = state.revealed.has(hook.id);
    const secret = h('code', { class: 'os-secret mono', 'data-testid': 'webhook-secret', 'data-revealed': shown ? 'true' : 'false' },
      shown ? hook.secret || '' : maskSecret(hook.secret));
    return h('tr', { 'data-testid': 'webhook-row', 'data-webhook-id': hook.id, class: hook.active === false ? 'row-inactive' : null },
      h('td', { class: 'os-url cell-wrap' }, h('span', { class: 'mono cell-strong', 'data-testid': 'webhook-row-url' }, hook.url)),
      h('td', null, (hook.events || []).map((e) => h('span', { class: 'tag', title: e }, eventLabel(e)))),
      h('td', null, switchBox('active', hook.active !== false, 'webhook-toggle', {
        'aria-label': t('webhooks.activeFor', { url: hook.url }), onchange: (event) => toggleHook(hook, event.target),
      })),
      h('td', { class: 'os-secret-cell' },
        secret,
        h('span', { class: 'os-secret-actions' },
          h('button', {
            type: 'button', class: 'btn btn-small', 'data-testid': 'webhook-secret-toggle', 'aria-pressed': shown ? 'true' : 'false',
            onclick: () => { if (shown) state.revealed.delete(hook.id); else state.revealed.add(hook.id); drawHooks(); },
          }, shown ? t('webhooks.hideSecret') : t('webhooks.showSecret')),
          h('button', {
            type: 'button', class: 'btn btn-small', 'data-testid': 'webhook-copy-secret',
            onclick: async () => {
              const ok = await copyText(hook.secret || '');
              toast(ok ? t('webhooks.secretCopied') : t('app.common.copyFailed'), ok ? 'success' : 'error');
            },
          }, t('app.common.copy')))),
      h('td', { class: 'time' }, formatDateTime(hook.createdAt)),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', 'data-testid': 'webhook-delete', onclick: () => removeHook(hook) }, t('webhooks.delete'))));
  }

  function drawHooks() {
    if (!state.hooks.length) {
      hooksHost.replaceChildren(h('p', { class: 'muted os-empty', 'data-testid': 'webhooks-empty' }, t('webhooks.empty')));
      return;
    }
    hooksHost.replaceChildren(h('div', { class: 'table-wrap' },
      h('table', { class: 'table os-hooks-table', 'data-testid': 'webhook-list' },
        h('thead', null, h('tr', null,
          h('th', null, t('webhooks.url')),
          h('th', null, t('webhooks.events')),
          h('th', null, t('webhooks.active')),
          h('th', null, t('webhooks.secret')),
          h('th', null, t('webhooks.createdAt')),
          h('th', { class: 'actions' }, t('app.common.actions')))),
        h('tbody', null, state.hooks.map(hookRow)))));
  }

  async function loadHooks() {
    hooksHost.replaceChildren(loadingBlock());
    try {
      const data = await api.get('/api/v1/webhooks');
      state.hooks = (data && data.webhooks) || [];
      drawHooks();
      drawFilters();
      // The delivery log names each delivery's endpoint: draw it again now that they are known.
      if (state.deliveries.length) drawDeliveries();
    } catch (error) {
      hooksHost.replaceChildren(loadError(error, loadHooks));
    }
  }

  // ---- deliveries ----
  const hookFilter = h('select', {
    'data-testid': 'deliveries-filter-webhook', 'aria-label': t('webhooks.filterWebhook'),
    onchange: () => { state.filterHook = hookFilter.value; loadDeliveries(); },
  });
  const statusFilter = h('select', {
    'data-testid': 'deliveries-filter-status', 'aria-label': t('webhooks.filterStatus'),
    onchange: () => { state.filterStatus = statusFilter.value; loadDeliveries(); },
  },
  h('option', { value: '' }, t('webhooks.statusAll')),
  DELIVERY_STATUSES.map((s) => h('option', { value: s.value }, s.label())));
  const deliveriesHost = h('div', { class: 'os-deliveries-host', 'aria-live': 'polite' }, loadingBlock());

  function drawFilters() {
    if (state.filterHook && !state.hooks.some((w) => w.id === state.filterHook)) state.filterHook = '';
    hookFilter.replaceChildren(
      h('option', { value: '' }, t('webhooks.allWebhooks')),
      state.hooks.map((w) => h('option', { value: w.id, selected: w.id === state.filterHook }, w.url)));
  }

  function hookUrl(id) {
    const wanted = String(id || '').toLowerCase();
    const hook = state.hooks.find((w) => String(w.id).toLowerCase() === wanted);
    return hook ? hook.url : '';
  }

  function statusPill(status) {
    const known = DELIVERY_STATUSES.find((s) => s.value === status);
    return h('span', { class: ['os-delivery-status', `os-delivery-${status || 'unknown'}`], 'data-testid': 'delivery-status', 'data-status': status || '' },
      known ? known.label() : String(status || ''));
  }

  async function replay(delivery) {
    if (state.replaying.has(delivery.id)) return;
    state.replaying.add(delivery.id);
    drawDeliveries();
    try {
      const saved = await api.post(`/api/v1/webhooks/deliveries/${encodeURIComponent(delivery.id)}/replay`, {});
      state.deliveries = state.deliveries.map((d) => (d.id === delivery.id ? { ...d, ...(saved || { status: 'pending' }) } : d));
      toast(t('webhooks.replayed'));
    } catch (error) {
      toast(errorText(error), 'error');
    } finally {
      state.replaying.delete(delivery.id);
    }
    drawDeliveries();
  }

  function deliveryRow(d) {
    const replaying = state.replaying.has(d.id);
    const result = [
      d.lastStatusCode !== null && d.lastStatusCode !== undefined
        ? h('span', { class: 'mono os-code', 'data-testid': 'delivery-code' }, `HTTP ${d.lastStatusCode}`) : null,
      d.lastError ? h('span', { class: 'os-delivery-error', 'data-testid': 'delivery-error', title: d.lastError }, d.lastError) : null,
    ].filter(Boolean);
    return h('tr', { 'data-testid': 'delivery-row', 'data-delivery-id': d.id, 'data-status': d.status || '' },
      h('td', { class: 'time' }, formatDateTime(d.createdAt)),
      h('td', null, h('span', { class: 'tag', title: d.event }, eventLabel(d.event))),
      h('td', { class: 'os-url cell-wrap mono' }, hookUrl(d.webhookId) || '—'),
      h('td', null, statusPill(d.status)),
      h('td', { class: 'num', 'data-testid': 'delivery-attempts' }, String(d.attempts ?? 0)),
      h('td', { class: 'cell-wrap' }, result.length ? result : h('span', { class: 'muted' }, '—')),
      h('td', { class: 'time' }, d.status === 'delivered'
        ? (d.deliveredAt ? t('webhooks.deliveredAt', { time: formatDateTime(d.deliveredAt) }) : '—')
        : (d.nextAttemptAt ? formatDateTime(d.nextAttemptAt) : '—')),
      h('td', { class: 'os-payload-cell' },
        h('details', { class: 'os-payload', 'data-testid': 'delivery-payload' },
          h('summary', null, t('webhooks.payload')),
          h('pre', { class: 'code os-payload-code' }, prettyPayload(d.payload)))),
      h('td', { class: 'actions' },
        h('button', {
          type: 'button', class: 'btn btn-small', 'data-testid': 'delivery-replay', disabled: replaying,
          onclick: () => replay(d),
        }, t('webhooks.replay'))));
  }

  function drawDeliveries() {
    if (!state.deliveries.length) {
      deliveriesHost.replaceChildren(h('p', { class: 'muted os-empty', 'data-testid': 'deliveries-empty' }, t('webhooks.deliveriesEmpty')));
      return;
    }
    // Keep open payloads open across a redraw.
    const open = new Set(Array.from(deliveriesHost.querySelectorAll('details[open]'))
      .map((d) => d.closest('[data-delivery-id]')?.getAttribute('data-delivery-id')).filter(Boolean));
    deliveriesHost.replaceChildren(h('div', { class: 'table-wrap' },
      h('table', { class: 'table os-deliveries-table', 'data-testid': 'delivery-list' },
        h('thead', null, h('tr', null,
          h('th', null, t('webhooks.deliveryTime')),
          h('th', null, t('webhooks.event')),
          h('th', null, t('webhooks.url')),
          h('th', null, t('webhooks.deliveryStatus')),
          h('th', { class: 'num' }, t('webhooks.attempts')),
          h('th', null, t('webhooks.lastResult')),
          h('th', null, t('webhooks.nextAttempt')),
          h('th', null, t('webhooks.payload')),
          h('th', { class: 'actions' }, t('app.common.actions')))),
        h('tbody', null, state.deliveries.map(deliveryRow)))));
    for (const id of open) {
      const details = deliveriesHost.querySelector(`[data-delivery-id="${CSS.escape(id)}"] details`);
      if (details) details.open = true;
    }
  }

  async function loadDeliveries() {
    const token = ++state.deliveryToken;
    deliveriesHost.setAttribute('aria-busy', 'true');
    try {
      const data = await api.get(`/api/v1/webhooks/deliveries${query({ webhook: state.filterHook, status: state.filterStatus, limit: DELIVERY_LIMIT })}`);
      if (token !== state.deliveryToken) return;
      state.deliveries = (data && data.deliveries) || [];
      drawDeliveries();
    } catch (error) {
      if (token !== state.deliveryToken) return;
      deliveriesHost.replaceChildren(loadError(error, loadDeliveries));
    } finally {
      if (token === state.deliveryToken) deliveriesHost.removeAttribute('aria-busy');
    }
  }

  drawFilters();
  const el = section('os-webhooks', t('webhooks.title'), t('webhooks.hint'),
    h('h3', { class: 'os-block-title' }, t('webhooks.createTitle')),
    createForm,
    h('h3', { class: 'os-block-title' }, t('webhooks.listTitle')),
    hooksHost,
    h('div', { class: 'os-deliveries-head' },
      h('h3', { class: 'os-block-title' }, t('webhooks.deliveriesTitle')),
      h('div', { class: 'os-toolbar' }, hookFilter, statusFilter,
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'deliveries-refresh', onclick: () => loadDeliveries() }, t('app.common.refresh')))),
    h('p', { class: 'field-hint' }, t('webhooks.deliveriesHint')),
    deliveriesHost);

  return { el, load: () => { loadHooks(); loadDeliveries(); } };
}

// ---- the page ---------------------------------------------------------------------------
