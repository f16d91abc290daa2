// Shared widgets: toasts, confirm dialog, form fields, inline form errors, copy buttons.
import { h } from './dom.js';
import { t, errorText, errorDetail } from './i18n.js';

// ---- toasts ---------------------------------------------------------------

function toastHost() {
  let host = document.getElementById('toasts');
  if (!host) {
    host = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(host);
  }
  return host;
}

/** Shows a short message in the corner; kind is 'success' (default), 'error' or 'info'. */
export function toast(message, kind = 'success') {
  const item = h('div', { class: ['toast', `toast-${kind}`], 'data-testid': 'toast' }, message);
  toastHost().appendChild(item);
  const timeout = kind === 'error' ? 6000 : 3500;
  setTimeout(() => {
    item.classList.add('toast-leave');
    setTimeout(() => item.remove(), 300);
  }, timeout);
  return item;
}

// ---- confirm dialog ---------------------------------------------------------

/** An in-page confirmation; resolves true when confirmed. */
export function confirmDialog(message, { confirmLabel, danger = false } = {}) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'dialog', 'data-testid': 'confirm-dialog' });
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(
      h('p', { class: 'dialog-message' }, message),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', 'data-testid': 'confirm-cancel', onclick: () => close(false) }, t('app.common.cancel')),
        h('button', {
          type: 'button',
          class: ['btn', danger ? 'btn-danger' : 'btn-primary'],
          'data-testid': 'confirm-ok',
          onclick: () => close(true),
        }, confirmLabel || t('app.common.confirm')),
      ),
    );
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.appendChild(dialog);
    if (typeof dialog.showModal === 'function') {
      dialog.showModal();
    } else {
      dialog.setAttribute('open', '');
    }
    const ok = dialog.querySelector('[data-testid="confirm-ok"]');
    if (ok) ok.focus();
  });
}

// ---- forms ----------------------------------------------------------------

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

// ---- clipboard --------------------------------------------------------------

export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the textarea method
  }
  const area = h('textarea', { class: 'visually-hidden', readonly: '' });
  area.value = text;
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

export function copyButton(getText, attrs = {}) {
  return h('button', {
    type: 'button',
    class: 'btn btn-small',
    ...attrs,
    onclick: async () => {
      const ok = await copyText(getText());
      toast(ok ? t('app.common.copied') : t('app.common.copyFailed'), ok ? 'success' : 'error');
    },
  }, t('app.common.copy'));
}

// ---- page pieces ---------------------------------------------------------------

export function pageHeader(title, subtitle, ...actions) {
  return h('div', { class: 'page-header' },
    h('div', { class: 'page-heading' },
      h('h1', { class: 'page-title', 'data-testid': 'page-title' }, title),
      subtitle ? h('p', { class: 'page-subtitle' }, subtitle) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

export function card(title, ...children) {
  return h('section', { class: 'card' },
    title ? h('h2', { class: 'card-title' }, title) : null,
    children);
}

export function emptyRow(columns, text) {
  return h('tr', { class: 'empty-row' }, h('td', { colspan: String(columns) }, text));
}

export function statusPill(active) {
  return h('span', { class: ['pill', active ? 'pill-on' : 'pill-off'] },
    active ? t('app.common.active') : t('app.common.inactive'));
}

export function loadingBlock() {
  return h('div', { class: 'loading', 'aria-busy': 'true' }, t('app.common.loading'));
}

/** An error shown in place of a view that could not load. */
export function loadError(error, retry) {
  return h('div', { class: 'load-error', role: 'alert', 'data-testid': 'load-error' },
    h('p', null, errorText(error)),
    retry ? h('button', { type: 'button', class: 'btn', onclick: retry }, t('app.common.retry')) : null);
}

/**
 * Opens and closes `box` as the popover of `anchor`: a click outside both or Escape
 * closes it (Escape returns focus to the anchor); `aria-expanded` follows.
 * Returns {open, close, toggle}.
 */
export function dismissable(box, anchor) {
  function outside(event) {
    if (!box.contains(event.target) && !anchor.contains(event.target)) close();
  }
  function onKey(event) {
    if (event.key === 'Escape') { close(); anchor.focus(); }
  }
  function open() {
    box.hidden = false;
    anchor.setAttribute('aria-expanded', 'true');
    document.addEventListener('mousedown', outside);
    document.addEventListener('keydown', onKey);
  }
  function close() {
    box.hidden = true;
    anchor.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', outside);
    document.removeEventListener('keydown', onKey);
  }
  anchor.setAttribute('aria-expanded', 'false');
  return { open, close, toggle: () => (box.hidden ? open() : close()) };
}
