// One ticket (#/tickets/<id>): the header (number, status, subject, customer), the transcript
// of each linked conversation (folded), the timeline and the composer in the middle, the
// properties on the right. A closed ticket is read only, with a notice. The page looks again
// when the customer writes in a linked conversation (the server reopens a waiting ticket a
// moment later) and every 30 s while it is shown. Complaint and after-sale tickets (and any
// ticket that has cases) get a second tab beside the activity: after-sales (cases/panel.js),
// opened at once by #/tickets/<id>/after-sales. The right column holds the ticket's SLA clocks
// (sla/panel.js), looked at again with the ticket and a moment after a change made here. The
// composer's Macros button (macros/menu.js) applies a ticket macro after its preview; the page looks
// again once it is applied.
// API: GET/PATCH /api/v1/tickets/{id}, POST /api/v1/tickets/{id}/entries, POST /api/v1/tickets/{id}/links,
// GET /api/v1/tickets/{id}/sla.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { toast, loadingBlock, loadError, debounce } from '../ui.js';
import { icon } from '../icons.js';
import { chatSocket, loadDirectory } from '../chat/runtime.js';
import { avatar } from '../chat/format.js';
import {
  statusChip, urgentMark, typeLabel, sourceLabel, personLabel, loadSettings, ticketErrorText, sameId,
} from './shared.js';
import { timelineNode } from './timeline.js';
import { createTranscript } from './transcript.js';
import { createTicketComposer } from './composer.js';
import { createTicketProps } from './props.js';
import { createAfterSales } from '../cases/panel.js';
import { isCaseTicket } from '../cases/shared.js';
import { createSlaPanel } from '../sla/panel.js';
import { createMacroMenu } from '../macros/menu.js';

const POLL_MS = 30000;
// After a customer's message in a linked conversation: the durable listener reopens the ticket
// within about a second; look after that, and once more in case it ran late.
const CUSTOMER_LOOKS_MS = [1500, 5000];
const MAX_SUBJECT = 200;

const TABS = ['activity', 'after-sales'];

/** id: the ticket; onBack() returns to the list; tab: 'after-sales' opens that tab. Returns {el, destroy}. */
export function createTicketPage({ id, onBack, tab = null }) {
  const state = {
    ticket: null, settings: null, directory: null, error: null, destroyed: false, token: 0,
    editingSubject: false, timers: [], poll: null,
  };
  const transcripts = new Map(); // conversationId → transcript

  const headerHost = h('header', { class: 'tk-head' });
  const noticeHost = h('div', { class: 'tk-notice-host' });
  const transcriptHost = h('div', { class: 'tk-transcripts', 'data-testid': 'ticket-transcripts' });
  const timelineHost = h('div', { class: 'tk-timeline-host', 'aria-live': 'polite' });
  const scrolled = h('div', { class: 'tk-scroll-inner' },
    transcriptHost,
    h('h2', { class: 'tk-section-title' }, t('tickets.timeline.title')),
    timelineHost);
  const scroller = h('div', { class: 'tk-scroll', 'data-testid': 'ticket-scroll' }, scrolled);
  // The newest entries are at the bottom: while the agent is there, stay there as things
  // arrive (an entry, a transcript growing above); opening a transcript lets go.
  let stuck = true;
  const toBottom = () => { scroller.scrollTop = scroller.scrollHeight; };
  scroller.addEventListener('scroll', () => { stuck = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40; });
  transcriptHost.addEventListener('click', (event) => { if (event.target.closest('summary')) stuck = false; });
  const resizes = typeof ResizeObserver === 'function' ? new ResizeObserver(() => { if (stuck) toBottom(); }) : null;
  if (resizes) {
    resizes.observe(scrolled);
    resizes.observe(scroller);
  }
  const macros = createMacroMenu({
    target: 'ticket', targetId: id, input: { focus: () => composer.focus() }, directory: () => loadDirectory(), onApplied: () => applied(),
  });
  const composer = createTicketComposer({ onSubmit: comment, tools: [macros.el], onKey: macros.handleKey });
  const sla = createSlaPanel({ type: 'ticket', id });
  const props = createTicketProps({ onPatch: patch, onLink: link, extra: sla.el });
  const afterSales = createAfterSales({ ticketId: id, onChanged: () => load({ quiet: true }) });
  const tabsHost = h('div', { class: 'tk-tabs', role: 'tablist', 'aria-label': t('cases.tab.label'), hidden: true });
  let currentTab = TABS.includes(tab) ? tab : 'activity';
  let caseSummary = null;
  afterSales.onSummary((summary) => { caseSummary = summary; drawTabs(); });
  const main = h('section', { class: 'tk-main' }, headerHost, noticeHost, tabsHost, scroller, afterSales.el, composer.el);
  const el = h('div', { class: 'tk-page', 'data-testid': 'ticket-page', 'data-ticket-id': id, 'aria-busy': 'true' },
    h('div', { class: 'tk-page-loading' }, loadingBlock()));

  // ---- tabs: the activity, and after-sales for tickets that carry cases ----
  function hasAfterSales() {
    return Boolean(state.ticket) && (isCaseTicket(state.ticket) || afterSales.hasCases());
  }

  function selectTab(next) {
    if (next === currentTab) return;
    currentTab = next;
    const path = next === 'after-sales' ? `#/tickets/${encodeURIComponent(id)}/after-sales` : `#/tickets/${encodeURIComponent(id)}`;
    // The address follows without a hashchange (the router would build the page again).
    if (window.location.hash !== path) window.history.replaceState(null, '', path);
    drawTabs();
    if (next === 'activity') {
      stuck = true;
      toBottom();
    }
  }

  function drawTabs() {
    if (!state.ticket) return;
    const shown = hasAfterSales();
    if (!shown && currentTab !== 'activity') currentTab = 'activity';
    tabsHost.hidden = !shown;
    const onCases = currentTab === 'after-sales';
    el.dataset.tab = currentTab;
    scroller.hidden = onCases;
    composer.el.hidden = onCases || state.ticket.status === 'closed';
    afterSales.visible(onCases);
    if (!shown) { tabsHost.replaceChildren(); return; }
    const s = caseSummary;
    const badge = s && s.open ? h('span', {
      class: ['tk-tab-count', s.overdue ? 'is-overdue' : s.warn ? 'is-warn' : null], 'data-testid': 'ticket-tab-cases-count',
      title: s.overdue ? t('cases.tab.overdue', { count: s.overdue }) : s.warn ? t('cases.tab.warn', { count: s.warn }) : null,
    }, String(s.open)) : null;
    tabsHost.replaceChildren(
      h('button', {
        type: 'button', role: 'tab', class: 'tk-tab', 'data-testid': 'ticket-tab-activity', 'aria-selected': String(!onCases),
        onclick: () => selectTab('activity'),
      }, t('cases.tab.activity')),
      h('button', {
        type: 'button', role: 'tab', class: 'tk-tab', 'data-testid': 'ticket-tab-cases', 'aria-selected': String(onCases),
        onclick: () => selectTab('after-sales'),
      }, t('cases.tab.afterSales'), badge));
  }

  // ---- header ----
  function subjectEditor() {
    const input = h('input', {
      type: 'text', class: 'tk-subject-input', 'data-testid': 'ticket-subject-input', maxlength: String(MAX_SUBJECT),
      value: state.ticket.subject, 'aria-label': t('tickets.field.subject'),
    });
    const done = () => { state.editingSubject = false; drawHeader(); };
    const saveSubject = async () => {
      const subject = input.value.trim();
      if (!subject || subject === state.ticket.subject) { done(); return; }
      state.editingSubject = false;
      await patch({ subject }).catch(() => {});
      drawHeader();
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) { event.preventDefault(); saveSubject(); }
      if (event.key === 'Escape') { event.preventDefault(); done(); }
    });
    setTimeout(() => { input.focus(); input.select(); });
    return h('div', { class: 'tk-subject-edit' }, input,
      h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'ticket-subject-save', onclick: saveSubject }, t('app.common.save')),
      h('button', { type: 'button', class: 'btn btn-small', onclick: done }, t('app.common.cancel')));
  }

  function drawHeader() {
    const ticket = state.ticket;
    const customer = ticket.contact;
    const closed = ticket.status === 'closed';
    headerHost.replaceChildren(
      h('div', { class: 'tk-head-top' },
        h('a', { href: '#/tickets', class: 'btn btn-small btn-ghost tk-back', 'data-testid': 'ticket-back', onclick: (event) => { event.preventDefault(); onBack(); } },
          icon('back'), h('span', null, t('tickets.back'))),
        h('span', { class: 'tk-head-number mono', 'data-testid': 'ticket-number' }, ticket.number),
        statusChip(ticket.status, { 'data-testid': 'ticket-status' }),
        ticket.urgency === 'urgent' ? urgentMark({ 'data-testid': 'ticket-urgent' }) : null,
        h('span', { class: 'tk-head-type', 'data-testid': 'ticket-type' }, typeLabel(ticket.type, state.settings))),
      state.editingSubject ? subjectEditor() : h('div', { class: 'tk-head-subject' },
        h('h1', { class: 'tk-subject-title', 'data-testid': 'ticket-subject' }, ticket.subject),
        closed ? null : h('button', {
          type: 'button', class: 'btn btn-small btn-ghost tk-subject-edit-btn', 'data-testid': 'ticket-subject-edit',
          title: t('tickets.editSubject'), onclick: () => { state.editingSubject = true; drawHeader(); },
        }, t('app.common.edit'))),
      h('div', { class: 'tk-head-meta' },
        customer ? h('span', { class: 'tk-head-customer', 'data-testid': 'ticket-customer' },
          avatar(customer.name, customer.id, 'tk-avatar'), h('span', null, customer.name))
          : h('span', { class: 'muted', 'data-testid': 'ticket-customer' }, t('tickets.noCustomer')),
        h('span', { class: 'tk-head-fact' }, t('tickets.head.via', { source: sourceLabel(ticket.source) })),
        h('span', { class: 'tk-head-fact' }, t('tickets.head.created', { time: formatDateTime(ticket.createdAt) })),
        ticket.assignee ? h('span', { class: 'tk-head-fact' }, t('tickets.head.assignee', { name: personLabel(ticket.assignee, state.directory) })) : null));
  }

  function drawNotice() {
    const status = state.ticket.status;
    if (status === 'closed') {
      noticeHost.replaceChildren(h('div', { class: 'tk-notice tk-notice-closed', role: 'status', 'data-testid': 'ticket-closed-notice' }, t('tickets.closedNotice')));
    } else if (status === 'solved') {
      noticeHost.replaceChildren(h('div', { class: 'tk-notice tk-notice-solved', role: 'status', 'data-testid': 'ticket-solved-notice' }, t('tickets.solvedNotice')));
    } else {
      noticeHost.replaceChildren();
    }
  }

  function drawTranscripts() {
    const ids = [];
    for (const l of state.ticket.links || []) {
      if (l.conversationId && !ids.some((x) => sameId(x, l.conversationId))) ids.push(l.conversationId);
    }
    for (const [key, transcript] of transcripts) {
      if (!ids.some((x) => sameId(x, key))) {
        transcript.destroy();
        transcripts.delete(key);
      }
    }
    const customerName = state.ticket.contact ? state.ticket.contact.name : '';
    const parts = ids.map((cid) => {
      if (!transcripts.has(cid)) transcripts.set(cid, createTranscript({ conversationId: cid, customerName }));
      return transcripts.get(cid).el;
    });
    transcriptHost.hidden = !parts.length;
    transcriptHost.replaceChildren(...(parts.length ? [h('h2', { class: 'tk-section-title' }, t('tickets.transcript.section')), ...parts] : []));
  }

  function drawTimeline() {
    timelineHost.replaceChildren(timelineNode(state.ticket.entries, { settings: state.settings, directory: state.directory }));
    if (stuck) toBottom();
  }

  function draw({ first = false, quiet = false } = {}) {
    const ticket = state.ticket;
    el.dataset.status = ticket.status;
    if (first) {
      el.replaceChildren(main, props.el);
      el.removeAttribute('aria-busy');
    }
    drawHeader();
    drawNotice();
    drawTranscripts();
    drawTimeline();
    composer.update(ticket);
    afterSales.update(ticket, state.settings, state.directory);
    drawTabs();
    // A quiet look leaves the properties alone while the agent types in them.
    if (!(quiet && props.editing())) props.update(ticket, state.settings, state.directory);
    if (first) toBottom();
  }

  /** Puts the ticket the server answered in place. */
  function show(ticket, { quiet = false } = {}) {
    if (!ticket || state.destroyed) return;
    const first = !state.ticket;
    state.ticket = ticket;
    draw({ first, quiet });
  }

  // ---- changes ----
  async function patch(body) {
    try {
      const ticket = await api.patch(`/api/v1/tickets/${encodeURIComponent(id)}`, body);
      show(ticket);
      sla.refreshSoon();
      toast(t('tickets.saved'));
      return ticket;
    } catch (error) {
      if (!state.destroyed) toast(ticketErrorText(error), 'error');
      throw error;
    }
  }

  async function comment({ kind, text, status }) {
    const body = status ? { kind, text, status } : { kind, text };
    try {
      const ticket = await api.post(`/api/v1/tickets/${encodeURIComponent(id)}/entries`, body);
      stuck = true;
      show(ticket);
      sla.refreshSoon();
      toBottom();
      toast(kind === 'reply' ? t('tickets.composer.replySent') : t('tickets.composer.noteAdded'));
      for (const transcript of transcripts.values()) transcript.refresh();
    } catch (error) {
      if (!state.destroyed) toast(ticketErrorText(error), 'error');
      throw error;
    }
  }

  /** A macro was applied: its reply, note and changes are on the ticket now. */
  function applied() {
    if (state.destroyed) return;
    stuck = true;
    load({ quiet: true });
    sla.refreshSoon();
    for (const transcript of transcripts.values()) transcript.refresh();
  }

  async function link(body) {
    try {
      show(await api.post(`/api/v1/tickets/${encodeURIComponent(id)}/links`, body));
      toast(t('tickets.props.linked'));
    } catch (error) {
      if (!state.destroyed) toast(ticketErrorText(error), 'error');
      throw error;
    }
  }

  // ---- loading ----
  async function load({ quiet = false } = {}) {
    const token = ++state.token;
    try {
      const [ticket, settings, directory] = await Promise.all([
        api.get(`/api/v1/tickets/${encodeURIComponent(id)}`), loadSettings(), loadDirectory(),
      ]);
      if (token !== state.token || state.destroyed) return;
      state.settings = settings;
      state.directory = directory;
      state.error = null;
      // A quiet look while the agent edits the subject waits for the next one.
      if (quiet && state.editingSubject) return;
      show(ticket, { quiet });
    } catch (error) {
      if (token !== state.token || state.destroyed) return;
      state.error = error;
      if (!state.ticket) {
        el.removeAttribute('aria-busy');
        el.replaceChildren(h('div', { class: 'tk-page-error' },
          h('a', { href: '#/tickets', class: 'btn btn-small', onclick: (event) => { event.preventDefault(); onBack(); } }, icon('back'), h('span', null, t('tickets.back'))),
          loadError(error, () => load())));
      }
    }
  }

  function lookSoon() {
    for (const timer of state.timers) clearTimeout(timer);
    state.timers = CUSTOMER_LOOKS_MS.map((ms) => setTimeout(() => load({ quiet: true }), ms));
  }

  const changedSoon = debounce(() => {
    if (state.destroyed) return;
    load({ quiet: true });
    sla.refresh();
  }, 300);
  const socket = chatSocket();
  const offs = socket ? [
    socket.on('message', (frame) => {
      const m = frame.message;
      if (!m || !state.ticket || m.senderType !== 'visitor') return;
      const conversationId = frame.conversationId || m.conversationId;
      if (!(state.ticket.links || []).some((l) => sameId(l.conversationId, conversationId))) return;
      const transcript = Array.from(transcripts.entries()).find(([key]) => sameId(key, conversationId));
      if (transcript) transcript[1].refresh();
      lookSoon();
      sla.refreshSoon();
    }),
    // This ticket, its case or a compensation changed (a colleague, the platform, the customer's answer).
    socket.on('ticket.changed', (frame) => {
      if (state.ticket && sameId(frame.ticketId, state.ticket.id)) changedSoon();
    }),
    socket.on('status', ({ state: s, reconnected }) => {
      if (s === 'open' && reconnected) {
        load({ quiet: true });
        sla.refresh();
      }
    }),
  ] : [];

  state.poll = setInterval(() => {
    if (document.visibilityState === 'visible' && state.ticket) load({ quiet: true });
  }, POLL_MS);

  load();

  return {
    el,
    destroy() {
      state.destroyed = true;
      state.token += 1;
      clearInterval(state.poll);
      for (const timer of state.timers) clearTimeout(timer);
      for (const off of offs) off();
      changedSoon.cancel();
      for (const transcript of transcripts.values()) transcript.destroy();
      if (resizes) resizes.disconnect();
      composer.destroy();
      macros.destroy();
      afterSales.destroy();
      sla.destroy();
    },
  };
}
