// Order settings: the payment-reminder rules, listed and edited.
import { api, query } from '../../api.js';
import { h } from '../../dom.js';
import { t, errorText, formatDateTime } from '../../i18n.js';
import {
  field, showFormError, clearFormErrors, busy, toast, confirmDialog, copyText,
  pageHeader, loadingBlock, loadError,
} from '../../ui.js';
import { roleLabel } from '../../format.js';
import { VARIABLES, VARIABLE_NAMES, MAX_TEMPLATE, MAX_RULE_NAME, RANGES, parseInteger, timeZones, validZone, switchBox, section, nextId } from './common.js';

export function createRules({ onChanged }) {
  const state = { rules: [], loaded: false, editing: null };
  let openForm = null;
  const zonesId = `os-zones-${nextId()}`;
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
    const n = nextId();
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
