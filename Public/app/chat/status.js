// The agent's own status (online / busy / away / offline) in the top bar. Choosing one
// sends the socket frame {"type":"presence","status"}; `presence` frames about this
// member (from this tab, another tab, or the server) are reflected. Auto-away: after
// N minutes without keyboard, mouse or touch in the workbench (N = the smallest
// non-zero `autoAwayMinutes` of the member's inboxes, 10 when unknown) an online
// agent is set away, and set online again on the next activity — only when it was
// the auto-away that set it. Activity and the auto-away mark are shared between
// the member's tabs through localStorage.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { user } from '../session.js';
import { dismissable } from '../ui.js';
import { chatSocket, loadDirectory } from './runtime.js';

export const PRESENCE = ['online', 'busy', 'away', 'offline'];
const DEFAULT_AWAY_MINUTES = 10;
const CHECK_EVERY_MS = 10000;
const SHARE_EVERY_MS = 10000;
const WANTED_KEY = 'kefu_presence';

const LABELS = {
  online: () => t('routing.status.online'),
  busy: () => t('routing.status.busy'),
  away: () => t('routing.status.away'),
  offline: () => t('routing.status.offline'),
};
const HINTS = {
  online: () => t('routing.status.onlineHint'),
  busy: () => t('routing.status.busyHint'),
  away: () => t('routing.status.awayHint'),
  offline: () => t('routing.status.offlineHint'),
};

export function presenceLabel(status) {
  return LABELS[status] ? LABELS[status]() : String(status || '');
}

/** A coloured dot for a status (green, red, amber, grey). */
export function statusDot(status, extra = null) {
  const known = PRESENCE.includes(status) ? status : 'offline';
  return h('span', { class: ['presence-dot', `presence-${known}`, extra], 'data-status': known, 'aria-hidden': 'true' });
}

function same(a, b) {
  return Boolean(a) && Boolean(b) && String(a).toLowerCase() === String(b).toLowerCase();
}

// ---- state (one per signed-in tab; survives the top bar being drawn again) -------------

const state = {
  socket: null,
  userId: null,
  status: null, // what the server last said (or what we just chose)
  wanted: null, // what this tab chose: sent again after a reconnect
  auto: false, // the current "away" is the auto-away's
  minutes: DEFAULT_AWAY_MINUTES,
  lastActive: Date.now(),
  sharedAt: 0,
  timer: null,
  offs: [],
};
const views = new Set(); // redraw functions of the selectors on the page

function notify() {
  for (const view of Array.from(views)) {
    if (!view.el.isConnected && view.drawn) { views.delete(view); continue; }
    view.draw();
  }
}

function storageKey(name) {
  return `kefu_${name}:${state.userId}`;
}

function readStore(store, key) {
  try { return window[store].getItem(key); } catch { return null; }
}

function writeStore(store, key, value) {
  try {
    if (value === null) window[store].removeItem(key);
    else window[store].setItem(key, value);
  } catch {
    // Storage may be disabled: this tab still works on its own.
  }
}

function autoMarked() {
  return state.auto || readStore('localStorage', storageKey('auto_away')) === '1';
}

function setAutoMark(on) {
  state.auto = on;
  writeStore('localStorage', storageKey('auto_away'), on ? '1' : null);
}

/** Sends `status` (now, or when the socket is back) and shows it at once. */
function choose(status, { auto = false } = {}) {
  if (!PRESENCE.includes(status)) return;
  state.wanted = status;
  writeStore('sessionStorage', WANTED_KEY, JSON.stringify({ userId: state.userId, status }));
  setAutoMark(auto);
  state.status = status;
  if (state.socket) state.socket.send({ type: 'presence', status });
  notify();
}

/** The member picked a status in the menu. */
export function setPresence(status) {
  choose(status, { auto: false });
}

export function currentPresence() {
  return state.status;
}

// ---- activity and auto-away ----------------------------------------------------------

function lastActivity() {
  const shared = Number(readStore('localStorage', storageKey('activity'))) || 0;
  return Math.max(state.lastActive, shared);
}

function onActivity() {
  const now = Date.now();
  state.lastActive = now;
  if (now - state.sharedAt > SHARE_EVERY_MS) {
    state.sharedAt = now;
    writeStore('localStorage', storageKey('activity'), String(now));
  }
  if (state.status === 'away' && autoMarked()) choose('online');
}

function check() {
  if (chatSocket() !== state.socket || !user() || !same(user().id, state.userId)) {
    stop();
    ensurePresence();
    return;
  }
  if (!state.minutes || state.status !== 'online') return;
  if (Date.now() - lastActivity() >= state.minutes * 60000) choose('away', { auto: true });
}

const ACTIVITY_EVENTS = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart', 'focus'];

async function loadAwayMinutes(me) {
  const ids = Array.isArray(me.inboxIds) ? me.inboxIds : [];
  const answers = await Promise.all(ids.map((id) => api.get(`/api/v1/inboxes/${encodeURIComponent(id)}/settings`).catch(() => null)));
  const known = answers.filter((s) => s && typeof s.autoAwayMinutes === 'number');
  if (!known.length) return DEFAULT_AWAY_MINUTES;
  const on = known.map((s) => s.autoAwayMinutes).filter((m) => m > 0);
  // Every inbox that answered has it off: no auto-away.
  return on.length ? Math.min(...on) : 0;
}

function stop() {
  for (const off of state.offs) off();
  state.offs = [];
  clearInterval(state.timer);
  state.timer = null;
  for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity, true);
  state.socket = null;
  state.userId = null;
  state.status = null;
  state.wanted = null;
  state.auto = false;
}

/** Starts following the member's status for the running chat socket (idempotent). */
export function ensurePresence() {
  const socket = chatSocket();
  const me = user();
  if (!socket || !me) {
    if (state.socket) stop();
    return;
  }
  if (state.socket === socket && same(state.userId, me.id)) return;
  stop();
  state.socket = socket;
  state.userId = me.id;
  state.lastActive = Date.now();
  state.minutes = DEFAULT_AWAY_MINUTES;
  try {
    const saved = JSON.parse(readStore('sessionStorage', WANTED_KEY) || 'null');
    if (saved && same(saved.userId, me.id) && PRESENCE.includes(saved.status)) state.wanted = saved.status;
  } catch {
    // a broken entry: start from what the server says
  }
  state.offs = [
    socket.on('presence', (frame) => {
      if (!same(frame.userId, state.userId) || !PRESENCE.includes(frame.status)) return;
      state.status = frame.status;
      // Another tab (or this one) chose it: that is what to restore after a reconnect.
      if (state.wanted && state.wanted !== frame.status) {
        state.wanted = frame.status;
        writeStore('sessionStorage', WANTED_KEY, JSON.stringify({ userId: state.userId, status: frame.status }));
      }
      if (frame.status !== 'away') setAutoMark(false);
      notify();
    }),
    socket.on('status', ({ state: link }) => {
      if (link === 'open' && state.wanted) socket.send({ type: 'presence', status: state.wanted });
      notify();
    }),
  ];
  if (socket.connected && state.wanted) socket.send({ type: 'presence', status: state.wanted });
  if (state.wanted) state.status = state.wanted;
  for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { capture: true, passive: true });
  state.timer = setInterval(check, CHECK_EVERY_MS);

  // What the server thinks now (GET /api/v1/agents carries `status`).
  loadDirectory().then((dir) => {
    if (state.socket !== socket || state.status) return;
    const mine = (dir.agents || []).find((a) => same(a.id, me.id));
    if (mine && PRESENCE.includes(mine.status)) {
      state.status = mine.status;
      notify();
    }
  }).catch(() => {});
  loadAwayMinutes(me).then((minutes) => {
    if (state.socket !== socket) return;
    state.minutes = minutes;
    notify();
  }).catch(() => {});
}

// ---- the selector ----------------------------------------------------------------------

/** The status button and its menu for the top bar. */
export function statusSelector() {
  ensurePresence();
  const label = h('span', { class: 'status-label', 'data-testid': 'status-label' });
  const dotSlot = h('span', { class: 'status-dot-slot' });
  const trigger = h('button', {
    type: 'button', class: 'status-trigger', 'data-testid': 'status-menu', 'aria-haspopup': 'menu',
  }, dotSlot, label, h('span', { class: 'status-caret', 'aria-hidden': 'true' }));
  const options = PRESENCE.map((status) => h('button', {
    type: 'button', role: 'menuitemradio', class: 'status-option', 'data-testid': `status-option-${status}`, 'data-status': status,
    onclick: () => { setPresence(status); menu.close(); trigger.focus(); },
  }, statusDot(status), h('span', { class: 'status-option-text' },
    h('span', { class: 'status-option-label' }, presenceLabel(status)),
    h('span', { class: 'status-option-hint' }, HINTS[status]()))));
  const autoNote = h('div', { class: 'status-auto-note', 'data-testid': 'status-auto-note' });
  const box = h('div', { class: 'popover status-popover', role: 'menu', 'data-testid': 'status-menu-list', 'aria-label': t('routing.status.title'), hidden: true },
    h('div', { class: 'popover-title' }, t('routing.status.title')), options, autoNote);
  const menu = dismissable(box, trigger);
  trigger.addEventListener('click', () => menu.toggle());
  const el = h('div', { class: 'topbar-status popover-anchor', 'data-testid': 'status-select-wrap' }, trigger, box);

  const view = {
    el,
    drawn: false,
    draw() {
      view.drawn = true;
      const status = state.status || 'online';
      const auto = status === 'away' && autoMarked();
      trigger.setAttribute('data-status', status);
      trigger.setAttribute('data-auto', String(auto));
      const text = auto ? t('routing.status.autoAway') : presenceLabel(status);
      label.textContent = text;
      trigger.title = t('routing.status.current', { status: text });
      trigger.setAttribute('aria-label', t('routing.status.current', { status: text }));
      dotSlot.replaceChildren(statusDot(status));
      for (const option of options) option.setAttribute('aria-checked', String(option.getAttribute('data-status') === status));
      autoNote.textContent = state.minutes ? t('routing.status.autoAwayNote', { minutes: state.minutes }) : t('routing.status.autoAwayOff');
      el.classList.toggle('is-disconnected', Boolean(state.socket) && !state.socket.connected);
    },
  };
  views.add(view);
  view.draw();
  return el;
}
