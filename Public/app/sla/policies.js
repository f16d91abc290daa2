// The SLA page's policies (supervisors and above change them), in order: the first that matches
// a ticket or conversation applies. Each row moves up or down (the whole order is saved), turns
// on or off and opens its form: the name; what it applies to (tickets, chats or both; inboxes,
// ticket types, priorities, customer levels, tags; an empty list means any); the calendar its targets count on
// (or around the clock); the targets, a grid of metrics by priorities in minutes (empty: no
// target); and when to warn (never, N minutes before the due time, or at P % of the target).
// Every save is a new version of the policy. What the server refuses is shown beside the field
// it names (targets[2].minutes → that cell of the grid), every problem at once.
// API: GET/POST /api/v1/sla/policies, PUT/DELETE /api/v1/sla/policies/{id}, PUT /api/v1/sla/policies/order.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { busy, editableList, moveRow, orderControls, showFieldProblems } from '../ui.js';
import { typeOptions, sameId } from '../tickets/shared.js';
import { tierLabel } from '../orders/shared.js';
import {
  METRICS, PRIORITIES, metricLabel, metricHint, priorityLabel, targetTypeLabel, minutesText, slaErrorText,
} from './shared.js';

const MAX_NAME = 80;
const TAG_SEPARATORS = /[,\s\uff0c\u3001]+/;
const WARNING_MODES = ['none', 'minutesBefore', 'percent'];
/** The customer levels the shop platform gives (a policy may keep others it was given by the API). */
const TIERS = ['regular', 'member', 'vip'];

function tierText(tier) {
  return TIERS.includes(tier) ? tierLabel(tier) : String(tier);
}

function normalize(policy) {
  return { ...policy, active: policy.enabled !== false };
}

let seq = 0;
function nextId(prefix) {
  seq += 1;
  return `${prefix}-${seq}`;
}

/** An error slot under a control or a group, named by the API field it is about. */
function errorSlot(name) {
  return h('div', { class: 'field-error', 'data-error-for': name });
}

/** Tick boxes named `name` (an empty choice means any). Returns {el, values(), inputs()}. */
function checkGroup({ name, legend, hint, options, selected, testid, disabled = false }) {
  const chosen = (selected || []).map((v) => String(v).toLowerCase());
  const boxes = options.map((o) => h('input', {
    type: 'checkbox', name, value: o.value, 'data-testid': testid, 'data-value': o.value,
    checked: chosen.includes(String(o.value).toLowerCase()), disabled,
  }));
  const el = h('fieldset', { class: 'field sla-checks', 'data-group': name },
    h('legend', null, legend),
    options.length
      ? h('div', { class: 'checks' }, options.map((o, i) => h('label', { class: 'check' }, boxes[i], h('span', null, o.label))))
      : h('p', { class: 'muted sla-none' }, t('sla.policy.noChoices')),
    hint ? h('div', { class: 'field-hint' }, hint) : null,
    errorSlot(name));
  return {
    el,
    values: () => boxes.filter((b) => b.checked && !b.disabled).map((b) => b.value),
    inputs: () => boxes,
    setDisabled(off) {
      el.classList.toggle('is-disabled', off);
      for (const b of boxes) b.disabled = off;
    },
  };
}

/**
 * context(): {calendars, settings, directory} as loaded by the page; notify(text, kind);
 * onChanged(): a policy was saved, deleted or moved (calendars show which policies use them).
 * Returns {el, count, newButton, setPolicies(items), policies(), draw(), isDirty(), destroy()}.
 */
export function createPolicySection({ context, notify, onChanged }) {
  const state = { moving: false, destroyed: false };
  const host = h('div', { class: 'sla-list-host' });
  const count = h('span', { class: 'pill sla-count-pill', 'data-testid': 'sla-policies-count' });
  const newButton = h('button', {
    type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'sla-policy-new', onclick: () => list.startEdit('new'),
  }, t('sla.policy.new'));
  let open = null; // the open form survives redraws (moves, a calendar renamed)

  // ---- words ----
  function calendarName(id) {
    if (!id) return t('sla.policy.calendarAlways');
    const found = (context().calendars || []).find((c) => sameId(c.id, id));
    return found ? found.name : t('sla.policy.calendarMissing');
  }

  function inboxNames(ids) {
    const inboxes = (context().directory && context().directory.inboxes) || [];
    return ids.map((id) => (inboxes.find((i) => sameId(i.id, id)) || {}).name || t('sla.policy.someInbox'));
  }

  function typeNames(keys) {
    const options = typeOptions(context().settings, null);
    return keys.map((key) => (options.find((o) => o.value === key) || { label: key }).label);
  }

  function conditionsText(c) {
    const sep = t('sla.listSeparator');
    const parts = [];
    const types = c.targetTypes || [];
    parts.push(types.length === 1 ? targetTypeLabel(types[0]) : t('sla.policy.appliesAny'));
    if ((c.inboxIds || []).length) parts.push(t('sla.policy.summaryInboxes', { list: inboxNames(c.inboxIds).join(sep) }));
    if ((c.ticketTypes || []).length) parts.push(t('sla.policy.summaryTypes', { list: typeNames(c.ticketTypes).join(sep) }));
    if ((c.priorities || []).length) parts.push(t('sla.policy.summaryPriorities', { list: c.priorities.map(priorityLabel).join(sep) }));
    if ((c.customerTiers || []).length) parts.push(t('sla.policy.summaryTiers', { list: c.customerTiers.map(tierText).join(sep) }));
    if ((c.channels || []).length) parts.push(t('sla.policy.summaryChannels', { list: c.channels.join(sep) }));
    if ((c.tags || []).length) parts.push(t('sla.policy.summaryTags', { list: c.tags.join(sep) }));
    return parts.join(' \u00b7 ');
  }

  function warningText(w) {
    if (w && Number.isInteger(w.minutesBefore)) return t('sla.policy.warningBeforeValue', { time: minutesText(w.minutesBefore) });
    if (w && Number.isInteger(w.percent)) return t('sla.policy.warningPercentValue', { percent: w.percent });
    return t('sla.policy.warningNoneValue');
  }

  function sortedTargets(targets) {
    return (targets || []).slice().sort((a, b) => METRICS.indexOf(a.metric) - METRICS.indexOf(b.metric)
      || PRIORITIES.indexOf(b.priority) - PRIORITIES.indexOf(a.priority));
  }

  // ---- the form ----
  function policyForm(policy, handlers) {
    const key = policy ? policy.id : 'new';
    if (open && open.key === key) return open.form;
    const ctx = context();
    const start = policy || { name: '', conditions: {}, calendarId: null, targets: [], warning: {} };
    const c = start.conditions || {};
    const close = () => { open = null; };

    const name = h('input', {
      type: 'text', name: 'name', id: nextId('sla-policy-name'), maxlength: String(MAX_NAME), value: start.name || '', autocomplete: 'off',
      'data-testid': 'sla-policy-name', placeholder: t('sla.policy.namePlaceholder'),
    });

    // -- what it applies to
    const single = (c.targetTypes || []).length === 1 ? c.targetTypes[0] : '';
    const applies = h('select', { name: 'conditions.targetTypes', id: nextId('sla-policy-applies'), 'data-testid': 'sla-policy-applies' },
      h('option', { value: '', selected: !single }, t('sla.policy.appliesAny')),
      h('option', { value: 'ticket', selected: single === 'ticket' }, t('sla.policy.appliesTickets')),
      h('option', { value: 'conversation', selected: single === 'conversation' }, t('sla.policy.appliesConversations')));
    const inboxes = checkGroup({
      name: 'conditions.inboxIds', legend: t('sla.policy.inboxes'), testid: 'sla-policy-inbox', selected: c.inboxIds,
      options: ((ctx.directory && ctx.directory.inboxes) || [])
        .filter((i) => i.active !== false || (c.inboxIds || []).some((id) => sameId(id, i.id)))
        .map((i) => ({ value: i.id, label: i.name })),
    });
    const typeChoices = typeOptions(ctx.settings, null);
    for (const key of c.ticketTypes || []) if (!typeChoices.some((o) => o.value === key)) typeChoices.push({ value: key, label: key });
    const types = checkGroup({
      name: 'conditions.ticketTypes', legend: t('sla.policy.ticketTypes'), testid: 'sla-policy-type', selected: c.ticketTypes,
      options: typeChoices, hint: t('sla.policy.ticketTypesHint'),
    });
    const priorities = checkGroup({
      name: 'conditions.priorities', legend: t('sla.policy.priorities'), testid: 'sla-policy-priority', selected: c.priorities,
      options: PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) })),
    });
    const tierChoices = TIERS.concat((c.customerTiers || []).filter((x) => !TIERS.includes(x)));
    const tiers = checkGroup({
      name: 'conditions.customerTiers', legend: t('sla.policy.customerTiers'), testid: 'sla-policy-tier', selected: c.customerTiers,
      options: tierChoices.map((x) => ({ value: x, label: tierText(x) })),
    });
    const tags = h('input', {
      type: 'text', name: 'conditions.tags', id: nextId('sla-policy-tags'), value: (c.tags || []).join(', '), autocomplete: 'off',
      'data-testid': 'sla-policy-tags', placeholder: t('sla.policy.tagsPlaceholder'),
    });
    const syncApplies = () => types.setDisabled(applies.value === 'conversation');
    applies.addEventListener('change', syncApplies);

    // -- calendar
    const calendars = ctx.calendars || [];
    const calendar = h('select', { name: 'calendarId', id: nextId('sla-policy-calendar'), 'data-testid': 'sla-policy-calendar' },
      h('option', { value: '', selected: !start.calendarId }, t('sla.policy.calendarAlways')),
      calendars.map((cal) => h('option', { value: cal.id, selected: sameId(cal.id, start.calendarId) }, cal.name)),
      start.calendarId && !calendars.some((cal) => sameId(cal.id, start.calendarId))
        ? h('option', { value: start.calendarId, selected: true }, t('sla.policy.calendarMissing')) : null);

    // -- targets: metrics by priorities, minutes
    const cells = new Map(); // "metric/priority" → input
    for (const metric of METRICS) {
      for (const priority of PRIORITIES) {
        const target = (start.targets || []).find((x) => x.metric === metric && x.priority === priority);
        cells.set(`${metric}/${priority}`, h('input', {
          type: 'number', min: '1', step: '1', inputmode: 'numeric', class: 'sla-target-input',
          'data-testid': 'sla-target', 'data-metric': metric, 'data-priority': priority,
          value: target ? String(target.minutes) : '',
          'aria-label': t('sla.policy.targetCell', { metric: metricLabel(metric), priority: priorityLabel(priority) }),
        }));
      }
    }
    const grid = h('table', { class: 'sla-targets', 'data-testid': 'sla-targets' },
      h('thead', null, h('tr', null,
        h('th', { class: 'sla-targets-corner' }, t('sla.policy.metric')),
        PRIORITIES.map((p) => h('th', { class: `sla-targets-prio sla-prio-${p}` }, priorityLabel(p))))),
      h('tbody', null, METRICS.map((metric) => h('tr', { 'data-metric': metric },
        h('th', { scope: 'row', class: 'sla-targets-metric' },
          h('span', { class: 'sla-targets-metric-name' }, metricLabel(metric)),
          h('span', { class: 'sla-targets-metric-hint' }, metricHint(metric))),
        PRIORITIES.map((p) => h('td', null, cells.get(`${metric}/${p}`)))))));

    // -- warning
    const w = start.warning || {};
    const mode0 = Number.isInteger(w.minutesBefore) ? 'minutesBefore' : Number.isInteger(w.percent) ? 'percent' : 'none';
    const warnMode = h('select', { name: 'warning', id: nextId('sla-policy-warning'), 'data-testid': 'sla-policy-warning-mode' },
      WARNING_MODES.map((m) => h('option', { value: m, selected: m === mode0 }, t(`sla.policy.warningMode.${m}`))));
    const warnValue = h('input', {
      type: 'number', min: '1', step: '1', inputmode: 'numeric', name: 'warning.value', class: 'sla-warning-value',
      'data-testid': 'sla-policy-warning-value', 'aria-label': t('sla.policy.warning'),
      value: mode0 === 'minutesBefore' ? String(w.minutesBefore) : mode0 === 'percent' ? String(w.percent) : '',
    });
    const warnUnit = h('span', { class: 'sla-warning-unit' });
    const syncWarning = () => {
      const mode = warnMode.value;
      warnValue.hidden = mode === 'none';
      warnUnit.hidden = mode === 'none';
      warnUnit.textContent = mode === 'percent' ? t('sla.policy.warningPercentUnit') : t('sla.policy.warningMinutesUnit');
      warnValue.max = mode === 'percent' ? '99' : '';
    };
    warnMode.addEventListener('change', () => {
      syncWarning();
      if (warnMode.value !== 'none') warnValue.focus();
    });

    const errorBox = h('div', { class: 'form-error sla-form-error', role: 'alert', 'data-testid': 'sla-policy-error', hidden: true });
    const labelled = (control, text, extra = null) => h('div', { class: 'field' },
      h('label', { for: control.id }, text), control, extra, errorSlot(control.name));

    const form = h('form', { class: 'form sla-policy-form', 'data-testid': 'sla-policy-form', novalidate: true },
      h('div', { class: 'sla-form-grid' },
        labelled(name, t('sla.policy.name')),
        labelled(calendar, t('sla.policy.calendar'), h('div', { class: 'field-hint' }, t('sla.policy.calendarHint')))),
      h('fieldset', { class: 'sla-section' },
        h('legend', null, t('sla.policy.appliesTo')),
        h('p', { class: 'field-hint' }, t('sla.policy.appliesHint')),
        h('div', { class: 'sla-form-grid' },
          labelled(applies, t('sla.policy.targetTypes')),
          labelled(tags, t('sla.policy.tags'), h('div', { class: 'field-hint' }, t('sla.policy.tagsHint')))),
        inboxes.el, types.el, priorities.el, tiers.el),
      h('fieldset', { class: 'sla-section' },
        h('legend', null, t('sla.policy.targets')),
        h('p', { class: 'field-hint' }, t('sla.policy.targetsHint')),
        h('div', { class: 'sla-targets-wrap' }, grid),
        errorSlot('targets')),
      h('fieldset', { class: 'sla-section' },
        h('legend', null, t('sla.policy.warning')),
        h('div', { class: 'sla-warning-row' }, warnMode, warnValue, warnUnit),
        h('p', { class: 'field-hint' }, t('sla.policy.warningHint')),
        errorSlot('warning')),
      errorBox,
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'sla-policy-save' }, policy ? t('app.common.save') : t('sla.policy.create')),
        h('button', { type: 'button', class: 'btn', 'data-testid': 'sla-policy-cancel', onclick: () => { close(); handlers.cancel(); } }, t('app.common.cancel')),
        policy ? h('span', { class: 'sla-foot-spacer' }) : null,
        policy ? h('span', { class: 'muted sla-version-note' }, t('sla.policy.versionNote', { version: policy.version })) : null,
        policy ? h('button', {
          type: 'button', class: 'btn btn-danger-ghost', 'data-testid': 'sla-policy-delete', onclick: () => handlers.remove(),
        }, t('sla.policy.delete')) : null));

    // ---- errors beside their fields ----
    function clearErrors() {
      for (const el of form.querySelectorAll('.is-invalid')) {
        el.classList.remove('is-invalid');
        el.removeAttribute('aria-invalid');
      }
      for (const el of form.querySelectorAll('.field-error')) el.replaceChildren();
      errorBox.replaceChildren();
      errorBox.hidden = true;
    }

    function slot(nameOf) {
      return Array.from(form.querySelectorAll('.field-error')).find((el) => el.getAttribute('data-error-for') === nameOf) || null;
    }

    /** Where a problem about API field `f` is shown: {control, slot, prefix}. */
    function place(f, sent) {
      let m = /^targets\[(\d+)\]/.exec(f);
      if (m) {
        const entry = sent[Number(m[1])];
        return {
          control: entry ? entry.input : null, slot: slot('targets'),
          prefix: entry ? `${metricLabel(entry.metric)} \u00b7 ${priorityLabel(entry.priority)}: ` : '',
        };
      }
      if (f === 'targets') return { control: cells.get(`${METRICS[0]}/${PRIORITIES[PRIORITIES.length - 1]}`), slot: slot('targets') };
      if (/^warning/.test(f)) return { control: warnValue.hidden ? warnMode : warnValue, slot: slot('warning') };
      m = /^conditions\.(targetTypes|inboxIds|channels|ticketTypes|priorities|customerTiers|tags)/.exec(f);
      if (m) {
        const group = { inboxIds: inboxes, ticketTypes: types, priorities, customerTiers: tiers }[m[1]];
        const control = group ? group.inputs()[0] : m[1] === 'tags' ? tags : m[1] === 'targetTypes' ? applies : null;
        return { control, slot: slot(`conditions.${m[1] === 'channels' ? 'targetTypes' : m[1]}`) };
      }
      if (f === 'name') return { control: name, slot: slot('name') };
      if (f === 'calendarId') return { control: calendar, slot: slot('calendarId') };
      return { control: null, slot: null };
    }

    /** The server's problems (or a client check as {message, field}) beside their fields. */
    function showProblems(error, sent = []) {
      clearErrors();
      showFieldProblems({ error, place: (field) => place(field, sent), errorBox, testid: 'sla-field-error' });
    }

    // ---- saving ----
    function wholeNumber(input) {
      const text = String(input.value).trim();
      if (!text) return { empty: true };
      const n = Number(text);
      return Number.isInteger(n) ? { value: n } : { bad: true };
    }

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors();
      const sent = [];
      for (const metric of METRICS) {
        for (const priority of PRIORITIES) {
          const input = cells.get(`${metric}/${priority}`);
          const n = wholeNumber(input);
          // A box the browser cannot read as a number (e.g. "1.5" or "abc") is refused here.
          if (n.bad || (input.validity && input.validity.badInput)) {
            showProblems({ field: `targets[${sent.length}]`, message: t('sla.policy.minutesWhole') }, sent.concat([{ metric, priority, input }]));
            return;
          }
          if (!n.empty) sent.push({ metric, priority, minutes: n.value, input });
        }
      }
      let warning = {};
      if (warnMode.value !== 'none') {
        const n = wholeNumber(warnValue);
        if (n.empty || n.bad) {
          showProblems({ field: 'warning', message: n.empty ? t('sla.policy.warningMissing') : t('sla.policy.minutesWhole') });
          return;
        }
        warning = warnMode.value === 'percent' ? { percent: n.value } : { minutesBefore: n.value };
      }
      const body = {
        name: name.value.trim(),
        conditions: {
          targetTypes: applies.value ? [applies.value] : [],
          inboxIds: inboxes.values(),
          channels: (c.channels || []).slice(),
          ticketTypes: applies.value === 'conversation' ? [] : types.values(),
          priorities: priorities.values(),
          tags: Array.from(new Set(tags.value.split(TAG_SEPARATORS).map((x) => x.trim()).filter(Boolean))),
        },
        calendarId: calendar.value || null,
        targets: sent.map(({ metric, priority, minutes }) => ({ metric, priority, minutes })),
        warning,
      };
      // Customer levels only when chosen or already part of the policy (a server before them knows no such field).
      const chosenTiers = tiers.values();
      if (chosenTiers.length || Object.prototype.hasOwnProperty.call(c, 'customerTiers')) body.conditions.customerTiers = chosenTiers;
      await busy(form, async () => {
        try {
          const answer = policy
            ? await api.put(`/api/v1/sla/policies/${encodeURIComponent(policy.id)}`, body)
            : await api.post('/api/v1/sla/policies', body);
          close();
          handlers.saved(normalize(answer));
          notify(policy ? t('sla.policy.saved', { name: answer.name, version: answer.version }) : t('sla.policy.created', { name: answer.name }));
          onChanged();
        } catch (error) {
          if (form.isConnected) showProblems(error, sent);
        }
      });
    });

    const snapshot = () => JSON.stringify(Array.from(form.elements).map((el) => (el.type === 'checkbox' ? el.checked : el.value)));
    syncApplies();
    syncWarning();
    const initial = snapshot();
    open = { key, form: { el: form, isDirty: () => snapshot() !== initial, focus: () => name.focus() } };
    return open.form;
  }

  // ---- the list ----
  function move(policy, delta) {
    return moveRow({
      item: policy, delta, list, state, host, normalize, notify, prefix: 'sla-policy', errorText: slaErrorText, onChanged,
      save: (ids) => api.put('/api/v1/sla/policies/order', { ids }),
      moved: (position) => t('sla.policy.moved', { name: policy.name, position }),
    });
  }

  function policyRow(policy, { edit, toggle }) {
    const all = list.rules();
    const index = all.findIndex((p) => sameId(p.id, policy.id));
    const targets = sortedTargets(policy.targets);
    return [
      orderControls({
        index, count: all.length, moving: state.moving, prefix: 'sla-policy', cls: 'sla', hint: t('sla.policy.positionHint'),
        upLabel: t('sla.policy.moveUp', { name: policy.name }), downLabel: t('sla.policy.moveDown', { name: policy.name }),
        move: (delta) => move(policy, delta),
      }),
      h('div', { class: 'sla-row-main' },
        h('div', { class: 'sla-row-top' },
          h('strong', { class: 'sla-row-name', 'data-testid': 'sla-policy-row-name' }, policy.name),
          h('span', { class: 'muted sla-row-version', 'data-testid': 'sla-policy-version' }, t('sla.version', { version: policy.version })),
          policy.enabled === false ? h('span', { class: 'pill pill-off' }, t('app.common.inactive')) : null),
        h('div', { class: 'sla-row-meta', 'data-testid': 'sla-policy-conditions' }, conditionsText(policy.conditions || {})),
        h('div', { class: 'sla-row-meta muted' },
          h('span', { 'data-testid': 'sla-policy-calendar-name' }, t('sla.policy.calendarValue', { name: calendarName(policy.calendarId) })),
          ' \u00b7 ',
          h('span', { 'data-testid': 'sla-policy-warning' }, warningText(policy.warning))),
        h('div', { class: 'sla-target-chips', 'data-testid': 'sla-policy-targets' },
          targets.length ? targets.map((x) => h('span', { class: 'sla-target-chip', 'data-metric': x.metric, 'data-priority': x.priority },
            h('span', null, `${metricLabel(x.metric)} \u00b7 ${priorityLabel(x.priority)}`),
            h('strong', null, minutesText(x.minutes))))
            : h('span', { class: 'muted' }, t('sla.policy.noTargets')))),
      h('div', { class: 'sla-row-side' },
        h('input', {
          type: 'checkbox', class: 'rs-switch', checked: policy.enabled !== false, 'data-testid': 'sla-policy-enabled',
          'aria-label': t('sla.policy.enabledFor', { name: policy.name }),
          title: policy.enabled !== false ? t('app.common.active') : t('app.common.inactive'),
          onchange: toggle,
        }),
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'sla-policy-edit', onclick: edit }, t('app.common.edit'))),
    ];
  }

  const list = editableList({
    host, count, newButton,
    listClass: 'sla-list', listTestid: 'sla-policies', rowClass: 'sla-row', rowTestid: 'sla-policy-row', newRowTestid: 'sla-policy-new-row',
    formTitle: { tag: 'h3', className: 'sla-form-title', edit: () => t('sla.policy.editTitle'), create: () => t('sla.policy.newTitle') },
    empty: { className: 'sla-empty-state', testid: 'sla-policies-empty', text: () => t('sla.policy.empty'), hint: () => t('sla.policy.emptyHint') },
    sort: (items) => items.slice().sort((a, b) => (a.position ?? 0) - (b.position ?? 0)),
    renderRow: policyRow,
    renderForm: policyForm,
    discard: { question: () => t('sla.discardConfirm'), confirmLabel: () => t('sla.discard') },
    removal: {
      question: (policy) => t('sla.policy.deleteConfirm', { name: policy.name }),
      confirmLabel: () => t('sla.policy.delete'),
      request: (policy) => { open = null; return api.del(`/api/v1/sla/policies/${encodeURIComponent(policy.id)}`); },
      done: (policy) => { notify(t('sla.policy.deleted', { name: policy.name })); onChanged(); },
    },
    toggle: {
      request: (policy, enabled) => api.put(`/api/v1/sla/policies/${encodeURIComponent(policy.id)}`, { enabled }),
      done: (policy) => notify(policy.enabled ? t('sla.policy.enabled', { name: policy.name }) : t('sla.policy.disabled', { name: policy.name })),
    },
    notify,
  });

  return {
    el: host,
    count,
    newButton,
    setPolicies: (items) => list.setRules((items || []).map(normalize)),
    policies: () => list.rules(),
    draw: () => list.draw(),
    isDirty: () => list.isDirty(),
    destroy() {
      state.destroyed = true;
      list.destroy();
    },
  };
}
