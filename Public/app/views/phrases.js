// Quick phrases (#/phrases): the member's own canned replies and the team's, with
// search, scope and category filters, create / edit / delete, CSV export and import,
// and replies the member keeps typing, offered as new phrases in one click.
import { h } from '../dom.js';
import { t, errorText, errorDetail } from '../i18n.js';
import {
  pageHeader, card, toast, confirmDialog, field, busy, clearFormErrors, debounce,
} from '../ui.js';
import {
  phrasesApi, phrasesChanged, canModify, canEditTeam, scopeBadge, shortcutText,
} from '../phrases/shared.js';
import { openPhraseDialog } from '../phrases/dialog.js';

const SEARCH_DELAY_MS = 250;

function preview(text, max = 40) {
  const chars = Array.from(String(text || '').replace(/\s+/g, ' ').trim());
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}

export async function render(container, ctx) {
  const state = {
    q: '', scope: '', category: '',
    items: [], categories: [], loaded: false, loading: false, error: null, token: 0,
    proposals: null, proposalsError: null,
  };

  // ---- header ----
  const newButton = h('button', {
    type: 'button', class: 'btn btn-primary', 'data-testid': 'qp-new', onclick: () => openNew(null),
  }, t('phrases.new'));
  const exportLink = h('a', {
    class: 'btn', href: phrasesApi.exportUrl, download: 'quick-phrases.csv', 'data-testid': 'qp-export', title: t('phrases.exportHint'),
  }, t('phrases.export'));

  // ---- toolbar ----
  const search = h('input', {
    type: 'search', class: 'qp-search', 'data-testid': 'qp-search', autocomplete: 'off',
    placeholder: t('phrases.searchPlaceholder'), 'aria-label': t('phrases.search'),
  });
  const scopeFilter = h('select', {
    class: 'qp-filter', 'data-testid': 'qp-scope-filter', 'aria-label': t('phrases.scope'),
    onchange: () => { state.scope = scopeFilter.value; draw(); },
  },
  h('option', { value: '' }, t('phrases.scopeAll')),
  h('option', { value: 'personal' }, t('phrases.scopePersonal')),
  h('option', { value: 'team' }, t('phrases.scopeTeam')));
  const categoryFilter = h('select', {
    class: 'qp-filter', 'data-testid': 'qp-category-filter', 'aria-label': t('phrases.category'),
    onchange: () => { state.category = categoryFilter.value; load(); },
  });
  const count = h('span', { class: 'qp-count muted', 'data-testid': 'qp-count', 'aria-live': 'polite' });
  const rows = h('tbody', null);

  const listCard = h('section', { class: 'card qp-list-card' },
    h('div', { class: 'qp-toolbar' }, search, scopeFilter, categoryFilter, count),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'table qp-table', 'data-testid': 'qp-table' },
        h('thead', null, h('tr', null,
          h('th', null, t('phrases.shortcut')),
          h('th', null, t('phrases.text')),
          h('th', null, t('phrases.category')),
          h('th', null, t('phrases.scope')),
          h('th', { class: 'num' }, t('phrases.usage')),
          h('th', { class: 'actions' }, t('app.common.actions')))),
        rows)));

  // ---- suggested phrases ----
  const proposalsBody = h('div', { class: 'qp-proposals', 'data-testid': 'qp-proposals', 'aria-live': 'polite' });
  const proposalsCard = card(t('phrases.proposalsTitle'), h('p', { class: 'card-note' }, t('phrases.proposalsHelp')), proposalsBody);
  proposalsCard.classList.add('qp-proposals-card');

  // ---- import / export ----
  const file = h('input', {
    type: 'file', name: 'file', accept: '.csv,text/csv', class: 'qp-file', 'data-testid': 'qp-import-file',
  });
  const importSubmit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'qp-import-submit', disabled: true }, t('phrases.importRun'));
  const importResult = h('div', { class: 'qp-import-result', 'data-testid': 'qp-import-result', role: 'status', 'aria-live': 'polite', hidden: true });
  const importForm = h('form', { class: 'form', 'data-testid': 'qp-import-form', novalidate: true },
    field(t('phrases.importFile'), file, { hint: canEditTeam() ? t('phrases.importHintEditor') : t('phrases.importHint') }),
    h('div', { class: 'form-actions' }, importSubmit),
    importResult);
  const transferCard = card(t('phrases.transferTitle'),
    h('p', { class: 'card-note' }, t('phrases.exportHelp')),
    h('div', { class: 'form-actions qp-export-row' }, exportLink),
    importForm);

  container.append(
    pageHeader(t('phrases.title'), t('phrases.subtitle'), newButton),
    h('div', { class: 'qp-page', 'data-testid': 'qp-page' },
      listCard,
      h('aside', { class: 'qp-aside' }, proposalsCard, transferCard)));

  // ---- list ----
  function visible() {
    return state.scope ? state.items.filter((p) => p.scope === state.scope) : state.items;
  }

  function drawCategories() {
    const names = Array.from(new Set([...(state.categories || []), state.category].filter(Boolean)));
    categoryFilter.replaceChildren(
      h('option', { value: '', selected: !state.category }, t('phrases.categoryAll')),
      ...names.map((c) => h('option', { value: c, selected: c === state.category }, c)));
  }

  function row(p) {
    const editable = canModify(p);
    return h('tr', {
      class: 'qp-row', 'data-testid': 'qp-row', 'data-phrase-id': p.id, 'data-scope': p.scope, 'data-shortcut': p.shortcut || '',
    },
    h('td', { class: 'qp-cell-shortcut', 'data-label': t('phrases.shortcut') },
      p.shortcut ? h('code', { class: 'qp-shortcut-code', 'data-testid': 'qp-row-shortcut' }, shortcutText(p)) : h('span', { class: 'muted' }, '—')),
    h('td', { class: 'qp-cell-text', 'data-label': t('phrases.text') },
      h('div', { class: 'qp-row-text', 'data-testid': 'qp-row-text', title: p.text }, p.text)),
    h('td', { class: 'qp-cell-cat', 'data-label': t('phrases.category') },
      p.category ? h('span', { class: 'qp-cat', 'data-testid': 'qp-row-category' }, p.category) : h('span', { class: 'muted' }, '—')),
    h('td', { class: 'qp-cell-scope', 'data-label': t('phrases.scope') }, scopeBadge(p.scope)),
    h('td', { class: 'num qp-cell-usage', 'data-label': t('phrases.usage'), 'data-testid': 'qp-row-usage' }, String(p.usageCount || 0)),
    h('td', { class: 'actions qp-cell-actions' },
      editable ? h('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': 'qp-edit', onclick: () => edit(p),
      }, t('app.common.edit')) : null,
      editable ? h('button', {
        type: 'button', class: 'btn btn-small btn-danger-ghost', 'data-testid': 'qp-delete', onclick: () => remove(p),
      }, t('phrases.delete')) : null));
  }

  function message(text, ...extra) {
    return h('tr', { class: 'empty-row', 'data-testid': 'qp-empty' }, h('td', { colspan: '6' }, h('p', { class: 'qp-empty-text' }, text), extra));
  }

  function draw() {
    if (!ctx.isCurrent()) return;
    const items = visible();
    if (state.error && !state.items.length) {
      rows.replaceChildren(h('tr', { class: 'empty-row' }, h('td', { colspan: '6' },
        h('p', { class: 'inline-error', role: 'alert' }, errorText(state.error)),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => load() }, t('app.common.retry')))));
    } else if (!items.length) {
      const filtered = Boolean(state.q || state.scope || state.category);
      rows.replaceChildren(state.loading && !state.loaded
        ? h('tr', { class: 'empty-row' }, h('td', { colspan: '6' }, t('app.common.loading')))
        : (filtered
          ? message(t('phrases.emptyFiltered'))
          : message(t('phrases.empty'), h('button', {
            type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'qp-empty-new', onclick: () => openNew(null),
          }, t('phrases.new')))));
    } else {
      rows.replaceChildren(...items.map(row));
    }
    count.textContent = state.loaded ? t('phrases.count', { count: items.length }) : '';
    listCard.setAttribute('aria-busy', String(state.loading));
  }

  async function load() {
    const token = ++state.token;
    state.loading = true;
    state.error = null;
    draw();
    try {
      const data = await phrasesApi.list({ q: state.q, category: state.category });
      if (token !== state.token || !ctx.isCurrent()) return;
      state.items = (data && data.items) || [];
      // Keep the full category list while one category is chosen.
      if (Array.isArray(data && data.categories) && (!state.category || !state.categories.length)) state.categories = data.categories;
      state.loaded = true;
      drawCategories();
    } catch (error) {
      if (token !== state.token) return;
      state.error = error;
      state.items = [];
    } finally {
      if (token === state.token) {
        state.loading = false;
        draw();
      }
    }
  }

  const onSearch = debounce(() => {
    const q = search.value.trim();
    if (q === state.q) return;
    state.q = q;
    load();
  }, SEARCH_DELAY_MS);
  search.addEventListener('input', onSearch);
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      onSearch.cancel();
      state.q = search.value.trim();
      load();
    }
  });

  async function openNew(prefill) {
    const saved = await openPhraseDialog({ prefill, categories: state.categories });
    if (saved && ctx.isCurrent()) load();
    return saved;
  }

  async function edit(p) {
    const saved = await openPhraseDialog({ phrase: p, categories: state.categories });
    if (saved && ctx.isCurrent()) load();
  }

  async function remove(p) {
    const ok = await confirmDialog(t('phrases.confirmDelete', { text: preview(p.text) }), { confirmLabel: t('phrases.delete'), danger: true });
    if (!ok) return;
    try {
      await phrasesApi.remove(p.id);
      toast(t('phrases.deleted'));
      phrasesChanged();
      if (ctx.isCurrent()) load();
    } catch (error) {
      toast(errorText(error), 'error');
    }
  }

  // ---- proposals ----
  function drawProposals() {
    if (!ctx.isCurrent()) return;
    if (state.proposalsError) {
      proposalsBody.replaceChildren(h('p', { class: 'inline-error' }, errorText(state.proposalsError)),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => loadProposals() }, t('app.common.retry')));
      return;
    }
    if (state.proposals === null) {
      proposalsBody.replaceChildren(h('p', { class: 'muted' }, t('app.common.loading')));
      return;
    }
    if (!state.proposals.length) {
      proposalsBody.replaceChildren(h('p', { class: 'muted qp-proposals-empty', 'data-testid': 'qp-proposals-empty' }, t('phrases.proposalsEmpty')));
      return;
    }
    proposalsBody.replaceChildren(h('ul', { class: 'qp-proposal-list' }, state.proposals.map((p) => {
      const saveButton = h('button', {
        type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'qp-proposal-save',
        onclick: () => saveProposal(p, saveButton),
      }, t('phrases.proposalSave'));
      return h('li', { class: 'qp-proposal', 'data-testid': 'qp-proposal' },
        h('div', { class: 'qp-proposal-text', 'data-testid': 'qp-proposal-text' }, p.text),
        h('div', { class: 'qp-proposal-foot' },
          h('span', { class: 'muted' }, t('phrases.proposalCount', { count: p.count || 0 })),
          h('span', { class: 'qp-spacer' }),
          h('button', {
            type: 'button', class: 'btn btn-small', 'data-testid': 'qp-proposal-edit',
            onclick: async () => { if (await openNew({ text: p.text })) forgetProposal(p); },
          }, t('phrases.proposalEdit')),
          saveButton));
    })));
  }

  function forgetProposal(p) {
    if (!state.proposals) return;
    state.proposals = state.proposals.filter((x) => x !== p);
    drawProposals();
  }

  async function saveProposal(p, button) {
    button.disabled = true;
    try {
      await phrasesApi.create({ scope: 'personal', category: '', shortcut: '', text: p.text });
      toast(t('phrases.proposalSaved'));
      phrasesChanged();
      forgetProposal(p);
      load();
    } catch (error) {
      button.disabled = false;
      toast(errorText(error), 'error');
    }
  }

  async function loadProposals() {
    state.proposalsError = null;
    state.proposals = null;
    drawProposals();
    try {
      const data = await phrasesApi.proposals();
      state.proposals = ((data && data.items) || []).filter((p) => p && p.text);
    } catch (error) {
      state.proposalsError = error;
    }
    drawProposals();
  }

  // ---- import ----
  function showImport(kind, ...lines) {
    importResult.className = `qp-import-result is-${kind}`;
    importResult.setAttribute('data-state', kind);
    importResult.replaceChildren(...lines.filter(Boolean).map((line, i) => h(i ? 'div' : 'strong', { class: i ? 'qp-import-detail' : null }, line)));
    importResult.hidden = false;
  }

  file.addEventListener('change', () => {
    importSubmit.disabled = !(file.files && file.files.length);
    importResult.hidden = true;
  });

  importForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(importForm);
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    if (!/\.csv$/i.test(chosen.name) && !/csv/i.test(chosen.type || '')) {
      showImport('error', t('phrases.importWrongType'));
      return;
    }
    await busy(importForm, async () => {
      try {
        const text = await chosen.text();
        const data = await phrasesApi.importCsv(text);
        const created = (data && data.created) || 0;
        const updated = (data && data.updated) || 0;
        showImport('success', t('phrases.importDone', { created, updated }));
        toast(t('phrases.importDone', { created, updated }));
        file.value = '';
        phrasesChanged();
        load();
      } catch (error) {
        showImport('error', errorText(error), errorDetail(error));
      }
    });
    importSubmit.disabled = !(file.files && file.files.length);
  });

  drawCategories();
  draw();
  drawProposals();
  load();
  loadProposals();

  return () => {
    onSearch.cancel();
    state.token += 1;
  };
}
