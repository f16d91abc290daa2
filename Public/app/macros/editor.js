// The form of a macro on the macros page: its name, what it applies to (a conversation or a
// ticket: the statuses and priorities its steps may set follow), shared with the team or not
// (supervisors and above only), and its steps in order — the automation rules' action list
// (automation/actions.js) limited to a macro's step types, with the variable chips. What the
// server refuses is shown beside the part it names (name, target, actions[1].text …), every
// problem at once.
// API: POST /api/v1/macros, PUT /api/v1/macros/{id}.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { busy, showFieldProblems } from '../ui.js';
import { createActions } from '../automation/actions.js';
import { nextId } from '../automation/inputs.js';
import {
  TARGETS, MAX_NAME, MAX_STEPS, STEP_TYPES, VARIABLES, macrosApi, macrosChanged, canShare, targetLabel, variableLabel, stepHint,
  statusOptions, priorityOptions,
} from './shared.js';

// A value that means the same on the other kind of object; others are chosen again.
const STATUS_ACROSS = { resolved: 'solved', solved: 'resolved', closed: 'resolved' };
const PRIORITY_ACROSS = { medium: 'normal', normal: 'medium' };

/** A step after the macro's target changed: a status or priority that does not fit is mapped or emptied. */
function fitStep(step, target) {
  if (step.type !== 'set_status' && step.type !== 'set_priority') return step;
  const options = (step.type === 'set_status' ? statusOptions : priorityOptions)(target).map((o) => o.value);
  if (options.includes(step.value)) return step;
  const across = (step.type === 'set_status' ? STATUS_ACROSS : PRIORITY_ACROSS)[step.value];
  return { ...step, value: options.includes(across) ? across : '' };
}

/** The request body of a macro the API gave. */
export function bodyOf(macro) {
  return { name: macro.name, target: macro.target, shared: Boolean(macro.shared), actions: (macro.actions || []).slice() };
}

/**
 * macro: the macro edited (null: a new one); start: a new one's first values ({shared});
 * context(): {directory}; handlers: {saved(macro), cancel(), remove()} of the list;
 * notify(text, kind). Returns {el, isDirty(), focus()}.
 */
export function createMacroForm({ macro, start = {}, context, handlers, notify }) {
  const first = macro ? bodyOf(macro) : { name: '', target: 'conversation', shared: false, actions: [{ type: 'reply', text: '' }], ...start };
  const sharing = canShare();

  const name = h('input', {
    type: 'text', name: 'name', id: nextId('macros-name'), maxlength: String(MAX_NAME), value: first.name || '', autocomplete: 'off',
    'data-testid': 'macros-name', placeholder: t('macros.form.namePlaceholder'),
  });
  const targetName = nextId('macros-target');
  const targets = TARGETS.map((value) => h('input', {
    type: 'radio', name: targetName, value, checked: first.target === value, 'data-testid': 'macros-target', 'data-value': value,
  }));
  const shared = sharing ? h('input', { type: 'checkbox', name: 'shared', class: 'rs-switch', checked: Boolean(first.shared), 'data-testid': 'macros-form-shared' }) : null;
  const currentTarget = () => (targets.find((r) => r.checked) || targets[0]).value;

  const stepsHost = h('div', { class: 'mac-steps-host' });
  let steps = null;
  function makeSteps(list) {
    steps = createActions({
      start: list, context, scope: currentTarget, onChange: () => {},
      types: STEP_TYPES, testid: 'macros', statuses: statusOptions, priorities: priorityOptions,
      variables: { names: VARIABLES, label: variableLabel }, hint: stepHint, limit: MAX_STEPS,
      labels: { add: t('macros.form.addStep'), empty: t('macros.form.noSteps') },
    });
    stepsHost.replaceChildren(steps.el);
  }
  makeSteps(first.actions);

  let drawnTarget = currentTarget();
  for (const radio of targets) {
    radio.addEventListener('change', () => {
      const next = currentTarget();
      if (next === drawnTarget) return;
      drawnTarget = next;
      makeSteps(steps.body().map((s) => fitStep(s, next)));
      clearSlot('target');
    });
  }

  const errorBox = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'macros-form-error', hidden: true });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'macros-save' }, macro ? t('app.common.save') : t('macros.form.create'));
  const cancel = h('button', { type: 'button', class: 'btn', 'data-testid': 'macros-cancel', onclick: () => handlers.cancel() }, t('app.common.cancel'));
  const remove = macro ? h('button', {
    type: 'button', class: 'btn btn-danger-ghost', 'data-testid': 'macros-delete', onclick: () => handlers.remove(),
  }, t('macros.delete')) : null;

  const form = h('form', { class: 'form auto-form mac-form', 'data-testid': 'macros-form', novalidate: true },
    h('div', { class: 'auto-form-top' },
      h('div', { class: 'field auto-name-field' },
        h('label', { for: name.id }, t('macros.form.name')), name,
        h('div', { class: 'field-error', 'data-error-for': 'name' })),
      h('div', { class: 'field mac-target-field' },
        h('span', { class: 'mac-field-label', id: `${targetName}-label` }, t('macros.form.target')),
        h('div', { class: 'auto-seg', role: 'radiogroup', 'aria-labelledby': `${targetName}-label` },
          targets.map((r) => h('label', { class: 'auto-seg-option' }, r, h('span', null, targetLabel(r.value))))),
        h('div', { class: 'field-error', 'data-error-for': 'target' })),
      shared ? h('div', { class: 'field mac-shared-field' },
        h('label', { class: 'auto-enabled' }, shared, h('span', null, t('macros.form.shared'))),
        h('span', { class: 'field-hint' }, t('macros.form.sharedHint')),
        h('div', { class: 'field-error', 'data-error-for': 'shared' })) : null),
    h('fieldset', { class: 'auto-section', 'data-testid': 'macros-steps-section' },
      h('legend', null, t('macros.form.steps')),
      h('p', { class: 'field-hint auto-section-hint' }, t('macros.form.stepsHint')),
      stepsHost),
    errorBox,
    h('div', { class: 'form-actions' }, save, cancel, h('span', { class: 'auto-spacer' }), remove));

  // ---- errors beside their fields ----
  function clearSlot(field) {
    const slot = form.querySelector(`.field-error[data-error-for="${field}"]`);
    if (slot) slot.replaceChildren();
  }

  function clearErrors() {
    for (const el of form.querySelectorAll('.is-invalid')) {
      el.classList.remove('is-invalid');
      el.removeAttribute('aria-invalid');
    }
    for (const el of form.querySelectorAll('.field-error')) el.replaceChildren();
    errorBox.replaceChildren();
    errorBox.hidden = true;
  }

  function place(field) {
    const f = String(field || '');
    const slot = (n) => form.querySelector(`.field-error[data-error-for="${n}"]`);
    if (f === 'name') return { control: name, slot: slot('name') };
    if (f === 'target') return { control: targets.find((r) => r.checked) || targets[0], slot: slot('target') };
    if (f === 'shared') return { control: shared, slot: slot('shared') };
    if (/^actions/.test(f)) return steps.place(f) || { control: null, slot: null };
    return { control: null, slot: null };
  }

  function showProblems(error) {
    clearErrors();
    showFieldProblems({ error, place, errorBox, testid: 'macros-field-error' });
  }

  function body() {
    return {
      name: name.value.trim(),
      target: currentTarget(),
      shared: shared ? shared.checked : Boolean(macro && macro.shared),
      actions: steps.body(),
    };
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const sent = body();
    await busy(form, async () => {
      try {
        const answer = macro ? await macrosApi.update(macro.id, sent) : await macrosApi.create(sent);
        macrosChanged();
        handlers.saved(answer);
        notify(macro ? t('macros.saved', { name: answer.name }) : t('macros.created', { name: answer.name }));
      } catch (error) {
        if (form.isConnected) showProblems(error);
      }
    });
  });

  const snapshot = () => JSON.stringify({ name: name.value, target: currentTarget(), shared: shared ? shared.checked : null, actions: steps.body() },
    (k, v) => (k === 'key' ? undefined : v));
  const initial = snapshot();
  return { el: form, isDirty: () => snapshot() !== initial, focus: () => name.focus() };
}
