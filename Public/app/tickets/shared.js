// Tickets, shared by the tickets page (views/tickets.js, tickets/list.js), one ticket's page
// (tickets/detail.js and its parts) and the tab beside a conversation (tickets/side.js):
// the labels and chips of statuses, priorities, urgency, types and sources, the shop's ticket
// settings (types, custom fields), the team as tickets name it, and error texts.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, errorDetail } from '../i18n.js';
import { user } from '../session.js';
import { agentLabel } from '../chat/format.js';

export const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const URGENCIES = ['normal', 'urgent'];
export const VIEWS = ['mine', 'unassigned', 'active', 'all'];
/** The sources an agent may pick for a ticket filed by hand (chat and api come by themselves). */
export const MANUAL_SOURCES = ['phone', 'email', 'social', 'form'];
export const BUILT_IN_TYPES = ['question', 'technical', 'complaint', 'inquiry', 'after_sale'];

const STATUS_LABELS = {
  new: () => t('tickets.status.new'),
  open: () => t('tickets.status.open'),
  pending: () => t('tickets.status.pending'),
  on_hold: () => t('tickets.status.on_hold'),
  solved: () => t('tickets.status.solved'),
  closed: () => t('tickets.status.closed'),
};

const PRIORITY_LABELS = {
  low: () => t('tickets.priority.low'),
  normal: () => t('tickets.priority.normal'),
  high: () => t('tickets.priority.high'),
  urgent: () => t('tickets.priority.urgent'),
};

const URGENCY_LABELS = {
  urgent: () => t('tickets.urgency.urgent'),
  normal: () => t('tickets.urgency.normal'),
};

const TYPE_LABELS = {
  question: () => t('tickets.type.question'),
  technical: () => t('tickets.type.technical'),
  complaint: () => t('tickets.type.complaint'),
  inquiry: () => t('tickets.type.inquiry'),
  after_sale: () => t('tickets.type.after_sale'),
};

const SOURCE_LABELS = {
  chat: () => t('tickets.source.chat'),
  form: () => t('tickets.source.form'),
  email: () => t('tickets.source.email'),
  phone: () => t('tickets.source.phone'),
  social: () => t('tickets.source.social'),
  api: () => t('tickets.source.api'),
};

const VIEW_LABELS = {
  mine: () => t('tickets.view.mine'),
  unassigned: () => t('tickets.view.unassigned'),
  active: () => t('tickets.view.active'),
  all: () => t('tickets.view.all'),
};

function label(map, key) {
  return map[key] ? map[key]() : String(key || '');
}

export const statusLabel = (status) => label(STATUS_LABELS, status);
export const priorityLabel = (priority) => label(PRIORITY_LABELS, priority);
export const urgencyLabel = (urgency) => label(URGENCY_LABELS, urgency);
export const sourceLabel = (source) => label(SOURCE_LABELS, source);
export const viewLabel = (view) => label(VIEW_LABELS, view);

/** A type's label: the shop's own wording when it has one, else the catalogue's for a built-in key. */
export function typeLabel(key, settings) {
  const found = settings && Array.isArray(settings.types) ? settings.types.find((x) => x.key === key) : null;
  if (found && found.label) return found.label;
  return label(TYPE_LABELS, key);
}

/** The shop's types as [{value, label}] (the ticket's own type kept when the shop removed it). */
export function typeOptions(settings, keep = null) {
  const keys = (settings && Array.isArray(settings.types) && settings.types.length ? settings.types.map((x) => x.key) : BUILT_IN_TYPES).slice();
  if (keep && !keys.includes(keep)) keys.push(keep);
  return keys.map((key) => ({ value: key, label: typeLabel(key, settings) }));
}

/** <span class="tk-status tk-status-pending" data-status="pending">. */
export function statusChip(status, attrs = {}) {
  return h('span', { class: ['tk-status', `tk-status-${status || 'new'}`], 'data-status': status || '', ...attrs }, statusLabel(status));
}

/** The priority with its colour (low is quiet, urgent loud). */
export function priorityMark(priority, attrs = {}) {
  return h('span', { class: ['tk-prio', `tk-prio-${priority || 'normal'}`], 'data-priority': priority || '', ...attrs }, priorityLabel(priority));
}

/** The small red mark of a ticket the customer needs answered at once. */
export function urgentMark(attrs = {}) {
  return h('span', { class: 'tk-urgent', title: t('tickets.urgency.urgentHint'), ...attrs }, t('tickets.urgency.mark'));
}

export function ticketHref(id) {
  return `#/tickets/${encodeURIComponent(id)}`;
}

/** Ids compare case-insensitively (the API writes UUIDs upper case, change entries lower case). */
export function sameId(a, b) {
  return Boolean(a) && Boolean(b) && String(a).toLowerCase() === String(b).toLowerCase();
}

export function isMe(id) {
  const me = user();
  return Boolean(me) && sameId(me.id, id);
}

/** The signed-in member works in every inbox (no agent limited to some). */
export function seesAllInboxes() {
  const me = user();
  return Boolean(me) && me.role !== 'agent';
}

// ---- the shop's ticket settings ------------------------------------------------------

let settingsPromise = null;
let settingsAt = 0;

/** GET /api/v1/ticket-settings, cached for a minute; the built-in types when it fails. */
export function loadSettings(fresh = false) {
  if (!settingsPromise || fresh || Date.now() - settingsAt > 60000) {
    settingsAt = Date.now();
    settingsPromise = api.get('/api/v1/ticket-settings').catch(() => {
      settingsPromise = null;
      return { types: BUILT_IN_TYPES.map((key) => ({ key, label: null, builtIn: true })), fields: [], autoCloseDays: null };
    });
  }
  return settingsPromise;
}

/** A custom field's label ("fields.tracking_no" → its label in the settings). */
export function customFieldLabel(key, settings) {
  const found = settings && Array.isArray(settings.fields) ? settings.fields.find((f) => f.key === key) : null;
  return found ? found.label : key;
}

// ---- the team ------------------------------------------------------------------------

/** "2 Li" for a member id, from the directory's agents; '' when unknown. */
export function memberName(id, directory) {
  if (!id) return '';
  const agent = directory && Array.isArray(directory.agents) ? directory.agents.find((a) => sameId(a.id, id)) : null;
  return agent ? agentLabel(agent) : '';
}

/** A ticket's person reference {id, name} with the member's number when known. */
export function personLabel(person, directory) {
  if (!person) return '';
  return memberName(person.id, directory) || person.name || '';
}

export function inboxName(id, directory) {
  if (!id) return '';
  const inbox = directory && Array.isArray(directory.inboxes) ? directory.inboxes.find((i) => sameId(i.id, id)) : null;
  return inbox ? inbox.name : '';
}

/** The inboxes the signed-in member may file a ticket into (an agent: their own). */
export function myInboxes(directory) {
  const me = user();
  const all = (directory && directory.inboxes) || [];
  if (!me) return [];
  if (seesAllInboxes()) return all.filter((i) => i.active !== false);
  const mine = (me.inboxIds || []).map((id) => String(id).toLowerCase());
  return all.filter((i) => i.active !== false && mine.includes(String(i.id).toLowerCase()));
}

/**
 * The members a ticket of `inboxId` may be assigned to: supervisors and above always, agents
 * when they work in the inbox (any agent when the ticket has none); `keep` stays listed.
 */
export function assignableMembers(directory, inboxId, keep = null) {
  const agents = (directory && directory.agents) || [];
  return agents.filter((a) => sameId(a.id, keep) || (a.active !== false && (a.role !== 'agent' || !inboxId
    || (a.inboxIds || []).some((id) => sameId(id, inboxId)))));
}

// ---- errors --------------------------------------------------------------------------

const CODE_TEXTS = {
  transition_not_allowed: () => t('tickets.error.transition'),
  no_conversation: () => t('tickets.error.noConversation'),
  ticket_closed: () => t('tickets.error.closed'),
};

/** An API error in the interface language, with the server's precise reason when it adds one. */
export function ticketErrorText(error) {
  const code = error && error.code;
  if (code && CODE_TEXTS[code]) return CODE_TEXTS[code]();
  const text = errorText(error);
  const detail = errorDetail(error);
  return detail ? t('tickets.error.withDetail', { text, detail }) : text;
}
