// test/bench/lib.mjs: what the benchmarks' setup scripts share: a small
// client of the tablet API, and the first sign-in of a new tenant's
// administrator.
import crypto from 'node:crypto';

// client(URL, TENANT, WHO): {call, must}.  call(method, path, {token, json,
// body, type, headers}) -> {status, text, data}; must(answer, status, what) -> data,
// or ends the process with a message naming WHO when the status differs.
export function client(url, tenant, who) {
  const api = `${url}/${tenant}/api/v1`;
  async function call(method, p, { token, json, body, type, headers: extra = {} } = {}) {
    const headers = { ...extra };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
    if (type) headers['Content-Type'] = type;
    const r = await fetch(api + p, { method, headers, body });
    const text = await r.text();
    let data = null;
    try { data = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, text, data };
  }
  function must(r, status, what) {
    if (r.status !== status) {
      console.error(`${who}: ${what}: HTTP ${r.status} (expected ${status}): ${r.text.slice(0, 500)}`);
      process.exit(1);
    }
    return r.data;
  }
  return { call, must };
}

// The administrator's first sign-in with genbactl's one-time password: sets
// a new password (PREFIX-<random>) and signs in with it.  -> {token, password}
export async function firstAdmin({ call, must }, oneTime, prefix) {
  const password = `${prefix}-${crypto.randomBytes(12).toString('hex')}`;
  const s = must(await call('POST', '/sessions', { json: { user: 'admin', password: oneTime } }), 201, 'admin sign-in');
  must(await call('POST', '/account/password', { token: s.token, json: { current: oneTime, new: password } }), 204, 'admin password');
  const token = must(await call('POST', '/sessions', { json: { user: 'admin', password } }), 201, 'admin sign-in').token;
  return { token, password };
}
