// genba browser tests: the console's first pages in a real Chromium.
//
// Needs a running stack: GENBA_STACK_ENV=DIR/stack.env (test/stack up DIR).
// Run with test/browser/run. Screenshots land in test/browser/screenshots/.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  stackEnv, ensureTenant, openBrowser, unexpectedProblems, noProblems, screenshot,
  fontsUsed, familiesCovering,
} from './lib.mjs';

const TENANT = 'browser-co';
const TENANT_NAME = 'ブラウザ株式会社';
const T = { timeout: 120_000 };

let env;
before(() => {
  env = stackEnv();
  ensureTenant(TENANT, TENANT_NAME, 'a@b.example');
});

/** Opens url in a fresh browser, runs fn(ctx), always closes the browser. */
async function visit(url, { locale = 'en-US' } = {}, fn) {
  const b = await openBrowser({ locale });
  try {
    const response = await b.page.goto(url, { waitUntil: 'networkidle' });
    assert.ok(response, `no response for ${url}`);
    return await fn({ ...b, response });
  } finally {
    await b.close();
  }
}

/** The page came over TLS with the stack's own certificate. */
async function assertOurCertificate(response) {
  const sec = await response.securityDetails();
  assert.ok(sec, 'no TLS details: was the page not loaded over https?');
  assert.equal(sec.issuer, 'genba test CA');
  assert.equal(sec.subjectName, 'localhost');
}

/** The stylesheet arrived and applies. */
async function assertStylesheet(page, responses) {
  const css = responses.filter((r) => new URL(r.url).pathname === '/static/css/genba.css');
  assert.equal(css.length, 1, `genba.css requested once: ${JSON.stringify(responses)}`);
  assert.equal(css[0].status, 200);
  assert.equal(css[0].type, 'stylesheet');
  const { bg, rules } = await page.evaluate(() => {
    const sheet = [...document.styleSheets].find((s) => s.href && s.href.endsWith('/static/css/genba.css'));
    return {
      bg: getComputedStyle(document.querySelector('header.top')).backgroundColor,
      rules: sheet ? sheet.cssRules.length : -1,
    };
  });
  assert.ok(rules > 0, 'genba.css is not among the applied stylesheets');
  assert.ok(!['rgba(0, 0, 0, 0)', 'transparent', ''].includes(bg),
    `header.top has the default (transparent) background: ${bg}`);
}

function assertNoProblems(problems, opts) {
  const p = unexpectedProblems(problems, opts);
  assert.ok(noProblems(p), `console errors, CSP violations or failed requests:\n${JSON.stringify(p, null, 2)}`);
}

/** Every glyph of the element's (purely Japanese) text was drawn with a font that has it: no tofu. */
async function assertJapaneseGlyphs(page, selector) {
  const text = (await page.locator(selector).first().textContent()).trim();
  const covering = familiesCovering(text);
  assert.ok(covering.size > 0,
    `no installed font has the characters of ${selector} (${text}): install a Japanese font (fonts-noto-cjk)`);
  const used = (await fontsUsed(page, selector)).filter((f) => f.glyphCount > 0);
  for (const f of used)
    assert.ok(covering.has(f.familyName),
      `${selector} (${text}) drawn partly with ${f.familyName}, which lacks its glyphs (boxes on screen)`);
}

test('console sign-in page (where the console sends a visitor), English', T, async () => {
  const url = `${env.GENBA_URL}/${TENANT}/manager/`;
  await visit(url, { locale: 'en-US' }, async ({ page, response, problems, responses }) => {
    assert.equal(response.status(), 200);
    assert.match(page.url(), new RegExp(`/${TENANT}/manager/login\\?next=`));
    await assertOurCertificate(response);
    assert.match(await page.title(), /Sign in/);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal((await page.locator('header.top .tenant').textContent()).trim(), TENANT_NAME);
    assert.match(await page.locator('main h1').textContent(), /Sign in to the console/);
    await assertStylesheet(page, responses);
    await assertJapaneseGlyphs(page, 'header.top .tenant');
    await screenshot(page, 'console-login-en');
    assertNoProblems(problems);
  });
});

test('console sign-in page, Japanese', T, async () => {
  const url = `${env.GENBA_URL}/${TENANT}/manager/`;
  await visit(url, { locale: 'ja-JP' }, async ({ page, response, problems, responses }) => {
    assert.equal(response.status(), 200);
    await assertOurCertificate(response);
    assert.equal(await page.getAttribute('html', 'lang'), 'ja');
    assert.match(await page.title(), /ログイン/);
    assert.match(await page.locator('main h1').textContent(), /コンソールにログイン/);
    assert.equal((await page.locator('header.top .tenant').textContent()).trim(), TENANT_NAME);
    await assertStylesheet(page, responses);
    for (const sel of ['header.top .tenant', '.tagline', 'main h1', 'label[for=login]', '.logo'])
      await assertJapaneseGlyphs(page, sel);
    await screenshot(page, 'console-login-ja');
    assertNoProblems(problems);
  });
});

test('error pages answer 404 with the request id', T, async (t) => {
  const cases = [
    { name: 'error-404', path: `/${TENANT}/manager/nope`, detail: null },
    { name: 'error-404-no-tenant', path: '/no-such-tenant/manager/', detail: /no such company \(tenant\)/ },
  ];
  for (const c of cases) {
    await t.test(c.path, async () => {
      const url = `${env.GENBA_URL}${c.path}`;
      await visit(url, { locale: 'en-US' }, async ({ page, response, problems, responses }) => {
        assert.equal(response.status(), 404);
        await assertOurCertificate(response);
        assert.equal((await page.locator('.error .status').textContent()).trim(), '404');
        assert.equal((await page.locator('.error h1').textContent()).trim(), 'Page not found');
        assert.match(await page.title(), /Page not found/);
        const shown = (await page.locator('.error .meta code').textContent()).trim();
        assert.match(shown, /^[0-9a-f]{16,64}$/, `request id shown: ${shown}`);
        assert.equal(shown, response.headers()['x-request-id'], 'the id shown is the X-Request-Id header');
        assert.match(await page.locator('.error .meta').textContent(), /Request id/);
        if (c.detail) assert.match(await page.locator('.error .detail').textContent(), c.detail);
        await assertStylesheet(page, responses);
        await screenshot(page, c.name);
        assertNoProblems(problems, { documentUrl: url, documentStatus: 404 });
      });
    });
  }
});

test('a favicon is served (the browser asks for one on every page)', T, async () => {
  await visit(`${env.GENBA_URL}/${TENANT}/manager/`, {}, async ({ page }) => {
    const href = await page.evaluate(() => {
      const l = document.querySelector('link[rel~="icon"]');
      return l ? l.href : new URL('/favicon.ico', location.href).href;
    });
    if (href.startsWith('data:')) return;
    const status = await page.evaluate(async (u) => (await fetch(u, { cache: 'no-store' })).status, href);
    assert.equal(status, 200, `${href} answers ${status}: every console page logs a 404 for it in the browser console`);
  });
});

test('the browser trusts only the pinned stack certificate', T, async () => {
  // The same browser set-up without the pin must refuse the stack: the pin,
  // not some blanket "ignore certificate errors", is what lets pages load.
  const b = await openBrowser({ pin: null });
  try {
    await assert.rejects(b.page.goto(`${env.GENBA_URL}/${TENANT}/manager/`), /ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    await b.close();
  }
  // And a pin for some other key does not help either.
  const other = await openBrowser({ pin: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
  try {
    await assert.rejects(other.page.goto(`${env.GENBA_URL}/${TENANT}/manager/`), /ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    await other.close();
  }
});
