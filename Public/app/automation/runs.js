// The automation page's firing log: what the rules did, newest first (GET /api/v1/automation/runs,
// 50 at a time, "more" for older ones), optionally for one rule. Each run names the rule, the
// conversation or ticket it acted on (a link; the customer's name or the ticket's number when the
// latest conversations and tickets know it), the trigger, how it went (done, failed, stopped by the
// loop guard …, with the reason) and each action's result.
// API: GET /api/v1/automation/runs, GET /api/v1/conversations and /api/v1/tickets (names).
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { loadingBlock, loadError } from '../ui.js';
import { contactName } from '../chat/format.js';
import {
  RUN_STATUSES, runStatusLabel, reasonText, runTriggerLabel, actionLabel, resultLabel, targetTypeLabel, targetHref, shortId, sameId,
} from './shared.js';

const PAGE = 50;

/** rules(): the rules loaded by the page (for the filter). Returns {el, load(), setRules(), destroy()}. */
export function createRunLog({ rules }) {
  const state = { items: [], loading: false, error: null, ruleId: '', status: '', limit: PAGE, token: 0, destroyed: false, loaded: false };
  const names = new Map(); // lower-case id → what the object is called
  const ruleFilter = h('select', { 'data-testid': 'automation-runs-rule', 'aria-label': t('automation.runs.filterRule') });
  const statusFilter = h('select', { 'data-testid': 'automation-runs-status', 'aria-label': t('automation.runs.filterStatus') },
    h('option', { value: '' }, t('automation.runs.allStatuses')),
    RUN_STATUSES.map((s) => h('option', { value: s }, runStatusLabel(s))));
  const refresh = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'automation-runs-refresh', onclick: () => load() }, t('app.common.refresh'));
  const host = h('div', { class: 'auto-runs-host' }, loadingBlock());
  const more = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'automation-runs-more', hidden: true, onclick: () => { state.limit += PAGE; load(); } },
    t('automation.runs.more'));
  const el = h('div', { class: 'auto-runs', 'data-testid': 'automation-runs' },
    h('div', { class: 'auto-runs-bar' }, ruleFilter, statusFilter, refresh),
    host,
    h('div', { class: 'table-foot' }, more));

  ruleFilter.addEventListener('change', () => { state.ruleId = ruleFilter.value; state.limit = PAGE; load(); });
  statusFilter.addEventListener('change', () => { state.status = statusFilter.value; draw(); });

  function setRules() {
    const current = ruleFilter.value;
    ruleFilter.replaceChildren(h('option', { value: '' }, t('automation.runs.allRules')),
      (rules() || []).map((r) => h('option', { value: r.id, selected: sameId(r.id, current) }, r.name)));
  }

  async function loadNames() {
    // Best effort: what the latest conversations and tickets are called.
    const [chats, tickets] = await Promise.all([
      api.get(`/api/v1/conversations${query({ filter: 'all', limit: 100 })}`).catch(() => null),
      api.get(`/api/v1/tickets${query({ view: 'all', limit: 200 })}`).catch(() => null),
    ]);
    for (const c of (chats && chats.items) || []) names.set(String(c.id).toLowerCase(), contactName(c));
    for (const x of (tickets && tickets.items) || []) names.set(String(x.id).toLowerCase(), `${x.number} ${x.subject || ''}`.trim());
  }

  async function load() {
    const token = ++state.token;
    state.loading = true;
    host.setAttribute('aria-busy', 'true');
    refresh.disabled = true;
    try {
      const [data] = await Promise.all([
        api.get(`/api/v1/automation/runs${query({ ruleId: state.ruleId, limit: state.limit })}`),
        loadNames(),
      ]);
      if (token !== state.token || state.destroyed) return;
      state.items = (data && data.items) || [];
      state.error = null;
      state.loaded = true;
    } catch (error) {
      if (token !== state.token || state.destroyed) return;
      state.error = error;
    } finally {
      if (token === state.token && !state.destroyed) {
        state.loading = false;
        host.removeAttribute('aria-busy');
        refresh.disabled = false;
        draw();
      }
    }
  }

  function objectCell(run) {
    const name = names.get(String(run.targetId).toLowerCase());
    return h('a', {
      href: targetHref(run.targetType, run.targetId), class: 'auto-run-target', 'data-testid': 'automation-run-link',
      title: t('automation.runs.open', { type: targetTypeLabel(run.targetType) }),
    },
    h('span', { class: 'auto-run-type' }, targetTypeLabel(run.targetType)),
    h('span', { class: 'auto-run-name' }, name || shortId(run.targetId)));
  }

  function actionsCell(run) {
    const actions = run.actions || [];
    if (!actions.length) return h('span', { class: 'muted' }, '\u2014');
    return h('ul', { class: 'auto-run-actions' }, actions.map((a) => h('li', {
      class: ['auto-run-action', `is-${a.result}`], 'data-testid': 'automation-run-action', 'data-type': a.type, 'data-result': a.result,
      title: a.detail || '',
    },
    h('span', { class: 'auto-run-result', 'aria-label': resultLabel(a.result) }, a.result === 'ok' ? '\u2713' : a.result === 'failed' ? '\u2717' : '\u2013'),
    h('span', null, actionLabel(a.type)),
    a.result !== 'ok' ? h('span', { class: 'auto-run-result-text' }, resultLabel(a.result)) : null)));
  }

  function row(run) {
    const rule = (rules() || []).find((r) => sameId(r.id, run.ruleId));
    return h('tr', {
      class: ['auto-run', `is-${run.status}`], 'data-testid': 'automation-run', 'data-run-id': run.id, 'data-status': run.status,
      'data-rule-id': run.ruleId, 'data-target-id': run.targetId, 'data-target-type': run.targetType,
    },
    h('td', { class: 'time', 'data-testid': 'automation-run-time' }, formatDateTime(run.createdAt)),
    h('td', { class: 'auto-run-rule', 'data-testid': 'automation-run-rule' }, (rule && rule.name) || run.ruleName || shortId(run.ruleId)),
    h('td', null, objectCell(run)),
    h('td', { class: 'auto-run-trigger', 'data-testid': 'automation-run-trigger' },
      runTriggerLabel(run.trigger),
      run.depth ? h('span', { class: 'auto-run-depth', title: t('automation.runs.depthHint') }, t('automation.runs.depth', { depth: run.depth })) : null),
    h('td', { class: 'auto-run-status-cell' },
      h('span', { class: ['auto-run-status', `auto-run-status-${run.status}`], 'data-testid': 'automation-run-status' }, runStatusLabel(run.status)),
      run.reason ? h('div', { class: 'auto-run-reason', 'data-testid': 'automation-run-reason' }, reasonText(run.reason)) : null),
    h('td', null, actionsCell(run)));
  }

  function draw() {
    if (state.destroyed) return;
    if (state.error && !state.loaded) {
      host.replaceChildren(loadError(state.error, () => load()));
      more.hidden = true;
      return;
    }
    const items = state.status ? state.items.filter((r) => r.status === state.status) : state.items;
    more.hidden = state.items.length < state.limit;
    if (!items.length) {
      host.replaceChildren(h('div', { class: 'auto-empty-state', 'data-testid': 'automation-runs-empty' },
        h('p', null, t('automation.runs.empty')), h('p', { class: 'muted' }, t('automation.runs.emptyHint'))));
      return;
    }
    host.replaceChildren(h('div', { class: 'table-wrap auto-runs-wrap' },
      h('table', { class: 'table auto-runs-table' },
        h('thead', null, h('tr', null,
          h('th', null, t('automation.runs.time')),
          h('th', null, t('automation.runs.rule')),
          h('th', null, t('automation.runs.target')),
          h('th', null, t('automation.runs.trigger')),
          h('th', null, t('automation.runs.status')),
          h('th', null, t('automation.runs.actions')))),
        h('tbody', { 'data-testid': 'automation-runs-rows' }, items.map(row)))));
  }

  setRules();
  return {
    el,
    load,
    setRules,
    destroy() {
      state.destroyed = true;
    },
  };
}
