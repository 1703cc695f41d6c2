// The one client of /api/v1: JSON in and out, the CSRF header on cookie-authenticated writes,
// problem+json errors turned into ApiError. Nothing secret is ever stored outside memory.
import { t } from './i18n.js';

const auth = { csrf: null, bearer: null, onUnauthorized: null };

export function setCsrf(token) { auth.csrf = token; }
export function setBearer(token) { auth.bearer = token; }
export function usingBearer() { return auth.bearer !== null; }
export function onUnauthorized(fn) { auth.onUnauthorized = fn; }

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || t('error.status', { status }));
    this.status = status;
    this.problem = problem || {};
    this.errors = Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
  /** The message to show: the detail, or a plain sentence for the status. */
  text() {
    if (this.status === 0) return t('error.network');
    if (this.status === 403) return t('error.forbidden') + (this.problem.detail ? ': ' + this.problem.detail : '');
    if (this.status === 429) return t('error.rate_limited');
    if (this.status === 503) return t('error.unavailable') + (this.problem.detail ? ': ' + this.problem.detail : '');
    return this.message;
  }
}

export async function api(method, path, body, opts = {}) {
  const headers = { Accept: opts.accept ? opts.accept + ', application/problem+json' : 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth.bearer) headers.Authorization = 'Bearer ' + auth.bearer;
  else if (method !== 'GET' && method !== 'HEAD' && auth.csrf) headers['X-CSRF-Token'] = auth.csrf;
  let res;
  try {
    res = await fetch('/api/v1' + path, {
      method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { detail: t('error.network') });
  }
  if (res.status === 204) return null;
  const text = await res.text();
  if (res.ok && opts.accept) return text;
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text.slice(0, 300) }; }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && !opts.quiet && auth.onUnauthorized) auth.onUnauthorized(err);
    throw err;
  }
  return data;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
/** A non-JSON answer (e.g. an SVG image) as text; errors are still problem+json. */
export const getText = (path, accept) => api('GET', path, undefined, { accept });
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** Query string from an object, leaving out empty values. */
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? '?' + s : '';
}
