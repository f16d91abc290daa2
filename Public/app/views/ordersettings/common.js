// Shared parts of the order settings page: roles, events, ranges, small form pieces.
import { api, query } from '../../api.js';
import { h } from '../../dom.js';
import { t, errorText, formatDateTime } from '../../i18n.js';
import {
  field, showFormError, clearFormErrors, busy, toast, confirmDialog, copyText,
  pageHeader, loadingBlock, loadError,
} from '../../ui.js';
import { roleLabel } from '../../format.js';

export const ROLES = ['agent', 'supervisor', 'admin', 'owner'];
export const EVENTS = [
  { value: 'order.price_changed', label: () => t('webhooks.eventPriceChanged'), hint: () => t('webhooks.eventPriceChangedHint') },
  { value: 'order.reminded', label: () => t('webhooks.eventReminded'), hint: () => t('webhooks.eventRemindedHint') },
];
export const DELIVERY_STATUSES = [
  { value: 'pending', label: () => t('webhooks.deliveryPending') },
  { value: 'delivered', label: () => t('webhooks.deliveryDelivered') },
  { value: 'failed', label: () => t('webhooks.deliveryFailed') },
];
export const STATS_DAYS = [7, 30, 90];
export const VARIABLES = ['{customer_name}', '{order_no}', '{amount}', '{pay_link}'];
export const VARIABLE_NAMES = VARIABLES.map((v) => v.slice(1, -1));
export const MAX_TEMPLATE = 500;
export const MAX_RULE_NAME = 60;
export const DELIVERY_LIMIT = 50;
export const COMMON_ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Seoul', 'Asia/Tokyo', 'Asia/Singapore', 'UTC'];
export const RANGES = {
  delayMinutes: [1, 1440],
  maxPerOrder: [1, 5],
  skipIfChattedWithinMinutes: [0, 240],
  minimumGapMinutes: [1, 1440],
};

let seq = 0;

/** A number for element ids unique on the page. */
export function nextId() {
  seq += 1;
  return seq;
}

export function parseInteger(raw) {
  const text = String(raw).trim();
  if (!/^-?[0-9]+$/.test(text)) return NaN;
  return Number(text);
}

export function timeZones() {
  let all = [];
  try {
    if (typeof Intl.supportedValuesOf === 'function') all = Intl.supportedValuesOf('timeZone');
  } catch {
    all = [];
  }
  const mine = (() => {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { return null; }
  })();
  return Array.from(new Set([...COMMON_ZONES, mine, ...all].filter(Boolean)));
}

export function validZone(zone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone }).format(0);
    return true;
  } catch {
    return false;
  }
}

export function percentText(rate) {
  const n = Number(rate);
  if (!Number.isFinite(n)) return '—';
  return `${Math.round(n * 1000) / 10}%`;
}

export function switchBox(name, checked, testid, attrs = {}) {
  return h('input', { type: 'checkbox', class: 'rs-switch', name, id: `os-${name}-${nextId()}`, checked, 'data-testid': testid, ...attrs });
}

/** A section card with a heading, a hint and an id for the in-page links. */
export function section(id, title, hint, ...children) {
  return h('section', { class: 'card os-section', id, 'data-testid': id, 'aria-labelledby': `${id}-title` },
    h('div', { class: 'os-section-head' },
      h('div', { class: 'os-section-text' },
        h('h2', { class: 'card-title', id: `${id}-title` }, title),
        hint ? h('p', { class: 'card-note' }, hint) : null)),
    children);
}

// ---- (a) price limits -----------------------------------------------------------------
