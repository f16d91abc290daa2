// Compensation approvals (#/compensations, supervisors and above): the compensations above
// their proposer's limit waiting for a decision, oldest first, each approved or rejected with
// an optional note (the approver's own limit applies and nobody decides their own proposal: the
// server says so), and the shop's recent ledger, where a granted entry is reversed with a
// reason (a new entry of the opposite sign). Looked at again every 30 s while shown.
// API: GET /api/v1/compensations?status=pending, GET /api/v1/compensations (newest first),
// POST /api/v1/compensations/{id}/approve | /reject {note?}, POST /api/v1/compensations/{id}/reverse {note}.
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { pageHeader, toast, loadingBlock, loadError } from '../ui.js';
import { formatMoney } from '../orders/shared.js';
import { ticketHref } from '../tickets/shared.js';
import { ledgerTable, openReverseDialog, decide, isMine, personText } from '../cases/ledger.js';
import { loadDirectory } from '../chat/runtime.js';
import {
  compensationKindLabel, compensationReasonText, compensationText, caseErrorText, totalsList,
} from '../cases/shared.js';

const POLL_MS = 30000;
const RECENT_SHOWN = 100;
const MAX_NOTE = 500;

export function render(container, ctx) {
  const state = {
    pending: [], recent: [], directory: null, loaded: false, error: null, token: 0, stopped: false,
    busy: new Set(), errors: new Map(), notes: new Map(), timer: null,
  };

  const refreshButton = h('button', { type: 'button', class: 'btn', 'data-testid': 'compensations-refresh', onclick: () => load() }, t('app.common.refresh'));
  const pendingCount = h('span', { class: 'pill cs-count-pill', 'data-testid': 'compensations-pending-count' });
  const pendingTotal = h('span', { class: 'cs-pending-total muted', 'data-testid': 'compensations-pending-total' });
  const pendingHost = h('div', { class: 'cs-approvals-host', 'aria-live': 'polite' }, loadingBlock());
  const recentHost = h('div', { class: 'cs-recent-host' });
  container.append(
    pageHeader(t('cases.approvals.title'), t('cases.approvals.subtitle'), refreshButton),
    h('section', { class: 'card cs-approvals-card', 'data-testid': 'compensations-pending' },
      h('h2', { class: 'card-title' }, t('cases.approvals.pendingTitle'), pendingCount, pendingTotal),
      pendingHost),
    h('section', { class: 'card cs-recent-card', 'data-testid': 'compensations-recent' },
      h('h2', { class: 'card-title' }, t('cases.approvals.recentTitle')),
      h('p', { class: 'card-note' }, t('cases.approvals.recentHint')),
      recentHost));

  // ---- pending ----
  function pendingRow(entry) {
    const busy = state.busy.has(entry.id);
    const failure = state.errors.get(entry.id);
    const own = isMine(entry);
    const noteId = `cs-approve-note-${entry.id}`;
    const note = h('input', {
      type: 'text', id: noteId, class: 'cs-approve-note', 'data-testid': 'compensation-decision-note', maxlength: String(MAX_NOTE),
      placeholder: t('cases.approvals.notePlaceholder'), value: state.notes.get(entry.id) || '', disabled: busy || own,
      oninput: (event) => state.notes.set(entry.id, event.target.value),
    });
    return h('li', {
      class: 'cs-approval', 'data-testid': 'compensation-pending-row', 'data-entry-id': entry.id, 'data-kind': entry.kind,
      'data-amount': String(entry.amount), 'data-ticket-number': entry.ticketNumber || '',
    },
    h('div', { class: 'cs-approval-main' },
      h('div', { class: 'cs-approval-top' },
        h('span', { class: 'cs-approval-amount', 'data-testid': 'compensation-pending-amount' }, formatMoney(entry.amount, entry.currency)),
        h('span', { class: 'cs-approval-kind', 'data-testid': 'compensation-pending-kind' }, compensationKindLabel(entry.kind)),
        h('a', { href: ticketHref(entry.ticketId), class: 'mono cs-approval-ticket', 'data-testid': 'compensation-pending-ticket' }, entry.ticketNumber || ''),
        h('time', { class: 'muted cs-approval-time', datetime: entry.createdAt }, formatDateTime(entry.createdAt))),
      h('dl', { class: 'cs-approval-facts' },
        h('div', null, h('dt', null, t('cases.ledger.reason')), h('dd', { 'data-testid': 'compensation-pending-reason' }, compensationReasonText(entry.reason))),
        entry.orderId ? h('div', null, h('dt', null, t('cases.ledger.order')), h('dd', { class: 'mono' }, entry.orderId, entry.sku ? ` \u00b7 ${entry.sku}` : '')) : null,
        h('div', null, h('dt', null, t('cases.ledger.proposedBy')), h('dd', { 'data-testid': 'compensation-pending-proposer' }, personText(entry.proposedBy, state.directory))),
        entry.note ? h('div', { class: 'cs-approval-note' }, h('dt', null, t('cases.ledger.note')), h('dd', null, entry.note)) : null)),
    h('div', { class: 'cs-approval-decide' },
      own ? h('span', { class: 'muted cs-own', 'data-testid': 'compensation-own' }, t('cases.approvals.own')) : [
        h('label', { class: 'visually-hidden', for: noteId }, t('cases.approvals.note')),
        note,
        h('button', {
          type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'compensation-approve', disabled: busy, onclick: () => decideEntry(entry, 'approve'),
        }, t('cases.ledger.approve')),
        h('button', {
          type: 'button', class: 'btn btn-danger-ghost btn-small', 'data-testid': 'compensation-reject', disabled: busy, onclick: () => decideEntry(entry, 'reject'),
        }, t('cases.ledger.reject')),
      ]),
    failure ? h('div', { class: 'cs-approval-error', role: 'alert', 'data-testid': 'compensation-row-error' }, failure) : null);
  }

  function drawPending() {
    pendingCount.textContent = String(state.pending.length);
    pendingCount.classList.toggle('cs-count-due', state.pending.length > 0);
    const totals = {};
    for (const e of state.pending) {
      totals[e.currency] = totals[e.currency] || { granted: 0, pending: 0 };
      totals[e.currency].pending += Number(e.amount) || 0;
    }
    pendingTotal.textContent = totalsList(totals).map((x) => t('cases.approvals.pendingSum', { amount: formatMoney(x.pending, x.currency) })).join(' \u00b7 ');
    if (!state.pending.length) {
      pendingHost.replaceChildren(h('p', { class: 'muted cs-empty-line', 'data-testid': 'compensations-empty' }, t('cases.approvals.empty')));
      return;
    }
    const focused = pendingHost.contains(document.activeElement) ? document.activeElement : null;
    const focusAt = focused ? focused.closest('[data-entry-id]')?.getAttribute('data-entry-id') : null;
    pendingHost.replaceChildren(h('ul', { class: 'cs-approvals', 'data-testid': 'compensations-pending-list' }, state.pending.map(pendingRow)));
    if (focusAt) {
      const again = pendingHost.querySelector(`[data-entry-id="${CSS.escape(focusAt)}"] [data-testid="compensation-decision-note"]`);
      if (again && !again.disabled) again.focus();
    }
  }

  function drawRecent() {
    const rows = state.recent.slice(0, RECENT_SHOWN);
    if (!rows.length) {
      recentHost.replaceChildren(h('p', { class: 'muted cs-empty-line' }, t('cases.approvals.recentEmpty')));
      return;
    }
    recentHost.replaceChildren(ledgerTable(rows, {
      showTicket: true, busy: state.busy, directory: state.directory, onReverse: reverseEntry, testid: 'compensations-ledger',
    }));
  }

  // ---- deciding ----
  async function decideEntry(entry, verb) {
    if (state.busy.has(entry.id)) return;
    state.busy.add(entry.id);
    state.errors.delete(entry.id);
    drawPending();
    const note = (state.notes.get(entry.id) || '').trim();
    try {
      const decided = await decide(entry, verb, note);
      if (state.stopped) return;
      state.pending = state.pending.filter((e) => e.id !== entry.id);
      state.recent = [decided || entry].concat(state.recent.filter((e) => e.id !== entry.id));
      state.notes.delete(entry.id);
      toast(verb === 'approve' ? t('cases.toast.approved', { what: compensationText(entry) }) : t('cases.toast.rejected', { what: compensationText(entry) }));
    } catch (error) {
      if (state.stopped) return;
      state.errors.set(entry.id, caseErrorText(error));
    } finally {
      state.busy.delete(entry.id);
    }
    if (state.stopped) return;
    drawPending();
    drawRecent();
  }

  async function reverseEntry(entry) {
    const reversal = await openReverseDialog(entry);
    if (!reversal || state.stopped) return;
    toast(t('cases.toast.reversed', { what: compensationText(entry) }));
    load({ quiet: true });
  }

  // ---- loading ----
  async function load({ quiet = false } = {}) {
    const token = ++state.token;
    refreshButton.disabled = true;
    if (!quiet && !state.loaded) pendingHost.replaceChildren(loadingBlock());
    try {
      const [pending, all, directory] = await Promise.all([
        api.get(`/api/v1/compensations${query({ status: 'pending' })}`),
        api.get('/api/v1/compensations'),
        loadDirectory().catch(() => null),
      ]);
      if (token !== state.token || state.stopped) return;
      state.directory = directory;
      state.pending = ((pending && pending.items) || []).slice()
        .sort((a, b) => Date.parse(a.createdAt || 0) - Date.parse(b.createdAt || 0));
      state.recent = ((all && all.items) || []).filter((e) => e.status !== 'pending');
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
        toast(caseErrorText(error), 'error');
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
