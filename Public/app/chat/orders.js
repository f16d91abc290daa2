// The customer's orders beside a conversation (a tab of the right column, chat/sidebar.js):
// the customer's tier, their orders newest first (status, lines, amounts, payment, shipping
// with the tracking history, payment reminders) and what the agent can do with each:
// send it into the conversation as a card, change its price or shipping fee before payment
// (chat/pricechange.js) and remind the buyer to pay. A product search sends product cards,
// with the customer's own price picked out.
// API: GET /api/v1/contacts/{id}/orders, GET /api/v1/products?q=&contact=&limit=,
// POST /api/v1/conversations/{id}/cards, POST /api/v1/orders/{externalId}/remind.
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { toast, copyText, debounce, liveSearch } from '../ui.js';
import { relativeTime } from './format.js';
import { openPriceChangeDialog } from './pricechange.js';
import {
  formatMoney, orderStatusChip, tierBadge, productStatusLabel, changeTargetText,
  errorParts, showError, hideError, isWebUrl, memberLabel,
} from '../orders/shared.js';

const SEARCH_DELAY_MS = 300;
const REFRESH_DELAY_MS = 800;
const PRODUCT_LIMIT = 20;
const EVENTS_SHOWN = 1;

const REMIND_ERRORS = {
  reminded_recently: () => t('orders.reminders.errorRecently'),
  rate_limited: () => t('orders.reminders.errorRecently'),
  not_unpaid: () => t('orders.reminders.errorNotUnpaid'),
};
const CARD_ERRORS = {
  not_found: () => t('orders.errorCardNotFound'),
};

// The price tiers of a product, in the order they are shown.
const PRICE_TIERS = [
  { tier: 'regular', field: 'marketPrice', label: () => t('orders.price.market') },
  { tier: 'member', field: 'memberPrice', label: () => t('orders.price.member') },
  { tier: 'vip', field: 'vipPrice', label: () => t('orders.price.vip') },
];

function thumbnail(url, alt, cls) {
  if (!isWebUrl(url)) return null;
  return h('img', {
    class: cls, src: url, alt: alt || '', loading: 'lazy', referrerpolicy: 'no-referrer', width: '40', height: '40',
  });
}

function outLink(url, text, attrs = {}) {
  if (!isWebUrl(url)) return h('span', attrs, text);
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', ...attrs }, text);
}

/** Which price of `product` is the customer's: their tier's when it has one, else the one equal to `price`. */
function customerPriceField(product, tier) {
  const own = PRICE_TIERS.find((p) => p.tier === tier);
  if (own && product[own.field] !== null && product[own.field] !== undefined && Number(product[own.field]) === Number(product.price)) {
    return own.field;
  }
  const equal = PRICE_TIERS.find((p) => product[p.field] !== null && product[p.field] !== undefined
    && Number(product[p.field]) === Number(product.price));
  return equal ? equal.field : 'marketPrice';
}

/**
 * conversation: the open Conversation (its contactId names the customer); socket: the
 * AgentSocket (the panel looks again when order news arrives in this conversation).
 * Returns {el, refresh, onSummary(fn), destroy}.
 */
export function createOrders({ conversation, socket }) {
  const conversationId = conversation.id;
  const contactId = conversation.contactId;
  const state = {
    data: null, loaded: false, error: null, token: 0, destroyed: false,
    expanded: new Set(), errors: new Map(), busy: new Set(),
    q: '', products: [], searching: false, searchError: null, productErrors: new Map(),
  };
  const listeners = new Set();

  // ---- layout ----
  const tierHost = h('div', { class: 'ord-customer', 'data-testid': 'order-customer' });
  const refreshButton = h('button', {
    type: 'button', class: 'btn btn-small', 'data-testid': 'order-refresh', onclick: () => refresh(),
  }, t('app.common.refresh'));
  const search = h('input', {
    type: 'search', class: 'ord-search', 'data-testid': 'product-search', autocomplete: 'off', maxlength: '100',
    placeholder: t('orders.productSearchPlaceholder'), 'aria-label': t('orders.productSearch'),
  });
  const productsHost = h('div', { class: 'ord-products', 'data-testid': 'product-results', 'aria-live': 'polite' });
  const ordersCount = h('span', { class: 'ord-count muted', 'data-testid': 'order-count' });
  const ordersHost = h('div', { class: 'ord-orders', 'aria-live': 'polite' });

  const el = h('div', { class: 'ord-panel', 'data-testid': 'order-panel', 'aria-busy': 'true' },
    h('section', { class: 'side-section ord-head' },
      h('div', { class: 'side-section-head' },
        h('h3', null, t('orders.customerTier')),
        refreshButton),
      tierHost),
    h('section', { class: 'side-section ord-product-section', 'aria-label': t('orders.productSearch') },
      h('h3', null, t('orders.productSearch')),
      search,
      productsHost),
    h('section', { class: 'side-section ord-orders-section', 'aria-label': t('orders.title') },
      h('div', { class: 'side-section-head' }, h('h3', null, t('orders.title'), ' ', ordersCount)),
      ordersHost));

  // ---- the customer ----
  function drawCustomer() {
    if (!state.data) {
      tierHost.replaceChildren(h('span', { class: 'muted' }, state.error ? '—' : t('app.common.loading')));
      return;
    }
    tierHost.replaceChildren(
      tierBadge(state.data.tier, { 'data-testid': 'order-tier' }),
      state.data.externalId
        ? h('span', { class: 'ord-buyer-id muted', 'data-testid': 'order-buyer-id', title: t('orders.buyerId') },
          t('orders.buyerIdValue', { id: state.data.externalId }))
        : h('span', { class: 'ord-buyer-id muted' }, t('orders.buyerUnlinked')));
  }

  // ---- orders ----
  function amountRow(label, value, testid, cls) {
    return h('div', { class: ['ord-amount', cls] },
      h('dt', null, label),
      h('dd', { 'data-testid': testid }, value));
  }

  function linesNode(order) {
    const lines = Array.isArray(order.lines) ? order.lines : [];
    if (!lines.length) return null;
    return h('ul', { class: 'ord-lines', 'data-testid': 'order-lines' }, lines.map((line) => h('li', {
      class: 'ord-line', 'data-testid': 'order-line', 'data-sku': line.sku || '',
    },
    thumbnail(line.imageUrl, line.title, 'ord-line-img'),
    h('span', { class: 'ord-line-main' },
      h('span', { class: 'ord-line-title', title: line.title }, line.title),
      h('span', { class: 'ord-line-sub muted' },
        line.sku ? h('span', { class: 'ord-sku' }, line.sku) : null,
        h('span', { class: 'ord-line-qty', 'data-testid': 'order-line-quantity' }, t('orders.lineQuantity', { quantity: line.quantity })))),
    h('span', { class: 'ord-line-price', 'data-testid': 'order-line-price' }, formatMoney(line.unitPrice, order.currency)))));
  }

  function trackingNode(order) {
    const events = Array.isArray(order.trackingEvents) ? order.trackingEvents : [];
    if (!order.carrier && !order.trackingNo && !events.length) return null;
    const eventItem = (e) => h('li', { class: 'ord-event', 'data-testid': 'order-tracking-event' },
      h('span', { class: 'ord-event-text' }, e.text || ''),
      h('span', { class: 'ord-event-meta muted' },
        e.location ? h('span', null, e.location) : null,
        e.at ? h('time', { datetime: e.at, title: formatDateTime(e.at) }, formatDateTime(e.at)) : null));
    const open = state.expanded.has(order.externalId);
    const more = events.length > EVENTS_SHOWN
      ? h('details', {
        class: 'ord-events-more', 'data-testid': 'order-tracking-more', open,
        ontoggle: (event) => {
          if (event.target.open) state.expanded.add(order.externalId);
          else state.expanded.delete(order.externalId);
        },
      },
      h('summary', { 'data-testid': 'order-tracking-toggle' }, t('orders.trackingAll', { count: events.length })),
      h('ol', { class: 'ord-events', 'data-testid': 'order-tracking-events' }, events.slice(EVENTS_SHOWN).map(eventItem)))
      : null;
    return h('div', { class: 'ord-tracking', 'data-testid': 'order-tracking' },
      h('div', { class: 'ord-carrier' },
        h('span', { class: 'ord-label' }, t('orders.logistics')),
        h('span', { 'data-testid': 'order-carrier' }, order.carrier || t('orders.carrierUnknown')),
        order.trackingNo ? h('span', { class: 'ord-tracking-no' },
          h('span', { class: 'mono', 'data-testid': 'order-tracking-no' }, order.trackingNo),
          h('button', {
            type: 'button', class: 'link-btn ord-copy', 'data-testid': 'order-copy-tracking',
            'aria-label': t('orders.copyTracking', { number: order.trackingNo }), title: t('orders.copyTracking', { number: order.trackingNo }),
            onclick: async () => {
              const ok = await copyText(order.trackingNo);
              toast(ok ? t('app.common.copied') : t('app.common.copyFailed'), ok ? 'success' : 'error');
            },
          }, t('app.common.copy'))) : null),
      events.length
        ? h('ol', { class: 'ord-events ord-events-latest', 'data-testid': 'order-tracking-latest' }, events.slice(0, EVENTS_SHOWN).map(eventItem))
        : h('p', { class: 'muted ord-events-none' }, t('orders.trackingNone')),
      more);
  }

  function pendingNode(order) {
    const change = order.pendingChange;
    if (!change) return null;
    const currency = change.currency || order.currency;
    return h('div', { class: 'ord-pending', 'data-testid': 'order-pending-change', role: 'note' },
      h('strong', null, t('orders.pendingTitle')),
      h('span', null, t('orders.pendingText', {
        target: changeTargetText(change, order),
        from: formatMoney(change.originalAmount, currency),
        to: formatMoney(change.newAmount, currency),
      })),
      change.requestedBy ? h('span', { class: 'muted' }, t('orders.pendingBy', { name: memberLabel(change.requestedBy) })) : null);
  }

  function orderNode(order) {
    const key = order.externalId;
    const busy = state.busy.has(key);
    const errorLine = h('div', { class: 'ord-error', 'data-testid': 'order-error', role: 'alert', hidden: true });
    const failure = state.errors.get(key);
    if (failure) showError(errorLine, failure);
    const reminders = order.reminders || { sent: 0, lastAt: null };
    const beforePayment = order.beforePayment === true;
    const actions = [
      h('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': 'order-send-card', disabled: busy,
        onclick: () => sendCard('order', key, errorLine),
      }, t('orders.sendCard')),
      beforePayment ? h('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': 'order-change-price',
        disabled: busy || Boolean(order.pendingChange),
        title: order.pendingChange ? t('orders.changePriceWaiting') : t('orders.changePriceHint'),
        onclick: () => changePrice(order),
      }, t('orders.changePrice')) : null,
      order.status === 'unpaid' ? h('button', {
        type: 'button', class: 'btn btn-small ord-remind', 'data-testid': 'order-remind', disabled: busy,
        title: t('orders.reminders.remindHint'),
        onclick: () => remind(order, errorLine),
      }, t('orders.reminders.remind')) : null,
    ];
    return h('li', {
      class: ['ord-item', `ord-item-${order.status}`], 'data-testid': 'order-item',
      'data-order-id': key, 'data-order-number': order.number || '', 'data-status': order.status || '',
      'aria-busy': busy ? 'true' : null,
    },
    h('div', { class: 'ord-item-top' },
      h('span', { class: 'ord-number' },
        h('span', { class: 'ord-label' }, t('orders.number')),
        outLink(order.url, order.number || key, { class: 'mono', 'data-testid': 'order-number' })),
      orderStatusChip(order.status, { 'data-testid': 'order-status' })),
    order.placedAt ? h('div', { class: 'ord-placed muted' },
      h('time', { datetime: order.placedAt, title: formatDateTime(order.placedAt) }, t('orders.placedAt', { time: formatDateTime(order.placedAt) }))) : null,
    pendingNode(order),
    linesNode(order),
    h('dl', { class: 'ord-amounts' },
      amountRow(t('orders.subtotal'), formatMoney(order.subtotal, order.currency), 'order-subtotal'),
      amountRow(t('orders.shipping'), Number(order.shippingFee) ? formatMoney(order.shippingFee, order.currency) : t('orders.freeShipping'), 'order-shipping'),
      Number(order.discount) ? amountRow(t('orders.discount'), `-${formatMoney(order.discount, order.currency)}`, 'order-discount', 'ord-amount-discount') : null,
      amountRow(beforePayment ? t('orders.totalDue') : t('orders.totalPaid'), formatMoney(order.total, order.currency), 'order-total', 'ord-amount-total')),
    order.paidAt ? h('div', { class: 'ord-fact' },
      h('span', { class: 'ord-label' }, t('orders.paidAt')),
      h('time', { datetime: order.paidAt, 'data-testid': 'order-paid-at' }, formatDateTime(order.paidAt))) : null,
    trackingNode(order),
    h('div', { class: 'ord-fact', 'data-testid': 'order-reminders', 'data-sent': String(Number(reminders.sent) || 0) },
      h('span', { class: 'ord-label' }, t('orders.reminders.sentLabel')),
      h('span', null, t('orders.reminders.sentCount', { count: Number(reminders.sent) || 0 })),
      reminders.lastAt ? h('time', { class: 'muted', datetime: reminders.lastAt, title: formatDateTime(reminders.lastAt) },
        t('orders.reminders.lastAt', { time: relativeTime(reminders.lastAt) })) : null),
    errorLine,
    h('div', { class: 'ord-actions' }, actions));
  }

  function drawOrders() {
    if (state.error && !state.loaded) {
      ordersCount.textContent = '';
      ordersHost.replaceChildren(h('div', { class: 'ord-load-error', role: 'alert', 'data-testid': 'order-load-error' },
        h('p', { class: 'inline-error' }, errorParts(state.error).summary),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => refresh() }, t('app.common.retry'))));
      return;
    }
    if (!state.loaded) {
      ordersCount.textContent = '';
      ordersHost.replaceChildren(h('p', { class: 'muted' }, t('app.common.loading')));
      return;
    }
    const orders = state.data.orders || [];
    ordersCount.textContent = orders.length ? String(orders.length) : '';
    if (!orders.length) {
      ordersHost.replaceChildren(h('p', { class: 'muted ord-empty', 'data-testid': 'orders-empty' },
        state.data.externalId ? t('orders.empty') : t('orders.emptyUnlinked')));
      return;
    }
    const focused = ordersHost.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused ? [focused.closest('[data-order-id]')?.getAttribute('data-order-id'), focused.getAttribute('data-testid')] : null;
    ordersHost.replaceChildren(h('ul', { class: 'ord-list', 'data-testid': 'order-list' }, orders.map(orderNode)));
    // Redrawn after an action: keep the agent's place.
    if (focusKey && focusKey[0] && focusKey[1]) {
      const again = Array.from(ordersHost.querySelectorAll(`[data-testid="${focusKey[1]}"]`))
        .find((node) => node.closest('[data-order-id]')?.getAttribute('data-order-id') === focusKey[0]);
      if (again && !again.disabled) again.focus();
    }
  }

  function summary() {
    const orders = (state.data && state.data.orders) || [];
    return {
      count: orders.length,
      unpaid: orders.filter((o) => o.status === 'unpaid' || o.status === 'created').length,
      pending: orders.filter((o) => o.pendingChange).length,
    };
  }

  function draw() {
    if (state.destroyed) return;
    drawCustomer();
    drawOrders();
    if (state.q) drawProducts();
    const s = summary();
    for (const fn of listeners) fn(s);
  }

  async function refresh() {
    const token = ++state.token;
    el.setAttribute('aria-busy', 'true');
    refreshButton.disabled = true;
    try {
      const data = await api.get(`/api/v1/contacts/${encodeURIComponent(contactId)}/orders`);
      if (token !== state.token || state.destroyed) return;
      state.data = {
        tier: (data && data.tier) || 'regular',
        externalId: (data && data.externalId) || null,
        orders: ((data && data.orders) || []).slice().sort((a, b) => Date.parse(b.placedAt || 0) - Date.parse(a.placedAt || 0)),
      };
      state.loaded = true;
      state.error = null;
    } catch (error) {
      if (token !== state.token || state.destroyed) return;
      state.error = error;
    } finally {
      if (token === state.token && !state.destroyed) {
        el.removeAttribute('aria-busy');
        refreshButton.disabled = false;
      }
    }
    draw();
  }
  const refreshSoon = debounce(refresh, REFRESH_DELAY_MS);

  /** Puts an order changed by an action in place at once; the refresh that follows confirms it. */
  function replaceOrder(order) {
    if (!order || !state.data) return;
    state.data.orders = state.data.orders.map((o) => (o.externalId === order.externalId ? order : o));
  }

  // ---- actions ----
  function setBusy(key, on) {
    if (on) state.busy.add(key);
    else state.busy.delete(key);
  }

  async function sendCard(kind, externalId, errorLine) {
    const busyKey = kind === 'order' ? externalId : `product:${externalId}`;
    const errors = kind === 'order' ? state.errors : state.productErrors;
    const redraw = kind === 'order' ? drawOrders : drawProducts;
    if (state.busy.has(busyKey)) return;
    setBusy(busyKey, true);
    errors.delete(externalId);
    hideError(errorLine);
    redraw();
    try {
      await api.post(`/api/v1/conversations/${encodeURIComponent(conversationId)}/cards`, { kind, externalId });
      if (state.destroyed) return;
      toast(kind === 'order' ? t('orders.cardSent') : t('orders.productCardSent'));
    } catch (error) {
      if (state.destroyed) return;
      errors.set(externalId, errorParts(error, CARD_ERRORS));
    } finally {
      setBusy(busyKey, false);
    }
    redraw();
  }

  async function remind(order, errorLine) {
    const key = order.externalId;
    if (state.busy.has(key)) return;
    setBusy(key, true);
    state.errors.delete(key);
    hideError(errorLine);
    drawOrders();
    try {
      await api.post(`/api/v1/orders/${encodeURIComponent(key)}/remind`, { conversationId });
      if (state.destroyed) return;
      toast(t('orders.reminders.sent'));
      setBusy(key, false);
      await refresh();
      return;
    } catch (error) {
      if (state.destroyed) return;
      state.errors.set(key, errorParts(error, REMIND_ERRORS));
    }
    setBusy(key, false);
    drawOrders();
  }

  async function changePrice(order) {
    state.errors.delete(order.externalId);
    const result = await openPriceChangeDialog({ order, conversationId });
    if (state.destroyed) return;
    if (result) {
      if (result.order) replaceOrder(result.order);
      toast(result.status === 'pending' ? t('orders.pricechange.resultPending') : t('orders.pricechange.resultApplied'), result.status === 'pending' ? 'info' : 'success');
      draw();
      refresh();
    } else {
      drawOrders();
    }
  }

  // ---- products ----
  function priceList(product) {
    const tier = state.data ? state.data.tier : null;
    const mine = customerPriceField(product, tier);
    return h('dl', { class: 'ord-prices', 'data-testid': 'product-prices' }, PRICE_TIERS
      .filter((p) => product[p.field] !== null && product[p.field] !== undefined)
      .map((p) => h('div', {
        class: ['ord-price', p.field === mine && 'is-customer'], 'data-testid': 'product-price', 'data-tier': p.tier,
        'data-customer-price': p.field === mine ? 'true' : null,
      },
      h('dt', null, p.label()),
      h('dd', null,
        formatMoney(product[p.field], product.currency),
        p.field === mine ? h('span', { class: 'ord-price-mark' }, t('orders.price.customer')) : null))));
  }

  function productNode(product) {
    const key = product.externalId;
    const busy = state.busy.has(`product:${key}`);
    const errorLine = h('div', { class: 'ord-error', 'data-testid': 'product-error', role: 'alert', hidden: true });
    const failure = state.productErrors.get(key);
    if (failure) showError(errorLine, failure);
    const unavailable = product.status && product.status !== 'on_sale';
    return h('li', { class: 'ord-product', 'data-testid': 'product-result', 'data-product-id': key || '', 'data-status': product.status || '' },
      h('div', { class: 'ord-product-top' },
        thumbnail(product.imageUrl, product.title, 'ord-product-img'),
        h('div', { class: 'ord-product-main' },
          outLink(product.url, product.title, { class: 'ord-product-title', 'data-testid': 'product-title', title: product.title }),
          h('div', { class: 'ord-product-meta muted' },
            key ? h('span', { class: 'ord-sku' }, key) : null,
            typeof product.stock === 'number' ? h('span', null, t('orders.product.stock', { count: product.stock })) : null,
            unavailable ? h('span', { class: 'ord-product-state', 'data-testid': 'product-status' }, productStatusLabel(product.status)) : null))),
      priceList(product),
      errorLine,
      h('div', { class: 'ord-actions' },
        h('button', {
          type: 'button', class: 'btn btn-small', 'data-testid': 'send-product-card', disabled: busy,
          onclick: () => sendCard('product', key, errorLine),
        }, t('orders.sendProductCard'))));
  }

  function drawProducts() {
    if (!state.q) {
      productsHost.replaceChildren(h('p', { class: 'muted ord-hint' }, t('orders.productSearchHint')));
      return;
    }
    if (state.searchError) {
      productsHost.replaceChildren(h('p', { class: 'inline-error', role: 'alert' }, errorParts(state.searchError).summary));
      return;
    }
    if (state.searching && !state.products.length) {
      productsHost.replaceChildren(h('p', { class: 'muted' }, t('app.common.loading')));
      return;
    }
    if (!state.products.length) {
      productsHost.replaceChildren(h('p', { class: 'muted', 'data-testid': 'product-empty' }, t('orders.productNone', { q: state.q })));
      return;
    }
    const focused = productsHost.contains(document.activeElement) ? document.activeElement : null;
    const focusId = focused ? focused.closest('[data-product-id]')?.getAttribute('data-product-id') : null;
    productsHost.replaceChildren(h('ul', { class: 'ord-product-list' }, state.products.map(productNode)));
    if (focusId) {
      const again = Array.from(productsHost.querySelectorAll('[data-testid="send-product-card"]'))
        .find((b) => b.closest('[data-product-id]')?.getAttribute('data-product-id') === focusId);
      if (again) again.focus();
    }
  }

  const searchBox = liveSearch(search, {
    delay: SEARCH_DELAY_MS,
    search: async (q) => {
      const data = await api.get(`/api/v1/products${query({ q, contact: contactId, limit: PRODUCT_LIMIT })}`);
      return (data && data.products) || [];
    },
    render: (view) => {
      // A new search (or an emptied box) forgets the errors of the products shown before.
      if (view.searching || !view.q) state.productErrors.clear();
      state.q = view.q;
      state.products = view.result || [];
      state.searching = view.searching;
      state.searchError = view.error;
      drawProducts();
    },
  });

  // Order news in this conversation (a card, a price change, a reminder): look again.
  const offs = [
    socket.on('message', (frame) => {
      const m = frame.message;
      if (!m || (frame.conversationId || m.conversationId) !== conversationId) return;
      if (m.senderType === 'visitor' || m.private) return;
      if (m.senderType === 'system' || (m.payload && typeof m.payload === 'object')) refreshSoon();
    }),
    // The platform or a colleague changed one of this customer's orders.
    socket.on('order.updated', (frame) => {
      if (String(frame.contactId || '').toLowerCase() === String(conversation.contactId || '').toLowerCase()) refreshSoon();
    }),
    socket.on('status', ({ state: s, reconnected }) => { if (s === 'open' && reconnected) refreshSoon(); }),
  ];

  draw();
  drawProducts();
  refresh();

  return {
    el,
    refresh,
    /** fn({count, unpaid, pending}) after every load; returns the unsubscribe function. */
    onSummary(fn) {
      listeners.add(fn);
      if (state.loaded) fn(summary());
      return () => listeners.delete(fn);
    },
    destroy() {
      state.destroyed = true;
      state.token += 1;
      for (const off of offs) off();
      refreshSoon.cancel();
      searchBox.cancel();
      listeners.clear();
    },
  };
}
