// The conditions of an automation rule's form: two groups, "all of these" (ALL) and "any of these"
// (ANY), each a list of rows field → operator → value. The value's editor suits the field: tick
// boxes of inboxes, members, ticket types, statuses …, a select for a single value (is, changed to),
// chips for tags and words, nothing for "is set" / "is empty". Rows are drawn again when their
// field or operator changes or when the rule's scope does (a trigger for tickets offers the
// tickets' statuses); what was chosen stays in the model.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import {
  FIELD_KEYS, FIELDS, CHANNELS, fieldLabel, opLabel, valueKind, defaultValue, fieldOptions, fieldFits, valueLabel,
} from './shared.js';
import { chipInput, checkChips, nextId } from './inputs.js';

const GROUPS = ['all', 'any'];
const MAX_CONDITIONS = 20;

let keys = 0;
function withKey(condition) {
  keys += 1;
  const field = FIELDS[condition.field] ? condition.field : FIELD_KEYS[0];
  const op = FIELDS[field].includes(condition.op) ? condition.op : FIELDS[field][0];
  return { key: keys, field: condition.field || field, op: condition.op || op, value: condition.value === undefined ? defaultValue(field, op) : condition.value };
}

/**
 * start: {all, any} of the rule; context(): {directory, settings}; scope(): the rule's scope;
 * onChange(): anything changed (the scope may follow a "target is" condition).
 * Returns {el, body(), place(path), redraw()}.
 */
export function createConditions({ start, context, scope, onChange }) {
  const model = {
    all: ((start && start.all) || []).map(withKey),
    any: ((start && start.any) || []).map(withKey),
  };
  const rows = { all: [], any: [] }; // per group, per index: {controls: {field, op, value}, slot, read()}
  const lists = {};
  const slots = {};
  const addButtons = {};

  const groups = GROUPS.map((group) => {
    lists[group] = h('ul', { class: 'auto-cond-list', 'data-testid': 'automation-conditions', 'data-group': group });
    slots[group] = h('div', { class: 'field-error', 'data-error-for': `conditions.${group}` });
    addButtons[group] = h('button', {
      type: 'button', class: 'btn btn-small auto-add', 'data-testid': 'automation-condition-add', 'data-group': group,
      onclick: () => add(group),
    }, t('automation.condition.add'));
    return h('section', { class: ['auto-group', `auto-group-${group}`], 'data-testid': 'automation-condition-group', 'data-group': group },
      h('div', { class: 'auto-group-head' },
        h('h4', { class: 'auto-group-title' }, t(`automation.condition.${group}`)),
        h('span', { class: 'auto-group-hint' }, t(`automation.condition.${group}Hint`))),
      lists[group],
      h('div', { class: 'auto-group-foot' }, addButtons[group]),
      slots[group]);
  });
  const el = h('div', { class: 'auto-groups' }, groups);

  function add(group) {
    if (model[group].length >= MAX_CONDITIONS) return;
    const s = scope();
    const field = s === 'both' ? 'target' : 'status';
    model[group].push(withKey({ field, op: FIELDS[field][0], value: defaultValue(field, FIELDS[field][0]) }));
    draw();
    changed();
    const last = rows[group][rows[group].length - 1];
    if (last) last.controls.field.focus();
  }

  function remove(group, index) {
    model[group].splice(index, 1);
    draw();
    changed();
  }

  function changed() {
    onChange();
  }

  // ---- one row ----
  function valueEditor(group, index, condition, s) {
    const name = `conditions.${group}[${index}].value`;
    const kind = valueKind(condition.op);
    const set = (value) => { condition.value = value; changed(); };
    if (kind === 'none') {
      return { el: h('span', { class: 'auto-cond-none muted', 'data-testid': 'automation-condition-novalue' }, t('automation.condition.noValue')), control: null, read: () => null };
    }
    const options = fieldOptions(condition.field, s, context());
    if (options && kind === 'single') {
      const current = condition.value === null || condition.value === undefined ? '' : String(condition.value);
      const known = options.some((o) => o.value === current);
      const select = h('select', { name, 'data-testid': 'automation-condition-value', 'aria-label': t('automation.condition.value') },
        known ? null : h('option', { value: current, selected: true }, current ? valueLabel(condition.field, current, s, context()) : t('automation.choose')),
        options.filter((o) => !o.off || o.value === current).map((o) => h('option', { value: o.value, selected: o.value === current }, o.label)));
      select.addEventListener('change', () => set(select.value));
      return { el: select, control: select, read: () => select.value };
    }
    if (options) {
      const picks = checkChips({
        options, selected: Array.isArray(condition.value) ? condition.value : [], testid: 'automation-condition-option', name,
        onChange: (values) => set(values),
        unknown: (v) => valueLabel(condition.field, v, s, context()),
      });
      return { el: picks.el, control: picks.first(), read: () => picks.values() };
    }
    const words = chipInput({
      values: Array.isArray(condition.value) ? condition.value : [], name, testid: 'automation-condition-value',
      placeholder: t(`automation.condition.placeholder.${condition.field === 'text' ? 'text' : condition.field === 'channel' ? 'channel' : 'tags'}`),
      label: t('automation.condition.value'),
      suggestions: condition.field === 'channel' ? CHANNELS : null,
      onChange: (values) => set(values),
    });
    return { el: words.el, control: words.input, read: () => words.values() };
  }

  function row(group, index, s) {
    const condition = model[group][index];
    const prefix = `conditions.${group}[${index}]`;
    const fieldSelect = h('select', {
      name: `${prefix}.field`, id: nextId('automation-cond-field'), 'data-testid': 'automation-condition-field', 'aria-label': t('automation.condition.field'),
    }, FIELD_KEYS.map((f) => h('option', { value: f, selected: f === condition.field, disabled: !fieldFits(f, s) && f !== condition.field }, fieldLabel(f))),
    FIELDS[condition.field] ? null : h('option', { value: condition.field, selected: true }, condition.field));
    const ops = FIELDS[condition.field] || [condition.op];
    const opSelect = h('select', { name: `${prefix}.op`, 'data-testid': 'automation-condition-op', 'aria-label': t('automation.condition.op') },
      ops.map((o) => h('option', { value: o, selected: o === condition.op }, opLabel(o))),
      ops.includes(condition.op) ? null : h('option', { value: condition.op, selected: true }, condition.op));
    const value = valueEditor(group, index, condition, s);

    fieldSelect.addEventListener('change', () => {
      const field = fieldSelect.value;
      condition.field = field;
      condition.op = FIELDS[field][0];
      condition.value = defaultValue(field, condition.op);
      draw();
      changed();
      const again = rows[group][index];
      if (again) again.controls.field.focus();
    });
    opSelect.addEventListener('change', () => {
      const before = valueKind(condition.op);
      condition.op = opSelect.value;
      condition.value = defaultValue(condition.field, condition.op, condition.value);
      if (valueKind(condition.op) !== before) {
        draw();
        const again = rows[group][index];
        if (again) again.controls.op.focus();
      }
      changed();
    });

    const slot = h('div', { class: 'field-error', 'data-error-for': prefix });
    rows[group][index] = { controls: { field: fieldSelect, op: opSelect, value: value.control }, slot, read: value.read };
    return h('li', {
      class: 'auto-cond', 'data-testid': 'automation-condition', 'data-group': group, 'data-index': String(index),
      'data-field': condition.field, 'data-op': condition.op,
    },
    h('div', { class: 'auto-cond-line' },
      h('div', { class: 'auto-cond-pick' }, fieldSelect, opSelect),
      h('div', { class: 'auto-cond-value' }, value.el),
      h('button', {
        type: 'button', class: 'btn btn-small btn-ghost auto-remove', 'data-testid': 'automation-condition-remove',
        'aria-label': t('automation.condition.remove'), title: t('automation.condition.remove'), onclick: () => remove(group, index),
      }, '\u00d7')),
    slot);
  }

  function draw() {
    const s = scope();
    for (const group of GROUPS) {
      rows[group] = [];
      const items = model[group].map((_, i) => row(group, i, s));
      lists[group].replaceChildren(...(items.length ? items
        : [h('li', { class: 'auto-cond-empty muted', 'data-testid': 'automation-conditions-empty' }, t(`automation.condition.${group}Empty`))]));
      addButtons[group].disabled = model[group].length >= MAX_CONDITIONS;
    }
  }

  /** Where an error about `path` (conditions.all[0].value, conditions.any …) goes. */
  function place(path) {
    const m = /^conditions\.(all|any)(?:\[(\d+)\](?:\.(field|op|value))?)?/.exec(path);
    if (!m) return null;
    const group = m[1];
    if (m[2] === undefined) return { control: null, slot: slots[group] };
    const r = rows[group][Number(m[2])];
    if (!r) return { control: null, slot: slots[group] };
    return { control: r.controls[m[3] || 'value'] || r.controls.field, slot: r.slot };
  }

  draw();
  return {
    el,
    /** {all, any} as the API takes them (typed words committed). */
    body() {
      const out = {};
      for (const group of GROUPS) {
        out[group] = model[group].map((c, i) => {
          const r = rows[group][i];
          const value = r ? r.read() : c.value;
          if (r) c.value = value;
          return { field: c.field, op: c.op, value: valueKind(c.op) === 'none' ? null : value };
        });
      }
      return out;
    },
    /** The model as it stands (for the rule's scope), without committing typed words. */
    peek: () => ({ all: model.all.map((c) => ({ ...c })), any: model.any.map((c) => ({ ...c })) }),
    place,
    redraw: draw,
  };
}
