// Order settings (#/order-settings, admins and owners): how far each role may change prices
// before payment, the payment-reminder rules, how well reminders work (per rule and per
// agent), and the webhooks told about price changes and reminders, with their delivery log.
// API: GET/PUT /api/v1/order-settings; /api/v1/reminder-rules (GET, POST, PATCH /{id},
// DELETE /{id}); GET /api/v1/reminders/stats?days=; /api/v1/webhooks (GET, POST, PATCH /{id},
// DELETE /{id}); GET /api/v1/webhooks/deliveries?webhook=&status=&limit=;
// POST /api/v1/webhooks/deliveries/{id}/replay.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeader } from '../ui.js';
import { createLimits } from './ordersettings/limits.js';
import { createRules } from './ordersettings/rules.js';
import { createStats } from './ordersettings/stats.js';
import { createWebhooks } from './ordersettings/webhooks.js';

export function render(container) {
  const limits = createLimits();
  const rules = createRules({ onChanged: () => stats.load() });
  const stats = createStats({ ruleNames: () => rules.rules() });
  const webhooks = createWebhooks();

  const jump = (id) => {
    const target = document.getElementById(id);
    if (!target) return;
    target.scrollIntoView({ behavior: 'smooth', block: 'start' });
    const heading = target.querySelector('.card-title');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  };
  const links = [
    ['os-limits', t('orders.settings.limitsTitle')],
    ['os-rules', t('orders.reminders.rulesTitle')],
    ['os-stats', t('orders.reminders.statsTitle')],
    ['os-webhooks', t('webhooks.title')],
  ];
  container.append(
    pageHeader(t('orders.settings.title'), t('orders.settings.subtitle')),
    h('nav', { class: 'os-jump', 'aria-label': t('orders.settings.sections') },
      links.map(([id, label]) => h('button', { type: 'button', class: 'os-jump-link', 'data-testid': `jump-${id}`, onclick: () => jump(id) }, label))),
    h('div', { class: 'stack os-page', 'data-testid': 'order-settings' }, limits.el, rules.el, stats.el, webhooks.el));

  limits.load();
  rules.load();
  stats.load();
  webhooks.load();

  const beforeUnload = (event) => {
    if (!rules.isDirty()) return;
    event.preventDefault();
    event.returnValue = '';
  };
  window.addEventListener('beforeunload', beforeUnload);
  return () => window.removeEventListener('beforeunload', beforeUnload);
}
