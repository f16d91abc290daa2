// Macros: the API calls and the small pieces shared by the macros page (views/macros.js,
// macros/list.js, macros/editor.js), the menu of the reply boxes (macros/menu.js) and the
// preview before applying one (macros/preview.js): the step types a macro may take, the values
// each kind of object allows, the variables, labels, who may change a macro, and a signal when
// macros change (the menus read them again).
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, has, errorText, errorDetail } from '../i18n.js';
import { user } from '../session.js';
import { hasRole } from '../routes.js';
import { statusLabel as chatStatusLabel, priorityLabel as chatPriorityLabel, agentLabel } from '../chat/format.js';
import {
  statusLabel as ticketStatusLabel, priorityLabel as ticketPriorityLabel, ticketErrorText, sameId,
} from '../tickets/shared.js';
import { actionLabel } from '../automation/shared.js';

export { sameId };

export const TARGETS = ['conversation', 'ticket'];
export const MAX_NAME = 60;
export const MAX_STEPS = 10;
/** The steps a macro may take, in the order the editor offers them. */
export const STEP_TYPES = ['reply', 'note', 'set_status', 'set_priority', 'add_tags', 'remove_tags', 'close', 'assign_agent'];
/** The text variables; agent_* is the member applying the macro. */
export const VARIABLES = ['customer_name', 'ticket_number', 'ticket_subject', 'order_no', 'shop_name', 'agent_name', 'agent_number'];

const STATUSES = {
  conversation: ['open', 'pending', 'resolved'],
  ticket: ['open', 'pending', 'on_hold', 'solved', 'closed'],
};
const PRIORITIES = {
  conversation: ['none', 'low', 'medium', 'high', 'urgent'],
  ticket: ['low', 'normal', 'high', 'urgent'],
};

// ---- labels ------------------------------------------------------------------------

export const targetLabel = (target) => (has(`macros.target.${target}`) ? t(`macros.target.${target}`) : String(target || ''));
export const stepLabel = (type) => actionLabel(type);
export const variableLabel = (name) => (has(`macros.variable.${name}`) ? t(`macros.variable.${name}`) : name);
export const stepHint = (type) => (has(`macros.stepHint.${type}`) ? t(`macros.stepHint.${type}`) : '');

export function statusLabel(target, status) {
  return target === 'ticket' ? ticketStatusLabel(status) : chatStatusLabel(status);
}

export function priorityLabel(target, priority) {
  return target === 'ticket' ? ticketPriorityLabel(priority) : chatPriorityLabel(priority);
}

/** [{value, label}] of the statuses a macro on `target` may set. */
export function statusOptions(target) {
  return (STATUSES[target] || STATUSES.conversation).map((v) => ({ value: v, label: statusLabel(target, v) }));
}

/** [{value, label}] of the priorities a macro on `target` may set. */
export function priorityOptions(target) {
  return (PRIORITIES[target] || PRIORITIES.conversation).map((v) => ({ value: v, label: priorityLabel(target, v) }));
}

/** "2 Li" for a member id, from the directory; '' when unknown. */
export function memberLabel(id, directory) {
  const agent = directory && Array.isArray(directory.agents) ? directory.agents.find((a) => sameId(a.id, id)) : null;
  return agent ? agentLabel(agent) : '';
}

/** One step in a few words: "Reply to customer", "Status: Resolved", "Add tags: refund, shipped". */
export function stepSummary(step, target, directory) {
  const name = stepLabel(step.type);
  switch (step.type) {
    case 'set_status': return t('macros.summary.value', { step: name, value: statusLabel(target, step.value) });
    case 'set_priority': return t('macros.summary.value', { step: name, value: priorityLabel(target, step.value) });
    case 'add_tags':
    case 'remove_tags': return t('macros.summary.value', { step: name, value: (step.tags || []).join(t('macros.listSeparator')) });
    case 'assign_agent': return t('macros.summary.value', { step: name, value: memberLabel(step.agentId, directory) || t('macros.unknownMember') });
    default: return name;
  }
}

/** The badge saying whose a macro is: the member's own or the team's. */
export function scopeBadge(macro) {
  const shared = Boolean(macro && macro.shared);
  return h('span', { class: ['mac-scope', shared ? 'mac-scope-shared' : 'mac-scope-mine'], 'data-testid': 'macros-scope', 'data-shared': String(shared) },
    shared ? t('macros.scope.shared') : t('macros.scope.mine'));
}

// ---- who may do what --------------------------------------------------------------------

/** Supervisors and above write shared macros; everyone writes their own. */
export function canShare() {
  return hasRole('supervisor');
}

/** Whether the signed-in member may change or delete `macro`. */
export function canEdit(macro) {
  if (!macro) return false;
  if (macro.shared) return canShare();
  const me = user();
  return Boolean(me) && (!macro.ownerId || sameId(macro.ownerId, me.id));
}

// ---- errors ---------------------------------------------------------------------------

/** An API error in the interface language (a ticket's own codes in the tickets' words). */
export function macroErrorText(error, target = null) {
  const code = error && error.code;
  if (code && has(`macros.error.${code}`)) return t(`macros.error.${code}`);
  if (target === 'ticket') return ticketErrorText(error);
  const text = errorText(error);
  const detail = errorDetail(error);
  return detail ? t('macros.error.withDetail', { text, detail }) : text;
}

// ---- API -------------------------------------------------------------------------------

export const macrosApi = {
  /** {items}: the shared macros and the caller's own, by name. */
  list: (target = null) => api.get(`/api/v1/macros${query({ target })}`),
  create: (body) => api.post('/api/v1/macros', body),
  update: (id, body) => api.put(`/api/v1/macros/${encodeURIComponent(id)}`, body),
  remove: (id) => api.del(`/api/v1/macros/${encodeURIComponent(id)}`),
  /** What it would do to the object (nothing changes). */
  preview: (id, targetId) => api.post(`/api/v1/macros/${encodeURIComponent(id)}/preview`, { targetId }),
  /** Does it, in one transaction. */
  apply: (id, targetId) => api.post(`/api/v1/macros/${encodeURIComponent(id)}/apply`, { targetId }),
};

// The menus of the reply boxes hear when macros change (created, edited, deleted, used).
const listeners = new Set();

export function onMacrosChanged(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function macrosChanged() {
  for (const fn of Array.from(listeners)) {
    try { fn(); } catch { /* one listener must not stop the others */ }
  }
}
