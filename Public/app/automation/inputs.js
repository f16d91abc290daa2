// The small editors of the automation rule form: words or tags as removable chips (Enter or a
// comma adds what was typed), a choice of several values as tick boxes, and the variable chips
// that put {customer_name} … into a reply where the caret is.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { VARIABLES, variableLabel } from './shared.js';

const SEPARATORS = /[,\uff0c\u3001;\uff1b\n]+/;
const MAX_CHIPS = 50;
const MAX_CHIP = 100;

let seq = 0;
/** A fresh element id starting with `prefix`. */
export function nextId(prefix) {
  seq += 1;
  return `${prefix}-${seq}`;
}

/**
 * Chips plus a text box. Options: values (the start), name (the API field, for errors), testid
 * (of the text box), chipTestid (of each chip, its × is chipTestid-remove; automation-chip unless
 * told), placeholder, label (aria), suggestions (offered in a list), onChange(values).
 * Returns {el, input, values(), commit()}.
 */
export function chipInput({
  values = [], name = null, testid, chipTestid = 'automation-chip', placeholder = '', label = '', suggestions = null, onChange = () => {},
}) {
  const items = (values || []).map(String);
  const listId = suggestions && suggestions.length ? nextId('automation-suggest') : null;
  const input = h('input', {
    type: 'text', name, 'data-testid': testid, autocomplete: 'off', maxlength: String(MAX_CHIP),
    'aria-label': label || placeholder, list: listId,
  });
  const chips = h('span', { class: 'auto-chip-list' });
  const box = h('div', {
    class: 'auto-chip-box', onclick: (event) => { if (event.target === box) input.focus(); },
  }, chips, input, listId ? h('datalist', { id: listId }, suggestions.map((s) => h('option', { value: s }))) : null);

  function changed() {
    draw();
    onChange(items.slice());
  }

  function draw() {
    chips.replaceChildren(...items.map((word, index) => h('span', { class: 'auto-chip', 'data-testid': chipTestid, 'data-value': word },
      h('span', { class: 'auto-chip-text' }, word),
      h('button', {
        type: 'button', class: 'auto-chip-remove', 'data-testid': `${chipTestid}-remove`,
        'aria-label': t('automation.chipRemove', { value: word }), title: t('automation.chipRemove', { value: word }),
        onclick: () => { items.splice(index, 1); changed(); input.focus(); },
      }, '\u00d7'))));
    input.placeholder = items.length ? '' : placeholder;
  }

  function add(parts) {
    let added = false;
    for (const part of parts) {
      const word = part.trim().slice(0, MAX_CHIP);
      if (!word || items.length >= MAX_CHIPS || items.some((x) => x.toLowerCase() === word.toLowerCase())) continue;
      items.push(word);
      added = true;
    }
    if (added) changed();
  }

  function commit() {
    if (input.value.trim()) {
      add(input.value.split(SEPARATORS));
      input.value = '';
    }
    return items.slice();
  }

  input.addEventListener('input', () => {
    if (!SEPARATORS.test(input.value)) return;
    const parts = input.value.split(SEPARATORS);
    const rest = parts.pop();
    add(parts);
    input.value = rest;
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      commit();
    } else if (event.key === 'Backspace' && !input.value && items.length) {
      items.pop();
      changed();
    }
  });
  input.addEventListener('blur', () => commit());
  draw();
  return { el: box, input, values: commit, commit };
}

/**
 * Tick boxes for several values: options [{value, label, off}] (an inactive one shown only when
 * chosen), selected (values), testid (of each box, with data-value), onChange(values).
 * Values chosen but no longer offered stay listed (as given). Returns {el, values(), first()}.
 */
export function checkChips({ options, selected = [], testid, name = null, onChange = () => {}, unknown = (v) => String(v) }) {
  const chosen = (selected || []).map(String);
  const same = (a, b) => String(a).toLowerCase() === String(b).toLowerCase();
  const shown = options.filter((o) => !o.off || chosen.some((v) => same(v, o.value)));
  for (const v of chosen) if (!shown.some((o) => same(o.value, v))) shown.push({ value: v, label: unknown(v) });
  const boxes = shown.map((o) => h('input', {
    type: 'checkbox', name, value: o.value, 'data-testid': testid, 'data-value': o.value,
    checked: chosen.some((v) => same(v, o.value)),
  }));
  const values = () => boxes.filter((b) => b.checked).map((b) => b.value);
  for (const b of boxes) b.addEventListener('change', () => onChange(values()));
  const el = h('div', { class: 'auto-checks', role: 'group' },
    shown.length
      ? shown.map((o, i) => h('label', { class: 'auto-check' }, boxes[i], h('span', null, o.label)))
      : h('span', { class: 'muted' }, t('automation.noChoices')));
  return { el, values, first: () => boxes[0] || null };
}

/**
 * The variable chips of a text: a click puts {name} into `area` where its caret is. Options:
 * testid (of each chip), variables (the names offered) and label(name) (a chip's words).
 */
export function variableChips(area, { testid = 'automation-action-var', variables = VARIABLES, label = variableLabel } = {}) {
  const insert = (name) => {
    const token = `{${name}}`;
    const start = typeof area.selectionStart === 'number' ? area.selectionStart : area.value.length;
    const end = typeof area.selectionEnd === 'number' ? area.selectionEnd : start;
    area.focus();
    area.setRangeText(token, start, end, 'end');
    area.dispatchEvent(new Event('input', { bubbles: true }));
  };
  return h('div', { class: 'auto-vars', role: 'group', 'aria-label': t('automation.variables') },
    h('span', { class: 'auto-vars-label' }, t('automation.variables')),
    variables.map((name) => h('button', {
      type: 'button', class: 'auto-var', 'data-testid': testid, 'data-var': name,
      title: t('automation.insertVariable', { token: `{${name}}` }),
      // Keep the caret where it is: the chip must not take the focus from the text.
      onmousedown: (event) => event.preventDefault(),
      onclick: () => insert(name),
    }, label(name))));
}
