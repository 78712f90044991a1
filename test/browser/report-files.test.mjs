// genba browser tests: a report's PDF and Excel downloads in the console.
//
// A tenant of its own, the daily inspection sample published and one report
// made over the API.  In Chromium, in Japanese and in English: the report
// page shows the download links; "PDF" and "Excel" download files that are
// a PDF and an XLSX (zip) named after the report; the options (pages,
// history) download a PDF of the page asked for; a backwards range shows the
// error page in the page's language.  Screenshots in test/browser/screenshots/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackEnv, createTenant, stackRequest, openBrowser, unexpectedProblems, noProblems, screenshot } from './lib.mjs';

const TENANT = `brw-files-${Date.now().toString(36)}`;
const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples');
const PW = 'Report-files-77';
const T = { timeout: 120_000 };
let base, reportId, b;
after(async () => { if (b) await b.close(); });

const api = (method, p, { token, body, headers = {} } = {}) =>
  stackRequest(method, `/${TENANT}/api/v1${p}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers }, body });

test('setup: a tenant, the daily sample, one report', T, async () => {
  const env = stackEnv();
  base = `${env.GENBA_URL}/${TENANT}/manager`;
  const t = createTenant(TENANT, 'ファイル株式会社', `ops@${TENANT}.example`);
  let r = await api('POST', '/sessions', { body: { user: 'admin', password: t.admin.password } });
  assert.equal(r.status, 201, r.text);
  r = await api('POST', '/account/password', { token: r.json.token, body: { current: t.admin.password, new: PW } });
  assert.equal(r.status, 204, r.text);
  const token = (await api('POST', '/sessions', { body: { user: 'admin', password: PW } })).json.token;
  for (const name of ['foremen', 'managers'])   // the sample's approval stages name them
    assert.equal((await api('POST', '/groups', { token, body: { name } })).status, 201);
  const xml = fs.readFileSync(path.join(SAMPLES, 'daily-inspection.xml'));
  r = await api('POST', '/definitions', { token, body: xml, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(r.status, 201, r.text);
  const def = r.json.id;
  assert.equal((await api('POST', `/definitions/${def}/status`, { token, body: { status: 'published' } })).status, 200);
  reportId = randomUUID();
  r = await api('POST', '/reports', {
    token, headers: { 'Idempotency-Key': randomUUID() },
    body: { id: reportId, definition_id: def, definition_revision: 1, action: 'save',
      values: [{ sheet: 1, cluster: 4, value: 'PRESS07' }, { sheet: 1, cluster: 5, value: 'night' }, { sheet: 1, cluster: 6, value: '7.2' }] },
  });
  assert.equal(r.status, 201, r.text);
});

async function signIn(locale) {
  if (b) await b.close();
  b = await openBrowser({ locale, viewport: { width: 1280, height: 900 }, contextOptions: { acceptDownloads: true } });
  b.page.setDefaultTimeout(20_000);
  await b.page.goto(`${base}/login`, { waitUntil: 'load' });
  await b.page.fill('#login', 'admin');
  await b.page.fill('#password', PW);
  await Promise.all([b.page.waitForNavigation({ waitUntil: 'load' }), b.page.click('#signin')]);
}

async function download(click) {
  const [d] = await Promise.all([b.page.waitForEvent('download'), click()]);
  const file = await d.path();
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(file) };
}

for (const [locale, words] of [['ja-JP', { dl: 'ダウンロード', hist: '変更履歴を含める', err: 'ページ' }], ['en-US', { dl: 'Download', hist: 'with the change history', err: 'Pages must be' }]]) {
  test(`the report page's downloads (${locale}): PDF, Excel, the options, a bad range`, T, async () => {
    await signIn(locale);
    const r = await b.page.goto(`${base}/reports/${reportId}`, { waitUntil: 'load' });
    assert.equal(r.status(), 200);
    const dd = b.page.locator('dd.downloads');
    assert.match(await b.page.locator('dl.facts').innerText(), new RegExp(words.dl));
    await dd.locator('summary').click();
    assert.match(await dd.innerText(), new RegExp(words.hist));
    await screenshot(b.page, `report-files-${locale}`);
    let f = await download(() => b.page.click('#download-pdf'));
    assert.equal(f.bytes.subarray(0, 5).toString(), '%PDF-');
    assert.match(f.name, /^設備日常点検表 Daily equipment inspection .*\.pdf$/);
    f = await download(() => b.page.click('#download-xlsx'));
    assert.equal(f.bytes.subarray(0, 2).toString(), 'PK');
    assert.match(f.name, /\.xlsx$/);
    await b.page.fill('#pdf-pages', '2');
    await b.page.check('#pdf-history');
    f = await download(() => b.page.click('#download-pdf-options'));
    assert.equal(f.bytes.subarray(0, 5).toString(), '%PDF-');
    assert.equal((f.bytes.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length, 1, 'one page');
    const e = await b.page.goto(`${base}/reports/${reportId}/pdf?pages=3-1`, { waitUntil: 'load' });
    assert.equal(e.status(), 400);
    assert.match(await b.page.locator('body').innerText(), new RegExp(words.err));
    // (a form's navigation that turns into a download is "aborted" as a navigation)
    b.problems.failedRequests = b.problems.failedRequests.filter((x) => !(x.error === 'net::ERR_ABORTED' && /\/pdf\?pages=2&history=1$/.test(x.url)));
    const p = unexpectedProblems(b.problems, { documentUrl: e.url(), documentStatus: 400 });
    assert.ok(noProblems(p), JSON.stringify(p, null, 2));
  });
}
