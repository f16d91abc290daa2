// One article, opened from the knowledge-base list. Supervisors and above get the
// editor (title, slug, language, category, tags, synonyms, related articles, status,
// the Markdown body with a live preview, save and delete); agents get a reader.
import { api, query } from '../api.js';
import { h, mount } from '../dom.js';
import { t, errorText, formatDateTime, getLocale } from '../i18n.js';
import { field, showFormError, clearFormErrors, toast, confirmDialog, debounce } from '../ui.js';
import { icon } from '../icons.js';
import {
  LOCALES, localeLabel, defaultLocale, splitList, normaliseCategory, statusLabel, statusBadge,
  helpfulPercent, setProse,
} from './shared.js';

const PREVIEW_DELAY_MS = 500;
const RELATED_DELAY_MS = 250;

function publicLink(article) {
  if (!article || article.status !== 'published' || !article.url) return null;
  return h('a', {
    href: article.url, target: '_blank', rel: 'noopener noreferrer', class: 'btn btn-small', 'data-testid': 'kb-view-public',
  }, icon('globe'), h('span', null, t('knowledge.viewPublic')));
}

function stats(article) {
  if (!article) return null;
  const percent = helpfulPercent(article);
  return h('dl', { class: 'kb-stats', 'data-testid': 'kb-stats' },
    h('div', null, h('dt', null, t('knowledge.views')), h('dd', null, String(article.views || 0))),
    h('div', null, h('dt', null, t('knowledge.helpful')),
      h('dd', { title: t('knowledge.helpfulVotes', { helpful: article.helpful || 0, notHelpful: article.notHelpful || 0 }) },
        percent === null ? '—' : `${percent}%`)),
    h('div', null, h('dt', null, t('knowledge.updated')), h('dd', null, formatDateTime(article.updatedAt))));
}

/** The reader for agents: the published article as the help centre shows it. */
export function createViewer({ article, onClose }) {
  const prose = h('div', { class: 'kb-prose kb-reader-body', 'data-testid': 'kb-reader-body' });
  setProse(prose, article.bodyHtml || '');
  const el = h('section', { class: 'card kb-reader', 'data-testid': 'kb-reader', 'data-article-id': article.id },
    h('div', { class: 'kb-editor-head' },
      h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'kb-back', onclick: onClose }, icon('back'), h('span', null, t('knowledge.backToList'))),
      h('span', { class: 'kb-spacer' }),
      publicLink(article)),
    h('h2', { class: 'kb-reader-title', 'data-testid': 'kb-reader-title' }, article.title),
    h('div', { class: 'kb-reader-meta' },
      statusBadge(article.status),
      article.category ? h('span', { class: 'kb-cat-path' }, article.category.split('/').join(' / ')) : null,
      (article.tags || []).map((tag) => h('span', { class: 'tag' }, tag)),
      h('span', { class: 'muted' }, t('knowledge.updatedAt', { time: formatDateTime(article.updatedAt) }))),
    prose);
  return { el, isDirty: () => false, destroy() {} };
}

/**
 * article: the ArticleDTO to edit (with bodyHtml), or null for a new one;
 * prefill: starting values for a new one ({title, synonyms, ...});
 * categories(): the known category paths; titles: Map slug → title (grows as lists load);
 * onSaved(article, created), onDeleted(article), onClose().
 */
export function createEditor({ article = null, prefill = null, categories = () => [], titles = new Map(), onSaved, onDeleted, onClose }) {
  let saved = article;
  const start = {
    title: '', slug: '', locale: defaultLocale(getLocale()), category: '', tags: [], synonyms: [], related: [], status: 'draft', body: '',
    ...(article || {}),
    ...(prefill || {}),
  };
  let related = (start.related || []).slice();
  if (article && article.slug) titles.set(article.slug, article.title);

  // ---- controls ----
  const title = h('input', {
    type: 'text', name: 'title', 'data-testid': 'kb-title', value: start.title || '', maxlength: '200', required: true,
    placeholder: t('knowledge.titlePlaceholder'),
  });
  const slug = h('input', {
    type: 'text', name: 'slug', 'data-testid': 'kb-slug', value: start.slug || '', maxlength: '100', autocomplete: 'off',
    spellcheck: 'false', placeholder: t('knowledge.slugPlaceholder'),
  });
  const locale = h('select', { name: 'locale', 'data-testid': 'kb-locale' },
    LOCALES.map((code) => h('option', { value: code, selected: code === start.locale }, localeLabel(code))));
  if (start.locale && !LOCALES.includes(start.locale)) {
    locale.prepend(h('option', { value: start.locale, selected: true }, start.locale));
  }
  const listId = 'kb-category-paths';
  const category = h('input', {
    type: 'text', name: 'category', 'data-testid': 'kb-category', value: start.category || '', maxlength: '200', list: listId,
    autocomplete: 'off', placeholder: t('knowledge.categoryPlaceholder'),
  });
  const categoryList = h('datalist', { id: listId }, categories().map((path) => h('option', { value: path })));
  const tags = h('input', {
    type: 'text', name: 'tags', 'data-testid': 'kb-tags', value: (start.tags || []).join(', '), autocomplete: 'off',
    placeholder: t('knowledge.tagsPlaceholder'),
  });
  const synonyms = h('textarea', { name: 'synonyms', rows: '3', 'data-testid': 'kb-synonyms', placeholder: t('knowledge.synonymsPlaceholder') });
  synonyms.value = (start.synonyms || []).join('\n');
  const status = h('select', { name: 'status', 'data-testid': 'kb-status' },
    ['draft', 'published'].map((s) => h('option', { value: s, selected: s === start.status }, statusLabel(s))));
  const body = h('textarea', {
    name: 'body', id: 'kb-body-input', class: 'kb-body', rows: '18', 'data-testid': 'kb-body', spellcheck: 'false',
    placeholder: t('knowledge.bodyPlaceholder'),
  });
  body.value = start.body || '';

  // ---- body: write / preview ----
  const preview = h('div', { class: ['kb-prose', 'kb-preview'], 'data-testid': 'kb-preview', hidden: true, 'aria-live': 'polite' });
  const writeTab = h('button', { type: 'button', role: 'tab', class: 'kb-tab', 'data-testid': 'kb-tab-write', onclick: () => setMode('write') }, t('knowledge.write'));
  const previewTab = h('button', { type: 'button', role: 'tab', class: 'kb-tab', 'data-testid': 'kb-tab-preview', onclick: () => setMode('preview') }, t('knowledge.preview'));
  let previewFor = null;
  let previewToken = 0;
  if (article && typeof article.bodyHtml === 'string') {
    previewFor = article.body || '';
    setProse(preview, article.bodyHtml);
  }

  function setMode(mode) {
    const showing = mode === 'preview';
    body.hidden = showing;
    preview.hidden = !showing;
    writeTab.setAttribute('aria-selected', String(!showing));
    previewTab.setAttribute('aria-selected', String(showing));
    if (showing) {
      schedulePreview.cancel();
      refreshPreview();
    } else {
      body.focus();
    }
  }

  async function refreshPreview() {
    const text = body.value;
    if (text === previewFor) return;
    const token = ++previewToken;
    if (!text.trim()) {
      previewFor = text;
      preview.replaceChildren(h('p', { class: 'muted' }, t('knowledge.previewEmpty')));
      return;
    }
    preview.setAttribute('aria-busy', 'true');
    try {
      const data = await api.post('/api/v1/knowledge/preview', { body: text });
      if (token !== previewToken) return;
      previewFor = text;
      setProse(preview, data && data.html);
    } catch (error) {
      if (token !== previewToken) return;
      preview.replaceChildren(h('p', { class: 'inline-error' }, errorText(error)));
    } finally {
      if (token === previewToken) preview.removeAttribute('aria-busy');
    }
  }
  const schedulePreview = debounce(refreshPreview, PREVIEW_DELAY_MS);

  // ---- related articles ----
  const relatedChips = h('div', { class: 'kb-chips', 'data-testid': 'kb-related' });
  const relatedInput = h('input', {
    type: 'search', name: 'related', id: 'kb-related-input', 'data-testid': 'kb-related-search', autocomplete: 'off', role: 'combobox',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', placeholder: t('knowledge.relatedPlaceholder'),
  });
  const relatedMenu = h('div', { class: 'popover kb-related-menu', role: 'listbox', 'data-testid': 'kb-related-menu', hidden: true });
  let relatedHits = [];
  let relatedIndex = 0;
  let relatedToken = 0;

  function drawChips() {
    relatedChips.replaceChildren(...related.map((s) => {
      const label = titles.get(s) || s;
      return h('span', { class: 'tag-chip kb-chip', 'data-testid': 'kb-related-chip', 'data-slug': s, title: s },
        h('span', null, label),
        h('button', {
          type: 'button', class: 'tag-remove', 'data-testid': 'kb-related-remove',
          'aria-label': t('knowledge.relatedRemove', { title: label }), title: t('knowledge.relatedRemove', { title: label }),
          onclick: () => { related = related.filter((x) => x !== s); drawChips(); },
        }, '\u00d7'));
    }));
    relatedChips.hidden = !related.length;
  }

  function closeRelated() {
    relatedHits = [];
    relatedMenu.hidden = true;
    relatedMenu.replaceChildren();
    relatedInput.setAttribute('aria-expanded', 'false');
  }

  function drawRelated() {
    if (!relatedHits.length) {
      relatedMenu.replaceChildren(h('div', { class: 'kb-menu-empty muted' }, t('knowledge.relatedNone')));
    } else {
      relatedMenu.replaceChildren(...relatedHits.map((a, i) => h('button', {
        type: 'button', role: 'option', class: 'kb-menu-item', 'aria-selected': String(i === relatedIndex),
        'data-testid': 'kb-related-option', 'data-slug': a.slug,
        onmousedown: (event) => { event.preventDefault(); pickRelated(i); },
      }, h('span', { class: 'kb-menu-title' }, a.title), h('span', { class: 'kb-menu-sub' }, a.slug))));
    }
    relatedMenu.hidden = false;
    relatedInput.setAttribute('aria-expanded', 'true');
  }

  function pickRelated(index) {
    const a = relatedHits[index];
    if (!a) return;
    titles.set(a.slug, a.title);
    if (!related.includes(a.slug)) related.push(a.slug);
    relatedInput.value = '';
    closeRelated();
    drawChips();
    relatedInput.focus();
  }

  const searchRelated = debounce(async () => {
    const q = relatedInput.value.trim();
    const token = ++relatedToken;
    if (!q) { closeRelated(); return; }
    try {
      const data = await api.get(`/api/v1/knowledge/articles${query({ q, limit: 8 })}`);
      if (token !== relatedToken) return;
      const own = saved ? saved.slug : null;
      relatedHits = ((data && data.items) || []).filter((a) => a.slug && a.slug !== own && !related.includes(a.slug));
      for (const a of relatedHits) titles.set(a.slug, a.title);
      relatedIndex = 0;
      drawRelated();
    } catch {
      if (token === relatedToken) closeRelated();
    }
  }, RELATED_DELAY_MS);

  relatedInput.addEventListener('input', searchRelated);
  relatedInput.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== relatedInput) closeRelated(); }, 150));
  relatedInput.addEventListener('keydown', (event) => {
    if (event.isComposing || event.keyCode === 229) return;
    if (event.key === 'Enter') {
      // Enter picks the highlighted article; it never submits the whole form.
      event.preventDefault();
      if (!relatedMenu.hidden && relatedHits.length) pickRelated(relatedIndex);
      return;
    }
    if (relatedMenu.hidden || !relatedHits.length) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      relatedIndex = (relatedIndex + (event.key === 'ArrowDown' ? 1 : relatedHits.length - 1)) % relatedHits.length;
      drawRelated();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      closeRelated();
    }
  });

  // ---- values ----
  function values() {
    return {
      title: title.value.trim(),
      slug: slug.value.trim(),
      locale: locale.value,
      category: normaliseCategory(category.value),
      tags: splitList(tags.value),
      synonyms: splitList(synonyms.value),
      related: related.slice(),
      status: status.value,
      body: body.value,
    };
  }
  let baseline = JSON.stringify(values());
  const isDirty = () => JSON.stringify(values()) !== baseline;

  // ---- layout ----
  const head = h('div', { class: 'kb-editor-head' });
  const statsSlot = h('div', { class: 'kb-stats-slot' });
  const saveButton = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'kb-save' }, t('app.common.save'));

  function drawHead() {
    mount(head,
      h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'kb-back', onclick: () => close() }, icon('back'), h('span', null, t('knowledge.backToList'))),
      h('h2', { class: 'kb-editor-title', 'data-testid': 'kb-editor-heading' }, saved ? t('knowledge.editArticle') : t('knowledge.newArticle')),
      saved ? statusBadge(saved.status) : null,
      h('span', { class: 'kb-spacer' }),
      publicLink(saved),
      saved ? h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', 'data-testid': 'kb-delete', onclick: () => remove() }, t('knowledge.delete')) : null,
      saveButton);
    mount(statsSlot, stats(saved));
  }

  const form = h('form', { class: 'form kb-editor', 'data-testid': 'kb-editor', 'data-article-id': saved ? saved.id : '', novalidate: true },
    head,
    h('div', { class: 'kb-editor-grid' },
      h('div', { class: 'kb-editor-main' },
        field(t('knowledge.titleLabel'), title),
        h('div', { class: 'field kb-body-field' },
          h('div', { class: 'kb-body-head' },
            h('label', { for: body.id }, t('knowledge.body')),
            h('div', { class: 'kb-tabs', role: 'tablist', 'aria-label': t('knowledge.body') }, writeTab, previewTab)),
          body,
          preview,
          h('div', { class: 'field-hint' }, t('knowledge.bodyHint')),
          h('div', { class: 'field-error', 'data-error-for': 'body' }))),
      h('div', { class: 'kb-editor-meta' },
        field(t('knowledge.status'), status),
        field(t('knowledge.language'), locale),
        field(t('knowledge.category'), category, { hint: t('knowledge.categoryHint') }),
        categoryList,
        field(t('knowledge.slug'), slug, { hint: t('knowledge.slugHint') }),
        field(t('knowledge.tags'), tags, { hint: t('knowledge.listHint') }),
        field(t('knowledge.synonyms'), synonyms, { hint: t('knowledge.synonymsHint') }),
        h('div', { class: 'field kb-related-field' },
          h('label', { for: 'kb-related-input' }, t('knowledge.related')),
          relatedChips,
          h('div', { class: 'kb-related-box' }, relatedInput, relatedMenu),
          h('div', { class: 'field-hint' }, t('knowledge.relatedHint')),
          h('div', { class: 'field-error', 'data-error-for': 'related' })),
        statsSlot)));

  body.addEventListener('input', () => schedulePreview());
  form.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && String(event.key).toLowerCase() === 's') {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // ---- save / delete / close ----
  let saving = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (saving) return;
    clearFormErrors(form);
    const v = values();
    if (!v.title) {
      showFormError(form, { message: t('knowledge.titleRequired'), field: 'title' });
      return;
    }
    const payload = { ...v };
    if (!payload.slug) delete payload.slug; // the server makes one from the title
    saving = true;
    saveButton.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const created = !saved;
      const result = created
        ? await api.post('/api/v1/knowledge/articles', payload)
        : await api.patch(`/api/v1/knowledge/articles/${encodeURIComponent(saved.id)}`, payload);
      saved = result;
      titles.set(result.slug, result.title);
      form.setAttribute('data-article-id', result.id);
      slug.value = result.slug || '';
      if (typeof result.bodyHtml === 'string') {
        previewFor = result.body;
        setProse(preview, result.bodyHtml);
      }
      baseline = JSON.stringify(values());
      drawHead();
      toast(created ? t('knowledge.created', { title: result.title }) : t('knowledge.saved', { title: result.title }));
      if (onSaved) onSaved(result, created);
    } catch (error) {
      if (error.field === 'body') setMode('write');
      showFormError(form, error);
    } finally {
      saving = false;
      saveButton.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  async function remove() {
    if (!saved) return;
    const ok = await confirmDialog(t('knowledge.confirmDelete', { title: saved.title }), { confirmLabel: t('knowledge.delete'), danger: true });
    if (!ok) return;
    try {
      await api.del(`/api/v1/knowledge/articles/${encodeURIComponent(saved.id)}`);
      toast(t('knowledge.deleted', { title: saved.title }));
      baseline = JSON.stringify(values());
      if (onDeleted) onDeleted(saved);
    } catch (error) {
      toast(errorText(error), 'error');
    }
  }

  async function close() {
    if (isDirty()) {
      const ok = await confirmDialog(t('knowledge.confirmDiscard'), { confirmLabel: t('knowledge.discard'), danger: true });
      if (!ok) return;
    }
    if (onClose) onClose();
  }

  drawHead();
  drawChips();
  setMode('write');
  setTimeout(() => (saved ? body : title).focus());

  return {
    el: h('section', { class: 'card kb-editor-card' }, form),
    isDirty,
    destroy() {
      schedulePreview.cancel();
      searchRelated.cancel();
      previewToken += 1;
      relatedToken += 1;
    },
  };
}
