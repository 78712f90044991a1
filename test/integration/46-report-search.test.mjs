// The console's search by a cluster's value (a text the index holds) reads
// its page from report_search in the index's order: each entry carries its
// report's creation time (sql/tenant/0008), so the newest reports holding
// the value come first without looking up every one of them.  What a user
// relies on: the newest first (reports created in the same millisecond in
// the order they were stored), every report once over the pages, deleted
// ones gone, a changed value found by its new text only, a month of
// creation dates as the tenant's days, and the index's entries in step with
// the reports (their times exactly the reports').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ensureTenant, adminToken, api, sql, tenantDb, consoleCookie, consoleGet } from './lib.mjs';

const T = 'srch-a';
const PW = 'Search-admin-2026!';
const uuid = () => crypto.randomUUID();
const q = (s) => {
  const r = sql(s, { database: tenantDb(T) });
  assert.equal(r.status, 0, `${s}\n${r.stderr}`);
  return r.stdout.trim();
};
let admin, cookie, defId;
const made = [];   // report ids, in the order they were saved

const DEF = `<?xml version="1.0" encoding="UTF-8"?>
<conmas><top><defTopName>Search order</defTopName><sheets><sheet><sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height><clusters>
<cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><clusterName>line</clusterName><type>KeyboardText</type><top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.9</right></cluster>
<cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><clusterName>note</clusterName><type>KeyboardText</type><top>0.3</top><bottom>0.4</bottom><left>0.1</left><right>0.9</right></cluster>
</clusters></sheet></sheets></top></conmas>
`;

const save = async (line, note) => {
  const id = uuid();
  const r = await api(T, 'POST', '/reports', {
    token: admin, headers: { 'Idempotency-Key': uuid() },
    body: { id, definition_id: defId, definition_revision: 1, action: 'save',
      values: [{ sheet: 1, cluster: 0, value: line }, { sheet: 1, cluster: 1, value: note }] },
  });
  assert.equal(r.status, 201, r.text);
  made.push(id);
  return id;
};
const rev = async (id) => (await api(T, 'GET', `/reports/${id}`, { token: admin })).json.rev;

// The report ids of a console list page, in order, and its "older" link.
function idsOf(html) {
  const seen = [];
  for (const m of html.matchAll(new RegExp(`href="/${T}/manager/reports/([0-9a-f-]{36})"`, 'g')))
    if (!seen.includes(m[1])) seen.push(m[1]);
  return seen;
}
const olderOf = (html) => html.match(/id="older" href="\/[^/]+\/manager([^"]+)"/)?.[1].replace(/&amp;/g, '&');

// Every page of a search, following "older" to the end.
async function search(value, extra = '') {
  let p = `/reports?definition=${defId}&cluster=1-0&value=${encodeURIComponent(value)}${extra}`;
  const pages = [];
  for (let i = 0; p && i < 10; i++) {
    const r = await consoleGet(T, p, cookie);
    assert.equal(r.status, 200, r.text.slice(0, 300));
    pages.push(idsOf(r.text));
    p = olderOf(r.text);
  }
  assert.equal(p, undefined, 'the pages end');
  return pages;
}
// What the reports table says the search must list, newest first.
const expected = (value, where = '') => {
  const out = q(`SELECT id FROM reports WHERE definition_id = ${defId} AND deleted_at IS NULL
                 AND JSON_VALUE(vals, '$."1/0".v') = '${value}' ${where} ORDER BY created_at DESC, seq DESC`);
  return out ? out.split('\n') : [];
};
const entriesOutOfStep = () => q(`SELECT
    (SELECT COUNT(*) FROM report_search s LEFT JOIN reports r ON r.seq = s.seq
      WHERE r.seq IS NULL OR r.deleted_at IS NOT NULL OR s.created_at <> r.created_at OR s.definition_id <> r.definition_id),
    (SELECT COUNT(*) FROM reports r WHERE r.definition_id = ${defId} AND r.deleted_at IS NULL AND NOT EXISTS
      (SELECT 1 FROM report_search s WHERE s.seq = r.seq AND s.field = 0 + 100000 AND s.vhash = CRC32(JSON_VALUE(r.vals, '$."1/0".v'))))`);

test('setup: 70 reports saved through the API, 64 of them on line A', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  const d = await api(T, 'POST', '/definitions', { token: admin, body: DEF, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(d.status, 201, d.text);
  defId = d.json.id;
  assert.equal((await api(T, 'POST', `/definitions/${defId}/status`, { token: admin, body: { status: 'published' } })).status, 200);
  for (let i = 0; i < 70; i++)
    await save(i % 11 === 5 ? 'LINE-B' : 'LINE-A', `note ${i}`);
  cookie = await consoleCookie(T, 'admin', PW);
  assert.equal(q(`SELECT COUNT(*) FROM reports WHERE definition_id = ${defId}`), '70');
});

test('each index entry holds its report\'s creation time, to the millisecond', () => {
  // two texts a report: 140 entries, every one of them in step
  assert.equal(q('SELECT COUNT(*) FROM report_search'), '140');
  assert.equal(entriesOutOfStep(), '0\t0');
  assert.equal(q('SELECT COUNT(DISTINCT created_at) > 1 FROM report_search'), '1', 'the times differ (not one default)');
});

test('the search lists the newest first over pages of 50, each report once', async () => {
  const want = expected('LINE-A');
  assert.equal(want.length, 64);
  const pages = await search('LINE-A');
  assert.deepEqual(pages.map((p) => p.length), [50, 14]);
  assert.deepEqual(pages.flat(), want);
  assert.deepEqual(pages.flat(), made.filter((_, i) => i % 11 !== 5).reverse(), 'newest saved first');
  assert.deepEqual((await search('LINE-B')).flat(), made.filter((_, i) => i % 11 === 5).reverse());
  assert.deepEqual(await search('LINE-C'), [[]], 'a value no report holds: an empty list');
});

test('reports created in the same millisecond: in the order stored, none lost or repeated across the page break', async () => {
  // 20 reports of line A at one instant, older than the others: the 45th to the 64th newest, across the page break
  const ids = expected('LINE-A').slice(40, 60).map((x) => `'${x}'`).join(',');
  q(`UPDATE reports SET created_at = TIMESTAMP'2026-11-30 03:00:00.123' WHERE id IN (${ids})`);
  q('UPDATE report_search s JOIN reports r ON r.seq = s.seq SET s.created_at = r.created_at');
  const want = expected('LINE-A');
  const pages = await search('LINE-A');
  assert.deepEqual(pages.map((p) => p.length), [50, 14]);
  assert.deepEqual(pages.flat(), want, 'same instant: the one stored later first');
  assert.equal(new Set(want.slice(44)).size, 20);
  assert.ok(want.slice(44).every((id) => ids.includes(`'${id}'`)), 'the tied reports are the 45th to the 64th');
  assert.equal(new Set(pages.flat()).size, 64);
});

test('a deleted report leaves the search and the index; a changed value is found by its new text only', async () => {
  const gone = made[3], moved = made[7];
  const seqGone = q(`SELECT seq FROM reports WHERE id = '${gone}'`);
  const d = await api(T, 'DELETE', `/reports/${gone}`, { token: admin, headers: { 'Idempotency-Key': uuid(), 'If-Match': `"${await rev(gone)}"` } });
  assert.equal(d.status, 204, d.text);
  assert.equal(q(`SELECT COUNT(*) FROM report_search WHERE seq = ${seqGone}`), '0', 'its entries went with it');
  const u = await api(T, 'PUT', `/reports/${moved}`, {
    token: admin, headers: { 'Idempotency-Key': uuid(), 'If-Match': `"${await rev(moved)}"` },
    body: { values: [{ sheet: 1, cluster: 0, value: 'LINE-B' }], action: 'save' },
  });
  assert.equal(u.status, 200, u.text);
  // a change of the other cluster keeps the line's entry
  const kept = made[8];
  const k = await api(T, 'PUT', `/reports/${kept}`, {
    token: admin, headers: { 'Idempotency-Key': uuid(), 'If-Match': `"${await rev(kept)}"` },
    body: { values: [{ sheet: 1, cluster: 1, value: 'changed note' }], action: 'save' },
  });
  assert.equal(k.status, 200, k.text);
  assert.equal(entriesOutOfStep(), '0\t0');
  const a = (await search('LINE-A')).flat(), b = (await search('LINE-B')).flat();
  assert.deepEqual(a, expected('LINE-A'));
  assert.deepEqual(b, expected('LINE-B'));
  assert.equal(a.length, 62);
  assert.ok(!a.includes(gone) && !b.includes(gone), 'the deleted report is found by neither');
  assert.ok(b.includes(moved) && !a.includes(moved), 'the changed report by its new value');
  assert.ok(a.includes(kept));
});

test('a month of creation dates with the value: the tenant\'s days (Asia/Tokyo), from the index', async () => {
  // ten of line A created in October, on both sides of a Tokyo midnight
  const ids = expected('LINE-A').slice(-10);
  ids.forEach((id, i) => q(`UPDATE reports SET created_at = TIMESTAMP'2026-10-31 14:55:00' + INTERVAL ${i} MINUTE WHERE id = '${id}'`));
  q('UPDATE report_search s JOIN reports r ON r.seq = s.seq SET s.created_at = r.created_at');
  // 14:55-15:04 UTC on 31 October: the first five on 31 October in Tokyo, the other five on 1 November
  const oct = (await search('LINE-A', '&from=2026-10-01&to=2026-10-31')).flat();
  assert.deepEqual(oct, ids.slice(0, 5).reverse());
  const nov1 = (await search('LINE-A', '&from=2026-11-01&to=2026-11-01')).flat();
  assert.deepEqual(nov1, ids.slice(5).reverse());
  const both = (await search('LINE-A', '&from=2026-10-01&to=2026-11-01')).flat();
  assert.deepEqual(both, expected('LINE-A', "AND created_at < '2026-11-01 15:00:00'"));
  assert.equal(both.length, 10);
});

test('a cursor whose report is gone, or that this server did not give, is answered without a 500', async () => {
  const path = `/reports?definition=${defId}&cluster=1-0&value=LINE-A`;
  const first = await consoleGet(T, path, cookie);
  const older = olderOf(first.text);
  assert.ok(older, 'a second page');
  const cursor = new URLSearchParams(older.split('?')[1]).get('cursor');
  assert.match(cursor, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}_[0-9a-f-]{36}$/);
  const bogus = await consoleGet(T, `${path}&cursor=bogus`, cookie);
  assert.equal(bogus.status, 400);
  // the same time with an id no report has: the reports created before that time
  const other = `${cursor.slice(0, 24)}${uuid()}`;
  const r = await consoleGet(T, `${path}&cursor=${encodeURIComponent(other)}`, cookie);
  assert.equal(r.status, 200);
  const before = expected('LINE-A', `AND created_at < '${cursor.slice(0, 23).replace('T', ' ')}'`);
  assert.ok(before.length > 0);
  assert.deepEqual(idsOf(r.text), before.slice(0, 50));
});
