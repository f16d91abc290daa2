// Order settings: how well reminders work, per rule and per agent, as bar charts.
import { api, query } from '../../api.js';
import { h } from '../../dom.js';
import { t, errorText, formatDateTime } from '../../i18n.js';
import {
  field, showFormError, clearFormErrors, busy, toast, confirmDialog, copyText,
  pageHeader, loadingBlock, loadError,
} from '../../ui.js';
import { roleLabel } from '../../format.js';
import { STATS_DAYS, percentText, section } from './common.js';

export function createStats({ ruleNames }) {
  const state = { days: 30, token: 0 };
  const days = h('select', {
    'data-testid': 'stats-days', 'aria-label': t('orders.reminders.statsPeriod'), class: 'os-days',
    onchange: () => { state.days = Number(days.value) || 30; load(); },
  }, STATS_DAYS.map((d) => h('option', { value: String(d), selected: d === state.days }, t('orders.reminders.statsDays', { days: d }))));
  const host = h('div', { class: 'os-stats-host', 'aria-live': 'polite' }, loadingBlock());
  const el = section('os-stats', t('orders.reminders.statsTitle'), t('orders.reminders.statsHint'),
    h('div', { class: 'os-toolbar' }, days, h('span', { class: 'os-spacer' }),
      h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'stats-refresh', onclick: () => load() }, t('app.common.refresh'))),
    host);

  function bars(rows, label, testid, emptyText) {
    if (!rows.length) return h('p', { class: 'muted os-bars-empty' }, emptyText);
    const sorted = rows.slice().sort((a, b) => (Number(b.rate) || 0) - (Number(a.rate) || 0) || (Number(b.sent) || 0) - (Number(a.sent) || 0));
    return h('ul', { class: 'os-bars' }, sorted.map((row) => {
      const rate = Math.max(0, Math.min(1, Number(row.rate) || 0));
      const name = label(row);
      return h('li', { class: 'os-bar-row', 'data-testid': testid, 'data-rate': String(rate) },
        h('span', { class: 'os-bar-label', title: name }, name),
        h('span', { class: 'os-bar-track', 'aria-hidden': 'true' },
          h('span', { class: 'os-bar-fill', style: { width: `${(rate * 100).toFixed(1)}%` } })),
        h('span', { class: 'os-bar-value' },
          h('strong', null, percentText(rate)),
          h('span', { class: 'muted' }, t('orders.reminders.statsCounts', { paid: row.paid ?? 0, sent: row.sent ?? 0 })),
          row.medianMinutesToPay !== null && row.medianMinutesToPay !== undefined
            ? h('span', { class: 'muted' }, t('orders.reminders.statsMedian', { minutes: row.medianMinutesToPay })) : null));
    }));
  }

  function ruleLabel(row) {
    if (row.name) return row.name;
    if (!row.ruleId) return t('orders.reminders.statsManual');
    const known = ruleNames().find((r) => r.id === row.ruleId);
    return known ? known.name : t('orders.reminders.statsDeletedRule');
  }

  function agentLabel(row) {
    if (row.agentNumber === null || row.agentNumber === undefined) return row.name || t('orders.reminders.statsAutomatic');
    return t('app.shell.agentBadge', { number: row.agentNumber, name: row.name || '' });
  }

  async function load() {
    const token = ++state.token;
    host.setAttribute('aria-busy', 'true');
    try {
      const data = await api.get(`/api/v1/reminders/stats${query({ days: state.days })}`);
      if (token !== state.token) return;
      const total = (data && data.total) || { sent: 0, paid: 0, rate: 0 };
      host.replaceChildren(
        h('div', { class: 'os-stat-total', 'data-testid': 'stats-total' },
          h('div', { class: 'os-stat' }, h('span', { class: 'os-stat-value' }, String(total.sent ?? 0)), h('span', { class: 'os-stat-label' }, t('orders.reminders.statsSent'))),
          h('div', { class: 'os-stat' }, h('span', { class: 'os-stat-value' }, String(total.paid ?? 0)), h('span', { class: 'os-stat-label' }, t('orders.reminders.statsPaid'))),
          h('div', { class: 'os-stat os-stat-rate' }, h('span', { class: 'os-stat-value', 'data-testid': 'stats-total-rate' }, percentText(total.rate)),
            h('span', { class: 'os-stat-label' }, t('orders.reminders.statsRate')))),
        h('div', { class: 'os-stats-grid' },
          h('div', { class: 'os-stats-block', 'data-testid': 'stats-by-rule' },
            h('h3', { class: 'os-block-title' }, t('orders.reminders.statsByRule')),
            bars((data && data.byRule) || [], ruleLabel, 'stats-rule-row', t('orders.reminders.statsEmpty'))),
          h('div', { class: 'os-stats-block', 'data-testid': 'stats-by-agent' },
            h('h3', { class: 'os-block-title' }, t('orders.reminders.statsByAgent')),
            bars((data && data.byAgent) || [], agentLabel, 'stats-agent-row', t('orders.reminders.statsEmpty')))));
    } catch (error) {
      if (token !== state.token) return;
      host.replaceChildren(loadError(error, load));
    } finally {
      if (token === state.token) host.removeAttribute('aria-busy');
    }
  }

  return { el, load };
}

// ---- (d) webhooks -----------------------------------------------------------------------
