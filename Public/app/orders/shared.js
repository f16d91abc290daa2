// Orders, shared by the order panel beside a conversation (chat/orders.js), the price-change
// dialog (chat/pricechange.js), the approvals page (views/pricechanges.js), the order
// settings page (views/orders.js) and the thread's card messages (chat/thread.js).
//
// Money is integer minor units plus an ISO 4217 currency (1990 CNY = 19.90). The number of
// decimals of a currency is what Intl says (CNY 2, JPY 0, KRW 0, BHD 3). Amounts are never
// computed in floating point: they are turned into decimal text from the integer and parsed
// back from the text digit by digit.
import { h } from '../dom.js';
import { t, getLocale, errorText } from '../i18n.js';

export const ORDER_STATUSES = [
  'created', 'unpaid', 'paid', 'shipped', 'delivered', 'completed', 'cancelled',
  'refund_requested', 'refunded', 'return_requested', 'returned',
];

const STATUS_LABELS = {
  created: () => t('orders.status.created'),
  unpaid: () => t('orders.status.unpaid'),
  paid: () => t('orders.status.paid'),
  shipped: () => t('orders.status.shipped'),
  delivered: () => t('orders.status.delivered'),
  completed: () => t('orders.status.completed'),
  cancelled: () => t('orders.status.cancelled'),
  refund_requested: () => t('orders.status.refund_requested'),
  refunded: () => t('orders.status.refunded'),
  return_requested: () => t('orders.status.return_requested'),
  returned: () => t('orders.status.returned'),
};

// The colour family of a status chip.
const STATUS_TONES = {
  created: 'neutral', unpaid: 'warn', paid: 'info', shipped: 'info', delivered: 'ok', completed: 'ok',
  cancelled: 'muted', refund_requested: 'danger', refunded: 'muted', return_requested: 'danger', returned: 'muted',
};

const TIER_LABELS = {
  regular: () => t('orders.tier.regular'),
  member: () => t('orders.tier.member'),
  vip: () => t('orders.tier.vip'),
};

const CHANGE_STATUS_LABELS = {
  pending: () => t('orders.pricechange.status.pending'),
  applied: () => t('orders.pricechange.status.applied'),
  approved: () => t('orders.pricechange.status.approved'),
  rejected: () => t('orders.pricechange.status.rejected'),
};

const PRODUCT_STATUS_LABELS = {
  on_sale: () => t('orders.product.onSale'),
  off_shelf: () => t('orders.product.offShelf'),
  sold_out: () => t('orders.product.soldOut'),
};

export function orderStatusLabel(status) {
  return STATUS_LABELS[status] ? STATUS_LABELS[status]() : String(status || '');
}

/** The status chip of an order: <span class="ord-status ord-tone-warn" data-status="unpaid">. */
export function orderStatusChip(status, attrs = {}) {
  return h('span', {
    class: ['ord-status', `ord-tone-${STATUS_TONES[status] || 'neutral'}`],
    'data-status': status || '',
    ...attrs,
  }, orderStatusLabel(status));
}

export function tierLabel(tier) {
  return TIER_LABELS[tier] ? TIER_LABELS[tier]() : TIER_LABELS.regular();
}

/** The customer's tier badge (regular / member / VIP). */
export function tierBadge(tier, attrs = {}) {
  const known = TIER_LABELS[tier] ? tier : 'regular';
  return h('span', { class: ['ord-tier', `ord-tier-${known}`], 'data-tier': known, ...attrs }, tierLabel(known));
}

export function changeStatusLabel(status) {
  return CHANGE_STATUS_LABELS[status] ? CHANGE_STATUS_LABELS[status]() : String(status || '');
}

export function changeStatusChip(status, attrs = {}) {
  return h('span', { class: ['ord-change-status', `ord-change-${status || 'unknown'}`], 'data-status': status || '', ...attrs },
    changeStatusLabel(status));
}

export function productStatusLabel(status) {
  return PRODUCT_STATUS_LABELS[status] ? PRODUCT_STATUS_LABELS[status]() : String(status || '');
}

/** "Shipping fee" or "Price of SKU-1001 (title)" for a PriceChangeDTO. */
export function changeTargetText(change, order = null) {
  if (!change) return '';
  if (change.target === 'shipping') return t('orders.pricechange.targetShipping');
  const line = order && Array.isArray(order.lines) ? order.lines.find((l) => l.sku === change.sku) : null;
  return line
    ? t('orders.pricechange.targetLineNamed', { title: line.title, sku: change.sku })
    : t('orders.pricechange.targetLine', { sku: change.sku || '' });
}

// ---- money ----------------------------------------------------------------------

const exponents = new Map();

/** The decimals of `currency` as Intl knows them (2 when Intl does not know the code). */
export function currencyExponent(currency) {
  const code = String(currency || '').toUpperCase();
  if (exponents.has(code)) return exponents.get(code);
  let exponent = 2;
  try {
    exponent = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits;
  } catch {
    exponent = 2;
  }
  exponents.set(code, exponent);
  return exponent;
}

/** Minor units as plain decimal text with the currency's decimals: 1990 → "19.90", -5 → "-0.05", 1200 JPY → "1200". */
export function decimalText(minor, currency) {
  const exponent = currencyExponent(currency);
  let value;
  try {
    value = BigInt(Math.trunc(Number(minor)));
  } catch {
    return '';
  }
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  if (exponent === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** An amount for people in the interface language: ¥279.00, CN¥279.00, ₩1,200. */
export function formatMoney(minor, currency) {
  if (minor === null || minor === undefined || !Number.isFinite(Number(minor)) || !currency) return '';
  const code = String(currency).toUpperCase();
  const exponent = currencyExponent(code);
  const text = decimalText(minor, code);
  try {
    // A numeric string is formatted exactly where Intl supports it, and as the same Number elsewhere.
    return new Intl.NumberFormat(getLocale() || undefined, {
      style: 'currency', currency: code, minimumFractionDigits: exponent, maximumFractionDigits: exponent,
    }).format(text);
  } catch {
    return `${text} ${code}`;
  }
}

/** The currency's symbol in the interface language ("¥", "US$"), for an input's prefix. */
export function currencySymbol(currency) {
  const code = String(currency || '').toUpperCase();
  try {
    const parts = new Intl.NumberFormat(getLocale() || undefined, { style: 'currency', currency: code }).formatToParts(0);
    const symbol = parts.find((p) => p.type === 'currency');
    return symbol ? symbol.value : code;
  } catch {
    return code;
  }
}

const WIDE_DIGITS = /[\uff10-\uff19\uff0e]/g;

/**
 * Parses an amount as typed ("12.5", "12", "0.05"; full-width digits allowed) into integer
 * minor units of `currency`, without floating point. Returns {minor} or {error}, error being
 * 'empty', 'format' (not digits with one optional point), 'negative', 'decimals' (more
 * decimals than the currency has; `exponent` says how many it has) or 'large'.
 */
export function parseAmount(input, currency) {
  const exponent = currencyExponent(currency);
  let text = String(input === null || input === undefined ? '' : input).trim()
    .replace(WIDE_DIGITS, (ch) => (ch === '\uff0e' ? '.' : String.fromCharCode(ch.charCodeAt(0) - 0xff10 + 48)));
  if (!text) return { error: 'empty', exponent };
  if (/^-/.test(text)) return { error: 'negative', exponent };
  if (text.startsWith('.')) text = `0${text}`;
  if (text.endsWith('.')) text = text.slice(0, -1);
  const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!match) return { error: 'format', exponent };
  const fraction = match[2] || '';
  if (fraction.length > exponent) return { error: 'decimals', exponent };
  const value = BigInt(match[1] + fraction.padEnd(exponent, '0'));
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return { error: 'large', exponent };
  return { minor: Number(value), exponent };
}

/** The message for a parseAmount error. */
export function amountErrorText(result, currency) {
  switch (result && result.error) {
    case 'empty': return t('orders.pricechange.amountRequired');
    case 'negative': return t('orders.pricechange.amountNegative');
    case 'decimals':
      return result.exponent === 0
        ? t('orders.pricechange.amountNoDecimals', { currency })
        : t('orders.pricechange.amountTooManyDecimals', { currency, count: result.exponent });
    case 'large': return t('orders.pricechange.amountTooLarge');
    default: return t('orders.pricechange.amountInvalid');
  }
}

/** (original − new) ÷ original in percent, rounded up; 0 when not lower, 100 when new is 0 (as the server counts). */
export function discountPercent(original, next) {
  const o = Number(original);
  const n = Number(next);
  if (!(o > 0) || n >= o) return 0;
  if (n <= 0) return 100;
  return Math.ceil(((o - n) * 100) / o);
}

// ---- small helpers ------------------------------------------------------------------

/** An agent reference {name, agentNumber} as "No. 8 Mei" (shell.agentBadge). */
export function memberLabel(member) {
  if (!member) return '';
  const name = member.name || member.displayName || '';
  if (member.agentNumber === null || member.agentNumber === undefined) return name;
  return t('app.shell.agentBadge', { number: member.agentNumber, name });
}

/**
 * An API error as {summary, detail}: the summary in the interface language (from `codeTexts`,
 * {code: () => text}, else the catalogue's error text), the detail the server's own reason
 * when it says something the summary does not.
 */
export function errorParts(error, codeTexts = {}) {
  const code = error && error.code;
  const summary = code && codeTexts[code] ? codeTexts[code]() : errorText(error);
  const reason = error && error.serverMessage ? String(error.serverMessage) : '';
  return { summary, detail: reason && reason !== summary ? reason : '' };
}

/** Fills `el` (an error line) with an error's summary and detail and shows it. */
export function showError(el, parts) {
  el.replaceChildren(
    h('span', { class: 'ord-error-text' }, parts.summary),
    parts.detail ? h('span', { class: 'ord-error-detail', 'data-testid': 'error-reason' }, parts.detail) : null);
  el.hidden = false;
}

export function hideError(el) {
  el.replaceChildren();
  el.hidden = true;
}

// An http(s) address, or a path on Kefu itself (the demo's pictures and pages: "/demo/…").
export function isWebUrl(url) {
  return typeof url === 'string' && (/^https?:\/\//i.test(url.trim()) || /^\/(?!\/)/.test(url.trim()));
}
