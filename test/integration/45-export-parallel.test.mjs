// The walk over many reports reads on two connections at once (issue 11:
// export/each.c, the parallel walk): the reports after the first page are
// cut into windows of creation time read by two readers and written in
// order.  Whatever the creation times look like (thousands at the same
// instant, a day apart, a millisecond apart), the table holds every report
// of the filter once, in the order of (creation time, id), deleted ones
// left out, exactly what one connection read before; and the runner's log
// says the walk did read on two connections (else this would test the old
// path).  With export_readers = 1 the walk reads on one connection: the
// same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { env, api, sql, logText, waitFor } from './lib.mjs';
import { bulkReports, waitJob, exportFile, dailyTenant } from './exports-lib.mjs';

const T = 'ex-par';
const PW = 'Export-parallel-2026!';
const db = `genba_t_${T.replace(/-/g, '_')}`;
const q = (s) => {
  const r = sql(s, { database: db });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};
let tok, def;

test('setup: 12,000 reports whose creation times bunch, spread and thin out', async () => {
  [tok, def] = await dailyTenant(T, PW);
  bulkReports(T, def, 12000, { prefix: 'PAR' });
  const n = 'CAST(RIGHT(number, 8) AS UNSIGNED)';
  // 1-3,000: all at one instant (a window fuller than a page, paged by id);
  // 3,001-6,000: a second apart; 6,001-9,000: a day apart (sparse windows);
  // 9,001-12,000: a millisecond apart (dense), before the sparse ones' end
  q(`UPDATE reports SET created_at = CASE
       WHEN ${n} <= 3000 THEN TIMESTAMP'2026-02-01 00:00:00.000'
       WHEN ${n} <= 6000 THEN TIMESTAMP'2026-02-01 00:00:00' + INTERVAL (${n} - 3000) SECOND
       WHEN ${n} <= 9000 THEN TIMESTAMP'2026-02-02 00:00:00' + INTERVAL (${n} - 6000) DAY
       ELSE TIMESTAMP'2026-03-01 00:00:00' + INTERVAL (${n} - 9000) * 1000 MICROSECOND END
     WHERE definition_id = ${def}`);
  q(`UPDATE reports SET deleted_at = UTC_TIMESTAMP(3) WHERE definition_id = ${def} AND ${n} % 997 = 0`);
  assert.equal(q(`SELECT COUNT(*) FROM reports WHERE definition_id = ${def} AND deleted_at IS NULL`), '11988');
});

async function idsOfExport(body) {
  const before = logText().length;
  const r = await api(T, 'POST', '/exports', { token: tok, body });
  assert.equal(r.status, 202, r.text);
  const j = await waitJob(T, tok, r.json.id);
  assert.equal(j.status, 'done', JSON.stringify(j));
  const f = await exportFile(T, tok, r.json.id);
  const text = f.body.toString('utf8').replace(/^\ufeff/, '');
  const rows = text.split('\r\n').filter((l) => l);
  const head = rows[0].split(',');
  const idCol = head.findIndex((h) => h === 'id' || h === 'ID');
  assert.ok(idCol >= 0, head.join('|'));
  // the runner said it read on two connections (its log line comes with the job's)
  await waitFor('the walk\'s log line', () => logText().slice(before).includes(`tenant=${T}: the walk reads on 2 connections`),
    { timeout: 10000 });
  return { ids: rows.slice(1).map((l) => l.split(',')[idCol]), total: j.total };
}

test('CSV of every report: each once, in (creation time, id) order, deleted ones left out', async () => {
  const { ids, total } = await idsOfExport({ format: 'csv', filter: { definition: def } });
  const want = q(`SELECT id FROM reports WHERE definition_id = ${def} AND deleted_at IS NULL ORDER BY created_at, id`).split('\n');
  assert.equal(want.length, 11988);
  assert.equal(total, 11988);
  assert.equal(new Set(ids).size, ids.length, 'no report twice');
  assert.equal(ids.length, want.length);
  assert.deepEqual(ids, want);
});

test('with a status filter too: the same rule', async () => {
  const { ids } = await idsOfExport({ format: 'csv', filter: { definition: def, status: 'completed' } });
  const want = q(`SELECT id FROM reports WHERE definition_id = ${def} AND deleted_at IS NULL AND status = 'completed'
                  ORDER BY created_at, id`).split('\n');
  assert.ok(want.length > 5000);
  assert.deepEqual(ids, want);
});

test('export_readers = 1: one connection, the same table byte for byte', () => {
  // genbactl tenant report-table walks as the runner does; once with the
  // stack's configuration (two readers), once with a copy saying 1
  const [bin, , conf] = env.GENBA_CTL.split(' ');
  const one = path.join(path.dirname(conf), 'genba-one-reader.conf');
  writeFileSync(one, `${readFileSync(conf, 'utf8')}\nexport_readers = 1\n`);
  const table = (c) => {
    const r = spawnSync(bin, ['-c', c, 'tenant', 'report-table', T, '--format', 'csv', '--definition', String(def), '--out', '-'],
      { maxBuffer: 1 << 28, timeout: 120000 });
    assert.equal(r.status, 0, String(r.stderr));
    return r.stdout;
  };
  const two = table(conf), single = table(one);
  const ids = single.toString('utf8').replace(/^\ufeff/, '').split('\r\n').slice(1).filter((l) => l).map((l) => l.split(',')[0]);
  const want = q(`SELECT id FROM reports WHERE definition_id = ${def} AND deleted_at IS NULL ORDER BY created_at, id`).split('\n');
  assert.deepEqual(ids, want);
  assert.ok(two.equals(single), 'two readers and one give the same bytes');
  assert.ok(two.length > 1000000);
  // and a value that is not 1 or 2 is refused by the configuration
  writeFileSync(one, `${readFileSync(conf, 'utf8')}\nexport_readers = 3\n`);
  const bad = spawnSync(bin, ['-c', one, 'tenant', 'list'], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /export_readers/);
});
