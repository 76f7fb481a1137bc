// Fetch wrapper for the Musubi API: same-origin cookies, JSON bodies, the CSRF header on every
// request that changes something, the UI language as Accept-Language (so that the server's field
// messages come in it), and RFC 9457 problem details turned into ApiError.

import { fieldErrorText, lang } from './i18n.js';

const CSRF_COOKIE = 'XSRF-TOKEN';
const CSRF_HEADER = 'X-XSRF-TOKEN';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Raised for every non-2xx answer. `errors` holds field errors: {field, code, message}. */
export class ApiError extends Error {
  constructor({ status, type, title, detail, errors }) {
    super(detail || title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.type = type || 'about:blank';
    this.title = title || '';
    this.detail = detail || '';
    this.errors = Array.isArray(errors) ? errors : [];
  }

  /** Field errors keyed by field name (first message wins). */
  fieldErrors() {
    const out = {};
    for (const e of this.errors) {
      if (e && e.field && !(e.field in out)) out[e.field] = fieldErrorText(e.code, e.message) || e.message || e.code;
    }
    return out;
  }
}

// The token from the body of GET /auth/csrf, used only when the cookie cannot be read.
let tokenFromBody = null;
const unauthorizedListeners = new Set();
const blockedListeners = new Set();

/**
 * Called with the problem type when the server refuses everything until the member acts:
 * `password-expired` or `mfa-setup-required` (403 urn:musubi:problem:…).
 */
export function onBlocked(fn) {
  blockedListeners.add(fn);
  return () => blockedListeners.delete(fn);
}

const BLOCKING = ['password-expired', 'mfa-setup-required'];

function blockingProblem(type) {
  const name = (type || '').split(':').pop();
  return BLOCKING.includes(name) ? name : null;
}

const reauthHandlers = new Set();

/**
 * Registers the prompt that asks for the password again when a change answers 403
 * `reauthentication-required`. It resolves true once the member re-authenticated (the change is
 * then sent again, once) or false when they cancelled (the error reaches the caller).
 */
export function onReauthenticationRequired(fn) {
  reauthHandlers.add(fn);
  return () => reauthHandlers.delete(fn);
}

function isReauthentication(type) {
  return (type || '').split(':').pop() === 'reauthentication-required';
}

/** Called when any request that is not marked `quiet401` answers 401. */
export function onUnauthorized(fn) {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

function readCookie(name) {
  const prefix = name + '=';
  for (const part of document.cookie.split(';')) {
    const p = part.trim();
    if (p.startsWith(prefix)) return decodeURIComponent(p.slice(prefix.length));
  }
  return null;
}

export function csrfToken() {
  return readCookie(CSRF_COOKIE) || tokenFromBody;
}

/** Asks the server for a CSRF cookie. Call at startup and after signing in or out. */
export async function refreshCsrf() {
  try {
    const res = await fetch('/api/v1/auth/csrf', {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (res.ok && (res.headers.get('content-type') || '').includes('json')) {
      const body = await res.json().catch(() => null);
      if (body && typeof body.token === 'string') tokenFromBody = body.token;
    }
  } catch {
    // Offline: the next request reports the network error.
  }
}

export function csrfHeaders() {
  const token = csrfToken();
  return token ? { [CSRF_HEADER]: token } : {};
}

async function toError(res) {
  const type = res.headers.get('content-type') || '';
  let body = null;
  if (type.includes('json')) body = await res.json().catch(() => null);
  return new ApiError({
    status: res.status,
    type: body?.type,
    title: body?.title,
    detail: body?.detail,
    errors: body?.errors,
  });
}

/**
 * Sends one request. `options.quiet401` keeps a 401 from signing the member out (sign-in forms).
 * Resolves to the parsed JSON body, or null for an empty answer.
 */
export async function request(method, path, body, options = {}) {
  const send = () => {
    const headers = { Accept: 'application/json, application/problem+json', 'Accept-Language': lang() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (!SAFE.has(method)) Object.assign(headers, csrfHeaders());
    return fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  let res;
  try {
    res = await send();
    // A missing or rotated CSRF token answers 403 before anything runs: fetch a new one, retry once.
    // Not when the 403 says the member must first change their password or set up two-step.
    if (res.status === 403 && !SAFE.has(method) && !options.noRetry) {
      const problem = await res.clone().json().catch(() => null);
      if (isReauthentication(problem?.type)) {
        const [prompt] = reauthHandlers;
        if (prompt && !options.noReauth && (await prompt())) res = await send();
      } else if (!blockingProblem(problem?.type)) {
        await refreshCsrf();
        res = await send();
      }
    }
  } catch (e) {
    throw new ApiError({ status: 0, title: 'network', detail: '' });
  }
  if (res.status === 401 && !options.quiet401) {
    unauthorizedListeners.forEach((fn) => fn());
  }
  if (!res.ok) {
    const err = await toError(res);
    const blocked = res.status === 403 ? blockingProblem(err.type) : null;
    if (blocked) blockedListeners.forEach((fn) => fn(blocked));
    throw err;
  }
  if (res.status === 204) return null;
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const api = {
  get: (path, options) => request('GET', path, undefined, options),
  post: (path, body, options) => request('POST', path, body === undefined ? {} : body, options),
  put: (path, body, options) => request('PUT', path, body, options),
  patch: (path, body, options) => request('PATCH', path, body, options),
  del: (path, options) => request('DELETE', path, undefined, options),
};

/** Builds a query string from the non-empty values of `params`. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
