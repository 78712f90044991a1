// Tenants never share identity: a token or console session of tenant A is
// nothing in tenant B (401, or 404; never 200 or 403 with B's data), ids of
// A's users, groups and devices are unknown (404) under B, and A's sign-ins
// leave no trace in B's access log.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, signIn, adminToken, ensureTenant, consoleCookie, consoleGet, consolePost, csrfOf, cookieName, newDevice,
} from './lib.mjs';

const A = 'sep-a', B = 'sep-b';
// (B's display name is no secret: B's own sign-in page shows it to anyone)
const B_MARKERS = ['B Secret Person', 'b.only', 'B Secret Group'];
let aTok, bTok, aCookie, aCsrf, bCookie, bUser, bGroup, bDev, aUsers = [], aGroup, aDev;

async function mk(t, tok, p, body) {
  const r = await api(t, 'POST', p, { token: tok, body });
  assert.equal(r.status, 201, `${t} POST ${p}: ${r.text}`);
  return r.json;
}
const HIJACK = { name: 'Hijacked', email: 'h@example.com', lang: 'ja', valid_from: '2020-01-01', valid_until: '2099-12-31', enabled: false, groups: [] };
const noMarkers = (r, what) => { for (const m of B_MARKERS) assert.ok(!r.text.includes(m), `${what} shows B's data (${m}): ${r.text.slice(0, 300)}`); };

before(async () => {
  aTok = await adminToken(A, ensureTenant(A, 'Separate A'), 'Separate A admin pw');
  bTok = await adminToken(B, ensureTenant(B, 'Separate B'), 'Separate B admin pw');
  // B: one of each
  bGroup = await mk(B, bTok, '/groups', { name: 'B Secret Group', permissions: ['users.view'] });
  bUser = await mk(B, bTok, '/users', { login: 'b.only', name: 'B Secret Person', password: 'B only password 1', groups: [bGroup.id] });
  bDev = newDevice('B tablet', 'ios');
  assert.equal((await signIn(B, 'b.only', 'B only password 1', { device: bDev })).json?.error?.code, 'device_pending');
  // A: more users and groups than B has, so that some of A's ids do not exist in B
  for (let i = 0; i < 3; i++) await mk(A, aTok, '/groups', { name: `A group ${i}`, permissions: ['api'] });
  aGroup = await mk(A, aTok, '/groups', { name: 'A api group', permissions: ['api', 'users.view'] });
  for (let i = 1; i <= 5; i++) aUsers.push(await mk(A, aTok, '/users', { login: `a.user${i}`, name: `A person ${i}`, password: `A user ${i} password`, groups: [aGroup.id] }));
  aDev = newDevice('A tablet', 'android');
  assert.equal((await signIn(A, 'a.user1', 'A user 1 password', { device: aDev })).json?.error?.code, 'device_pending');
  aCookie = await consoleCookie(A, 'admin', 'Separate A admin pw');
  aCsrf = csrfOf((await consoleGet(A, '/account', aCookie)).text);
  assert.ok(aCsrf, 'a _csrf on the account page');
  bCookie = await consoleCookie(B, 'admin', 'Separate B admin pw');
});

test("a token from tenant A is 401 on every API route of tenant B, and changes nothing there", async () => {
  const csv = 'login,name,email,lang,valid_from,valid_until,enabled,password\nfrom.a,From A,,ja,,,1,From A password 1\n';
  const routes = [
    ['GET', '/me'], ['DELETE', '/sessions/current'], ['POST', '/account/password', { current: 'x', new: 'Whatever pw 123' }],
    ['GET', '/users'], ['POST', '/users', { login: 'from.a', name: 'From A', password: 'From A password 1' }],
    ['GET', '/users/export?kind=users'], ['POST', '/users/import?kind=users&encoding=utf-8', csv],
    ['GET', `/users/${bUser.id}`], ['PUT', `/users/${bUser.id}`, HIJACK],
    ['POST', `/users/${bUser.id}/password`, { password: 'Hijacked password 1' }],
    ['GET', `/users/${bUser.id}/sessions`], ['DELETE', `/users/${bUser.id}/sessions`],
    ['GET', '/groups'], ['POST', '/groups', { name: 'From A group' }], ['GET', `/groups/${bGroup.id}`],
    ['PUT', `/groups/${bGroup.id}`, { name: 'Hijacked', parent_id: null, description: '' }],
    ['PUT', `/groups/${bGroup.id}/members`, { users: [] }], ['PUT', `/groups/${bGroup.id}/permissions`, { permissions: ['admin'] }],
    ['DELETE', `/groups/${bGroup.id}`],
    ['GET', '/devices?status=pending'], ['POST', `/devices/${bDev.id}/approve`], ['POST', `/devices/${bDev.id}/revoke`],
    ['GET', '/settings'], ['PUT', '/settings', { 'devices.auto_approve': true }], ['GET', '/access-log'],
  ];
  for (const [method, p, body] of routes) {
    const headers = typeof body === 'string' ? { 'Content-Type': 'text/csv' } : {};
    const r = await api(B, method, p, { token: aTok, body, headers });
    assert.ok(r.status === 401 || r.status === 404, `${method} ${p} with A's token: ${r.status} ${r.text.slice(0, 200)}`);
    noMarkers(r, `${method} ${p}`);
  }
  // B is as it was, and A's token still works in A
  const u = await api(B, 'GET', `/users/${bUser.id}`, { token: bTok });
  assert.equal(u.status, 200, 'B admin token alive');
  assert.equal(u.json.name, 'B Secret Person');
  assert.equal(u.json.enabled, true);
  const g = (await api(B, 'GET', '/groups', { token: bTok })).json.groups.find((x) => x.id === bGroup.id);
  assert.equal(g?.name, 'B Secret Group');
  assert.deepEqual(g.permissions.map((x) => x.name), ['users.view']);
  assert.deepEqual(g.members, [bUser.id]);
  assert.ok((await api(B, 'GET', '/devices?status=pending', { token: bTok })).json.devices.some((d) => d.id === bDev.id));
  const { storage, ...settingsB } = (await api(B, 'GET', '/settings', { token: bTok })).json;
  assert.deepEqual(settingsB, { 'devices.auto_approve': false, time_zone: 'Asia/Tokyo' });
  assert.equal(typeof storage.used, 'number');
  assert.ok(!(await api(B, 'GET', '/users', { token: bTok })).json.users.some((x) => x.login === 'from.a'));
  assert.ok(!(await api(B, 'GET', '/groups', { token: bTok })).json.groups.some((x) => x.name === 'From A group'));
  assert.equal((await api(B, 'GET', '/me', { token: bTok })).status, 200);
  assert.equal((await signIn(B, 'b.only', 'B only password 1', { device: bDev })).json?.error?.code, 'device_pending');
  assert.equal((await api(A, 'GET', '/me', { token: aTok })).status, 200);
});

test("a console session from tenant A is no session in tenant B, under either cookie name", async () => {
  const value = aCookie.split('=')[1];
  const jars = [aCookie, `${cookieName(B)}=${value}`, `${aCookie}; ${cookieName(B)}=${value}`];
  const pages = ['', '/users', '/users/new', `/users/${bUser.id}`, '/groups', `/groups/${bGroup.id}`, '/devices', '/settings',
    '/log', '/log.csv', '/account', '/users/export.csv'];
  const posts = ['/logout', '/users/new', '/settings', `/users/${bUser.id}/password`, `/users/${bUser.id}/sessions/end`, '/groups',
    `/groups/${bGroup.id}`, `/groups/${bGroup.id}/delete`, `/devices/${bDev.id}/approve`, `/devices/${bDev.id}/revoke`,
    '/account/password', '/account/language'];
  for (const jar of jars) {
    for (const p of pages) {
      const r = await consoleGet(B, p, jar);
      // without a session of its own B sends the browser to B's login page
      const toLogin = r.status === 303 && new URL(r.headers.location, 'https://x.invalid').pathname === `/${B}/manager/login`;
      assert.ok(toLogin || r.status === 401 || r.status === 404, `GET ${p} with [${jar.slice(0, 40)}…]: ${r.status} ${r.headers.location || ''}`);
      noMarkers(r, `GET ${p}`);
    }
    for (const p of posts) {
      const r = await consolePost(B, p, jar, { _csrf: aCsrf, name: 'Hijacked', login: 'from.a', password: 'From A password 1', lang: 'en', users: '' });
      assert.ok(r.status === 401 || r.status === 404, `POST ${p} with [${jar.slice(0, 40)}…]: ${r.status}`);
      noMarkers(r, `POST ${p}`);
    }
  }
  const u = await api(B, 'GET', `/users/${bUser.id}`, { token: bTok });
  assert.equal(u.json.name, 'B Secret Person');
  assert.ok((await api(B, 'GET', '/devices?status=pending', { token: bTok })).json.devices.some((d) => d.id === bDev.id));
  assert.equal((await consoleGet(A, '', aCookie)).status, 200, "A's session is still good in A");
});

test("ids of A's users, groups and devices are 404 under B", async () => {
  const bUserIds = (await api(B, 'GET', '/users', { token: bTok })).json.users.map((u) => u.id);
  const bGroupIds = (await api(B, 'GET', '/groups', { token: bTok })).json.groups.map((g) => g.id);
  const au = aUsers.filter((u) => !bUserIds.includes(u.id)).at(-1);
  assert.ok(au, 'A has a user id B does not have');
  assert.ok(!bGroupIds.includes(aGroup.id), 'A has a group id B does not have');
  const call = (method, p, body) => api(B, method, p, { token: bTok, body });
  const cases = [
    ['GET', `/users/${au.id}`], ['PUT', `/users/${au.id}`, HIJACK],
    ['POST', `/users/${au.id}/password`, { password: 'Hijacked password 1' }],
    ['GET', `/users/${au.id}/sessions`], ['DELETE', `/users/${au.id}/sessions`],
    ['PUT', `/groups/${aGroup.id}`, { name: 'Hijacked', parent_id: null, description: '' }],
    ['PUT', `/groups/${aGroup.id}/members`, { users: [] }], ['PUT', `/groups/${aGroup.id}/permissions`, { permissions: ['admin'] }],
    ['DELETE', `/groups/${aGroup.id}`],
    ['POST', `/devices/${aDev.id}/approve`], ['POST', `/devices/${aDev.id}/revoke`],
  ];
  for (const [method, p, body] of cases) {
    const r = await call(method, p, body);
    assert.equal(r.status, 404, `${method} ${p} under B: ${r.status} ${r.text.slice(0, 200)}`);
    assert.ok(!r.text.includes('A person') && !r.text.includes('A api group'), r.text);
  }
  const k = csrfOf((await consoleGet(B, '/account', bCookie)).text);
  assert.equal((await consoleGet(B, `/users/${au.id}`, bCookie)).status, 404);
  assert.equal((await consoleGet(B, `/groups/${aGroup.id}`, bCookie)).status, 404);
  for (const p of [`/devices/${aDev.id}/approve`, `/devices/${aDev.id}/revoke`, `/groups/${aGroup.id}/delete`, `/users/${au.id}/password`]) {
    assert.equal((await consolePost(B, p, bCookie, { _csrf: k, password: 'Hijacked password 1' })).status, 404, `console POST ${p} under B`);
  }
  // B's lists never show A's objects, and A's objects are untouched
  assert.ok(!(await api(B, 'GET', '/devices?status=pending', { token: bTok })).json.devices.some((d) => d.id === aDev.id));
  assert.ok(!(await api(B, 'GET', '/users', { token: bTok })).json.users.some((u) => u.login.startsWith('a.user')));
  assert.ok((await api(A, 'GET', '/devices?status=pending', { token: aTok })).json.devices.some((d) => d.id === aDev.id));
  const same = await api(A, 'GET', `/users/${au.id}`, { token: aTok });
  assert.equal(same.json.name, au.name);
  assert.equal(same.json.enabled, true);
  const ag = (await api(A, 'GET', '/groups', { token: aTok })).json.groups.find((g) => g.id === aGroup.id);
  assert.equal(ag?.name, 'A api group');
  assert.equal((await signIn(A, au.login, `A user ${aUsers.indexOf(au) + 1} password`)).status, 201);
});

test("A's credentials do not open B, and B's access log shows nothing of A", async () => {
  for (const [login, pw] of [['a.user1', 'A user 1 password'], ['admin', 'Separate A admin pw']]) {
    const r = await signIn(B, login, pw);
    assert.equal(r.status, 401, `${login} at B: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_credentials');
  }
  const log = await api(B, 'GET', '/access-log?limit=500', { token: bTok });
  assert.equal(log.status, 200, log.text);
  assert.ok(log.json.entries.length > 0);
  const aLogins = (await api(A, 'GET', '/users', { token: aTok })).json.users.map((u) => u.login).filter((l) => l !== 'admin');
  for (const e of log.json.entries) {
    assert.ok(!aLogins.includes(e.login) || e.action === 'login', `B's log has A's user: ${JSON.stringify(e)}`);
    assert.notEqual(e.device_id, aDev.id);
  }
  // the only trace of a.user1 in B is B's own record of the failed attempt above
  assert.ok(log.json.entries.some((e) => e.login === 'a.user1' && e.action === 'login' && e.result === 'failed'));
  assert.ok(!log.text.includes('A person') && !log.text.includes('A api group'));
  const aLog = await api(A, 'GET', '/access-log?limit=500', { token: aTok });
  assert.ok(!aLog.text.includes('b.only') && !aLog.text.includes(bDev.id), "A's log shows nothing of B");
});
