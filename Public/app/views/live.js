// Supervisor live view (#/live, supervisors and above): per inbox the queue (length, longest
// wait, who is waiting), every agent's status and load against capacity with their current
// conversations, and the reassignments after an answer timeout in the last hour.
// GET /api/v1/live is polled every 2 s while the page is shown and the browser tab is
// visible; waiting times tick every second in between. Leaving the page stops both.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, getLocale } from '../i18n.js';
import { pageHeader, loadingBlock, loadError } from '../ui.js';
import { durationText } from '../inboxes/templates.js';

const POLL_MS = 2000;
const QUEUE_SHOWN = 8;
const WAIT_WARN = 60; // seconds: a wait turns amber …
const WAIT_ALERT = 180; // … and red
const STATUS_ORDER = { online: 0, busy: 1, away: 2, offline: 3 };
const STATUS_LABEL = {
  online: () => t('routing.live.statusOnline'),
  busy: () => t('routing.live.statusBusy'),
  away: () => t('routing.live.statusAway'),
  offline: () => t('routing.live.statusOffline'),
};

function statusOf(agent) {
  return Object.prototype.hasOwnProperty.call(STATUS_ORDER, agent.status) ? agent.status : 'offline';
}

function agentName(agent) {
  if (!agent) return t('routing.live.unknownAgent');
  const name = agent.displayName || t('routing.live.unknownAgent');
  return agent.agentNumber === null || agent.agentNumber === undefined ? name : t('app.shell.agentBadge', { number: agent.agentNumber, name });
}

function contactName(name) {
  return name && String(name).trim() ? String(name) : t('routing.live.visitor');
}

function clockTime(date) {
  try {
    return new Intl.DateTimeFormat(getLocale() || undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(date);
  } catch {
    return date.toLocaleTimeString();
  }
}

function waitLevel(seconds) {
  if (seconds >= WAIT_ALERT) return 'alert';
  if (seconds >= WAIT_WARN) return 'warn';
  return 'ok';
}

function conversationHref(id) {
  return `#/conversations/${encodeURIComponent(id)}`;
}

/** A waiting time that keeps counting: it knows when the wait began (client clock). */
function ticking(seconds, fetchedAt, attrs = {}) {
  const since = fetchedAt - Math.max(0, Number(seconds) || 0) * 1000;
  const el = h('span', { ...attrs, class: ['live-tick', attrs.class], 'data-since': String(since) });
  updateTick(el, Date.now());
  return el;
}

function updateTick(el, now) {
  const seconds = Math.max(0, Math.floor((now - Number(el.dataset.since)) / 1000));
  el.textContent = durationText(seconds);
  el.dataset.level = waitLevel(seconds);
  el.dataset.seconds = String(seconds);
}

export function render(container, ctx) {
  const state = {
    data: null, fetchedAt: 0, error: null, okAt: null, filter: '',
    timer: null, ticker: null, inFlight: false, stopped: false,
    sigs: { inboxes: new Map(), agents: null, timeouts: null, filter: null },
  };
  const cards = new Map(); // inbox id → card element

  const updated = h('span', { class: 'live-updated', 'data-testid': 'live-updated', role: 'status', 'aria-live': 'off' });
  const filter = h('select', {
    class: 'live-filter', 'data-testid': 'live-filter', 'aria-label': t('routing.live.filter'), title: t('routing.live.filter'),
    onchange: () => { state.filter = filter.value; draw(); },
  });
  const summary = h('div', { class: 'live-summary', 'data-testid': 'live-summary' });
  const inboxHost = h('div', { class: 'live-inboxes' });
  const agentsBody = h('tbody');
  const agentsCount = h('span', { class: 'live-count' });
  const timeoutsHost = h('div', { class: 'live-timeouts-host' });
  const timeoutsCount = h('span', { class: 'live-count' });
  const content = h('div', { class: 'live', 'data-testid': 'live-page' },
    summary,
    h('section', { class: 'live-section' },
      h('h2', { class: 'live-section-title' }, t('routing.live.inboxes')),
      inboxHost),
    h('section', { class: 'card live-agents-card' },
      h('h2', { class: 'card-title' }, t('routing.live.agents'), agentsCount),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'table live-agents', 'data-testid': 'live-agents' },
          h('thead', null, h('tr', null,
            h('th', null, t('routing.live.agent')),
            h('th', null, t('routing.live.status')),
            h('th', { class: 'live-load-col' }, t('routing.live.load')),
            h('th', null, t('routing.live.current')))),
          agentsBody))),
    h('section', { class: 'card live-timeouts-card' },
      h('h2', { class: 'card-title' }, t('routing.live.timeouts'), timeoutsCount),
      timeoutsHost));
  const body = h('div', { class: 'live-body' }, loadingBlock());
  container.append(
    pageHeader(t('routing.live.title'), t('routing.live.subtitle'), h('div', { class: 'live-tools' }, filter, updated)),
    body);

  // ---- drawing ----
  function agentsById() {
    return new Map(((state.data && state.data.agents) || []).map((a) => [a.id, a]));
  }

  function conversationNames() {
    const names = new Map();
    for (const inbox of (state.data && state.data.inboxes) || []) {
      for (const c of inbox.conversations || []) names.set(c.id, c.contactName);
    }
    for (const agent of (state.data && state.data.agents) || []) {
      for (const c of agent.conversations || []) names.set(c.id, c.contactName);
    }
    return names;
  }

  function drawFilter() {
    const inboxes = (state.data && state.data.inboxes) || [];
    const sig = JSON.stringify(inboxes.map((i) => [i.id, i.name]));
    if (sig === state.sigs.filter) return;
    state.sigs.filter = sig;
    if (state.filter && !inboxes.some((i) => i.id === state.filter)) state.filter = '';
    filter.replaceChildren(
      h('option', { value: '' }, t('routing.live.allInboxes')),
      ...inboxes.map((i) => h('option', { value: i.id, selected: i.id === state.filter }, i.name)));
    filter.hidden = inboxes.length < 2;
  }

  function visibleInboxes() {
    const inboxes = (state.data && state.data.inboxes) || [];
    return state.filter ? inboxes.filter((i) => i.id === state.filter) : inboxes;
  }

  function visibleAgents() {
    const agents = ((state.data && state.data.agents) || []).slice();
    const shown = state.filter ? agents.filter((a) => (a.inboxIds || []).includes(state.filter)) : agents;
    return shown.sort((a, b) => (STATUS_ORDER[statusOf(a)] - STATUS_ORDER[statusOf(b)])
      || ((Number(b.load) || 0) - (Number(a.load) || 0))
      || ((a.agentNumber ?? 1e9) - (b.agentNumber ?? 1e9)));
  }

  /** A figure of an inbox card; `attrs` (testid, title) go on the value. */
  function stat(label, value, attrs = {}) {
    return h('div', { class: 'live-stat', title: attrs.title || null },
      h('span', { class: 'live-stat-label' }, label),
      h('span', { class: 'live-stat-value', ...attrs, title: null }, value));
  }

  function drawSummary() {
    const inboxes = visibleInboxes();
    const agents = visibleAgents();
    const queued = inboxes.reduce((n, i) => n + (Number(i.queued) || 0), 0);
    const longest = inboxes.reduce((n, i) => Math.max(n, (Number(i.queued) || 0) > 0 ? Number(i.longestWaitSeconds) || 0 : 0), 0);
    const count = (status) => agents.filter((a) => statusOf(a) === status).length;
    const working = agents.filter((a) => statusOf(a) !== 'offline');
    const load = working.reduce((n, a) => n + (Number(a.load) || 0), 0);
    const capacity = working.reduce((n, a) => n + (Number(a.capacity) || 0), 0);
    const percent = capacity ? Math.min(100, Math.round((100 * load) / capacity)) : 0;
    summary.replaceChildren(
      h('div', { class: ['live-tile', queued > 0 && 'live-tile-warn'], 'data-testid': 'live-total-queued' },
        h('span', { class: 'live-tile-label' }, t('routing.live.summaryQueued')),
        h('span', { class: 'live-tile-value' }, String(queued))),
      h('div', { class: 'live-tile', 'data-testid': 'live-total-wait' },
        h('span', { class: 'live-tile-label' }, t('routing.live.summaryLongest')),
        h('span', { class: 'live-tile-value' }, queued > 0 ? ticking(longest, state.fetchedAt) : '—')),
      h('div', { class: 'live-tile', 'data-testid': 'live-total-online' },
        h('span', { class: 'live-tile-label' }, t('routing.live.summaryOnline')),
        h('span', { class: 'live-tile-value' }, String(count('online'))),
        h('span', { class: 'live-tile-sub' }, t('routing.live.summaryOnlineSub', { busy: count('busy'), away: count('away') }))),
      h('div', { class: 'live-tile', 'data-testid': 'live-total-load' },
        h('span', { class: 'live-tile-label' }, t('routing.live.summaryLoad')),
        h('span', { class: 'live-tile-value' }, t('routing.live.loadValue', { load, capacity })),
        h('span', { class: 'live-bar', 'aria-hidden': 'true' },
          h('span', { class: 'live-bar-fill', 'data-level': loadLevel(load, capacity), style: { width: `${percent}%` } }))));
  }

  function inboxCard(inbox) {
    const queued = Number(inbox.queued) || 0;
    const list = (inbox.conversations || []).slice()
      .sort((a, b) => (Number(b.waitingSeconds) || 0) - (Number(a.waitingSeconds) || 0));
    const shown = list.slice(0, QUEUE_SHOWN);
    return h('article', { class: ['card', 'live-inbox', queued > 0 && 'has-queue'], 'data-testid': 'live-inbox', 'data-inbox-id': inbox.id },
      h('div', { class: 'live-inbox-head' },
        h('h3', { class: 'live-inbox-name' }, inbox.name),
        queued > 0 ? h('span', { class: 'live-queue-pill' }, t('routing.live.queuedPill', { count: queued })) : h('span', { class: 'live-idle-pill' }, t('routing.live.noWait'))),
      h('div', { class: 'live-stats' },
        stat(t('routing.live.queued'), String(queued), { 'data-testid': 'live-inbox-queued' }),
        stat(t('routing.live.longestWait'), queued > 0 ? ticking(inbox.longestWaitSeconds, state.fetchedAt) : '—', { 'data-testid': 'live-inbox-wait' }),
        stat(t('routing.live.online'), t('routing.live.onlineValue', { online: Number(inbox.online) || 0, capacity: Number(inbox.capacity) || 0 }),
          { 'data-testid': 'live-inbox-online', title: t('routing.live.onlineHint') })),
      shown.length
        ? h('ol', { class: 'live-queue' }, shown.map((c, index) => h('li', null,
          h('a', {
            class: 'live-queue-item', href: conversationHref(c.id), 'data-testid': 'live-queue-item', 'data-conversation-id': c.id,
            title: t('routing.live.openConversation'),
          },
          h('span', { class: 'live-queue-pos' }, String(index + 1)),
          h('span', { class: 'live-queue-name' }, contactName(c.contactName)),
          ticking(c.waitingSeconds, state.fetchedAt, { class: 'live-queue-wait' })))))
        : h('p', { class: 'live-empty' }, t('routing.live.noQueue')),
      list.length > shown.length ? h('p', { class: 'live-more' }, t('routing.live.moreQueued', { count: list.length - shown.length })) : null);
  }

  function drawInboxes() {
    const inboxes = visibleInboxes();
    if (!inboxes.length) {
      cards.clear();
      state.sigs.inboxes.clear();
      inboxHost.replaceChildren(h('p', { class: 'live-empty card' }, t('routing.live.noInboxes')));
      return;
    }
    const order = [];
    for (const inbox of inboxes) {
      // Waiting seconds are left out: they tick on the page between answers.
      const sig = JSON.stringify([inbox.name, inbox.queued, inbox.online, inbox.capacity,
        (inbox.conversations || []).map((c) => [c.id, c.contactName])]);
      if (state.sigs.inboxes.get(inbox.id) !== sig || !cards.has(inbox.id)) {
        const card = inboxCard(inbox);
        const old = cards.get(inbox.id);
        if (old && old.parentNode === inboxHost) old.replaceWith(card);
        cards.set(inbox.id, card);
        state.sigs.inboxes.set(inbox.id, sig);
      }
      order.push(cards.get(inbox.id));
    }
    for (const id of Array.from(cards.keys())) {
      if (!inboxes.some((i) => i.id === id)) { cards.delete(id); state.sigs.inboxes.delete(id); }
    }
    const same = inboxHost.children.length === order.length && order.every((el, i) => inboxHost.children[i] === el);
    if (!same) inboxHost.replaceChildren(...order);
  }

  function loadLevel(load, capacity) {
    if (!capacity) return load > 0 ? 'full' : 'low';
    const ratio = load / capacity;
    if (ratio >= 1) return 'full';
    if (ratio >= 0.7) return 'high';
    return 'low';
  }

  function agentRow(agent, inboxNames) {
    const status = statusOf(agent);
    const load = Number(agent.load) || 0;
    const capacity = Number(agent.capacity) || 0;
    const percent = capacity ? Math.min(100, Math.round((100 * load) / capacity)) : (load ? 100 : 0);
    const conversations = (agent.conversations || []).slice()
      .sort((a, b) => (b.unanswered ? 1 : 0) - (a.unanswered ? 1 : 0));
    const names = (agent.inboxIds || []).map((id) => inboxNames.get(id)).filter(Boolean);
    return h('tr', { class: ['live-agent-row', `is-${status}`], 'data-testid': 'live-agent', 'data-agent-id': agent.id, 'data-status': status },
      h('td', { class: 'live-agent-cell', 'data-label': t('routing.live.agent') },
        h('span', { class: 'live-dot', 'data-status': status, 'aria-hidden': 'true' }),
        h('span', { class: 'live-agent-text' },
          h('span', { class: 'cell-strong live-agent-name' }, agentName(agent)),
          names.length ? h('span', { class: 'live-agent-inboxes' }, names.join(t('routing.live.listSeparator'))) : null)),
      h('td', { class: 'live-status-cell', 'data-label': t('routing.live.status') },
        h('span', { class: 'live-status', 'data-status': status }, STATUS_LABEL[status]())),
      h('td', { class: 'live-load-col', 'data-label': t('routing.live.load') },
        h('div', {
          class: 'live-load', 'data-testid': 'live-agent-load', 'data-load': String(load), 'data-capacity': String(capacity),
          role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': String(capacity || 1), 'aria-valuenow': String(Math.min(load, capacity || load)),
          'aria-label': t('routing.live.loadAria', { load, capacity }),
        },
        h('span', { class: 'live-bar' },
          h('span', { class: 'live-bar-fill', 'data-level': loadLevel(load, capacity), style: { width: `${percent}%` } })),
        h('span', { class: 'live-load-text' }, t('routing.live.loadValue', { load, capacity })))),
      h('td', { class: 'live-convs-cell', 'data-label': t('routing.live.current') },
        conversations.length
          ? h('div', { class: 'live-convs' }, conversations.map((c) => h('a', {
            class: ['live-conv', c.unanswered && 'is-unanswered'], href: conversationHref(c.id),
            'data-testid': 'live-agent-conversation', 'data-conversation-id': c.id, 'data-unanswered': c.unanswered ? 'true' : 'false',
            title: c.unanswered ? t('routing.live.unansweredHint') : t('routing.live.openConversation'),
          },
          c.unanswered ? h('span', { class: 'live-conv-flag' }, t('routing.live.unanswered')) : null,
          h('span', { class: 'live-conv-name' }, contactName(c.contactName)))))
          : h('span', { class: 'muted' }, t('routing.live.noConversations'))));
  }

  function drawAgents() {
    const agents = visibleAgents();
    const inboxNames = new Map(((state.data && state.data.inboxes) || []).map((i) => [i.id, i.name]));
    const sig = JSON.stringify([state.filter, agents, Array.from(inboxNames)]);
    if (sig === state.sigs.agents) return;
    state.sigs.agents = sig;
    agentsCount.textContent = String(agents.length);
    if (!agents.length) {
      agentsBody.replaceChildren(h('tr', { class: 'empty-row' }, h('td', { colspan: '4' }, t('routing.live.noAgents'))));
      return;
    }
    agentsBody.replaceChildren(...agents.map((a) => agentRow(a, inboxNames)));
  }

  function drawTimeouts() {
    const all = ((state.data && state.data.timeouts) || []).slice()
      .sort((a, b) => String(b.at || '').localeCompare(String(a.at || '')));
    const agents = agentsById();
    const sig = JSON.stringify([all, Array.from(agents.keys())]);
    if (sig === state.sigs.timeouts) return;
    state.sigs.timeouts = sig;
    timeoutsCount.textContent = all.length ? String(all.length) : '';
    if (!all.length) {
      timeoutsHost.replaceChildren(h('p', { class: 'live-empty' }, t('routing.live.noTimeouts')));
      return;
    }
    const names = conversationNames();
    timeoutsHost.replaceChildren(h('ul', { class: 'live-timeouts' }, all.map((item) => {
      const from = agentName(agents.get(item.fromAgentId));
      const at = item.at ? new Date(item.at) : null;
      return h('li', { class: 'live-timeout', 'data-testid': 'live-timeout', 'data-conversation-id': item.conversationId },
        h('span', { class: 'live-timeout-time' }, at && !Number.isNaN(at.getTime()) ? clockTime(at) : ''),
        h('a', { class: 'live-timeout-conv', href: conversationHref(item.conversationId) },
          names.has(item.conversationId) ? contactName(names.get(item.conversationId)) : t('routing.live.conversation')),
        h('span', { class: 'live-timeout-text' },
          item.toAgentId
            ? t('routing.live.timeoutTo', { from, to: agentName(agents.get(item.toAgentId)) })
            : t('routing.live.timeoutRequeued', { from })));
    })));
  }

  function drawUpdated() {
    updated.replaceChildren();
    let kind = 'live';
    let text;
    if (document.hidden) {
      kind = 'paused';
      text = t('routing.live.paused');
    } else if (state.error && state.okAt) {
      kind = 'stale';
      text = t('routing.live.stale', { time: clockTime(state.okAt) });
    } else if (state.okAt) {
      text = t('routing.live.updated', { time: clockTime(state.okAt) });
    } else {
      text = t('app.common.loading');
    }
    updated.dataset.state = kind;
    updated.append(h('span', { class: 'live-pulse', 'aria-hidden': 'true' }), h('span', null, text));
  }

  function draw() {
    if (!ctx.isCurrent() || !state.data) return;
    if (body.firstChild !== content) body.replaceChildren(content);
    drawFilter();
    drawSummary();
    drawInboxes();
    drawAgents();
    drawTimeouts();
    drawUpdated();
  }

  function tick() {
    const now = Date.now();
    for (const el of container.querySelectorAll('.live-tick')) updateTick(el, now);
  }

  // ---- polling ----
  function schedule() {
    clearTimeout(state.timer);
    state.timer = null;
    if (!state.stopped && !document.hidden) state.timer = setTimeout(poll, POLL_MS);
  }

  async function poll() {
    clearTimeout(state.timer);
    state.timer = null;
    if (state.stopped || state.inFlight || document.hidden) return;
    state.inFlight = true;
    let fatal = false;
    try {
      const data = await api.get('/api/v1/live');
      if (state.stopped || !ctx.isCurrent()) return;
      state.data = data || { inboxes: [], agents: [], timeouts: [] };
      state.fetchedAt = Date.now();
      state.okAt = new Date();
      state.error = null;
      draw();
    } catch (error) {
      if (state.stopped || !ctx.isCurrent()) return;
      state.error = error;
      // Not allowed or signed out: no point asking again every two seconds.
      fatal = [401, 403, 404].includes(error.status);
      if (!state.data || fatal) {
        body.replaceChildren(loadError(error, () => { state.error = null; body.replaceChildren(loadingBlock()); poll(); }));
      } else {
        drawUpdated();
        updated.title = errorText(error);
      }
    } finally {
      state.inFlight = false;
      if (!state.stopped && !fatal) schedule();
    }
  }

  function onVisibility() {
    if (state.stopped) return;
    if (document.hidden) {
      clearTimeout(state.timer);
      state.timer = null;
    } else {
      poll();
    }
    drawUpdated();
  }

  document.addEventListener('visibilitychange', onVisibility);
  state.ticker = setInterval(tick, 1000);
  drawUpdated();
  poll();

  return () => {
    state.stopped = true;
    clearTimeout(state.timer);
    clearInterval(state.ticker);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
