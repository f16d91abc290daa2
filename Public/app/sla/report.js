// The SLA report of the SLA page (supervisors): how well promised times were kept over the last
// 7, 30 or 90 days, for tickets, chats or both. The clocks started in the period count by
// outcome: met on time, met late, breached and still open, open and on time, cancelled.
// Achievement = met on time ÷ (met on time + met late + breached), "—" while none is decided.
// Shown as the headline (achievement and counts), a chart of the days (a stacked column per day,
// its achievement above it; a day without clocks stays empty), and a table per metric and per
// policy. Days are cut in this browser's time zone (Asia/Shanghai when it has none).
// API: GET /api/v1/sla/report?days=7|30|90&type=ticket|conversation&timeZone=Area/City.
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, getLocale } from '../i18n.js';
import { loadingBlock, loadError } from '../ui.js';
import { DEFAULT_TIME_ZONE } from '../inboxes/hours.js';
import { METRICS, metricLabel, metricHint } from './shared.js';

export const REPORT_DAYS = [7, 30, 90];
const TYPES = ['', 'ticket', 'conversation'];
/** The outcomes as the chart stacks them, bottom up, and as the tables list them. */
const SERIES = ['metOnTime', 'metLate', 'breachedOpen', 'openOnTime'];
const COLUMNS = ['metOnTime', 'metLate', 'breachedOpen', 'openOnTime', 'cancelled', 'clocks'];

const COUNT_LABELS = {
  metOnTime: () => t('sla.report.metOnTime'),
  metLate: () => t('sla.report.metLate'),
  breachedOpen: () => t('sla.report.breachedOpen'),
  openOnTime: () => t('sla.report.openOnTime'),
  cancelled: () => t('sla.report.cancelled'),
  clocks: () => t('sla.report.clocks'),
};
const TYPE_LABELS = {
  '': () => t('sla.report.typeAll'),
  ticket: () => t('sla.targetType.ticket'),
  conversation: () => t('sla.targetType.conversation'),
};

const countLabel = (key) => COUNT_LABELS[key]();

/** "87.5%", or "—" when nothing is decided (achievement absent or null). */
export function achievementText(value) {
  const n = Number(value);
  if (value === null || value === undefined || !Number.isFinite(n)) return '\u2014';
  return `${Math.round(n * 1000) / 10}%`;
}

/** good / fair / poor, for the colour of an achievement; null when there is none. */
function grade(value) {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return null;
  const n = Number(value);
  if (n >= 0.9) return 'good';
  if (n >= 0.7) return 'fair';
  return 'poor';
}

function num(counts, key) {
  return Math.max(0, Number(counts && counts[key]) || 0);
}

/** This browser's IANA zone (the days of the report are cut there). */
function browserZone() {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(zone)) return zone;
  } catch {
    // an engine without time zones
  }
  return DEFAULT_TIME_ZONE;
}

/** "12/7" (month and day in the interface language) for "2026-12-07". */
function dayLabel(day, style = 'short') {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  const options = style === 'long'
    ? { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', timeZone: 'UTC' }
    : { month: 'numeric', day: 'numeric', timeZone: 'UTC' };
  try {
    return new Intl.DateTimeFormat(getLocale() || undefined, options).format(date);
  } catch {
    return day;
  }
}

/** The chart's top line: at least `n`, with a whole number halfway (2, 4, 6, 8, 10, 20, 40 …). */
function niceMax(n) {
  if (n <= 4) return Math.max(n, 1) <= 2 ? 2 : 4;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 4, 6, 8, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}

/** A segmented choice (radio buttons drawn as one bar). */
function segmented({ name, label, options, value, onChange, testid }) {
  const group = h('div', { class: 'sla-seg', role: 'radiogroup', 'aria-label': label, 'data-testid': testid });
  function draw(current) {
    group.replaceChildren(...options.map((o) => h('button', {
      type: 'button', role: 'radio', class: 'sla-seg-btn', 'aria-checked': String(o.value === current),
      'data-testid': `${testid}-option`, 'data-value': o.value, tabindex: o.value === current ? '0' : '-1',
      onclick: () => { if (o.value !== current) { draw(o.value); onChange(o.value); } },
      onkeydown: (event) => {
        const index = options.findIndex((x) => x.value === current);
        let next = null;
        if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = options[(index + 1) % options.length];
        if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') next = options[(index + options.length - 1) % options.length];
        if (!next) return;
        event.preventDefault();
        draw(next.value);
        onChange(next.value);
        const btn = group.querySelector(`[data-value="${next.value}"]`);
        if (btn) btn.focus();
      },
    }, o.label)));
  }
  draw(value);
  group.dataset.name = name;
  return group;
}

/** Returns {el (the card), refresh(), destroy()}. */
export function createReport() {
  const state = { days: REPORT_DAYS[0], type: '', zone: browserZone(), data: null, token: 0, destroyed: false };

  const days = segmented({
    name: 'days', label: t('sla.report.period'), testid: 'sla-report-days', value: state.days,
    options: REPORT_DAYS.map((d) => ({ value: d, label: t('sla.report.lastDays', { days: d }) })),
    onChange: (value) => { state.days = value; load(); },
  });
  const types = segmented({
    name: 'type', label: t('sla.report.typeLabel'), testid: 'sla-report-type', value: state.type,
    options: TYPES.map((x) => ({ value: x, label: TYPE_LABELS[x]() })),
    onChange: (value) => { state.type = value; load(); },
  });
  const host = h('div', { class: 'sla-report-host', 'aria-live': 'polite' }, loadingBlock());
  const el = h('section', { class: 'card sla-card sla-report', 'data-testid': 'sla-report' },
    h('div', { class: 'sla-card-head sla-report-head' },
      h('h2', { class: 'card-title' }, t('sla.report.title')),
      h('div', { class: 'sla-report-controls' }, days, types)),
    h('p', { class: 'card-note' }, t('sla.report.hint')),
    host);

  // ---- the headline ----
  function headline(total) {
    const rate = total.achievement;
    const decided = num(total, 'metOnTime') + num(total, 'metLate') + num(total, 'breachedOpen');
    const stat = (key) => h('div', { class: ['sla-stat', `sla-stat-${key}`], 'data-testid': 'sla-report-total', 'data-key': key },
      h('span', { class: 'sla-stat-value' }, String(num(total, key))),
      h('span', { class: 'sla-stat-label' }, SERIES.includes(key) ? h('span', { class: ['sla-swatch', `sla-swatch-${key}`], 'aria-hidden': 'true' }) : null, countLabel(key)));
    return h('div', { class: 'sla-report-headline' },
      h('div', { class: ['sla-stat', 'sla-stat-rate', grade(rate) && `is-${grade(rate)}`] },
        h('span', { class: 'sla-stat-value', 'data-testid': 'sla-report-achievement' }, achievementText(rate)),
        h('span', { class: 'sla-stat-label' }, t('sla.report.achievement')),
        h('span', { class: 'sla-stat-sub muted' }, decided
          ? t('sla.report.achievementOf', { met: num(total, 'metOnTime'), decided })
          : t('sla.report.nothingDecided'))),
      h('div', { class: 'sla-report-stats' }, COLUMNS.map(stat)));
  }

  // ---- the chart: one stacked column per day ----
  function chart(byDay) {
    const n = byDay.length;
    const totals = byDay.map((d) => SERIES.reduce((sum, key) => sum + num(d.counts, key), 0));
    const top = niceMax(Math.max(0, ...totals));
    // Labels under every k-th column, counted back from today (always labelled).
    const every = n <= 10 ? 1 : n <= 31 ? 5 : 15;
    const cols = byDay.map((d, i) => {
      const c = d.counts || {};
      const total = totals[i];
      const rate = c.achievement;
      const labelled = (n - 1 - i) % every === 0;
      const title = [
        dayLabel(d.day, 'long'),
        total || num(c, 'cancelled')
          ? t('sla.report.dayTitle', {
            rate: achievementText(rate), metOnTime: num(c, 'metOnTime'), metLate: num(c, 'metLate'),
            breachedOpen: num(c, 'breachedOpen'), openOnTime: num(c, 'openOnTime'),
          })
          : t('sla.report.dayEmpty'),
      ].join('\n');
      return h('div', {
        class: ['sla-chart-col', !total && 'is-empty', i === n - 1 && 'is-today'], 'data-testid': 'sla-report-day', 'data-day': d.day,
        'data-total': String(total), 'data-met-on-time': String(num(c, 'metOnTime')), 'data-met-late': String(num(c, 'metLate')),
        'data-breached-open': String(num(c, 'breachedOpen')), 'data-open-on-time': String(num(c, 'openOnTime')),
        title,
      },
      h('div', { class: 'sla-chart-bar' },
        h('span', { class: ['sla-chart-rate', grade(rate) && `is-${grade(rate)}`], 'data-testid': 'sla-report-day-rate' },
          rate === null || rate === undefined ? '' : achievementText(rate)),
        total ? h('div', { class: 'sla-chart-stack', style: { height: `${((total / top) * 100).toFixed(2)}%` } },
          SERIES.map((key) => (num(c, key)
            ? h('span', { class: ['sla-chart-seg', `sla-swatch-${key}`], 'data-key': key, style: { 'flex-grow': String(num(c, key)) } })
            : null))) : null),
      h('span', { class: ['sla-chart-x', labelled && 'is-shown'], 'aria-hidden': 'true' }, labelled ? dayLabel(d.day) : ''));
    });
    const decidedDays = byDay.filter((d) => d.counts && d.counts.achievement !== null && d.counts.achievement !== undefined);
    const summary = t('sla.report.chartSummary', {
      days: n, active: totals.filter(Boolean).length,
      rates: decidedDays.map((d) => `${dayLabel(d.day)} ${achievementText(d.counts.achievement)}`).join(t('sla.listSeparator')) || '\u2014',
    });
    return h('figure', { class: 'sla-chart', 'data-testid': 'sla-report-chart', 'data-days': String(n) },
      h('div', { class: 'sla-chart-title' },
        h('span', null, t('sla.report.chartTitle')),
        h('span', { class: 'muted sla-chart-zone' }, t('sla.report.zone', { zone: state.zone }))),
      h('div', { class: 'sla-chart-plot', role: 'img', 'aria-label': summary },
        h('div', { class: 'sla-chart-y', 'aria-hidden': 'true' },
          [top, top / 2, 0].map((v) => h('span', { class: 'sla-chart-tick' }, String(Number.isInteger(v) ? v : v.toFixed(1))))),
        h('div', { class: 'sla-chart-area' },
          h('div', { class: 'sla-chart-grid', 'aria-hidden': 'true' }, h('span'), h('span'), h('span')),
          h('div', { class: 'sla-chart-cols', style: { '--cols': String(n) } }, cols))),
      h('figcaption', { class: 'sla-chart-legend' },
        SERIES.map((key) => h('span', { class: 'sla-legend-item' },
          h('span', { class: ['sla-swatch', `sla-swatch-${key}`], 'aria-hidden': 'true' }), countLabel(key))),
        h('span', { class: 'sla-legend-item muted' }, t('sla.report.legendRate'))),
      totals.some(Boolean) ? null : h('p', { class: 'muted sla-chart-empty', 'data-testid': 'sla-report-empty' }, t('sla.report.empty', { days: n })));
  }

  // ---- the tables ----
  function rateCell(value) {
    const g = grade(value);
    const pct = g ? Math.max(0, Math.min(1, Number(value))) * 100 : 0;
    return h('td', { class: 'sla-report-rate', 'data-label': t('sla.report.achievement'), 'data-testid': 'sla-report-rate' },
      h('span', { class: 'sla-rate-track', 'aria-hidden': 'true' },
        g ? h('span', { class: ['sla-rate-fill', `is-${g}`], style: { width: `${pct.toFixed(1)}%` } }) : null),
      h('strong', { class: ['sla-rate-value', g && `is-${g}`] }, achievementText(value)));
  }

  function table({ testid, rowTestid, head, rows, empty }) {
    if (!rows.length) return h('p', { class: 'muted sla-empty', 'data-testid': `${testid}-empty` }, empty);
    return h('div', { class: 'table-wrap sla-report-table-wrap' },
      h('table', { class: 'table sla-report-table', 'data-testid': testid },
        h('thead', null, h('tr', null,
          h('th', null, head),
          h('th', null, t('sla.report.achievement')),
          COLUMNS.map((key) => h('th', { class: 'num' },
            SERIES.includes(key) ? h('span', { class: ['sla-swatch', `sla-swatch-${key}`], 'aria-hidden': 'true' }) : null, countLabel(key))))),
        h('tbody', null, rows.map((row) => h('tr', { class: 'sla-report-row', 'data-testid': rowTestid, ...row.attrs },
          h('th', { scope: 'row', class: 'sla-report-name', title: row.title || null }, row.name),
          rateCell(row.counts.achievement),
          COLUMNS.map((key) => h('td', {
            class: ['num', 'sla-report-count', key === 'breachedOpen' && num(row.counts, key) && 'is-bad', key === 'metLate' && num(row.counts, key) && 'is-late'],
            'data-label': countLabel(key), 'data-testid': 'sla-report-count', 'data-key': key,
          }, String(num(row.counts, key)))))))));
  }

  function draw() {
    if (state.destroyed || !state.data) return;
    const data = state.data;
    const total = data.total || {};
    const byMetric = (data.byMetric || []).slice().sort((a, b) => METRICS.indexOf(a.metric) - METRICS.indexOf(b.metric));
    const byPolicy = data.byPolicy || [];
    host.replaceChildren(
      headline(total),
      chart(data.byDay || []),
      h('div', { class: 'sla-report-tables' },
        h('div', { class: 'sla-report-block', 'data-testid': 'sla-report-by-metric' },
          h('h3', { class: 'sla-report-block-title' }, t('sla.report.byMetric')),
          table({
            testid: 'sla-report-metrics', rowTestid: 'sla-report-metric-row', head: t('sla.breaches.metric'), empty: t('sla.report.noRows'),
            rows: byMetric.map((m) => ({ name: metricLabel(m.metric), title: metricHint(m.metric), counts: m.counts || {}, attrs: { 'data-metric': m.metric } })),
          })),
        h('div', { class: 'sla-report-block', 'data-testid': 'sla-report-by-policy' },
          h('h3', { class: 'sla-report-block-title' }, t('sla.report.byPolicy')),
          table({
            testid: 'sla-report-policies', rowTestid: 'sla-report-policy-row', head: t('sla.report.policy'), empty: t('sla.report.noRows'),
            rows: byPolicy.map((p) => ({
              name: p.name || t('sla.report.deletedPolicy'), title: p.name || null, counts: p.counts || {}, attrs: { 'data-policy-id': p.policyId },
            })),
          }))));
  }

  async function load() {
    const token = ++state.token;
    host.setAttribute('aria-busy', 'true');
    el.dataset.loaded = 'false';
    el.dataset.days = String(state.days);
    el.dataset.type = state.type || 'all';
    el.dataset.timeZone = state.zone;
    try {
      const params = () => query({ days: state.days, type: state.type, timeZone: state.zone });
      let data;
      try {
        data = await api.get(`/api/v1/sla/report${params()}`);
      } catch (error) {
        // A zone this browser knows and the server does not: the shop's usual one.
        if (error && error.field === 'timeZone' && state.zone !== DEFAULT_TIME_ZONE) {
          state.zone = DEFAULT_TIME_ZONE;
          data = await api.get(`/api/v1/sla/report${params()}`);
        } else {
          throw error;
        }
      }
      if (token !== state.token || state.destroyed) return;
      el.dataset.timeZone = state.zone;
      state.data = data || {};
      draw();
      el.dataset.loaded = 'true';
    } catch (error) {
      if (token !== state.token || state.destroyed) return;
      host.replaceChildren(loadError(error, () => load()));
    } finally {
      if (token === state.token && !state.destroyed) host.removeAttribute('aria-busy');
    }
  }

  load();

  return {
    el,
    refresh: () => load(),
    destroy() {
      state.destroyed = true;
      state.token += 1;
    },
  };
}
