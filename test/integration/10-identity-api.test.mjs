// Identity over the JSON API: the first administrator's forced password
// change and the password rules, tokens, users, nested groups and
// permissions, devices, settings, and the users/groups CSV files.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  api, signIn, tokenFor, assertError, detailCodes, newDevice, ensureTenant, sql, tenantDb, freshAddr,
  parseCsv,
} from './lib.mjs';

const T = 'idn-a';
const ADMIN_PW = 'Idn-a admin 2nd password';
const SATO_PW = 'Sato no pasuwado 1';
const ALL_PERMS = ['admin', 'definitions.view', 'definitions.edit', 'definitions.delete', 'design', 'reports.view',
  'reports.edit', 'reports.delete', 'users.view', 'users.edit', 'users.delete', 'logs.view', 'settings.view',
  'settings.edit', 'api'];
let initial, admin, viewers, sato;
const call = (method, p, body, token = admin) => api(T, method, p, { token, body });
const withoutRequestId = (r) => { const e = { ...r.json.error }; delete e.request_id; return e; };
async function createUser(body) {
  const r = await call('POST', '/users', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

before(() => { initial = ensureTenant(T, 'Identity A'); });

test('the first admin must change its one-time password, under the length and common-password rules', async () => {
  assert.ok(initial, `tenant ${T} existed already: run on a fresh stack`);
  const s = await signIn(T, 'admin', initial);
  assert.equal(s.status, 201, s.text);
  assert.equal(typeof s.json.token, 'string');
  assert.ok(s.json.token.length >= 32);
  assert.ok(Date.parse(s.json.expires_at) > Date.now(), s.json.expires_at);
  assert.equal(s.json.user.login, 'admin');
  assert.equal(s.json.must_change_password, true);
  const tok = s.json.token;
  const me = await call('GET', '/me', undefined, tok);
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.login, 'admin');
  assert.equal(me.json.user.is_admin, true);
  assert.equal(me.json.kind, 'script');
  assert.equal(me.json.device_id ?? null, null);
  for (const p of ALL_PERMS) assert.ok(me.json.permissions.includes(p), `first admin lacks ${p}`);
  assertError(await call('GET', '/users', undefined, tok), 403, 'password_change_required');
  assertError(await call('PUT', '/settings', { 'devices.auto_approve': true }, tok), 403, 'password_change_required');
  assertError(await call('GET', '/groups', undefined, tok), 403, 'password_change_required');

  const change = (current, nw) => call('POST', '/account/password', { current, new: nw }, tok);
  let r = await change('not the password', ADMIN_PW);
  assertError(r, 422, 'validation_failed');
  assert.ok(detailCodes(r).some((c) => c.endsWith(':wrong_password')), r.text);
  const bad = [
    ['Ab1!xyz', 'password_too_short'], // 7 characters
    ['現場の報告書で', 'password_too_short'], // 7 code points, 21 bytes
    ['😀😀😀😀😀😀😀', 'password_too_short'], // 7 code points, 14 UTF-16 units, 28 bytes
    ['x'.repeat(129), 'password_too_long'],
    ['あ'.repeat(129), 'password_too_long'],
    ['password123', 'password_common'],
    ['qwertyuiop', 'password_common'],
    ['12345678', 'password_common'],
  ];
  for (const [pw, code] of bad) {
    r = await change(initial, pw);
    assertError(r, 422, 'validation_failed', pw);
    assert.ok(detailCodes(r).some((c) => c.endsWith(`:${code}`)), `${pw}: want ${code}, got ${r.text}`);
  }
  // 8 and 128 code points are accepted whatever their byte length
  assert.equal((await change(initial, '現場の報告書です')).status, 204);
  let t2 = await tokenFor(T, 'admin', '現場の報告書です');
  r = await call('POST', '/account/password', { current: '現場の報告書です', new: 'あ'.repeat(128) }, t2);
  assert.equal(r.status, 204, r.text);
  t2 = await tokenFor(T, 'admin', 'あ'.repeat(128));
  r = await call('POST', '/account/password', { current: 'あ'.repeat(128), new: ADMIN_PW }, t2);
  assert.equal(r.status, 204, r.text);
  for (const old of [initial, '現場の報告書です', 'あ'.repeat(128)]) assertError(await signIn(T, 'admin', old), 401, 'invalid_credentials');
  const s2 = await signIn(T, 'admin', ADMIN_PW);
  assert.equal(s2.status, 201, s2.text);
  assert.equal(s2.json.must_change_password, false);
  admin = s2.json.token;
  assert.equal((await call('GET', '/users')).status, 200);
});

test('a missing, unknown or ended token is 401 with WWW-Authenticate: Bearer', async () => {
  let r = await call('GET', '/me', undefined, null);
  assertError(r, 401, 'token_missing');
  assert.match(r.headers['www-authenticate'] || '', /^Bearer\b/);
  r = await call('GET', '/me', undefined, 'a'.repeat(64));
  assertError(r, 401, 'token_invalid');
  assert.match(r.headers['www-authenticate'] || '', /^Bearer\b/);
  const tok = await tokenFor(T, 'admin', ADMIN_PW);
  assert.equal((await call('GET', '/me', undefined, tok)).status, 200);
  r = await call('DELETE', '/sessions/current', undefined, tok);
  assert.equal(r.status, 204, r.text);
  assertError(await call('GET', '/me', undefined, tok), 401, 'token_invalid');
  assertError(await call('DELETE', '/sessions/current', undefined, tok), 401, 'token_invalid');
  assert.equal((await call('GET', '/me')).status, 200, 'other sessions of the user live on');
});

test('users: create, read, update; login unique and immutable; validation per field', async () => {
  const g = await call('POST', '/groups', { name: 'idn viewers', description: 'read users, use the API', permissions: ['users.view', 'api'] });
  assert.equal(g.status, 201, g.text);
  viewers = g.json;
  assert.ok(['string', 'number'].includes(typeof viewers.id), g.text);
  sato = await createUser({ login: 'sato.ichiro', name: '佐藤 一郎', email: 'sato@example.com', password: SATO_PW, lang: 'ja',
    valid_from: '2020-01-01', valid_until: '2099-12-31', groups: [viewers.id] });
  assert.equal(sato.login, 'sato.ichiro');
  assert.equal(sato.name, '佐藤 一郎');
  assert.equal(sato.email, 'sato@example.com');
  assert.equal(sato.lang, 'ja');
  assert.equal(sato.enabled, true);
  assert.equal(sato.valid_from, '2020-01-01');
  assert.equal(sato.valid_until, '2099-12-31');
  assert.deepEqual(sato.groups, [viewers.id]);
  let r = await call('GET', `/users/${sato.id}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, sato);
  r = await call('GET', '/users');
  assert.ok(r.json.users.some((u) => u.id === sato.id && u.login === 'sato.ichiro'));
  assert.doesNotMatch(r.text, /argon2|password_hash|Sato no pasuwado/);

  const upd = { name: '佐藤 一朗', email: 'ichiro@example.com', lang: 'en', valid_from: '2020-01-01', valid_until: '2099-12-31', enabled: true, groups: [viewers.id] };
  r = await call('PUT', `/users/${sato.id}`, upd);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, '佐藤 一朗');
  assert.equal(r.json.lang, 'en');
  assert.equal((await call('GET', `/users/${sato.id}`)).json.email, 'ichiro@example.com');
  r = await call('PUT', `/users/${sato.id}`, { ...upd, login: 'sato.other' });
  assert.equal(r.status, 422, r.text);
  assert.ok(r.json.error.code === 'login_immutable' || detailCodes(r).includes('login:login_immutable'), r.text);
  assert.equal((await call('GET', `/users/${sato.id}`)).json.login, 'sato.ichiro');
  assertError(await call('POST', '/users', { login: 'sato.ichiro', name: 'Dup', password: 'Another good one 9' }), 409, 'login_taken');

  r = await call('POST', '/users', { login: 'bad login!', name: '', email: 'not-an-email', password: '12345678', valid_from: '2024-02-30' });
  assertError(r, 422, 'validation_failed');
  for (const want of ['login:invalid_login', 'name:required', 'email:invalid_email', 'valid_from:invalid_date', 'password:password_common']) {
    assert.ok(detailCodes(r).includes(want), `want ${want}: ${r.text}`);
  }
  r = await call('POST', '/users', { login: 'date.order', name: 'Date Order', password: 'Dates in order 42', valid_from: '2024-05-01', valid_until: '2024-04-30' });
  assertError(r, 422, 'validation_failed');
  assert.ok(detailCodes(r).includes('valid_until:date_order'), r.text);
  const logins = (await call('GET', '/users')).json.users.map((u) => u.login);
  assert.ok(!logins.includes('date.order') && !logins.includes('bad login!'), 'nothing created on a validation error');
  assert.equal((await call('GET', '/users/999999')).status, 404);
  assert.equal((await call('PUT', '/users/999999', upd)).status, 404);
});

test('nested groups grant their permissions to members below; a missing permission is 403 forbidden', async () => {
  const suzuki = await createUser({ login: 'suzuki.hana', name: '鈴木 花', password: 'Suzuki hana pass 7' });
  assertError(await signIn(T, 'suzuki.hana', 'Suzuki hana pass 7'), 403, 'api_not_allowed');
  let r = await call('POST', '/groups', { name: 'idn parent', permissions: ['users.view', 'api'] });
  assert.equal(r.status, 201, r.text);
  const parent = r.json;
  r = await call('POST', '/groups', { name: 'idn child', parent_id: parent.id, description: 'below parent' });
  assert.equal(r.status, 201, r.text);
  const child = r.json;
  assert.equal(child.parent_id, parent.id);
  r = await call('PUT', `/groups/${child.id}/members`, { users: [suzuki.id] });
  assert.equal(r.status, 200, r.text);
  const tok = await tokenFor(T, 'suzuki.hana', 'Suzuki hana pass 7');
  const me = (await call('GET', '/me', undefined, tok)).json;
  assert.deepEqual([...me.permissions].sort(), ['api', 'users.view']);
  assert.equal((await call('GET', '/users', undefined, tok)).status, 200);
  assertError(await call('POST', '/users', { login: 'x.y', name: 'X', password: 'Long enough pw 1' }, tok), 403, 'forbidden');
  assertError(await call('GET', '/access-log', undefined, tok), 403, 'forbidden');
  assertError(await call('PUT', '/settings', { 'devices.auto_approve': true }, tok), 403, 'forbidden');

  const groups = (await call('GET', '/groups')).json.groups;
  const gp = groups.find((g) => g.id === parent.id), gc = groups.find((g) => g.id === child.id);
  assert.deepEqual(gc.members, [suzuki.id]);
  assert.equal(gc.description, 'below parent');
  assert.deepEqual(gp.permissions.map((p) => p.name).sort(), ['api', 'users.view']);
  // cycles are refused
  for (const [g, p] of [[parent, child.id], [child, child.id]]) {
    r = await call('PUT', `/groups/${g.id}`, { name: g.name, parent_id: p, description: '' });
    assert.equal(r.status, 422, r.text);
    assert.ok(r.json.error.code === 'group_cycle' || detailCodes(r).includes('parent_id:group_cycle'), r.text);
  }
  r = await call('PUT', `/groups/${parent.id}/permissions`, { permissions: ['users.view', 'fly.to.moon'] });
  assert.equal(r.status, 422, r.text);
  assert.ok(r.json.error.code === 'unknown_permission' || detailCodes(r).some((c) => c.endsWith(':unknown_permission')), r.text);
  r = await call('PUT', `/groups/${child.id}/permissions`, { permissions: [{ name: 'def.view', scope: '12' }, 'reports.view'] });
  assert.equal(r.status, 200, r.text);
  const after = (await call('GET', '/groups')).json.groups;
  assert.deepEqual(after.find((g) => g.id === parent.id).permissions.map((p) => p.name).sort(), ['api', 'users.view'], 'unchanged by the refused update');
  assert.ok(after.find((g) => g.id === child.id).permissions.some((p) => p.name === 'def.view' && p.scope === '12'));
  // leaving the group takes the permissions away at once
  assert.equal((await call('PUT', `/groups/${child.id}/members`, { users: [] })).status, 200);
  assertError(await call('GET', '/users', undefined, tok), 403, 'forbidden');
  assert.equal((await call('DELETE', `/groups/${child.id}`)).status, 204);
  assert.ok(!(await call('GET', '/groups')).json.groups.some((g) => g.id === child.id));
  assert.equal((await call('DELETE', `/groups/${child.id}`)).status, 404);
});

test('an admin reset forces a change at the next sign-in; a password equal to the login is refused', async () => {
  assert.equal((await signIn(T, 'sato.ichiro', SATO_PW)).json?.must_change_password, false);
  let r = await call('POST', `/users/${sato.id}/password`, { password: 'Reset by admin 4711' });
  assert.equal(r.status, 204, r.text);
  assertError(await signIn(T, 'sato.ichiro', SATO_PW), 401, 'invalid_credentials');
  const s = await signIn(T, 'sato.ichiro', 'Reset by admin 4711');
  assert.equal(s.status, 201, s.text);
  assert.equal(s.json.must_change_password, true);
  assert.equal((await call('GET', `/users/${sato.id}`)).json.must_change_password, true);
  const tok = s.json.token;
  assertError(await call('GET', '/users', undefined, tok), 403, 'password_change_required');
  assert.equal((await call('GET', '/me', undefined, tok)).status, 200);
  r = await call('POST', '/account/password', { current: 'Reset by admin 4711', new: 'sato.ichiro' }, tok);
  assertError(r, 422, 'validation_failed');
  assert.ok(detailCodes(r).some((c) => c.endsWith(':password_same_as_login')), r.text);
  r = await call('POST', '/account/password', { current: 'Reset by admin 4711', new: SATO_PW }, tok);
  assert.equal(r.status, 204, r.text);
  const s2 = await signIn(T, 'sato.ichiro', SATO_PW);
  assert.equal(s2.json?.must_change_password, false, s2.text);
  assert.equal((await call('GET', '/users', undefined, s2.json.token)).status, 200);
});

test("a user's sessions: listed without secrets, ended at once, and refused once expired", async () => {
  const a1 = freshAddr(), a2 = freshAddr();
  const t1 = await tokenFor(T, 'sato.ichiro', SATO_PW, { localAddress: a1 });
  const t2 = await tokenFor(T, 'sato.ichiro', SATO_PW, { localAddress: a2 });
  let r = await call('GET', `/users/${sato.id}/sessions`);
  assert.equal(r.status, 200, r.text);
  const addrs = r.json.sessions.map((x) => x.client_addr);
  assert.ok(addrs.includes(a1) && addrs.includes(a2), `client_addr is nginx's peer address: ${r.text}`);
  for (const x of r.json.sessions) {
    assert.equal(x.kind, 'script');
    for (const k of ['created_at', 'last_seen_at', 'expires_at']) assert.ok(!Number.isNaN(Date.parse(x[k])), `${k}: ${x[k]}`);
    assert.ok(!('token' in x) && !('token_hash' in x), JSON.stringify(x));
  }
  for (const t of [t1, t2]) {
    assert.ok(!r.text.includes(t), 'a token in the listing');
    assert.ok(!r.text.includes(createHash('sha256').update(t).digest('hex')), 'a token hash in the listing');
  }
  assert.equal((await call('DELETE', `/users/${sato.id}/sessions`)).status, 204);
  for (const t of [t1, t2]) assertError(await call('GET', '/me', undefined, t), 401, 'token_invalid');
  assert.deepEqual((await call('GET', `/users/${sato.id}/sessions`)).json.sessions, []);
  // a token past its expiry (moved into the past in the database) is refused
  const t3 = await tokenFor(T, 'sato.ichiro', SATO_PW);
  assert.equal((await call('GET', '/me', undefined, t3)).status, 200);
  const q = sql(`UPDATE ${tenantDb(T)}.sessions SET expires_at = '2001-01-01' WHERE user_id = ${Number(sato.id)}`);
  assert.equal(q.status, 0, q.stderr);
  assertError(await call('GET', '/me', undefined, t3), 401, 'token_invalid');
});

test('disabled users and users outside their dates are refused exactly like a wrong password', async () => {
  const tok = await tokenFor(T, 'sato.ichiro', SATO_PW);
  const cur = (await call('GET', `/users/${sato.id}`)).json;
  const body = (o) => ({ name: cur.name, email: cur.email, lang: cur.lang, valid_from: cur.valid_from, valid_until: cur.valid_until, groups: cur.groups, ...o });
  let r = await call('PUT', `/users/${sato.id}`, body({ enabled: false }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.enabled, false);
  assertError(await call('GET', '/me', undefined, tok), 401, 'token_invalid');
  await createUser({ login: 'ito.expired', name: '伊藤', password: 'Ito expired pw 1', valid_until: '2020-12-31', groups: [viewers.id] });
  await createUser({ login: 'kimura.future', name: '木村', password: 'Kimura future pw 1', valid_from: '2099-01-01', groups: [viewers.id] });
  const answers = [
    await signIn(T, 'sato.ichiro', SATO_PW), // disabled
    await signIn(T, 'ito.expired', 'Ito expired pw 1'),
    await signIn(T, 'kimura.future', 'Kimura future pw 1'),
    await signIn(T, 'suzuki.hana', 'wrong password 1'),
    await signIn(T, 'no.such.user', 'whatever pw 12'),
  ];
  for (const a of answers) assertError(a, 401, 'invalid_credentials');
  for (const a of answers.slice(1)) assert.deepEqual(withoutRequestId(a), withoutRequestId(answers[0]));
  r = await call('PUT', `/users/${sato.id}`, body({ enabled: true }));
  assert.equal(r.status, 200, r.text);
  assert.equal((await signIn(T, 'sato.ichiro', SATO_PW)).status, 201);
});

test('devices: new → pending; approved → signs in as a tablet; revoked → its tokens end at once', async () => {
  const tu = await createUser({ login: 'tablet.user', name: 'タブレット', password: 'Tablet user pw 1' });
  const dev = newDevice('iPad 3F 検査', 'ios');
  assertError(await signIn(T, 'tablet.user', 'Tablet user pw 1', { device: dev }), 403, 'device_pending');
  assertError(await signIn(T, 'tablet.user', 'Tablet user pw 1', { device: dev }), 403, 'device_pending');
  let r = await call('GET', '/devices?status=pending');
  assert.equal(r.status, 200, r.text);
  const mine = r.json.devices.filter((d) => d.id === dev.id);
  assert.equal(mine.length, 1, r.text);
  assert.equal(mine[0].name, 'iPad 3F 検査');
  assert.equal(mine[0].platform, 'ios');
  assert.equal(mine[0].status, 'pending');
  assert.ok(!Number.isNaN(Date.parse(mine[0].created_at)));
  assert.ok(!(await call('GET', '/devices?status=approved')).json.devices.some((d) => d.id === dev.id));
  r = await call('POST', `/devices/${dev.id}/approve`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, dev.id);
  assert.equal(r.json.status, 'approved');
  const s = await signIn(T, 'tablet.user', 'Tablet user pw 1', { device: dev });
  assert.equal(s.status, 201, s.text);
  assert.deepEqual(s.json.device, { id: dev.id, status: 'approved' });
  const me = (await call('GET', '/me', undefined, s.json.token)).json;
  assert.equal(me.kind, 'tablet');
  assert.equal(me.device_id, dev.id);
  assert.equal(me.user.id, tu.id);
  const t2 = await tokenFor(T, 'tablet.user', 'Tablet user pw 1', { device: dev });
  r = await call('POST', `/devices/${dev.id}/revoke`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'revoked');
  for (const t of [s.json.token, t2]) assertError(await call('GET', '/me', undefined, t), 401, 'token_invalid');
  assertError(await signIn(T, 'tablet.user', 'Tablet user pw 1', { device: dev }), 403, 'device_revoked');
  assert.ok((await call('GET', '/devices?status=revoked')).json.devices.some((d) => d.id === dev.id));
  for (const id of ['6f1c1f5e-0000-4000-8000-000000000000', 'not-a-uuid']) {
    assert.equal((await call('POST', `/devices/${id}/approve`)).status, 404, id);
    assert.equal((await call('POST', `/devices/${id}/revoke`)).status, 404, id);
  }
});

// The settings without the read-only "storage" member (20-attachments checks it).
const settingsOf = (r) => { const { storage, ...rest } = r.json; assert.equal(typeof storage?.used, 'number'); return rest; };

test('settings: devices.auto_approve approves new devices at once', async () => {
  let r = await call('GET', '/settings');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(settingsOf(r), { 'devices.auto_approve': false, time_zone: 'Asia/Tokyo' });
  r = await call('PUT', '/settings', { 'devices.auto_approve': true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(settingsOf(await call('GET', '/settings')), { 'devices.auto_approve': true, time_zone: 'Asia/Tokyo' });
  const d1 = newDevice('Auto 1', 'android');
  const s = await signIn(T, 'tablet.user', 'Tablet user pw 1', { device: d1 });
  assert.equal(s.status, 201, s.text);
  assert.equal(s.json.device.status, 'approved');
  assert.equal((await call('PUT', '/settings', { 'devices.auto_approve': false })).status, 200);
  assert.deepEqual(settingsOf(await call('GET', '/settings')), { 'devices.auto_approve': false, time_zone: 'Asia/Tokyo' });
  assertError(await signIn(T, 'tablet.user', 'Tablet user pw 1', { device: newDevice('Manual', 'ios') }), 403, 'device_pending');
});

// ---- CSV ----
const exportCsv = (kind) => api(T, 'GET', `/users/export?kind=${kind}`, { token: admin });
const importCsv = (kind, body, encoding = 'utf-8') => api(T, 'POST', `/users/import?kind=${kind}&encoding=${encoding}`,
  { token: admin, body, headers: { 'Content-Type': 'text/csv' } });
const cp932 = (s) => { const r = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'CP932'], { input: s }); assert.equal(r.status, 0, String(r.stderr)); return r.stdout; };
let enabledValue;

test('CSV export: UTF-8 with a BOM, the documented columns, never a password', async () => {
  const r = await exportCsv('users');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers['content-type'], /^text\/csv/);
  assert.ok(r.text.startsWith('\uFEFF'), 'BOM');
  const rows = parseCsv(r.text);
  assert.deepEqual(rows[0], ['login', 'name', 'email', 'lang', 'valid_from', 'valid_until', 'enabled', 'password']);
  const s = rows.find((x) => x[0] === 'sato.ichiro');
  assert.ok(s, r.text);
  assert.equal(s[1], '佐藤 一朗');
  assert.equal(s[7], '', 'no password in an export');
  assert.doesNotMatch(r.text, /argon2/);
  enabledValue = s[6];
  assert.equal(rows.find((x) => x[0] === 'ito.expired')?.[5], '2020-12-31');
  const g = parseCsv((await exportCsv('groups')).text);
  assert.deepEqual(g[0], ['name', 'parent', 'description', 'permissions']);
  assert.deepEqual(g.find((x) => x[0] === 'idn viewers')[3].split(' ').sort(), ['api', 'users.view']);
  const m = parseCsv((await exportCsv('memberships')).text);
  assert.deepEqual(m[0], ['group', 'login']);
  assert.ok(m.some((x) => x[0] === 'idn viewers' && x[1] === 'sato.ichiro'));
  // the export as it is imports again (empty passwords = unchanged)
  const back = await importCsv('users', r.text, 'auto');
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.imported, rows.length - 1);
  assert.equal((await signIn(T, 'sato.ichiro', SATO_PW)).status, 201, 'password unchanged');
});

test('CSV import of users: all rows or nothing, with line, field and code for each problem', async () => {
  const head = 'login,name,email,lang,valid_from,valid_until,enabled,password\n';
  const bad = `${head}csv.good,CSV 良い,good@example.com,ja,,,${enabledValue},Csv good pass 1\n`
    + `csv.baddate,CSV 日付,,ja,2024-13-45,,${enabledValue},Csv bad date 1\n`
    + `csv.nopw,CSV 無し,,en,,,${enabledValue},\n`;
  let r = await importCsv('users', bad);
  assertError(r, 422, 'import_failed');
  const d = r.json.error.details.map((x) => `${x.line}:${x.field}`);
  assert.ok(d.includes('3:valid_from'), r.text);
  assert.ok(d.includes('4:password'), r.text);
  for (const x of r.json.error.details) assert.equal(typeof x.code, 'string');
  const logins = (await call('GET', '/users')).json.users.map((u) => u.login);
  assert.ok(!logins.includes('csv.good'), 'nothing written when a row is bad');
  r = await importCsv('users', `${head}csv.user1,CSV 利用者,csv1@example.com,ja,,,${enabledValue},Csv user one pw\n`
    + `sato.ichiro,佐藤 一郎 (CSV),ichiro@example.com,ja,2020-01-01,2099-12-31,${enabledValue},\n`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { imported: 2 });
  const users = (await call('GET', '/users')).json.users;
  assert.equal(users.find((u) => u.login === 'csv.user1').name, 'CSV 利用者');
  assert.equal(users.find((u) => u.login === 'sato.ichiro').name, '佐藤 一郎 (CSV)');
  assert.equal((await signIn(T, 'sato.ichiro', SATO_PW)).status, 201, 'empty password leaves it unchanged');
  assertError(await signIn(T, 'csv.user1', 'Csv user one pw'), 403, 'api_not_allowed'); // right password, no api
});

test('CSV import from Shift_JIS (CP932, as Excel writes it), named or detected', async () => {
  const text = 'login,name,email,lang,valid_from,valid_until,enabled,password\r\n'
    + `sjis.user,髙橋 花子 ①,,ja,,,${enabledValue},Sjis user pw 01\r\n`;
  let r = await importCsv('users', cp932(text), 'shift_jis');
  assert.equal(r.status, 200, r.text);
  r = await importCsv('users', cp932(text.replace('sjis.user', 'sjis.auto')), 'auto');
  assert.equal(r.status, 200, r.text);
  const users = (await call('GET', '/users')).json.users;
  assert.equal(users.find((u) => u.login === 'sjis.user')?.name, '髙橋 花子 ①');
  assert.equal(users.find((u) => u.login === 'sjis.auto')?.name, '髙橋 花子 ①');
});

test('CSV import of groups and memberships, nested, with permissions; bad rows write nothing', async () => {
  let r = await importCsv('groups', 'name,parent,description,permissions\nCSV 親,,親グループ,users.view api\nCSV 子,CSV 親,子グループ,\nCSV 悪,,,users.view fly.to.moon\n');
  assertError(r, 422, 'import_failed');
  assert.ok(r.json.error.details.some((x) => x.line === 4 && x.field === 'permissions'), r.text);
  assert.ok(!(await call('GET', '/groups')).json.groups.some((g) => g.name === 'CSV 親'), 'nothing written');
  r = await importCsv('groups', 'name,parent,description,permissions\nCSV 親,,親グループ,users.view api\nCSV 子,CSV 親,子グループ,\n');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { imported: 2 });
  const groups = (await call('GET', '/groups')).json.groups;
  const p = groups.find((g) => g.name === 'CSV 親'), c = groups.find((g) => g.name === 'CSV 子');
  assert.equal(c.parent_id, p.id);
  assert.deepEqual(p.permissions.map((x) => x.name).sort(), ['api', 'users.view']);
  r = await importCsv('memberships', 'group,login\nCSV 子,csv.user1\nCSV 子,nobody.here\n');
  assertError(r, 422, 'import_failed');
  assert.ok(r.json.error.details.some((x) => x.line === 3 && x.field === 'login'), r.text);
  assertError(await signIn(T, 'csv.user1', 'Csv user one pw'), 403, 'api_not_allowed');
  r = await importCsv('memberships', 'group,login\nCSV 子,csv.user1\n');
  assert.equal(r.status, 200, r.text);
  const tok = await tokenFor(T, 'csv.user1', 'Csv user one pw'); // api, inherited from CSV 親
  r = await call('GET', '/me', undefined, tok);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([...r.json.permissions].sort(), ['api', 'users.view']);
  const m = parseCsv((await exportCsv('memberships')).text);
  assert.ok(m.some((x) => x[0] === 'CSV 子' && x[1] === 'csv.user1'));
  const g = parseCsv((await exportCsv('groups')).text);
  assert.ok(g.some((x) => x[0] === 'CSV 子' && x[1] === 'CSV 親' && x[2] === '子グループ'));
});
