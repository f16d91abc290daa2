// The reply box: Enter sends, Shift+Enter starts a new line; emoji, images
// (uploaded first, previewed), private notes with @mentions of teammates, and
// throttled typing frames (never for notes). Messages leave through the outbox,
// so they stay pending until the server acknowledges them. The Macros button (Alt+M) offers the
// conversation macros (macros/menu.js): previewed, then applied by the server.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { toast } from '../ui.js';
import { icon } from '../icons.js';
import { agentLabel, newUuid } from './format.js';
import { emojiPicker } from './emoji.js';
import { createPhrasePicker } from './phrasepicker.js';
import { createMacroMenu } from '../macros/menu.js';
import * as outbox from './outbox.js';

const MAX_TEXT = 5000;
const MAX_FILES = 10;
const MAX_BYTES = 5 * 1024 * 1024;
const TYPING_EVERY_MS = 3000;
const TYPING_IDLE_MS = 4000;
const drafts = new Map(); // conversation id → unsent text

export function createComposer({ conversation, socket, directory }) {
  const id = conversation.id;
  const state = {
    note: false,
    uploads: [], // {key, file, preview, status: 'uploading'|'done'|'failed', upload}
    agents: [],
    mention: null, // {start, query, items, index}
    typingSentAt: 0,
    typingOn: false,
    typingTimer: null,
  };

  const input = h('textarea', {
    class: 'composer-input', rows: '3', 'data-testid': 'composer-input', maxlength: String(MAX_TEXT + 500),
    'aria-label': t('conversations.chat.composerLabel'), placeholder: t('conversations.chat.composerPlaceholder'),
  });
  input.value = drafts.get(id) || '';
  const previews = h('div', { class: 'composer-previews', 'data-testid': 'composer-previews', hidden: true });
  const mentionMenu = h('div', { class: 'popover mention-menu', role: 'listbox', 'data-testid': 'mention-menu', hidden: true });
  const counter = h('span', { class: 'composer-counter', hidden: true });
  const fileInput = h('input', {
    type: 'file', accept: 'image/png,image/jpeg,image/gif,image/webp', multiple: true, class: 'visually-hidden',
    'data-testid': 'composer-file', tabindex: '-1', 'aria-hidden': 'true',
    onchange: () => { addFiles(Array.from(fileInput.files || [])); fileInput.value = ''; },
  });
  const imageButton = h('button', {
    type: 'button', class: 'tool-btn', 'data-testid': 'composer-image', title: t('conversations.chat.attachImage'), 'aria-label': t('conversations.chat.attachImage'),
    onclick: () => fileInput.click(),
  }, icon('image'));
  const emoji = emojiPicker((e) => insertText(e));
  // Quick phrases: "/" in the draft or the toolbar button.
  const phrases = createPhrasePicker({ input, conversationId: id, onChange: () => onInput() });
  // Macros: the toolbar button or Alt+M; the thread and the header follow what the server pushes.
  const macros = createMacroMenu({ target: 'conversation', targetId: id, input, directory: () => directory });
  const sendButton = h('button', {
    type: 'button', class: 'btn btn-primary composer-send', 'data-testid': 'composer-send', onclick: () => send(),
  }, icon('send'), h('span', null, t('conversations.chat.send')));

  const modeReply = h('button', {
    type: 'button', role: 'tab', class: 'composer-mode', 'data-testid': 'composer-mode-reply', onclick: () => setNote(false),
  }, t('conversations.chat.modeReply'));
  const modeNote = h('button', {
    type: 'button', role: 'tab', class: 'composer-mode composer-mode-note', 'data-testid': 'composer-mode-note', onclick: () => setNote(true),
  }, t('conversations.chat.privateNote'));

  const el = h('div', { class: 'composer', 'data-testid': 'composer' },
    h('div', { class: 'composer-modes', role: 'tablist', 'aria-label': t('conversations.chat.composerMode') }, modeReply, modeNote,
      h('span', { class: 'composer-note-hint', 'data-testid': 'note-hint' }, t('conversations.chat.noteHint'))),
    previews,
    h('div', { class: 'composer-field' }, input, mentionMenu, phrases.el, emoji.popover),
    h('div', { class: 'composer-bar' },
      emoji.button, phrases.button, imageButton, fileInput, macros.el,
      h('span', { class: 'composer-hint' }, t('conversations.chat.enterHint')),
      counter,
      sendButton));

  directory.then((dir) => { state.agents = dir.agents.filter((a) => a.active !== false); }).catch(() => {});

  // ---- mode ----
  function setNote(on) {
    state.note = Boolean(on);
    el.classList.toggle('is-note', state.note);
    modeReply.setAttribute('aria-selected', String(!state.note));
    modeNote.setAttribute('aria-selected', String(state.note));
    input.placeholder = state.note ? t('conversations.chat.notePlaceholder') : t('conversations.chat.composerPlaceholder');
    if (state.note) stopTyping();
    closeMention();
    input.focus();
  }

  // ---- text helpers ----
  function insertText(text) {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    input.value = input.value.slice(0, start) + text + input.value.slice(end);
    const caret = start + text.length;
    input.focus();
    input.setSelectionRange(caret, caret);
    onInput();
  }

  function updateCounter() {
    const length = Array.from(input.value.trim()).length;
    counter.hidden = length < MAX_TEXT - 500;
    counter.textContent = t('conversations.chat.charCount', { count: length, max: MAX_TEXT });
    counter.classList.toggle('is-over', length > MAX_TEXT);
  }

  function canSend() {
    const uploading = state.uploads.some((u) => u.status === 'uploading');
    const ready = state.uploads.some((u) => u.status === 'done');
    const length = Array.from(input.value.trim()).length;
    return !uploading && length <= MAX_TEXT && (length > 0 || ready);
  }

  function refreshSend() {
    sendButton.disabled = !canSend();
  }

  // ---- typing ----
  function sendTyping(on) {
    state.typingOn = on;
    socket.send({ type: 'typing', conversationId: id, typing: on });
  }

  function stopTyping() {
    clearTimeout(state.typingTimer);
    state.typingTimer = null;
    if (state.typingOn) sendTyping(false);
    state.typingSentAt = 0;
  }

  function noteTyping() {
    if (state.note) return;
    if (!input.value.trim()) {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (!state.typingOn || now - state.typingSentAt > TYPING_EVERY_MS) {
      state.typingSentAt = now;
      sendTyping(true);
    }
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function onInput() {
    drafts.set(id, input.value);
    updateCounter();
    refreshSend();
    noteTyping();
    updateMention();
    phrases.update();
  }

  // ---- @mentions (notes only) ----
  function closeMention() {
    state.mention = null;
    mentionMenu.hidden = true;
    mentionMenu.replaceChildren();
  }

  function updateMention() {
    if (!state.note) { closeMention(); return; }
    const caret = input.selectionStart ?? input.value.length;
    const before = input.value.slice(0, caret);
    const match = /(^|\s)@([^\s@]*)$/.exec(before);
    if (!match) { closeMention(); return; }
    const q = match[2].toLowerCase();
    const items = state.agents.filter((a) => {
      const name = String(a.displayName || '').toLowerCase();
      return !q || name.includes(q) || String(a.agentNumber ?? '').startsWith(q) || String(a.email || '').toLowerCase().startsWith(q);
    }).slice(0, 8);
    if (!items.length) { closeMention(); return; }
    const index = state.mention && state.mention.query === q ? Math.min(state.mention.index, items.length - 1) : 0;
    state.mention = { start: caret - match[2].length - 1, query: q, items, index };
    drawMention();
  }

  function drawMention() {
    const m = state.mention;
    mentionMenu.hidden = false;
    mentionMenu.replaceChildren(h('div', { class: 'mention-head' }, t('conversations.chat.mentionHint')), ...m.items.map((a, i) => h('button', {
      type: 'button', role: 'option', class: 'mention-item', 'aria-selected': String(i === m.index),
      'data-testid': 'mention-option', 'data-agent-id': a.id,
      onmousedown: (event) => { event.preventDefault(); pickMention(i); },
    }, h('span', { class: 'mention-name' }, a.displayName), a.agentNumber !== null && a.agentNumber !== undefined
      ? h('span', { class: 'mention-number' }, agentLabel(a)) : null)));
  }

  function pickMention(index) {
    const m = state.mention;
    if (!m) return;
    const agent = m.items[index];
    const caret = input.selectionStart ?? input.value.length;
    const insert = `@${agent.displayName} `;
    input.value = input.value.slice(0, m.start) + insert + input.value.slice(caret);
    const pos = m.start + insert.length;
    input.setSelectionRange(pos, pos);
    closeMention();
    input.focus();
    drafts.set(id, input.value);
    refreshSend();
  }

  // ---- keys ----
  input.addEventListener('keydown', (event) => {
    if (macros.handleKey(event)) return;
    if (phrases.handleKey(event)) return;
    if (state.mention) {
      const m = state.mention;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        m.index = (m.index + (event.key === 'ArrowDown' ? 1 : m.items.length - 1)) % m.items.length;
        drawMention();
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.isComposing) {
        event.preventDefault();
        pickMention(m.index);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        closeMention();
        return;
      }
    }
    // Enter sends; Shift+Enter is a new line; Enter that confirms an IME candidate is not a send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      send();
    }
  });
  input.addEventListener('input', onInput);
  input.addEventListener('click', () => { updateMention(); phrases.update(); });
  input.addEventListener('blur', () => setTimeout(() => {
    if (document.activeElement !== input) closeMention();
    if (document.activeElement !== input && !phrases.el.contains(document.activeElement)) phrases.close();
  }, 150));
  input.addEventListener('paste', (event) => {
    const files = Array.from((event.clipboardData && event.clipboardData.files) || []).filter((f) => /^image\//.test(f.type));
    if (files.length) {
      event.preventDefault();
      addFiles(files);
    }
  });

  // ---- images ----
  function drawPreviews() {
    previews.hidden = !state.uploads.length;
    previews.replaceChildren(...state.uploads.map((u) => h('div', {
      class: ['upload-chip', `is-${u.status}`], 'data-testid': 'upload-preview', 'data-status': u.status,
      title: u.status === 'failed' ? (u.error || '') : u.file.name,
    },
    h('img', { src: u.preview, alt: u.file.name || t('conversations.chat.image') }),
    u.status === 'uploading' ? h('span', { class: 'upload-spinner', 'aria-label': t('conversations.chat.uploading') }) : null,
    u.status === 'failed' ? h('span', { class: 'upload-failed' }, t('conversations.chat.uploadFailed')) : null,
    h('button', {
      type: 'button', class: 'upload-remove', 'aria-label': t('conversations.chat.removeImage'), title: t('conversations.chat.removeImage'),
      onclick: () => removeUpload(u.key),
    }, '\u00d7'))));
    refreshSend();
  }

  function removeUpload(key) {
    const index = state.uploads.findIndex((u) => u.key === key);
    if (index < 0) return;
    const [u] = state.uploads.splice(index, 1);
    URL.revokeObjectURL(u.preview);
    drawPreviews();
  }

  function addFiles(files) {
    for (const file of files) {
      if (state.uploads.length >= MAX_FILES) {
        toast(t('conversations.chat.tooManyImages', { max: MAX_FILES }), 'error');
        break;
      }
      if (!/^image\/(png|jpeg|gif|webp)$/i.test(file.type)) {
        toast(t('conversations.chat.imageTypeInvalid'), 'error');
        continue;
      }
      if (file.size > MAX_BYTES) {
        toast(t('conversations.chat.imageTooLarge', { size: 5 }), 'error');
        continue;
      }
      const u = { key: newUuid(), file, preview: URL.createObjectURL(file), status: 'uploading', upload: null, error: '' };
      state.uploads.push(u);
      api.upload('/api/v1/uploads', file).then((upload) => {
        u.upload = upload;
        u.status = 'done';
      }).catch((error) => {
        u.status = 'failed';
        u.error = errorText(error);
        toast(errorText(error), 'error');
      }).finally(drawPreviews);
    }
    drawPreviews();
    input.focus();
  }

  // ---- send ----
  function send() {
    if (!canSend()) return;
    const text = input.value.trim();
    const done = state.uploads.filter((u) => u.status === 'done');
    const frame = { type: 'message.send', clientMessageId: newUuid(), conversationId: id, text };
    if (done.length) frame.attachments = done.map((u) => u.upload.id);
    if (state.note) frame.private = true;
    outbox.enqueue(frame, { previews: done.map((u) => u.preview), attachments: done.map((u) => u.upload) });
    // Failed uploads stay for the agent to remove; sent ones leave the tray.
    state.uploads = state.uploads.filter((u) => u.status !== 'done');
    drawPreviews();
    input.value = '';
    drafts.delete(id);
    stopTyping();
    closeMention();
    phrases.close();
    updateCounter();
    refreshSend();
    input.focus();
  }

  setNote(false);
  updateCounter();
  refreshSend();

  return {
    el,
    focus: () => input.focus(),
    /** Adds `text` after the draft (on a new line) and focuses the box; never sends. */
    append(text) {
      const value = String(text || '').trim();
      if (!value) return;
      const draft = input.value.replace(/\s+$/, '');
      input.value = draft ? `${draft}\n${value}` : value;
      const caret = input.value.length;
      input.focus();
      input.setSelectionRange(caret, caret);
      input.scrollTop = input.scrollHeight;
      onInput();
    },
    /** Opens the quick-phrase picker (as its toolbar button does). */
    openPhrases: () => phrases.open(),
    destroy() {
      stopTyping();
      closeMention();
      phrases.destroy();
      macros.destroy();
      emoji.close();
      for (const u of state.uploads) URL.revokeObjectURL(u.preview);
    },
  };
}
