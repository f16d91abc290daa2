// SLA, shared by the SLA page (views/sla.js and sla/*.js), the lists (tickets/list.js,
// chat/list.js) and a ticket's page (sla/panel.js): the metrics, states and log entries in
// words, target times, and countdowns to a due time that tick every second in place.
//
// A countdown is <span class="sla-count" data-sla-due-at="ISO">: one timer for the whole page
// rewrites every such element each second (mm:ss under an hour, h:mm:ss under a day, days and
// hours beyond; negative and marked .is-late once due). When one passes its due time it sends a
// bubbling 'sla:due' event, so the part holding it can ask the server again (breachedAt, the log).
// The server's clock is the reference: noteServerTime(asOf) keeps the offset to this browser's.
import { h } from '../dom.js';
import { t, formatDateTime, errorText, errorDetail } from '../i18n.js';
import { durationText } from '../inboxes/templates.js';

export const METRICS = ['first_reply', 'next_reply', 'periodic_update', 'requester_wait', 'agent_work', 'resolution'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const TARGET_TYPES = ['ticket', 'conversation'];
/** A running clock due within this many minutes looks urgent (amber) before it is late. */
export const SOON_MINUTES = 30;

const METRIC_LABELS = {
  first_reply: () => t('sla.metric.first_reply'),
  next_reply: () => t('sla.metric.next_reply'),
  periodic_update: () => t('sla.metric.periodic_update'),
  requester_wait: () => t('sla.metric.requester_wait'),
  agent_work: () => t('sla.metric.agent_work'),
  resolution: () => t('sla.metric.resolution'),
};

const METRIC_HINTS = {
  first_reply: () => t('sla.metricHint.first_reply'),
  next_reply: () => t('sla.metricHint.next_reply'),
  periodic_update: () => t('sla.metricHint.periodic_update'),
  requester_wait: () => t('sla.metricHint.requester_wait'),
  agent_work: () => t('sla.metricHint.agent_work'),
  resolution: () => t('sla.metricHint.resolution'),
};

const PRIORITY_LABELS = {
  low: () => t('sla.priority.low'),
  normal: () => t('sla.priority.normal'),
  high: () => t('sla.priority.high'),
  urgent: () => t('sla.priority.urgent'),
};

const STATE_LABELS = {
  running: () => t('sla.state.running'),
  paused: () => t('sla.state.paused'),
  fulfilled: () => t('sla.state.fulfilled'),
  cancelled: () => t('sla.state.cancelled'),
};

const EVENT_LABELS = {
  policy_applied: () => t('sla.event.policy_applied'),
  activated: () => t('sla.event.activated'),
  paused: () => t('sla.event.paused'),
  resumed: () => t('sla.event.resumed'),
  fulfilled: () => t('sla.event.fulfilled'),
  warned: () => t('sla.event.warned'),
  breached: () => t('sla.event.breached'),
  cancelled: () => t('sla.event.cancelled'),
};

const TARGET_TYPE_LABELS = {
  ticket: () => t('sla.targetType.ticket'),
  conversation: () => t('sla.targetType.conversation'),
};

function label(map, key) {
  return map[key] ? map[key]() : String(key || '');
}

export const metricLabel = (metric) => label(METRIC_LABELS, metric);
export const metricHint = (metric) => label(METRIC_HINTS, metric);
export const priorityLabel = (priority) => label(PRIORITY_LABELS, priority);
export const stateLabel = (state) => label(STATE_LABELS, state);
export const eventLabel = (kind) => label(EVENT_LABELS, kind);
export const targetTypeLabel = (type) => label(TARGET_TYPE_LABELS, type);

/** "1 minute", "10 hours", "1 hour 30 minutes" for a target in minutes. */
export function minutesText(minutes) {
  const n = Math.max(0, Math.floor(Number(minutes) || 0));
  if (n >= 1440 && n % 1440 === 0) return t('sla.days', { days: n / 1440 });
  return durationText(n * 60);
}

/** Ids compare case-insensitively (the API writes UUIDs upper case). */
export function idKey(id) {
  return String(id || '').toLowerCase();
}

/** Where a ticket or a conversation opens in the workbench. */
export function targetHref(type, id) {
  return type === 'conversation' ? `#/conversations/${encodeURIComponent(id)}` : `#/tickets/${encodeURIComponent(id)}`;
}

/** An API error in the interface language, with the server's precise reason when it adds one. */
export function slaErrorText(error) {
  const text = errorText(error);
  const detail = errorDetail(error);
  return detail ? t('sla.error.withDetail', { text, detail }) : text;
}

// ---- countdowns -----------------------------------------------------------------------------

let serverOffset = 0; // server clock minus this browser's, in ms
let ticker = null;
let watchers = 0;

/** Notes the server's time of an answer (asOf) received at `receivedAt` (this browser's clock). */
export function noteServerTime(asOf, receivedAt = Date.now()) {
  const server = Date.parse(asOf || '');
  if (!Number.isNaN(server)) serverOffset = server - receivedAt;
}

/** Now, on the server's clock. */
export function serverNow() {
  return Date.now() + serverOffset;
}

const pad = (n) => String(n).padStart(2, '0');

/** "04:59", "-02:15", "9:59:30", "2d 3h" (days and hours in the interface language). */
export function countdownText(ms) {
  const late = ms < 0;
  // Late by 0.2 s already reads -00:01; ahead by 0.8 s still reads 00:00.
  const total = late ? Math.ceil(-ms / 1000) : Math.floor(ms / 1000);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  let text;
  if (days) text = t('sla.countdown.days', { days, hours });
  else if (hours) text = `${hours}:${pad(minutes)}:${pad(seconds)}`;
  else text = `${pad(minutes)}:${pad(seconds)}`;
  return late ? `-${text}` : text;
}

function updateCountdown(el, now) {
  const due = Date.parse(el.dataset.slaDueAt || '');
  if (Number.isNaN(due)) return;
  const ms = due - now;
  const late = ms < 0;
  const text = countdownText(ms);
  if (el.textContent !== text) el.textContent = text;
  const wasLate = el.classList.contains('is-late');
  el.classList.toggle('is-late', late);
  el.classList.toggle('is-soon', !late && ms <= SOON_MINUTES * 60000);
  el.dataset.late = String(late);
  if (late && !wasLate && el.dataset.ticked === 'true') {
    el.dispatchEvent(new CustomEvent('sla:due', { bubbles: true }));
  }
  el.dataset.ticked = 'true';
}

function tickAll() {
  if (document.visibilityState === 'hidden') return;
  const now = serverNow();
  for (const el of document.querySelectorAll('.sla-count[data-sla-due-at]')) updateCountdown(el, now);
}

/** Keeps countdowns ticking while at least one caller needs them; returns the function that lets go. */
export function watchCountdowns() {
  watchers += 1;
  if (!ticker) ticker = setInterval(tickAll, 1000);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    watchers -= 1;
    if (watchers <= 0 && ticker) {
      clearInterval(ticker);
      ticker = null;
      watchers = 0;
    }
  };
}

/** A countdown to `dueAt` (ISO), drawn at once and then kept current by the page's timer. */
export function countdown(dueAt, attrs = {}) {
  const el = h('span', {
    ...attrs, class: ['sla-count', attrs.class], 'data-sla-due-at': dueAt,
    title: attrs.title || t('sla.dueAt', { time: formatDateTime(dueAt) }),
  });
  updateCountdown(el, serverNow());
  return el;
}

/**
 * The small badge of a list row: the next due time of a ticket or conversation
 * (item = {metric, dueAt, breached, state} from GET /api/v1/sla/due), or null.
 * `withMetric` adds the metric's name under the countdown (the tickets table).
 */
export function dueBadge(item, { withMetric = false } = {}) {
  if (!item) return null;
  const metric = metricLabel(item.metric);
  const paused = item.state === 'paused' || !item.dueAt;
  const attrs = {
    class: ['sla-due', paused && 'is-paused', item.breached && 'is-breached', withMetric && 'sla-due-block'],
    'data-testid': 'sla-due', 'data-state': item.state, 'data-metric': item.metric, 'data-breached': String(Boolean(item.breached)),
  };
  if (paused) {
    return h('span', { ...attrs, title: t('sla.due.pausedTitle', { metric }) },
      h('span', { class: 'sla-due-time' }, t('sla.due.paused')),
      withMetric ? h('span', { class: 'sla-due-metric' }, metric) : null);
  }
  return h('span', { ...attrs, title: t('sla.due.title', { metric, time: formatDateTime(item.dueAt) }) },
    countdown(item.dueAt, { class: 'sla-due-time', title: t('sla.due.title', { metric, time: formatDateTime(item.dueAt) }) }),
    withMetric ? h('span', { class: 'sla-due-metric' }, metric) : null);
}
