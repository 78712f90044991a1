// genba browser tests: helpers of the tablet app's tests (tablet*.test.mjs).
//
// A tenant of its own per test file, set up over the JSON API: groups
// (inspectors, foremen, managers) and their users, the daily inspection
// sample, a form with every other cluster type, and the master data it
// draws from. Devices are NOT approved automatically: the app's sign-in
// meets the pending state as a new tablet does.
//
// The app is driven the way a worker drives it (tapping clusters on the
// sheet, the keypad, the choice buttons, the camera input, a pen stroke)
// and checked through the API afterwards.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import https from 'node:https';
import { createTenant, stackRequest, stackEnv, screenshot, HERE } from './lib.mjs';
import { makeZip } from '../integration/zip.mjs';

export const SAMPLES = path.resolve(HERE, '../../../shared/samples');
export const ADMIN_PW = 'Tablet-admin-2026';
export const USERS = {
  inspector: { login: 'sato.h', name: '佐藤 花子', password: 'Tablet-inspector-7', group: 'inspectors' },
  foreman: { login: 'tanaka.k', name: '田中 健', password: 'Foreman-stamp-88', group: 'foremen' },
  manager: { login: 'suzuki.i', name: '鈴木 一郎', password: 'Plant-manager-31', group: 'managers' },
};
const GROUPS = {
  inspectors: ['def.view', 'def.reports.create', 'def.reports.view', 'reports.view'],
  foremen: ['reports.view', 'def.reports.view', 'definitions.view'],
  managers: ['reports.view', 'reports.edit', 'def.reports.view', 'def.reports.edit', 'def.reports.create', 'definitions.view'],
};

// ---------------------------------------------------------------- a form with every other type

/** The definition XML of a form with the cluster types the inspection sample lacks. */
export function everyTypeXml() {
  const rows = [
    [0, 'title', 'FixedText', 0.03, 0.06, 0.05, 0.95, '<text>全種類テスト / Every cluster type</text>'],
    [1, 'weight', 'NumericSelect', 0.08, 0.11, 0.05, 0.30, '<unit>kg</unit><items><item value="10">10</item><item value="20">20</item><item value="30">30</item></items>'],
    [2, 'result', 'Toggle', 0.08, 0.11, 0.35, 0.55, '<items><item value="ok">良 OK</item><item value="ng">否 NG</item></items>'],
    [3, 'start', 'Time', 0.13, 0.16, 0.05, 0.25, ''],
    [4, 'end', 'Time', 0.13, 0.16, 0.30, 0.50, ''],
    [5, 'worked', 'TimeCalculate', 0.13, 0.16, 0.55, 0.75, '<start>C(1,3)</start><end>C(1,4)</end><breakMinutes>60</breakMinutes>'],
    [6, 'serial', 'CodeReader', 0.18, 0.21, 0.05, 0.50, '<maxLength>20</maxLength><pattern>[A-Z0-9-]+</pattern>'],
    [7, 'part', 'MasterSelect', 0.23, 0.26, 0.05, 0.30, '<master>parts</master><fill><map cluster="8" field="name"/><map cluster="9" field="price"/></fill>'],
    [8, 'part_name', 'KeyboardText', 0.23, 0.26, 0.35, 0.65, '<copyOnDuplicate>true</copyOnDuplicate>'],
    [9, 'part_price', 'KeyboardText', 0.23, 0.26, 0.70, 0.95, ''],
    [10, 'spare', 'Select', 0.28, 0.31, 0.05, 0.30, '<master>parts</master>'],
    [11, 'lot', 'KeyboardText', 0.28, 0.31, 0.35, 0.65, '<copyOnDuplicate>true</copyOnDuplicate><maxLength>8</maxLength><charset>digits</charset>'],
    [12, 'marking', 'FreeDraw', 0.33, 0.55, 0.05, 0.95, ''],
    [13, 'done', 'Check', 0.57, 0.60, 0.05, 0.12, '<required>true</required>'],
    [14, 'inspector', 'Inspect', 0.62, 0.72, 0.05, 0.30, ''],
    [15, 'signed_in', 'LoginUser', 0.62, 0.65, 0.35, 0.65, ''],
    [16, 'updated_by', 'Updater', 0.67, 0.70, 0.35, 0.65, ''],
    [17, 'registered_on', 'RegisterDate', 0.62, 0.65, 0.70, 0.95, ''],
    [18, 'updated_on', 'UpdateDate', 0.67, 0.70, 0.70, 0.95, ''],
  ];
  const cl = rows.map(([id, name, type, top, bottom, left, right, p]) =>
    `<cluster><sheetNo>1</sheetNo><clusterId>${id}</clusterId><clusterName>${name}</clusterName><type>${type}</type>` +
    `<top>${top.toFixed(3)}</top><bottom>${bottom.toFixed(3)}</bottom><left>${left.toFixed(3)}</left><right>${right.toFixed(3)}</right>${p}</cluster>`).join('\n');
  return '<?xml version="1.0" encoding="UTF-8"?>\n<conmas><top><defTopName>全種類 Every type</defTopName><sheets><sheet>' +
    '<sheetNo>1</sheetNo><defSheetName>全種類 Every type</defSheetName><width>595</width><height>842</height>' +
    '<background>sheet1.png</background><clusters>\n' +
    `${cl}\n</clusters></sheet></sheets></top></conmas>\n`;
}
/** The every-type form as a zip with its sheet's background image (a printed form: a header band and ruled lines). */
export function everyTypeZip() {
  const bg = png(595, 842, (x, y) => {
    if (y < 60) return [214, 232, 224];
    if (y % 42 === 0 || x === 20 || x === 574) return [176, 196, 188];
    return [252, 252, 248];
  });
  return makeZip([{ name: 'definition.xml', data: Buffer.from(everyTypeXml()), deflate: true }, { name: 'sheet1.png', data: bg }]);
}
export const PARTS_CSV = 'code,name,price:number\nP-1,ボルト M8,12.5\nP-2,ナット M8,3\nP-3,ワッシャー M8,1.2\n';

// ---------------------------------------------------------------- images

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
export function png(w, h, px) {
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
/** "A photo" of a press taken by the tablet's camera: 3000 x 2000 pixels, so the app must scale it down. */
export function cameraPhoto(seed = 0) {
  return png(3000, 2000, (x, y) => {
    if (Math.hypot(x - 1900, y - 650) < 150) return Math.hypot(x - 1900, y - 650) < 120 ? [245, 245, 240] : [40, 40, 40];
    if (x > 1100 && x < 2300 && y > 400 && y < 1400) return [40 + (y >> 5), 96 + seed * 30, 140];
    return y > 1300 ? [120 + (x >> 6), 110, 100] : [205 - (y >> 4), 210 - (y >> 4), 200 - seed * 20];
  });
}
/** Width and height of a JPEG (its first SOFn segment) or null. */
export function jpegSize(buf) {
  if (buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  for (let i = 2; i < buf.length - 9;) {
    if (buf[i] !== 0xff) return null;
    const m = buf[i + 1], len = buf.readUInt16BE(i + 2);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  return null;
}

// ---------------------------------------------------------------- the tenant

/** The calls of the JSON API, as the test's own script client. */
export function apiFor(tenant) {
  return (method, p, { token, body, headers = {} } = {}) =>
    stackRequest(method, `/${tenant}/api/v1${p}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers }, body });
}

/**
 * A tenant with the users, the inspection sample, the every-type form and
 * its master data. Returns { tenant, api, adminToken, defs: { inspection, every }, groups }.
 */
export async function setUpTenant(prefix) {
  const tenant = `${prefix}-${Date.now().toString(36)}`;
  const api = apiFor(tenant);
  const admin = createTenant(tenant, '検査工業 Inspection Works', `ops@${tenant}.example`).admin;
  let r = await api('POST', '/sessions', { body: { user: 'admin', password: admin.password } });
  assert.equal(r.status, 201, r.text);
  r = await api('POST', '/account/password', { token: r.json.token, body: { current: admin.password, new: ADMIN_PW } });
  assert.equal(r.status, 204, r.text);
  r = await api('POST', '/sessions', { body: { user: 'admin', password: ADMIN_PW } });
  const adminToken = r.json.token;
  const groups = {};
  for (const [name, permissions] of Object.entries(GROUPS)) {
    r = await api('POST', '/groups', { token: adminToken, body: { name, permissions } });
    assert.equal(r.status, 201, r.text);
    groups[name] = r.json.id;
  }
  for (const u of Object.values(USERS)) {
    r = await api('POST', '/users', { token: adminToken, body: { login: u.login, name: u.name, password: u.password, groups: [groups[u.group]] } });
    assert.equal(r.status, 201, r.text);
  }
  r = await api('POST', '/masters?name=parts', { token: adminToken, body: PARTS_CSV, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(r.status, 201, r.text);
  const defs = {};
  for (const [key, body, type] of [['inspection', fs.readFileSync(path.join(SAMPLES, 'daily-inspection.xml')), 'application/xml'],
    ['every', everyTypeZip(), 'application/zip']]) {
    r = await api('POST', '/definitions', { token: adminToken, body, headers: { 'Content-Type': type } });
    assert.equal(r.status, 201, r.text);
    defs[key] = { id: r.json.id, revision: r.json.revision };
    r = await api('POST', `/definitions/${defs[key].id}/status`, { token: adminToken, body: { status: 'published' } });
    assert.equal(r.status, 200, r.text);
  }
  const settings = await api('GET', '/settings', { token: adminToken });
  assert.notEqual(settings.json['devices.auto_approve'], true, 'devices wait for approval in these tests');
  return { tenant, api, adminToken, defs, groups, appUrl: `${stackEnv().GENBA_URL}/${tenant}/app/` };
}

/** A device session of user (approved by the administrator first), as a second tablet. */
export async function deviceToken(ctx, user, name) {
  const device = { id: randomUUID(), name, platform: 'ios' };
  let r = await ctx.api('POST', '/sessions', { body: { user: user.login, password: user.password, device } });
  assert.equal(r.status, 403, r.text);
  r = await ctx.api('POST', `/devices/${device.id}/approve`, { token: ctx.adminToken });
  assert.equal(r.status, 200, r.text);
  r = await ctx.api('POST', '/sessions', { body: { user: user.login, password: user.password, device } });
  assert.equal(r.status, 201, r.text);
  return r.json.token;
}

/** Every report of a definition, in full (GET /reports?definition=, then GET /reports/{id}), as the administrator sees them. */
export async function serverReports(ctx, defId) {
  const out = [];
  let cursor = null;
  do {
    const q = new URLSearchParams({ definition: String(defId), limit: '500' });
    if (cursor) q.set('cursor', cursor);
    const r = await ctx.api('GET', `/reports?${q}`, { token: ctx.adminToken });
    assert.equal(r.status, 200, r.text);
    for (const s of r.json.reports) {
      const full = await ctx.api('GET', `/reports/${s.id}`, { token: ctx.adminToken });
      assert.equal(full.status, 200, full.text);
      out.push(full.json);
    }
    cursor = r.json.next_cursor;
  } while (cursor);
  return out;
}
/** The bytes at an API path, as the administrator downloads them. */
export function download(ctx, p) {
  const env = stackEnv();
  const u = new URL(`/${ctx.tenant}/api/v1${p}`, env.GENBA_URL);
  return new Promise((resolve, reject) => {
    https.get({ host: u.hostname, port: u.port, path: u.pathname, ca: fs.readFileSync(env.GENBA_CACERT), servername: u.hostname,
      headers: { Authorization: `Bearer ${ctx.adminToken}` } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
export const valueOf = (report, sheet, cluster) => report.values.find((v) => v.sheet === sheet && v.cluster === cluster)?.value;

// ---------------------------------------------------------------- driving the app

/** The problems a page of the app had that no test step expects. */
export function appProblems(problems) {
  // a browser writes a console line for every API answer with an error status the app expects:
  // 403 device_pending while approval waits, 412 for a conflict, 422 for a refused value, 5xx while
  // the server is down, and failed fetches while the device is offline
  const expected = (c) => /Failed to load resource: (the server responded with a status of (403|409|412|422|502|503) |net::ERR_(INTERNET_DISCONNECTED|CONNECTION_RESET|CONNECTION_REFUSED|FAILED))/.test(c.text) &&
    /\/api\/v1\//.test(c.url || '');
  return {
    console: problems.console.filter((c) => !expected(c)),
    pageErrors: problems.pageErrors,
    csp: problems.csp,
    failedRequests: problems.failedRequests.filter((f) => !/\/api\/v1\//.test(f.url)),
  };
}

/** Helpers bound to one page of the app. */
export function driver(page, shots) {
  const d = {
    page,
    async shot(name) { return screenshot(page, `${shots}-${name}`); },
    outbox: async () => (await page.textContent('[data-outbox]')).trim(),
    async waitOutbox(n, timeout = 120_000) {
      await page.waitForFunction((want) => document.querySelector('[data-outbox]')?.textContent.trim() === want, String(n), { timeout });
    },
    /** Taps a cluster's box on the sheet (closing an open panel first: on a phone it covers the sheet). */
    async tap(key) {
      if (await page.locator('.panel:not([hidden])').count()) await d.ok();
      await page.locator(`.cl[data-key="${key}"]`).scrollIntoViewIfNeeded();
      await page.click(`.cl[data-key="${key}"]`);
      await page.waitForSelector(`.panel:not([hidden])[data-key="${key}"]`);
    },
    async ok() { await page.click('.panel [data-action=panel-ok]'); await page.waitForSelector('.panel[hidden]', { state: 'attached' }); },
    /** Types text into the panel's field for key. */
    async type(key, text) { await d.tap(key); await page.fill(`.panel [data-input="${key}"]`, text); },
    /** Presses keys of the numeric keypad (C first). */
    async keypad(key, digits) {
      await d.tap(key);
      await page.click('.panel [data-keypad=clear]');
      for (const k of digits) await page.click(`.panel [data-keypad="${k}"]`);
    },
    async choose(key, ...values) { await d.tap(key); for (const v of values) await page.click(`.panel [data-choice="${v}"]`); },
    async photo(key, bytes) {
      await d.tap(key);
      const before = await page.locator('.panel .preview img').getAttribute('src').catch(() => null);
      await page.setInputFiles(`.panel [data-camera="${key}"]`, { name: 'IMG_0001.png', mimeType: 'image/png', buffer: bytes });
      await page.waitForFunction((b) => { const i = document.querySelector('.panel .preview img'); return i && i.getAttribute('src') !== b; }, before);
    },
    /** A pen stroke across the drawing pad of key; waits until the drawing is kept. */
    async stroke(key, shape = 0) {
      await d.tap(key);
      const pad = await page.locator('.panel canvas.pad').boundingBox();
      await page.mouse.move(pad.x + pad.width * 0.1, pad.y + pad.height * 0.5);
      await page.mouse.down();
      for (let i = 1; i <= 24; i++)
        await page.mouse.move(pad.x + pad.width * (0.1 + i * 0.03), pad.y + pad.height * (0.5 + 0.3 * Math.sin(i / (3 + shape))));
      await page.mouse.up();
      await page.click('.panel [data-action=keep-drawing]');
      await page.waitForFunction((k) => document.querySelector(`#v-${k.replace('/', '-')} image`), key);
    },
    async openReport(id) {
      await page.click(`li.report[data-report="${id}"] a.report-main`);
      await page.waitForSelector('.sheet-frame');
    },
    async back() {
      await page.click('[data-action=back]');
      await page.waitForSelector('#my-reports');
    },
    /** The id of the report open now (from the address). */
    reportId: async () => /#\/report\/([0-9a-f-]{36})/.exec(await page.evaluate(() => location.hash))?.[1],
    /** Text drawn in a cluster's box. */
    drawn: async (key) => (await page.locator(`#v-${key.replace('/', '-')} text.val`).allTextContents()).join(' ').trim(),
    classOf: async (key) => page.getAttribute(`#v-${key.replace('/', '-')}`, 'class'),
    syncState: async (id) => page.getAttribute(`li.report[data-report="${id}"] [data-sync]`, 'data-sync'),
    /** Waits until the open report's sync badge says state. */
    async waitState(state) {
      await page.waitForFunction((s) => document.querySelector('.rtools [data-sync]')?.dataset.sync === s, state);
    },
  };
  return d;
}

/** The value a control [data-cluster=key] holds. */
export const controlValue = (page, key) => page.locator(`[data-cluster="${key}"]`).inputValue();

/** "YYYY-MM-DD" of today in Asia/Tokyo (the tenant's zone) n days away. */
export function tokyoDate(n = 0) {
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return new Date(Date.parse(`${ymd}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
}
