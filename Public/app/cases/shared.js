// After-sales, shared by the ticket page's after-sales tab (cases/panel.js and its parts), the
// open cases page (views/aftersales.js), the compensation approvals page (views/compensations.js),
// the ticket timeline's case and compensation entries (tickets/timeline.js) and the thread's
// case cards (cases/chatcard.js): the labels of kinds, reasons, states, rulings, steps and
// compensation kinds, their chips, deadlines as time left, money of the ledger, error texts.
import { h } from '../dom.js';
import { t, errorText, errorDetail, formatDateTime } from '../i18n.js';
import { formatMoney } from '../orders/shared.js';
import { icon } from '../icons.js';

export const CASE_TICKET_TYPES = ['complaint', 'after_sale'];
export const KINDS = ['refund_only', 'return_refund', 'exchange', 'resend', 'repair', 'compensation', 'price_protection'];
export const REASONS = ['quality', 'wrong_item', 'missing_item', 'damaged', 'not_as_described', 'changed_mind', 'slow_delivery', 'price_drop', 'other'];
export const STATES = ['requested', 'seller_review', 'agreed', 'refused', 'awaiting_return', 'return_received', 'done', 'closed', 'platform_intervention'];
export const RULINGS = ['buyer_supported', 'seller_supported'];
export const STEPS = ['acknowledge', 'investigate', 'propose', 'follow_up'];
export const COMPENSATION_KINDS = ['refund', 'partial_refund', 'coupon', 'cash', 'resend', 'gift'];

const KIND_LABELS = {
  refund_only: () => t('cases.kind.refund_only'),
  return_refund: () => t('cases.kind.return_refund'),
  exchange: () => t('cases.kind.exchange'),
  resend: () => t('cases.kind.resend'),
  repair: () => t('cases.kind.repair'),
  compensation: () => t('cases.kind.compensation'),
  price_protection: () => t('cases.kind.price_protection'),
};

const REASON_LABELS = {
  quality: () => t('cases.reason.quality'),
  wrong_item: () => t('cases.reason.wrong_item'),
  missing_item: () => t('cases.reason.missing_item'),
  damaged: () => t('cases.reason.damaged'),
  not_as_described: () => t('cases.reason.not_as_described'),
  changed_mind: () => t('cases.reason.changed_mind'),
  slow_delivery: () => t('cases.reason.slow_delivery'),
  price_drop: () => t('cases.reason.price_drop'),
  other: () => t('cases.reason.other'),
};

const STATE_LABELS = {
  requested: () => t('cases.state.requested'),
  seller_review: () => t('cases.state.seller_review'),
  agreed: () => t('cases.state.agreed'),
  refused: () => t('cases.state.refused'),
  awaiting_return: () => t('cases.state.awaiting_return'),
  return_received: () => t('cases.state.return_received'),
  done: () => t('cases.state.done'),
  closed: () => t('cases.state.closed'),
  platform_intervention: () => t('cases.state.platform_intervention'),
};

// The button that moves a case to a state ("Agree", "Refuse", "Ask the platform"…).
const MOVE_LABELS = {
  requested: () => t('cases.move.requested'),
  seller_review: () => t('cases.move.seller_review'),
  agreed: () => t('cases.move.agreed'),
  refused: () => t('cases.move.refused'),
  awaiting_return: () => t('cases.move.awaiting_return'),
  return_received: () => t('cases.move.return_received'),
  done: () => t('cases.move.done'),
  closed: () => t('cases.move.closed'),
  platform_intervention: () => t('cases.move.platform_intervention'),
};

const RULING_LABELS = {
  buyer_supported: () => t('cases.ruling.buyer_supported'),
  seller_supported: () => t('cases.ruling.seller_supported'),
};

const STEP_LABELS = {
  acknowledge: () => t('cases.step.acknowledge'),
  investigate: () => t('cases.step.investigate'),
  propose: () => t('cases.step.propose'),
  follow_up: () => t('cases.step.follow_up'),
};

const STEP_HINTS = {
  acknowledge: () => t('cases.step.acknowledgeHint'),
  investigate: () => t('cases.step.investigateHint'),
  propose: () => t('cases.step.proposeHint'),
  follow_up: () => t('cases.step.follow_upHint'),
};

const COMPENSATION_KIND_LABELS = {
  refund: () => t('cases.compensation.kind.refund'),
  partial_refund: () => t('cases.compensation.kind.partial_refund'),
  coupon: () => t('cases.compensation.kind.coupon'),
  cash: () => t('cases.compensation.kind.cash'),
  resend: () => t('cases.compensation.kind.resend'),
  gift: () => t('cases.compensation.kind.gift'),
};

const COMPENSATION_STATUS_LABELS = {
  pending: () => t('cases.compensation.status.pending'),
  approved: () => t('cases.compensation.status.approved'),
  rejected: () => t('cases.compensation.status.rejected'),
};

const ANSWER_LABELS = {
  accepted: () => t('cases.answer.accepted'),
  refused: () => t('cases.answer.refused'),
};

// The colour family of a state chip.
const STATE_TONES = {
  requested: 'warn', seller_review: 'info', agreed: 'ok', refused: 'danger', awaiting_return: 'info',
  return_received: 'info', done: 'done', closed: 'muted', platform_intervention: 'alert',
};

function label(map, key) {
  return map[key] ? map[key]() : String(key || '');
}

export const kindLabel = (kind) => label(KIND_LABELS, kind);
export const reasonLabel = (reason) => label(REASON_LABELS, reason);
export const stateLabel = (state) => label(STATE_LABELS, state);
export const moveLabel = (state) => label(MOVE_LABELS, state);
export const rulingLabel = (ruling) => label(RULING_LABELS, ruling);
export const stepLabel = (step) => label(STEP_LABELS, step);
export const stepHint = (step) => label(STEP_HINTS, step);
export const compensationKindLabel = (kind) => label(COMPENSATION_KIND_LABELS, kind);
export const compensationStatusLabel = (status) => label(COMPENSATION_STATUS_LABELS, status);
export const answerLabel = (answer) => label(ANSWER_LABELS, answer);

export function isCaseTicket(ticket) {
  return Boolean(ticket) && CASE_TICKET_TYPES.includes(ticket.type);
}

export function isOpenState(state) {
  return state !== 'done' && state !== 'closed';
}

/** <span class="cs-state cs-tone-warn" data-state="requested">. */
export function stateChip(state, attrs = {}) {
  return h('span', { class: ['cs-state', `cs-tone-${STATE_TONES[state] || 'muted'}`], 'data-state': state || '', ...attrs }, stateLabel(state));
}

export function compensationStatusChip(status, attrs = {}) {
  return h('span', { class: ['cs-comp-status', `cs-comp-${status || 'pending'}`], 'data-status': status || '', ...attrs },
    compensationStatusLabel(status));
}

// ---- deadlines ------------------------------------------------------------------------

/**
 * Seconds left now of a case's deadline as the server counted them at `fetchedAt` (ms), so the
 * page's own clock only adds the time since (no skew between the browser and the server).
 */
export function secondsLeft(deadline, fetchedAt, now = Date.now()) {
  if (!deadline || typeof deadline.secondsLeft !== 'number') return null;
  return Math.round(deadline.secondsLeft - Math.max(0, now - (fetchedAt || now)) / 1000);
}

/** How many of `cases` are open, and of those near their deadline (warn) or past it (overdue). */
export function deadlineCounts(cases, fetchedAt) {
  const open = cases.filter((c) => isOpenState(c.state));
  let warn = 0;
  let overdue = 0;
  for (const c of open) {
    const left = secondsLeft(c.deadline, fetchedAt);
    if (left === null) continue;
    if (left < 0) overdue += 1;
    else if (c.deadline.warn) warn += 1;
  }
  return { open: open.length, warn, overdue };
}

/** "23 h 10 min left", "2 d 3 h overdue". */
export function timeLeftText(seconds) {
  const overdue = seconds < 0;
  const s = Math.abs(seconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (overdue) {
    if (days >= 1) return t('cases.deadline.overdueDays', { days, hours });
    if (hours >= 1) return t('cases.deadline.overdueHours', { hours, minutes });
    return t('cases.deadline.overdueMinutes', { minutes: Math.max(1, minutes) });
  }
  if (days >= 1) return t('cases.deadline.leftDays', { days, hours });
  if (hours >= 1) return t('cases.deadline.leftHours', { hours, minutes });
  return t('cases.deadline.leftMinutes', { minutes: Math.max(1, minutes) });
}

/**
 * The deadline as a chip: the time left (amber within the warning window, red when overdue),
 * "platform" when the platform set it, the due time in the tooltip. null without a deadline.
 */
export function deadlineChip(deadline, fetchedAt, attrs = {}) {
  const left = secondsLeft(deadline, fetchedAt);
  if (left === null) return null;
  const overdue = left < 0 || deadline.overdue === true;
  // Within the shop's warning window when the server counted (the page looks again regularly).
  const warn = !overdue && deadline.warn === true;
  const platform = deadline.source === 'platform';
  const due = formatDateTime(deadline.dueAt);
  return h('span', {
    class: ['cs-deadline', overdue ? 'is-overdue' : warn ? 'is-warn' : 'is-ok'],
    'data-overdue': String(overdue), 'data-warn': String(warn), 'data-source': deadline.source || 'policy',
    title: platform ? t('cases.deadline.platformDue', { time: due }) : t('cases.deadline.policyDue', { time: due }),
    ...attrs,
  },
  icon('clock', 'icon cs-deadline-icon'),
  platform ? h('span', { class: 'cs-deadline-platform', 'data-testid': 'case-deadline-platform' }, t('cases.deadline.platform')) : null,
  h('span', { class: 'cs-deadline-text' }, timeLeftText(left)));
}

// ---- money ------------------------------------------------------------------------------

/** "Coupon ¥20.00" in the interface language. */
export function compensationText(entry) {
  return t('cases.compensation.kindAmount', { kind: compensationKindLabel(entry.kind), amount: formatMoney(entry.amount, entry.currency) });
}

/** A ledger change's value "2000 CNY" as money; the text itself when it is not that. */
export function moneyText(value) {
  const match = /^(-?\d+) ([A-Za-z]{3})$/.exec(String(value || '').trim());
  return match ? formatMoney(Number(match[1]), match[2]) : String(value || '');
}

/** A compensation's reason: a case reason's label, else the words as written. */
export function compensationReasonText(reason) {
  return REASON_LABELS[reason] ? REASON_LABELS[reason]() : String(reason || '');
}

/** The totals of a ledger as [{currency, granted, pending}], CNY first. */
export function totalsList(totals) {
  return Object.entries(totals || {})
    .map(([currency, v]) => ({ currency, granted: Number(v.granted) || 0, pending: Number(v.pending) || 0 }))
    .sort((a, b) => (a.currency === 'CNY' ? -1 : b.currency === 'CNY' ? 1 : a.currency.localeCompare(b.currency)));
}

// ---- errors -----------------------------------------------------------------------------

const CODE_TEXTS = {
  not_a_case_ticket: () => t('cases.error.notCaseTicket'),
  duplicate_case: () => t('cases.error.duplicate'),
  transition_not_allowed: () => t('cases.error.transition'),
  no_intervention: () => t('cases.error.noIntervention'),
  case_finished: () => t('cases.error.finished'),
  ticket_closed: () => t('cases.error.ticketClosed'),
  over_paid_amount: () => t('cases.error.overPaid'),
  order_not_paid: () => t('cases.error.orderNotPaid'),
  already_decided: () => t('cases.error.alreadyDecided'),
  already_reversed: () => t('cases.error.alreadyReversed'),
  not_reversible: () => t('cases.error.notReversible'),
};

const DETAILED = new Set(['transition_not_allowed', 'over_paid_amount']);

/** An API error in the interface language, with the server's precise reason when it adds one. */
export function caseErrorText(error) {
  const code = error && error.code;
  const known = Boolean(code && CODE_TEXTS[code]);
  const text = known ? CODE_TEXTS[code]() : errorText(error);
  // The allowed next states, what is left of the paid amount and a 403's reason (above your
  // limit, your own proposal) are worth reading.
  const detail = !known ? errorDetail(error) : DETAILED.has(code) ? String(error.serverMessage || '') : '';
  return detail && detail !== text ? t('cases.error.withDetail', { text, detail }) : text;
}

/** An ApiError as showFormError shows it: our wording (and the server's reason), at the field it names. */
export function formError(error) {
  if (!error || error.status === undefined) return error;
  return { message: caseErrorText(error), field: error.field || null };
}
