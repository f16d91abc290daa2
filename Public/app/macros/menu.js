// The Macros button of a reply box (the conversation's composer, a ticket's) and its small menu: the
// macros the member may use on this kind of object (the shared ones and their own, by name), a
// filter box, ↑ / ↓ to move, Enter to choose, Esc to close; Alt+M opens it from the reply box and
// Alt+1 … Alt+9 choose one of the first nine shown at once. Choosing one opens its preview
// (macros/preview.js), where it is applied.
// API: GET /api/v1/macros?target=conversation|ticket.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { macrosApi, onMacrosChanged, scopeBadge, stepSummary, macroErrorText } from './shared.js';
import { openPreview } from './preview.js';

const CACHE_MS = 30000;
const HINTED = 9;

// One cache per kind of object for every reply box.
const cache = new Map(); // target → {at, promise}
onMacrosChanged(() => cache.clear());

function load(target) {
  const hit = cache.get(target);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.promise;
  const promise = macrosApi.list(target).then((data) => (data && data.items) || []);
  cache.set(target, { at: Date.now(), promise });
  promise.catch(() => cache.delete(target));
  return promise;
}

/** The digit of Alt+1 … Alt+9 (by the key's place, whatever the layout types), or 0. */
function altDigit(event) {
  if (!event.altKey || event.ctrlKey || event.metaKey) return 0;
  const m = /^Digit([1-9])$/.exec(event.code || '') || /^Numpad([1-9])$/.exec(event.code || '');
  return m ? Number(m[1]) : 0;
}

function isAltM(event) {
  return event.altKey && !event.ctrlKey && !event.metaKey && (event.code === 'KeyM' || String(event.key).toLowerCase() === 'm');
}

/**
 * target: 'conversation' | 'ticket'; targetId: the object's id; input: the reply box (the focus
 * goes back to it); directory(): a Promise of the members (names in the preview);
 * onApplied(result): after a macro was applied.
 * Returns {el (the button and its menu), button, handleKey(event) → handled, open(), close(), destroy()}.
 */
export function createMacroMenu({ target, targetId, input = null, directory = null, onApplied = () => {} }) {
  const state = { open: false, items: [], shown: [], index: 0, loaded: false, error: null, token: 0, previewing: false, members: null };
  const members = () => Promise.resolve(typeof directory === 'function' ? directory() : directory).catch(() => null);
  const uid = Math.random().toString(36).slice(2);

  const search = h('input', {
    type: 'search', class: 'mac-menu-search', 'data-testid': 'macros-menu-search', autocomplete: 'off',
    placeholder: t('macros.menu.search'), 'aria-label': t('macros.menu.search'), 'aria-controls': `mac-menu-list-${uid}`,
  });
  const list = h('div', { class: 'mac-menu-list', role: 'listbox', id: `mac-menu-list-${uid}`, 'aria-label': t('macros.menu.label') });
  const menu = h('div', { class: 'popover mac-menu', 'data-testid': 'macros-menu', 'data-target': target, hidden: true },
    h('div', { class: 'mac-menu-head' },
      h('span', { class: 'mac-menu-title' }, t(`macros.menu.title.${target}`)),
      h('span', { class: 'mac-menu-keys muted' }, t('macros.menu.keys'))),
    search,
    list,
    h('div', { class: 'mac-menu-foot' },
      h('a', { href: '#/macros', class: 'mac-menu-manage', 'data-testid': 'macros-menu-manage' }, t('macros.menu.manage'))));
  const button = h('button', {
    type: 'button', class: 'tool-btn mac-tool', 'data-testid': 'macros-open', 'aria-haspopup': 'listbox', 'aria-expanded': 'false',
    title: t('macros.menu.buttonTitle'), 'aria-keyshortcuts': 'Alt+M',
    onclick: (event) => { event.stopPropagation(); if (state.open) close(); else open(); },
  }, icon('macro'), h('span', { class: 'mac-tool-label' }, t('macros.menu.button')));
  const el = h('span', { class: 'popover-anchor mac-anchor' }, button, menu);

  // ---- data ----
  async function fetchItems() {
    const token = ++state.token;
    try {
      const [items, dir] = await Promise.all([load(target), members()]);
      if (token !== state.token) return;
      state.items = items;
      state.members = dir;
      state.error = null;
    } catch (error) {
      if (token !== state.token) return;
      state.items = [];
      state.error = error;
    }
    state.loaded = true;
    filter();
  }

  function filter() {
    const q = search.value.trim().toLowerCase();
    state.shown = q ? state.items.filter((m) => String(m.name).toLowerCase().includes(q)) : state.items.slice();
    state.index = Math.min(state.index, Math.max(0, state.shown.length - 1));
    draw();
  }

  // ---- drawing ----
  function itemNode(macro, i) {
    const steps = (macro.actions || []).map((s) => stepSummary(s, target, state.members)).join(t('macros.stepSeparator'));
    return h('button', {
      type: 'button', role: 'option', class: 'mac-menu-item', id: `mac-menu-${uid}-${i}`, tabindex: '-1',
      'aria-selected': String(i === state.index), 'data-testid': 'macros-menu-item', 'data-macro-id': macro.id, 'data-name': macro.name,
      onmousedown: (event) => event.preventDefault(),
      onmousemove: () => { if (state.index !== i) { state.index = i; mark(); } },
      onclick: () => choose(i),
    },
    h('span', { class: 'mac-menu-item-top' },
      h('span', { class: 'mac-menu-name' }, macro.name),
      scopeBadge(macro),
      i < HINTED ? h('kbd', { class: 'mac-kbd', 'data-testid': 'macros-menu-key', title: t('macros.menu.keyTitle', { n: i + 1 }) }, t('macros.menu.key', { n: i + 1 })) : null),
    h('span', { class: 'mac-menu-steps' }, steps));
  }

  function mark() {
    Array.from(list.children).forEach((node, i) => {
      if (node.classList.contains('mac-menu-item')) node.setAttribute('aria-selected', String(i === state.index));
    });
    const current = list.children[state.index];
    if (current && current.classList.contains('mac-menu-item')) {
      current.scrollIntoView({ block: 'nearest' });
      search.setAttribute('aria-activedescendant', current.id);
    } else {
      search.removeAttribute('aria-activedescendant');
    }
  }

  function draw() {
    if (state.error) {
      list.replaceChildren(h('div', { class: 'mac-menu-empty inline-error', 'data-testid': 'macros-menu-error' }, macroErrorText(state.error)));
    } else if (!state.loaded) {
      list.replaceChildren(h('div', { class: 'mac-menu-empty muted' }, t('app.common.loading')));
    } else if (!state.shown.length) {
      const q = search.value.trim();
      list.replaceChildren(h('div', { class: 'mac-menu-empty muted', 'data-testid': 'macros-menu-empty' },
        q ? t('macros.menu.noMatch', { query: q }) : t(`macros.menu.none.${target}`)));
    } else {
      list.replaceChildren(...state.shown.map(itemNode));
      mark();
    }
  }

  // ---- open / close ----
  function outside(event) {
    if (menu.contains(event.target) || button.contains(event.target)) return;
    close();
  }

  function open() {
    if (state.open) { search.focus(); return; }
    state.open = true;
    state.index = 0;
    search.value = '';
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    document.addEventListener('mousedown', outside, true);
    if (!state.loaded) draw();
    else filter();
    fetchItems();
    search.focus();
  }

  function close({ refocus = false } = {}) {
    if (!state.open) return;
    state.open = false;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    search.removeAttribute('aria-activedescendant');
    document.removeEventListener('mousedown', outside, true);
    if (refocus) (input || button).focus();
  }

  function move(step) {
    if (!state.shown.length) return;
    state.index = (state.index + step + state.shown.length) % state.shown.length;
    mark();
  }

  // ---- choosing: the preview ----
  async function preview(macro) {
    if (!macro || state.previewing) return;
    state.previewing = true;
    close();
    try {
      const result = await openPreview({ macro, target, targetId, directory: members });
      if (result) onApplied(result);
    } finally {
      state.previewing = false;
      (input || button).focus();
    }
  }

  function choose(index) {
    preview(state.shown[index]);
  }

  /** Alt+N from the reply box while the menu is shut: the N-th macro as the menu lists it unfiltered. */
  async function chooseNth(n) {
    try {
      const items = await load(target);
      if (items[n - 1]) preview(items[n - 1]);
    } catch {
      open(); // the menu shows why
    }
  }

  /** The keys of the menu's own box (and of the reply box while the menu is open). */
  function menuKey(event) {
    if (event.isComposing || event.keyCode === 229) return false;
    const digit = altDigit(event);
    if (digit) {
      event.preventDefault();
      if (state.shown[digit - 1]) choose(digit - 1);
      return true;
    }
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        event.preventDefault();
        move(event.key === 'ArrowDown' ? 1 : -1);
        return true;
      case 'Enter':
        event.preventDefault();
        if (state.shown.length) choose(state.index);
        return true;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        close({ refocus: true });
        return true;
      default:
        return false;
    }
  }

  /** The reply box's keydown: Alt+M opens the menu, Alt+1 … Alt+9 choose; true when used. */
  function handleKey(event) {
    if (event.isComposing || event.keyCode === 229) return false;
    if (isAltM(event)) {
      event.preventDefault();
      open();
      return true;
    }
    if (state.open) return menuKey(event);
    const digit = altDigit(event);
    if (digit) {
      event.preventDefault();
      chooseNth(digit);
      return true;
    }
    return false;
  }

  search.addEventListener('input', () => { state.index = 0; filter(); });
  search.addEventListener('keydown', (event) => {
    if (isAltM(event)) { event.preventDefault(); return; }
    menuKey(event);
  });

  return {
    el,
    button,
    handleKey,
    open,
    close: () => close(),
    get isOpen() { return state.open; },
    destroy() {
      state.token += 1;
      close();
    },
  };
}
