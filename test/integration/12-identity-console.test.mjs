// The console's sign-in and sessions: the __Host- cookie, a new session id
// at every sign-in, redirects to the login page, CSRF on every POST,
// logout, idle and absolute limits (3 s and 8 s in the test configuration),
// language, and the administration pages.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, adminToken, ensureTenant, consoleLogin, consoleCookie, consoleGet, consolePost, csrfOf, inputs, cookieName,
  setCookies, redirectPath, sleep, loginForm, freshAddr, sessionCookie,
} from './lib.mjs';

const T = 'con-a';
const ADMIN_PW = 'Console admin pw 2';
let initial, admin, viewer;
const csrfFrom = async (cookie, p = '/account') => {
  const r = await consoleGet(T, p, cookie);
  assert.equal(r.status, 200, `${p}: ${r.status}`);
  const c = csrfOf(r.text);
  assert.match(c || '', /^\S{16,}$/, `no _csrf in the forms of ${p}`);
  return c;
};
const sessionCookieOf = (r) => sessionCookie(r, T);
const htmlLang = (r) => (r.text.match(/<html[^>]*\blang="([^"]+)"/) || [])[1];
const isLoginRedirect = (r, next) => {
  assert.equal(r.status, 303, `${r.status} ${r.text.slice(0, 200)}`);
  const u = new URL(r.headers.location, 'https://x.invalid');
  assert.equal(u.pathname, `/${T}/manager/login`, r.headers.location);
  if (next !== undefined) assert.equal(u.searchParams.get('next'), next);
};

before(() => { initial = ensureTenant(T, 'Console A'); });

test('the login page has the fields login, password and next', async () => {
  const r = await consoleGet(T, '/login?next=%2Fcon-a%2Fmanager%2Fusers');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/html/);
  const f = inputs(r.text);
  assert.ok(f.some((i) => i.name === 'login'));
  assert.ok(f.some((i) => i.name === 'password' && i.type === 'password'));
  assert.equal(f.find((i) => i.name === 'next')?.value, '/con-a/manager/users');
});

test('the sign-in form is protected like every other form: no token, a foreign token or a cross-site origin → 403', async () => {
  assert.ok(initial, `tenant ${T} existed already: run on a fresh stack`);
  const form = await loginForm(T);
  assert.match(form.csrf || '', /^[0-9a-f]{64}$/, 'the form carries a token');
  assert.match(form.cookie || '', new RegExp(`^__Host-genba-login-${T}=[0-9a-f]{64}$`), 'bound to a cookie of its own');
  const fields = { login: 'admin', password: initial };
  const refused = async (cookie, f, headers = {}) => {
    const r = await consolePost(T, '/login', cookie, f, { headers, localAddress: freshAddr() });
    assert.equal(r.status, 403, `${JSON.stringify(f)} ${JSON.stringify(headers)}: ${r.status}`);
    assert.equal(sessionCookieOf(r), undefined, 'no session');
  };
  // a forged form: no Origin, no Sec-Fetch-Site, no token (what the old front line let through)
  await refused(null, fields);
  await refused(form.cookie, fields);                                    // the cookie without the token
  await refused(null, { ...fields, _csrf: form.csrf });                 // the token without its cookie
  const other = await loginForm(T);
  await refused(other.cookie, { ...fields, _csrf: form.csrf });         // another browser's token
  await refused(form.cookie, { ...fields, _csrf: form.csrf }, { Origin: 'https://evil.example' });
  const ok = await consolePost(T, '/login', form.cookie, { ...fields, _csrf: form.csrf }, { localAddress: freshAddr() });
  assert.equal(ok.status, 303, 'the real form signs in');
});

test('the first admin signs in with a __Host- session cookie and is sent to change the password', async () => {
  assert.ok(initial, `tenant ${T} existed already: run on a fresh stack`);
  const r = await consoleLogin(T, 'admin', initial);
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.equal(redirectPath(r), `/${T}/manager/account?must_change=1`);
  const set = setCookies(r).find((c) => c.startsWith(`${cookieName(T)}=`));
  assert.match(set, new RegExp(`^${cookieName(T)}=[0-9a-f]{64};`));
  const attrs = set.split(';').slice(1).map((a) => a.trim().toLowerCase());
  assert.deepEqual(attrs.sort(), ['httponly', 'path=/', 'samesite=lax', 'secure']);
  const page = await consoleGet(T, '/account?must_change=1', r.cookie);
  assert.equal(page.status, 200);
  const names = inputs(page.text).map((i) => i.name);
  for (const n of ['current', 'new', 'confirm', '_csrf']) assert.ok(names.includes(n), `account page lacks ${n}`);
  const ch = await consolePost(T, '/account/password', r.cookie, { _csrf: csrfOf(page.text), current: initial, new: ADMIN_PW, confirm: ADMIN_PW });
  assert.ok(ch.status === 303 || ch.status === 200, `${ch.status} ${ch.text.slice(0, 300)}`);
  const again = await consoleLogin(T, 'admin', ADMIN_PW);
  assert.equal(again.status, 303);
  assert.equal(redirectPath(again), `/${T}/manager`);
  assert.equal((await consoleLogin(T, 'admin', initial)).status, 401, 'the one-time password is gone');
  admin = await adminToken(T, null, ADMIN_PW);
  const v = await api(T, 'POST', '/users', { token: admin, body: { login: 'con.viewer', name: '<script>alert(1)</script> 閲覧', password: 'Con viewer pw 1' } });
  assert.equal(v.status, 201, v.text);
  viewer = v.json;
});

test('a wrong password and an unknown login get the same 401 page', async () => {
  const a = await consoleLogin(T, 'con.viewer', 'wrong password 1');
  const b = await consoleLogin(T, 'zz.nobody', 'wrong password 1');
  for (const r of [a, b]) {
    assert.equal(r.status, 401);
    assert.equal(r.cookie, undefined);
  }
  const norm = (r, login) => r.text.replace(/[0-9a-f]{32}/g, 'ID').replaceAll(login, 'LOGIN');
  assert.equal(norm(a, 'con.viewer'), norm(b, 'zz.nobody'));
});

test('next is followed inside the tenant only', async () => {
  let r = await consoleLogin(T, 'admin', ADMIN_PW, { next: `/${T}/manager/users` });
  assert.equal(redirectPath(r), `/${T}/manager/users`);
  for (const evil of ['https://evil.example/x', '//evil.example/x', '/\\evil.example/x', 'javascript:alert(1)']) {
    r = await consoleLogin(T, 'admin', ADMIN_PW, { next: evil });
    assert.equal(r.status, 303);
    const p = redirectPath(r);
    assert.ok(p.startsWith(`/${T}/manager`) && !p.startsWith('//'), `${evil} → ${r.headers.location}`);
  }
});

test('every sign-in gets a new session id; a planted cookie is never adopted', async () => {
  const planted = `${cookieName(T)}=${'ab'.repeat(32)}`;
  const a = await consoleLogin(T, 'admin', ADMIN_PW, { headers: { Cookie: planted } });
  assert.ok(a.cookie);
  assert.notEqual(a.cookie, planted);
  isLoginRedirect(await consoleGet(T, '', planted));
  assert.equal((await consoleGet(T, '', a.cookie)).status, 200);
  // signing in again from a browser that has a session replaces its id too
  const b = await consoleLogin(T, 'admin', ADMIN_PW, { headers: { Cookie: a.cookie } });
  assert.ok(b.cookie);
  assert.notEqual(a.cookie, b.cookie);
  assert.equal((await consoleGet(T, '', b.cookie)).status, 200);
  const c = await consoleLogin(T, 'admin', ADMIN_PW);
  assert.ok(c.cookie && c.cookie !== b.cookie && c.cookie !== a.cookie);
});

const PAGES = ['', '/users', '/users/new', '/groups', '/devices', '/settings', '/log', '/log.csv', '/account'];

test('without a session pages redirect to the login with next, and POSTs are 401', async () => {
  for (const p of PAGES) isLoginRedirect(await consoleGet(T, p), `/${T}/manager${p}`);
  isLoginRedirect(await consoleGet(T, '/log?user=admin&result=ok'), `/${T}/manager/log?user=admin&result=ok`);
  for (const p of ['/logout', '/users/new', '/settings', '/account/password', '/account/language', `/users/${viewer.id}/password`]) {
    const r = await consolePost(T, p, null, { _csrf: 'x', lang: 'en' });
    assert.equal(r.status, 401, `POST ${p}: ${r.status}`);
  }
  isLoginRedirect(await consoleGet(T, '', `${cookieName(T)}=${'0'.repeat(64)}`));
});

test("every console POST needs the session's own _csrf: missing or another session's is 403", async () => {
  const c1 = await consoleCookie(T, 'con.viewer', 'Con viewer pw 1');
  const c2 = await consoleCookie(T, 'con.viewer', 'Con viewer pw 1');
  const [k1, k2] = [await csrfFrom(c1), await csrfFrom(c2)];
  assert.notEqual(k1, k2, 'the CSRF token belongs to the session');
  const ja = { headers: { 'Accept-Language': 'ja' } }, en = { headers: { 'Accept-Language': 'en' } };
  // no language of its own yet: Accept-Language decides
  assert.equal(htmlLang(await consoleGet(T, '', c1, ja)), 'ja');
  assert.equal(htmlLang(await consoleGet(T, '', c1, en)), 'en');
  let r = await consolePost(T, '/account/language', c1, { lang: 'en' });
  assert.equal(r.status, 403, 'no _csrf');
  r = await consolePost(T, '/account/language', c1, { lang: 'en', _csrf: k2 });
  assert.equal(r.status, 403, "another session's _csrf");
  r = await consolePost(T, '/account/language', c1, { lang: 'en', _csrf: '' });
  assert.equal(r.status, 403, 'empty _csrf');
  assert.equal(htmlLang(await consoleGet(T, '', c1, ja)), 'ja', 'nothing changed by refused POSTs');
  r = await consolePost(T, '/account/language', c1, { lang: 'en', _csrf: k1 });
  assert.ok(r.status === 303 || r.status === 200, `${r.status} ${r.text.slice(0, 200)}`);
  // the user's own language now wins over Accept-Language
  assert.equal(htmlLang(await consoleGet(T, '', c1, ja)), 'en');
  assert.equal((await api(T, 'GET', `/users/${viewer.id}`, { token: admin })).json.lang, 'en');
  r = await consolePost(T, '/account/language', c2, { lang: 'ja', _csrf: k2 });
  assert.ok(r.status === 303 || r.status === 200);
  assert.equal(htmlLang(await consoleGet(T, '', c2, en)), 'ja');
});

test('logout needs _csrf and ends the session on the server', async () => {
  const c = await consoleCookie(T, 'admin', ADMIN_PW);
  const k = await csrfFrom(c);
  assert.equal((await consolePost(T, '/logout', c, {})).status, 403);
  assert.equal((await consoleGet(T, '', c)).status, 200, 'still signed in after a refused logout');
  const r = await consolePost(T, '/logout', c, { _csrf: k });
  assert.equal(r.status, 303, r.text.slice(0, 200));
  isLoginRedirect(await consoleGet(T, '', c));
  assert.equal((await consolePost(T, '/account/language', c, { lang: 'ja', _csrf: k })).status, 401);
});

test('a console session ends after session_idle (3 s) unused', async () => {
  const c = await consoleCookie(T, 'admin', ADMIN_PW);
  assert.equal((await consoleGet(T, '', c)).status, 200);
  await sleep(1500);
  assert.equal((await consoleGet(T, '', c)).status, 200, 'used within the idle limit');
  await sleep(4000);
  isLoginRedirect(await consoleGet(T, '', c));
  isLoginRedirect(await consoleGet(T, '', c));
});

test('a console session ends session_absolute (8 s) after sign-in, however busy', async () => {
  const t0 = Date.now();
  const r = await consoleLogin(T, 'admin', ADMIN_PW);
  const t1 = Date.now();
  assert.ok(r.cookie);
  while (Date.now() - t0 < 7000) {
    assert.equal((await consoleGet(T, '', r.cookie)).status, 200, `at ${Date.now() - t0} ms`);
    await sleep(1000);
  }
  while (Date.now() - t1 < 8600) await sleep(200);
  isLoginRedirect(await consoleGet(T, '', r.cookie));
});

test('the administration pages answer an administrator and escape what users typed', async () => {
  const c = await consoleCookie(T, 'admin', ADMIN_PW);
  const g = await api(T, 'POST', '/groups', { token: admin, body: { name: 'con <b>group</b>' } });
  assert.equal(g.status, 201, g.text);
  for (const p of PAGES.filter((x) => x !== '/log.csv').concat([`/users/${viewer.id}`, `/groups/${g.json.id}`])) {
    const r = await consoleGet(T, p, c);
    assert.equal(r.status, 200, `${p}: ${r.status}`);
    assert.match(r.headers['content-type'], /^text\/html/, p);
  }
  const csv = await consoleGet(T, '/log.csv', c);
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'], /^text\/csv/);
  const users = await consoleGet(T, '/users', c);
  assert.match(users.text, /con\.viewer/);
  assert.doesNotMatch(users.text, /<script>alert/);
  assert.match(users.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt; 閲覧/);
  const groups = await consoleGet(T, '/groups', c);
  assert.match(groups.text, /con &lt;b&gt;group&lt;\/b&gt;/);
  assert.equal((await consoleGet(T, '/users/999999', c)).status, 404);
  assert.equal((await consoleGet(T, '/groups/999999', c)).status, 404);
});

test('creating a user in the console: errors re-render the form with 422 and keep the input', async () => {
  const c = await consoleCookie(T, 'admin', ADMIN_PW);
  const form = await consoleGet(T, '/users/new', c);
  assert.equal(form.status, 200);
  const names = inputs(form.text).map((i) => i.name);
  for (const n of ['login', 'name', 'password', '_csrf']) assert.ok(names.includes(n), `the form lacks ${n}`);
  const k = csrfOf(form.text);
  let r = await consolePost(T, '/users/new', c, { _csrf: k, login: 'bad login!', name: 'Keep <me> 保持', password: 'Console made pw 1' });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.match(r.text, /Keep &lt;me&gt; 保持/);
  assert.doesNotMatch(r.text, /Keep <me>/);
  assert.ok(!r.text.includes('Console made pw 1'), 'a password is never echoed back');
  r = await consolePost(T, '/users/new', c, { _csrf: k, login: 'con.created', name: 'コンソール 作成', password: 'Console made pw 1' });
  assert.ok(r.status === 303 || r.status === 200, `${r.status} ${r.text.slice(0, 300)}`);
  const list = (await api(T, 'GET', '/users', { token: admin })).json.users;
  assert.equal(list.find((u) => u.login === 'con.created')?.name, 'コンソール 作成');
  assert.ok(!list.some((u) => u.login === 'bad login!'));
});

test('a user without users.view is refused the users page with 403', async () => {
  const c = await consoleCookie(T, 'con.viewer', 'Con viewer pw 1');
  assert.equal((await consoleGet(T, '', c)).status, 200);
  for (const p of ['/users', '/groups', '/devices', '/settings', '/log']) assert.equal((await consoleGet(T, p, c)).status, 403, p);
  const k = await csrfFrom(c);
  assert.equal((await consolePost(T, '/users/new', c, { _csrf: k, login: 'viewer.made', name: 'x', password: 'Viewer made pw 1' })).status, 403);
});
