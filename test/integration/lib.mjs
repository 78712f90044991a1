// Shared helpers for the integration tests: they drive the real stack that
// test/stack started (its stack.env is in GENBA_STACK_ENV) over HTTPS with
// certificate verification (NODE_EXTRA_CA_CERTS = the stack's CA).
import { readFileSync } from 'node:fs';
import { spawnSync, spawn } from 'node:child_process';
import https from 'node:https';
import crypto from 'node:crypto';
import path from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function loadEnv() {
  const file = process.env.GENBA_STACK_ENV;
  if (!file) throw new Error('GENBA_STACK_ENV is not set: run the tests through test/run-all');
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^([A-Z_]+)=(.*)$/);
    if (m) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}
export const env = loadEnv();
export const base = env.GENBA_URL;
export const ca = readFileSync(env.GENBA_CACERT);

// A raw HTTPS request: the path is sent exactly as given (no URL
// normalisation, so "..", "%00" and friends reach the server).
// localAddress: the client's source address (any 127.x.y.z works on Linux),
// to act as different clients as nginx's $remote_addr sees them.
export function request(method, rawPath, { headers = {}, body = null, timeout = 20000, localAddress } = {}) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: url.hostname, port: url.port, method, path: rawPath, ca, headers,
      servername: url.hostname, timeout, agent: false, ...(localAddress ? { localAddress, family: 4 } : {}),
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        let json = null;
        if ((res.headers['content-type'] || '').startsWith('application/json')) {
          try { json = JSON.parse(text); } catch { json = undefined; }
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json, bytes });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${rawPath}`)));
    req.on('error', reject);
    if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'transfer-encoding')) req.setHeader('Content-Length', Buffer.byteLength(body));
    if (body) req.write(body);
    req.end();
  });
}
export const get = (p, opts) => request('GET', p, opts);

// genbactl bound to this stack.  Returns {status, stdout, stderr}.
export function ctl(...args) {
  const parts = env.GENBA_CTL.split(' ');
  const r = spawnSync(parts[0], [...parts.slice(1), ...args], { encoding: 'utf8', timeout: 120000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// SQL as MariaDB's root (unix socket) or as another account.
export function sql(query, { user = 'root', password = null, database = null } = {}) {
  const args = ['--no-defaults', '-S', env.GENBA_DB_SOCKET, '-u', user, '--batch', '--skip-column-names', '-e', query];
  if (password !== null) args.splice(5, 0, `-p${password}`);
  if (database) args.push(database);
  const r = spawnSync('mariadb', args, { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}
// Same, with binary columns read as hex.
export function sqlHex(query) { return sql(query).stdout; }

// Create a tenant unless it exists; returns its admin password (or null if it existed).
export function ensureTenant(code, name = `Tenant ${code}`) {
  const r = ctl('--json', 'tenant', 'create', code, '--name', name, '--contact', `ops@${code}.example`);
  if (r.status === 0) return JSON.parse(r.stdout).admin.password;
  if (/already exists/.test(r.stderr)) {
    ctl('tenant', 'resume', code);
    return null;
  }
  throw new Error(`tenant create ${code} failed: ${r.stderr}`);
}

// The stack's master key and the wrapped-secret format (version 1 | key id 8 |
// nonce 12 | ciphertext | tag 16; AES-256-GCM; associated data
// "genba/master|<tenant>|<purpose>").  The tests open blobs themselves to
// check the format independently of the C code.
export function masterKey() {
  return Buffer.from(readFileSync(path.join(env.GENBA_DIR, 'master.key'), 'utf8').trim(), 'hex');
}
export function openSealed(key, ad, blob) {
  if (blob.length < 37 || blob[0] !== 1) throw new Error('malformed blob');
  const nonce = blob.subarray(9, 21), tag = blob.subarray(blob.length - 16), ct = blob.subarray(21, blob.length - 16);
  const d = crypto.createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(Buffer.from(ad));
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}
export function wrapped(code, column) {
  const hex = sqlHex(`SELECT HEX(${column}) FROM genba_control.tenants WHERE code = '${code}'`);
  return Buffer.from(hex, 'hex');
}

export function pidOf(file) {
  return parseInt(readFileSync(file, 'utf8').trim(), 10);
}
// every child of the master: its workers and its background-job runners
export function childrenOf(pid) {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}
// the master's background-job runners (genba-fcgi --runner)
export function runnersOf(pid) {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number)
    .filter((p) => { try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--runner'); } catch { return false; } });
}
// the master's workers, by their command line (genba-fcgi --worker)
export function workersOf(pid) {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number)
    .filter((p) => { try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes('--worker'); } catch { return false; } });
}
export function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export async function waitFor(what, fn, { timeout = 30000, every = 200 } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}
export function stack(...args) {
  const r = spawnSync(path.join(repo, 'test/stack'), [...args, env.GENBA_DIR], {
    encoding: 'utf8', timeout: 240000, env: { ...process.env, GENBA_BUILD: process.env.GENBA_BUILD || path.join(repo, 'build') },
  });
  if (r.status !== 0) throw new Error(`test/stack ${args.join(' ')} failed: ${r.stderr}`);
}
export function logText() { return readFileSync(env.GENBA_LOG, 'utf8'); }
export { spawn };

// ---- identity: sessions, tokens, console forms (tests 10-14) ----

// A source address this test process has not used yet.  nginx limits
// sign-ins per client address (10 a minute) and the application throttles
// failed ones per address, so tests that are not about throttling sign in
// from addresses of their own.  127.100-199.x.y; the throttle tests use
// fixed addresses in 127.0.5-7.x.
let addrSeq = 0;
const addrNet = 100 + (process.pid % 100);
export function freshAddr() {
  addrSeq++;
  return `127.${addrNet}.${Math.floor(addrSeq / 250) % 250}.${(addrSeq % 250) + 1}`;
}
export const tenantDb = (code) => `genba_t_${code.replace(/-/g, '_')}`;

// A JSON API call under /<tenant>/api/v1.  An object body is sent as JSON.
export function api(tenant, method, p, { token, body, headers = {}, localAddress } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let b = null;
  if (body !== undefined && body !== null) {
    if (typeof body === 'string' || Buffer.isBuffer(body)) b = body;
    else { b = JSON.stringify(body); if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json'; }
  }
  return request(method, `/${tenant}/api/v1${p}`, { headers: h, body: b, localAddress });
}

// POST /sessions (from a fresh address unless one is given).
export function signIn(tenant, user, password, { device, localAddress = freshAddr(), headers } = {}) {
  const body = { user, password };
  if (device) body.device = device;
  return api(tenant, 'POST', '/sessions', { body, localAddress, headers });
}

// Sign in and return the token, failing loudly otherwise.
export async function tokenFor(tenant, user, password, opts) {
  const r = await signIn(tenant, user, password, opts);
  if (r.status !== 201 || !r.json?.token) throw new Error(`sign-in ${tenant}/${user}: ${r.status} ${r.text}`);
  return r.json.token;
}

// The tenant's first administrator, past its forced password change: a
// script token.  initial = ensureTenant's one-time password (null when the
// tenant existed already: then the password was changed to newPassword).
export async function adminToken(tenant, initial, newPassword) {
  if (initial) {
    const r = await signIn(tenant, 'admin', initial);
    if (r.status !== 201) throw new Error(`admin sign-in on ${tenant}: ${r.status} ${r.text}`);
    const c = await api(tenant, 'POST', '/account/password', { token: r.json.token, body: { current: initial, new: newPassword } });
    if (c.status !== 204) throw new Error(`admin password change on ${tenant}: ${c.status} ${c.text}`);
  }
  return tokenFor(tenant, 'admin', newPassword);
}

// Assert an API error: status, code, and the request id of the answer.
export function assertError(r, status, code, what = '') {
  assert.equal(r.status, status, `${what} ${r.status} ${r.text}`);
  assert.ok(r.json && r.json.error, `${what} not a JSON error: ${r.text}`);
  assert.equal(r.json.error.code, code, `${what} ${r.text}`);
  assert.equal(typeof r.json.error.message, 'string');
  assert.equal(r.json.error.request_id, r.headers['x-request-id'], `${what} request_id`);
}
// The codes of details[] of an error, as "field:code" strings.
export const detailCodes = (r) => (r.json?.error?.details || []).map((d) => `${d.field}:${d.code}`);

export const newDevice = (name = 'iPad test', platform = 'ios') => ({ id: crypto.randomUUID(), name, platform });

// Console: the session cookie, forms and their hidden CSRF field.
export const cookieName = (tenant) => `__Host-genba-${tenant}`;
export function setCookies(res) {
  const h = res.headers['set-cookie'];
  return Array.isArray(h) ? h : h ? [h] : [];
}
// "name=value" of the tenant's session cookie set by a response, or undefined.
export function sessionCookie(res, tenant) {
  const c = setCookies(res).find((s) => s.startsWith(`${cookieName(tenant)}=`));
  return c ? c.split(';')[0] : undefined;
}
// <input> elements of a page: [{name, value, type}] (attributes in any order).
export function inputs(html) {
  const out = [];
  for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
    const attr = (n) => { const a = m[0].match(new RegExp(`\\b${n}\\s*=\\s*"([^"]*)"`, 'i')); return a ? a[1] : undefined; };
    out.push({ name: attr('name'), value: attr('value'), type: (attr('type') || 'text').toLowerCase() });
  }
  return out;
}
export function csrfOf(html) {
  const i = inputs(html).find((x) => x.name === '_csrf');
  return i ? i.value : undefined;
}
export const formBody = (fields) => new URLSearchParams(fields).toString();
export function consolePost(tenant, p, cookie, fields, { headers = {}, localAddress } = {}) {
  const h = { 'Content-Type': 'application/x-www-form-urlencoded', ...headers };
  if (cookie) h.Cookie = cookie;
  return request('POST', `/${tenant}/manager${p}`, { headers: h, body: formBody(fields), localAddress });
}
export function consoleGet(tenant, p, cookie, { headers = {}, localAddress } = {}) {
  const h = { ...headers };
  if (cookie) h.Cookie = cookie;
  return request('GET', `/${tenant}/manager${p}`, { headers: h, localAddress });
}
// The sign-in form's pre-session token and the cookie it is bound to, as a
// browser gets them from GET /manager/login.
export async function loginForm(tenant, { localAddress } = {}) {
  const page = await consoleGet(tenant, '/login', null, { localAddress });
  const c = setCookies(page).find((s) => s.startsWith(`__Host-genba-login-${tenant}=`));
  return { csrf: csrfOf(page.text), cookie: c ? c.split(';')[0] : undefined };
}
// POST /manager/login as a browser does (the form's token and cookie first);
// the answer gets .cookie ("name=value") when one was set.
export async function consoleLogin(tenant, login, password, { next, localAddress = freshAddr(), headers = {} } = {}) {
  const form = await loginForm(tenant, { localAddress });
  const fields = { login, password, _csrf: form.csrf };
  if (next !== undefined) fields.next = next;
  // cookies the caller sends (a session, a planted one) go along with the form's
  const cookie = [form.cookie, headers.Cookie].filter(Boolean).join('; ') || undefined;
  const r = await consolePost(tenant, '/login', cookie, fields, { headers, localAddress });
  r.cookie = sessionCookie(r, tenant);
  return r;
}
// A console session cookie, failing loudly otherwise.
export async function consoleCookie(tenant, login, password) {
  const r = await consoleLogin(tenant, login, password);
  if (r.status !== 303 || !r.cookie) throw new Error(`console sign-in ${tenant}/${login}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.cookie;
}
// The path (and query) a redirect points to, resolved against the base URL.
export function redirectPath(res) {
  const loc = res.headers.location;
  if (!loc) return undefined;
  const u = new URL(loc, base);
  return u.origin === new URL(base).origin ? u.pathname + u.search : u.href;
}

// A tiny CSV reader (RFC 4180 quoting) for the exports.
export function parseCsv(text) {
  const rows = [];
  let row = [], f = '', q = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '"' && s[i + 1] === '"') { f += '"'; i++; } else if (c === '"') q = false; else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(f); f = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(f); rows.push(row); row = []; f = '';
    } else f += c;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}
