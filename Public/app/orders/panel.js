// The orders tab beside a conversation (chat/orders.js): the customer's orders and the
// product search. Its badge counts the orders and is highlighted while some await payment.
import { t } from '../i18n.js';
import { registerPanel } from '../chat/panels.js';
import { createOrders } from '../chat/orders.js';

registerPanel({
  id: 'orders',
  order: 10,
  label: () => t('orders.tabOrders'),
  testid: 'side-tab-orders',
  create: ({ conversation, socket }) => {
    const orders = createOrders({ conversation, socket });
    return {
      el: orders.el,
      onSummary: (fn) => orders.onSummary((summary) => fn({
        count: summary.count,
        due: summary.unpaid > 0,
        title: summary.unpaid ? t('orders.tabUnpaid', { count: summary.unpaid }) : '',
      })),
      destroy: () => orders.destroy(),
    };
  },
});
