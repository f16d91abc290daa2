// The "propose a compensation" dialog of a ticket: what is given (refund, partial refund,
// coupon, cash, resend, gift), how much (typed in yuan, sent in minor units), for which case,
// order and line, why (a case reason) and a note. Within the proposer's limit it is granted at
// once (201); above it, it waits for a supervisor (202) and the dialog says so.
// API: POST /api/v1/tickets/{id}/compensations, GET /api/v1/after-sale-settings (the limits).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { user } from '../session.js';
import { field, formDialog, select } from '../ui.js';
import { parseAmount, amountErrorText, currencySymbol, formatMoney } from '../orders/shared.js';
import { COMPENSATION_KINDS, REASONS, compensationKindLabel, reasonLabel, kindLabel, formError } from './shared.js';
import { linkedOrders, orderOption } from './caseform.js';

const MAX_NOTE = 1000;

/** "Your limit: ¥10.00 and 10 % of the order" from the shop's limits, or ''. */
function limitText(limits) {
  const me = user();
  if (!me || !limits) return '';
  const amount = limits.maxAmount ? limits.maxAmount[me.role] : undefined;
  const percent = limits.maxPercentOfOrder ? limits.maxPercentOfOrder[me.role] : undefined;
  const bounded = me.role === 'agent' || me.role === 'supervisor';
  if (amount === undefined && percent === undefined) return bounded ? t('cases.compensation.limitNone') : t('cases.compensation.limitUnlimited');
  if (amount !== undefined && percent !== undefined) {
    return t('cases.compensation.limitBoth', { amount: formatMoney(amount, 'CNY'), percent });
  }
  return amount !== undefined ? t('cases.compensation.limitAmount', { amount: formatMoney(amount, 'CNY') })
    : t('cases.compensation.limitPercent', { percent });
}

/**
 * ticket: the Ticket; cases: its Cases; limits: the shop's compensationLimits (or null);
 * loadOrder(externalId) → Promise of the order with lines, or null.
 * Resolves the Compensation entry (status pending when it waits), or null when cancelled.
 */
export function openCompensationDialog({ ticket, cases, limits, loadOrder }) {
  const orders = linkedOrders(ticket);
  const open = cases.filter((c) => c.state !== 'closed');
  const firstCase = open[0] || cases[0] || null;
  const kind = select('kind', COMPENSATION_KINDS.map((k) => ({ value: k, label: compensationKindLabel(k) })), 'coupon', { 'data-testid': 'compensation-form-kind' });
  const currencyOf = () => {
    const o = orders.find((x) => x.externalId === order.value);
    return (o && o.currency) || 'CNY';
  };
  const amount = h('input', {
    type: 'text', name: 'amount', inputmode: 'decimal', autocomplete: 'off', class: 'cs-amount-input',
    'data-testid': 'compensation-form-amount', placeholder: '0.00',
  });
  const symbol = h('span', { class: 'cs-amount-symbol', 'aria-hidden': 'true' });
  const caseSelect = select('caseId', [{ value: '', label: t('cases.compensation.noCase') }].concat(cases.map((c) => ({
    value: c.id, label: t('cases.compensation.caseOption', { kind: kindLabel(c.kind), reason: reasonLabel(c.reason) }),
  }))), firstCase ? firstCase.id : '', { 'data-testid': 'compensation-form-case' });
  const defaultOrder = firstCase && firstCase.order ? firstCase.order.externalId : (orders[0] ? orders[0].externalId : '');
  const order = select('orderId', [{ value: '', label: t('cases.form.noOrder') }].concat(orders.map(orderOption)),
    orders.some((o) => o.externalId === defaultOrder) ? defaultOrder : '', { 'data-testid': 'compensation-form-order' });
  const sku = select('sku', [{ value: '', label: t('cases.compensation.wholeOrder') }], '', { 'data-testid': 'compensation-form-sku' });
  const reason = select('reason', REASONS.map((r) => ({ value: r, label: reasonLabel(r) })), firstCase ? firstCase.reason : 'quality',
    { 'data-testid': 'compensation-form-reason' });
  const note = h('textarea', {
    name: 'note', rows: '2', maxlength: String(MAX_NOTE), 'data-testid': 'compensation-form-note', placeholder: t('cases.compensation.notePlaceholder'),
  });
  let token = 0;

  function drawSymbol() {
    symbol.textContent = currencySymbol(currencyOf());
  }

  async function drawSkus() {
    const mine = ++token;
    const keep = sku.value;
    sku.replaceChildren(h('option', { value: '' }, t('cases.compensation.wholeOrder')));
    sku.disabled = !order.value;
    if (!order.value) return;
    const found = await loadOrder(order.value);
    if (mine !== token || !found) return;
    for (const line of found.lines || []) {
      sku.append(h('option', { value: line.sku, selected: line.sku === keep }, t('cases.compensation.lineOption', { title: line.title || line.sku, sku: line.sku })));
    }
  }

  caseSelect.addEventListener('change', () => {
    const c = cases.find((x) => x.id === caseSelect.value);
    if (!c) return;
    reason.value = c.reason;
    if (c.order && orders.some((o) => o.externalId === c.order.externalId)) {
      order.value = c.order.externalId;
      drawSymbol();
      drawSkus();
    }
  });
  order.addEventListener('change', () => { drawSymbol(); drawSkus(); });
  drawSymbol();
  drawSkus();

  const limit = limitText(limits);
  return formDialog({
    title: t('cases.compensation.formTitle', { number: ticket.number }),
    testid: 'compensation-dialog',
    className: 'cs-dialog',
    formClass: 'cs-form',
    submitLabel: t('cases.compensation.submit'),
    submitTestid: 'compensation-form-submit',
    focus: amount,
    body: [
      h('div', { class: 'form-grid cs-form-grid' },
        field(t('cases.compensation.field.kind'), kind),
        field(t('cases.compensation.field.amount'), amount, { hint: limit || null }),
        field(t('cases.compensation.field.case'), caseSelect),
        field(t('cases.compensation.field.reason'), reason),
        field(t('cases.field.order'), order),
        field(t('cases.compensation.field.sku'), sku)),
      field(t('cases.compensation.field.note'), note, { wide: true }),
    ],
    onOpen: () => {
      // The currency symbol sits inside the amount box.
      const wrap = h('div', { class: 'cs-amount' });
      amount.replaceWith(wrap);
      wrap.append(symbol, amount);
    },
    onSubmit: async ({ close }) => {
      const currency = currencyOf();
      const parsed = parseAmount(amount.value, currency);
      if (parsed.error) throw { message: amountErrorText(parsed, currency), field: 'amount' };
      if (parsed.minor <= 0) throw { message: t('cases.compensation.amountPositive'), field: 'amount' };
      const body = { kind: kind.value, amount: parsed.minor, currency, reason: reason.value };
      if (caseSelect.value) body.caseId = caseSelect.value;
      if (order.value) body.orderId = order.value;
      if (sku.value) body.sku = sku.value;
      if (note.value.trim()) body.note = note.value.trim();
      try {
        close(await api.post(`/api/v1/tickets/${encodeURIComponent(ticket.id)}/compensations`, body));
      } catch (error) {
        throw formError(error);
      }
    },
  });
}
