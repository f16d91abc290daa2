// The price-change dialog of an order before payment (a new price or shipping fee): the shipping fee or the
// unit price of one line, the new amount typed as a decimal (turned into integer minor units
// from the text, never through floating point), and a reason →
// POST /api/v1/orders/{externalId}/price-changes. Within the member's limit the change is
// applied at once (200, "applied"); above it a supervisor decides (202, "pending"). The
// member's limits (GET /api/v1/order-settings) are shown beforehand as a hint only: the
// server decides.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { user } from '../session.js';
import {
  formatMoney, currencySymbol, currencyExponent, parseAmount, amountErrorText, discountPercent,
  errorParts, showError, hideError, changeTargetText,
} from '../orders/shared.js';

const MAX_REASON = 200;

let seq = 0;

const ERROR_TEXTS = {
  not_before_payment: () => t('orders.pricechange.errorNotBeforePayment'),
  change_pending: () => t('orders.pricechange.errorChangePending'),
  forbidden: () => t('orders.pricechange.errorForbidden'),
};

/** The limits that apply to the signed-in member, or null when unknown. */
async function loadLimits() {
  try {
    const data = await api.get('/api/v1/order-settings');
    return data && data.priceLimits ? data.priceLimits : null;
  } catch {
    return null;
  }
}

function limitFor(limits, role, target) {
  if (!limits) return null;
  const shipping = limits.maxShippingDiscountPercent || {};
  const price = limits.maxDiscountPercent || {};
  if (target === 'shipping' && Object.prototype.hasOwnProperty.call(shipping, role)) return Number(shipping[role]) || 0;
  return Object.prototype.hasOwnProperty.call(price, role) ? Number(price[role]) || 0 : 0;
}

/**
 * Opens the dialog for `order` (an OrderDTO before payment). `target`: 'shipping' or a line's
 * sku to start with; `conversationId`: the conversation the shopper is told in.
 * Resolves {status: 'applied' | 'pending', change, order} after a change, or null.
 */
export function openPriceChangeDialog({ order, conversationId = null, target = null }) {
  return new Promise((resolve) => {
    seq += 1;
    const id = `pricechange-${seq}`;
    const me = user();
    const role = me ? me.role : 'agent';
    const currency = order.currency;
    const lines = Array.isArray(order.lines) ? order.lines.filter((l) => l && l.sku) : [];
    const state = { limits: null, result: null, done: false };

    // ---- the target ----
    const targetSelect = h('select', { name: 'target', id: `${id}-target`, 'data-testid': 'pricechange-target' },
      h('option', { value: 'shipping', selected: !target || target === 'shipping' },
        t('orders.pricechange.optionShipping', { amount: formatMoney(order.shippingFee, currency) })),
      lines.map((line) => h('option', { value: `line:${line.sku}`, selected: target === line.sku },
        t('orders.pricechange.optionLine', {
          title: line.title, sku: line.sku, amount: formatMoney(line.unitPrice, currency), quantity: line.quantity,
        }))));

    function chosen() {
      const value = targetSelect.value;
      if (value === 'shipping') return { target: 'shipping', sku: null, original: Number(order.shippingFee) || 0, quantity: 1, line: null };
      const sku = value.slice('line:'.length);
      const line = lines.find((l) => l.sku === sku);
      return { target: 'line', sku, original: line ? Number(line.unitPrice) || 0 : 0, quantity: line ? Number(line.quantity) || 1 : 1, line };
    }

    // ---- the amount ----
    const exponent = currencyExponent(currency);
    const original = h('output', { class: 'pc-original', 'data-testid': 'pricechange-original', for: `${id}-target` });
    const originalLabel = h('span', { class: 'pc-original-label' });
    const amount = h('input', {
      type: 'text', name: 'newAmount', id: `${id}-amount`, 'data-testid': 'pricechange-amount', inputmode: 'decimal',
      autocomplete: 'off', spellcheck: 'false', maxlength: '20', required: true,
      placeholder: exponent > 0 ? `0.${'0'.repeat(exponent)}` : '0',
      'aria-describedby': `${id}-amount-hint`,
    });
    const freeShipping = h('button', {
      type: 'button', class: 'btn', 'data-testid': 'pricechange-free-shipping',
      onclick: () => { amount.value = exponent > 0 ? `0.${'0'.repeat(exponent)}` : '0'; drawPreview(); amount.focus(); },
    }, t('orders.pricechange.freeShipping'));
    const amountHint = h('div', { class: 'field-hint', id: `${id}-amount-hint` },
      exponent > 0 ? t('orders.pricechange.amountHint', { currency, count: exponent }) : t('orders.pricechange.amountHintWhole', { currency }));
    const amountError = h('div', { class: 'field-error', 'data-error-for': 'newAmount', id: `${id}-amount-error` });
    const preview = h('div', { class: 'pc-preview', 'data-testid': 'pricechange-preview', 'aria-live': 'polite' });
    const limitNote = h('p', { class: 'pc-limit muted', 'data-testid': 'pricechange-limit', hidden: true });
    const approvalNote = h('p', { class: 'pc-approval', 'data-testid': 'pricechange-needs-approval', role: 'status', hidden: true });

    // ---- the reason ----
    const reason = h('textarea', {
      name: 'reason', id: `${id}-reason`, rows: '2', maxlength: String(MAX_REASON), required: true,
      'data-testid': 'pricechange-reason', placeholder: t('orders.pricechange.reasonPlaceholder'),
    });
    const reasonCount = h('span', { class: 'pc-count muted', 'aria-live': 'off' });
    const reasonError = h('div', { class: 'field-error', 'data-error-for': 'reason', id: `${id}-reason-error` });

    const errorBox = h('div', { class: 'pc-error ord-error', 'data-testid': 'pricechange-error', role: 'alert', hidden: true });
    const pendingNote = order.pendingChange
      ? h('p', { class: 'pc-pending', 'data-testid': 'pricechange-pending-note' },
        t('orders.pricechange.pendingExists', {
          target: changeTargetText(order.pendingChange, order),
          amount: formatMoney(order.pendingChange.newAmount, order.pendingChange.currency || currency),
        }))
      : null;

    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'pricechange-submit' }, t('orders.pricechange.submit'));
    const cancel = h('button', { type: 'button', class: 'btn', 'data-testid': 'pricechange-cancel', onclick: () => close() }, t('app.common.cancel'));

    const form = h('form', { class: 'form pc-form', 'data-testid': 'pricechange-form', novalidate: true, method: 'dialog' },
      h('p', { class: 'pc-order muted' }, t('orders.pricechange.orderLine', { number: order.number || order.externalId, total: formatMoney(order.total, currency) })),
      pendingNote,
      h('div', { class: 'field' },
        h('label', { for: targetSelect.id }, t('orders.pricechange.target')),
        targetSelect),
      h('div', { class: 'pc-original-row' }, originalLabel, original),
      h('div', { class: 'field' },
        h('label', { for: amount.id }, t('orders.pricechange.newAmount')),
        h('div', { class: 'pc-amount-row' },
          h('span', { class: 'pc-currency', 'aria-hidden': 'true' }, currencySymbol(currency)),
          amount,
          freeShipping),
        amountHint,
        amountError),
      preview,
      limitNote,
      approvalNote,
      h('div', { class: 'field' },
        h('label', { for: reason.id }, t('orders.pricechange.reason')),
        reason,
        h('div', { class: 'pc-reason-foot' }, h('span', { class: 'field-hint' }, t('orders.pricechange.reasonHint')), reasonCount),
        reasonError),
      errorBox,
      h('div', { class: 'dialog-actions' }, cancel, submit));

    const resultHost = h('div', { class: 'pc-result-host', hidden: true });
    const title = h('h2', { class: 'dialog-title', id: `${id}-title` }, t('orders.pricechange.title'));
    const dialog = h('dialog', { class: 'dialog pc-dialog', 'data-testid': 'pricechange-dialog', 'aria-labelledby': title.id },
      title, form, resultHost);

    // ---- drawing ----
    function setFieldError(control, slot, message) {
      slot.textContent = message || '';
      if (message) {
        control.classList.add('is-invalid');
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', `${slot.id} ${control === amount ? amountHint.id : ''}`.trim());
      } else {
        control.classList.remove('is-invalid');
        control.removeAttribute('aria-invalid');
        if (control === amount) control.setAttribute('aria-describedby', amountHint.id);
        else control.removeAttribute('aria-describedby');
      }
    }

    function drawTarget() {
      const c = chosen();
      originalLabel.textContent = c.target === 'shipping' ? t('orders.pricechange.originalShipping') : t('orders.pricechange.originalUnitPrice');
      original.textContent = c.target === 'shipping'
        ? formatMoney(c.original, currency)
        : t('orders.pricechange.unitTimesQuantity', { amount: formatMoney(c.original, currency), quantity: c.quantity });
      freeShipping.hidden = c.target !== 'shipping';
      title.textContent = c.target === 'shipping' ? t('orders.pricechange.titleShipping') : t('orders.pricechange.title');
      drawPreview();
    }

    function drawPreview() {
      const c = chosen();
      const parsed = parseAmount(amount.value, currency);
      const limit = limitFor(state.limits, role, c.target);
      if (limit !== null) {
        limitNote.hidden = false;
        limitNote.textContent = c.target === 'shipping'
          ? t('orders.pricechange.limitShipping', { percent: limit })
          : t('orders.pricechange.limitPrice', { percent: limit });
      } else {
        limitNote.hidden = true;
      }
      if (parsed.error) {
        preview.replaceChildren();
        preview.hidden = true;
        approvalNote.hidden = true;
        return;
      }
      const next = parsed.minor;
      const delta = (next - c.original) * c.quantity;
      const newTotal = (Number(order.total) || 0) + delta;
      const percent = discountPercent(c.original, next);
      const parts = [];
      if (next < c.original) parts.push(h('span', { class: 'pc-discount', 'data-testid': 'pricechange-discount' }, t('orders.pricechange.discount', { percent })));
      else if (next > c.original) parts.push(h('span', { class: 'pc-raise' }, t('orders.pricechange.raise')));
      else parts.push(h('span', { class: 'muted' }, t('orders.pricechange.unchanged')));
      parts.push(h('span', { class: 'pc-total' }, t('orders.pricechange.newTotal', {
        from: formatMoney(order.total, currency), to: formatMoney(Math.max(0, newTotal), currency),
      })));
      preview.replaceChildren(...parts);
      preview.hidden = false;
      let needsApproval = false;
      if (state.limits && next < c.original) needsApproval = percent > (limit ?? 0);
      else if (state.limits && next > c.original) needsApproval = !(state.limits.rolesAllowedToRaise || []).includes(role);
      approvalNote.hidden = !needsApproval;
      approvalNote.textContent = needsApproval ? t('orders.pricechange.needsApproval') : '';
    }

    function drawCount() {
      const n = Array.from(reason.value).length;
      reasonCount.textContent = t('orders.pricechange.reasonCount', { count: n, max: MAX_REASON });
      reasonCount.classList.toggle('is-over', n > MAX_REASON);
    }

    function drawResult(result) {
      const change = result.change || {};
      const applied = result.status !== 'pending';
      const changeCurrency = change.currency || currency;
      resultHost.replaceChildren(
        h('div', {
          class: ['pc-result', applied ? 'pc-result-applied' : 'pc-result-pending'],
          'data-testid': 'pricechange-result', 'data-status': applied ? 'applied' : 'pending', role: 'status',
        },
        h('p', { class: 'pc-result-title' }, applied ? t('orders.pricechange.resultApplied') : t('orders.pricechange.resultPending')),
        h('p', { class: 'pc-result-hint muted' }, applied ? t('orders.pricechange.resultAppliedHint') : t('orders.pricechange.resultPendingHint')),
        h('dl', { class: 'pc-result-list' },
          h('dt', null, t('orders.pricechange.target')),
          h('dd', null, changeTargetText(change, result.order || order)),
          h('dt', null, t('orders.pricechange.change')),
          h('dd', { 'data-testid': 'pricechange-result-amounts' },
            t('orders.pricechange.fromTo', { from: formatMoney(change.originalAmount, changeCurrency), to: formatMoney(change.newAmount, changeCurrency) })),
          result.order ? h('dt', null, t('orders.total')) : null,
          result.order ? h('dd', null, formatMoney(result.order.total, result.order.currency || currency)) : null)),
        h('div', { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'pricechange-close', onclick: () => close() }, t('app.common.close'))));
      form.hidden = true;
      resultHost.hidden = false;
      const button = resultHost.querySelector('button');
      if (button) button.focus();
    }

    // ---- closing ----
    function close() {
      if (state.done) return;
      state.done = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(state.result);
    }
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close();
    });

    targetSelect.addEventListener('change', () => {
      setFieldError(amount, amountError, '');
      hideError(errorBox);
      drawTarget();
    });
    amount.addEventListener('input', () => { setFieldError(amount, amountError, ''); drawPreview(); });
    reason.addEventListener('input', () => { setFieldError(reason, reasonError, ''); drawCount(); });

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      hideError(errorBox);
      setFieldError(amount, amountError, '');
      setFieldError(reason, reasonError, '');
      const c = chosen();
      const parsed = parseAmount(amount.value, currency);
      if (parsed.error) {
        setFieldError(amount, amountError, amountErrorText(parsed, currency));
        amount.focus();
        return;
      }
      const why = reason.value.trim();
      if (!why) {
        setFieldError(reason, reasonError, t('orders.pricechange.reasonRequired'));
        reason.focus();
        return;
      }
      if (Array.from(why).length > MAX_REASON) {
        setFieldError(reason, reasonError, t('orders.pricechange.reasonTooLong', { max: MAX_REASON }));
        reason.focus();
        return;
      }
      const body = { target: c.target, newAmount: parsed.minor, reason: why };
      if (c.target === 'line') body.sku = c.sku;
      if (conversationId) body.conversationId = conversationId;
      const controls = [targetSelect, amount, reason, submit, cancel, freeShipping];
      const before = controls.map((el) => el.disabled);
      controls.forEach((el) => { el.disabled = true; });
      form.setAttribute('aria-busy', 'true');
      try {
        const result = await api.post(`/api/v1/orders/${encodeURIComponent(order.externalId)}/price-changes`, body);
        state.result = {
          status: result && result.status === 'pending' ? 'pending' : 'applied',
          change: (result && result.change) || null,
          order: (result && result.order) || null,
        };
        drawResult(state.result);
      } catch (error) {
        const parts = errorParts(error, ERROR_TEXTS);
        showError(errorBox, parts);
        const fieldName = error && error.field;
        if (fieldName === 'newAmount' || fieldName === 'amount') setFieldError(amount, amountError, parts.detail || parts.summary);
        else if (fieldName === 'reason') setFieldError(reason, reasonError, parts.detail || parts.summary);
        else if (fieldName === 'sku' || fieldName === 'target') targetSelect.classList.add('is-invalid');
      } finally {
        controls.forEach((el, i) => { el.disabled = before[i]; });
        form.removeAttribute('aria-busy');
      }
    });

    document.body.appendChild(dialog);
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
    drawTarget();
    drawCount();
    amount.focus();
    loadLimits().then((limits) => {
      if (state.done) return;
      state.limits = limits;
      drawPreview();
    });
  });
}
