// Open after-sale cases (#/after-sales): every open case the member may see (through the tickets
// they see), the nearest deadline first, with the time left (amber near it, red past it; the
// platform's own deadlines marked), the ticket with its subject and customer (a click opens its after-sales tab), what is
// asked and why, the state, the order and where the solution stands. Filters: a state, and
// overdue only. The time left moves on by itself; the list is looked at again every minute and
// whenever a ticket.changed frame says something changed.
// API: GET /api/v1/cases?state=&overdue=true.
import { api, query } from '../api.js';
import { h, mount } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { pageHeader, loadingBlock, loadError, emptyRow, debounce } from '../ui.js';
import { chatSocket } from '../chat/runtime.js';
import { relativeTime } from '../chat/format.js';
import {
  STATES, kindLabel, reasonLabel, stateLabel, stateChip, deadlineChip, deadlineCounts, answerLabel, caseErrorText,
} from '../cases/shared.js';

const POLL_MS = 60000;
const TICK_MS = 30000;
const PREFS_KEY = 'kefu_case_filters';
const COLUMNS = 8;

function casePageHref(c) {
  return `#/tickets/${encodeURIComponent(c.ticketId)}/after-sales`;
}

function loadPrefs() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(PREFS_KEY) || '{}');
    return { state: STATES.includes(saved.state) ? saved.state : '', overdue: saved.overdue === true };
  } catch {
    return { state: '', overdue: false };
  }
}

function savePrefs({ state, overdue }) {
  try {
    window.localStorage.setItem(PREFS_KEY, JSON.stringify({ state, overdue }));
  } catch {
    // Private mode: the filters are just not remembered.
  }
}

function solutionCell(c) {
  if (!c.solution) return h('span', { class: 'muted' }, t('cases.list.noSolution'));
  if (!c.customerAnswer) return h('span', { class: 'cs-list-waiting' }, t('cases.answer.waiting'));
  return h('span', { class: ['cs-list-answer', `is-${c.customerAnswer}`] }, answerLabel(c.customerAnswer));
}

export function render(container, ctx) {
  const state = {
    ...loadPrefs(), items: [], fetchedAt: 0, loaded: false, error: null, token: 0, stopped: false, timer: null, ticker: null,
  };

  const refreshButton = h('button', { type: 'button', class: 'btn', 'data-testid': 'cases-refresh', onclick: () => load() }, t('app.common.refresh'));
  const stateSelect = h('select', {
    class: 'tk-filter-select', 'data-testid': 'cases-filter-state', 'aria-label': t('cases.field.state'),
    onchange: (event) => { state.state = event.target.value; changed(); },
  },
  h('option', { value: '' }, t('cases.list.allOpen')),
  STATES.map((s) => h('option', { value: s, selected: s === state.state }, stateLabel(s))));
  const overdueBox = h('input', {
    type: 'checkbox', 'data-testid': 'cases-filter-overdue', checked: state.overdue,
    onchange: (event) => { state.overdue = event.target.checked; changed(); },
  });
  const summary = h('div', { class: 'cs-list-summary', 'data-testid': 'cases-summary' });
  const body = h('tbody', { 'data-testid': 'cases-rows' }, h('tr', null, h('td', { colspan: String(COLUMNS) }, loadingBlock())));
  container.append(
    pageHeader(t('cases.list.title'), t('cases.list.subtitle'), refreshButton),
    h('section', { class: 'card cs-list-card', 'data-testid': 'cases-page' },
      h('div', { class: 'tk-toolbar' },
        summary,
        h('div', { class: 'tk-toolbar-right' },
          stateSelect,
          h('label', { class: 'check cs-overdue-filter' }, overdueBox, h('span', null, t('cases.list.overdueOnly'))))),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'table cs-list-table', 'data-testid': 'cases-table' },
          h('thead', null, h('tr', null,
            h('th', null, t('cases.list.timeLeft')),
            h('th', null, t('cases.ledger.ticket')),
            h('th', null, t('cases.field.kind')),
            h('th', null, t('cases.field.reason')),
            h('th', null, t('cases.field.state')),
            h('th', null, t('cases.field.order')),
            h('th', null, t('cases.field.solution')),
            h('th', null, t('cases.list.updated')))),
          body))));

  function changed() {
    savePrefs(state);
    load();
  }

  function drawSummary() {
    const { open, warn, overdue } = deadlineCounts(state.items, state.fetchedAt);
    mount(summary,
      h('span', { class: 'cs-summary-part' }, t('cases.list.countOpen', { count: open })),
      warn ? h('span', { class: 'cs-summary-part is-warn', 'data-testid': 'cases-summary-warn' }, t('cases.list.countWarn', { count: warn })) : null,
      overdue ? h('span', { class: 'cs-summary-part is-overdue', 'data-testid': 'cases-summary-overdue' }, t('cases.list.countOverdue', { count: overdue })) : null);
  }

  function row(c) {
    const href = casePageHref(c);
    return h('tr', {
      class: 'cs-list-row', 'data-testid': 'case-row', 'data-case-id': c.id, 'data-ticket-number': c.ticketNumber, 'data-state': c.state,
      onclick: (event) => {
        if (event.target.closest('a, button, input')) return;
        if (window.getSelection && String(window.getSelection())) return;
        ctx.navigate(href.slice(2));
      },
    },
    h('td', { class: 'cs-nowrap' }, deadlineChip(c.deadline, state.fetchedAt, { 'data-testid': 'case-row-deadline' }) || h('span', { class: 'muted' }, '\u2014')),
    h('td', { class: 'cs-ticket-cell' },
      h('a', { href, class: 'mono', 'data-testid': 'case-row-ticket' }, c.ticketNumber),
      c.ticketSubject ? h('div', { class: 'cs-list-subject', title: c.ticketSubject, 'data-testid': 'case-row-subject' }, c.ticketSubject) : null,
      c.customer && c.customer.name ? h('div', { class: 'cs-list-customer muted', 'data-testid': 'case-row-customer' }, c.customer.name) : null),
    h('td', { class: 'cs-nowrap' }, kindLabel(c.kind)),
    h('td', { class: 'cs-nowrap' }, reasonLabel(c.reason)),
    h('td', { class: 'cs-nowrap' }, stateChip(c.state, { 'data-testid': 'case-row-state' })),
    h('td', { class: 'cs-nowrap' }, c.order ? h('span', { class: 'mono' }, c.order.number || c.order.externalId) : h('span', { class: 'muted' }, '\u2014')),
    h('td', { class: 'cs-nowrap' }, solutionCell(c)),
    h('td', { class: 'time' }, h('time', { datetime: c.updatedAt, title: formatDateTime(c.updatedAt) }, relativeTime(c.updatedAt))));
  }

  function draw() {
    drawSummary();
    if (!state.items.length) {
      body.replaceChildren(emptyRow(COLUMNS, state.overdue || state.state ? t('cases.list.emptyFiltered') : t('cases.list.empty')));
      return;
    }
    body.replaceChildren(...state.items.map(row));
  }

  async function load({ quiet = false } = {}) {
    const token = ++state.token;
    refreshButton.disabled = true;
    try {
      const data = await api.get(`/api/v1/cases${query({ state: state.state, overdue: state.overdue ? 'true' : '' })}`);
      if (token !== state.token || state.stopped) return;
      state.items = (data && data.items) || [];
      state.fetchedAt = Date.now();
      state.loaded = true;
      state.error = null;
      draw();
    } catch (error) {
      if (token !== state.token || state.stopped) return;
      state.error = error;
      if (!state.loaded) body.replaceChildren(h('tr', null, h('td', { colspan: String(COLUMNS) }, loadError(error, () => load()))));
      else if (!quiet) summary.replaceChildren(h('span', { class: 'inline-error', role: 'alert' }, caseErrorText(error)));
    } finally {
      if (token === state.token) refreshButton.disabled = false;
    }
  }

  function schedule() {
    clearTimeout(state.timer);
    if (state.stopped) return;
    state.timer = setTimeout(async () => {
      if (document.visibilityState === 'visible' && ctx.isCurrent()) await load({ quiet: true });
      schedule();
    }, POLL_MS);
  }

  state.ticker = setInterval(() => { if (state.loaded && !state.stopped) draw(); }, TICK_MS);
  load().then(schedule);
  // A ticket, case or compensation changed somewhere: look again soon, once for a burst.
  const changedSoon = debounce(() => { if (!state.stopped) load({ quiet: true }); }, 400);
  const socket = chatSocket();
  const off = socket ? socket.on('ticket.changed', () => changedSoon()) : null;

  return () => {
    state.stopped = true;
    state.token += 1;
    clearTimeout(state.timer);
    clearInterval(state.ticker);
    changedSoon.cancel();
    if (off) off();
  };
}
