// A ticket's timeline, oldest first: private notes (yellow), public replies (sent to the
// customer in the linked conversation), the customer's words, field changes ("status: open →
// pending", the ticket created, the customer writing again), links to conversations and
// orders, and after-sales: a case opened, moved, a step of the complaint procedure, the
// solution sent and the customer's answer, compensations proposed, granted, decided and
// reversed (money in the interface language). An entry's attachments (a web form's photos)
// show as thumbnails under its text. Everything is built from text nodes: user text never
// reaches innerHTML.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { linkify, relativeTime } from '../chat/format.js';
import {
  statusLabel, priorityLabel, urgencyLabel, typeLabel, customFieldLabel, memberName, inboxName, personLabel,
} from './shared.js';
import {
  kindLabel, reasonLabel, stateLabel, rulingLabel, stepLabel, compensationKindLabel, compensationStatusLabel, moneyText,
} from '../cases/shared.js';

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
  'case.kind': () => t('cases.field.kind'),
  'case.reason': () => t('cases.field.reason'),
  'case.state': () => t('cases.field.state'),
  'case.ruling': () => t('cases.field.ruling'),
  'case.due': () => t('cases.field.due'),
  'case.solution': () => t('cases.field.solution'),
  'case.answer': () => t('cases.field.answer'),
  'compensation.status': () => t('cases.compensation.field.status'),
};

// The sentence of an after-sales entry: "Mei granted a compensation".
const COMPENSATION_EVENTS = {
  granted: (who) => t('cases.event.compensation.granted', { who }),
  proposed: (who) => t('cases.event.compensation.proposed', { who }),
  approved: (who) => t('cases.event.compensation.approved', { who }),
  rejected: (who) => t('cases.event.compensation.rejected', { who }),
  reversed: (who) => t('cases.event.compensation.reversed', { who }),
};

const ANSWER_EVENTS = {
  accepted: (who) => t('cases.event.answer.accepted', { who }),
  refused: (who) => t('cases.event.answer.refused', { who }),
};

const KIND_LABELS = {
  note: () => t('tickets.entry.note'),
  reply: () => t('tickets.entry.reply'),
  customer: () => t('tickets.entry.customer'),
};

/** The field's label: a built-in field's from the catalogue, a custom field's from the settings. */
export function changeFieldLabel(field, settings) {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field]();
  if (String(field).startsWith('compensation.')) return compensationKindLabel(field.slice('compensation.'.length));
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
    case 'case.kind': return empty ? '\u2014' : kindLabel(value);
    case 'case.reason': return empty ? '\u2014' : reasonLabel(value);
    case 'case.state': return empty ? '\u2014' : stateLabel(value);
    case 'case.ruling': return empty ? '\u2014' : rulingLabel(value);
    case 'case.due': return empty ? '\u2014' : formatDateTime(value);
    case 'compensation.status': return empty ? '\u2014' : compensationStatusLabel(value);
    default:
      if (String(field).startsWith('compensation.')) return empty ? '\u2014' : moneyText(value);
      return empty ? '\u2014' : String(value);
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

/** The size of a file in the interface language: 12 kB, 1.5 MB. */
function sizeText(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n) || n < 0) return '';
  const [value, unit] = n >= 1024 * 1024 ? [n / (1024 * 1024), 'megabyte'] : [Math.max(1, Math.round(n / 1024)), 'kilobyte'];
  try {
    return new Intl.NumberFormat(undefined, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
  } catch {
    return `${value.toFixed(unit === 'megabyte' ? 1 : 0)} ${unit === 'megabyte' ? 'MB' : 'kB'}`;
  }
}

/** The pictures and files an entry carries (a web form's photos): thumbnails open full size in a new tab. */
function attachmentsNode(entry) {
  const items = Array.isArray(entry.attachments) ? entry.attachments.filter((a) => a && a.url) : [];
  if (!items.length) return null;
  return h('div', { class: 'tk-attachments', 'data-testid': 'ticket-attachments' }, items.map((a) => {
    const image = /^image\//i.test(a.contentType || '');
    const title = [a.name, sizeText(a.size)].filter(Boolean).join(' \u00b7 ');
    return image
      ? h('a', {
        href: a.url, target: '_blank', rel: 'noopener', class: 'tk-attachment tk-attachment-image', title,
        'data-testid': 'ticket-attachment', 'data-attachment-id': a.id, 'data-kind': 'image',
      }, h('img', { src: a.url, alt: a.name || '', loading: 'lazy' }))
      : h('a', {
        href: a.url, target: '_blank', rel: 'noopener', class: 'tk-attachment tk-attachment-file', title,
        'data-testid': 'ticket-attachment', 'data-attachment-id': a.id, 'data-kind': 'file',
      }, h('span', { class: 'tk-attachment-name' }, a.name || a.id || ''), h('span', { class: 'tk-attachment-size' }, sizeText(a.size)));
  }));
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
    changes.length ? h('ul', { class: 'tk-changes' }, changes.map((c) => changeLine(c, ctx))) : null,
    attachmentsNode(entry)));
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
  h('div', { class: 'tk-entry-text', 'data-testid': 'ticket-entry-text' }, linkify(entry.text)),
  attachmentsNode(entry));
}

// ---- after-sales ----

function afterSaleText(entry, who) {
  const changes = entry.changes || [];
  if (entry.kind === 'compensation') {
    return COMPENSATION_EVENTS[entry.text] ? COMPENSATION_EVENTS[entry.text](who) : t('cases.event.compensation.changed', { who });
  }
  if (entry.text === 'opened') return t('cases.event.opened', { who });
  if (String(entry.text).startsWith('step.')) return t('cases.event.step', { who, step: stepLabel(entry.text.slice('step.'.length)) });
  if (changes.some((c) => c.field === 'case.solution')) return t('cases.event.solution', { who });
  return t('cases.event.updated', { who });
}

/** A case or compensation entry: the sentence, its changes, and the solution or note it carries. */
function afterSaleNode(entry, ctx) {
  const who = authorText(entry, ctx.directory);
  const solution = (entry.changes || []).some((c) => c.field === 'case.solution');
  const words = entry.kind === 'case' && entry.text && entry.text !== 'opened' && !String(entry.text).startsWith('step.') ? entry.text : '';
  // The solution's own words are the quote below; the changes show everything else.
  const changes = (entry.changes || []).filter((c) => c.field !== 'case.solution');
  const what = entry.kind === 'compensation' || entry.text === 'opened' || String(entry.text).startsWith('step.')
    ? entry.text : solution ? 'solution' : 'updated';
  return h('li', {
    class: ['tk-event', `tk-event-${entry.kind}`, entry.kind === 'compensation' && `tk-event-compensation-${entry.text}`, solution && 'tk-event-solution'],
    'data-testid': 'ticket-entry', 'data-kind': entry.kind, 'data-what': what, 'data-entry-id': entry.id,
  },
  h('span', { class: 'tk-event-dot', 'aria-hidden': 'true' }),
  h('div', { class: 'tk-event-body' },
    h('div', { class: 'tk-event-head' },
      h('span', { class: 'tk-event-text' }, afterSaleText(entry, who)),
      solution && entry.messageId ? h('span', { class: 'tk-entry-sent', title: t('cases.event.solutionSentHint') }, t('tickets.entry.sent')) : null,
      timeNode(entry.createdAt)),
    changes.length ? h('ul', { class: 'tk-changes' }, changes.map((c) => changeLine(c, ctx))) : null,
    words ? h('div', { class: ['tk-event-quote', solution && 'is-solution'], 'data-testid': 'ticket-entry-text' }, linkify(words)) : null,
    attachmentsNode(entry)));
}

/** The customer accepted or refused the solution (in the widget). */
function answerNode(entry, ctx) {
  const change = (entry.changes || []).find((c) => c.field === 'case.answer') || {};
  const answer = change.to || entry.text;
  const who = authorText(entry, ctx.directory);
  return h('li', {
    class: ['tk-event', 'tk-event-answer', `tk-event-answer-${answer}`],
    'data-testid': 'ticket-entry-case-answer', 'data-kind': entry.kind, 'data-answer': answer, 'data-entry-id': entry.id,
  },
  h('span', { class: 'tk-event-dot', 'aria-hidden': 'true' }),
  h('div', { class: 'tk-event-body' },
    h('div', { class: 'tk-event-head' },
      h('span', { class: 'tk-event-text' }, ANSWER_EVENTS[answer] ? ANSWER_EVENTS[answer](who) : t('cases.event.answer.other', { who })),
      timeNode(entry.createdAt)),
    change.from ? h('div', { class: 'tk-event-quote' }, linkify(change.from)) : null));
}

/** The entry as a list item: a card for words, a line for changes, links and after-sales. */
export function entryNode(entry, ctx) {
  if (entry.kind === 'case' || entry.kind === 'compensation') return afterSaleNode(entry, ctx);
  if (entry.kind === 'customer' && (entry.changes || []).some((c) => c.field === 'case.answer')) return answerNode(entry, ctx);
  return entry.kind === 'change' || entry.kind === 'link' ? eventNode(entry, ctx) : messageNode(entry, ctx);
}

/** ctx: {settings, directory}. */
export function timelineNode(entries, ctx) {
  if (!entries || !entries.length) return h('p', { class: 'muted tk-timeline-empty' }, t('tickets.timeline.empty'));
  return h('ol', { class: 'tk-timeline', 'data-testid': 'ticket-timeline' }, entries.map((e) => entryNode(e, ctx)));
}
