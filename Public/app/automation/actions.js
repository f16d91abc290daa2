// The actions of an automation rule's form, in the order they run (1 to 10): each row a type and
// the parameters it takes — a member or an inbox to assign to, a priority or a status, tags, the
// text of a reply, a private note or a notice (with the variable chips), whom to notify — and ↑ ↓ ×
// to move or remove it. Changing the type keeps what still fits (the text of a reply becomes the
// note's). Macros (macros/editor.js) use the same list with their own step types, values,
// variables, hints and testids (the options of createActions).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { agentLabel } from '../chat/format.js';
import {
  ACTIONS, ACTION_PARAMS, MAX_ACTIONS, MAX_TEXT, RECIPIENTS, actionLabel, actionHint, recipientLabel, statusOptions, priorityOptions, sameId,
} from './shared.js';
import { chipInput, variableChips, nextId } from './inputs.js';

let keys = 0;
function withKey(action) {
  keys += 1;
  const defaults = ACTION_PARAMS[action.type] || {};
  const out = { key: keys, type: action.type };
  for (const [param, empty] of Object.entries(defaults)) {
    out[param] = action[param] === undefined || action[param] === null ? (Array.isArray(empty) ? [] : empty) : action[param];
  }
  // Parameters this form does not know are kept as they came.
  for (const [param, value] of Object.entries(action)) if (!(param in out)) out[param] = value;
  return out;
}

/** The action after its type changed: the new type's parameters, keeping what fits. */
function retype(action, type) {
  const next = { key: action.key, type };
  for (const [param, empty] of Object.entries(ACTION_PARAMS[type] || {})) {
    const kept = action[param];
    const fits = kept !== undefined && kept !== null && Array.isArray(kept) === Array.isArray(empty)
      && !(param === 'value' && action.type !== type);
    next[param] = fits ? (Array.isArray(kept) ? kept.slice() : kept) : (Array.isArray(empty) ? [] : empty);
  }
  return next;
}

/**
 * start: the rule's actions; context(): {directory}; scope(): the rule's scope; onChange().
 * Options for another owner of the list (macros): types (the action types offered, in order),
 * testid (the prefix of every data-testid: automation-action-type …), statuses(scope) and
 * priorities(scope) ([{value, label}] offered), variables {names, label(name)} (the chips of a
 * text), hint(type) (the line under an action), limit (how many), labels {add, empty} (the add
 * button's words and the empty list's).
 * Returns {el, body(), place(path), redraw()}.
 */
export function createActions({
  start, context, scope, onChange, types = ACTIONS, testid = 'automation', statuses = statusOptions, priorities = priorityOptions,
  variables = null, hint = actionHint, limit = MAX_ACTIONS, labels = {},
}) {
  const tid = (name) => `${testid}-${name}`;
  const fresh = types.includes('add_tags') ? 'add_tags' : types[0];
  const model = (start || []).map(withKey);
  let rows = []; // per index: {controls: {type, agentId, …}, slot, read()}
  const list = h('ol', { class: 'auto-action-list', 'data-testid': tid('actions') });
  const slot = h('div', { class: 'field-error', 'data-error-for': 'actions' });
  const addButton = h('button', {
    type: 'button', class: 'btn btn-small auto-add', 'data-testid': tid('action-add'), onclick: () => add(),
  }, labels.add || t('automation.actionList.add'));
  const el = h('div', { class: 'auto-actions' }, list, h('div', { class: 'auto-group-foot' }, addButton,
    h('span', { class: 'muted auto-limit' }, t('automation.actionList.limit', { max: limit }))), slot);

  function add() {
    if (model.length >= limit) return;
    model.push(withKey({ type: fresh }));
    draw();
    onChange();
    const last = rows[rows.length - 1];
    if (last) last.controls.type.focus();
  }

  function move(index, delta) {
    const to = index + delta;
    if (to < 0 || to >= model.length) return;
    [model[index], model[to]] = [model[to], model[index]];
    draw();
    onChange();
    const again = rows[to];
    const button = again && (again.buttons[delta < 0 ? 'up' : 'down'].disabled ? again.buttons[delta < 0 ? 'down' : 'up'] : again.buttons[delta < 0 ? 'up' : 'down']);
    if (button) button.focus();
  }

  function remove(index) {
    model.splice(index, 1);
    draw();
    onChange();
  }

  function select(name, selectTestid, options, current, placeholder, set) {
    const known = options.some((o) => sameId(o.value, current));
    const el = h('select', { name, 'data-testid': selectTestid, id: nextId('automation-action') },
      !known ? h('option', { value: current || '', selected: true }, current ? t('automation.unknownRef') : placeholder) : null,
      options.filter((o) => !o.off || sameId(o.value, current)).map((o) => h('option', { value: o.value, selected: sameId(o.value, current) }, o.label)));
    el.addEventListener('change', () => set(el.value));
    return el;
  }

  function labelled(text, control) {
    if (!control.id) control.id = nextId('automation-action');
    return h('div', { class: 'auto-param' }, h('label', { for: control.id }, text), control);
  }

  function params(index, action, s) {
    const prefix = `actions[${index}]`;
    const ctx = context();
    const directory = (ctx && ctx.directory) || {};
    const set = (param) => (value) => { action[param] = value; onChange(); };
    const controls = {};
    const parts = [];
    let read = () => ({});
    switch (action.type) {
      case 'assign_agent': {
        const options = (directory.agents || []).map((a) => ({ value: a.id, label: agentLabel(a), off: a.active === false }));
        controls.agentId = select(`${prefix}.agentId`, tid('action-agent'), options, action.agentId, t('automation.chooseAgent'), set('agentId'));
        parts.push(labelled(t('automation.param.agent'), controls.agentId));
        read = () => ({ agentId: controls.agentId.value || null });
        break;
      }
      case 'assign_inbox': {
        const options = (directory.inboxes || []).map((i) => ({ value: i.id, label: i.name, off: i.active === false }));
        controls.inboxId = select(`${prefix}.inboxId`, tid('action-inbox'), options, action.inboxId, t('automation.chooseInbox'), set('inboxId'));
        parts.push(labelled(t('automation.param.inbox'), controls.inboxId));
        read = () => ({ inboxId: controls.inboxId.value || null });
        break;
      }
      case 'set_priority':
      case 'set_status': {
        const options = action.type === 'set_priority' ? priorities(s) : statuses(s);
        controls.value = select(`${prefix}.value`, tid('action-value'), options, action.value, t('automation.choose'), set('value'));
        parts.push(labelled(t(action.type === 'set_priority' ? 'automation.param.priority' : 'automation.param.status'), controls.value));
        read = () => ({ value: controls.value.value });
        break;
      }
      case 'add_tags':
      case 'remove_tags': {
        const tags = chipInput({
          values: action.tags, name: `${prefix}.tags`, testid: tid('action-tags'), chipTestid: tid('chip'),
          placeholder: t('automation.param.tagsPlaceholder'), label: t('automation.param.tags'), onChange: set('tags'),
        });
        controls.tags = tags.input;
        parts.push(h('div', { class: 'auto-param auto-param-wide' }, h('span', { class: 'auto-param-label' }, t('automation.param.tags')), tags.el));
        read = () => ({ tags: tags.values() });
        break;
      }
      case 'reply':
      case 'note':
      case 'notify': {
        if (action.type === 'notify') {
          controls.recipients = h('select', { name: `${prefix}.recipients`, 'data-testid': tid('action-recipients') },
            RECIPIENTS.map((r) => h('option', { value: r, selected: r === action.recipients }, recipientLabel(r))));
          controls.recipients.addEventListener('change', () => set('recipients')(controls.recipients.value));
          parts.push(labelled(t('automation.param.recipients'), controls.recipients));
        }
        const area = h('textarea', {
          name: `${prefix}.text`, id: nextId('automation-action-text'), rows: '3', maxlength: String(MAX_TEXT), class: 'auto-text',
          'data-testid': tid('action-text'), placeholder: t(`automation.param.textPlaceholder.${action.type}`),
        });
        area.value = action.text || '';
        area.addEventListener('input', () => set('text')(area.value));
        controls.text = area;
        parts.push(h('div', { class: 'auto-param auto-param-wide' },
          h('label', { for: area.id }, t(`automation.param.text.${action.type}`)), area,
          variableChips(area, variables ? { testid: tid('action-var'), variables: variables.names, label: variables.label } : { testid: tid('action-var') })));
        read = () => (action.type === 'notify' ? { recipients: controls.recipients.value, text: area.value } : { text: area.value });
        break;
      }
      default:
        break;
    }
    const line = hint(action.type);
    return { controls, read, el: h('div', { class: 'auto-action-params' }, parts, line ? h('p', { class: 'auto-action-hint' }, line) : null) };
  }

  function row(index, s) {
    const action = model[index];
    const prefix = `actions[${index}]`;
    const typeSelect = h('select', {
      name: `${prefix}.type`, id: nextId('automation-action-type'), 'data-testid': tid('action-type'), 'aria-label': t('automation.actionList.type'),
    }, types.map((a) => h('option', { value: a, selected: a === action.type }, actionLabel(a))),
    types.includes(action.type) ? null : h('option', { value: action.type, selected: true }, action.type));
    typeSelect.addEventListener('change', () => {
      model[index] = retype(action, typeSelect.value);
      draw();
      onChange();
      const again = rows[index];
      if (again) again.controls.type.focus();
    });
    const p = params(index, action, s);
    const up = h('button', {
      type: 'button', class: 'btn btn-small btn-ghost auto-move', 'data-testid': tid('action-up'), disabled: index === 0,
      'aria-label': t('automation.actionList.up'), title: t('automation.actionList.up'), onclick: () => move(index, -1),
    }, '\u2191');
    const down = h('button', {
      type: 'button', class: 'btn btn-small btn-ghost auto-move', 'data-testid': tid('action-down'), disabled: index === model.length - 1,
      'aria-label': t('automation.actionList.down'), title: t('automation.actionList.down'), onclick: () => move(index, 1),
    }, '\u2193');
    const slotOf = h('div', { class: 'field-error', 'data-error-for': prefix });
    rows[index] = { controls: { type: typeSelect, ...p.controls }, slot: slotOf, read: () => ({ type: action.type, ...extra(action), ...p.read() }), buttons: { up, down } };
    return h('li', { class: 'auto-action', 'data-testid': tid('action'), 'data-index': String(index), 'data-type': action.type },
      h('div', { class: 'auto-action-head' },
        h('span', { class: 'auto-action-pos', 'aria-hidden': 'true' }, String(index + 1)),
        typeSelect,
        h('span', { class: 'auto-spacer' }),
        up, down,
        h('button', {
          type: 'button', class: 'btn btn-small btn-ghost auto-remove', 'data-testid': tid('action-remove'),
          'aria-label': t('automation.actionList.remove'), title: t('automation.actionList.remove'), onclick: () => remove(index),
        }, '\u00d7')),
      p.el,
      slotOf);
  }

  /** Parameters the form does not edit, sent back as they came. */
  function extra(action) {
    const out = {};
    const known = ACTION_PARAMS[action.type] || {};
    for (const [param, value] of Object.entries(action)) {
      if (param !== 'key' && param !== 'type' && !(param in known)) out[param] = value;
    }
    return out;
  }

  function draw() {
    const s = scope();
    rows = [];
    const items = model.map((_, i) => row(i, s));
    list.replaceChildren(...(items.length ? items : [h('li', { class: 'auto-cond-empty muted', 'data-testid': tid('actions-empty') }, labels.empty || t('automation.actionList.empty'))]));
    addButton.disabled = model.length >= limit;
  }

  function place(path) {
    const m = /^actions(?:\[(\d+)\](?:\.(\w+))?)?/.exec(path);
    if (!m) return null;
    if (m[1] === undefined) return { control: null, slot };
    const r = rows[Number(m[1])];
    if (!r) return { control: null, slot };
    return { control: r.controls[m[2] || 'type'] || r.controls.type, slot: r.slot };
  }

  draw();
  return {
    el,
    body: () => rows.map((r) => r.read()),
    place,
    redraw: draw,
  };
}
