// Form definitions: import (XML and zip), checks with every problem
// reported, revisions, status, export round trip, tablet API (list, detail,
// ETag/304, permission filtering), master data, hostile uploads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repo, ensureTenant, adminToken, api, sql, tenantDb, tokenFor, newDevice, assertError } from './lib.mjs';
import { makeZip, makePng } from './zip.mjs';

const T = 'def-a', T2 = 'def-b';
const PW = 'Definitions-admin-77';
const samples = path.resolve(repo, '../shared/samples');
const daily = readFileSync(path.join(samples, 'daily-inspection.xml'), 'utf8');
const large = readFileSync(path.join(samples, 'large-250.xml'), 'utf8');
let token, token2;

const upload = (body, { type = 'application/xml', id, tok = token, tenant = T } = {}) =>
  api(tenant, id ? 'PUT' : 'POST', id ? `/definitions/${id}` : '/definitions', { token: tok, body, headers: { 'Content-Type': type } });
// A GET whose body is kept as bytes.
async function rawGet(p) {
  const https = (await import('node:https')).default;
  const { base: b, ca } = await import('./lib.mjs');
  const u = new URL(p, b);
  return new Promise((resolve, reject) => {
    https.get({ host: u.hostname, port: u.port, path: u.pathname + u.search, ca, agent: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
const countDefs = () => Number(sql(`SELECT COUNT(*) FROM ${tenantDb(T)}.definitions`).stdout);
const codes = (r) => (r.json?.error?.details || []).map((d) => d.code);

test('setup: tenants, administrators, the approval groups of the sample', async () => {
  token = await adminToken(T, ensureTenant(T), PW);
  token2 = await adminToken(T2, ensureTenant(T2), PW);
  for (const g of ['foremen', 'managers'])
    assert.equal((await api(T, 'POST', '/groups', { token, body: { name: g } })).status, 201);
});

let dailyId, largeId;
test('both samples import; clusters are stored as queryable rows', async () => {
  let r = await upload(daily);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.revision, 1);
  dailyId = r.json.id;
  r = await upload(large);
  assert.equal(r.status, 201, r.text);
  largeId = r.json.id;
  const db = tenantDb(T);
  assert.equal(sql(`SELECT COUNT(*) FROM ${db}.definition_clusters WHERE definition_id = ${largeId}`).stdout, '250');
  assert.equal(sql(`SELECT COUNT(*) FROM ${db}.definition_clusters WHERE definition_id = ${dailyId}`).stdout, '21');
  assert.equal(sql(`SELECT JSON_VALUE(params, '$.maximum') FROM ${db}.definition_clusters WHERE definition_id = ${dailyId} AND name = 'pressure'`).stdout, '10');
  assert.equal(sql(`SELECT group_name FROM ${db}.definition_stages WHERE definition_id = ${dailyId} ORDER BY stage_no`).stdout, 'foremen\nmanagers');
});

test('export then import gives back the same definition, byte for byte', async () => {
  for (const id of [dailyId, largeId]) {
    const e1 = await api(T, 'GET', `/definitions/${id}/export`, { token });
    assert.equal(e1.status, 200);
    assert.match(e1.headers['content-type'], /^application\/xml/);
    const again = await upload(e1.text);
    assert.equal(again.status, 201, again.text);
    const e2 = await api(T, 'GET', `/definitions/${again.json.id}/export`, { token });
    assert.equal(e2.text, e1.text);
    // and the model behind it is the same as the uploaded sample's
    const a = sql(`SELECT GROUP_CONCAT(CONCAT_WS('|', sheet_no, cluster_id, name, type, rect_top, rect_left, required, params, COALESCE(items,'')) ORDER BY sheet_no, cluster_id SEPARATOR '\\n') FROM ${tenantDb(T)}.definition_clusters WHERE definition_id = ${id}`).stdout;
    const b = sql(`SELECT GROUP_CONCAT(CONCAT_WS('|', sheet_no, cluster_id, name, type, rect_top, rect_left, required, params, COALESCE(items,'')) ORDER BY sheet_no, cluster_id SEPARATOR '\\n') FROM ${tenantDb(T)}.definition_clusters WHERE definition_id = ${again.json.id}`).stdout;
    assert.equal(b, a);
  }
});

test('publishing, then saving again, makes revision 2 while revision 1 stays readable', async () => {
  let r = await api(T, 'POST', `/definitions/${dailyId}/status`, { token, body: { status: 'published' } });
  assert.equal(r.status, 200, r.text);
  const v1 = await api(T, 'GET', `/definitions/${dailyId}`, { token });
  assert.equal(v1.status, 200);
  assert.equal(v1.json.revision, 1);
  assert.equal(v1.json.sheets.length, 2);
  r = await upload(daily.replace('設備日常点検表 Daily equipment inspection</defTopName>', '設備日常点検表 v2</defTopName>'), { id: dailyId });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.revision, 2);
  assert.equal(r.json.new_revision, true);
  // tablets still get revision 1 until 2 is published
  assert.equal((await api(T, 'GET', `/definitions/${dailyId}`, { token })).json.revision, 1);
  // a draft is replaced in place, not a third revision
  r = await upload(daily.replace('設備日常点検表 Daily equipment inspection</defTopName>', '設備日常点検表 v2b</defTopName>'), { id: dailyId });
  assert.equal(r.json.revision, 2);
  assert.equal(r.json.new_revision, false);
  r = await api(T, 'POST', `/definitions/${dailyId}/status`, { token, body: { status: 'published' } });
  assert.equal(r.json.revision, 2);
  const now = await api(T, 'GET', `/definitions/${dailyId}`, { token });
  assert.equal(now.json.revision, 2);
  assert.equal(now.json.name, '設備日常点検表 v2b');
  const old = await api(T, 'GET', `/definitions/${dailyId}?revision=1`, { token });
  assert.equal(old.status, 200);
  assert.equal(old.json.revision, 1);
  assert.equal(old.json.status, 'archived');
  assert.equal(old.json.name, '設備日常点検表 Daily equipment inspection');
  // a published revision cannot go back to draft
  r = await api(T, 'POST', `/definitions/${dailyId}/status`, { token, body: { status: 'draft' } });
  assert.equal(r.status, 422);
  assert.deepEqual(codes(r), ['status_frozen']);
  const revs = await api(T, 'GET', `/definitions/${dailyId}/revisions`, { token });
  assert.deepEqual(revs.json.revisions.map((x) => [x.revision, x.status]), [['2', 'published'], ['1', 'archived']]);
});

test('the detail carries an ETag, and If-None-Match answers 304', async () => {
  const r = await api(T, 'GET', `/definitions/${dailyId}`, { token });
  assert.match(r.headers.etag, /^"2-[0-9a-f]{16}"$/);
  const c = await api(T, 'GET', `/definitions/${dailyId}`, { token, headers: { 'If-None-Match': r.headers.etag } });
  assert.equal(c.status, 304);
  assert.equal(c.text, '');
  const d = await api(T, 'GET', `/definitions/${dailyId}`, { token, headers: { 'If-None-Match': '"1-0000000000000000"' } });
  assert.equal(d.status, 200);
  const p = r.json.sheets[0].clusters.find((c) => c.name === 'pressure');
  assert.equal(p.type, 'Numeric');
  assert.equal(p.required, true);
  assert.equal(p.maximum, '10');
  assert.equal(p.rect.top, 0.16);
  assert.deepEqual(r.json.settings.approvalStages.map((s) => s.group), ['foremen', 'managers']);
});

// One broken variant of the sample per check: [what, change, expected code]
const bad = [
  ['duplicate cluster id', (x) => x.replace('<clusterId>2</clusterId>', '<clusterId>1</clusterId>'), 'duplicate_cluster_id'],
  ['rectangle outside the sheet', (x) => x.replace('<left>0.320</left>', '<left>1.320</left>'), 'rect_outside'],
  ['inverted rectangle', (x) => x.replace('<top>0.120</top><bottom>0.145</bottom><left>0.050</left>', '<top>0.145</top><bottom>0.120</bottom><left>0.050</left>'), 'rect_inverted'],
  ['minimum above maximum', (x) => x.replace('<minimum>0</minimum><maximum>10</maximum>', '<minimum>11</minimum><maximum>10</maximum>'), 'min_above_max'],
  ['duplicate select item', (x) => x.replace('<item value="night">', '<item value="day">'), 'duplicate_item'],
  ['unknown approval group', (x) => x.replace('group="managers"', 'group="no-such-group"'), 'unknown_group'],
  ['formula with an unknown reference', (x) => x.replace(/<formula>[^<]*<\/formula>/, '<formula>C(1,99)*2</formula>'), 'formula_unknown_ref'],
  ['formula that does not parse', (x) => x.replace(/<formula>[^<]*<\/formula>/, '<formula>C(1,6)*(2</formula>'), 'formula_syntax'],
];

test('every kind of bad definition is refused with its code and line, and nothing is stored', async (t) => {
  const before = countDefs();
  for (const [what, change, code] of bad) {
    await t.test(what, async () => {
      const xml = change(daily);
      assert.notEqual(xml, daily, `the change for ${what} applies to the sample`);
      const r = await upload(xml);
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.error.code, 'definition_invalid');
      assert.ok(codes(r).includes(code), `${code} in ${JSON.stringify(r.json.error.details)}`);
      const d = r.json.error.details.find((x) => x.code === code);
      assert.ok(d.line > 0 || code.startsWith('unknown_group') || code.startsWith('formula'), `a line for ${code}`);
      assert.ok(d.message && d.message !== code, 'an English message');
    });
  }
  // a Check with decimalPlaces
  const check = daily.replace(/(<type>Check<\/type>\s*<top>[^<]*<\/top><bottom>[^<]*<\/bottom><left>[^<]*<\/left><right>[^<]*<\/right>)/, '$1<decimalPlaces>2</decimalPlaces>');
  assert.notEqual(check, daily);
  let r = await upload(check);
  assert.equal(r.status, 422);
  assert.ok(codes(r).includes('param_not_allowed'), r.text);
  // several problems at once are all reported
  r = await upload(bad[0][1](bad[3][1](bad[5][1](daily))));
  assert.equal(r.status, 422);
  for (const c of ['duplicate_cluster_id', 'min_above_max', 'unknown_group']) assert.ok(codes(r).includes(c), `${c}: ${r.text}`);
  assert.equal(countDefs(), before, 'nothing stored');
});

test('malformed XML and XML attacks are refused without reading anything', async () => {
  const before = countDefs();
  let r = await upload('<conmas><top><defTopName>x</top>');
  assert.equal(r.status, 422);
  assert.ok(codes(r).includes('xml_malformed'), r.text);
  r = await upload(`<?xml version="1.0"?>\n<!DOCTYPE conmas [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<conmas><top><defTopName>&xxe;</defTopName></top></conmas>`);
  assert.equal(r.status, 422);
  assert.ok(codes(r).includes('doctype_refused'), r.text);
  assert.doesNotMatch(r.text, /root:x:0/);
  const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><conmas><top><defTopName>&lol3;</defTopName></top></conmas>';
  r = await upload(lol);
  assert.equal(r.status, 422);
  r = await upload('<a>'.repeat(5000) + '</a>'.repeat(5000));
  assert.equal(r.status, 422);
  r = await upload('not xml at all', { type: 'text/plain' });
  assert.equal(r.status, 415);
  assert.equal(countDefs(), before);
});

test('a zip with background images imports; hostile zips are refused', async () => {
  const bg = makePng(60, 80);
  const xml = daily.replace('<width>595</width>', '<width>595</width>').replace('<height>842</height>\n        <clusters>', '<height>842</height>\n        <background>sheet1.png</background>\n        <clusters>');
  assert.notEqual(xml, daily);
  let r = await upload(makeZip([{ name: 'definition.xml', data: Buffer.from(xml), deflate: true }, { name: 'sheet1.png', data: bg }]), { type: 'application/zip' });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  await api(T, 'POST', `/definitions/${id}/status`, { token, body: { status: 'published' } });
  const d = await api(T, 'GET', `/definitions/${id}`, { token });
  const url = d.json.sheets[0].background;
  assert.match(url, new RegExp(`^/${T}/api/v1/definitions/${id}/revisions/1/sheets/1/background$`));
  const img = await api(T, 'GET', url.replace(`/${T}/api/v1`, ''), { token });
  assert.equal(img.status, 200);
  assert.equal(img.headers['content-type'], 'image/png');
  assert.equal(Number(img.headers['content-length']), bg.length);
  assert.equal(d.json.sheets[1].background, null);
  // its export is a zip with the images, and importing it gives the same definition back
  const ex = await rawGet(`/${T}/api/v1/definitions/${id}/export`);
  assert.equal(ex.status, 200);
  assert.equal(ex.headers['content-type'], 'application/zip');
  assert.match(ex.headers['content-disposition'], /definition-\d+-r1\.zip/);
  r = await upload(ex.body, { type: 'application/zip' });
  assert.equal(r.status, 201, r.text);
  await api(T, 'POST', `/definitions/${r.json.id}/status`, { token, body: { status: 'published' } });
  const back = await rawGet(`/${T}/api/v1/definitions/${r.json.id}/revisions/1/sheets/1/background`);
  assert.deepEqual(back.body, bg);
  const x1 = await api(T, 'GET', `/definitions/${id}/export?revision=1`, { token });
  assert.equal(sql(`SELECT xml FROM ${tenantDb(T)}.definition_revisions WHERE definition_id = ${r.json.id}`).stdout,
    sql(`SELECT xml FROM ${tenantDb(T)}.definition_revisions WHERE definition_id = ${id}`).stdout);
  assert.equal(x1.status, 200);

  const before = countDefs();
  const zips = [
    ['a ../ path', [{ name: 'definition.xml', data: Buffer.from(xml) }, { name: '../sheet1.png', data: bg }]],
    ['an absolute path', [{ name: '/etc/definition.xml', data: Buffer.from(daily) }]],
    ['no definition.xml', [{ name: 'other.xml', data: Buffer.from(daily) }]],
    ['a missing background', [{ name: 'definition.xml', data: Buffer.from(xml) }]],
    ['a background that is not an image', [{ name: 'definition.xml', data: Buffer.from(xml) }, { name: 'sheet1.png', data: Buffer.from('GIF89a not a png at all') }]],
    ['a zip bomb (200 MiB of zeros, declared small)', [{ name: 'definition.xml', data: Buffer.alloc(200 * 1024 * 1024), deflate: true, declaredSize: 1000 }]],
    ['too many entries', Array.from({ length: 300 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') }))],
  ];
  for (const [what, entries] of zips) {
    r = await upload(makeZip(entries), { type: 'application/zip' });
    assert.equal(r.status, 422, `${what}: ${r.status} ${r.text.slice(0, 300)}`);
    assert.ok(r.json.error.details.length > 0, what);
  }
  r = await upload(Buffer.from('PK\x03\x04 garbage'), { type: 'application/zip' });
  assert.equal(r.status, 422);
  assert.equal(countDefs(), before);
});

test('tablets see published definitions they may use, newest change first, paged; tests only for testers', async () => {
  // a worker with def.view on the daily sample only
  const g = await api(T, 'POST', '/groups', { token, body: { name: 'inspectors', permissions: [{ name: 'def.view', scope: String(dailyId) }] } });
  assert.equal(g.status, 201, g.text);
  const u = await api(T, 'POST', '/users', { token, body: { login: 'worker1', name: 'Worker', password: 'Worker-one-2026', groups: [g.json.id] } });
  assert.equal(u.status, 201, u.text);
  assert.equal((await api(T, 'PUT', '/settings', { token, body: { 'devices.auto_approve': true } })).status, 200);
  const wt = await tokenFor(T, 'worker1', 'Worker-one-2026', { device: newDevice() });
  let r = await api(T, 'GET', '/definitions', { token: wt });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.definitions.map((d) => d.id), [dailyId]);
  assert.equal(r.json.definitions[0].revision, 2);
  assert.match(r.json.definitions[0].etag, /^"2-/);
  // the large one is not published, and not theirs
  assert.equal((await api(T, 'GET', `/definitions/${largeId}`, { token: wt })).status, 404);
  // put large in test: testers see it, others do not
  await api(T, 'POST', `/definitions/${largeId}/status`, { token, body: { status: 'test' } });
  r = await api(T, 'GET', '/definitions?limit=200', { token });
  const ids = r.json.definitions.map((d) => d.id);
  assert.ok(ids.includes(largeId), 'the administrator holds every permission, tester too');
  const tg = await api(T, 'POST', '/groups', { token, body: { name: 'testers', permissions: ['def.view'] } });
  const tu = await api(T, 'POST', '/users', { token, body: { login: 'plain1', name: 'Plain', password: 'Plain-user-2026', groups: [tg.json.id] } });
  assert.equal(tu.status, 201);
  const pt = await tokenFor(T, 'plain1', 'Plain-user-2026', { device: newDevice() });
  r = await api(T, 'GET', '/definitions?limit=200', { token: pt });
  assert.ok(!r.json.definitions.some((d) => d.id === largeId), 'a test definition is not listed for a non-tester');
  await api(T, 'PUT', `/groups/${tg.json.id}/permissions`, { token, body: { permissions: ['def.view', 'tester'] } });
  r = await api(T, 'GET', '/definitions?limit=200', { token: pt });
  assert.ok(r.json.definitions.some((d) => d.id === largeId && d.status === 'test'));
  // paging: one at a time walks every definition exactly once
  const all = (await api(T, 'GET', '/definitions?limit=200', { token })).json.definitions.map((d) => d.id);
  const seen = [];
  let cursor = null;
  for (let i = 0; i < 50; i++) {
    r = await api(T, 'GET', `/definitions?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    assert.equal(r.status, 200, r.text);
    seen.push(...r.json.definitions.map((d) => d.id));
    cursor = r.json.next_cursor;
    if (!cursor) break;
  }
  assert.deepEqual(seen, all);
  assert.equal((await api(T, 'GET', '/definitions?cursor=bogus', { token })).status, 400);
  // updated_since: nothing changed after now
  const since = new Date(Date.now() + 60000).toISOString().replace(/\.\d+Z$/, 'Z');
  r = await api(T, 'GET', `/definitions?updated_since=${since}`, { token });
  assert.deepEqual(r.json.definitions, []);
});

test("another tenant's definition ids answer 404", async () => {
  for (const p of [`/definitions/${dailyId}`, `/definitions/${dailyId}/export`, `/definitions/${dailyId}/revisions`, `/definitions/${dailyId}/revisions/1/sheets/1/background`])
    assert.equal((await api(T2, 'GET', p, { token: token2 })).status, 404, p);
  assert.equal((await api(T2, 'POST', `/definitions/${dailyId}/status`, { token: token2, body: { status: 'archived' } })).status, 404);
  assert.equal((await upload(daily, { id: dailyId, tok: token2, tenant: T2 })).status, 422, 'tenant B has no approval groups');
  assert.equal((await api(T, 'GET', `/definitions/${dailyId}`, { token: token2 })).status, 401, "B's token in A");
});

test('master data: CSV upload (Shift_JIS too), versions, records changed since', async () => {
  const csv = 'code,name,price:number,since:date\nA1,ボルト M8,12.5,2026-01-01\nA2,ナット M8,3,2026-02-01\nA3,座金,1.25,\n';
  const sjis = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'CP932'], { input: csv }).stdout;
  let r = await api(T, 'POST', '/masters?name=parts', { token, body: sjis, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal(r.json.version, 1);
  assert.deepEqual(r.json.fields.map((f) => `${f.name}:${f.type}`), ['code:text', 'name:text', 'price:number', 'since:date']);
  r = await api(T, 'GET', `/masters/${id}/records`, { token });
  assert.deepEqual(r.json.records.map((x) => [x.key, x.data.name]), [['A1', 'ボルト M8'], ['A2', 'ナット M8'], ['A3', '座金']].sort());
  const t0 = new Date().toISOString();
  await new Promise((res) => setTimeout(res, 20));
  // version 2: A2 changed, A3 removed, A4 added, A1 the same
  r = await api(T, 'POST', '/masters?name=parts', { token, body: 'code,name,price:number,since:date\nA1,ボルト M8,12.5,2026-01-01\nA2,ナット M8,3.5,2026-02-01\nA4,ワッシャー,2,\n', headers: { 'Content-Type': 'text/csv' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.version, 2);
  r = await api(T, 'GET', `/masters/${id}/records?updated_since=${t0}`, { token });
  assert.deepEqual(r.json.records.map((x) => [x.key, x.deleted]).sort(), [['A2', false], ['A3', true], ['A4', false]]);
  // bad files: nothing changes
  for (const [body, code] of [
    ['code,price:number\nB1,abc\n', 'not_a_number'], ['code,since:date\nB1,2026-02-30\n', 'invalid_date'],
    ['code,name\nB1,x\nB1,y\n', 'master_duplicate_key'], ['code,name:money\nB1,x\n', 'master_field_type'],
  ]) {
    r = await api(T, 'POST', '/masters?name=parts', { token, body, headers: { 'Content-Type': 'text/csv' } });
    assert.equal(r.status, 422, body);
    assert.ok(codes(r).includes(code), `${code}: ${r.text}`);
  }
  r = await api(T, 'GET', '/masters', { token });
  assert.equal(r.json.masters.find((m) => m.id === id).version, 2);
  assert.equal((await api(T2, 'GET', `/masters/${id}/records`, { token: token2 })).status, 404);
});

test('uploading needs the design permission', async () => {
  const wt = await tokenFor(T, 'worker1', 'Worker-one-2026', { device: newDevice() });
  assertError(await upload(daily, { tok: wt }), 403, 'forbidden');
});
