// Lists of rules edited in place (re-exported by ui.js): keyword auto-replies, payment-reminder
// rules, … Each row has an on/off switch and an Edit button opening the row's form where it
// stands; a new rule's form opens at the top; leaving a form with unsaved changes asks first;
// deleting asks first. Also the two actions alone, for lists drawn another way (webhooks).
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { confirmDialog } from './dialogs.js';

/**
 * Asks `question`; once confirmed runs request(). Resolves true when it succeeded; a failure
 * is told through notify(text, 'error') and resolves false, as does saying no.
 */
export async function confirmRemove({ question, confirmLabel, request, notify }) {
  const ok = await confirmDialog(question, { confirmLabel, danger: true });
  if (!ok) return false;
  try {
    await request();
    return true;
  } catch (error) {
    notify(errorText(error), 'error');
    return false;
  }
}

/**
 * Saves an on/off switch the user just flipped: request(checked) with the switch disabled
 * meanwhile. Resolves {saved} (the server's answer) on success; on failure the switch flips
 * back, notify(text, 'error') tells why and it resolves null.
 */
export async function saveSwitch(input, request, notify) {
  input.disabled = true;
  try {
    return { saved: await request(input.checked) };
  } catch (error) {
    input.checked = !input.checked;
    notify(errorText(error), 'error');
    return null;
  } finally {
    input.disabled = false;
  }
}

/**
 * A list of rules drawn into `host`: <ul class=listClass data-testid=listTestid> of
 * <li class="rowClass [rowClass-off]" data-testid=rowTestid data-rule-id=…>, an empty state
 * when there is none. Rules are objects with an `id` and an `active` flag.
 *
 * Options:
 * - host: the element the list is drawn into; count: an element showing how many (once loaded);
 *   newButton: disabled while the new rule's form is open;
 * - listClass, listTestid, rowClass, rowTestid, newRowTestid;
 * - formTitle: {tag, className, edit(), create()}: the heading above an open form;
 * - empty: {className, testid, text(), hint()}: shown when there is no rule;
 * - sort(rules): the order rules are shown in (default: as given);
 * - rowClasses(rule): extra classes of a row;
 * - renderRow(rule, {edit, toggle}): a row's content; edit() opens its form, toggle(event)
 *   is the switch's onchange;
 * - renderForm(rule | null, {saved, cancel, remove}): the form of a rule (null: a new one) as
 *   {el, isDirty(), focus()}; it calls saved(rule) with what the server answered, cancel()
 *   or remove();
 * - discard: {question(), confirmLabel()}: asked before an edited form is left;
 * - removal: {question(rule), confirmLabel(), request(rule), done(rule)}: deleting a rule;
 * - toggle: {request(rule, active), done(rule)}: switching a rule on or off;
 * - notify(text, kind): tells the user how an action went ('error' for failures).
 *
 * Returns {draw, setRules, rules, startEdit, cancelEdit, isDirty, destroy}.
 */
export function editableList(options) {
  const {
    host, count = null, newButton = null, listClass, listTestid, rowClass, rowTestid, newRowTestid,
    formTitle, empty, sort = (rules) => rules, rowClasses = () => [], renderRow, renderForm,
    discard, removal, toggle, notify,
  } = options;
  const state = { rules: [], loaded: false, editing: null, destroyed: false };
  let openForm = null; // the form drawn last: {el, isDirty, focus}

  function formRow(rule) {
    openForm = renderForm(rule, {
      saved: (merged) => saved(rule, merged),
      cancel: () => cancelEdit(),
      remove: () => remove(rule),
    });
    const title = h(formTitle.tag, { class: formTitle.className }, rule ? formTitle.edit() : formTitle.create());
    return rule
      ? h('li', { class: [rowClass, `${rowClass}-editing`], 'data-testid': rowTestid, 'data-rule-id': rule.id }, title, openForm.el)
      : h('li', { class: [rowClass, `${rowClass}-editing`, `${rowClass}-new`], 'data-testid': newRowTestid }, title, openForm.el);
  }

  function row(rule) {
    if (state.editing === rule.id) return formRow(rule);
    return h('li', {
      class: [rowClass, rule.active === false && `${rowClass}-off`, ...rowClasses(rule)],
      'data-testid': rowTestid, 'data-rule-id': rule.id,
    }, renderRow(rule, {
      edit: () => startEdit(rule.id),
      toggle: (event) => switchRule(rule, event.target),
    }));
  }

  function draw() {
    if (state.destroyed) return;
    if (count) count.textContent = state.loaded ? String(state.rules.length) : '';
    if (newButton) newButton.disabled = state.editing === 'new';
    const items = [];
    if (state.editing === 'new') items.push(formRow(null));
    for (const rule of state.rules) items.push(row(rule));
    if (!items.length) {
      host.replaceChildren(h('div', { class: empty.className, 'data-testid': empty.testid },
        h('p', null, empty.text()), h('p', { class: 'muted' }, empty.hint())));
      return;
    }
    host.replaceChildren(h('ul', { class: listClass, 'data-testid': listTestid }, items));
  }

  /** A rule created or edited in its form: put in place, the form closed. */
  function saved(rule, merged) {
    if (state.destroyed) return;
    state.rules = sort(rule ? state.rules.map((r) => (r.id === rule.id ? merged : r)) : state.rules.concat([merged]));
    state.editing = null;
    openForm = null;
    draw();
  }

  async function confirmLeave() {
    if (!openForm || !openForm.isDirty()) return true;
    return confirmDialog(discard.question(), { confirmLabel: discard.confirmLabel(), danger: true });
  }

  /** Opens the form of rule `id` ('new': a new rule), asking first when one has unsaved changes. */
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
    const done = await confirmRemove({
      question: removal.question(rule),
      confirmLabel: removal.confirmLabel(),
      request: () => removal.request(rule),
      notify,
    });
    if (!done || state.destroyed) return;
    state.rules = state.rules.filter((r) => r.id !== rule.id);
    state.editing = null;
    openForm = null;
    draw();
    removal.done(rule);
  }

  async function switchRule(rule, input) {
    const result = await saveSwitch(input, (active) => toggle.request(rule, active), notify);
    if (!result || state.destroyed) return;
    const merged = { ...rule, active: input.checked, ...(result.saved || {}) };
    state.rules = state.rules.map((r) => (r.id === rule.id ? merged : r));
    toggle.done(merged);
    // Only this row: a form open elsewhere keeps what is typed in it.
    const node = input.closest(`[data-testid="${rowTestid}"]`);
    if (node && node.isConnected) node.replaceWith(row(merged));
  }

  return {
    draw,
    /** The rules as loaded from the server: drawn in order. */
    setRules(rules) {
      state.rules = sort(rules || []);
      state.loaded = true;
      draw();
    },
    rules: () => state.rules,
    startEdit,
    cancelEdit,
    isDirty: () => Boolean(openForm && openForm.isDirty()),
    destroy() {
      state.destroyed = true;
    },
  };
}

/**
 * Moves `item` one place up (`delta` -1) or down (+1) in an ordered list of `list` (an
 * editableList) and saves the order with `save(ids)` (the server's answer {items}): the list then shows the server's
 * order, `moved(position)` says where it went, an error is told with `errorText`. `state.moving`
 * keeps a second move from starting meanwhile. The keyboard stays on the moved row's ↑/↓ button
 * (testids `${prefix}-row` with data-rule-id, `${prefix}-up`, `${prefix}-down`).
 */
export async function moveRow({ item, delta, list, state, host, save, normalize, notify, moved, errorText: describe, prefix, onChanged }) {
  const same = (a, b) => String(a).toLowerCase() === String(b).toLowerCase();
  const ids = list.rules().map((r) => r.id);
  const from = ids.findIndex((id) => same(id, item.id));
  const to = from + delta;
  if (from < 0 || to < 0 || to >= ids.length || state.moving) return;
  [ids[from], ids[to]] = [ids[to], ids[from]];
  state.moving = true;
  list.draw();
  try {
    const data = await save(ids);
    if (state.destroyed) return;
    state.moving = false;
    list.setRules(((data && data.items) || []).map(normalize));
    notify(moved(to + 1));
    if (onChanged) onChanged();
  } catch (error) {
    if (state.destroyed) return;
    state.moving = false;
    list.draw();
    notify(describe(error), 'error');
  }
  const row = host.querySelector(`[data-testid="${prefix}-row"][data-rule-id="${item.id}"]`);
  const again = row && (row.querySelector(`[data-testid="${prefix}-${delta < 0 ? 'up' : 'down'}"]:not(:disabled)`)
    || row.querySelector(`[data-testid="${prefix}-up"]:not(:disabled), [data-testid="${prefix}-down"]:not(:disabled)`));
  if (again) again.focus();
}

/**
 * The place of a row in a hand-ordered list and its ↑/↓ buttons (testids `${prefix}-position`,
 * `${prefix}-up`, `${prefix}-down`; classes `${cls}-order`, `${cls}-order-pos`, `${cls}-move`).
 */
export function orderControls({ index, count, moving, prefix, cls, hint, upLabel, downLabel, move }) {
  const button = (testid, label, disabled, delta, arrow) => h('button', {
    type: 'button', class: `btn btn-small btn-ghost ${cls}-move`, 'data-testid': testid, disabled,
    'aria-label': label, title: label, onclick: () => move(delta),
  }, arrow);
  return h('div', { class: `${cls}-order` },
    h('span', { class: `${cls}-order-pos`, 'data-testid': `${prefix}-position`, title: hint }, String(index + 1)),
    button(`${prefix}-up`, upLabel, index <= 0 || moving, -1, '\u2191'),
    button(`${prefix}-down`, downLabel, index >= count - 1 || moving, 1, '\u2193'));
}
