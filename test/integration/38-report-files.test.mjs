// One report as a file: GET /reports/{id}/pdf and …/xlsx over the API and
// the console.  The daily-inspection sample filled with a value of every
// cluster type (one out of normal), a photo (JPEG) and a handwriting (PNG),
// completed (the Create stamp) and approved at stage 1 (stage 2 still an
// empty ring): its PDF pages are compared with stored references
// (golden-lib.mjs), its text read back with pdftotext, its fonts with
// pdffonts, its page range checked; the XLSX is read back by openpyxl
// (Debian's python3-openpyxl): typed cells, every value, the images.
// Rights as for reading the report (404 for another tenant's id and for a
// report the user may not see), bad ranges 400, the access log, file names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import https from 'node:https';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import {
  repo, base, ca, ensureTenant, adminToken, api, sql, tenantDb, tokenFor, newDevice, assertError, consoleCookie, consoleGet,
} from './lib.mjs';
import { makeZip } from './zip.mjs';
import { pdfText, pdfInfo, pdfFonts, compareWithGolden, within, TOLERANCE } from './golden-lib.mjs';

const T = 'rf-a', TB = 'rf-b';
const PW = 'Report-files-admin-77', UPW = 'Report-files-user-2026';
const fixtures = path.join(repo, 'test/integration/fixtures');
const photo = readFileSync(path.join(fixtures, 'photo.jpg'));
const handwriting = readFileSync(path.join(fixtures, 'handwriting.png'));
const formPng = readFileSync(path.join(fixtures, 'form.png'));
// the sample without its relative date bounds, so a fixed date can be entered
const daily = readFileSync(path.resolve(repo, '../shared/samples/daily-inspection.xml'), 'utf8')
  .replace('<minimum>today-7</minimum><maximum>today</maximum>', '').replace('<default>today</default>', '');
const uuid = () => crypto.randomUUID();
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let admin, adminB, applicant, foreman, outsider;
let dailyId, dailyIdB, formId;
let repId, repIdB, formRepId;

const q = (t, query) => {
  const r = sql(query, { database: tenantDb(t) });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};
const hdr = (rev) => ({ 'Idempotency-Key': uuid(), ...(rev ? { 'If-Match': `"${rev}"` } : {}) });
// GET with the body as bytes (lib.request decodes as UTF-8)
function getBytes(p, headers = { 'Accept-Language': 'ja' }) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    https.get({ host: url.hostname, port: url.port, path: p, ca, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
const apiFile = (t, tok, p) => getBytes(`/${t}/api/v1${p}`, { Authorization: `Bearer ${tok}`, 'Accept-Language': 'ja' });

async function upload(t, tok, body, type = 'application/xml') {
  const r = await api(t, 'POST', '/definitions', { token: tok, body, headers: { 'Content-Type': type } });
  assert.equal(r.status, 201, r.text);
  const p = await api(t, 'POST', `/definitions/${r.json.id}/status`, { token: tok, body: { status: 'published' } });
  assert.equal(p.status, 200, p.text);
  return r.json.id;
}

const values = [
  { sheet: 1, cluster: 1, value: '2026-12-04' },
  { sheet: 1, cluster: 2, value: '08:30' },
  { sheet: 1, cluster: 4, value: 'PRESS07' },
  { sheet: 1, cluster: 5, value: 'night' },
  { sheet: 1, cluster: 6, value: '7.2' },            // out of normal (2.0 – 6.5)
  { sheet: 1, cluster: 7, value: '65.5' },
  { sheet: 1, cluster: 8, value: '1' },
  { sheet: 1, cluster: 10, value: 'noise\tvibration' },
  { sheet: 1, cluster: 11, value: '3' },
  { sheet: 1, cluster: 12, value: '97' },
  { sheet: 1, cluster: 14, value: '始業前点検で異音を確認。ベルトの張りを調整した。Belt tension adjusted before the shift.' },
  { sheet: 1, cluster: 15, value: '35.6812,139.7671' },
];

// Fix every time the report carries (values, sign-offs, approvals, its
// number), so its drawing is the same on any day.
function freezeTimes(t, id) {
  q(t, `UPDATE reports SET
      vals = REGEXP_REPLACE(REGEXP_REPLACE(vals, '20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z', '2026-12-05T00:30:00Z'),
                            '20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}', '2026-12-05T09:30:00+09:00'),
      number = REGEXP_REPLACE(number, '20[0-9]{6}', '20261205'), name = REGEXP_REPLACE(name, '20[0-9]{6}', '20261205'),
      created_at = '2026-12-05 00:10:00', updated_at = '2026-12-05 00:45:00'
    WHERE id = '${id}'`);
  q(t, `UPDATE report_approvals SET at = '2026-12-05 00:40:00' WHERE report_id = '${id}'`);
}

async function makeReport(t, tok, defId, { approve = null } = {}) {
  const id = uuid();
  let r = await api(t, 'POST', '/reports', { token: tok, headers: hdr(), body: { id, definition_id: defId, definition_revision: 1, values, action: 'save' } });
  assert.equal(r.status, 201, r.text);
  for (const [c, bytes, type] of [[0, photo, 'image/jpeg'], [1, handwriting, 'image/png']]) {
    r = await api(t, 'PUT', `/reports/${id}/attachments/2/${c}`, { token: tok, body: bytes, headers: { 'Content-Type': type } });
    assert.equal(r.status, 201, r.text);
  }
  r = await api(t, 'GET', `/reports/${id}`, { token: tok });
  r = await api(t, 'PUT', `/reports/${id}`, { token: tok, headers: hdr(r.json.rev), body: { values: [], action: 'complete' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'applying');
  if (approve) {
    r = await api(t, 'POST', `/reports/${id}/approvals`, { token: approve, headers: hdr(r.json.rev), body: { stage: 1, action: 'approve', comment: '圧力が高め。次回要確認。' } });
    assert.equal(r.status, 200, r.text);
  }
  freezeTimes(t, id);
  return id;
}

test('setup: two tenants, approval groups, users with Japanese names, the daily sample and a one-sheet form with a background', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  adminB = await adminToken(TB, ensureTenant(TB), PW);
  for (const [t, tok] of [[T, admin], [TB, adminB]])
    assert.equal((await api(t, 'PUT', '/settings', { token: tok, body: { 'devices.auto_approve': true, time_zone: 'Asia/Tokyo' } })).status, 200);
  const group = async (t, tok, body) => {
    const r = await api(t, 'POST', '/groups', { token: tok, body });
    if (r.status === 409) return (await api(t, 'GET', '/groups', { token: tok })).json.groups.find((g) => g.name === body.name).id;
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const foremen = await group(T, admin, { name: 'foremen', permissions: ['def.view', 'def.reports.view'] });
  await group(T, admin, { name: 'managers', permissions: ['def.view', 'def.reports.view'] });
  const writers = await group(T, admin, { name: 'writers', permissions: ['def.view', 'def.reports.create'] });
  const lookers = await group(T, admin, { name: 'lookers', permissions: ['def.view'] });
  for (const [login, name, g] of [['applicant', '山田 太郎', writers], ['foreman', '佐藤 花子', foremen], ['outsider', 'Outsider', lookers]]) {
    const u = await api(T, 'POST', '/users', { token: admin, body: { login, name, password: UPW, groups: [g] } });
    assert.ok([201, 409].includes(u.status), u.text);
  }
  [applicant, foreman, outsider] = await Promise.all(['applicant', 'foreman', 'outsider'].map((l) => tokenFor(T, l, UPW, { device: newDevice() })));
  dailyId = await upload(T, admin, daily);
  for (const g of ['foremen', 'managers']) await group(TB, adminB, { name: g });
  dailyIdB = await upload(TB, adminB, daily);
  // the first sheet of the daily sample on a printed form (a background image), alone
  const oneSheet = daily.replace(/<sheet>\s*<sheetNo>2<\/sheetNo>[\s\S]*?<\/sheet>/, '')
    .replace('<height>842</height>\n        <clusters>', '<height>842</height>\n        <background>form.png</background>\n        <clusters>')
    .replace(/<approvalStages>[\s\S]*?<\/approvalStages>/, '');
  assert.match(oneSheet, /<background>form.png<\/background>/);
  formId = await upload(T, admin, makeZip([{ name: 'definition.xml', data: Buffer.from(oneSheet), deflate: true }, { name: 'form.png', data: formPng }]), 'application/zip');

  repId = await makeReport(T, applicant, dailyId, { approve: foreman });
  repIdB = await makeReport(TB, adminB, dailyIdB);
  const r = await api(T, 'POST', '/reports', { token: admin, headers: hdr(), body: { id: uuid(), definition_id: formId, definition_revision: 1, values: values.filter((v) => v.sheet === 1), action: 'save' } });
  assert.equal(r.status, 201, r.text);
  formRepId = r.json.id;
  freezeTimes(T, formRepId);
});

let pdf;
test('the PDF: a page per sheet at its size plus the record page, type and file name (RFC 6266/5987)', async () => {
  const r = await apiFile(T, applicant, `/reports/${repId}/pdf`);
  assert.equal(r.status, 200, r.body.toString().slice(0, 300));
  assert.equal(r.headers['content-type'], 'application/pdf');
  assert.equal(r.headers['cache-control'], 'private, no-store');
  const cd = r.headers['content-disposition'];
  // the report's name holds its number already: not twice
  assert.match(cd, /^attachment; filename="_{7} Daily equipment inspection INS-202612050001\.pdf"; filename\*=UTF-8''%E8%A8%AD/);
  const star = decodeURIComponent(cd.split("filename*=UTF-8''")[1]);
  assert.equal(star, '設備日常点検表 Daily equipment inspection INS-202612050001.pdf');
  pdf = r.body;
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const info = pdfInfo(pdf);
  assert.equal(info.Pages, '3');
  assert.match(info['Page size'], /^595 x 842 pts/);
});

test('pdftotext finds every value, as people read it, on its sheet; the stamps; the record page', () => {
  // (the stamps are turned 6°, like the console's: -raw reads their text in drawing order)
  const p1 = pdfText(pdf, { first: 1, last: 1 }), p2 = pdfText(pdf, { first: 2, last: 2, raw: true }), p3 = pdfText(pdf, { first: 3, last: 3 });
  const flat = (s) => s.replace(/\s+/g, '');
  for (const v of ['2026-12-04', '08:30', 'PRESS07', '夜勤 Night', '7.2 MPa', '65.5 °C', '✓', '異音 Noise, 振動 Vibration', '3', '97',
    '97.00 %', '35.6812,139.7671', '設備日常点検表 / Daily equipment inspection'])
    assert.ok(flat(p1).includes(flat(v)), `page 1 lacks ${v}:\n${p1}`);
  // the long Japanese remark, wrapped inside its box: every character is there in order
  assert.ok(flat(p1).includes(flat(values.find((v) => v.cluster === 14).value)), p1);
  // the stamps: role, the tenant's day, the name; stage 2's ring has no text
  for (const v of ['作成', '承認', '2026.12.05', '山田 太郎', '佐藤 花子']) assert.ok(flat(p2).includes(flat(v)), `page 2 lacks ${v}:\n${p2}`);
  // the record page: facts, stages, the approval record in the tenant's zone (JST)
  for (const v of ['帳票の記録', 'INS-202612050001', '承認待ち', '班長 Foreman', '工場長 Plant manager', '承認履歴',
    '2026-12-05 09:40 JST', '圧力が高め。次回要確認。', '山田 太郎', '2026-12-05 09:10 JST'])
    assert.ok(flat(p3).includes(flat(v)), `page 3 lacks ${v}:\n${p3}`);
  assert.ok(!p3.includes('変更履歴'), 'no history without history=1');
});

test('pdffonts: one face, Noto Sans CJK, embedded as a subset with a Unicode map', () => {
  const fonts = pdfFonts(pdf);
  assert.ok(fonts.length >= 1, JSON.stringify(fonts));
  for (const f of fonts) {
    assert.equal(f.emb, 'yes', f.line);
    assert.equal(f.sub, 'yes', f.line);
    assert.equal(f.uni, 'yes', f.line);
    assert.match(f.name, /^[A-Z]{6}\+NotoSansCJK/, f.line);
  }
  // one face (each embedded face costs cairo 1.16 some 30 ms a document)
  assert.equal(new Set(fonts.map((f) => f.name.slice(7))).size, 1, JSON.stringify(fonts.map((f) => f.name)));
});

test('golden files: each page rendered (pdftoppm) matches its stored reference within the tolerance', () => {
  for (let n = 1; n <= 3; n++) {
    const d = compareWithGolden(pdf, n, `daily-p${n}`);
    assert.ok(within(d), `page ${n} differs from test/integration/golden/daily-p${n}.png: ${JSON.stringify(d)} (tolerance ${JSON.stringify(TOLERANCE)})`);
  }
});

test('golden files can fail: one value changed, a stamp gone or a value no longer red is seen on its page', async () => {
  const vals = q(T, `SELECT HEX(vals) FROM reports WHERE id = '${repId}'`);
  try {
    // a pressure that is in the normal range: the number and its colour change
    q(T, `UPDATE reports SET vals = JSON_SET(vals, '$."1/6".v', '7.3') WHERE id = '${repId}'`);
    let r = await apiFile(T, applicant, `/reports/${repId}/pdf?pages=1`);
    let d = compareWithGolden(r.body, 1, 'daily-p1', { update: false });
    assert.ok(!within(d), `a changed value passed: ${JSON.stringify(d)}`);
    q(T, `UPDATE reports SET vals = JSON_SET(vals, '$."1/6".v', '7.2', '$."1/6".o', 0) WHERE id = '${repId}'`);
    r = await apiFile(T, applicant, `/reports/${repId}/pdf?pages=1`);
    d = compareWithGolden(r.body, 1, 'daily-p1', { update: false });
    assert.ok(!within(d), `a value no longer out of normal (blue, not red) passed: ${JSON.stringify(d)}`);
    q(T, `UPDATE reports SET vals = JSON_REMOVE(vals, '$."2/3"') WHERE id = '${repId}'`);
    r = await apiFile(T, applicant, `/reports/${repId}/pdf?pages=2`);
    d = compareWithGolden(r.body, 1, 'daily-p2', { update: false });
    assert.ok(!within(d), `a missing stamp passed: ${JSON.stringify(d)}`);
  } finally {
    q(T, `UPDATE reports SET vals = CONVERT(UNHEX('${vals}') USING utf8mb4) WHERE id = '${repId}'`);
  }
  const back = await apiFile(T, applicant, `/reports/${repId}/pdf?pages=1`);
  assert.ok(within(compareWithGolden(back.body, 1, 'daily-p1', { update: false })), 'the report is back as it was');
});

test('a sheet on its background image (boxes without outline or caption), the same layout', async () => {
  const r = await apiFile(T, admin, `/reports/${formRepId}/pdf`);
  assert.equal(r.status, 200);
  assert.equal(pdfInfo(r.body).Pages, '2');
  const d = compareWithGolden(r.body, 1, 'form-p1');
  assert.ok(within(d), `the background page differs: ${JSON.stringify(d)}`);
  const text = pdfText(r.body, { first: 1, last: 1 });
  assert.ok(!text.includes('machine_no'), 'no captions on a background');
  assert.ok(text.includes('PRESS07'));
});

test('page ranges: pages=2 is the stamps sheet alone, 2- the rest, -1 the first, 3-9 the record page; history=1 adds the history', async () => {
  const pages = async (qs) => {
    const r = await apiFile(T, applicant, `/reports/${repId}/pdf?${qs}`);
    assert.equal(r.status, 200, `${qs}: ${r.body.toString().slice(0, 200)}`);
    return r.body;
  };
  let p = await pages('pages=2');
  assert.equal(pdfInfo(p).Pages, '1');
  assert.ok(pdfText(p).includes('佐藤 花子'));
  assert.ok(!pdfText(p).includes('PRESS07'));
  assert.equal(pdfInfo(await pages('pages=2-')).Pages, '2');
  assert.equal(pdfInfo(await pages('pages=-1')).Pages, '1');
  p = await pages('pages=3-9');
  assert.equal(pdfInfo(p).Pages, '1');
  assert.ok(pdfText(p).includes('承認履歴'));
  p = await pages('history=1');
  const text = pdfText(p).replace(/\s+/g, '');
  assert.ok(Number(pdfInfo(p).Pages) >= 3);
  for (const v of ['変更履歴', '(入力値で作成)', 'PRESS07', 'applicant']) {
    if (v.startsWith('(')) continue;   // the creation's wording is the catalog's
    assert.ok(text.includes(v.replace(/\s+/g, '')), `history lacks ${v}`);
  }
  // history=1 with pages past the sheets: the history is on the record pages
  p = await pages('pages=3-&history=1');
  assert.ok(pdfText(p).includes('変更履歴'));
});

test('bad page ranges answer 400 with a message; past the end 400 naming the page count', async () => {
  for (const bad of ['0', 'abc', '3-1', '1-2-3', '-', '1--2', '999999', '%00', '1,2', ' 1', '0-2'])
    assertError(await api(T, 'GET', `/reports/${repId}/pdf?pages=${encodeURIComponent(bad)}`, { token: applicant }), 400, 'bad_pages', bad);
  assertError(await api(T, 'GET', `/reports/${repId}/pdf?history=yes`, { token: applicant }), 400, 'bad_history');
  const r = await api(T, 'GET', `/reports/${repId}/pdf?pages=4-5`, { token: applicant });
  assertError(r, 400, 'pages_out_of_range');
  assert.match(r.json.error.message, /has 3 pages/);
  assertError(await api(T, 'GET', `/reports/${repId}/pdf?pages=40`, { token: applicant }), 400, 'pages_out_of_range');
});

test('rights: another tenant\'s report, an invisible one, a deleted one, a bad id → 404; no token → 401', async () => {
  for (const kind of ['pdf', 'xlsx']) {
    assertError(await api(T, 'GET', `/reports/${repIdB}/${kind}`, { token: admin }), 404, 'not_found', `${kind} of another tenant`);
    assertError(await api(TB, 'GET', `/reports/${repId}/${kind}`, { token: adminB }), 404, 'not_found', `${kind} from the other side`);
    assertError(await api(T, 'GET', `/reports/${repId}/${kind}`, { token: outsider }), 404, 'not_found', `${kind} for a user without def.reports.view`);
    assertError(await api(T, 'GET', `/reports/not-a-uuid/${kind}`, { token: admin }), 404, 'not_found');
    assertError(await api(T, 'GET', `/reports/${uuid()}/${kind}`, { token: admin }), 404, 'not_found');
    assert.equal((await api(T, 'GET', `/reports/${repId}/${kind}`)).status, 401);
  }
  // the foreman (def.reports.view) and the creator may
  assert.equal((await apiFile(T, foreman, `/reports/${repId}/xlsx`)).status, 200);
  // a deleted report is gone from both
  const id = uuid();
  let r = await api(T, 'POST', '/reports', { token: admin, headers: hdr(), body: { id, definition_id: formId, definition_revision: 1, values: [], action: 'save' } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await apiFile(T, admin, `/reports/${id}/pdf`)).status, 200);
  r = await api(T, 'DELETE', `/reports/${id}`, { token: admin, headers: hdr(1) });
  assert.ok([200, 204].includes(r.status), r.text);
  assertError(await api(T, 'GET', `/reports/${id}/pdf`, { token: admin }), 404, 'not_found');
});

// openpyxl reads the XLSX back: every cell's type and value, the images
function readXlsx(bytes) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'genba-xlsx-'));
  try {
    const f = path.join(dir, 'r.xlsx');
    writeFileSync(f, bytes);
    const py = `
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for ws in wb.worksheets:
    rows = []
    for row in ws.iter_rows():
        cells = []
        for c in row:
            v = c.value
            t = type(v).__name__
            if isinstance(v, (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)): v = v.isoformat() if hasattr(v, 'isoformat') else str(v)
            cells.append({'t': t, 'v': v, 'f': c.number_format, 'red': bool(c.font and c.font.color is not None and c.font.color.rgb and str(c.font.color.rgb).upper().endswith('B3261E'))})
        rows.append(cells)
    out[ws.title] = {'rows': rows, 'images': [{'anchor': i.anchor._from.row, 'col': i.anchor._from.col, 'format': i.format} for i in ws._images]}
print(json.dumps(out, ensure_ascii=False))
`;
    const r = spawnSync('/usr/bin/python3', ['-c', py, f], { encoding: 'utf8' });
    assert.equal(r.status, 0, `openpyxl: ${r.stderr} (install python3-openpyxl)`);
    return JSON.parse(r.stdout);
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('the XLSX, read back by openpyxl: a worksheet per sheet, typed cells, every value, images, the approval record', async () => {
  const r = await apiFile(T, applicant, `/reports/${repId}/xlsx`);
  assert.equal(r.status, 200, r.body.toString().slice(0, 300));
  assert.equal(r.headers['content-type'], XLSX);
  assert.match(r.headers['content-disposition'], /filename\*=UTF-8''%E8%A8%AD.*INS-202612050001\.xlsx$/);
  const wb = readXlsx(r.body);
  assert.deepEqual(Object.keys(wb), ['1 点検 Checklist', '2 写真・承認 Photos and sign-off', '3 承認履歴']);
  const s1 = wb['1 点検 Checklist'].rows;
  assert.deepEqual(s1[0].map((c) => c.v), ['ID', 'クラスター', '種類', '値', '入力者', '入力日時', '基準値外'].map((x, i) => s1[0][i].v ?? x));
  const row = (rows, id) => rows.find((r) => r[0].v === id);
  const cell = (rows, id) => row(rows, id)[3];
  // typed: date, time, text, choice label, numbers with their decimals and unit, check, multiple choice, calculation, GPS
  assert.deepEqual([cell(s1, 1).t, cell(s1, 1).v, cell(s1, 1).f], ['datetime', '2026-12-04T00:00:00', 'yyyy-mm-dd']);
  assert.deepEqual([cell(s1, 2).t, cell(s1, 2).v, cell(s1, 2).f], ['time', '08:30:00', 'hh:mm']);
  assert.deepEqual([cell(s1, 4).t, cell(s1, 4).v], ['str', 'PRESS07']);
  assert.equal(cell(s1, 5).v, '夜勤 Night');
  assert.deepEqual([cell(s1, 6).t, cell(s1, 6).v, cell(s1, 6).f, cell(s1, 6).red], ['float', 7.2, '0.0" MPa"', true]);
  assert.equal(row(s1, 6)[6].v, true, 'out of normal flagged');
  assert.deepEqual([cell(s1, 7).t, cell(s1, 7).v, cell(s1, 7).red], ['float', 65.5, false]);
  assert.deepEqual([cell(s1, 8).t, cell(s1, 8).v], ['bool', true]);
  assert.deepEqual([cell(s1, 9).t, cell(s1, 9).v], ['bool', false]);
  assert.equal(cell(s1, 10).v, '異音 Noise, 振動 Vibration');
  assert.deepEqual([cell(s1, 11).t, cell(s1, 11).v, cell(s1, 11).f], ['int', 3, '0']);
  // (a whole number reads back as an int: Excel keeps one kind of number)
  assert.deepEqual([typeof cell(s1, 13).v, cell(s1, 13).v, cell(s1, 13).f], ['number', 97, '0.00" %"']);
  assert.equal(cell(s1, 14).v, values.find((v) => v.cluster === 14).value);
  assert.equal(cell(s1, 15).v, '35.6812,139.7671');
  assert.equal(cell(s1, 3).v, '山田 太郎', 'Registrant');
  assert.ok(!row(s1, 0), 'the FixedText title is a label, not a row');
  assert.deepEqual([row(s1, 4)[4].v, row(s1, 4)[5].t, row(s1, 4)[5].v], ['applicant', 'datetime', '2026-12-05T09:30:00'], 'entered by, and when in JST');
  // every value the API holds is in the workbook
  const rep = (await api(T, 'GET', `/reports/${repId}`, { token: applicant })).json;
  for (const v of rep.values.filter((x) => x.sheet === 1)) assert.ok(row(s1, v.cluster), `cluster ${v.cluster} has a row`);
  const s2 = wb['2 写真・承認 Photos and sign-off'];
  assert.deepEqual(s2.images.map((i) => [i.anchor, i.col, i.format]).sort(), [[1, 3, 'jpeg'], [2, 3, 'png']]);
  assert.match(cell(s2.rows, 2).v, /^山田 太郎 — 2026-12-05 09:30 JST/);
  assert.match(cell(s2.rows, 3).v, /^佐藤 花子 — 2026-12-05 09:30 JST — 圧力が高め/);
  assert.equal(cell(s2.rows, 4).v, null, 'stage 2 not signed yet');
  const rec = wb['3 承認履歴'].rows;
  const facts = Object.fromEntries(rec.slice(0, 8).map((r) => [r[0].v, r[1].v]));
  assert.equal(facts['番号'] ?? facts.Number ?? Object.values(facts)[1], 'INS-202612050001');
  const head = rec.findIndex((r) => r[1]?.v === '段階' || r[1]?.v === 'Stage');
  assert.ok(head > 0, JSON.stringify(rec));
  const acts = rec.slice(head + 1).filter((r) => r[0].v);
  assert.deepEqual(acts.map((r) => [r[0].t, r[0].v, r[1].v, r[3].v]), [
    ['datetime', '2026-12-05T09:40:00', '1 班長 Foreman', '山田 太郎'],
    ['datetime', '2026-12-05T09:40:00', '1 班長 Foreman', '佐藤 花子'],
  ]);
  assert.equal(acts[1][4].v, '圧力が高め。次回要確認。');
});

test('English users get English texts in both files', async () => {
  const en = await tokenFor(T, 'admin', PW, { headers: { 'Accept-Language': 'en' } });
  const r = await getBytes(`/${T}/api/v1/reports/${repId}/pdf`, { Authorization: `Bearer ${en}`, 'Accept-Language': 'en' });
  assert.equal(r.status, 200);
  const p3 = pdfText(r.body, { first: 3, last: 3 }).replace(/\s+/g, ' ');
  assert.match(p3, /Report record/);
  assert.match(p3, /Approval record/);
  assert.match(pdfText(r.body, { first: 2, last: 2, raw: true }), /APPROVED[\s\S]*PREPARED|PREPARED[\s\S]*APPROVED/);
  const x = await getBytes(`/${T}/api/v1/reports/${repId}/xlsx`, { Authorization: `Bearer ${en}`, 'Accept-Language': 'en' });
  assert.ok(Object.keys(readXlsx(x.body)).includes('3 Approval record'));
});

test('the console: download links on the report page, the same files, 404 for what the user cannot see, bad range page', async () => {
  const cookie = await consoleCookie(T, 'admin', PW);
  const page = await consoleGet(T, `/reports/${repId}`, cookie);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`href="/${T}/manager/reports/${repId}/pdf" id="download-pdf"`));
  assert.match(page.text, new RegExp(`href="/${T}/manager/reports/${repId}/xlsx" id="download-xlsx"`));
  let r = await getBytes(`/${T}/manager/reports/${repId}/pdf?pages=&history=1`, { Cookie: cookie });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/pdf');
  assert.ok(pdfText(r.body).includes('PRESS07'));
  r = await getBytes(`/${T}/manager/reports/${repId}/xlsx`, { Cookie: cookie });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], XLSX);
  r = await consoleGet(T, `/reports/${repId}/pdf?pages=9-1`, cookie);
  assert.equal(r.status, 400);
  assert.match(r.headers['content-type'], /text\/html/);
  r = await consoleGet(T, `/reports/${repIdB}/pdf`, cookie);
  assert.equal(r.status, 404);
  r = await consoleGet(T, `/reports/${repId}/xlsx`, null);
  assert.ok([303, 401].includes(r.status), `signed out: ${r.status}`);
});

test('every download is in the access log (report.pdf, report.xlsx) with the pages asked for', () => {
  const rows = q(T, `SELECT action, object_id, result, IFNULL(detail, '') FROM access_log WHERE action IN ('report.pdf', 'report.xlsx') AND object_id = '${repId}' ORDER BY id`)
    .split('\n').map((l) => l.split('\t'));
  assert.ok(rows.some((r) => r[0] === 'report.pdf' && r[2] === 'ok' && r[3] === ''), JSON.stringify(rows));
  assert.ok(rows.some((r) => r[0] === 'report.pdf' && r[3] === 'pages 3-9'), JSON.stringify(rows));
  assert.ok(rows.some((r) => r[0] === 'report.pdf' && r[3] === 'pages 3-, history'), JSON.stringify(rows));
  assert.ok(rows.some((r) => r[0] === 'report.xlsx' && r[2] === 'ok'), JSON.stringify(rows));
  // refused downloads wrote nothing
  assert.equal(q(T, `SELECT COUNT(*) FROM access_log WHERE action = 'report.pdf' AND detail LIKE 'pages 4-5%'`), '0');
});
