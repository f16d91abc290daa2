// Forms, shared by the list (forms/list.js) and the editor (forms/editor.js): the kinds of a
// form and of its fields with their labels, the rules the server enforces (checked here first,
// with the words of the interface language), a form's public address, and error texts.
// API: /api/v1/forms (GET, POST), /api/v1/forms/{id} (GET, PATCH, DELETE).
import { t, errorText, errorDetail } from '../i18n.js';

export const KINDS = ['repair', 'feedback', 'complaint'];
export const FIELD_KINDS = ['text', 'long_text', 'choice', 'order_number', 'pictures', 'name', 'phone', 'email'];
/** At most one of each per form: they are the customer's contact. */
export const CONTACT_KINDS = ['name', 'phone', 'email'];

export const LIMITS = {
  name: 60, intro: 1000, fields: 20, label: 60, help: 200, key: 32,
  options: 20, option: 60, pictures: 6, defaultPictures: 3,
};
export const KEY_RE = /^[a-z][a-z0-9_]{0,31}$/;
const RESERVED_KEYS = ['kefu_website', 'locale'];

const KIND_LABELS = {
  repair: () => t('forms.kind.repair'),
  feedback: () => t('forms.kind.feedback'),
  complaint: () => t('forms.kind.complaint'),
};

const FIELD_KIND_LABELS = {
  text: () => t('forms.fieldKind.text'),
  long_text: () => t('forms.fieldKind.long_text'),
  choice: () => t('forms.fieldKind.choice'),
  order_number: () => t('forms.fieldKind.order_number'),
  pictures: () => t('forms.fieldKind.pictures'),
  name: () => t('forms.fieldKind.name'),
  phone: () => t('forms.fieldKind.phone'),
  email: () => t('forms.fieldKind.email'),
};

const DEFAULT_LABELS = {
  text: () => t('forms.defaultLabel.text'),
  long_text: () => t('forms.defaultLabel.long_text'),
  choice: () => t('forms.defaultLabel.choice'),
  order_number: () => t('forms.defaultLabel.order_number'),
  pictures: () => t('forms.defaultLabel.pictures'),
  name: () => t('forms.defaultLabel.name'),
  phone: () => t('forms.defaultLabel.phone'),
  email: () => t('forms.defaultLabel.email'),
};

const DEFAULT_KEYS = {
  text: 'note', long_text: 'description', choice: 'choice', order_number: 'order', pictures: 'photos',
  name: 'name', phone: 'phone', email: 'email',
};

export const kindLabel = (kind) => (KIND_LABELS[kind] ? KIND_LABELS[kind]() : String(kind || ''));
export const fieldKindLabel = (kind) => (FIELD_KIND_LABELS[kind] ? FIELD_KIND_LABELS[kind]() : String(kind || ''));
export const defaultLabel = (kind) => (DEFAULT_LABELS[kind] ? DEFAULT_LABELS[kind]() : '');

/** A key for a new field of `kind` that no field in `fields` has yet: phone, photos_2, … */
export function freshKey(kind, fields) {
  const base = DEFAULT_KEYS[kind] || 'field';
  const taken = new Set(fields.map((f) => f.key));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** The fields of a new form: who the customer is, how to reach them, what happened. */
export function starterFields() {
  return [
    { key: 'name', label: defaultLabel('name'), kind: 'name', required: false, help: '', options: [], maxPictures: null },
    { key: 'phone', label: defaultLabel('phone'), kind: 'phone', required: true, help: '', options: [], maxPictures: null },
    { key: 'description', label: defaultLabel('long_text'), kind: 'long_text', required: true, help: '', options: [], maxPictures: null },
  ];
}

/** The address customers open, absolute. */
export function publicLink(form) {
  const path = form && form.publicUrl ? form.publicUrl : `/forms/${encodeURIComponent(form ? form.key : '')}`;
  try {
    return new URL(path, window.location.origin).href;
  } catch {
    return path;
  }
}

/** "the 3rd field" as people count. */
function nth(index) {
  return index + 1;
}

/**
 * The first problem of a form the editor is about to send, as {field, message} (field: the
 * control's name, e.g. "fields[2].options"), or null. The same rules as the server's.
 */
export function checkDraft(draft) {
  const name = draft.name.trim();
  if (!name) return { field: 'name', message: t('forms.editor.error.nameRequired') };
  if (name.length > LIMITS.name) return { field: 'name', message: t('forms.editor.error.tooLong', { max: LIMITS.name }) };
  if (!draft.ticketType) return { field: 'ticketType', message: t('forms.editor.error.ticketType') };
  if (draft.intro.trim().length > LIMITS.intro) return { field: 'intro', message: t('forms.editor.error.tooLong', { max: LIMITS.intro }) };
  const fields = draft.fields;
  if (!fields.length) return { field: 'fields', message: t('forms.editor.error.noFields') };
  if (fields.length > LIMITS.fields) return { field: 'fields', message: t('forms.editor.error.tooManyFields', { max: LIMITS.fields }) };
  const keys = new Set();
  const contacts = new Set();
  for (let i = 0; i < fields.length; i += 1) {
    const f = fields[i];
    const at = `fields[${i}]`;
    const key = f.key.trim();
    if (!KEY_RE.test(key)) return { field: `${at}.key`, message: t('forms.editor.error.key', { n: nth(i) }) };
    if (RESERVED_KEYS.includes(key)) return { field: `${at}.key`, message: t('forms.editor.error.keyReserved', { n: nth(i), key }) };
    if (keys.has(key)) return { field: `${at}.key`, message: t('forms.editor.error.keyTwice', { n: nth(i), key }) };
    keys.add(key);
    const label = f.label.trim();
    if (!label) return { field: `${at}.label`, message: t('forms.editor.error.label', { n: nth(i) }) };
    if (label.length > LIMITS.label) return { field: `${at}.label`, message: t('forms.editor.error.tooLong', { max: LIMITS.label }) };
    if ((f.help || '').trim().length > LIMITS.help) return { field: `${at}.help`, message: t('forms.editor.error.tooLong', { max: LIMITS.help }) };
    if (CONTACT_KINDS.includes(f.kind)) {
      if (contacts.has(f.kind)) return { field: `${at}.kind`, message: t('forms.editor.error.contactTwice', { n: nth(i), kind: fieldKindLabel(f.kind) }) };
      contacts.add(f.kind);
    }
    if (f.kind === 'choice') {
      const options = optionList(f.optionsText);
      if (options.some((o) => o.length > LIMITS.option)) return { field: `${at}.options`, message: t('forms.editor.error.optionTooLong', { max: LIMITS.option }) };
      if (new Set(options).size !== options.length) return { field: `${at}.options`, message: t('forms.editor.error.optionTwice') };
      if (options.length < 2 || options.length > LIMITS.options) return { field: `${at}.options`, message: t('forms.editor.error.options', { max: LIMITS.options }) };
    }
    if (f.kind === 'pictures') {
      const count = Number(f.maxPictures);
      if (!Number.isInteger(count) || count < 1 || count > LIMITS.pictures) {
        return { field: `${at}.maxPictures`, message: t('forms.editor.error.maxPictures', { max: LIMITS.pictures }) };
      }
    }
  }
  if (!fields.some((f) => (f.kind === 'phone' || f.kind === 'email') && f.required)) {
    return { field: 'fields', message: t('forms.editor.error.contactRequired') };
  }
  return null;
}

/** The lines of an options box, trimmed, empty lines left out. */
export function optionList(text) {
  return String(text || '').split('\n').map((s) => s.trim()).filter(Boolean);
}

/**
 * The name of the editor's control a server error names: "fields[2].options[1]" is the options
 * box of the 3rd field; "fields[2]" its label.
 */
export function controlName(field) {
  if (!field) return null;
  const item = /^fields\[(\d+)\](?:\.([A-Za-z]+))?/.exec(field);
  if (item) return `fields[${item[1]}].${item[2] || 'label'}`;
  return field;
}

/** An API error in the interface language, with the server's precise reason when it adds one. */
export function formsErrorText(error) {
  const text = errorText(error);
  const detail = errorDetail(error);
  return detail ? t('forms.error.withDetail', { text, detail }) : text;
}
