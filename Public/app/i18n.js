// Interface language: the catalogue comes from GET /api/v1/i18n?locale=xx.
import { api } from './api.js';

const STORAGE_KEY = 'kefu_locale';
const COOKIE = 'kefu_locale';

const state = {
  locale: null,
  supported: [],
  messages: {},
};
const listeners = new Set();

export function getLocale() {
  return state.locale;
}

export function getSupported() {
  return state.supported.slice();
}

/** The locale this browser chose before (localStorage, then the cookie), or null. */
export function rememberedLocale() {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored) return stored;
  } catch {
    // Storage may be disabled; fall back to the cookie.
  }
  const match = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${COOKIE}=`));
  return match ? decodeURIComponent(match.slice(COOKIE.length + 1)) : null;
}

function remember(locale) {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // ignore
  }
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${COOKIE}=${encodeURIComponent(locale)}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
}

/** True when the catalogue has `key`. */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(state.messages, key);
}

/** The text for `key` with `{name}` variables filled; the key itself when missing. */
export function t(key, vars) {
  const text = has(key) ? state.messages[key] : key;
  if (!vars) return text;
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(vars, name) && vars[name] !== null && vars[name] !== undefined
      ? String(vars[name])
      : whole);
}

/** Fills elements under `root` carrying data-i18n, data-i18n-placeholder, -title, -aria-label. */
export function applyI18n(root = document) {
  const scope = root.querySelectorAll ? root : document;
  const pick = (selector) => {
    const found = Array.from(scope.querySelectorAll(selector));
    if (scope !== document && scope.matches && scope.matches(selector)) found.unshift(scope);
    return found;
  };
  for (const el of pick('[data-i18n]')) el.textContent = t(el.getAttribute('data-i18n'));
  for (const el of pick('[data-i18n-placeholder]')) el.setAttribute('placeholder', t(el.getAttribute('data-i18n-placeholder')));
  for (const el of pick('[data-i18n-title]')) el.setAttribute('title', t(el.getAttribute('data-i18n-title')));
  for (const el of pick('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.getAttribute('data-i18n-aria-label')));
}

/**
 * Loads the catalogue for `locale` (or lets the server choose when null), sets
 * <html lang>, and tells listeners. Returns the locale the server answered with.
 */
export async function loadLocale(locale) {
  const path = locale ? `/api/v1/i18n?locale=${encodeURIComponent(locale)}` : '/api/v1/i18n';
  const data = await api.get(path, { quiet401: true });
  state.locale = (data && data.locale) || locale || 'zh-CN';
  state.supported = Array.isArray(data && data.supported) ? data.supported : [];
  state.messages = (data && data.messages && typeof data.messages === 'object') ? data.messages : {};
  document.documentElement.setAttribute('lang', state.locale);
  document.title = t('app.title');
  applyI18n(document);
  for (const fn of listeners) fn(state.locale);
  return state.locale;
}

/**
 * Switches the interface language and remembers it in this browser
 * (localStorage + cookie kefu_locale). `persist` (async) may save it to the account too.
 */
export async function setLocale(locale, persist) {
  const chosen = await loadLocale(locale);
  remember(chosen);
  if (persist) {
    try {
      await persist(chosen);
    } catch {
      // The language still changed here; saving it to the account is best effort.
    }
  }
  return chosen;
}

export function onLocaleChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A date and time in the interface language, e.g. 2026/11/22 17:30:00. */
export function formatDateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  try {
    return new Intl.DateTimeFormat(state.locale || undefined, {
      year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).format(date);
  } catch {
    return date.toLocaleString();
  }
}

// Codes whose server message says more than the catalogue's generic text
// (which field, which limit): the message is shown beside the generic text.
const GENERIC_CODES = new Set(['invalid_field', 'conflict', 'bad_request', 'unknown_field', 'malformed_json', 'forbidden', 'not_found', 'error']);

/** The text to show for an API error, in the interface language. */
export function errorText(error) {
  if (!error) return t('app.error.unknown');
  const code = error.code || 'unknown';
  if (code === 'rate_limited') {
    const seconds = error.retryAfter;
    if (seconds === null || seconds === undefined) return t('app.error.rate_limited');
    return seconds >= 90
      ? t('app.error.rate_limited_retry_minutes', { minutes: Math.ceil(seconds / 60) })
      : t('app.error.rate_limited_retry', { seconds: Math.max(1, seconds) });
  }
  if (has('app.error.' + code)) return t('app.error.' + code);
  return error.serverMessage || t('app.error.unknown');
}

/**
 * The server's own wording when it adds precision to errorText(error), e.g.
 * "newPassword is 80 bytes long; at most 72 bytes (UTF-8) are allowed"; else ''.
 */
export function errorDetail(error) {
  if (!error || !error.serverMessage) return '';
  if (!GENERIC_CODES.has(error.code) && has('app.error.' + error.code)) return '';
  return errorText(error) === error.serverMessage ? '' : error.serverMessage;
}
