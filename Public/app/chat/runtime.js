// The live-chat runtime of a signed-in workbench: one agent socket for every
// page, unread counts per conversation (for the nav badge, the tab title and the
// list), the team and inbox directory, and the connection-lost banner.
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { AgentSocket } from './socket.js';
import * as outbox from './outbox.js';
import { setUnreadTotal, chime } from './notify.js';

let socket = null;
let unsubscribers = [];
let staleTimer = null;
let bannerTimer = null;
let viewing = null;
const unread = new Map();   // conversation id → unread visitor messages
const lastSeq = new Map();  // conversation id → newest seq we know of
const unreadListeners = new Set();
let directory = null;
let directoryAt = 0;

// ---- unread ------------------------------------------------------------------

function recompute() {
  let total = 0;
  for (const n of unread.values()) total += n;
  setUnreadTotal(total);
  for (const fn of Array.from(unreadListeners)) fn();
}

export function onUnreadChange(fn) {
  unreadListeners.add(fn);
  return () => unreadListeners.delete(fn);
}

/** The conversation the workspace shows (null: none). */
export function setViewing(id) {
  viewing = id || null;
}

/** True while the agent can see conversation `id` (open here, tab visible). */
export function isViewing(id) {
  return Boolean(id) && viewing === id && document.visibilityState === 'visible';
}

export function unreadOf(conversation) {
  if (!conversation) return 0;
  if (isViewing(conversation.id)) return 0;
  return unread.has(conversation.id) ? unread.get(conversation.id) : (conversation.unreadCount || 0);
}

export function setUnread(id, count) {
  if ((unread.get(id) || 0) === count && unread.has(id)) return;
  unread.set(id, count);
  recompute();
}

/** Takes the server's view of a conversation (list page, GET, conversation.updated). */
export function noteConversation(conversation) {
  if (!conversation || !conversation.id) return;
  const known = lastSeq.get(conversation.id) || 0;
  if (typeof conversation.lastSeq === 'number' && conversation.lastSeq >= known) {
    lastSeq.set(conversation.id, conversation.lastSeq);
    unread.set(conversation.id, isViewing(conversation.id) ? 0 : (conversation.unreadCount || 0));
    recompute();
  }
}

export function knownSeq(id) {
  return lastSeq.get(id) || 0;
}

async function seedUnread() {
  try {
    const data = await api.get(`/api/v1/conversations${query({ filter: 'all', status: 'open', limit: 100 })}`);
    for (const c of (data && data.items) || []) noteConversation(c);
  } catch {
    // The badge catches up with the next event.
  }
}

function onMessage(frame) {
  const message = frame.message;
  if (!message) return;
  const id = frame.conversationId || message.conversationId;
  const known = lastSeq.get(id) || 0;
  if (typeof message.seq === 'number') {
    if (message.seq <= known) return; // a replay or an event we already counted
    lastSeq.set(id, message.seq);
  }
  if (message.senderType !== 'visitor') return;
  if (isViewing(id)) return;
  unread.set(id, (unread.get(id) || 0) + 1);
  recompute();
  chime();
}

function onUpdated(frame) {
  const c = frame.conversation;
  if (!c || !c.id) return;
  lastSeq.set(c.id, Math.max(lastSeq.get(c.id) || 0, c.lastSeq || 0));
  unread.set(c.id, isViewing(c.id) ? 0 : (c.unreadCount || 0));
  recompute();
}

function onRead(frame) {
  if (frame.reader !== 'agent' || !frame.conversationId) return;
  if ((frame.seq || 0) >= (lastSeq.get(frame.conversationId) || 0)) setUnread(frame.conversationId, 0);
}

// ---- directory (agents, inboxes) ---------------------------------------------

/** {agents, inboxes}, cached for a minute; `fresh` forces a reload. */
export function loadDirectory(fresh = false) {
  if (!directory || fresh || Date.now() - directoryAt > 60000) {
    directoryAt = Date.now();
    directory = Promise.all([
      api.get('/api/v1/agents').catch(() => ({ items: [] })),
      api.get('/api/v1/inboxes').catch(() => ({ items: [] })),
    ]).then(([agents, inboxes]) => ({
      agents: ((agents && agents.items) || []).slice().sort((a, b) => (a.agentNumber ?? 1e9) - (b.agentNumber ?? 1e9)),
      inboxes: (inboxes && inboxes.items) || [],
    }));
    directory.catch(() => { directory = null; });
  }
  return directory;
}

// ---- banner -------------------------------------------------------------------

function banner() {
  let el = document.getElementById('conn-banner');
  if (!el) {
    el = h('div', { id: 'conn-banner', class: 'conn-banner', role: 'alert', 'data-testid': 'conn-banner', hidden: true },
      h('span', { class: 'conn-banner-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'conn-banner-text', 'data-i18n': 'conversations.chat.connectionLost' }, t('conversations.chat.connectionLost')),
      h('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': 'conn-reconnect', 'data-i18n': 'conversations.chat.reconnectNow',
        onclick: () => { if (socket) socket.reconnectNow(); },
      }, t('conversations.chat.reconnectNow')));
    document.body.appendChild(el);
  }
  return el;
}

function showBanner(show) {
  if (!show) {
    clearTimeout(bannerTimer);
    bannerTimer = null;
    const el = document.getElementById('conn-banner');
    if (el) el.hidden = true;
    document.body.classList.remove('chat-offline');
    return;
  }
  if (bannerTimer || document.body.classList.contains('chat-offline')) return;
  // Brief blips (a server restart, a network hand-over) do not flash the banner.
  bannerTimer = setTimeout(() => {
    bannerTimer = null;
    banner().hidden = false;
    document.body.classList.add('chat-offline');
  }, 1500);
}

// ---- lifecycle ------------------------------------------------------------------

/** The running agent socket (null when signed out). */
export function chatSocket() {
  return socket;
}

/** Starts the socket and the badges once a member is signed in; idempotent. */
export function startChat() {
  if (socket) return socket;
  socket = new AgentSocket();
  outbox.setSender((frame) => socket && socket.send(frame));
  unsubscribers = [
    socket.on('message', onMessage),
    socket.on('conversation.updated', onUpdated),
    socket.on('read', onRead),
    socket.on('ack', (frame) => { if (frame.clientMessageId) outbox.settle(frame.clientMessageId, frame); }),
    socket.on('error', (frame) => {
      if (!frame.ref || !outbox.has(frame.ref)) return;
      if (frame.code === 'rate_limited') {
        setTimeout(() => outbox.retry(frame.ref), 3000);
        return;
      }
      outbox.fail(frame.ref, { code: frame.code || 'unknown', serverMessage: frame.message || '', field: frame.field || null });
    }),
    // 1008: the member signed out elsewhere, changed the password or was deactivated. Ask
    // who we are: a 401 sends the workbench back to sign-in (and stops this socket).
    socket.on('close', ({ code }) => {
      if (code === 1008) api.get('/api/v1/auth/me').catch(() => {});
    }),
    socket.on('status', ({ state, reconnected }) => {
      showBanner(state !== 'open');
      if (state === 'open') {
        if (reconnected) {
          outbox.resendAll();
          seedUnread();
        }
      }
    }),
  ];
  staleTimer = setInterval(() => {
    if (socket && socket.connected) outbox.resendStale(15000);
  }, 5000);
  socket.start();
  seedUnread();
  return socket;
}

export function stopChat() {
  for (const off of unsubscribers) off();
  unsubscribers = [];
  clearInterval(staleTimer);
  staleTimer = null;
  if (socket) socket.stop();
  socket = null;
  outbox.setSender(null);
  outbox.clearAll();
  showBanner(false);
  unread.clear();
  lastSeq.clear();
  directory = null;
  viewing = null;
  setUnreadTotal(0);
}
