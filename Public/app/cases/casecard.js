// One after-sale case on the ticket page: what is asked and why, its state and the time left
// before its deadline (the shop's policy or the platform's), the order lines it concerns, the
// moves it allows (and the platform's ruling while the platform intervenes), the complaint
// procedure as a checklist with who did each step and when, and the solution sent to the
// customer with their answer. The card is rebuilt on every change; what the agent types lives
// in the panel's drafts so a redraw keeps it.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { icon } from '../icons.js';
import { relativeTime } from '../chat/format.js';
import { formatMoney, orderStatusChip } from '../orders/shared.js';
import { memberName } from '../tickets/shared.js';
import {
  STEPS, RULINGS, kindLabel, reasonLabel, moveLabel, rulingLabel, stepLabel, stepHint, stateChip, deadlineChip,
  isOpenState, answerLabel,
} from './shared.js';

const MAX_SOLUTION = 2000;
const MAX_NOTE = 500;

function whoText(id, directory) {
  return memberName(id, directory) || t('cases.someone');
}

/** "2026-11-22T10:30" in local time for <input type="datetime-local">. */
function localInputValue(iso) {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function linesNode(c, orderLines) {
  if (!c.lines || !c.lines.length) return null;
  return h('ul', { class: 'cs-lines', 'data-testid': 'case-lines' }, c.lines.map((line) => {
    const known = (orderLines || []).find((l) => l.sku === line.sku);
    return h('li', { class: 'cs-line', 'data-sku': line.sku },
      known ? h('span', { class: 'cs-line-title' }, known.title) : null,
      h('span', { class: 'mono cs-line-sku' }, line.sku),
      h('span', { class: 'cs-line-qty' }, t('cases.quantity', { count: line.quantity })));
  }));
}

function stepsNode(c, ctx, actions) {
  const steps = c.steps || {};
  const done = STEPS.filter((s) => steps[s]).length;
  return h('section', { class: 'cs-procedure', 'data-testid': 'case-steps', 'aria-label': t('cases.procedure.title') },
    h('h4', { class: 'cs-sub-title' }, t('cases.procedure.title'),
      h('span', { class: 'cs-sub-count muted' }, t('cases.procedure.count', { done, total: STEPS.length }))),
    h('ol', { class: 'cs-steps' }, STEPS.map((step, index) => {
      const record = steps[step];
      const busy = ctx.busy.has(`${c.id}:step:${step}`);
      return h('li', {
        class: ['cs-step', record && 'is-done'], 'data-testid': 'case-step', 'data-step': step, 'data-done': String(Boolean(record)),
      },
      h('span', { class: 'cs-step-mark', 'aria-hidden': 'true' }, record ? icon('check', 'icon cs-step-icon') : String(index + 1)),
      h('div', { class: 'cs-step-body' },
        h('span', { class: 'cs-step-label', title: stepHint(step) }, stepLabel(step)),
        record
          ? h('span', { class: 'cs-step-who muted', 'data-testid': 'case-step-who' },
            t('cases.procedure.doneBy', { who: whoText(record.by, ctx.directory) }))
          : h('span', { class: 'cs-step-hint muted' }, stepHint(step))),
      !record && !ctx.readOnly ? h('button', {
        type: 'button', class: 'btn btn-small cs-step-do', 'data-testid': 'case-step-do', disabled: busy,
        onclick: () => actions.onStep(c, step),
      }, t('cases.procedure.markDone')) : null,
      record ? h('time', { class: 'cs-step-time muted', datetime: record.at, title: formatDateTime(record.at) }, relativeTime(record.at)) : null);
    })));
}

function answerNode(c) {
  if (!c.solution) return null;
  if (c.customerAnswer) {
    return h('div', { class: ['cs-answer', `cs-answer-${c.customerAnswer}`], 'data-testid': 'case-answer', 'data-answer': c.customerAnswer },
      icon(c.customerAnswer === 'accepted' ? 'check' : 'close', 'icon cs-answer-icon'),
      h('span', null, answerLabel(c.customerAnswer)),
      c.customerAnsweredAt ? h('time', { class: 'muted', datetime: c.customerAnsweredAt, title: formatDateTime(c.customerAnsweredAt) },
        relativeTime(c.customerAnsweredAt)) : null);
  }
  return h('div', { class: 'cs-answer cs-answer-waiting', 'data-testid': 'case-answer', 'data-answer': '' },
    h('span', { class: 'cs-answer-dot', 'aria-hidden': 'true' }), h('span', null, t('cases.answer.waiting')));
}

function solutionNode(c, ctx, actions) {
  const open = isOpenState(c.state);
  const draft = ctx.drafts.get(c.id) || '';
  const composing = ctx.composing.has(c.id) || (!c.solution && open);
  const busy = ctx.busy.has(`${c.id}:solution`);
  const input = h('textarea', {
    class: 'cs-solution-input', 'data-testid': 'case-solution-input', rows: '2', maxlength: String(MAX_SOLUTION),
    placeholder: t('cases.solution.placeholder'), 'aria-label': t('cases.solution.title'), disabled: busy,
    oninput: (event) => ctx.drafts.set(c.id, event.target.value),
  });
  input.value = draft;
  const send = () => {
    const text = input.value.trim();
    if (!text) { input.focus(); return; }
    actions.onSolution(c, text);
  };
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing) { event.preventDefault(); send(); }
  });
  return h('section', { class: 'cs-solution', 'data-testid': 'case-solution', 'aria-label': t('cases.solution.title') },
    h('h4', { class: 'cs-sub-title' }, t('cases.solution.title')),
    c.solution ? h('div', { class: 'cs-solution-sent' },
      h('div', { class: 'cs-solution-text', 'data-testid': 'case-solution-text' }, c.solution),
      answerNode(c)) : h('p', { class: 'muted cs-solution-none' }, t('cases.solution.none')),
    open && !ctx.readOnly && composing ? h('div', { class: 'cs-solution-form' },
      input,
      h('div', { class: 'cs-solution-bar' },
        h('span', { class: 'cs-solution-hint muted' }, ctx.hasConversation ? t('cases.solution.hint') : t('cases.solution.noConversation')),
        c.solution ? h('button', {
          type: 'button', class: 'btn btn-small btn-ghost', onclick: () => actions.onCompose(c, false),
        }, t('app.common.cancel')) : null,
        h('button', {
          type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'case-solution-send', disabled: busy, onclick: send,
        }, c.solution ? t('cases.solution.resend') : t('cases.solution.send'))))
      : null,
    open && !ctx.readOnly && !composing ? h('button', {
      type: 'button', class: 'link-btn cs-solution-new', 'data-testid': 'case-solution-new', onclick: () => actions.onCompose(c, true),
    }, t('cases.solution.new')) : null);
}

function actionsNode(c, ctx, actions) {
  if (ctx.readOnly || !(c.nextStates || []).length) return null;
  const busy = ctx.busy.has(`${c.id}:move`);
  const intervening = c.state === 'platform_intervention';
  // While the platform intervenes, its ruling decides between agreed and refused.
  const moves = (c.nextStates || []).filter((s) => !(intervening && (s === 'agreed' || s === 'refused')));
  const note = h('input', {
    type: 'text', class: 'cs-note', 'data-testid': 'case-note', maxlength: String(MAX_NOTE), value: ctx.notes.get(c.id) || '',
    placeholder: t('cases.move.notePlaceholder'), 'aria-label': t('cases.move.note'), disabled: busy,
    oninput: (event) => ctx.notes.set(c.id, event.target.value),
  });
  const danger = (s) => s === 'refused' || s === 'closed' || s === 'platform_intervention';
  const editingDue = ctx.dueEditing.has(c.id);
  const dueInput = h('input', {
    type: 'datetime-local', class: 'cs-due-input', 'data-testid': 'case-due-input', 'aria-label': t('cases.due.label'),
    value: localInputValue(ctx.dueDrafts.get(c.id) || (c.deadline && c.deadline.dueAt)),
    oninput: (event) => ctx.dueDrafts.set(c.id, event.target.value),
  });
  return h('footer', { class: 'cs-actions' },
    intervening ? h('div', { class: 'cs-ruling', 'data-testid': 'case-ruling-actions' },
      h('span', { class: 'cs-actions-label' }, t('cases.ruling.label')),
      RULINGS.map((ruling) => h('button', {
        type: 'button', class: ['btn', 'btn-small', ruling === 'buyer_supported' ? 'btn-primary' : 'btn-danger-ghost'],
        'data-testid': 'case-ruling', 'data-ruling': ruling, disabled: busy, onclick: () => actions.onMove(c, { ruling }),
      }, rulingLabel(ruling)))) : null,
    h('div', { class: 'cs-moves' },
      h('span', { class: 'cs-actions-label' }, t('cases.move.label')),
      moves.map((s) => h('button', {
        type: 'button', class: ['btn', 'btn-small', danger(s) ? 'btn-danger-ghost' : s === moves[0] ? 'btn-primary' : null],
        'data-testid': 'case-move', 'data-state': s, disabled: busy, onclick: () => actions.onMove(c, { state: s }),
      }, moveLabel(s))),
      note,
      editingDue
        ? h('span', { class: 'cs-due-edit' }, dueInput,
          h('button', {
            type: 'button', class: 'btn btn-small', 'data-testid': 'case-due-save', disabled: busy,
            onclick: () => { if (dueInput.value) actions.onDue(c, new Date(dueInput.value).toISOString()); },
          }, t('app.common.save')),
          h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => actions.onDueEdit(c, false) }, t('app.common.cancel')))
        : h('button', {
          type: 'button', class: 'link-btn cs-due-btn', 'data-testid': 'case-due-edit', title: t('cases.due.hint'),
          onclick: () => actions.onDueEdit(c, true),
        }, t('cases.due.set'))));
}

/**
 * c: the Case; ctx: {fetchedAt, directory, readOnly, hasConversation, busy:Set, drafts:Map,
 * notes:Map, composing:Set, dueEditing:Set, dueDrafts:Map, orderLines(externalId) → lines|null};
 * actions: {onMove(c, body), onStep(c, step), onSolution(c, text), onCompose(c, on), onDue(c, iso), onDueEdit(c, on)}.
 */
export function caseCard(c, ctx, actions) {
  const order = c.order;
  const orderLines = order ? ctx.orderLines(order.externalId) : null;
  return h('article', {
    class: ['cs-case', !isOpenState(c.state) && 'is-finished'],
    'data-testid': 'case', 'data-case-id': c.id, 'data-state': c.state, 'data-kind': c.kind,
  },
  h('header', { class: 'cs-case-head' },
    h('span', { class: 'cs-case-kind', 'data-testid': 'case-kind' }, kindLabel(c.kind)),
    h('span', { class: 'cs-case-reason', 'data-testid': 'case-reason' }, reasonLabel(c.reason)),
    stateChip(c.state, { 'data-testid': 'case-state' }),
    c.ruling ? h('span', { class: 'cs-case-ruling', 'data-testid': 'case-ruling-shown' }, t('cases.ruling.shown', { ruling: rulingLabel(c.ruling) })) : null,
    deadlineChip(c.deadline, ctx.fetchedAt, { 'data-testid': 'case-deadline' }),
    h('span', { class: 'cs-case-head-right' },
      c.externalId ? h('span', { class: 'cs-case-ext muted', title: t('cases.externalId') }, t('cases.externalIdShort', { id: c.externalId })) : null,
      h('time', { class: 'muted cs-case-time', datetime: c.createdAt, title: formatDateTime(c.createdAt) },
        t('cases.openedAt', { time: relativeTime(c.createdAt) })))),
  order || c.description || (c.lines && c.lines.length) ? h('div', { class: 'cs-case-facts' },
    order ? h('div', { class: 'cs-case-order', 'data-testid': 'case-order', 'data-order-id': order.externalId },
      h('span', { class: 'cs-fact-label' }, t('cases.field.order')),
      h('span', { class: 'mono cs-order-number' }, order.number || order.externalId),
      orderStatusChip(order.status),
      h('span', { class: 'cs-order-total' }, formatMoney(order.total, order.currency))) : null,
    linesNode(c, orderLines),
    c.description ? h('p', { class: 'cs-case-description', 'data-testid': 'case-description' }, c.description) : null) : null,
  h('div', { class: 'cs-case-body' },
    stepsNode(c, ctx, actions),
    solutionNode(c, ctx, actions)),
  actionsNode(c, ctx, actions));
}
