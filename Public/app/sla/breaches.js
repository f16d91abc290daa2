// The breach list of the SLA page (supervisors): running SLA clocks already late or due within
// 30 minutes, soonest first: the time left ticking every second (negative and red once late),
// the metric, the ticket or conversation (a link to it), who has it and its inbox. Looked at
// again every 15 s while the page is shown, and at once when a clock warns or breaches (the
// sla.alert frame).
// API: GET /api/v1/sla/breaches?withinMinutes=30&limit=100.
import { api, query } from '../api.js';
import { chatSocket } from '../chat/runtime.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { loadingBlock, loadError, debounce } from '../ui.js';
import { memberName, inboxName } from '../tickets/shared.js';
import { anonymousName } from '../chat/format.js';
import { countdown, metricLabel, targetTypeLabel, targetHref, watchCountdowns } from './shared.js';

export const WITHIN_MINUTES = 30;
const LIMIT = 100;
const POLL_MS = 15000;

/** directory(): {agents, inboxes} or null. Returns {el, count, refresh(), destroy()}. */
export function createBreachList({ directory }) {
  const state = { items: [], loaded: false, error: null, token: 0, destroyed: false };
  const release = watchCountdowns();
  const count = h('span', { class: 'pill sla-count-pill', 'data-testid': 'sla-breaches-count', hidden: true });
  const el = h('div', { class: 'sla-breaches-host', 'aria-live': 'polite' }, loadingBlock());

  function row(item) {
    const late = Boolean(item.breachedAt) || Date.parse(item.dueAt || '') < Date.now();
    const dir = directory();
    const who = item.assigneeId ? memberName(item.assigneeId, dir) : '';
    const inbox = item.inboxId ? inboxName(item.inboxId, dir) : '';
    return h('tr', {
      class: ['sla-breach', late && 'is-breached'], 'data-testid': 'sla-breach-row',
      'data-target-id': item.targetId, 'data-target-type': item.targetType, 'data-metric': item.metric, 'data-breached': String(Boolean(item.breachedAt)),
    },
    h('td', { class: 'sla-breach-time' },
      item.dueAt ? countdown(item.dueAt, { 'data-testid': 'sla-breach-countdown' }) : null),
    h('td', null, h('span', { class: 'sla-breach-metric' }, metricLabel(item.metric))),
    h('td', { class: 'sla-breach-title-cell' },
      h('span', { class: 'sla-breach-type' }, targetTypeLabel(item.targetType)),
      h('a', { href: targetHref(item.targetType, item.targetId), class: 'sla-breach-title', 'data-testid': 'sla-breach-link', title: item.title },
        item.title || (item.contactId ? anonymousName(item.contactId) : t('sla.breaches.untitled')))),
    h('td', { class: 'sla-breach-who' }, who || h('span', { class: 'muted' }, t('sla.breaches.unassigned'))),
    h('td', { class: 'sla-breach-inbox' }, inbox || h('span', { class: 'muted' }, '\u2014')),
    h('td', { class: 'time' }, item.dueAt ? h('time', { datetime: item.dueAt }, formatDateTime(item.dueAt)) : null));
  }

  function draw() {
    if (state.destroyed) return;
    const late = state.items.filter((i) => i.breachedAt).length;
    count.hidden = !state.loaded;
    count.textContent = late ? t('sla.breaches.countLate', { count: state.items.length, late }) : String(state.items.length);
    count.classList.toggle('is-late', late > 0);
    if (!state.loaded) {
      el.replaceChildren(state.error ? loadError(state.error, () => refresh()) : loadingBlock());
      return;
    }
    if (!state.items.length) {
      el.replaceChildren(h('p', { class: 'muted sla-empty', 'data-testid': 'sla-breaches-empty' }, t('sla.breaches.empty', { minutes: WITHIN_MINUTES })));
      return;
    }
    el.replaceChildren(h('div', { class: 'table-wrap' },
      h('table', { class: 'table sla-breaches', 'data-testid': 'sla-breaches' },
        h('thead', null, h('tr', null,
          h('th', null, t('sla.breaches.left')),
          h('th', null, t('sla.breaches.metric')),
          h('th', null, t('sla.breaches.target')),
          h('th', null, t('sla.breaches.assignee')),
          h('th', null, t('sla.breaches.inbox')),
          h('th', null, t('sla.breaches.due')))),
        h('tbody', null, state.items.map(row)))));
  }

  async function refresh() {
    const token = ++state.token;
    try {
      const data = await api.get(`/api/v1/sla/breaches${query({ withinMinutes: WITHIN_MINUTES, limit: LIMIT })}`);
      if (token !== state.token || state.destroyed) return;
      state.items = (data && data.items) || [];
      state.loaded = true;
      state.error = null;
    } catch (error) {
      if (token !== state.token || state.destroyed) return;
      state.error = error;
      // Keep what was shown when a later look fails.
    }
    draw();
  }

  const poll = setInterval(() => {
    if (document.visibilityState === 'visible' && el.isConnected) refresh();
  }, POLL_MS);
  const alertSoon = debounce(() => { if (!state.destroyed) refresh(); }, 300);
  const socket = chatSocket();
  const offAlert = socket ? socket.on('sla.alert', () => alertSoon()) : null;
  refresh();

  return {
    el,
    count,
    refresh,
    /** Draws again (the team's names arrived). */
    draw,
    destroy() {
      state.destroyed = true;
      state.token += 1;
      clearInterval(poll);
      alertSoon.cancel();
      if (offAlert) offAlert();
      release();
    },
  };
}
