// The knowledge base (#/knowledge): every member reads the articles; supervisors
// and above also write them, see the questions nobody could answer, import and
// export, and set the help-centre address and the synonyms. An opened article
// (editor or reader) takes the place of the tabs until it is closed.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { pageHeader, loadingBlock, loadError } from '../ui.js';
import { isEditor } from '../knowledge/shared.js';
import { createArticles } from '../knowledge/articles.js';
import { createEditor, createViewer } from '../knowledge/editor.js';
import { createUnanswered } from '../knowledge/unanswered.js';
import { createTransfer, createSettings } from '../knowledge/transfer.js';

const TAB_LABELS = {
  articles: () => t('knowledge.tabArticles'),
  unanswered: () => t('knowledge.tabUnanswered'),
  transfer: () => t('knowledge.tabTransfer'),
  settings: () => t('knowledge.tabSettings'),
};

export async function render(container, ctx) {
  const editor = isEditor();
  const tabs = editor ? ['articles', 'unanswered', 'transfer', 'settings'] : ['articles'];
  const titles = new Map(); // slug → title, for the related-article chips
  const state = { tab: 'articles', categories: [], settings: null, unansweredCount: null, openToken: 0 };
  const panels = {}; // tab → {el, destroy}
  let detail = null; // the open editor or reader

  // ---- frame ----
  const helpSlot = h('span', { class: 'kb-help-slot' });
  const newButton = editor ? h('button', {
    type: 'button', class: 'btn btn-primary', 'data-testid': 'kb-new', onclick: () => openNew(null, null),
  }, t('knowledge.newArticle')) : null;
  const tabBar = h('div', { class: 'kb-tabbar', role: 'tablist', 'aria-label': t('knowledge.title'), hidden: tabs.length < 2 });
  const panelHost = h('div', { class: 'kb-panel' });
  const main = h('div', { class: 'kb-main' }, tabBar, panelHost);
  const detailHost = h('div', { class: 'kb-detail', 'data-testid': 'kb-detail', hidden: true });
  container.append(pageHeader(t('knowledge.title'), editor ? t('knowledge.subtitleEditor') : t('knowledge.subtitle'), helpSlot, newButton), main, detailHost);

  function drawTabs() {
    tabBar.replaceChildren(...tabs.map((name) => h('button', {
      type: 'button', role: 'tab', class: 'kb-tabbar-tab', 'data-testid': `kb-tab-${name}`,
      'aria-selected': String(state.tab === name),
      onclick: () => showTab(name),
    }, h('span', null, TAB_LABELS[name]()),
    name === 'unanswered' && state.unansweredCount
      ? h('span', { class: 'kb-tab-badge', 'data-testid': 'kb-unanswered-badge' }, String(state.unansweredCount)) : null)));
  }

  // ---- panels ----
  const articles = createArticles({
    editor, titles,
    onOpen: (a) => openArticle(a),
    onNew: () => openNew(null, null),
    onCategories: (paths) => { state.categories = paths; },
  });
  panels.articles = articles;

  const unanswered = editor ? createUnanswered({
    onCreate: (group) => openNew({
      title: group.representative || '',
      synonyms: (group.examples || []).filter((e) => e && e !== group.representative),
    }, group),
    onCount: (count) => { state.unansweredCount = count; drawTabs(); },
  }) : null;
  if (unanswered) panels.unanswered = unanswered;

  function settingsPanel() {
    const slot = h('div', { class: 'stack' });
    if (state.settings) {
      slot.append(createSettings({ settings: state.settings, onSaved: (s) => { state.settings = s; drawHelpLink(); } }).el);
    } else {
      slot.append(loadingBlock());
      loadSettings().then(() => {
        if (!ctx.isCurrent()) return;
        slot.replaceChildren(state.settings
          ? createSettings({ settings: state.settings, onSaved: (s) => { state.settings = s; drawHelpLink(); } }).el
          : loadError(state.settingsError, () => { panels.settings = null; showTab('settings'); }));
      });
    }
    return { el: slot, destroy() {} };
  }

  function showTab(name) {
    if (!tabs.includes(name)) name = 'articles';
    state.tab = name;
    if (!panels[name]) {
      if (name === 'transfer') panels.transfer = createTransfer({ onImported: () => { articles.refresh(); state.settings = null; panels.settings = null; loadSettings(); } });
      if (name === 'settings') panels.settings = settingsPanel();
    }
    panelHost.replaceChildren(panels[name].el);
    drawTabs();
  }

  // ---- settings and the help-centre link ----
  async function loadSettings() {
    try {
      state.settings = await api.get('/api/v1/knowledge/settings');
      state.settingsError = null;
    } catch (error) {
      state.settingsError = error;
    }
    if (ctx.isCurrent()) drawHelpLink();
  }

  function drawHelpLink() {
    const url = state.settings && state.settings.helpUrl;
    helpSlot.replaceChildren(url ? h('a', {
      class: 'btn', href: url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'kb-help-centre',
    }, icon('globe'), h('span', null, t('knowledge.openHelpCentre'))) : '');
  }

  // ---- the opened article ----
  function closeDetail() {
    state.openToken += 1;
    if (detail) detail.destroy();
    detail = null;
    detailHost.replaceChildren();
    detailHost.hidden = true;
    main.hidden = false;
    if (newButton) newButton.hidden = false;
  }

  function showDetail(...nodes) {
    detailHost.replaceChildren(...nodes);
    detailHost.hidden = false;
    main.hidden = true;
    if (newButton) newButton.hidden = true;
    window.scrollTo(0, 0);
  }

  function mountEditor({ article = null, prefill = null, group = null }) {
    closeDetail();
    detail = createEditor({
      article, prefill, titles,
      categories: () => state.categories,
      onSaved: (saved, created) => {
        articles.refresh();
        // The question now has an answer: take its group off the unanswered list.
        if (created && group && unanswered) {
          unanswered.forget(group);
          if ((group.ids || []).length) api.post('/api/v1/knowledge/unanswered/dismiss', { ids: group.ids }).catch(() => {});
        }
        group = null;
      },
      onDeleted: () => { closeDetail(); articles.refresh(); },
      onClose: () => closeDetail(),
    });
    showDetail(detail.el);
  }

  function openNew(prefill, group) {
    mountEditor({ prefill, group });
  }

  async function openArticle(summary) {
    closeDetail();
    const token = state.openToken;
    const back = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'kb-back', onclick: () => closeDetail() },
      icon('back'), h('span', null, t('knowledge.backToList')));
    showDetail(h('section', { class: 'card' }, back, loadingBlock()));
    let article;
    try {
      article = await api.get(`/api/v1/knowledge/articles/${encodeURIComponent(summary.id)}`);
    } catch (error) {
      if (token !== state.openToken || !ctx.isCurrent()) return;
      showDetail(h('section', { class: 'card stack' }, back, loadError(error, () => openArticle(summary))));
      return;
    }
    if (token !== state.openToken || !ctx.isCurrent()) return;
    if (editor) {
      mountEditor({ article });
    } else {
      detail = createViewer({ article, onClose: () => closeDetail() });
      showDetail(detail.el);
    }
  }

  // Leaving the page with unsaved changes: let the browser ask.
  const beforeUnload = (event) => {
    if (detail && detail.isDirty()) {
      event.preventDefault();
      event.returnValue = '';
    }
  };
  window.addEventListener('beforeunload', beforeUnload);

  showTab('articles');
  loadSettings();
  if (unanswered) unanswered.load();

  return () => {
    window.removeEventListener('beforeunload', beforeUnload);
    if (detail) detail.destroy();
    for (const panel of Object.values(panels)) if (panel) panel.destroy();
  };
}
