// The tickets tab beside a conversation (tickets/side.js): the tickets linked to it and
// "create ticket" from the customer's words. Its badge counts the linked tickets and is
// highlighted while an urgent one is unsolved.
import { t } from '../i18n.js';
import { registerPanel } from '../chat/panels.js';
import { createTicketsPanel } from './side.js';

registerPanel({
  id: 'tickets',
  order: 20,
  label: () => t('tickets.tab'),
  testid: 'side-tab-tickets',
  create: ({ conversation, socket }) => {
    const panel = createTicketsPanel({ conversation, socket });
    return { el: panel.el, onSummary: panel.onSummary, destroy: panel.destroy };
  },
});
