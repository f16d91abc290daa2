// The messages of one conversation (centre column): oldest → newest by seq,
// paging up through history, live messages, pending sends, read receipts,
// the typing indicator, and marking the conversation read while it is seen.
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, formatDateTime } from '../i18n.js';
import { user } from '../session.js';
import { agentLabel, clockTime, dayKey, dayLabel, linkify, statusLabel } from './format.js';
import * as outbox from './outbox.js';
import { isViewing, setUnread } from './runtime.js';
import { articleLinks } from '../knowledge/bot.js';
import { icon } from '../icons.js';
import { openPhraseDialog } from '../phrases/dialog.js';
import { formatMoney, orderStatusChip } from '../orders/shared.js';
import { caseCardOf, caseCardNode } from '../cases/chatcard.js';

const PAGE = 50;
const PAGE_MAX = 200; // the most messages one history request may ask for
const TYPING_TTL_MS = 6000;
const FOUND_MS = 4000; // how long a message found by search stays highlighted

function isImage(attachment) {
  return /^image\//i.test(attachment.contentType || '');
}

/** Message text with links; in private notes @mentions stand out. */
function textNodes(text, mentions) {
  const nodes = linkify(text);
  if (!mentions) return nodes;
  const out = [];
  for (const node of nodes) {
    if (node.nodeType !== Node.TEXT_NODE) { out.push(node); continue; }
    const parts = node.textContent.split(/(@[^\s@,.;:!?]+)/);
    for (const part of parts) {
      if (!part) continue;
      out.push(part.startsWith('@') ? h('span', { class: 'mention' }, part) : document.createTextNode(part));
    }
  }
  return out;
}

/** A system message (status changed, assigned, transferred, merged) in the interface language. */
function systemText(m) {
  const actor = m.sender && (m.sender.name || m.sender.agentNumber !== undefined) ? agentLabel(m.sender) : t('conversations.chat.agent');
  const detail = m.text || '';
  switch (m.event) {
    case 'conversation.status':
      return t('conversations.chat.eventStatus', { actor, status: statusLabel(detail) });
    case 'conversation.assigned': {
      const parts = /^(\d+) (.+)$/.exec(detail);
      return t('conversations.chat.eventAssigned', { actor, name: parts ? agentLabel({ agentNumber: parts[1], name: parts[2] }) : detail });
    }
    case 'conversation.reassigned': {
      const parts = /^(\d+) (.+)$/.exec(detail);
      return t('conversations.chat.eventReassigned', { name: parts ? agentLabel({ agentNumber: parts[1], name: parts[2] }) : detail });
    }
    case 'conversation.unassigned':
      return t('conversations.chat.eventUnassigned', { actor });
    case 'conversation.transferred':
      return t('conversations.chat.eventTransferred', { actor, name: detail });
    case 'conversation.merged':
      return t('conversations.chat.eventMerged', { actor, count: detail });
    case 'conversation.handover':
      return t('knowledge.eventHandover');
    case 'automation.fired':
      return t('automation.timeline.fired', { rule: detail });
    default:
      return detail || m.event || '';
  }
}

/** The card of an order or product card message (payload type "card.*"), or null. */
function cardOf(m) {
  const payload = m && m.payload;
  if (!payload || typeof payload.type !== 'string' || !payload.type.startsWith('card.')) return null;
  return payload.card && typeof payload.card === 'object' && payload.card.title ? payload.card : null;
}

/** A compact card: what kind, the title, the amount and, for an order, its status. */
function cardNode(card) {
  const kind = card.kind === 'product' ? 'product' : 'order';
  const amount = card.amount !== null && card.amount !== undefined && card.currency ? formatMoney(card.amount, card.currency) : '';
  return h('div', { class: ['msg-card', `msg-card-${kind}`], 'data-testid': 'msg-card', 'data-kind': kind, 'data-external-id': card.externalId || '' },
    h('div', { class: 'msg-card-head' },
      h('span', { class: 'msg-card-kind' }, kind === 'product' ? t('orders.cardProduct') : t('orders.cardOrder')),
      kind === 'order' && card.status ? orderStatusChip(card.status, { 'data-testid': 'msg-card-status' }) : null),
    h('div', { class: 'msg-card-title', 'data-testid': 'msg-card-title' }, card.title),
    card.subtitle ? h('div', { class: 'msg-card-sub' }, card.subtitle) : null,
    h('div', { class: 'msg-card-foot' },
      amount ? h('span', { class: 'msg-card-price', 'data-testid': 'msg-card-price' }, amount) : null));
}

/** A reply this agent sent (acknowledged, public, with text): it can become a quick phrase. */
function savableAsPhrase(m, me) {
  if (m.senderType !== 'agent' || m.private || !m.text || !String(m.text).trim() || !me) return false;
  if (cardOf(m) || caseCardOf(m)) return false;
  const senderId = m.sender && m.sender.id;
  return !senderId || String(senderId).toLowerCase() === String(me.id).toLowerCase();
}

function savePhraseButton(m) {
  return h('button', {
    type: 'button', class: 'msg-action msg-save-phrase', 'data-testid': 'msg-save-phrase',
    title: t('phrases.saveFromMessage'), 'aria-label': t('phrases.saveFromMessage'),
    onclick: () => openPhraseDialog({ prefill: { text: String(m.text).trim(), scope: 'personal' } }),
  }, icon('bookmark', 'icon msg-action-icon'), h('span', { class: 'msg-action-label' }, t('phrases.saveShort')));
}

function attachmentNodes(attachments, previews = []) {
  const items = [];
  attachments.forEach((a, index) => {
    const url = previews[index] || a.url;
    if (!url) return;
    if (isImage(a) || previews[index]) {
      items.push(h('a', {
        class: 'msg-image-link', href: url, target: '_blank', rel: 'noopener noreferrer', title: a.name || '',
        'data-testid': 'msg-image-link',
      }, h('img', { class: 'msg-image', src: url, alt: a.name || t('conversations.chat.image'), loading: 'lazy', 'data-testid': 'msg-image' })));
    } else {
      items.push(h('a', { class: 'msg-file', href: url, target: '_blank', rel: 'noopener noreferrer' }, a.name || t('conversations.chat.attachment')));
    }
  });
  return items.length ? h('div', { class: 'msg-attachments' }, items) : null;
}

export function createThread({ conversation, socket }) {
  const id = conversation.id;
  const me = user();
  const state = {
    messages: new Map(), // seq → Message
    hasMore: false,
    loaded: false,
    loadingOlder: false,
    visitorReadSeq: Number(conversation.visitorReadSeq) || 0,
    // Whether we know how far the shopper read: the server told us (visitorReadSeq or a
    // read frame). Until then only messages that arrived while open are marked unread.
    readKnown: typeof conversation.visitorReadSeq === 'number',
    sentReadSeq: 0,
    typing: new Map(), // sender key → {label, until}
    nodes: new Map(), // message key → {version, el}
    olderRequest: null, // the page of older messages on its way
    revealToken: 0,
    found: null, // the message node highlighted by reveal()
    foundTimer: null,
    gone: false,
  };

  const older = h('button', {
    type: 'button', class: 'btn btn-small thread-older', 'data-testid': 'thread-older', hidden: true, onclick: () => loadOlder(),
  }, t('conversations.chat.loadOlder'));
  const list = h('div', { class: 'thread-messages', 'data-testid': 'thread-messages' });
  const typingLine = h('div', { class: 'typing-line', 'data-testid': 'typing-indicator', 'aria-live': 'polite', hidden: true });
  const scroller = h('div', { class: 'thread-scroll', 'data-testid': 'thread-scroll', tabindex: '0', 'aria-label': t('conversations.chat.messages') },
    h('div', { class: 'thread-top' }, older), list);
  const el = h('div', { class: 'thread' }, scroller, typingLine);

  // ---- ordering ----
  function maxSeq() {
    let max = 0;
    for (const seq of state.messages.keys()) if (seq > max) max = seq;
    return max;
  }
  function minSeq() {
    let min = Infinity;
    for (const seq of state.messages.keys()) if (seq < min) min = seq;
    return min === Infinity ? 0 : min;
  }

  function add(message) {
    if (!message || typeof message.seq !== 'number') return false;
    const existing = state.messages.get(message.seq);
    state.messages.set(message.seq, existing && existing.provisional ? message : (existing || message));
    return !existing || existing.provisional;
  }

  // ---- rendering ----
  function readState(m) {
    if (m.senderType !== 'agent' || m.private) return '';
    if (m.seq <= state.visitorReadSeq) return 'read';
    return state.readKnown || m.live ? 'unread' : '';
  }

  function authorLabel(m) {
    if (m.senderType === 'agent') {
      if (m.sender && (m.sender.name || m.sender.agentNumber !== undefined)) return agentLabel(m.sender);
      return t('conversations.chat.agent');
    }
    if (m.senderType === 'bot') {
      // Automatic replies (the greeting names its agent) are marked as such.
      const named = m.sender && m.sender.agentNumber !== undefined && m.sender.agentNumber !== null
        ? agentLabel(m.sender) : (m.sender && m.sender.name);
      const auto = m.payload && typeof m.payload.type === 'string' && m.payload.type.startsWith('auto.');
      // Order messages without a stored sender (a price change approved later, a payment
      // confirmation, an automatic reminder) speak for the shop.
      if (!named && m.payload && typeof m.payload.type === 'string' && m.payload.type.startsWith('order.')) return t('orders.shopSender');
      if (!named) return t('conversations.chat.bot');
      return auto ? `${named} · ${t('conversations.chat.bot')}` : named;
    }
    return '';
  }

  function messageNode(m, pending) {
    const kind = m.private ? 'note' : m.senderType;
    const mine = m.senderType === 'agent' || m.senderType === 'bot' || m.private;
    if (m.senderType === 'system') {
      return h('div', { class: 'msg msg-system', 'data-testid': 'msg', 'data-seq': m.seq, 'data-sender-type': 'system' },
        h('span', { class: 'msg-system-text', 'data-testid': 'msg-text' }, systemText(m)),
        h('time', { class: 'msg-time', datetime: m.createdAt || '' }, clockTime(m.createdAt)));
    }
    const author = authorLabel(m);
    const read = readState(m);
    const card = cardOf(m);
    const caseCard = caseCardOf(m);
    let status = null;
    if (pending) {
      status = pending.state === 'failed'
        ? h('span', { class: 'msg-status is-failed', 'data-testid': 'msg-failed' },
          h('span', null, pending.error ? errorText(pending.error) : t('conversations.chat.sendFailed')),
          h('button', { type: 'button', class: 'link-btn', 'data-testid': 'msg-retry', onclick: () => outbox.retry(m.clientMessageId) }, t('conversations.chat.retry')),
          h('button', { type: 'button', class: 'link-btn', onclick: () => outbox.discard(m.clientMessageId) }, t('conversations.chat.discard')))
        : h('span', { class: 'msg-status is-pending', 'data-testid': 'msg-pending' }, t('conversations.chat.sending'));
    } else if (read) {
      status = h('span', { class: ['msg-status', `is-${read}`], 'data-testid': 'msg-read-state', 'data-read': read },
        read === 'read' ? t('conversations.chat.read') : t('conversations.chat.unread'));
    }
    return h('div', {
      class: ['msg', `msg-${kind}`, mine ? 'msg-out' : 'msg-in', pending && 'is-pending'],
      'data-testid': 'msg', 'data-seq': m.seq ?? '', 'data-sender-type': m.senderType, 'data-private': m.private ? 'true' : 'false',
      'data-client-id': m.clientMessageId || '',
    },
    h('div', { class: 'msg-meta' },
      author ? h('span', { class: 'msg-author', 'data-testid': 'msg-author' }, author) : null,
      m.private ? h('span', { class: 'note-label', 'data-testid': 'note-label' }, t('conversations.chat.privateNote')) : null,
      h('time', { class: 'msg-time', datetime: m.createdAt || '', title: formatDateTime(m.createdAt) }, clockTime(m.createdAt)),
      !pending && savableAsPhrase(m, me) ? savePhraseButton(m) : null),
    h('div', { class: ['msg-bubble', (card || caseCard) && 'msg-bubble-card'] },
      card ? cardNode(card) : null,
      caseCard ? caseCardNode(caseCard) : null,
      !card && !caseCard && m.text ? h('div', { class: 'msg-text', 'data-testid': 'msg-text' }, textNodes(m.text, m.private)) : null,
      attachmentNodes(m.attachments || [], pending ? pending.previews : [])),
    articleLinks(m),
    status);
  }

  function nodeFor(key, version, build) {
    const cached = state.nodes.get(key);
    if (cached && cached.version === version) return cached.el;
    const el = build();
    state.nodes.set(key, { version, el });
    return el;
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function scrollToBottom() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  function draw({ stick = nearBottom(), keepFrom = null } = {}) {
    const seqs = Array.from(state.messages.keys()).sort((a, b) => a - b);
    const children = [];
    const used = new Set();
    let lastDay = '';
    for (const seq of seqs) {
      const m = state.messages.get(seq);
      const day = dayKey(m.createdAt);
      if (day && day !== lastDay) {
        children.push(h('div', { class: 'day-sep', role: 'separator' }, h('span', null, dayLabel(m.createdAt))));
        lastDay = day;
      }
      const key = m.provisional ? `c:${m.clientMessageId}` : `m:${m.id || seq}`;
      used.add(key);
      children.push(nodeFor(key, `${m.seq}|${readState(m)}|${m.provisional ? 'p' : ''}`, () => messageNode(m, null)));
    }
    const stored = new Set();
    for (const m of state.messages.values()) if (m.clientMessageId) stored.add(outbox.idKey(m.clientMessageId));
    for (const entry of outbox.pendingFor(id)) {
      const frame = entry.frame;
      if (stored.has(outbox.idKey(frame.clientMessageId))) continue; // its message came before its ack
      const m = {
        seq: null, senderType: 'agent', private: Boolean(frame.private), text: frame.text, clientMessageId: frame.clientMessageId,
        createdAt: entry.createdAt, sender: me ? { id: me.id, name: me.displayName, agentNumber: me.agentNumber } : null,
        attachments: entry.attachments || [],
      };
      const key = `p:${frame.clientMessageId}`;
      used.add(key);
      children.push(nodeFor(key, `${entry.state}|${entry.error ? entry.error.code : ''}`, () => messageNode(m, entry)));
    }
    for (const key of Array.from(state.nodes.keys())) if (!used.has(key)) state.nodes.delete(key);
    if (!children.length && state.loaded) {
      children.push(h('div', { class: 'thread-empty' }, t('conversations.chat.noMessages')));
    }
    const before = keepFrom ? scroller.scrollHeight - scroller.scrollTop : 0;
    list.replaceChildren(...children);
    older.hidden = !state.hasMore;
    if (keepFrom) scroller.scrollTop = scroller.scrollHeight - before;
    else if (stick) scrollToBottom();
  }

  // Images change the height when they arrive: stay at the bottom if we were there.
  list.addEventListener('load', (event) => {
    if (event.target.tagName === 'IMG' && state.stuck) scrollToBottom();
  }, true);
  scroller.addEventListener('scroll', () => {
    state.stuck = nearBottom();
    if (scroller.scrollTop < 60 && state.hasMore && !state.loadingOlder && state.loaded) loadOlder();
  }, { passive: true });

  // ---- typing ----
  function drawTyping() {
    const now = Date.now();
    for (const [key, entry] of state.typing) if (entry.until < now) state.typing.delete(key);
    const labels = Array.from(state.typing.values()).map((e) => e.label);
    typingLine.hidden = !labels.length;
    typingLine.replaceChildren(...(labels.length ? [
      h('span', { class: 'typing-dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
      h('span', null, labels.join(t('conversations.chat.listSeparator'))),
    ] : []));
  }
  const typingTimer = setInterval(drawTyping, 1000);

  // ---- reading ----
  function markRead() {
    const seq = maxSeq();
    if (!seq || !isViewing(id)) return;
    setUnread(id, 0);
    if (seq <= state.sentReadSeq) return;
    state.sentReadSeq = seq;
    if (!socket.send({ type: 'read', conversationId: id, seq })) {
      api.post(`/api/v1/conversations/${encodeURIComponent(id)}/read`, { seq }).catch(() => { state.sentReadSeq = 0; });
    }
  }
  const onVisible = () => { if (document.visibilityState === 'visible') markRead(); };
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('focus', onVisible);

  // ---- loading ----
  async function loadInitial() {
    try {
      const data = await api.get(`/api/v1/conversations/${encodeURIComponent(id)}/messages${query({ limit: PAGE })}`);
      for (const m of (data && data.items) || []) add(m);
      state.hasMore = Boolean(data && data.hasMore);
      state.loaded = true;
      draw({ stick: true });
      state.stuck = true;
      markRead();
    } catch (error) {
      list.replaceChildren(h('div', { class: 'thread-empty inline-error', role: 'alert' },
        h('p', null, errorText(error)),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => loadInitial() }, t('app.common.retry'))));
    }
  }

  /** One page further back (`limit` messages); resolves true when it arrived. A call while
   * a page is on its way waits for that page. */
  function loadOlder(limit = PAGE) {
    if (state.olderRequest) return state.olderRequest;
    if (!state.hasMore) return Promise.resolve(false);
    state.loadingOlder = true;
    older.disabled = true;
    state.olderRequest = (async () => {
      try {
        const data = await api.get(`/api/v1/conversations/${encodeURIComponent(id)}/messages${query({ beforeSeq: minSeq(), limit })}`);
        for (const m of (data && data.items) || []) add(m);
        state.hasMore = Boolean(data && data.hasMore);
        draw({ keepFrom: true, stick: false });
        return true;
      } catch {
        // The button stays; the agent can try again.
        return false;
      } finally {
        state.loadingOlder = false;
        state.olderRequest = null;
        older.disabled = false;
      }
    })();
    return state.olderRequest;
  }

  /**
   * Scrolls to the message `seq` (a search hit) and highlights it for a moment, first
   * loading older pages until it is there.
   */
  async function reveal(seq) {
    const mine = ++state.revealToken;
    await ready;
    while (mine === state.revealToken && !state.gone && state.loaded && !state.messages.has(seq) && state.hasMore && minSeq() > seq) {
      const limit = Math.min(PAGE_MAX, Math.max(PAGE, minSeq() - seq + 10));
      if (!(await loadOlder(limit))) return;
    }
    if (mine !== state.revealToken || state.gone) return;
    const node = list.querySelector(`[data-testid="msg"][data-seq="${Number(seq)}"]`);
    if (!node) return;
    // Centred in the thread (scrollIntoView would move the page around it too).
    const box = scroller.getBoundingClientRect();
    const at = node.getBoundingClientRect();
    scroller.scrollTop += at.top - box.top - Math.max(0, (scroller.clientHeight - at.height) / 2);
    state.stuck = nearBottom();
    if (state.found) state.found.classList.remove('is-found');
    clearTimeout(state.foundTimer);
    node.classList.add('is-found');
    state.found = node;
    state.foundTimer = setTimeout(() => {
      node.classList.remove('is-found');
      if (state.found === node) state.found = null;
    }, FOUND_MS);
  }

  function resume() {
    if (!state.loaded) return;
    socket.send({ type: 'resume', conversationId: id, afterSeq: maxSeq() });
  }

  // ---- live frames ----
  const offs = [
    socket.on('message', (frame) => {
      const m = frame.message;
      if (!m || (frame.conversationId || m.conversationId) !== id) return;
      const before = maxSeq();
      const gap = state.loaded && before > 0 && m.seq > before + 1;
      const stick = nearBottom() || (m.senderType === 'agent' && me && m.sender && m.sender.id === me.id);
      if (add(state.loaded ? { ...m, live: true } : m)) draw({ stick });
      if (m.senderType === 'visitor') {
        state.typing.delete('visitor');
        drawTyping();
      }
      // A hole before this message (a frame lost while the link wobbled): replay what is missing.
      if (gap) socket.send({ type: 'resume', conversationId: id, afterSeq: before });
      markRead();
    }),
    socket.on('read', (frame) => {
      if (frame.conversationId !== id || frame.reader !== 'visitor') return;
      if ((frame.seq || 0) > state.visitorReadSeq || !state.readKnown) {
        state.visitorReadSeq = Math.max(state.visitorReadSeq, frame.seq || 0);
        state.readKnown = true;
        draw({ stick: nearBottom() });
      }
    }),
    socket.on('typing', (frame) => {
      if (frame.conversationId !== id || !frame.sender) return;
      const key = frame.sender.type === 'visitor' ? 'visitor' : `${frame.sender.type}:${frame.sender.name || ''}`;
      if (frame.typing === false) {
        state.typing.delete(key);
      } else {
        const label = frame.sender.type === 'visitor'
          ? t('conversations.chat.visitorTyping')
          : t('conversations.chat.someoneTyping', { name: frame.sender.name || t('conversations.chat.agent') });
        state.typing.set(key, { label, until: Date.now() + TYPING_TTL_MS });
      }
      drawTyping();
    }),
    socket.on('status', ({ state: s, reconnected }) => { if (s === 'open' && reconnected) resume(); }),
    outbox.onOutboxChange((conversationId, settled) => {
      if (conversationId !== id) return;
      if (settled && settled.ack && typeof settled.ack.seq === 'number' && !state.messages.has(settled.ack.seq)) {
        const frame = settled.entry.frame;
        add({
          id: settled.ack.messageId, conversationId: id, seq: settled.ack.seq, senderType: 'agent',
          sender: me ? { id: me.id, name: me.displayName, agentNumber: me.agentNumber } : null,
          text: frame.text || '', private: Boolean(frame.private), attachments: settled.entry.attachments || [],
          clientMessageId: frame.clientMessageId, createdAt: settled.ack.createdAt, provisional: true, live: true,
        });
      }
      draw({ stick: true });
    }),
  ];

  const ready = loadInitial();

  return {
    el,
    focus: () => scroller.focus(),
    maxSeq,
    markRead,
    reveal,
    /** The conversation changed (e.g. the server says the visitor read up to a seq). */
    update(c) {
      if (!c || typeof c.visitorReadSeq !== 'number') return;
      if (c.visitorReadSeq > state.visitorReadSeq || !state.readKnown) {
        state.visitorReadSeq = Math.max(state.visitorReadSeq, c.visitorReadSeq);
        state.readKnown = true;
        draw();
      }
    },
    destroy() {
      state.gone = true;
      for (const off of offs) off();
      clearInterval(typingTimer);
      clearTimeout(state.foundTimer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    },
  };
}
