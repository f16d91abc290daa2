// The customer beside the conversation (right column): name, e-mail and phone
// (editable), where they are on the shop (page, title, referrer), browser,
// language, and their other conversations. `suggestions` (the suggested answers,
// chat/suggestions.js) sits under the customer's name. With `orders` (chat/orders.js) the
// column has two tabs: the customer (as above) and their orders.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, formatDateTime, getSupported } from '../i18n.js';
import { field, showFormError, clearFormErrors, busy, toast, loadingBlock } from '../ui.js';
import { avatar, browserName, contactName, previewText, relativeTime, statusLabel } from './format.js';

/** A locale code with its own name when Kefu speaks it (the server's supported list). */
function languageName(code) {
  if (!code) return '';
  const known = getSupported().find((l) => l.code.toLowerCase() === String(code).toLowerCase());
  return known ? `${known.name} (${code})` : code;
}

function row(label, value, testid) {
  return h('div', { class: 'side-row' },
    h('dt', null, label),
    h('dd', { 'data-testid': testid }, value || h('span', { class: 'muted' }, '—')));
}

/** shop.example.com/item/42 for https://shop.example.com/item/42 */
function shortUrl(url) {
  return String(url || '').replace(/^https?:\/\//i, '').replace(/\/$/, '');
}

function externalLink(url, text) {
  if (!url || !/^https?:\/\//i.test(url)) return url || null;
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', title: url, class: 'side-link' }, text || url);
}

const TAB_KEY = 'kefu_side_tab';
const TABS = ['customer', 'orders'];

function tabPreference() {
  try {
    const saved = window.localStorage.getItem(TAB_KEY);
    if (TABS.includes(saved)) return saved;
  } catch {
    // no storage
  }
  return 'customer';
}

let sidebarSeq = 0;

/**
 * contact(): Promise of the Contact; onSaved(contact) after an edit;
 * currentId: the open conversation; onOpen(id) to open another one;
 * orders: the order panel ({el, onSummary}) shown in a second tab, or null.
 */
export function createSidebar({ contact, onSaved, currentId, onOpen, onClose, suggestions = null, orders = null }) {
  const el = h('aside', { class: 'conv-side', 'data-testid': 'customer-sidebar', 'aria-label': t('conversations.customerInfo') });
  let editing = false;
  let data = null;

  // ---- tabs (only with the order panel) ----
  sidebarSeq += 1;
  const ids = { customer: `side-tab-customer-${sidebarSeq}`, orders: `side-tab-orders-${sidebarSeq}` };
  let tab = orders ? tabPreference() : 'customer';
  const customerPanel = h('div', { class: 'side-panel', id: `${ids.customer}-panel` });
  const ordersPanel = orders ? h('div', { class: 'side-panel side-panel-orders', id: `${ids.orders}-panel` }, orders.el) : null;
  const ordersBadge = h('span', { class: 'side-tab-badge', 'data-testid': 'side-tab-orders-count', hidden: true });
  const tabButtons = orders ? {
    customer: h('button', {
      type: 'button', role: 'tab', class: 'side-tab', id: ids.customer, 'aria-controls': customerPanel.id,
      'data-testid': 'side-tab-customer', onclick: () => setTab('customer', true),
    }, t('orders.tabCustomer')),
    orders: h('button', {
      type: 'button', role: 'tab', class: 'side-tab', id: ids.orders, 'aria-controls': ordersPanel.id,
      'data-testid': 'side-tab-orders', onclick: () => setTab('orders', true),
    }, t('orders.tabOrders'), ordersBadge),
  } : null;
  const tabBar = orders ? h('div', {
    class: 'side-tabs', role: 'tablist', 'aria-label': t('orders.tabsLabel'), 'data-testid': 'side-tabs',
    onkeydown: (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight' && event.key !== 'Home' && event.key !== 'End') return;
      event.preventDefault();
      const index = TABS.indexOf(tab);
      let next = index;
      if (event.key === 'ArrowLeft') next = (index + TABS.length - 1) % TABS.length;
      else if (event.key === 'ArrowRight') next = (index + 1) % TABS.length;
      else if (event.key === 'Home') next = 0;
      else next = TABS.length - 1;
      setTab(TABS[next], true);
      tabButtons[TABS[next]].focus();
    },
  }, tabButtons.customer, tabButtons.orders) : null;
  if (orders) {
    customerPanel.setAttribute('role', 'tabpanel');
    customerPanel.setAttribute('aria-labelledby', ids.customer);
    ordersPanel.setAttribute('role', 'tabpanel');
    ordersPanel.setAttribute('aria-labelledby', ids.orders);
  }

  function setTab(name, remember = false) {
    tab = TABS.includes(name) ? name : 'customer';
    el.dataset.tab = tab;
    if (!orders) return;
    for (const key of TABS) {
      const selected = key === tab;
      tabButtons[key].setAttribute('aria-selected', String(selected));
      tabButtons[key].tabIndex = selected ? 0 : -1;
    }
    customerPanel.hidden = tab !== 'customer';
    ordersPanel.hidden = tab !== 'orders';
    if (remember) {
      try { window.localStorage.setItem(TAB_KEY, tab); } catch { /* ignore */ }
    }
  }

  const offSummary = orders && typeof orders.onSummary === 'function'
    ? orders.onSummary((summary) => {
      ordersBadge.hidden = !summary.count;
      ordersBadge.textContent = summary.count ? String(summary.count) : '';
      ordersBadge.classList.toggle('is-due', summary.unpaid > 0);
      ordersBadge.title = summary.unpaid ? t('orders.tabUnpaid', { count: summary.unpaid }) : '';
    })
    : null;

  /** The column's content: the head (once known), the tabs, the customer and the orders. */
  function place(head, ...customer) {
    const focused = [suggestions, ordersPanel].some((part) => part && part.contains(document.activeElement)) ? document.activeElement : null;
    customerPanel.replaceChildren(...customer.filter(Boolean));
    el.replaceChildren(...[head, tabBar, customerPanel, ordersPanel].filter(Boolean));
    if (focused) focused.focus(); // moving the suggestions or the orders must not drop the agent's cursor
  }

  function editForm() {
    const name = h('input', { type: 'text', name: 'name', value: data.name || '', maxlength: '100', 'data-testid': 'contact-name-input' });
    const email = h('input', { type: 'email', name: 'email', value: data.email || '', maxlength: '200', 'data-testid': 'contact-email-input' });
    const phone = h('input', { type: 'text', name: 'phone', value: data.phone || '', maxlength: '40', inputmode: 'tel', 'data-testid': 'contact-phone-input' });
    const form = h('form', { class: 'form side-form', 'data-testid': 'contact-form', novalidate: true },
      field(t('conversations.contact.name'), name),
      field(t('conversations.contact.email'), email),
      field(t('conversations.contact.phone'), phone),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-small btn-primary', 'data-testid': 'contact-save' }, t('app.common.save')),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => { editing = false; draw(); } }, t('app.common.cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearFormErrors(form);
      const body = {};
      const values = { name: name.value.trim(), email: email.value.trim(), phone: phone.value.trim() };
      for (const key of Object.keys(values)) {
        if (values[key] !== (data[key] || '')) body[key] = values[key] || null;
      }
      if (!Object.keys(body).length) {
        editing = false;
        draw();
        return;
      }
      await busy(form, async () => {
        try {
          const saved = await api.patch(`/api/v1/contacts/${encodeURIComponent(data.id)}`, body);
          data = { ...data, ...(saved || body) };
          editing = false;
          toast(t('conversations.contact.saved'));
          onSaved(data);
          draw();
        } catch (error) {
          showFormError(form, error);
        }
      });
    });
    setTimeout(() => name.focus());
    return form;
  }

  function conversations() {
    const list = (data.conversations || []).slice().sort((a, b) => Date.parse(b.createdAt || 0) - Date.parse(a.createdAt || 0));
    if (!list.length) return h('p', { class: 'muted' }, t('conversations.contact.noConversations'));
    return h('ul', { class: 'side-convs', 'data-testid': 'contact-conversations' }, list.map((c) => h('li', null,
      h('a', {
        href: `#/conversations/${encodeURIComponent(c.id)}`,
        class: ['side-conv', c.id === currentId && 'is-current'], 'data-testid': 'contact-conversation', 'data-conversation-id': c.id,
        onclick: (event) => { event.preventDefault(); onOpen(c.id); },
      },
      h('span', { class: 'side-conv-top' },
        h('span', { class: ['status-pill', `status-${c.status}`] }, statusLabel(c.status)),
        h('time', { class: 'muted', title: formatDateTime(c.createdAt) }, relativeTime(c.lastMessageAt || c.createdAt)),
        c.id === currentId ? h('span', { class: 'tag tag-self' }, t('conversations.contact.thisConversation')) : null),
      h('span', { class: 'side-conv-preview' }, previewText(c) || t('conversations.chat.noMessages'))))));
  }

  function draw() {
    const name = contactName(data);
    const page = data.currentPage;
    place(
      h('div', { class: 'side-head' },
        avatar(name, data.id, 'avatar-large'),
        h('div', { class: 'side-who' },
          h('div', { class: 'side-name', 'data-testid': 'contact-name' }, name),
          data.email ? h('div', { class: 'muted side-sub' }, data.email) : null),
        h('button', { type: 'button', class: 'icon-btn side-close', 'aria-label': t('app.common.close'), title: t('app.common.close'), onclick: onClose }, '\u00d7')),
      suggestions,
      editing ? editForm() : h('section', { class: 'side-section' },
        h('div', { class: 'side-section-head' },
          h('h3', null, t('conversations.contact.title')),
          h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'contact-edit', onclick: () => { editing = true; draw(); } }, t('app.common.edit'))),
        h('dl', { class: 'side-list' },
          row(t('conversations.contact.email'), data.email, 'contact-email'),
          row(t('conversations.contact.phone'), data.phone, 'contact-phone'))),
      h('section', { class: 'side-section' },
        h('h3', null, t('conversations.contact.visit')),
        h('dl', { class: 'side-list' },
          row(t('conversations.contact.currentPage'), externalLink(page, shortUrl(page)), 'contact-page'),
          data.pageTitle ? row(t('conversations.contact.pageTitle'), data.pageTitle, 'contact-page-title') : null,
          row(t('conversations.contact.referrer'), externalLink(data.referrer, shortUrl(data.referrer)), 'contact-referrer'),
          row(t('conversations.contact.browser'), data.userAgent ? h('span', { title: data.userAgent }, browserName(data.userAgent)) : null, 'contact-browser'),
          row(t('conversations.contact.language'), languageName(data.locale), 'contact-language'),
          data.createdAt ? row(t('conversations.contact.firstSeen'), formatDateTime(data.createdAt), 'contact-first-seen') : null)),
      h('section', { class: 'side-section' },
        h('h3', null, t('conversations.contact.conversations')),
        conversations()));
  }

  setTab(tab);
  place(null, suggestions, loadingBlock());
  contact().then((c) => {
    data = c;
    draw();
  }).catch((error) => {
    place(null, suggestions, h('div', { class: 'side-section inline-error', role: 'alert' }, errorText(error)));
  });

  return {
    el,
    /** Shows the customer or the orders tab ('customer' | 'orders'). */
    showTab: (name) => setTab(name, true),
    destroy() {
      if (offSummary) offSummary();
    },
  };
}
