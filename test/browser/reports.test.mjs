// genba browser tests: reports in the console.
//
// A tenant of its own is set up over the JSON API: groups (inspectors,
// foremen, managers) with users, the daily inspection sample uploaded and
// published, and reports made by a tablet user (one completed with an
// out-of-normal pressure, so it awaits the foreman's approval; one still
// being edited).  Then in Chromium: the foreman finds the report in the
// list, sees it laid out like the paper form (the pressure drawn inside its
// box and marked out of normal), approves it with a comment and sees his
// stamp; the plant manager edits the other report (a refused value, a
// saved change, a change that crossed someone else's), pages the list in
// Japanese, copies a report and deletes the copy, and rejects the report
// at stage 2; the inspector applies again from the console.
//
// Needs a running stack: GENBA_STACK_ENV=DIR/stack.env (test/stack up DIR).
// Screenshots land in test/browser/screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import {
  stackEnv, createTenant, stackRequest, openBrowser, unexpectedProblems, noProblems, screenshot, SCREENSHOTS,
} from './lib.mjs';

const TENANT = `brw-rep-${Date.now().toString(36)}`;
const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples');
const ADMIN_PW = 'Report-admin-42';
const USERS = {
  inspector: { login: 'sato.h', name: '佐藤 花子', password: 'Tablet-inspector-7', group: 'inspectors' },
  foreman: { login: 'tanaka.k', name: '田中 健', password: 'Foreman-stamp-88', group: 'foremen', lang: 'en' },
  manager: { login: 'suzuki.i', name: '鈴木 一郎', password: 'Plant-manager-31', group: 'managers', lang: 'ja' },
};
const GROUPS = {
  inspectors: ['def.view', 'def.reports.create', 'def.reports.view', 'reports.view'],
  foremen: ['reports.view', 'def.reports.view', 'definitions.view'],
  managers: ['reports.view', 'reports.edit', 'reports.delete', 'def.reports.view', 'def.reports.edit', 'def.reports.create',
    'def.reports.delete', 'definitions.view'],
};
const T = { timeout: 120_000 };
// "YYYY-MM-DD" in the tenant's zone (Asia/Tokyo, the default): dates the
// server fills in (stamps, "today") are the customer's, not UTC's
const tokyoDay = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const today = tokyoDay();

let env, base, defId, defRev, inspectorToken;
const reports = {};   // applying: the completed one; editing: the one still being filled in

const api = (method, p, { token, body, headers = {} } = {}) =>
  stackRequest(method, `/${TENANT}/api/v1${p}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers }, body });

async function signIn(login, password, device) {
  const r = await api('POST', '/sessions', { body: { user: login, password, ...(device ? { device } : {}) } });
  assert.equal(r.status, 201, r.text);
  return r.json.token;
}

// ---------------------------------------------------------------- images the tablet takes

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const x of buf) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/** An RGB PNG of w x h whose pixel (x, y) is px(x, y) = [r, g, b]. */
function png(w, h, px) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) raw.set(px(x, y), y * (w * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
// "a photo" of a press: a wall, a floor, the machine, its gauge
const PHOTO = png(320, 180, (x, y) => {
  if (Math.hypot(x - 205, y - 70) < 16) return Math.hypot(x - 205, y - 70) < 13 ? [245, 245, 240] : [40, 40, 40];
  if (x > 120 && x < 250 && y > 40 && y < 150) return [40 + (y >> 3), 96, 140];
  return y > 140 ? [120 + (x >> 4), 110, 100] : [205 - (y >> 2), 210 - (y >> 2), 200];
});
// "a sketch": a pen circle around the leak, on white
const SKETCH = png(600, 200, (x, y) => (Math.abs(Math.hypot((x - 300) / 2.2, y - 100) - 60) < 2.2 || (x > 420 && x < 520 && Math.abs(y - 40 - (520 - x) * 0.35) < 2) ? [27, 58, 138] : [255, 255, 255]));

/** A report made on the tablet (POST /reports with an Idempotency-Key). */
async function tabletReport(values, action) {
  const id = randomUUID();
  const r = await api('POST', '/reports', {
    token: inspectorToken,
    headers: { 'Idempotency-Key': randomUUID() },
    body: { id, definition_id: defId, definition_revision: defRev, action, values: values.map(([sheet, cluster, value]) => ({ sheet, cluster, value })) },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

/** A PUT of the tablet's image for a cluster. */
async function tabletImage(id, sheet, cluster, bytes) {
  const r = await api('PUT', `/reports/${id}/attachments/${sheet}/${cluster}`, { token: inspectorToken, headers: { 'Content-Type': 'image/png' }, body: bytes });
  assert.equal(r.status, 201, r.text);
}

/** The tablet completes report id (PUT with If-Match and an Idempotency-Key). */
async function tabletComplete(id) {
  const cur = await api('GET', `/reports/${id}`, { token: inspectorToken });
  const r = await api('PUT', `/reports/${id}`, {
    token: inspectorToken,
    headers: { 'If-Match': cur.headers.etag, 'Idempotency-Key': randomUUID() },
    body: { action: 'complete' },
  });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

before(async () => {
  env = stackEnv();
  base = `${env.GENBA_URL}/${TENANT}/manager`;
  const admin = createTenant(TENANT, '検査工業 Inspection Works', `ops@${TENANT}.example`).admin;
  let token = await signIn('admin', admin.password);
  let r = await api('POST', '/account/password', { token, body: { current: admin.password, new: ADMIN_PW } });
  assert.equal(r.status, 204, r.text);
  token = await signIn('admin', ADMIN_PW);
  const groupIds = {};
  for (const [name, permissions] of Object.entries(GROUPS)) {
    r = await api('POST', '/groups', { token, body: { name, permissions } });
    assert.equal(r.status, 201, r.text);
    groupIds[name] = r.json.id;
  }
  for (const u of Object.values(USERS)) {
    r = await api('POST', '/users', { token, body: { login: u.login, name: u.name, password: u.password, groups: [groupIds[u.group]], ...(u.lang ? { lang: u.lang } : {}) } });
    assert.equal(r.status, 201, r.text);
  }
  assert.equal((await api('PUT', '/settings', { token, body: { 'devices.auto_approve': true } })).status, 200);
  r = await api('POST', '/definitions', { token, body: fs.readFileSync(path.join(SAMPLES, 'daily-inspection.xml')), headers: { 'Content-Type': 'application/xml' } });
  assert.equal(r.status, 201, r.text);
  defId = r.json.id;
  defRev = r.json.revision;
  r = await api('POST', `/definitions/${defId}/status`, { token, body: { status: 'published' } });
  assert.equal(r.status, 200, r.text);

  // the inspector's tablet
  inspectorToken = await signIn(USERS.inspector.login, USERS.inspector.password, { id: randomUUID(), name: 'iPad ライン3', platform: 'ios' });
  reports.applying = await tabletReport([
    [1, 1, today], [1, 2, '08:30'], [1, 4, 'PRESS07'], [1, 5, 'day'], [1, 6, '9.5'], [1, 7, '42.0'], [1, 8, '1'], [1, 9, '1'],
    [1, 10, 'noise\tleak'], [1, 11, '120'], [1, 12, '3'],
    [1, 14, 'ベルトの張りを確認。始動時に異音あり。\nBelt tension checked; slight noise at start-up.'], [1, 15, '35.6812,139.7671'],
  ], 'save');
  await tabletImage(reports.applying.id, 2, 0, PHOTO);
  await tabletImage(reports.applying.id, 2, 1, SKETCH);
  reports.applying = await tabletComplete(reports.applying.id);
  assert.equal(reports.applying.status, 'applying', 'the sample has approval stages: completing applies for stage 1');
  assert.ok(reports.applying.values.some((v) => v.sheet === 1 && v.cluster === 6 && v.value === '9.5' && v.out_of_normal));
  reports.editing = await tabletReport([[1, 1, today], [1, 4, 'LATHE12'], [1, 5, 'night'], [1, 6, '4.0']], 'save');
  assert.equal(reports.editing.status, 'editing');
});

// ---------------------------------------------------------------- browser helpers

let b;
after(async () => { if (b) await b.close(); });

async function openAs(user, locale = 'en-US') {
  if (b) await b.close();
  b = await openBrowser({ locale, viewport: { width: 1280, height: 900 } });
  b.page.setDefaultTimeout(15_000);
  await b.page.goto(`${base}/login`, { waitUntil: 'load' });
  await b.page.fill('#login', user.login);
  await b.page.fill('#password', user.password);
  await Promise.all([b.page.waitForNavigation({ waitUntil: 'load' }), b.page.click('#signin')]);
}

function assertNoProblems(opts) {
  const p = unexpectedProblems(b.problems, opts);
  for (const k of Object.keys(b.problems)) b.problems[k].length = 0;
  assert.ok(noProblems(p), `console errors, CSP violations or failed requests:\n${JSON.stringify(p, null, 2)}`);
}
const click = (selector) => Promise.all([b.page.waitForNavigation({ waitUntil: 'load' }), b.page.click(selector)]).then(([r]) => r);
const text = async (selector) => (await b.page.locator(selector).first().textContent()).replace(/\s+/g, ' ').trim();
// the cells' texts of each row (the list's tick box for exports, td.pick, aside)
const rowsOf = (selector) => b.page.locator(`${selector} tbody tr`).evaluateAll((trs) =>
  trs.map((tr) => [...tr.cells].filter((td) => !td.classList.contains('pick')).map((td) => td.innerText.replace(/\s+/g, ' ').trim())));

/** Screenshot of one element to test/browser/screenshots/<name>.png. */
async function shot(selector, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await b.page.locator(selector).screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** inner lies inside outer (screen boxes), give or take half a pixel. */
function inside(inner, outer, what) {
  const ok = inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 &&
    inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;
  assert.ok(ok, `${what}: ${JSON.stringify(inner)} is not inside ${JSON.stringify(outer)}`);
}

/** One step of the story: skipped once an earlier step has failed. */
let broken = null;
function step(name, fn) {
  test(name, T, async (t) => {
    if (broken) return t.skip(`step ${broken} failed`);
    try {
      await fn(t);
    } catch (e) {
      broken = name.split('.')[0];
      if (b) await screenshot(b.page, `reports-FAILED-step-${broken}`).catch(() => {});
      throw e;
    }
  });
}

// ---------------------------------------------------------------- the story

step('1. the foreman finds the report in the list by its number', async () => {
  await openAs(USERS.foreman);
  const { page } = b;
  let r = await click('#nav-reports');
  assert.equal(r.status(), 200);
  assert.match(await text('main h1'), /Reports/);
  assert.equal(await page.locator('#reports tbody tr').count(), 2, 'both reports are listed');
  // newest first
  const rows = await rowsOf('#reports');
  assert.equal(rows[0][0], reports.editing.number);
  assert.equal(rows[1][0], reports.applying.number);
  assert.match(reports.applying.number, /^INS-\d{8}\d{4}$/);
  assert.equal(rows[1][3], 'Awaiting approval · stage 1');
  assert.equal(rows[1][4], USERS.inspector.name, 'the creator by name');

  await page.fill('#f-text', reports.applying.number);
  r = await click('#apply-report-filter');
  assert.equal(r.status(), 200);
  assert.equal(new URL(page.url()).searchParams.get('text'), reports.applying.number);
  assert.equal(await page.inputValue('#f-text'), reports.applying.number, 'the form shows the filter it applied');
  const found = await rowsOf('#reports');
  assert.equal(found.length, 1);
  assert.equal(found[0][0], reports.applying.number);
  assert.match(found[0][2], /Daily equipment inspection/);
  await screenshot(page, 'reports-list-filtered');
  assertNoProblems();

  // a cluster's value: choose the definition, then its pressure cluster
  await page.fill('#f-text', '');
  await page.selectOption('#f-definition', String(defId));
  await click('#apply-report-filter');
  await page.selectOption('#f-cluster', '1-6');
  await page.fill('#f-value', '9.50');   // found as stored: 9.5
  await click('#apply-report-filter');
  assert.deepEqual((await rowsOf('#reports')).map((x) => x[0]), [reports.applying.number]);
  await page.selectOption('#f-status', 'editing');
  await click('#apply-report-filter');
  assert.equal(await page.locator('#reports tbody tr').count(), 0);
  assert.equal(await page.locator('#no-reports').count(), 1);
  assertNoProblems();
});

step('2. the report is laid out like the paper form: 9.5 inside the pressure box, marked out of normal', async () => {
  const { page } = b;
  await page.goto(`${base}/reports?text=${encodeURIComponent(reports.applying.number)}`, { waitUntil: 'load' });
  const r = await click(`#reports tbody a:text("${reports.applying.number}")`);
  assert.equal(r.status(), 200);
  assert.equal(new URL(page.url()).pathname, `/${TENANT}/manager/reports/${reports.applying.id}`);
  assert.equal(await text('#report-number'), reports.applying.number);
  assert.equal(await text('#report-status'), 'Awaiting approval');
  // each sheet an SVG at the sheet's size
  assert.equal(await page.locator('svg.sheet.report').count(), 2);
  assert.equal(await page.getAttribute('#sheet-1', 'viewBox'), '0 0 595 842');
  // the pressure: its text inside its rectangle, which sits where the definition puts it, in red
  const g = page.locator('#v-1-6');
  assert.match(await g.getAttribute('class'), /\boon\b/);
  const box = g.locator('rect.box');
  assert.equal(Number(await box.getAttribute('x')), 327.25);
  assert.equal(Number(await box.getAttribute('y')), 134.72);
  const value = g.locator('text.val');
  assert.equal((await value.textContent()).trim(), '9.5 MPa');
  inside(await value.boundingBox(), await box.boundingBox(), 'the pressure value');
  assert.equal(await value.evaluate((e) => getComputedStyle(e).fill), 'rgb(179, 38, 30)', 'drawn in red');
  assert.equal(await box.evaluate((e) => getComputedStyle(e).stroke), 'rgb(179, 38, 30)', 'its box outlined in red');
  // a value in range is drawn in pen blue, and every value stays in its box
  assert.equal(await page.locator('#v-1-7 text.val').evaluate((e) => getComputedStyle(e).fill), 'rgb(27, 58, 138)');
  for (const k of ['1-1', '1-4', '1-5', '1-7', '1-10', '1-13', '1-14', '1-15'])
    inside(await page.locator(`#v-${k} text.val`).boundingBox(), await page.locator(`#v-${k} rect.box`).boundingBox(), `cluster ${k}`);
  assert.equal(await text('#v-1-5 text.val'), '日勤 Day', 'a choice by its label');
  assert.equal(await text('#v-1-8 text.val'), '✓');
  assert.equal(await text('#v-1-13 text.val'), '2.44 %', 'the server computed the defect rate');
  assert.equal(await page.locator('#v-1-14 text.val tspan').count() >= 2, true, 'the remarks wrap over lines');
  // the photo and the sketch, drawn in their boxes from the console's own address
  for (const k of ['2-0', '2-1']) {
    const href = await page.getAttribute(`#v-${k} image`, 'href');
    assert.equal(href, `/${TENANT}/manager/reports/${reports.applying.id}/attachments/${k.replace('-', '/')}`);
    const got = await page.evaluate(async (u) => { const x = await fetch(u); return [x.status, x.headers.get('content-type')]; }, href);
    assert.deepEqual(got, [200, 'image/png']);
    assert.ok(await page.locator(`tr#c-${k} img.thumb`).evaluate((img) => img.complete && img.naturalWidth > 0), `thumbnail ${k}`);
  }
  // the creator's stamp on sheet 2; the approval boxes still empty
  assert.equal(await text('#v-2-2 .stamp .st-name'), USERS.inspector.name);
  assert.equal(await page.locator('#v-2-3 .stamp').count(), 0);
  assert.equal(await page.locator('#v-2-3 circle.slot').count(), 1);
  await shot('#sheet-1', 'reports-sheet-1');
  await screenshot(page, 'reports-page');

  // the same data as a table
  const row = await rowsOf('#values');
  const pressure = row.find((c) => c[1] === 'pressure');
  assert.ok(pressure, JSON.stringify(row));
  assert.match(pressure[3], /9\.5 MPa/);
  assert.match(pressure[3], /Out of the normal range · normal 2\.0 – 6\.5/);
  assert.equal(pressure[4], USERS.inspector.login);
  assert.equal(await page.locator('tr#c-1-6.oon').count(), 1);
  // the foreman may not edit, and the report is held for approval anyway
  assert.equal(await page.locator('#values-form').count(), 0);
  assertNoProblems();
});

step('3. the foreman approves stage 1 with a comment and sees his stamp', async () => {
  const { page } = b;
  assert.equal(await page.locator('#approve').count(), 1, 'a member of the stage\'s group may approve');
  assert.match(await text('#stages li.sg-pending'), /班長 Foreman/);
  await page.fill('#approval-comment', '圧力が高いので再点検を指示済み。Re-check ordered.');
  const dayBefore = tokyoDay();
  const r = await click('#approve');
  assert.equal(r.status(), 200, await page.locator('main').innerText());
  assert.match(await text('main .notice'), /approved/);
  // stage 1 done, stage 2 (the plant manager) is next
  assert.match(await text('#stages li.sg-approved'), /班長 Foreman/);
  assert.match(await text('#stages li.sg-pending'), /工場長 Plant manager/);
  assert.equal(await page.locator('#approve').count(), 0, 'not a member of the next stage\'s group');
  const stamp = page.locator('#v-2-3 .stamp');
  assert.equal(await stamp.count(), 1, 'the foreman\'s stamp in the approval box');
  assert.equal(await text('#v-2-3 .st-name'), USERS.foreman.name);
  assert.equal(await text('#v-2-3 .st-role'), 'APPROVED');
  // the approval's day in Tokyo (either side, should the click cross midnight)
  assert.ok([dayBefore, tokyoDay()].map((d) => d.replaceAll('-', '.')).includes(await text('#v-2-3 .st-date')),
    `the stamp's date is the day of the approval in Asia/Tokyo: ${await text('#v-2-3 .st-date')}`);
  inside(await stamp.locator('circle').boundingBox(), await page.locator('#v-2-3 rect.box').boundingBox(), 'the stamp');
  assert.equal(await page.locator('#v-2-3 .st-name').evaluate((e) => getComputedStyle(e).fill), 'rgb(200, 39, 45)');
  const log = await rowsOf('#approvals');
  assert.ok(log.some((c) => /Approved/.test(c[2]) && c[3] === USERS.foreman.name && /Re-check ordered/.test(c[4])), JSON.stringify(log));
  await shot('#sheet-2', 'reports-sheet-2-stamp');
  await screenshot(page, 'reports-approved');
  assertNoProblems();
});

step('4. the plant manager edits a report: a refused value, a saved change', async () => {
  await openAs(USERS.manager, 'ja-JP');
  const { page } = b;
  let r = await page.goto(`${base}/reports/${reports.editing.id}`, { waitUntil: 'load' });
  assert.equal(r.status(), 200);
  assert.equal(await page.getAttribute('html', 'lang'), 'ja');
  assert.equal(await page.locator('#values-form').count(), 1, 'a manager may edit a report being filled in');
  await page.fill('#f-1-6', '12');        // above the maximum (10)
  await page.fill('#f-1-7', '95');        // out of normal (above 80), but allowed
  r = await click('#save-values');
  assert.equal(r.status(), 422);
  assert.match(await text('#err-1-6'), /最大値/);
  assert.equal(await page.inputValue('#f-1-6'), '12', 'what was typed is shown again');
  assert.equal(await page.inputValue('#f-1-7'), '95');
  assert.match(await text('main .alert'), /pressure/);
  await screenshot(page, 'reports-edit-refused-ja');
  await shot('#values-card', 'reports-edit-refused-values-ja');
  assertNoProblems({ documentUrl: `${base}/reports/${reports.editing.id}`, documentStatus: 422 });

  await page.fill('#f-1-6', '5.5');
  r = await click('#save-values');
  assert.equal(r.status(), 200);
  assert.match(await text('main .notice'), /保存しました/);
  assert.equal(await text('#v-1-6 text.val'), '5.5 MPa');
  assert.equal(await text('#v-1-7 text.val'), '95.0 °C');
  assert.match(await page.getAttribute('#v-1-7', 'class'), /\boon\b/);
  assert.doesNotMatch(await page.getAttribute('#v-1-6', 'class'), /\boon\b/);
  assert.equal((await rowsOf('#values')).find((c) => c[1] === 'temperature')[4], USERS.manager.login);
  assertNoProblems();
});

step('5. a change that crosses someone else\'s is not saved: the current values, with the typed ones beside them', async () => {
  const { page } = b;
  await page.fill('#f-1-4', 'LATHE99');
  // meanwhile the inspector's tablet saves the report
  const cur = await api('GET', `/reports/${reports.editing.id}`, { token: inspectorToken });
  const r0 = await api('PUT', `/reports/${reports.editing.id}`, {
    token: inspectorToken,
    headers: { 'If-Match': cur.headers.etag, 'Idempotency-Key': randomUUID() },
    body: { action: 'save', values: [{ sheet: 1, cluster: 4, value: 'LATHE13' }] },
  });
  assert.equal(r0.status, 200, r0.text);
  const r = await click('#save-values');
  assert.equal(r.status(), 409);
  assert.equal(await page.locator('#report-stale').count(), 1);
  assert.equal(await page.inputValue('#f-1-4'), 'LATHE13', 'the current value');
  assert.match(await text('tr#c-1-4 .mine'), /LATHE99/);
  await screenshot(page, 'reports-edit-stale-ja');
  await shot('#values-card', 'reports-edit-stale-values-ja');
  assertNoProblems({ documentUrl: `${base}/reports/${reports.editing.id}`, documentStatus: 409 });
});

step('5a. the plant manager edits the report\'s remarks: saved, shown, and in the history', async () => {
  const { page } = b;
  let r = await page.goto(`${base}/reports/${reports.editing.id}`, { waitUntil: 'load' });
  assert.equal(r.status(), 200);
  await page.click('#remarks-card summary');
  await page.fill('#f-remarks2', 'ライン3 夜勤\n再点検済み');
  r = await click('#save-remarks');
  assert.equal(r.status(), 200);
  assert.match(await text('main .notice'), /備考を保存しました/);
  assert.equal(await text('#remarks-2'), 'ライン3 夜勤 再点検済み');
  assert.ok((await rowsOf('#history')).some((c) => c[1] === USERS.manager.login && /再点検済み/.test(c[5])), 'the change is in the history');
  await shot('#remarks-card', 'reports-remarks-ja');
  assertNoProblems();
});

step('6. the list in Japanese', async () => {
  const { page } = b;
  const r = await page.goto(`${base}/reports`, { waitUntil: 'load' });
  assert.equal(r.status(), 200);
  assert.equal(await text('main h1'), '帳票');
  assert.equal(await text('#nav-reports'), '帳票');
  const rows = await rowsOf('#reports');
  assert.equal(rows.length, 2);
  assert.equal(rows.find((c) => c[0] === reports.applying.number)[3], '承認待ち · 第2段階');
  assert.equal(rows.find((c) => c[0] === reports.editing.number)[3], '編集中');
  await screenshot(page, 'reports-list-ja');
  assertNoProblems();
});

step('7. a long list pages by key: older reports, and back to the newest', async () => {
  const { page } = b;
  for (let i = 0; i < 50; i++)
    await tabletReport([[1, 1, today], [1, 4, `M${String(i).padStart(3, '0')}`], [1, 5, 'day'], [1, 6, '3.0']], 'save');
  let r = await page.goto(`${base}/reports`, { waitUntil: 'load' });
  assert.equal(r.status(), 200);
  const first = await rowsOf('#reports');
  assert.equal(first.length, 50, 'a page holds 50 reports');
  assert.equal(await page.locator('#newest').count(), 0);
  r = await click('#older');
  assert.equal(r.status(), 200);
  assert.ok(new URL(page.url()).searchParams.get('cursor'));
  const second = await rowsOf('#reports');
  assert.deepEqual(second.map((c) => c[0]).sort(), [reports.applying.number, reports.editing.number].sort(), 'the two first reports come last');
  assert.equal(await page.locator('#older').count(), 0);
  await screenshot(page, 'reports-list-older-ja');
  r = await click('#newest');
  assert.deepEqual(await rowsOf('#reports'), first);
  // a cursor this server did not give is refused politely
  r = await page.goto(`${base}/reports?cursor=bogus`, { waitUntil: 'load' });
  assert.equal(r.status(), 400);
  assert.match(await text('main .alert'), /最新の帳票から/);
  assertNoProblems({ documentUrl: `${base}/reports?cursor=bogus`, documentStatus: 400 });
});

step('8. the plant manager copies a report into a new one, then deletes the copy', async () => {
  const { page } = b;
  await page.goto(`${base}/reports/${reports.applying.id}`, { waitUntil: 'load' });
  let r = await click('#copy-report');
  assert.equal(r.status(), 200);
  const copyId = new URL(page.url()).pathname.split('/').at(-1);
  assert.notEqual(copyId, reports.applying.id);
  assert.match(copyId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a version 4 UUID');
  assert.match(await text('main .notice'), /コピー/);
  assert.equal(await text('#report-status'), '編集中');
  const number = await text('#report-number');
  assert.notEqual(number, reports.applying.number, 'a new number');
  assertNoProblems();

  await page.click('#delete-card summary');
  await page.check('#delete-confirm');
  r = await click('#delete-report');
  assert.equal(r.status(), 200);
  assert.equal(new URL(page.url()).pathname, `/${TENANT}/manager/reports`);
  assert.match(await text('main .notice'), /削除しました/);
  await page.fill('#f-text', number);
  await click('#apply-report-filter');
  assert.equal(await page.locator('#reports tbody tr').count(), 0, 'the copy is gone');
  r = await page.goto(`${base}/reports/${copyId}`, { waitUntil: 'load' });
  assert.equal(r.status(), 404);
  assertNoProblems({ documentUrl: `${base}/reports/${copyId}`, documentStatus: 404 });
});

step('9. the plant manager rejects stage 2; the inspector applies again from the console', async () => {
  const { page } = b;
  await page.goto(`${base}/reports/${reports.applying.id}`, { waitUntil: 'load' });
  assert.match(await text('#stages li.sg-pending'), /工場長 Plant manager/);
  await page.fill('#approval-comment', '圧力の原因を確認してから再申請してください。');
  let r = await click('#reject');
  assert.equal(r.status(), 200);
  assert.match(await text('main .notice'), /差し戻しました/);
  assert.equal(await text('#report-status'), '差し戻し');
  assert.equal(await page.locator('#v-2-3 .stamp').count(), 0, 'a rejection clears the sign-offs');
  assert.equal(await page.locator('#approve').count(), 0);
  assert.equal(await page.locator('#apply').count(), 0, 'only the applicant applies');
  assertNoProblems();

  await openAs(USERS.inspector);
  r = await b.page.goto(`${base}/reports/${reports.applying.id}`, { waitUntil: 'load' });
  assert.equal(r.status(), 200);
  assert.equal(await text('#report-status'), 'Rejected');
  assert.match((await rowsOf('#approvals')).at(-1).join(' '), /Rejected .*鈴木 一郎 .*再申請/);
  r = await click('#apply');
  assert.equal(r.status(), 200, await b.page.locator('main').innerText());
  assert.match(await text('main .notice'), /submitted for approval/);
  assert.equal(await text('#report-status'), 'Awaiting approval');
  assert.match(await text('#stages li.sg-pending'), /班長 Foreman/);
  await screenshot(b.page, 'reports-applied-again');
  assertNoProblems();
});
