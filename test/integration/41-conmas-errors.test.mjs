// The ConMas API's error codes (README "For integrators", app/http/cmcodes.c)
// reached one by one, each in the XML body with its HTTP status; answers
// that carry hostile text stay well-formed XML; a successful Login is never
// rate-limited, failures are.  The codes of the XML and zip inputs
// (14-19) and of writes (21-24) belong to AutoGenerate / UpdateReport and
// are reached by 42-conmas-import and 43-conmas-codes (which also checks
// that every code is asserted somewhere).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repo, ensureTenant, adminToken, api, tokenFor, sql, tenantDb, ctl, stack, request, waitFor, get, freshAddr } from './lib.mjs';
import { call, login, text, find, fields, assertCmError, parseXml, URL_PATH } from './conmas-lib.mjs';

const T = 'cme-a';
const PW = 'Conmas-errors-2026', UPW = 'Integration-pw-88';
const uuid = () => crypto.randomUUID();
let admin, cookie, defId, repSeq, repId;

const DEF = `<?xml version="1.0" encoding="UTF-8"?>
<conmas><top><defTopName>Errors</defTopName><sheets><sheet><sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height><clusters>
<cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><clusterName>note</clusterName><type>KeyboardText</type><top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.9</right></cluster>
</clusters></sheet></sheets></top></conmas>
`;

test('setup: a tenant, an integration user, a report holding hostile text', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  const g = await api(T, 'POST', '/groups', { token: admin, body: { name: 'integration', permissions: ['api', 'def.view', 'def.reports.view', 'def.reports.create'] } });
  assert.equal(g.status, 201, g.text);
  for (const login of ['erp', 'erp2', 'fresh']) {
    const u = await api(T, 'POST', '/users', { token: admin, body: { login, name: login, password: UPW, groups: [g.json.id] } });
    assert.equal(u.status, 201, u.text);
  }
  const d = await api(T, 'POST', '/definitions', { token: admin, body: DEF, headers: { 'Content-Type': 'application/xml' } });
  defId = d.json.id;
  assert.equal((await api(T, 'POST', `/definitions/${defId}/status`, { token: admin, body: { status: 'published' } })).status, 200);
  const tok = await tokenFor(T, 'erp', UPW);
  repId = uuid();
  const r = await api(T, 'POST', '/reports', {
    token: tok, headers: { 'Idempotency-Key': uuid() },
    body: { id: repId, definition_id: defId, definition_revision: 1, action: 'save', remarks: { 1: '</remarksValue1><x>&amp;' },
      values: [{ sheet: 1, cluster: 0, value: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e; ]]> "\'' }] },
  });
  assert.equal(r.status, 201, r.text);
  repSeq = sql(`SELECT seq FROM reports WHERE id = '${repId}'`, { database: tenantDb(T) }).stdout;
  const l = await login(T, 'erp', UPW);
  assert.equal(l.code, 0);
  cookie = l.cookie;
});

test('hostile text in stored fields comes back escaped: the answer is well-formed and the text exact', async () => {
  const r = await call(T, { command: 'GetReportDetail', topId: repSeq }, { cookie });
  assert.equal(r.status, 200, r.text);
  assert.ok(!r.text.includes('<!DOCTYPE'), 'no markup from data');
  const d = find(r.xml, 'detailInfo');
  assert.equal(fields(d).remarksValue1, '</remarksValue1><x>&amp;');
  const v = find(d, 'clusters').children[0];
  assert.equal(fields(v).value, '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e; ]]> "\'');
  // hostile text in a request field is only ever data
  const w = await call(T, { command: 'GetReportList', word: '<!DOCTYPE a [<!ENTITY b "c">]>&b;', remarksValue1: ']]><x/>' }, { cookie });
  assert.equal(w.status, 200, w.text);
  assert.deepEqual(find(w.xml, 'items').children, []);
});

test('1 not_logged_in, 2 session_expired (unknown, malformed, ended)', async () => {
  assertCmError(await call(T, { command: 'GetReportList' }), 1, 'not_logged_in');
  assertCmError(await call(T, { command: 'GetReportList' }, { cookie: 'a'.repeat(64) }), 2, 'session_expired');
  assertCmError(await call(T, { command: 'GetReportList' }, { cookie: 'not-hex' }), 2, 'session_expired');
});

test('3 login_failed and 4 login_throttled: failures count, a successful Login never does', async () => {
  const addr = freshAddr();
  // thirty successful logins in a row from one address: never limited
  for (let i = 0; i < 30; i++) assert.equal((await login(T, 'erp2', UPW, { localAddress: addr })).code, 0, `login ${i}`);
  // five free failures, the sixth imposes a wait: the seventh is refused unchecked
  const codes = [];
  let last;
  for (let i = 0; i < 7; i++) {
    last = await login(T, 'erp2', 'wrong-password', { localAddress: addr });
    codes.push(last.code);
  }
  assert.deepEqual(codes, [3, 3, 3, 3, 3, 3, 4], last.r.text);
  assert.equal(last.r.status, 200);
  assert.match(last.remark, /wait \d+ seconds/);
  assert.match(last.r.headers['retry-after'], /^\d+$/);
  const during = await login(T, 'erp2', UPW, { localAddress: addr });
  assert.equal(during.code, 4, 'a throttled attempt is not checked at all');
  const elsewhere = await login(T, 'erp', 'wrong-password');
  assert.equal(elsewhere.code, 3);
  assert.equal(text(elsewhere.r.xml, 'loginResult/name'), 'login_failed');
});

test('5 api_not_allowed and 6 password_change_required', async () => {
  const u = await api(T, 'POST', '/users', { token: admin, body: { login: 'plain', name: 'Plain', password: UPW, groups: [] } });
  assert.equal(u.status, 201, u.text);
  assert.equal((await login(T, 'plain', UPW)).code, 5);
  const id = (await api(T, 'GET', '/users', { token: admin })).json.users.find((x) => x.login === 'fresh').id;
  const reset = await api(T, 'POST', `/users/${id}/password`, { token: admin, body: { password: 'Reset-by-admin-42' } });
  assert.ok([200, 204].includes(reset.status), reset.text);
  const l = await login(T, 'fresh', 'Reset-by-admin-42');
  assert.equal(l.code, 6, l.r.text);
  assert.equal(l.cookie, null);
});

test('10 command_missing, 11 unknown_command, 12 field_missing, 13 field_invalid, 20 object_not_found, 25 no_pages', async () => {
  cookie = (await login(T, 'erp', UPW)).cookie;   // the test before takes longer than the stack's 3 s of idle
  assertCmError(await call(T, {}, { cookie }), 10, 'command_missing');
  assertCmError(await call(T, { command: 'DropTables' }, { cookie }), 11, 'unknown_command');
  assertCmError(await call(T, { command: 'GetReportDetail' }, { cookie }), 12, 'field_missing');
  assertCmError(await call(T, { command: 'GetMasterRecordList' }, { cookie }), 12, 'field_missing');
  const noPw = await login(T, 'erp', '');
  assert.equal(noPw.code, 12);
  assertCmError(await call(T, { command: 'GetReportDetail', topId: 'abc' }, { cookie }), 13, 'field_invalid');
  assertCmError(await call(T, { command: 'GetReportList', editStatus: '9' }, { cookie }), 13, 'field_invalid');
  assertCmError(await call(T, { command: 'GetReportList', registTimeFrom: '2026/13/01' }, { cookie }), 13, 'field_invalid');
  assertCmError(await call(T, { command: 'GetReportList', cursor: 'bogus' }, { cookie }), 13, 'field_invalid');
  assertCmError(await call(T, { command: 'GetReportFile', report: repSeq, fileType: 'doc' }, { cookie }), 13, 'field_invalid');
  assertCmError(await call(T, { command: 'GetReportFile', report: repSeq, pageNo: '3-1' }, { cookie }), 13, 'field_invalid');
  assertCmError(await call(T, { command: 'GetDefinitionList', labelId: '-3' }, { cookie }), 13, 'field_invalid');
  assertCmError(await call(T, { command: 'GetReportDetail', topId: '99999999' }, { cookie }), 20, 'object_not_found');
  assertCmError(await call(T, { command: 'GetReportDetail', reportId: uuid() }, { cookie }), 20, 'object_not_found');
  assertCmError(await call(T, { command: 'GetReportFile', report: repSeq, pageNo: '7-9' }, { cookie }), 25, 'no_pages');
  // the command on the query string works as well
  const q = await call(T, { topId: repSeq }, { cookie, query: '?command=GetReportDetail' });
  assert.equal(text(q.xml, 'detailInfo/topId'), repSeq);
});

test('transport: 90 bad form (400), 91 unknown address (404), 92 method (405), 93 too large (413), 94 content type (415)', async () => {
  const bad = await call(T, {}, { cookie, raw: 'command=%ZZ', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assertCmError(bad, 90, 'bad_form', 400);
  const mp = await call(T, {}, { cookie, raw: '--x\r\nno headers here', headers: { 'Content-Type': 'multipart/form-data; boundary=x' } });
  assertCmError(mp, 90, 'bad_form', 400);
  assertCmError(await request('POST', `/${T}/ConMasAPI/Rests/Other.aspx`, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'command=Login' }), 91, 'not_found', 404);
  assertCmError(await get(URL_PATH(T)), 92, 'method_not_allowed', 405);
  const big = 'command=Login&x=' + 'a'.repeat(11 * 1024 * 1024);
  assertCmError(await call(T, {}, { raw: big, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 93, 'body_too_large', 413);
  assertCmError(await call(T, {}, { raw: '<conmas/>', headers: { 'Content-Type': 'text/xml' } }), 94, 'unsupported_media_type', 415);
});

test('97 tenant_not_found (404), 98 tenant_suspended (403)', async () => {
  assertCmError(await call('no-such-tenant', { command: 'Login', user: 'a', password: 'b' }), 97, 'tenant_not_found', 404);
  assert.equal(ctl('tenant', 'suspend', T).status, 0);
  try {
    assertCmError(await call(T, { command: 'Login', user: 'erp', password: UPW }), 98, 'tenant_suspended', 403);
  } finally {
    assert.equal(ctl('tenant', 'resume', T).status, 0);
  }
});

test('95 maintenance (503 with Retry-After), answered before anything else under the prefix', async () => {
  cookie = (await login(T, 'erp', UPW)).cookie;
  assert.equal(ctl('maintenance', 'on', '--message', 'Moving servers').status, 0);
  try {
    // every worker reads the state on its own: wait until all of them say so
    const allSay = async (status) => {
      for (let i = 0; i < 12; i++) if ((await call(T, { command: 'Login', user: 'erp', password: UPW })).status !== status) return false;
      return true;
    };
    await waitFor('maintenance seen by every worker', () => allSay(503));
    for (const r of [await call(T, { command: 'GetReportList' }, { cookie }), await get(URL_PATH(T)),
      await call(T, {}, { raw: 'x', headers: { 'Content-Type': 'text/plain' } }), await call('no-such-tenant', { command: 'Login' })]) {
      assertCmError(r, 95, 'maintenance', 503);
      assert.match(r.headers['retry-after'], /^\d+$/);
      assert.equal(text(r.xml ?? parseXml(r.text), 'error/message'), 'Moving servers');
    }
  } finally {
    assert.equal(ctl('maintenance', 'off').status, 0);
  }
  // every worker process reads the state on its own, when it serves a request: calls
  // at once (more than the pool's threads), so that each one serves some and has read "off"
  // (else the next test, which stops MariaDB, meets a worker still holding "on")
  await waitFor('maintenance over for every worker', async () => {
    for (let round = 0; round < 2; round++) {
      const rs = await Promise.all(Array.from({ length: 24 }, () => call(T, { command: 'GetReportList' }, { cookie })));
      if (!rs.every((r) => r.status === 200)) return false;
    }
    return true;
  });
});

test('96 database_unavailable (503) while MariaDB is away; 99 internal_error (500) for a damaged report', async () => {
  cookie = (await login(T, 'erp', UPW)).cookie;
  stack('db-stop');
  try {
    const r = await call(T, { command: 'GetReportList' }, { cookie });
    assertCmError(r, 96, 'database_unavailable', 503);
    assert.match(r.headers['retry-after'], /^\d+$/);
  } finally {
    stack('db-start');
  }
  // (a slow machine under the sanitizers may take a while to bring MariaDB back)
  await waitFor('database back', async () => (await call(T, { command: 'GetReportList' }, { cookie })).status === 200, { timeout: 180000 });
  // a report whose stored values no longer parse: an internal error, logged, never a partial answer
  cookie = (await login(T, 'erp', UPW)).cookie;   // (the stack's sessions idle out after 3 s)
  const q = (s) => sql(s, { database: tenantDb(T) });
  q(`UPDATE reports SET vals = CONCAT('x', vals) WHERE id = '${repId}'`);
  try {
    assertCmError(await call(T, { command: 'GetReportDetail', topId: repSeq }, { cookie }), 99, 'internal_error', 500);
  } finally {
    q(`UPDATE reports SET vals = SUBSTRING(vals, 2) WHERE id = '${repId}'`);
  }
  assert.equal((await call(T, { command: 'GetReportDetail', topId: repSeq }, { cookie })).status, 200);
});

test('every code of the README table is a code of app/http/cmcodes.c, and the other way round', () => {
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
  const start = readme.indexOf('Error codes (`app/http/cmcodes.c`');
  const table = readme.slice(start, readme.indexOf('\n\n', readme.indexOf('| code |', start)));
  const documented = [...table.matchAll(/^\| (\d+) \| ((?:`[a-z_]+`(?:, )?)+) \| (\d+) \|/gm)]
    .flatMap((m) => [...m[2].matchAll(/`([a-z_]+)`/g)].map((n) => `${m[1]} ${n[1]} ${m[3]}`)).sort();
  const src = readFileSync(path.join(repo, 'app/http/cmcodes.c'), 'utf8'), hdr = readFileSync(path.join(repo, 'app/http/cmcodes.h'), 'utf8');
  const num = Object.fromEntries([...hdr.matchAll(/(CM_[A-Z_]+) = (\d+)/g)].map((m) => [m[1], m[2]]));
  const coded = [...src.matchAll(/\{(CM_[A-Z_]+|\d+), "([a-z_]+)", (\d+),/g)].map((m) => `${num[m[1]] ?? m[1]} ${m[2]} ${m[3]}`).sort();
  assert.ok(coded.length > 30);
  assert.deepEqual(documented, coded);
  assert.doesNotThrow(() => parseXml('<?xml version="1.0"?>\n<conmas><a>x</a></conmas>'));
});
