// The workbench's pages. To add one: write a module in views/ exporting
// render(container, ctx), then add an entry here (label via a literal t('...') key).
// `badge: 'unread'` shows the unread-message count beside the link.
// `admin: true` shows a page to admins and owners only; `minRole` (via forRole) to that
// role and above, e.g. 'supervisor'.
import { t } from './i18n.js';
import { user } from './session.js';
import * as conversations from './views/conversations.js';
import * as account from './views/account.js';
import * as agents from './views/agents.js';
import * as inboxes from './views/inboxes.js';
import * as tokens from './views/tokens.js';
import * as audit from './views/audit.js';
import * as knowledge from './views/knowledge.js';
import * as live from './views/live.js';
import * as phrases from './views/phrases.js';
import * as pricechanges from './views/pricechanges.js';
import * as orderSettings from './views/orders.js';
import * as tickets from './views/tickets.js';
import * as aftersales from './views/aftersales.js';
import * as compensations from './views/compensations.js';
import * as forms from './views/forms.js';
import * as sla from './views/sla.js';
import * as automation from './views/automation.js';
import * as macros from './views/macros.js';

const RANK = { agent: 0, supervisor: 1, admin: 2, owner: 3 };

/** True when the signed-in member's role is `minRole` or above. */
export function hasRole(minRole) {
  const me = user();
  return Boolean(me) && (RANK[me.role] ?? -1) >= (RANK[minRole] ?? Infinity);
}

/** Whether the signed-in member may open `route`. */
export function canSee(route) {
  return route.minRole ? hasRole(route.minRole) : !route.admin || hasRole('admin');
}

/**
 * A route open from `minRole` up. The router (main.js) and the navigation (shell.js) keep
 * non-admins off routes whose `admin` is true; here `admin` answers "the signed-in member
 * lacks minRole", so that same check lets supervisors in and keeps agents out.
 */
function forRole(route) {
  Object.defineProperty(route, 'admin', { enumerable: true, get: () => !hasRole(route.minRole) });
  return route;
}

export const routes = [
  { path: 'conversations', label: () => t('app.nav.conversations'), icon: 'chat', view: conversations, admin: false, badge: 'unread' },
  { path: 'tickets', label: () => t('tickets.nav'), icon: 'ticket', view: tickets, admin: false },
  { path: 'after-sales', label: () => t('cases.nav'), icon: 'box', view: aftersales, admin: false },
  { path: 'forms', label: () => t('forms.nav'), icon: 'form', view: forms, admin: false },
  forRole({ path: 'live', label: () => t('routing.live.nav'), icon: 'pulse', view: live, minRole: 'supervisor' }),
  forRole({ path: 'sla', label: () => t('sla.nav'), icon: 'clock', view: sla, minRole: 'supervisor' }),
  forRole({ path: 'automation', label: () => t('automation.nav'), icon: 'merge', view: automation, minRole: 'supervisor' }),
  forRole({ path: 'price-changes', label: () => t('orders.pricechange.nav'), icon: 'stamp', view: pricechanges, minRole: 'supervisor' }),
  forRole({ path: 'compensations', label: () => t('cases.approvals.nav'), icon: 'coins', view: compensations, minRole: 'supervisor' }),
  { path: 'knowledge', label: () => t('knowledge.nav'), icon: 'book', view: knowledge, admin: false },
  { path: 'phrases', label: () => t('phrases.nav'), icon: 'bolt', view: phrases, admin: false },
  { path: 'macros', label: () => t('macros.nav'), icon: 'macro', view: macros, admin: false },
  { path: 'account', label: () => t('app.nav.account'), icon: 'user', view: account, admin: false },
  { path: 'agents', label: () => t('app.nav.agents'), icon: 'agents', view: agents, admin: true, group: 'admin' },
  { path: 'inboxes', label: () => t('app.nav.inboxes'), icon: 'inbox', view: inboxes, admin: true, group: 'admin' },
  { path: 'tokens', label: () => t('app.nav.tokens'), icon: 'key', view: tokens, admin: true, group: 'admin' },
  { path: 'order-settings', label: () => t('orders.settings.nav'), icon: 'cart', view: orderSettings, admin: true, group: 'admin' },
  { path: 'audit', label: () => t('app.nav.audit'), icon: 'audit', view: audit, admin: true, group: 'admin' },
];

export const defaultRoute = 'conversations';

/** Nav groups in display order, with their heading (null: no heading). */
export const groups = [
  { id: 'main', label: () => null },
  { id: 'admin', label: () => t('app.nav.groupAdmin') },
];
