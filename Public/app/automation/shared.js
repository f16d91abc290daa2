// Automation rules, shared by the automation page (views/automation.js and automation/*.js) and
// the notices they send into the workbench (automation/notice.js): the triggers, condition fields
// and operators, actions and their parameters as the API names them, their labels, the one-line
// summaries of a rule, and the values a condition or an action may take for conversations, tickets
// or both (the rule's scope, from its trigger and a "target is …" condition).
import { t, has, errorText, errorDetail } from '../i18n.js';
import { statusLabel as chatStatusLabel, priorityLabel as chatPriorityLabel, agentLabel } from '../chat/format.js';
import { statusLabel as ticketStatusLabel, priorityLabel as ticketPriorityLabel, typeLabel, sameId } from '../tickets/shared.js';
import { METRICS, metricLabel, minutesText } from '../sla/shared.js';
import { tierLabel } from '../orders/shared.js';

export { sameId, minutesText };

export const MAX_NAME = 80;
export const MAX_ACTIONS = 10;
export const MIN_MINUTES = 1;
export const MAX_MINUTES = 43200;
export const MAX_TEXT = 2000;

/** Event triggers by the kind of object they act on (sla.* on either). */
export const EVENT_GROUPS = [
  { scope: 'conversation', events: ['conversation.opened', 'message.created', 'conversation.assignee_changed', 'conversation.status_changed', 'conversation.attributes_changed'] },
  { scope: 'ticket', events: ['ticket.created', 'ticket.updated', 'ticket.commented', 'case.updated'] },
  { scope: 'both', events: ['sla.warned', 'sla.breached'] },
];
export const EVENTS = EVENT_GROUPS.flatMap((g) => g.events);
export const TIMERS = ['conversation.unanswered', 'conversation.idle', 'ticket.pending', 'ticket.unsolved'];

/** Each condition field with the operators it takes (the first is the default). */
export const FIELDS = {
  target: ['is'],
  inbox: ['in', 'not_in'],
  channel: ['in', 'not_in'],
  status: ['in', 'not_in', 'changed_to'],
  priority: ['in', 'not_in', 'changed_to'],
  tags: ['contains_any', 'contains_all', 'contains_none'],
  assignee: ['in', 'not_in', 'is_set', 'is_empty'],
  ticket_type: ['in', 'not_in'],
  customer_level: ['in', 'not_in'],
  text: ['contains_any', 'contains_none'],
  business_hours: ['is'],
  sla_metric: ['in'],
};
export const FIELD_KEYS = Object.keys(FIELDS);
/** Fields that only mean something for one kind of object. */
const FIELD_SCOPE = { ticket_type: 'ticket', sla_metric: null };

export const ACTIONS = ['assign_agent', 'assign_inbox', 'round_robin', 'set_priority', 'add_tags', 'remove_tags', 'set_status', 'close',
  'reply', 'note', 'notify', 'escalate', 'webhook'];
/** The parameters of each action (besides its type), with their empty values. */
export const ACTION_PARAMS = {
  assign_agent: { agentId: '' },
  assign_inbox: { inboxId: '' },
  round_robin: {},
  set_priority: { value: '' },
  add_tags: { tags: [] },
  remove_tags: { tags: [] },
  set_status: { value: '' },
  close: {},
  reply: { text: '' },
  note: { text: '' },
  notify: { recipients: 'assignee', text: '' },
  escalate: {},
  webhook: {},
};
export const VARIABLES = ['customer_name', 'ticket_number', 'ticket_subject', 'order_no', 'shop_name', 'agent_name'];
export const RECIPIENTS = ['assignee', 'supervisors', 'inbox'];
export const RUN_STATUSES = ['planned', 'done', 'failed', 'stopped', 'skipped'];
export const TARGET_TYPES = ['conversation', 'ticket'];

const CHAT_STATUSES = ['open', 'pending', 'snoozed', 'resolved'];
const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
const CHAT_PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'];
const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'];
/** The customer levels the shop platform gives. */
export const TIERS = ['regular', 'member', 'vip'];
/** Channels offered as suggestions (a conversation's channel, a ticket's source). */
export const CHANNELS = ['web', 'chat', 'form', 'email', 'phone', 'social', 'api'];

// ---- labels ----------------------------------------------------------------------------

function label(prefix, value) {
  const key = `${prefix}.${value}`;
  return has(key) ? t(key) : String(value ?? '');
}

export const eventLabel = (event) => label('automation.event', event);
export const timerLabel = (timer) => label('automation.timer', timer);
export const fieldLabel = (field) => label('automation.field', field);
export const opLabel = (op) => label('automation.op', op);
export const actionLabel = (type) => label('automation.action', type);
export const actionHint = (type) => (has(`automation.actionHint.${type}`) ? t(`automation.actionHint.${type}`) : '');
export const variableLabel = (name) => label('automation.variable', name);
export const recipientLabel = (r) => label('automation.recipient', r);
export const runStatusLabel = (s) => label('automation.runStatus', s);
export const resultLabel = (r) => label('automation.result', r);
export const targetTypeLabel = (type) => label('automation.targetType', type);

/** What an API error means, with the server's precise reason when it adds one. */
export function automationErrorText(error) {
  const text = errorText(error);
  const detail = errorDetail(error);
  return detail ? t('automation.error.withDetail', { text, detail }) : text;
}

/** Why a run stopped or failed ("loop_guard", "rate_limited", or the server's own text). */
export function reasonText(reason) {
  if (!reason) return '';
  const key = `automation.reason.${reason}`;
  return has(key) ? t(key) : String(reason);
}

/** A run's trigger ("message.created", "timer:conversation.unanswered") in words. */
export function runTriggerLabel(trigger) {
  const raw = String(trigger || '');
  if (raw.startsWith('timer:')) return t('automation.runs.timer', { timer: timerLabel(raw.slice(6)) });
  return eventLabel(raw);
}

// ---- scope: conversations, tickets or both ----------------------------------------------

/** 'conversation', 'ticket' or 'both' for a trigger. */
export function triggerScope(trigger) {
  if (!trigger) return 'both';
  if (trigger.kind === 'time') {
    const timer = String(trigger.timer || '');
    return timer.startsWith('ticket.') ? 'ticket' : timer.startsWith('conversation.') ? 'conversation' : 'both';
  }
  const event = String(trigger.event || '');
  if (event.startsWith('conversation.') || event.startsWith('message.')) return 'conversation';
  if (event.startsWith('ticket.') || event.startsWith('case.')) return 'ticket';
  return 'both';
}

/** The rule's scope: its trigger's, narrowed by an ALL condition "target is …". */
export function ruleScope(trigger, conditions) {
  const scope = triggerScope(trigger);
  if (scope !== 'both') return scope;
  const pinned = ((conditions && conditions.all) || []).find((c) => c.field === 'target' && c.op === 'is' && TARGET_TYPES.includes(c.value));
  return pinned ? pinned.value : 'both';
}

function union(a, b) {
  return a.concat(b.filter((x) => !a.includes(x)));
}

function pairLabel(value, chatValues, chatLabel, ticketValues, ticketLabel) {
  const inChat = chatValues.includes(value);
  const inTicket = ticketValues.includes(value);
  if (inChat && inTicket) {
    const a = chatLabel(value);
    const b = ticketLabel(value);
    return a === b ? a : t('automation.bothLabel', { conversation: a, ticket: b });
  }
  return inChat ? chatLabel(value) : ticketLabel(value);
}

/** [{value, label}] of the statuses a rule of `scope` may name. */
export function statusOptions(scope) {
  if (scope === 'conversation') return CHAT_STATUSES.map((v) => ({ value: v, label: chatStatusLabel(v) }));
  if (scope === 'ticket') return TICKET_STATUSES.map((v) => ({ value: v, label: ticketStatusLabel(v) }));
  return union(TICKET_STATUSES, CHAT_STATUSES).map((v) => ({
    value: v, label: pairLabel(v, CHAT_STATUSES, chatStatusLabel, TICKET_STATUSES, ticketStatusLabel),
  }));
}

/** [{value, label}] of the priorities a rule of `scope` may name. */
export function priorityOptions(scope) {
  if (scope === 'conversation') return CHAT_PRIORITIES.map((v) => ({ value: v, label: chatPriorityLabel(v) }));
  if (scope === 'ticket') return TICKET_PRIORITIES.map((v) => ({ value: v, label: ticketPriorityLabel(v) }));
  return union(CHAT_PRIORITIES, TICKET_PRIORITIES).map((v) => ({
    value: v, label: pairLabel(v, CHAT_PRIORITIES, chatPriorityLabel, TICKET_PRIORITIES, ticketPriorityLabel),
  }));
}

/** Whether `field` makes sense for a rule of `scope` (ticket types only for tickets). */
export function fieldFits(field, scope) {
  const only = FIELD_SCOPE[field];
  return !only || scope === 'both' || only === scope;
}

// ---- condition values ---------------------------------------------------------------------

/** 'list' (in, contains_…), 'single' (is, changed_to) or 'none' (is_set, is_empty). */
export function valueKind(op) {
  if (op === 'is_set' || op === 'is_empty') return 'none';
  if (op === 'is' || op === 'changed_to') return 'single';
  return 'list';
}

/** The value a condition starts with for `field` and `op`, keeping what fits of `previous`. */
export function defaultValue(field, op, previous = null) {
  const kind = valueKind(op);
  if (kind === 'none') return null;
  if (kind === 'list') {
    if (Array.isArray(previous)) return previous.slice();
    return previous ? [String(previous)] : [];
  }
  if (Array.isArray(previous) && previous.length) return String(previous[0]);
  if (typeof previous === 'string' && previous) return previous;
  if (field === 'target') return 'conversation';
  if (field === 'business_hours') return 'inside';
  return '';
}

/**
 * The fixed choices of a field ([{value, label}]), or null when its values are typed (tags,
 * text, channel). `ctx` = {directory, settings}; `scope` as ruleScope answers.
 */
export function fieldOptions(field, scope, ctx = {}) {
  const directory = ctx.directory || {};
  switch (field) {
    case 'target': return TARGET_TYPES.map((v) => ({ value: v, label: targetTypeLabel(v) }));
    case 'business_hours': return ['inside', 'outside'].map((v) => ({ value: v, label: label('automation.hours', v) }));
    case 'status': return statusOptions(scope);
    case 'priority': return priorityOptions(scope);
    case 'inbox': return (directory.inboxes || []).map((i) => ({ value: i.id, label: i.name, off: i.active === false }));
    case 'assignee': return (directory.agents || []).map((a) => ({ value: a.id, label: agentLabel(a), off: a.active === false }));
    case 'ticket_type': {
      const types = ctx.settings && Array.isArray(ctx.settings.types) && ctx.settings.types.length
        ? ctx.settings.types.map((x) => x.key) : ['question', 'technical', 'complaint', 'inquiry', 'after_sale'];
      return types.map((key) => ({ value: key, label: typeLabel(key, ctx.settings) }));
    }
    case 'customer_level': return TIERS.map((v) => ({ value: v, label: tierLabel(v) }));
    case 'sla_metric': return METRICS.map((v) => ({ value: v, label: metricLabel(v) }));
    default: return null;
  }
}

/** One value of `field` in words (an inbox's name, a status's label …); unknown values as given. */
export function valueLabel(field, value, scope, ctx) {
  const options = fieldOptions(field, scope === undefined ? 'both' : scope, ctx || {});
  const found = options && options.find((o) => sameId(o.value, value) || o.value === value);
  if (found) return found.label;
  if (field === 'assignee' || field === 'inbox') return t('automation.unknownRef');
  return String(value);
}

/** A condition's value (or an actual value from a test) in words. */
export function valuesText(field, value, scope, ctx) {
  if (value === null || value === undefined) return t('automation.test.none');
  const list = Array.isArray(value) ? value : [value];
  if (!list.length) return t('automation.test.emptyList');
  return list.map((v) => (field === 'text' || field === 'tags' || field === 'channel' ? String(v) : valueLabel(field, v, scope, ctx)))
    .join(t('automation.listSeparator'));
}

// ---- summaries ---------------------------------------------------------------------------

/** "Customer waiting for a reply 10 minutes" / "SLA breached", in the interface language. */
export function triggerSummary(trigger) {
  if (!trigger) return '';
  if (trigger.kind === 'time') {
    const key = `automation.timerSummary.${trigger.timer}`;
    const time = minutesText(trigger.minutes);
    return has(key) ? t(key, { time }) : `${trigger.timer} ${time}`;
  }
  return eventLabel(trigger.event);
}

export function conditionCount(rule) {
  const c = (rule && rule.conditions) || {};
  return ((c.all || []).length) + ((c.any || []).length);
}

/** The request body of a rule (what PUT takes) from a rule the API gave. */
export function bodyOf(rule, changes = {}) {
  return {
    name: rule.name,
    enabled: rule.enabled !== false,
    trigger: rule.trigger,
    conditions: { all: ((rule.conditions && rule.conditions.all) || []).slice(), any: ((rule.conditions && rule.conditions.any) || []).slice() },
    actions: (rule.actions || []).slice(),
    ...changes,
  };
}

/** Where a run's or a notice's object opens in the workbench. */
export function targetHref(type, id) {
  return type === 'ticket' ? `#/tickets/${encodeURIComponent(id)}` : `#/conversations/${encodeURIComponent(id)}`;
}

/** A short form of an id (the first 8 characters, upper case). */
export function shortId(id) {
  return String(id || '').replace(/-/g, '').slice(0, 8).toUpperCase();
}
