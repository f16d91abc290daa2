// One form (#/forms/new, #/forms/<id>; admins and owners): its name, kind, the ticket type and
// inbox its submissions go to, the introduction shown above it, whether it takes submissions
// and shows in the chat widget, and its fields: added by kind, removed, moved up and down,
// each with its key, label, whether it is required, a help line, the options of a choice and
// how many pictures a pictures field takes. The rules are checked here first; what the server
// still refuses is shown beside the control it names ("fields[2].options").
// API: GET/PATCH/DELETE /api/v1/forms/{id}, POST /api/v1/forms, GET /api/v1/ticket-settings.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import {
  field, showFormError, clearFormErrors, busy, toast, confirmDialog, copyButton, pageHeader, loadingBlock, loadError,
} from '../ui.js';
import { icon } from '../icons.js';
import { loadDirectory } from '../chat/runtime.js';
import { loadSettings, typeOptions } from '../tickets/shared.js';
import {
  KINDS, FIELD_KINDS, LIMITS, kindLabel, fieldKindLabel, defaultLabel, freshKey, starterFields, publicLink,
  checkDraft, optionList, controlName, formsErrorText,
} from './shared.js';

// The ticket type a new form's kind suggests, when the shop has it.
const SUGGESTED_TYPE = { repair: 'after_sale', complaint: 'complaint', feedback: 'inquiry' };

let uidSeq = 0;

function draftField(f, auto = false) {
  uidSeq += 1;
  return {
    uid: uidSeq,
    key: f.key || '',
    label: f.label || '',
    kind: FIELD_KINDS.includes(f.kind) ? f.kind : 'text',
    required: Boolean(f.required),
    help: f.help || '',
    optionsText: Array.isArray(f.options) ? f.options.join('\n') : '',
    maxPictures: f.maxPictures ?? LIMITS.defaultPictures,
    autoKey: auto,
    autoLabel: auto,
  };
}

function draftOf(form, settings) {
  if (form) {
    return {
      name: form.name || '', kind: form.kind || 'repair', ticketType: form.ticketType || '', inboxId: form.inboxId || '',
      intro: form.intro || '', active: form.active !== false, inWidget: Boolean(form.inWidget),
      fields: (form.fields || []).map((f) => draftField(f)),
    };
  }
  const keys = typeOptions(settings).map((o) => o.value);
  return {
    name: '', kind: 'repair', ticketType: keys.includes(SUGGESTED_TYPE.repair) ? SUGGESTED_TYPE.repair : (keys[0] || ''),
    inboxId: '', intro: '', active: true, inWidget: false,
    fields: starterFields().map((f) => draftField(f)),
  };
}

/** What the API takes: the whole definition (PATCH accepts it as well). */
function payload(draft) {
  return {
    name: draft.name.trim(),
    kind: draft.kind,
    ticketType: draft.ticketType,
    inboxId: draft.inboxId || null,
    intro: draft.intro.trim(),
    active: draft.active,
    inWidget: draft.inWidget,
    fields: draft.fields.map((f) => ({
      key: f.key.trim(),
      label: f.label.trim(),
      kind: f.kind,
      required: f.required,
      help: f.help.trim() || null,
      options: f.kind === 'choice' ? optionList(f.optionsText) : [],
      maxPictures: f.kind === 'pictures' ? Number(f.maxPictures) : null,
    })),
  };
}

/** id: the form (null: a new one); onDone(saved | null) leaves the editor. Returns {el, destroy}. */
export function createFormEditor({ id, onDone }) {
  const state = { form: null, draft: null, settings: null, directory: null, destroyed: false, dirty: false, typeTouched: Boolean(id) };
  const el = h('div', { class: 'fo-editor-page', 'data-testid': 'form-editor-page', 'aria-busy': 'true' }, loadingBlock());

  function changed() {
    state.dirty = true;
  }

  // ---- the form's own settings ----
  function basics() {
    const d = state.draft;
    const name = h('input', {
      type: 'text', name: 'name', 'data-testid': 'form-edit-name', maxlength: String(LIMITS.name), value: d.name,
      placeholder: t('forms.editor.namePlaceholder'), oninput: (e) => { d.name = e.target.value; changed(); },
    });
    const typeSelect = h('select', {
      name: 'ticketType', 'data-testid': 'form-edit-type',
      onchange: (e) => { d.ticketType = e.target.value; state.typeTouched = true; changed(); },
    }, typeOptions(state.settings, d.ticketType || null).map((o) => h('option', { value: o.value, selected: o.value === d.ticketType }, o.label)));
    const kind = h('select', {
      name: 'kind', 'data-testid': 'form-edit-kind',
      onchange: (e) => {
        d.kind = e.target.value;
        changed();
        // A new form follows its kind with the ticket type until one is chosen by hand.
        const wanted = SUGGESTED_TYPE[d.kind];
        if (!state.typeTouched && wanted && typeOptions(state.settings).some((o) => o.value === wanted)) {
          d.ticketType = wanted;
          typeSelect.value = wanted;
        }
      },
    }, KINDS.map((k) => h('option', { value: k, selected: k === d.kind }, kindLabel(k))));
    const same = (a, b) => String(a || '').toLowerCase() === String(b || '').toLowerCase();
    const inboxes = ((state.directory && state.directory.inboxes) || []).filter((i) => i.active !== false || same(i.id, d.inboxId));
    // An inbox this member's directory does not list stays chosen rather than silently shown as none.
    const unknown = d.inboxId && !inboxes.some((i) => same(i.id, d.inboxId));
    const inbox = h('select', {
      name: 'inboxId', 'data-testid': 'form-edit-inbox', onchange: (e) => { d.inboxId = e.target.value; changed(); },
    },
    h('option', { value: '', selected: !d.inboxId }, t('forms.editor.noInbox')),
    inboxes.map((i) => h('option', { value: i.id, selected: same(i.id, d.inboxId) }, i.name)),
    unknown ? h('option', { value: d.inboxId, selected: true }, t('forms.editor.otherInbox')) : null);
    const intro = h('textarea', {
      name: 'intro', rows: '3', 'data-testid': 'form-edit-intro', maxlength: String(LIMITS.intro),
      placeholder: t('forms.editor.introPlaceholder'), oninput: (e) => { d.intro = e.target.value; changed(); },
    });
    intro.value = d.intro;
    const check = (key, testid, text, hint) => h('label', { class: 'check fo-check', title: hint },
      h('input', { type: 'checkbox', name: key, 'data-testid': testid, checked: d[key], onchange: (e) => { d[key] = e.target.checked; changed(); } }),
      h('span', null, text),
      h('span', { class: 'fo-check-hint' }, hint));
    return h('section', { class: 'card fo-card' },
      h('h2', { class: 'card-title' }, t('forms.editor.basics')),
      h('div', { class: 'form-grid fo-basics' },
        field(t('forms.field.name'), name),
        field(t('forms.field.kind'), kind),
        field(t('forms.field.ticketType'), typeSelect, { hint: t('forms.editor.ticketTypeHint') }),
        field(t('forms.field.inbox'), inbox, { hint: t('forms.editor.inboxHint') }),
        field(t('forms.field.intro'), intro, { wide: true, hint: t('forms.editor.introHint') }),
        h('div', { class: 'field field-wide fo-checks' },
          check('active', 'form-edit-active', t('forms.field.active'), t('forms.editor.activeHint')),
          check('inWidget', 'form-edit-widget', t('forms.field.inWidget'), t('forms.editor.inWidgetHint')),
          h('div', { class: 'field-error', 'data-error-for': 'active' }))));
  }

  // ---- the fields ----
  const fieldList = h('ol', { class: 'fo-fields', 'data-testid': 'form-edit-fields' });
  const addKind = h('select', { class: 'fo-add-kind', 'data-testid': 'form-add-kind', 'aria-label': t('forms.editor.addKind') },
    FIELD_KINDS.map((k) => h('option', { value: k }, fieldKindLabel(k))));
  const addButton = h('button', { type: 'button', class: 'btn', 'data-testid': 'form-add-field', onclick: () => addField(addKind.value) },
    h('span', { 'aria-hidden': 'true' }, '+'), t('forms.editor.addField'));
  const countLine = h('span', { class: 'muted fo-field-count', 'data-testid': 'form-edit-field-count' });

  function addField(kind) {
    const fields = state.draft.fields;
    if (fields.length >= LIMITS.fields) return;
    const f = draftField({ key: freshKey(kind, fields), label: defaultLabel(kind), kind, required: false, options: [] }, true);
    fields.push(f);
    changed();
    drawFields();
    const box = fieldList.querySelector(`[data-uid="${f.uid}"] input[name$=".label"]`);
    if (box) {
      box.focus();
      box.select();
    }
  }

  function move(index, by) {
    const fields = state.draft.fields;
    const to = index + by;
    if (to < 0 || to >= fields.length) return;
    [fields[index], fields[to]] = [fields[to], fields[index]];
    changed();
    drawFields();
    const button = fieldList.querySelector(`[data-uid="${fields[to].uid}"] [data-testid="form-field-${by < 0 ? 'up' : 'down'}"]`);
    if (button && !button.disabled) button.focus();
  }

  function removeField(index) {
    state.draft.fields.splice(index, 1);
    changed();
    drawFields();
  }

  function setKind(f, kind) {
    const others = state.draft.fields.filter((x) => x !== f);
    if (f.autoLabel) f.label = defaultLabel(kind);
    if (f.autoKey) f.key = freshKey(kind, others);
    f.kind = kind;
    if (kind === 'pictures' && !f.maxPictures) f.maxPictures = LIMITS.defaultPictures;
    changed();
    drawFields();
  }

  function fieldRow(f, index, total) {
    const at = `fields[${index}]`;
    const label = h('input', {
      type: 'text', name: `${at}.label`, 'data-testid': 'form-field-label', maxlength: String(LIMITS.label), value: f.label,
      oninput: (e) => { f.label = e.target.value; f.autoLabel = false; changed(); },
    });
    const key = h('input', {
      type: 'text', name: `${at}.key`, class: 'mono', 'data-testid': 'form-field-key', maxlength: String(LIMITS.key), value: f.key,
      spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off',
      oninput: (e) => { f.key = e.target.value; f.autoKey = false; changed(); },
    });
    const kind = h('select', { name: `${at}.kind`, 'data-testid': 'form-field-kind', onchange: (e) => setKind(f, e.target.value) },
      FIELD_KINDS.map((k) => h('option', { value: k, selected: k === f.kind }, fieldKindLabel(k))));
    const help = h('input', {
      type: 'text', name: `${at}.help`, 'data-testid': 'form-field-help', maxlength: String(LIMITS.help), value: f.help,
      placeholder: t('forms.editor.helpPlaceholder'), oninput: (e) => { f.help = e.target.value; changed(); },
    });
    const required = h('label', { class: 'check fo-required' },
      h('input', {
        type: 'checkbox', name: `${at}.required`, 'data-testid': 'form-field-required', checked: f.required,
        onchange: (e) => {
          f.required = e.target.checked;
          changed();
          const badge = e.target.closest('.fo-frow').querySelector('.fo-frow-req');
          if (badge) badge.hidden = !f.required;
        },
      }),
      h('span', null, t('forms.field.required')));
    let extra = null;
    if (f.kind === 'choice') {
      const options = h('textarea', {
        name: `${at}.options`, rows: '4', 'data-testid': 'form-field-options', placeholder: t('forms.editor.optionsPlaceholder'),
        oninput: (e) => { f.optionsText = e.target.value; changed(); },
      });
      options.value = f.optionsText;
      extra = field(t('forms.field.options'), options, { wide: true, hint: t('forms.editor.optionsHint', { max: LIMITS.options }) });
    } else if (f.kind === 'pictures') {
      const count = h('input', {
        type: 'number', name: `${at}.maxPictures`, 'data-testid': 'form-field-max-pictures', min: '1', max: String(LIMITS.pictures), step: '1',
        value: String(f.maxPictures ?? LIMITS.defaultPictures), oninput: (e) => { f.maxPictures = e.target.value === '' ? '' : Number(e.target.value); changed(); },
      });
      extra = field(t('forms.field.maxPictures'), count, { hint: t('forms.editor.maxPicturesHint', { max: LIMITS.pictures }) });
    }
    const tool = (testid, text, glyph, onclick, disabled = false) => h('button', {
      type: 'button', class: 'btn btn-small btn-ghost fo-tool', 'data-testid': testid, title: text, 'aria-label': text, disabled, onclick,
    }, glyph);
    return h('li', { class: ['fo-frow', `fo-frow-${f.kind}`], 'data-testid': 'form-field-row', 'data-uid': String(f.uid), 'data-key': f.key, 'data-kind': f.kind },
      h('div', { class: 'fo-frow-head' },
        h('span', { class: 'fo-frow-num', 'aria-hidden': 'true' }, String(index + 1)),
        h('span', { class: 'fo-frow-kind' }, fieldKindLabel(f.kind)),
        h('span', { class: 'fo-frow-req', hidden: !f.required }, t('forms.field.required')),
        h('span', { class: 'fo-frow-tools' },
          tool('form-field-up', t('forms.editor.moveUp'), '\u2191', () => move(index, -1), index === 0),
          tool('form-field-down', t('forms.editor.moveDown'), '\u2193', () => move(index, 1), index === total - 1),
          tool('form-field-remove', t('forms.editor.removeField'), '\u00d7', () => removeField(index), total <= 1))),
      h('div', { class: 'fo-frow-grid' },
        field(t('forms.field.label'), label),
        field(t('forms.field.fieldKind'), kind),
        field(t('forms.field.key'), key, { hint: t('forms.editor.keyHint') }),
        h('div', { class: 'field fo-required-cell' }, required, h('div', { class: 'field-error', 'data-error-for': `${at}.required` })),
        field(t('forms.field.help'), help, { wide: true }),
        extra));
  }

  function drawFields() {
    const fields = state.draft.fields;
    fieldList.replaceChildren(...fields.map((f, i) => fieldRow(f, i, fields.length)));
    addButton.disabled = fields.length >= LIMITS.fields;
    countLine.textContent = t('forms.editor.fieldCount', { count: fields.length, max: LIMITS.fields });
  }

  function fieldsCard() {
    return h('section', { class: 'card fo-card' },
      h('h2', { class: 'card-title' }, t('forms.editor.fields'), countLine),
      h('p', { class: 'card-note' }, t('forms.editor.fieldsNote')),
      h('fieldset', { class: 'fo-fields-set', name: 'fields' },
        h('legend', { class: 'visually-hidden' }, t('forms.editor.fields')),
        fieldList,
        h('div', { class: 'field-error', 'data-error-for': 'fields', 'data-testid': 'form-fields-error' })),
      h('div', { class: 'fo-add' }, addKind, addButton));
  }

  // ---- saving ----
  let formEl = null;

  /** Changing a control takes its error away, and the fields' own error with any change among them. */
  function clearErrorOf(event) {
    const control = event.target;
    const set = formEl.querySelector('fieldset[name="fields"]');
    const targets = [control];
    if (set && set.contains(control)) targets.push(set);
    for (const el of targets) {
      if (!el.classList || !el.classList.contains('is-invalid')) continue;
      el.classList.remove('is-invalid');
      el.removeAttribute('aria-invalid');
      const slot = Array.from(formEl.querySelectorAll('.field-error')).find((x) => x.getAttribute('data-error-for') === el.getAttribute('name'));
      if (slot) slot.textContent = '';
    }
    const box = formEl.querySelector(':scope > .form-error');
    if (box && !box.hidden && !formEl.querySelector('.is-invalid')) box.hidden = true;
  }

  function showProblem(problem) {
    if (problem && problem.field) problem.field = controlName(problem.field);
    showFormError(formEl, problem);
    const slot = problem && problem.field
      ? Array.from(formEl.querySelectorAll('.field-error')).find((x) => x.getAttribute('data-error-for') === problem.field && x.textContent)
      : null;
    const box = formEl.querySelector(':scope > .form-error');
    const target = slot || (box && !box.hidden ? box : null);
    if (target) target.scrollIntoView({ block: 'center' });
  }

  async function save() {
    clearFormErrors(formEl);
    const problem = checkDraft(state.draft);
    if (problem) {
      showProblem(problem);
      return;
    }
    await busy(formEl, async () => {
      try {
        const body = payload(state.draft);
        const saved = id
          ? await api.patch(`/api/v1/forms/${encodeURIComponent(id)}`, body)
          : await api.post('/api/v1/forms', body);
        if (state.destroyed) return;
        state.dirty = false;
        toast(id ? t('forms.saved', { name: saved.name }) : t('forms.created', { name: saved.name }));
        onDone(saved);
      } catch (error) {
        if (!state.destroyed) showProblem(error);
      }
    });
  }

  async function cancel() {
    if (state.dirty && !(await confirmDialog(t('forms.editor.discard'), { confirmLabel: t('forms.editor.discardConfirm'), danger: true }))) return;
    onDone(null);
  }

  async function remove() {
    const form = state.form;
    const ok = await confirmDialog(t('forms.confirmDelete', { name: form.name }), { confirmLabel: t('forms.delete'), danger: true });
    if (!ok || state.destroyed) return;
    try {
      await api.del(`/api/v1/forms/${encodeURIComponent(form.id)}`);
      toast(t('forms.deleted', { name: form.name }));
      state.dirty = false;
      onDone(null);
    } catch (error) {
      toast(formsErrorText(error), 'error');
    }
  }

  function build() {
    const form = state.form;
    const link = form ? publicLink(form) : null;
    formEl = h('form', {
      class: 'form fo-form', 'data-testid': 'form-editor', novalidate: true,
      onsubmit: (event) => { event.preventDefault(); save(); },
    },
    basics(),
    fieldsCard(),
    h('div', { class: 'fo-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'form-edit-save' }, form ? t('app.common.save') : t('forms.editor.create')),
      h('button', { type: 'button', class: 'btn', 'data-testid': 'form-edit-cancel', onclick: () => cancel() }, t('app.common.cancel')),
      h('span', { class: 'fo-actions-spacer' }),
      form ? h('button', { type: 'button', class: 'btn btn-danger-ghost', 'data-testid': 'form-edit-delete', onclick: () => remove() }, t('forms.delete')) : null));
    formEl.addEventListener('input', clearErrorOf);
    formEl.addEventListener('change', clearErrorOf);
    drawFields();
    el.replaceChildren(
      h('a', { href: '#/forms', class: 'btn btn-small btn-ghost fo-back', 'data-testid': 'form-edit-back', onclick: (event) => { event.preventDefault(); cancel(); } },
        icon('back'), h('span', null, t('forms.back'))),
      pageHeader(form ? t('forms.editor.editTitle', { name: form.name }) : t('forms.editor.newTitle'), t('forms.editor.subtitle')),
      form ? h('div', { class: 'fo-public card', 'data-testid': 'form-edit-public' },
        h('span', { class: 'fo-public-label' }, t('forms.field.publicUrl')),
        h('code', { class: 'fo-link-text', 'data-testid': 'form-edit-url' }, link),
        copyButton(() => link, { 'data-testid': 'form-edit-copy' }),
        h('a', { class: 'btn btn-small', href: link, target: '_blank', rel: 'noopener', 'data-testid': 'form-edit-open' }, t('forms.list.open')),
        h('span', { class: 'muted fo-public-count' }, t('forms.editor.submissions', { count: form.submissions ?? 0 }))) : null,
      formEl);
    el.removeAttribute('aria-busy');
    const first = formEl.querySelector('input[name="name"]');
    if (first && !form) first.focus();
  }

  async function load() {
    try {
      const [form, settings, directory] = await Promise.all([
        id ? api.get(`/api/v1/forms/${encodeURIComponent(id)}`) : Promise.resolve(null),
        loadSettings(), loadDirectory(true),
      ]);
      if (state.destroyed) return;
      state.form = form;
      state.settings = settings;
      state.directory = directory;
      state.draft = draftOf(form, settings);
      build();
    } catch (error) {
      if (state.destroyed) return;
      el.removeAttribute('aria-busy');
      el.replaceChildren(
        h('a', { href: '#/forms', class: 'btn btn-small', onclick: (event) => { event.preventDefault(); onDone(null); } }, icon('back'), h('span', null, t('forms.back'))),
        loadError(error, () => { el.replaceChildren(loadingBlock()); load(); }));
    }
  }

  load();
  return {
    el,
    isDirty: () => state.dirty,
    destroy() {
      state.destroyed = true;
    },
  };
}
