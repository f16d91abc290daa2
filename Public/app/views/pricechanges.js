// Price-change approvals (#/price-changes, supervisors and above): the changes above their
// requester's limit waiting for a decision, each approved or rejected with an optional note
// (the approver's own limit applies: the server refuses what it does not cover), and the
// changes decided recently. The list is looked at again every 30 s while the page is shown.
// API: GET /api/v1/price-changes?status=pending, GET /api/v1/price-changes (all, newest first),
// POST /api/v1/price-changes/{id}/approve | /reject {note}.
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { pageHeader, toast, loadingBlock, loadError } from '../ui.js';
import {
  formatMoney, discountPercent, changeStatusChip, changeTargetText, memberLabel, errorParts, showError,
} from '../orders/shared.js';

const POLL_MS = 30000;
const RECENT_SHOWN = 50;
const MAX_NOTE = 200;

const DECIDE_ERRORS = {
  forbidden: () => t('orders.pricechange.errorApproverLimit'),
  not_before_payment: () => t('orders.pricechange.errorNotBeforePayment'),
  conflict: () => t('orders.pricechange.errorAlreadyDecided'),
};

function amountsText(change) {
  return t('orders.pricechange.fromTo', {
    from: formatMoney(change.originalAmount, change.currency),
    to: formatMoney(change.newAmount, change.currency),
  });
}

function discountText(change) {
  const percent = typeof change.discountPercent === 'number'
    ? change.discountPercent : discountPercent(change.originalAmount, change.newAmount);
  if (Number(change.newAmount) > Number(change.originalAmount)) return t('orders.pricechange.raise');
  return percent > 0 ? t('orders.pricechange.discount', { percent }) : t('orders.pricechange.unchanged');
}

export function render(container, ctx) {
  const state = {
    pending: [], recent: [], loaded: false, error: null, token: 0, stopped: false,
    busy: new Set(), errors: new Map(), notes: new Map(), timer: null,
  };

  const refreshButton = h('button', { type: 'button', class: 'btn', 'data-testid': 'pricechanges-refresh', onclick: () => load() }, t('app.common.refresh'));
  const pendingCount = h('span', { class: 'pill pc-count-pill', 'data-testid': 'pricechanges-pending-count' });
  const pendingHost = h('div', { class: 'pc-pending-host', 'aria-live': 'polite' }, loadingBlock());
  const recentHost = h('div', { class: 'pc-recent-host' });
  container.append(
    pageHeader(t('orders.pricechange.approvalsTitle'), t('orders.pricechange.approvalsSubtitle'), refreshButton),
    h('section', { class: 'card pc-pending-card', 'data-testid': 'pricechanges-pending' },
      h('h2', { class: 'card-title' }, t('orders.pricechange.pendingTitle'), pendingCount),
      pendingHost),
    h('section', { class: 'card pc-recent-card', 'data-testid': 'pricechanges-recent' },
      h('h2', { class: 'card-title' }, t('orders.pricechange.recentTitle')),
      h('p', { class: 'card-note' }, t('orders.pricechange.recentHint')),
      recentHost));

  // ---- pending ----
  function pendingRow(change) {
    const busy = state.busy.has(change.id);
    const errorLine = h('div', { class: 'ord-error', 'data-testid': 'pricechange-row-error', role: 'alert', hidden: true });
    const failure = state.errors.get(change.id);
    if (failure) showError(errorLine, failure);
    const noteId = `pc-note-${change.id}`;
    const note = h('input', {
      type: 'text', id: noteId, name: 'note', class: 'pc-note', 'data-testid': 'pricechange-note', maxlength: String(MAX_NOTE),
      placeholder: t('orders.pricechange.notePlaceholder'), value: state.notes.get(change.id) || '', disabled: busy,
      oninput: (event) => state.notes.set(change.id, event.target.value),
    });
    const decide = (verb) => decideChange(change, verb);
    return h('li', { class: 'pc-row', 'data-testid': 'pricechange-row', 'data-change-id': change.id, 'data-order-id': change.orderExternalId || '' },
      h('div', { class: 'pc-row-top' },
        h('span', { class: 'pc-row-order' },
          h('span', { class: 'ord-label' }, t('orders.number')),
          h('span', { class: 'mono', 'data-testid': 'pricechange-order' }, change.orderNumber || change.orderExternalId || '')),
        h('span', { class: 'pc-row-target', 'data-testid': 'pricechange-row-target' }, changeTargetText(change)),
        h('time', { class: 'muted pc-row-time', datetime: change.createdAt || '' }, formatDateTime(change.createdAt))),
      h('div', { class: 'pc-row-amounts' },
        h('span', { class: 'pc-row-change', 'data-testid': 'pricechange-row-amounts' }, amountsText(change)),
        h('span', { class: 'pc-discount' }, discountText(change))),
      h('dl', { class: 'pc-row-facts' },
        h('div', null, h('dt', null, t('orders.pricechange.reason')), h('dd', { 'data-testid': 'pricechange-row-reason' }, change.reason || '')),
        change.requestedBy ? h('div', null, h('dt', null, t('orders.pricechange.requestedBy')), h('dd', null, memberLabel(change.requestedBy))) : null),
      h('div', { class: 'pc-row-decide' },
        h('label', { class: 'visually-hidden', for: noteId }, t('orders.pricechange.note')),
        note,
        h('button', {
          type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'pricechange-approve', disabled: busy,
          onclick: () => decide('approve'),
        }, t('orders.pricechange.approve')),
        h('button', {
          type: 'button', class: 'btn btn-danger-ghost btn-small', 'data-testid': 'pricechange-reject', disabled: busy,
          onclick: () => decide('reject'),
        }, t('orders.pricechange.reject'))),
      errorLine);
  }

  function drawPending() {
    pendingCount.textContent = String(state.pending.length);
    pendingCount.classList.toggle('pc-count-due', state.pending.length > 0);
    if (!state.pending.length) {
      pendingHost.replaceChildren(h('p', { class: 'pc-empty muted', 'data-testid': 'pricechanges-empty' }, t('orders.pricechange.pendingEmpty')));
      return;
    }
    const focused = pendingHost.contains(document.activeElement) ? document.activeElement : null;
    const focusAt = focused ? [focused.closest('[data-change-id]')?.getAttribute('data-change-id'), focused.getAttribute('data-testid')] : null;
    pendingHost.replaceChildren(h('ul', { class: 'pc-list', 'data-testid': 'pricechanges-list' }, state.pending.map(pendingRow)));
    if (focusAt && focusAt[0]) {
      const again = pendingHost.querySelector(`[data-change-id="${CSS.escape(focusAt[0])}"] [data-testid="${focusAt[1]}"]`);
      if (again && !again.disabled) again.focus();
    }
  }

  // ---- recent ----
  function drawRecent() {
    const rows = state.recent.slice(0, RECENT_SHOWN);
    if (!rows.length) {
      recentHost.replaceChildren(h('p', { class: 'pc-empty muted' }, t('orders.pricechange.recentEmpty')));
      return;
    }
    recentHost.replaceChildren(h('div', { class: 'table-wrap' },
      h('table', { class: 'table pc-table', 'data-testid': 'pricechanges-recent-table' },
        h('thead', null, h('tr', null,
          h('th', null, t('orders.pricechange.requestedAt')),
          h('th', null, t('orders.number')),
          h('th', null, t('orders.pricechange.target')),
          h('th', null, t('orders.pricechange.change')),
          h('th', null, t('orders.pricechange.reason')),
          h('th', null, t('orders.pricechange.requestedBy')),
          h('th', null, t('orders.pricechange.statusLabel')),
          h('th', null, t('orders.pricechange.decidedBy')),
          h('th', null, t('orders.pricechange.note')))),
        h('tbody', null, rows.map((c) => h('tr', { 'data-testid': 'pricechange-recent-row', 'data-change-id': c.id, 'data-status': c.status || '' },
          h('td', { class: 'time' }, formatDateTime(c.createdAt)),
          h('td', { class: 'mono' }, c.orderNumber || c.orderExternalId || ''),
          h('td', null, changeTargetText(c)),
          h('td', { class: 'pc-nowrap' }, amountsText(c), h('div', { class: 'muted' }, discountText(c))),
          h('td', { class: 'cell-wrap' }, c.reason || ''),
          h('td', null, memberLabel(c.requestedBy) || '—'),
          h('td', null, changeStatusChip(c.status)),
          h('td', null, c.decidedBy ? memberLabel(c.decidedBy) : '—',
            c.decidedAt ? h('div', { class: 'muted time' }, formatDateTime(c.decidedAt)) : null),
          h('td', { class: 'cell-wrap' }, c.note || '')))))));
  }

  // ---- deciding ----
  async function decideChange(change, verb) {
    if (state.busy.has(change.id)) return;
    state.busy.add(change.id);
    state.errors.delete(change.id);
    drawPending();
    const note = (state.notes.get(change.id) || '').trim();
    try {
      const result = await api.post(`/api/v1/price-changes/${encodeURIComponent(change.id)}/${verb}`, note ? { note } : {});
      if (state.stopped) return;
      const decided = (result && result.change) || { ...change, status: verb === 'approve' ? 'approved' : 'rejected', note: note || null };
      state.pending = state.pending.filter((c) => c.id !== change.id);
      state.recent = [decided].concat(state.recent.filter((c) => c.id !== change.id));
      state.notes.delete(change.id);
      toast(verb === 'approve' ? t('orders.pricechange.approved', { number: change.orderNumber || change.orderExternalId || '' })
        : t('orders.pricechange.rejected', { number: change.orderNumber || change.orderExternalId || '' }));
      drawRecent();
    } catch (error) {
      if (state.stopped) return;
      state.errors.set(change.id, errorParts(error, DECIDE_ERRORS));
    } finally {
      state.busy.delete(change.id);
    }
    drawPending();
  }

  // ---- loading ----
  async function load({ quiet = false } = {}) {
    const token = ++state.token;
    refreshButton.disabled = true;
    if (!quiet && !state.loaded) pendingHost.replaceChildren(loadingBlock());
    try {
      const [pending, all] = await Promise.all([
        api.get(`/api/v1/price-changes${query({ status: 'pending' })}`),
        api.get('/api/v1/price-changes'),
      ]);
      if (token !== state.token || state.stopped) return;
      state.pending = ((pending && pending.changes) || []).slice()
        .sort((a, b) => Date.parse(a.createdAt || 0) - Date.parse(b.createdAt || 0));
      state.recent = ((all && all.changes) || []).filter((c) => c.status !== 'pending')
        .sort((a, b) => Date.parse(b.decidedAt || b.createdAt || 0) - Date.parse(a.decidedAt || a.createdAt || 0));
      state.loaded = true;
      state.error = null;
      drawPending();
      drawRecent();
    } catch (error) {
      if (token !== state.token || state.stopped) return;
      state.error = error;
      if (!state.loaded) {
        pendingHost.replaceChildren(loadError(error, () => load()));
        recentHost.replaceChildren();
      } else if (!quiet) {
        toast(errorParts(error).summary, 'error');
      }
    } finally {
      if (token === state.token) refreshButton.disabled = false;
    }
  }

  function schedule() {
    clearTimeout(state.timer);
    if (state.stopped) return;
    state.timer = setTimeout(async () => {
      // Nothing typed or in flight is thrown away by a quiet look.
      const typing = pendingHost.contains(document.activeElement) && document.activeElement.tagName === 'INPUT';
      if (document.visibilityState === 'visible' && !state.busy.size && !typing && ctx.isCurrent()) await load({ quiet: true });
      schedule();
    }, POLL_MS);
  }

  load().then(schedule);

  return () => {
    state.stopped = true;
    state.token += 1;
    clearTimeout(state.timer);
  };
}
