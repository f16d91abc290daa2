// SLA (#/sla, supervisors and above): what is late or due soon (sla/breaches.js, ticking every
// second, looked at every 15 s), how well the promised times were kept (sla/report.js), the SLA policies in the order they are tried
// (sla/policies.js) and the business-hours calendars their targets count on (sla/calendars.js).
// API: /api/v1/sla/breaches, /api/v1/sla/report, /api/v1/sla/policies, /api/v1/sla/calendars, GET /api/v1/ticket-settings,
// GET /api/v1/inboxes and /api/v1/agents (names).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeader, toast, loadError, loadingBlock } from '../ui.js';
import { loadDirectory } from '../chat/runtime.js';
import { loadSettings, sameId } from '../tickets/shared.js';
import { createBreachList, WITHIN_MINUTES } from '../sla/breaches.js';
import { createPolicySection } from '../sla/policies.js';
import { createCalendarSection } from '../sla/calendars.js';
import { createReport } from '../sla/report.js';

export function render(container) {
  const state = { settings: null, directory: null, stopped: false };
  const notify = (text, kind = 'success') => toast(text, kind === 'ok' ? 'success' : kind);

  const breaches = createBreachList({ directory: () => state.directory });
  const report = createReport();
  const calendars = createCalendarSection({
    notify,
    onChanged: () => policies.draw(),
    policyName: (id) => (policies.policies().find((p) => sameId(p.id, id)) || {}).name || '',
    inboxesOf: (id) => ((state.directory && state.directory.inboxes) || []).filter((i) => sameId(i.calendarId, id)),
  });
  const policies = createPolicySection({
    context: () => ({ calendars: calendars.calendars(), settings: state.settings, directory: state.directory }),
    notify,
    onChanged: () => reloadCalendars(),
  });

  policies.el.append(loadingBlock());
  calendars.el.append(loadingBlock());

  const refreshButton = h('button', {
    type: 'button', class: 'btn', 'data-testid': 'sla-refresh', onclick: () => { breaches.refresh(); report.refresh(); load({ quiet: true }); },
  }, t('app.common.refresh'));

  container.append(
    pageHeader(t('sla.title'), t('sla.subtitle'), refreshButton),
    h('div', { class: 'sla-page', 'data-testid': 'sla-page' },
      h('section', { class: 'card sla-card', 'data-testid': 'sla-breaches-card' },
        h('h2', { class: 'card-title' }, t('sla.breaches.title'), breaches.count),
        h('p', { class: 'card-note' }, t('sla.breaches.hint', { minutes: WITHIN_MINUTES })),
        breaches.el),
      report.el,
      h('section', { class: 'card sla-card', 'data-testid': 'sla-policies-card' },
        h('div', { class: 'sla-card-head' },
          h('h2', { class: 'card-title' }, t('sla.policy.title'), policies.count),
          policies.newButton),
        h('p', { class: 'card-note' }, t('sla.policy.hint')),
        policies.el),
      h('section', { class: 'card sla-card', 'data-testid': 'sla-calendars-card' },
        h('div', { class: 'sla-card-head' },
          h('h2', { class: 'card-title' }, t('sla.calendar.title'), calendars.count),
          calendars.newButton),
        h('p', { class: 'card-note' }, t('sla.calendar.hint')),
        calendars.el)));

  async function reloadCalendars() {
    try {
      const data = await api.get('/api/v1/sla/calendars');
      if (!state.stopped) calendars.setCalendars((data && data.items) || []);
    } catch {
      // The "used by" counts just stay as they were.
    }
  }

  async function load({ quiet = false } = {}) {
    try {
      const [calendarList, policyList, settings, directory] = await Promise.all([
        api.get('/api/v1/sla/calendars'), api.get('/api/v1/sla/policies'), loadSettings(), loadDirectory(quiet),
      ]);
      if (state.stopped) return;
      state.settings = settings;
      state.directory = directory;
      calendars.setCalendars((calendarList && calendarList.items) || []);
      policies.setPolicies((policyList && policyList.items) || []);
      breaches.draw();
    } catch (error) {
      if (state.stopped) return;
      if (quiet) toast(t('sla.loadFailed'), 'error');
      else {
        policies.el.replaceChildren(loadError(error, () => load()));
        calendars.el.replaceChildren();
      }
    }
  }

  load();

  return () => {
    state.stopped = true;
    breaches.destroy();
    report.destroy();
    policies.destroy();
    calendars.destroy();
  };
}
