// Calls to the tablet API (https://HOST/<tenant>/api/v1, same origin).
// Every call resolves to { status, json, headers } whatever the status, or
// throws NetworkError when no answer came (offline, timeout, connection
// reset): the caller decides what an answer means.

import { API_BASE } from './env.js';

export class NetworkError extends Error {}

let token = null;
/** The bearer token sent with every call (null: none). */
export const setToken = (t) => { token = t; };
export const hasToken = () => Boolean(token);

/**
 * call(method, path, { json, body, type, headers, timeout, blob })
 * json: an object sent as JSON; body + type: raw bytes (a Blob) and their
 * Content-Type; blob: read the answer as a Blob instead of JSON.
 */
export async function call(method, path, { json, body, type, headers = {}, timeout = 30000, blob = false } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  } else if (body !== undefined) {
    h['Content-Type'] = type;
    payload = body;
  }
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeout);
  let res;
  try {
    // background images come as full paths (/<tenant>/api/v1/…)
    res = await fetch(path.startsWith(`${API_BASE}/`) ? path : API_BASE + path, {
      method, headers: h, body: payload, signal: ctl.signal, cache: 'no-store', credentials: 'omit', redirect: 'error',
    });
  } catch (e) {
    clearTimeout(timer);
    throw new NetworkError(e.name === 'AbortError' ? 'timeout' : e.message || 'network error');
  }
  let parsed = null, data = null;
  try {
    if (blob && res.ok) data = await res.blob();
    else if ((res.headers.get('Content-Type') || '').startsWith('application/json')) parsed = await res.json();
    else await res.arrayBuffer();
  } catch (e) {
    clearTimeout(timer);
    throw new NetworkError(`answer cut off: ${e.message}`);
  }
  clearTimeout(timer);
  return { status: res.status, json: parsed, blob: data, headers: res.headers };
}

/** The error code of an answer ("device_pending", "stale_revision", …) or "http_<status>". */
export const errorCode = (r) => r.json?.error?.code || `http_${r.status}`;

/** Seconds a 429/503 answer asks to wait (Retry-After), or null. */
export function retryAfter(r) {
  const v = Number(r.headers?.get('Retry-After'));
  return Number.isFinite(v) && v >= 0 ? v : null;
}
