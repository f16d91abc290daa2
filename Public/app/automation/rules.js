// The automation page's rules (supervisors and above change them), in the order they are tried.
// Each row shows the name, what starts it ("customer waiting for a reply 10 minutes", "SLA breached"), how many conditions
// and actions it has, how often it fired in 7 days and when last; ↑ ↓ move it (the whole order is
// saved), the switch turns it on or off at once (PUT with the whole rule), Edit opens its form in
// place and × deletes it (asked first).
// The form: the name; the trigger (an event, or a timer and its minutes); the conditions in two
// groups, ALL and ANY (automation/conditions.js); the actions in order (automation/actions.js); and
// a try-out against a past conversation or ticket (automation/tester.js). What the server refuses
// is shown beside the part it names (conditions.all[0].value → that row), every problem at once.
// API: GET/POST /api/v1/automation/rules, PUT/DELETE /api/v1/automation/rules/{id},
// PUT /api/v1/automation/rules/order, POST /api/v1/automation/rules/test.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { busy, editableList, confirmRemove, moveRow, orderControls, showFieldProblems } from '../ui.js';
import {
  EVENT_GROUPS, TIMERS, MAX_NAME, MIN_MINUTES, MAX_MINUTES, eventLabel, timerLabel, targetTypeLabel, triggerScope, ruleScope,
  triggerSummary, conditionCount, bodyOf, automationErrorText, sameId,
} from './shared.js';
import { createConditions } from './conditions.js';
import { createActions } from './actions.js';
import { createTester } from './tester.js';
import { nextId } from './inputs.js';

function normalize(rule) {
  return { ...rule, active: rule.enabled !== false };
}

const NEW_RULE = {
  name: '', enabled: true, trigger: { kind: 'event', event: 'message.created' }, conditions: { all: [], any: [] }, actions: [],
};

/**
 * context(): {directory, settings} as loaded by the page; notify(text, kind).
 * Returns {el, count, newButton, setRules(items), rules(), isDirty(), destroy()}.
 */
export function createRuleSection({ context, notify }) {
  const state = { moving: false, destroyed: false };
  const host = h('div', { class: 'auto-list-host' });
  const count = h('span', { class: 'pill auto-count-pill', 'data-testid': 'automation-rules-count' });
  const newButton = h('button', {
    type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'automation-rule-new', onclick: () => list.startEdit('new'),
  }, t('automation.rule.new'));
  let open = null; // the open form survives redraws (moves, a switch flipped elsewhere)

  // ---- the form ----
  function ruleForm(rule, handlers) {
    const key = rule ? rule.id : 'new';
    if (open && open.key === key) return open.form;
    const start = rule ? bodyOf(rule) : JSON.parse(JSON.stringify(NEW_RULE));
    const close = () => { open = null; };

    const name = h('input', {
      type: 'text', name: 'name', id: nextId('automation-name'), maxlength: String(MAX_NAME), value: start.name || '', autocomplete: 'off',
      'data-testid': 'automation-name', placeholder: t('automation.rule.namePlaceholder'),
    });
    const enabled = h('input', { type: 'checkbox', name: 'enabled', class: 'rs-switch', checked: start.enabled !== false, 'data-testid': 'automation-form-enabled' });

    // -- trigger
    const trigger = start.trigger || NEW_RULE.trigger;
    const kindName = nextId('automation-trigger-kind');
    const kinds = ['event', 'time'].map((kind) => h('input', {
      type: 'radio', name: kindName, value: kind, checked: (trigger.kind || 'event') === kind,
      'data-testid': 'automation-trigger-kind', 'data-value': kind,
    }));
    const eventSelect = h('select', { name: 'trigger.event', id: nextId('automation-trigger-event'), 'data-testid': 'automation-trigger-event' },
      EVENT_GROUPS.map((g) => h('optgroup', { label: t(`automation.eventGroup.${g.scope}`) },
        g.events.map((e) => h('option', { value: e, selected: trigger.event === e }, eventLabel(e))))),
      trigger.event && !EVENT_GROUPS.some((g) => g.events.includes(trigger.event)) ? h('option', { value: trigger.event, selected: true }, trigger.event) : null);
    const timerSelect = h('select', { name: 'trigger.timer', id: nextId('automation-trigger-timer'), 'data-testid': 'automation-trigger-timer' },
      TIMERS.map((x) => h('option', { value: x, selected: trigger.timer === x }, timerLabel(x))));
    const minutes = h('input', {
      type: 'number', name: 'trigger.minutes', min: String(MIN_MINUTES), max: String(MAX_MINUTES), step: '1', inputmode: 'numeric',
      class: 'auto-minutes', 'data-testid': 'automation-trigger-minutes', 'aria-label': t('automation.trigger.minutes'),
      value: trigger.minutes ? String(trigger.minutes) : '10',
    });
    const eventRow = h('div', { class: 'auto-trigger-row' }, eventSelect);
    const timerRow = h('div', { class: 'auto-trigger-row' }, timerSelect,
      h('span', { class: 'auto-trigger-for' }, t('automation.trigger.for')), minutes, h('span', { class: 'auto-unit' }, t('automation.trigger.minutesUnit')));
    const scopeNote = h('p', { class: 'auto-scope', 'data-testid': 'automation-trigger-scope' });
    const triggerSlot = h('div', { class: 'field-error', 'data-error-for': 'trigger' });

    function currentTrigger() {
      const kind = kinds.find((k) => k.checked)?.value || 'event';
      if (kind === 'time') {
        const text = String(minutes.value).trim();
        const n = Number(text);
        return { kind, timer: timerSelect.value, minutes: text && Number.isInteger(n) ? n : text };
      }
      return { kind, event: eventSelect.value };
    }

    let conditions = null;
    let actions = null;
    let tester = null;
    let drawnScope = null;
    const scope = () => ruleScope(currentTrigger(), conditions ? conditions.peek() : start.conditions);

    function syncTrigger() {
      const time = kinds[1].checked;
      eventRow.hidden = time;
      timerRow.hidden = !time;
      const s = scope();
      const ts = triggerScope(currentTrigger());
      scopeNote.textContent = ts === 'both'
        ? (s === 'both' ? t('automation.trigger.scopeBoth') : t('automation.trigger.scopePinned', { type: targetTypeLabel(s) }))
        : t('automation.trigger.scope', { type: targetTypeLabel(ts) });
      scopeNote.dataset.scope = s;
      if (drawnScope !== null && s !== drawnScope) {
        drawnScope = s;
        redrawKeepingFocus();
        if (tester) tester.reset();
      }
      drawnScope = s;
    }

    /** Draws the rows again for a new scope; the focus goes back to the same control. */
    function redrawKeepingFocus() {
      const active = document.activeElement;
      const rowEl = active && active.closest ? active.closest('[data-testid="automation-condition"], [data-testid="automation-action"]') : null;
      const where = rowEl ? { testid: rowEl.dataset.testid, group: rowEl.dataset.group, index: rowEl.dataset.index, control: active.dataset.testid } : null;
      conditions.redraw();
      actions.redraw();
      if (!where) return;
      const groupSel = where.group ? `[data-group="${where.group}"]` : '';
      const again = form.querySelector(`[data-testid="${where.testid}"]${groupSel}[data-index="${where.index}"] [data-testid="${where.control}"]`);
      if (again) again.focus();
    }

    for (const k of kinds) k.addEventListener('change', () => { syncTrigger(); clearSlot(triggerSlot); });
    eventSelect.addEventListener('change', () => syncTrigger());
    timerSelect.addEventListener('change', () => syncTrigger());

    conditions = createConditions({ start: start.conditions, context, scope, onChange: () => syncTrigger() });
    actions = createActions({ start: start.actions, context, scope, onChange: () => {} });

    // -- buttons, errors
    const errorBox = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'automation-form-error', hidden: true });
    const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'automation-save' }, rule ? t('app.common.save') : t('automation.rule.create'));
    const cancel = h('button', { type: 'button', class: 'btn', 'data-testid': 'automation-cancel', onclick: () => { close(); handlers.cancel(); } }, t('app.common.cancel'));
    const remove = rule ? h('button', {
      type: 'button', class: 'btn btn-danger-ghost', 'data-testid': 'automation-delete', onclick: () => handlers.remove(),
    }, t('automation.rule.delete')) : null;

    const form = h('form', { class: 'form auto-form', 'data-testid': 'automation-form', novalidate: true },
      h('div', { class: 'auto-form-top' },
        h('div', { class: 'field auto-name-field' },
          h('label', { for: name.id }, t('automation.rule.name')), name,
          h('div', { class: 'field-error', 'data-error-for': 'name' })),
        h('label', { class: 'auto-enabled' }, enabled, h('span', null, t('automation.rule.enabled')))),
      h('fieldset', { class: 'auto-section', 'data-testid': 'automation-trigger' },
        h('legend', null, h('span', { class: 'auto-step' }, '1'), t('automation.trigger.title')),
        h('div', { class: 'auto-seg', role: 'radiogroup', 'aria-label': t('automation.trigger.title') },
          kinds.map((k) => h('label', { class: 'auto-seg-option' }, k, h('span', null, t(`automation.trigger.kind.${k.value}`))))),
        eventRow, timerRow, scopeNote, triggerSlot),
      h('fieldset', { class: 'auto-section', 'data-testid': 'automation-conditions-section' },
        h('legend', null, h('span', { class: 'auto-step' }, '2'), t('automation.condition.title')),
        h('p', { class: 'field-hint auto-section-hint' }, t('automation.condition.hint')),
        conditions.el),
      h('fieldset', { class: 'auto-section', 'data-testid': 'automation-actions-section' },
        h('legend', null, h('span', { class: 'auto-step' }, '3'), t('automation.actionList.title')),
        h('p', { class: 'field-hint auto-section-hint' }, t('automation.actionList.hint')),
        actions.el),
      null, // the tester goes here
      errorBox,
      h('div', { class: 'form-actions' }, save, cancel, h('span', { class: 'auto-spacer' }), remove));

    // ---- errors beside their fields ----
    function clearSlot(slot) {
      if (slot) slot.replaceChildren();
    }

    function clearErrors() {
      for (const el of form.querySelectorAll('.is-invalid')) {
        el.classList.remove('is-invalid');
        el.removeAttribute('aria-invalid');
      }
      for (const el of form.querySelectorAll('.field-error:not([data-testid="automation-test-error"])')) el.replaceChildren();
      errorBox.replaceChildren();
      errorBox.hidden = true;
    }

    function place(rawField) {
      const f = String(rawField || '').replace(/^rule\./, '');
      const slot = (n) => form.querySelector(`.field-error[data-error-for="${n}"]`);
      if (f === 'name') return { control: name, slot: slot('name') };
      if (f === 'enabled') return { control: enabled, slot: null };
      if (/^trigger/.test(f)) {
        const control = /^trigger\.event/.test(f) ? eventSelect : /^trigger\.timer/.test(f) ? timerSelect
          : /^trigger\.minutes/.test(f) ? minutes : kinds.find((k) => k.checked) || kinds[0];
        return { control, slot: triggerSlot };
      }
      if (/^conditions/.test(f)) return conditions.place(f) || { control: null, slot: slot(`conditions.all`) };
      if (/^actions/.test(f)) return actions.place(f) || { control: null, slot: null };
      return { control: null, slot: null };
    }

    /** The server's problems (or a client check as {message, field}) beside their fields. */
    function showProblems(error) {
      clearErrors();
      showFieldProblems({ error, place, errorBox, testid: 'automation-field-error' });
    }

    /** The rule as edited, as the API takes it; null (and the problem shown) when a client check fails. */
    function body() {
      const trig = currentTrigger();
      if (trig.kind === 'time' && !Number.isInteger(trig.minutes)) {
        showProblems({ field: 'trigger.minutes', message: t('automation.trigger.minutesWhole', { min: MIN_MINUTES, max: MAX_MINUTES }) });
        return null;
      }
      return {
        name: name.value.trim(),
        enabled: enabled.checked,
        trigger: trig,
        conditions: conditions.body(),
        actions: actions.body(),
      };
    }

    tester = createTester({ body: () => { clearErrors(); return body(); }, scope, context, showProblems });
    form.insertBefore(tester.el, errorBox);

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors();
      const sent = body();
      if (!sent) return;
      await busy(form, async () => {
        try {
          const answer = rule
            ? await api.put(`/api/v1/automation/rules/${encodeURIComponent(rule.id)}`, sent)
            : await api.post('/api/v1/automation/rules', sent);
          close();
          handlers.saved(normalize(answer));
          notify(rule ? t('automation.rule.saved', { name: answer.name }) : t('automation.rule.created', { name: answer.name }));
        } catch (error) {
          if (form.isConnected) showProblems(error);
        }
      });
    });

    const snapshot = () => JSON.stringify({
      name: name.value, enabled: enabled.checked, trigger: currentTrigger(), conditions: conditions.peek(), actions: actions.body(),
    }, (k, v) => (k === 'key' ? undefined : v));
    syncTrigger();
    tester.reset();
    const initial = snapshot();
    open = { key, form: { el: form, isDirty: () => snapshot() !== initial, focus: () => name.focus() } };
    return open.form;
  }

  // ---- the list ----
  function move(rule, delta) {
    return moveRow({
      item: rule, delta, list, state, host, normalize, notify, prefix: 'automation-rule', errorText: automationErrorText,
      save: (ids) => api.put('/api/v1/automation/rules/order', { ids }),
      moved: (position) => t('automation.rule.moved', { name: rule.name, position }),
    });
  }

  async function removeRow(rule) {
    const done = await confirmRemove({
      question: t('automation.rule.deleteConfirm', { name: rule.name }),
      confirmLabel: t('automation.rule.delete'),
      request: () => api.del(`/api/v1/automation/rules/${encodeURIComponent(rule.id)}`),
      notify,
    });
    if (!done || state.destroyed) return;
    if (open && open.key === rule.id) open = null;
    list.setRules(list.rules().filter((r) => !sameId(r.id, rule.id)));
    notify(t('automation.rule.deleted', { name: rule.name }));
  }

  function ruleRow(rule, { edit, toggle }) {
    const all = list.rules();
    const index = all.findIndex((r) => sameId(r.id, rule.id));
    const conditionsN = conditionCount(rule);
    const actionsN = (rule.actions || []).length;
    const firings = Number(rule.firings7d) || 0;
    return [
      orderControls({
        index, count: all.length, moving: state.moving, prefix: 'automation-rule', cls: 'auto', hint: t('automation.rule.positionHint'),
        upLabel: t('automation.rule.moveUp', { name: rule.name }), downLabel: t('automation.rule.moveDown', { name: rule.name }),
        move: (delta) => move(rule, delta),
      }),
      h('div', { class: 'auto-row-main' },
        h('div', { class: 'auto-row-top' },
          h('strong', { class: 'auto-row-name', 'data-testid': 'automation-rule-name' }, rule.name),
          rule.enabled === false ? h('span', { class: 'pill pill-off' }, t('app.common.inactive')) : null),
        h('div', { class: 'auto-row-meta' },
          h('span', { class: 'auto-trigger-chip', 'data-testid': 'automation-rule-trigger', 'data-kind': rule.trigger && rule.trigger.kind },
            triggerSummary(rule.trigger)),
          h('span', { class: 'auto-row-counts', 'data-testid': 'automation-rule-counts' },
            t('automation.rule.counts', { conditions: conditionsN, actions: actionsN }))),
        h('div', { class: 'auto-row-meta muted' },
          h('span', { 'data-testid': 'automation-rule-firings', 'data-count': String(firings) },
            firings ? t('automation.rule.firings', { count: firings }) : t('automation.rule.noFirings')),
          ' \u00b7 ',
          h('span', { 'data-testid': 'automation-rule-last' },
            rule.lastFiredAt ? t('automation.rule.lastFired', { time: formatDateTime(rule.lastFiredAt) }) : t('automation.rule.neverFired')))),
      h('div', { class: 'auto-row-side' },
        h('input', {
          type: 'checkbox', class: 'rs-switch', checked: rule.enabled !== false, 'data-testid': 'automation-rule-enabled',
          'aria-label': t('automation.rule.enabledFor', { name: rule.name }),
          title: rule.enabled !== false ? t('app.common.active') : t('app.common.inactive'),
          onchange: toggle,
        }),
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'automation-rule-edit', onclick: edit }, t('app.common.edit')),
        h('button', {
          type: 'button', class: 'btn btn-small btn-ghost btn-danger-ghost', 'data-testid': 'automation-rule-delete',
          'aria-label': t('automation.rule.deleteNamed', { name: rule.name }), title: t('automation.rule.deleteNamed', { name: rule.name }),
          onclick: () => removeRow(rule),
        }, t('automation.rule.deleteShort'))),
    ];
  }

  const list = editableList({
    host, count, newButton,
    listClass: 'auto-list', listTestid: 'automation-rules', rowClass: 'auto-row', rowTestid: 'automation-rule-row', newRowTestid: 'automation-rule-new-row',
    formTitle: { tag: 'h3', className: 'auto-form-title', edit: () => t('automation.rule.editTitle'), create: () => t('automation.rule.newTitle') },
    empty: { className: 'auto-empty-state', testid: 'automation-rules-empty', text: () => t('automation.rule.empty'), hint: () => t('automation.rule.emptyHint') },
    sort: (items) => items.slice().sort((a, b) => (a.position ?? 0) - (b.position ?? 0)),
    renderRow: ruleRow,
    renderForm: ruleForm,
    discard: { question: () => t('automation.discardConfirm'), confirmLabel: () => t('automation.discard') },
    removal: {
      question: (rule) => t('automation.rule.deleteConfirm', { name: rule.name }),
      confirmLabel: () => t('automation.rule.delete'),
      request: (rule) => { open = null; return api.del(`/api/v1/automation/rules/${encodeURIComponent(rule.id)}`); },
      done: (rule) => notify(t('automation.rule.deleted', { name: rule.name })),
    },
    toggle: {
      request: (rule, enabled) => api.put(`/api/v1/automation/rules/${encodeURIComponent(rule.id)}`, bodyOf(rule, { enabled })),
      done: (rule) => notify(rule.enabled !== false ? t('automation.rule.enabledNow', { name: rule.name }) : t('automation.rule.disabledNow', { name: rule.name })),
    },
    notify,
  });

  return {
    el: host,
    count,
    newButton,
    setRules: (items) => list.setRules((items || []).map(normalize)),
    rules: () => list.rules(),
    isDirty: () => list.isDirty(),
    destroy() {
      state.destroyed = true;
      list.destroy();
    },
  };
}
