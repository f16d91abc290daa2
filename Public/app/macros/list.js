// The macros page's two lists: the member's own (Mine) and the team's (Shared). Each row shows
// the name, what it applies to, its steps in a few words, how often it was used and when last;
// Edit opens its form in place (macros/editor.js) and Delete asks first. Shared macros are changed
// by supervisors and above only; saving a macro as shared (or not) moves it to the other list.
// One form is open at a time across both lists (an edited one asks before it is left).
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { editableList, confirmDialog, confirmRemove } from '../ui.js';
import {
  macrosApi, macrosChanged, canEdit, canShare, stepSummary, targetLabel, sameId,
} from './shared.js';
import { createMacroForm } from './editor.js';

const GROUPS = ['mine', 'shared'];

/** By name as the server lists them (code points), so the page and the menus' Alt+N agree. */
function byName(a, b) {
  const x = `${a.name}\u0000${a.id}`;
  const y = `${b.name}\u0000${b.id}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * context(): {directory}; notify(text, kind).
 * Returns {cards: {mine, shared}, setMacros(items), destroy()}.
 */
export function createMacroLists({ context, notify }) {
  const state = { items: [], destroyed: false };
  const lists = {};
  const cards = {};
  const open = {}; // group → {key, form}: the open form survives redraws

  function partition() {
    const mine = state.items.filter((m) => !m.shared).sort(byName);
    const shared = state.items.filter((m) => m.shared).sort(byName);
    lists.mine.setRules(mine);
    lists.shared.setRules(shared);
  }

  function upsert(macro) {
    const merged = { ...macro, active: true };
    state.items = state.items.some((m) => sameId(m.id, macro.id))
      ? state.items.map((m) => (sameId(m.id, macro.id) ? merged : m))
      : state.items.concat([merged]);
    for (const g of GROUPS) open[g] = null;
    partition();
  }

  function drop(macro) {
    state.items = state.items.filter((m) => !sameId(m.id, macro.id));
    for (const g of GROUPS) if (open[g] && open[g].key === macro.id) open[g] = null;
    partition();
  }

  /** Opens a form in `group` (id 'new' for a new macro) once the other list's form may be left. */
  async function edit(group, id) {
    const other = lists[group === 'mine' ? 'shared' : 'mine'];
    if (other.isDirty()) {
      const ok = await confirmDialog(t('macros.discardConfirm'), { confirmLabel: t('macros.discard'), danger: true });
      if (!ok) return;
    }
    open[group === 'mine' ? 'shared' : 'mine'] = null;
    other.cancelEdit();
    lists[group].startEdit(id);
  }

  async function removeRow(macro) {
    const done = await confirmRemove({
      question: t('macros.deleteConfirm', { name: macro.name }),
      confirmLabel: t('macros.delete'),
      request: () => macrosApi.remove(macro.id),
      notify,
    });
    if (!done || state.destroyed) return;
    macrosChanged();
    drop(macro);
    notify(t('macros.deleted', { name: macro.name }));
  }

  function row(group) {
    return (macro) => {
      const uses = Number(macro.uses) || 0;
      const editable = canEdit(macro);
      const { directory } = context() || {};
      return [
        h('div', { class: 'mac-row-main' },
          h('div', { class: 'mac-row-top' },
            h('strong', { class: 'mac-row-name', 'data-testid': 'macros-row-name' }, macro.name),
            h('span', { class: ['mac-target-chip', `mac-target-${macro.target}`], 'data-testid': 'macros-row-target', 'data-target': macro.target },
              targetLabel(macro.target))),
          h('ol', { class: 'mac-row-steps', 'data-testid': 'macros-row-steps' },
            (macro.actions || []).map((s) => h('li', { class: 'mac-row-step', 'data-type': s.type }, stepSummary(s, macro.target, directory)))),
          h('div', { class: 'mac-row-meta muted' },
            h('span', { 'data-testid': 'macros-row-uses', 'data-count': String(uses) },
              uses ? t('macros.row.uses', { count: uses }) : t('macros.row.unused')),
            macro.lastUsedAt ? [' \u00b7 ', h('span', { 'data-testid': 'macros-row-last' }, t('macros.row.lastUsed', { time: formatDateTime(macro.lastUsedAt) }))] : null)),
        h('div', { class: 'mac-row-side' },
          editable ? [
            h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'macros-row-edit', onclick: () => edit(group, macro.id) }, t('app.common.edit')),
            h('button', {
              type: 'button', class: 'btn btn-small btn-ghost btn-danger-ghost', 'data-testid': 'macros-row-delete',
              'aria-label': t('macros.deleteNamed', { name: macro.name }), title: t('macros.deleteNamed', { name: macro.name }),
              onclick: () => removeRow(macro),
            }, t('macros.deleteShort')),
          ] : h('span', { class: 'mac-readonly muted', 'data-testid': 'macros-row-readonly' }, t('macros.row.readOnly'))),
      ];
    };
  }

  function form(group) {
    return (macro, handlers) => {
      const key = macro ? macro.id : 'new';
      if (open[group] && open[group].key === key) return open[group].form;
      const made = createMacroForm({
        macro, start: { shared: group === 'shared' }, context, notify,
        handlers: {
          saved: (answer) => { open[group] = null; handlers.saved({ ...answer, active: true }); upsert(answer); },
          cancel: () => { open[group] = null; handlers.cancel(); },
          remove: () => handlers.remove(),
        },
      });
      open[group] = { key, form: made };
      return made;
    };
  }

  for (const group of GROUPS) {
    const host = h('div', { class: 'mac-list-host', 'data-testid': `macros-${group}-list` });
    const count = h('span', { class: 'pill auto-count-pill', 'data-testid': `macros-${group}-count` });
    const allowed = group === 'mine' || canShare();
    const newButton = allowed ? h('button', {
      type: 'button', class: 'btn btn-primary btn-small', 'data-testid': `macros-new-${group}`, onclick: () => edit(group, 'new'),
    }, t(`macros.new.${group}`)) : null;
    lists[group] = editableList({
      host, count, newButton,
      listClass: 'auto-list mac-list', listTestid: `macros-${group}-rows`, rowClass: 'mac-row', rowTestid: 'macros-row', newRowTestid: 'macros-new-row',
      formTitle: { tag: 'h3', className: 'auto-form-title', edit: () => t('macros.form.editTitle'), create: () => t(`macros.form.newTitle.${group}`) },
      empty: { className: 'auto-empty-state', testid: `macros-${group}-empty`, text: () => t(`macros.empty.${group}`), hint: () => t(`macros.emptyHint.${group}`) },
      sort: (items) => items.slice().sort(byName),
      renderRow: row(group),
      renderForm: form(group),
      discard: { question: () => t('macros.discardConfirm'), confirmLabel: () => t('macros.discard') },
      removal: {
        question: (macro) => t('macros.deleteConfirm', { name: macro.name }),
        confirmLabel: () => t('macros.delete'),
        request: (macro) => { open[group] = null; return macrosApi.remove(macro.id); },
        done: (macro) => { macrosChanged(); drop(macro); notify(t('macros.deleted', { name: macro.name })); },
      },
      toggle: { request: () => Promise.resolve(null), done: () => {} },
      notify,
    });
    cards[group] = h('section', { class: 'card auto-card mac-card', 'data-testid': `macros-${group}` },
      h('div', { class: 'auto-card-head' },
        h('h2', { class: 'card-title' }, t(`macros.group.${group}`), count),
        newButton),
      h('p', { class: 'card-note' }, t(`macros.groupHint.${group}`)),
      host);
  }

  return {
    cards,
    setMacros(items) {
      state.items = (items || []).map((m) => ({ ...m, active: true }));
      partition();
    },
    /** Whether a form holds changes not saved. */
    isDirty: () => GROUPS.some((g) => lists[g].isDirty()),
    destroy() {
      state.destroyed = true;
      for (const g of GROUPS) lists[g].destroy();
    },
  };
}
