// Background exports (issue 11): POST /exports queues a job, a runner (a
// child of genba-fcgi's master) works it off into a file sealed with the
// tenant's data key, GET /exports/{id} shows its progress, GET …/file
// decrypts it while it streams, DELETE cancels.  Checked here: a zip of
// PDFs read back by an independent reader (python3's zipfile), the rights
// of the user who asked (a user without the view right on a definition
// gets none of its reports), another tenant's or another user's ids → 404,
// bad input → 400/422 with field errors, cancel, the access log, the file
// at rest (sealed: no plain bytes), and a runner killed halfway: the job
// is taken over, completes, and no partial file is ever offered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  repo, env, ctl, ensureTenant, adminToken, api, sql, tenantDb, tokenFor, newDevice, assertError, detailCodes, pidOf,
  runnersOf, alive, sleep, waitFor, request, consoleCookie, consoleGet, csrfOf, get,
} from './lib.mjs';
import { bulkReports, waitJob, exportFile, zipEntries } from './exports-lib.mjs';

const T = 'ex-a', TB = 'ex-b';
const PW = 'Exports-admin-2026!', UPW = 'Exports-user-2026!';
const daily = readFileSync(path.resolve(repo, '../shared/samples/daily-inspection.xml'), 'utf8')
  .replace('<minimum>today-7</minimum><maximum>today</maximum>', '').replace('<default>today</default>', '');

let admin, adminB, looker, other;
let defA, defB, defBB;

async function upload(t, tok, body) {
  const r = await api(t, 'POST', '/definitions', { token: tok, body, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(r.status, 201, r.text);
  const p = await api(t, 'POST', `/definitions/${r.json.id}/status`, { token: tok, body: { status: 'published' } });
  assert.equal(p.status, 200, p.text);
  return r.json.id;
}
const start = (t, tok, body) => api(t, 'POST', '/exports', { token: tok, body });
const controlRow = (id, cols) => sql(`SELECT ${cols} FROM genba_control.jobs WHERE id = '${id}'`).stdout;
const exportDir = (t) => path.join(env.GENBA_DIR, 'data', t, 'exports');
const runners = () => runnersOf(pidOf(env.GENBA_FCGI_PIDFILE));

test('setup: two tenants, two definitions, a user who may see one of them, reports', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  adminB = await adminToken(TB, ensureTenant(TB), PW);
  for (const [t, tok] of [[T, admin], [TB, adminB]]) {
    assert.equal((await api(t, 'PUT', '/settings', { token: tok, body: { 'devices.auto_approve': true } })).status, 200);
    for (const name of ['foremen', 'managers']) {
      const g = await api(t, 'POST', '/groups', { token: tok, body: { name } });
      assert.ok([201, 409].includes(g.status), g.text);
    }
  }
  defA = await upload(T, admin, daily);
  defB = await upload(T, admin, daily.replace(/<name>([^<]*)<\/name>/, '<name>$1 B</name>'));
  defBB = await upload(TB, adminB, daily);
  const g = await api(T, 'POST', '/groups', {
    token: admin, body: { name: 'lookers', permissions: ['reports.view', { name: 'def.view', scope: String(defA) }, { name: 'def.reports.view', scope: String(defA) }] },
  });
  assert.equal(g.status, 201, g.text);
  const g2 = await api(T, 'POST', '/groups', { token: admin, body: { name: 'others', permissions: ['reports.view'] } });
  assert.equal(g2.status, 201, g2.text);
  for (const [login, grp] of [['looker', g.json.id], ['other', g2.json.id]]) {
    const u = await api(T, 'POST', '/users', { token: admin, body: { login, name: login, password: UPW, groups: [grp] } });
    assert.equal(u.status, 201, u.text);
  }
  looker = await tokenFor(T, 'looker', UPW, { device: newDevice() });
  other = await tokenFor(T, 'other', UPW, { device: newDevice() });
  bulkReports(T, defA, 6, { prefix: 'A' });
  bulkReports(T, defB, 4, { prefix: 'B', from: 101 });
  bulkReports(TB, defBB, 3, { prefix: 'BB' });
});

test('a zip of PDFs: queued, worked by the runner, downloaded whole, sealed at rest, in the access log', async () => {
  const r = await start(T, admin, { format: 'pdf-zip', filter: {} });
  assert.equal(r.status, 202, r.text);
  assert.match(r.json.id, /^[0-9a-f-]{36}$/);
  assert.equal(r.json.status, 'queued');
  assert.equal(r.headers.location, `/${T}/api/v1/exports/${r.json.id}`);
  const j = await waitJob(T, admin, r.json.id);
  assert.equal(j.status, 'done', JSON.stringify(j));
  assert.equal(j.total, 10);
  assert.equal(j.done, 10);
  assert.equal(j.percent, 100);
  assert.equal(j.format, 'pdf-zip');
  assert.match(j.file_name, /^reports-\d{4}-\d{2}-\d{2}-pdf\.zip$/);
  const f = await exportFile(T, admin, r.json.id);
  assert.equal(f.status, 200);
  assert.equal(f.headers['content-type'], 'application/zip');
  assert.match(f.headers['content-disposition'], /attachment; filename="reports-.*-pdf\.zip"/);
  assert.equal(f.body.length, j.bytes);
  assert.equal(Number(f.headers['content-length']), j.bytes);
  const e = zipEntries(f.body);
  assert.equal(e.length, 10);
  for (const x of e) {
    assert.match(x.name, /^(A|B)-\d{8} (A|B) \d{7}\.pdf$/);
    assert.equal(Buffer.from(x.head, 'hex').toString('latin1').slice(0, 5), '%PDF-');
  }
  // at rest: one sealed file, renamed into place, no part file; the zip's bytes are not in it
  const files = readdirSync(exportDir(T)).filter((n) => n.startsWith(r.json.id));
  assert.deepEqual(files, [`${r.json.id}-1.job`]);
  const raw = readFileSync(path.join(exportDir(T), files[0]));
  assert.equal(raw.subarray(0, 16).toString(), 'GENBA-JOBFILE 1\n');
  assert.equal(raw.indexOf(f.body.subarray(0, 64)), -1);
  assert.equal(raw.indexOf(Buffer.from('%PDF-')), -1);
  // counted in the tenant's storage
  assert.equal(sql(`SELECT bytes FROM export_files WHERE job_id = '${r.json.id}'`, { database: tenantDb(T) }).stdout, String(raw.length));
  const log = sql(`SELECT action FROM access_log WHERE object_id = '${r.json.id}' ORDER BY id`, { database: tenantDb(T) }).stdout.split('\n');
  assert.deepEqual(log, ['export.start', 'export.download']);
  // the list
  const l = await api(T, 'GET', '/exports', { token: admin });
  assert.equal(l.status, 200);
  assert.ok(l.json.exports.some((x) => x.id === r.json.id && x.status === 'done'));
});

test('the walk gives only what the user may see: none of a definition without the view right', async () => {
  const r = await start(T, looker, { format: 'pdf-zip' });
  assert.equal(r.status, 202, r.text);
  const j = await waitJob(T, looker, r.json.id);
  assert.equal(j.status, 'done', JSON.stringify(j));
  assert.equal(j.total, 6);
  const e = zipEntries((await exportFile(T, looker, r.json.id)).body);
  assert.equal(e.length, 6);
  assert.ok(e.every((x) => x.name.startsWith('A-')), e.map((x) => x.name).join());
  // asking for B's reports by filter or by id: none
  const b = await start(T, looker, { format: 'pdf-zip', filter: { definition: defB } });
  assert.equal((await waitJob(T, looker, b.json.id)).total, 0);
  const ids = sql(`SELECT id FROM reports WHERE definition_id = ${defB}`, { database: tenantDb(T) }).stdout.split('\n');
  const c = await start(T, looker, { format: 'pdf-zip', ids });
  assert.equal(c.status, 202, c.text);
  const jc = await waitJob(T, looker, c.json.id);
  assert.equal(jc.total, 0);
  assert.equal(zipEntries((await exportFile(T, looker, c.json.id)).body).length, 0);
  // chosen rows: exactly those
  const two = sql(`SELECT id FROM reports WHERE definition_id = ${defA} ORDER BY number LIMIT 2`, { database: tenantDb(T) }).stdout.split('\n');
  const d = await start(T, admin, { format: 'pdf-zip', ids: two });
  const jd = await waitJob(T, admin, d.json.id);
  assert.equal(jd.total, 2);
  assert.equal(zipEntries((await exportFile(T, admin, d.json.id)).body).length, 2);
});

test('another tenant\'s and another user\'s exports are not found', async () => {
  const r = await start(T, admin, { format: 'pdf-zip', filter: { status: 'completed' } });
  const id = r.json.id;
  await waitJob(T, admin, id);
  for (const [t, tok] of [[TB, adminB], [T, other], [T, looker]]) {
    assertError(await api(t, 'GET', `/exports/${id}`, { token: tok }), 404, 'not_found');
    assertError(await api(t, 'GET', `/exports/${id}/file`, { token: tok }), 404, 'not_found');
    assertError(await api(t, 'DELETE', `/exports/${id}`, { token: tok }), 404, 'not_found');
    const l = await api(t, 'GET', '/exports', { token: tok });
    assert.ok(!l.json.exports.some((x) => x.id === id));
  }
  // the path names the tenant: B's admin asking under A's code is not A's user
  assert.equal((await api(T, 'GET', `/exports/${id}`, { token: adminB })).status, 401);
  assertError(await api(T, 'GET', '/exports/not-a-uuid', { token: admin }), 404, 'not_found');
  assertError(await api(T, 'GET', '/exports/00000000-0000-4000-8000-000000000000/file', { token: admin }), 404, 'not_found');
  assert.equal((await api(T, 'GET', `/exports/${id}`, { token: admin })).status, 200);
  assert.equal((await api(T, 'GET', '/exports')).status, 401);
});

test('bad input: 400 and 422 with the field of each problem', async () => {
  let r = await start(T, admin, { format: 'pdfx', encoding: 'latin1', filter: { colour: 'red' } });
  assertError(r, 422, 'validation_failed');
  assert.deepEqual(detailCodes(r).sort(), ['encoding:invalid_value', 'filter.colour:unknown_field', 'format:invalid_value']);
  r = await start(T, admin, { format: 'xlsx', encoding: 'shift_jis' });
  assert.deepEqual(detailCodes(r), ['encoding:csv_only']);
  r = await start(T, admin, { format: 'csv', filter: { status: 'lost', from: '2026-02-30', definition: 'x' } });
  assert.deepEqual(detailCodes(r).sort(), ['filter.definition:invalid_value', 'filter.from:invalid_date', 'filter.status:invalid_value']);
  r = await start(T, admin, { format: 'csv', ids: ['../../etc/passwd'] });
  assert.deepEqual(detailCodes(r), ['ids:invalid_value']);
  r = await start(T, admin, {});
  assert.deepEqual(detailCodes(r), ['format:required']);
  assertError(await start(T, admin, { format: 'csv', colour: 1 }), 400, 'unknown_field');
  r = await request('POST', `/${T}/api/v1/exports`, { headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: '{"format":' });
  assert.equal(r.status, 400);
  r = await request('POST', `/${T}/api/v1/exports`, { headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'text/plain' }, body: 'x' });
  assert.equal(r.status, 415);
  // nothing was queued by any of these
  assert.equal(sql(`SELECT COUNT(*) FROM genba_control.jobs j JOIN genba_control.tenants t ON t.id = j.tenant_id
                    WHERE t.code = '${T}' AND j.params LIKE '%pdfx%'`).stdout, '0');
  // the full export is an administrator's
  assertError(await api(T, 'POST', '/exports/full', { token: looker }), 403, 'forbidden');
});

test('cancel: a running export stops between reports, its file is never offered; cancelling a finished one removes it', async () => {
  bulkReports(T, defA, 300, { prefix: 'C', from: 1000 });
  const r = await start(T, admin, { format: 'pdf-zip', filter: { definition: defA } });
  await waitJob(T, admin, r.json.id, ['running'], { timeout: 60000, onPoll: (j) => assert.notEqual(j.status, 'done') });
  await waitFor('some progress', async () => (await api(T, 'GET', `/exports/${r.json.id}`, { token: admin })).json.done > 5);
  const c = await api(T, 'DELETE', `/exports/${r.json.id}`, { token: admin });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.status, 'cancelled');
  await sleep(3000);
  const j = (await api(T, 'GET', `/exports/${r.json.id}`, { token: admin })).json;
  assert.equal(j.status, 'cancelled');
  assert.ok(j.done < 306, `it went on to ${j.done}`);
  assertError(await api(T, 'GET', `/exports/${r.json.id}/file`, { token: admin }), 409, 'not_ready');
  await waitFor('the part file removed', () => !readdirSync(exportDir(T)).some((n) => n.startsWith(r.json.id)));
  const log = sql(`SELECT action FROM access_log WHERE object_id = '${r.json.id}' ORDER BY id`, { database: tenantDb(T) }).stdout;
  assert.equal(log, 'export.start\nexport.cancel');
  // a finished one: cancelled, no longer downloadable
  const d = await start(T, admin, { format: 'pdf-zip', ids: [sql(`SELECT id FROM reports LIMIT 1`, { database: tenantDb(T) }).stdout] });
  await waitJob(T, admin, d.json.id);
  assert.equal((await api(T, 'DELETE', `/exports/${d.json.id}`, { token: admin })).json.status, 'cancelled');
  assertError(await api(T, 'GET', `/exports/${d.json.id}/file`, { token: admin }), 409, 'not_ready');
});

test('genbactl job list and /metrics: a running job with its runner and progress, one queued behind it; bad arguments', async () => {
  // one runner on the test stack: a slow export holds it, the next one waits
  const slow = await start(T, admin, { format: 'xml-zip', filter: { definition: defA }, test_delay_ms: 1500 });
  assert.equal(slow.status, 202, slow.text);
  await waitJob(T, admin, slow.json.id, ['running'], { timeout: 60000 });
  const waiting = await start(T, admin, { format: 'csv', filter: { definition: defA } });
  assert.equal(waiting.status, 202, waiting.text);
  try {
    const line = (out, id) => out.split('\n').find((l) => l.startsWith(id)) || '';
    const all = ctl('job', 'list');
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout.split('\n')[0], /^ID\s+TENANT\s+KIND\s+STATUS\s+PROGRESS\s+AGE\s+RUNNER/);
    const run = line(all.stdout, slow.json.id);
    assert.match(run, new RegExp(`^${slow.json.id} +${T} +export +running +\\d+/(\\d+ \\d+%|\\?) +\\d+[smhd] +\\S+:\\d+:\\S+`), all.stdout);
    assert.match(line(all.stdout, waiting.json.id), new RegExp(`^${waiting.json.id} +${T} +export +queued +0/\\? +\\d+[smhd] +-$`), all.stdout);
    // filters: by status, by tenant
    const running = ctl('job', 'list', '--status', 'running');
    assert.equal(running.status, 0, running.stderr);
    assert.ok(line(running.stdout, slow.json.id) && !line(running.stdout, waiting.json.id), running.stdout);
    const other = ctl('job', 'list', '--tenant', TB, '--status', 'queued');
    assert.equal(other.status, 0, other.stderr);
    assert.ok(!other.stdout.includes(T + ' '), other.stdout);
    const js = ctl('job', 'list', '--tenant', T, '--status', 'queued', '--json');
    assert.equal(js.status, 0, js.stderr);
    const q = JSON.parse(js.stdout).find((j) => j.id === waiting.json.id);
    assert.equal(q.tenant, T);
    assert.equal(q.status, 'queued');
    assert.equal(q.total, null);
    assert.equal(q.runner, null);
    assert.ok(q.age_seconds >= 0);
    // the queue in /metrics: both counted, the oldest queued job's age
    const m = await get('/metrics');
    assert.equal(m.status, 200);
    const metric = (name) => Number((m.text.split('\n').find((l) => l.startsWith(name + ' ')) || '').split(' ')[1]);
    assert.ok(metric('genba_jobs{status="running"}') >= 1, m.text);
    assert.ok(metric('genba_jobs{status="queued"}') >= 1, m.text);
    assert.ok(metric('genba_jobs_oldest_queued_seconds') >= 0, m.text);
    assert.match(m.text, /# TYPE genba_jobs gauge/);
    // bad arguments: 2 with a message naming the problem; an unknown tenant: 1
    const bad = [
      [['job', 'list', '--status', 'stuck'], /unknown status 'stuck': one of queued, running, done, failed, cancelled/],
      [['job', 'list', '--limit', '0'], /--limit takes a number from 1 to 100000/],
      [['job', 'list', '--tenant'], /lacks its value/],
      [['job', 'list', '--bogus'], /unknown option '--bogus'/],
      [['job', 'show'], /usage: genbactl job list/],
    ];
    for (const [args, msg] of bad) {
      const r = ctl(...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, msg);
    }
    const none = ctl('job', 'list', '--tenant', 'no-such-tenant');
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no tenant 'no-such-tenant'/);
  } finally {
    for (const id of [waiting.json.id, slow.json.id]) await api(T, 'DELETE', `/exports/${id}`, { token: admin });
  }
  // nothing left queued or running for this tenant
  await waitFor('the runner free', () => JSON.parse(ctl('job', 'list', '--tenant', T, '--status', 'running', '--json').stdout).length === 0);
});

test('the full export: a tenant administrator\'s background job, one zip holding what genbactl tenant export writes', async (t) => {
  // a live report, and one deleted for this test (undeleted after it: the tests below count the reports)
  const [live, gone] = sql(`SELECT id FROM reports WHERE deleted_at IS NULL ORDER BY created_at, id LIMIT 2`, { database: tenantDb(T) }).stdout.split('\n');
  assert.equal(sql(`UPDATE reports SET deleted_at = NOW(6) WHERE id = '${gone}'`, { database: tenantDb(T) }).status, 0);
  t.after(() => sql(`UPDATE reports SET deleted_at = NULL WHERE id = '${gone}'`, { database: tenantDb(T) }));
  const r = await api(T, 'POST', '/exports/full', { token: admin });
  assert.equal(r.status, 202, r.text);
  const j = await waitJob(T, admin, r.json.id);
  assert.equal(j.status, 'done', JSON.stringify(j));
  assert.equal(j.kind, 'tenant-export');
  assert.match(j.file_name, new RegExp(`^${T}-export-\\d{4}-\\d{2}-\\d{2}\\.zip$`));
  const f = await exportFile(T, admin, r.json.id);
  assert.equal(f.status, 200);
  assert.equal(f.body.length, j.bytes);
  // every file's SHA-256 as SHA256SUMS says, checked by python3 itself
  const check = spawnSync('/usr/bin/python3', ['-c', `
import sys, zipfile, io, hashlib, json
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
names = z.namelist()
root = names[0].split('/')[0]
sums = dict(reversed(l.split('  ', 1)) for l in z.read(root + '/SHA256SUMS').decode().splitlines())
bad = [n for n, h in sums.items() if hashlib.sha256(z.read(root + '/' + n)).hexdigest() != h]
rows = z.read(root + '/reports/reports.csv').decode('utf-8-sig').count('\\r\\n') - 1
xml = {i: z.read(root + '/reports/' + i + '.xml').decode() for i in sys.argv[1:]}
print(json.dumps({"root": root, "files": sorted(n[len(root) + 1:] for n in names), "sums": len(sums), "bad": bad, "rows": rows, "xml": xml}))
`, live, gone], { input: f.body, maxBuffer: 1 << 28 });
  assert.equal(check.status, 0, String(check.stderr));
  const o = JSON.parse(check.stdout);
  assert.deepEqual(o.bad, []);
  assert.equal(o.sums, o.files.length - 1);   // every file but SHA256SUMS itself
  const total = Number(sql('SELECT COUNT(*) FROM reports', { database: tenantDb(T) }).stdout);
  assert.equal(o.rows, total);   // deleted reports too
  // a live report's XML is the API's report XML; the deleted one is there, marked
  const x = await api(T, 'GET', `/reports/${live}/xml`, { token: admin });
  assert.equal(x.status, 200, x.text);
  assert.equal(o.xml[live], x.text);
  assert.equal((await api(T, 'GET', `/reports/${gone}/xml`, { token: admin })).status, 404);
  assert.match(o.xml[gone], new RegExp(`<reportId>${gone}</reportId>`));
  assert.match(o.xml[gone], /<deleteTime>\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}<\/deleteTime>/);
  assert.doesNotMatch(o.xml[live], /<deleteTime>/);
  // the same files as the operator's export of the same tenant
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ex-full-'));
  const c = ctl('tenant', 'export', T, path.join(dir, 'out'));
  assert.equal(c.status, 0, c.stderr);
  const walk = (d, pre = '') => readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name), `${pre}${e.name}/`) : [`${pre}${e.name}`]));
  assert.deepEqual(o.files, walk(path.join(dir, 'out')).sort());
  rmSync(dir, { recursive: true, force: true });
  // no working folder left behind
  assert.deepEqual(readdirSync(exportDir(T)).filter((n) => n.startsWith(r.json.id)), [`${r.json.id}-1.job`]);
});

test('a runner killed halfway: the job is taken over and completes; no partial file is ever offered', async () => {
  const before = runners();
  assert.equal(before.length, 1, 'one runner');
  const r = await start(T, admin, { format: 'pdf-zip', filter: { definition: defA } });
  const id = r.json.id;
  let total = 0;
  await waitFor('progress', async () => {
    const j = (await api(T, 'GET', `/exports/${id}`, { token: admin })).json;
    total = j.total;
    return j.status === 'running' && j.done > 40;
  }, { timeout: 60000 });
  process.kill(before[0], 'SIGKILL');
  await waitFor('the runner gone', () => !alive(before[0]));
  // until it is done, the file is refused, whatever lies in the folder
  // (a job seen running may finish before the file is asked for: a file
  // given then must be the whole one, and the job done by then)
  const early = [];
  const j = await waitJob(T, admin, id, ['done', 'failed', 'cancelled'], {
    timeout: 120000,
    onPoll: async (x) => {
      if (x.status === 'done') return;
      const f = await api(T, 'GET', `/exports/${id}/file`, { token: admin });
      if (f.status === 200) {
        assert.equal((await api(T, 'GET', `/exports/${id}`, { token: admin })).json.status, 'done', 'a file given while the job runs');
        early.push(f.bytes.length);
      } else {
        assertError(f, 409, 'not_ready');
      }
    },
  });
  assert.equal(j.status, 'done', JSON.stringify(j));
  for (const n of early) assert.equal(n, j.bytes, 'a file given at the end is the whole file');
  assert.equal(j.done, total);
  assert.equal(controlRow(id, 'attempts'), '2');
  const after = runners();
  assert.equal(after.length, 1);
  assert.notEqual(after[0], before[0]);
  const f = await exportFile(T, admin, id);
  assert.equal(f.body.length, j.bytes);
  assert.equal(zipEntries(f.body).length, total);
  assert.deepEqual(readdirSync(exportDir(T)).filter((n) => n.startsWith(id)), [`${id}-2.job`]);
});

test('the console (English): start from the list\'s form with its token, ticked rows; the page, its status JSON; refusals', async () => {
  const cookie = await consoleCookie(T, 'looker', UPW);
  const en = { 'Accept-Language': 'en' };
  const list = await consoleGet(T, '/reports', cookie, { headers: en });
  assert.equal(list.status, 200);
  assert.match(list.text, /id="export-form"/);
  const csrf = csrfOf(list.text);
  const ids = [...list.text.matchAll(/name="ids" value="([0-9a-f-]{36})"/g)].map((m) => m[1]);
  assert.ok(ids.length >= 2);
  const bIds = sql(`SELECT id FROM reports WHERE definition_id = ${defB}`, { database: tenantDb(T) }).stdout.split('\n');
  assert.ok(!ids.some((x) => bIds.includes(x)), 'none of definition B for the looker');
  // without the form's token: refused, nothing queued
  const before = sql(`SELECT COUNT(*) FROM genba_control.jobs`).stdout;
  let r = await request('POST', `/${T}/manager/exports`, {
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...en },
    body: new URLSearchParams([['format', 'pdf_zip'], ['scope', 'selected'], ['ids', ids[0]]]).toString(),
  });
  assert.equal(r.status, 403);
  assert.equal(sql(`SELECT COUNT(*) FROM genba_control.jobs`).stdout, before);
  r = await request('POST', `/${T}/manager/exports`, {
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...en },
    body: new URLSearchParams([['_csrf', csrf], ['format', 'pdf_zip'], ['scope', 'selected'], ['ids', ids[0]], ['ids', ids[1]]]).toString(),
  });
  assert.equal(r.status, 303, r.text);
  assert.match(r.headers.location, /\/manager\/exports\?done=export_started$/);
  const mine = (await api(T, 'GET', '/exports', { token: looker })).json.exports[0];
  assert.equal(mine.ids, 2);
  const j = await waitJob(T, looker, mine.id);
  assert.equal(j.total, 2);
  const page = await consoleGet(T, '/exports', cookie, { headers: en });
  assert.equal(page.status, 200);
  assert.match(page.text, /<h1>Exports<\/h1>/);
  assert.match(page.text, new RegExp(`id="export-${mine.id}"[^>]*data-status="done"`));
  assert.match(page.text, /PDFs \(zip\) · 2 chosen reports/);
  assert.match(page.text, /<script src="\/static\/js\/exports.js" defer><\/script>/);
  assert.doesNotMatch(page.text, /<script>(?!<\/script>)/, 'no inline script');
  assert.match(page.headers['content-security-policy'], /script-src 'self'/);
  const st = await consoleGet(T, '/exports/status', cookie, { headers: en });
  assert.equal(st.status, 200);
  assert.ok(st.json.exports.some((x) => x.id === mine.id && x.status === 'done'));
  const f = await consoleGet(T, `/exports/${mine.id}/file`, cookie);
  assert.equal(f.status, 200);
  assert.equal(f.bytes.length, j.bytes);
  // bad input: the page again with the field's error, 422
  r = await request('POST', `/${T}/manager/exports`, {
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...en },
    body: new URLSearchParams([['_csrf', csrf], ['format', 'doc'], ['scope', 'filter']]).toString(),
  });
  assert.equal(r.status, 422);
  assert.match(r.text, /This value is not valid/);
  // another user's export: not found; the full export is not the looker's
  const adminJob = (await api(T, 'GET', '/exports', { token: admin })).json.exports[0].id;
  assert.equal((await consoleGet(T, `/exports/${adminJob}/file`, cookie)).status, 404);
  r = await request('POST', `/${T}/manager/exports/${adminJob}/cancel`, {
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf }).toString(),
  });
  assert.equal(r.status, 404);
  r = await request('POST', `/${T}/manager/exports/full`, {
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf }).toString(),
  });
  assert.equal(r.status, 403);
  assert.doesNotMatch(page.text, /id="full-export"/, 'no full export button for a non-administrator');
});

test('erasing a tenant deletes its exports and its jobs', async () => {
  const r = await start(TB, adminB, { format: 'pdf-zip' });
  await waitJob(TB, adminB, r.json.id);
  assert.equal(sql(`SELECT COUNT(*) FROM genba_control.jobs j JOIN genba_control.tenants t ON t.id = j.tenant_id WHERE t.code = '${TB}'`).stdout, '1');
  const e = ctl('tenant', 'erase', TB, '--confirm', TB);
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout + e.stderr, /background jobs \(1\) deleted/);
  assert.equal(sql(`SELECT COUNT(*) FROM genba_control.jobs j JOIN genba_control.tenants t ON t.id = j.tenant_id WHERE t.code = '${TB}'`).stdout, '0');
  assert.equal(existsSync(path.join(env.GENBA_DIR, 'data', TB)), false);
});
