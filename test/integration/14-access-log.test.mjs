// The customer's access log: a scripted sequence leaves exactly the rows it
// should (who, from where, with what, on which object, with what result),
// newest first, with filters and keyset paging that new rows never shift;
// no password, token or session id anywhere in the tenant's database or the
// service log; and the tenant's own MariaDB account cannot change it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  api, signIn, ensureTenant, freshAddr, newDevice, env, sql, tenantDb, logText, masterKey, openSealed, wrapped,
  consoleLogin, consoleGet, sessionCookie, parseCsv,
} from './lib.mjs';

const T = 'log-a';
const UA = `genba-it-14/${randomBytes(4).toString('hex')}`;
const ADMIN_PW = 'Log admin password 2';
const RESET_PW = 'Log reset by admin 1', LOG_PW = 'Log user own pw 22';
const WRONG = ['Wrong guess 14 alpha', 'Ghost guess 14 beta'];
const ADDR = freshAddr(); // every call that is not a sign-in
const secrets = [...WRONG, ADMIN_PW, RESET_PW, LOG_PW];
const expected = []; // items: a row spec, or an array of specs that may come in any order
let initial, admin, adminId, user, group, dev, tStart;

const hdr = { 'User-Agent': UA };
const call = (method, p, { token = admin, body } = {}) => api(T, method, p, { token, body, headers: hdr, localAddress: ADDR });
async function login(u, pw, opts = {}) {
  const addr = freshAddr();
  const r = await signIn(T, u, pw, { ...opts, localAddress: addr, headers: hdr });
  if (r.json?.token) secrets.push(r.json.token);
  return { r, addr };
}
const want = (status, r, what) => assert.equal(r.status, status, `${what}: ${r.text}`);
const step = (spec) => expected.push({ client_addr: ADDR, user_agent: UA, ...spec });
async function allEntries(query = '', limit = 100) {
  const out = [];
  let before = null;
  for (let i = 0; i < 100; i++) {
    const r = await call('GET', `/access-log?limit=${limit}${query}${before ? `&before=${before}` : ''}`);
    want(200, r, 'GET /access-log');
    out.push(...r.json.entries);
    before = r.json.next_before;
    if (before === null) return out;
  }
  throw new Error('paging never ended');
}

before(() => { initial = ensureTenant(T, 'Log A'); secrets.push(initial); });

test('a scripted sequence leaves the expected rows, newest first', async () => {
  assert.ok(initial, `tenant ${T} existed already: run on a fresh stack`);
  tStart = Date.now();
  let x = await login('admin', initial);
  want(201, x.r, 'first sign-in');
  const first = x.r.json.token;
  step({ action: 'login', result: 'ok', login: 'admin', channel: 'script', client_addr: x.addr });
  x = await login('admin', WRONG[0]);
  want(401, x.r, 'wrong password');
  step({ action: 'login', result: 'failed', login: 'admin', channel: 'script', client_addr: x.addr });
  x = await login('ghost.user', WRONG[1]);
  want(401, x.r, 'unknown user');
  step({ action: 'login', result: 'failed', login: 'ghost.user', user_id: null, channel: 'script', client_addr: x.addr });
  want(204, await call('POST', '/account/password', { token: first, body: { current: initial, new: ADMIN_PW } }), 'change');
  step({ action: 'account.password', result: 'ok', login: 'admin', channel: 'script' });
  x = await login('admin', ADMIN_PW);
  want(201, x.r, 'admin sign-in');
  admin = x.r.json.token;
  adminId = x.r.json.user.id;
  step({ action: 'login', result: 'ok', login: 'admin', user_id: adminId, client_addr: x.addr });
  for (const e of expected) if (e.login === 'admin' && e.result !== 'failed') e.user_id = adminId;

  let r = await call('POST', '/users', { body: { login: 'log.user', name: 'ログ 利用者', password: 'Log first pw 1' } });
  want(201, r, 'create user');
  user = r.json;
  secrets.push('Log first pw 1');
  // object_id: the object's id or its login / name
  const uo = { object_id: [user.id, 'log.user'], login: 'admin', user_id: adminId, result: 'ok' };
  step({ action: 'user.create', ...uo });
  want(200, await call('PUT', `/users/${user.id}`, { body: { name: 'ログ 利用者 2', email: 'log@example.com', lang: 'ja', valid_from: '2020-01-01', valid_until: '2099-12-31', enabled: true, groups: [] } }), 'update');
  step({ action: 'user.update', ...uo });
  want(204, await call('POST', `/users/${user.id}/password`, { body: { password: RESET_PW } }), 'reset');
  step({ action: 'user.password_reset', ...uo });
  r = await call('POST', '/groups', { body: { name: 'log group', permissions: ['api'] } });
  want(201, r, 'create group');
  group = r.json;
  const go = { object_id: [group.id, 'log group', 'log group 2'], login: 'admin', result: 'ok' };
  step({ action: 'group.create', ...go });
  want(200, await call('PUT', `/groups/${group.id}`, { body: { name: 'log group 2', parent_id: null, description: 'renamed' } }), 'group update');
  step({ action: 'group.update', ...go });
  want(200, await call('PUT', `/groups/${group.id}/members`, { body: { users: [user.id] } }), 'members');
  step({ action: 'group.members', ...go });
  want(200, await call('PUT', `/groups/${group.id}/permissions`, { body: { permissions: ['api'] } }), 'permissions');
  step({ action: 'group.permissions', ...go });

  dev = newDevice('Log iPad', 'ios');
  x = await login('log.user', RESET_PW, { device: dev });
  want(403, x.r, 'pending device');
  expected.push([
    { action: 'device.register', object_id: dev.id, login: 'log.user', client_addr: x.addr, user_agent: UA },
    { action: 'login', result: 'denied', login: 'log.user', device_id: dev.id, client_addr: x.addr, user_agent: UA },
  ]);
  want(200, await call('POST', `/devices/${dev.id}/approve`), 'approve');
  step({ action: 'device.approve', object_id: dev.id, login: 'admin', result: 'ok' });
  x = await login('log.user', RESET_PW, { device: dev });
  want(201, x.r, 'tablet sign-in');
  const tab = x.r.json.token;
  const to = { login: 'log.user', user_id: user.id, channel: 'tablet', device_id: dev.id };
  step({ action: 'login', result: 'ok', ...to, client_addr: x.addr });
  want(204, await call('POST', '/account/password', { token: tab, body: { current: RESET_PW, new: LOG_PW } }), 'own change');
  step({ action: 'account.password', result: 'ok', ...to });
  want(403, await call('GET', '/users', { token: tab }), 'no users.view');
  step({ action: 'permission.denied', result: 'denied', ...to });
  want(403, await call('GET', '/access-log', { token: tab }), 'no logs.view');
  step({ action: 'permission.denied', result: 'denied', ...to });
  want(204, await call('DELETE', '/sessions/current', { token: tab }), 'logout');
  step({ action: 'logout', result: 'ok', ...to });
  want(200, await call('PUT', '/settings', { body: { 'devices.auto_approve': true } }), 'settings');
  step({ action: 'settings.update', login: 'admin', result: 'ok' });
  want(200, await call('PUT', '/settings', { body: { 'devices.auto_approve': false } }), 'settings');
  step({ action: 'settings.update', login: 'admin', result: 'ok' });
  want(200, await call('POST', `/devices/${dev.id}/revoke`), 'revoke');
  step({ action: 'device.revoke', object_id: dev.id, login: 'admin', result: 'ok' });
  x = await login('log.user', LOG_PW);
  want(201, x.r, 'script sign-in');
  step({ action: 'login', result: 'ok', login: 'log.user', channel: 'script', client_addr: x.addr });
  want(204, await call('DELETE', `/users/${user.id}/sessions`), 'end sessions');
  step({ action: 'user.sessions_end', ...uo });
  want(204, await call('DELETE', `/groups/${group.id}`), 'delete group');
  step({ action: 'group.delete', ...go });

  const entries = await allEntries();
  for (let i = 1; i < entries.length; i++) {
    assert.ok(Number(entries[i].id) < Number(entries[i - 1].id), 'newest first, by id');
    assert.ok(Date.parse(entries[i].at) <= Date.parse(entries[i - 1].at), 'newest first, by time');
  }
  const oldestFirst = [...entries].reverse();
  const used = new Set();
  let lastId = -1;
  const matches = (e, spec) => Object.entries(spec).every(([k, v]) => (v === null ? e[k] === null
    : Array.isArray(v) ? v.map(String).includes(String(e[k])) : String(e[k]) === String(v)));
  for (const item of expected) {
    let maxId = lastId;
    for (const spec of Array.isArray(item) ? item : [item]) {
      const e = oldestFirst.find((c) => Number(c.id) > lastId && !used.has(c.id) && matches(c, spec));
      assert.ok(e, `no row ${JSON.stringify(spec)} after id ${lastId}; log (oldest first):\n${oldestFirst.map((c) => JSON.stringify(c)).join('\n')}`);
      used.add(e.id);
      maxId = Math.max(maxId, Number(e.id));
      const at = Date.parse(e.at);
      assert.ok(at >= tStart - 5000 && at <= Date.now() + 5000, `at ${e.at}`);
      for (const k of ['id', 'at', 'login', 'user_id', 'device_id', 'client_addr', 'user_agent', 'channel', 'action', 'object_type', 'object_id', 'result', 'detail']) {
        assert.ok(k in e, `column ${k} missing: ${JSON.stringify(e)}`);
      }
      if (spec.object_id) assert.ok(e.object_type, `object_type for ${e.action}`);
    }
    lastId = maxId;
  }
});

test('filters: user, action, result, limit', async () => {
  const full = await allEntries();
  const same = async (query, pick, what) => {
    const got = await allEntries(query);
    assert.ok(got.length > 0, `${what}: nothing`);
    assert.deepEqual(got.map((e) => e.id), full.filter(pick).map((e) => e.id), what);
  };
  await same('&user=log.user', (e) => e.login === 'log.user', 'user');
  await same('&action=login&result=failed', (e) => e.action === 'login' && e.result === 'failed', 'action+result');
  await same('&result=denied', (e) => e.result === 'denied', 'result');
  await same('&action=permission.denied', (e) => e.action === 'permission.denied', 'action');
  assert.equal(full.filter((e) => e.action === 'permission.denied').length, 2);
  const two = await call('GET', '/access-log?limit=2');
  assert.deepEqual(two.json.entries, full.slice(0, 2));
  assert.equal(String(two.json.next_before), String(full[1].id));
});

test('from and to take plain dates (whole days)', async () => {
  const full = await allEntries();
  const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
  const ids = (l) => l.map((e) => e.id);
  assert.deepEqual(ids(await allEntries(`&from=${day(-1)}&to=${day(1)}`)), ids(full));
  for (const q of [`&to=${day(-2)}`, `&from=${day(2)}`]) {
    const r = await call('GET', `/access-log?limit=10${q}`);
    want(200, r, q);
    assert.deepEqual(r.json.entries, [], q);
  }
});

test('from and to take ISO timestamps like the entries\' own at', async () => {
  const full = await allEntries();
  const mid = full.find((e) => e.action === 'user.create');
  const from = await allEntries(`&from=${encodeURIComponent(mid.at)}`);
  const t = Date.parse(mid.at);
  assert.ok(from.some((e) => e.id === mid.id), 'from is inclusive of its instant');
  assert.ok(from.every((e) => Date.parse(e.at) >= t));
  assert.deepEqual(from.filter((e) => Date.parse(e.at) > t).map((e) => e.id), full.filter((e) => Date.parse(e.at) > t).map((e) => e.id));
  const to = await allEntries(`&to=${encodeURIComponent(mid.at)}`);
  assert.ok(to.every((e) => Date.parse(e.at) <= t) && to.length > 0);
  assert.deepEqual(to.filter((e) => Date.parse(e.at) < t).map((e) => e.id), full.filter((e) => Date.parse(e.at) < t).map((e) => e.id));
});

test('keyset paging: next_before walks the log, and rows added meanwhile shift nothing', async () => {
  const full = await allEntries();
  const pages = [];
  let r = await call('GET', '/access-log?limit=4');
  pages.push(...r.json.entries);
  assert.deepEqual(r.json.entries, full.slice(0, 4));
  for (let i = 0; i < 3; i++) want(401, (await login('ghost.user', WRONG[1])).r, 'new row');
  while (r.json.next_before !== null) {
    r = await call('GET', `/access-log?limit=4&before=${r.json.next_before}`);
    want(200, r, 'page');
    assert.ok(r.json.entries.length > 0 && r.json.entries.length <= 4);
    pages.push(...r.json.entries);
  }
  assert.deepEqual(pages, full);
  const now = await allEntries();
  assert.equal(now.length, full.length + 3);
  assert.deepEqual(now.slice(3), full);
});

test('the console shows and exports the log; a console sign-in is logged as such', async () => {
  const addr = freshAddr();
  const c = await consoleLogin(T, 'admin', ADMIN_PW, { localAddress: addr, headers: hdr });
  assert.equal(c.status, 303, c.text.slice(0, 200));
  secrets.push(sessionCookie(c, T).split('=')[1]);
  const newest = (await call('GET', '/access-log?limit=1&action=login')).json.entries[0];
  assert.equal(newest.channel, 'console');
  assert.equal(newest.client_addr, addr);
  assert.equal(newest.user_agent, UA);
  assert.equal(newest.result, 'ok');
  let p = await consoleGet(T, '/log?user=ghost.user&action=login&result=failed', c.cookie);
  assert.equal(p.status, 200);
  assert.match(p.text, /ghost\.user/);
  p = await consoleGet(T, '/log?user=log.user', c.cookie);
  assert.equal(p.status, 200);
  assert.doesNotMatch(p.text, /ghost\.user/);
  assert.match(p.text, /log\.user/);
  // paging: before=<id> shows only older rows (here: before log.user existed)
  const created = (await call('GET', '/access-log?action=user.create&limit=1')).json.entries[0];
  p = await consoleGet(T, `/log?before=${created.id}`, c.cookie);
  assert.equal(p.status, 200);
  assert.match(p.text, /ghost\.user/);
  assert.doesNotMatch(p.text, /log\.user/);
  const csv = await consoleGet(T, '/log.csv', c.cookie);
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'], /^text\/csv/);
  const rows = parseCsv(csv.text);
  assert.ok(rows[0].includes('action') && rows[0].includes('login'), rows[0].join(','));
  const ai = rows[0].indexOf('action');
  for (const a of ['user.create', 'group.delete', 'device.revoke', 'permission.denied']) assert.ok(rows.some((x) => x[ai] === a), a);
  for (const s of secrets) assert.ok(!csv.text.includes(s), 'a secret in log.csv');
});

test('no password, token or session id in the tenant database, the access log or the service log', async () => {
  const dump = spawnSync('mariadb-dump', ['--no-defaults', '-S', env.GENBA_DB_SOCKET, '-u', 'root', tenantDb(T)], { maxBuffer: 1 << 28 });
  assert.equal(dump.status, 0, String(dump.stderr));
  const dumpText = dump.stdout.toString('utf8');
  assert.match(dumpText, /INSERT INTO `access_log`/);
  const log = logText();
  const accessLog = JSON.stringify(await allEntries());
  assert.ok(secrets.length >= 12, `${secrets.length} secrets collected`);
  for (const s of secrets) {
    const shown = `${s.slice(0, 6)}…`;
    assert.ok(!dumpText.includes(s), `database dump holds ${shown}`);
    assert.ok(!log.includes(s), `service log holds ${shown}`);
    assert.ok(!accessLog.includes(s), `access log holds ${shown}`);
    if (/^[0-9a-f]{64}$/.test(s) || s.length >= 32) {
      const h = createHash('sha256').update(s).digest('hex');
      assert.ok(!accessLog.includes(h) && !log.includes(h) && !dumpText.toLowerCase().includes(h), `the hash of ${shown} is shown`);
    }
  }
});

test("the tenant's own MariaDB account can add to the access log but never change or delete it", () => {
  const db = tenantDb(T);
  const grants = sql(`SHOW GRANTS FOR '${db}'@'localhost'`);
  assert.equal(grants.status, 0, grants.stderr);
  const lines = grants.stdout.split('\n');
  const onLog = lines.filter((l) => /`access_log`/.test(l));
  assert.equal(onLog.length, 1, grants.stdout);
  const privs = onLog[0].match(/^GRANT (.*) ON /)[1].split(',').map((s) => s.trim()).sort();
  assert.deepEqual(privs, ['INSERT', 'SELECT']);
  for (const l of lines.filter((x) => / ON (`[^`]+`\.)?\*/.test(x) && !/^GRANT USAGE/.test(x))) {
    assert.doesNotMatch(l, /UPDATE|DELETE|ALL PRIVILEGES|DROP/, `a wider grant: ${l}`);
  }
  const password = openSealed(masterKey(), `genba/master|${T}|dbpass`, wrapped(T, 'db_password_wrapped')).toString();
  const as = (q) => sql(q, { user: db, password, database: db });
  const before = sql(`SELECT COUNT(*), MAX(id), MD5(GROUP_CONCAT(CONCAT_WS('|', id, action, result, login) ORDER BY id)) FROM ${db}.access_log`).stdout;
  const ok = as('SELECT COUNT(*) FROM access_log');
  assert.equal(ok.status, 0, ok.stderr);
  for (const q of ["UPDATE access_log SET action = 'tampered'", 'DELETE FROM access_log', 'TRUNCATE TABLE access_log',
    'DROP TABLE access_log', "REPLACE INTO access_log (id, client_addr, channel, action, result) SELECT id, 'x', 'system', 'tampered', 'ok' FROM access_log LIMIT 1",
    "INSERT INTO access_log (id, client_addr, channel, action, result) SELECT id, 'x', 'system', 'x', 'ok' FROM access_log LIMIT 1 ON DUPLICATE KEY UPDATE action = 'tampered'",
    'ALTER TABLE access_log ADD COLUMN x INT']) {
    const r = as(q);
    assert.notEqual(r.status, 0, `allowed: ${q}`);
    assert.match(r.stderr, /denied/i, q);
  }
  assert.equal(sql(`SELECT COUNT(*), MAX(id), MD5(GROUP_CONCAT(CONCAT_WS('|', id, action, result, login) ORDER BY id)) FROM ${db}.access_log`).stdout, before);
});
