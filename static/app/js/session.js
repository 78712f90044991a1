// Who uses the app on this device: the device's own id (made once, kept),
// the session token (POST /sessions), the pending-approval state, and the
// user's details from GET /me (time zone included).
//
// A new device is "pending" until an administrator approves it; the API
// then refuses sessions with 403 device_pending. The password typed is kept
// in memory only (never stored), so the app can ask again every few
// seconds while the page stays open.

import { call, setToken, errorCode, retryAfter } from './api.js';
import { kvGet, kvSet, keepData } from './db.js';
import { setZone } from './dates.js';
import { uuid } from './uuid.js';

let session = null;       // { token, expires_at, user: {id, login, name}, device: {id, status} }
let me = null;            // GET /me
const listeners = new Set();

/** Calls f(session) whenever the session changes (signed in, expired, signed out). */
export const onSessionChange = (f) => { listeners.add(f); return () => listeners.delete(f); };
const changed = () => { for (const f of listeners) f(session); };

export const current = () => (session?.token ? session : null);
export const user = () => session?.user || null;
export const profile = () => me;

/** Reads what this device kept: the session (if any) and the user's details. */
export async function load() {
  session = (await kvGet('session')) || null;
  me = (await kvGet('me')) || null;
  setToken(session?.token || null);
  setZone(me?.time_zone);
  if (session?.token && session.expires_at && Date.parse(session.expires_at) < Date.now()) await expire();
  return current();
}

function platform() {
  const ua = navigator.userAgent;
  const p = navigator.userAgentData?.platform || '';
  if (/iPad|iPhone|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1)) return 'ios';
  if (/Android/i.test(ua) || /android/i.test(p)) return 'android';
  if (/Windows/i.test(ua)) return 'windows';
  if (/CrOS/.test(ua)) return 'chromeos';
  if (/Mac OS X/.test(ua)) return 'macos';
  if (/Linux/.test(ua)) return 'linux';
  return 'web';
}

function defaultName() {
  const p = platform();
  const tablet = Math.min(screen.width, screen.height) >= 600;
  const kind = { ios: /iPhone/.test(navigator.userAgent) ? 'iPhone' : 'iPad', android: tablet ? 'Android tablet' : 'Android phone',
    windows: 'Windows', chromeos: 'Chromebook', macos: 'Mac', linux: 'Linux', web: 'Browser' }[p];
  return `${kind} ${new Date().toISOString().slice(0, 10)}`;
}

/** This device's identity: { id, name }, made on first use and kept. */
export async function device() {
  let d = await kvGet('device');
  if (!d) {
    d = { id: uuid(), name: defaultName() };
    await kvSet('device', d);
  }
  return d;
}

/**
 * Signs in as this device. Resolves to one of
 *   { ok: true }                      signed in (must_change_password: see mustChange())
 *   { pending: true, device }         registered, waiting for approval
 *   { error: code, retry? }           wrong credentials, revoked, throttled, …
 * and throws NetworkError when offline.
 */
export async function signIn(login, password, deviceName) {
  const d = await device();
  const name = (deviceName || d.name).trim().slice(0, 100) || d.name;
  if (name !== d.name) await kvSet('device', { ...d, name });
  setToken(null);
  const r = await call('POST', '/sessions', { json: { user: login, password, device: { id: d.id, name, platform: platform() } } });
  if (r.status === 201) {
    session = { token: r.json.token, expires_at: r.json.expires_at, user: r.json.user, device: r.json.device,
      must_change_password: Boolean(r.json.must_change_password) };
    await kvSet('session', session);
    await kvSet('pending', null);
    setToken(session.token);
    await keepData();
    await refreshMe().catch(() => {});
    changed();
    return { ok: true };
  }
  const code = errorCode(r);
  if (code === 'device_pending') {
    await kvSet('pending', { login, device: d.id, name, since: new Date().toISOString() });
    return { pending: true, device: { id: d.id, name } };
  }
  return { error: code, retry: retryAfter(r) };
}

/** What a pending sign-in left (login and device name), or null. */
export const pendingState = () => kvGet('pending');
export const clearPending = () => kvSet('pending', null);

/** GET /me: the user's details and the tenant's time zone (Asia/Tokyo when absent). */
export async function refreshMe() {
  const r = await call('GET', '/me');
  if (r.status === 401) { await expire(); return null; }
  if (r.status !== 200) return me;
  me = r.json;
  setZone(me.time_zone);
  await kvSet('me', me);
  return me;
}

export const mustChange = () => Boolean(session?.must_change_password || me?.must_change_password);

/** POST /account/password; resolves to null when done or the error code. */
export async function changePassword(currentPw, newPw) {
  const r = await call('POST', '/account/password', { json: { current: currentPw, new: newPw } });
  if (r.status !== 204) return r.json?.error?.details?.[0]?.code || errorCode(r);
  session = { ...session, must_change_password: false };
  await kvSet('session', session);
  await refreshMe().catch(() => {});
  changed();
  return null;
}

/** The token no longer works (401): keep who it was, drop the token. */
export async function expire() {
  if (!session) return;
  session = { ...session, token: null, expired: true };
  setToken(null);
  await kvSet('session', session);
  changed();
}

/** Ends the session here and on the server (when reachable); the device's data stays. */
export async function signOut() {
  if (session?.token) await call('DELETE', '/sessions/current').catch(() => {});
  session = session ? { user: session.user, token: null } : null;
  setToken(null);
  await kvSet('session', session);
  changed();
}

/** Whether the last session ended by itself (expired, revoked) rather than by signing out. */
export const ended = () => Boolean(session?.expired && !session?.token);

/** The login of the last user of this device (to fill the sign-in form), or "". */
export const lastLogin = () => session?.user?.login || '';
