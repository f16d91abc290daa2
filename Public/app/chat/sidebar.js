// The customer beside the conversation (right column): name, e-mail and phone
// (editable), where they are on the shop (page, title, referrer), browser,
// language, and their other conversations. `suggestions` (the suggested answers,
// chat/suggestions.js) sits under the customer's name. With side panels (chat/panels.js:
// the orders, …) the column has tabs: the customer (as above), then one per panel.
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

function tabPreference(names) {
  try {
    const saved = window.localStorage.getItem(TAB_KEY);
    if (names.includes(saved)) return saved;
  } catch {
    // no storage
  }
  return 'customer';
}

let sidebarSeq = 0;

/**
 * The tab bar: the customer's tab, then one per side panel, with arrow-key navigation.
 * Returns {bar (null without panels), customerPanel, hosts (the panels' tab panels), select, destroy}.
 */
function createTabs(panels, column) {
  sidebarSeq += 1;
  const names = ['customer', ...panels.map((p) => p.id)];
  const ids = Object.fromEntries(names.map((name) => [name, `side-tab-${name}-${sidebarSeq}`]));
  const customerPanel = h('div', { class: 'side-panel', id: `${ids.customer}-panel` });
  const hosts = panels.map((p) => h('div', { class: ['side-panel', `side-panel-${p.id}`], id: `${ids[p.id]}-panel` }, p.el));
  const tabPanels = { customer: customerPanel };
  panels.forEach((p, i) => { tabPanels[p.id] = hosts[i]; });

  // Without side panels: no tab bar, only the customer.
  if (!panels.length) {
    column.dataset.tab = 'customer';
    return { bar: null, customerPanel, hosts, select: () => {}, destroy: () => {} };
  }
  let tab = tabPreference(names);

  const badges = panels.map((p) => h('span', { class: 'side-tab-badge', 'data-testid': `${p.testid}-count`, hidden: true }));
  const buttons = {
    customer: h('button', {
      type: 'button', role: 'tab', class: 'side-tab', id: ids.customer, 'aria-controls': customerPanel.id,
      'data-testid': 'side-tab-customer', onclick: () => select('customer', true),
    }, t('conversations.side.customerTab')),
  };
  panels.forEach((p, i) => {
    buttons[p.id] = h('button', {
      type: 'button', role: 'tab', class: 'side-tab', id: ids[p.id], 'aria-controls': hosts[i].id,
      'data-testid': p.testid, onclick: () => select(p.id, true),
    }, p.label(), badges[i]);
  });
  for (const name of names) {
    tabPanels[name].setAttribute('role', 'tabpanel');
    tabPanels[name].setAttribute('aria-labelledby', ids[name]);
  }
  const bar = h('div', {
    class: 'side-tabs', role: 'tablist', 'aria-label': t('conversations.side.tabsLabel'), 'data-testid': 'side-tabs',
    onkeydown: (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight' && event.key !== 'Home' && event.key !== 'End') return;
      event.preventDefault();
      const index = names.indexOf(tab);
      let next = index;
      if (event.key === 'ArrowLeft') next = (index + names.length - 1) % names.length;
      else if (event.key === 'ArrowRight') next = (index + 1) % names.length;
      else if (event.key === 'Home') next = 0;
      else next = names.length - 1;
      select(names[next], true);
      buttons[names[next]].focus();
    },
  }, names.map((name) => buttons[name]));

  function select(name, remember = false) {
    tab = names.includes(name) ? name : 'customer';
    column.dataset.tab = tab;
    for (const key of names) {
      const selected = key === tab;
      buttons[key].setAttribute('aria-selected', String(selected));
      buttons[key].tabIndex = selected ? 0 : -1;
      tabPanels[key].hidden = !selected;
    }
    if (remember) {
      try { window.localStorage.setItem(TAB_KEY, tab); } catch { /* ignore */ }
    }
  }

  // A panel's summary: a count on its tab, highlighted when something is due.
  const offs = panels.map((p, i) => (p.onSummary ? p.onSummary((summary) => {
    const badge = badges[i];
    const n = Number(summary && summary.count) || 0;
    badge.hidden = !n;
    badge.textContent = n ? String(n) : '';
    badge.classList.toggle('is-due', Boolean(summary && summary.due));
    badge.title = (summary && summary.title) || '';
  }) : null));

  select(tab);
  return {
    bar, customerPanel, hosts, select,
    destroy: () => { for (const off of offs) if (typeof off === 'function') off(); },
  };
}

/**
 * contact(): Promise of the Contact; onSaved(contact) after an edit;
 * currentId: the open conversation; onOpen(id) to open another one;
 * panels: the side panels ([{id, label, testid, el, onSummary}], chat/panels.js), each in a tab after the customer's.
 */
export function createSidebar({ contact, onSaved, currentId, onOpen, onClose, suggestions = null, panels = [] }) {
  const el = h('aside', { class: 'conv-side', 'data-testid': 'customer-sidebar', 'aria-label': t('conversations.customerInfo') });
  let editing = false;
  let data = null;
  const tabs = createTabs(panels, el);
  const { customerPanel, hosts } = tabs;

  /** The column's content: the head (once known), the tabs, the customer and the side panels. */
  function place(head, ...customer) {
    const focused = [suggestions, ...hosts].some((part) => part && part.contains(document.activeElement)) ? document.activeElement : null;
    customerPanel.replaceChildren(...customer.filter(Boolean));
    el.replaceChildren(...[head, tabs.bar, customerPanel, ...hosts].filter(Boolean));
    if (focused) focused.focus(); // moving the suggestions or a panel must not drop the agent's cursor
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

  place(null, suggestions, loadingBlock());
  contact().then((c) => {
    data = c;
    draw();
  }).catch((error) => {
    place(null, suggestions, h('div', { class: 'side-section inline-error', role: 'alert' }, errorText(error)));
  });

  return {
    el,
    /** Shows the customer's tab ('customer') or a side panel's (its id, e.g. 'orders'). */
    showTab: (name) => tabs.select(name, true),
    destroy() {
      tabs.destroy();
    },
  };
}
