// A ticket's timeline, oldest first: private notes (yellow), public replies (sent to the
// customer in the linked conversation), the customer's words, field changes ("status: open →
// pending", the ticket created, the customer writing again) and links to conversations and
// orders. Everything is built from text nodes: user text never reaches innerHTML.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { linkify, relativeTime } from '../chat/format.js';
import {
  statusLabel, priorityLabel, urgencyLabel, typeLabel, customFieldLabel, memberName, inboxName, personLabel,
} from './shared.js';

const FIELD_LABELS = {
  status: () => t('tickets.field.status'),
  type: () => t('tickets.field.type'),
  urgency: () => t('tickets.field.urgency'),
  priority: () => t('tickets.field.priority'),
  assignee: () => t('tickets.field.assignee'),
  inbox: () => t('tickets.field.inbox'),
  tags: () => t('tickets.field.tags'),
  subject: () => t('tickets.field.subject'),
  conversation: () => t('tickets.field.conversation'),
  order: () => t('tickets.field.order'),
};

const KIND_LABELS = {
  note: () => t('tickets.entry.note'),
  reply: () => t('tickets.entry.reply'),
  customer: () => t('tickets.entry.customer'),
};

/** The field's label: a built-in field's from the catalogue, a custom field's from the settings. */
export function changeFieldLabel(field, settings) {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field]();
  if (String(field).startsWith('fields.')) return customFieldLabel(field.slice('fields.'.length), settings);
  return String(field || '');
}

/** One side of a change in words: labels for statuses and types, names for people and inboxes. */
function valueText(field, value, { settings, directory }) {
  const empty = value === null || value === undefined || value === '';
  switch (field) {
    case 'status': return empty ? '\u2014' : statusLabel(value);
    case 'type': return empty ? '\u2014' : typeLabel(value, settings);
    case 'urgency': return empty ? '\u2014' : urgencyLabel(value);
    case 'priority': return empty ? '\u2014' : priorityLabel(value);
    case 'assignee': return empty ? t('tickets.unassigned') : (memberName(value, directory) || t('tickets.change.assigned'));
    case 'inbox': return empty ? t('tickets.change.noInbox') : (inboxName(value, directory) || t('tickets.change.someInbox'));
    default: return empty ? '\u2014' : String(value);
  }
}

/** "Status  open → pending" as nodes (the new value stands out). */
function changeLine(change, ctx) {
  const hasFrom = change.from !== null && change.from !== undefined && change.from !== '';
  return h('li', { class: 'tk-change', 'data-testid': 'ticket-change', 'data-field': change.field, 'data-to': change.to ?? '' },
    h('span', { class: 'tk-change-field' }, changeFieldLabel(change.field, ctx.settings)),
    hasFrom ? h('span', { class: 'tk-change-from' }, valueText(change.field, change.from, ctx)) : null,
    hasFrom ? h('span', { class: 'tk-change-arrow', 'aria-hidden': 'true' }, '\u2192') : null,
    h('span', { class: 'tk-change-to' }, valueText(change.field, change.to, ctx)));
}

/** Who wrote an entry, as people read it. */
export function authorText(entry, directory) {
  switch (entry.authorType) {
    case 'agent': return personLabel(entry.author, directory) || t('tickets.author.agent');
    case 'visitor': return (entry.author && entry.author.name) || t('tickets.author.customer');
    case 'token': return entry.author && entry.author.name ? t('tickets.author.tokenNamed', { name: entry.author.name }) : t('tickets.author.token');
    case 'bot': return t('tickets.author.bot');
    case 'automation': return t('tickets.author.automation');
    default: return t('tickets.author.system');
  }
}

function timeNode(iso) {
  return h('time', { class: 'tk-entry-time', datetime: iso || '', title: formatDateTime(iso) }, relativeTime(iso));
}

/** The sentence of a change or link entry: "Li created the ticket", "the customer wrote again". */
function eventText(entry, who) {
  if (entry.kind === 'link') {
    const change = (entry.changes || [])[0] || {};
    return change.field === 'order'
      ? t('tickets.event.linkedOrder', { who, order: change.to || '' })
      : t('tickets.event.linkedConversation', { who });
  }
  if (entry.text === 'created') return t('tickets.event.created', { who });
  if (entry.text === 'customer_replied') return t('tickets.event.customerReplied');
  return t('tickets.event.changed', { who });
}

function eventNode(entry, ctx) {
  const who = authorText(entry, ctx.directory);
  const special = entry.text === 'created' ? 'created' : entry.text === 'customer_replied' ? 'customer-replied' : null;
  const changes = entry.kind === 'link' ? [] : (entry.changes || []);
  const link = entry.kind === 'link' ? (entry.changes || [])[0] : null;
  return h('li', {
    class: ['tk-event', `tk-event-${entry.kind}`, special && `tk-event-${special}`],
    'data-testid': special ? `ticket-entry-${special}` : 'ticket-entry', 'data-kind': entry.kind, 'data-entry-id': entry.id,
  },
  h('span', { class: 'tk-event-dot', 'aria-hidden': 'true' }),
  h('div', { class: 'tk-event-body' },
    h('div', { class: 'tk-event-head' },
      h('span', { class: 'tk-event-text' }, eventText(entry, who)),
      link && link.field === 'conversation' && link.to
        ? h('a', { href: `#/conversations/${encodeURIComponent(link.to)}`, class: 'tk-event-link' }, t('tickets.event.openConversation'))
        : null,
      timeNode(entry.createdAt)),
    changes.length ? h('ul', { class: 'tk-changes' }, changes.map((c) => changeLine(c, ctx))) : null));
}

function messageNode(entry, ctx) {
  const who = authorText(entry, ctx.directory);
  return h('li', {
    class: ['tk-entry', `tk-entry-${entry.kind}`], 'data-testid': 'ticket-entry', 'data-kind': entry.kind, 'data-entry-id': entry.id,
  },
  h('div', { class: 'tk-entry-head' },
    h('span', { class: 'tk-entry-author', 'data-testid': 'ticket-entry-author' }, who),
    h('span', { class: 'tk-entry-kind' }, KIND_LABELS[entry.kind] ? KIND_LABELS[entry.kind]() : ''),
    entry.kind === 'reply' && entry.messageId ? h('span', { class: 'tk-entry-sent', title: t('tickets.entry.sentHint') }, t('tickets.entry.sent')) : null,
    timeNode(entry.createdAt)),
  h('div', { class: 'tk-entry-text', 'data-testid': 'ticket-entry-text' }, linkify(entry.text)));
}

/** The entry as a list item: a card for words, a line for changes and links. */
export function entryNode(entry, ctx) {
  return entry.kind === 'change' || entry.kind === 'link' ? eventNode(entry, ctx) : messageNode(entry, ctx);
}

/** ctx: {settings, directory}. */
export function timelineNode(entries, ctx) {
  if (!entries || !entries.length) return h('p', { class: 'muted tk-timeline-empty' }, t('tickets.timeline.empty'));
  return h('ol', { class: 'tk-timeline', 'data-testid': 'ticket-timeline' }, entries.map((e) => entryNode(e, ctx)));
}
