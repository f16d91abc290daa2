// Thin fetch wrapper for the Kefu REST API (see docs/api.md).
// JSON in and out, same-origin cookies, X-CSRF-Token on state-changing requests,
// and error bodies {"error":{"code","message","field","fields"}} turned into ApiError.

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken = null;
let onUnauthorized = null;

export class ApiError extends Error {
  constructor({ status = 0, code = 'unknown', message = '', field = null, retryAfter = null, problems = [] } = {}) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.serverMessage = message;
    this.field = field;
    this.retryAfter = retryAfter;
    // Every bad field when the input reported several at once: [{field, code, message}].
    this.problems = problems;
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** Called (once per failing request) when a signed-in request answers 401. */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

function codeForStatus(status) {
  switch (status) {
    case 400: return 'invalid_field';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 409: return 'conflict';
    case 413: return 'payload_too_large';
    case 429: return 'rate_limited';
    default: return status >= 500 ? 'internal_error' : 'unknown';
  }
}

function parseRetryAfter(value) {
  if (!value) return null;
  const seconds = Number.parseInt(value, 10);
  if (Number.isFinite(seconds) && String(seconds) === value.trim()) return Math.max(0, seconds);
  const date = Date.parse(value);
  if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  return null;
}

export async function request(method, path, body, { quiet401 = false, raw = null } = {}) {
  const upper = method.toUpperCase();
  const headers = { Accept: 'application/json' };
  const init = { method: upper, headers, credentials: 'same-origin' };
  if (raw) {
    // A file as the raw body, with its own Content-Type (uploads).
    headers['Content-Type'] = raw.type || 'application/octet-stream';
    init.body = raw;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (UNSAFE.has(upper) && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiError({ status: 0, code: 'network', message: String(cause && cause.message || '') });
  }

  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.ok) return data;

  const info = (data && typeof data === 'object' && data.error && typeof data.error === 'object') ? data.error : {};
  const error = new ApiError({
    status: response.status,
    code: typeof info.code === 'string' && info.code ? info.code : codeForStatus(response.status),
    message: typeof info.message === 'string' ? info.message : '',
    field: typeof info.field === 'string' && info.field ? info.field : null,
    retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
    problems: Array.isArray(info.fields)
      ? info.fields.filter((p) => p && typeof p.field === 'string' && typeof p.message === 'string')
      : [],
  });
  // A wrong password is a 401 too; only a lost session sends the user back to sign-in.
  if (response.status === 401 && error.code !== 'invalid_credentials' && !quiet401 && onUnauthorized) onUnauthorized(error);
  throw error;
}

export const api = {
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, body, opts) => request('POST', path, body, opts),
  put: (path, body, opts) => request('PUT', path, body, opts),
  patch: (path, body, opts) => request('PATCH', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
  /** POSTs a File/Blob as the raw body (Content-Type: its type), e.g. /api/v1/uploads. */
  upload: (path, file, opts) => request('POST', path, undefined, { ...opts, raw: file }),
};

/** Builds a query string from an object, skipping null/undefined/'' values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}
