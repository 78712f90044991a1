// genba browser tests: background exports from the console (issue 11).
//
// A tenant of its own with 400 daily-inspection reports (the bulk path of
// test/integration/exports-lib.mjs; half of them completed).  In Chromium,
// in Japanese and then in English (the browser's language; the same steps,
// each language's labels): filter the report list (status completed), start a zip of
// PDFs of that filter, watch the exports page's progress bar move (its
// value read while the runner works), download the file when it is done
// and open it (python3's zipfile: one PDF per completed report); start
// another and cancel it.  Screenshots in test/browser/screenshots/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackEnv, createTenant, stackRequest, openBrowser, unexpectedProblems, noProblems, screenshot } from './lib.mjs';
import { bulkReports, zipEntries } from '../integration/exports-lib.mjs';

const TENANT = `brw-exp-${Date.now().toString(36)}`;
const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples');
const PW = 'Exports-browser-77';
const T = { timeout: 240_000 };
let base, b;
after(async () => { if (b) await b.close(); });

// The console's words each run looks for (templates/lang/ja.hdf, en.hdf).
const LANGS = [
  { lang: 'ja', locale: 'ja-JP', started: /エクスポートを開始しました/, cancelledNote: /エクスポートを中止しました/,
    chosen: /· 2 件を選択/, done: /完了/, cancelled: /中止/ },
  { lang: 'en', locale: 'en-US', started: /The export was started\./, cancelledNote: /The export was cancelled\./,
    chosen: /· 2 chosen reports/, done: /^Done/, cancelled: /^Cancelled/ },
];

const api = (method, p, { token, body, headers = {} } = {}) =>
  stackRequest(method, `/${TENANT}/api/v1${p}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers }, body });

test('setup: a tenant, the daily sample, 400 reports', T, async () => {
  const env = stackEnv();
  base = `${env.GENBA_URL}/${TENANT}/manager`;
  const t = createTenant(TENANT, 'エクスポート株式会社', `ops@${TENANT}.example`);
  let r = await api('POST', '/sessions', { body: { user: 'admin', password: t.admin.password } });
  assert.equal(r.status, 201, r.text);
  r = await api('POST', '/account/password', { token: r.json.token, body: { current: t.admin.password, new: PW } });
  assert.equal(r.status, 204, r.text);
  const token = (await api('POST', '/sessions', { body: { user: 'admin', password: PW } })).json.token;
  for (const name of ['foremen', 'managers'])
    assert.equal((await api('POST', '/groups', { token, body: { name } })).status, 201);
  const xml = fs.readFileSync(path.join(SAMPLES, 'daily-inspection.xml'));
  r = await api('POST', '/definitions', { token, body: xml, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await api('POST', `/definitions/${r.json.id}/status`, { token, body: { status: 'published' } })).status, 200);
  bulkReports(TENANT, r.json.id, 400, { prefix: 'BRW' });
});

for (const L of LANGS) test(`filter the list, export it, watch the bar move, download and open the file; cancel another (${L.lang})`, T, async () => {
  if (b) await b.close();
  b = await openBrowser({ locale: L.locale, viewport: { width: 1280, height: 900 }, contextOptions: { acceptDownloads: true } });
  const page = b.page;
  const shot = (name) => screenshot(page, L.lang === 'ja' ? name : `${name}-${L.lang}`);
  page.setDefaultTimeout(30_000);
  await page.goto(`${base}/login`, { waitUntil: 'load' });
  await page.fill('#login', 'admin');
  await page.fill('#password', PW);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#signin')]);
  await page.goto(`${base}/reports`, { waitUntil: 'load' });
  assert.equal(await page.getAttribute('html', 'lang'), L.lang);
  await page.selectOption('#f-status', 'completed');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#apply-report-filter')]);
  assert.match(page.url(), /status=completed/);
  assert.equal(await page.locator('#export-form input[name=status]').getAttribute('value'), 'completed');
  await page.selectOption('#export-format', 'pdf_zip');
  await shot('exports-report-list');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#export-filter')]);
  assert.match(page.url(), /\/manager\/exports\?done=export_started$/);
  assert.match(await page.locator('body').innerText(), L.started);
  assert.equal(await page.getAttribute('html', 'lang'), L.lang);
  const row = page.locator('#exports tbody tr').first();
  // the bar moves while the runner works (the page asks every second)
  const seen = new Set();
  const end = Date.now() + 180_000;
  for (;;) {
    const status = await row.getAttribute('data-status');
    const v = Number(await row.locator('.ex-bar').getAttribute('value'));
    if (v > 0 && v < 100) seen.add(v);
    if (seen.size === 1) await shot('exports-running');
    if (status === 'done') break;
    assert.ok(['queued', 'running'].includes(status), status);
    assert.ok(Date.now() < end, 'the export did not finish');
    await page.waitForTimeout(250);
  }
  assert.ok(seen.size >= 2, `the bar moved through ${[...seen].join(', ')}`);
  assert.equal(await row.locator('.ex-bar').getAttribute('value'), '100');
  assert.match(await row.locator('.ex-count').innerText(), /^200 \/ 200$/);
  assert.match(await row.locator('.ex-status').innerText(), L.done);
  await shot('exports-done');
  const [d] = await Promise.all([page.waitForEvent('download'), row.locator('.ex-download').click()]);
  assert.match(d.suggestedFilename(), /^reports-\d{4}-\d{2}-\d{2}-pdf\.zip$/);
  const entries = zipEntries(fs.readFileSync(await d.path()));
  assert.equal(entries.length, 200);
  assert.ok(entries.every((e) => Buffer.from(e.head, 'hex').toString('latin1').startsWith('%PDF-')));

  // two more: the second waits behind the first; cancel it
  await page.goto(`${base}/reports?status=completed`, { waitUntil: 'load' });
  await page.selectOption('#export-format', 'pdf_zip');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#export-filter')]);
  await page.goto(`${base}/reports`, { waitUntil: 'load' });
  await page.locator('#reports tbody input[name=ids]').nth(0).check();
  await page.locator('#reports tbody input[name=ids]').nth(1).check();
  await page.selectOption('#export-format', 'pdf_zip');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#export-selected')]);
  const second = page.locator('#exports tbody tr').first();
  assert.match(await second.locator('td').first().innerText(), L.chosen);
  assert.ok(['queued', 'running'].includes(await second.getAttribute('data-status')));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), second.locator('.ex-cancel button').click()]);
  assert.match(await page.locator('body').innerText(), L.cancelledNote);
  const cancelled = page.locator('#exports tbody tr').first();
  assert.equal(await cancelled.getAttribute('data-status'), 'cancelled');
  assert.match(await cancelled.locator('.ex-status').innerText(), L.cancelled);
  assert.equal(await cancelled.locator('.ex-download').isHidden(), true);
  await shot('exports-cancelled');
  const p = unexpectedProblems(b.problems, { documentUrl: page.url(), documentStatus: 200 });
  assert.ok(noProblems(p), JSON.stringify(p, null, 2));
});
