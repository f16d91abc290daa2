// Shared widgets: toasts, copy buttons, page pieces, popovers and live search; form
// fields and errors, dialogs and editable rule lists live in ui/ and are exported from here,
// so pages import every shared widget from this one module.
import { h } from './dom.js';
import { t, errorText } from './i18n.js';

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

// ---- forms, dialogs, editable lists (each in its own file under ui/) --------------

export { field, clearFormErrors, showFormError, showProblems as showFieldProblems, busy, select } from './ui/forms.js';
export { confirmDialog, formDialog } from './ui/dialogs.js';
export { editableList, confirmRemove, saveSwitch, moveRow, orderControls } from './ui/editablelist.js';

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

// ---- live search ----------------------------------------------------------------

/** Calls `fn` once `ms` have passed without another call; `.cancel()` forgets a pending call. */
export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; fn(...args); }, ms);
  };
  wrapped.cancel = () => { clearTimeout(timer); timer = null; };
  return wrapped;
}

/**
 * Searches as the user types in `input`: `delay` ms after the last keystroke, at once on
 * Enter (not while an IME is composing) or when the box is emptied; Escape empties the box.
 * search(q) answers the trimmed text (never called for an empty box); render(view) draws
 * view = {q, searching, result, error} each time it changes: when a search starts (the
 * previous result kept, so the list does not flicker), when its answer or error arrives,
 * and when the box is emptied (q '', result null). An answer that arrives after a newer
 * search started, or after cancel(), is dropped.
 * Returns {run, cancel, view}: run() searches now; cancel() forgets the pending and the
 * running search (call it when the view goes away); view() is the current view.
 */
export function liveSearch(input, { search, render, delay = 300 }) {
  let view = { q: '', searching: false, result: null, error: null };
  let token = 0;
  const show = (next) => {
    view = next;
    render(view);
  };

  async function run() {
    soon.cancel();
    const q = input.value.trim();
    const mine = ++token;
    if (!q) {
      show({ q: '', searching: false, result: null, error: null });
      return;
    }
    show({ ...view, q, searching: true, error: null });
    let result = null;
    let error = null;
    try {
      result = await search(q);
    } catch (failure) {
      error = failure;
    }
    if (mine !== token) return;
    show({ q, searching: false, result, error });
  }
  const soon = debounce(run, delay);

  input.addEventListener('input', () => { if (input.value.trim()) soon(); else run(); });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      run();
    } else if (event.key === 'Escape' && input.value) {
      event.preventDefault();
      event.stopPropagation();
      input.value = '';
      run();
    }
  });

  return {
    run,
    cancel() {
      soon.cancel();
      token += 1;
    },
    view: () => view,
  };
}
