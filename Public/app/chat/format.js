// Formatting shared by the conversation workspace: names, times, labels, links.
// Everything here returns text or DOM nodes built with textContent, never HTML.
import { h } from '../dom.js';
import { t, getLocale } from '../i18n.js';

export const STATUSES = ['open', 'pending', 'snoozed', 'resolved'];
export const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'];
export const FILTERS = ['mine', 'unassigned', 'all'];

const STATUS_KEYS = {
  open: () => t('conversations.statusOpen'),
  pending: () => t('conversations.statusPending'),
  snoozed: () => t('conversations.statusSnoozed'),
  resolved: () => t('conversations.statusResolved'),
};
const PRIORITY_KEYS = {
  none: () => t('conversations.priorityNone'),
  low: () => t('conversations.priorityLow'),
  medium: () => t('conversations.priorityMedium'),
  high: () => t('conversations.priorityHigh'),
  urgent: () => t('conversations.priorityUrgent'),
};
const FILTER_KEYS = {
  mine: () => t('conversations.filterMine'),
  unassigned: () => t('conversations.filterUnassigned'),
  all: () => t('conversations.filterAll'),
};

export function statusLabel(status) {
  return STATUS_KEYS[status] ? STATUS_KEYS[status]() : String(status || '');
}

export function priorityLabel(priority) {
  return PRIORITY_KEYS[priority] ? PRIORITY_KEYS[priority]() : String(priority || '');
}

export function filterLabel(filter) {
  return FILTER_KEYS[filter] ? FILTER_KEYS[filter]() : String(filter || '');
}

/** "Visitor #1a2b" when the shopper left no name. */
export function anonymousName(contactId) {
  return t('conversations.chat.visitorName', { id: String(contactId || '').replace(/-/g, '').slice(0, 4).toUpperCase() });
}

export function contactName(conversationOrContact) {
  if (!conversationOrContact) return '';
  const c = conversationOrContact.contact || conversationOrContact;
  const name = c && typeof c.name === 'string' ? c.name.trim() : '';
  return name || anonymousName(c.id || conversationOrContact.contactId);
}

/** "No. 8 Mei" (shell.agentBadge) for an agent with a number, else the name. */
export function agentLabel(agent) {
  if (!agent) return '';
  const name = agent.displayName || agent.name || '';
  if (agent.agentNumber === null || agent.agentNumber === undefined) return name;
  return t('app.shell.agentBadge', { number: agent.agentNumber, name });
}

/** The first visible character of a name, for avatars. */
export function initial(name) {
  const chars = Array.from(String(name || '').trim());
  return chars.length ? chars[0].toUpperCase() : '?';
}

/** A stable soft colour for an id, so the same customer keeps the same avatar. */
export function hueFor(id) {
  let hash = 0;
  for (const ch of String(id || '')) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % 360;
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

function dateFormat(options) {
  try {
    return new Intl.DateTimeFormat(getLocale() || undefined, options);
  } catch {
    return new Intl.DateTimeFormat(undefined, options);
  }
}

/** "just now", "5 min ago", "3 h ago", "yesterday", then the date (catalogue texts). */
export function relativeTime(iso, now = new Date()) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const seconds = Math.max(0, Math.round((now - date) / 1000));
  if (seconds < 60) return t('conversations.chat.timeJustNow');
  if (seconds < 3600) return t('conversations.chat.timeMinutes', { count: Math.floor(seconds / 60) });
  if (sameDay(date, now)) return t('conversations.chat.timeHours', { count: Math.floor(seconds / 3600) });
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return t('conversations.chat.timeYesterday');
  const options = date.getFullYear() === now.getFullYear()
    ? { month: 'numeric', day: 'numeric' }
    : { year: 'numeric', month: 'numeric', day: 'numeric' };
  return dateFormat(options).format(date);
}

/** 17:30 */
export function clockTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return dateFormat({ hour: '2-digit', minute: '2-digit' }).format(date);
}

/** "today", "yesterday" or the date, for separators between days in a conversation. */
export function dayLabel(iso, now = new Date()) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  if (sameDay(date, now)) return t('conversations.chat.today');
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return t('conversations.chat.timeYesterday');
  return dateFormat({ year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' }).format(date);
}

export function dayKey(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"'\u3000-\u303f\uff01-\uff5e]+/gi;

/**
 * Message text as nodes: plain text nodes, with http(s) URLs turned into
 * <a rel="noopener noreferrer" target="_blank"> links. Never parses HTML.
 */
export function linkify(text) {
  const source = String(text || '');
  const nodes = [];
  let last = 0;
  URL_RE.lastIndex = 0;
  let match;
  while ((match = URL_RE.exec(source)) !== null) {
    let url = match[0];
    // Trailing punctuation belongs to the sentence, not the link.
    const trail = /[.,;:!?)\]}]+$/.exec(url);
    if (trail) url = url.slice(0, -trail[0].length);
    if (!url) continue;
    if (match.index > last) nodes.push(document.createTextNode(source.slice(last, match.index)));
    const link = document.createElement('a');
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = url;
    nodes.push(link);
    last = match.index + url.length;
    URL_RE.lastIndex = last;
  }
  if (last < source.length) nodes.push(document.createTextNode(source.slice(last)));
  return nodes;
}

/** A short, readable browser and system from a User-Agent string. */
export function browserName(userAgent) {
  const ua = String(userAgent || '');
  if (!ua) return '';
  const pick = [
    [/Edg\/(\d+)/, 'Edge'], [/OPR\/(\d+)/, 'Opera'], [/MicroMessenger\/(\d+)/, 'WeChat'],
    [/Firefox\/(\d+)/, 'Firefox'], [/Chrome\/(\d+)/, 'Chrome'], [/Version\/(\d+).*Safari/, 'Safari'],
  ];
  let browser = '';
  for (const [re, name] of pick) {
    const m = re.exec(ua);
    if (m) { browser = `${name} ${m[1]}`; break; }
  }
  const systems = [
    [/Windows NT/, 'Windows'], [/Android/, 'Android'], [/iPhone|iPad|iPod/, 'iOS'],
    [/Mac OS X|Macintosh/, 'macOS'], [/CrOS/, 'ChromeOS'], [/Linux/, 'Linux'],
  ];
  const system = (systems.find(([re]) => re.test(ua)) || [null, ''])[1];
  return [browser, system].filter(Boolean).join(' · ') || ua.slice(0, 60);
}

/** A random UUID, also where crypto.randomUUID is missing (plain-http deployments). */
export function newUuid() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The list preview: the server's text, with its "[image]" marker in the interface language. */
export function previewText(conversation) {
  const text = conversation && conversation.lastMessagePreview;
  if (!text) return '';
  if (text === '[image]') return t('conversations.chat.previewImage');
  return text.replace(/\s+/g, ' ');
}

export function avatar(name, id, extraClass = '') {
  return h('span', {
    class: ['avatar', extraClass], 'aria-hidden': 'true',
    style: { '--avatar-hue': String(hueFor(id)) },
  }, initial(name));
}
