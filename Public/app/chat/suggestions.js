// Suggested answers beside a conversation (right column): knowledge-base articles
// that answer the shopper's last question, refreshed when a new question arrives,
// and a search of the knowledge base. "Insert" puts an answer into the reply box
// (after what is already typed); the agent still reads, edits and sends it.
import { api, query } from '../api.js';
import { h, mount } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { debounce, liveSearch } from '../ui.js';

const REFRESH_DELAY_MS = 700;
const SEARCH_DELAY_MS = 300;
const COLLAPSE_KEY = 'kefu_suggestions';

function collapsedPreference() {
  try {
    return window.localStorage.getItem(COLLAPSE_KEY) === 'closed';
  } catch {
    return false;
  }
}

/**
 * conversation: the open Conversation; socket: the AgentSocket;
 * onInsert(text): put `text` into the reply box.
 */
export function createSuggestions({ conversation, socket, onInsert }) {
  const id = conversation.id;
  const state = {
    question: null, items: [], loaded: false, error: null, token: 0,
    q: '', results: [], searching: false, searchError: null,
    collapsed: collapsedPreference(),
  };

  const search = h('input', {
    type: 'search', class: 'kb-suggest-search', 'data-testid': 'kb-suggest-search', autocomplete: 'off',
    placeholder: t('knowledge.suggestSearchPlaceholder'), 'aria-label': t('knowledge.suggestSearch'),
  });
  const body = h('div', { class: 'kb-suggest-body', 'data-testid': 'kb-suggest-results', 'aria-live': 'polite' });
  const toggle = h('button', {
    type: 'button', class: 'link-btn kb-suggest-toggle', 'data-testid': 'kb-suggest-toggle',
    onclick: () => setCollapsed(!state.collapsed),
  });
  const content = h('div', { class: 'kb-suggest-content' }, search, body);
  const el = h('section', { class: 'side-section kb-suggest', 'data-testid': 'kb-suggestions', 'aria-label': t('knowledge.suggestTitle') },
    h('div', { class: 'side-section-head' }, h('h3', null, t('knowledge.suggestTitle')), toggle),
    content);

  function setCollapsed(on) {
    state.collapsed = Boolean(on);
    content.hidden = state.collapsed;
    toggle.textContent = state.collapsed ? t('knowledge.suggestShow') : t('knowledge.suggestHide');
    toggle.setAttribute('aria-expanded', String(!state.collapsed));
    try { window.localStorage.setItem(COLLAPSE_KEY, state.collapsed ? 'closed' : 'open'); } catch { /* ignore */ }
  }

  function hitNode(hit) {
    const answer = hit.answer || hit.snippet || '';
    return h('li', { class: 'kb-suggestion', 'data-testid': 'kb-suggestion', 'data-article-id': hit.id || '', 'data-slug': hit.slug || '' },
      h('div', { class: 'kb-suggestion-top' },
        hit.url
          ? h('a', {
            class: 'kb-suggestion-title', href: hit.url, target: '_blank', rel: 'noopener noreferrer',
            'data-testid': 'kb-suggestion-title', title: t('knowledge.openArticle'),
          }, hit.title)
          : h('span', { class: 'kb-suggestion-title', 'data-testid': 'kb-suggestion-title' }, hit.title),
        h('button', {
          type: 'button', class: 'btn btn-small kb-suggestion-insert', 'data-testid': 'kb-suggestion-insert',
          title: t('knowledge.insertHint'), disabled: !answer,
          onclick: () => onInsert(answer),
        }, t('knowledge.insert'))),
      hit.snippet ? h('p', { class: 'kb-suggestion-snippet' }, hit.snippet) : null);
  }

  function hits(items, emptyText) {
    if (!items.length) return h('p', { class: 'kb-suggest-empty muted', 'data-testid': 'kb-suggest-empty' }, emptyText);
    return h('ul', { class: 'kb-suggestion-list' }, items.map(hitNode));
  }

  function draw() {
    if (state.q) {
      let inner;
      if (state.searchError) inner = h('p', { class: 'inline-error' }, errorText(state.searchError));
      else if (state.searching && !state.results.length) inner = h('p', { class: 'muted' }, t('app.common.loading'));
      else inner = hits(state.results, t('knowledge.suggestNoResults'));
      body.replaceChildren(h('p', { class: 'kb-suggest-for' }, t('knowledge.suggestResultsFor', { q: state.q })), inner);
      return;
    }
    if (state.error && !state.loaded) {
      body.replaceChildren(h('p', { class: 'inline-error' }, errorText(state.error)),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => refresh() }, t('app.common.retry')));
      return;
    }
    if (!state.loaded) {
      body.replaceChildren(h('p', { class: 'muted' }, t('app.common.loading')));
      return;
    }
    mount(body,
      state.question
        ? h('p', { class: 'kb-suggest-for', 'data-testid': 'kb-suggest-question' },
          h('span', { class: 'muted' }, t('knowledge.suggestFor')), ' ', h('q', { class: 'kb-suggest-q' }, state.question))
        : null,
      state.question
        ? hits(state.items, t('knowledge.suggestNone'))
        : h('p', { class: 'kb-suggest-empty muted', 'data-testid': 'kb-suggest-empty' }, t('knowledge.suggestNoQuestion')));
  }

  async function refresh() {
    const token = ++state.token;
    try {
      const data = await api.get(`/api/v1/conversations/${encodeURIComponent(id)}/suggestions`);
      if (token !== state.token) return;
      state.question = data && typeof data.question === 'string' && data.question.trim() ? data.question.trim() : null;
      state.items = (data && data.items) || [];
      state.loaded = true;
      state.error = null;
    } catch (error) {
      if (token !== state.token) return;
      state.error = error;
    }
    draw();
  }
  const refreshSoon = debounce(refresh, REFRESH_DELAY_MS);

  // The knowledge-base search: while it is in use it replaces the suggestions.
  const searchBox = liveSearch(search, {
    delay: SEARCH_DELAY_MS,
    search: async (q) => {
      const data = await api.get(`/api/v1/knowledge/search${query({ q, limit: 5 })}`);
      return (data && data.items) || [];
    },
    render: (view) => {
      state.q = view.q;
      state.results = view.result || [];
      state.searching = view.searching;
      state.searchError = view.error;
      draw();
    },
  });

  // A new question from the shopper: look again.
  const offs = [
    socket.on('message', (frame) => {
      const m = frame.message;
      if (!m || (frame.conversationId || m.conversationId) !== id) return;
      if (m.senderType === 'visitor' && !m.private) refreshSoon();
    }),
    socket.on('status', ({ state: s, reconnected }) => { if (s === 'open' && reconnected) refreshSoon(); }),
  ];

  setCollapsed(state.collapsed);
  draw();
  refresh();

  return {
    el,
    refresh,
    destroy() {
      for (const off of offs) off();
      refreshSoon.cancel();
      searchBox.cancel();
      state.token += 1;
    },
  };
}
