// genba browser tests: a sync that fails halfway.
//
// The tablet saves four reports offline (a create and a photo each: eight
// operations in its outbox), then comes online. The third operation (the
// second report's create) reaches the server, which commits it, but its
// answer never reaches the tablet: the test delivers that request itself,
// then kills genba-fcgi (master and workers, SIGKILL) and resets the
// tablet's connection. The tablet meets a dead server (nginx answers 503)
// and keeps trying with backoff; the server is started again. In the end
// every report is on the server exactly once with its photo, and the
// request whose answer was lost was answered from the server's idempotency
// record (Idempotent-Replayed) instead of making a second report.
//
// Restarts genba-fcgi (test/stack fcgi-restart). Needs a running stack:
// GENBA_STACK_ENV=DIR/stack.env.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openBrowser, stackEnv, stackRequest, noProblems, HERE } from './lib.mjs';
import { USERS, setUpTenant, serverReports, valueOf, appProblems, driver, png, tokyoDate } from './tablet-lib.mjs';

const T = { timeout: 300_000 };
let ctx, b, d;
const writes = [];          // every report write the tablet made: { method, path, key }
const answers = [];         // what it got back: { method, path, status, replayed }
let lost = null;            // the write delivered by the test whose answer was lost

before(async () => { ctx = await setUpTenant('tab-fault'); });
after(async () => {
  if (b) await b.close();
  // whatever happened, leave genba-fcgi running for the tests after this one
  if (!alive(pidOf())) restartServer();
});

function pidOf() {
  try { return Number(fs.readFileSync(stackEnv().GENBA_FCGI_PIDFILE, 'utf8').trim()); } catch { return 0; }
}
function alive(pid) {
  if (!pid) return false;
  try { process.kill(pid, 0); return true; } catch { return false; }
}
/** SIGKILL to genba-fcgi's master and every worker: requests in flight die with them. */
function killServer() {
  const master = pidOf();
  assert.ok(alive(master), 'genba-fcgi runs');
  const kids = spawnSync('pgrep', ['-P', String(master)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  assert.ok(kids.length > 0, 'it has workers');
  for (const pid of [...kids, master]) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone already */ } }
}
function restartServer() {
  const env = stackEnv();
  const build = path.dirname(env.GENBA_CTL.split(' ')[0]);
  const r = spawnSync(path.resolve(HERE, '../stack'), ['fcgi-restart', env.GENBA_DIR], { encoding: 'utf8', env: { ...process.env, GENBA_BUILD: build } });
  assert.equal(r.status, 0, r.stderr);
}

test('the tablet saves four reports with photos offline', T, async () => {
  b = await openBrowser({ serviceWorkers: 'allow', viewport: { width: 1080, height: 810 }, locale: 'ja-JP', contextOptions: { hasTouch: true } });
  b.page.setDefaultTimeout(30_000);
  d = driver(b.page, 'tablet-fault');
  const p = b.page;
  await p.goto(ctx.appUrl, { waitUntil: 'load' });
  await p.fill('form.signin [name=login]', USERS.inspector.login);
  await p.fill('form.signin [name=password]', USERS.inspector.password);
  await p.click('[data-action="sign-in"]');
  await p.waitForSelector('[data-state=device-pending]');
  const pending = await ctx.api('GET', '/devices?status=pending', { token: ctx.adminToken });
  assert.equal(pending.json.devices.length, 1);
  assert.equal((await ctx.api('POST', `/devices/${pending.json.devices[0].id}/approve`, { token: ctx.adminToken })).status, 200);
  await p.click('[data-action=check-approval]');
  await p.waitForSelector(`[data-action=new][data-definition="${ctx.defs.inspection.id}"]`);
  await p.waitForFunction(() => /\d{4}[-/]\d{2}[-/]\d{2}/.test(document.querySelector('.defs-card .meta')?.textContent || ''));

  await b.context.setOffline(true);
  for (let i = 1; i <= 4; i++) {
    await p.click(`[data-action=new][data-definition="${ctx.defs.inspection.id}"]`);
    await p.waitForSelector('.sheet-frame');
    await p.fill('[data-cluster="1/1"]', tokyoDate(-1));
    await p.fill('[data-cluster="1/4"]', `FAULT0${i}`);
    await p.fill('[data-cluster="1/6"]', `${i}.5`);
    await p.setInputFiles('[data-cluster="2/0"]', { name: `IMG_${i}.png`, mimeType: 'image/png', buffer: png(800, 600, (x, y) => [x % 256, y % 256, (i * 60) % 256]) });
    await p.waitForFunction(() => document.querySelector('#v-2-0 image'));
    await p.click('[data-action=save]');
    await d.waitState('waiting');
    await d.back();
  }
  await d.waitOutbox(8, 10_000);
  await d.shot('01-eight-waiting');
});

test('the server dies halfway through the outbox and loses an answer; the tablet resends without duplicates', T, async () => {
  const p = b.page;
  p.on('response', async (res) => {
    const u = new URL(res.url());
    if (!/\/api\/v1\/reports/.test(u.pathname) || !['POST', 'PUT'].includes(res.request().method())) return;
    answers.push({ method: res.request().method(), path: u.pathname, status: res.status(), replayed: (await res.allHeaders())['idempotent-replayed'] === 'true' });
  });
  await p.route('**/api/v1/reports**', async (route, req) => {
    if (!['POST', 'PUT'].includes(req.method())) return route.continue();
    const headers = await req.allHeaders();
    writes.push({ method: req.method(), path: new URL(req.url()).pathname, key: headers['idempotency-key'] || null });
    if (writes.length !== 3 || lost) return route.continue();
    // the third write reaches the server, which commits it ...
    const pass = {};
    for (const h of ['authorization', 'content-type', 'idempotency-key', 'if-match']) if (headers[h]) pass[h] = headers[h];
    const r = await stackRequest(req.method(), new URL(req.url()).pathname, { headers: pass, body: req.postDataBuffer() });
    lost = { method: req.method(), path: new URL(req.url()).pathname, key: headers['idempotency-key'], status: r.status };
    // ... then the server dies, and the answer never reaches the tablet
    killServer();
    return route.abort('connectionreset');
  });

  await b.context.setOffline(false);
  // the tablet meets the dead server: nginx answers 503 and the outbox waits
  const deadline = Date.now() + 120_000;
  while (!answers.some((a) => a.status === 503) && Date.now() < deadline) await p.waitForTimeout(200);
  assert.ok(lost, 'the third write was delivered and its answer lost');
  assert.deepEqual([lost.method, lost.status], ['POST', 201], 'it was the second report\'s create, committed by the server');
  assert.ok(answers.some((a) => a.status === 503), 'the tablet tried again while the server was down');
  assert.notEqual(await d.outbox(), '0', 'the outbox waits');
  await d.shot('02-server-down');

  restartServer();
  await p.click('[data-action=sync]');   // no need to wait for the backoff
  await d.waitOutbox(0);

  // the lost write was sent again with the same key and answered from the server's record
  const again = writes.filter((w) => w.key === lost.key);
  assert.ok(again.length >= 2, `the create was sent again with its key: ${JSON.stringify(again)}`);
  assert.ok(answers.some((a) => a.method === 'POST' && a.status === 201 && a.replayed), 'answered as a replay');

  const got = await serverReports(ctx, ctx.defs.inspection.id);
  assert.equal(got.length, 4, 'four reports, not five');
  assert.deepEqual(got.map((r) => valueOf(r, 1, 4)).sort(), ['FAULT01', 'FAULT02', 'FAULT03', 'FAULT04']);
  for (const r of got) {
    assert.equal(r.attachments.length, 1, `${valueOf(r, 1, 4)}: one photo`);
    assert.equal(r.attachments[0].content_type, 'image/jpeg');
  }
  await p.waitForFunction(() => [...document.querySelectorAll('li.report [data-sync]')].every((e) => e.dataset.sync === 'sent'));
  await d.shot('03-all-sent');
  const pr = appProblems(b.problems);
  assert.ok(noProblems(pr), JSON.stringify(pr, null, 2));
});

test('a change the server refuses is shown with its reasons; corrected, it is sent', T, async () => {
  const p = b.page;
  await b.context.setOffline(true);
  // offline, a part is chosen from the master data on the device ...
  await p.click(`[data-action=new][data-definition="${ctx.defs.every.id}"]`);
  await p.waitForSelector('.sheet-frame');
  const id = await d.reportId();
  await d.tap('1/7');
  await p.click('.panel [data-record="P-2"]');
  await d.ok();
  assert.equal(await d.drawn('1/8'), 'ナット M8');
  await p.check('[data-cluster="1/13"]');
  await p.click('[data-action=save]');
  await d.waitState('waiting');
  // ... which the office removes from the master meanwhile
  const up = await ctx.api('POST', '/masters?name=parts', { token: ctx.adminToken, body: 'code,name,price:number\nP-1,ボルト M8,12.5\nP-3,ワッシャー M8,1.2\n', headers: { 'Content-Type': 'text/csv' } });
  assert.equal(up.status, 200, up.text);
  await b.context.setOffline(false);
  await p.waitForSelector('[data-notice=refused]', { timeout: 60_000 });
  assert.equal(await p.getAttribute('.rtools [data-sync]', 'data-sync'), 'refused');
  const notice = await p.textContent('[data-notice=refused]');
  assert.ok(notice.includes('part'), notice);
  assert.match(await d.classOf('1/7'), /\bbad\b/, 'the refused item is marked on the sheet');
  assert.equal(await d.outbox(), '1', 'the refused change waits, kept');
  await d.shot('04-refused');
  // the device's master data follows the office's (refreshed when it came online): P-2 is gone
  await d.tap('1/7');
  await p.waitForSelector('.panel [data-record="P-1"]');
  assert.equal(await p.locator('.panel [data-record="P-2"]').count(), 0);
  await d.shot('05-landscape-panel');   // a tablet held sideways: the panel beside the sheet
  await p.click('.panel [data-record="P-1"]');
  await d.ok();
  await p.click('[data-action=save]');
  await d.waitOutbox(0);
  await d.waitState('sent');
  const r = await ctx.api('GET', `/reports/${id}`, { token: ctx.adminToken });
  assert.equal(r.status, 200, r.text);
  assert.equal(valueOf(r.json, 1, 7), 'P-1');
  assert.equal(valueOf(r.json, 1, 8), 'ボルト M8');
  await d.shot('06-refused-corrected');
  await d.back();
  const pr = appProblems(b.problems);
  assert.ok(noProblems(pr), JSON.stringify(pr, null, 2));
});
