// The after-sales tab of a ticket's page (complaint and after-sale tickets): its cases
// (cases/casecard.js) with "open a case" (cases/caseform.js), then its compensation ledger with
// the totals granted and waiting, "propose a compensation" (cases/compform.js) and, for
// supervisors and up, approve / reject / reverse (cases/ledger.js). Each change is also a
// timeline entry of the ticket: onChanged() lets the page look again. The customer answers a
// solution in the widget and nothing tells the workbench: while an answer is awaited the tab
// looks again every few seconds.
// API: GET/POST /api/v1/tickets/{id}/cases, PATCH /api/v1/cases/{id}, POST /api/v1/cases/{id}/steps,
// POST /api/v1/cases/{id}/solution, GET/POST /api/v1/tickets/{id}/compensations, GET /api/v1/after-sale-settings.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { toast, loadingBlock, loadError } from '../ui.js';
import { formatMoney } from '../orders/shared.js';
import { caseCard } from './casecard.js';
import { openCaseDialog } from './caseform.js';
import { openCompensationDialog } from './compform.js';
import { ledgerTable, openReverseDialog, decide, canDecide } from './ledger.js';
import {
  isCaseTicket, isOpenState, stateLabel, rulingLabel, stepLabel, compensationText, caseErrorText, totalsList, deadlineCounts,
} from './shared.js';

const TICK_MS = 30000;
const AWAIT_ANSWER_MS = 4000;

let limitsPromise = null;
/** The shop's compensation limits (GET /api/v1/after-sale-settings), once per page load. */
function loadLimits() {
  if (!limitsPromise) {
    limitsPromise = api.get('/api/v1/after-sale-settings').then((s) => (s && s.compensationLimits) || null).catch(() => {
      limitsPromise = null;
      return null;
    });
  }
  return limitsPromise;
}

/**
 * ticketId: the ticket; onChanged() after a change (the timeline has news); onSummary(fn) tells
 * fn({open, warn, overdue}) for the tab's badge. Returns {el, update(ticket, settings, directory),
 * refresh({quiet}), visible(on), hasCases(), onSummary(fn), destroy}.
 */
export function createAfterSales({ ticketId, onChanged }) {
  const state = {
    ticket: null, directory: null, cases: [], ledger: { items: [], totals: {} }, fetchedAt: 0,
    loaded: false, error: null, token: 0, destroyed: false, shown: false,
    busy: new Set(), drafts: new Map(), notes: new Map(), composing: new Set(), dueEditing: new Set(), dueDrafts: new Map(),
    orders: new Map(), ledgerBusy: new Set(), timer: null, ticker: null,
  };
  const listeners = new Set();

  const openButton = h('button', {
    type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'case-open', onclick: () => openCase(),
  }, t('cases.open'));
  const proposeButton = h('button', {
    type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'compensation-propose', onclick: () => propose(),
  }, t('cases.compensation.propose'));
  const refreshButton = h('button', {
    type: 'button', class: 'btn btn-small btn-ghost', 'data-testid': 'aftersales-refresh', onclick: () => refresh(),
  }, t('app.common.refresh'));
  const casesCount = h('span', { class: 'cs-count muted', 'data-testid': 'cases-count' });
  const casesHost = h('div', { class: 'cs-cases', 'aria-live': 'polite' }, loadingBlock());
  const totalsHost = h('div', { class: 'cs-totals', 'data-testid': 'compensation-totals' });
  const pendingHost = h('div', { class: 'cs-pending-host' });
  const ledgerHost = h('div', { class: 'cs-ledger-host' });
  const el = h('div', { class: 'cs-panel', 'data-testid': 'aftersales-panel', hidden: true },
    h('div', { class: 'cs-panel-inner' },
      h('section', { class: 'cs-section', 'data-testid': 'cases-section' },
        h('div', { class: 'cs-section-head' },
          h('h2', { class: 'cs-section-title' }, t('cases.title'), casesCount),
          h('span', { class: 'cs-section-actions' }, refreshButton, openButton)),
        casesHost),
      h('section', { class: 'cs-section', 'data-testid': 'compensation-section' },
        h('div', { class: 'cs-section-head' },
          h('h2', { class: 'cs-section-title' }, t('cases.compensation.title')),
          totalsHost,
          h('span', { class: 'cs-section-actions' }, proposeButton)),
        pendingHost,
        ledgerHost)));

  function readOnly() {
    return !state.ticket || state.ticket.status === 'closed';
  }

  function hasConversation() {
    return ((state.ticket && state.ticket.links) || []).some((l) => l.conversationId);
  }

  /** The order with its lines, cached (null when it cannot be read). */
  function loadOrder(externalId) {
    if (!state.orders.has(externalId)) {
      const p = api.get(`/api/v1/orders/${encodeURIComponent(externalId)}`).catch(() => null);
      state.orders.set(externalId, p);
      p.then((order) => {
        state.orders.set(externalId, order || null);
        if (order && !state.destroyed && !editing()) drawCases();
      });
    }
    const known = state.orders.get(externalId);
    return known && typeof known.then === 'function' ? known : Promise.resolve(known);
  }

  function orderLines(externalId) {
    const known = state.orders.get(externalId);
    if (known === undefined) { loadOrder(externalId); return null; }
    return known && typeof known.then !== 'function' ? known.lines : null;
  }

  /** True while the agent types in the tab (a quiet look must not redraw under them). */
  function editing() {
    const active = document.activeElement;
    return Boolean(active) && el.contains(active) && (active.tagName === 'TEXTAREA' || (active.tagName === 'INPUT' && active.type !== 'checkbox'));
  }

  // ---- drawing ----
  function summary() {
    return { total: state.cases.length, ...deadlineCounts(state.cases, state.fetchedAt) };
  }

  function tell() {
    const s = summary();
    for (const fn of listeners) fn(s);
  }

  function drawCases() {
    const s = summary();
    casesCount.textContent = state.cases.length ? t('cases.countOpen', { open: s.open, total: s.total }) : '';
    openButton.hidden = readOnly() || !isCaseTicket(state.ticket);
    if (!state.loaded) {
      casesHost.replaceChildren(state.error ? loadError(state.error, () => refresh()) : loadingBlock());
      return;
    }
    if (!state.cases.length) {
      casesHost.replaceChildren(h('div', { class: 'cs-empty', 'data-testid': 'cases-empty' },
        h('p', null, isCaseTicket(state.ticket) ? t('cases.empty') : t('cases.notCaseTicket'))));
      return;
    }
    const ctx = {
      fetchedAt: state.fetchedAt, directory: state.directory, readOnly: readOnly(), hasConversation: hasConversation(),
      busy: state.busy, drafts: state.drafts, notes: state.notes, composing: state.composing,
      dueEditing: state.dueEditing, dueDrafts: state.dueDrafts, orderLines,
    };
    // Open cases first, the nearest deadline first (as the server sorts); finished ones after.
    const sorted = state.cases.slice().sort((a, b) => Number(!isOpenState(a.state)) - Number(!isOpenState(b.state)));
    casesHost.replaceChildren(...sorted.map((c) => caseCard(c, ctx, caseActions)));
  }

  function drawLedger() {
    const { items, totals } = state.ledger;
    proposeButton.hidden = readOnly();
    totalsHost.replaceChildren(...totalsList(totals).map((x) => h('span', { class: 'cs-total', 'data-currency': x.currency },
      h('span', { class: 'cs-total-part', 'data-testid': 'compensation-total-granted' }, t('cases.compensation.granted', { amount: formatMoney(x.granted, x.currency) })),
      x.pending ? h('span', { class: 'cs-total-part cs-total-pending', 'data-testid': 'compensation-total-pending' },
        t('cases.compensation.pendingTotal', { amount: formatMoney(x.pending, x.currency) })) : null)));
    const pending = items.filter((e) => e.status === 'pending');
    mount(pendingHost, pending.length ? h('div', { class: 'cs-pending-note', role: 'status', 'data-testid': 'compensation-pending-notice' },
      h('span', { class: 'cs-pending-dot', 'aria-hidden': 'true' }),
      h('span', null, t('cases.compensation.waitingNotice', { count: pending.length }))) : null);
    if (!state.loaded) {
      ledgerHost.replaceChildren();
      return;
    }
    if (!items.length) {
      ledgerHost.replaceChildren(h('p', { class: 'muted cs-empty-line', 'data-testid': 'compensation-empty' }, t('cases.compensation.empty')));
      return;
    }
    // Newest first, as the shop's ledger.
    const rows = items.slice().sort((a, b) => Date.parse(b.createdAt || 0) - Date.parse(a.createdAt || 0));
    ledgerHost.replaceChildren(ledgerTable(rows, {
      busy: state.ledgerBusy, directory: state.directory,
      onDecide: canDecide() && !readOnly() ? decideEntry : null,
      onReverse: canDecide() && !readOnly() ? reverseEntry : null,
    }));
  }

  function draw() {
    if (state.destroyed) return;
    drawCases();
    drawLedger();
    tell();
    schedule();
  }

  // ---- cases ----
  function replaceCase(updated) {
    if (!updated || !updated.id) return;
    const index = state.cases.findIndex((c) => c.id === updated.id);
    state.fetchedAt = Date.now();
    if (index >= 0) state.cases[index] = updated;
    else state.cases.push(updated);
  }

  async function run(key, work, done) {
    if (state.busy.has(key)) return;
    state.busy.add(key);
    drawCases();
    try {
      const result = await work();
      if (state.destroyed) return;
      replaceCase(result);
      if (done) done(result);
      onChanged();
    } catch (error) {
      if (!state.destroyed) toast(caseErrorText(error), 'error');
    } finally {
      state.busy.delete(key);
      if (!state.destroyed) draw();
    }
  }

  const caseActions = {
    onMove(c, body) {
      const note = (state.notes.get(c.id) || '').trim();
      const payload = note ? { ...body, note } : body;
      run(`${c.id}:move`, () => api.patch(`/api/v1/cases/${encodeURIComponent(c.id)}`, payload), (updated) => {
        state.notes.delete(c.id);
        toast(body.ruling ? t('cases.toast.ruled', { ruling: rulingLabel(body.ruling) }) : t('cases.toast.moved', { state: stateLabel(updated.state) }));
      });
    },
    onStep(c, step) {
      run(`${c.id}:step:${step}`, () => api.post(`/api/v1/cases/${encodeURIComponent(c.id)}/steps`, { step }),
        () => toast(t('cases.toast.step', { step: stepLabel(step) })));
    },
    onSolution(c, solution) {
      run(`${c.id}:solution`, () => api.post(`/api/v1/cases/${encodeURIComponent(c.id)}/solution`, { solution }), () => {
        state.drafts.delete(c.id);
        state.composing.delete(c.id);
        toast(hasConversation() ? t('cases.toast.solutionSent') : t('cases.toast.solutionSaved'));
      });
    },
    onCompose(c, on) {
      if (on) state.composing.add(c.id);
      else state.composing.delete(c.id);
      drawCases();
      if (on) {
        const box = casesHost.querySelector(`[data-case-id="${CSS.escape(c.id)}"] [data-testid="case-solution-input"]`);
        if (box) box.focus();
      }
    },
    onDue(c, dueAt) {
      run(`${c.id}:move`, () => api.patch(`/api/v1/cases/${encodeURIComponent(c.id)}`, { dueAt }), () => {
        state.dueEditing.delete(c.id);
        state.dueDrafts.delete(c.id);
        toast(t('cases.toast.due'));
      });
    },
    onDueEdit(c, on) {
      if (on) state.dueEditing.add(c.id);
      else { state.dueEditing.delete(c.id); state.dueDrafts.delete(c.id); }
      drawCases();
    },
  };

  async function openCase() {
    if (!state.ticket) return;
    const created = await openCaseDialog({ ticket: state.ticket, loadOrder });
    if (!created || state.destroyed) return;
    replaceCase(created);
    toast(t('cases.toast.opened'));
    draw();
    onChanged();
  }

  // ---- compensations ----
  async function propose() {
    if (!state.ticket) return;
    const limits = await loadLimits();
    const entry = await openCompensationDialog({ ticket: state.ticket, cases: state.cases, limits, loadOrder });
    if (!entry || state.destroyed) return;
    toast(entry.status === 'pending'
      ? t('cases.toast.compensationPending', { what: compensationText(entry) })
      : t('cases.toast.compensationGranted', { what: compensationText(entry) }), entry.status === 'pending' ? 'info' : 'success');
    await refresh({ quiet: true });
    onChanged();
  }

  async function decideEntry(entry, verb) {
    if (state.ledgerBusy.has(entry.id)) return;
    state.ledgerBusy.add(entry.id);
    drawLedger();
    try {
      await decide(entry, verb, '');
      toast(verb === 'approve' ? t('cases.toast.approved', { what: compensationText(entry) }) : t('cases.toast.rejected', { what: compensationText(entry) }));
      onChanged();
    } catch (error) {
      if (!state.destroyed) toast(caseErrorText(error), 'error');
    } finally {
      state.ledgerBusy.delete(entry.id);
    }
    if (state.destroyed) return;
    drawLedger();
    await refresh({ quiet: true });
  }

  async function reverseEntry(entry) {
    const reversal = await openReverseDialog(entry);
    if (!reversal || state.destroyed) return;
    toast(t('cases.toast.reversed', { what: compensationText(entry) }));
    await refresh({ quiet: true });
    onChanged();
  }

  // ---- loading ----
  /** What others change: the cases' states and answers, the entries' statuses. */
  function fingerprint() {
    return JSON.stringify([
      state.cases.map((c) => [c.id, c.state, c.customerAnswer || '', c.updatedAt]),
      state.ledger.items.map((e) => [e.id, e.status]),
    ]);
  }

  async function refresh({ quiet = false } = {}) {
    const token = ++state.token;
    if (!quiet) refreshButton.disabled = true;
    try {
      const [cases, ledger] = await Promise.all([
        api.get(`/api/v1/tickets/${encodeURIComponent(ticketId)}/cases`),
        api.get(`/api/v1/tickets/${encodeURIComponent(ticketId)}/compensations`),
      ]);
      if (token !== state.token || state.destroyed) return;
      const before = state.loaded ? fingerprint() : null;
      state.cases = (cases && cases.items) || [];
      state.ledger = { items: (ledger && ledger.items) || [], totals: (ledger && ledger.totals) || {} };
      const after = fingerprint();
      // News from elsewhere (the customer answered in the widget, a supervisor decided): the
      // ticket's timeline has it too.
      if (before !== null && before !== after) onChanged();
      state.fetchedAt = Date.now();
      state.loaded = true;
      state.error = null;
      for (const c of state.cases) if (c.order) orderLines(c.order.externalId);
      // A quiet look that found nothing new, or finds the agent typing, leaves the tab as it is.
      if (quiet && (before === after || editing())) { tell(); schedule(); return; }
      draw();
    } catch (error) {
      if (token !== state.token || state.destroyed) return;
      state.error = error;
      if (!state.loaded) draw();
      else if (!quiet) toast(caseErrorText(error), 'error');
    } finally {
      if (token === state.token) refreshButton.disabled = false;
    }
  }

  /** While the tab is shown and a solution awaits the customer's answer, look again soon. */
  function schedule() {
    clearTimeout(state.timer);
    state.timer = null;
    if (state.destroyed || !state.shown) return;
    const awaiting = state.cases.some((c) => c.solution && !c.customerAnswer && isOpenState(c.state));
    if (!awaiting) return;
    state.timer = setTimeout(() => {
      if (document.visibilityState === 'visible') refresh({ quiet: true });
      else schedule();
    }, AWAIT_ANSWER_MS);
  }

  // The time left moves on by itself.
  state.ticker = setInterval(() => {
    if (state.loaded && state.shown && !editing()) drawCases();
  }, TICK_MS);

  return {
    el,
    update(ticket, settings, directory) {
      const first = !state.ticket;
      const key = (x) => (x ? [x.status, x.type, (x.links || []).length].join('|') : '');
      const changed = key(ticket) !== key(state.ticket);
      state.ticket = ticket;
      state.directory = directory;
      // The ticket closed, changed its type or got a link: what may be done changed.
      if (!first && changed && state.loaded && !editing()) { drawCases(); drawLedger(); }
      if (first || state.shown) refresh({ quiet: !first });
    },
    refresh,
    visible(on) {
      if (on === state.shown) return;
      state.shown = on;
      el.hidden = !on;
      // Shown again: look for news (the customer's answer, a decision made elsewhere).
      if (on && state.loaded) refresh({ quiet: true });
      schedule();
    },
    hasCases() {
      return state.cases.length > 0;
    },
    onSummary(fn) {
      listeners.add(fn);
      if (state.loaded) fn(summary());
      return () => listeners.delete(fn);
    },
    destroy() {
      state.destroyed = true;
      state.token += 1;
      clearTimeout(state.timer);
      clearInterval(state.ticker);
      listeners.clear();
    },
  };
}
