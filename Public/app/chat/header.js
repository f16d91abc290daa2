// The conversation header: who, where, status; resolve / reopen / pending,
// snooze until, merge; assignee, inbox (transfer), priority and tags.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, formatDateTime } from '../i18n.js';
import { toast, confirmDialog, dismissable } from '../ui.js';
import { icon } from '../icons.js';
import { user } from '../session.js';
import { botBadge } from '../knowledge/bot.js';
import { openTransferDialog } from './transfer.js';
import {
  PRIORITIES, agentLabel, avatar, contactName, priorityLabel, relativeTime, statusLabel, previewText,
} from './format.js';

function pad(n) {
  return String(n).padStart(2, '0');
}

/** A Date as the value of <input type="datetime-local"> (local time). */
function localInputValue(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A popover that closes on outside clicks and Escape. */
function popover(anchor, content, testid) {
  const box = h('div', { class: 'popover header-popover', 'data-testid': testid, hidden: true }, content);
  return { box, ...dismissable(box, anchor) };
}

/**
 * conversation: the Conversation; directory: Promise<{agents, inboxes}>;
 * contact(): Promise of the customer (for merge); onChange(conversation) after a save;
 * onMerged(); onBack(); onToggleSidebar().
 */
export function createHeader({ conversation, directory, contact, onChange, onMerged, onBack, onToggleSidebar }) {
  let conv = conversation;
  let dir = { agents: [], inboxes: [] };
  let busy = false;
  const popovers = [];
  const el = h('header', { class: 'conv-header', 'data-testid': 'conv-header' });

  async function patch(body, done) {
    if (busy) return;
    busy = true;
    el.setAttribute('aria-busy', 'true');
    try {
      const saved = await api.patch(`/api/v1/conversations/${encodeURIComponent(conv.id)}`, body);
      conv = { ...conv, ...(saved || body) };
      onChange(conv);
      if (done) toast(done);
    } catch (error) {
      toast(errorText(error), 'error');
    } finally {
      busy = false;
      el.removeAttribute('aria-busy');
      draw();
    }
  }

  // ---- snooze ----
  function snoozeBox(close) {
    const now = new Date();
    const inOneHour = new Date(now.getTime() + 3600 * 1000);
    const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0);
    const input = h('input', {
      type: 'datetime-local', class: 'snooze-input', 'data-testid': 'snooze-input',
      min: localInputValue(now), value: localInputValue(conv.snoozedUntil ? new Date(conv.snoozedUntil) : tomorrow),
      'aria-label': t('conversations.snoozeUntil'),
    });
    const apply = (date) => {
      if (!date || Number.isNaN(date.getTime()) || date <= new Date()) {
        toast(t('conversations.snoozeInPast'), 'error');
        return;
      }
      close();
      // Whole seconds: the API reads times like 2026-11-23T09:00:00Z (no milliseconds).
      const until = date.toISOString().replace(/\.\d+Z$/, 'Z');
      patch({ status: 'snoozed', snoozedUntil: until }, t('conversations.snoozedUntilToast', { time: formatDateTime(until) }));
    };
    return h('div', { class: 'snooze-box' },
      h('div', { class: 'popover-title' }, t('conversations.snoozeUntil')),
      h('div', { class: 'snooze-quick' },
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'snooze-1h', onclick: () => apply(inOneHour) }, t('conversations.snoozeOneHour')),
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'snooze-tomorrow', onclick: () => apply(tomorrow) }, t('conversations.snoozeTomorrow'))),
      input,
      h('div', { class: 'popover-actions' },
        h('button', { type: 'button', class: 'btn btn-small', onclick: close }, t('app.common.cancel')),
        h('button', {
          type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'snooze-confirm',
          onclick: () => apply(new Date(input.value)),
        }, t('conversations.snooze'))));
  }

  // ---- merge ----
  function mergeBox(close) {
    const body = h('div', { class: 'merge-list', 'data-testid': 'merge-list' }, h('div', { class: 'muted' }, t('app.common.loading')));
    contact().then((c) => {
      const others = ((c && c.conversations) || []).filter((x) => x.id !== conv.id && !x.mergedIntoId);
      if (!others.length) {
        body.replaceChildren(h('div', { class: 'muted merge-empty' }, t('conversations.mergeNone')));
        return;
      }
      body.replaceChildren(...others.map((x) => h('button', {
        type: 'button', class: 'merge-option', 'data-testid': 'merge-option', 'data-conversation-id': x.id,
        onclick: async () => {
          close();
          const ok = await confirmDialog(t('conversations.mergeConfirm', { time: formatDateTime(x.createdAt) }), { confirmLabel: t('conversations.merge') });
          if (!ok) return;
          try {
            await api.post(`/api/v1/conversations/${encodeURIComponent(conv.id)}/merge`, { sourceConversationId: x.id });
            toast(t('conversations.merged'));
            onMerged();
          } catch (error) {
            toast(errorText(error), 'error');
          }
        },
      },
      h('span', { class: 'merge-option-top' },
        h('span', { class: ['status-pill', `status-${x.status}`] }, statusLabel(x.status)),
        h('time', { class: 'muted' }, formatDateTime(x.createdAt))),
      h('span', { class: 'merge-option-preview' }, previewText(x) || t('conversations.chat.noMessages')))));
    }).catch((error) => body.replaceChildren(h('div', { class: 'inline-error' }, errorText(error))));
    return h('div', null, h('div', { class: 'popover-title' }, t('conversations.mergeTitle')), h('p', { class: 'popover-note' }, t('conversations.mergeHelp')), body);
  }

  // ---- transfer (to a teammate or an inbox, with a note) ----
  async function transfer() {
    const result = await openTransferDialog({ conversation: conv });
    if (!result) return;
    if (result.conversation) {
      conv = { ...conv, ...result.conversation };
      onChange(conv);
    }
    toast(t('routing.transfer.done', { name: result.label }));
    draw();
  }

  // ---- tags ----
  function tagEditor() {
    const tags = Array.isArray(conv.tags) ? conv.tags : [];
    const input = h('input', {
      type: 'text', class: 'tag-input', 'data-testid': 'tag-input', maxlength: '40', placeholder: t('conversations.addTag'), 'aria-label': t('conversations.addTag'),
    });
    const add = () => {
      const parts = input.value.split(/[,\uff0c]/).map((s) => s.trim()).filter(Boolean);
      if (!parts.length) return;
      const next = tags.concat(parts.filter((p) => !tags.includes(p.toLowerCase()) && !tags.includes(p)));
      input.value = '';
      patch({ tags: next });
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        add();
      } else if (event.key === 'Backspace' && !input.value && tags.length) {
        patch({ tags: tags.slice(0, -1) });
      }
    });
    return h('div', { class: 'tag-editor', 'data-testid': 'tag-editor' },
      tags.map((tag) => h('span', { class: 'tag-chip', 'data-testid': 'tag-chip', 'data-tag': tag },
        h('span', null, tag),
        h('button', {
          type: 'button', class: 'tag-remove', 'aria-label': t('conversations.removeTag', { tag }), title: t('conversations.removeTag', { tag }),
          onclick: () => patch({ tags: tags.filter((x) => x !== tag) }),
        }, '\u00d7'))),
      input);
  }

  function draw() {
    // Keep a half-typed tag (and the focus) across redraws caused by live updates.
    const oldTag = el.querySelector('.tag-input');
    const typedTag = oldTag ? oldTag.value : '';
    const tagFocused = Boolean(oldTag) && document.activeElement === oldTag;
    drawNow();
    const newTag = el.querySelector('.tag-input');
    if (newTag && typedTag) newTag.value = typedTag;
    if (newTag && tagFocused) newTag.focus();
  }

  function drawNow() {
    for (const p of popovers.splice(0)) p.close();
    const name = contactName(conv);
    const inbox = dir.inboxes.find((i) => i.id === conv.inboxId);
    const resolved = conv.status === 'resolved';
    const me = user();

    const snoozeButton = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'conv-snooze-toggle' }, icon('clock'), h('span', null, t('conversations.snooze')));
    const snooze = popover(snoozeButton, null, 'snooze-popover');
    snooze.box.append(snoozeBox(() => snooze.close()));
    snoozeButton.addEventListener('click', () => snooze.toggle());

    const mergeButton = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'conv-merge-toggle' }, icon('merge'), h('span', null, t('conversations.merge')));
    const merge = popover(mergeButton, null, 'merge-popover');
    mergeButton.addEventListener('click', () => {
      if (merge.box.hidden) merge.box.replaceChildren(mergeBox(() => merge.close()));
      merge.toggle();
    });
    popovers.push(snooze, merge);

    const assignee = h('select', {
      class: 'meta-select', 'data-testid': 'conv-assignee-select', 'aria-label': t('conversations.assignee'),
      onchange: (event) => patch({ assigneeId: event.target.value || null },
        event.target.value ? t('conversations.assignedTo', { name: event.target.selectedOptions[0].textContent }) : t('conversations.unassignedToast')),
    },
    h('option', { value: '', selected: !conv.assigneeId }, t('conversations.unassigned')),
    dir.agents.filter((a) => a.active !== false || a.id === conv.assigneeId)
      .map((a) => h('option', { value: a.id, selected: a.id === conv.assigneeId }, agentLabel(a) + (me && a.id === me.id ? t('conversations.meSuffix') : ''))));

    const inboxSelect = h('select', {
      class: 'meta-select', 'data-testid': 'conv-inbox-select', 'aria-label': t('conversations.inbox'),
      onchange: (event) => patch({ inboxId: event.target.value }, t('conversations.transferred', { name: event.target.selectedOptions[0].textContent })),
    }, (inbox ? [] : [h('option', { value: conv.inboxId, selected: true }, '—')]),
    dir.inboxes.filter((i) => i.active !== false || i.id === conv.inboxId)
      .map((i) => h('option', { value: i.id, selected: i.id === conv.inboxId }, i.name)));

    const priority = h('select', {
      class: ['meta-select', `prio-select-${conv.priority || 'none'}`], 'data-testid': 'conv-priority-select', 'aria-label': t('conversations.priority'),
      onchange: (event) => patch({ priority: event.target.value }),
    }, PRIORITIES.map((p) => h('option', { value: p, selected: p === (conv.priority || 'none') }, priorityLabel(p))));

    el.replaceChildren(
      h('div', { class: 'conv-header-main' },
        h('button', { type: 'button', class: 'icon-btn conv-back', 'data-testid': 'conv-back', 'aria-label': t('conversations.back'), title: t('conversations.back'), onclick: onBack }, icon('back')),
        avatar(name, conv.contactId, 'avatar-large'),
        h('div', { class: 'conv-header-who' },
          h('div', { class: 'conv-header-name', 'data-testid': 'conv-header-name' }, name),
          h('div', { class: 'conv-header-sub' },
            h('span', { class: ['status-pill', `status-${conv.status}`], 'data-testid': 'conv-status' }, statusLabel(conv.status)),
            botBadge(conv, 'conv-header-bot-badge'),
            conv.status === 'snoozed' && conv.snoozedUntil
              ? h('span', { class: 'muted', 'data-testid': 'conv-snoozed-until' }, t('conversations.snoozedUntil', { time: formatDateTime(conv.snoozedUntil) })) : null,
            inbox ? h('span', { class: 'muted' }, inbox.name) : null,
            conv.createdAt ? h('span', { class: 'muted', title: formatDateTime(conv.createdAt) }, t('conversations.startedAt', { time: relativeTime(conv.createdAt) })) : null)),
        h('div', { class: 'conv-actions' },
          conv.status !== 'pending' && !resolved
            ? h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'conv-pending', onclick: () => patch({ status: 'pending' }, t('conversations.markedPending')) },
              icon('pause'), h('span', null, t('conversations.markPending'))) : null,
          h('div', { class: 'popover-anchor' }, snoozeButton, snooze.box),
          h('div', { class: 'popover-anchor' }, mergeButton, merge.box),
          h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'transfer-open', title: t('routing.transfer.title'), onclick: transfer },
            icon('transfer'), h('span', null, t('routing.transfer.open'))),
          resolved
            ? h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'conv-reopen', onclick: () => patch({ status: 'open' }, t('conversations.reopened')) },
              icon('undo'), h('span', null, t('conversations.reopen')))
            : h('button', { type: 'button', class: 'btn btn-small btn-success', 'data-testid': 'conv-resolve', onclick: () => patch({ status: 'resolved' }, t('conversations.resolvedToast')) },
              icon('check'), h('span', null, t('conversations.resolve'))),
          h('button', {
            type: 'button', class: 'icon-btn conv-side-toggle', 'data-testid': 'sidebar-toggle',
            'aria-label': t('conversations.customerInfo'), title: t('conversations.customerInfo'), onclick: onToggleSidebar,
          }, icon('info')))),
      h('div', { class: 'conv-meta' },
        h('label', { class: 'meta-field' }, h('span', { class: 'meta-label' }, t('conversations.assignee')), assignee),
        h('label', { class: 'meta-field' }, h('span', { class: 'meta-label' }, t('conversations.transferInbox')), inboxSelect),
        h('label', { class: 'meta-field' }, h('span', { class: 'meta-label' }, t('conversations.priority')), priority),
        h('div', { class: 'meta-field meta-tags' }, h('span', { class: 'meta-label' }, t('conversations.tags')), tagEditor())));
  }

  directory.then((d) => { dir = d; draw(); }).catch(() => {});
  draw();

  return {
    el,
    update(c) {
      conv = { ...conv, ...c };
      draw();
    },
    get conversation() { return conv; },
    destroy() {
      for (const p of popovers.splice(0)) p.close();
    },
  };
}
