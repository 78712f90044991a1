// Report remarks (remarksValue1-10) beyond the API: the console's form to
// edit them (CSRF, the edit right, the revision the page showed, 500
// characters at most), every change of a remark in the report's history
// (from the console, the tablet API's PUT and the ConMas API's
// UpdateReport), and copies that take the remarks along (not the system
// keys), through the tablet API and the console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ensureTenant, adminToken, api, sql, tenantDb, consoleCookie, consoleGet, consolePost, csrfOf, redirectPath } from './lib.mjs';
import { call, login, all, fields } from './conmas-lib.mjs';

const T = 'rmk-a';
const PW = 'Remarks-admin-2026', UPW = 'Remarks-user-2026';
const uuid = () => crypto.randomUUID();
const q = (s) => sql(s, { database: tenantDb(T) }).stdout;
let admin, defId, rep;

const DEF = `<?xml version="1.0" encoding="UTF-8"?>
<conmas><top><defTopName>Remarks</defTopName><remarksName1>Line</remarksName1><sheets><sheet><sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height><clusters>
<cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><clusterName>note</clusterName><type>KeyboardText</type><top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.9</right><copyOnDuplicate>true</copyOnDuplicate></cluster>
</clusters></sheet></sheets></top></conmas>
`;

const getRep = async (id) => {
  const r = await api(T, 'GET', `/reports/${id}`, { token: admin });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const remarkHistory = async (id) => {
  const h = await api(T, 'GET', `/reports/${id}/history`, { token: admin });
  assert.equal(h.status, 200, h.text);
  return h.json.history.filter((x) => x.remark !== undefined).map((x) => `${x.rev} ${x.event} ${x.remark}: ${x.old} -> ${x.new} (${x.user})`);
};
// The report page and its remarks form's token, revision and fields.
async function page(cookie, id) {
  const p = await consoleGet(T, `/reports/${id}`, cookie);
  assert.equal(p.status, 200, p.text.slice(0, 300));
  return p;
}
const formRev = (html) => html.match(/id="remarks-form"[\s\S]*?name="rev" value="(\d+)"/)?.[1];
const textarea = (html, n) => html.match(new RegExp(`<textarea id="f-remarks${n}"[^>]*>([^<]*)</textarea>`))?.[1];

test('setup: a definition naming remark 1, a report with remarks and a system key', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  const d = await api(T, 'POST', '/definitions', { token: admin, body: DEF, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(d.status, 201, d.text);
  defId = d.json.id;
  assert.equal((await api(T, 'POST', `/definitions/${defId}/status`, { token: admin, body: { status: 'published' } })).status, 200);
  rep = uuid();
  const r = await api(T, 'POST', '/reports', {
    token: admin, headers: { 'Idempotency-Key': uuid() },
    body: { id: rep, definition_id: defId, definition_revision: 1, action: 'save', remarks: { 1: 'first', 4: 'four' }, system_keys: { 1: 'ERP-1' },
      values: [{ sheet: 1, cluster: 0, value: 'n' }] },
  });
  assert.equal(r.status, 201, r.text);
  const g = await api(T, 'POST', '/groups', { token: admin, body: { name: 'readers', permissions: ['reports.view', 'reports.edit', 'def.view', 'def.reports.view'] } });
  assert.equal(g.status, 201, g.text);
  const u = await api(T, 'POST', '/users', { token: admin, body: { login: 'reader', name: 'Reader', password: UPW, groups: [g.json.id] } });
  assert.equal(u.status, 201, u.text);
});

test('console: the remarks form saves through the report\'s revision; the history has each change', async () => {
  const cookie = await consoleCookie(T, 'admin', PW);
  const p = await page(cookie, rep);
  assert.match(p.text, /id="remarks-form"/);
  assert.equal(textarea(p.text, 1), 'first');
  assert.equal(textarea(p.text, 4), 'four');
  assert.match(p.text, /<label for="f-remarks1">Line<\/label>/);
  const rev = formRev(p.text);
  assert.equal(rev, '1');
  // no CSRF token: refused, nothing written
  const noCsrf = await consolePost(T, `/reports/${rep}/remarks`, cookie, { rev, remarks1: 'x' });
  assert.equal(noCsrf.status, 403, noCsrf.text.slice(0, 200));
  assert.equal((await getRep(rep)).rev, 1);
  const r = await consolePost(T, `/reports/${rep}/remarks`, cookie, { _csrf: csrfOf(p.text), rev, remarks1: 'second\r\nline', remarks4: '', remarks2: '' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.equal(redirectPath(r).split('?')[0], `/${T}/manager/reports/${rep}`);
  const j = await getRep(rep);
  assert.equal(j.rev, 2);
  assert.deepEqual(j.remarks, { 1: 'second\nline' });
  assert.deepEqual(j.system_keys, { 1: 'ERP-1' });
  assert.deepEqual(await remarkHistory(rep), ['2 update 1: first -> second\nline (admin)', '2 update 4: four ->  (admin)']);
  const after = await page(cookie, rep);
  assert.match(after.text, /<td>Line<\/td>\s*<td class="pre">first<\/td><td class="pre">second\nline<\/td>/);
  // the same again: nothing changes, no history
  const same = await consolePost(T, `/reports/${rep}/remarks`, cookie, { _csrf: csrfOf(after.text), rev: '2', remarks1: 'second\r\nline' });
  assert.equal(same.status, 303);
  assert.equal((await getRep(rep)).rev, 2);
});

test('console: too long, an old revision, no right to edit: clear answers, nothing written', async () => {
  const cookie = await consoleCookie(T, 'admin', PW);
  const p = await page(cookie, rep);
  const csrf = csrfOf(p.text);
  const before = q(`SELECT CONCAT(rev, '|', remarks1, '|', remarks3) FROM reports WHERE id = '${rep}'`);
  const hist = q(`SELECT COUNT(*) FROM report_events WHERE report_id = '${rep}'`);
  const long = await consolePost(T, `/reports/${rep}/remarks`, cookie, { _csrf: csrf, rev: '2', remarks1: 'ok', remarks3: 'あ'.repeat(501) });
  assert.equal(long.status, 422, long.text.slice(0, 300));
  assert.match(long.text, /id="err-remarks3">(A remark may have at most 500 characters\.|備考は500文字以内で入力してください。)</);
  assert.equal(textarea(long.text, 3), 'あ'.repeat(501), 'what was typed is shown again');
  const stale = await consolePost(T, `/reports/${rep}/remarks`, cookie, { _csrf: csrf, rev: '1', remarks1: 'from an old page' });
  assert.equal(stale.status, 409, stale.text.slice(0, 300));
  assert.match(stale.text, /id="report-stale"/);
  assert.equal(q(`SELECT CONCAT(rev, '|', remarks1, '|', remarks3) FROM reports WHERE id = '${rep}'`), before);
  assert.equal(q(`SELECT COUNT(*) FROM report_events WHERE report_id = '${rep}'`), hist);
  // 500 characters are fine
  const ok = await consolePost(T, `/reports/${rep}/remarks`, cookie, { _csrf: csrf, rev: '2', remarks3: 'あ'.repeat(500) });
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  assert.equal((await getRep(rep)).remarks[3], 'あ'.repeat(500));
  // a reader may see the report but not edit it: no form, and a post is refused
  const rc = await consoleCookie(T, 'reader', UPW);
  const rp = await page(rc, rep);
  assert.doesNotMatch(rp.text, /id="remarks-form"/);
  assert.match(rp.text, /id="remarks-1"/);
  const refused = await consolePost(T, `/reports/${rep}/remarks`, rc, { _csrf: csrfOf(rp.text), rev: '3', remarks1: 'reader' });
  assert.equal(refused.status, 403, refused.text.slice(0, 300));
  assert.equal((await getRep(rep)).remarks[1], 'second\nline');
});

test('history: remark changes through the tablet API\'s PUT and the ConMas API\'s UpdateReport', async () => {
  const cur = await getRep(rep);
  const put = await api(T, 'PUT', `/reports/${rep}`, {
    token: admin, headers: { 'Idempotency-Key': uuid(), 'If-Match': `"${cur.rev}"` },
    body: { action: 'save', remarks: { 2: 'from a tablet' } },
  });
  assert.equal(put.status, 200, put.text);
  const l = await login(T, 'admin', PW);
  assert.equal(l.code, 0, l.r.text);
  const seq = q(`SELECT seq FROM reports WHERE id = '${rep}'`);
  const up = await call(T, { command: 'UpdateReport', type: 'xml' }, { cookie: l.cookie, files: [{ field: 'dataFile', name: 'u.xml', type: 'text/xml',
    data: Buffer.from(`<conmas><top><repTopId>${seq}</repTopId><remarksValue2>from ERP</remarksValue2><remarksValue5>(ignore)</remarksValue5></top></conmas>`) }] });
  const res = all(up.xml, 'results/result').map(fields);
  assert.equal(res[0].code, '0', up.text);
  const h = await remarkHistory(rep);
  assert.deepEqual(h.slice(-2), [`${cur.rev + 1} update 2:  -> from a tablet (admin)`, `${cur.rev + 2} update 2: from a tablet -> from ERP (admin)`]);
});

test('copies take the remarks along, not the system keys (tablet API and console)', async () => {
  const nid = uuid();
  const c = await api(T, 'POST', `/reports/${rep}/copy`, { token: admin, headers: { 'Idempotency-Key': uuid() }, body: { id: nid } });
  assert.equal(c.status, 201, c.text);
  const src = await getRep(rep), copy = await getRep(nid);
  assert.deepEqual(copy.remarks, src.remarks);
  assert.ok(Object.keys(copy.remarks).length >= 3);
  assert.deepEqual(copy.system_keys, {});
  assert.deepEqual(await remarkHistory(nid), [], 'a copy starts its own history');
  const cookie = await consoleCookie(T, 'admin', PW);
  const p = await page(cookie, rep);
  const cc = await consolePost(T, `/reports/${rep}/copy`, cookie, { _csrf: csrfOf(p.text) });
  assert.equal(cc.status, 303, cc.text.slice(0, 300));
  const cid = redirectPath(cc).split('?')[0].split('/').pop();
  assert.notEqual(cid, rep);
  const copy2 = await getRep(cid);
  assert.deepEqual(copy2.remarks, src.remarks);
  assert.deepEqual(copy2.system_keys, {});
});
