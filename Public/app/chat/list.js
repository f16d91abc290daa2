// The conversation list (left column): mine / unassigned / all, status and inbox
// filters, newest activity first, cursor paging, live updates from the socket. A row with a
// running SLA clock shows its next due time (sla/due.js: one request for the rows shown).
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { user } from '../session.js';
import {
  FILTERS, STATUSES, filterLabel, statusLabel, priorityLabel, contactName, relativeTime, previewText, agentLabel, avatar,
} from './format.js';
import { unreadOf, onUnreadChange, noteConversation } from './runtime.js';
import { botBadge } from '../knowledge/bot.js';
import { createDueLoader, fillDueSlots } from '../sla/due.js';
import { dueBadge } from '../sla/shared.js';

const PAGE = 30;
const PREFS_KEY = 'kefu_conv_filters';

function loadPrefs() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(PREFS_KEY) || '{}');
    return {
      filter: FILTERS.includes(saved.filter) ? saved.filter : 'all',
      status: saved.status === '' || STATUSES.includes(saved.status) ? saved.status : 'open',
      inboxId: typeof saved.inboxId === 'string' ? saved.inboxId : '',
    };
  } catch {
    return { filter: 'all', status: 'open', inboxId: '' };
  }
}

function savePrefs(prefs) {
  try {
    window.localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // Private mode: the filters just are not remembered.
  }
}

function activityTime(c) {
  const time = Date.parse(c.lastMessageAt || c.createdAt || '');
  return Number.isNaN(time) ? 0 : time;
}

/**
 * socket: the AgentSocket; directory: Promise<{agents, inboxes}>;
 * openId(): the conversation shown in the centre; search: the message search
 * (chat/search.js), whose box sits above the filters and whose hits replace the list.
 */
export function createList({ socket, directory, openId, search = null }) {
  const prefs = loadPrefs();
  const state = {
    ...prefs,
    items: [],
    next: null,
    loading: false,
    error: null,
    loadToken: 0,
    agents: new Map(),
    inboxes: [],
  };
  const fetching = new Set();
  // The next SLA due time of the rows shown; put in their rows when they arrive.
  const dues = createDueLoader('conversation', () => fillDueSlots(el, dues, dueBadge));

  // ---- controls ----
  const tabs = h('div', { class: 'conv-tabs', role: 'tablist', 'aria-label': t('conversations.filters') });
  const statusSelect = h('select', {
    class: 'conv-select', 'data-testid': 'conv-status-filter', 'aria-label': t('conversations.status'),
    onchange: () => { state.status = statusSelect.value; changed(); },
  },
  h('option', { value: '', selected: state.status === '' }, t('conversations.statusAll')),
  STATUSES.map((s) => h('option', { value: s, selected: s === state.status }, statusLabel(s))));
  const inboxSelect = h('select', {
    class: 'conv-select', 'data-testid': 'conv-inbox-filter', 'aria-label': t('conversations.inbox'),
    onchange: () => { state.inboxId = inboxSelect.value; changed(); },
  }, h('option', { value: '' }, t('conversations.inboxAll')));

  const rows = h('div', { class: 'conv-rows', role: 'list', 'data-testid': 'conv-list' });
  const more = h('button', {
    type: 'button', class: 'btn btn-small conv-more', 'data-testid': 'conv-more', hidden: true, onclick: () => loadPage(true),
  }, t('conversations.loadMore'));
  const sentinel = h('div', { class: 'conv-sentinel', 'aria-hidden': 'true' });
  const footer = h('div', { class: 'conv-foot' }, more);
  const scroller = h('div', { class: 'conv-scroll' }, rows, footer, sentinel);

  const el = h('div', { class: 'conv-list', 'data-testid': 'conv-list-panel' },
    h('div', { class: 'conv-list-head' },
      h('h1', { class: 'conv-list-title' }, t('conversations.title')),
      search ? search.field : null,
      tabs,
      h('div', { class: 'conv-filters' }, statusSelect, inboxSelect)),
    scroller,
    search ? search.panel : null);
  const offSearch = search ? search.onActiveChange((on) => el.classList.toggle('is-searching', on)) : () => {};

  function drawTabs() {
    tabs.replaceChildren(...FILTERS.map((f) => h('button', {
      type: 'button', role: 'tab', class: 'conv-tab', 'data-testid': `conv-filter-${f}`, 'data-filter': f,
      'aria-selected': String(f === state.filter),
      onclick: () => { if (state.filter !== f) { state.filter = f; changed(); } },
    }, filterLabel(f))));
  }

  function changed() {
    savePrefs({ filter: state.filter, status: state.status, inboxId: state.inboxId });
    drawTabs();
    loadPage(false);
  }

  // ---- matching and ordering ----
  function matches(c) {
    if (state.status && c.status !== state.status) return false;
    if (state.inboxId && c.inboxId !== state.inboxId) return false;
    const me = user();
    if (state.filter === 'mine' && (!me || c.assigneeId !== me.id)) return false;
    if (state.filter === 'unassigned' && c.assigneeId) return false;
    return !c.mergedIntoId;
  }

  function sort() {
    state.items.sort((a, b) => activityTime(b) - activityTime(a));
  }

  /** Puts a changed conversation in place (or takes it out when it no longer fits the filters). */
  function upsert(c) {
    if (!c || !c.id) return;
    const index = state.items.findIndex((x) => x.id === c.id);
    if (matches(c)) {
      if (index >= 0) state.items[index] = { ...state.items[index], ...c };
      else state.items.push(c);
      sort();
    } else if (index >= 0) {
      state.items.splice(index, 1);
    }
    draw();
  }

  // ---- rows ----
  function row(c) {
    const name = contactName(c);
    const count = unreadOf(c);
    const assignee = c.assigneeId ? state.agents.get(c.assigneeId) : null;
    const inbox = state.inboxes.find((i) => i.id === c.inboxId);
    const priority = c.priority && c.priority !== 'none' ? c.priority : null;
    const current = openId() === c.id;
    return h('a', {
      href: `#/conversations/${encodeURIComponent(c.id)}`, role: 'listitem',
      class: ['conv-row', current && 'is-open', count > 0 && 'has-unread', priority && `prio-${priority}`],
      'aria-current': current ? 'true' : null,
      'data-testid': 'conv-row', 'data-conversation-id': c.id, 'data-status': c.status, 'data-priority': c.priority || 'none',
    },
    avatar(name, c.contactId),
    h('span', { class: 'conv-row-main' },
      h('span', { class: 'conv-row-top' },
        h('span', { class: 'conv-name', 'data-testid': 'conv-name' }, name),
        h('time', { class: 'conv-time', datetime: c.lastMessageAt || '', title: c.lastMessageAt || '' }, relativeTime(c.lastMessageAt || c.createdAt))),
      h('span', { class: 'conv-row-mid' },
        h('span', { class: 'conv-preview', 'data-testid': 'conv-preview' }, previewText(c) || '\u00a0'),
        count > 0 ? h('span', { class: 'unread-badge', 'data-testid': 'conv-unread', 'aria-label': t('conversations.chat.unreadCount', { count }) }, count > 99 ? '99+' : String(count)) : null),
      h('span', { class: 'conv-row-meta' },
        botBadge(c),
        h('span', { class: 'conv-sla', 'data-sla-id': c.id }, dueBadge(dues.get(c.id))),
        priority ? h('span', { class: ['prio-pill', `prio-${priority}`], 'data-testid': 'conv-priority', title: t('conversations.priority') }, priorityLabel(priority)) : null,
        c.status && c.status !== 'open' ? h('span', { class: ['status-pill', `status-${c.status}`] }, statusLabel(c.status)) : null,
        h('span', { class: ['conv-assignee', !assignee && 'is-none'], 'data-testid': 'conv-assignee' },
          assignee ? agentLabel(assignee) : t('conversations.unassigned')),
        inbox ? h('span', { class: 'conv-inbox' }, inbox.name) : null)));
  }

  function draw() {
    if (state.error && !state.items.length) {
      rows.replaceChildren(h('div', { class: 'conv-empty inline-error', role: 'alert' },
        h('p', null, errorText(state.error)),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => loadPage(false) }, t('app.common.retry'))));
    } else if (!state.items.length) {
      rows.replaceChildren(h('div', { class: 'conv-empty', 'data-testid': 'conv-empty' },
        state.loading ? t('app.common.loading') : t('conversations.empty')));
    } else {
      rows.replaceChildren(...state.items.map(row));
    }
    dues.want(state.items.map((c) => c.id));
    more.hidden = !state.next;
    more.disabled = state.loading;
  }

  // ---- loading ----
  async function loadPage(append) {
    if (append && (state.loading || !state.next)) return;
    const token = ++state.loadToken;
    state.loading = true;
    state.error = null;
    if (!append) {
      state.items = [];
      state.next = null;
      draw();
    }
    try {
      const data = await api.get(`/api/v1/conversations${query({
        filter: state.filter, status: state.status, inboxId: state.inboxId, limit: PAGE, cursor: append ? state.next : null,
      })}`);
      if (token !== state.loadToken) return;
      const items = (data && data.items) || [];
      for (const c of items) noteConversation(c);
      const known = new Set(state.items.map((c) => c.id));
      state.items = state.items.concat(items.filter((c) => !known.has(c.id)));
      sort();
      state.next = (data && data.nextCursor) || null;
    } catch (error) {
      if (token !== state.loadToken) return;
      state.error = error;
    } finally {
      if (token === state.loadToken) {
        state.loading = false;
        draw();
        dues.want(state.items.map((c) => c.id), { force: true });
      }
    }
  }

  async function fetchOne(id) {
    if (fetching.has(id)) return;
    fetching.add(id);
    try {
      const c = await api.get(`/api/v1/conversations/${encodeURIComponent(id)}`);
      noteConversation(c);
      upsert(c);
    } catch {
      // Not visible to us (another inbox) or gone: nothing to show.
    } finally {
      fetching.delete(id);
    }
  }

  // ---- live updates ----
  const offs = [
    socket.on('conversation.updated', (frame) => { if (frame.conversation) upsert(frame.conversation); }),
    socket.on('message', (frame) => {
      const m = frame.message;
      if (!m) return;
      const id = frame.conversationId || m.conversationId;
      const c = state.items.find((x) => x.id === id);
      if (!c) {
        fetchOne(id);
        return;
      }
      if (typeof m.seq === 'number' && m.seq > (c.lastSeq || 0)) c.lastSeq = m.seq;
      if (!m.private && m.senderType !== 'system') {
        c.lastMessagePreview = m.text ? m.text.slice(0, 120) : (m.attachments && m.attachments.length ? '[image]' : c.lastMessagePreview);
        c.lastMessageAt = m.createdAt || new Date().toISOString();
      }
      sort();
      draw();
    }),
    socket.on('status', ({ state: s, reconnected }) => { if (s === 'open' && reconnected) loadPage(false); }),
    onUnreadChange(() => draw()),
  ];

  const observer = 'IntersectionObserver' in window
    ? new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && state.next && !state.loading) loadPage(true);
    }, { root: scroller, rootMargin: '120px' })
    : null;
  if (observer) observer.observe(sentinel);

  const clock = setInterval(draw, 30000);

  directory.then((dir) => {
    state.agents = new Map(dir.agents.map((a) => [a.id, a]));
    state.inboxes = dir.inboxes;
    inboxSelect.replaceChildren(h('option', { value: '' }, t('conversations.inboxAll')),
      dir.inboxes.filter((i) => i.active !== false || i.id === state.inboxId)
        .map((i) => h('option', { value: i.id, selected: i.id === state.inboxId }, i.name)));
    if (state.inboxId && !dir.inboxes.some((i) => i.id === state.inboxId)) {
      state.inboxId = '';
      changed();
      return;
    }
    draw();
  }).catch(() => {});

  drawTabs();
  loadPage(false);

  return {
    el,
    /** Redraws to mark the open conversation. */
    refresh() {
      draw();
      if (search) search.refresh();
    },
    upsert,
    find: (id) => state.items.find((c) => c.id === id) || null,
    destroy() {
      for (const off of offs) off();
      offSearch();
      clearInterval(clock);
      dues.destroy();
      if (observer) observer.disconnect();
      state.loadToken += 1;
    },
  };
}
