// The ConMas-compatible API spoken as an outside integration speaks it:
// plain HTTPS form posts, the ASP.NET_SessionId cookie, XML answers.
// Login -> GetDefinitionList -> GetDefinitionDetail -> GetReportList ->
// GetReportDetail -> GetReportFile (the PDF opens, pageNo honoured; Excel)
// -> GetMasterRecordList -> Logout; a cookie of tenant A refused by B; a
// user without the external-API permission cannot log in; a stale session
// answers the documented error; every call is in the access log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTenant, adminToken, api, tokenFor, sql, tenantDb, sleep } from './lib.mjs';
import { call, login, text, find, all, fields, assertCmError } from './conmas-lib.mjs';

const T = 'cm-a', TB = 'cm-b';
const PW = 'Conmas-admin-2026', UPW = 'Integration-pw-77';
const uuid = () => crypto.randomUUID();
const TIME = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/;
let admin, adminB, erpTok, foremanTok, defId, labelId, masterId;
const rep = {};   // name -> {id, seq}

const DEF = `<?xml version="1.0" encoding="UTF-8"?>
<conmas><top><defTopName>Press check</defTopName><remarksName1>Line</remarksName1><remarksName2>Shift</remarksName2>
<settings><approvalStages><stage no="1" name="Foreman" group="foremen"/></approvalStages></settings>
<sheets><sheet><sheetNo>1</sheetNo><defSheetName>Check</defSheetName><width>595</width><height>842</height><clusters>
<cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><clusterName>machine</clusterName><type>KeyboardText</type><top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.9</right></cluster>
<cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><clusterName>pressure</clusterName><type>Numeric</type><top>0.3</top><bottom>0.4</bottom><left>0.1</left><right>0.9</right><decimalPlaces>1</decimalPlaces></cluster>
</clusters></sheet><sheet><sheetNo>2</sheetNo><defSheetName>Sign-off</defSheetName><width>595</width><height>842</height><clusters>
<cluster><sheetNo>2</sheetNo><clusterId>0</clusterId><clusterName>made_by</clusterName><type>Create</type><top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.4</right></cluster>
<cluster><sheetNo>2</sheetNo><clusterId>1</clusterId><clusterName>foreman_ok</clusterName><type>Approve</type><top>0.1</top><bottom>0.2</bottom><left>0.5</left><right>0.9</right><stage>1</stage></cluster>
</clusters></sheet></sheets></top></conmas>
`;

const hdr = (rev) => ({ 'Idempotency-Key': uuid(), ...(rev ? { 'If-Match': `"${rev}"` } : {}) });
const seqOf = (t, id) => sql(`SELECT seq FROM reports WHERE id = '${id}'`, { database: tenantDb(t) }).stdout;

async function setupTenant(t, tok) {
  assert.equal((await api(t, 'PUT', '/settings', { token: tok, body: { 'devices.auto_approve': true, time_zone: 'Asia/Tokyo' } })).status, 200);
  const group = async (body) => {
    const r = await api(t, 'POST', '/groups', { token: tok, body });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const integ = await group({ name: 'integration', permissions: ['api', 'def.view', 'def.reports.view', 'def.reports.create', 'def.reports.edit'] });
  const foremen = await group({ name: 'foremen', permissions: ['def.view', 'def.reports.view'] });
  const viewers = await group({ name: 'viewers', permissions: ['def.view', 'def.reports.view'] });
  for (const [login, name, g] of [['erp', 'ERP 連携', integ], ['foreman', '佐藤 花子', foremen], ['noapi', 'No API', viewers]]) {
    const u = await api(t, 'POST', '/users', { token: tok, body: { login, name, password: UPW, groups: [g] } });
    assert.equal(u.status, 201, u.text);
  }
  const d = await api(t, 'POST', '/definitions', { token: tok, body: DEF, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(d.status, 201, d.text);
  assert.equal((await api(t, 'POST', `/definitions/${d.json.id}/status`, { token: tok, body: { status: 'published' } })).status, 200);
  return d.json.id;
}

test('setup: two tenants with an integration user, a labelled definition with approval, reports and a master', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  adminB = await adminToken(TB, ensureTenant(TB), PW);
  defId = await setupTenant(T, admin);
  await setupTenant(TB, adminB);
  let r = await api(T, 'POST', '/labels', { token: admin, body: { name: 'Line A' } });
  assert.equal(r.status, 201, r.text);
  labelId = r.json.id;
  assert.equal((await api(T, 'PUT', `/definitions/${defId}/labels`, { token: admin, body: { labels: [labelId] } })).status, 204);
  r = await api(T, 'POST', '/masters?name=machines', { token: admin, body: 'code,name,price:number\nM1,Press 1,100\nM2,Lathe,200\n', headers: { 'Content-Type': 'text/csv' } });
  assert.equal(r.status, 201, r.text);
  masterId = r.json.id;
  erpTok = await tokenFor(T, 'erp', UPW);   // a script session: erp holds `api`
  foremanTok = await tokenFor(T, 'foreman', UPW, { device: { id: uuid(), name: 'tab', platform: 'ios' } });
  // done: filled, completed, approved by the foreman
  const id = uuid();
  r = await api(T, 'POST', '/reports', {
    token: erpTok, headers: hdr(),
    body: { id, definition_id: defId, definition_revision: 1, action: 'save', remarks: { 1: 'Line 3', 2: 'night' }, system_keys: { 1: 'WO-1001' },
      values: [{ sheet: 1, cluster: 0, value: 'PRESS-7' }, { sheet: 1, cluster: 1, value: '4.5' }] },
  });
  assert.equal(r.status, 201, r.text);
  r = await api(T, 'PUT', `/reports/${id}`, { token: erpTok, headers: hdr(1), body: { values: [], action: 'complete' } });
  assert.equal(r.status, 200, r.text);
  r = await api(T, 'POST', `/reports/${id}/approvals`, { token: foremanTok, headers: hdr(r.json.rev), body: { stage: 1, action: 'approve', comment: '圧力 OK' } });
  assert.equal(r.status, 200, r.text);
  rep.done = { id, seq: seqOf(T, id) };
  // made and never filled in
  const id2 = uuid();
  r = await api(T, 'POST', '/reports', { token: erpTok, headers: hdr(), body: { id: id2, definition_id: defId, definition_revision: 1, action: 'save', values: [] } });
  assert.equal(r.status, 201, r.text);
  rep.blank = { id: id2, seq: seqOf(T, id2) };
  assert.match(rep.done.seq, /^\d+$/);
});

let cookie;

test('Login: code 0 and the ASP.NET_SessionId cookie (HttpOnly, Secure, SameSite=Lax, this tenant only)', async () => {
  const l = await login(T, 'erp', UPW);
  assert.equal(l.code, 0, l.r.text);
  assert.match(l.r.headers['content-type'], /^text\/xml; charset=utf-8$/);
  assert.match(l.setCookie, /^ASP\.NET_SessionId=[0-9a-f]{64}; Path=\/cm-a\/ConMasAPI\/; Secure; HttpOnly; SameSite=Lax$/);
  assert.equal(text(l.r.xml, 'loginResult/userLoginId'), 'erp');
  cookie = l.cookie;
  // only the hash is stored
  const stored = sql(`SELECT COUNT(*) FROM sessions WHERE kind = 'conmas' AND token_hash = UNHEX(SHA2('${cookie}', 256))`, { database: tenantDb(T) }).stdout;
  assert.equal(stored, '1');
});

test('GetDefinitionList: labels and definitions, filtered by label, word, remark names, publicStatus and system keys', async () => {
  const list = async (f) => {
    const r = await call(T, { command: 'GetDefinitionList', ...f }, { cookie });
    assert.equal(r.status, 200, r.text);
    return all(r.xml, 'items/item').map(fields);
  };
  let items = await list({ labelId: '-9' });
  const lab = items.find((i) => i.type === '0');
  assert.deepEqual([lab.itemId, lab.name], [String(labelId), 'Line A']);
  const def = items.find((i) => i.type === '1');
  assert.deepEqual([def.itemId, def.name, def.revNo, def.publicStatus, def.labelId], [String(defId), 'Press check', '1', '2', String(labelId)]);
  assert.match(def.registTime, TIME);
  assert.match(def.updateTime, TIME);
  assert.ok('systemKey1' in def && 'editStatus' in def);
  // the command's name ignores case; the optional fields of the original are accepted
  items = await list({ command: 'getdefinitionlist', labelId: String(labelId), labelMode: '1', userMode: '0', History: '0' });
  assert.deepEqual(items.filter((i) => i.type === '1').map((i) => i.itemId), [String(defId)]);
  assert.deepEqual((await list({ labelId: '0' })).filter((i) => i.type === '1'), [], 'labelled: not at the top');
  assert.deepEqual((await list({ word: 'press' })).length, 0, 'word matches the name as written');
  assert.deepEqual((await list({ word: 'Press' })).map((i) => i.itemId), [String(defId)]);
  assert.deepEqual((await list({ word: 'Shift', wordTargetName: '0' })).length, 0);
  assert.deepEqual((await list({ word: 'Shift', wordTargetName: '0', wordTargetRemarks: '1' })).map((i) => i.itemId), [String(defId)]);
  assert.deepEqual((await list({ publicStatus: '1' })).filter((i) => i.type === '1'), [], 'no test revisions for a non-tester');
  assert.deepEqual((await list({ publicStatus: '2' })).filter((i) => i.type === '1').length, 1);
  assert.deepEqual(await list({ systemKey1: 'X' }), [], 'definitions carry no system keys');
});

test('GetDefinitionDetail: the definition XML', async () => {
  const r = await call(T, { command: 'GetDefinitionDetail', topId: String(defId) }, { cookie });
  assert.equal(r.status, 200);
  assert.equal(text(r.xml, 'top/defTopName'), 'Press check');
  assert.equal(text(r.xml, 'top/remarksName1'), 'Line');
  assertCmError(await call(T, { command: 'GetDefinitionDetail', topId: '999999' }, { cookie }), 20, 'object_not_found');
});

test('GetReportList: items with topId and editStatus; filters by definition, system key, remarks, editStatus, word, dates; paging', async () => {
  const list = async (f) => {
    const r = await call(T, { command: 'GetReportList', ...f }, { cookie });
    assert.equal(r.status, 200, r.text);
    return { items: all(r.xml, 'items/item').map(fields), next: text(r.xml, 'nextCursor') };
  };
  let { items } = await list({ defTopId: String(defId) });
  assert.deepEqual(items.map((i) => [i.topId, i.reportId, i.editStatus]).sort(),
    [[rep.done.seq, rep.done.id, '4'], [rep.blank.seq, rep.blank.id, '0']].sort());
  const done = items.find((i) => i.topId === rep.done.seq);
  assert.deepEqual([done.itemId, done.name, done.defTopId, done.registUser, done.remarksValue1, done.remarksValue2, done.systemKey1],
    [rep.done.seq, 'Press check', String(defId), 'erp', 'Line 3', 'night', 'WO-1001']);
  assert.match(done.registTime, TIME);
  assert.deepEqual((await list({ systemKey1: 'WO-1001' })).items.map((i) => i.topId), [rep.done.seq]);
  assert.deepEqual((await list({ remarksValue1: 'Line 3', remarksValue2: 'night' })).items.map((i) => i.topId), [rep.done.seq]);
  assert.deepEqual((await list({ remarksValue1: 'Line 4' })).items, []);
  assert.deepEqual((await list({ editStatus: '0' })).items.map((i) => i.topId), [rep.blank.seq]);
  assert.deepEqual((await list({ editStatus: '4' })).items.map((i) => i.topId), [rep.done.seq]);
  assert.deepEqual((await list({ editStatus: '2' })).items, []);
  assert.equal((await list({ labelId: String(labelId), word: 'Press' })).items.length, 2);
  const today = new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10).replace(/-/g, '/');   // Asia/Tokyo
  assert.equal((await list({ registTimeFrom: today, registTimeTo: today })).items.length, 2);
  assert.equal((await list({ registTimeFrom: '2099/01/01' })).items.length, 0);
  assert.equal((await list({ updateTimeFrom: '2099/01/01 00:00:00' })).items.length, 0);
  // one at a time: two pages, every report once
  const p1 = await list({ defTopId: String(defId), limit: '1' });
  assert.equal(p1.items.length, 1);
  assert.ok(p1.next);
  const p2 = await list({ defTopId: String(defId), limit: '1', cursor: p1.next });
  assert.equal(p2.items.length, 1);
  assert.notEqual(p2.items[0].topId, p1.items[0].topId);
});

test('GetReportDetail: detailInfo with values, remarks, system keys, and the sign-offs mapped onto the stages', async () => {
  const r = await call(T, { command: 'GetReportDetail', topId: rep.done.seq }, { cookie });
  assert.equal(r.status, 200, r.text);
  const d = find(r.xml, 'detailInfo');
  const f = fields(d);
  for (const k of ['topId', 'topName', 'registTime', 'registUser', 'updateTime', 'updateUser', 'publicStatus', 'sheetCount', 'editStatus'])
    assert.ok(k in f, k);
  assert.deepEqual([f.topId, f.topName, f.registUser, f.updateUser, f.publicStatus, f.sheetCount, f.editStatus],
    [rep.done.seq, 'Press check', 'erp', 'foreman', '2', '2', '4']);
  assert.match(f.registTime, TIME);
  assert.deepEqual([f.remarksName1, f.remarksValue1, f.remarksName2, f.remarksValue2, f.remarksName3, f.systemKey1, f.systemKey5],
    ['Line', 'Line 3', 'Shift', 'night', '', 'WO-1001', '']);
  for (let i = 1; i <= 10; i++) assert.ok(`remarksName${i}` in f && `remarksValue${i}` in f);
  const clusters = all(d, 'clusters/cluster').map(fields);
  assert.equal(clusters.length, 4);
  const machine = clusters.find((c) => c.sheetNo === '1' && c.clusterId === '0');
  assert.deepEqual([machine.name, machine.type, machine.value, machine.editUser], ['machine', 'KeyboardText', 'PRESS-7', 'erp']);
  assert.match(machine.editTime, TIME);
  assert.equal(clusters.find((c) => c.clusterId === '1' && c.sheetNo === '1').value, '4.5');
  const approval = all(d, 'approval/cluster').map(fields);
  const made = approval.find((c) => c.type === 'Create'), ok = approval.find((c) => c.type === 'Approve');
  assert.deepEqual([made.value, made.approver, made.approverLoginId], ['4', 'ERP 連携', 'erp']);
  assert.deepEqual([ok.value, ok.stageNo, ok.stageName, ok.approver, ok.approverComment], ['4', '1', 'Foreman', '佐藤 花子', '圧力 OK']);
  assert.match(ok.approvalDate, TIME);
  assert.deepEqual(all(d, 'stages/stage').map(fields).map((s) => [s.stageNo, s.state]), [['1', 'approved']]);
  // the same by its UUID; the blank one is not started, its sign-offs empty
  const byUuid = await call(T, { command: 'GetReportDetail', reportId: rep.done.id }, { cookie });
  assert.equal(text(byUuid.xml, 'detailInfo/topId'), rep.done.seq);
  const blank = await call(T, { command: 'GetReportDetail', topId: rep.blank.seq }, { cookie });
  assert.equal(text(blank.xml, 'detailInfo/editStatus'), '0');
  assert.deepEqual(all(find(blank.xml, 'detailInfo'), 'approval/cluster').map((c) => fields(c).value), ['', '']);
});

function pdfPages(bytes) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conmas-pdf-'));
  try {
    writeFileSync(path.join(dir, 'r.pdf'), bytes);
    const p = spawnSync('pdfinfo', [path.join(dir, 'r.pdf')], { encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    return Number(/Pages:\s+(\d+)/.exec(p.stdout)[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('GetReportFile: the PDF opens, pageNo "1,3" gives those pages, pages outside are an error; Excel', async () => {
  let r = await call(T, { command: 'GetReportFile', report: rep.done.seq, fileType: 'pdf' }, { cookie });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['content-type'], 'application/pdf');
  assert.match(r.headers['content-disposition'], /^attachment; filename=/);
  const whole = pdfPages(r.bytes);
  assert.ok(whole >= 3, `two sheets and the record: ${whole} pages`);
  r = await call(T, { command: 'GetReportFile', report: rep.done.seq, fileType: 'pdf', pageNo: '1,3' }, { cookie });
  assert.equal(r.status, 200, r.text);
  assert.equal(pdfPages(r.bytes), 2);
  r = await call(T, { command: 'GetReportFile', report: rep.done.seq, fileType: 'pdf', pageNo: '2-3, 1' }, { cookie });
  assert.equal(pdfPages(r.bytes), 3);
  const text1 = spawnSync('pdftotext', ['-f', '1', '-l', '1', '-', '-'], { input: r.bytes, encoding: 'utf8' }).stdout;
  assert.match(text1, /PRESS-7/, 'pages keep their order in the document');
  assertCmError(await call(T, { command: 'GetReportFile', report: rep.done.seq, fileType: 'pdf', pageNo: '40' }, { cookie }), 25, 'no_pages');
  r = await call(T, { command: 'GetReportFile', topId: rep.done.seq, fileType: 'excel' }, { cookie });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(r.bytes.subarray(0, 2).toString(), 'PK');
});

test('GetMasterRecordList: a master by id or name, one record by key, records by a field', async () => {
  const list = async (f) => {
    const r = await call(T, { command: 'GetMasterRecordList', ...f }, { cookie });
    assert.equal(r.status, 200, r.text);
    return { x: r.xml, recs: all(r.xml, 'records/record').map((rec) => [text(rec, 'recordKey'), Object.fromEntries(all(rec, 'values/value').map((v) => [text(v, 'name'), text(v, 'data')]))]) };
  };
  let { x, recs } = await list({ masterId: String(masterId) });
  assert.equal(text(x, 'master/name'), 'machines');
  assert.deepEqual(all(x, 'master/fields/field').map((f) => fields(f).name), ['code', 'name', 'price']);
  assert.deepEqual(recs, [['M1', { code: 'M1', name: 'Press 1', price: '100' }], ['M2', { code: 'M2', name: 'Lathe', price: '200' }]]);
  assert.deepEqual((await list({ masterKey: 'machines', recordKey: 'M2' })).recs.map((r) => r[0]), ['M2']);
  assert.deepEqual((await list({ masterKey: 'machines', fieldSearch: 'name:Press' })).recs.map((r) => r[0]), ['M1']);
  assert.deepEqual((await list({ masterKey: 'machines', fieldSearch: 'Lat' })).recs.map((r) => r[0]), ['M2']);
  assertCmError(await call(T, { command: 'GetMasterRecordList', masterKey: 'nothing' }, { cookie }), 20, 'object_not_found');
});

test('Logout ends the session: the cookie is refused afterwards', async () => {
  const r = await call(T, { command: 'Logout' }, { cookie });
  assert.equal(r.status, 200, r.text);
  assert.equal(text(r.xml, 'loginResult/code'), '0');
  assert.match([].concat(r.headers['set-cookie'])[0], /^ASP\.NET_SessionId=; .*Max-Age=0/);
  assertCmError(await call(T, { command: 'GetReportList' }, { cookie }), 2, 'session_expired');
});

test("a session cookie of tenant A is refused by tenant B (and B's by A)", async () => {
  const a = await login(T, 'erp', UPW), b = await login(TB, 'erp', UPW);
  assert.equal(a.code, 0);
  assert.equal(b.code, 0);
  assertCmError(await call(TB, { command: 'GetReportList' }, { cookie: a.cookie }), 2, 'session_expired');
  assertCmError(await call(T, { command: 'GetReportList' }, { cookie: b.cookie }), 2, 'session_expired');
  // B sees none of A's reports, by topId or UUID
  assertCmError(await call(TB, { command: 'GetReportDetail', reportId: rep.done.id }, { cookie: b.cookie }), 20, 'object_not_found');
  const own = await call(T, { command: 'GetReportDetail', topId: rep.done.seq }, { cookie: a.cookie });
  assert.equal(own.status, 200);
});

test('a user without the external-API permission cannot log in; a wrong password and an unknown id read the same', async () => {
  const no = await login(T, 'noapi', UPW);
  assert.equal(no.code, 5, no.r.text);
  assert.equal(no.cookie, null, 'no session');
  assert.match(no.remark, /external API/);
  const wrong = await login(T, 'erp', 'not-the-password'), unknown = await login(T, 'nobody-here', 'not-the-password');
  assert.deepEqual([wrong.code, unknown.code], [3, 3]);
  assert.equal(wrong.remark, unknown.remark, 'the remark does not tell whether the id exists');
  assert.equal(wrong.cookie, null);
  // the permission taken away after Login: the next command is refused
  const l = await login(T, 'erp', UPW);
  const groups = (await api(T, 'GET', '/groups', { token: admin })).json.groups;
  const integ = groups.find((g) => g.name === 'integration');
  assert.equal((await api(T, 'PUT', `/groups/${integ.id}/permissions`, { token: admin, body: { permissions: ['def.view', 'def.reports.view'] } })).status, 200);
  assertCmError(await call(T, { command: 'GetReportList' }, { cookie: l.cookie }), 5, 'api_not_allowed');
  assert.equal((await api(T, 'PUT', `/groups/${integ.id}/permissions`, { token: admin, body: { permissions: ['api', 'def.view', 'def.reports.view', 'def.reports.create', 'def.reports.edit'] } })).status, 200);
  const again = await call(T, { command: 'GetReportList' }, { cookie: l.cookie });
  assert.equal(again.status, 200);
  assert.ok(find(again.xml, 'items'));
});

test('a stale session (idle past session_idle) answers session_expired', async () => {
  const l = await login(T, 'erp', UPW);
  assert.equal((await call(T, { command: 'GetReportList' }, { cookie: l.cookie })).status, 200);
  await sleep(3600);   // the stack runs with session_idle = 3
  assertCmError(await call(T, { command: 'GetReportList' }, { cookie: l.cookie }), 2, 'session_expired');
  assertCmError(await call(T, { command: 'GetReportList' }), 1, 'not_logged_in');
});

test('every call is in the access log: channel conmas, command, user, outcome', async () => {
  const rows = sql("SELECT CONCAT_WS('|', action, result, COALESCE(login, ''), channel) FROM access_log WHERE channel = 'conmas' ORDER BY id",
    { database: tenantDb(T) });
  assert.equal(rows.status, 0, rows.stderr);
  const seen = new Set(rows.stdout.split('\n'));
  for (const want of ['login|ok|erp|conmas', 'logout|ok|erp|conmas', 'login|denied|noapi|conmas', 'login|failed|erp|conmas',
    'conmas.get_definition_list|ok|erp|conmas', 'conmas.get_definition_detail|ok|erp|conmas', 'conmas.get_definition_detail|failed|erp|conmas',
    'conmas.get_report_list|ok|erp|conmas', 'conmas.get_report_detail|ok|erp|conmas', 'conmas.get_report_file|ok|erp|conmas',
    'conmas.get_report_file|failed|erp|conmas', 'conmas.get_master_record_list|ok|erp|conmas', 'conmas.get_report_list|denied|erp|conmas'])
    assert.ok(seen.has(want), `${want} in ${[...seen].join(', ')}`);
  const detail = sql("SELECT detail FROM access_log WHERE action = 'conmas.get_report_file' AND result = 'failed' LIMIT 1", { database: tenantDb(T) }).stdout;
  assert.match(detail, /^code 25 no_pages/);
});
