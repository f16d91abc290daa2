// The notices automation rules send into the workbench (a "notify" action): the agent socket's
// {"type": "automation.notice", ruleId, ruleName, targetType, targetId, text, at} frame becomes a
// card in the corner, on whatever page the member is, that opens the conversation or ticket when
// clicked. A card goes by itself after a while (not while the pointer is on it) or with ×.
// main.js hands every new socket to watchNotices().
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { targetHref, targetTypeLabel } from './shared.js';

const SHOWN_MS = 15000;
const MAX_SHOWN = 4;

let watched = null;
let off = null;

function noticeHost() {
  let host = document.getElementById('automation-notices');
  if (!host) {
    host = h('div', { id: 'automation-notices', class: 'auto-notices', 'aria-live': 'polite', 'data-testid': 'automation-notices' });
    document.body.appendChild(host);
  }
  return host;
}

/** Shows one notice; returns its element. */
export function showNotice(frame) {
  const host = noticeHost();
  const type = frame.targetType === 'ticket' ? 'ticket' : 'conversation';
  let timer = null;
  const dismiss = () => {
    clearTimeout(timer);
    card.classList.add('is-leaving');
    setTimeout(() => card.remove(), 200);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(dismiss, SHOWN_MS);
  };
  const card = h('div', {
    class: 'auto-notice', role: 'status', 'data-testid': 'automation-notice',
    'data-rule-id': frame.ruleId || '', 'data-target-type': type, 'data-target-id': frame.targetId || '',
    onmouseenter: () => clearTimeout(timer), onmouseleave: arm,
  },
  h('a', {
    class: 'auto-notice-body', href: frame.targetId ? targetHref(type, frame.targetId) : '#/automation', 'data-testid': 'automation-notice-open',
    onclick: () => dismiss(),
  },
  h('span', { class: 'auto-notice-head' },
    h('span', { class: 'auto-notice-kicker' }, t('automation.notice.kicker')),
    h('span', { class: 'auto-notice-rule', 'data-testid': 'automation-notice-rule' }, frame.ruleName || ''),
    frame.at ? h('span', { class: 'auto-notice-time' }, formatDateTime(frame.at)) : null),
  h('span', { class: 'auto-notice-text', 'data-testid': 'automation-notice-text' }, frame.text || ''),
  h('span', { class: 'auto-notice-link' }, t('automation.notice.open', { type: targetTypeLabel(type) }))),
  h('button', {
    type: 'button', class: 'auto-notice-close', 'data-testid': 'automation-notice-close',
    'aria-label': t('app.common.close'), title: t('app.common.close'), onclick: () => dismiss(),
  }, '\u00d7'));
  host.appendChild(card);
  while (host.children.length > MAX_SHOWN) host.firstElementChild.remove();
  arm();
  return card;
}

/** Listens to `socket` (the member's agent socket) for notices; idempotent per socket. */
export function watchNotices(socket) {
  if (!socket || socket === watched) return;
  if (off) off();
  // A new socket is a new sign-in: what the previous member was told goes.
  const host = document.getElementById('automation-notices');
  if (host) host.replaceChildren();
  watched = socket;
  off = socket.on('automation.notice', (frame) => { if (frame) showNotice(frame); });
}
