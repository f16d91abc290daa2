// The routing and automatic-reply settings of one inbox, in a dialog opened from the
// inboxes page (admins):
// - "Routing": strategy, capacity per agent, prefer the last agent, answer timeout, auto-away;
// - "Automatic replies": greeting, queued greeting, away and closed replies in four
//   languages, with variable chips and a live preview, and the widget's status line
//   (GET/PUT /api/v1/inboxes/{id}/settings, saved together);
// - "Keyword replies": the inbox's keyword rules (keywords.js), saved rule by rule.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, errorText, getLocale } from '../i18n.js';
import { icon } from '../icons.js';
import { showFormError, clearFormErrors, confirmDialog, loadingBlock, loadError } from '../ui.js';
import {
  LOCALES, FALLBACK_LOCALE, MAX_TEMPLATE, VARIABLES, TEMPLATES,
  languageName, sampleValues, renderTemplate, unknownVariables, effectiveTemplate, durationText,
  localInputValue, isoFromInput, statusLineState,
} from './templates.js';
import { createKeywordRules } from './keywords.js';

const STRATEGIES = [
  { value: 'round_robin', label: () => t('routing.roundRobin'), hint: () => t('routing.roundRobinHint') },
  { value: 'least_busy', label: () => t('routing.leastBusy'), hint: () => t('routing.leastBusyHint') },
  { value: 'manual', label: () => t('routing.manual'), hint: () => t('routing.manualHint') },
];

const SECTIONS = [
  { id: 'routing', label: () => t('routing.tabRouting') },
  { id: 'replies', label: () => t('routing.tabReplies') },
  { id: 'keywords', label: () => t('routing.tabKeywords') },
];

const DEFAULTS = {
  routing: 'round_robin', capacity: 5, preferLastAgent: true, answerTimeoutSeconds: 90, autoAwayMinutes: 10,
  greeting: {}, queuedGreeting: {}, awayReply: {}, closedReply: {}, statusLine: null,
};

const STATUS_LABEL = {
  off: () => t('routing.statusOff'),
  active: () => t('routing.statusActive'),
  scheduled: () => t('routing.statusScheduled'),
  expired: () => t('routing.statusExpired'),
};

let current = null; // the open dialog, if any

/** "2026/11/01 09:00" in the interface language (no seconds). */
function dateTimeText(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return '';
  try {
    return new Intl.DateTimeFormat(getLocale() || undefined, {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    }).format(date);
  } catch {
    return date.toLocaleString();
  }
}

/** "14:03:05": when something was saved. */
function clockText(date) {
  try {
    return new Intl.DateTimeFormat(getLocale() || undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(date);
  } catch {
    return date.toLocaleTimeString();
  }
}

/** The inboxes table's button that opens the editor. */
export function settingsButton(inbox, { onClosed } = {}) {
  return h('button', {
    type: 'button', class: 'btn btn-small', 'data-testid': 'inbox-settings-open', title: t('routing.openHint'),
    onclick: () => openInboxSettings(inbox, { onClosed }),
  }, t('routing.open'));
}

function parseInteger(raw) {
  const text = String(raw).trim();
  if (!text) return NaN;
  const n = Number(text);
  return Number.isInteger(n) ? n : NaN;
}

let seq = 0;
function uid(prefix) {
  seq += 1;
  return `${prefix}-${seq}`;
}

/** A labelled control with hint and error slot (like ui.field, with an optional readout). */
function fieldBox(label, control, { hint = null, readout = null, wide = false } = {}) {
  if (!control.id) control.id = uid(`rs-${control.getAttribute('name') || 'field'}`);
  return h('div', { class: ['field', wide && 'field-wide'] },
    h('label', { for: control.id }, label),
    readout ? h('div', { class: 'rs-input-row' }, control, readout) : control,
    hint ? h('div', { class: 'field-hint' }, hint) : null,
    h('div', { class: 'field-error', 'data-error-for': control.getAttribute('name') || '' }));
}

/**
 * Opens the settings of `inbox` ({id, name}). `section` picks the first tab
 * ('routing', 'replies' or 'keywords'). Returns {close}.
 */
export function openInboxSettings(inbox, { section = 'routing', onClosed = null } = {}) {
  if (current) current.close();
  const url = `/api/v1/inboxes/${encodeURIComponent(inbox.id)}/settings`;
  const state = {
    section: SECTIONS.some((s) => s.id === section) ? section : 'routing',
    locale: LOCALES.includes(getLocale()) ? getLocale() : FALLBACK_LOCALE,
    settings: null,
    baseline: null,
    saving: false,
    closed: false,
  };
  const samples = sampleValues(inbox);
  let keywords = null;

  // ---- frame ----
  const titleId = uid('rs-title');
  const dialog = h('dialog', { class: 'rs-dialog', 'data-testid': 'inbox-settings', 'aria-labelledby': titleId });
  const statusText = h('span', { class: 'rs-foot-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'rs-state' });
  const tabBar = h('div', { class: 'rs-sections', role: 'tablist', 'aria-label': t('routing.title') });
  const formId = uid('rs-form');
  const form = h('form', { class: 'rs-form', id: formId, novalidate: true, 'data-testid': 'rs-form' });
  const errorBox = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'rs-error', hidden: true });
  const formScroll = h('div', { class: 'rs-scroll' }, loadingBlock());
  form.append(formScroll);
  const keywordHost = h('div', { class: 'rs-scroll rs-keywords-host', hidden: true });
  const saveButton = h('button', {
    type: 'submit', form: formId, class: 'btn btn-primary', 'data-testid': 'rs-save', disabled: true,
  }, t('app.common.save'));
  const closeButton = h('button', {
    type: 'button', class: 'btn', 'data-testid': 'rs-close', onclick: () => requestClose(),
  }, t('app.common.close'));

  dialog.append(
    h('div', { class: 'rs-head' },
      h('div', { class: 'rs-head-text' },
        h('h2', { class: 'rs-title', id: titleId }, t('routing.title')),
        h('p', { class: 'rs-subtitle', 'data-testid': 'rs-inbox-name' }, inbox.name)),
      h('button', {
        type: 'button', class: 'btn btn-ghost rs-x', 'aria-label': t('app.common.close'), title: t('app.common.close'),
        onclick: () => requestClose(),
      }, icon('close'))),
    tabBar,
    h('div', { class: 'rs-main' }, form, keywordHost),
    h('div', { class: 'rs-foot' }, statusText, h('span', { class: 'rs-foot-spacer' }), closeButton, saveButton));

  function drawTabs() {
    tabBar.replaceChildren(...SECTIONS.map((s) => h('button', {
      type: 'button', role: 'tab', class: 'rs-section-tab', 'data-testid': `rs-section-${s.id}`,
      'aria-selected': String(state.section === s.id), onclick: () => showSection(s.id),
    }, s.label())));
  }

  function showSection(id) {
    state.section = id;
    const keywordsShown = id === 'keywords';
    form.hidden = keywordsShown;
    keywordHost.hidden = !keywordsShown;
    saveButton.hidden = keywordsShown;
    for (const panel of form.querySelectorAll('[data-section]')) panel.hidden = panel.dataset.section !== id;
    if (keywordsShown && !keywords) {
      keywords = createKeywordRules({ inbox, notify: (text, kind = 'ok') => setStatus(text, kind) });
      keywordHost.append(keywords.el);
      keywords.load();
    }
    drawTabs();
    drawStatus();
  }

  // ---- routing ----
  const strategyInputs = STRATEGIES.map((s) => h('input', {
    type: 'radio', name: 'routing', value: s.value, 'data-testid': `rs-routing-${s.value}`,
  }));
  const manualNote = h('p', { class: 'rs-note', 'data-testid': 'rs-manual-note', hidden: true }, t('routing.manualNote'));
  const capacity = h('input', { type: 'number', name: 'capacity', min: '1', max: '50', step: '1', inputmode: 'numeric', 'data-testid': 'rs-capacity' });
  const timeout = h('input', { type: 'number', name: 'answerTimeoutSeconds', min: '0', max: '3600', step: '1', inputmode: 'numeric', 'data-testid': 'rs-timeout' });
  const timeoutReadout = h('span', { class: 'rs-readout', 'data-testid': 'rs-timeout-readout' });
  const autoAway = h('input', { type: 'number', name: 'autoAwayMinutes', min: '0', max: '240', step: '1', inputmode: 'numeric', 'data-testid': 'rs-auto-away' });
  const autoAwayReadout = h('span', { class: 'rs-readout', 'data-testid': 'rs-auto-away-readout' });
  const preferLast = h('input', { type: 'checkbox', class: 'rs-switch', name: 'preferLastAgent', 'data-testid': 'rs-prefer-last' });
  const preferId = uid('rs-prefer');
  preferLast.id = preferId;

  function routingPanel() {
    return h('div', { class: 'rs-panel', 'data-section': 'routing' },
      h('section', { class: 'rs-block' },
        h('fieldset', { class: 'rs-strategies', 'data-testid': 'rs-routing' },
          h('legend', { class: 'rs-block-title' }, t('routing.strategy')),
          STRATEGIES.map((s, i) => h('label', { class: 'rs-option' },
            strategyInputs[i],
            h('span', { class: 'rs-option-text' },
              h('span', { class: 'rs-option-title' }, s.label()),
              h('span', { class: 'rs-option-hint' }, s.hint())))),
          h('div', { class: 'field-error', 'data-error-for': 'routing' })),
        manualNote),
      h('section', { class: 'rs-block' },
        h('h3', { class: 'rs-block-title' }, t('routing.workload')),
        h('div', { class: 'form-grid rs-grid' },
          fieldBox(t('routing.capacity'), capacity, { hint: t('routing.capacityHint') }),
          fieldBox(t('routing.timeout'), timeout, { hint: t('routing.timeoutHint'), readout: timeoutReadout }),
          fieldBox(t('routing.autoAway'), autoAway, { hint: t('routing.autoAwayHint'), readout: autoAwayReadout }),
          h('div', { class: 'field field-wide rs-switch-field' },
            h('label', { class: 'rs-switch-row', for: preferId },
              preferLast,
              h('span', { class: 'rs-switch-text' },
                h('span', { class: 'rs-switch-title' }, t('routing.preferLast')),
                h('span', { class: 'field-hint' }, t('routing.preferLastHint')))),
            h('div', { class: 'field-error', 'data-error-for': 'preferLastAgent' })))));
  }

  function drawRoutingHints() {
    const chosen = strategyInputs.find((i) => i.checked);
    manualNote.hidden = !chosen || chosen.value !== 'manual';
    for (const input of strategyInputs) input.closest('.rs-option').classList.toggle('is-chosen', input.checked);
    const seconds = parseInteger(timeout.value);
    timeoutReadout.textContent = Number.isNaN(seconds) ? '' : (seconds === 0 ? t('routing.off') : durationText(seconds));
    const minutes = parseInteger(autoAway.value);
    autoAwayReadout.textContent = Number.isNaN(minutes) ? '' : (minutes === 0 ? t('routing.off') : durationText(minutes * 60));
  }

  // ---- automatic replies ----
  const localeTabs = h('div', { class: 'rs-locales', role: 'tablist', 'aria-label': t('routing.language') });
  const editors = []; // {tpl, areas: {locale: textarea}, preview, counter, warning}

  function templateBlock(tpl) {
    const areas = {};
    for (const code of LOCALES) {
      areas[code] = h('textarea', {
        name: `${tpl.key}.${code}`, rows: '3', maxlength: String(MAX_TEMPLATE), lang: code,
        class: 'rs-textarea', 'data-testid': `${tpl.testid}-${code}`, 'data-locale': code,
        'aria-label': `${tpl.label()} (${languageName(code)})`,
        placeholder: code === FALLBACK_LOCALE
          ? t('routing.templatePlaceholder')
          : t('routing.templatePlaceholderFallback', { language: languageName(FALLBACK_LOCALE) }),
      });
    }
    const counter = h('span', { class: 'rs-counter' });
    const warning = h('div', { class: 'rs-warning', 'data-testid': `${tpl.testid}-unknown`, hidden: true });
    const preview = h('div', { class: 'rs-preview', 'data-testid': 'rs-preview', 'data-template': tpl.key });
    const slot = h('div', { class: 'field-error', 'data-error-for': '' });
    const editor = { tpl, areas, counter, warning, preview, slot };
    editors.push(editor);
    const chips = h('div', { class: 'rs-vars', role: 'group', 'aria-label': t('routing.variables') },
      h('span', { class: 'rs-vars-label' }, t('routing.variables')),
      tpl.vars.map((name) => h('button', {
        type: 'button', class: 'rs-var', 'data-testid': `rs-var-${name}`, 'data-var': name,
        title: t('routing.insertVariable', { token: `{${name}}` }),
        // Keep the caret where it is: the chip must not take the focus from the text.
        onmousedown: (event) => event.preventDefault(),
        onclick: () => insertVariable(editor, name),
      }, VARIABLES[name]())));
    for (const area of Object.values(areas)) {
      area.addEventListener('input', () => { drawEditor(editor); drawLocaleTabs(); drawStatus(); });
    }
    return h('section', { class: 'rs-block rs-template', 'data-testid': tpl.testid, 'data-template': tpl.key },
      h('div', { class: 'rs-template-head' },
        h('h3', { class: 'rs-block-title' }, tpl.label()),
        h('p', { class: 'rs-block-hint' }, tpl.hint())),
      h('div', { class: 'rs-template-body' },
        h('div', { class: 'rs-template-edit' },
          Object.values(areas),
          h('div', { class: 'rs-template-tools' }, chips, counter),
          warning,
          slot),
        preview));
  }

  function insertVariable(editor, name) {
    const area = editor.areas[state.locale];
    const token = `{${name}}`;
    const start = typeof area.selectionStart === 'number' ? area.selectionStart : area.value.length;
    const end = typeof area.selectionEnd === 'number' ? area.selectionEnd : start;
    if (area.value.length - (end - start) + token.length > MAX_TEMPLATE) return;
    area.focus();
    area.setRangeText(token, start, end, 'end');
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function mapOf(editor) {
    const map = { ...((state.settings && state.settings[editor.tpl.key]) || {}) };
    for (const code of LOCALES) map[code] = editor.areas[code].value;
    return map;
  }

  function drawEditor(editor) {
    const area = editor.areas[state.locale];
    for (const [code, el] of Object.entries(editor.areas)) el.hidden = code !== state.locale;
    // The error slot belongs to the visible text box.
    editor.slot.setAttribute('data-error-for', area.name);
    editor.counter.textContent = t('routing.charCount', { count: area.value.length, max: MAX_TEMPLATE });
    const unknown = unknownVariables(area.value);
    editor.warning.hidden = !unknown.length;
    editor.warning.textContent = unknown.length ? t('routing.unknownVariables', { names: unknown.join(' ') }) : '';

    const { text, from } = effectiveTemplate(mapOf(editor), state.locale);
    const sender = editor.tpl.sender === 'agent'
      ? t('app.shell.agentBadge', { number: samples.agent_number, name: samples.agent_name })
      : t('routing.botSender');
    const nodes = [h('div', { class: 'rs-preview-head' },
      h('span', null, t('routing.preview')),
      h('span', { class: 'rs-preview-sample' }, t('routing.previewSample')))];
    const chat = h('div', { class: 'rs-chat', lang: state.locale },
      h('div', { class: 'rs-msg rs-msg-customer' }, h('div', { class: 'rs-bubble' }, t('routing.sampleCustomerMessage'))));
    if (from) {
      chat.append(h('div', { class: 'rs-msg rs-msg-reply' },
        h('div', { class: 'rs-msg-sender' }, sender),
        h('div', { class: 'rs-bubble', 'data-testid': 'rs-preview-text' }, renderTemplate(text, samples))));
    }
    nodes.push(chat);
    if (!from) {
      nodes.push(h('p', { class: 'rs-preview-note rs-preview-off', 'data-testid': 'rs-preview-off' }, t('routing.replyOff')));
    } else if (from !== state.locale) {
      nodes.push(h('p', { class: 'rs-preview-note', 'data-testid': 'rs-preview-fallback' },
        t('routing.usesFallback', { language: languageName(from) })));
    }
    editor.preview.replaceChildren(...nodes);
    editor.preview.dataset.state = from ? (from === state.locale ? 'own' : 'fallback') : 'off';
  }

  function drawLocaleTabs() {
    localeTabs.replaceChildren(...LOCALES.map((code) => {
      const filled = editors.filter((e) => e.areas[code].value.trim()).length;
      return h('button', {
        type: 'button', role: 'tab', class: 'rs-locale-tab', lang: code, 'data-testid': `rs-tab-${code}`,
        'aria-selected': String(state.locale === code), onclick: () => setLocale(code),
        title: t('routing.localeFilled', { count: filled, total: editors.length }),
      }, h('span', null, languageName(code)),
      h('span', { class: ['rs-locale-count', filled === editors.length && 'is-full', filled === 0 && 'is-empty'] },
        `${filled}/${editors.length}`));
    }));
  }

  function setLocale(code) {
    state.locale = code;
    for (const editor of editors) drawEditor(editor);
    drawLocaleTabs();
  }

  // ---- status line ----
  const statusLineText = h('input', {
    type: 'text', name: 'statusLine.text', maxlength: '200', 'data-testid': 'rs-status-text', placeholder: t('routing.statusTextPlaceholder'),
  });
  const statusStart = h('input', { type: 'datetime-local', name: 'statusLine.startsAt', 'data-testid': 'rs-status-start' });
  const statusEnd = h('input', { type: 'datetime-local', name: 'statusLine.endsAt', 'data-testid': 'rs-status-end' });
  const statusState = h('span', { class: 'rs-line-state', 'data-testid': 'rs-status-state' });
  const statusBanner = h('div', { class: 'rs-banner', 'data-testid': 'rs-status-banner' });

  function statusLineValue() {
    return { text: statusLineText.value, startsAt: isoFromInput(statusStart.value), endsAt: isoFromInput(statusEnd.value) };
  }

  function drawStatusLine() {
    const line = statusLineValue();
    const where = statusLineState(line);
    statusState.dataset.state = where;
    let label = STATUS_LABEL[where]();
    if (where === 'scheduled') label = t('routing.statusScheduledAt', { time: dateTimeText(line.startsAt) });
    if (where === 'expired') label = t('routing.statusExpiredAt', { time: dateTimeText(line.endsAt) });
    if (where === 'active' && line.endsAt) label = t('routing.statusActiveUntil', { time: dateTimeText(line.endsAt) });
    statusState.textContent = label;
    statusBanner.hidden = where === 'off';
    statusBanner.classList.toggle('is-dim', where !== 'active');
    statusBanner.replaceChildren(icon('info', 'icon rs-banner-icon'), h('span', null, line.text.trim()));
  }

  function statusLineBlock() {
    for (const el of [statusLineText, statusStart, statusEnd]) el.addEventListener('input', () => { drawStatusLine(); drawStatus(); });
    return h('section', { class: 'rs-block', 'data-testid': 'rs-status-line' },
      h('div', { class: 'rs-template-head' },
        h('h3', { class: 'rs-block-title' }, t('routing.statusLine'), statusState),
        h('p', { class: 'rs-block-hint' }, t('routing.statusLineHint'))),
      h('div', { class: 'form-grid rs-grid' },
        fieldBox(t('routing.statusText'), statusLineText, { wide: true }),
        fieldBox(t('routing.statusStart'), statusStart, { hint: t('routing.statusStartHint') }),
        fieldBox(t('routing.statusEnd'), statusEnd, { hint: t('routing.statusEndHint') }),
        h('div', { class: 'field field-wide' },
          h('span', { class: 'rs-banner-label' }, t('routing.statusPreview')),
          statusBanner)));
  }

  function repliesPanel() {
    return h('div', { class: 'rs-panel', 'data-section': 'replies' },
      h('div', { class: 'rs-locale-bar' },
        h('span', { class: 'rs-locale-label' }, t('routing.language')),
        localeTabs),
      h('p', { class: 'rs-block-hint rs-locale-hint' }, t('routing.languageHint')),
      TEMPLATES.map((tpl) => templateBlock(tpl)),
      statusLineBlock());
  }

  // ---- values in and out ----
  function fill(settings) {
    const s = { ...DEFAULTS, ...(settings || {}) };
    state.settings = s;
    for (const input of strategyInputs) input.checked = input.value === s.routing;
    if (!strategyInputs.some((i) => i.checked)) strategyInputs[0].checked = true;
    capacity.value = String(s.capacity);
    timeout.value = String(s.answerTimeoutSeconds);
    autoAway.value = String(s.autoAwayMinutes);
    preferLast.checked = Boolean(s.preferLastAgent);
    for (const editor of editors) {
      const map = s[editor.tpl.key] || {};
      for (const code of LOCALES) editor.areas[code].value = typeof map[code] === 'string' ? map[code] : '';
    }
    const line = s.statusLine;
    statusLineText.value = line && line.text ? line.text : '';
    statusStart.value = line ? localInputValue(line.startsAt) : '';
    statusEnd.value = line ? localInputValue(line.endsAt) : '';
    for (const editor of editors) drawEditor(editor);
    drawLocaleTabs();
    drawRoutingHints();
    drawStatusLine();
    state.baseline = snapshot();
  }

  /** Every control's raw value: what "unsaved changes" compares. */
  function snapshot() {
    return JSON.stringify(Array.from(form.elements)
      .filter((el) => el.name)
      .map((el) => (el.type === 'radio' || el.type === 'checkbox' ? [el.name, el.value, el.checked] : [el.name, el.value])));
  }

  function isDirty() {
    return Boolean(state.baseline) && snapshot() !== state.baseline;
  }

  /** The PUT body, or {error: {message, field}} for a value the server would refuse. */
  function collect() {
    const chosen = strategyInputs.find((i) => i.checked);
    const body = { routing: chosen ? chosen.value : DEFAULTS.routing };
    const cap = parseInteger(capacity.value);
    if (Number.isNaN(cap) || cap < 1 || cap > 50) return { error: { message: t('routing.capacityInvalid'), field: 'capacity' } };
    body.capacity = cap;
    body.preferLastAgent = preferLast.checked;
    const seconds = parseInteger(timeout.value);
    if (Number.isNaN(seconds) || (seconds !== 0 && (seconds < 15 || seconds > 3600))) {
      return { error: { message: t('routing.timeoutInvalid'), field: 'answerTimeoutSeconds' } };
    }
    body.answerTimeoutSeconds = seconds;
    const minutes = parseInteger(autoAway.value);
    if (Number.isNaN(minutes) || minutes < 0 || minutes > 240) {
      return { error: { message: t('routing.autoAwayInvalid'), field: 'autoAwayMinutes' } };
    }
    body.autoAwayMinutes = minutes;
    for (const editor of editors) body[editor.tpl.key] = mapOf(editor);
    const line = statusLineValue();
    if (statusStart.value && !line.startsAt) return { error: { message: t('routing.statusDateInvalid'), field: 'statusLine.startsAt' } };
    if (statusEnd.value && !line.endsAt) return { error: { message: t('routing.statusDateInvalid'), field: 'statusLine.endsAt' } };
    if (line.startsAt && line.endsAt && new Date(line.endsAt) <= new Date(line.startsAt)) {
      return { error: { message: t('routing.statusEndBeforeStart'), field: 'statusLine.endsAt' } };
    }
    const text = line.text.trim();
    body.statusLine = text ? { text, startsAt: line.startsAt, endsAt: line.endsAt } : null;
    return { body };
  }

  // ---- errors ----
  /** The name of the control an error is about (server field names mapped onto ours). */
  function controlName(error) {
    const name = error && error.field;
    if (!name) return null;
    if (Array.from(form.elements).some((el) => el.name === name)) return name;
    const message = String(error.serverMessage || error.message || '');
    const tpl = TEMPLATES.find((x) => name === x.key || name.startsWith(`${x.key}.`));
    if (tpl) {
      const named = name.slice(tpl.key.length + 1) || (/\(([A-Za-z-]+)\)/.exec(message) || [])[1];
      return `${tpl.key}.${LOCALES.includes(named) ? named : state.locale}`;
    }
    if (name.startsWith('statusLine')) {
      if (/endsAt/.test(name + message)) return 'statusLine.endsAt';
      if (/startsAt/.test(name)) return 'statusLine.startsAt';
      return 'statusLine.text';
    }
    return null;
  }

  function showError(error) {
    const name = controlName(error);
    const control = name ? Array.from(form.elements).find((el) => el.name === name) : null;
    if (control) {
      const panel = control.closest('[data-section]');
      if (panel && panel.dataset.section !== state.section) showSection(panel.dataset.section);
      if (control.dataset.locale && control.dataset.locale !== state.locale) setLocale(control.dataset.locale);
    }
    showFormError(form, error, name && error.field ? { [error.field]: name } : {});
    // The summary stays on top as well, whichever tab or field the error is about.
    const box = form.querySelector(':scope > .form-error');
    if (box && box.hidden) {
      box.replaceChildren(h('span', { class: 'form-error-text' }, error.status !== undefined ? errorText(error) : error.message));
      box.hidden = false;
    }
    if (box && !control) box.scrollIntoView({ block: 'nearest' });
    setStatus(t('routing.notSaved'), 'error');
  }

  // ---- footer status ----
  let statusNote = null; // {text, kind} shown until the next change

  function setStatus(text, kind) {
    statusNote = { text, kind, snapshot: state.baseline ? snapshot() : null };
    drawStatus();
  }

  function drawStatus() {
    if (!state.baseline) {
      statusText.textContent = '';
      return;
    }
    const dirty = isDirty();
    saveButton.disabled = state.saving || !dirty;
    if (statusNote && (!dirty || statusNote.kind === 'error') && statusNote.snapshot === snapshot()) {
      statusText.textContent = statusNote.text;
      statusText.dataset.kind = statusNote.kind;
      return;
    }
    statusNote = null;
    statusText.textContent = dirty ? t('routing.unsaved') : '';
    statusText.dataset.kind = dirty ? 'dirty' : '';
  }

  form.addEventListener('input', () => { drawRoutingHints(); drawStatus(); });
  form.addEventListener('change', () => { drawRoutingHints(); drawStatus(); });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (state.saving || !state.baseline) return;
    clearFormErrors(form);
    const { body, error } = collect();
    if (error) {
      showError(error);
      return;
    }
    state.saving = true;
    saveButton.disabled = true;
    form.setAttribute('aria-busy', 'true');
    statusText.textContent = t('routing.saving');
    try {
      const saved = await api.put(url, body);
      if (state.closed) return;
      fill(saved || { ...state.settings, ...body });
      setStatus(t('routing.saved', { time: clockText(new Date()) }), 'ok');
    } catch (err) {
      if (!state.closed) showError(err);
    } finally {
      state.saving = false;
      form.removeAttribute('aria-busy');
      drawStatus();
    }
  });

  // ---- loading ----
  async function load() {
    formScroll.replaceChildren(loadingBlock());
    let settings;
    try {
      settings = await api.get(url);
    } catch (error) {
      if (!state.closed) formScroll.replaceChildren(loadError(error, load));
      return;
    }
    if (state.closed) return;
    editors.length = 0;
    formScroll.replaceChildren(routingPanel(), repliesPanel());
    // The error box is the form's own child (showFormError looks there), above the scrolling part.
    form.prepend(errorBox);
    fill(settings);
    showSection(state.section);
  }

  // ---- closing ----
  function close() {
    if (state.closed) return;
    state.closed = true;
    if (keywords) keywords.destroy();
    window.removeEventListener('beforeunload', beforeUnload);
    window.removeEventListener('hashchange', close);
    if (dialog.open) dialog.close();
    dialog.remove();
    if (current && current.dialog === dialog) current = null;
    if (typeof onClosed === 'function') onClosed();
  }

  async function requestClose() {
    const unsaved = isDirty() || (keywords && keywords.isDirty());
    if (unsaved) {
      const ok = await confirmDialog(t('routing.discardConfirm'), { confirmLabel: t('routing.discard'), danger: true });
      if (!ok) return;
    }
    close();
  }

  function beforeUnload(event) {
    if (isDirty() || (keywords && keywords.isDirty())) {
      event.preventDefault();
      event.returnValue = '';
    }
  }

  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    requestClose();
  });
  window.addEventListener('beforeunload', beforeUnload);
  window.addEventListener('hashchange', close);

  document.body.appendChild(dialog);
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
  drawTabs();
  showSection(state.section);
  load();

  current = { dialog, close };
  return { close };
}
