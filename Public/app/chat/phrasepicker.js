// The quick-phrase picker of the reply box. Typing "/" at the start of the draft or
// after a space opens it, filtered by what follows the slash (GET /api/v1/quick-phrases?q=);
// the toolbar button opens it with its own search box. Up / Down move, Enter or Tab
// insert, Escape closes; the mouse works too. Inserting asks the server for the text
// with the conversation's variables filled (POST …/{id}/use) and puts it in place of
// the "/query" (or at the caret when opened from the button).
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { toast } from '../ui.js';
import { icon } from '../icons.js';
import { phrasesApi, onPhrasesChanged, shortcutText, scopeLabel } from '../phrases/shared.js';

const FETCH_DELAY_MS = 120;
const CACHE_MS = 30000;
const MAX_ITEMS = 50;
const SLASH = /(^|\s)\/([^\s/]*)$/;

// One cache for every composer: the same phrases serve every conversation.
const cache = new Map(); // q → {at, items}
onPhrasesChanged(() => cache.clear());

/**
 * input: the composer's <textarea>; conversationId: for the variables;
 * onChange(): the draft changed (counter, send button, saved draft).
 * Returns {el, button, handleKey(event) → handled, update(), close(), destroy()}.
 */
export function createPhrasePicker({ input, conversationId, onChange }) {
  const state = {
    open: false,
    mode: 'slash', // 'slash': the "/query" in the draft; 'button': the picker's own search box
    query: '',
    start: -1, // where the "/" is (slash mode)
    selection: null, // [start, end] of the draft when opened from the button
    items: [],
    index: 0,
    loaded: false,
    error: null,
    token: 0,
    timer: null,
    using: false,
    dismissed: -1, // the "/" the agent closed with Escape: stays closed until retyped
  };

  const searchBox = h('input', {
    type: 'search', class: 'qp-picker-search', 'data-testid': 'qp-picker-search', autocomplete: 'off',
    placeholder: t('phrases.pickerSearch'), 'aria-label': t('phrases.pickerSearch'),
  });
  const list = h('div', { class: 'qp-picker-list', role: 'listbox', id: `qp-picker-list-${Math.random().toString(36).slice(2)}`, 'aria-label': t('phrases.pickerTitle') });
  const head = h('div', { class: 'qp-picker-head' },
    h('span', { class: 'qp-picker-title' }, t('phrases.pickerTitle')),
    h('span', { class: 'qp-picker-keys muted' }, t('phrases.pickerKeys')));
  const foot = h('div', { class: 'qp-picker-foot' },
    h('a', { href: '#/phrases', class: 'qp-picker-manage', 'data-testid': 'qp-picker-manage' }, t('phrases.pickerManage')));
  const el = h('div', { class: 'popover qp-picker', 'data-testid': 'qp-picker', hidden: true }, head, searchBox, list, foot);
  const button = h('button', {
    type: 'button', class: 'tool-btn', 'data-testid': 'qp-picker-button', title: t('phrases.pickerButton'), 'aria-label': t('phrases.pickerButton'),
    'aria-haspopup': 'listbox', 'aria-expanded': 'false',
    onclick: (event) => { event.stopPropagation(); if (state.open && state.mode === 'button') close(); else openFromButton(); },
  }, icon('bolt'));

  // ---- data ----
  function fetchItems() {
    clearTimeout(state.timer);
    const q = state.query;
    const hit = cache.get(q);
    if (hit && Date.now() - hit.at < CACHE_MS) {
      setItems(hit.items, null);
      return;
    }
    const token = ++state.token;
    state.timer = setTimeout(async () => {
      try {
        const data = await phrasesApi.list({ q });
        const items = ((data && data.items) || []).slice(0, MAX_ITEMS);
        cache.set(q, { at: Date.now(), items });
        if (token === state.token && state.open) setItems(items, null);
      } catch (error) {
        if (token === state.token && state.open) setItems([], error);
      }
    }, hit ? 0 : FETCH_DELAY_MS);
  }

  function setItems(items, error) {
    state.items = items;
    state.error = error;
    state.loaded = true;
    state.index = Math.min(state.index, Math.max(0, items.length - 1));
    draw();
  }

  // ---- drawing ----
  function itemNode(p, i) {
    const meta = [p.category, scopeLabel(p.scope)].filter(Boolean).join(' \u00b7 ');
    return h('button', {
      type: 'button', role: 'option', class: 'qp-picker-item', id: `${list.id}-${i}`, tabindex: '-1',
      'aria-selected': String(i === state.index), 'data-testid': 'qp-picker-item', 'data-phrase-id': p.id, 'data-shortcut': p.shortcut || '',
      onmousedown: (event) => event.preventDefault(),
      onmousemove: () => { if (state.index !== i) { state.index = i; markSelected(); } },
      onclick: () => pick(i),
    },
    h('span', { class: 'qp-picker-item-top' },
      p.shortcut ? h('code', { class: 'qp-shortcut-code' }, shortcutText(p)) : null,
      h('span', { class: 'qp-picker-meta muted' }, meta)),
    h('span', { class: 'qp-picker-text' }, p.text));
  }

  function markSelected() {
    Array.from(list.children).forEach((node, i) => {
      if (node.classList.contains('qp-picker-item')) node.setAttribute('aria-selected', String(i === state.index));
    });
    const current = list.children[state.index];
    if (current && current.classList.contains('qp-picker-item')) {
      current.scrollIntoView({ block: 'nearest' });
      input.setAttribute('aria-activedescendant', current.id);
      searchBox.setAttribute('aria-activedescendant', current.id);
    }
  }

  function draw() {
    el.classList.toggle('is-busy', state.using);
    if (state.error) {
      list.replaceChildren(h('div', { class: 'qp-picker-empty inline-error' }, errorText(state.error)));
    } else if (!state.loaded) {
      list.replaceChildren(h('div', { class: 'qp-picker-empty muted' }, t('app.common.loading')));
    } else if (!state.items.length) {
      list.replaceChildren(h('div', { class: 'qp-picker-empty muted', 'data-testid': 'qp-picker-empty' },
        state.query ? t('phrases.pickerNoMatch', { query: state.query }) : t('phrases.pickerNone')));
    } else {
      list.replaceChildren(...state.items.map(itemNode));
      markSelected();
    }
  }

  // ---- open / close ----
  function show(mode) {
    const wasOpen = state.open;
    state.open = true;
    state.mode = mode;
    el.hidden = false;
    el.classList.toggle('is-button', mode === 'button');
    searchBox.hidden = mode !== 'button';
    button.setAttribute('aria-expanded', String(mode === 'button'));
    input.setAttribute('aria-controls', list.id);
    if (!wasOpen) {
      state.index = 0;
      state.loaded = false;
      document.addEventListener('mousedown', outside, true);
    }
  }

  function close() {
    if (!state.open) return;
    state.open = false;
    state.token += 1;
    clearTimeout(state.timer);
    el.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    input.removeAttribute('aria-controls');
    document.removeEventListener('mousedown', outside, true);
  }

  function outside(event) {
    if (el.contains(event.target) || button.contains(event.target) || event.target === input) return;
    close();
  }

  function openFromButton() {
    state.selection = [input.selectionStart ?? input.value.length, input.selectionEnd ?? input.value.length];
    state.query = '';
    searchBox.value = '';
    show('button');
    draw();
    fetchItems();
    searchBox.focus();
  }

  /** Looks at the draft before the caret: a "/query" there opens (or filters) the picker. */
  function update() {
    if (state.open && state.mode === 'button') return;
    const caret = input.selectionStart ?? input.value.length;
    if (input.selectionEnd !== null && input.selectionEnd !== caret) { close(); return; }
    const match = SLASH.exec(input.value.slice(0, caret));
    if (!match) {
      state.dismissed = -1;
      close();
      return;
    }
    const start = caret - match[2].length - 1;
    if (start === state.dismissed) return;
    const query = match[2];
    const changed = !state.open || query !== state.query || start !== state.start;
    state.start = start;
    state.query = query;
    show('slash');
    if (changed) {
      state.index = 0;
      draw();
      fetchItems();
    }
  }

  function move(step) {
    if (!state.items.length) return;
    state.index = (state.index + step + state.items.length) % state.items.length;
    markSelected();
  }

  // ---- inserting ----
  async function pick(index) {
    const phrase = state.items[index];
    if (!phrase || state.using) return;
    state.using = true;
    draw();
    let text;
    try {
      const answer = await phrasesApi.use(phrase.id, conversationId);
      text = answer && typeof answer.text === 'string' ? answer.text : phrase.text;
      cache.clear(); // the usage count (and so the order) changed
    } catch (error) {
      state.using = false;
      draw();
      toast(errorText(error), 'error');
      return;
    }
    state.using = false;
    const mode = state.mode;
    const token = `/${state.query}`;
    let from;
    let to;
    if (mode === 'slash' && input.value.slice(state.start, state.start + token.length) === token) {
      from = state.start;
      to = state.start + token.length;
    } else if (mode === 'button' && state.selection) {
      [from, to] = state.selection;
    } else {
      from = input.selectionStart ?? input.value.length;
      to = input.selectionEnd ?? from;
    }
    from = Math.min(from, input.value.length);
    to = Math.min(Math.max(to, from), input.value.length);
    close();
    state.dismissed = -1;
    input.value = input.value.slice(0, from) + text + input.value.slice(to);
    const caret = from + text.length;
    input.focus();
    input.setSelectionRange(caret, caret);
    if (onChange) onChange();
  }

  /** The composer's keydown: true when the picker used the key. */
  function handleKey(event) {
    if (!state.open || event.isComposing || event.keyCode === 229) return false;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        if (!state.items.length) return false;
        event.preventDefault();
        move(event.key === 'ArrowDown' ? 1 : -1);
        return true;
      case 'Enter':
      case 'Tab':
        if (event.shiftKey || !state.items.length) return false;
        event.preventDefault();
        pick(state.index);
        return true;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        if (state.mode === 'slash') state.dismissed = state.start;
        close();
        input.focus();
        return true;
      default:
        return false;
    }
  }

  searchBox.addEventListener('input', () => {
    state.query = searchBox.value.trim();
    state.index = 0;
    fetchItems();
  });
  searchBox.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !state.items.length) { event.preventDefault(); return; }
    handleKey(event);
  });

  return {
    el,
    button,
    handleKey,
    update,
    close,
    get isOpen() { return state.open; },
    /** Opens the picker as the toolbar button does. */
    open: openFromButton,
    destroy() {
      close();
    },
  };
}
