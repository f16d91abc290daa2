// The compensation ledger as a table, shared by the ticket page (its own entries) and the
// approvals page (the shop's recent entries): when, what and how much (a reversal negative, with
// a link to the entry it undoes and back), the status, the reason and note, the order and line,
// who proposed it and who decided, and the actions the signed-in member may take (approve or
// reject a pending entry someone else proposed, reverse a granted one) for supervisors and up.
// API: POST /api/v1/compensations/{id}/approve | /reject {note?}, POST /api/v1/compensations/{id}/reverse {note}.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { user } from '../session.js';
import { field, formDialog } from '../ui.js';
import { formatMoney } from '../orders/shared.js';
import { ticketHref, sameId, personLabel } from '../tickets/shared.js';
import { compensationKindLabel, compensationStatusChip, compensationReasonText, compensationText, formError } from './shared.js';

const RANK = { agent: 0, supervisor: 1, admin: 2, owner: 3 };
const MAX_NOTE = 1000;

/** Supervisors, admins and owners decide and reverse (the server checks their limit). */
export function canDecide() {
  const me = user();
  return Boolean(me) && (RANK[me.role] ?? -1) >= RANK.supervisor;
}

export function isMine(entry) {
  const me = user();
  return Boolean(me && entry.proposedBy) && sameId(entry.proposedBy.id, me.id);
}

/** A granted entry that is not itself a reversal and was not reversed yet. */
export function reversible(entry) {
  return entry.status === 'approved' && Number(entry.amount) > 0 && !entry.reversedBy && !entry.reverses;
}

/** Asks for the reason and reverses `entry`; resolves the reversal or null. */
export function openReverseDialog(entry) {
  const note = h('textarea', {
    name: 'note', rows: '3', maxlength: String(MAX_NOTE), 'data-testid': 'compensation-reverse-note', required: true,
    placeholder: t('cases.ledger.reverseNotePlaceholder'),
  });
  return formDialog({
    title: t('cases.ledger.reverseTitle'),
    testid: 'compensation-reverse-dialog',
    className: 'cs-dialog cs-reverse-dialog',
    submitLabel: t('cases.ledger.reverse'),
    submitTestid: 'compensation-reverse-submit',
    focus: note,
    body: [
      h('p', { class: 'cs-reverse-what' }, t('cases.ledger.reverseWhat', {
        what: compensationText(entry), number: entry.ticketNumber || '', time: formatDateTime(entry.createdAt),
      })),
      field(t('cases.ledger.reverseNote'), note, { hint: t('cases.ledger.reverseHint'), wide: true }),
    ],
    onSubmit: async ({ close }) => {
      const text = note.value.trim();
      if (!text) throw { message: t('cases.ledger.reverseNoteRequired'), field: 'note' };
      try {
        close(await api.post(`/api/v1/compensations/${encodeURIComponent(entry.id)}/reverse`, { note: text }));
      } catch (error) {
        throw formError(error);
      }
    },
  });
}

/** POST approve|reject with an optional note; resolves the decided entry (throws ApiError). */
export function decide(entry, verb, note) {
  return api.post(`/api/v1/compensations/${encodeURIComponent(entry.id)}/${verb}`, note ? { note } : {});
}

function flash(table, id) {
  const row = id ? table.querySelector(`[data-entry-id="${CSS.escape(String(id))}"]`) : null;
  if (!row) return;
  row.scrollIntoView({ block: 'center', behavior: 'smooth' });
  row.classList.remove('is-flash');
  void row.offsetWidth; // restart the animation
  row.classList.add('is-flash');
}

/** The member as the team knows them ("No. 8 Mei": their number when the directory has it). */
export function personText(p, directory) {
  return (p && personLabel(p, directory)) || '\u2014';
}

/**
 * entries: Compensation[] (any order; shown as given); options: {showTicket, busy:Set, directory
 * (members' numbers), onReverse(entry), onDecide(entry, verb)} — without handlers no action column.
 */
export function ledgerTable(entries, {
  showTicket = false, busy = new Set(), directory = null, onReverse = null, onDecide = null, testid = 'compensation-ledger',
} = {}) {
  const actions = Boolean(onReverse || onDecide) && canDecide();
  const ids = new Set(entries.map((e) => String(e.id).toLowerCase()));
  const table = h('table', { class: 'table cs-ledger', 'data-testid': testid });
  const link = (id, text, testid2) => (id && ids.has(String(id).toLowerCase())
    ? h('button', { type: 'button', class: 'link-btn cs-ledger-link', 'data-testid': testid2, onclick: () => flash(table, id) }, text)
    : h('span', { class: 'muted cs-ledger-link' }, text));
  table.append(
    h('thead', null, h('tr', null,
      h('th', null, t('cases.ledger.time')),
      showTicket ? h('th', null, t('cases.ledger.ticket')) : null,
      h('th', null, t('cases.ledger.kind')),
      h('th', { class: 'num' }, t('cases.ledger.amount')),
      h('th', null, t('cases.ledger.status')),
      h('th', null, t('cases.ledger.reason')),
      h('th', null, t('cases.ledger.order')),
      h('th', null, t('cases.ledger.proposedBy')),
      h('th', null, t('cases.ledger.decidedBy')),
      actions ? h('th', { class: 'actions' }, h('span', { class: 'visually-hidden' }, t('cases.ledger.actions'))) : null)),
    h('tbody', null, entries.map((e) => {
      const negative = Number(e.amount) < 0;
      const busyNow = busy.has(e.id);
      return h('tr', {
        class: ['cs-ledger-row', negative && 'is-reversal', e.reversedBy && 'is-reversed'],
        'data-testid': 'compensation-row', 'data-entry-id': e.id, 'data-status': e.status, 'data-kind': e.kind,
        'data-amount': String(e.amount),
      },
      h('td', { class: 'time' }, h('time', { datetime: e.createdAt, title: formatDateTime(e.createdAt) }, formatDateTime(e.createdAt))),
      showTicket ? h('td', { class: 'cs-nowrap' }, h('a', { href: ticketHref(e.ticketId), class: 'mono', 'data-testid': 'compensation-ticket' }, e.ticketNumber || '')) : null,
      h('td', { class: 'cs-nowrap' }, compensationKindLabel(e.kind),
        e.reverses ? h('div', null, link(e.reverses, t('cases.ledger.reverses'), 'compensation-reverses')) : null,
        e.reversedBy ? h('div', null, link(e.reversedBy, t('cases.ledger.reversedBy'), 'compensation-reversed-by')) : null),
      h('td', { class: ['num', 'cs-ledger-amount', negative && 'is-negative'], 'data-testid': 'compensation-amount' }, formatMoney(e.amount, e.currency)),
      h('td', { class: 'cs-nowrap' }, compensationStatusChip(e.status, { 'data-testid': 'compensation-status' })),
      h('td', { class: 'cell-wrap cs-ledger-reason' },
        h('span', null, compensationReasonText(e.reason)),
        e.note ? h('div', { class: 'muted cs-ledger-note', 'data-testid': 'compensation-note' }, e.note) : null),
      h('td', { class: 'cs-nowrap' }, e.orderId ? h('span', { class: 'mono' }, e.orderId) : '\u2014',
        e.sku ? h('div', { class: 'muted mono' }, e.sku) : null),
      h('td', { class: 'cs-nowrap', 'data-testid': 'compensation-proposer' }, personText(e.proposedBy, directory)),
      h('td', { class: 'cs-ledger-decided', 'data-testid': 'compensation-approver' },
        e.status === 'pending' ? h('span', { class: 'cs-waiting' }, t('cases.ledger.waiting')) : personText(e.approvedBy, directory),
        e.decidedAt && e.status !== 'pending' ? h('div', { class: 'muted time' }, formatDateTime(e.decidedAt)) : null,
        e.decisionNote ? h('div', { class: 'muted cs-ledger-note' }, e.decisionNote) : null),
      actions ? h('td', { class: 'actions' },
        e.status === 'pending' && onDecide && !isMine(e) ? [
          h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'compensation-approve', disabled: busyNow, onclick: () => onDecide(e, 'approve') }, t('cases.ledger.approve')),
          h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', 'data-testid': 'compensation-reject', disabled: busyNow, onclick: () => onDecide(e, 'reject') }, t('cases.ledger.reject')),
        ] : null,
        reversible(e) && onReverse ? h('button', {
          type: 'button', class: 'btn btn-small', 'data-testid': 'compensation-reverse', disabled: busyNow, onclick: () => onReverse(e),
        }, t('cases.ledger.reverse')) : null) : null);
    })));
  return h('div', { class: 'table-wrap cs-ledger-wrap' }, table);
}
