// Many reports as one table: genbactl tenant report-table (export/csv_table.c,
// export/xlsx_table.c over the walk of export/each.c).  The daily-inspection
// sample published twice (two definitions), reports with formula-looking
// texts, negative numbers, Japanese text, characters Shift_JIS lacks, and
// creation times set out of the order they were made in; the reports' own
// remarks (remarksValue1-10) after their own columns, headed by the names
// the definition gives them.  CSV in UTF-8 and
// in Shift_JIS decoded back to the same table (but for what CP932 lacks);
// formulas neutralised, plain numbers kept; oldest first; the tenant's
// zone; the columns of two definitions; the XLSX read back by openpyxl
// with typed cells; what a user without the view right gets.  One report
// as ConMas XML (GET /reports/{id}/xml and the console's link): parsed
// back with Python's ElementTree, every value, escaping; rights and
// another tenant's ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { repo, ensureTenant, adminToken, api, sql, tenantDb, ctl, parseCsv, request, tokenFor, newDevice, consoleCookie, consoleGet, assertError } from './lib.mjs';

const T = `rt-${crypto.randomBytes(3).toString('hex')}`;   // a fresh tenant each run: the columns depend on every definition
const PW = 'Report-table-admin-77', UPW = 'Report-table-user-2026';
const daily = readFileSync(path.resolve(repo, '../shared/samples/daily-inspection.xml'), 'utf8')
  .replace('<minimum>today-7</minimum><maximum>today</maximum>', '').replace('<default>today</default>', '');
const second = daily.replace(/<defTopName>[^<]*<\/defTopName>/, '<defTopName>週次点検 Weekly</defTopName>');
const uuid = () => crypto.randomUUID();
const hdr = () => ({ 'Idempotency-Key': uuid() });
const dir = mkdtempSync(path.join(os.tmpdir(), 'genba-rt-'));
const q = (query) => {
  const r = sql(query, { database: tenantDb(T) });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

let admin, def1, def2;
const ids = [];
const base = [
  { sheet: 1, cluster: 1, value: '2026-12-04' },
  { sheet: 1, cluster: 2, value: '08:30' },
  { sheet: 1, cluster: 4, value: 'PRESS07' },
  { sheet: 1, cluster: 5, value: 'night' },
  { sheet: 1, cluster: 6, value: '4.5' },
  { sheet: 1, cluster: 8, value: '1' },
  { sheet: 1, cluster: 10, value: 'noise\tvibration' },
  { sheet: 1, cluster: 11, value: '3' },
  { sheet: 1, cluster: 12, value: '97' },
];
// remarks (cluster 14) and temperature (cluster 7) per report, in the order made
const made = [
  { remarks: '=1+2', temp: '-5.5', at: '2026-12-05 03:00:00' },
  { remarks: '点検〜完了 ①髙 ベルト交換 😀', temp: '20.0', at: '2026-12-05 01:00:00' },
  { remarks: '+81-3-1234', temp: '-0.5', at: '2026-12-05 02:00:00' },
  { remarks: '@SUM(A1)', temp: '65.5', at: '2026-12-04 23:30:00' },   // the oldest: 2026-12-05 08:30 JST
  { remarks: '-2+3', temp: '0', at: '2026-12-05 04:00:00' },
  { remarks: '<a href="x">&amp;</a> \'q\' ]]> 改行\n次の行', temp: '1.5', at: '2026-12-05 05:00:00' },
];
const oldestFirst = [3, 1, 2, 0, 4, 5];
// the reports' own remarks (remarksValue1-10), by index in made
const remarks = { 0: { 1: '=HYPERLINK("http://x") 3号ライン', 2: '夜勤 第2班', 10: '最後' }, 1: { 1: 'Line 2' } };
const OWN = 19;   // the own columns: 9, then the ten remarks

function run(...args) {
  const r = ctl('tenant', 'report-table', T, ...args);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return r;
}
function table(name, ...args) {
  const out = path.join(dir, name);
  run(...args, '--out', out);
  assert.ok(!existsSync(`${out}.tmp`), 'no temporary file left');
  return readFileSync(out);
}

test('setup: two definitions, five reports with texts a spreadsheet would take for formulas', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  assert.equal((await api(T, 'PUT', '/settings', { token: admin, body: { time_zone: 'Asia/Tokyo', 'devices.auto_approve': true } })).status, 200);
  for (const g of ['foremen', 'managers']) {
    const r = await api(T, 'POST', '/groups', { token: admin, body: { name: g } });
    assert.ok([201, 409].includes(r.status), r.text);
  }
  const upload = async (xml) => {
    const r = await api(T, 'POST', '/definitions', { token: admin, body: xml, headers: { 'Content-Type': 'application/xml' } });
    assert.equal(r.status, 201, r.text);
    assert.equal((await api(T, 'POST', `/definitions/${r.json.id}/status`, { token: admin, body: { status: 'published' } })).status, 200);
    return r.json.id;
  };
  def1 = await upload(daily);
  def2 = await upload(second);
  for (const [i, m] of made.entries()) {
    const id = uuid();
    const values = [...base, { sheet: 1, cluster: 14, value: m.remarks }, { sheet: 1, cluster: 7, value: m.temp }];
    const r = await api(T, 'POST', '/reports', { token: admin, headers: hdr(), body: { id, definition_id: def1, definition_revision: 1, values, action: 'save', remarks: remarks[i] || {} } });
    assert.equal(r.status, 201, r.text);
    q(`UPDATE reports SET created_at = '${m.at}', updated_at = '${m.at}' WHERE id = '${id}'`);
    ids.push(id);
  }
  // one report of the second definition, the newest
  const r = await api(T, 'POST', '/reports', { token: admin, headers: hdr(), body: { id: uuid(), definition_id: def2, definition_revision: 1, values: [...base, { sheet: 1, cluster: 14, value: 'weekly' }], action: 'save' } });
  assert.equal(r.status, 201, r.text);
  q(`UPDATE reports SET created_at = '2026-12-06 00:00:00' WHERE id = '${r.json.id}'`);
  ids.push(r.json.id);
});

let utf8Rows;
test('CSV, UTF-8: a byte order mark, CRLF, a head of the own columns then the clusters by name, oldest first', () => {
  const buf = table('one.csv', '--format', 'csv', '--definition', String(def1));
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = buf.toString('utf8');
  assert.ok(text.endsWith('\r\n'));
  // every row ends with CRLF (a line break inside a quoted cell is the cell's own)
  assert.ok(!/[^\r]\n/.test(text.replace(/"(?:[^"]|"")*"/g, '""')), 'every line ends with CRLF');
  assert.ok(text.includes('"<a href=""x"">&amp;</a> \'q\' ]]> 改行\n次の行"'));
  utf8Rows = parseCsv(text);
  const head = utf8Rows[0];
  assert.deepEqual(head.slice(0, 9), ['ID', '番号', '帳票名', '定義', '状態', '作成日時 (Asia/Tokyo)', '作成者', '更新日時 (Asia/Tokyo)', '更新者']);
  // the ten remarks, always, named as the definition names them (remarksName1 Line, remarksName2 Shift)
  assert.deepEqual(head.slice(9, OWN), ['備考1: Line', '備考2: Shift', '備考3', '備考4', '備考5', '備考6', '備考7', '備考8', '備考9', '備考10']);
  // every cluster that holds a value (FixedText "title" has none), named by the cluster
  assert.deepEqual(head.slice(OWN), ['inspection_date', 'start_time', 'inspector', 'machine_no', 'shift', 'pressure', 'temperature',
    'oil_level_ok', 'belt_ok', 'findings', 'count_a', 'count_b', 'defect_rate', 'remarks', 'location', 'photo', 'sketch',
    'created_by', 'foreman_approval', 'manager_approval']);
  assert.equal(utf8Rows.length, 1 + made.length);
  assert.deepEqual(utf8Rows.slice(1).map((r) => r[0]), oldestFirst.map((i) => ids[i]));
});

test('CSV cells: formulas neutralised, plain numbers kept, checks 1/0, choices by label, times in the tenant zone', () => {
  const head = utf8Rows[0];
  const col = (name) => head.indexOf(name);
  const byId = Object.fromEntries(utf8Rows.slice(1).map((r) => [r[0], r]));
  const rm = (i) => byId[ids[i]][col('remarks')];
  assert.equal(rm(0), "'=1+2");
  assert.equal(rm(2), "'+81-3-1234");
  assert.equal(rm(3), "'@SUM(A1)");
  assert.equal(rm(4), "'-2+3");
  assert.equal(rm(1), '点検〜完了 ①髙 ベルト交換 😀');
  assert.equal(byId[ids[0]][col('temperature')], '-5.5');   // a plain negative number stays a number
  assert.equal(byId[ids[2]][col('temperature')], '-0.5');
  const r0 = byId[ids[0]];
  assert.equal(r0[col('oil_level_ok')], '1');
  assert.equal(r0[col('belt_ok')], '0');
  assert.equal(r0[col('shift')], '夜勤 Night');
  assert.equal(r0[col('findings')], '異音 Noise, 振動 Vibration');
  assert.equal(r0[col('pressure')], '4.5');
  assert.equal(r0[col('inspection_date')], '2026-12-04');
  assert.equal(r0[col('start_time')], '08:30');
  assert.equal(r0[col('defect_rate')], '97.00');
  assert.equal(r0[4], 'editing');
  assert.equal(r0[3], '設備日常点検表 Daily equipment inspection');
  assert.equal(r0[5], '2026-12-05 12:00:00');                       // 03:00 UTC in Tokyo
  assert.equal(byId[ids[3]][5], '2026-12-05 08:30:00');
  assert.equal(r0[6], byId[ids[1]][6]);
  // the report's remarks: a formula neutralised, the others as they are, unset ones empty
  assert.deepEqual(r0.slice(9, OWN), ['\'=HYPERLINK("http://x") 3号ライン', '夜勤 第2班', '', '', '', '', '', '', '', '最後']);
  assert.deepEqual(byId[ids[1]].slice(9, OWN), ['Line 2', '', '', '', '', '', '', '', '', '']);
  assert.ok(byId[ids[2]].slice(9, OWN).every((c) => c === ''));
});

test('CSV, Shift_JIS: no byte order mark, decodes to the same table but for what CP932 lacks', () => {
  const buf = table('one-sjis.csv', '--format', 'csv', '--encoding', 'shift_jis', '--definition', String(def1));
  assert.notEqual(buf[0], 0xef);
  assert.ok(buf.includes(Buffer.from([0x93, 0x5f, 0x8c, 0x9f])), '点検 in Shift_JIS bytes');
  const rows = parseCsv(new TextDecoder('shift_jis').decode(buf));
  assert.equal(rows.length, utf8Rows.length);
  const rm = utf8Rows[0].indexOf('remarks');
  for (let i = 0; i < rows.length; i++) {
    const expect = utf8Rows[i].slice();
    // WAVE DASH becomes its CP932 look-alike (FULLWIDTH TILDE); an emoji becomes '?'
    expect[rm] = expect[rm].replace('〜', '～').replace('😀', '?');
    assert.deepEqual(rows[i], expect);
  }
});

test('several definitions: each one\'s clusters in turn, heads prefixed with its name; English heads with --lang en', () => {
  const rows = parseCsv(table('all.csv', '--format', 'csv', '--lang', 'en').toString('utf8'));
  const head = rows[0];
  assert.deepEqual(head.slice(0, OWN), ['id', 'number', 'name', 'definition', 'status', 'created at (Asia/Tokyo)', 'created by',
    'updated at (Asia/Tokyo)', 'updated by', 'remark 1: Line', 'remark 2: Shift', 'remark 3', 'remark 4', 'remark 5',
    'remark 6', 'remark 7', 'remark 8', 'remark 9', 'remark 10']);
  assert.equal(rows.find((r) => r[0] === ids[0])[9], '\'=HYPERLINK("http://x") 3号ライン');
  // (a run again on the same stack made more definitions: 20 columns each, by definition id)
  const ndefs = Number(q('SELECT COUNT(DISTINCT definition_id) FROM reports WHERE deleted_at IS NULL'));
  assert.equal(head.length, OWN + ndefs * 20);
  const first = head.indexOf('設備日常点検表 Daily equipment inspection: inspection_date');
  assert.ok(first >= OWN && (first - OWN) % 20 === 0, head.join('|'));
  assert.equal(head[first + 20], '週次点検 Weekly: inspection_date');
  assert.equal(head[first + 19], '設備日常点検表 Daily equipment inspection: manager_approval');
  const last = rows.find((r) => r[0] === ids[made.length]);
  assert.equal(last[first + 20 + 13], 'weekly');   // its remarks
  assert.equal(last[first + 13], '');
  assert.equal(rows.find((r) => r[0] === ids[0])[first + 20 + 13], '');
  assert.equal(rows.find((r) => r[0] === ids[0])[first + 13], "'=1+2");
});

test('a user sees only its own reports and those of definitions it may view', async () => {
  const g = await api(T, 'POST', '/groups', { token: admin, body: { name: 'weekly-viewers', permissions: ['reports.view', { name: 'def.view', scope: String(def2) }, { name: 'def.reports.view', scope: String(def2) }] } });
  assert.ok([201, 409].includes(g.status), g.text);
  const gid = g.status === 201 ? g.json.id : (await api(T, 'GET', '/groups', { token: admin })).json.groups.find((x) => x.name === 'weekly-viewers').id;
  const u = await api(T, 'POST', '/users', { token: admin, body: { login: 'viewer', name: 'Viewer', password: UPW, groups: [gid] } });
  assert.ok([201, 409].includes(u.status), u.text);
  const rows = parseCsv(table('viewer.csv', '--format', 'csv', '--as', 'viewer', '--lang', 'en').toString('utf8'));
  assert.deepEqual(rows.slice(1).map((r) => r[0]), [ids[made.length]]);
  assert.ok(rows.slice(1).every((r) => r[3] === '週次点検 Weekly'));
  // the columns too are those of what it sees
  assert.equal(rows[0].length, OWN + 20);
  const none = parseCsv(table('viewer-def1.csv', '--format', 'csv', '--as', 'viewer', '--definition', String(def1)).toString('utf8'));
  assert.equal(none.length, 1);
  assert.equal(none[0].length, OWN);
  assert.equal(none[0][9], '備考1', 'no definition met: the remarks unnamed');
});

test('XLSX: the same table, typed cells, read back by openpyxl', () => {
  const file = path.join(dir, 'one.xlsx');
  run('--format', 'xlsx', '--definition', String(def1), '--out', file);
  const py = `
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
def v(c):
    x = c.value
    if isinstance(x, datetime.datetime): return ['datetime', x.isoformat()]
    if isinstance(x, datetime.time): return ['time', x.isoformat()]
    if isinstance(x, bool): return ['bool', x]
    if isinstance(x, (int, float)): return ['number', x, c.number_format]
    return ['text', x]
print(json.dumps({'title': ws.title, 'rows': [[v(c) for c in row] for row in ws.iter_rows()]}, ensure_ascii=False))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { title, rows } = JSON.parse(r.stdout);
  assert.equal(title, '報告書');
  const head = rows[0].map((c) => c[1]);
  assert.deepEqual(head, utf8Rows[0]);
  assert.deepEqual(rows.slice(1).map((x) => x[0][1]), oldestFirst.map((i) => ids[i]));
  const col = (name) => head.indexOf(name);
  const r0 = rows.find((x) => x[0][1] === ids[0]);
  assert.deepEqual(r0[col('temperature')], ['number', -5.5, '0.0']);
  assert.deepEqual(r0[col('pressure')], ['number', 4.5, '0.0']);
  assert.deepEqual(r0[col('count_b')], ['number', 97, '0']);
  assert.deepEqual(r0[col('oil_level_ok')], ['bool', true]);
  assert.deepEqual(r0[col('belt_ok')], ['bool', false]);
  assert.deepEqual(r0[col('inspection_date')], ['datetime', '2026-12-04T00:00:00']);
  assert.equal(r0[col('start_time')][0], 'time');
  assert.equal(r0[col('start_time')][1], '08:30:00');
  assert.deepEqual(r0[5], ['datetime', '2026-12-05T12:00:00']);
  assert.deepEqual(r0[col('shift')], ['text', '夜勤 Night']);
  // a string cell is never a formula: the text as it was entered
  assert.deepEqual(r0[col('remarks')], ['text', '=1+2']);
  assert.deepEqual(rows.find((x) => x[0][1] === ids[1])[col('remarks')], ['text', '点検〜完了 ①髙 ベルト交換 😀']);
  // the report's remarks: text as entered (never a formula), unset ones empty
  assert.deepEqual(r0[col('備考1: Line')], ['text', '=HYPERLINK("http://x") 3号ライン']);
  assert.deepEqual(r0[col('備考2: Shift')], ['text', '夜勤 第2班']);
  assert.deepEqual(r0[col('備考10')], ['text', '最後']);
  assert.deepEqual(r0[col('備考3')], ['text', null]);
  assert.deepEqual(rows.find((x) => x[0][1] === ids[1])[col('備考1: Line')], ['text', 'Line 2']);
});

test('usage errors: 2 with a message; a tenant that does not exist: 1', () => {
  for (const args of [['--format', 'pdf', '--out', '-'], ['--format', 'csv'], ['--format', 'csv', '--encoding', 'latin1', '--out', '-'],
    ['--format', 'csv', '--definition', 'x', '--out', '-'], ['--format', 'csv', '--from', '2026-13-01', '--out', '-'],
    ['--format', 'xlsx', '--encoding', 'shift_jis', '--out', '-'], ['--format', 'csv', '--bogus', '--out', '-']]) {
    const r = ctl('tenant', 'report-table', T, ...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /genbactl/);
  }
  const r = ctl('tenant', 'report-table', 'no-such', '--format', 'csv', '--out', '-');
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /no such tenant/);
  const u = ctl('tenant', 'report-table', T, '--format', 'csv', '--as', 'nobody', '--out', '-');
  assert.equal(u.status, 1, u.stderr);
});

// ---- one report as ConMas XML -------------------------------------------------

function parseXml(text) {
  const py = `
import json, sys
import xml.etree.ElementTree as ET
top = ET.fromstring(sys.stdin.read()).find('top')
out = {c.tag: c.text or '' for c in top if c.tag != 'sheets'}
out['clusters'] = [{c.tag: c.text or '' for c in cl} for cl in top.iter('cluster')]
print(json.dumps(out, ensure_ascii=False))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { input: text, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('XML of one report: the ConMas report data, every value, escaped, that a parser reads back', async () => {
  const id = ids[5];
  const r = await api(T, 'GET', `/reports/${id}/xml`, { token: admin });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['content-type'], 'application/xml; charset=utf-8');
  assert.match(r.headers['content-disposition'], /^attachment; filename=".*\.xml"; filename\*=UTF-8''/);
  assert.ok(r.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<conmas>\n  <top>'), r.text.slice(0, 80));
  const x = parseXml(r.text);
  assert.equal(x.defTopId, String(def1));
  assert.equal(x.revNo, '1');
  assert.equal(x.reportId, id);
  assert.equal(x.repTopId, q(`SELECT seq FROM reports WHERE id = '${id}'`));
  assert.equal(x.editStatus, '1');
  assert.equal(x.createUserId, 'admin');
  assert.equal(x.registTime, '2026/12/05 14:00:00');   // 05:00 UTC in Tokyo
  assert.equal(x.repTopName, q(`SELECT name FROM reports WHERE id = '${id}'`));
  // every cluster but the form's label, each with the value stored
  assert.equal(x.clusters.length, 20);
  const val = (s, c) => x.clusters.find((k) => k.sheetNo === String(s) && k.clusterId === String(c));
  for (const v of [...base, { sheet: 1, cluster: 14, value: made[5].remarks }, { sheet: 1, cluster: 7, value: made[5].temp }])
    assert.equal(val(v.sheet, v.cluster).value, v.value, `${v.sheet}/${v.cluster}`);
  assert.equal(val(1, 14).name, 'remarks');
  assert.equal(val(1, 14).type, 'KeyboardText');
  assert.equal(val(1, 9).value, '');                      // no value: an empty element
  // a file's cluster (the photo) is "(ignore)": the file imported again keeps the photo
  assert.equal(val(2, 0).type, 'Image');
  assert.equal(val(2, 0).value, '(ignore)');
  const stage = val(2, 4);
  assert.equal(stage.type, 'Approve');
  assert.equal(stage.value, '');
  assert.equal(stage.approver, '');
  // the markup in the text is text
  assert.ok(r.text.includes('&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;'), r.text);
  assert.ok(!r.text.includes('<a href'));
});

test('XML: rights as for reading the report; another tenant\'s report is 404; the console links it', async () => {
  const viewer = await tokenFor(T, 'viewer', UPW, { device: newDevice() });
  assertError(await api(T, 'GET', `/reports/${ids[0]}/xml`, { token: viewer }), 404, 'not_found');
  assert.equal((await api(T, 'GET', `/reports/${ids[made.length]}/xml`, { token: viewer })).status, 200);
  assertError(await api(T, 'GET', `/reports/not-a-uuid/xml`, { token: admin }), 404, 'not_found');
  const TB = `${T}-b`;
  const adminB = await adminToken(TB, ensureTenant(TB), PW);
  assertError(await api(TB, 'GET', `/reports/${ids[0]}/xml`, { token: adminB }), 404, 'not_found');
  assert.equal((await api(T, 'GET', `/reports/${ids[0]}/xml`, { token: adminB })).status, 401);
  assert.equal((await api(T, 'GET', `/reports/${ids[0]}/xml`, {})).status, 401);
  const cookie = await consoleCookie(T, 'admin', PW);
  const page = await consoleGet(T, `/reports/${ids[0]}`, cookie);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`<a class="button" href="/${T}/manager/reports/${ids[0]}/xml" id="download-xml" download>XML</a>`));
  const file = await consoleGet(T, `/reports/${ids[0]}/xml`, cookie);
  assert.equal(file.status, 200);
  assert.equal(parseXml(file.text).reportId, ids[0]);
  assert.equal((await consoleGet(TB, `/reports/${ids[0]}/xml`, await consoleCookie(TB, 'admin', PW))).status, 404);
  // each download in the access log (the API's of the first test, the console's here; no refusal)
  const log = (id) => q(`SELECT COUNT(*) FROM access_log WHERE action = 'report.xml' AND object_id = '${id}' AND result = 'ok'`);
  assert.equal(log(ids[0]), '1');
  assert.equal(log(ids[5]), '1');
});

// ---- zips of one file per report, and explicit ids -----------------------------

function unzip(file) {
  const py = `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([[i.filename, i.compress_type, z.read(i).decode('latin-1')] for i in z.infolist()], ensure_ascii=False))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).map(([name, method, latin1]) => ({ name, method, data: Buffer.from(latin1, 'latin1') }));
}

test('a zip of XML files, one per report, oldest first, each one the report\'s XML', async (t) => {
  // a remark and a system key (cleared after: the other tests do not expect them)
  q(`UPDATE reports SET remarks2 = 'Line 2 & 3', system_key5 = 'WO-5' WHERE id = '${ids[5]}'`);
  t.after(() => q(`UPDATE reports SET remarks2 = '', system_key5 = '' WHERE id = '${ids[5]}'`));
  const file = path.join(dir, 'xml.zip');
  run('--format', 'xml-zip', '--definition', String(def1), '--out', file);
  const entries = unzip(file);
  assert.equal(entries.length, made.length);
  assert.equal(new Set(entries.map((e) => e.name)).size, entries.length);
  assert.ok(entries.every((e) => e.name.endsWith('.xml') && e.method === 8), JSON.stringify(entries.map((e) => [e.name, e.method])));
  const xs = entries.map((e) => parseXml(e.data.toString('utf8')));
  assert.deepEqual(xs.map((x) => x.reportId), oldestFirst.map((i) => ids[i]));
  assert.equal(xs.find((x) => x.reportId === ids[5]).clusters.find((c) => c.clusterId === '14' && c.sheetNo === '1').value, made[5].remarks);
  // each entry is GET /reports/{id}/xml byte for byte (remarks and system keys included)
  for (const i of [0, 5]) {
    const x = await api(T, 'GET', `/reports/${ids[i]}/xml`, { token: admin });
    assert.equal(x.status, 200, x.text);
    assert.equal(entries[oldestFirst.indexOf(i)].data.toString('utf8'), x.text);
  }
  assert.match(entries[oldestFirst.indexOf(5)].data.toString('utf8'), /<remarksValue2>Line 2 &amp; 3<\/remarksValue2>\s*<systemKey5>WO-5<\/systemKey5>/);
});

test('explicit ids: only the visible ones, once each, oldest first; a zip of PDFs', async () => {
  const TB = `${T}-b`;
  const other = JSON.parse(ctl('--json', 'tenant', 'show', TB).stdout || '{}');   // (only to be sure TB exists)
  assert.ok(other);
  const foreign = uuid();   // no such report here (another tenant's would be the same: not in this database)
  const pick = [ids[4], ids[3], foreign, ids[3], ids[made.length]];
  const rows = parseCsv(table('ids.csv', '--format', 'csv', '--ids', pick.join(',')).toString('utf8'));
  assert.deepEqual(rows.slice(1).map((r) => r[0]), [ids[3], ids[4], ids[made.length]]);
  const seen = parseCsv(table('ids-viewer.csv', '--format', 'csv', '--as', 'viewer', '--ids', pick.join(',')).toString('utf8'));
  assert.deepEqual(seen.slice(1).map((r) => r[0]), [ids[made.length]]);
  const bad = ctl('tenant', 'report-table', T, '--format', 'csv', '--ids', `${ids[0]},not-a-uuid`, '--out', path.join(dir, 'bad.csv'));
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stderr, /not a report id/);
  assert.ok(!existsSync(path.join(dir, 'bad.csv')) && !existsSync(path.join(dir, 'bad.csv.tmp')));
  const file = path.join(dir, 'pdf.zip');
  run('--format', 'pdf-zip', '--ids', `${ids[0]},${ids[1]}`, '--out', file);
  const entries = unzip(file);
  assert.equal(entries.length, 2);
  assert.ok(entries.every((e) => e.name.endsWith('.pdf') && e.method === 0 && e.data.subarray(0, 5).toString() === '%PDF-'));
});

test('pages: 1,234 more reports, seven at a time created in the same millisecond: each once, in order, in every writer', () => {
  q(`INSERT INTO reports (id, definition_id, definition_revision, name, number, status, rev, created_by, created_at,
                          updated_by, updated_at, vals)
     SELECT UUID(), ${def1}, 1, CONCAT('bulk ', s.seq), CONCAT('B-', s.seq), 'completed', 1, r.created_by,
            TIMESTAMP'2026-11-01 00:00:00' + INTERVAL (s.seq DIV 7) MINUTE, r.created_by, TIMESTAMP'2026-11-02 00:00:00', r.vals
     FROM seq_1_to_1234 s JOIN reports r ON r.id = '${ids[0]}'`);
  // one with values longer than the walk's first guess of a cell (read apart: db_query_stream)
  q(`UPDATE reports SET vals = JSON_SET(vals, '$."1/14".v', REPEAT('長', 400), '$."1/4".v', REPEAT('x', 9000)) WHERE number = 'B-7'`);
  const want = q(`SELECT id FROM reports WHERE definition_id = ${def1} ORDER BY created_at, id`).split('\n');
  assert.equal(want.length, made.length + 1234);
  const rows = parseCsv(table('paged.csv', '--format', 'csv', '--definition', String(def1)).toString('utf8'));
  assert.deepEqual(rows.slice(1).map((r) => r[0]), want);
  const temp = rows[0].indexOf('temperature');
  assert.ok(rows.slice(1).filter((r) => r[2].startsWith('bulk ')).every((r) => r[temp] === '-5.5'));
  assert.equal(rows.find((r) => r[2] === 'bulk 7')[rows[0].indexOf('remarks')], '長'.repeat(400));
  assert.equal(rows.find((r) => r[2] === 'bulk 7')[rows[0].indexOf('machine_no')], 'x'.repeat(9000));
  const sj = parseCsv(new TextDecoder('shift_jis').decode(table('paged-sjis.csv', '--format', 'csv', '--encoding', 'shift_jis', '--definition', String(def1))));
  assert.deepEqual(sj.slice(1).map((r) => r[0]), want);
  const file = path.join(dir, 'paged.zip');
  run('--format', 'xml-zip', '--definition', String(def1), '--out', file);
  const entries = unzip(file);
  assert.deepEqual(entries.map((e) => parseXml(e.data.toString('utf8')).reportId), want);
  assert.equal(new Set(entries.map((e) => e.name)).size, want.length);
  // the ids way, over pages too
  const some = want.filter((_, i) => i % 2 === 0).reverse();
  const byIds = parseCsv(table('paged-ids.csv', '--format', 'csv', '--ids', some.join(',')).toString('utf8'));
  assert.deepEqual(byIds.slice(1).map((r) => r[0]), some.slice().reverse());
});

test('cleanup', () => rmSync(dir, { recursive: true, force: true }));
