// Reports over the tablet API: idempotent writes (replays, parallel
// duplicates, reused keys, keys per tenant), conditional updates (If-Match,
// 412 with the current report), every value rule of the definition, values
// the server computes, lockAfterSave, gap-free auto-numbers, the value
// history, isolation of ids between tenants, and keyset paging of the list.
// Workflow (approvals, locks, copies, deletion) and attachments are not
// here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repo, ensureTenant, adminToken, api, sql, tenantDb, tokenFor, newDevice, assertError, sleep, consoleCookie, consoleGet } from './lib.mjs';

const T = 'rep-a', TB = 'rep-b';
const PW = 'Reports-admin-77';
const TAB_PW = 'Tablet-user-2026';
const daily = readFileSync(path.resolve(repo, '../shared/samples/daily-inspection.xml'), 'utf8');
const uuid = () => crypto.randomUUID();

// ---- a definition with one cluster per rule ------------------------------
// [clusterId, type, parameters (XML)]
const CL = [
  [0, 'FixedText', '<text>Rules</text>'],
  [1, 'Numeric', '<decimalPlaces>1</decimalPlaces><minimum>0</minimum><maximum>10</maximum><normalMinimum>2</normalMinimum><normalMaximum>6.5</normalMaximum>'],
  [2, 'Numeric', ''],
  [3, 'KeyboardText', '<maxLength>5</maxLength>'],
  [4, 'KeyboardText', '<pattern>[A-Z]{2}-[0-9]{3}</pattern>'],
  [5, 'KeyboardText', '<charset>digits</charset>'],
  [6, 'Select', '<items><item value="a">A</item><item value="b">B</item></items>'],
  [7, 'NumericSelect', '<items><item value="1.5">1.5</item><item value="2">2</item></items>'],
  [8, 'Date', '<minimum>2020-01-01</minimum><maximum>2030-12-31</maximum>'],
  [9, 'Time', ''],
  [10, 'Gps', ''],
  [11, 'Check', ''],
  [12, 'MultipleChoice', '<minSelected>2</minSelected><maxSelected>2</maxSelected><items><item value="x">X</item><item value="y">Y</item><item value="z">Z</item></items>'],
  [13, 'Image', ''],
  [14, 'KeyboardText', '<required>true</required>'],
  [15, 'Numeric', '<lockAfterSave>true</lockAfterSave>'],
  [16, 'Numeric', ''],
  [17, 'Numeric', ''],
  [18, 'Calculate', '<formula>C(1,16)+C(1,17)</formula>'],
  [19, 'Registrant', ''],
  [20, 'RegisterDate', ''],
  [21, 'Updater', ''],
  [22, 'UpdateDate', ''],
  [23, 'Calculate', '<formula>C(1,17)/3</formula><decimalPlaces>4</decimalPlaces>'],
  [24, 'Time', '<seconds>true</seconds>'],
  [25, 'Handwriting', ''],
  [26, 'LoginUser', ''],
  [27, 'Calculate', '<formula>IF(C(1,16)+C(1,17)=0.3, 1, 0)</formula>'],
  [28, 'Calculate', '<formula>(C(1,16)+C(1,17))*10-3</formula>'],
];
function rulesXml(name) {
  const cl = CL.map(([id, type, params]) => {
    const top = (0.01 + id * 0.03).toFixed(3), bottom = (0.03 + id * 0.03).toFixed(3);
    return `<cluster><sheetNo>1</sheetNo><clusterId>${id}</clusterId><clusterName>c${id}</clusterName><type>${type}</type>` +
      `<top>${top}</top><bottom>${bottom}</bottom><left>0.050</left><right>0.950</right>${params}</cluster>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<conmas><top><defTopName>${name}</defTopName><sheets><sheet>` +
    `<sheetNo>1</sheetNo><defSheetName>Rules</defSheetName><width>595</width><height>842</height><clusters>\n${cl}\n` +
    '</clusters></sheet></sheets></top></conmas>\n';
}

// ---- state shared by the tests -------------------------------------------
let admin, adminB, tab1, tab2, btab, pager;
const ids = {};          // user ids
let rules, rulesB, dailyId;

const db = (t) => tenantDb(t);
const q = (t, query) => {
  const r = sql(query, { database: db(t) });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};
const countWhere = (t, table, where) => Number(q(t, `SELECT COUNT(*) FROM ${table} WHERE ${where}`));
const nReports = (t, id) => countWhere(t, 'reports', `id = '${id}'`);
// the stored values (reports.vals: "sheet/cluster" -> {v, at, by, g, o}) and the history's changes
const storedValue = (t, id, c, member = 'v') => q(t, `SELECT COALESCE(JSON_VALUE(vals, '$."1/${c}".${member}'), 'NULL') FROM reports WHERE id = '${id}'`);
const CHANGES = "report_events e, JSON_TABLE(e.changes, '$[*]' COLUMNS (s INT PATH '$.s', c INT PATH '$.c', o TEXT PATH '$.o', n TEXT PATH '$.n')) j";
const countChanges = (t, where) => Number(q(t, `SELECT COUNT(*) FROM ${CHANGES} WHERE ${where}`));

function post(t, token, body, key = uuid(), headers = {}) {
  const h = { ...headers };
  if (key !== null) h['Idempotency-Key'] = key;
  return api(t, 'POST', '/reports', { token, body, headers: h });
}
function put(t, token, id, rev, body, key = uuid(), headers = {}) {
  const h = { ...headers };
  if (key !== null) h['Idempotency-Key'] = key;
  if (rev !== null) h['If-Match'] = `"${rev}"`;
  return api(t, 'PUT', `/reports/${id}`, { token, body, headers: h });
}
const getReport = (t, token, id, headers) => api(t, 'GET', `/reports/${id}`, { token, headers });
const vals = (obj) => Object.entries(obj).map(([c, v]) => ({ sheet: 1, cluster: Number(c), value: v }));
const newBody = (values = {}, { def = rules, action = 'save', id = uuid() } = {}) =>
  ({ id, definition_id: def, definition_revision: 1, values: vals(values), action });
// value of (sheet, cluster) in a report's JSON
const valueOf = (rep, cluster, sheet = 1) => rep.values.find((v) => v.sheet === sheet && v.cluster === cluster);
const v = (rep, cluster) => valueOf(rep, cluster)?.value;

async function created(t, token, values, opts) {
  const r = await post(t, token, newBody(values, opts));
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('setup: two tenants, tablet users, the rules definition and the daily sample published', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  adminB = await adminToken(TB, ensureTenant(TB), PW);
  for (const [t, tok] of [[T, admin], [TB, adminB]]) {
    assert.equal((await api(t, 'PUT', '/settings', { token: tok, body: { 'devices.auto_approve': true } })).status, 200);
    const g = await api(t, 'POST', '/groups', {
      token: tok, body: { name: 'tablets', permissions: ['def.view', 'def.reports.view', 'def.reports.create', 'def.reports.edit'] },
    });
    assert.equal(g.status, 201, g.text);
    const logins = t === T ? ['tab1', 'tab2', 'pager'] : ['btab1'];
    for (const login of logins) {
      const u = await api(t, 'POST', '/users', { token: tok, body: { login, name: `Tablet ${login}`, password: TAB_PW, groups: [g.json.id] } });
      assert.equal(u.status, 201, u.text);
      ids[login] = u.json.id;
    }
  }
  tab1 = await tokenFor(T, 'tab1', TAB_PW, { device: newDevice() });
  tab2 = await tokenFor(T, 'tab2', TAB_PW, { device: newDevice() });
  pager = await tokenFor(T, 'pager', TAB_PW, { device: newDevice() });
  btab = await tokenFor(TB, 'btab1', TAB_PW, { device: newDevice() });

  const upload = async (t, tok, xml) => {
    const r = await api(t, 'POST', '/definitions', { token: tok, body: xml, headers: { 'Content-Type': 'application/xml' } });
    assert.equal(r.status, 201, r.text);
    const p = await api(t, 'POST', `/definitions/${r.json.id}/status`, { token: tok, body: { status: 'published' } });
    assert.equal(p.status, 200, p.text);
    return r.json.id;
  };
  rules = await upload(T, admin, rulesXml('Rules'));
  rulesB = await upload(TB, adminB, rulesXml('Rules'));
  assert.equal(rulesB, rules, 'both fresh tenants give their first definition the same id (needed to send the very same body to both)');
  for (const g of ['foremen', 'managers']) assert.equal((await api(T, 'POST', '/groups', { token: admin, body: { name: g } })).status, 201);
  dailyId = await upload(T, admin, daily);
});

// ---- idempotency ---------------------------------------------------------

test('the same POST twice: one report, the same answer byte for byte, the second marked as a replay', async () => {
  const body = newBody({ 1: '5.5', 3: 'abc' });
  const key = uuid();
  const r1 = await post(T, tab1, body, key);
  assert.equal(r1.status, 201, r1.text);
  assert.equal(r1.headers.etag, '"1"');
  assert.equal(r1.headers['idempotent-replayed'], undefined);
  assert.equal(r1.headers.location, `/${T}/api/v1/reports/${body.id}`);
  assert.equal(r1.json.id, body.id);
  assert.equal(r1.json.rev, 1);
  assert.equal(r1.json.status, 'editing');
  assert.equal(r1.json.created_by, 'tab1');
  assert.equal(v(r1.json, 1), '5.5');
  const r2 = await post(T, tab1, body, key);
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.headers['idempotent-replayed'], 'true');
  assert.equal(r2.text, r1.text, 'byte-identical body');
  assert.equal(r2.headers.etag, r1.headers.etag);
  assert.equal(nReports(T, body.id), 1);
  assert.equal(countWhere(T, 'idempotency_keys', `k = '${key}' AND state = 'done'`), 1);
  // the answer is the report as GET shows it
  const g = await getReport(T, tab1, body.id);
  assert.equal(g.status, 200);
  assert.equal(g.headers.etag, '"1"');
  assert.deepEqual(g.json, r1.json);
  // the report changes; the replay still answers what the POST answered then
  const u = await put(T, tab1, body.id, 1, { values: vals({ 1: '6.0' }), action: 'save' });
  assert.equal(u.status, 200, u.text);
  const r3 = await post(T, tab1, body, key);
  assert.equal(r3.status, 201);
  assert.equal(r3.text, r1.text);
  assert.equal(nReports(T, body.id), 1);
});

test('20 parallel requests with one key: exactly one report; the others replay its answer or answer 409 in flight', async () => {
  const body = newBody({ 2: '42', 3: 'par' });
  const key = uuid();
  const rs = await Promise.all(Array.from({ length: 20 }, () => post(T, tab1, body, key)));
  const ok = rs.filter((r) => r.status === 201);
  const busy = rs.filter((r) => r.status === 409);
  assert.equal(ok.length + busy.length, 20, rs.map((r) => `${r.status} ${r.text.slice(0, 120)}`).join('\n'));
  for (const r of busy) assertError(r, 409, 'idempotency_in_flight');
  assert.ok(ok.length >= 1);
  assert.equal(ok.filter((r) => r.headers['idempotent-replayed'] !== 'true').length, 1, 'one answer made the report, the rest are replays');
  for (const r of ok) {
    assert.equal(r.text, ok[0].text);
    assert.equal(r.headers.etag, '"1"');
  }
  assert.equal(nReports(T, body.id), 1, 'one row in the tenant database');
  assert.equal(storedValue(T, body.id, 2), body.values.find((x) => x.cluster === 2).value);
  assert.equal(countWhere(T, 'report_events', `report_id = '${body.id}'`), 0, 'written once: the create is the row itself, no history rows');
  // a late retry is a replay as well
  const late = await post(T, tab1, body, key);
  assert.equal(late.status, 201);
  assert.equal(late.headers['idempotent-replayed'], 'true');
  assert.equal(late.text, ok[0].text);
});

test('the same key with another body, another URL or another user answers 422 and writes nothing', async () => {
  const body = newBody({ 2: '1' });
  const key = uuid();
  assert.equal((await post(T, tab1, body, key)).status, 201);
  const other = { ...body, values: vals({ 2: '2' }) };
  assertError(await post(T, tab1, other, key), 422, 'idempotency_key_reused');
  const otherId = { ...body, id: uuid() };
  assertError(await post(T, tab1, otherId, key), 422, 'idempotency_key_reused');
  assert.equal(nReports(T, otherId.id), 0);
  assertError(await put(T, tab1, body.id, 1, { values: vals({ 2: '3' }), action: 'save' }, key), 422, 'idempotency_key_reused');
  assertError(await post(T, tab2, body, key), 422, 'idempotency_key_reused');
  const g = await getReport(T, tab1, body.id);
  assert.equal(g.json.rev, 1);
  assert.equal(v(g.json, 2), '1');
});

test("a key from tenant a means nothing in tenant b: the same key and body make a new report there, and b never sees a's answer", async () => {
  const body = newBody({ 2: '7', 3: 'ten' });
  const key = uuid();
  const a = await post(T, tab1, body, key);
  assert.equal(a.status, 201, a.text);
  const b = await post(TB, btab, body, key);
  assert.equal(b.status, 201, b.text);
  assert.equal(b.headers['idempotent-replayed'], undefined, 'not a replay');
  assert.equal(b.json.created_by, 'btab1');
  assert.notEqual(b.text, a.text);
  assert.equal(nReports(T, body.id), 1);
  assert.equal(nReports(TB, body.id), 1);
  assert.equal(q(TB, `SELECT created_by FROM reports WHERE id = '${body.id}'`), String(ids.btab1));
  // and another body under that key is no reuse in b either: a's key is unknown there
  const key2 = uuid();
  assert.equal((await post(T, tab1, newBody({ 2: '8' }), key2)).status, 201);
  const b2 = await post(TB, btab, newBody({ 2: '9' }), key2);
  assert.equal(b2.status, 201, b2.text);
  assert.equal(b2.headers['idempotent-replayed'], undefined);
  // b's replay is b's answer
  const b3 = await post(TB, btab, body, key);
  assert.equal(b3.headers['idempotent-replayed'], 'true');
  assert.equal(b3.text, b.text);
});

test('a retry after the first write committed (its answer lost) gets the stored answer, for POST and for PUT', async () => {
  const body = newBody({ 2: '10' });
  const key = uuid();
  const first = await post(T, tab1, body, key);
  assert.equal(first.status, 201);
  // the tablet never saw that answer and sends the same request again
  const again = await post(T, tab1, body, key);
  assert.equal(again.status, 201);
  assert.equal(again.text, first.text);
  // an update committed, answer lost: the retry carries the old If-Match, and
  // must not be taken for a stale write (412) nor applied twice
  const ukey = uuid();
  const upd = { values: vals({ 2: '11' }), action: 'save' };
  const u1 = await put(T, tab1, body.id, 1, upd, ukey);
  assert.equal(u1.status, 200, u1.text);
  assert.equal(u1.headers.etag, '"2"');
  assert.equal(u1.json.rev, 2);
  const u2 = await put(T, tab1, body.id, 1, upd, ukey);
  assert.equal(u2.status, 200, u2.text);
  assert.equal(u2.headers['idempotent-replayed'], 'true');
  assert.equal(u2.text, u1.text);
  assert.equal(u2.headers.etag, '"2"');
  const g = await getReport(T, tab1, body.id);
  assert.equal(g.json.rev, 2, 'applied once');
  assert.equal(countChanges(T, `e.report_id = '${body.id}' AND j.c = 2`), 1, 'the update is one change');
  assert.equal(countWhere(T, 'report_events', `report_id = '${body.id}'`), 1, 'the update, once');
});

test('a request whose connection drops right after sending, then retried with its key until answered: one report', async () => {
  const https = (await import('node:https')).default;
  const { base, ca } = await import('./lib.mjs');
  const u = new URL(base);
  for (let i = 0; i < 3; i++) {
    const body = newBody({ 2: String(100 + i) });
    const key = uuid();
    const text = JSON.stringify(body);
    await new Promise((resolve) => {
      const req = https.request({
        host: u.hostname, port: u.port, method: 'POST', path: `/${T}/api/v1/reports`, ca, agent: false,
        headers: { Authorization: `Bearer ${tab1}`, 'Content-Type': 'application/json', 'Idempotency-Key': key, 'Content-Length': Buffer.byteLength(text) },
      });
      req.on('error', () => resolve());
      req.on('response', (res) => { res.resume(); req.destroy(); resolve(); });
      req.end(text, () => setTimeout(() => { req.destroy(); resolve(); }, i * 5));
    });
    let r;
    for (let k = 0; k < 50; k++) {
      r = await post(T, tab1, body, key);
      if (r.status !== 409) break;
      await sleep(100);
    }
    assert.equal(r.status, 201, r.text);
    assert.equal(nReports(T, body.id), 1);
    assert.equal(v(r.json, 2), String(100 + i));
  }
});

test('writes without an Idempotency-Key (or with a malformed one) answer 400 and write nothing', async () => {
  const body = newBody({ 2: '1' });
  assertError(await post(T, tab1, body, null), 400, 'idempotency_key_required');
  assertError(await post(T, tab1, body, 'x'.repeat(101)), 400, 'idempotency_key_required');
  assert.equal(nReports(T, body.id), 0);
  const rep = await created(T, tab1, { 2: '1' });
  assertError(await put(T, tab1, rep.id, 1, { values: vals({ 2: '2' }), action: 'save' }, null), 400, 'idempotency_key_required');
  assert.equal((await getReport(T, tab1, rep.id)).json.rev, 1);
});

// ---- concurrency -----------------------------------------------------------

test('two tablets save from the same revision: one 200, one 412 with the current report; If-Match is required', async () => {
  const rep = await created(T, tab1, { 2: '1', 3: 'base' });
  const [g1, g2] = await Promise.all([getReport(T, tab1, rep.id), getReport(T, tab2, rep.id)]);
  assert.equal(g1.headers.etag, '"1"');
  assert.equal(g2.headers.etag, '"1"');
  // If-None-Match with the current ETag
  const nm = await getReport(T, tab1, rep.id, { 'If-None-Match': '"1"' });
  assert.equal(nm.status, 304);
  const [a, b] = await Promise.all([
    put(T, tab1, rep.id, 1, { values: vals({ 2: '111' }), action: 'save' }),
    put(T, tab2, rep.id, 1, { values: vals({ 2: '222' }), action: 'save' }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 412], `${a.status} ${a.text}\n${b.status} ${b.text}`);
  const [win, lose] = a.status === 200 ? [a, b] : [b, a];
  const winner = a.status === 200 ? 'tab1' : 'tab2', loser = winner === 'tab1' ? tab2 : tab1;
  assert.equal(win.json.rev, 2);
  assert.equal(lose.json.error.code, 'stale_revision');
  assert.equal(lose.json.error.request_id, lose.headers['x-request-id']);
  assert.equal(lose.json.rev, 2, 'the 412 carries the current report');
  assert.equal(lose.headers.etag, '"2"');
  assert.equal(lose.json.id, rep.id);
  assert.equal(v(lose.json, 2), v(win.json, 2));
  assert.equal(lose.json.updated_by, winner);
  const now = await getReport(T, tab1, rep.id);
  assert.equal(now.json.rev, 2);
  assert.equal(v(now.json, 2), winner === 'tab1' ? '111' : '222');
  assert.equal(countChanges(T, `e.report_id = '${rep.id}' AND e.rev = 2 AND j.c = 2`), 1, 'one change at rev 2');
  // the loser merges and saves on the new revision
  const again = await put(T, loser, rep.id, 2, { values: vals({ 2: '333' }), action: 'save' });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.rev, 3);
  // without If-Match: 428; with a malformed one: 412; with an old one: 412
  assertError(await put(T, tab1, rep.id, null, { values: vals({ 2: '4' }), action: 'save' }), 428, 'if_match_required');
  const bad = await put(T, tab1, rep.id, null, { values: vals({ 2: '4' }), action: 'save' }, uuid(), { 'If-Match': 'W/"x"' });
  assert.equal(bad.status, 412, bad.text);
  const old = await put(T, tab1, rep.id, 1, { values: vals({ 2: '4' }), action: 'save' });
  assert.equal(old.status, 412);
  assert.equal(old.json.rev, 3);
  assert.equal((await getReport(T, tab1, rep.id)).json.rev, 3);
});

// ---- validation ---------------------------------------------------------------

// [cluster, value, code] (sheet 1 unless the cluster is given as [sheet, cluster])
const BAD = [
  [2, 'abc', 'not_a_number'], [2, '1e5', 'not_a_number'], [2, '+1', 'not_a_number'], [2, '.5', 'not_a_number'],
  [2, '1,5', 'not_a_number'], [2, ' 1', 'not_a_number'], [7, 'two', 'not_a_number'],
  [1, '5.55', 'too_many_decimals'], [2, '1.12345678901', 'too_many_decimals'],
  [2, '1234567890123456', 'too_many_digits'],
  [1, '-0.1', 'below_minimum'], [1, '10.1', 'above_maximum'],
  [3, 'abcdef', 'too_long'], [3, 'äöüßéx', 'too_long'],
  [4, 'ab-123', 'pattern_mismatch'], [4, 'XAB-123', 'pattern_mismatch'], [4, 'AB-1234', 'pattern_mismatch'],
  [5, '12a', 'bad_charset'], [5, '１２', 'bad_charset'], [3, 'a\nb', 'bad_charset'], [3, 'a\tb', 'bad_charset'],
  [6, 'c', 'not_in_items'], [6, 'A', 'not_in_items'], [7, '3', 'not_in_items'], [12, 'x\tq', 'not_in_items'], [12, 'x\tx', 'not_in_items'],
  [8, '2024-02-30', 'bad_date'], [8, '2024/01/01', 'bad_date'], [8, '2023-02-29', 'bad_date'], [8, '2024-1-1', 'bad_date'],
  [8, '2019-12-31', 'date_out_of_range'], [8, '2031-01-01', 'date_out_of_range'],
  [9, '24:00', 'bad_time'], [9, '8:30', 'bad_time'], [9, '08:60', 'bad_time'], [9, '08:30:00', 'bad_time'], [24, '08:30:61', 'bad_time'],
  [10, '91,0', 'bad_gps'], [10, '0,181', 'bad_gps'], [10, '35.6', 'bad_gps'], [10, 'abc,def', 'bad_gps'], [10, '1,2,3,4', 'bad_gps'],
  [0, 'x', 'read_only'], [13, 'photo.png', 'read_only'], [25, 'ink', 'read_only'],
  [99, '1', 'unknown_cluster'], [[2, 0], '1', 'unknown_cluster'],
  [11, 'true', 'bad_check'], [11, '0', 'bad_check'],
  [12, 'x', 'too_few_selected'], [12, 'x\ty\tz', 'too_many_selected'],
];

test('every value rule answers 422 validation_failed with its code, sheet and cluster, and writes nothing', async (t) => {
  const tried = [];
  for (const [where, value, code] of BAD) {
    const [sheet, cluster] = Array.isArray(where) ? where : [1, where];
    await t.test(`${code}: ${JSON.stringify(value)} in ${sheet}/${cluster}`, async () => {
      const body = { ...newBody(), values: [{ sheet, cluster, value }] };
      tried.push(body.id);
      const r = await post(T, tab1, body);
      assertError(r, 422, 'validation_failed');
      assert.deepEqual(r.json.error.details.map((d) => [d.sheet, d.cluster, d.code]), [[sheet, cluster, code]], r.text);
      assert.equal(typeof r.json.error.details[0].message, 'string');
      assert.notEqual(r.json.error.details[0].message, code, 'a message for people');
      assert.equal(r.json.error.message, '1 value is not valid');
    });
  }
  // the same rules on an update, against an existing report
  const rep = await created(T, tab1, { 2: '1' });
  for (const [where, value, code] of BAD.filter((b) => !Array.isArray(b[0]))) {
    const r = await put(T, tab1, rep.id, 1, { values: vals({ [where]: value }), action: 'save' });
    assert.equal(r.status, 422, `${code} on PUT: ${r.text}`);
    assert.deepEqual(r.json.error.details.map((d) => d.code), [code]);
  }
  assert.equal((await getReport(T, tab1, rep.id)).json.rev, 1);
  assert.equal(Number(q(T, `SELECT COUNT(*) FROM reports WHERE id IN (${tried.map((x) => `'${x}'`).join(',')})`)), 0);
});

test('several bad values at once: every problem is listed, one detail per cluster', async () => {
  const bad = { 1: '11', 2: 'x', 3: 'toolong', 4: 'no', 5: 'a', 6: 'zz', 7: '9', 8: '2024-13-01', 9: '25:00', 10: '1', 11: '2', 12: 'x', 0: 'fixed' };
  const r = await post(T, tab1, newBody(bad));
  assertError(r, 422, 'validation_failed');
  assert.equal(r.json.error.message, `${Object.keys(bad).length} values are not valid`);
  assert.deepEqual(r.json.error.details.map((d) => d.cluster).sort((a, b) => a - b), Object.keys(bad).map(Number).sort((a, b) => a - b));
  // and one good value among bad ones is not saved either
  const body = newBody({ 2: '5', 1: '11' });
  assert.equal((await post(T, tab1, body)).status, 422);
  assert.equal(nReports(T, body.id), 0);
});

test('good values are stored in their canonical form', async () => {
  const rep = await created(T, tab1, {
    1: '5', 2: '007.50', 3: 'äöüßé', 4: 'AB-123', 5: '0123', 6: 'b', 7: '2.0', 8: '2024-02-29', 9: '08:30',
    10: '35.6812360,139.767125,40.0', 11: '1', 12: 'z\tx', 24: '08:30', 17: '-0',
  });
  const want = {
    1: '5.0', 2: '7.5', 3: 'äöüßé', 4: 'AB-123', 5: '0123', 6: 'b', 7: '2', 8: '2024-02-29', 9: '08:30',
    10: '35.681236,139.767125,40', 11: '1', 12: 'x\tz', 24: '08:30:00', 17: '0',
  };
  for (const [c, w] of Object.entries(want)) assert.equal(v(rep, Number(c)), w, `cluster ${c}`);
  // as stored
  assert.equal(storedValue(T, rep.id, 2), '7.5');
  // empty means no value, for every type (read-only ones too)
  const e = await created(T, tab1, { 0: '', 13: '', 2: '', 11: '' });
  assert.equal(v(e, 0), undefined);
  assert.equal(v(e, 13), undefined);
});

test('values outside the normal range are kept and flagged out_of_normal', async () => {
  const hi = await created(T, tab1, { 1: '8.0' });
  const lo = await created(T, tab1, { 1: '1.5' });
  const ok = await created(T, tab1, { 1: '6.5' });
  for (const [rep, flag] of [[hi, true], [lo, true], [ok, false]]) {
    const g = (await getReport(T, tab1, rep.id)).json;
    assert.equal(valueOf(g, 1).out_of_normal === true, flag, JSON.stringify(valueOf(g, 1)));
    assert.equal(storedValue(T, rep.id, 1, 'o'), flag ? '1' : 'NULL');
  }
  // an update back into range clears the flag
  const u = await put(T, tab1, hi.id, 1, { values: vals({ 1: '4.0' }), action: 'save' });
  assert.equal(u.status, 200);
  assert.equal(valueOf(u.json, 1).out_of_normal, undefined);
});

test('server-computed clusters cannot be overridden, and calculations are exact decimals', async () => {
  const t0 = Date.now();
  const rep = await created(T, tab1, {
    16: '0.1', 17: '0.2', 18: '999', 19: 'mallory', 20: '1999-01-01T00:00:00Z', 21: 'mallory', 22: '1999-01-01T00:00:00Z',
    23: '5', 26: 'mallory', 27: '0', 28: '42',
  });
  assert.equal(v(rep, 18), '0.3', '0.1 + 0.2 is 0.3');
  assert.equal(v(rep, 27), '1', '0.1 + 0.2 = 0.3 compares equal');
  assert.equal(v(rep, 28), '0', '(0.1 + 0.2) * 10 - 3 is exactly 0');
  assert.equal(v(rep, 23), '0.0667', '0.2 / 3 to 4 places');
  assert.equal(v(rep, 19), 'Tablet tab1');
  assert.equal(v(rep, 21), 'Tablet tab1');
  assert.equal(v(rep, 26), 'Tablet tab1');
  for (const c of [20, 22]) {
    const at = Date.parse(v(rep, c));
    assert.ok(Math.abs(at - t0) < 120000, `cluster ${c} is now, not what was sent: ${v(rep, c)}`);
  }
  // another user updates: the registrant stays, the updater changes, the sum follows
  await sleep(1100);
  const u = await put(T, tab2, rep.id, 1, { values: vals({ 16: '0.7', 18: '1', 19: 'eve', 21: 'eve' }), action: 'save' });
  assert.equal(u.status, 200, u.text);
  assert.equal(v(u.json, 18), '0.9');
  assert.equal(v(u.json, 27), '0');
  assert.equal(v(u.json, 28), '6');
  assert.equal(v(u.json, 19), 'Tablet tab1');
  assert.equal(v(u.json, 21), 'Tablet tab2');
  assert.equal(v(u.json, 26), 'Tablet tab2');
  assert.equal(v(u.json, 20), v(rep, 20), 'the registration date stays');
  assert.ok(Date.parse(v(u.json, 22)) >= Date.parse(v(rep, 22)));
  // the history: the create is one event (the report's row), not copies of the values; the
  // update (report_events) names old, new and user of each change, and only what changed
  assert.equal(countWhere(T, 'report_events', `report_id = '${rep.id}' AND rev = 1`), 0);
  const hist = (await api(T, 'GET', `/reports/${rep.id}/history`, { token: tab1 })).json.history;
  assert.deepEqual(hist.filter((x) => x.rev === 1).map((x) => [x.event, x.user, x.sheet]), [['create', 'tab1', undefined]]);
  const h = q(T, `SELECT e.rev, j.c, COALESCE(j.o, 'NULL'), j.n, e.user_id FROM ${CHANGES} WHERE e.report_id = '${rep.id}' AND j.c IN (16, 18, 19, 21) ORDER BY j.c, e.id`);
  assert.deepEqual(h.split('\n').map((l) => l.split('\t')), [
    ['2', '16', '0.1', '0.7', String(ids.tab2)],
    ['2', '18', '0.3', '0.9', String(ids.tab2)],
    ['2', '21', 'Tablet tab1', 'Tablet tab2', String(ids.tab2)],
  ]);
  // an unchanged value makes no history row; edited_by follows the last editor
  const g = (await getReport(T, tab1, rep.id)).json;
  assert.equal(valueOf(g, 16).edited_by, 'tab2');
  assert.equal(valueOf(g, 17).edited_by, 'tab1');
  assert.equal(countChanges(T, `e.report_id = '${rep.id}' AND j.c = 17`), 0);
});

test('required is enforced only when completing', async () => {
  const rep = await created(T, tab1, { 2: '1' });
  assert.equal(rep.status, 'editing');
  let r = await put(T, tab1, rep.id, 1, { values: vals({ 2: '2' }), action: 'complete' });
  assertError(r, 422, 'validation_failed');
  assert.deepEqual(r.json.error.details.map((d) => [d.sheet, d.cluster, d.code]), [[1, 14, 'required']]);
  r = await put(T, tab1, rep.id, 1, { values: vals({ 14: ' \u3000 ' }), action: 'complete' });
  assert.deepEqual(r.json.error.details.map((d) => d.code), ['required'], 'blank text is no value');
  r = await put(T, tab1, rep.id, 1, { values: vals({ 14: '   ' }), action: 'save' });
  assert.equal(r.status, 200, 'saving accepts a partly filled report');
  r = await put(T, tab1, rep.id, 2, { values: vals({ 14: 'done' }), action: 'complete' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'completed');
  // completing at creation
  const body = newBody({ 2: '1' }, { action: 'complete' });
  r = await post(T, tab1, body);
  assert.deepEqual(r.json.error.details.map((d) => d.code), ['required']);
  assert.equal(nReports(T, body.id), 0);
  const c = await created(T, tab1, { 14: 'x' }, { action: 'complete' });
  assert.equal(c.status, 'completed');
  assert.equal(q(T, `SELECT status FROM reports WHERE id = '${c.id}'`), 'completed');
});

test('lockAfterSave: a saved value cannot change afterwards (locked_after_save)', async () => {
  const rep = await created(T, tab1, { 15: '3' });
  let r = await put(T, tab1, rep.id, 1, { values: vals({ 15: '4' }), action: 'save' });
  assertError(r, 422, 'validation_failed');
  assert.deepEqual(r.json.error.details.map((d) => [d.cluster, d.code]), [[15, 'locked_after_save']]);
  const message = r.json.error.details[0].message;
  r = await put(T, tab2, rep.id, 1, { values: vals({ 15: '' }), action: 'save' });
  assert.deepEqual(r.json.error.details?.map((d) => d.code), ['locked_after_save'], 'nor be emptied');
  r = await put(T, tab1, rep.id, 1, { values: vals({ 15: '3.00', 2: '5' }), action: 'save' });
  assert.equal(r.status, 200, `the same value again is no change: ${r.text}`);
  assert.equal(v(r.json, 15), '3');
  // a report saved without it: set once, then locked
  const e = await created(T, tab1, { 2: '1' });
  r = await put(T, tab1, e.id, 1, { values: vals({ 15: '1' }), action: 'save' });
  assert.equal(r.status, 200, r.text);
  r = await put(T, tab1, e.id, 2, { values: vals({ 15: '2' }), action: 'save' });
  assert.deepEqual(r.json.error?.details?.map((d) => d.code), ['locked_after_save']);
  assert.equal(storedValue(T, e.id, 15), '1');
  assert.notEqual(message, 'locked_after_save', 'the detail has a message for people');
});

// 30 creations at once, each retried with its own key the way a tablet
// does when the server answers 503 with Retry-After (kept for the next test)
const parallel = { busy: 0, answers: [] };
test('auto-numbers: 30 reports created in parallel get 30 distinct, consecutive numbers', async () => {
  const before = countWhere(T, 'reports', `definition_id = ${dailyId}`);
  const one = async () => {
    const body = newBody({}, { def: dailyId }), key = uuid();
    for (let attempt = 0; ; attempt++) {
      const r = await post(T, tab1, body, key);
      if (r.status !== 503 && r.status !== 409) return r;
      if (r.status === 503) parallel.busy++;
      parallel.answers.push(`${r.status} ${r.json?.error?.code}`);
      assert.ok(attempt < 20, `still ${r.status} after 20 attempts: ${r.text}`);
      await sleep(50 + Math.random() * 200);
    }
  };
  const tokyoDay = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date()).replace(/-/g, '');
  const dayBefore = tokyoDay();
  const rs = await Promise.all(Array.from({ length: 30 }, one));
  for (const r of rs) assert.equal(r.status, 201, r.text);
  const numbers = rs.map((r) => r.json.number);
  for (const n of numbers) assert.match(n, /^INS-\d{8}\d{4}$/);
  const day = new Set(numbers.map((n) => n.slice(4, 12)));
  // the date part is the customer's day (the tenant's zone, Asia/Tokyo by default), not UTC's;
  // a run across Tokyo's midnight may see the numbering restart, so only then two days
  const days = new Set([dayBefore, tokyoDay()]);
  assert.ok([...day].every((d) => days.has(d)), `the date part is today in Asia/Tokyo (${[...days]}): ${[...day]}`);
  assert.equal(new Set(numbers).size, 30, 'distinct');
  const seq = numbers.map((n) => Number(n.slice(12))).sort((a, b) => a - b);
  if (days.size === 1) {   // (consecutive within one day: across midnight the numbering restarts)
    assert.equal(day.size, 1, 'one day');
    for (let i = 1; i < seq.length; i++) assert.equal(seq[i], seq[i - 1] + 1, `gap-free: ${seq.join(',')}`);
    if (before === 0) assert.equal(seq[0], 1, 'the first number of the day is start="1"');
  }
  // as stored, with the default name "<definition> <number>"
  const stored = q(T, `SELECT number FROM reports WHERE definition_id = ${dailyId} ORDER BY number`).split('\n');
  assert.deepEqual(stored.slice(-30), [...numbers].sort());
  assert.match(rs[0].json.name, / INS-\d{12}$/);
  // an update keeps the number; a refused create uses none
  const u = await put(T, tab1, rs[0].json.id, 1, { values: [{ sheet: 1, cluster: 6, value: '5.0' }], action: 'save' });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.number, rs[0].json.number);
  assert.equal((await post(T, tab1, { ...newBody({}, { def: dailyId }), values: [{ sheet: 1, cluster: 6, value: '99' }] })).status, 422);
  const next = await post(T, tab1, newBody({}, { def: dailyId }));
  assert.equal(Number(next.json.number.slice(12)), seq[29] + 1, 'no number lost to the refused one');
});

test('30 parallel creations are not refused as busy: the server settles its own lock conflicts', () => {
  assert.equal(parallel.busy, 0, `answers before the 201s: ${parallel.answers.join(', ')}`);
});

test('malformed report bodies answer 400, unusable definitions 422', async () => {
  const body = newBody({ 2: '1' });
  assertError(await post(T, tab1, { ...body, values: [...body.values, { sheet: 1, cluster: 2, value: '2' }] }), 400, 'bad_values');
  assertError(await post(T, tab1, { ...body, values: [{ sheet: 1, cluster: 2, value: 5 }] }), 400, 'bad_values');
  assertError(await post(T, tab1, { ...body, extra: 1 }), 400, 'unknown_field');
  assertError(await post(T, tab1, { ...body, action: 'publish' }), 400, 'bad_action');
  assertError(await post(T, tab1, { ...body, id: 'not-a-uuid' }), 400, 'bad_id');
  assertError(await post(T, tab1, { ...body, definition_revision: 99 }), 422, 'definition_not_usable');
  assertError(await post(T, tab1, { ...body, definition_id: 987654 }), 422, 'definition_not_usable');
  assert.equal((await api(T, 'POST', '/reports', { token: tab1, body: 'x', headers: { 'Idempotency-Key': uuid(), 'Content-Type': 'text/plain' } })).status, 415);
  assert.equal(nReports(T, body.id), 0);
  // a second create of an existing id (new key) is refused, the report unchanged
  assert.equal((await post(T, tab1, body)).status, 201);
  assertError(await post(T, tab1, { ...body, values: vals({ 2: '9' }) }), 409, 'report_exists');
  assert.equal(v((await getReport(T, tab1, body.id)).json, 2), '1');
});

test("another tenant's report ids answer 404 for GET and PUT", async () => {
  const rep = await created(T, tab1, { 2: '1' });
  assertError(await getReport(TB, btab, rep.id), 404, 'not_found');
  assertError(await getReport(TB, adminB, rep.id), 404, 'not_found');
  const r = await put(TB, btab, rep.id, 1, { values: vals({ 2: '2' }), action: 'save' });
  assertError(r, 404, 'not_found');
  assert.equal(nReports(TB, rep.id), 0);
  assert.equal((await getReport(T, tab1, rep.id)).json.rev, 1);
  // a's token in b's URL is no session there
  assert.equal((await getReport(TB, tab1, rep.id)).status, 401);
  // nor does b's list show it
  const l = await api(TB, 'GET', '/reports?limit=500', { token: adminB });
  assert.ok(!l.json.reports.some((x) => x.id === rep.id));
});

test('list: limit=2 walks every report exactly once while one is updated between pages (it moves to the end); updated_since filters', async () => {
  const mine = [];
  for (let i = 0; i < 7; i++) mine.push((await created(T, pager, { 2: String(i) })).id);
  const walk = [];
  let cursor = null, page = 0;
  for (;;) {
    const r = await api(T, 'GET', `/reports?mine=1&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: pager });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.reports.length <= 2);
    walk.push(...r.json.reports.map((x) => [x.id, x.rev]));
    page++;
    if (page === 1) {
      // one not read yet changes: it must come later, not be skipped
      assert.equal((await put(T, pager, mine[3], 1, { values: vals({ 2: '33' }), action: 'save' })).status, 200);
    }
    if (page === 2) {
      // one already read changes: it comes again, with its new revision
      assert.equal((await put(T, pager, mine[0], 1, { values: vals({ 2: '30' }), action: 'save' })).status, 200);
    }
    cursor = r.json.next_cursor;
    if (!cursor) break;
    assert.ok(page < 20, 'the walk ends');
  }
  assert.deepEqual(walk.map((x) => x[0]), [mine[0], mine[1], mine[2], mine[4], mine[5], mine[6], mine[3], mine[0]]);
  assert.deepEqual(walk.slice(-2).map((x) => x[1]), [2, 2]);
  // updated_since: only what changed after that moment
  const since = q(T, `SELECT DATE_FORMAT(MAX(updated_at), '%Y-%m-%dT%H:%i:%s.%fZ') FROM reports WHERE created_by = ${ids.pager}`);
  await sleep(20);
  assert.equal((await put(T, pager, mine[1], 1, { values: vals({ 2: '31' }), action: 'save' })).status, 200);
  let r = await api(T, 'GET', `/reports?mine=1&updated_since=${since}`, { token: pager });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.reports.map((x) => x.id), [mine[1]]);
  assert.equal(r.json.next_cursor, null);
  r = await api(T, 'GET', `/reports?mine=1&updated_since=${new Date(Date.now() + 3600e3).toISOString().replace(/\.\d+Z$/, 'Z')}`, { token: pager });
  assert.deepEqual(r.json.reports, []);
  r = await api(T, 'GET', '/reports?mine=1&updated_since=2000-01-01T00:00:00Z&limit=500', { token: pager });
  assert.deepEqual(r.json.reports.map((x) => x.id).sort(), [...mine].sort());
  // summaries: oldest change first
  const times = r.json.reports.map((x) => x.updated_at);
  assert.deepEqual(times, [...times].sort());
  assert.equal((await api(T, 'GET', '/reports?updated_since=yesterday', { token: pager })).status, 400);
  assert.equal((await api(T, 'GET', '/reports?cursor=bogus', { token: pager })).status, 400);
  assert.equal((await api(T, 'GET', '/reports?limit=0', { token: pager })).status, 400);
  // mine=1 is mine only
  r = await api(T, 'GET', '/reports?mine=1&limit=500', { token: tab2 });
  assert.ok(!r.json.reports.some((x) => mine.includes(x.id)));
});

// ---- remarks and system keys ---------------------------------------------

test('remarks and system keys: set on create, changed one by one, cleared, shown, filtered; bad ones refused', async () => {
  const key = `WO-${uuid().slice(0, 8)}`;
  const body = { ...newBody({}, { def: dailyId }), remarks: { 1: 'Line 3', 2: '夜勤\nB' }, system_keys: { 1: key, 5: 'erp' } };
  let r = await post(T, tab1, body);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.remarks, r.json.system_keys], [{ 1: 'Line 3', 2: '夜勤\nB' }, { 1: key, 5: 'erp' }]);
  const id = body.id;
  r = await getReport(T, tab1, id);
  assert.deepEqual([r.json.remarks, r.json.system_keys], [{ 1: 'Line 3', 2: '夜勤\nB' }, { 1: key, 5: 'erp' }]);
  // an update names only what changes; "" and null clear
  r = await put(T, tab1, id, 1, { values: [], action: 'save', remarks: { 2: '', 10: 'ten' }, system_keys: { 5: null } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.remarks, r.json.system_keys], [{ 1: 'Line 3', 10: 'ten' }, { 1: key }]);
  r = await put(T, tab1, id, 2, { values: vals({}), action: 'save' });
  assert.deepEqual(r.json.remarks, { 1: 'Line 3', 10: 'ten' }, 'an update without remarks keeps them');
  // the list filters by equality and carries them
  r = await api(T, 'GET', `/reports?system_key1=${encodeURIComponent(key)}`, { token: tab1 });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.reports.map((x) => [x.id, x.remarks[1], x.system_keys[1]]), [[id, 'Line 3', key]]);
  r = await api(T, 'GET', `/reports?system_key1=${encodeURIComponent(key)}&remarks10=other`, { token: tab1 });
  assert.deepEqual(r.json.reports, []);
  r = await api(T, 'GET', `/reports?remarks10=ten&system_key1=${encodeURIComponent(key)}`, { token: tab1 });
  assert.deepEqual(r.json.reports.map((x) => x.id), [id]);
  // refused: too long, control characters, unknown numbers, wrong shapes; nothing written
  const bad = newBody({}, { def: dailyId });
  r = await post(T, tab1, { ...bad, remarks: { 1: 'x'.repeat(501) }, system_keys: { 2: 'a\u0001b' } });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => `${d.field}:${d.code}`).sort(), ['remarks.1:too_long', 'system_key.2:bad_charset']);
  assert.equal((await post(T, tab1, { ...bad, remarks: { 1: 'あ'.repeat(500) } })).status, 201, '500 characters fit');
  assertError(await post(T, tab1, { ...newBody({}, { def: dailyId }), remarks: { 11: 'x' } }), 400, 'bad_remarks');
  assertError(await post(T, tab1, { ...newBody({}, { def: dailyId }), remarks: ['x'] }), 400, 'bad_remarks');
  assertError(await post(T, tab1, { ...newBody({}, { def: dailyId }), system_keys: { 0: 'x' } }), 400, 'bad_system_keys');
  assertError(await post(T, tab1, { ...newBody({}, { def: dailyId }), system_keys: { 1: 5 } }), 400, 'bad_system_keys');
  assert.equal(q(T, `SELECT system_key1 FROM reports WHERE id = '${id}'`), key);
  // the console: the report page names the remarks by the definition's remarksName, the list filters
  const cookie = await consoleCookie(T, 'admin', PW);
  const page = await consoleGet(T, `/reports/${id}`, cookie);
  assert.equal(page.status, 200);
  assert.match(page.text, /<dt>Line<\/dt><dd id="remarks-1" class="prewrap">Line 3<\/dd>/);
  assert.match(page.text, /<dt>Shift<\/dt><dd id="remarks-2" class="prewrap">—<\/dd>/, 'a named remark shows even when empty');
  assert.match(page.text, /id="remarks-10" class="prewrap">ten</);
  assert.ok(page.text.includes(`id="system-key-1"><code>${key}</code>`));
  let list = await consoleGet(T, `/reports?system_key=${encodeURIComponent(key)}`, cookie);
  assert.ok(list.text.includes(id) && (list.text.match(/\/manager\/reports\/[0-9a-f-]{36}"/g) || []).length === 2, 'one report (number and name link)');
  list = await consoleGet(T, '/reports?remarks=ine%203', cookie);
  assert.ok(list.text.includes(id), 'a part of any remark finds it');
  list = await consoleGet(T, `/reports?remarks=ine%203&system_key=nothing-${uuid()}`, cookie);
  assert.ok(!list.text.includes(id));
});
