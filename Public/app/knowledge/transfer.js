// Import and export of the whole knowledge base (JSON or CSV), and the
// settings: the help-centre address and the shop-wide synonyms.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, errorDetail } from '../i18n.js';
import { field, showFormError, clearFormErrors, busy, toast, card } from '../ui.js';

/** "json" or "csv" from a file name, else null. */
function formatOf(name) {
  const match = /\.(json|csv)$/i.exec(String(name || ''));
  return match ? match[1].toLowerCase() : null;
}

/** onImported(): the articles (and perhaps the synonyms) changed. */
export function createTransfer({ onImported }) {
  const file = h('input', {
    type: 'file', name: 'file', accept: '.json,.csv,application/json,text/csv', 'data-testid': 'kb-import-file', class: 'kb-file',
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'kb-import-submit', disabled: true }, t('knowledge.importRun'));
  const result = h('div', { class: 'kb-import-result', 'data-testid': 'kb-import-result', role: 'status', 'aria-live': 'polite', hidden: true });

  function showResult(kind, ...lines) {
    result.className = `kb-import-result is-${kind}`;
    result.setAttribute('data-state', kind);
    result.replaceChildren(...lines.filter(Boolean).map((line, i) => h(i ? 'div' : 'strong', { class: i ? 'kb-import-detail' : null }, line)));
    result.hidden = false;
  }

  file.addEventListener('change', () => {
    submit.disabled = !(file.files && file.files.length);
    result.hidden = true;
  });

  const form = h('form', { class: 'form', 'data-testid': 'kb-import-form', novalidate: true },
    field(t('knowledge.importFile'), file, { hint: t('knowledge.importHint') }),
    h('div', { class: 'form-actions' }, submit),
    result);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    const format = formatOf(chosen.name);
    if (!format) {
      showResult('error', t('knowledge.importWrongType'));
      return;
    }
    await busy(form, async () => {
      try {
        const text = await chosen.text();
        const blob = new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/json' });
        const data = await api.upload(`/api/v1/knowledge/import?format=${format}`, blob);
        const created = (data && data.created) || 0;
        const updated = (data && data.updated) || 0;
        showResult('success', t('knowledge.importDone', { created, updated }));
        toast(t('knowledge.importDone', { created, updated }));
        file.value = '';
        if (onImported) onImported();
      } catch (error) {
        // The server names the line that is wrong; nothing was changed.
        showResult('error', errorText(error), errorDetail(error), t('knowledge.importNothingChanged'));
      }
    });
    submit.disabled = !(file.files && file.files.length);
  });

  const el = h('div', { class: 'kb-transfer', 'data-testid': 'kb-transfer' },
    card(t('knowledge.exportTitle'),
      h('p', { class: 'card-note' }, t('knowledge.exportHelp')),
      h('div', { class: 'form-actions' },
        h('a', { class: 'btn', href: '/api/v1/knowledge/export?format=json', download: '', 'data-testid': 'kb-export-json' }, t('knowledge.exportJson')),
        h('a', { class: 'btn', href: '/api/v1/knowledge/export?format=csv', download: '', 'data-testid': 'kb-export-csv' }, t('knowledge.exportCsv')))),
    card(t('knowledge.importTitle'),
      h('p', { class: 'card-note' }, t('knowledge.importHelp')),
      form));

  return { el, destroy() {} };
}

/**
 * The help-centre address and the synonyms. `settings` is the answer of
 * GET /api/v1/knowledge/settings; onSaved(settings) after a save.
 */
export function createSettings({ settings, onSaved }) {
  let current = settings || { helpSlug: '', helpUrl: '', synonyms: [] };
  const slug = h('input', {
    type: 'text', name: 'helpSlug', id: 'kb-settings-slug', 'data-testid': 'kb-settings-slug', value: current.helpSlug || '', maxlength: '60',
    autocomplete: 'off', spellcheck: 'false',
  });
  const address = h('div', { class: 'kb-address', 'data-testid': 'kb-settings-address' });
  const synonyms = h('textarea', {
    name: 'synonyms', rows: '10', class: 'kb-synonyms-input', 'data-testid': 'kb-settings-synonyms', spellcheck: 'false',
    placeholder: t('knowledge.settingsSynonymsPlaceholder'),
  });
  synonyms.value = (current.synonyms || []).join('\n');

  function drawAddress() {
    const typed = slug.value.trim();
    const path = typed === (current.helpSlug || '') && current.helpUrl ? current.helpUrl : `/help/${typed}`;
    const full = window.location.origin + path;
    address.replaceChildren(typed
      ? (typed === current.helpSlug
        ? h('a', { href: full, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'kb-help-link' }, full)
        : h('span', { class: 'mono' }, full))
      : h('span', { class: 'muted' }, '—'));
  }
  slug.addEventListener('input', drawAddress);

  const form = h('form', { class: 'form', 'data-testid': 'kb-settings-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'kb-settings-slug' }, t('knowledge.settingsSlug')),
      h('div', { class: 'kb-slug-row' }, h('span', { class: 'kb-slug-prefix mono' }, '/help/'), slug),
      h('div', { class: 'field-hint' }, t('knowledge.settingsSlugHint')),
      h('div', { class: 'field-error', 'data-error-for': 'helpSlug' }),
      address),
    field(t('knowledge.settingsSynonyms'), synonyms, { hint: t('knowledge.settingsSynonymsHint') }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'kb-settings-save' }, t('app.common.save'))));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const body = {
      helpSlug: slug.value.trim(),
      synonyms: synonyms.value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean),
    };
    if (!body.helpSlug) {
      showFormError(form, { message: t('knowledge.settingsSlugRequired'), field: 'helpSlug' });
      return;
    }
    await busy(form, async () => {
      try {
        const saved = await api.put('/api/v1/knowledge/settings', body);
        current = saved || { ...current, ...body };
        slug.value = current.helpSlug || '';
        synonyms.value = (current.synonyms || []).join('\n');
        drawAddress();
        toast(t('knowledge.settingsSaved'));
        if (onSaved) onSaved(current);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });

  drawAddress();
  const el = h('div', { class: 'kb-settings', 'data-testid': 'kb-settings' },
    card(t('knowledge.settingsTitle'), h('p', { class: 'card-note' }, t('knowledge.settingsHelp')), form));
  return { el, destroy() {} };
}
