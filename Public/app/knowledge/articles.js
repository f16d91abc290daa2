// The article list of the knowledge base: search, status and category filters
// (the category tree with counts), hottest first, paged with "load more".
import { api, query } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, formatDateTime } from '../i18n.js';
import { debounce } from '../ui.js';
import { relativeTime } from '../chat/format.js';
import { statusBadge, helpfulPercent, categoryTree } from './shared.js';

const PAGE = 50;
const SEARCH_DELAY_MS = 300;

/**
 * editor: whether the member may write (drafts, "new article");
 * titles: Map slug → title, filled from what the list shows;
 * onOpen(article), onNew(), onCategories([path]) when the known category paths change.
 */
export function createArticles({ editor, titles, onOpen, onNew, onCategories }) {
  const state = {
    q: '', status: '', category: '',
    items: [], total: 0, categories: [], allCount: null,
    loading: false, error: null, token: 0,
  };

  const search = h('input', {
    type: 'search', class: 'kb-search', 'data-testid': 'kb-search', autocomplete: 'off',
    placeholder: t('knowledge.searchPlaceholder'), 'aria-label': t('knowledge.search'),
  });
  const statusFilter = h('select', {
    class: 'kb-filter', 'data-testid': 'kb-status-filter', 'aria-label': t('knowledge.status'),
    onchange: () => { state.status = statusFilter.value; load(false); },
  },
  h('option', { value: '' }, t('knowledge.statusAll')),
  h('option', { value: 'published' }, t('knowledge.statusPublished')),
  h('option', { value: 'draft' }, t('knowledge.statusDraft')));
  const count = h('span', { class: 'kb-count muted', 'data-testid': 'kb-count', 'aria-live': 'polite' });
  const cats = h('nav', { class: 'kb-cats', 'data-testid': 'kb-categories', 'aria-label': t('knowledge.categories') });
  const rows = h('tbody', null);
  const more = h('button', {
    type: 'button', class: 'btn btn-small', 'data-testid': 'kb-more', hidden: true, onclick: () => load(true),
  }, t('knowledge.loadMore'));

  const el = h('div', { class: 'kb-articles', 'data-testid': 'kb-articles' },
    h('aside', { class: 'card kb-cats-card' }, h('h2', { class: 'card-title' }, t('knowledge.categories')), cats),
    h('section', { class: 'card kb-list-card' },
      h('div', { class: 'kb-toolbar' },
        search,
        editor ? statusFilter : null,
        count),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'table kb-table', 'data-testid': 'kb-articles-table' },
          h('thead', null, h('tr', null,
            h('th', null, t('knowledge.titleLabel')),
            h('th', null, t('knowledge.category')),
            h('th', null, t('knowledge.status')),
            h('th', { class: 'num' }, t('knowledge.views')),
            h('th', { class: 'num' }, t('knowledge.helpful')),
            h('th', null, t('knowledge.updated')))),
          rows)),
      h('div', { class: 'table-foot' }, more)));

  const onSearch = debounce(() => {
    const q = search.value.trim();
    if (q === state.q) return;
    state.q = q;
    load(false);
  }, SEARCH_DELAY_MS);
  search.addEventListener('input', onSearch);
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      onSearch.cancel();
      state.q = search.value.trim();
      load(false);
    }
  });

  // ---- categories ----
  function drawCategories() {
    const nodes = categoryTree(state.categories);
    const button = (path, label, n, depth) => h('button', {
      type: 'button', class: 'kb-cat', 'data-testid': 'kb-category-filter', 'data-path': path,
      'aria-pressed': String(state.category === path), style: { '--kb-depth': String(depth) },
      onclick: () => { if (state.category !== path) { state.category = path; drawCategories(); load(false); } },
    }, h('span', { class: 'kb-cat-name' }, label), n === null ? null : h('span', { class: 'kb-cat-count' }, String(n)));
    const focused = cats.contains(document.activeElement) ? document.activeElement.getAttribute('data-path') : null;
    cats.replaceChildren(
      button('', t('knowledge.categoryAll'), state.allCount, 0),
      ...nodes.map((n) => button(n.path, n.name, n.count, n.depth)));
    if (focused !== null) {
      const again = Array.from(cats.children).find((b) => b.getAttribute('data-path') === focused);
      if (again) again.focus();
    }
  }

  // ---- rows ----
  function row(a) {
    const percent = helpfulPercent(a);
    const open = () => onOpen(a);
    return h('tr', {
      class: 'kb-row', 'data-testid': 'kb-article-row', 'data-article-id': a.id, 'data-slug': a.slug, 'data-status': a.status,
      onclick: (event) => { if (!event.target.closest('button, a')) open(); },
    },
    h('td', { class: 'kb-cell-title', 'data-label': t('knowledge.titleLabel') },
      h('button', { type: 'button', class: 'link-btn kb-row-title', 'data-testid': 'kb-article-open', onclick: open }, a.title),
      h('span', { class: 'kb-row-sub' }, a.slug, a.locale ? ` \u00b7 ${a.locale}` : '')),
    h('td', { class: 'kb-cell-cat', 'data-label': t('knowledge.category') },
      a.category ? h('span', { class: 'kb-cat-path' }, a.category.split('/').join(' / ')) : h('span', { class: 'muted' }, '—')),
    h('td', { 'data-label': t('knowledge.status') }, statusBadge(a.status)),
    h('td', { class: 'num', 'data-label': t('knowledge.views') }, String(a.views || 0)),
    h('td', {
      class: 'num', 'data-label': t('knowledge.helpful'),
      title: t('knowledge.helpfulVotes', { helpful: a.helpful || 0, notHelpful: a.notHelpful || 0 }),
    }, percent === null ? h('span', { class: 'muted' }, '—') : `${percent}%`),
    h('td', { class: 'time', 'data-label': t('knowledge.updated'), title: formatDateTime(a.updatedAt) }, relativeTime(a.updatedAt)));
  }

  function emptyState() {
    const filtered = Boolean(state.q || state.status || state.category);
    return h('tr', { class: 'empty-row', 'data-testid': 'kb-empty' }, h('td', { colspan: '6' },
      h('p', { class: 'kb-empty-text' }, filtered ? t('knowledge.emptyFiltered') : t('knowledge.empty')),
      !filtered && editor ? h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'kb-empty-new', onclick: onNew }, t('knowledge.newArticle')) : null));
  }

  function draw() {
    if (state.error && !state.items.length) {
      rows.replaceChildren(h('tr', { class: 'empty-row' }, h('td', { colspan: '6' },
        h('p', { class: 'inline-error' }, errorText(state.error)),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => load(false) }, t('app.common.retry')))));
    } else if (!state.items.length) {
      rows.replaceChildren(state.loading
        ? h('tr', { class: 'empty-row' }, h('td', { colspan: '6' }, t('app.common.loading')))
        : emptyState());
    } else {
      rows.replaceChildren(...state.items.map(row));
    }
    count.textContent = state.loading && !state.items.length ? '' : t('knowledge.count', { count: state.total });
    more.hidden = state.items.length >= state.total;
    more.disabled = state.loading;
  }

  async function load(append) {
    if (append && state.loading) return;
    const token = ++state.token;
    state.loading = true;
    state.error = null;
    if (!append) state.items = [];
    draw();
    try {
      const data = await api.get(`/api/v1/knowledge/articles${query({
        q: state.q, status: state.status, category: state.category, limit: PAGE, offset: append ? state.items.length : 0,
      })}`);
      if (token !== state.token) return;
      const items = (data && data.items) || [];
      for (const a of items) if (a.slug) titles.set(a.slug, a.title);
      const known = new Set(state.items.map((a) => a.id));
      state.items = state.items.concat(items.filter((a) => !known.has(a.id)));
      state.total = Math.max(Number(data && data.total) || 0, state.items.length);
      if (!state.q && !state.status && !state.category) state.allCount = state.total;
      // The tree shows the whole knowledge base: keep it while one category is chosen.
      if (Array.isArray(data && data.categories) && (!state.category || !state.categories.length)) {
        state.categories = data.categories;
        if (onCategories) onCategories(state.categories.map((c) => c.path).filter(Boolean));
      }
      drawCategories();
    } catch (error) {
      if (token !== state.token) return;
      state.error = error;
    } finally {
      if (token === state.token) {
        state.loading = false;
        draw();
      }
    }
  }

  drawCategories();
  load(false);

  return {
    el,
    /** Loads the list again (after a save, a delete or an import), keeping the filters. */
    refresh: () => load(false),
    focusSearch: () => search.focus(),
    destroy() {
      onSearch.cancel();
      state.token += 1;
    },
  };
}
