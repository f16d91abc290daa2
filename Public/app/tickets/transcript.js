// The transcript of a conversation linked to a ticket, folded until opened: the customer's
// and the team's messages (private notes marked), the latest first loaded and earlier ones on
// request, with a link to the conversation itself.
// API: GET /api/v1/conversations/{id}/messages?limit=&beforeSeq=.
import { api, query } from '../api.js';
import { h, mount } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { agentLabel, clockTime, dayKey, dayLabel, linkify } from '../chat/format.js';
import { ticketErrorText } from './shared.js';

const PAGE = 100;

function senderText(m, customerName) {
  if (m.senderType === 'visitor') return customerName || t('tickets.author.customer');
  if (m.senderType === 'agent') return m.sender ? agentLabel(m.sender) : t('tickets.author.agent');
  if (m.senderType === 'bot') {
    // An automatic reply in an agent's name (the greeting) says so.
    const named = m.sender && m.sender.agentNumber !== undefined && m.sender.agentNumber !== null ? agentLabel(m.sender) : (m.sender && m.sender.name);
    return named ? t('tickets.transcript.automatic', { name: named }) : t('tickets.author.bot');
  }
  return t('tickets.author.system');
}

function attachmentLinks(m) {
  const files = Array.isArray(m.attachments) ? m.attachments : [];
  if (!files.length) return null;
  return h('div', { class: 'tk-msg-files' }, files.map((a) => (a.url
    ? h('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer' }, a.name || t('tickets.transcript.attachment'))
    : h('span', null, a.name || t('tickets.transcript.attachment')))));
}

function messageNode(m, customerName) {
  const side = m.senderType === 'visitor' ? 'in' : 'out';
  return h('li', {
    class: ['tk-msg', `tk-msg-${side}`, m.private && 'tk-msg-note'], 'data-testid': 'transcript-message',
    'data-sender-type': m.senderType, 'data-seq': m.seq ?? '',
  },
  h('div', { class: 'tk-msg-meta' },
    h('span', { class: 'tk-msg-author' }, senderText(m, customerName)),
    m.private ? h('span', { class: 'tk-msg-note-label' }, t('tickets.transcript.note')) : null,
    h('time', { datetime: m.createdAt || '', title: formatDateTime(m.createdAt) }, clockTime(m.createdAt))),
  m.text ? h('div', { class: 'tk-msg-text', 'data-testid': 'transcript-text' }, linkify(m.text)) : null,
  attachmentLinks(m));
}

/** conversationId, customerName, open (unfolded at first). Returns {el, refresh, destroy}. */
export function createTranscript({ conversationId, customerName, open = false }) {
  const state = { messages: new Map(), hasMore: false, loaded: false, loading: false, error: null, destroyed: false };
  const body = h('div', { class: 'tk-transcript-body' });
  const count = h('span', { class: 'tk-transcript-count muted', 'data-testid': 'transcript-count' });
  const summary = h('summary', { class: 'tk-transcript-summary', 'data-testid': 'transcript-toggle' },
    h('span', { class: 'tk-transcript-title' }, t('tickets.transcript.title')),
    count,
    h('a', {
      href: `#/conversations/${encodeURIComponent(conversationId)}`, class: 'tk-transcript-open', 'data-testid': 'transcript-open-conversation',
      onclick: (event) => event.stopPropagation(),
    }, t('tickets.transcript.openConversation')));
  const el = h('details', { class: 'tk-transcript', 'data-testid': 'ticket-transcript', 'data-conversation-id': conversationId, open }, summary, body);

  function draw() {
    const list = Array.from(state.messages.values()).filter((m) => m.senderType !== 'system').sort((a, b) => a.seq - b.seq);
    const shown = { count: list.length };
    if (!state.loaded) count.textContent = '';
    else count.textContent = state.hasMore ? t('tickets.transcript.countMore', shown) : t('tickets.transcript.count', shown);
    if (state.error && !state.loaded) {
      body.replaceChildren(h('div', { class: 'tk-transcript-error', role: 'alert' },
        h('span', { class: 'inline-error' }, ticketErrorText(state.error)),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => load() }, t('app.common.retry'))));
      return;
    }
    if (!state.loaded) {
      body.replaceChildren(h('p', { class: 'muted tk-transcript-loading' }, t('app.common.loading')));
      return;
    }
    const items = [];
    let day = '';
    for (const m of list) {
      const key = dayKey(m.createdAt);
      if (key && key !== day) {
        day = key;
        items.push(h('li', { class: 'tk-msg-day' }, h('span', null, dayLabel(m.createdAt))));
      }
      items.push(messageNode(m, customerName));
    }
    mount(body,
      state.hasMore ? h('button', {
        type: 'button', class: 'btn btn-small tk-transcript-more', 'data-testid': 'transcript-more', disabled: state.loading,
        onclick: () => load({ older: true }),
      }, t('tickets.transcript.older')) : null,
      items.length ? h('ol', { class: 'tk-msgs', 'data-testid': 'transcript-messages' }, items)
        : h('p', { class: 'muted' }, t('tickets.transcript.empty')));
  }

  async function load({ older = false } = {}) {
    if (state.loading) return;
    state.loading = true;
    if (!older) draw();
    const seqs = Array.from(state.messages.keys());
    const params = { limit: PAGE, beforeSeq: older && seqs.length ? Math.min(...seqs) : null };
    try {
      const data = await api.get(`/api/v1/conversations/${encodeURIComponent(conversationId)}/messages${query(params)}`);
      if (state.destroyed) return;
      for (const m of (data && data.items) || []) if (typeof m.seq === 'number') state.messages.set(m.seq, m);
      if (older || !state.loaded) state.hasMore = Boolean(data && data.hasMore);
      state.loaded = true;
      state.error = null;
    } catch (error) {
      if (state.destroyed) return;
      state.error = error;
    } finally {
      state.loading = false;
    }
    draw();
  }

  el.addEventListener('toggle', () => { if (el.open && !state.loaded && !state.loading) load(); });
  draw();
  if (open) load();

  return {
    el,
    /** Looks again for new messages (once it has been opened). */
    refresh: () => { if (state.loaded) load(); },
    destroy() { state.destroyed = true; },
  };
}
