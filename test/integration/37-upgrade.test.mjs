// An upgrade from schema 4 (values one row each in report_values, history one
// row per value in report_history) with reports in it: genbactl migrate
// converts them (sql/tenant/0005), adds remarks and system keys (0006) and
// whatever came later, and the reports read, search, show their history and
// take updates as before; and from schema 7 (the search index without the
// reports' creation times, sql/tenant/0008).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repo, ctl, sql, tenantDb, ensureTenant, adminToken, api, consoleCookie, consoleGet } from './lib.mjs';

const T = 'upg-a';
const PW = 'Upgrade-admin-55';
const DB = tenantDb(T);
let token, defId, latest;
const ids = [crypto.randomUUID(), crypto.randomUUID()];

const q = (query) => {
  const r = sql(query, { database: DB });
  assert.equal(r.status, 0, `${query}\n${r.stderr}`);
  return r.stdout;
};

const DEF = '<?xml version="1.0" encoding="UTF-8"?>\n<conmas><top><defTopName>Upgrade check</defTopName><sheets><sheet>' +
  '<sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height><clusters>' +
  '<cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><clusterName>machine</clusterName><type>KeyboardText</type>' +
  '<top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.9</right></cluster>' +
  '<cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><clusterName>pressure</clusterName><type>Numeric</type>' +
  '<top>0.3</top><bottom>0.4</bottom><left>0.1</left><right>0.9</right><decimalPlaces>1</decimalPlaces>' +
  '<normalMinimum>2</normalMinimum><normalMaximum>6</normalMaximum></cluster>' +
  '<cluster><sheetNo>1</sheetNo><clusterId>2</clusterId><clusterName>where</clusterName><type>Gps</type>' +
  '<top>0.5</top><bottom>0.6</bottom><left>0.1</left><right>0.9</right></cluster>' +
  '</clusters></sheet></sheets></top></conmas>\n';

// The CREATE TABLE statement of table t as schema 4 made it (sql/tenant/0004-reports.sql).
function schema4Table(t) {
  const text = readFileSync(path.join(repo, 'sql/tenant/0004-reports.sql'), 'utf8');
  const start = text.indexOf(`CREATE TABLE IF NOT EXISTS ${t} (`);
  assert.ok(start >= 0, t);
  return text.slice(start, text.indexOf(';', start) + 1);
}

test('setup: a tenant taken back to schema 4, with reports stored the old way', async () => {
  token = await adminToken(T, ensureTenant(T), PW);
  let r = await api(T, 'POST', '/definitions', { token, body: DEF, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(r.status, 201, r.text);
  defId = r.json.id;
  r = await api(T, 'POST', `/definitions/${defId}/status`, { token, body: { status: 'published' } });
  assert.equal(r.status, 200, r.text);
  latest = Number(sql(`SELECT MAX(version) FROM ${DB}.schema_migrations`).stdout);
  assert.ok(latest >= 6, 'this build knows schema 6 or later');
  // undo what 0006 added (later migrations are written to run again over themselves)
  q('ALTER TABLE reports ' + [...Array(10).keys()].map((i) => `DROP COLUMN remarks${i + 1}`).join(', ') + ', ' +
    [...Array(5).keys()].map((i) => `DROP COLUMN system_key${i + 1}`).join(', '));
  // undo what 0005 added, put back what schema 4 had
  q('DROP TABLE report_events; DROP TABLE report_search');
  q('ALTER TABLE reports DROP KEY reports_seq, DROP COLUMN seq, DROP COLUMN vals, DROP COLUMN created_device, ' +
    'DROP KEY reports_created, DROP KEY reports_def_created, DROP KEY reports_status_created, DROP KEY reports_def_status_created, ADD KEY reports_status (status, updated_at)');
  q('ALTER TABLE idempotency_keys MODIFY response MEDIUMTEXT NULL');
  q(schema4Table('report_values'));
  q(schema4Table('report_history'));
  q('DELETE FROM schema_migrations WHERE version >= 5');
  sql(`UPDATE genba_control.tenants SET schema_version = 4 WHERE code = '${T}'`);
  // two reports as schema 4 wrote them: values a row each, history a row per change
  const uid = q("SELECT id FROM users WHERE login = 'admin'");
  for (const [i, id] of ids.entries()) {
    q(`INSERT INTO reports (id, definition_id, definition_revision, name, status, rev, created_by, created_at, updated_by, updated_at)
       VALUES ('${id}', ${defId}, 1, 'old ${i}', 'editing', 2, ${uid}, '2026-11-20 01:00:00.000', ${uid}, '2026-11-20 02:00:00.000')`);
    q(`INSERT INTO report_values (report_id, sheet_no, cluster_id, value, out_of_normal, gps, edited_by, edited_at) VALUES
       ('${id}', 1, 0, 'M-${i}7', 0, NULL, ${uid}, '2026-11-20 01:00:00.000'),
       ('${id}', 1, 1, '${i ? '9.5' : '4.5'}', ${i ? 1 : 0}, NULL, ${uid}, '2026-11-20 02:00:00.000'),
       ('${id}', 1, 2, '35.68,139.76', 0, '{"lat": 35.68, "lon": 139.76}', ${uid}, '2026-11-20 01:00:00.000')`);
    q(`INSERT INTO report_history (report_id, rev, sheet_no, cluster_id, old_value, new_value, user_id, at) VALUES
       ('${id}', 1, 1, 0, NULL, 'M-${i}7', ${uid}, '2026-11-20 01:00:00.000'),
       ('${id}', 1, 1, 1, NULL, '3.0', ${uid}, '2026-11-20 01:00:00.000'),
       ('${id}', 1, 1, 2, NULL, '35.68,139.76', ${uid}, '2026-11-20 01:00:00.000'),
       ('${id}', 2, 1, 1, '3.0', '${i ? '9.5' : '4.5'}', ${uid}, '2026-11-20 02:00:00.000')`);
  }
  const refused = await api(T, 'GET', '/status');
  assert.equal(refused.status, 503, 'a schema 4 tenant waits for its migration');
  assert.equal(refused.json.error.code, 'schema_outdated');
});

test('genbactl migrate converts the values, the history and the search index; nothing old is left', async () => {
  const r = ctl('migrate', '--tenant', T);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^${T}: migrated 4 -> ${latest}$`, 'm'));
  for (const gone of ['report_values', 'report_history'])
    assert.equal(sql(`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '${DB}' AND table_name = '${gone}'`).stdout, '0', gone);
  assert.equal(q('SELECT COUNT(*) FROM report_events'), '4', 'one event per report and revision');
  assert.equal(q('SELECT COUNT(*) FROM report_search'), '2', 'the text of each report: the types searched by');
  assert.equal(q("SELECT CONCAT(remarks1, '|', remarks10, '|', system_key5) FROM reports LIMIT 1"), '||', 'remarks and keys start empty');
  // running it again changes nothing (the conversion runs once)
  const again = ctl('migrate', '--tenant', T);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`^${T}: up to date`, 'm'));
});

test('converted reports read as before: values, editors, out of normal, GPS, history', async () => {
  const r = await api(T, 'GET', `/reports/${ids[1]}`, { token });
  assert.equal(r.status, 200, r.text);
  const val = (c) => r.json.values.find((x) => x.cluster === c);
  assert.deepEqual([val(0).value, val(0).edited_by, val(0).edited_at], ['M-17', 'admin', '2026-11-20T01:00:00Z']);
  assert.deepEqual([val(1).value, val(1).out_of_normal], ['9.5', true]);
  assert.deepEqual(val(2).gps, { lat: 35.68, lon: 139.76 });
  assert.equal(r.headers.etag, '"2"');
  assert.deepEqual([r.json.remarks, r.json.system_keys], [{}, {}]);
  const h = (await api(T, 'GET', `/reports/${ids[1]}/history`, { token })).json.history;
  assert.deepEqual(h.map((x) => [x.rev, x.event, x.cluster, x.old, x.new]), [
    [1, 'create', 0, null, 'M-17'], [1, 'create', 1, null, '3.0'], [1, 'create', 2, null, '35.68,139.76'],
    [2, 'update', 1, '3.0', '9.5'],
  ]);
});

test('converted reports are found by a value, and take updates', async () => {
  const cookie = await consoleCookie(T, 'admin', PW);
  const found = await consoleGet(T, `/reports?definition=${defId}&cluster=1-0&value=M-07`, cookie);
  assert.equal(found.status, 200);
  assert.ok(found.text.includes(ids[0]) && !found.text.includes(ids[1]), 'M-07 finds the first report only');
  const u = await api(T, 'PUT', `/reports/${ids[0]}`, {
    token, headers: { 'If-Match': '"2"', 'Idempotency-Key': crypto.randomUUID() },
    body: { values: [{ sheet: 1, cluster: 0, value: 'M-08' }], action: 'save', remarks: { 1: 'after the upgrade' }, system_keys: { 1: 'K-1' } },
  });
  assert.equal(u.status, 200, u.text);
  assert.deepEqual([u.json.remarks, u.json.system_keys], [{ 1: 'after the upgrade' }, { 1: 'K-1' }]);
  assert.equal(u.json.values.find((x) => x.cluster === 0).value, 'M-08');
  assert.equal(u.json.values.find((x) => x.cluster === 1).value, '4.5', 'the others stay');
  const now = await consoleGet(T, `/reports?definition=${defId}&cluster=1-0&value=M-08`, cookie);
  assert.ok(now.text.includes(ids[0]));
  const before = await consoleGet(T, `/reports?definition=${defId}&cluster=1-0&value=M-07`, cookie);
  assert.ok(!before.text.includes(ids[0]), 'the old value finds it no more');
});

// Schema 7 -> 8: report_search had no creation time; genbactl migrate copies
// the entries with their reports' times, and the search by a value finds
// the reports newest first as before.
test('an upgrade from schema 7: the search index gets its reports\' creation times', async () => {
  assert.ok(latest >= 8, 'this build knows schema 8 or later');
  // a third report, created later, with the same machine
  const third = crypto.randomUUID();
  const c = await api(T, 'POST', '/reports', {
    token, headers: { 'Idempotency-Key': crypto.randomUUID() },
    body: { id: third, definition_id: defId, definition_revision: 1, action: 'save', values: [{ sheet: 1, cluster: 0, value: 'M-08' }] },
  });
  assert.equal(c.status, 201, c.text);
  // back to schema 7: the index as 0005 made it, its entries as they were
  q(`CREATE TABLE search7 (definition_id BIGINT UNSIGNED NOT NULL, field INT UNSIGNED NOT NULL, vhash INT UNSIGNED NOT NULL,
       seq BIGINT UNSIGNED NOT NULL, PRIMARY KEY (definition_id, field, vhash, seq)) ENGINE=InnoDB`);
  q('INSERT INTO search7 SELECT definition_id, field, vhash, seq FROM report_search');
  const n = q('SELECT COUNT(*) FROM report_search');
  assert.equal(n, '3');
  q('DROP TABLE report_search; RENAME TABLE search7 TO report_search');
  q('DELETE FROM schema_migrations WHERE version >= 8');
  sql(`UPDATE genba_control.tenants SET schema_version = 7 WHERE code = '${T}'`);
  assert.equal((await api(T, 'GET', '/status')).json.error.code, 'schema_outdated');
  const r = ctl('migrate', '--tenant', T);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^${T}: migrated 7 -> ${latest}$`, 'm'));
  assert.equal(q('SELECT COUNT(*) FROM report_search'), n, 'every entry kept');
  assert.equal(q('SELECT COUNT(*) FROM report_search s JOIN reports r ON r.seq = s.seq WHERE s.created_at = r.created_at'), n,
    'each with its report\'s creation time');
  assert.equal(q("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'report_search_%'"), '0');
  const cookie = await consoleCookie(T, 'admin', PW);
  const found = await consoleGet(T, `/reports?definition=${defId}&cluster=1-0&value=M-08`, cookie);
  assert.equal(found.status, 200);
  const order = [...found.text.matchAll(/href="\/[^/]+\/manager\/reports\/([0-9a-f-]{36})"/g)].map((m) => m[1]).filter((x, i, a) => a.indexOf(x) === i);
  assert.deepEqual(order, [third, ids[0]], 'the newest first');
  // and a save after the upgrade writes its entries with the time
  const u = await api(T, 'PUT', `/reports/${third}`, {
    token, headers: { 'If-Match': '"1"', 'Idempotency-Key': crypto.randomUUID() },
    body: { values: [{ sheet: 1, cluster: 0, value: 'M-09' }], action: 'save' },
  });
  assert.equal(u.status, 200, u.text);
  assert.equal(q('SELECT COUNT(*) FROM report_search s JOIN reports r ON r.seq = s.seq WHERE s.created_at = r.created_at'), n);
});

// A migration that fails leaves the tenant refused (503 schema_outdated with
// Retry-After, its schema_version 0: "being upgraded"), whatever build
// answers; once the cause is gone, genbactl migrate finishes it.
test('a failed migration: the tenant stays refused until migrate succeeds', async () => {
  // back to schema 7 again, plus what makes 0008 fail: a "report_search_old"
  // (as a stop halfway would leave) that cannot be read
  q(`CREATE TABLE search7 (definition_id BIGINT UNSIGNED NOT NULL, field INT UNSIGNED NOT NULL, vhash INT UNSIGNED NOT NULL,
       seq BIGINT UNSIGNED NOT NULL, PRIMARY KEY (definition_id, field, vhash, seq)) ENGINE=InnoDB`);
  q('INSERT INTO search7 SELECT definition_id, field, vhash, seq FROM report_search');
  const n = q('SELECT COUNT(*) FROM search7');
  q('CREATE TABLE gone (a INT); CREATE VIEW report_search_old AS SELECT a AS definition_id, a AS field, a AS vhash, a AS seq FROM gone; DROP TABLE gone');
  q('DELETE FROM schema_migrations WHERE version >= 8');
  sql(`UPDATE genba_control.tenants SET schema_version = 7 WHERE code = '${T}'`);
  const r = ctl('migrate', '--tenant', T);
  assert.notEqual(r.status, 0, 'migrate says it failed');
  assert.match(r.stderr, new RegExp(`tenant ${T}: .*refused until genbactl migrate succeeds`));
  assert.equal(sql(`SELECT schema_version FROM genba_control.tenants WHERE code = '${T}'`).stdout, '0', 'marked as being upgraded');
  const refused = await api(T, 'GET', '/status');
  assert.equal(refused.status, 503);
  assert.equal(refused.json.error.code, 'schema_outdated');
  assert.match(refused.headers['retry-after'] || '', /^\d+$/);
  // the cause gone (and the index as schema 7 had it), migrate finishes the job
  q('DROP VIEW report_search_old; DROP TABLE IF EXISTS report_search; RENAME TABLE search7 TO report_search');
  const again = ctl('migrate', '--tenant', T);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`^${T}: migrated 7 -> ${latest}$`, 'm'));
  assert.equal(sql(`SELECT schema_version FROM genba_control.tenants WHERE code = '${T}'`).stdout, String(latest));
  assert.equal((await api(T, 'GET', '/status')).status, 200);
  assert.equal(q('SELECT COUNT(*) FROM report_search s JOIN reports r ON r.seq = s.seq WHERE s.created_at = r.created_at'), n);
});
