// Telling the agent something new arrived: "(3) Kefu" in the tab title, the
// unread badges in the navigation, and a short chime made with WebAudio
// (no audio files).
import { t, onLocaleChange } from '../i18n.js';

let total = 0;
let audio = null;
let lastChime = 0;

/** The title for `count` unread messages. */
export function titleFor(count) {
  const base = t('app.title');
  return count > 0 ? t('conversations.chat.titleUnread', { count: count > 99 ? '99+' : count, title: base }) : base;
}

function applyBadges() {
  document.title = titleFor(total);
  for (const el of document.querySelectorAll('[data-unread-badge]')) {
    el.textContent = total > 99 ? '99+' : String(total);
    el.hidden = total <= 0;
    el.setAttribute('aria-label', t('conversations.chat.unreadTotal', { count: total }));
  }
}

export function unreadTotal() {
  return total;
}

export function setUnreadTotal(count) {
  total = Math.max(0, count | 0);
  applyBadges();
}

/** Re-applies the badges after the shell was drawn again. */
export function refreshBadges() {
  applyBadges();
}

onLocaleChange(() => applyBadges());

// Browsers start audio only after the user touched the page once: unlock on the first gesture.
function unlock() {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    if (!audio) audio = new Ctx();
    if (audio.state === 'suspended') audio.resume().catch(() => {});
  } catch {
    audio = null;
  }
}
for (const type of ['pointerdown', 'keydown']) {
  window.addEventListener(type, unlock, { capture: true, passive: true });
}

/** Two soft rising notes, about a quarter of a second. */
export function chime() {
  const now = Date.now();
  if (now - lastChime < 1200) return;
  lastChime = now;
  try {
    if (!audio) unlock();
    if (!audio || audio.state !== 'running') return;
    const start = audio.currentTime + 0.01;
    const gain = audio.createGain();
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.18, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.32);
    gain.connect(audio.destination);
    [[880, 0], [1320, 0.11]].forEach(([freq, offset]) => {
      const osc = audio.createOscillator();
      osc.type = 'sine';
      osc.frequency.setValueAtTime(freq, start + offset);
      osc.connect(gain);
      osc.start(start + offset);
      osc.stop(start + offset + 0.2);
    });
  } catch {
    // Sound is a nicety; never let it break the page.
  }
}
