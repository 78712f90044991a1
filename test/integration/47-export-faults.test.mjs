// Faults under a background export.  MariaDB goes away while the file is
// being written (the tenant's database and the control database with it):
// the API answers 503 with Retry-After meanwhile, no file is offered, and
// once the database is back the job ends on its own: the CSV whole (every
// report once, every row whole) after a second attempt, the first attempt's
// partial file gone.  The disk fills up: the job fails and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { env, api, sql, stack, sleep, assertError, pidOf, runnersOf, alive } from './lib.mjs';
import { bulkReports, waitJob, exportFile, dailyTenant, exportHalfway } from './exports-lib.mjs';

const T = 'ex-dbgone';
const PW = 'Export-db-gone-2026!';
const N = 20000;
let tok, def;

test('setup: a tenant with 20,000 daily-inspection reports', async () => {
  [tok, def] = await dailyTenant(T, PW);
  bulkReports(T, def, N, { prefix: 'DBG' });
});

test('the database stopped halfway through an export: 503 meanwhile, then the whole CSV', { timeout: 300000 }, async () => {
  const id = await exportHalfway(T, tok, { format: 'csv', filter: { definition: def } }, 2000);
  const dir = path.join(env.GENBA_DIR, 'data', T, 'exports');
  stack('db-stop');
  try {
    await sleep(1500);   // the runner meets the closed connection
    const down = await api(T, 'GET', `/exports/${id}`, { token: tok });
    assertError(down, 503, 'database_unavailable');
    assert.match(down.headers['retry-after'] || '', /^\d+$/);
    assertError(await api(T, 'GET', `/exports/${id}/file`, { token: tok }), 503, 'database_unavailable');
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith(id) && !n.endsWith('.part')), [], 'no finished file while it is down');
  } finally {
    stack('db-start');
  }
  const j = await waitJob(T, tok, id, ['done', 'failed', 'cancelled'], { timeout: 240000 });
  assert.equal(j.status, 'done', JSON.stringify(j));
  assert.equal(j.total, N);
  assert.equal(j.done, N);
  assert.ok(Number(sql(`SELECT attempts FROM genba_control.jobs WHERE id = '${id}'`).stdout) >= 2, 'a second attempt wrote it');
  const f = await exportFile(T, tok, id);
  assert.equal(f.body.length, j.bytes);
  const lines = f.body.toString('utf8').replace(/^\ufeff/, '').split('\r\n').filter((x) => x);
  assert.equal(lines.length, N + 1, 'a header and every report');
  const numbers = lines.slice(1).map((x) => x.match(/DBG-\d+/)?.[0]);
  assert.equal(new Set(numbers).size, N, 'every report once');
  assert.ok(numbers.every(Boolean));
  const files = readdirSync(dir).filter((n) => n.startsWith(id));
  assert.equal(files.length, 1, files.join(' '));
  assert.ok(!files[0].endsWith('.part'), 'the first attempt\'s partial file is gone');
});

// The disk fills up under the runner: a file size limit on the runner
// while the job runs (test stacks only: test_file_limit; the kernel then
// refuses its writes past 200 kB with EFBIG, as a full disk does with
// ENOSPC): the job fails with a message that says so, its partial file is
// removed, the runner carries on, and the same export then succeeds.
test('the disk full while an export is written: the job fails clearly, nothing is left, the next one works', { timeout: 300000 }, async () => {
  const [runner] = runnersOf(pidOf(env.GENBA_FCGI_PIDFILE));
  assert.ok(runner, 'a runner');
  const dir = path.join(env.GENBA_DIR, 'data', T, 'exports');
  const r = await api(T, 'POST', '/exports', { token: tok, body: { format: 'csv', filter: { definition: def }, test_file_limit: 200000 } });
  assert.equal(r.status, 202, r.text);
  const id = r.json.id;
  const j = await waitJob(T, tok, id, ['done', 'failed', 'cancelled'], { timeout: 120000 });
  assert.equal(j.status, 'failed', JSON.stringify(j));
  assert.match(j.error, /could not write the file: its disk is full/);
  assert.ok(j.done < N, 'it stopped before the end');
  assertError(await api(T, 'GET', `/exports/${id}/file`, { token: tok }), 409, 'not_ready');
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith(id)), [], 'no file, partial or whole, is left');
  assert.ok(alive(runner), 'the runner carries on');
  assert.deepEqual(runnersOf(pidOf(env.GENBA_FCGI_PIDFILE)), [runner]);
  const again = await api(T, 'POST', '/exports', { token: tok, body: { format: 'csv', filter: { definition: def } } });
  assert.equal(again.status, 202, again.text);
  const k = await waitJob(T, tok, again.json.id, ['done', 'failed', 'cancelled'], { timeout: 120000 });
  assert.equal(k.status, 'done', JSON.stringify(k));
  assert.equal(k.total, N);
  const f = await exportFile(T, tok, again.json.id);
  assert.equal(f.body.length, k.bytes);
  assert.ok(f.body.length > 200000, 'bigger than the limit it met before');
});

// A small export (its whole file is written when it ends, in one record
// under 1 MiB) meets the full disk at its last write: the same message.
test('the disk full at the last write of a small export: the same clear failure', { timeout: 120000 }, async () => {
  const ids = sql(`SELECT id FROM reports WHERE definition_id = ${def} ORDER BY seq LIMIT 5`, { database: `genba_t_${T.replace(/-/g, '_')}` }).stdout.split('\n');
  assert.equal(ids.length, 5);
  const r = await api(T, 'POST', '/exports', { token: tok, body: { format: 'csv', ids, test_file_limit: 100 } });
  assert.equal(r.status, 202, r.text);
  const j = await waitJob(T, tok, r.json.id, ['done', 'failed', 'cancelled'], { timeout: 60000 });
  assert.equal(j.status, 'failed', JSON.stringify(j));
  assert.match(j.error, /could not write the file: its disk is full/);
  const dir = path.join(env.GENBA_DIR, 'data', T, 'exports');
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith(r.json.id)), []);
  const ok = await api(T, 'POST', '/exports', { token: tok, body: { format: 'csv', ids } });
  const k = await waitJob(T, tok, ok.json.id, ['done', 'failed', 'cancelled'], { timeout: 60000 });
  assert.equal(k.status, 'done', JSON.stringify(k));
  assert.equal(k.total, 5);
});
