// genba browser tests: shared helpers.
//
// Debian's chromium (/usr/bin/chromium) driven by playwright-core; no browser
// is ever downloaded. Each browser gets a fresh profile in a mktemp folder
// that is removed when it closes.
//
// TLS: the stack's server certificate is issued by a private CA that the
// browser does not know. Chromium ignores NODE_EXTRA_CA_CERTS, so instead we
// (1) check here, in Node, that $GENBA_DIR/tls/server.crt is signed by
// GENBA_CACERT, is for the host in GENBA_URL and is still valid, and then
// (2) pin exactly that certificate's key with
// --ignore-certificate-errors-spki-list=<base64 sha256 of its SPKI>.
// Any other certificate is still refused (console.test.mjs checks that), so
// a page only loads if the server presents *our* key.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = path.join(HERE, 'screenshots');
export const CHROMIUM = process.env.GENBA_CHROMIUM || '/usr/bin/chromium';

// The flags every Chromium of the project is started with (DESIGN.md, "Stack
// facts"). Without the networking ones it keeps trying to reach the outside.
// playwright-core adds its own automation switches, --remote-debugging-pipe
// and --user-data-dir=<the fresh profile below> (it refuses a
// --user-data-dir in args: launchPersistentContext takes the folder instead).
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---------------------------------------------------------------- stack.env

function unquote(v) {
  if (v.length >= 2 && ((v[0] === '"' && v.at(-1) === '"') || (v[0] === "'" && v.at(-1) === "'")))
    return v.slice(1, -1);
  return v;
}

let stackCache;
/** The stack's settings from the file named by GENBA_STACK_ENV. */
export function stackEnv() {
  if (stackCache) return stackCache;
  const file = process.env.GENBA_STACK_ENV;
  if (!file) throw new Error('GENBA_STACK_ENV is not set (path of the stack.env that test/stack up wrote)');
  const env = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = unquote(m[2]);
  }
  for (const k of ['GENBA_DIR', 'GENBA_URL', 'GENBA_CACERT', 'GENBA_CTL'])
    if (!env[k]) throw new Error(`${file} has no ${k}`);
  stackCache = env;
  return env;
}

/** Runs genbactl (GENBA_CTL is a command line; its words are split on spaces). */
export function genbactl(args, { allowFail = false } = {}) {
  const [cmd, ...pre] = stackEnv().GENBA_CTL.split(' ').filter(Boolean);
  try {
    const stdout = execFileSync(cmd, [...pre, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, stdout };
  } catch (e) {
    if (!allowFail) throw new Error(`genbactl ${args.join(' ')} failed (${e.status}): ${e.stderr || e.message}`);
    return { ok: false, stdout: e.stdout || '', stderr: e.stderr || '', status: e.status };
  }
}

/** Creates the tenant unless it already exists. */
export function ensureTenant(code, name, contact) {
  if (genbactl(['tenant', 'show', code], { allowFail: true }).ok) return false;
  genbactl(['tenant', 'create', code, '--name', name, '--contact', contact]);
  return true;
}

// ---------------------------------------------------------------- TLS pin

/** base64 SHA-256 of a certificate's SubjectPublicKeyInfo (Chromium's SPKI pin format). */
export function spkiPin(cert) {
  const der = cert.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

let pinCache;
/** The pin of the stack's server certificate, after checking that it is the stack's own. */
export function serverPin() {
  if (pinCache) return pinCache;
  const env = stackEnv();
  const ca = new X509Certificate(fs.readFileSync(env.GENBA_CACERT));
  const server = new X509Certificate(fs.readFileSync(path.join(env.GENBA_DIR, 'tls', 'server.crt')));
  const host = new URL(env.GENBA_URL).hostname;
  if (!server.checkIssued(ca) || !server.verify(ca.publicKey))
    throw new Error('the server certificate is not signed by GENBA_CACERT');
  const ok = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? server.checkIP(host) : server.checkHost(host);
  if (!ok) throw new Error(`the server certificate is not for ${host}`);
  const now = Date.now();
  if (now < Date.parse(server.validFrom) || now > Date.parse(server.validTo))
    throw new Error(`the server certificate is not valid now (${server.validFrom} .. ${server.validTo})`);
  pinCache = spkiPin(server);
  return pinCache;
}

// ---------------------------------------------------------------- browser

/**
 * Starts Chromium with a fresh profile and one page, and watches that page.
 * Options: locale (default en-US), pin (default: the stack's server key;
 * null for no pin at all), viewport, serviceWorkers ('block' by default;
 * 'allow' for the tablet app), contextOptions (more of playwright's
 * launchPersistentContext options: hasTouch, isMobile, permissions,
 * geolocation, timezoneId, …), profile (a folder to keep the browser's
 * data in, which close() then leaves alone: a second browser started on it
 * finds what the first stored, as a tablet does after a restart).
 * Returns { context, page, problems, responses, close }.
 */
export async function openBrowser({
  locale = 'en-US', pin, viewport = { width: 1280, height: 800 }, serviceWorkers = 'block', contextOptions = {}, profile: keep,
} = {}) {
  const spki = pin === undefined ? serverPin() : pin;
  const profile = keep || fs.mkdtempSync(path.join(os.tmpdir(), 'genba-chromium-'));
  const remove = () => { if (!keep) fs.rmSync(profile, { recursive: true, force: true }); };
  const args = [...CHROMIUM_FLAGS];
  if (spki) args.push(`--ignore-certificate-errors-spki-list=${spki}`);
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      chromiumSandbox: false,
      args,
      locale,
      viewport,
      deviceScaleFactor: 1,
      ignoreHTTPSErrors: false,
      serviceWorkers,
      timeout: 60_000,
      ...contextOptions,
    });
  } catch (e) {
    remove();
    throw e;
  }
  const problems = { console: [], pageErrors: [], csp: [], failedRequests: [] };
  const responses = [];
  // CSP violations, as the page itself sees them (the console also reports them).
  await context.exposeBinding('__genbaCspViolation', (_source, v) => problems.csp.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // eslint-disable-next-line no-undef
      window.__genbaCspViolation({
        directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile,
        line: e.lineNumber, sample: e.sample, document: e.documentURI,
      });
    });
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning')
      problems.console.push({ type: msg.type(), text: msg.text(), url: msg.location()?.url || '' });
  });
  page.on('pageerror', (err) => problems.pageErrors.push(String(err)));
  page.on('requestfailed', (req) => problems.failedRequests.push({ url: req.url(), error: req.failure()?.errorText }));
  page.on('response', (res) => responses.push({ url: res.url(), status: res.status(), type: res.request().resourceType() }));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try { await context.close(); } finally { remove(); }
  };
  return { context, page, problems, responses, close };
}

/**
 * The problems a page had, less those a test expects or checks elsewhere:
 *  - the console line Chromium writes for a document that answered with an
 *    error status, when `documentStatus` says the page is meant to (an error
 *    page answers 404);
 *  - the browser's own request for /favicon.ico, which "a favicon is served"
 *    in console.test.mjs checks on its own (it races with the end of a test).
 */
export function unexpectedProblems(problems, { documentUrl, documentStatus } = {}) {
  const consoleLines = problems.console.filter((c) => {
    if (c.url && new URL(c.url).pathname === '/favicon.ico') return false;
    if (documentStatus && c.type === 'error' && (!c.url || c.url === documentUrl) &&
        c.text === `Failed to load resource: the server responded with a status of ${documentStatus} ()`)
      return false;
    return true;
  });
  return { ...problems, console: consoleLines };
}

/** True when none of the collected problems remain. */
export function noProblems(p) {
  return !p.console.length && !p.pageErrors.length && !p.csp.length && !p.failedRequests.length;
}

/** Full-page screenshot to test/browser/screenshots/<name>.png; returns the path. */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The system fonts Chromium drew an element's own text with (CDP
 * CSS.getPlatformFontsForNode): [{ familyName, postScriptName, glyphCount }].
 */
export async function fontsUsed(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) throw new Error(`no element ${selector}`);
    return (await cdp.send('CSS.getPlatformFontsForNode', { nodeId })).fonts;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** The font families installed on this machine that have a glyph for every character of `text`. */
export function familiesCovering(text) {
  const cps = [...new Set([...text].filter((ch) => ch.trim()).map((ch) => ch.codePointAt(0).toString(16)))];
  const out = execFileSync('fc-list', [`:charset=${cps.join(' ')}`, 'family'], { encoding: 'utf8' });
  return new Set(out.split('\n').flatMap((l) => l.split(',')).map((f) => f.trim()).filter(Boolean));
}

// ---------------------------------------------------------------- tenants and HTTPS from Node

/**
 * Creates a new tenant with `genbactl --json tenant create` and returns its
 * answer: { code, name, database, admin: { login, password } } (the first
 * administrator's one-time password).
 */
export function createTenant(code, name, contact) {
  const { stdout } = genbactl(['--json', 'tenant', 'create', code, '--name', name, '--contact', contact]);
  return JSON.parse(stdout);
}

/**
 * One HTTPS request from Node to the stack (as a tablet or script would),
 * verified against GENBA_CACERT. An object body is sent as JSON.
 * Returns { status, headers, text, json }.
 */
export function stackRequest(method, urlPath, { headers = {}, body } = {}) {
  const env = stackEnv();
  const url = new URL(urlPath, env.GENBA_URL);
  const h = { ...headers };
  let data = null;
  if (body !== undefined && body !== null) {
    data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    if (typeof body === 'object' && !Buffer.isBuffer(body) && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
      h['Content-Type'] = 'application/json';
    h['Content-Length'] = Buffer.byteLength(data);
  }
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers: h,
      ca: fs.readFileSync(env.GENBA_CACERT), servername: url.hostname, agent: false, timeout: 20_000,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        if ((res.headers['content-type'] || '').startsWith('application/json')) {
          try { json = JSON.parse(text); } catch { json = undefined; }
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}
