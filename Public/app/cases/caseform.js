// The "open a case" dialog of a complaint or after-sale ticket: what the customer asks for
// (kind) and why (reason), the order among the ticket's linked orders, the lines concerned with
// their quantities (at most what was ordered), a description and the platform's case number.
// API: POST /api/v1/tickets/{id}/cases, GET /api/v1/orders/{externalId} (the order's lines).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { field, formDialog, select } from '../ui.js';
import { formatMoney } from '../orders/shared.js';
import { KINDS, REASONS, kindLabel, reasonLabel, formError } from './shared.js';

const MAX_DESCRIPTION = 2000;

/** The ticket's linked orders as [{externalId, number, total, currency, status}]. */
export function linkedOrders(ticket) {
  return ((ticket && ticket.links) || []).filter((l) => l.order).map((l) => l.order);
}

export function orderOption(o) {
  return { value: o.externalId, label: t('cases.form.orderOption', { number: o.number || o.externalId, total: formatMoney(o.total, o.currency) }) };
}

/**
 * ticket: the Ticket; loadOrder(externalId) → Promise of the order (with lines) or null.
 * Resolves the created Case, or null when cancelled.
 */
export function openCaseDialog({ ticket, loadOrder }) {
  const orders = linkedOrders(ticket);
  const kind = select('kind', KINDS.map((k) => ({ value: k, label: kindLabel(k) })), 'refund_only', { 'data-testid': 'case-form-kind' });
  const reason = select('reason', REASONS.map((r) => ({ value: r, label: reasonLabel(r) })), 'quality', { 'data-testid': 'case-form-reason' });
  const order = select('orderId', [{ value: '', label: t('cases.form.noOrder') }].concat(orders.map(orderOption)),
    orders.length ? orders[0].externalId : '', { 'data-testid': 'case-form-order' });
  const linesHost = h('div', { class: 'cs-form-lines', 'data-testid': 'case-form-lines' });
  const description = h('textarea', {
    name: 'description', rows: '3', maxlength: String(MAX_DESCRIPTION), 'data-testid': 'case-form-description',
    placeholder: t('cases.form.descriptionPlaceholder'),
  });
  const externalId = h('input', { type: 'text', name: 'externalId', maxlength: '100', 'data-testid': 'case-form-external-id', placeholder: t('cases.form.externalIdPlaceholder') });
  let lineInputs = [];
  let token = 0;

  async function drawLines() {
    const id = order.value;
    const mine = ++token;
    lineInputs = [];
    if (!id) {
      linesHost.replaceChildren(h('p', { class: 'muted cs-form-lines-note' }, orders.length ? t('cases.form.noOrderLines') : t('cases.form.noLinkedOrders')));
      return;
    }
    linesHost.replaceChildren(h('p', { class: 'muted cs-form-lines-note' }, t('app.common.loading')));
    const found = await loadOrder(id);
    if (mine !== token) return;
    const lines = (found && found.lines) || [];
    if (!lines.length) {
      linesHost.replaceChildren(h('p', { class: 'muted cs-form-lines-note' }, t('cases.form.linesUnavailable')));
      return;
    }
    lineInputs = lines.map((line, index) => {
      const check = h('input', { type: 'checkbox', 'data-testid': 'case-form-line', 'data-sku': line.sku, checked: lines.length === 1 });
      const quantity = h('input', {
        type: 'number', name: `lines[${index}].quantity`, class: 'cs-form-qty', 'data-testid': 'case-form-line-quantity', 'data-sku': line.sku,
        min: '1', max: String(line.quantity), step: '1', value: '1', 'aria-label': t('cases.form.quantityOf', { title: line.title || line.sku }),
      });
      return { line, check, quantity };
    });
    linesHost.replaceChildren(h('ul', { class: 'cs-form-line-list' }, lineInputs.map(({ line, check, quantity }) => h('li', { class: 'cs-form-line' },
      h('label', { class: 'check cs-form-line-main' }, check,
        h('span', { class: 'cs-form-line-title' }, line.title || line.sku),
        h('span', { class: 'mono muted' }, line.sku)),
      h('span', { class: 'muted cs-form-line-ordered' }, t('cases.form.ordered', { count: line.quantity, price: formatMoney(line.unitPrice, found.currency) })),
      quantity))));
  }
  order.addEventListener('change', drawLines);
  drawLines();

  return formDialog({
    title: t('cases.form.title', { number: ticket.number }),
    testid: 'case-dialog',
    className: 'cs-dialog',
    formClass: 'cs-form',
    submitLabel: t('cases.form.submit'),
    submitTestid: 'case-form-submit',
    focus: kind,
    body: [
      h('div', { class: 'form-grid cs-form-grid' },
        field(t('cases.field.kind'), kind),
        field(t('cases.field.reason'), reason),
        field(t('cases.field.order'), order, { wide: true })),
      h('fieldset', { class: 'field cs-form-lines-field' }, h('legend', null, t('cases.form.lines')), linesHost),
      field(t('cases.field.description'), description, { wide: true }),
      field(t('cases.externalId'), externalId, { hint: t('cases.form.externalIdHint') }),
    ],
    onSubmit: async ({ close }) => {
      const body = { kind: kind.value, reason: reason.value };
      if (order.value) body.orderId = order.value;
      const lines = [];
      const names = []; // lines[i] of the body → the quantity box it came from
      for (const { line, check, quantity } of lineInputs) {
        if (!check.checked) continue;
        const count = Number(quantity.value);
        if (!Number.isInteger(count) || count < 1 || count > line.quantity) {
          throw { message: t('cases.form.quantityInvalid', { max: line.quantity }), field: quantity.name };
        }
        lines.push({ sku: line.sku, quantity: count });
        names.push(quantity.name);
      }
      if (lines.length) body.lines = lines;
      if (description.value.trim()) body.description = description.value.trim();
      if (externalId.value.trim()) body.externalId = externalId.value.trim();
      try {
        close(await api.post(`/api/v1/tickets/${encodeURIComponent(ticket.id)}/cases`, body));
      } catch (error) {
        const shown = formError(error);
        const at = /^lines\[(\d+)\]/.exec((shown && shown.field) || '');
        if (at) shown.field = names[Number(at[1])] || null;
        throw shown;
      }
    },
  });
}
