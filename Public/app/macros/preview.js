// What a macro will do, before it is applied (a modal over the conversation or the ticket): the
// reply exactly as the customer will read it (variables filled), the private note, and the
// changes — status and priority from → to, the tags after it (those it adds and removes marked),
// the assignee. Apply applies it in one transaction; what the server refuses (a reply on a closed
// ticket …) is shown here and nothing changed. The page updates itself: the server pushes the new
// messages and the object's new state.
// API: POST /api/v1/macros/{id}/preview, POST /api/v1/macros/{id}/apply,
// GET /api/v1/conversations/{id} or /api/v1/tickets/{id} (the state before).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { toast } from '../ui.js';
import {
  macrosApi, macrosChanged, macroErrorText, memberLabel, priorityLabel, scopeBadge, statusLabel, targetLabel, sameId,
} from './shared.js';

let seq = 0;

function currentState(target, targetId) {
  const path = target === 'ticket' ? '/api/v1/tickets/' : '/api/v1/conversations/';
  return api.get(path + encodeURIComponent(targetId)).then((o) => ({
    status: o.status || null,
    priority: o.priority || null,
    tags: Array.isArray(o.tags) ? o.tags : [],
    assigneeId: target === 'ticket' ? (o.assignee ? o.assignee.id : null) : (o.assigneeId || null),
    assigneeName: target === 'ticket' && o.assignee ? o.assignee.name : '',
  }));
}

function section(title, testid, ...children) {
  return h('section', { class: 'mac-preview-section', 'data-testid': testid }, h('h3', { class: 'mac-preview-heading' }, title), children);
}

/** "open → resolved" as two pills, or one with "unchanged". */
function fromTo(kind, target, before, after, label, testid) {
  const same = after === null || after === undefined || after === before;
  const pill = (value, extra) => h('span', { class: ['mac-pill', `mac-pill-${kind}`, `mac-${kind}-${value}`, extra] }, label(target, value));
  return h('div', { class: 'mac-change', 'data-testid': testid, 'data-from': before || '', 'data-to': same ? (before || '') : after },
    h('span', { class: 'mac-change-label' }, t(`macros.preview.${kind}`)),
    h('span', { class: 'mac-change-value' },
      same
        ? [before ? pill(before) : h('span', { class: 'muted' }, t('macros.preview.none')), h('span', { class: 'mac-same muted' }, t('macros.preview.unchanged'))]
        : [before ? pill(before, 'is-before') : h('span', { class: 'muted' }, t('macros.preview.none')),
          h('span', { class: 'mac-arrow', 'aria-label': t('macros.preview.becomes') }, '\u2192'), pill(after, 'is-after')]));
}

function tagsRow(before, after) {
  const was = new Set(before.map((x) => x.toLowerCase()));
  const now = new Set(after.map((x) => x.toLowerCase()));
  const chips = [
    ...after.map((tag) => ({ tag, change: was.has(tag.toLowerCase()) ? 'kept' : 'added' })),
    ...before.filter((tag) => !now.has(tag.toLowerCase())).map((tag) => ({ tag, change: 'removed' })),
  ];
  return h('div', { class: 'mac-change mac-change-tags', 'data-testid': 'macros-preview-tags' },
    h('span', { class: 'mac-change-label' }, t('macros.preview.tags')),
    h('span', { class: 'mac-change-value mac-tag-list' },
      chips.length ? chips.map(({ tag, change }) => h('span', {
        class: ['mac-tag', `is-${change}`], 'data-testid': 'macros-preview-tag', 'data-tag': tag, 'data-change': change,
        title: change === 'kept' ? null : t(`macros.preview.tag.${change}`),
      }, change === 'added' ? h('span', { class: 'mac-tag-mark', 'aria-label': t('macros.preview.tag.added') }, '+') : null,
      change === 'removed' ? h('span', { class: 'mac-tag-mark', 'aria-label': t('macros.preview.tag.removed') }, '\u2212') : null,
      h('span', { class: 'mac-tag-text' }, tag))) : h('span', { class: 'muted' }, t('macros.preview.noTags'))));
}

function assigneeRow(before, beforeName, after, directory) {
  const name = (id, fallback = '') => memberLabel(id, directory) || fallback || t('macros.unknownMember');
  const same = sameId(before, after);
  return h('div', { class: 'mac-change', 'data-testid': 'macros-preview-assignee', 'data-from': before || '', 'data-to': after || '' },
    h('span', { class: 'mac-change-label' }, t('macros.preview.assignee')),
    h('span', { class: 'mac-change-value' },
      same ? [h('span', { class: 'mac-person' }, name(after)), h('span', { class: 'mac-same muted' }, t('macros.preview.unchanged'))]
        : [h('span', { class: 'mac-person is-before' }, before ? name(before, beforeName) : t('macros.preview.unassigned')),
          h('span', { class: 'mac-arrow', 'aria-label': t('macros.preview.becomes') }, '\u2192'),
          h('span', { class: 'mac-person is-after' }, name(after))]));
}

function tagsChanged(before, after) {
  const a = before.map((x) => x.toLowerCase()).sort().join('\n');
  const b = after.map((x) => x.toLowerCase()).sort().join('\n');
  return a !== b;
}

/** The preview's content from the server's answer and the object's state before. */
function content(result, before, target, directory, macro) {
  const parts = [];
  if (result.reply) {
    parts.push(section(t('macros.preview.reply'), 'macros-preview-reply-section',
      h('div', { class: 'mac-bubble', 'data-testid': 'macros-preview-reply' }, result.reply),
      h('p', { class: 'mac-preview-hint muted' }, t(`macros.preview.replyHint.${target}`))));
  }
  if (result.note) {
    parts.push(section(t('macros.preview.note'), 'macros-preview-note-section',
      h('div', { class: 'mac-note', 'data-testid': 'macros-preview-note' }, result.note)));
  }
  const rows = [];
  if (result.status) rows.push(fromTo('status', target, before.status, result.status, statusLabel, 'macros-preview-status'));
  if (result.priority) rows.push(fromTo('priority', target, before.priority, result.priority, priorityLabel, 'macros-preview-priority'));
  const tagSteps = (macro.actions || []).some((s) => s.type === 'add_tags' || s.type === 'remove_tags');
  const after = Array.isArray(result.tags) ? result.tags : before.tags;
  if (tagSteps || tagsChanged(before.tags, after)) rows.push(tagsRow(before.tags, after));
  if (result.assigneeId) rows.push(assigneeRow(before.assigneeId, before.assigneeName, result.assigneeId, directory));
  parts.push(section(t('macros.preview.changes'), 'macros-preview-changes',
    rows.length ? rows : h('p', { class: 'muted mac-preview-none', 'data-testid': 'macros-preview-nochange' }, t('macros.preview.noChanges'))));
  return parts;
}

/**
 * Opens the preview of `macro` on the conversation or ticket `targetId`; directory(): a Promise
 * of the members (or null). Resolves the server's answer once applied, null when cancelled.
 */
export function openPreview({ macro, target, targetId, directory = null }) {
  return new Promise((resolve) => {
    seq += 1;
    const titleId = `mac-preview-title-${seq}`;
    const body = h('div', { class: 'mac-preview-body', 'aria-live': 'polite' }, h('div', { class: 'loading', 'aria-busy': 'true' }, t('app.common.loading')));
    const errorBox = h('div', { class: 'form-error mac-preview-error', role: 'alert', 'data-testid': 'macros-preview-error', hidden: true });
    const apply = h('button', {
      type: 'button', class: 'btn btn-primary', 'data-testid': 'macros-apply', disabled: true, onclick: () => run(),
    }, t('macros.preview.apply'));
    const cancel = h('button', { type: 'button', class: 'btn', 'data-testid': 'macros-preview-cancel', onclick: () => close(null) }, t('app.common.cancel'));
    const dialog = h('dialog', {
      class: 'dialog mac-preview', 'data-testid': 'macros-preview', 'data-macro-id': macro.id, 'data-state': 'loading', 'aria-labelledby': titleId,
    },
    h('div', { class: 'mac-preview-top' },
      h('h2', { class: 'dialog-title mac-preview-title', id: titleId }, t('macros.preview.title', { name: macro.name })),
      scopeBadge(macro)),
    h('p', { class: 'mac-preview-sub muted' }, t(`macros.preview.sub.${target}`, { target: targetLabel(target) })),
    body,
    errorBox,
    h('div', { class: 'dialog-actions' }, cancel, apply));

    let closed = false;
    let busy = false;
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      if (!busy) close(null);
    });
    document.body.appendChild(dialog);
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
    cancel.focus();

    function close(result) {
      if (closed) return;
      closed = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(result);
    }

    function showError(error) {
      errorBox.replaceChildren(h('span', { class: 'form-error-text' }, macroErrorText(error, target)));
      errorBox.hidden = false;
    }

    const members = () => Promise.resolve(typeof directory === 'function' ? directory() : directory).catch(() => null);

    async function look() {
      try {
        const [result, before, dir] = await Promise.all([macrosApi.preview(macro.id, targetId), currentState(target, targetId), members()]);
        if (closed) return;
        body.replaceChildren(...content(result, before, target, dir, macro));
        dialog.dataset.state = 'ready';
        apply.disabled = false;
        apply.focus();
      } catch (error) {
        if (closed) return;
        body.replaceChildren();
        dialog.dataset.state = 'error';
        showError(error);
      }
    }

    async function run() {
      if (busy || closed) return;
      busy = true;
      apply.disabled = true;
      cancel.disabled = true;
      errorBox.hidden = true;
      dialog.dataset.state = 'applying';
      dialog.setAttribute('aria-busy', 'true');
      try {
        const result = await macrosApi.apply(macro.id, targetId);
        busy = false;
        macrosChanged(); // its use count and last use
        toast(t('macros.applied', { name: macro.name }));
        close(result);
      } catch (error) {
        busy = false;
        if (closed) return;
        dialog.dataset.state = 'error';
        dialog.removeAttribute('aria-busy');
        cancel.disabled = false;
        apply.disabled = false;
        showError(error);
        apply.focus();
      }
    }

    look();
  });
}
