// Order settings: the payment-reminder rules, listed and edited.
import { api } from '../../api.js';
import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import {
  field, showFormError, clearFormErrors, busy, toast, loadingBlock, loadError, editableList,
} from '../../ui.js';
import { VARIABLES, VARIABLE_NAMES, MAX_TEMPLATE, MAX_RULE_NAME, RANGES, parseInteger, timeZones, validZone, switchBox, section, nextId } from './common.js';

export function createRules({ onChanged }) {
  const zonesId = `os-zones-${nextId()}`;
  const zones = h('datalist', { id: zonesId }, timeZones().map((z) => h('option', { value: z })));
  const newButton = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'rule-new', onclick: () => list.startEdit('new') },
    t('orders.reminders.ruleNew'));
  const count = h('span', { class: 'pill os-count' });
  const host = h('div', { class: 'os-rules-host' }, loadingBlock());
  const el = section('os-rules', t('orders.reminders.rulesTitle'), t('orders.reminders.rulesHint'),
    h('div', { class: 'os-toolbar' }, count, h('span', { class: 'os-spacer' }), newButton),
    host, zones);

  function defaults() {
    let zone = 'Asia/Shanghai';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || zone; } catch { /* keep */ }
    return {
      name: '', active: true, timeZone: zone, delayMinutes: 30, maxPerOrder: 1, quietStart: '22:00', quietEnd: '08:00',
      skipIfChattedWithinMinutes: 10, minimumGapMinutes: 60, template: t('orders.reminders.defaultTemplate'),
    };
  }

  function quietText(rule) {
    return rule.quietStart && rule.quietEnd && rule.quietStart !== rule.quietEnd
      ? t('orders.reminders.quietValue', { start: rule.quietStart, end: rule.quietEnd })
      : t('orders.reminders.quietNone');
  }

  function sample(template) {
    const values = {
      customer_name: t('orders.reminders.sampleCustomer'), order_no: '20261122001', amount: t('orders.reminders.sampleAmount'), pay_link: 'https://shop.example.com/pay/20261122001',
    };
    return String(template || '').replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole));
  }

  function ruleForm(rule, { saved, cancel, remove }) {
    const start = { ...defaults(), ...(rule || {}) };
    const n = nextId();
    const name = h('input', { type: 'text', name: 'name', maxlength: String(MAX_RULE_NAME), required: true, 'data-testid': 'rule-name', value: start.name || '', placeholder: t('orders.reminders.namePlaceholder') });
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
      counter.textContent = t('orders.reminders.templateCount', { count: length, max: MAX_TEMPLATE });
      counter.classList.toggle('is-over', length > MAX_TEMPLATE);
      preview.textContent = template.value.trim() ? t('orders.reminders.previewValue', { text: sample(template.value) }) : '';
    };

    active.id = `os-rule-active-${n}`;
    const form = h('form', { class: 'form form-grid os-rule-form', 'data-testid': 'rule-form', novalidate: true },
      field(t('orders.reminders.name'), name),
      h('div', { class: 'field rs-switch-field' },
        h('span', { class: 'os-field-label' }, t('orders.reminders.active')),
        h('label', { class: 'rs-switch-row', for: active.id }, active,
          h('span', { class: 'rs-switch-text' }, h('span', { class: 'field-hint' }, t('orders.reminders.activeHint'))))),
      field(t('orders.reminders.timeZone'), timeZone, { hint: t('orders.reminders.timeZoneHint') }),
      field(t('orders.reminders.delay'), delay, { hint: t('orders.reminders.delayHint') }),
      field(t('orders.reminders.maxPerOrder'), maxPerOrder, { hint: t('orders.reminders.maxPerOrderHint') }),
      field(t('orders.reminders.quietStart'), quietStart),
      field(t('orders.reminders.quietEnd'), quietEnd, { hint: t('orders.reminders.quietHint') }),
      field(t('orders.reminders.skipChatted'), skip, { hint: t('orders.reminders.skipChattedHint') }),
      field(t('orders.reminders.gap'), gap, { hint: t('orders.reminders.gapHint') }),
      h('div', { class: 'field field-wide' },
        h('label', { for: (template.id = `os-rule-template-${n}`) }, t('orders.reminders.template')),
        template,
        h('div', { class: 'os-template-foot' },
          h('div', { class: 'os-vars' },
            h('span', { class: 'muted' }, t('orders.reminders.variables')),
            VARIABLES.map((v) => h('button', {
              type: 'button', class: 'os-var', 'data-testid': 'rule-variable', 'data-variable': v, title: t('orders.reminders.insertVariable'),
              onclick: () => insertVariable(v),
            }, v))),
          counter),
        h('div', { class: 'field-hint', 'data-testid': 'rule-template-hint' }, t('orders.reminders.templateHint')),
        preview,
        h('div', { class: 'field-error', 'data-error-for': 'template' })),
      h('div', { class: 'form-actions field-wide' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'rule-save' }, rule ? t('app.common.save') : t('orders.reminders.ruleCreate')),
        h('button', { type: 'button', class: 'btn', 'data-testid': 'rule-cancel', onclick: () => cancel() }, t('app.common.cancel')),
        rule ? h('span', { class: 'os-spacer' }) : null,
        rule ? h('button', { type: 'button', class: 'btn btn-danger-ghost', 'data-testid': 'rule-delete', onclick: () => remove() }, t('orders.reminders.ruleDelete')) : null));

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
      if (!body.name) { fail(t('orders.reminders.nameRequired'), 'name'); return; }
      if (!body.timeZone || !validZone(body.timeZone)) { fail(t('orders.reminders.timeZoneInvalid'), 'timeZone'); return; }
      for (const [input, key, label] of [[delay, 'delayMinutes', t('orders.reminders.delay')], [maxPerOrder, 'maxPerOrder', t('orders.reminders.maxPerOrder')],
        [skip, 'skipIfChattedWithinMinutes', t('orders.reminders.skipChatted')], [gap, 'minimumGapMinutes', t('orders.reminders.gap')]]) {
        const value = parseInteger(input.value);
        const [min, max] = RANGES[key];
        if (Number.isNaN(value) || value < min || value > max) { fail(t('orders.reminders.rangeInvalid', { field: label, min, max }), key); return; }
        body[key] = value;
      }
      for (const [input, key] of [[quietStart, 'quietStart'], [quietEnd, 'quietEnd']]) {
        const value = input.value.trim().slice(0, 5);
        if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(value)) { fail(t('orders.reminders.timeInvalid'), key); return; }
        body[key] = value;
      }
      const text = template.value.trim();
      if (!text) { fail(t('orders.reminders.templateRequired'), 'template'); return; }
      if (Array.from(text).length > MAX_TEMPLATE) { fail(t('orders.reminders.templateTooLong', { max: MAX_TEMPLATE }), 'template'); return; }
      const unknown = Array.from(text.matchAll(/\{([A-Za-z0-9_]+)\}/g)).map((m) => m[1]).find((v) => !VARIABLE_NAMES.includes(v));
      if (unknown) { fail(t('orders.reminders.templateUnknownVariable', { name: `{${unknown}}`, list: VARIABLES.join(' ') }), 'template'); return; }
      body.template = text;
      await busy(form, async () => {
        try {
          const answer = rule
            ? await api.patch(`/api/v1/reminder-rules/${encodeURIComponent(rule.id)}`, body)
            : await api.post('/api/v1/reminder-rules', body);
          toast(rule ? t('orders.reminders.ruleSaved') : t('orders.reminders.ruleCreated'));
          saved({ ...(rule || {}), ...body, ...(answer || {}) });
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

  function ruleRow(rule, { edit, toggle }) {
    return [
      h('div', { class: 'os-rule-main' },
        h('div', { class: 'os-rule-name', 'data-testid': 'rule-row-name' }, rule.name || '—',
          rule.active === false ? h('span', { class: 'pill pill-off' }, t('app.common.inactive')) : null),
        h('div', { class: 'os-rule-meta' },
          h('span', { class: 'os-meta' }, t('orders.reminders.delayValue', { minutes: rule.delayMinutes })),
          h('span', { class: 'os-meta' }, t('orders.reminders.maxValue', { count: rule.maxPerOrder })),
          h('span', { class: 'os-meta' }, quietText(rule)),
          h('span', { class: 'os-meta' }, Number(rule.skipIfChattedWithinMinutes) > 0
            ? t('orders.reminders.skipValue', { minutes: rule.skipIfChattedWithinMinutes }) : t('orders.reminders.skipNone')),
          h('span', { class: 'os-meta' }, t('orders.reminders.gapValue', { minutes: rule.minimumGapMinutes })),
          h('span', { class: 'os-meta muted' }, rule.timeZone || '')),
        h('p', { class: 'os-rule-template', 'data-testid': 'rule-row-template' }, rule.template || '')),
      h('div', { class: 'os-rule-side' },
        switchBox('active', rule.active !== false, 'rule-row-active', {
          'aria-label': t('orders.reminders.activeFor', { name: rule.name || '' }),
          onchange: toggle,
        }),
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'rule-edit', onclick: edit }, t('app.common.edit'))),
    ];
  }

  const url = (rule) => `/api/v1/reminder-rules/${encodeURIComponent(rule.id)}`;
  const list = editableList({
    host, count, newButton,
    listClass: 'os-rules', listTestid: 'rule-list', rowClass: 'os-rule', rowTestid: 'rule-row', newRowTestid: 'rule-new-row',
    formTitle: { tag: 'h3', className: 'os-form-title', edit: () => t('orders.reminders.ruleEditTitle'), create: () => t('orders.reminders.ruleNewTitle') },
    empty: { className: 'os-empty', testid: 'rules-empty', text: () => t('orders.reminders.rulesEmpty'), hint: () => t('orders.reminders.rulesEmptyHint') },
    renderRow: ruleRow,
    renderForm: ruleForm,
    discard: { question: () => t('orders.reminders.discardConfirm'), confirmLabel: () => t('orders.reminders.discard') },
    removal: {
      question: (rule) => t('orders.reminders.deleteConfirm', { name: rule.name || '' }),
      confirmLabel: () => t('orders.reminders.ruleDelete'),
      request: (rule) => api.del(url(rule)),
      done: () => { toast(t('orders.reminders.ruleDeleted')); onChanged(); },
    },
    toggle: {
      request: (rule, active) => api.patch(url(rule), { active }),
      done: (rule) => toast(rule.active ? t('orders.reminders.ruleEnabled') : t('orders.reminders.ruleDisabled')),
    },
    notify: toast,
  });

  async function load() {
    host.replaceChildren(loadingBlock());
    try {
      const data = await api.get('/api/v1/reminder-rules');
      list.setRules((data && data.rules) || []);
    } catch (error) {
      host.replaceChildren(loadError(error, load));
    }
  }

  return { el, load, isDirty: () => list.isDirty(), rules: () => list.rules() };
}

// ---- (c) reminder stats -----------------------------------------------------------------
