// Form pieces shared by every page (re-exported by ui.js): labelled fields, the error box
// at the top of a form and the errors next to its fields, the busy state, selects.
import { h } from '../dom.js';
import { t, errorText, errorDetail } from '../i18n.js';

let fieldSeq = 0;

/**
 * A labelled form field. `control` is an <input>/<select>/<textarea> built by the caller
 * (its `name` should be the API field name so server errors can highlight it).
 */
export function field(label, control, { hint, wide = false } = {}) {
  if (!control.id) {
    fieldSeq += 1;
    control.id = `f${fieldSeq}-${control.getAttribute('name') || 'field'}`;
  }
  return h('div', { class: ['field', wide && 'field-wide'] },
    h('label', { for: control.id }, label),
    control,
    hint ? h('div', { class: 'field-hint' }, hint) : null,
    h('div', { class: 'field-error', 'data-error-for': control.getAttribute('name') || '' }),
  );
}

/** The error box at the top of a form (created on demand). */
function errorBox(form) {
  let box = form.querySelector(':scope > .form-error');
  if (!box) {
    box = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'form-error', hidden: true });
    form.prepend(box);
  }
  return box;
}

export function clearFormErrors(form) {
  for (const el of form.querySelectorAll('.is-invalid')) {
    el.classList.remove('is-invalid');
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  const box = form.querySelector(':scope > .form-error');
  if (box) {
    box.replaceChildren();
    box.hidden = true;
  }
}

/**
 * Shows an error inline: the message in the form's error box and, when the error
 * names a field the form has, next to that field too (highlighted and focused).
 * `error` is an ApiError, or {message, field} for client-side checks.
 */
export function showFormError(form, error, fieldAliases = {}) {
  clearFormErrors(form);
  const fromServer = error && error.status !== undefined;
  const message = fromServer ? errorText(error) : (error.message || t('app.error.unknown'));
  const detail = fromServer ? errorDetail(error) : '';
  const name = error && error.field ? (fieldAliases[error.field] || error.field) : null;
  const control = name ? Array.from(form.elements).find((el) => el.name === name) : null;
  const slot = control
    ? Array.from(form.querySelectorAll('.field-error')).find((el) => el.getAttribute('data-error-for') === name)
    : null;

  // The summary goes into the box above the form; the server's precise wording
  // goes under the field it names (or into the box when the form has no such field).
  const box = errorBox(form);
  if (!slot || detail) {
    box.replaceChildren(h('span', { class: 'form-error-text' }, message));
    if (detail && !slot) box.appendChild(h('span', { class: 'form-error-detail' }, detail));
    box.hidden = false;
  }
  if (control) {
    control.classList.add('is-invalid');
    control.setAttribute('aria-invalid', 'true');
    if (slot) {
      slot.textContent = detail || message;
      if (!slot.id) slot.id = `${control.id}-error`;
      control.setAttribute('aria-describedby', slot.id);
    }
    control.focus();
  }
}

/**
 * Shows every problem of a refused structured form (a rule, a policy, a macro) where it belongs:
 * `place(field)` answers {control, slot, prefix} for a field path such as `actions[1].text`; the
 * control is marked, the message goes into its slot (a div with `testid`), problems with no place
 * and a server's summary go into `errorBox`. The first marked control gets the focus.
 * `error` is an ApiError (with `problems`) or {field, message} from a client check.
 */
export function showProblems({ error, place, errorBox, testid }) {
  const fromServer = error && error.status !== undefined;
  const problems = !fromServer ? [{ field: error.field, message: error.message }]
    : error.problems && error.problems.length ? error.problems
      : error.field ? [{ field: error.field, message: error.serverMessage || errorText(error) }] : [];
  let first = null;
  const unplaced = [];
  for (const p of problems) {
    const where = place(p.field || '') || {};
    if (where.control) {
      where.control.classList.add('is-invalid');
      where.control.setAttribute('aria-invalid', 'true');
      first = first || where.control;
    }
    if (where.slot && p.message) {
      where.slot.append(h('div', { 'data-testid': testid, 'data-field': p.field }, `${where.prefix || ''}${p.message}`));
    } else if (p.message) {
      unplaced.push(p.message);
    }
  }
  if (fromServer || unplaced.length) {
    const detail = unplaced.length ? unplaced.join('; ') : (problems.length ? '' : errorDetail(error));
    errorBox.replaceChildren(h('span', { class: 'form-error-text' }, fromServer ? errorText(error) : detail));
    if (fromServer && detail) errorBox.append(h('span', { class: 'form-error-detail' }, detail));
    errorBox.hidden = false;
  }
  if (first) {
    first.focus();
    first.scrollIntoView({ block: 'center', behavior: 'auto' });
  } else if (!errorBox.hidden) {
    errorBox.scrollIntoView({ block: 'nearest', behavior: 'auto' });
  }
}

/** Disables a form's buttons while `work` runs. */
export async function busy(form, work) {
  const buttons = Array.from(form.querySelectorAll('button'));
  const before = buttons.map((b) => b.disabled);
  buttons.forEach((b) => { b.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    buttons.forEach((b, i) => { b.disabled = before[i]; });
    form.removeAttribute('aria-busy');
  }
}

/** A <select> of options [{value, label}], with `selected` pre-chosen. */
export function select(name, options, selected, attrs = {}) {
  return h('select', { name, ...attrs },
    options.map((o) => h('option', { value: o.value, selected: o.value === selected }, o.label)));
}
