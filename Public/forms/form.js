// A shop's public form (/forms/{key}): online feedback, repair requests, complaints. The shopper
// fills it in (text, choices, an order number, pictures, how to reach them) and it becomes a
// ticket; the page then shows the ticket's number, and its second part looks a ticket up by
// number and the phone or e-mail given, with the team's replies.
// Language: ?lang=, else the browser's; every word comes from the catalogue (keys "forms.*").
// User text reaches the page only through text nodes and properties (dom.js), never as HTML.
// API (no sign-in): GET /api/v1/public/forms/{key}, POST /api/v1/public/forms/{key}/submissions
// (multipart), POST /api/v1/public/forms/{key}/lookup (JSON), GET /api/v1/i18n?locale=.
import { h } from '/app/dom.js';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
const KINDS = ['feedback', 'repair', 'complaint'];
const MAX_TEXT = { text: 200, long_text: 4000, order_number: 64, name: 60, phone: 32, email: 254 };
const CHOICE_AS_RADIOS = 6;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ORDER_RE = /^[A-Za-z0-9_-]+$/;

const root = document.getElementById('fm-app');
const params = new URLSearchParams(window.location.search);

const state = {
  locale: null,
  supported: [],
  messages: {},
  key: formKeyFromPath(window.location.pathname),
  form: null,
  loadError: null, // 'not_found' | 'failed'
  files: new Map(), // field key -> [{file, url}]
  values: {}, // control name -> value, kept across redraws (a language switch)
  errors: {}, // field key -> message
  formError: '',
  submitting: false,
  result: null, // the answer to a submission
  lookup: { busy: false, error: '', result: null },
};

// ---- language ------------------------------------------------------------------

function pickLocale(tag) {
  const s = String(tag || '').toLowerCase().replace(/_/g, '-');
  if (/^zh(-|$)/.test(s)) return /-(hant|tw|hk|mo)(-|$)/.test(s) ? 'zh-TW' : 'zh-CN';
  if (/^en(-|$)/.test(s)) return 'en';
  if (/^ko(-|$)/.test(s)) return 'ko';
  return null;
}

function wantedLocale() {
  const wanted = [params.get('lang')].concat(navigator.languages || [], navigator.language);
  for (const tag of wanted) {
    const found = pickLocale(tag);
    if (found) return found;
  }
  return 'zh-CN';
}

function t(key, vars) {
  const text = Object.prototype.hasOwnProperty.call(state.messages, key) ? state.messages[key] : key;
  if (!vars) return text;
  return String(text).replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name) =>
    (vars[name] === undefined || vars[name] === null ? whole : String(vars[name])));
}

function label(prefix, value) {
  const key = prefix + value;
  return Object.prototype.hasOwnProperty.call(state.messages, key) ? state.messages[key] : String(value || '');
}

function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  try {
    return new Intl.DateTimeFormat(state.locale || undefined, {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    }).format(date);
  } catch {
    return date.toLocaleString();
  }
}

function megabytes(bytes) {
  const mb = bytes / (1024 * 1024);
  return mb >= 10 || Number.isInteger(mb) ? String(Math.round(mb)) : mb.toFixed(1);
}

// ---- requests ------------------------------------------------------------------

function formKeyFromPath(path) {
  const match = /^\/forms\/([^/?#]+)\/?$/.exec(path || '');
  if (!match) return null;
  let key;
  try {
    key = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return /^[A-Za-z0-9_-]{1,80}$/.test(key) ? key : null;
}

function retryAfter(response) {
  const value = response.headers.get('Retry-After');
  if (!value) return null;
  const seconds = Number.parseInt(value, 10);
  if (Number.isFinite(seconds) && String(seconds) === value.trim()) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** fetch without cookies (the page is public): {status, data, retryAfter}; status 0 when offline. */
async function call(method, path, body) {
  const init = { method, credentials: 'omit', cache: 'no-store', headers: { Accept: 'application/json' } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    return { status: 0, data: null, retryAfter: null };
  }
  let data = null;
  try {
    const text = await response.text();
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  return { status: response.status, data, retryAfter: retryAfter(response) };
}

function errorOf(data) {
  return data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : {};
}

function rateLimitedText(seconds) {
  if (seconds === null || seconds === undefined) return t('forms.public.error.rateLimited');
  return seconds >= 90
    ? t('forms.public.error.rateLimitedMinutes', { minutes: Math.ceil(seconds / 60) })
    : t('forms.public.error.rateLimitedSeconds', { seconds: Math.max(1, seconds) });
}

async function loadCatalogue(locale) {
  const answer = await call('GET', `/api/v1/i18n?locale=${encodeURIComponent(locale)}`);
  if (answer.status === 200 && answer.data) {
    state.messages = answer.data.messages && typeof answer.data.messages === 'object' ? answer.data.messages : {};
    state.supported = Array.isArray(answer.data.supported) ? answer.data.supported : [];
    state.locale = answer.data.locale || locale;
  } else {
    state.locale = locale;
  }
  document.documentElement.setAttribute('lang', state.locale);
}

async function loadForm() {
  if (!state.key) {
    state.loadError = 'not_found';
    return;
  }
  const answer = await call('GET', `/api/v1/public/forms/${encodeURIComponent(state.key)}`);
  if (answer.status === 200 && answer.data && Array.isArray(answer.data.fields)) {
    state.form = answer.data;
    state.loadError = null;
  } else {
    state.loadError = answer.status === 404 ? 'not_found' : 'failed';
  }
}

// ---- values kept across redraws -------------------------------------------------

/** Reads what the shopper typed into state.values (before the page is drawn again). */
function keepValues() {
  for (const el of root.querySelectorAll('input[name], textarea[name], select[name]')) {
    if (el.type === 'file' || el.dataset.honeypot) continue;
    if (el.type === 'radio') {
      if (el.checked) state.values[el.name] = el.value;
      else if (!(el.name in state.values)) state.values[el.name] = '';
    } else {
      state.values[el.name] = el.value;
    }
  }
}

function valueOf(name) {
  return Object.prototype.hasOwnProperty.call(state.values, name) ? state.values[name] : '';
}

// ---- the page ------------------------------------------------------------------

function languageSelect() {
  if (state.supported.length < 2) return null;
  return h('select', {
    class: 'fm-lang', 'data-testid': 'form-lang', 'aria-label': t('forms.public.language'), title: t('forms.public.language'),
    onchange: (event) => switchLanguage(event.target.value),
  }, state.supported.map((l) => h('option', { value: l.code, lang: l.code, selected: l.code === state.locale }, l.name)));
}

async function switchLanguage(locale) {
  keepValues();
  const url = new URL(window.location.href);
  url.searchParams.set('lang', locale);
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  await loadCatalogue(locale);
  render();
}

function header() {
  const form = state.form;
  return h('header', { class: 'fm-header' },
    h('div', { class: 'fm-wrap' },
      h('div', { class: 'fm-top' },
        h('span', { class: 'fm-shop', 'data-testid': 'form-shop' }, form ? form.shopName || '' : ''),
        languageSelect()),
      form ? h('div', { class: 'fm-heading' },
        KINDS.includes(form.kind) ? h('span', { class: ['fm-kind', `fm-kind-${form.kind}`], 'data-testid': 'form-kind' }, label('forms.kind.', form.kind)) : null,
        h('h1', { class: 'fm-title', 'data-testid': 'form-title' }, form.name)) : null,
      form ? h('a', {
        href: '#lookup', class: 'fm-jump', 'data-testid': 'form-jump-lookup',
        onclick: (event) => { event.preventDefault(); showLookup(); },
      }, t('forms.public.jumpLookup')) : null));
}

function fieldId(key) {
  return `fm-f-${key}`;
}

function textControl(field) {
  const id = fieldId(field.key);
  const common = {
    id, name: field.key, 'data-testid': `form-input-${field.key}`, required: field.required, value: valueOf(field.key),
    maxlength: String(MAX_TEXT[field.kind] || 200), 'aria-describedby': `${id}-help ${id}-error`,
  };
  switch (field.kind) {
    case 'long_text':
      return h('textarea', { ...common, rows: '5', class: 'fm-textarea' });
    case 'phone':
      return h('input', { ...common, type: 'tel', class: 'fm-input', autocomplete: 'tel', inputmode: 'tel' });
    case 'email':
      return h('input', { ...common, type: 'email', class: 'fm-input', autocomplete: 'email', inputmode: 'email', spellcheck: 'false' });
    case 'name':
      return h('input', { ...common, type: 'text', class: 'fm-input', autocomplete: 'name' });
    case 'order_number':
      return h('input', { ...common, type: 'text', class: 'fm-input fm-mono', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' });
    default:
      return h('input', { ...common, type: 'text', class: 'fm-input' });
  }
}

function choiceControl(field) {
  const id = fieldId(field.key);
  const current = valueOf(field.key);
  const options = Array.isArray(field.options) ? field.options : [];
  if (options.length > CHOICE_AS_RADIOS) {
    return h('select', {
      id, name: field.key, class: 'fm-select', 'data-testid': `form-input-${field.key}`, required: field.required,
      'aria-describedby': `${id}-help ${id}-error`,
    },
    h('option', { value: '', selected: !current }, t('forms.public.choose')),
    options.map((o) => h('option', { value: o, selected: o === current }, o)));
  }
  return h('div', { class: 'fm-options', role: 'radiogroup', id, 'aria-labelledby': `${id}-label`, 'aria-describedby': `${id}-help ${id}-error` },
    options.map((o, i) => h('label', { class: 'fm-option' },
      h('input', {
        type: 'radio', name: field.key, value: o, checked: o === current, 'data-testid': `form-option-${field.key}`,
        id: i === 0 ? `${id}-first` : null,
      }),
      h('span', null, o))));
}

function picturesControl(field) {
  const id = fieldId(field.key);
  const max = field.maxPictures || 3;
  const chosen = state.files.get(field.key) || [];
  const input = h('input', {
    type: 'file', id, class: 'fm-file visually-hidden', accept: IMAGE_TYPES.join(','), multiple: max > 1,
    'data-testid': `form-file-${field.key}`, 'aria-describedby': `${id}-help ${id}-error`,
    onchange: (event) => {
      const picked = Array.from(event.target.files || []);
      event.target.value = '';
      addPictures(field, picked);
    },
  });
  return h('div', { class: 'fm-pictures', 'data-testid': `form-pictures-${field.key}` },
    chosen.map((item, index) => h('figure', { class: 'fm-thumb', 'data-testid': 'form-thumb' },
      h('img', { src: item.url, alt: item.file.name }),
      h('button', {
        type: 'button', class: 'fm-thumb-remove', 'data-testid': 'form-thumb-remove',
        'aria-label': t('forms.public.pictures.remove', { name: item.file.name }), title: t('forms.public.pictures.remove', { name: item.file.name }),
        onclick: () => removePicture(field, index),
      }, '\u00d7'))),
    chosen.length < max ? h('label', { class: 'fm-pick', for: id },
      h('span', { class: 'fm-pick-plus', 'aria-hidden': 'true' }, '+'),
      h('span', { class: 'fm-pick-text' }, t('forms.public.pictures.add')),
      h('span', { class: 'fm-pick-count' }, `${chosen.length}/${max}`)) : null,
    input);
}

function addPictures(field, picked) {
  keepValues();
  const max = field.maxPictures || 3;
  const limit = state.form.maxPictureBytes || 5 * 1024 * 1024;
  const list = (state.files.get(field.key) || []).slice();
  let problem = '';
  for (const file of picked) {
    if (!IMAGE_TYPES.includes(String(file.type || '').toLowerCase())) {
      problem = t('forms.public.pictures.type', { name: file.name });
      continue;
    }
    if (file.size > limit) {
      problem = t('forms.public.pictures.tooLarge', { name: file.name, size: megabytes(limit) });
      continue;
    }
    if (list.length >= max) {
      problem = t('forms.public.pictures.tooMany', { max });
      break;
    }
    list.push({ file, url: URL.createObjectURL(file) });
  }
  state.files.set(field.key, list);
  if (problem) state.errors[field.key] = problem;
  else delete state.errors[field.key];
  render({ focus: problem ? field.key : null });
}

function removePicture(field, index) {
  keepValues();
  const list = (state.files.get(field.key) || []).slice();
  const [gone] = list.splice(index, 1);
  if (gone) URL.revokeObjectURL(gone.url);
  state.files.set(field.key, list);
  delete state.errors[field.key];
  render();
}

function helpText(field) {
  const parts = [];
  if (field.help) parts.push(field.help);
  if (field.kind === 'pictures') {
    parts.push(t('forms.public.pictures.hint', { max: field.maxPictures || 3, size: megabytes(state.form.maxPictureBytes || 5 * 1024 * 1024) }));
  }
  return parts.join(' ');
}

function fieldNode(field) {
  const id = fieldId(field.key);
  const error = state.errors[field.key] || '';
  const grouped = field.kind === 'choice' && (field.options || []).length <= CHOICE_AS_RADIOS;
  const heading = [
    h('span', { class: 'fm-label-text' }, field.label),
    field.required
      ? h('span', { class: 'fm-req', title: t('forms.public.required') }, '*', h('span', { class: 'visually-hidden' }, t('forms.public.required')))
      : h('span', { class: 'fm-optional' }, t('forms.public.optional')),
  ];
  let control;
  if (field.kind === 'choice') control = choiceControl(field);
  else if (field.kind === 'pictures') control = picturesControl(field);
  else control = textControl(field);
  const help = helpText(field);
  return h('div', {
    class: ['fm-field', error && 'has-error'], 'data-testid': 'form-field', 'data-field': field.key, 'data-kind': field.kind,
  },
  grouped
    ? h('div', { class: 'fm-label', id: `${id}-label` }, heading)
    : h('label', { class: 'fm-label', id: `${id}-label`, for: field.kind === 'pictures' ? null : id }, heading),
  control,
  h('div', { class: 'fm-help', id: `${id}-help`, hidden: !help }, help),
  h('div', { class: 'fm-field-error', id: `${id}-error`, 'data-testid': 'form-field-error', role: error ? 'alert' : null, hidden: !error }, error));
}

function honeypot() {
  const name = state.form.honeypot || 'kefu_website';
  return h('div', { class: 'fm-hp', 'aria-hidden': 'true' },
    h('label', { for: 'fm-hp-input' }, t('forms.public.honeypot')),
    h('input', {
      type: 'text', id: 'fm-hp-input', name, tabindex: '-1', autocomplete: 'off', value: '', 'data-honeypot': '1', 'data-testid': 'form-honeypot',
    }));
}

function formCard() {
  const form = state.form;
  const submit = h('button', { type: 'submit', class: 'fm-btn fm-btn-primary fm-submit', 'data-testid': 'form-submit', disabled: state.submitting },
    state.submitting ? t('forms.public.submitting') : t('forms.public.submit'));
  const el = h('form', { class: 'fm-form', 'data-testid': 'form-form', novalidate: true, onsubmit: (event) => { event.preventDefault(); submitForm(); } },
    h('div', { class: 'fm-error-box', role: 'alert', 'data-testid': 'form-error', hidden: !state.formError }, state.formError),
    form.fields.map(fieldNode),
    honeypot(),
    h('div', { class: 'fm-actions' }, submit),
    h('p', { class: 'fm-privacy' }, t('forms.public.privacy')));
  return h('section', { class: 'fm-card', 'data-testid': 'form-card', 'aria-busy': state.submitting ? 'true' : null },
    form.intro ? h('p', { class: 'fm-intro', 'data-testid': 'form-intro' }, form.intro) : null,
    h('p', { class: 'fm-required-note' }, h('span', { class: 'fm-req', 'aria-hidden': 'true' }, '*'), ' ', t('forms.public.requiredNote')),
    el);
}

function doneCard() {
  const result = state.result;
  return h('section', { class: 'fm-card fm-done', 'data-testid': 'form-done', role: 'status' },
    h('div', { class: 'fm-done-mark', 'aria-hidden': 'true' }, '\u2713'),
    h('h2', { class: 'fm-done-title' }, t('forms.public.done.title')),
    h('p', { class: 'fm-done-label' }, t('forms.public.done.number')),
    h('p', { class: 'fm-done-number', 'data-testid': 'form-done-number' }, result.number),
    h('p', { class: 'fm-done-hint' }, t('forms.public.done.hint')),
    h('div', { class: 'fm-done-actions' },
      h('button', { type: 'button', class: 'fm-btn fm-btn-primary', 'data-testid': 'form-done-lookup', onclick: () => showLookup(result.number) },
        t('forms.public.done.lookup')),
      h('button', { type: 'button', class: 'fm-btn', 'data-testid': 'form-again', onclick: () => startAgain() }, t('forms.public.done.again'))));
}

function replyNode(reply) {
  return h('li', { class: 'fm-reply', 'data-testid': 'lookup-reply' },
    h('div', { class: 'fm-reply-head' },
      h('span', { class: 'fm-reply-who' }, t('forms.public.lookup.team')),
      h('time', { class: 'fm-reply-time', datetime: reply.at || '' }, formatTime(reply.at))),
    h('div', { class: 'fm-reply-text' }, reply.text || ''));
}

function lookupResult() {
  const r = state.lookup.result;
  if (!r) return null;
  const status = STATUSES.includes(r.status) ? r.status : 'open';
  const replies = Array.isArray(r.replies) ? r.replies : [];
  return h('div', { class: 'fm-result', 'data-testid': 'lookup-result', 'data-status': r.status },
    h('div', { class: 'fm-result-head' },
      h('span', { class: 'fm-result-number', 'data-testid': 'lookup-number-shown' }, r.number),
      h('span', { class: ['fm-status', `fm-status-${status}`], 'data-testid': 'lookup-status', 'data-status': r.status }, label('forms.status.', r.status))),
    h('p', { class: 'fm-status-hint' }, label('forms.statusHint.', status)),
    r.subject ? h('p', { class: 'fm-result-subject', 'data-testid': 'lookup-subject' }, r.subject) : null,
    h('dl', { class: 'fm-result-facts' },
      h('dt', null, t('forms.public.lookup.created')), h('dd', null, formatTime(r.createdAt)),
      h('dt', null, t('forms.public.lookup.updated')), h('dd', null, formatTime(r.updatedAt))),
    h('h3', { class: 'fm-replies-title' }, t('forms.public.lookup.replies')),
    replies.length
      ? h('ol', { class: 'fm-replies', 'data-testid': 'lookup-replies' }, replies.map(replyNode))
      : h('p', { class: 'fm-muted', 'data-testid': 'lookup-no-replies' }, t('forms.public.lookup.noReplies')));
}

function lookupCard() {
  const busy = state.lookup.busy;
  const number = h('input', {
    type: 'text', id: 'fm-lookup-number', name: 'lookup_number', class: 'fm-input fm-mono', 'data-testid': 'lookup-number',
    value: valueOf('lookup_number'), maxlength: '32', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters',
    placeholder: t('forms.public.lookup.numberPlaceholder'),
  });
  const contact = h('input', {
    type: 'text', id: 'fm-lookup-contact', name: 'lookup_contact', class: 'fm-input', 'data-testid': 'lookup-contact',
    value: valueOf('lookup_contact'), maxlength: '254', autocomplete: 'off', spellcheck: 'false',
    placeholder: t('forms.public.lookup.contactPlaceholder'),
  });
  return h('section', { class: 'fm-card fm-lookup', id: 'lookup', 'data-testid': 'lookup', tabindex: '-1' },
    h('h2', { class: 'fm-card-title' }, t('forms.public.lookup.title')),
    h('p', { class: 'fm-muted fm-lookup-intro' }, t('forms.public.lookup.intro')),
    h('form', { class: 'fm-lookup-form', 'data-testid': 'lookup-form', novalidate: true, onsubmit: (event) => { event.preventDefault(); lookUp(); } },
      h('div', { class: 'fm-field' }, h('label', { class: 'fm-label', for: number.id }, t('forms.public.lookup.number')), number),
      h('div', { class: 'fm-field' }, h('label', { class: 'fm-label', for: contact.id }, t('forms.public.lookup.contact')), contact),
      h('div', { class: 'fm-lookup-actions' },
        h('button', { type: 'submit', class: 'fm-btn fm-btn-primary', 'data-testid': 'lookup-submit', disabled: busy },
          busy ? t('forms.public.lookup.searching') : t('forms.public.lookup.submit')))),
    h('div', { class: 'fm-error-box', role: 'alert', 'data-testid': 'lookup-error', hidden: !state.lookup.error }, state.lookup.error),
    lookupResult());
}

function messageCard(testid, title, text, retry) {
  return h('section', { class: 'fm-card fm-message', 'data-testid': testid, role: 'alert' },
    h('h1', { class: 'fm-message-title' }, title),
    h('p', { class: 'fm-muted' }, text),
    retry ? h('button', { type: 'button', class: 'fm-btn', onclick: retry }, t('forms.public.retry')) : null);
}

function render({ focus = null } = {}) {
  const form = state.form;
  document.title = form ? `${form.name} \u00b7 ${form.shopName || ''}`.replace(/ \u00b7 $/, '') : t('forms.public.pageTitle');
  let body;
  if (!form) {
    body = state.loadError === 'not_found'
      ? messageCard('form-not-found', t('forms.public.notFound.title'), t('forms.public.notFound.text'), null)
      : messageCard('form-load-error', t('forms.public.loadFailed.title'), t('forms.public.loadFailed.text'), () => boot());
  } else {
    body = [state.result ? doneCard() : formCard(), lookupCard()];
  }
  root.replaceChildren(
    header(),
    h('main', { class: 'fm-wrap fm-main' }, body),
    h('footer', { class: 'fm-wrap fm-footer' }, t('forms.public.footer')));
  root.removeAttribute('aria-busy');
  root.dataset.state = !form ? (state.loadError || 'failed') : state.result ? 'done' : 'form';
  if (focus) focusField(focus);
}

function focusField(key) {
  const id = fieldId(key);
  const target = document.getElementById(id);
  const control = target && target.getAttribute('role') === 'radiogroup' ? document.getElementById(`${id}-first`) : target;
  const box = document.querySelector(`[data-testid="form-field"][data-field="${CSS.escape(key)}"]`);
  if (box) box.scrollIntoView({ block: 'center' });
  if (control && typeof control.focus === 'function') control.focus({ preventScroll: true });
}

// ---- checking and sending ----------------------------------------------------------

function checkField(field) {
  if (field.kind === 'pictures') {
    const count = (state.files.get(field.key) || []).length;
    return field.required && !count ? t('forms.public.error.picturesRequired') : '';
  }
  const value = String(valueOf(field.key) || '').trim();
  if (!value) {
    if (!field.required) return '';
    return field.kind === 'choice' ? t('forms.public.error.choose') : t('forms.public.error.required');
  }
  if (field.kind === 'email' && !EMAIL_RE.test(value)) return t('forms.public.error.email');
  if (field.kind === 'phone' && !phoneOk(value)) return t('forms.public.error.phone');
  if (field.kind === 'order_number' && !ORDER_RE.test(value)) return t('forms.public.problem.invalid_order_number');
  if ((field.kind === 'text' || field.kind === 'name') && /[\r\n]/.test(value)) return t('forms.public.problem.one_line');
  return '';
}

/** The server's rule: digits with an optional leading +, spaces - ( ) . between; 5 to 20 digits. */
function phoneOk(value) {
  if (!/^\+?[0-9 ().-]+$/.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  return digits >= 5 && digits <= 20;
}

/** A problem the server names by its code, in the page's language; its own words otherwise. */
function problemText(problem, field) {
  const code = problem && problem.code;
  switch (code) {
    case 'required': return field && field.kind === 'pictures' ? t('forms.public.error.picturesRequired')
      : field && field.kind === 'choice' ? t('forms.public.error.choose') : t('forms.public.error.required');
    case 'invalid_phone': return t('forms.public.error.phone');
    case 'invalid_email': return t('forms.public.error.email');
    case 'too_many_pictures': return t('forms.public.pictures.tooMany', { max: (field && field.maxPictures) || 3 });
    case 'picture_type': return t('forms.public.problem.picture_type');
    case 'too_long': return t('forms.public.problem.too_long');
    case 'one_line': return t('forms.public.problem.one_line');
    case 'not_an_option': return t('forms.public.problem.not_an_option');
    case 'invalid_order_number': return t('forms.public.problem.invalid_order_number');
    default: return (problem && problem.message) || t('forms.public.error.invalid');
  }
}

/** The field key a server error names ("phone", "fields.phone", "fields[1]"), or null. */
function fieldKeyOf(name) {
  if (!name || !state.form) return null;
  const keys = state.form.fields.map((f) => f.key);
  if (keys.includes(name)) return name;
  const dotted = /^fields?\.([a-z][a-z0-9_]*)/.exec(name);
  if (dotted && keys.includes(dotted[1])) return dotted[1];
  const indexed = /^fields\[(\d+)\]/.exec(name);
  if (indexed && keys[Number(indexed[1])]) return keys[Number(indexed[1])];
  return null;
}

async function submitForm() {
  if (state.submitting) return;
  keepValues();
  state.errors = {};
  state.formError = '';
  let first = null;
  for (const field of state.form.fields) {
    const problem = checkField(field);
    if (problem) {
      state.errors[field.key] = problem;
      if (!first) first = field.key;
    }
  }
  if (first) {
    state.formError = t('forms.public.error.fix');
    render({ focus: first });
    return;
  }

  const body = new FormData();
  for (const field of state.form.fields) {
    if (field.kind === 'pictures') {
      for (const item of state.files.get(field.key) || []) body.append(field.key, item.file, item.file.name);
    } else {
      body.append(field.key, String(valueOf(field.key) || '').trim());
    }
  }
  const trap = root.querySelector('[data-honeypot]');
  body.append(state.form.honeypot || 'kefu_website', trap ? trap.value : '');
  body.append('locale', state.locale || 'zh-CN');

  state.submitting = true;
  render();
  const answer = await call('POST', `/api/v1/public/forms/${encodeURIComponent(state.key)}/submissions`, body);
  state.submitting = false;
  keepValues();

  if (answer.status === 201 || (answer.status === 200 && answer.data && answer.data.number)) {
    submitted(answer.data);
    return;
  }
  const error = errorOf(answer.data);
  if (answer.status === 400 || answer.status === 413 || answer.status === 422) {
    const problems = Array.isArray(error.fields) && error.fields.length
      ? error.fields
      : [{ field: error.field, message: error.message, code: error.code }];
    const loose = [];
    for (const problem of problems) {
      const key = fieldKeyOf(problem && problem.field);
      const tooLarge = answer.status === 413;
      const text = tooLarge
        ? t('forms.public.pictures.tooLargeServer', { size: megabytes(state.form.maxPictureBytes || 5 * 1024 * 1024) })
        : problemText(problem, state.form.fields.find((f) => f.key === key));
      if (key && !state.errors[key]) {
        state.errors[key] = text;
        if (!first) first = key;
      } else if (!key) loose.push(text);
    }
    state.formError = loose.length ? loose.join(' ') : t('forms.public.error.fix');
  } else if (answer.status === 429) {
    state.formError = rateLimitedText(answer.retryAfter);
  } else if (answer.status === 404) {
    state.formError = t('forms.public.error.gone');
  } else if (answer.status === 0) {
    state.formError = t('forms.public.error.network');
  } else {
    state.formError = error.message ? `${t('forms.public.error.failed')} ${error.message}` : t('forms.public.error.failed');
  }
  render({ focus: first });
  if (!first) {
    const box = root.querySelector('[data-testid="form-error"]');
    if (box) box.scrollIntoView({ block: 'center' });
  }
}

function contactValue() {
  const field = state.form.fields.find((f) => f.kind === 'phone' && String(valueOf(f.key)).trim())
    || state.form.fields.find((f) => f.kind === 'email' && String(valueOf(f.key)).trim());
  return field ? String(valueOf(field.key)).trim() : '';
}

function submitted(result) {
  state.result = result;
  state.values.lookup_number = result.number || '';
  const contact = contactValue();
  if (contact) state.values.lookup_contact = contact;
  state.lookup = { busy: false, error: '', result: null };
  // The address now names the ticket: a bookmark or a reload opens its lookup.
  if (result.lookupUrl && /^\/forms\//.test(result.lookupUrl)) {
    try {
      const url = new URL(result.lookupUrl, window.location.origin);
      if (state.locale) url.searchParams.set('lang', state.locale);
      window.history.replaceState(null, '', url.pathname + url.search);
    } catch {
      // Keep the address as it is.
    }
  }
  render();
  window.scrollTo({ top: 0 });
  const done = root.querySelector('[data-testid="form-done"]');
  if (done) {
    done.setAttribute('tabindex', '-1');
    done.focus({ preventScroll: true });
  }
}

function startAgain() {
  for (const list of state.files.values()) for (const item of list) URL.revokeObjectURL(item.url);
  state.files = new Map();
  const keep = { lookup_number: valueOf('lookup_number'), lookup_contact: valueOf('lookup_contact') };
  state.values = keep;
  state.errors = {};
  state.formError = '';
  state.result = null;
  render();
  window.scrollTo({ top: 0 });
}

function showLookup(number) {
  keepValues();
  if (number) state.values.lookup_number = number;
  render();
  const card = document.getElementById('lookup');
  if (!card) return;
  card.scrollIntoView({ block: 'start' });
  const numberBox = document.getElementById('fm-lookup-number');
  const contactBox = document.getElementById('fm-lookup-contact');
  const target = numberBox && !numberBox.value ? numberBox : contactBox && !contactBox.value ? contactBox : numberBox;
  if (target) target.focus({ preventScroll: true });
}

async function lookUp() {
  if (state.lookup.busy) return;
  keepValues();
  const number = String(valueOf('lookup_number') || '').trim().toUpperCase();
  const contact = String(valueOf('lookup_contact') || '').trim();
  if (!number || !contact) {
    state.lookup = { busy: false, error: t('forms.public.lookup.missing'), result: null };
    render();
    return;
  }
  state.values.lookup_number = number;
  state.lookup = { busy: true, error: '', result: state.lookup.result };
  render();
  const answer = await call('POST', `/api/v1/public/forms/${encodeURIComponent(state.key)}/lookup`, { number, contact });
  keepValues();
  if (answer.status === 200 && answer.data) {
    state.lookup = { busy: false, error: '', result: answer.data };
  } else {
    let error;
    if (answer.status === 404) error = t('forms.public.lookup.notFound');
    else if (answer.status === 429) error = rateLimitedText(answer.retryAfter);
    else if (answer.status === 400) error = t('forms.public.lookup.invalid');
    else if (answer.status === 0) error = t('forms.public.error.network');
    else error = t('forms.public.error.failed');
    state.lookup = { busy: false, error, result: null };
  }
  render();
  const target = root.querySelector(state.lookup.error ? '[data-testid="lookup-error"]' : '[data-testid="lookup-result"]');
  if (target) target.scrollIntoView({ block: 'nearest' });
}

/** Editing a field takes its error away (without drawing the page again: the caret stays). */
function clearErrorOf(event) {
  const box = event.target.closest && event.target.closest('[data-testid="form-field"]');
  if (!box || event.target.type === 'file') return;
  const key = box.getAttribute('data-field');
  if (!state.errors[key]) return;
  delete state.errors[key];
  box.classList.remove('has-error');
  const slot = box.querySelector('[data-testid="form-field-error"]');
  if (slot) {
    slot.hidden = true;
    slot.textContent = '';
    slot.removeAttribute('role');
  }
}

// ---- start ---------------------------------------------------------------------

root.addEventListener('input', clearErrorOf);
root.addEventListener('change', clearErrorOf);

async function boot() {
  root.setAttribute('aria-busy', 'true');
  await Promise.all([state.locale ? null : loadCatalogue(wantedLocale()), loadForm()]);
  const number = params.get('number');
  if (number && /^[A-Za-z0-9-]{1,32}$/.test(number)) state.values.lookup_number = number.toUpperCase();
  render();
  document.documentElement.dataset.ready = state.locale || '';
  if (number && state.form) showLookup();
}

boot();
