// Modal dialogs shared by every page (re-exported by ui.js): the in-page confirmation
// and the dialog holding a form (a title, the caller's fields, Cancel and a submit button).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { busy, clearFormErrors, showFormError } from './forms.js';

let seq = 0;

/**
 * Puts `dialog` on the page as a modal. Escape (the dialog's cancel event) calls
 * onEscape instead of closing it. Returns close(): takes the dialog off the page,
 * once; later calls do nothing and answer false.
 */
function openModal(dialog, onEscape) {
  let closed = false;
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    onEscape();
  });
  document.body.appendChild(dialog);
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
  return () => {
    if (closed) return false;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    return true;
  };
}

// ---- confirm dialog ---------------------------------------------------------

/** An in-page confirmation; resolves true when confirmed. */
export function confirmDialog(message, { confirmLabel, danger = false } = {}) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'dialog', 'data-testid': 'confirm-dialog' });
    const ok = h('button', {
      type: 'button',
      class: ['btn', danger ? 'btn-danger' : 'btn-primary'],
      'data-testid': 'confirm-ok',
      onclick: () => close(true),
    }, confirmLabel || t('app.common.confirm'));
    dialog.append(
      h('p', { class: 'dialog-message' }, message),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', 'data-testid': 'confirm-cancel', onclick: () => close(false) }, t('app.common.cancel')),
        ok,
      ),
    );
    const remove = openModal(dialog, () => close(false));
    function close(answer) {
      if (remove()) resolve(answer);
    }
    ok.focus();
  });
}

// ---- form dialog ------------------------------------------------------------

/**
 * A modal dialog holding a form: <dialog class="dialog …"> with an <h2 class="dialog-title">
 * and a <form class="form …" novalidate> holding `body` above the Cancel and submit buttons.
 * Resolves what onSubmit hands to close(result), or null after Cancel or Escape.
 *
 * Options:
 * - title: the heading (the dialog's aria-labelledby points at it);
 * - testid, className: the dialog's data-testid and extra classes;
 * - formClass, formTestid: the form's extra classes and data-testid;
 * - body: the form's content (nodes or arrays of nodes);
 * - submitLabel (default: Save), submitTestid, cancelTestid: the buttons;
 * - canSubmit(): when given, the submit button is enabled only while it answers true
 *   (checked on opening and after each submit; call the `refresh` handed to onOpen after a change);
 * - focus: the element to focus once open (else the browser's choice);
 * - onOpen({dialog, form, submit, close, refresh}): once the dialog is shown;
 * - onSubmit({form, submit, close}): checks and saves. The form's errors are cleared first
 *   and its buttons disabled while it runs; what it throws is shown in the form (showFormError).
 *   It calls close(result) when done;
 * - onClose(result): after the dialog has gone, before the promise resolves.
 */
export function formDialog({
  title, testid = null, className = null, formClass = null, formTestid = null, body = [],
  submitLabel = null, submitTestid = null, cancelTestid = null, canSubmit = null, focus = null,
  onOpen = null, onSubmit, onClose = null,
}) {
  return new Promise((resolve) => {
    seq += 1;
    const titleId = `form-dialog-title-${seq}`;
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': submitTestid }, submitLabel || t('app.common.save'));
    const cancel = h('button', { type: 'button', class: 'btn', 'data-testid': cancelTestid, onclick: () => close(null) }, t('app.common.cancel'));
    const form = h('form', { class: ['form', formClass], 'data-testid': formTestid, novalidate: true, method: 'dialog' },
      body,
      h('div', { class: 'dialog-actions' }, cancel, submit));
    const dialog = h('dialog', { class: ['dialog', className], 'data-testid': testid, 'aria-labelledby': titleId },
      h('h2', { class: 'dialog-title', id: titleId }, title),
      form);

    const refresh = () => {
      if (typeof canSubmit === 'function') submit.disabled = !canSubmit();
    };
    const remove = openModal(dialog, () => close(null));
    function close(result = null) {
      if (!remove()) return;
      if (typeof onClose === 'function') onClose(result);
      resolve(result);
    }

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (typeof canSubmit === 'function' && !canSubmit()) return;
      clearFormErrors(form);
      await busy(form, async () => {
        try {
          await onSubmit({ form, submit, close });
        } catch (error) {
          if (dialog.isConnected) showFormError(form, error);
        }
      });
      if (dialog.isConnected) refresh();
    });

    refresh();
    if (typeof onOpen === 'function') onOpen({ dialog, form, submit, close, refresh });
    if (focus) focus.focus();
  });
}
