// genba browser tests: the tablet app's whole day, as test steps that
// tablet.test.mjs (a 10-inch tablet, English) and tablet-phone.test.mjs (a
// phone, Japanese) run at their own viewport.
//
//  1. signing in registers the device; the app waits for the approval and
//     goes on by itself once an administrator approved it
//  2. offline (context.setOffline), a reload still opens the app
//  3. three reports of the inspection sample filled offline with every input
//     type (keypad with limits and the out-of-normal flag, choices, checks,
//     date, time, GPS, a photo, a pen stroke), a reload in the middle of one,
//     `required` enforced on completion; a report of a form with every other
//     type (master data with linked clusters, code reader, toggle, …) and a
//     copy of it
//  4. the browser closed and started again, still offline: every value and
//     image is there, the outbox too
//  5. online: everything arrives exactly once, attachments included
//     (checked through the API)
//  6. a value changed in the console meanwhile: a conflict the user sees and
//     resolves; what only the console changed is merged
//  7. a rejection reaches the tablet with its comment; the report is
//     corrected and applied for again
//  8. the other language, and no page error or CSP violation all along

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBrowser, stackEnv, stackRequest, noProblems } from './lib.mjs';
import {
  USERS, setUpTenant, deviceToken, serverReports, valueOf, download, appProblems, driver, controlValue, cameraPhoto, jpegSize, tokyoDate,
} from './tablet-lib.mjs';

/**
 * Registers the steps. label names the tenant and screenshots; viewport,
 * locale and contextOptions (isMobile, hasTouch) set the device.
 */
export function tabletFlow({ label, viewport, locale, contextOptions = {}, approval = 'wait' }) {
  const T = { timeout: 300_000 };
  const shots = `tablet-${label}`;
  const lang = locale.startsWith('ja') ? 'ja' : 'en';
  const GEO = { latitude: 35.681236, longitude: 139.767125, accuracy: 8 };
  let ctx, profile, b, d;
  const ids = {};
  const problemLog = [];

  async function launch() {
    b = await openBrowser({
      serviceWorkers: 'allow', viewport, locale, profile,
      contextOptions: { permissions: ['geolocation'], geolocation: GEO, ...contextOptions },
    });
    b.page.setDefaultTimeout(30_000);
    d = driver(b.page, shots);
  }
  async function closeBrowser() {
    if (!b) return;
    problemLog.push(appProblems(b.problems));
    await b.close();
    b = null;
  }
  const page = () => b.page;

  before(async () => {
    ctx = await setUpTenant(`tab-${label}`);
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'genba-tablet-profile-'));
  });
  after(async () => {
    await closeBrowser().catch(() => {});
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  // ---------------------------------------------------------------- 1
  test(`${label} 1. signing in registers the device and waits for an administrator's approval`, T, async () => {
    await launch();
    const p = page();
    const res = await p.goto(ctx.appUrl, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    const csp = res.headers()['content-security-policy'];
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(await p.locator('script:not([src])').count(), 0, 'no inline script');
    await p.waitForSelector('form.signin');
    assert.equal(await p.getAttribute('html', 'lang'), lang);
    await p.fill('form.signin [name=login]', USERS.inspector.login);
    await p.fill('form.signin [name=password]', USERS.inspector.password);
    await p.fill('form.signin [name=device]', `iPad ${label} ライン3`);
    await d.shot('01-sign-in');
    await p.click('[data-action="sign-in"]');
    await p.waitForSelector('[data-state=device-pending]');
    const pendingText = await p.textContent('[data-state=device-pending]');
    assert.ok(pendingText.includes(`iPad ${label} ライン3`), 'the screen names the device to approve');
    await d.shot('02-device-pending');

    // the administrator sees it in the console's device list (here: the same list over JSON) and approves it
    let r = await ctx.api('GET', '/devices?status=pending', { token: ctx.adminToken });
    assert.equal(r.status, 200, r.text);
    const mine = r.json.devices.filter((x) => x.name === `iPad ${label} ライン3`);
    assert.equal(mine.length, 1, JSON.stringify(r.json));
    assert.ok(pendingText.includes(mine[0].id), 'the screen shows the device id the administrator sees');
    assert.equal(await p.locator('[data-action=new]').count(), 0, 'nothing to do before the approval');
    r = await ctx.api('POST', `/devices/${mine[0].id}/approve`, { token: ctx.adminToken });
    assert.equal(r.status, 200, r.text);
    if (approval === 'click') await p.click('[data-action=check-approval]');
    // otherwise the app asks again by itself
    await p.waitForSelector(`[data-action=new][data-definition="${ctx.defs.inspection.id}"]`, { timeout: 90_000 });
    assert.equal(await p.locator(`[data-action=new][data-definition="${ctx.defs.every.id}"]`).count(), 1);
    // the service worker controls the page and the forms are on the device
    await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await p.waitForFunction(() => /\d{4}[-/]\d{2}[-/]\d{2}/.test(document.querySelector('.defs-card .meta')?.textContent || ''));
    // installable: a manifest with icons, served as such
    const manifest = await stackRequest('GET', `/${ctx.tenant}/app/manifest.webmanifest`);
    assert.equal(manifest.status, 200);
    assert.match(manifest.headers['content-type'], /^application\/manifest\+json/);
    const m = JSON.parse(manifest.text);
    assert.equal(m.display, 'standalone');
    assert.equal(m.start_url, './');
    assert.ok(m.icons.some((i) => i.sizes === '512x512' && i.type === 'image/png'));
    await d.shot('03-home');
  });

  // ---------------------------------------------------------------- 2
  test(`${label} 2. offline, a reload still opens the app`, T, async () => {
    const p = page();
    await b.context.setOffline(true);
    await p.reload({ waitUntil: 'load' });
    await p.waitForSelector(`[data-action=new][data-definition="${ctx.defs.inspection.id}"]`);
    assert.equal(await p.evaluate(() => navigator.onLine), false);
    assert.equal(await p.evaluate((u) => fetch(u).then(() => 'answered', () => 'failed'), `/${ctx.tenant}/api/v1/status`), 'failed',
      'the network is really gone');
    await p.waitForSelector('.bar .net.off');
    await d.shot('04-offline-home');
  });

  // ---------------------------------------------------------------- 3
  test(`${label} 3. three inspection reports filled offline with every input type, a photo and a pen stroke`, T, async () => {
    const p = page();
    const yesterday = tokyoDate(-1);
    ids.yesterday = yesterday;   /* the date typed, kept: the check in step 5 may come after Tokyo's midnight */

    // ---- report 1: completed (applies for approval), pressure out of its normal range
    await p.click(`[data-action=new][data-definition="${ctx.defs.inspection.id}"]`);
    await p.waitForSelector('.sheet-frame');
    ids.r1 = await d.reportId();
    assert.equal(await controlValue(p, '1/1'), tokyoDate(0), 'a Date defaults to today in the tenant\'s zone');
    assert.equal(await controlValue(p, '1/5'), 'day', 'a Select starts at its default item');
    await d.tap('1/1');
    await p.click('.panel [data-action=yesterday]');   // (the server compares dates in UTC: yesterday in Tokyo is valid there too)
    await d.tap('1/2');
    await p.click('.panel [data-action=now]');
    assert.match(await controlValue(p, '1/2'), /^\d{2}:\d{2}$/);
    await d.type('1/4', 'PRESS 07');
    assert.equal(await p.locator('.panel .status-line.bad').count(), 1, 'a space is not alphanumeric: flagged as typed');
    await p.fill('.panel [data-input="1/4"]', 'PRESS07');
    assert.equal(await p.locator('.panel .status-line.bad').count(), 0);
    await d.choose('1/5', 'night');
    await d.keypad('1/6', ['9', '.', '5']);
    assert.match(await p.textContent('.panel .range'), /0.*10.*2\.0.*6\.5/, 'the keypad shows the limits and the normal range');
    assert.equal(await p.locator('.panel [data-flag=out-of-normal]').count(), 1, 'out of the normal range, flagged as typed');
    await d.shot('05-keypad-out-of-normal');
    await d.keypad('1/7', ['4', '2']);
    assert.equal(await p.locator('.panel [data-flag=out-of-normal]').count(), 0);
    await d.ok();
    await p.check('[data-cluster="1/8"]');
    await p.check('[data-cluster="1/9"]');
    await d.choose('1/10', 'noise', 'leak');
    await d.keypad('1/11', ['1', '2', '0']);
    await d.keypad('1/12', ['3']);
    await d.ok();
    assert.equal(await d.drawn('1/13'), '2.44 %', 'the calculation is made on the device, offline');
    assert.match(await d.classOf('1/6'), /\boon\b/, 'the sheet marks the pressure out of normal');
    await d.type('1/14', 'ベルトの張りを確認。始動時に異音あり。\nBelt tension checked; slight noise at start-up.');
    await d.tap('1/15');
    await p.click('.panel [data-action=locate]');
    await p.waitForFunction(() => document.querySelector('[data-cluster="1/15"]').value !== '');
    assert.equal(await controlValue(p, '1/15'), '35.681236,139.767125');
    await d.photo('2/0', cameraPhoto(1));
    await d.stroke('2/1');
    await d.ok();
    await p.click('[data-sheet-link="1"]');
    await d.shot('06-report-1-sheet-1');
    await p.click('[data-sheet-link="2"]');
    await p.waitForFunction(() => {   // scrolled to the top of sheet 2
      const box = document.querySelector('.sheet-frame[data-sheet="2"]').parentElement.getBoundingClientRect().top;
      return Math.abs(box - document.querySelector('.sheet-scroll').getBoundingClientRect().top) < 24;
    });
    await d.shot('06-report-1-sheet-2');
    await p.click('[data-action=complete]');
    await p.waitForSelector('[data-notice=readonly]');
    assert.equal(await p.isDisabled('[data-action=save]'), true, 'applied for approval: no more changes (applicantLock)');
    await d.waitOutbox(4, 10_000);   // create, photo, drawing, completion
    await d.back();

    // ---- report 2: `required` enforced on completion; values put straight into the clusters' controls
    await p.click(`[data-action=new][data-definition="${ctx.defs.inspection.id}"]`);
    await p.waitForSelector('.sheet-frame');
    ids.r2 = await d.reportId();
    await p.click('[data-action=complete]');
    await p.waitForSelector('[data-notice=missing]');
    const missing = await p.textContent('[data-notice=missing]');
    assert.ok(missing.includes('machine_no') && missing.includes('pressure'), missing);
    assert.match(await d.classOf('1/4'), /\bmissing\b/);
    await p.waitForTimeout(0);
    assert.equal(await d.outbox(), '4', 'nothing was queued');
    await d.shot('07-required');
    await p.fill('[data-cluster="1/1"]', yesterday);
    await p.fill('[data-cluster="1/4"]', 'LATHE12');
    await p.selectOption('[data-cluster="1/5"]', 'day');
    await p.fill('[data-cluster="1/6"]', '4');
    await p.fill('[data-cluster="1/7"]', '38.5');
    await p.selectOption('[data-cluster="1/10"]', ['vibration']);
    await p.setInputFiles('[data-cluster="2/0"]', { name: 'IMG_0002.png', mimeType: 'image/png', buffer: cameraPhoto(2) });
    await p.waitForFunction(() => document.querySelector('#v-2-0 image'));
    await d.stroke('2/1', 2);
    await d.ok();
    assert.equal(await d.drawn('1/4'), 'LATHE12');
    assert.equal(await d.drawn('1/6'), '4 MPa');
    await p.click('[data-action=save]');
    await d.waitState('waiting');
    assert.equal(await d.drawn('1/6'), '4.0 MPa', 'saved values take their canonical form');
    await d.waitOutbox(7, 10_000);
    await d.back();

    // ---- report 3: a reload in the middle keeps what was typed
    await p.click(`[data-action=new][data-definition="${ctx.defs.inspection.id}"]`);
    await p.waitForSelector('.sheet-frame');
    ids.r3 = await d.reportId();
    await d.type('1/4', 'DRILL03');
    await d.keypad('1/6', ['5', '.', '5']);
    await p.waitForSelector('main[data-stored=true]');   // the app says all that was typed is on the device
    await p.reload({ waitUntil: 'load' });
    await p.waitForSelector('.sheet-frame');
    assert.equal(await d.reportId(), ids.r3);
    assert.equal(await controlValue(p, '1/4'), 'DRILL03', 'kept through the reload');
    assert.equal(await controlValue(p, '1/6'), '5.5');
    await d.waitState('draft');                          // typed, not saved yet
    await d.back();
    assert.equal(await d.syncState(ids.r3), 'waiting', 'leaving a report saves what it holds');
    await d.waitOutbox(8, 10_000);
    await d.openReport(ids.r3);
    await p.fill('[data-cluster="1/1"]', yesterday);
    await p.fill('[data-cluster="1/2"]', '07:45');
    await p.check('[data-cluster="1/9"]');
    await d.type('1/14', '異常なし');
    await d.tap('1/15');
    await p.click('.panel [data-action=locate]');
    await p.waitForFunction(() => document.querySelector('[data-cluster="1/15"]').value !== '');
    await d.photo('2/0', cameraPhoto(3));
    await d.stroke('2/1', 4);
    await d.ok();
    await p.click('[data-action=save]');
    await d.waitState('waiting');
    await d.waitOutbox(11, 10_000);
    await d.back();

    // ---- a report of the form with every other type, completed; and a copy of it
    await p.click(`[data-action=new][data-definition="${ctx.defs.every.id}"]`);
    await p.waitForSelector('.sheet-frame');
    ids.every = await d.reportId();
    assert.match(await p.getAttribute('.sheet-frame[data-sheet="1"] .bg image', 'href'), /^blob:/, 'the sheet\'s background image, kept on the device');
    await d.choose('1/1', '20');
    await d.ok();
    await p.click('.cl[data-key="1/2"]');                      // a Toggle moves on at each tap
    await p.click('.cl[data-key="1/2"]');
    assert.equal(await controlValue(p, '1/2'), 'ng');
    await p.fill('[data-cluster="1/3"]', '08:00');
    await p.fill('[data-cluster="1/4"]', '17:30');
    assert.equal(await d.drawn('1/5'), '8:30', 'the duration less the break, worked out on the device');
    await d.type('1/6', 'SN-0042');                            // typed: headless Chromium has no BarcodeDetector
    await d.tap('1/7');
    await p.fill('.panel input[type=search]', 'ボルト');
    await p.waitForSelector('.panel [data-record="P-1"]');
    assert.equal(await p.locator('.panel [data-record]').count(), 1, 'the search found the one bolt');
    await p.click('.panel [data-record="P-1"]');
    assert.equal(await controlValue(p, '1/8'), 'ボルト M8', 'the MasterSelect filled its linked clusters');
    assert.equal(await controlValue(p, '1/9'), '12.5');
    await d.tap('1/10');
    await p.click('.panel [data-record="P-3"]');
    await d.type('1/11', '12345678');
    await d.stroke('1/12');
    await d.ok();
    await p.check('[data-cluster="1/13"]');
    await d.shot('08-every-type');
    await p.click('[data-action=complete]');
    await d.waitState('waiting');
    await p.click('[data-action=copy]');
    await p.waitForFunction((old) => !location.hash.includes(old), ids.every);
    await p.waitForSelector('.sheet-frame');
    ids.copy = await d.reportId();
    assert.notEqual(ids.copy, ids.every);
    assert.equal(await controlValue(p, '1/8'), 'ボルト M8', 'copyOnDuplicate values are copied');
    assert.equal(await controlValue(p, '1/11'), '12345678');
    assert.equal(await controlValue(p, '1/6'), '', 'the others are not');
    await p.click('[data-action=save]');
    await d.waitState('waiting');
    await d.back();
    await d.waitOutbox(15, 10_000);   // every type: create, drawing, completion; the copy: create
    assert.deepEqual(new Set(await p.locator('li.report [data-sync]').evaluateAll((els) => els.map((e) => e.dataset.sync))), new Set(['waiting']));
    await d.shot('09-waiting-to-send');
  });

  // ---------------------------------------------------------------- 4
  test(`${label} 4. the browser closed and opened again, still offline: every value, photo and change is there`, T, async () => {
    const before = await d.outbox();
    await closeBrowser();
    await launch();
    const p = page();
    await b.context.setOffline(true);
    await p.goto(ctx.appUrl, { waitUntil: 'load' });
    await p.waitForSelector('#my-reports li.report');
    assert.equal(await p.locator('#my-reports li.report').count(), 5);
    assert.equal(await d.outbox(), before);
    await d.openReport(ids.r1);
    assert.equal(await d.drawn('1/6'), '9.5 MPa');
    assert.equal(await d.drawn('1/4'), 'PRESS07');
    assert.match(await p.getAttribute('#v-2-0 image', 'href'), /^blob:/, 'the photo is on the device');
    assert.match(await p.getAttribute('#v-2-1 image', 'href'), /^blob:/, 'and the handwriting');
    await d.shot('10-reopened-offline');
    await d.back();
  });

  // ---------------------------------------------------------------- 5
  test(`${label} 5. online: the outbox is sent and every report arrives exactly once, with its attachments`, T, async () => {
    const p = page();
    await b.context.setOffline(false);
    await d.waitOutbox(0);
    await p.waitForFunction(() => [...document.querySelectorAll('li.report [data-sync]')].every((e) => e.dataset.sync === 'sent'));
    await d.shot('11-all-sent');

    const inspection = await serverReports(ctx, ctx.defs.inspection.id);
    assert.equal(inspection.length, 3, 'three reports, no duplicate');
    const byMachine = Object.fromEntries(inspection.map((r) => [valueOf(r, 1, 4), r]));
    assert.deepEqual(Object.keys(byMachine).sort(), ['DRILL03', 'LATHE12', 'PRESS07']);
    const r1 = byMachine.PRESS07, r2 = byMachine.LATHE12, r3 = byMachine.DRILL03;
    assert.deepEqual([r1.id, r2.id, r3.id], [ids.r1, ids.r2, ids.r3], 'the ids the device made');
    assert.equal(r1.status, 'applying');
    assert.equal(r1.stage, 1);
    assert.equal(valueOf(r1, 1, 1), ids.yesterday);
    assert.equal(valueOf(r1, 1, 5), 'night');
    assert.equal(valueOf(r1, 1, 6), '9.5');
    assert.ok(r1.values.find((v) => v.sheet === 1 && v.cluster === 6).out_of_normal);
    assert.equal(valueOf(r1, 1, 7), '42.0');
    assert.equal(valueOf(r1, 1, 8), '1');
    assert.equal(valueOf(r1, 1, 10), 'noise\tleak');
    assert.equal(valueOf(r1, 1, 13), '2.44', 'the server computed what the device showed');
    assert.equal(valueOf(r1, 1, 14), 'ベルトの張りを確認。始動時に異音あり。\nBelt tension checked; slight noise at start-up.');
    assert.equal(valueOf(r1, 1, 15), '35.681236,139.767125');
    assert.match(valueOf(r1, 2, 2), /佐藤 花子/, 'completing signed the Create cluster');
    assert.equal(r2.status, 'editing');
    assert.equal(valueOf(r2, 1, 6), '4.0');
    assert.equal(valueOf(r2, 1, 10), 'vibration');
    assert.equal(r3.status, 'editing');
    assert.equal(valueOf(r3, 1, 2), '07:45');
    assert.equal(valueOf(r3, 1, 6), '5.5');
    for (const r of [r1, r2, r3]) {
      assert.equal(r.attachments.length, 2, `${valueOf(r, 1, 4)}: a photo and a drawing, once each`);
      const photo = r.attachments.find((a) => a.sheet === 2 && a.cluster === 0);
      const sketch = r.attachments.find((a) => a.sheet === 2 && a.cluster === 1);
      assert.equal(photo.content_type, 'image/jpeg', 'the camera picture was made a JPEG');
      assert.equal(sketch.content_type, 'image/png');
      for (const a of [photo, sketch]) {
        const got = await download(ctx, `/reports/${r.id}/attachments/${a.sheet}/${a.cluster}`);
        assert.equal(got.status, 200);
        assert.equal(createHash('sha256').update(got.body).digest('hex'), a.sha256, 'the bytes the device sent, whole');
        if (a === photo) {
          const size = jpegSize(got.body);
          assert.ok(size && size.width === 2560 && Math.abs(size.height - 1707) <= 1, `3000 x 2000 scaled down on the device: ${JSON.stringify(size)}`);
        }
      }
    }

    const every = await serverReports(ctx, ctx.defs.every.id);
    assert.equal(every.length, 2, 'the every-type report and its copy, once each');
    const e = every.find((x) => x.id === ids.every), c = every.find((x) => x.id === ids.copy);
    assert.equal(e.status, 'completed');
    const ev = (k) => valueOf(e, 1, k);
    assert.deepEqual([ev(1), ev(2), ev(3), ev(4), ev(5), ev(6), ev(7), ev(8), ev(9), ev(10), ev(11), ev(13)],
      ['20', 'ng', '08:00', '17:30', '8:30', 'SN-0042', 'P-1', 'ボルト M8', '12.5', 'P-3', '12345678', '1']);
    assert.match(ev(14), /"name":"佐藤 花子"/, 'completing signed the Inspect cluster');
    assert.equal(ev(15), USERS.inspector.name);
    assert.deepEqual(e.attachments.map((a) => [a.sheet, a.cluster, a.content_type]), [[1, 12, 'image/png']]);
    assert.equal(c.status, 'editing');
    assert.equal(valueOf(c, 1, 8), 'ボルト M8');
    assert.equal(valueOf(c, 1, 11), '12345678');
    assert.equal(valueOf(c, 1, 6) || '', '');

    // searching my reports
    await p.fill('#report-search', 'DRILL03');
    await p.waitForFunction(() => document.querySelectorAll('#my-reports li.report').length === 1);
    assert.equal(await p.getAttribute('#my-reports li.report', 'data-report'), ids.r3);
    await d.shot('12-search');
    await p.fill('#report-search', '');
    await p.waitForFunction(() => document.querySelectorAll('#my-reports li.report').length === 5);
  });

  // ---------------------------------------------------------------- 6
  test(`${label} 6. a value changed in the console meanwhile is a conflict the user sees and resolves`, T, async () => {
    const p = page();
    await b.context.setOffline(true);
    // the plant manager changes report 2 in the console: the machine number and the temperature
    const con = await openBrowser({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
    try {
      const base = `${stackEnv().GENBA_URL}/${ctx.tenant}/manager`;
      await con.page.goto(`${base}/login`, { waitUntil: 'load' });
      await con.page.fill('#login', USERS.manager.login);
      await con.page.fill('#password', USERS.manager.password);
      await Promise.all([con.page.waitForNavigation({ waitUntil: 'load' }), con.page.click('#signin')]);
      await con.page.goto(`${base}/reports/${ids.r2}`, { waitUntil: 'load' });
      await con.page.fill('#f-1-4', 'CONSOLE1');
      await con.page.fill('#f-1-7', '55');
      const [r] = await Promise.all([con.page.waitForNavigation({ waitUntil: 'load' }), con.page.click('#save-values')]);
      assert.equal(r.status(), 200);
    } finally {
      await con.close();
    }
    // meanwhile, offline, the inspector changes the machine number too
    await d.openReport(ids.r2);
    await d.type('1/4', 'TABLET2');
    await d.ok();
    await p.click('[data-action=save]');
    await d.waitState('waiting');
    await d.waitOutbox(1, 10_000);
    await b.context.setOffline(false);
    await p.waitForSelector('[data-notice=conflict]', { timeout: 60_000 });
    const items = await p.locator('[data-notice=conflict] .conflict-item').evaluateAll((els) => els.map((e) => e.dataset.key));
    assert.deepEqual(items, ['1/4'], 'only the item both changed; the temperature only the console changed is not a conflict');
    const text = await p.textContent('[data-notice=conflict]');
    assert.ok(text.includes('TABLET2') && text.includes('CONSOLE1') && text.includes(USERS.manager.login), text);
    assert.equal(await p.getAttribute('.rtools [data-sync]', 'data-sync'), 'conflict');
    assert.match(await d.classOf('1/4'), /\bconflict\b/);
    assert.equal(await p.isDisabled('[data-action=resolve]'), true, 'a choice is needed first');
    assert.equal(await d.outbox(), '1', 'nothing is sent over the console\'s change');
    await d.shot('13-conflict');
    await p.check('[data-conflict="1/4"][data-choice=mine]');
    await p.click('[data-action=resolve]');
    await d.waitOutbox(0);
    await p.waitForSelector('[data-notice=conflict]', { state: 'detached' });
    await d.waitState('sent');
    assert.equal(await d.drawn('1/7'), '55.0 °C', 'the console\'s temperature came in');
    assert.equal(await d.drawn('1/4'), 'TABLET2');
    const r = await ctx.api('GET', `/reports/${ids.r2}`, { token: ctx.adminToken });
    assert.equal(valueOf(r.json, 1, 4), 'TABLET2', 'the user\'s choice');
    assert.equal(valueOf(r.json, 1, 7), '55.0', 'the console\'s change kept');
    await d.shot('14-conflict-resolved');
    await d.back();
  });

  // ---------------------------------------------------------------- 7
  test(`${label} 7. a rejection reaches the tablet with its comment; corrected and applied for again`, T, async () => {
    const p = page();
    await d.openReport(ids.r1);
    await p.waitForSelector('[data-notice=readonly]');
    assert.equal(await p.isDisabled('[data-action=save]'), true, 'awaiting approval: read-only');
    await d.back();
    const comment = `圧力が基準値を超えています。再点検して再申請してください。(${label})`;
    const foreman = await deviceToken(ctx, USERS.foreman, `iPad 班長 ${label}`);
    const cur = await ctx.api('GET', `/reports/${ids.r1}`, { token: foreman });
    assert.equal(cur.status, 200, cur.text);
    const rej = await ctx.api('POST', `/reports/${ids.r1}/approvals`, {
      token: foreman, headers: { 'If-Match': cur.headers.etag, 'Idempotency-Key': randomUUID() }, body: { stage: 1, action: 'reject', comment },
    });
    assert.equal(rej.status, 200, rej.text);
    await p.click('[data-action=sync]');
    await p.waitForSelector(`li.report[data-report="${ids.r1}"] [data-status=rejected]`, { timeout: 60_000 });
    await d.shot('15-rejected-list');
    await d.openReport(ids.r1);
    await p.waitForSelector('[data-notice=rejected]');
    assert.equal((await p.textContent('[data-notice=rejected] [data-reject-comment]')).trim(), comment);
    assert.ok((await p.textContent('[data-notice=rejected]')).includes(USERS.foreman.name));
    assert.equal(await p.isDisabled('[data-action=save]'), false, 'rejected: the applicant may change it again');
    await d.shot('16-rejected-comment');
    await d.keypad('1/6', ['5', '.', '5']);
    assert.equal(await p.locator('.panel [data-flag=out-of-normal]').count(), 0);
    await d.ok();
    assert.doesNotMatch(await d.classOf('1/6'), /\boon\b/);
    await p.click('[data-action=complete]');
    await d.waitOutbox(0);
    await p.waitForFunction(() => document.querySelector('.rtools [data-status]')?.dataset.status === 'applying');
    const r = await ctx.api('GET', `/reports/${ids.r1}`, { token: ctx.adminToken });
    assert.equal(r.json.status, 'applying');
    assert.equal(r.json.stage, 1);
    assert.equal(valueOf(r.json, 1, 6), '5.5');
    assert.deepEqual(r.json.approvals.map((a) => a.action), ['apply', 'reject', 'apply']);
    await d.shot('17-applied-again');
    await d.back();
  });

  // ---------------------------------------------------------------- 8
  test(`${label} 8. the other language; no page error or CSP violation all along`, T, async () => {
    const p = page();
    const other = lang === 'ja' ? 'en' : 'ja';
    await p.click('.bar button.lang');
    await p.waitForFunction((l) => document.documentElement.lang === l, other);
    await p.waitForSelector('#my-reports li.report');
    await d.shot(`18-home-${other}`);
    await d.openReport(ids.r2);
    await d.tap('1/6');
    await d.shot(`19-report-${other}`);
    await d.ok();
    await d.back();
    await p.click('.bar button.lang');
    await p.waitForFunction((l) => document.documentElement.lang === l, lang);
    await closeBrowser();
    for (const pr of problemLog) assert.ok(noProblems(pr), `page errors, CSP violations or unexpected console lines:\n${JSON.stringify(pr, null, 2)}`);
  });
}
