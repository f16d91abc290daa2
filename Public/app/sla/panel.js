// The SLA of one ticket or chat: the policy that applies and its version, each metric clock (its
// target, due time and countdown, red once late; paused; met or met late when fulfilled;
// cancelled) and the SLA log, folded. Drawn in two places with the same rows and test ids:
// - a section of the ticket page's right column (tickets/detail.js), hidden while no policy ever
//   applied; the page asks it to look again when the ticket changes;
// - the SLA tab beside a conversation (sla/side.js, `tab: true`), which says so when no policy
//   applies instead of hiding, and reports its breached clocks for the tab's badge (onStatus).
// Both look every 30 s while shown, a moment after a countdown passes its due time (the server
// then has the breach and its log entry) and when the server says one of its clocks warned or
// breached (the sla.alert frame).
// API: GET /api/v1/tickets/{id}/sla or GET /api/v1/conversations/{id}/sla.
import { api } from '../api.js';
import { chatSocket } from '../chat/runtime.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { loadingBlock } from '../ui.js';
import {
  METRICS, metricLabel, metricHint, stateLabel, eventLabel, minutesText, countdown, noteServerTime, watchCountdowns, slaErrorText,
  idKey,
} from './shared.js';

const POLL_MS = 30000;
const AFTER_CHANGE_MS = [1200, 4000];
const AFTER_DUE_MS = 1500;

function time(iso, attrs = {}) {
  return h('time', { datetime: iso, title: formatDateTime(iso), ...attrs }, formatDateTime(iso));
}

/** How a clock stands, in words and as a class: met, met late, late, paused … */
function outcome(clock) {
  if (clock.state === 'fulfilled') {
    return clock.breachedAt
      ? { key: 'met-late', text: t('sla.clock.metLate') }
      : { key: 'met', text: t('sla.clock.met') };
  }
  if (clock.state === 'running' && clock.breachedAt) return { key: 'breached', text: t('sla.clock.breached') };
  return { key: clock.state, text: stateLabel(clock.state) };
}

/** A clock already late and not yet met (running or paused with breachedAt). */
export function isOpenBreach(clock) {
  return Boolean(clock && clock.breachedAt) && (clock.state === 'running' || clock.state === 'paused');
}

/**
 * type: 'ticket' | 'conversation'; id: its id; tab: drawn as a side tab (never hidden: says when
 * no policy applies); onStatus(status): after every answer (the GET …/sla body).
 * Returns {el, refresh(), refreshSoon(), destroy()}.
 */
export function createSlaPanel({ type = 'ticket', id, tab = false, onStatus = null }) {
  const path = type === 'conversation'
    ? `/api/v1/conversations/${encodeURIComponent(id)}/sla`
    : `/api/v1/tickets/${encodeURIComponent(id)}/sla`;
  const state = { status: null, error: null, token: 0, destroyed: false, logOpen: false, timers: [] };
  const release = watchCountdowns();

  const el = h('section', {
    class: [tab ? 'side-section sla-panel-tab' : 'tk-props-section', 'sla-panel'], 'data-testid': 'sla-panel',
    'data-target-type': type, hidden: !tab, 'aria-live': 'polite',
  }, tab ? loadingBlock() : null);
  // A countdown here passed its due time: the server has marked the breach by now.
  el.addEventListener('sla:due', () => later([AFTER_DUE_MS]));

  function clockRow(clock) {
    const result = outcome(clock);
    const late = Boolean(clock.breachedAt);
    let when = null;
    if (clock.state === 'running' && clock.dueAt) {
      when = h('div', { class: 'sla-clock-when' },
        h('span', { class: 'sla-clock-due' }, t('sla.clock.due'), ' ', time(clock.dueAt, { 'data-testid': 'sla-clock-due' })),
        countdown(clock.dueAt, { class: 'sla-clock-count', 'data-testid': 'sla-clock-countdown' }));
    } else if (clock.state === 'paused') {
      when = h('div', { class: 'sla-clock-when muted' }, t('sla.clock.pausedHint', { used: minutesText(Math.floor((clock.elapsedSeconds || 0) / 60)) }));
    } else if (clock.finishedAt) {
      when = h('div', { class: 'sla-clock-when muted' },
        clock.state === 'fulfilled' ? t('sla.clock.fulfilledAt') : t('sla.clock.cancelledAt'), ' ', time(clock.finishedAt, { 'data-testid': 'sla-clock-finished' }));
    }
    return h('li', {
      class: ['sla-clock', `sla-clock-${result.key}`, late && 'is-breached'],
      'data-testid': 'sla-clock', 'data-metric': clock.metric, 'data-state': clock.state, 'data-outcome': result.key,
      'data-breached': String(late), 'data-clock-id': clock.id,
    },
    h('div', { class: 'sla-clock-top' },
      h('span', { class: 'sla-clock-metric', 'data-testid': 'sla-clock-metric', title: metricHint(clock.metric) }, metricLabel(clock.metric)),
      h('span', { class: ['sla-chip', `sla-chip-${result.key}`], 'data-testid': 'sla-clock-state' }, result.text)),
    h('div', { class: 'sla-clock-target muted' },
      t('sla.clock.target', { time: minutesText(Math.round((clock.targetSeconds || 0) / 60)) }),
      clock.breachedAt && clock.state !== 'fulfilled' ? [' \u00b7 ', t('sla.clock.breachedAt'), ' ', time(clock.breachedAt)] : null),
    when);
  }

  /** The policies the answer names (its own and its clocks'), by id. */
  function policyNames(s) {
    const names = new Map();
    for (const c of s.clocks || []) if (c.policyId && c.policyName) names.set(idKey(c.policyId), c.policyName);
    if (s.policyId && s.policyName) names.set(idKey(s.policyId), s.policyName);
    return names;
  }

  function logList(events, names) {
    return h('ol', { class: 'sla-log-list', 'data-testid': 'sla-log-list' },
      events.slice().reverse().map((e) => h('li', { class: ['sla-log-event', `sla-log-${e.kind}`], 'data-testid': 'sla-log-event', 'data-kind': e.kind, 'data-metric': e.metric || '' },
        time(e.at, { class: 'sla-log-time' }),
        h('span', { class: 'sla-log-kind' }, eventLabel(e.kind)),
        e.metric ? h('span', { class: 'sla-log-metric' }, metricLabel(e.metric)) : null,
        e.kind === 'policy_applied' && e.policyId && names.has(idKey(e.policyId))
          ? h('span', { class: 'sla-log-metric' }, names.get(idKey(e.policyId))) : null,
        e.kind === 'policy_applied' && e.policyVersion ? h('span', { class: 'sla-log-metric muted' }, t('sla.version', { version: e.policyVersion })) : null)));
  }

  function draw() {
    if (state.destroyed) return;
    const s = state.status;
    if (!s) {
      // A failure before the first answer: say so quietly, the next look may succeed.
      el.hidden = !tab && !state.error;
      el.replaceChildren(state.error ? h('p', { class: 'inline-error sla-panel-error' }, slaErrorText(state.error)) : '');
      return;
    }
    // By metric; of one metric (a policy changed), the clock that counts now first.
    const finished = (c) => (c.state === 'cancelled' ? 1 : 0);
    const clocks = (s.clocks || []).slice().sort((a, b) => METRICS.indexOf(a.metric) - METRICS.indexOf(b.metric)
      || finished(a) - finished(b) || String(b.activatedAt || '').localeCompare(String(a.activatedAt || '')));
    const events = s.events || [];
    const nothing = !clocks.length && !events.length && !s.policyId;
    if (nothing && tab) {
      // Beside a chat the tab stays: it says that no policy applies (yet).
      el.replaceChildren(
        h('div', { class: 'sla-panel-head' }, h('h3', null, t('sla.panel.title'))),
        h('p', { class: 'muted sla-panel-empty', 'data-testid': 'sla-empty' }, t('sla.side.none')));
      return;
    }
    el.hidden = nothing;
    if (el.hidden) {
      el.replaceChildren();
      return;
    }
    const log = h('details', {
      class: 'sla-log', 'data-testid': 'sla-log', open: state.logOpen,
      ontoggle: () => { state.logOpen = log.open; },
    },
    h('summary', { 'data-testid': 'sla-log-toggle' }, t('sla.log.title'), ' ', h('span', { class: 'muted' }, String(events.length))),
    events.length ? logList(events, policyNames(s)) : h('p', { class: 'muted' }, t('sla.log.empty')));
    el.replaceChildren(
      h('div', { class: 'sla-panel-head' },
        h('h3', null, t('sla.panel.title')),
        s.policyName
          ? h('span', { class: 'sla-panel-policy', 'data-testid': 'sla-policy', title: s.policyName },
            s.policyName, h('span', { class: 'muted' }, ` \u00b7 ${t('sla.version', { version: s.policyVersion })}`))
          : h('span', { class: 'sla-panel-policy muted', 'data-testid': 'sla-policy' }, t('sla.panel.noPolicy'))),
      clocks.length
        ? h('ul', { class: 'sla-clocks', 'data-testid': 'sla-clocks' }, clocks.map(clockRow))
        : h('p', { class: 'muted sla-panel-empty', 'data-testid': 'sla-empty' }, t('sla.panel.noClocks')),
      log);
  }

  async function refresh() {
    const token = ++state.token;
    try {
      const status = await api.get(path);
      if (token !== state.token || state.destroyed) return;
      noteServerTime(status && status.asOf);
      state.status = status;
      state.error = null;
    } catch (error) {
      if (token !== state.token || state.destroyed) return;
      state.error = error;
    }
    draw();
    if (onStatus && state.status) onStatus(state.status);
  }

  function later(delays) {
    for (const timer of state.timers) clearTimeout(timer);
    state.timers = delays.map((ms) => setTimeout(() => { if (!state.destroyed) refresh(); }, ms));
  }

  const poll = setInterval(() => {
    if (document.visibilityState === 'visible' && el.isConnected) refresh();
  }, POLL_MS);
  const socket = chatSocket();
  const offAlert = socket ? socket.on('sla.alert', (frame) => {
    if (frame && frame.targetType === type && idKey(frame.targetId) === idKey(id)) later([300]);
  }) : null;

  refresh();

  return {
    el,
    refresh,
    /** After a change here (a reply, a new priority): the server's listener moves the clocks a moment later. */
    refreshSoon: () => later(AFTER_CHANGE_MS),
    destroy() {
      state.destroyed = true;
      state.token += 1;
      clearInterval(poll);
      for (const timer of state.timers) clearTimeout(timer);
      if (offAlert) offAlert();
      release();
    },
  };
}
