// The signed-in frame: top bar (brand, agent badge, role, language, sign-out),
// left navigation and the content area the router fills.
import { h } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { languageSelect } from './langswitch.js';
import { session, isAdmin } from './session.js';
import { routes, groups } from './routes.js';
import { roleLabel } from './format.js';
import { statusSelector } from './chat/status.js';

export function agentBadgeText(user) {
  if (user.agentNumber === null || user.agentNumber === undefined) return user.displayName;
  return t('app.shell.agentBadge', { number: user.agentNumber, name: user.displayName });
}

/** Builds the shell into `root`; returns {content, setActive}. */
export function renderShell(root, { onSignOut, onLocale }) {
  const { user, account } = session();
  const admin = isAdmin();

  const closeNav = () => document.body.classList.remove('nav-open');
  const toggleNav = () => document.body.classList.toggle('nav-open');

  const topbar = h('header', { class: 'topbar', 'data-testid': 'topbar' },
    h('button', {
      type: 'button', class: 'nav-toggle', id: 'nav-toggle', 'data-testid': 'nav-toggle',
      'aria-label': t('app.shell.menu'), title: t('app.shell.menu'), 'aria-controls': 'sidenav', onclick: toggleNav,
    }, icon('menu'), h('span', { class: 'nav-badge nav-toggle-badge', 'data-unread-badge': 'unread', hidden: true })),
    h('a', { class: 'brand', href: '#/', 'aria-label': t('app.title') },
      icon('logo', 'brand-mark'),
      h('span', { class: 'brand-name' }, t('app.name')),
      h('span', { class: 'brand-sub' }, t('app.shell.workbench'))),
    account && account.name ? h('span', { class: 'shop-name', 'data-testid': 'shop-name', title: t('app.shell.shop') }, account.name) : null,
    h('div', { class: 'topbar-spacer' }),
    statusSelector(),
    h('div', { class: 'topbar-user' },
      h('span', { class: 'agent-badge', id: 'agent-badge', 'data-testid': 'agent-badge' }, agentBadgeText(user)),
      h('span', { class: ['role-pill', `role-${user.role}`], 'data-testid': 'role-badge' }, roleLabel(user.role))),
    h('div', { class: 'topbar-lang' },
      icon('globe', 'icon icon-muted'),
      languageSelect(onLocale, { id: 'locale-select', 'data-testid': 'locale-select' })),
    h('button', {
      type: 'button', class: 'btn btn-ghost signout', id: 'signout', 'data-testid': 'signout',
      title: t('app.shell.signOut'), onclick: onSignOut,
    }, icon('logout'), h('span', { class: 'signout-label' }, t('app.shell.signOut'))),
  );

  const links = new Map();
  const nav = h('nav', { class: 'sidenav', id: 'sidenav', 'aria-label': t('app.shell.navigation'), 'data-testid': 'sidenav' });
  for (const group of groups) {
    const items = routes.filter((r) => (r.group || 'main') === group.id && (!r.admin || admin));
    if (!items.length) continue;
    const heading = group.label();
    const list = h('ul', { class: 'nav-list' });
    for (const route of items) {
      const link = h('a', {
        href: `#/${route.path}`, class: 'nav-link', 'data-testid': `nav-${route.path}`, onclick: closeNav,
      }, icon(route.icon), h('span', null, route.label()),
      route.badge ? h('span', { class: 'nav-badge', 'data-unread-badge': route.badge, 'data-testid': `nav-badge-${route.path}`, hidden: true }) : null);
      links.set(route.path, link);
      list.appendChild(h('li', null, link));
    }
    if (heading) nav.appendChild(h('div', { class: 'nav-heading' }, heading));
    nav.appendChild(list);
  }

  const content = h('main', { class: 'content', id: 'content', 'data-testid': 'content', tabindex: '-1' });
  const scrim = h('div', { class: 'nav-scrim', onclick: closeNav });

  root.replaceChildren(h('div', { class: 'shell' }, topbar, h('div', { class: 'shell-body' }, nav, scrim, content)));

  return {
    content,
    setActive(path) {
      for (const [p, link] of links) {
        if (p === path) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
  };
}
