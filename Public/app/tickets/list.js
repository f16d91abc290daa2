// The tickets list (#/tickets): the views (mine, unassigned, active, all), filters by status,
// type and priority, a search box (number, customer, order, words of the timeline: it searches
// every ticket, whatever the view), the table newest activity first with cursor paging, and
// bulk changes of the ticked rows (status, priority, assign to me). The view and the filters
// are remembered in this browser. Each row shows its next SLA due time (sla/due.js: one request
// for the rows shown, made again whenever the list loads).
// API: GET /api/v1/tickets?view=&status=&type=&priority=&q=&cursor=&limit=, POST /api/v1/tickets/bulk,
// GET /api/v1/sla/due?type=ticket&ids=….
import { api, query } from '../api.js';
import { h, mount } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { user } from '../session.js';
import { pageHeader, toast, debounce, loadError, loadingBlock } from '../ui.js';
import { chatSocket, loadDirectory } from '../chat/runtime.js';
import { relativeTime } from '../chat/format.js';
import {
  VIEWS, STATUSES, PRIORITIES, viewLabel, statusLabel, priorityLabel, typeLabel, typeOptions, statusChip, priorityMark,
  urgentMark, ticketHref, personLabel, loadSettings, ticketErrorText,
} from './shared.js';
import { openNewTicket } from './create.js';
import { createDueLoader, fillDueSlots } from '../sla/due.js';
import { dueBadge } from '../sla/shared.js';

const PAGE = 50;
const MAX_PAGE = 200;
const SEARCH_DELAY_MS = 350;
const PREFS_KEY = 'kefu_ticket_filters';
const POLL_MS = 60000;
const COLUMNS = 10;

function loadPrefs() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(PREFS_KEY) || '{}');
    return {
      view: VIEWS.includes(saved.view) ? saved.view : 'mine',
      status: STATUSES.includes(saved.status) ? saved.status : '',
      type: typeof saved.type === 'string' ? saved.type : '',
      priority: PRIORITIES.includes(saved.priority) ? saved.priority : '',
    };
  } catch {
    return { view: 'mine', status: '', type: '', priority: '' };
  }
}

function savePrefs({ view, status, type, priority }) {
  try {
    window.localStorage.setItem(PREFS_KEY, JSON.stringify({ view, status, type, priority }));
  } catch {
    // Private mode: the filters are just not remembered.
  }
}

function filterSelect(testid, labelText, allText, options, value, onchange) {
  return h('label', { class: 'tk-filter' },
    h('span', { class: 'visually-hidden' }, labelText),
    h('select', { class: 'tk-filter-select', 'data-testid': testid, 'aria-label': labelText, onchange: (event) => onchange(event.target.value) },
      h('option', { value: '', selected: !value }, allText),
      options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label))));
}

/** onOpen(id) opens a ticket. Returns {el, refresh({quiet}), destroy}. */
export function createTicketList({ onOpen }) {
  const state = {
    ...loadPrefs(),
    q: '',
    items: [], next: null, total: 0,
    loaded: false, loading: false, error: null, token: 0, destroyed: false,
    selected: new Set(), bulkBusy: false,
    settings: null, directory: null,
  };

  // The next SLA due time of each row shown; put in their cells when they arrive.
  const slaBadge = (item) => dueBadge(item, { withMetric: true });
  const dues = createDueLoader('ticket', () => { if (state.loaded && !state.destroyed) fillDueSlots(el, dues, slaBadge); });

  // ---- frame ----
  const newButton = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'tickets-new', onclick: () => openNew() },
    t('tickets.new'));
  const refreshButton = h('button', { type: 'button', class: 'btn', 'data-testid': 'tickets-refresh', onclick: () => load() }, t('app.common.refresh'));
  const tabs = h('div', { class: 'tk-views', role: 'tablist', 'aria-label': t('tickets.view.label') });
  const filters = h('div', { class: 'tk-filters' });
  const search = h('input', {
    type: 'search', class: 'tk-search', 'data-testid': 'tickets-search', maxlength: '100', autocomplete: 'off',
    placeholder: t('tickets.list.searchPlaceholder'), 'aria-label': t('tickets.list.search'),
  });
  const searchNote = h('p', { class: 'tk-search-note', 'data-testid': 'tickets-search-note', hidden: true });
  const bulkBar = h('div', { class: 'tk-bulk', 'data-testid': 'tickets-bulk', hidden: true });
  const selectAll = h('input', {
    type: 'checkbox', 'data-testid': 'tickets-select-all', 'aria-label': t('tickets.list.selectAll'),
    onchange: (event) => {
      for (const item of state.items) {
        if (event.target.checked) state.selected.add(item.id);
        else state.selected.delete(item.id);
      }
      drawRows();
      drawBulk();
    },
  });
  const body = h('tbody', { 'data-testid': 'tickets-rows' });
  const table = h('table', { class: 'table tk-table', 'data-testid': 'tickets-table' },
    h('thead', null, h('tr', null,
      h('th', { class: 'tk-check' }, selectAll),
      h('th', null, t('tickets.field.number')),
      h('th', null, t('tickets.field.subject')),
      h('th', null, t('tickets.field.customer')),
      h('th', null, t('tickets.field.type')),
      h('th', null, t('tickets.field.status')),
      h('th', null, t('tickets.field.priority')),
      h('th', null, t('tickets.field.assignee')),
      h('th', { class: 'tk-sla-col', title: t('sla.list.columnHint') }, t('sla.list.column')),
      h('th', null, t('tickets.field.updatedAt')))),
    body);
  const totalLine = h('span', { class: 'muted tk-total', 'data-testid': 'tickets-total' });
  const moreButton = h('button', { type: 'button', class: 'btn', 'data-testid': 'tickets-more', hidden: true, onclick: () => load({ more: true }) },
    t('tickets.list.more'));
  const el = h('div', { class: 'tk-list-page', 'data-testid': 'tickets-page' },
    pageHeader(t('tickets.title'), t('tickets.subtitle'), refreshButton, newButton),
    h('section', { class: 'card tk-list-card' },
      h('div', { class: 'tk-toolbar' }, tabs, h('div', { class: 'tk-toolbar-right' }, filters, search)),
      searchNote,
      bulkBar,
      h('div', { class: 'table-wrap tk-table-wrap' }, table),
      h('div', { class: 'tk-list-foot' }, totalLine, moreButton)));

  // ---- controls ----
  function drawTabs() {
    tabs.classList.toggle('is-searching', Boolean(state.q));
    tabs.replaceChildren(...VIEWS.map((view) => h('button', {
      type: 'button', role: 'tab', class: 'tk-view', 'data-testid': `tickets-view-${view}`,
      'aria-selected': String(state.view === view),
      onclick: () => {
        if (state.view === view && !state.q) return;
        state.view = view;
        if (state.q) {
          state.q = '';
          search.value = '';
        }
        changed();
      },
    }, viewLabel(view))));
  }

  function drawFilters() {
    const set = (key) => (value) => { state[key] = value; changed(); };
    filters.replaceChildren(
      filterSelect('tickets-filter-status', t('tickets.field.status'), t('tickets.list.allStatuses'),
        STATUSES.map((s) => ({ value: s, label: statusLabel(s) })), state.status, set('status')),
      filterSelect('tickets-filter-type', t('tickets.field.type'), t('tickets.list.allTypes'),
        typeOptions(state.settings, state.type || null), state.type, set('type')),
      filterSelect('tickets-filter-priority', t('tickets.field.priority'), t('tickets.list.allPriorities'),
        PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) })), state.priority, set('priority')));
  }

  function changed() {
    savePrefs(state);
    state.selected.clear();
    drawTabs();
    load();
  }

  const searchSoon = debounce(() => runSearch(), SEARCH_DELAY_MS);
  function runSearch() {
    searchSoon.cancel();
    const q = search.value.trim();
    if (q === state.q) return;
    state.q = q;
    state.selected.clear();
    drawTabs();
    load();
  }
  search.addEventListener('input', () => { if (search.value.trim()) searchSoon(); else runSearch(); });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      runSearch();
    } else if (event.key === 'Escape' && search.value) {
      event.preventDefault();
      search.value = '';
      runSearch();
    }
  });

  // ---- rows ----
  function row(ticket) {
    const checked = state.selected.has(ticket.id);
    const href = ticketHref(ticket.id);
    const assignee = personLabel(ticket.assignee, state.directory);
    return h('tr', {
      class: ['tk-row', checked && 'is-selected', ticket.urgency === 'urgent' && 'is-urgent'],
      'data-testid': 'ticket-row', 'data-ticket-id': ticket.id, 'data-number': ticket.number, 'data-status': ticket.status,
      onclick: (event) => {
        if (event.target.closest('a, input, button, label, select')) return;
        if (window.getSelection && String(window.getSelection())) return; // selecting text to copy it
        onOpen(ticket.id);
      },
    },
    h('td', { class: 'tk-check' }, h('input', {
      type: 'checkbox', 'data-testid': 'ticket-select', checked, 'aria-label': t('tickets.list.select', { number: ticket.number }),
      onchange: (event) => {
        if (event.target.checked) state.selected.add(ticket.id);
        else state.selected.delete(ticket.id);
        event.target.closest('tr').classList.toggle('is-selected', event.target.checked);
        drawBulk();
      },
    })),
    h('td', { class: 'tk-num' }, h('a', { href, class: 'mono', 'data-testid': 'ticket-number' }, ticket.number)),
    h('td', { class: 'tk-subject-cell' },
      h('div', { class: 'tk-subject-line' },
        ticket.urgency === 'urgent' ? urgentMark({ 'data-testid': 'ticket-urgent' }) : null,
        h('a', { href, class: 'tk-subject', title: ticket.subject, 'data-testid': 'ticket-subject' }, ticket.subject)),
      ticket.tags && ticket.tags.length ? h('div', { class: 'tk-row-tags' }, ticket.tags.map((tag) => h('span', { class: 'tag' }, tag))) : null),
    h('td', { class: 'tk-cell-name', 'data-testid': 'ticket-customer' }, ticket.contact ? ticket.contact.name : h('span', { class: 'muted' }, '\u2014')),
    h('td', { class: 'tk-cell-type' }, typeLabel(ticket.type, state.settings)),
    h('td', null, statusChip(ticket.status, { 'data-testid': 'ticket-status' })),
    h('td', null, priorityMark(ticket.priority, { 'data-testid': 'ticket-priority' })),
    h('td', { class: 'tk-cell-name', 'data-testid': 'ticket-assignee' },
      assignee || h('span', { class: 'tk-unassigned' }, t('tickets.unassigned'))),
    h('td', { class: 'tk-cell-sla', 'data-testid': 'ticket-sla', 'data-sla-id': ticket.id }, slaBadge(dues.get(ticket.id))),
    h('td', { class: 'time' }, h('time', { datetime: ticket.updatedAt, title: formatDateTime(ticket.updatedAt) }, relativeTime(ticket.updatedAt))));
  }

  function emptyText() {
    if (state.q) return t('tickets.list.noMatch', { q: state.q });
    if (state.status || state.type || state.priority) return t('tickets.list.emptyFiltered');
    return state.view === 'mine' ? t('tickets.list.emptyMine') : t('tickets.list.empty');
  }

  function drawRows() {
    if (!state.loaded) {
      body.replaceChildren(h('tr', { class: 'empty-row' }, h('td', { colspan: String(COLUMNS) },
        state.error ? loadError(state.error, () => load()) : loadingBlock())));
      selectAll.checked = false;
      selectAll.indeterminate = false;
      return;
    }
    body.replaceChildren(...(state.items.length
      ? state.items.map(row)
      : [h('tr', { class: 'empty-row' }, h('td', { colspan: String(COLUMNS), 'data-testid': 'tickets-empty' }, emptyText()))]));
    selectAll.disabled = !state.items.length;
    drawSelectAll();
  }

  function drawFoot() {
    totalLine.textContent = state.loaded ? t('tickets.list.total', { count: state.total }) : '';
    moreButton.hidden = !state.next;
    moreButton.disabled = state.loading;
    searchNote.hidden = !state.q;
    searchNote.textContent = state.q ? t('tickets.list.searchAll', { q: state.q }) : '';
  }

  // ---- bulk changes ----
  function bulkSelect(testid, placeholder, options, apply) {
    return h('select', {
      class: 'tk-bulk-select', 'data-testid': testid, 'aria-label': placeholder, disabled: state.bulkBusy,
      onchange: (event) => {
        const value = event.target.value;
        event.target.value = '';
        if (value) apply(value);
      },
    }, h('option', { value: '' }, placeholder), options.map((o) => h('option', { value: o.value }, o.label)));
  }

  function drawBulk() {
    const count = state.selected.size;
    bulkBar.hidden = !count;
    if (!count) {
      bulkBar.replaceChildren();
      drawSelectAll();
      return;
    }
    const me = user();
    mount(bulkBar,
      h('span', { class: 'tk-bulk-count', 'data-testid': 'tickets-bulk-count' }, t('tickets.bulk.selected', { count })),
      bulkSelect('tickets-bulk-status', t('tickets.bulk.setStatus'),
        STATUSES.filter((s) => s !== 'new').map((s) => ({ value: s, label: statusLabel(s) })), (status) => bulk({ status })),
      bulkSelect('tickets-bulk-priority', t('tickets.bulk.setPriority'),
        PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) })), (priority) => bulk({ priority })),
      me ? h('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': 'tickets-bulk-assign-me', disabled: state.bulkBusy,
        onclick: () => bulk({ assigneeId: me.id }),
      }, t('tickets.bulk.assignMe')) : null,
      h('button', {
        type: 'button', class: 'btn btn-small btn-ghost', 'data-testid': 'tickets-bulk-clear', disabled: state.bulkBusy,
        onclick: () => { state.selected.clear(); drawRows(); drawBulk(); },
      }, t('tickets.bulk.clear')));
    drawSelectAll();
  }

  function drawSelectAll() {
    const ticked = state.items.filter((i) => state.selected.has(i.id)).length;
    selectAll.checked = ticked > 0 && ticked === state.items.length;
    selectAll.indeterminate = ticked > 0 && ticked < state.items.length;
  }

  /** Why one ticket of a bulk change failed, from the field the server names. */
  function failureText(result) {
    if (result.field === 'status') return t('tickets.error.transition');
    if (result.field === 'assigneeId') return t('tickets.bulk.failedAssignee');
    return result.error || t('app.error.unknown');
  }

  async function bulk(change) {
    const ids = Array.from(state.selected);
    if (!ids.length || state.bulkBusy) return;
    state.bulkBusy = true;
    drawBulk();
    try {
      const answer = await api.post('/api/v1/tickets/bulk', { ids, ...change });
      if (state.destroyed) return;
      const results = (answer && answer.results) || [];
      const failed = results.filter((r) => !r.ok);
      if (!failed.length) {
        toast(t('tickets.bulk.done', { count: results.length }));
        state.selected.clear();
      } else {
        const numbers = failed.map((r) => (state.items.find((i) => i.id === r.id) || {}).number).filter(Boolean);
        toast(t('tickets.bulk.partial', {
          ok: results.length - failed.length, failed: failed.length, numbers: numbers.join(', '), reason: failureText(failed[0]),
        }), 'error');
        state.selected = new Set(failed.map((r) => r.id));
      }
    } catch (error) {
      if (state.destroyed) return;
      toast(ticketErrorText(error), 'error');
    } finally {
      state.bulkBusy = false;
    }
    drawBulk();
    await load({ quiet: true });
  }

  // ---- new ticket ----
  async function openNew() {
    const [settings, directory] = await Promise.all([loadSettings(), loadDirectory()]);
    if (state.destroyed) return;
    const created = await openNewTicket({ settings, directory });
    if (created && !state.destroyed) {
      toast(t('tickets.created', { number: created.number }));
      onOpen(created.id);
    }
  }

  // ---- loading ----
  async function load({ more = false, quiet = false } = {}) {
    const token = ++state.token;
    state.loading = true;
    if (!more && !quiet && !state.loaded) drawRows();
    el.setAttribute('aria-busy', 'true');
    refreshButton.disabled = true;
    drawFoot();
    const params = {
      view: state.q ? 'all' : state.view,
      status: state.status, type: state.type, priority: state.priority, q: state.q,
      limit: more ? PAGE : Math.min(MAX_PAGE, Math.max(PAGE, quiet ? state.items.length : 0)),
      cursor: more ? state.next : null,
    };
    try {
      const page = await api.get(`/api/v1/tickets${query(params)}`);
      if (token !== state.token || state.destroyed) return;
      const items = (page && page.items) || [];
      state.items = more ? state.items.concat(items.filter((i) => !state.items.some((x) => x.id === i.id))) : items;
      state.next = (page && page.nextCursor) || null;
      state.total = (page && typeof page.total === 'number') ? page.total : state.items.length;
      state.loaded = true;
      state.error = null;
      const shown = new Set(state.items.map((i) => i.id));
      for (const id of Array.from(state.selected)) if (!shown.has(id)) state.selected.delete(id);
    } catch (error) {
      if (token !== state.token || state.destroyed) return;
      if (state.loaded && (more || quiet)) toast(ticketErrorText(error), 'error');
      else {
        state.loaded = false;
        state.error = error;
      }
    } finally {
      if (token === state.token && !state.destroyed) {
        state.loading = false;
        el.removeAttribute('aria-busy');
        refreshButton.disabled = false;
      }
    }
    drawRows();
    drawBulk();
    drawFoot();
    if (state.loaded && token === state.token) dues.want(state.items.map((i) => i.id), { force: true });
  }

  drawTabs();
  drawFilters();
  drawRows();
  drawFoot();
  load();
  // Look again now and then while the list is shown and nothing is ticked.
  const poll = setInterval(() => {
    if (document.visibilityState === 'visible' && el.isConnected && el.offsetParent !== null
        && !state.selected.size && !state.bulkBusy && !state.loading) load({ quiet: true });
  }, POLL_MS);
  // A ticket the member may see changed (here or elsewhere): look again soon, once for a burst.
  const changedSoon = debounce(() => {
    if (!state.destroyed && !state.selected.size && !state.bulkBusy && !state.loading) load({ quiet: true });
  }, 400);
  const socket = chatSocket();
  const offs = socket ? [
    socket.on('ticket.changed', () => changedSoon()),
    socket.on('status', ({ state: s, reconnected }) => { if (s === 'open' && reconnected) changedSoon(); }),
  ] : [];
  // The types and the team's numbers arrive a moment later: draw again with them.
  Promise.all([loadSettings(), loadDirectory()]).then(([settings, directory]) => {
    if (state.destroyed) return;
    state.settings = settings;
    state.directory = directory;
    drawFilters();
    if (state.loaded) drawRows();
  });

  return {
    el,
    /** Looks again (after coming back from a ticket), keeping the rows while it loads. */
    refresh: ({ quiet = true } = {}) => load({ quiet }),
    destroy() {
      state.destroyed = true;
      state.token += 1;
      clearInterval(poll);
      searchSoon.cancel();
      changedSoon.cancel();
      dues.destroy();
      for (const off of offs) off();
    },
  };
}
