// The transfer dialog of a conversation: to a teammate (with their status and how
// many open conversations they hold) or to an inbox (queued there when nobody is
// assigned), with a note for whoever takes over → POST /api/v1/conversations/{id}/transfer.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { showFormError, loadingBlock, loadError, formDialog } from '../ui.js';
import { user } from '../session.js';
import { agentLabel } from './format.js';
import { chatSocket } from './runtime.js';
import { PRESENCE, presenceLabel, statusDot } from './status.js';

const MAX_NOTE = 2000;
const FILTER_FROM = 8; // show a filter box when the team is at least this big

function same(a, b) {
  return Boolean(a) && Boolean(b) && String(a).toLowerCase() === String(b).toLowerCase();
}

function rank(status) {
  const i = PRESENCE.indexOf(status);
  return i < 0 ? PRESENCE.length : i;
}

let seq = 0;

/** Opens the dialog for `conversation`; resolves the transferred Conversation, or null. */
export function openTransferDialog({ conversation }) {
  seq += 1;
  const me = user();
  const groupName = `transfer-target-${seq}`;
  const state = { agents: [], inboxes: [], choice: null, filter: '' };
  let dialogParts = null; // formDialog's {dialog, form, submit, close, refresh}, once open

  const agentList = h('div', { class: 'transfer-list', role: 'radiogroup', 'aria-label': t('routing.transfer.toAgent'), 'data-testid': 'transfer-agents' }, loadingBlock());
  const inboxList = h('div', { class: 'transfer-list', role: 'radiogroup', 'aria-label': t('routing.transfer.toInbox'), 'data-testid': 'transfer-inboxes' });
  const filter = h('input', {
    type: 'search', class: 'transfer-filter', 'data-testid': 'transfer-filter', autocomplete: 'off', hidden: true,
    placeholder: t('routing.transfer.filter'), 'aria-label': t('routing.transfer.filter'),
  });
  const note = h('textarea', {
    name: 'note', rows: '3', 'data-testid': 'transfer-note', maxlength: String(MAX_NOTE), placeholder: t('routing.transfer.notePlaceholder'),
  });
  const noteId = `transfer-note-${seq}`;
  note.id = noteId;
  const summary = h('p', { class: 'transfer-summary muted', 'data-testid': 'transfer-summary', 'aria-live': 'polite' });

  const fields = [
    h('section', { class: 'transfer-section' },
      h('h3', { class: 'transfer-heading' }, t('routing.transfer.toAgent')),
      filter,
      agentList),
    h('section', { class: 'transfer-section' },
      h('h3', { class: 'transfer-heading' }, t('routing.transfer.toInbox')),
      h('p', { class: 'transfer-help muted' }, t('routing.transfer.inboxHelp')),
      inboxList),
    h('div', { class: 'field' },
      h('label', { for: noteId }, t('routing.transfer.note')),
      note,
      h('div', { class: 'field-hint' }, t('routing.transfer.noteHint')),
      h('div', { class: 'field-error', 'data-error-for': 'note' })),
    summary,
  ];

  // ---- drawing ----
  function option(kind, item, body, { current = false, disabled = false } = {}) {
    const value = `${kind}:${item.id}`;
    const radio = h('input', {
      type: 'radio', name: groupName, value, checked: state.choice === value, disabled,
      onchange: () => { state.choice = value; refresh(); },
    });
    return h('label', {
      class: ['transfer-option', current && 'is-current', disabled && 'is-disabled'],
      'data-testid': kind === 'agent' ? 'transfer-agent' : 'transfer-inbox',
      [kind === 'agent' ? 'data-agent-id' : 'data-inbox-id']: item.id,
      'data-status': kind === 'agent' ? (item.status || 'offline') : null,
    }, radio, body);
  }

  function drawAgents() {
    const q = state.filter.toLowerCase();
    const agents = state.agents.filter((a) => !q
      || String(a.displayName || '').toLowerCase().includes(q)
      || String(a.agentNumber ?? '').startsWith(q)
      || String(a.email || '').toLowerCase().includes(q));
    if (!agents.length) {
      agentList.replaceChildren(h('p', { class: 'muted transfer-empty' }, state.agents.length ? t('routing.transfer.noMatch') : t('routing.transfer.noAgents')));
      return;
    }
    agentList.replaceChildren(...agents.map((a) => {
      const current = same(a.id, conversation.assigneeId);
      const status = PRESENCE.includes(a.status) ? a.status : 'offline';
      return option('agent', a, h('span', { class: 'transfer-option-body' },
        statusDot(status),
        h('span', { class: 'transfer-option-main' },
          h('span', { class: 'transfer-option-name' }, agentLabel(a), me && same(a.id, me.id) ? t('conversations.meSuffix') : ''),
          h('span', { class: 'transfer-option-sub' },
            h('span', { class: `presence-text presence-text-${status}` }, presenceLabel(status)),
            typeof a.load === 'number' ? h('span', { class: 'transfer-load', 'data-testid': 'transfer-agent-load' }, t('routing.transfer.load', { count: a.load })) : null)),
        current ? h('span', { class: 'tag tag-muted' }, t('routing.transfer.current')) : null),
      { current, disabled: current });
    }));
  }

  function drawInboxes() {
    if (!state.inboxes.length) {
      inboxList.replaceChildren(h('p', { class: 'muted transfer-empty' }, t('routing.transfer.noInboxes')));
      return;
    }
    inboxList.replaceChildren(...state.inboxes.map((i) => {
      const current = same(i.id, conversation.inboxId);
      return option('inbox', i, h('span', { class: 'transfer-option-body' },
        h('span', { class: 'transfer-option-main' },
          h('span', { class: 'transfer-option-name' }, i.name),
          i.description ? h('span', { class: 'transfer-option-sub' }, i.description) : null),
        current ? h('span', { class: 'tag tag-muted' }, t('routing.transfer.current')) : null),
      { current });
    }));
  }

  function chosen() {
    if (!state.choice) return null;
    const [kind, id] = state.choice.split(':');
    const list = kind === 'agent' ? state.agents : state.inboxes;
    const item = list.find((x) => x.id === id);
    return item ? { kind, item } : null;
  }

  function refresh() {
    const c = chosen();
    if (dialogParts) dialogParts.refresh();
    if (!c) summary.textContent = t('routing.transfer.pick');
    else if (c.kind === 'agent') summary.textContent = t('routing.transfer.toAgentSummary', { name: agentLabel(c.item) });
    else summary.textContent = t('routing.transfer.toInboxSummary', { name: c.item.name });
  }

  // ---- loading ----
  async function load() {
    agentList.replaceChildren(loadingBlock());
    try {
      const [agents, inboxes] = await Promise.all([api.get('/api/v1/agents'), api.get('/api/v1/inboxes')]);
      state.agents = ((agents && agents.items) || []).filter((a) => a.active !== false)
        .sort((a, b) => Number(same(a.id, conversation.assigneeId)) - Number(same(b.id, conversation.assigneeId))
          || rank(a.status) - rank(b.status) || (a.load ?? 0) - (b.load ?? 0) || (a.agentNumber ?? 1e9) - (b.agentNumber ?? 1e9));
      state.inboxes = ((inboxes && inboxes.items) || []).filter((i) => i.active !== false || same(i.id, conversation.inboxId));
      filter.hidden = state.agents.length < FILTER_FROM;
      drawAgents();
      drawInboxes();
      refresh();
    } catch (error) {
      agentList.replaceChildren(loadError(error, load));
    }
  }

  filter.addEventListener('input', () => { state.filter = filter.value.trim(); drawAgents(); });

  // Teammates' dots follow their presence frames while the dialog is open.
  const socket = chatSocket();
  // (`presence.changes`: teammates' changes of the last moment, coalesced by the server.)
  const offPresence = socket ? socket.on('presence.changes', (frame) => {
    let changed = false;
    for (const change of frame.changes || []) {
      const agent = state.agents.find((a) => same(a.id, change.userId));
      if (!agent || agent.status === change.status) continue;
      agent.status = change.status;
      changed = true;
    }
    if (changed) drawAgents();
  }) : () => {};

  return formDialog({
    title: t('routing.transfer.title'),
    testid: 'transfer-dialog', className: 'transfer-dialog', formClass: 'transfer-form',
    submitLabel: t('routing.transfer.submit'), submitTestid: 'transfer-submit', cancelTestid: 'transfer-cancel',
    body: fields,
    canSubmit: () => Boolean(chosen()),
    onOpen: (parts) => {
      dialogParts = parts;
      refresh();
      load();
    },
    onSubmit: async ({ form, close }) => {
      const c = chosen();
      const target = c.kind === 'agent' ? { assigneeId: c.item.id } : { inboxId: c.item.id };
      const text = note.value.trim();
      if (text) target.note = text;
      try {
        const saved = await api.post(`/api/v1/conversations/${encodeURIComponent(conversation.id)}/transfer`, target);
        close({
          conversation: saved || null,
          label: c.kind === 'agent' ? agentLabel(c.item) : c.item.name,
          kind: c.kind,
        });
      } catch (error) {
        showFormError(form, error);
        const box = form.querySelector(':scope > .form-error');
        if (box && !box.hidden) box.scrollIntoView({ block: 'nearest' });
        if (error && (error.field === 'assigneeId' || error.field === 'inboxId')) load();
      }
    },
    onClose: () => offPresence(),
  });
}
