// genba browser tests: identity in the console, as an administrator would use it.
//
// One browser, one fresh tenant, one story told in order: the first
// administrator signs in with the one-time password and must choose a new
// one; creates a user and a group (with a permission and the user as
// member); a tablet of that user asks to sign in, waits for approval, is
// approved on the Devices page and then signs in; the access log shows all
// this (and gives it as CSV); the administrator switches the console to
// Japanese and back, and signs out.
//
// Needs a running stack: GENBA_STACK_ENV=DIR/stack.env (test/stack up DIR).
// Run with test/browser/run. Screenshots land in test/browser/screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import {
  stackEnv, createTenant, stackRequest, openBrowser, unexpectedProblems, noProblems, screenshot,
  fontsUsed, familiesCovering,
} from './lib.mjs';

// A tenant of our own, new at every run (a stack may be reused).
const TENANT = `brw-id-${Date.now().toString(36)}`;
const TENANT_NAME = '現場テスト工業';
const ADMIN_PW = 'Kawasaki-line-7';
const USER = { login: 'tanaka.k', name: '田中 健', email: 'tanaka@example.com', password: 'Tablet-pass-42' };
const GROUP = { name: '3F 検査班', description: 'Inspectors on the third floor' };
const DEVICE = { id: randomUUID(), name: 'iPad 3F', platform: 'ios' };
const T = { timeout: 120_000 };

let env, base, admin, b;
// What the story learns on the way (ids from the URLs the console sends us to).
const state = { userId: null, groupId: null };

before(async () => {
  env = stackEnv();
  base = `${env.GENBA_URL}/${TENANT}/manager`;
  admin = createTenant(TENANT, TENANT_NAME, `ops@${TENANT}.example`).admin;
  assert.equal(admin.login, 'admin');
  assert.ok(admin.password && admin.password.length >= 8, 'genbactl --json gives the one-time password');
  b = await openBrowser({ locale: 'en-US' });
  b.page.setDefaultTimeout(15_000);
});

after(async () => {
  if (b) await b.close();
});

// ---------------------------------------------------------------- helpers

/** One step of the story: skipped once an earlier step has failed (it would only fail again, slowly). */
let broken = null;
function step(name, fn) {
  test(name, T, async (t) => {
    if (broken) return t.skip(`step ${broken} failed`);
    try {
      await fn(t);
    } catch (e) {
      broken = name.split('.')[0];
      await screenshot(b.page, `identity-FAILED-step-${broken}`).catch(() => {});
      throw e;
    }
  });
}

/** Runs action (a click that submits or follows a link) and waits for the page it leads to; returns its response. */
async function navigate(action) {
  const [response] = await Promise.all([b.page.waitForNavigation({ waitUntil: 'load' }), action()]);
  assert.ok(response, 'no response for the navigation');
  return response;
}
const click = (selector) => navigate(() => b.page.locator(selector).click());
const path = () => new URL(b.page.url()).pathname;
const query = (k) => new URL(b.page.url()).searchParams.get(k);
const text = async (selector) => (await b.page.locator(selector).first().textContent()).trim();

/** No console errors, page errors, CSP violations or failed requests since the last check; then starts afresh. */
function assertNoProblems(opts) {
  const p = unexpectedProblems(b.problems, opts);
  for (const k of Object.keys(b.problems)) b.problems[k].length = 0;
  assert.ok(noProblems(p), `console errors, CSP violations or failed requests:\n${JSON.stringify(p, null, 2)}`);
}

/** The notice ("The user was created." and the like) the console shows after a change. */
async function assertNotice(re) {
  const n = b.page.locator('main .notice[role=status]');
  assert.equal(await n.count(), 1, `no notice on ${b.page.url()}`);
  assert.match((await n.textContent()).trim(), re);
}

/** A page of the console: 200, styled, our title suffix, no error box. */
async function assertPage(response, { h1, lang = 'en' } = {}) {
  assert.equal(response.status(), 200, `${response.url()} answered ${response.status()}`);
  assert.equal(await b.page.getAttribute('html', 'lang'), lang);
  const alerts = b.page.locator('main .alert:not(#must-change)');
  assert.equal(await alerts.count(), 0, `an error box on ${b.page.url()}: ${await alerts.allTextContents()}`);
  if (h1) assert.match(await text('main h1'), h1);
  const styled = await b.page.evaluate(() => getComputedStyle(document.querySelector('header.top')).display === 'flex');
  assert.ok(styled, 'genba.css does not apply');
}

/** The API sign-in of the tablet (POST /<tenant>/api/v1/sessions from Node). */
function tabletSignIn() {
  return stackRequest('POST', `/${TENANT}/api/v1/sessions`, {
    body: { user: USER.login, password: USER.password, device: DEVICE },
  });
}

/** The cells' texts of the rows of a table (tbody). */
function rowsOf(selector) {
  return b.page.locator(`${selector} tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.innerText.replace(/\s+/g, ' ').trim())));
}

/** Every glyph of the element's text was drawn with a font that has it (no boxes). */
async function assertGlyphs(selector) {
  const t = await text(selector);
  const covering = familiesCovering(t);
  assert.ok(covering.size > 0, `no installed font has the characters of ${selector} (${t})`);
  for (const f of (await fontsUsed(b.page, selector)).filter((x) => x.glyphCount > 0))
    assert.ok(covering.has(f.familyName), `${selector} (${t}) drawn partly with ${f.familyName}, which lacks its glyphs`);
}

/** Sets the access-log filter form (action, result) and applies it; returns the rows shown. */
async function filterLog({ action = '', result = '' }) {
  await b.page.fill('#log-filter input[name=action]', action);
  await b.page.selectOption('#log-filter select[name=result]', result);
  const r = await click('#apply-filter');
  await assertPage(r, { h1: /Access log/ });
  assert.equal(path(), `/${TENANT}/manager/log`);
  assert.equal(query('action'), action || '');
  assert.equal(query('result'), result || '');
  // the form shows the filter it applied
  assert.equal(await b.page.inputValue('#log-filter input[name=action]'), action);
  assert.equal(await b.page.inputValue('#log-filter select[name=result]'), result);
  return rowsOf('#log');
}
// columns of #log: time, user, via, action, object, result, address, detail
const LOG = { at: 0, user: 1, via: 2, action: 3, object: 4, result: 5, addr: 6, detail: 7 };

// ---------------------------------------------------------------- the story

step('1. the first administrator signs in with the one-time password and must choose a new one', async () => {
  const { page } = b;
  let r = await page.goto(`${base}/`, { waitUntil: 'load' });
  assert.equal(path(), `/${TENANT}/manager/login`, 'a visitor is sent to the sign-in page');
  await assertPage(r, { h1: /Sign in to the console/ });
  assert.equal(await text('header.top .tenant'), TENANT_NAME);

  // a mistyped password first: the same page again, with the error, login kept
  await page.fill('#login', 'admin');
  await page.fill('#password', 'not-the-password-1');
  r = await click('#signin');
  assert.equal(r.status(), 401);
  assert.match(await text('#login-error'), /login id or the password is not right/);
  assert.equal(await page.inputValue('#login'), 'admin');
  assert.equal(await page.inputValue('#password'), '', 'a password is never echoed back');
  await screenshot(page, 'identity-login-failed');
  assertNoProblems({ documentUrl: `${base}/login`, documentStatus: 401 });

  await page.fill('#password', admin.password);
  r = await click('#signin');
  assert.equal(path(), `/${TENANT}/manager/account`, 'sent to My account');
  assert.equal(query('must_change'), '1');
  await assertPage(r, { h1: /My account/ });
  assert.match(await text('#must-change'), /choose your own password/);
  assert.equal(await page.locator('nav.main').count(), 0, 'no menu before the password is changed');
  assert.equal(await text('#nav-account'), await text('.facts dd:nth-of-type(2)'), 'the header names the user');
  const cookies = await b.context.cookies(env.GENBA_URL);
  const session = cookies.find((c) => c.name === `__Host-genba-${TENANT}`);
  assert.ok(session, `a __Host- session cookie: ${JSON.stringify(cookies.map((c) => c.name))}`);
  assert.ok(session.secure && session.httpOnly && session.path === '/', JSON.stringify(session));
  await screenshot(page, 'identity-account-must-change');

  // any other page sends the administrator back here
  r = await page.goto(`${base}/users`, { waitUntil: 'load' });
  assert.equal(path(), `/${TENANT}/manager/account`);
  assert.equal(query('must_change'), '1');

  // a common password is refused, with the reason beside the field
  await page.fill('#current', admin.password);
  await page.fill('#new', 'password123');
  await page.fill('#confirm', 'password123');
  r = await click('#change-password');
  assert.equal(r.status(), 422);
  assert.equal(await page.locator('#err-new').count(), 1, 'the error is shown beside the new password');
  await screenshot(page, 'identity-account-weak-password');
  assertNoProblems({ documentUrl: `${base}/account/password`, documentStatus: 422 });

  await page.fill('#current', admin.password);
  await page.fill('#new', ADMIN_PW);
  await page.fill('#confirm', ADMIN_PW);
  r = await click('#change-password');
  assert.equal(path(), `/${TENANT}/manager/account`);
  await assertPage(r, { h1: /My account/ });
  await assertNotice(/password was changed/);
  assert.equal(await page.locator('#must-change').count(), 0);
  assert.equal(await page.locator('nav.main').count(), 1, 'the menu is there now');
  for (const id of ['#nav-users', '#nav-groups', '#nav-devices', '#nav-log', '#nav-settings'])
    assert.equal(await page.locator(id).count(), 1, `the administrator's menu has ${id}`);

  // pages open normally now
  r = await click('nav.main a[href$="/manager"]');
  await assertPage(r, { h1: /Welcome/ });
  assert.equal(await text('#tenant-name'), TENANT_NAME);
  await screenshot(page, 'identity-home');
  assertNoProblems();

  // the one-time password is gone: the API refuses it, takes the new one
  const old = await stackRequest('POST', `/${TENANT}/api/v1/sessions`, { body: { user: 'admin', password: admin.password } });
  assert.equal(old.status, 401, old.text);
});

step('2. the administrator creates a user, who is in the users list', async () => {
  const { page } = b;
  assert.ok(page.url().startsWith(base), 'signed in (test 1 passed)');
  let r = await click('#nav-users');
  await assertPage(r, { h1: /^Users$/ });
  r = await click('#new-user');
  await assertPage(r, { h1: /New user/ });
  assert.equal(path(), `/${TENANT}/manager/users/new`);
  await page.fill('#f-login', USER.login);
  await page.fill('#f-name', USER.name);
  await page.fill('#f-email', USER.email);
  await page.fill('#f-password', USER.password);
  assert.ok(await page.isChecked('#f-enabled'), 'a new user is enabled unless unticked');
  await screenshot(page, 'identity-user-new');
  r = await click('#save-user');
  await assertPage(r, { h1: new RegExp(`User: ${USER.login.replace('.', '\\.')}`) });
  const m = new RegExp(`^/${TENANT}/manager/users/(\\d+)$`).exec(path());
  assert.ok(m, `sent to the new user's page: ${page.url()}`);
  state.userId = m[1];
  await assertNotice(/user was created/);
  assert.equal(await page.inputValue('#f-name'), USER.name);
  assert.equal(await page.inputValue('#f-email'), USER.email);
  assert.ok(await page.isDisabled('#f-login'), 'a login id cannot be changed');

  r = await click('#nav-users');
  await assertPage(r, { h1: /^Users$/ });
  const rows = await rowsOf('#users');
  const row = rows.find((c) => c[0] === USER.login);
  assert.ok(row, `${USER.login} in the list: ${JSON.stringify(rows)}`);
  assert.equal(row[1], USER.name);
  assert.equal(row[2], USER.email);
  assert.match(row[4], /Enabled/);
  assert.doesNotMatch(row[4], /Must change/, 'a user the administrator created with a password need not change it');
  assert.ok(rows.some((c) => c[0] === 'admin'), 'the administrator is listed too');
  assert.equal(await page.getAttribute(`#users a:text-is("${USER.login}")`, 'href'), `/${TENANT}/manager/users/${state.userId}`);
  await assertGlyphs(`#users tbody tr:nth-child(${rows.indexOf(row) + 1}) td:nth-child(2)`);
  await screenshot(page, 'identity-users');
  assertNoProblems();
});

step('3. the administrator creates a group with a permission and the user as member', async () => {
  const { page } = b;
  assert.ok(state.userId, 'the user exists (test 2 passed)');
  let r = await click('#nav-groups');
  await assertPage(r, { h1: /^Groups$/ });
  await page.fill('#group-new #g-name', GROUP.name);
  await page.fill('#group-new #g-desc', GROUP.description);
  r = await click('#create-group');
  const m = new RegExp(`^/${TENANT}/manager/groups/(\\d+)$`).exec(path());
  assert.ok(m, `sent to the new group's page: ${page.url()}`);
  state.groupId = m[1];
  await assertPage(r, { h1: new RegExp(`Group: ${GROUP.name}`) });
  await assertNotice(/group was created/);
  assert.equal(await page.inputValue('#g-desc'), GROUP.description);

  const perm = page.locator('#g-perms input[name=perm][value="users.view"]');
  const member = page.locator(`#g-members input[name=member][value="${state.userId}"]`);
  assert.equal(await perm.count(), 1, 'users.view is among the permissions');
  assert.equal(await member.count(), 1, 'the user is among the possible members');
  assert.equal(await page.locator('#g-perms input:checked').count(), 0, 'a new group holds no permission');
  await perm.check();
  await member.check();
  r = await click('#save-group');
  await assertPage(r, { h1: new RegExp(`Group: ${GROUP.name}`) });
  assert.equal(path(), `/${TENANT}/manager/groups/${state.groupId}`);
  await assertNotice(/group was saved/);
  assert.ok(await perm.isChecked(), 'users.view is held after saving');
  assert.ok(await member.isChecked(), 'the user is a member after saving');
  assert.deepEqual(await page.locator('#g-perms input:checked').evaluateAll((l) => l.map((i) => i.value)), ['users.view']);
  await screenshot(page, 'identity-group');

  // the groups list counts the member and names the permission
  r = await click('#nav-groups');
  await assertPage(r, { h1: /^Groups$/ });
  const row = (await rowsOf('#groups')).find((c) => c[0] === GROUP.name);
  assert.ok(row, `${GROUP.name} in the list`);
  assert.equal(row[2], '1');
  assert.equal(row[3], 'users.view');
  await screenshot(page, 'identity-groups');

  // and the user's page shows the group ticked
  r = await click('#nav-users');
  r = await click(`#users a:text-is("${USER.login}")`);
  await assertPage(r, { h1: /User: / });
  assert.equal(path(), `/${TENANT}/manager/users/${state.userId}`);
  const g = page.locator(`#f-groups input[name=groups][value="${state.groupId}"]`);
  assert.equal(await g.count(), 1);
  assert.ok(await g.isChecked(), 'the user page shows the group ticked');
  assert.match(await page.locator(`#f-groups label.check:has(input[value="${state.groupId}"])`).textContent(), new RegExp(GROUP.name));
  await screenshot(page, 'identity-user');
  assertNoProblems();
});

step('4. a tablet waits for approval, the administrator approves it, the tablet signs in', async () => {
  const { page } = b;
  assert.ok(state.userId, 'the user exists (test 2 passed)');
  const first = await tabletSignIn();
  assert.equal(first.status, 403, first.text);
  assert.equal(first.json?.error?.code, 'device_pending', first.text);
  assert.equal(first.json.error.request_id, first.headers['x-request-id']);
  assert.equal(first.json.token, undefined, 'no token for a pending device');

  let r = await click('#nav-devices');
  await assertPage(r, { h1: /^Devices$/ });
  const row = page.locator(`#devices tr[data-device="${DEVICE.id}"]`);
  assert.equal(await row.count(), 1, `the device ${DEVICE.id} is listed`);
  const cells = (await rowsOf('#devices')).find((c) => c[0].includes(DEVICE.id));
  assert.match(cells[0], new RegExp(`^${DEVICE.name} ${DEVICE.id}$`));
  assert.equal(cells[1], DEVICE.platform);
  assert.equal(cells[2], 'Waiting');
  assert.equal(await row.locator('.badge.pending').count(), 1, 'the badge says pending');
  assert.equal(await row.locator('button.approve').count(), 1);
  await screenshot(page, 'identity-devices-pending');

  // the pending filter shows it too
  r = await click('.filters a[href="?status=pending"]');
  await assertPage(r, { h1: /^Devices$/ });
  assert.equal(await page.locator(`#devices tr[data-device="${DEVICE.id}"]`).count(), 1);

  r = await navigate(() => page.locator(`#devices tr[data-device="${DEVICE.id}"] button.approve`).click());
  await assertPage(r, { h1: /^Devices$/ });
  await assertNotice(/device was approved/);
  const approved = page.locator(`#devices tr[data-device="${DEVICE.id}"]`);
  assert.equal(await approved.count(), 1);
  assert.equal(await approved.locator('.badge.approved').count(), 1, 'the badge says approved');
  assert.equal((await approved.locator('.badge').textContent()).trim(), 'Approved');
  assert.equal(await approved.locator('button.approve').count(), 0, 'no approve button for an approved device');
  assert.equal(await approved.locator('button.revoke').count(), 1);
  await screenshot(page, 'identity-devices');
  assertNoProblems();

  const second = await tabletSignIn();
  assert.equal(second.status, 201, second.text);
  assert.match(second.json.token, /^[0-9a-f]{64}$/, 'a token for the tablet');
  assert.equal(second.json.user.login, USER.login);
  assert.equal(String(second.json.user.id), state.userId);
  assert.deepEqual(second.json.device, { id: DEVICE.id, status: 'approved' });
  assert.equal(second.json.must_change_password, false);
  const me = await stackRequest('GET', `/${TENANT}/api/v1/me`, { headers: { Authorization: `Bearer ${second.json.token}` } });
  assert.equal(me.status, 200, me.text);
});

step('5. the access log shows the sign-ins, filtered, and gives them as CSV', async () => {
  const { page } = b;
  let r = await click('#nav-log');
  await assertPage(r, { h1: /Access log/ });
  const all = await rowsOf('#log');
  assert.ok(all.length >= 5, `rows in the log: ${JSON.stringify(all)}`);
  for (const a of ['login', 'account.password', 'user.create', 'device.approve'])
    assert.ok(all.some((c) => c[LOG.action] === a), `an ${a} row in the log: ${JSON.stringify(all)}`);

  // the tablet's denied sign-in (device pending)
  let rows = await filterLog({ action: 'login', result: 'denied' });
  assert.ok(rows.length >= 1, 'denied sign-ins are listed');
  assert.ok(rows.every((c) => c[LOG.action] === 'login' && c[LOG.result] === 'Denied'), JSON.stringify(rows));
  const pending = rows.find((c) => c[LOG.object].includes(DEVICE.id));
  assert.ok(pending, `the device_pending denial: ${JSON.stringify(rows)}`);
  assert.equal(pending[LOG.user], USER.login);
  assert.match(pending[LOG.detail], /device pending/);

  // the administrator's mistyped password
  rows = await filterLog({ action: 'login', result: 'failed' });
  assert.ok(rows.length >= 1, 'failed sign-ins are listed');
  assert.ok(rows.every((c) => c[LOG.action] === 'login' && c[LOG.result] === 'Failed'), JSON.stringify(rows));
  assert.ok(rows.some((c) => c[LOG.user] === 'admin'), `admin's failed sign-in: ${JSON.stringify(rows)}`);

  // the successful ones: the administrator's console sign-in, the tablet's after approval
  rows = await filterLog({ action: 'login', result: 'ok' });
  assert.ok(rows.every((c) => c[LOG.action] === 'login' && c[LOG.result] === 'OK'), JSON.stringify(rows));
  const adminRow = rows.find((c) => c[LOG.user] === 'admin');
  assert.ok(adminRow, `admin's sign-in: ${JSON.stringify(rows)}`);
  assert.ok(rows.some((c) => c[LOG.user] === USER.login), `the tablet's sign-in: ${JSON.stringify(rows)}`);
  assert.match(adminRow[LOG.at], /^\d{4}-\d\d-\d\d \d\d:\d\d JST$/, "the time in the tenant's zone (Asia/Tokyo)");
  await screenshot(page, 'identity-log');

  // the CSV link carries the filter and downloads the same rows
  const href = await page.getAttribute('#log-csv', 'href');
  assert.equal(href, `/${TENANT}/manager/log.csv?action=login&result=ok`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#log-csv')]);
  assert.equal(download.suggestedFilename(), 'access-log.csv');
  const csv = fs.readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
  const lines = csv.trim().split(/\r?\n/);
  assert.equal(lines[0], 'id,at,login,user_id,device_id,client_addr,user_agent,channel,action,object_type,object_id,result,detail');
  assert.equal(lines.length - 1, rows.length, `as many rows as on the page:\n${csv}`);
  assert.ok(lines.slice(1).every((l) => /,login,/.test(l) && /,ok,/.test(l)), csv);
  assert.ok(lines.some((l) => /^\d+,[^,]+,admin,/.test(l)), `admin's sign-in in the CSV:\n${csv}`);
  assert.ok(lines.some((l) => l.includes(`,${USER.login},`) && l.includes(DEVICE.id)), `the tablet's sign-in in the CSV:\n${csv}`);
  // and it is served as text/csv (the same request, from the page)
  const got = await page.evaluate(async (u) => {
    const res = await fetch(u);
    return { status: res.status, type: res.headers.get('content-type'), disp: res.headers.get('content-disposition'), body: await res.text() };
  }, href);
  assert.equal(got.status, 200);
  assert.match(got.type, /^text\/csv\b/);
  assert.match(got.disp, /^attachment;/);
  assert.equal(got.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/).length, lines.length);
  assert.equal(path(), `/${TENANT}/manager/log`, 'the download leaves the page where it is');
  assertNoProblems();
});

step('6. the administrator switches the console to Japanese and back to English', async () => {
  const { page } = b;
  let r = await click('#nav-account');
  await assertPage(r, { h1: /My account/ });
  assert.equal(await page.inputValue('#lang'), '', 'the browser decides until a language is chosen');
  await page.selectOption('#lang', 'ja');
  r = await click('#save-lang');
  await assertPage(r, { h1: /アカウント/, lang: 'ja' });
  assert.equal(path(), `/${TENANT}/manager/account`);
  await assertNotice(/表示言語を保存しました/);
  assert.equal(await text('#nav-users'), 'ユーザー');
  assert.equal(await text('#nav-log'), 'アクセスログ');
  assert.equal(await text('#logout'), 'ログアウト');
  assert.equal(await page.inputValue('#lang'), 'ja');
  assert.match(await page.title(), /アカウント/);
  for (const sel of ['#nav-users', 'main h1', '#change-password']) await assertGlyphs(sel);
  await screenshot(page, 'identity-account-ja');

  // the choice follows the administrator to other pages
  r = await click('#nav-users');
  await assertPage(r, { h1: /ユーザー/, lang: 'ja' });
  await screenshot(page, 'identity-users-ja');
  r = await click('#nav-log');
  await assertPage(r, { lang: 'ja' });
  await screenshot(page, 'identity-log-ja');

  r = await click('#nav-account');
  await page.selectOption('#lang', 'en');
  r = await click('#save-lang');
  await assertPage(r, { h1: /My account/, lang: 'en' });
  await assertNotice(/language was saved/);
  assert.equal(await text('#nav-users'), 'Users');
  assert.equal(await page.inputValue('#lang'), 'en');
  assertNoProblems();
});

step('7. the administrator signs out and is back at the sign-in page', async () => {
  const { page } = b;
  let r = await click('#logout');
  assert.equal(path(), `/${TENANT}/manager/login`);
  await assertPage(r, { h1: /Sign in to the console/ });
  await assertNotice(/signed out/);
  assert.equal(await page.locator('#signin').count(), 1);
  assert.equal(await page.locator('#logout').count(), 0, 'no sign-out button when signed out');
  assert.equal(await page.locator('nav.main').count(), 0, 'no menu when signed out');
  const cookies = await b.context.cookies(env.GENBA_URL);
  assert.ok(!cookies.some((c) => c.name === `__Host-genba-${TENANT}`), `the session cookie is gone: ${JSON.stringify(cookies)}`);
  await screenshot(page, 'identity-signed-out');

  // a console page now sends the browser to the sign-in page, to come back after
  r = await page.goto(`${base}/users`, { waitUntil: 'load' });
  assert.equal(path(), `/${TENANT}/manager/login`);
  assert.equal(query('next'), `/${TENANT}/manager/users`);
  await assertPage(r, { h1: /Sign in to the console/ });

  // and signing in again (new password) goes back there
  await page.fill('#login', 'admin');
  await page.fill('#password', ADMIN_PW);
  r = await click('#signin');
  assert.equal(path(), `/${TENANT}/manager/users`);
  await assertPage(r, { h1: /^Users$/ });
  r = await click('#logout');
  assert.equal(path(), `/${TENANT}/manager/login`);
  assertNoProblems();
});
