// Order settings (#/order-settings, admins and owners): how far each role may change prices
// before payment, the payment-reminder rules, how well reminders work (per rule and per
// agent), and the webhooks told about price changes and reminders, with their delivery log.
// API: GET/PUT /api/v1/order-settings; /api/v1/reminder-rules (GET, POST, PATCH /{id},
// DELETE /{id}); GET /api/v1/reminders/stats?days=; /api/v1/webhooks (GET, POST, PATCH /{id},
// DELETE /{id}); GET /api/v1/webhooks/deliveries?webhook=&status=&limit=;
// POST /api/v1/webhooks/deliveries/{id}/replay.
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, formatDateTime } from '../i18n.js';
import {
  field, showFormError, clearFormErrors, busy, toast, confirmDialog, copyText,
  pageHeader, loadingBlock, loadError,
} from '../ui.js';
import { roleLabel } from '../format.js';

const ROLES = ['agent', 'supervisor', 'admin', 'owner'];
const EVENTS = [
  { value: 'order.price_changed', label: () => t('webhooks.eventPriceChanged'), hint: () => t('webhooks.eventPriceChangedHint') },
  { value: 'order.reminded', label: () => t('webhooks.eventReminded'), hint: () => t('webhooks.eventRemindedHint') },
];
const DELIVERY_STATUSES = [
  { value: 'pending', label: () => t('webhooks.deliveryPending') },
  { value: 'delivered', label: () => t('webhooks.deliveryDelivered') },
  { value: 'failed', label: () => t('webhooks.deliveryFailed') },
];
const STATS_DAYS = [7, 30, 90];
const VARIABLES = ['{customer_name}', '{order_no}', '{amount}', '{pay_link}'];
const VARIABLE_NAMES = VARIABLES.map((v) => v.slice(1, -1));
const MAX_TEMPLATE = 500;
const MAX_RULE_NAME = 60;
const DELIVERY_LIMIT = 50;
const COMMON_ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Seoul', 'Asia/Tokyo', 'Asia/Singapore', 'UTC'];
const RANGES = {
  delayMinutes: [1, 1440],
  maxPerOrder: [1, 5],
  skipIfChattedWithinMinutes: [0, 240],
  minimumGapMinutes: [1, 1440],
};

let seq = 0;

function parseInteger(raw) {
  const text = String(raw).trim();
  if (!/^-?[0-9]+$/.test(text)) return NaN;
  return Number(text);
}

function timeZones() {
  let all = [];
  try {
    if (typeof Intl.supportedValuesOf === 'function') all = Intl.supportedValuesOf('timeZone');
  } catch {
    all = [];
  }
  const mine = (() => {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { return null; }
  })();
  return Array.from(new Set([...COMMON_ZONES, mine, ...all].filter(Boolean)));
}

function validZone(zone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone }).format(0);
    return true;
  } catch {
    return false;
  }
}

function percentText(rate) {
  const n = Number(rate);
  if (!Number.isFinite(n)) return '—';
  return `${Math.round(n * 1000) / 10}%`;
}

function switchBox(name, checked, testid, attrs = {}) {
  seq += 1;
  return h('input', { type: 'checkbox', class: 'rs-switch', name, id: `os-${name}-${seq}`, checked, 'data-testid': testid, ...attrs });
}

/** A section card with a heading, a hint and an id for the in-page links. */
function section(id, title, hint, ...children) {
  return h('section', { class: 'card os-section', id, 'data-testid': id, 'aria-labelledby': `${id}-title` },
    h('div', { class: 'os-section-head' },
      h('div', { class: 'os-section-text' },
        h('h2', { class: 'card-title', id: `${id}-title` }, title),
        hint ? h('p', { class: 'card-note' }, hint) : null)),
    children);
}

// ---- (a) price limits -----------------------------------------------------------------

function createLimits() {
  const state = { limits: null };
  const host = h('div', { class: 'os-limits-host' }, loadingBlock());
  const el = section('os-limits', t('orders.settings.limitsTitle'), t('orders.settings.limitsHint'), host);

  function draw() {
    const limits = state.limits || {};
    const price = limits.maxDiscountPercent || {};
    const shipping = limits.maxShippingDiscountPercent || {};
    const raise = new Set(limits.rolesAllowedToRaise || []);
    const inputs = {};
    const rows = ROLES.map((role) => {
      const priceInput = h('input', {
        type: 'number', name: `price.${role}`, min: '0', max: '100', step: '1', inputmode: 'numeric', required: true,
        'data-testid': `limits-price-${role}`, value: String(price[role] ?? 0),
        'aria-label': t('orders.settings.limitPriceFor', { role: roleLabel(role) }),
      });
      const shippingInput = h('input', {
        type: 'number', name: `shipping.${role}`, min: '0', max: '100', step: '1', inputmode: 'numeric', required: true,
        'data-testid': `limits-shipping-${role}`, value: String(shipping[role] ?? price[role] ?? 0),
        'aria-label': t('orders.settings.limitShippingFor', { role: roleLabel(role) }),
      });
      const raiseInput = h('input', {
        type: 'checkbox', name: `raise.${role}`, checked: raise.has(role), 'data-testid': `limits-raise-${role}`,
        'aria-label': t('orders.settings.limitRaiseFor', { role: roleLabel(role) }),
      });
      inputs[role] = { priceInput, shippingInput, raiseInput };
      return h('tr', { 'data-testid': 'limits-row', 'data-role': role },
        h('th', { scope: 'row' }, h('span', { class: ['role-pill', `role-${role}`] }, roleLabel(role))),
        h('td', null, h('div', { class: 'os-percent' }, priceInput, h('span', { 'aria-hidden': 'true' }, '%'))),
        h('td', null, h('div', { class: 'os-percent' }, shippingInput, h('span', { 'aria-hidden': 'true' }, '%'))),
        h('td', { class: 'os-center' }, raiseInput));
    });
    const form = h('form', { class: 'form os-limits-form', 'data-testid': 'limits-form', novalidate: true },
      h('div', { class: 'table-wrap' },
        h('table', { class: 'table os-limits-table' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, t('orders.settings.role')),
            h('th', { scope: 'col' }, t('orders.settings.limitPrice')),
            h('th', { scope: 'col' }, t('orders.settings.limitShipping')),
            h('th', { scope: 'col', class: 'os-center' }, t('orders.settings.limitRaise')))),
          h('tbody', null, rows))),
      h('p', { class: 'field-hint' }, t('orders.settings.limitsFootnote')),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'limits-save' }, t('common.save'))));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearFormErrors(form);
      const body = { maxDiscountPercent: {}, maxShippingDiscountPercent: {}, rolesAllowedToRaise: [] };
      for (const role of ROLES) {
        const { priceInput, shippingInput, raiseInput } = inputs[role];
        for (const [input, target] of [[priceInput, body.maxDiscountPercent], [shippingInput, body.maxShippingDiscountPercent]]) {
          const n = parseInteger(input.value);
          if (Number.isNaN(n) || n < 0 || n > 100) {
            showFormError(form, { message: t('orders.settings.percentInvalid', { role: roleLabel(role) }) });
            input.classList.add('is-invalid');
            input.setAttribute('aria-invalid', 'true');
            input.focus();
            return;
          }
          target[role] = n;
        }
        if (raiseInput.checked) body.rolesAllowedToRaise.push(role);
      }
      await busy(form, async () => {
        try {
          const saved = await api.put('/api/v1/order-settings', { priceLimits: body });
          state.limits = (saved && saved.priceLimits) || body;
          toast(t('orders.settings.limitsSaved'));
          draw();
        } catch (error) {
          showFormError(form, error);
        }
      });
    });
    host.replaceChildren(form);
  }

  async function load() {
    host.replaceChildren(loadingBlock());
    try {
      const data = await api.get('/api/v1/order-settings');
      state.limits = (data && data.priceLimits) || {};
      draw();
    } catch (error) {
      host.replaceChildren(loadError(error, load));
    }
  }

  return { el, load };
}

// ---- (b) reminder rules -----------------------------------------------------------------

function createRules({ onChanged }) {
  const state = { rules: [], loaded: false, editing: null };
  let openForm = null;
  const zonesId = `os-zones-${++seq}`;
  const zones = h('datalist', { id: zonesId }, timeZones().map((z) => h('option', { value: z })));
  const newButton = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'rule-new', onclick: () => startEdit('new') },
    t('reminders.ruleNew'));
  const count = h('span', { class: 'pill os-count' });
  const host = h('div', { class: 'os-rules-host' }, loadingBlock());
  const el = section('os-rules', t('reminders.rulesTitle'), t('reminders.rulesHint'),
    h('div', { class: 'os-toolbar' }, count, h('span', { class: 'os-spacer' }), newButton),
    host, zones);

  function defaults() {
    let zone = 'Asia/Shanghai';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || zone; } catch { /* keep */ }
    return {
      name: '', active: true, timeZone: zone, delayMinutes: 30, maxPerOrder: 1, quietStart: '22:00', quietEnd: '08:00',
      skipIfChattedWithinMinutes: 10, minimumGapMinutes: 60, template: t('reminders.defaultTemplate'),
    };
  }

  function quietText(rule) {
    return rule.quietStart && rule.quietEnd && rule.quietStart !== rule.quietEnd
      ? t('reminders.quietValue', { start: rule.quietStart, end: rule.quietEnd })
      : t('reminders.quietNone');
  }

  function sample(template) {
    const values = {
      customer_name: t('reminders.sampleCustomer'), order_no: '20261122001', amount: t('reminders.sampleAmount'), pay_link: 'https://shop.example.com/pay/20261122001',
    };
    return String(template || '').replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole));
  }

  function ruleForm(rule) {
    const start = { ...defaults(), ...(rule || {}) };
    seq += 1;
    const n = seq;
    const name = h('input', { type: 'text', name: 'name', maxlength: String(MAX_RULE_NAME), required: true, 'data-testid': 'rule-name', value: start.name || '', placeholder: t('reminders.namePlaceholder') });
    const active = switchBox('active', start.active !== false, 'rule-active');
    const timeZone = h('input', { type: 'text', name: 'timeZone', list: zonesId, autocomplete: 'off', spellcheck: 'false', 'data-testid': 'rule-timezone', value: start.timeZone || '' });
    const number = (fieldName, testid) => h('input', {
      type: 'number', name: fieldName, min: String(RANGES[fieldName][0]), max: String(RANGES[fieldName][1]), step: '1', inputmode: 'numeric',
      'data-testid': testid, value: String(start[fieldName] ?? ''),
    });
    const delay = number('delayMinutes', 'rule-delay');
    const maxPerOrder = number('maxPerOrder', 'rule-max-per-order');
    const skip = number('skipIfChattedWithinMinutes', 'rule-skip-chatted');
    const gap = number('minimumGapMinutes', 'rule-gap');
    const quietStart = h('input', { type: 'time', name: 'quietStart', step: '60', 'data-testid': 'rule-quiet-start', value: start.quietStart || '' });
    const quietEnd = h('input', { type: 'time', name: 'quietEnd', step: '60', 'data-testid': 'rule-quiet-end', value: start.quietEnd || '' });
    const template = h('textarea', { name: 'template', rows: '3', maxlength: String(MAX_TEMPLATE), required: true, 'data-testid': 'rule-template' });
    template.value = start.template || '';
    const counter = h('span', { class: 'os-counter muted', 'aria-live': 'off' });
    const preview = h('p', { class: 'os-preview', 'data-testid': 'rule-preview' });

    const insertVariable = (v) => {
      const from = template.selectionStart ?? template.value.length;
      const to = template.selectionEnd ?? template.value.length;
      template.value = template.value.slice(0, from) + v + template.value.slice(to);
      template.focus();
      template.setSelectionRange(from + v.length, from + v.length);
      drawHints();
    };
    const drawHints = () => {
      const length = Array.from(template.value).length;
      counter.textContent = t('reminders.templateCount', { count: length, max: MAX_TEMPLATE });
      counter.classList.toggle('is-over', length > MAX_TEMPLATE);
      preview.textContent = template.value.trim() ? t('reminders.previewValue', { text: sample(template.value) }) : '';
    };

    active.id = `os-rule-active-${n}`;
    const form = h('form', { class: 'form form-grid os-rule-form', 'data-testid': 'rule-form', novalidate: true },
      field(t('reminders.name'), name),
      h('div', { class: 'field rs-switch-field' },
        h('span', { class: 'os-field-label' }, t('reminders.active')),
        h('label', { class: 'rs-switch-row', for: active.id }, active,
          h('span', { class: 'rs-switch-text' }, h('span', { class: 'field-hint' }, t('reminders.activeHint'))))),
      field(t('reminders.timeZone'), timeZone, { hint: t('reminders.timeZoneHint') }),
      field(t('reminders.delay'), delay, { hint: t('reminders.delayHint') }),
      field(t('reminders.maxPerOrder'), maxPerOrder, { hint: t('reminders.maxPerOrderHint') }),
      field(t('reminders.quietStart'), quietStart),
      field(t('reminders.quietEnd'), quietEnd, { hint: t('reminders.quietHint') }),
      field(t('reminders.skipChatted'), skip, { hint: t('reminders.skipChattedHint') }),
      field(t('reminders.gap'), gap, { hint: t('reminders.gapHint') }),
      h('div', { class: 'field field-wide' },
        h('label', { for: (template.id = `os-rule-template-${n}`) }, t('reminders.template')),
        template,
        h('div', { class: 'os-template-foot' },
          h('div', { class: 'os-vars' },
            h('span', { class: 'muted' }, t('reminders.variables')),
            VARIABLES.map((v) => h('button', {
              type: 'button', class: 'os-var', 'data-testid': 'rule-variable', 'data-variable': v, title: t('reminders.insertVariable'),
              onclick: () => insertVariable(v),
            }, v))),
          counter),
        h('div', { class: 'field-hint', 'data-testid': 'rule-template-hint' }, t('reminders.templateHint')),
        preview,
        h('div', { class: 'field-error', 'data-error-for': 'template' })),
      h('div', { class: 'form-actions field-wide' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'rule-save' }, rule ? t('common.save') : t('reminders.ruleCreate')),
        h('button', { type: 'button', class: 'btn', 'data-testid': 'rule-cancel', onclick: () => cancelEdit() }, t('common.cancel')),
        rule ? h('span', { class: 'os-spacer' }) : null,
        rule ? h('button', { type: 'button', class: 'btn btn-danger-ghost', 'data-testid': 'rule-delete', onclick: () => remove(rule) }, t('reminders.ruleDelete')) : null));

    const snapshot = () => JSON.stringify([name.value, active.checked, timeZone.value, delay.value, maxPerOrder.value, quietStart.value,
      quietEnd.value, skip.value, gap.value, template.value]);
    const initial = snapshot();
    template.addEventListener('input', drawHints);
    drawHints();

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearFormErrors(form);
      const fail = (message, fieldName) => showFormError(form, { message, field: fieldName });
      const body = { name: name.value.trim(), active: active.checked, timeZone: timeZone.value.trim() };
      if (!body.name) { fail(t('reminders.nameRequired'), 'name'); return; }
      if (!body.timeZone || !validZone(body.timeZone)) { fail(t('reminders.timeZoneInvalid'), 'timeZone'); return; }
      for (const [input, key, label] of [[delay, 'delayMinutes', t('reminders.delay')], [maxPerOrder, 'maxPerOrder', t('reminders.maxPerOrder')],
        [skip, 'skipIfChattedWithinMinutes', t('reminders.skipChatted')], [gap, 'minimumGapMinutes', t('reminders.gap')]]) {
        const value = parseInteger(input.value);
        const [min, max] = RANGES[key];
        if (Number.isNaN(value) || value < min || value > max) { fail(t('reminders.rangeInvalid', { field: label, min, max }), key); return; }
        body[key] = value;
      }
      for (const [input, key] of [[quietStart, 'quietStart'], [quietEnd, 'quietEnd']]) {
        const value = input.value.trim().slice(0, 5);
        if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(value)) { fail(t('reminders.timeInvalid'), key); return; }
        body[key] = value;
      }
      const text = template.value.trim();
      if (!text) { fail(t('reminders.templateRequired'), 'template'); return; }
      if (Array.from(text).length > MAX_TEMPLATE) { fail(t('reminders.templateTooLong', { max: MAX_TEMPLATE }), 'template'); return; }
      const unknown = Array.from(text.matchAll(/\{([A-Za-z0-9_]+)\}/g)).map((m) => m[1]).find((v) => !VARIABLE_NAMES.includes(v));
      if (unknown) { fail(t('reminders.templateUnknownVariable', { name: `{${unknown}}`, list: VARIABLES.join(' ') }), 'template'); return; }
      body.template = text;
      await busy(form, async () => {
        try {
          const saved = rule
            ? await api.patch(`/api/v1/reminder-rules/${encodeURIComponent(rule.id)}`, body)
            : await api.post('/api/v1/reminder-rules', body);
          const merged = { ...(rule || {}), ...body, ...(saved || {}) };
          state.rules = rule ? state.rules.map((r) => (r.id === rule.id ? merged : r)) : state.rules.concat([merged]);
          state.editing = null;
          openForm = null;
          toast(rule ? t('reminders.ruleSaved') : t('reminders.ruleCreated'));
          draw();
          onChanged();
        } catch (error) {
          // "reminderRule.delayMinutes must be …": point at the field the server names.
          const named = error && error.field === 'reminderRule' && /^reminderRule\.([A-Za-z]+)/.exec(error.serverMessage || '');
          showFormError(form, named ? { ...error, field: named[1] } : error);
        }
      });
    });

    return { el: form, isDirty: () => snapshot() !== initial, focus: () => name.focus() };
  }

  async function confirmLeave() {
    if (!openForm || !openForm.isDirty()) return true;
    return confirmDialog(t('reminders.discardConfirm'), { confirmLabel: t('reminders.discard'), danger: true });
  }

  async function startEdit(id) {
    if (state.editing === id) return;
    if (!(await confirmLeave())) return;
    state.editing = id;
    openForm = null;
    draw();
    if (openForm) openForm.focus();
  }

  function cancelEdit() {
    state.editing = null;
    openForm = null;
    draw();
  }

  async function remove(rule) {
    const ok = await confirmDialog(t('reminders.deleteConfirm', { name: rule.name || '' }), { confirmLabel: t('reminders.ruleDelete'), danger: true });
    if (!ok) return;
    try {
      await api.del(`/api/v1/reminder-rules/${encodeURIComponent(rule.id)}`);
      state.rules = state.rules.filter((r) => r.id !== rule.id);
      state.editing = null;
      openForm = null;
      toast(t('reminders.ruleDeleted'));
      draw();
      onChanged();
    } catch (error) {
      toast(errorText(error), 'error');
    }
  }

  async function toggle(rule, input) {
    input.disabled = true;
    try {
      const saved = await api.patch(`/api/v1/reminder-rules/${encodeURIComponent(rule.id)}`, { active: input.checked });
      const merged = { ...rule, active: input.checked, ...(saved || {}) };
      state.rules = state.rules.map((r) => (r.id === rule.id ? merged : r));
      toast(merged.active ? t('reminders.ruleEnabled') : t('reminders.ruleDisabled'));
      const row = input.closest('[data-testid="rule-row"]');
      if (row && row.isConnected) row.replaceWith(ruleRow(merged));
    } catch (error) {
      input.checked = !input.checked;
      toast(errorText(error), 'error');
    } finally {
      input.disabled = false;
    }
  }

  function ruleRow(rule) {
    if (state.editing === rule.id) {
      const form = ruleForm(rule);
      openForm = form;
      return h('li', { class: 'os-rule os-rule-editing', 'data-testid': 'rule-row', 'data-rule-id': rule.id },
        h('h3', { class: 'os-form-title' }, t('reminders.ruleEditTitle')), form.el);
    }
    const toggleInput = switchBox('active', rule.active !== false, 'rule-row-active', {
      'aria-label': t('reminders.activeFor', { name: rule.name || '' }),
      onchange: (event) => toggle(rule, event.target),
    });
    return h('li', { class: ['os-rule', rule.active === false && 'os-rule-off'], 'data-testid': 'rule-row', 'data-rule-id': rule.id },
      h('div', { class: 'os-rule-main' },
        h('div', { class: 'os-rule-name', 'data-testid': 'rule-row-name' }, rule.name || '—',
          rule.active === false ? h('span', { class: 'pill pill-off' }, t('common.inactive')) : null),
        h('div', { class: 'os-rule-meta' },
          h('span', { class: 'os-meta' }, t('reminders.delayValue', { minutes: rule.delayMinutes })),
          h('span', { class: 'os-meta' }, t('reminders.maxValue', { count: rule.maxPerOrder })),
          h('span', { class: 'os-meta' }, quietText(rule)),
          h('span', { class: 'os-meta' }, Number(rule.skipIfChattedWithinMinutes) > 0
            ? t('reminders.skipValue', { minutes: rule.skipIfChattedWithinMinutes }) : t('reminders.skipNone')),
          h('span', { class: 'os-meta' }, t('reminders.gapValue', { minutes: rule.minimumGapMinutes })),
          h('span', { class: 'os-meta muted' }, rule.timeZone || '')),
        h('p', { class: 'os-rule-template', 'data-testid': 'rule-row-template' }, rule.template || '')),
      h('div', { class: 'os-rule-side' },
        toggleInput,
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'rule-edit', onclick: () => startEdit(rule.id) }, t('common.edit'))));
  }

  function draw() {
    count.textContent = state.loaded ? String(state.rules.length) : '';
    newButton.disabled = state.editing === 'new';
    const items = [];
    if (state.editing === 'new') {
      const form = ruleForm(null);
      openForm = form;
      items.push(h('li', { class: 'os-rule os-rule-editing os-rule-new', 'data-testid': 'rule-new-row' },
        h('h3', { class: 'os-form-title' }, t('reminders.ruleNewTitle')), form.el));
    }
    for (const rule of state.rules) items.push(ruleRow(rule));
    if (!items.length) {
      host.replaceChildren(h('div', { class: 'os-empty', 'data-testid': 'rules-empty' },
        h('p', null, t('reminders.rulesEmpty')), h('p', { class: 'muted' }, t('reminders.rulesEmptyHint'))));
      return;
    }
    host.replaceChildren(h('ul', { class: 'os-rules', 'data-testid': 'rule-list' }, items));
  }

  async function load() {
    host.replaceChildren(loadingBlock());
    try {
      const data = await api.get('/api/v1/reminder-rules');
      state.rules = (data && data.rules) || [];
      state.loaded = true;
      draw();
    } catch (error) {
      host.replaceChildren(loadError(error, load));
    }
  }

  return { el, load, isDirty: () => Boolean(openForm && openForm.isDirty()), rules: () => state.rules };
}

// ---- (c) reminder stats -----------------------------------------------------------------

function createStats({ ruleNames }) {
  const state = { days: 30, token: 0 };
  const days = h('select', {
    'data-testid': 'stats-days', 'aria-label': t('reminders.statsPeriod'), class: 'os-days',
    onchange: () => { state.days = Number(days.value) || 30; load(); },
  }, STATS_DAYS.map((d) => h('option', { value: String(d), selected: d === state.days }, t('reminders.statsDays', { days: d }))));
  const host = h('div', { class: 'os-stats-host', 'aria-live': 'polite' }, loadingBlock());
  const el = section('os-stats', t('reminders.statsTitle'), t('reminders.statsHint'),
    h('div', { class: 'os-toolbar' }, days, h('span', { class: 'os-spacer' }),
      h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'stats-refresh', onclick: () => load() }, t('common.refresh'))),
    host);

  function bars(rows, label, testid, emptyText) {
    if (!rows.length) return h('p', { class: 'muted os-bars-empty' }, emptyText);
    const sorted = rows.slice().sort((a, b) => (Number(b.rate) || 0) - (Number(a.rate) || 0) || (Number(b.sent) || 0) - (Number(a.sent) || 0));
    return h('ul', { class: 'os-bars' }, sorted.map((row) => {
      const rate = Math.max(0, Math.min(1, Number(row.rate) || 0));
      const name = label(row);
      return h('li', { class: 'os-bar-row', 'data-testid': testid, 'data-rate': String(rate) },
        h('span', { class: 'os-bar-label', title: name }, name),
        h('span', { class: 'os-bar-track', 'aria-hidden': 'true' },
          h('span', { class: 'os-bar-fill', style: { width: `${(rate * 100).toFixed(1)}%` } })),
        h('span', { class: 'os-bar-value' },
          h('strong', null, percentText(rate)),
          h('span', { class: 'muted' }, t('reminders.statsCounts', { paid: row.paid ?? 0, sent: row.sent ?? 0 })),
          row.medianMinutesToPay !== null && row.medianMinutesToPay !== undefined
            ? h('span', { class: 'muted' }, t('reminders.statsMedian', { minutes: row.medianMinutesToPay })) : null));
    }));
  }

  function ruleLabel(row) {
    if (row.name) return row.name;
    if (!row.ruleId) return t('reminders.statsManual');
    const known = ruleNames().find((r) => r.id === row.ruleId);
    return known ? known.name : t('reminders.statsDeletedRule');
  }

  function agentLabel(row) {
    if (row.agentNumber === null || row.agentNumber === undefined) return row.name || t('reminders.statsAutomatic');
    return t('shell.agentBadge', { number: row.agentNumber, name: row.name || '' });
  }

  async function load() {
    const token = ++state.token;
    host.setAttribute('aria-busy', 'true');
    try {
      const data = await api.get(`/api/v1/reminders/stats${query({ days: state.days })}`);
      if (token !== state.token) return;
      const total = (data && data.total) || { sent: 0, paid: 0, rate: 0 };
      host.replaceChildren(
        h('div', { class: 'os-stat-total', 'data-testid': 'stats-total' },
          h('div', { class: 'os-stat' }, h('span', { class: 'os-stat-value' }, String(total.sent ?? 0)), h('span', { class: 'os-stat-label' }, t('reminders.statsSent'))),
          h('div', { class: 'os-stat' }, h('span', { class: 'os-stat-value' }, String(total.paid ?? 0)), h('span', { class: 'os-stat-label' }, t('reminders.statsPaid'))),
          h('div', { class: 'os-stat os-stat-rate' }, h('span', { class: 'os-stat-value', 'data-testid': 'stats-total-rate' }, percentText(total.rate)),
            h('span', { class: 'os-stat-label' }, t('reminders.statsRate')))),
        h('div', { class: 'os-stats-grid' },
          h('div', { class: 'os-stats-block', 'data-testid': 'stats-by-rule' },
            h('h3', { class: 'os-block-title' }, t('reminders.statsByRule')),
            bars((data && data.byRule) || [], ruleLabel, 'stats-rule-row', t('reminders.statsEmpty'))),
          h('div', { class: 'os-stats-block', 'data-testid': 'stats-by-agent' },
            h('h3', { class: 'os-block-title' }, t('reminders.statsByAgent')),
            bars((data && data.byAgent) || [], agentLabel, 'stats-agent-row', t('reminders.statsEmpty')))));
    } catch (error) {
      if (token !== state.token) return;
      host.replaceChildren(loadError(error, load));
    } finally {
      if (token === state.token) host.removeAttribute('aria-busy');
    }
  }

  return { el, load };
}

// ---- (d) webhooks -----------------------------------------------------------------------

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

function createWebhooks() {
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
    input.disabled = true;
    try {
      const saved = await api.patch(`/api/v1/webhooks/${encodeURIComponent(hook.id)}`, { active: input.checked });
      state.hooks = state.hooks.map((w) => (w.id === hook.id ? { ...w, active: input.checked, ...(saved || {}) } : w));
      toast(input.checked ? t('webhooks.enabled') : t('webhooks.disabled'));
    } catch (error) {
      input.checked = !input.checked;
      toast(errorText(error), 'error');
    } finally {
      input.disabled = false;
    }
  }

  async function removeHook(hook) {
    const ok = await confirmDialog(t('webhooks.deleteConfirm', { url: hook.url }), { confirmLabel: t('webhooks.delete'), danger: true });
    if (!ok) return;
    try {
      await api.del(`/api/v1/webhooks/${encodeURIComponent(hook.id)}`);
      state.hooks = state.hooks.filter((w) => w.id !== hook.id);
      if (state.filterHook === hook.id) state.filterHook = '';
      toast(t('webhooks.deleted'));
      drawHooks();
      drawFilters();
      loadDeliveries();
    } catch (error) {
      toast(errorText(error), 'error');
    }
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
              toast(ok ? t('webhooks.secretCopied') : t('common.copyFailed'), ok ? 'success' : 'error');
            },
          }, t('common.copy')))),
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
          h('th', { class: 'actions' }, t('common.actions')))),
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
          h('th', { class: 'actions' }, t('common.actions')))),
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
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'deliveries-refresh', onclick: () => loadDeliveries() }, t('common.refresh')))),
    h('p', { class: 'field-hint' }, t('webhooks.deliveriesHint')),
    deliveriesHost);

  return { el, load: () => { loadHooks(); loadDeliveries(); } };
}

// ---- the page ---------------------------------------------------------------------------

export function render(container) {
  const limits = createLimits();
  const rules = createRules({ onChanged: () => stats.load() });
  const stats = createStats({ ruleNames: () => rules.rules() });
  const webhooks = createWebhooks();

  const jump = (id) => {
    const target = document.getElementById(id);
    if (!target) return;
    target.scrollIntoView({ behavior: 'smooth', block: 'start' });
    const heading = target.querySelector('.card-title');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  };
  const links = [
    ['os-limits', t('orders.settings.limitsTitle')],
    ['os-rules', t('reminders.rulesTitle')],
    ['os-stats', t('reminders.statsTitle')],
    ['os-webhooks', t('webhooks.title')],
  ];
  container.append(
    pageHeader(t('orders.settings.title'), t('orders.settings.subtitle')),
    h('nav', { class: 'os-jump', 'aria-label': t('orders.settings.sections') },
      links.map(([id, label]) => h('button', { type: 'button', class: 'os-jump-link', 'data-testid': `jump-${id}`, onclick: () => jump(id) }, label))),
    h('div', { class: 'stack os-page', 'data-testid': 'order-settings' }, limits.el, rules.el, stats.el, webhooks.el));

  limits.load();
  rules.load();
  stats.load();
  webhooks.load();

  const beforeUnload = (event) => {
    if (!rules.isDirty()) return;
    event.preventDefault();
    event.returnValue = '';
  };
  window.addEventListener('beforeunload', beforeUnload);
  return () => window.removeEventListener('beforeunload', beforeUnload);
}
