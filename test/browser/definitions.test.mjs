// genba browser tests: form definitions in the console.  An administrator
// uploads the inspection sample, looks at the drawn preview of its sheets,
// publishes it, and sees a broken upload refused with every problem listed.
//
// Needs a running stack: GENBA_STACK_ENV=DIR/stack.env (test/stack up DIR).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackEnv, createTenant, stackRequest, openBrowser, unexpectedProblems, noProblems, screenshot } from './lib.mjs';

const TENANT = `brw-def-${Date.now().toString(36)}`;
const ADMIN_PW = 'Inspection-form-88';
const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples');
const T = { timeout: 120_000 };
let env, base, b, defId;

before(async () => {
  env = stackEnv();
  base = `${env.GENBA_URL}/${TENANT}/manager`;
  const admin = createTenant(TENANT, '検査工業 Inspection Works', `ops@${TENANT}.example`).admin;
  // the administrator's first password change and the sample's approval groups, over the API
  let r = await stackRequest('POST', `/${TENANT}/api/v1/sessions`, { body: { user: 'admin', password: admin.password } });
  assert.equal(r.status, 201, r.text);
  r = await stackRequest('POST', `/${TENANT}/api/v1/account/password`, {
    headers: { Authorization: `Bearer ${r.json.token}` }, body: { current: admin.password, new: ADMIN_PW },
  });
  assert.equal(r.status, 204, r.text);
  r = await stackRequest('POST', `/${TENANT}/api/v1/sessions`, { body: { user: 'admin', password: ADMIN_PW } });
  for (const name of ['foremen', 'managers'])
    assert.equal((await stackRequest('POST', `/${TENANT}/api/v1/groups`, { headers: { Authorization: `Bearer ${r.json.token}` }, body: { name } })).status, 201);
  b = await openBrowser({ locale: 'en-US' });
  b.page.setDefaultTimeout(15_000);
  await b.page.goto(`${base}/login`, { waitUntil: 'load' });
  await b.page.fill('#login', 'admin');
  await b.page.fill('#password', ADMIN_PW);
  await Promise.all([b.page.waitForNavigation({ waitUntil: 'load' }), b.page.click('#signin')]);
});

after(async () => { if (b) await b.close(); });

function assertNoProblems(opts) {
  const p = unexpectedProblems(b.problems, opts);
  for (const k of Object.keys(b.problems)) b.problems[k].length = 0;
  assert.ok(noProblems(p), `console errors, CSP violations or failed requests:\n${JSON.stringify(p, null, 2)}`);
}
const submit = (selector) => Promise.all([b.page.waitForNavigation({ waitUntil: 'load' }), b.page.click(selector)]).then(([r]) => r);

test('upload the inspection sample and see every sheet drawn', T, async () => {
  const { page } = b;
  let r = await page.goto(`${base}/definitions`, { waitUntil: 'load' });
  assert.equal(r.status(), 200);
  assert.match(await page.locator('main h1').first().textContent(), /Definitions/);
  await page.setInputFiles('#def-file', path.join(SAMPLES, 'daily-inspection.xml'));
  r = await submit('#def-upload-button');
  assert.equal(r.status(), 200);
  const m = new URL(page.url()).pathname.match(/\/definitions\/(\d+)$/);
  assert.ok(m, `sent to the definition's page: ${page.url()}`);
  defId = m[1];
  assert.match(await page.locator('main .notice').textContent(), /checked and stored as a draft/);
  assert.match(await page.locator('#def-status').textContent(), /Draft/);
  // two sheets, each an SVG at the sheet's proportions with a rectangle per cluster
  assert.equal(await page.locator('svg.sheet').count(), 2);
  const vb = await page.getAttribute('#sheet-1', 'viewBox');
  assert.equal(vb, '0 0 595 842');
  const total = await page.locator('svg.sheet .cl rect').count();
  assert.equal(total, 21, 'one rectangle per cluster');
  // the pressure field sits where the XML puts it: left 0.55, top 0.16 of an A4 sheet
  const pressure = page.locator('#sheet-1 a.cl', { has: page.locator('title', { hasText: 'pressure' }) }).locator('rect');
  assert.equal(Number(await pressure.getAttribute('x')), 327.25);
  assert.equal(Number(await pressure.getAttribute('y')), 134.72);
  // the box is drawn where it is: its on-screen box is inside the SVG's
  const sb = await page.locator('#sheet-1').boundingBox(), pb = await pressure.boundingBox();
  assert.ok(pb.x > sb.x + sb.width / 2 && pb.y > sb.y && pb.y < sb.y + sb.height / 4, JSON.stringify({ sb, pb }));
  // clicking a rectangle leads to its row in the cluster table
  await page.locator('details.clusters summary').first().click();
  await pressure.click();
  assert.match(page.url(), /#c-1-6$/);
  assert.match(await page.locator('tr#c-1-6').textContent(), /maximum: 10/);
  await page.locator('#sheet-1').scrollIntoViewIfNeeded();
  await screenshot(page, 'definition-preview');
  assertNoProblems();
});

test('publish it; the tablet API then serves it', T, async () => {
  const { page } = b;
  let r = await submit('#publish');
  assert.equal(r.status(), 200);
  assert.match(await page.locator('#def-status').textContent(), /Published/);
  assert.equal(await page.locator('#publish').count(), 0);
  await screenshot(page, 'definition-published');
  const s = await stackRequest('POST', `/${TENANT}/api/v1/sessions`, { body: { user: 'admin', password: ADMIN_PW } });
  r = await stackRequest('GET', `/${TENANT}/api/v1/definitions`, { headers: { Authorization: `Bearer ${s.json.token}` } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.definitions.map((d) => [String(d.id), d.status]), [[defId, 'published']]);
  assertNoProblems();
});

test('a broken definition is refused with every problem listed, in the user\'s language', T, async () => {
  const { page } = b;
  const broken = fs.readFileSync(path.join(SAMPLES, 'daily-inspection.xml'), 'utf8')
    .replace('<clusterId>2</clusterId>', '<clusterId>1</clusterId>')
    .replace('<minimum>0</minimum><maximum>10</maximum>', '<minimum>11</minimum><maximum>10</maximum>');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'genba-def-')), 'broken.xml');
  fs.writeFileSync(file, broken);
  await page.goto(`${base}/definitions`, { waitUntil: 'load' });
  await page.setInputFiles('#def-file', file);
  const r = await submit('#def-upload-button');
  assert.equal(r.status(), 422);
  const items = await page.locator('main .alert li').allTextContents();
  assert.ok(items.length >= 2, JSON.stringify(items));
  assert.ok(items.some((t) => /Line \d+/.test(t)), JSON.stringify(items));
  await screenshot(page, 'definition-upload-errors');
  assertNoProblems({ documentUrl: `${base}/definitions`, documentStatus: 422 });
});
