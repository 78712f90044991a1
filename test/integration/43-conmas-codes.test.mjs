// The ConMas API's codes of writes that no other file reaches: 17 bad_file
// (a file of the right type that holds no report), 21 forbidden (a user
// with the api right but without the right to create or edit a
// definition's reports), 24 quota_exceeded (the tenant's storage used up:
// AutoGenerate and UpdateReport refused like the tablet API, nothing
// written).  Each as an outside client provokes it (HTTPS form posts, the
// ASP.NET_SessionId cookie, the XML parsed); then a check that every code
// of app/http/cmcodes.c is asserted by some integration test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repo, ensureTenant, adminToken, api, sql, tenantDb } from './lib.mjs';
import { call, login, all, fields, assertCmError, text } from './conmas-lib.mjs';

const T = 'cmc-a';
const PW = 'Conmas-codes-2026', UPW = 'Integration-pw-43';
const uuid = () => crypto.randomUUID();
const db = () => ({ database: tenantDb(T) });
const q = (s) => sql(s, db()).stdout;
let admin, defId, adminSeq, writerSeq;
const cookies = {};

const DEF = `<?xml version="1.0" encoding="UTF-8"?>
<conmas><top><defTopName>Codes</defTopName><sheets><sheet><sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height><clusters>
<cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><clusterName>note</clusterName><type>KeyboardText</type><top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.9</right></cluster>
</clusters></sheet></sheets></top></conmas>
`;

const snapshot = () => q('SELECT (SELECT COUNT(*) FROM reports), (SELECT COALESCE(SUM(rev), 0) FROM reports), (SELECT COUNT(*) FROM report_events)');
const upload = (who, command, data, { type = 'xml', name = 'upload.xml', mime = 'text/xml', extra = {} } = {}) =>
  call(T, { command, type, ...extra }, { cookie: cookies[who], files: [{ field: 'dataFile', name, type: mime, data: Buffer.from(data) }] });
const results = (r) => {
  assert.equal(r.status, 200, r.text);
  return all(r.xml, 'results/result').map(fields);
};
const gen = (value) => `<?xml version="1.0" encoding="UTF-8"?><conmas><top><defTopId>${defId}</defTopId><sheets><sheet><sheetNo>1</sheetNo><clusters><cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><value>${value}</value></cluster></clusters></sheet></sheets></top></conmas>`;
const upd = (seq, value) => `<conmas><top><repTopId>${seq}</repTopId><remarksValue1>changed</remarksValue1><sheets><sheet><sheetNo>1</sheetNo><clusters><cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><value>${value}</value></cluster></clusters></sheet></sheets></top></conmas>`;

test('setup: a viewer (api, may see but not create or edit) and a writer (api, may create)', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  const group = async (name, permissions) => {
    const g = await api(T, 'POST', '/groups', { token: admin, body: { name, permissions } });
    assert.equal(g.status, 201, g.text);
    return g.json.id;
  };
  const viewers = await group('viewers', ['api', 'def.view', 'def.reports.view']);
  const writers = await group('writers', ['api', 'def.view', 'def.reports.view', 'def.reports.create']);
  for (const [login, g] of [['viewer', viewers], ['writer', writers]]) {
    const u = await api(T, 'POST', '/users', { token: admin, body: { login, name: login, password: UPW, groups: [g] } });
    assert.equal(u.status, 201, u.text);
  }
  const d = await api(T, 'POST', '/definitions', { token: admin, body: DEF, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(d.status, 201, d.text);
  defId = d.json.id;
  assert.equal((await api(T, 'POST', `/definitions/${defId}/status`, { token: admin, body: { status: 'published' } })).status, 200);
  const id = uuid();
  const r = await api(T, 'POST', '/reports', {
    token: admin, headers: { 'Idempotency-Key': uuid() },
    body: { id, definition_id: defId, definition_revision: 1, action: 'save', values: [{ sheet: 1, cluster: 0, value: 'by admin' }] },
  });
  assert.equal(r.status, 201, r.text);
  adminSeq = q(`SELECT seq FROM reports WHERE id = '${id}'`);
  for (const who of ['viewer', 'writer']) {
    const l = await login(T, who, UPW);
    assert.equal(l.code, 0, l.r.text);
    cookies[who] = l.cookie;
  }
  const w = results(await upload('writer', 'AutoGenerate', gen('by writer')));
  assert.equal(w[0].code, '0', JSON.stringify(w));
  writerSeq = w[0].topId;
});

test('17 bad_file: an XML without a report, a CSV with a header only or an empty header cell; nothing written', async () => {
  const before = snapshot();
  for (const r of [
    await upload('writer', 'AutoGenerate', '<?xml version="1.0"?><conmas></conmas>'),
    await upload('writer', 'UpdateReport', '<conmas><other/></conmas>'),
    await upload('writer', 'AutoGenerate', 'defTopId,1-0\r\n', { type: 'csv', name: 'upload.csv', mime: 'text/csv' }),
    await upload('writer', 'AutoGenerate', `defTopId,,1-0\r\n${defId},x,y\r\n`, { type: 'csv', name: 'upload.csv', mime: 'text/csv' }),
  ]) {
    assertCmError(r, 17, 'bad_file');
    assert.match(text(r.xml, 'error/message'), /no report|header is empty/, r.text);
  }
  assert.equal(snapshot(), before);
});

test('21 forbidden: creating without def.reports.create, editing another\'s report without def.reports.edit, naming another updateUser', async () => {
  const before = snapshot();
  const created = results(await upload('viewer', 'AutoGenerate', gen('not allowed')));
  assert.equal(created.length, 1);
  assert.equal(created[0].code, '21', JSON.stringify(created));
  assert.equal(created[0].name, 'forbidden');
  assert.equal(created[0].message, 'You may not create reports of this definition. (forbidden)');
  for (const who of ['viewer', 'writer']) {   // the writer may create, and edit only their own
    const u = results(await upload(who, 'UpdateReport', upd(adminSeq, 'not allowed')));
    assert.equal(u[0].code, '21', JSON.stringify(u));
    assert.equal(u[0].name, 'forbidden');
    assert.equal(u[0].message, 'You may not edit this report. (forbidden)');
  }
  const as = results(await upload('writer', 'UpdateReport', upd(writerSeq, 'as admin'), { extra: { updateUser: 'admin' } }));
  assert.equal(as[0].code, '21', JSON.stringify(as));
  assert.match(as[0].message, /^updateUser names another user: that needs the right to edit this definition's reports\. \(forbidden\)$/);
  assert.equal(snapshot(), before, 'nothing written');
  assert.equal(q(`SELECT JSON_VALUE(vals, '$."1/0".v') FROM reports WHERE seq = ${Number(adminSeq)}`), 'by admin');
  // the same writer may update their own report
  const ok = results(await upload('writer', 'UpdateReport', upd(writerSeq, 'own')));
  assert.equal(ok[0].code, '0', JSON.stringify(ok));
});

test('24 quota_exceeded: AutoGenerate and UpdateReport once the storage is used up; nothing written, reading still works', async () => {
  const setQuota = (n) => sql(`UPDATE genba_control.tenants SET quota_bytes = ${n} WHERE code = '${T}'`);
  for (const who of ['writer']) cookies[who] = (await login(T, who, UPW)).cookie;
  setQuota(1024);
  try {
    const before = snapshot();
    const g = results(await upload('writer', 'AutoGenerate', gen('over quota')));
    assert.equal(g[0].code, '24', JSON.stringify(g));
    assert.equal(g[0].name, 'quota_exceeded');
    assert.equal(g[0].message, 'The storage quota of this tenant is used up; nothing was written. Please ask your administrator. (quota_exceeded)');
    const u = results(await upload('writer', 'UpdateReport', upd(writerSeq, 'over quota')));
    assert.equal(u[0].code, '24', JSON.stringify(u));
    assert.equal(u[0].name, 'quota_exceeded');
    assert.equal(snapshot(), before, 'nothing written');
    assert.equal(q(`SELECT JSON_VALUE(vals, '$."1/0".v') FROM reports WHERE seq = ${Number(writerSeq)}`), 'own');
    const d = await call(T, { command: 'GetReportDetail', topId: writerSeq }, { cookie: cookies.writer });
    assert.equal(d.status, 200, d.text);
    assert.equal(text(d.xml, 'detailInfo/topId'), writerSeq);
  } finally {
    setQuota(20 * 1024 * 1024 * 1024);
  }
  cookies.writer = (await login(T, 'writer', UPW)).cookie;
  const again = results(await upload('writer', 'AutoGenerate', gen('room again')));
  assert.equal(again[0].code, '0', JSON.stringify(again));
});

test('every code of app/http/cmcodes.c is asserted by some integration test', () => {
  const src = readFileSync(path.join(repo, 'app/http/cmcodes.c'), 'utf8'), hdr = readFileSync(path.join(repo, 'app/http/cmcodes.h'), 'utf8');
  const num = Object.fromEntries([...hdr.matchAll(/(CM_[A-Z_]+) = (\d+)/g)].map((m) => [m[1], m[2]]));
  const byCode = {};
  for (const m of src.matchAll(/\{(CM_[A-Z_]+|\d+), "([a-z_]+)", \d+,/g)) (byCode[num[m[1]] ?? m[1]] ??= []).push(m[2]);
  const dir = path.join(repo, 'test/integration');
  const tests = readdirSync(dir).filter((f) => f.endsWith('.test.mjs') && f !== '43-conmas-codes.test.mjs')
    .map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n') +
    readFileSync(path.join(dir, '43-conmas-codes.test.mjs'), 'utf8').split("test('every code")[0];
  const missing = [];
  for (const [n, names] of Object.entries(byCode)) {
    const alt = names.join('|');
    const asserted = [
      new RegExp(`assertCmError\\([^;]*?, ${n}, '(${alt})'`),          // an <error> answer
      new RegExp(`\\.code, '?${n}'?[,)]`),                              // a <result> or a loginResult
      new RegExp(`\\.code\\)?, \\[[^\\]]*'?\\b${n}\\b'?[^\\]]*\\]`),     // a list of them
    ].some((re) => re.test(tests));
    if (!asserted) missing.push(`${n} ${names.join('/')}`);
  }
  assert.ok(Object.keys(byCode).length > 25);
  assert.deepEqual(missing, []);
});
