// The card of an after-sale solution in the conversation's thread (payload type "card.case"):
// the ticket's number, the case's kind and the solution sent to the customer, who accepts or
// refuses it in the widget. The card is as it was sent: the customer's later answer is on the
// ticket (its after-sales tab and timeline), not here.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { linkify } from '../chat/format.js';
import { kindLabel, answerLabel } from './shared.js';

/** The payload's afterSale of a "card.case" message, or null. */
export function caseCardOf(m) {
  const payload = m && m.payload;
  if (!payload || payload.type !== 'card.case') return null;
  const card = payload.afterSale;
  return card && typeof card === 'object' && card.caseId ? card : null;
}

/** A compact card: "After-sales solution · Exchange", the solution, the ticket's number (and an answer the card carries). */
export function caseCardNode(card) {
  return h('div', { class: 'msg-card msg-card-case', 'data-testid': 'msg-case-card', 'data-case-id': card.caseId },
    h('div', { class: 'msg-card-head' },
      h('span', { class: 'msg-card-kind' }, t('cases.card.title')),
      h('span', { class: 'msg-case-kind' }, kindLabel(card.kind))),
    h('div', { class: 'msg-case-solution', 'data-testid': 'msg-case-solution' }, linkify(card.solution || '')),
    h('div', { class: 'msg-card-foot msg-case-foot' },
      card.ticketNumber ? h('span', { class: 'mono msg-case-ticket', 'data-testid': 'msg-case-ticket' }, card.ticketNumber) : null,
      h('span', { class: 'msg-case-hint' }, t('cases.card.hint')),
      card.answer ? h('span', { class: ['msg-case-answer', `is-${card.answer}`] }, answerLabel(card.answer)) : null));
}
