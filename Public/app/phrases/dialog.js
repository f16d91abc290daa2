// The create / edit dialog of a quick phrase, used by the phrases page, the
// suggested phrases and the thread's "save as quick phrase".
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { field, showFormError, toast, formDialog } from '../ui.js';
import {
  phrasesApi, phrasesChanged, canEditTeam, scopeLabel, normaliseShortcut, validShortcut, MAX_TEXT, MAX_SHORTCUT,
} from './shared.js';

export const VARIABLES = ['{customer_name}', '{agent_number}', '{agent_name}', '{order_no}', '{shop_name}'];

let seq = 0;

/**
 * Opens the dialog. `phrase`: the QuickPhrase to edit (null: a new one);
 * `prefill`: {text, category, shortcut, scope} for a new one; `categories`: known
 * category names for the suggestions. Resolves the saved phrase, or null when cancelled.
 */
export function openPhraseDialog({ phrase = null, prefill = null, categories = [] } = {}) {
  seq += 1;
  const editing = Boolean(phrase && phrase.id);
  const start = { scope: 'personal', category: '', shortcut: '', text: '', ...(prefill || {}), ...(phrase || {}) };
  const teamAllowed = canEditTeam();
  const listId = `qp-categories-${seq}`;

  const text = h('textarea', {
    name: 'text', rows: '5', class: 'qp-text-input', 'data-testid': 'qp-text', maxlength: String(MAX_TEXT), required: true,
    placeholder: t('phrases.textPlaceholder'),
  });
  text.value = start.text || '';
  const counter = h('span', { class: 'qp-counter muted', 'aria-live': 'polite' });
  const shortcut = h('input', {
    type: 'text', name: 'shortcut', 'data-testid': 'qp-shortcut', value: start.shortcut || '', maxlength: String(MAX_SHORTCUT + 1),
    autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', placeholder: t('phrases.shortcutPlaceholder'),
  });
  const category = h('input', {
    type: 'text', name: 'category', 'data-testid': 'qp-category', value: start.category || '', maxlength: '40',
    autocomplete: 'off', list: listId, placeholder: t('phrases.categoryPlaceholder'),
  });
  const datalist = h('datalist', { id: listId }, (categories || []).filter(Boolean).map((c) => h('option', { value: c })));
  // Team phrases are for supervisors and above; a member still sees the choice, disabled.
  const scope = h('select', { name: 'scope', 'data-testid': 'qp-scope' },
    h('option', { value: 'personal', selected: start.scope !== 'team' }, scopeLabel('personal')),
    h('option', { value: 'team', selected: start.scope === 'team', disabled: !teamAllowed && start.scope !== 'team' }, scopeLabel('team')));
  if (!teamAllowed) scope.disabled = true;

  const insertVariable = (name) => {
    const from = text.selectionStart ?? text.value.length;
    const to = text.selectionEnd ?? text.value.length;
    text.value = text.value.slice(0, from) + name + text.value.slice(to);
    text.focus();
    text.setSelectionRange(from + name.length, from + name.length);
    drawCounter();
  };
  const variables = h('div', { class: 'qp-vars' },
    h('span', { class: 'muted' }, t('phrases.variables')),
    VARIABLES.map((v) => h('button', {
      type: 'button', class: 'qp-var', 'data-testid': 'qp-variable', title: t('phrases.insertVariable'), onclick: () => insertVariable(v),
    }, v)));

  function drawCounter() {
    const n = Array.from(text.value).length;
    counter.textContent = t('phrases.charCount', { count: n, max: MAX_TEXT });
    counter.classList.toggle('is-over', n > MAX_TEXT);
  }
  text.addEventListener('input', drawCounter);
  drawCounter();

  const shortcutField = field(t('phrases.shortcut'),
    h('div', { class: 'qp-shortcut-box' }, h('span', { class: 'qp-slash', 'aria-hidden': 'true' }, '/'), shortcut),
    { hint: t('phrases.shortcutHint') });
  // field() found no name on the wrapper: point the shortcut's label and error slot at the input.
  shortcut.id = `qp-shortcut-${seq}`;
  shortcutField.querySelector('label').setAttribute('for', shortcut.id);
  shortcutField.querySelector('.field-error').setAttribute('data-error-for', 'shortcut');

  /** Checks and saves; closes with the saved phrase (unchanged: the phrase as it was). */
  async function save({ form, close }) {
    const body = {
      text: text.value.trim(),
      shortcut: normaliseShortcut(shortcut.value),
      category: category.value.trim(),
      scope: scope.value === 'team' ? 'team' : 'personal',
    };
    if (!body.text) {
      showFormError(form, { message: t('phrases.textRequired'), field: 'text' });
      return;
    }
    if (Array.from(body.text).length > MAX_TEXT) {
      showFormError(form, { message: t('phrases.textTooLong', { max: MAX_TEXT }), field: 'text' });
      return;
    }
    if (!validShortcut(body.shortcut)) {
      showFormError(form, { message: t('phrases.shortcutInvalid', { max: MAX_SHORTCUT }), field: 'shortcut' });
      return;
    }
    let payload = body;
    if (editing) {
      payload = {};
      for (const key of ['text', 'shortcut', 'category', 'scope']) if (body[key] !== (phrase[key] ?? '')) payload[key] = body[key];
      if (!Object.keys(payload).length) {
        close(phrase);
        return;
      }
    }
    try {
      const saved = editing ? await phrasesApi.update(phrase.id, payload) : await phrasesApi.create(payload);
      toast(editing ? t('phrases.saved') : t('phrases.created'));
      phrasesChanged();
      close(saved || { ...(phrase || {}), ...body });
    } catch (error) {
      if (error && error.code === 'conflict' && (!error.field || error.field === 'shortcut')) {
        showFormError(form, { message: t('phrases.shortcutTaken', { shortcut: body.shortcut }), field: 'shortcut' });
      } else {
        throw error;
      }
    }
  }

  return formDialog({
    title: editing ? t('phrases.editTitle') : t('phrases.newTitle'),
    testid: 'qp-dialog', className: 'qp-dialog', formClass: 'qp-form',
    submitTestid: 'qp-save', cancelTestid: 'qp-cancel',
    body: [
      field(t('phrases.text'), text),
      h('div', { class: 'qp-text-foot' }, variables, counter),
      h('div', { class: 'qp-form-row' },
        shortcutField,
        field(t('phrases.category'), category),
        field(t('phrases.scope'), scope, { hint: teamAllowed ? null : t('phrases.scopeTeamLocked') })),
      datalist,
    ],
    focus: start.text ? shortcut : text,
    onSubmit: save,
  });
}
