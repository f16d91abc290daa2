// The workbench's pages. To add one: write a module in views/ exporting
// render(container, ctx), then add an entry here (label via a literal t('...') key).
// `badge: 'unread'` shows the unread-message count beside the link.
import { t } from './i18n.js';
import * as conversations from './views/conversations.js';
import * as account from './views/account.js';
import * as agents from './views/agents.js';
import * as inboxes from './views/inboxes.js';
import * as tokens from './views/tokens.js';
import * as audit from './views/audit.js';
import * as knowledge from './views/knowledge.js';

export const routes = [
  { path: 'conversations', label: () => t('nav.conversations'), icon: 'chat', view: conversations, admin: false, badge: 'unread' },
  { path: 'knowledge', label: () => t('kb.nav'), icon: 'book', view: knowledge, admin: false },
  { path: 'account', label: () => t('nav.account'), icon: 'user', view: account, admin: false },
  { path: 'agents', label: () => t('nav.agents'), icon: 'agents', view: agents, admin: true, group: 'admin' },
  { path: 'inboxes', label: () => t('nav.inboxes'), icon: 'inbox', view: inboxes, admin: true, group: 'admin' },
  { path: 'tokens', label: () => t('nav.tokens'), icon: 'key', view: tokens, admin: true, group: 'admin' },
  { path: 'audit', label: () => t('nav.audit'), icon: 'audit', view: audit, admin: true, group: 'admin' },
];

export const defaultRoute = 'conversations';

/** Nav groups in display order, with their heading (null: no heading). */
export const groups = [
  { id: 'main', label: () => null },
  { id: 'admin', label: () => t('nav.groupAdmin') },
];
