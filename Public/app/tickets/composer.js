// The composer under a ticket's timeline: a public reply (sent to the customer in the
// ticket's latest linked conversation) or a private note, and "submit as": send and leave the
// ticket pending on the customer, on hold or solved in one step (Zendesk's submit-as).
// A ticket without a conversation takes notes only, except a web form's: its public replies
// are read by the customer on the form's look-up. Ctrl/Cmd+Enter sends. The page may put tools
// at the start of the bar (the Macros button) and see the box's keys first (its Alt+M).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { dismissable } from '../ui.js';
import { statusLabel } from './shared.js';

const MAX_TEXT = 5000;
// The statuses offered after a message, in the order of the menu.
const SUBMIT_AS = ['open', 'pending', 'on_hold', 'solved'];

/**
 * onSubmit({kind, text, status}) sends (a Promise; rejected: the text stays for another try);
 * tools: elements at the start of the bar; onKey(event) → true when it used a key of the box.
 * Returns {el, update(ticket), focus(), destroy()}.
 */
export function createTicketComposer({ onSubmit, tools = [], onKey = null }) {
  const state = { kind: 'reply', ticket: null, busy: false };
  const input = h('textarea', {
    class: 'tk-composer-input', 'data-testid': 'ticket-composer-input', rows: '3', maxlength: String(MAX_TEXT),
    'aria-label': t('tickets.composer.label'),
  });
  const hint = h('span', { class: 'tk-composer-hint', 'data-testid': 'ticket-composer-hint' });
  const modes = h('div', { class: 'tk-composer-modes', role: 'tablist', 'aria-label': t('tickets.composer.label') });
  const submit = h('button', { type: 'button', class: 'btn btn-primary tk-submit', 'data-testid': 'ticket-submit', onclick: () => send(null) });
  const caret = h('button', {
    type: 'button', class: 'btn btn-primary tk-submit-caret', 'data-testid': 'ticket-submit-as', 'aria-haspopup': 'menu',
    'aria-label': t('tickets.composer.submitAs'), title: t('tickets.composer.submitAs'), onclick: () => menu.toggle(),
  }, h('span', { 'aria-hidden': 'true' }, '\u25be'));
  const menuBox = h('div', { class: 'popover tk-submit-menu', role: 'menu', 'data-testid': 'ticket-submit-menu', hidden: true });
  const menu = dismissable(menuBox, caret);
  const counter = h('span', { class: 'tk-composer-counter muted' });
  const el = h('div', { class: 'tk-composer', 'data-testid': 'ticket-composer' },
    modes,
    input,
    h('div', { class: 'tk-composer-bar' },
      tools,
      hint,
      counter,
      h('div', { class: 'tk-submit-group popover-anchor' }, submit, caret, menuBox)));

  function hasConversation() {
    return Boolean(state.ticket && (state.ticket.links || []).some((l) => l.conversationId));
  }

  /** A web form's ticket takes public replies without a chat: the customer reads them on the form's look-up. */
  function canReply() {
    return hasConversation() || Boolean(state.ticket && state.ticket.source === 'form');
  }

  /** The statuses "submit as" offers now: those the ticket may move to (and "open" after a reply of a new one). */
  function submitTargets() {
    const ticket = state.ticket;
    if (!ticket) return [];
    const next = ticket.nextStatuses || [];
    return SUBMIT_AS.filter((s) => s !== ticket.status && next.includes(s));
  }

  function draw() {
    const reply = state.kind === 'reply';
    el.classList.toggle('is-note', !reply);
    modes.replaceChildren(
      h('button', {
        type: 'button', role: 'tab', class: 'tk-composer-mode', 'data-testid': 'ticket-mode-reply', 'aria-selected': String(reply),
        disabled: !canReply(), title: canReply() ? '' : t('tickets.composer.noConversation'), onclick: () => setKind('reply'),
      }, t('tickets.composer.reply')),
      h('button', {
        type: 'button', role: 'tab', class: 'tk-composer-mode tk-composer-mode-note', 'data-testid': 'ticket-mode-note',
        'aria-selected': String(!reply), onclick: () => setKind('note'),
      }, t('tickets.composer.note')));
    hint.textContent = reply ? (hasConversation() ? t('tickets.composer.replyHint') : t('forms.ticket.replyHint'))
      : (canReply() ? t('tickets.composer.noteHint') : t('tickets.composer.noConversation'));
    input.placeholder = reply ? t('tickets.composer.replyPlaceholder') : t('tickets.composer.notePlaceholder');
    submit.textContent = reply ? t('tickets.composer.sendReply') : t('tickets.composer.addNote');
    const targets = submitTargets();
    caret.hidden = !targets.length;
    submit.classList.toggle('has-caret', targets.length > 0);
    menuBox.replaceChildren(h('div', { class: 'tk-submit-menu-head' }, t('tickets.composer.submitAs')),
      ...targets.map((status) => h('button', {
        type: 'button', role: 'menuitem', class: 'tk-submit-option', 'data-testid': `ticket-submit-as-${status}`,
        onclick: () => { menu.close(); send(status); },
      }, h('span', { class: ['tk-dot', `tk-dot-${status}`], 'aria-hidden': 'true' }),
      reply ? t('tickets.composer.replyAs', { status: statusLabel(status) }) : t('tickets.composer.noteAs', { status: statusLabel(status) }))));
    drawBusy();
  }

  function drawBusy() {
    const empty = !input.value.trim();
    submit.disabled = state.busy || empty;
    caret.disabled = state.busy || empty;
    input.readOnly = state.busy;
    el.setAttribute('aria-busy', state.busy ? 'true' : 'false');
    const length = input.value.length;
    counter.textContent = length > MAX_TEXT * 0.8 ? `${length}/${MAX_TEXT}` : '';
  }

  function setKind(kind) {
    if (kind === 'reply' && !canReply()) return;
    state.kind = kind;
    draw();
    input.focus();
  }

  async function send(status) {
    const text = input.value.trim();
    if (!text || state.busy) return;
    state.busy = true;
    drawBusy();
    try {
      await onSubmit({ kind: state.kind, text, status });
      input.value = '';
    } catch {
      // The page showed the error; the text stays for another try.
    } finally {
      state.busy = false;
      drawBusy();
    }
  }

  input.addEventListener('input', drawBusy);
  input.addEventListener('keydown', (event) => {
    if (onKey && onKey(event)) return;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault();
      send(null);
    }
  });

  return {
    el,
    update(ticket) {
      state.ticket = ticket;
      if (state.kind === 'reply' && !canReply()) state.kind = 'note';
      draw();
    },
    focus: () => input.focus(),
    destroy: () => menu.close(),
  };
}
