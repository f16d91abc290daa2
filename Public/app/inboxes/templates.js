// Automatic-reply templates of an inbox (greeting, queued greeting, away reply, closed
// reply): their variables, the sample values of the preview, and rendering a template
// into text nodes (never HTML). Also the short duration text shared with the live view.
import { h } from '../dom.js';
import { t, getSupported } from '../i18n.js';
import { session } from '../session.js';

/** The languages a template is written in, in tab order. */
export const LOCALES = ['zh-CN', 'zh-TW', 'en', 'ko'];
export const FALLBACK_LOCALE = 'zh-CN';
export const MAX_TEMPLATE = 1000;

/** Every variable the server fills, with its label in the interface language. */
export const VARIABLES = {
  agent_number: () => t('routing.varAgentNumber'),
  agent_name: () => t('routing.varAgentName'),
  customer_name: () => t('routing.varCustomerName'),
  shop_name: () => t('routing.varShopName'),
  inbox_name: () => t('routing.varInboxName'),
  queue_position: () => t('routing.varQueuePosition'),
  wait_minutes: () => t('routing.varWaitMinutes'),
  next_open: () => t('routing.varNextOpen'),
};

/**
 * The four templates. `vars` are the chips offered (the ones that make sense at that
 * moment); `sender` is who the preview shows as writing: the assigned agent or the bot.
 */
export const TEMPLATES = [
  {
    key: 'greeting', testid: 'rs-greeting', sender: 'agent',
    label: () => t('routing.greeting'), hint: () => t('routing.greetingHint'),
    vars: ['agent_number', 'agent_name', 'customer_name', 'shop_name', 'inbox_name'],
  },
  {
    key: 'queuedGreeting', testid: 'rs-queued', sender: 'bot',
    label: () => t('routing.queued'), hint: () => t('routing.queuedHint'),
    vars: ['queue_position', 'wait_minutes', 'customer_name', 'shop_name', 'inbox_name'],
  },
  {
    key: 'awayReply', testid: 'rs-away', sender: 'bot',
    label: () => t('routing.away'), hint: () => t('routing.awayHint'),
    vars: ['agent_number', 'agent_name', 'customer_name', 'shop_name', 'inbox_name'],
  },
  {
    key: 'closedReply', testid: 'rs-closed', sender: 'bot',
    label: () => t('routing.closed'), hint: () => t('routing.closedHint'),
    vars: ['next_open', 'customer_name', 'shop_name', 'inbox_name'],
  },
];

/** A language's own name ("English" …) from the server's list of languages, else the code. */
export function languageName(code) {
  const known = getSupported().find((l) => String(l.code).toLowerCase() === String(code).toLowerCase());
  return known && known.name ? known.name : String(code || '');
}

/** The sample values the preview fills in (agent no. 8, a sample customer, 3rd in the queue …), from the catalogue. */
export function sampleValues(inbox) {
  const account = session() && session().account;
  return {
    agent_number: '8',
    agent_name: t('routing.sampleAgentName'),
    customer_name: t('routing.sampleCustomerName'),
    shop_name: (account && account.name) || t('routing.sampleShopName'),
    inbox_name: (inbox && inbox.name) || t('routing.sampleInboxName'),
    queue_position: '3',
    wait_minutes: '5',
    next_open: t('routing.sampleNextOpen'),
  };
}

/**
 * A template as nodes: known variables become highlighted sample values, unknown ones
 * stay as typed (marked), everything else is plain text.
 */
export function renderTemplate(text, values) {
  const nodes = [];
  const pattern = /\{([A-Za-z0-9_]+)\}/g;
  let last = 0;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    if (match.index > last) nodes.push(text.slice(last, match.index));
    const name = match[1];
    if (Object.prototype.hasOwnProperty.call(values, name)) {
      nodes.push(h('span', { class: 'rs-preview-var', title: `{${name}}` }, values[name]));
    } else {
      nodes.push(h('span', { class: 'rs-preview-unknown', title: t('routing.unknownVariable') }, match[0]));
    }
    last = pattern.lastIndex;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

/** The variables of `text` the server does not know ({foo}), in order, without repeats. */
export function unknownVariables(text) {
  const out = [];
  for (const match of String(text || '').matchAll(/\{([A-Za-z0-9_]+)\}/g)) {
    if (!Object.prototype.hasOwnProperty.call(VARIABLES, match[1]) && !out.includes(match[0])) out.push(match[0]);
  }
  return out;
}

/**
 * Which text a shopper writing in `locale` gets: the locale's own, else the zh-CN one,
 * else none (the reply is off). → {text, from} with from = the locale used, or null.
 */
export function effectiveTemplate(map, locale) {
  const own = String((map && map[locale]) || '');
  if (own.trim()) return { text: own, from: locale };
  const fallback = String((map && map[FALLBACK_LOCALE]) || '');
  if (locale !== FALLBACK_LOCALE && fallback.trim()) return { text: fallback, from: FALLBACK_LOCALE };
  return { text: '', from: null };
}

/** 45 → "45s", 90 → "1m 30s", 600 → "10 min", 5400 → "1h 30m" (in the interface language). */
export function durationText(totalSeconds) {
  const total = Math.max(0, Math.floor(Number(totalSeconds) || 0));
  if (total < 60) return t('routing.durSeconds', { s: total });
  if (total < 3600) {
    const m = Math.floor(total / 60);
    const s = total % 60;
    return s ? t('routing.durMinSec', { m, s }) : t('routing.durMinutes', { m });
  }
  const hours = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return m ? t('routing.durHourMin', { h: hours, m }) : t('routing.durHours', { h: hours });
}

/** "2026-05-01T09:30" for <input type="datetime-local"> from an ISO date (local time). */
export function localInputValue(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The ISO date (whole seconds, UTC, as the API reads it) of a datetime-local value, or null. */
export function isoFromInput(value) {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Where a status line stands at `now`: 'off' (no text), 'scheduled', 'active' or 'expired'. */
export function statusLineState(line, now = new Date()) {
  if (!line || !String(line.text || '').trim()) return 'off';
  const start = line.startsAt ? new Date(line.startsAt) : null;
  const end = line.endsAt ? new Date(line.endsAt) : null;
  if (start && !Number.isNaN(start.getTime()) && now < start) return 'scheduled';
  if (end && !Number.isNaN(end.getTime()) && now >= end) return 'expired';
  return 'active';
}
