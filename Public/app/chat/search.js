// Message search above the conversation list: finds messages (newest first) in the
// conversations this member may see (GET /api/v1/messages/search). While a search is on,
// its hits replace the list; a hit opens its conversation at that message.
// Message text only reaches the page through text nodes (highlight() below).
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, errorDetail, formatDateTime } from '../i18n.js';
import { icon } from '../icons.js';
import { liveSearch } from '../ui.js';
import { avatar, contactName, relativeTime } from './format.js';

const PAGE = 30;
const MAX_QUERY = 200;
const SNIPPET_LEAD = 16; // characters kept before the first match when the text is cut

// ---- highlighting --------------------------------------------------------------------

const CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u;
const HANGUL = /\p{sc=Hangul}/u;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/** Folds one character for matching: full-width → half-width (NFKC), then lower case. */
function foldChar(ch) {
  return ch.normalize('NFKC').toLowerCase();
}

/**
 * The words of a query to mark, folded: the query split at whitespace and punctuation,
 * and where Chinese/Japanese or Korean meets other letters ("XL" + a Chinese character
 * gives two words), as the server splits it.
 */
export function queryWords(q) {
  const words = new Set();
  let word = '';
  let kind = '';
  const flush = () => { if (word) words.add(word); word = ''; };
  for (const ch of Array.from(String(q || '')).map(foldChar).join('')) {
    const k = CJK.test(ch) ? 'cjk' : HANGUL.test(ch) ? 'hangul' : WORD_CHAR.test(ch) ? 'word' : '';
    if (k !== kind) flush();
    kind = k;
    if (k) word += ch;
  }
  flush();
  return Array.from(words);
}

/**
 * Where the words occur in `text`: merged [start, end) ranges in `text`'s UTF-16 offsets.
 * Matching is on folded text (case, full-width); a word of letters or digits must start a
 * word of the text or follow a Chinese/Korean character (so "xl" does not mark the end of "xxl").
 */
export function matchRanges(text, words) {
  let folded = '';
  const starts = [];
  const ends = [];
  let offset = 0;
  for (const ch of Array.from(text)) {
    const f = foldChar(ch);
    for (let i = 0; i < f.length; i += 1) {
      starts.push(offset);
      ends.push(offset + ch.length);
    }
    folded += f;
    offset += ch.length;
  }
  const ranges = [];
  for (const word of words) {
    const wordLike = !CJK.test(word) && !HANGUL.test(word);
    let at = folded.indexOf(word);
    while (at >= 0) {
      const before = at > 0 ? folded[at - 1] : '';
      if (!wordLike || !before || !WORD_CHAR.test(before) || CJK.test(before) || HANGUL.test(before)) {
        ranges.push([starts[at], ends[at + word.length - 1]]);
      }
      at = folded.indexOf(word, at + word.length);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/**
 * The message text as nodes, the query's words in <mark>: whitespace collapsed, and cut
 * (with "…") to start a little before the first match when that is far in.
 */
export function highlight(text, words) {
  let source = String(text || '').replace(/\s+/g, ' ').trim();
  let ranges = matchRanges(source, words);
  if (ranges.length && ranges[0][0] > SNIPPET_LEAD * 2) {
    let cut = ranges[0][0] - SNIPPET_LEAD;
    if (/[\uDC00-\uDFFF]/.test(source[cut] || '')) cut -= 1; // not inside a surrogate pair
    source = `\u2026${source.slice(cut)}`;
    ranges = ranges.map(([a, b]) => [a - cut + 1, b - cut + 1]);
  }
  const nodes = [];
  let last = 0;
  for (const [a, b] of ranges) {
    if (a > last) nodes.push(document.createTextNode(source.slice(last, a)));
    nodes.push(h('mark', { class: 'msg-hit-mark', 'data-testid': 'msg-hit-mark' }, source.slice(a, b)));
    last = b;
  }
  if (last < source.length) nodes.push(document.createTextNode(source.slice(last)));
  return nodes;
}

// ---- the search box and its results ---------------------------------------------------------

function senderLabel(hit) {
  switch (hit.senderType) {
    case 'visitor': return t('conversations.search.fromVisitor');
    case 'agent': return t('conversations.chat.agent');
    case 'bot': return t('conversations.chat.bot');
    default: return t('conversations.search.fromSystem');
  }
}

function sameId(a, b) {
  return String(a || '').toLowerCase() === String(b || '').toLowerCase();
}

/**
 * One page of hits. The server checks each row of a page against the text and may drop
 * some, so a page can be empty yet have a next one: look a few pages further then.
 */
async function fetchPage(q, cursor) {
  let next = cursor;
  for (let tries = 0; tries < 4; tries += 1) {
    const data = await api.get(`/api/v1/messages/search${query({ q, limit: PAGE, cursor: next })}`);
    const items = (data && Array.isArray(data.items)) ? data.items : [];
    next = (data && data.nextCursor) || null;
    if (items.length || !next) return { items, next };
  }
  return { items: [], next };
}

/**
 * onOpen(hit): a hit was chosen (its link then opens the conversation);
 * openId(): the conversation shown in the centre.
 * Returns {field, panel, active(), onActiveChange(fn), refresh(), destroy()}.
 */
export function createSearch({ onOpen, openId }) {
  const state = {
    q: '', words: [], items: [], next: null, searching: false, error: null,
    loadingMore: false, moreError: null, token: 0, chosen: null,
  };
  const listeners = new Set();
  let active = false;

  const input = h('input', {
    type: 'search', class: 'msg-search-input', 'data-testid': 'msg-search', autocomplete: 'off', spellcheck: 'false',
    maxlength: String(MAX_QUERY), enterkeyhint: 'search',
    placeholder: t('conversations.search.placeholder'), 'aria-label': t('conversations.search.label'),
    'aria-controls': 'msg-search-results',
  });
  const clear = h('button', {
    type: 'button', class: 'msg-search-clear', 'data-testid': 'msg-search-clear', hidden: true,
    title: t('conversations.search.clear'), 'aria-label': t('conversations.search.clear'),
    onclick: () => {
      input.value = '';
      box.run();
      input.focus();
    },
  }, icon('close', 'icon'));
  const field = h('div', { class: 'msg-search', role: 'search' }, icon('search', 'icon msg-search-icon'), input, clear);

  const summary = h('div', { class: 'msg-search-summary', 'data-testid': 'msg-search-summary', 'aria-live': 'polite' });
  const rows = h('div', { class: 'conv-rows', role: 'list', 'data-testid': 'msg-search-hits' });
  const more = h('button', {
    type: 'button', class: 'btn btn-small conv-more', 'data-testid': 'msg-search-more', hidden: true, onclick: () => loadMore(),
  }, t('conversations.loadMore'));
  const foot = h('div', { class: 'conv-foot' }, more);
  const panel = h('div', {
    class: 'conv-scroll msg-search-results', id: 'msg-search-results', 'data-testid': 'msg-search-results', hidden: true,
  }, summary, rows, foot);

  function hitNode(hit) {
    const name = contactName({ contact: { id: hit.contactId, name: hit.contactName }, contactId: hit.contactId });
    const current = state.chosen === hit.messageId && sameId(openId(), hit.conversationId);
    return h('a', {
      href: `#/conversations/${encodeURIComponent(hit.conversationId)}`, role: 'listitem',
      class: ['conv-row', 'msg-hit', current && 'is-open', hit.private && 'is-note'],
      'aria-current': current ? 'true' : null,
      'data-testid': 'msg-hit', 'data-conversation-id': hit.conversationId, 'data-message-id': hit.messageId,
      'data-seq': hit.seq, 'data-sender-type': hit.senderType, 'data-private': hit.private ? 'true' : 'false',
      onclick: (event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab
        state.chosen = hit.messageId;
        onOpen(hit);
        markOpen();
      },
    },
    avatar(name, hit.contactId),
    h('span', { class: 'conv-row-main' },
      h('span', { class: 'conv-row-top' },
        h('span', { class: 'conv-name', 'data-testid': 'msg-hit-name' }, name),
        h('time', { class: 'conv-time', datetime: hit.createdAt || '', title: formatDateTime(hit.createdAt) }, relativeTime(hit.createdAt))),
      h('span', { class: 'msg-hit-who' },
        h('span', { class: ['msg-hit-sender', `is-${hit.senderType}`], 'data-testid': 'msg-hit-sender' }, senderLabel(hit)),
        hit.private ? h('span', { class: 'note-label', 'data-testid': 'msg-hit-note' }, t('conversations.chat.privateNote')) : null),
      h('span', { class: 'msg-hit-text', 'data-testid': 'msg-hit-text' }, highlight(hit.text, state.words))));
  }

  /** Marks the chosen hit while its conversation is open (without redrawing the rows). */
  function markOpen() {
    for (const a of rows.querySelectorAll('[data-testid="msg-hit"]')) {
      const on = a.getAttribute('data-message-id') === state.chosen && sameId(openId(), a.getAttribute('data-conversation-id'));
      a.classList.toggle('is-open', on);
      if (on) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    }
  }

  function errorNode(error, retry) {
    const bad = error && error.status === 400;
    const main = bad && (error.field === 'q' || !error.field) ? t('conversations.search.invalidQuery') : errorText(error);
    const detail = bad ? (error.serverMessage || '') : errorDetail(error);
    return h('div', { class: 'conv-empty inline-error msg-search-error', role: 'alert', 'data-testid': 'msg-search-error' },
      h('p', null, main),
      detail && detail !== main ? h('p', { class: 'msg-search-detail', 'data-testid': 'msg-search-error-detail' }, detail) : null,
      bad ? null : h('button', { type: 'button', class: 'btn btn-small', onclick: retry }, t('app.common.retry')));
  }

  function draw() {
    clear.hidden = !input.value;
    panel.hidden = !active;
    panel.setAttribute('aria-busy', String(state.searching));
    if (!active) return;
    if (state.error) {
      summary.hidden = true;
      rows.replaceChildren(errorNode(state.error, () => box.run()));
    } else if (!state.items.length) {
      summary.hidden = true;
      rows.replaceChildren(h('div', { class: 'conv-empty', 'data-testid': 'msg-search-empty' },
        state.searching ? t('conversations.search.searching') : t('conversations.search.empty', { q: state.q })));
    } else {
      summary.hidden = false;
      summary.textContent = state.next
        ? t('conversations.search.countMore', { count: state.items.length })
        : t('conversations.search.count', { count: state.items.length });
      rows.replaceChildren(...state.items.map(hitNode));
      if (state.moreError) rows.append(errorNode(state.moreError, () => loadMore()));
    }
    rows.classList.toggle('is-stale', state.searching && state.items.length > 0);
    more.hidden = !state.next || Boolean(state.error);
    more.disabled = state.loadingMore;
  }

  function setActive(on) {
    if (on === active) return;
    active = on;
    for (const fn of Array.from(listeners)) fn(active);
  }

  // Typing searches after a pause, Enter at once; an answer to an older query is dropped.
  const box = liveSearch(input, {
    search: (q) => fetchPage(q, null),
    render: (view) => {
      state.token += 1; // a running "load more" belongs to the previous view
      state.q = view.q;
      state.searching = view.searching;
      state.error = view.error;
      if (!view.searching) {
        state.words = queryWords(view.q); // while searching, the previous hits keep their marks
        state.items = view.result ? view.result.items : [];
        state.next = view.result ? view.result.next : null;
        state.loadingMore = false;
        state.moreError = null;
      }
      if (!view.q) state.chosen = null;
      setActive(Boolean(view.q));
      draw();
      if (!view.searching && view.q) panel.scrollTop = 0;
    },
  });
  input.addEventListener('input', () => { clear.hidden = !input.value; });

  async function loadMore() {
    if (!state.next || state.loadingMore || state.searching) return;
    const mine = state.token;
    state.loadingMore = true;
    state.moreError = null;
    draw();
    try {
      const page = await fetchPage(state.q, state.next);
      if (mine !== state.token) return;
      const known = new Set(state.items.map((hit) => hit.messageId));
      state.items = state.items.concat(page.items.filter((hit) => !known.has(hit.messageId)));
      state.next = page.next;
    } catch (error) {
      if (mine !== state.token) return;
      state.moreError = error;
    } finally {
      if (mine === state.token) {
        state.loadingMore = false;
        draw();
      }
    }
  }

  const clock = setInterval(() => { if (active && !state.searching) draw(); }, 30000); // "5 min ago" moves on

  return {
    field,
    panel,
    active: () => active,
    onActiveChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** The open conversation changed: marks its hit. */
    refresh: markOpen,
    destroy() {
      clearInterval(clock);
      box.cancel();
      state.token += 1;
      listeners.clear();
    },
  };
}
