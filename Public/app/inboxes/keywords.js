// Keyword auto-replies of one inbox (a tab of the inbox settings dialog): the rules
// (keywords, match type, language, priority, cool-down, on/off, reply), created, edited
// and deleted one by one, and a "try it" box asking the server which rule would answer.
// API: /api/v1/inboxes/{id}/keyword-rules (GET, POST, PATCH /{ruleId}, DELETE /{ruleId},
// POST /test {text, locale?} → {matched: rule|null}).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { showFormError, clearFormErrors, loadingBlock, loadError, editableList } from '../ui.js';
import { LOCALES, languageName, durationText } from './templates.js';

const MATCHES = [
  { value: 'contains', label: () => t('routing.kw.matchContains') },
  { value: 'exact', label: () => t('routing.kw.matchExact') },
  { value: 'word', label: () => t('routing.kw.matchWord') },
];
const MAX_KEYWORDS = 20;
const MAX_REPLY = 2000;
const MAX_COOLDOWN = 86400;
const SEPARATORS = /[,\n\r;\uff0c\u3001\uff1b]/;
const DEFAULT_RULE = { keywords: [], match: 'contains', locale: null, reply: '', priority: 0, cooldownSeconds: 600, active: true };

function matchLabel(value) {
  const found = MATCHES.find((m) => m.value === value);
  return found ? found.label() : String(value || '');
}

function localeLabel(code) {
  return code ? languageName(code) : t('routing.kw.localeAny');
}

function cooldownLabel(seconds) {
  return Number(seconds) > 0 ? t('routing.kw.cooldownValue', { time: durationText(seconds) }) : t('routing.kw.noCooldown');
}

function sortRules(rules) {
  return rules.slice().sort((a, b) => (Number(b.priority) || 0) - (Number(a.priority) || 0)
    || String(a.createdAt || '').localeCompare(String(b.createdAt || '')));
}

function parseInteger(raw) {
  const text = String(raw).trim();
  if (!text) return NaN;
  const n = Number(text);
  return Number.isInteger(n) ? n : NaN;
}

let seq = 0;
function fieldBox(label, control, { hint = null, wide = false, extra = null } = {}) {
  seq += 1;
  if (!control.id) control.id = `kw-${control.getAttribute('name') || 'field'}-${seq}`;
  return h('div', { class: ['field', wide && 'field-wide'] },
    h('label', { for: control.id }, label),
    extra ? h('div', { class: 'rs-input-row' }, control, extra) : control,
    hint ? h('div', { class: 'field-hint' }, hint) : null,
    h('div', { class: 'field-error', 'data-error-for': control.getAttribute('name') || '' }));
}

/** Keywords as removable chips plus a text box: Enter or a comma adds what was typed. */
function keywordInput(initial) {
  const keywords = initial.slice();
  const input = h('input', {
    type: 'text', name: 'keywords', 'data-testid': 'kw-keywords', autocomplete: 'off',
    placeholder: t('routing.kw.keywordsPlaceholder'), 'aria-label': t('routing.kw.keywords'),
  });
  const chips = h('span', { class: 'kw-chip-list' });
  const box = h('div', { class: 'kw-keyword-box', onclick: (event) => { if (event.target === box) input.focus(); } }, chips, input);

  function draw() {
    chips.replaceChildren(...keywords.map((word, index) => h('span', { class: 'kw-chip kw-chip-edit', 'data-testid': 'kw-keyword-chip' },
      h('span', { class: 'kw-chip-text' }, word),
      h('button', {
        type: 'button', class: 'kw-chip-remove', 'aria-label': t('routing.kw.removeKeyword', { keyword: word }), title: t('routing.kw.removeKeyword', { keyword: word }),
        onclick: () => { keywords.splice(index, 1); draw(); input.focus(); box.dispatchEvent(new Event('input', { bubbles: true })); },
      }, '\u00d7'))));
    input.placeholder = keywords.length ? '' : t('routing.kw.keywordsPlaceholder');
  }

  function add(parts) {
    let added = false;
    for (const part of parts) {
      const word = part.trim();
      if (!word || keywords.length >= MAX_KEYWORDS) continue;
      if (keywords.some((k) => k.toLowerCase() === word.toLowerCase())) continue;
      keywords.push(word);
      added = true;
    }
    if (added) draw();
  }

  /** Adds what is still typed in the box (on save, blur). */
  function commit() {
    if (input.value.trim()) {
      add(input.value.split(SEPARATORS));
      input.value = '';
    }
  }

  input.addEventListener('input', () => {
    if (!SEPARATORS.test(input.value)) return;
    const parts = input.value.split(SEPARATORS);
    const rest = parts.pop();
    add(parts);
    input.value = rest;
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.isComposing) {
      event.preventDefault();
      commit();
    } else if (event.key === 'Backspace' && !input.value && keywords.length) {
      keywords.pop();
      draw();
    }
  });
  input.addEventListener('blur', () => commit());
  draw();
  return { el: box, input, keywords: () => { commit(); return keywords.slice(); }, peek: () => keywords.concat(input.value.trim() ? [input.value.trim()] : []) };
}

/** {el, load, isDirty, destroy}. `notify(text, kind)` shows a short status line. */
export function createKeywordRules({ inbox, notify = () => {} }) {
  const base = `/api/v1/inboxes/${encodeURIComponent(inbox.id)}/keyword-rules`;
  const state = { hitId: null, destroyed: false };

  const listHost = h('div', { class: 'kw-list-host' }, loadingBlock());
  const countText = h('span', { class: 'kw-count muted' });
  const newButton = h('button', {
    type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'kw-new', onclick: () => list.startEdit('new'),
  }, t('routing.kw.new'));

  // ---- try it ----
  const testInput = h('input', {
    type: 'text', 'data-testid': 'kw-test-input', maxlength: '500', placeholder: t('routing.kw.testPlaceholder'), 'aria-label': t('routing.kw.test'),
  });
  const testLocale = h('select', { 'data-testid': 'kw-test-locale', 'aria-label': t('routing.kw.testLocale'), title: t('routing.kw.testLocale') },
    h('option', { value: '' }, t('routing.kw.localeAny')),
    LOCALES.map((code) => h('option', { value: code }, languageName(code))));
  const testResult = h('div', { class: 'kw-test-result', 'data-testid': 'kw-test-result', role: 'status', 'aria-live': 'polite', hidden: true });
  let testToken = 0;
  let testTimer = null;

  async function runTest() {
    clearTimeout(testTimer);
    const text = testInput.value.trim();
    const token = ++testToken;
    if (!text) {
      testResult.hidden = true;
      testResult.replaceChildren();
      setHit(null);
      return;
    }
    const body = { text };
    if (testLocale.value) body.locale = testLocale.value;
    testResult.dataset.state = 'busy';
    try {
      const answer = await api.post(`${base}/test`, body);
      if (token !== testToken || state.destroyed) return;
      drawTest(answer && answer.matched ? answer.matched : null);
    } catch (error) {
      if (token !== testToken || state.destroyed) return;
      testResult.hidden = false;
      testResult.dataset.state = 'error';
      testResult.removeAttribute('data-rule-id');
      testResult.replaceChildren(h('p', { class: 'kw-test-none inline-error' }, errorText(error)));
    }
  }

  function drawTest(rule) {
    testResult.hidden = false;
    if (!rule) {
      testResult.dataset.state = 'none';
      testResult.removeAttribute('data-rule-id');
      testResult.replaceChildren(h('p', { class: 'kw-test-none' }, t('routing.kw.testNone')));
      setHit(null);
      return;
    }
    testResult.dataset.state = 'matched';
    testResult.dataset.ruleId = rule.id || '';
    const known = list.rules().find((r) => r.id === rule.id) || rule;
    testResult.replaceChildren(
      h('p', { class: 'kw-test-head' }, t('routing.kw.testMatched')),
      h('div', { class: 'kw-test-rule' },
        h('div', { class: 'kw-chips' }, (known.keywords || []).map((k) => h('span', { class: 'kw-chip' }, k))),
        h('div', { class: 'kw-test-reply' }, known.reply || ''),
        h('div', { class: 'kw-meta' },
          h('span', { class: 'kw-meta-item' }, matchLabel(known.match)),
          h('span', { class: 'kw-meta-item' }, localeLabel(known.locale)),
          h('span', { class: 'kw-meta-item' }, t('routing.kw.priorityValue', { value: known.priority ?? 0 })))));
    setHit(rule.id || null);
  }

  function setHit(id) {
    state.hitId = id;
    for (const row of listHost.querySelectorAll('[data-testid="kw-row"]')) {
      row.classList.toggle('kw-row-hit', Boolean(id) && row.dataset.ruleId === id);
    }
  }

  testInput.addEventListener('input', () => {
    clearTimeout(testTimer);
    testTimer = setTimeout(runTest, 400);
  });
  testInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.isComposing) {
      event.preventDefault();
      runTest();
    }
  });
  testLocale.addEventListener('change', () => runTest());
  // A rule changed: ask again which rule answers the text being tried.
  const retest = () => { if (testInput.value.trim()) runTest(); };

  const testBlock = h('section', { class: 'rs-block kw-test', 'data-testid': 'kw-test' },
    h('div', { class: 'rs-template-head' },
      h('h3', { class: 'rs-block-title' }, t('routing.kw.test')),
      h('p', { class: 'rs-block-hint' }, t('routing.kw.testHint'))),
    h('div', { class: 'kw-test-row' },
      testInput, testLocale,
      h('button', { type: 'button', class: 'btn', 'data-testid': 'kw-test-run', onclick: () => runTest() }, t('routing.kw.testRun'))),
    testResult);

  const el = h('div', { class: 'kw', 'data-testid': 'kw-panel' },
    h('section', { class: 'rs-block kw-rules' },
      h('div', { class: 'kw-head' },
        h('div', { class: 'rs-template-head' },
          h('h3', { class: 'rs-block-title' }, t('routing.kw.title'), countText),
          h('p', { class: 'rs-block-hint' }, t('routing.kw.hint'))),
        newButton),
      listHost),
    testBlock);

  // ---- the rule form ----
  function ruleForm(rule, { saved, cancel, remove }) {
    const start = { ...DEFAULT_RULE, ...(rule || {}) };
    const words = keywordInput(start.keywords || []);
    const match = h('select', { name: 'match', 'data-testid': 'kw-match' },
      MATCHES.map((m) => h('option', { value: m.value, selected: m.value === start.match }, m.label())));
    const locale = h('select', { name: 'locale', 'data-testid': 'kw-locale' },
      h('option', { value: '', selected: !start.locale }, t('routing.kw.localeAny')),
      LOCALES.map((code) => h('option', { value: code, selected: code === start.locale }, languageName(code))));
    if (start.locale && !LOCALES.includes(start.locale)) locale.append(h('option', { value: start.locale, selected: true }, start.locale));
    const priority = h('input', { type: 'number', name: 'priority', step: '1', inputmode: 'numeric', 'data-testid': 'kw-priority', value: String(start.priority ?? 0) });
    const cooldown = h('input', {
      type: 'number', name: 'cooldownSeconds', min: '0', max: String(MAX_COOLDOWN), step: '1', inputmode: 'numeric',
      'data-testid': 'kw-cooldown', value: String(start.cooldownSeconds ?? 600),
    });
    const cooldownReadout = h('span', { class: 'rs-readout' });
    const reply = h('textarea', {
      name: 'reply', rows: '3', maxlength: String(MAX_REPLY), 'data-testid': 'kw-reply', placeholder: t('routing.kw.replyPlaceholder'),
    });
    reply.value = start.reply || '';
    const counter = h('span', { class: 'rs-counter' });
    const active = h('input', { type: 'checkbox', class: 'rs-switch', name: 'active', 'data-testid': 'kw-active', checked: start.active !== false });
    seq += 1;
    active.id = `kw-active-${seq}`;
    const matchHint = h('div', { class: 'field-hint' });

    const drawHints = () => {
      const seconds = parseInteger(cooldown.value);
      cooldownReadout.textContent = Number.isNaN(seconds) || seconds < 0 ? '' : (seconds === 0 ? t('routing.kw.noCooldown') : durationText(seconds));
      counter.textContent = t('routing.charCount', { count: reply.value.length, max: MAX_REPLY });
      matchHint.textContent = match.value === 'word' ? t('routing.kw.matchWordHint') : (match.value === 'exact' ? t('routing.kw.matchExactHint') : t('routing.kw.matchContainsHint'));
    };

    const form = h('form', { class: 'form form-grid kw-form', 'data-testid': 'kw-form', novalidate: true },
      h('div', { class: 'field field-wide' },
        h('label', { for: (words.input.id = `kw-words-${seq}`) }, t('routing.kw.keywords')),
        words.el,
        h('div', { class: 'field-hint' }, t('routing.kw.keywordsHint', { max: MAX_KEYWORDS })),
        h('div', { class: 'field-error', 'data-error-for': 'keywords' })),
      h('div', { class: 'field' },
        h('label', { for: (match.id = `kw-match-${seq}`) }, t('routing.kw.match')), match, matchHint,
        h('div', { class: 'field-error', 'data-error-for': 'match' })),
      fieldBox(t('routing.kw.locale'), locale, { hint: t('routing.kw.localeHint') }),
      fieldBox(t('routing.kw.priority'), priority, { hint: t('routing.kw.priorityHint') }),
      fieldBox(t('routing.kw.cooldown'), cooldown, { hint: t('routing.kw.cooldownHint'), extra: cooldownReadout }),
      h('div', { class: 'field field-wide' },
        h('label', { for: (reply.id = `kw-reply-${seq}`) }, t('routing.kw.reply')),
        reply,
        h('div', { class: 'rs-template-tools' }, h('span', { class: 'field-hint' }, t('routing.kw.replyHint')), counter),
        h('div', { class: 'field-error', 'data-error-for': 'reply' })),
      h('div', { class: 'field field-wide rs-switch-field' },
        h('label', { class: 'rs-switch-row', for: active.id }, active,
          h('span', { class: 'rs-switch-text' },
            h('span', { class: 'rs-switch-title' }, t('routing.kw.active')),
            h('span', { class: 'field-hint' }, t('routing.kw.activeHint'))))),
      h('div', { class: 'form-actions field-wide' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'kw-save' }, rule ? t('app.common.save') : t('routing.kw.create')),
        h('button', { type: 'button', class: 'btn', 'data-testid': 'kw-cancel', onclick: () => cancel() }, t('app.common.cancel')),
        rule ? h('span', { class: 'rs-foot-spacer' }) : null,
        rule ? h('button', {
          type: 'button', class: 'btn btn-danger-ghost', 'data-testid': 'kw-delete', onclick: () => remove(),
        }, t('routing.kw.delete')) : null));

    const snapshot = () => JSON.stringify([words.peek(), match.value, locale.value, priority.value, cooldown.value, reply.value, active.checked]);
    const initial = snapshot();
    form.addEventListener('input', drawHints);
    form.addEventListener('change', drawHints);
    drawHints();

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearFormErrors(form);
      const keywords = words.keywords();
      if (!keywords.length) {
        showFormError(form, { message: t('routing.kw.keywordsMissing'), field: 'keywords' });
        return;
      }
      const prio = parseInteger(priority.value);
      if (Number.isNaN(prio)) {
        showFormError(form, { message: t('routing.kw.priorityInvalid'), field: 'priority' });
        return;
      }
      const cool = parseInteger(cooldown.value);
      if (Number.isNaN(cool) || cool < 0 || cool > MAX_COOLDOWN) {
        showFormError(form, { message: t('routing.kw.cooldownInvalid'), field: 'cooldownSeconds' });
        return;
      }
      if (!reply.value.trim()) {
        showFormError(form, { message: t('routing.kw.replyMissing'), field: 'reply' });
        return;
      }
      const body = {
        keywords, match: match.value, locale: locale.value || null, reply: reply.value.trim(),
        priority: prio, cooldownSeconds: cool, active: active.checked,
      };
      const buttons = Array.from(form.querySelectorAll('button'));
      buttons.forEach((b) => { b.disabled = true; });
      form.setAttribute('aria-busy', 'true');
      try {
        const answer = rule
          ? await api.patch(`${base}/${encodeURIComponent(rule.id)}`, body)
          : await api.post(base, body);
        if (state.destroyed) return;
        saved({ ...(rule || {}), ...body, ...(answer || {}) });
        notify(rule ? t('routing.kw.saved') : t('routing.kw.created'), 'ok');
        retest();
      } catch (error) {
        if (!state.destroyed) showFormError(form, error);
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
        form.removeAttribute('aria-busy');
      }
    });

    return { el: form, isDirty: () => snapshot() !== initial, focus: () => words.input.focus() };
  }

  // ---- the list ----
  function ruleRow(rule, { edit, toggle }) {
    const keywords = (rule.keywords || []).join(t('routing.kw.keywordSeparator'));
    return [
      h('div', { class: 'kw-row-main' },
        h('div', { class: 'kw-chips', 'data-testid': 'kw-row-keywords' }, (rule.keywords || []).map((k) => h('span', { class: 'kw-chip' }, k))),
        h('p', { class: 'kw-row-reply', 'data-testid': 'kw-row-reply' }, rule.reply || ''),
        h('div', { class: 'kw-meta' },
          h('span', { class: 'kw-meta-item' }, matchLabel(rule.match)),
          h('span', { class: 'kw-meta-item' }, localeLabel(rule.locale)),
          h('span', { class: 'kw-meta-item' }, t('routing.kw.priorityValue', { value: rule.priority ?? 0 })),
          h('span', { class: 'kw-meta-item' }, cooldownLabel(rule.cooldownSeconds)),
          rule.active === false ? h('span', { class: 'pill pill-off' }, t('app.common.inactive')) : null)),
      h('div', { class: 'kw-row-side' },
        h('input', {
          type: 'checkbox', class: 'rs-switch', checked: rule.active !== false, 'data-testid': 'kw-row-active',
          'aria-label': t('routing.kw.activeFor', { keywords }),
          title: rule.active !== false ? t('app.common.active') : t('app.common.inactive'),
          onchange: toggle,
        }),
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'kw-edit', onclick: edit }, t('app.common.edit'))),
    ];
  }

  const list = editableList({
    host: listHost, count: countText, newButton,
    listClass: 'kw-list', listTestid: 'kw-list', rowClass: 'kw-row', rowTestid: 'kw-row', newRowTestid: 'kw-new-row',
    formTitle: { tag: 'h4', className: 'kw-form-title', edit: () => t('routing.kw.editTitle'), create: () => t('routing.kw.newTitle') },
    empty: { className: 'kw-empty', testid: 'kw-empty', text: () => t('routing.kw.empty'), hint: () => t('routing.kw.emptyHint') },
    sort: sortRules,
    rowClasses: (rule) => [state.hitId === rule.id && 'kw-row-hit'],
    renderRow: ruleRow,
    renderForm: ruleForm,
    discard: { question: () => t('routing.kw.discardConfirm'), confirmLabel: () => t('routing.discard') },
    removal: {
      question: (rule) => t('routing.kw.deleteConfirm', { keywords: (rule.keywords || []).join(t('routing.kw.keywordSeparator')) }),
      confirmLabel: () => t('routing.kw.delete'),
      request: (rule) => api.del(`${base}/${encodeURIComponent(rule.id)}`),
      done: () => { notify(t('routing.kw.deleted'), 'ok'); retest(); },
    },
    toggle: {
      request: (rule, active) => api.patch(`${base}/${encodeURIComponent(rule.id)}`, { active }),
      done: (rule) => { notify(rule.active ? t('routing.kw.enabled') : t('routing.kw.disabled'), 'ok'); retest(); },
    },
    notify,
  });

  async function load() {
    listHost.replaceChildren(loadingBlock());
    try {
      const data = await api.get(base);
      if (state.destroyed) return;
      list.setRules((data && data.items) || []);
    } catch (error) {
      if (!state.destroyed) listHost.replaceChildren(loadError(error, load));
    }
  }

  return {
    el,
    load,
    isDirty: () => list.isDirty(),
    destroy() {
      state.destroyed = true;
      list.destroy();
      clearTimeout(testTimer);
    },
  };
}
