// Faults under write load: a client saves 1,000 reports (POST, then a PUT
// that completes every third one) with 8 requests at a time, retrying each
// request with its own Idempotency-Key on any failure (network error, 5xx,
// 409 idempotency_in_flight) until it gets a final answer, while workers are
// killed with SIGKILL several times and MariaDB is killed with SIGKILL and
// started again once.  Afterwards, in the tenant database: every
// acknowledged report is there once with the acknowledged revision, status
// and values; no report is half-written; no idempotency key is left in
// flight; auto-numbers are distinct and gap-free.  Restarts services: keep
// it after the tests that need a quiet stack.
//
// GENBA_FAULT_REPORTS (default 1000) and GENBA_FAULT_CONCURRENCY (default 8)
// scale it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import https from 'node:https';
import {
  repo, env, base, ca, ensureTenant, adminToken, api, sql, tenantDb, tokenFor, newDevice, get, pidOf, workersOf, alive, sleep, waitFor,
} from './lib.mjs';

const T = 'flt-a';
const PW = 'Fault-admin-2026';
const N = Number(process.env.GENBA_FAULT_REPORTS || 1000);
const CONC = Number(process.env.GENBA_FAULT_CONCURRENCY || 8);
const CLIENT_BUDGET_MS = 5 * 60e3;    // the whole client run
const PACE_MS = 80;                   // at least this long from one save of a client to its next
const uuid = () => crypto.randomUUID();

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<conmas><top><defTopName>Fault drill</defTopName>
<settings><autoNumber prefix="F-" date="yyyyMMdd" digits="5" start="1" step="1"/></settings>
<sheets><sheet><sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height><clusters>
${[
    [1, 'Numeric', '<decimalPlaces>1</decimalPlaces><minimum>0</minimum><maximum>1000</maximum>'],
    [2, 'KeyboardText', '<maxLength>50</maxLength>'],
    [3, 'Date', ''],
    [4, 'Select', '<items><item value="ok">OK</item><item value="ng">NG</item></items>'],
    [5, 'KeyboardText', '<required>true</required>'],
    [6, 'Calculate', '<formula>C(1,1)*2</formula>'],
    [7, 'Registrant', ''],
  ].map(([id, type, p]) => `<cluster><sheetNo>1</sheetNo><clusterId>${id}</clusterId><clusterName>c${id}</clusterName><type>${type}</type>` +
    `<top>${(id * 0.1).toFixed(2)}</top><bottom>${(id * 0.1 + 0.05).toFixed(2)}</bottom><left>0.1</left><right>0.9</right>${p}</cluster>`).join('\n')}
</clusters></sheet></sheets></top></conmas>
`;

const db = tenantDb(T);
const q = (query) => {
  const r = sql(query, { database: db });
  if (r.status !== 0) throw new Error(`SQL failed: ${r.stderr}`);
  return r.stdout;
};
const rows = (query) => (q(query) ? q(query).split('\n').map((l) => l.split('\t')) : []);

// test/stack DIR commands without blocking the event loop (the client keeps
// retrying meanwhile)
function stackAsync(cmd) {
  return new Promise((resolve, reject) => {
    const p = spawn(path.join(repo, 'test/stack'), [cmd, env.GENBA_DIR], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GENBA_BUILD: process.env.GENBA_BUILD || path.join(repo, 'build') },
    });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`test/stack ${cmd}: ${code} ${err}`))));
  });
}
const dbPid = () => { try { return pidOf(env.GENBA_DB_PIDFILE); } catch { return 0; } };

// whatever happens, leave the stack serving for the tests after this one
after(async () => {
  const p = dbPid();
  if (!p || !alive(p)) await stackAsync('db-start').catch(() => {});
  await waitFor('readyz', async () => (await get('/readyz')).status === 200, { timeout: 60000 }).catch(() => {});
});

let token, defId;
test('setup: tenant, tablet user, the drill definition', async () => {
  const admin = await adminToken(T, ensureTenant(T), PW);
  assert.equal((await api(T, 'PUT', '/settings', { token: admin, body: { 'devices.auto_approve': true } })).status, 200);
  const g = await api(T, 'POST', '/groups', { token: admin, body: { name: 'field', permissions: ['def.view', 'def.reports.view', 'def.reports.create', 'def.reports.edit'] } });
  assert.equal(g.status, 201, g.text);
  const u = await api(T, 'POST', '/users', { token: admin, body: { login: 'field1', name: 'Field One', password: 'Field-one-2026', groups: [g.json.id] } });
  assert.equal(u.status, 201, u.text);
  token = await tokenFor(T, 'field1', 'Field-one-2026', { device: newDevice() });
  const d = await api(T, 'POST', '/definitions', { token: admin, body: XML, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(d.status, 201, d.text);
  defId = d.json.id;
  assert.equal((await api(T, 'POST', `/definitions/${defId}/status`, { token: admin, body: { status: 'published' } })).status, 200);
  assert.equal(q('SELECT COUNT(*) FROM reports'), '0', 'a fresh tenant');
});

// ---- the client ---------------------------------------------------------------
const stats = { requests: 0, retries: 0, network: 0, byStatus: {} };
const sent = new Map();      // id -> {create: body, update: body|null}
const acked = new Map();     // id -> the last acknowledged answer (JSON)
const unexpected = [];       // final answers other than 200/201
const unfinished = [];       // requests that ran out of retries
let done = 0;

// The client keeps its connections to nginx open (as a tablet's HTTP stack
// does), so that the server, not TLS handshakes in this process, is busy.
const agent = new https.Agent({ keepAlive: true, maxSockets: CONC, ca });
const url = new URL(base);
function call(method, p, text, headers) {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: url.hostname, port: url.port, method, path: `/${T}/api/v1${p}`, agent, timeout: 15000,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const t = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(t); } catch { /* nginx's own pages */ }
        resolve({ status: res.statusCode, headers: res.headers, text: t, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(text);
  });
}

// Send until a final answer: retry with the same key on a network error, any
// 5xx (nginx's 502 when a worker dies, genba's 503 while MariaDB is away or
// busy) and 409 idempotency_in_flight.
async function until(method, p, body, headers, deadline) {
  const text = JSON.stringify(body);
  for (let attempt = 0; ; attempt++) {
    if (Date.now() > deadline) return null;
    stats.requests++;
    let r;
    try {
      r = await call(method, p, text, headers);
    } catch {
      stats.network++;
      r = null;
    }
    if (r) {
      const k = r.json?.error?.code ? `${r.status} ${r.json.error.code}` : String(r.status);
      stats.byStatus[k] = (stats.byStatus[k] || 0) + 1;
    }
    const retry = !r || r.status >= 500 || (r.status === 409 && r.json?.error?.code === 'idempotency_in_flight');
    if (!retry) return r;
    stats.retries++;
    await sleep(Math.min(1000, 30 * 1.5 ** Math.min(attempt, 12)) * (0.5 + Math.random()));
  }
}

const valuesFor = (i) => [
  { sheet: 1, cluster: 1, value: `${i % 1000}.${i % 10}` },
  { sheet: 1, cluster: 2, value: `report ${i} 点検` },
  { sheet: 1, cluster: 3, value: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}` },
  { sheet: 1, cluster: 4, value: i % 2 ? 'ok' : 'ng' },
];

async function saveOne(i, deadline) {
  const id = uuid();
  const create = { id, definition_id: defId, definition_revision: 1, values: valuesFor(i), action: 'save' };
  const update = i % 3 === 0
    ? { values: [{ sheet: 1, cluster: 5, value: `done ${i}` }, { sheet: 1, cluster: 1, value: `${i % 1000}.5` }], action: 'complete' }
    : null;
  sent.set(id, { create, update });
  const c = await until('POST', '/reports', create, { 'Idempotency-Key': uuid() }, deadline);
  if (!c) { unfinished.push(`POST ${id}`); return; }
  if (c.status !== 201) { unexpected.push(`POST ${id}: ${c.status} ${c.text.slice(0, 200)}`); return; }
  acked.set(id, c.json);
  if (!update) return;
  const u = await until('PUT', `/reports/${id}`, update, { 'Idempotency-Key': uuid(), 'If-Match': '"1"' }, deadline);
  if (!u) { unfinished.push(`PUT ${id}`); return; }
  if (u.status !== 200) { unexpected.push(`PUT ${id}: ${u.status} ${u.text.slice(0, 200)}`); return; }
  acked.set(id, u.json);
}

// ---- the faults -------------------------------------------------------------
// at a share of the reports done: kill a worker at a random moment; kill a
// worker while its threads are inside write transactions (another session
// holds the auto-number counter's table, so creations wait there with their
// idempotency key claimed); or kill MariaDB and start it
const PLAN = [[0.06, 'worker'], [0.16, 'worker-mid-write'], [0.28, 'worker'], [0.42, 'mariadb'], [0.6, 'worker-mid-write'], [0.75, 'worker'], [0.88, 'worker']];
const faults = [];
const midWrite = [];   // at each mid-write kill: write transactions found waiting on the counter

async function killWorker() {
  const master = pidOf(env.GENBA_FCGI_PIDFILE);
  const kids = workersOf(master);
  assert.ok(kids.length > 0, 'genba-fcgi has workers');
  const victim = kids[Math.floor(Math.random() * kids.length)];
  process.kill(victim, 'SIGKILL');
  faults.push(`worker ${victim} killed at ${done}`);
}
async function killWorkerMidWrite() {
  const hold = spawn('mariadb', ['--no-defaults', '-S', env.GENBA_DB_SOCKET, '-u', 'root', db, '-e',
    'LOCK TABLES report_counters WRITE; DO SLEEP(2.5); UNLOCK TABLES;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  hold.stderr.on('data', (x) => { err += x; });
  const closed = new Promise((resolve) => hold.on('close', resolve));
  const at = done, t0 = Date.now();
  await sleep(1200);
  faults.push(`(hold from ${at}, ${Date.now() - t0} ms)`);
  const waiting = Number(q(`SELECT COUNT(*) FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.db = '${db}' AND p.state LIKE '%metadata lock%'`));
  midWrite.push(waiting);
  await killWorker();
  faults[faults.length - 1] += ` (${waiting} write transactions waiting on the counter)`;
  const rc = await closed;
  if (rc !== 0) faults.push(`(hold failed: ${rc} ${err.trim()})`);
}
async function crashMariadb() {
  const p = dbPid();
  assert.ok(p && alive(p), 'mariadbd runs');
  process.kill(p, 'SIGKILL');
  await waitFor('mariadbd gone', () => !alive(p), { timeout: 20000 });
  faults.push(`mariadbd ${p} killed at ${done}`);
  await sleep(1500);                 // the client meets a database that is away
  await stackAsync('db-start');      // crash recovery, then the server accepts again
  faults.push(`mariadbd started at ${done}`);
}

async function faultDriver(finished) {
  for (const [share, kind] of PLAN) {
    while (!finished.value && done < share * N) await sleep(20);
    if (finished.value) break;
    if (kind === 'worker') await killWorker();
    else if (kind === 'worker-mid-write') await killWorkerMidWrite();
    else await crashMariadb();
    await sleep(300);
  }
}

test(`${N} reports saved by ${CONC} clients while workers and MariaDB are killed: every acknowledged write is there, nothing half-written`, { timeout: CLIENT_BUDGET_MS + 120e3 }, async () => {
  assert.ok(token && defId, 'the setup test passed');
  const started = Date.now();
  const deadline = started + CLIENT_BUDGET_MS;
  let next = 0;
  const finished = { value: false };
  const driver = faultDriver(finished);
  // the clients keep a steady pace (about PACE_MS between saves each), so
  // every planned fault finds saves in flight however fast the server is
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (next < N) {
      const i = next++;
      const t0 = Date.now();
      await saveOne(i, deadline);
      done++;
      const rest = PACE_MS - (Date.now() - t0);
      if (rest > 0) await sleep(rest);
    }
  }));
  finished.value = true;
  await driver;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`# fault drill: ${N} reports in ${seconds}s; ${stats.requests} requests, ${stats.retries} retries, ${stats.network} network errors; answers ${JSON.stringify(stats.byStatus)}`);
  console.log(`# faults: ${faults.join('; ')}`);

  // every planned fault happened, and the client felt them
  assert.equal(faults.filter((f) => f.includes('killed')).length, PLAN.length, faults.join('; '));
  agent.destroy();
  assert.ok(faults.some((f) => f.includes('mariadbd started')), 'MariaDB was started again');
  // each "mid-write" kill happened while write transactions were open and
  // blocked inside the database (else it was only another random kill)
  assert.equal(midWrite.length, PLAN.filter(([, kind]) => kind === 'worker-mid-write').length, faults.join('; '));
  assert.ok(!faults.some((f) => f.startsWith('(hold failed')), faults.join('; '));
  assert.ok(midWrite.every((n) => n > 0), `write transactions waiting at each mid-write kill: ${midWrite.join(', ')}; ${faults.join('; ')}`);
  assert.ok(stats.retries > 0, 'the faults made requests fail and be retried');
  // nginx answers 503 "unavailable" for the requests a dying worker had (its 502)
  assert.ok(stats.network + (stats.byStatus['502'] || 0) + (stats.byStatus['503 unavailable'] || 0) > 0, 'some requests were cut by a killed worker');
  assert.ok(Object.keys(stats.byStatus).some((k) => k.startsWith('503 database')), 'some requests met the database away');
  // the client got a final answer for every request, and only successes
  assert.deepEqual(unfinished, [], 'requests without a final answer within the budget');
  assert.deepEqual(unexpected, [], 'final answers other than 201/200');
  assert.equal(acked.size, N);

  // the service is back
  await waitFor('readyz', async () => (await get('/readyz')).status === 200, { timeout: 60000 });

  // ---- the tenant database -------------------------------------------------
  const reps = new Map(rows('SELECT id, rev, status, number FROM reports').map(([id, rev, status, number]) => [id, { rev: Number(rev), status, number }]));
  // the stored values (reports.vals, JSON; the client's batch output escapes \\, \n and \t)
  const unbatch = (t) => t.replace(/\\(.)/g, (m, ch) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch === '0' ? '\0' : ch));
  const values = new Map();
  for (const [id, text] of rows('SELECT id, vals FROM reports')) {
    const stored = JSON.parse(unbatch(text));
    values.set(id, Object.fromEntries(Object.entries(stored).map(([k, x]) => [k, x.v])));
  }
  const histMax = new Map(rows('SELECT report_id, MAX(rev) FROM report_events GROUP BY report_id').map(([id, m]) => [id, Number(m)]));
  assert.equal(q('SELECT COUNT(*) FROM (SELECT id FROM reports GROUP BY id HAVING COUNT(*) > 1) x'), '0');

  const problems = [];
  const asMap = (vals) => Object.fromEntries(vals.map((x) => [`${x.sheet}/${x.cluster}`, x.value]));
  for (const [id, ans] of acked) {
    const row = reps.get(id);
    if (!row) { problems.push(`${id}: acknowledged (rev ${ans.rev}) but missing`); continue; }
    if (row.rev !== ans.rev) problems.push(`${id}: rev ${row.rev}, acknowledged ${ans.rev}`);
    if (row.status !== ans.status) problems.push(`${id}: status ${row.status}, acknowledged ${ans.status}`);
    if (row.number !== ans.number) problems.push(`${id}: number ${row.number}, acknowledged ${ans.number}`);
    const dbv = values.get(id) || {}, av = asMap(ans.values);
    if (JSON.stringify(Object.entries(dbv).sort()) !== JSON.stringify(Object.entries(av).sort()))
      problems.push(`${id}: values ${JSON.stringify(dbv)}, acknowledged ${JSON.stringify(av)}`);
    // the answer holds what was sent
    const { create, update } = sent.get(id);
    const want = asMap(create.values);
    if (ans.rev === 2) Object.assign(want, asMap(update.values));
    for (const [k, val] of Object.entries(want)) if (av[k] !== val) problems.push(`${id}: ${k} acknowledged ${av[k]}, sent ${val}`);
    if (Number(av['1/6']).toFixed(1) !== (Number(want['1/1']) * 2).toFixed(1)) problems.push(`${id}: calculated ${av['1/6']} for ${want['1/1']}`);
    // history rows up to the report's revision (a create is the row itself: none at rev 1)
    if ((histMax.get(id) ?? 1) !== row.rev) problems.push(`${id}: history up to rev ${histMax.get(id)}, report at rev ${row.rev}`);
  }
  // rows nobody acknowledged: none expected, and none may be half-written
  for (const [id, row] of reps) {
    if (acked.has(id)) continue;
    const s = sent.get(id);
    if (!s) { problems.push(`${id}: a report the client never sent`); continue; }
    const want = asMap(s.create.values);
    if (row.rev === 2) Object.assign(want, asMap(s.update.values));
    const dbv = values.get(id) || {};
    for (const [k, val] of Object.entries(want)) if (dbv[k] !== val) problems.push(`${id}: unacknowledged rev ${row.rev} with ${k} = ${dbv[k]}, sent ${val}`);
  }
  // history or search entries of reports that do not exist
  assert.equal(q('SELECT COUNT(*) FROM report_events h LEFT JOIN reports r ON r.id = h.report_id WHERE r.id IS NULL'), '0');
  assert.equal(q('SELECT COUNT(*) FROM report_search s LEFT JOIN reports r ON r.seq = s.seq WHERE r.seq IS NULL'), '0');
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  assert.equal(reps.size, acked.size, 'every row was acknowledged');

  // no key left in flight; one finished key per acknowledged write
  assert.equal(q("SELECT COUNT(*) FROM idempotency_keys WHERE state <> 'done'"), '0');
  const writes = [...acked.values()].reduce((n, a) => n + a.rev, 0);
  assert.equal(Number(q("SELECT COUNT(*) FROM idempotency_keys WHERE state = 'done'")), writes);

  // auto-numbers: distinct and gap-free per day, from 1
  const byDay = {};
  for (const { number } of reps.values()) (byDay[number.slice(2, 10)] ||= []).push(Number(number.slice(10)));
  for (const [day, list] of Object.entries(byDay)) {
    list.sort((a, b) => a - b);
    assert.deepEqual(list, list.map((_, k) => k + 1), `numbers of ${day} run 1..${list.length} without gaps or repeats`);
  }

  // the API agrees with the database (a sample)
  const sample = [...acked.keys()].sort(() => Math.random() - 0.5).slice(0, 50);
  for (const id of sample) {
    const g = await api(T, 'GET', `/reports/${id}`, { token });
    assert.equal(g.status, 200);
    assert.equal(g.headers.etag, `"${acked.get(id).rev}"`);
    assert.deepEqual(g.json.values.map((x) => [x.cluster, x.value]), acked.get(id).values.map((x) => [x.cluster, x.value]));
  }
});

test('after the drill: every worker is back and MariaDB runs with innodb_flush_log_at_trx_commit = 1', async () => {
  const workers = Number((/^workers\s*=\s*(\d+)/m.exec(readFileSync(env.GENBA_CONF, 'utf8')) || [])[1]);
  assert.ok(workers > 0);
  const master = pidOf(env.GENBA_FCGI_PIDFILE);
  await waitFor('all workers', () => workersOf(master).length === workers, { timeout: 30000 });
  assert.equal(sql('SELECT @@innodb_flush_log_at_trx_commit').stdout, '1', 'committed writes survive a crash of mariadbd');
  assert.equal((await api(T, 'GET', '/reports?limit=1', { token })).status, 200);
});
