// Helpers of the export tests (40-exports, the browser test, test/bench/export):
// a tenant filled with daily-inspection reports through the bulk path of
// test/bench/scale (INSERT ... SELECT from MariaDB's sequence engine, the
// rows exactly as the service stores them), a tenant with the
// daily-inspection sample published, an export caught halfway, and waiting
// for a job.
import assert from 'node:assert/strict';
import https from 'node:https';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repo, api, base, ca, sql, tenantDb, sleep, waitFor, ensureTenant, adminToken } from './lib.mjs';

export const daily = readFileSync(path.resolve(repo, '../shared/samples/daily-inspection.xml'), 'utf8');

// Tenant t with its administrator's password set to pw and the
// daily-inspection sample published (after the groups its approval stages
// name): [the administrator's token, the definition's id].
export async function dailyTenant(t, pw) {
  const token = await adminToken(t, ensureTenant(t), pw);
  for (const name of ['foremen', 'managers'])
    assert.ok([201, 409].includes((await api(t, 'POST', '/groups', { token, body: { name } })).status));
  const r = await api(t, 'POST', '/definitions', { token, body: daily, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await api(t, 'POST', `/definitions/${r.json.id}/status`, { token, body: { status: 'published' } })).status, 200);
  return [token, r.json.id];
}

// Start an export of body, slowed by the runner (test stacks only:
// test_delay_ms pauses it at each progress step), and wait until it is
// running with at least `done` reports written: its id.
export async function exportHalfway(t, tok, body, done) {
  const r = await api(t, 'POST', '/exports', { token: tok, body: { ...body, test_delay_ms: 150 } });
  assert.equal(r.status, 202, r.text);
  await waitFor('halfway', async () => {
    const j = (await api(t, 'GET', `/exports/${r.json.id}`, { token: tok })).json;
    assert.notEqual(j.status, 'done', 'finished before it could be caught halfway');
    return j.status === 'running' && j.done >= done ? j : null;
  }, { timeout: 120000, every: 50 });
  return r.json.id;
}

// n reports of definition def (revision 1) in tenant t, created by user 1,
// numbered from `from`; remarks (1/14) of every 7th start with "=".
export function bulkReports(t, def, n, { from = 1, prefix = 'EXP', chunk = 50000 } = {}) {
  for (let a = from; a < from + n; a += chunk) {
    const b = Math.min(a + chunk - 1, from + n - 1);
    const r = sql(`
      INSERT INTO reports (id, definition_id, definition_revision, name, number, status, stage, applicant_id, rev,
                           created_by, created_at, updated_by, updated_at, vals)
      SELECT UUID(), ${def}, 1, CONCAT('${prefix} ', LPAD(seq, 7, '0')), CONCAT('${prefix}-', LPAD(seq, 8, '0')),
             ELT(1 + seq % 2, 'editing', 'completed'), NULL, NULL, 1, 1, t, 1, t, CONCAT(
        '{"1/1":{"v":"', DATE(t), '","at":"', iso, '","by":"admin"},',
        '"1/4":{"v":"M-', LPAD(seq % 5000, 4, '0'), '","at":"', iso, '","by":"admin"},',
        '"1/6":{"v":"', FORMAT(2 + (seq % 50) / 10, 1, 'en_US'), '","at":"', iso, '","by":"admin"},',
        '"1/7":{"v":"', 20 + seq % 60, '","at":"', iso, '","by":"admin"},',
        '"1/8":{"v":"1","at":"', iso, '","by":"admin"},',
        '"1/14":{"v":"', IF(seq % 7 = 0, '=1+2 式', ELT(1 + seq % 3, '異常なし', 'ベルト交換予定', 'oil topped up')), '","at":"', iso, '","by":"admin"}}')
      FROM (SELECT seq, TIMESTAMP'2026-01-01 00:00:00' + INTERVAL seq SECOND AS t,
                   DATE_FORMAT(TIMESTAMP'2026-01-01 00:00:00' + INTERVAL seq SECOND, '%Y-%m-%dT%H:%i:%sZ') AS iso
            FROM seq_${a}_to_${b}) x`, { database: tenantDb(t) });
    assert.equal(r.status, 0, r.stderr);
  }
}

// Wait until job id is in one of the states; returns its last JSON.
export async function waitJob(t, tok, id, states = ['done', 'failed', 'cancelled'], { timeout = 120000, onPoll } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const r = await api(t, 'GET', `/exports/${id}`, { token: tok });
    assert.equal(r.status, 200, r.text);
    if (onPoll) await onPoll(r.json);
    if (states.includes(r.json.status)) return r.json;
    if (Date.now() > end) throw new Error(`export ${id} still ${r.json.status} (${r.json.done}/${r.json.total})`);
    await sleep(200);
  }
}

// GET with the body as bytes.
export function getBytes(p, headers) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    https.get({ host: url.hostname, port: url.port, path: p, ca, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}
export const exportFile = (t, tok, id) => getBytes(`/${t}/api/v1/exports/${id}/file`, { Authorization: `Bearer ${tok}` });

// The entries of a zip (python3's zipfile, an independent reader): [{name, size, head}] (head: first bytes, hex).
export function zipEntries(buf) {
  const r = spawnSync('/usr/bin/python3', ['-c', `
import sys, zipfile, io, json
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
bad = z.testzip()
print(json.dumps({"bad": bad, "entries": [{"name": i.filename, "size": i.file_size, "head": z.read(i.filename)[:8].hex()} for i in z.infolist()]}))
`], { input: buf, maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, String(r.stderr));
  const o = JSON.parse(r.stdout);
  assert.equal(o.bad, null, `zip entry ${o.bad} is damaged`);
  return o.entries;
}
