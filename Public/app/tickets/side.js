// The tickets tab beside a conversation: the tickets linked to it (number, status, subject;
// a click opens the ticket), "create ticket" with the server's proposal (subject, type,
// urgency and priority from the customer's words, the words that led to it, the customer's
// recent orders to link), and the customer's other tickets, which can be linked to this
// conversation. It looks again when the customer writes (a waiting ticket reopens).
// API: GET /api/v1/conversations/{id}/tickets, GET /api/v1/conversations/{id}/ticket-draft,
// POST /api/v1/conversations/{id}/ticket, GET /api/v1/contacts/{id}/tickets, POST /api/v1/tickets/{id}/links.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { user } from '../session.js';
import { toast, debounce, field, select, clearFormErrors, showFormError, busy } from '../ui.js';
import { relativeTime } from '../chat/format.js';
import { formatMoney, orderStatusChip } from '../orders/shared.js';
import {
  PRIORITIES, URGENCIES, priorityLabel, urgencyLabel, typeLabel, typeOptions, statusChip, urgentMark, ticketHref,
  loadSettings, ticketErrorText, sameId,
} from './shared.js';

const REFRESH_DELAY_MS = 1500;
const OTHERS_SHOWN = 5;
const MAX_SUBJECT = 200;

function isActive(ticket) {
  return ticket.status !== 'solved' && ticket.status !== 'closed';
}

/** conversation: the open Conversation; socket: the AgentSocket. Returns {el, refresh, onSummary(fn), destroy}. */
export function createTicketsPanel({ conversation, socket }) {
  const conversationId = conversation.id;
  const contactId = conversation.contactId;
  const state = {
    linked: [], others: [], loaded: false, error: null, token: 0, destroyed: false,
    draft: null, drafting: false, settings: null, linking: new Set(), orders: new Map(),
  };
  const listeners = new Set();

  const createButton = h('button', {
    type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'ticket-panel-create', onclick: () => openDraft(),
  }, t('tickets.side.create'));
  const count = h('span', { class: 'tk-side-count muted', 'data-testid': 'ticket-panel-count' });
  const draftHost = h('div', { class: 'tk-draft-host' });
  const listHost = h('div', { class: 'tk-side-list-host', 'aria-live': 'polite' });
  const othersHost = h('section', { class: 'side-section tk-side-others', 'data-testid': 'ticket-panel-others', hidden: true });
  const el = h('div', { class: 'tk-side', 'data-testid': 'ticket-panel', 'aria-busy': 'true' },
    h('section', { class: 'side-section' },
      h('div', { class: 'side-section-head' }, h('h3', null, t('tickets.side.title'), ' ', count), createButton),
      draftHost,
      listHost),
    othersHost);

  // ---- the linked tickets ----
  function item(ticket, testid, extra = null) {
    return h('li', { class: 'tk-side-item' },
      h('a', {
        href: ticketHref(ticket.id), class: ['tk-side-ticket', !isActive(ticket) && 'is-done'],
        'data-testid': testid, 'data-ticket-id': ticket.id, 'data-number': ticket.number, 'data-status': ticket.status,
      },
      h('span', { class: 'tk-side-top' },
        h('span', { class: 'mono tk-side-number' }, ticket.number),
        statusChip(ticket.status, { 'data-testid': 'ticket-panel-status' }),
        ticket.urgency === 'urgent' ? urgentMark() : null,
        h('time', { class: 'muted tk-side-time', datetime: ticket.updatedAt, title: formatDateTime(ticket.updatedAt) }, relativeTime(ticket.updatedAt))),
      h('span', { class: 'tk-side-subject', 'data-testid': 'ticket-panel-subject' }, ticket.subject),
      h('span', { class: 'tk-side-meta muted' },
        typeLabel(ticket.type, state.settings), ' \u00b7 ', priorityLabel(ticket.priority),
        ticket.assignee ? [' \u00b7 ', ticket.assignee.name] : null)),
      extra);
  }

  function drawList() {
    count.textContent = state.linked.length ? String(state.linked.length) : '';
    if (!state.loaded) {
      listHost.replaceChildren(state.error
        ? h('div', { class: 'tk-side-error', role: 'alert' },
          h('p', { class: 'inline-error' }, ticketErrorText(state.error)),
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => refresh() }, t('app.common.retry')))
        : h('p', { class: 'muted' }, t('app.common.loading')));
      return;
    }
    listHost.replaceChildren(state.linked.length
      ? h('ul', { class: 'tk-side-list', 'data-testid': 'ticket-panel-list' }, state.linked.map((x) => item(x, 'ticket-panel-item')))
      : h('p', { class: 'muted tk-side-empty', 'data-testid': 'ticket-panel-empty', hidden: state.drafting }, t('tickets.side.empty')));
  }

  function drawOthers() {
    const others = state.others.slice(0, OTHERS_SHOWN);
    othersHost.hidden = !others.length;
    if (!others.length) {
      othersHost.replaceChildren();
      return;
    }
    othersHost.replaceChildren(
      h('h3', null, t('tickets.side.others')),
      h('ul', { class: 'tk-side-list' }, others.map((x) => item(x, 'ticket-panel-other', h('button', {
        type: 'button', class: 'btn btn-small tk-side-link', 'data-testid': 'ticket-panel-link', disabled: state.linking.has(x.id),
        title: t('tickets.side.linkHint'), onclick: () => linkHere(x),
      }, t('tickets.side.link'))))));
  }

  // ---- create from the conversation ----
  function cuesLine(draft) {
    const cues = (draft.cues || []).filter(Boolean);
    return h('p', { class: 'tk-draft-cues', 'data-testid': 'ticket-draft-cues' },
      cues.length
        ? [h('span', { class: 'tk-draft-cues-label' }, t('tickets.side.cues')),
          cues.map((cue) => h('span', { class: 'tk-cue', 'data-testid': 'ticket-draft-cue' }, cue))]
        : t('tickets.side.noCues'));
  }

  function draftForm(draft) {
    const me = user();
    const subject = h('input', {
      type: 'text', name: 'subject', maxlength: String(MAX_SUBJECT), value: draft.subject || '', 'data-testid': 'ticket-draft-subject',
      placeholder: t('tickets.side.subjectPlaceholder'),
    });
    const type = select('type', typeOptions(state.settings, draft.type), draft.type, { 'data-testid': 'ticket-draft-type' });
    const urgency = select('urgency', URGENCIES.map((u) => ({ value: u, label: urgencyLabel(u) })), draft.urgency, { 'data-testid': 'ticket-draft-urgency' });
    const priority = select('priority', PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) })), draft.priority, { 'data-testid': 'ticket-draft-priority' });
    const orders = (draft.orderIds || []).map((orderId) => {
      const order = state.orders.get(orderId);
      const title = order && Array.isArray(order.lines) && order.lines.length ? order.lines[0].title : '';
      return h('label', { class: 'check tk-draft-order', title: title || null },
        h('input', { type: 'checkbox', name: 'orderIds', value: orderId, 'data-testid': 'ticket-draft-order', 'data-order-id': orderId }),
        h('span', { class: 'tk-draft-order-main' },
          h('span', { class: 'tk-draft-order-top' },
            h('span', { class: 'mono' }, (order && order.number) || orderId),
            order ? orderStatusChip(order.status) : null,
            order ? h('span', { class: 'tk-draft-order-total' }, formatMoney(order.total, order.currency)) : null),
          title ? h('span', { class: 'tk-draft-order-title muted' }, title) : null));
    });
    const description = h('textarea', {
      name: 'description', rows: '2', maxlength: '5000', 'data-testid': 'ticket-draft-description', placeholder: t('tickets.side.descriptionPlaceholder'),
    });
    const assignMe = h('input', { type: 'checkbox', name: 'assigneeId', checked: true, 'data-testid': 'ticket-draft-assign-me' });
    const existing = (draft.existing || []).length;
    const form = h('form', { class: 'form tk-draft', 'data-testid': 'ticket-draft-form', novalidate: true },
      h('div', { class: 'tk-draft-proposal', 'data-testid': 'ticket-draft-proposal' },
        h('p', { class: 'tk-draft-title' }, t('tickets.side.proposal', {
          type: typeLabel(draft.type, state.settings), urgency: urgencyLabel(draft.urgency), priority: priorityLabel(draft.priority),
        })),
        cuesLine(draft)),
      existing ? h('p', { class: 'tk-draft-existing', 'data-testid': 'ticket-draft-existing' }, t('tickets.side.existingHint', { count: existing })) : null,
      field(t('tickets.field.subject'), subject),
      h('div', { class: 'tk-draft-grid' },
        field(t('tickets.field.type'), type),
        field(t('tickets.field.urgency'), urgency),
        field(t('tickets.field.priority'), priority)),
      orders.length ? h('fieldset', { class: 'field tk-draft-orders' },
        h('legend', null, t('tickets.side.orders')),
        h('div', { class: 'tk-draft-order-list' }, orders)) : null,
      field(t('tickets.side.description'), description),
      me ? h('label', { class: 'check' }, assignMe, h('span', null, t('tickets.form.assignMe'))) : null,
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-small btn-primary', 'data-testid': 'ticket-draft-submit' }, t('tickets.side.confirm')),
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'ticket-draft-cancel', onclick: () => closeDraft() }, t('app.common.cancel'))));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearFormErrors(form);
      const body = { type: type.value, urgency: urgency.value, priority: priority.value };
      if (subject.value.trim()) body.subject = subject.value.trim();
      const orderIds = Array.from(form.querySelectorAll('input[name="orderIds"]:checked')).map((x) => x.value);
      if (orderIds.length) body.orderIds = orderIds;
      if (description.value.trim()) body.description = description.value.trim();
      if (me && assignMe.checked) body.assigneeId = me.id;
      await busy(form, async () => {
        try {
          const ticket = await api.post(`/api/v1/conversations/${encodeURIComponent(conversationId)}/ticket`, body);
          if (state.destroyed) return;
          toast(t('tickets.created', { number: ticket.number }));
          closeDraft();
          state.linked = [ticket].concat(state.linked.filter((x) => x.id !== ticket.id));
          draw();
          refresh();
        } catch (error) {
          if (!state.destroyed) showFormError(form, error, { orderIds: 'orderIds' });
        }
      });
    });
    setTimeout(() => subject.focus());
    return form;
  }

  async function openDraft() {
    if (state.drafting) return;
    state.drafting = true;
    createButton.disabled = true;
    drawList();
    draftHost.replaceChildren(h('p', { class: 'muted tk-draft-loading' }, t('tickets.side.proposing')));
    try {
      const [draft, settings, orders] = await Promise.all([
        api.get(`/api/v1/conversations/${encodeURIComponent(conversationId)}/ticket-draft`), loadSettings(),
        // The proposal names the recent orders by id; the customer's orders say what they are.
        contactId ? api.get(`/api/v1/contacts/${encodeURIComponent(contactId)}/orders`).catch(() => null) : null,
      ]);
      if (state.destroyed) return;
      state.settings = settings;
      state.orders = new Map(((orders && orders.orders) || []).map((o) => [o.externalId, o]));
      state.draft = draft;
      draftHost.replaceChildren(draftForm(draft));
    } catch (error) {
      if (state.destroyed) return;
      state.drafting = false;
      createButton.disabled = false;
      drawList();
      draftHost.replaceChildren(h('p', { class: 'inline-error', role: 'alert', 'data-testid': 'ticket-draft-error' }, ticketErrorText(error)));
    }
  }

  function closeDraft() {
    state.draft = null;
    state.drafting = false;
    createButton.disabled = false;
    draftHost.replaceChildren();
    drawList();
    createButton.focus();
  }

  async function linkHere(ticket) {
    if (state.linking.has(ticket.id)) return;
    state.linking.add(ticket.id);
    drawOthers();
    try {
      await api.post(`/api/v1/tickets/${encodeURIComponent(ticket.id)}/links`, { conversationId });
      if (state.destroyed) return;
      toast(t('tickets.side.linked', { number: ticket.number }));
      state.linking.delete(ticket.id);
      await refresh();
      return;
    } catch (error) {
      if (state.destroyed) return;
      toast(ticketErrorText(error), 'error');
    }
    state.linking.delete(ticket.id);
    drawOthers();
  }

  // ---- loading ----
  function summary() {
    const open = state.linked.filter(isActive);
    return {
      count: state.linked.length,
      due: open.some((x) => x.urgency === 'urgent'),
      title: state.linked.length ? t('tickets.side.badgeTitle', { count: state.linked.length, open: open.length }) : '',
    };
  }

  function draw() {
    if (state.destroyed) return;
    drawList();
    drawOthers();
    const s = summary();
    for (const fn of listeners) fn(s);
  }

  async function refresh() {
    const token = ++state.token;
    try {
      const [linked, others, settings] = await Promise.all([
        api.get(`/api/v1/conversations/${encodeURIComponent(conversationId)}/tickets`),
        contactId ? api.get(`/api/v1/contacts/${encodeURIComponent(contactId)}/tickets`).catch(() => ({ items: [] })) : { items: [] },
        loadSettings(),
      ]);
      if (token !== state.token || state.destroyed) return;
      state.settings = settings;
      state.linked = (linked && linked.items) || [];
      const linkedIds = new Set(state.linked.map((x) => String(x.id).toLowerCase()));
      state.others = ((others && others.items) || []).filter((x) => !linkedIds.has(String(x.id).toLowerCase()))
        .sort((a, b) => Number(isActive(b)) - Number(isActive(a)));
      state.loaded = true;
      state.error = null;
    } catch (error) {
      if (token !== state.token || state.destroyed) return;
      state.error = error;
    } finally {
      if (token === state.token && !state.destroyed) el.removeAttribute('aria-busy');
    }
    draw();
  }
  const refreshSoon = debounce(refresh, REFRESH_DELAY_MS);

  const offs = [
    // The customer wrote: a ticket waiting on them reopens a moment later.
    socket.on('message', (frame) => {
      const m = frame.message;
      if (!m || m.senderType !== 'visitor' || !sameId(frame.conversationId || m.conversationId, conversationId)) return;
      if (state.linked.length) refreshSoon();
    }),
    socket.on('status', ({ state: s, reconnected }) => { if (s === 'open' && reconnected) refreshSoon(); }),
  ];

  draw();
  refresh();

  return {
    el,
    refresh,
    /** fn({count, due, title}) after every load; returns the unsubscribe function. */
    onSummary(fn) {
      listeners.add(fn);
      if (state.loaded) fn(summary());
      return () => listeners.delete(fn);
    },
    destroy() {
      state.destroyed = true;
      state.token += 1;
      refreshSoon.cancel();
      for (const off of offs) off();
      listeners.clear();
    },
  };
}
