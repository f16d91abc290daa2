// "Try it on a past conversation or ticket", in the automation rule's form: the rule as it is being
// edited (not saved) is checked against one of the latest 20 conversations or a ticket given by its
// number (T-10001, looked up with the tickets search) or its id. POST /api/v1/automation/rules/test
// changes nothing; it answers whether the rule would fire, why the trigger does or does not apply,
// each condition with ✓/✗ and the value it found, and what each action would do (the text of a
// reply, a note or a notice rendered, a short summary for the others).
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, has, formatDateTime } from '../i18n.js';
import { contactName } from '../chat/format.js';
import {
  TARGET_TYPES, targetTypeLabel, fieldLabel, opLabel, actionLabel, valuesText, automationErrorText,
} from './shared.js';
import { nextId } from './inputs.js';

const RECENT = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TEXT_ACTIONS = new Set(['reply', 'note', 'notify']);

function ruleHasConditions(rule) {
  const c = (rule && rule.conditions) || {};
  return Boolean((c.all || []).length || (c.any || []).length);
}

/**
 * body(): the rule's body as edited (or null when a client check failed); scope(); context();
 * showProblems(error): the server refused the rule (errors go beside the form's fields).
 * Returns {el, reset()}.
 */
export function createTester({ body, scope, context, showProblems }) {
  const state = { running: false, conversations: null };
  const typeSelect = h('select', { id: nextId('automation-test-type'), 'data-testid': 'automation-test-type', 'aria-label': t('automation.test.type') },
    TARGET_TYPES.map((type) => h('option', { value: type }, targetTypeLabel(type))));
  const conversationSelect = h('select', {
    id: nextId('automation-test-conversation'), 'data-testid': 'automation-test-conversation', 'aria-label': t('automation.test.conversation'),
  }, h('option', { value: '' }, t('app.common.loading')));
  const ticketInput = h('input', {
    type: 'text', id: nextId('automation-test-ticket'), 'data-testid': 'automation-test-ticket', autocomplete: 'off',
    placeholder: t('automation.test.ticketPlaceholder'), 'aria-label': t('automation.test.ticket'), hidden: true,
  });
  const runButton = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'automation-test-run', onclick: () => run() }, t('automation.test.run'));
  const error = h('div', { class: 'field-error auto-test-error', 'data-testid': 'automation-test-error', 'data-error-for': 'targetId', role: 'alert' });
  const result = h('div', { class: 'auto-test-result-host', 'aria-live': 'polite' });

  ticketInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      run();
    }
  });
  typeSelect.addEventListener('change', () => syncType());

  const el = h('section', { class: 'auto-test', 'data-testid': 'automation-test' },
    h('div', { class: 'auto-test-head' },
      h('h4', { class: 'auto-test-title' }, t('automation.test.title')),
      h('span', { class: 'auto-test-hint' }, t('automation.test.hint'))),
    h('div', { class: 'auto-test-controls' }, typeSelect, conversationSelect, ticketInput, runButton),
    error,
    result);

  function syncType() {
    const ticket = typeSelect.value === 'ticket';
    conversationSelect.hidden = ticket;
    ticketInput.hidden = !ticket;
    if (!ticket) loadConversations();
  }

  /** The latest conversations, loaded once per form. */
  async function loadConversations() {
    if (state.conversations || state.loadingConversations) return;
    state.loadingConversations = true;
    try {
      const data = await api.get(`/api/v1/conversations${query({ filter: 'all', limit: RECENT })}`);
      state.conversations = ((data && data.items) || []).slice(0, RECENT);
    } catch {
      conversationSelect.replaceChildren(h('option', { value: '' }, t('automation.test.loadFailed')));
      return;
    } finally {
      state.loadingConversations = false;
    }
    conversationSelect.replaceChildren(...(state.conversations.length
      ? state.conversations.map((c) => h('option', { value: c.id, 'data-testid': 'automation-test-conversation-option' },
        conversationText(c)))
      : [h('option', { value: '' }, t('automation.test.noConversations'))]));
  }

  function conversationText(c) {
    const when = c.lastMessageAt || c.createdAt;
    const preview = String(c.lastMessagePreview || '').slice(0, 24);
    return [contactName(c), preview, when ? formatDateTime(when) : ''].filter(Boolean).join(' \u00b7 ');
  }

  /** The ticket's id from what was typed: an id as it is, else the ticket whose number it is. */
  async function ticketId(raw) {
    const text = raw.trim();
    if (!text) throw new Error(t('automation.test.ticketMissing'));
    if (UUID.test(text)) return text;
    const page = await api.get(`/api/v1/tickets${query({ view: 'all', q: text, limit: 20 })}`);
    const items = (page && page.items) || [];
    const found = items.find((x) => String(x.number).toLowerCase() === text.toLowerCase());
    if (!found) throw new Error(t('automation.test.ticketNotFound', { number: text }));
    return found.id;
  }

  async function run() {
    if (state.running) return;
    error.textContent = '';
    const rule = body();
    if (!rule) return;
    state.running = true;
    runButton.disabled = true;
    result.setAttribute('aria-busy', 'true');
    const targetType = typeSelect.value;
    try {
      const targetId = targetType === 'ticket' ? await ticketId(ticketInput.value) : conversationSelect.value;
      if (!targetId) throw new Error(t('automation.test.conversationMissing'));
      const answer = await api.post('/api/v1/automation/rules/test', { rule, targetType, targetId });
      draw(answer, rule);
    } catch (failure) {
      result.replaceChildren();
      if (failure && failure.status !== undefined) {
        const field = String(failure.field || '');
        if (field === 'targetId' || field === 'targetType') error.textContent = automationErrorText(failure);
        else {
          error.textContent = t('automation.test.refused');
          showProblems(failure);
        }
      } else {
        error.textContent = failure && failure.message ? failure.message : t('app.error.unknown');
      }
    } finally {
      state.running = false;
      runButton.disabled = false;
      result.removeAttribute('aria-busy');
    }
  }

  function triggerNote(trigger) {
    const reason = (trigger && trigger.reason) || '';
    const key = `automation.test.reason.${reason}`;
    return has(key) ? t(key) : String(reason);
  }

  /** What an action would do: the rendered text, a summary in words ("priority=high" → the priority's label), else as the server put it. */
  function detailNode(a, s, ctx) {
    const attrs = { class: 'auto-test-detail', 'data-testid': 'automation-test-detail', 'data-detail': a.detail };
    if (TEXT_ACTIONS.has(a.type)) return h('q', attrs, a.detail);
    const m = /^(agent|inbox|priority|status|tags)=(.*)$/s.exec(String(a.detail));
    if (!m) return h('code', attrs, a.detail);
    const field = { agent: 'assignee', inbox: 'inbox', priority: 'priority', status: 'status', tags: 'tags' }[m[1]];
    const values = m[1] === 'tags' ? m[2].split(',').filter(Boolean) : [m[2]];
    return h('strong', attrs, valuesText(field, values, s, ctx));
  }

  function draw(answer, rule) {
    const s = scope();
    const ctx = context();
    const matched = Boolean(answer && answer.matched);
    const trigger = (answer && answer.trigger) || {};
    const conditions = (answer && answer.conditions) || [];
    const actions = (answer && answer.actions) || [];
    result.replaceChildren(h('div', {
      class: ['auto-test-result', matched ? 'is-matched' : 'is-unmatched'], 'data-testid': 'automation-test-result', 'data-matched': String(matched),
    },
    h('div', { class: 'auto-test-verdict', 'data-testid': 'automation-test-verdict' },
      h('span', { class: 'auto-test-verdict-mark', 'aria-hidden': 'true' }, matched ? '\u2713' : '\u2715'),
      h('strong', null, matched ? t('automation.test.matched') : t('automation.test.unmatched'))),
    h('p', {
      class: ['auto-test-trigger', trigger.applies ? 'is-ok' : 'is-off'], 'data-testid': 'automation-test-trigger',
      'data-applies': String(Boolean(trigger.applies)), 'data-reason': trigger.reason || '',
    }, h('span', { class: 'auto-test-label' }, t('automation.test.trigger')), triggerNote(trigger),
    trigger.dueAt ? h('span', { class: 'auto-test-due', 'data-testid': 'automation-test-due' }, t('automation.test.dueAt', { time: formatDateTime(trigger.dueAt) })) : null),
    h('div', { class: 'auto-test-block' },
      h('h5', null, t('automation.test.conditions')),
      conditions.length
        ? h('ul', { class: 'auto-test-list' }, conditions.map((c) => h('li', {
          class: ['auto-test-cond', c.passed ? 'is-passed' : 'is-failed'], 'data-testid': 'automation-test-condition',
          'data-group': c.group, 'data-index': String(c.index), 'data-field': c.field, 'data-passed': String(Boolean(c.passed)),
        },
        h('span', { class: 'auto-test-mark', 'data-testid': 'automation-test-mark', 'aria-label': c.passed ? t('automation.test.passed') : t('automation.test.failed') },
          c.passed ? '\u2713' : '\u2717'),
        h('span', { class: 'auto-test-group' }, t(`automation.test.group.${c.group}`)),
        h('span', { class: 'auto-test-what' },
          `${fieldLabel(c.field)} ${opLabel(c.op)} `,
          c.value === null || c.value === undefined ? null : h('strong', null, valuesText(c.field, c.value, s, ctx))),
        h('span', { class: 'auto-test-actual', 'data-testid': 'automation-test-actual' },
          t('automation.test.actual', { value: valuesText(c.field, c.actual, s, ctx) })))))
        : h('p', { class: 'muted auto-test-none', 'data-testid': 'automation-test-no-conditions' }, ruleHasConditions(rule) && !trigger.applies
          ? t('automation.test.notChecked') : t('automation.test.noConditions'))),
    h('div', { class: 'auto-test-block' },
      h('h5', null, matched ? t('automation.test.actions') : t('automation.test.actionsIf')),
      actions.length
        ? h('ol', { class: 'auto-test-list auto-test-actions' }, actions.map((a) => h('li', {
          class: 'auto-test-action', 'data-testid': 'automation-test-action', 'data-type': a.type,
        },
        h('span', { class: 'auto-test-action-type' }, actionLabel(a.type)),
        a.detail ? detailNode(a, s, ctx) : null)))
        : h('p', { class: 'muted auto-test-none' }, t('automation.test.noActions')))));
    // Keep what was tested beside the verdict, for the rule may change after.
    result.dataset.ruleName = (rule && rule.name) || '';
  }

  syncType();
  return {
    el,
    /** Picks the kind of object the rule acts on (both: conversations). */
    reset() {
      const s = scope();
      typeSelect.value = s === 'ticket' ? 'ticket' : 'conversation';
      syncType();
    },
    setType(type) {
      if (TARGET_TYPES.includes(type) && !state.running) {
        typeSelect.value = type;
        syncType();
      }
    },
  };
}
