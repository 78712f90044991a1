// Backups: a consistent round trip while a client writes, restore of one
// tenant (as a new code, then in place) leaving the others alone, sealed
// values re-encrypted for the new code, corruption and truncation found by
// verify, retention over 70 days with the test clock, and failed or killed
// runs that prune nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { api, sql, tenantDb, tokenFor, consoleCookie, request, waitFor, openSealed } from './lib.mjs';
import { get } from './lib.mjs';
import {
  confWith, ctlc, ctlShell, ctlAsync, sqlIn, manifestOf, tenantWithDefinition, writeReport, png, storeSeal,
  storeAttachment, dataKey, dbChecksum,
} from './backup-lib.mjs';

// the copy's code is new on every run (an erased code stays taken)
const A = 'bk-a', B = 'bk-b', COPY = `bk-a-copy-${process.pid}`;
const PW = 'Backup-admin-pass-42';
const dir = mkdtempSync('/tmp/genba-bk30.');
const conf = confWith({ backup_dir: dir });
let ta, tb, gen;
const seal = png('seal of bk-a admin'), photo = png('photo of the first report');
const written = [];

test('setup: two tenants with reports, a seal image and an attachment', async () => {
  ta = await tenantWithDefinition(A, PW);
  tb = await tenantWithDefinition(B, PW);
  for (let i = 0; i < 5; i++) {
    written.push(await writeReport(A, ta, `A${i}`));
    await writeReport(B, tb, `B${i}`);
  }
  storeSeal(A, tenantDb(A), 1, seal);
  storeAttachment(A, tenantDb(A), written[0].id, 2, 0, photo);
});

test('--now is refused unless test_hooks = 1', () => {
  const prod = confWith({ backup_dir: dir, test_hooks: 0 });
  const r = ctlc(prod, 'backup', 'run', '--now', '2026-03-01T01:00:00Z');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--now is a test hook: it needs test_hooks = 1/);
});

test('backup run while a client writes: every acknowledged report is in, none half-written; restore --as', async () => {
  let stop = false;
  const writer = (async () => {
    for (let i = 0; !stop; i++) written.push(await writeReport(A, ta, `W${String(i).padStart(4, '0')}`));
  })();
  await waitFor('writes before the run', () => written.length >= 8);
  const started = Date.now();
  const run = ctlAsync(conf, 'backup', 'run');
  const res = await run.done;
  const ended = Date.now();
  const n = written.length;
  await waitFor('writes after the run', () => written.length >= n + 3);
  stop = true;
  await writer;
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, /^backup \d{8}T\d{6}Z(-\d+)? \(daily[a-z,]*\): \d+ databases, .*checked; \d+ generations? kept, \d+ pruned$/m);
  gen = res.stdout.match(/^backup (\S+) /)[1];
  // the service kept taking writes while the run went on
  assert.ok(written.some((w) => w.sentAt > started && w.ackedAt < ended), 'writes were acknowledged during the run');

  const m = manifestOf(dir, gen);
  assert.equal(m.complete, true);
  assert.equal(m.generation, gen);
  const f = m.files.find((x) => x.tenant === A);
  assert.equal(f.file, `tenant-${A}.dump.enc`);
  assert.match(f.sha256, /^[0-9a-f]{64}$/);
  assert.ok(f.tables.reports.rows >= 5 && f.tables.report_search.rows >= 5, JSON.stringify(f.tables));
  assert.ok(m.files.find((x) => x.kind === 'control'));
  const enc = readFileSync(path.join(dir, gen, f.file));
  assert.equal(crypto.createHash('sha256').update(enc).digest('hex'), f.sha256);
  assert.ok(!enc.includes(Buffer.from('INSERT INTO')), 'the dump is encrypted');
  assert.ok(enc.subarray(0, 60).toString().startsWith(`GENBA-BACKUP 1 tenant ${A} ${gen} zlib\n`));
  // list shows it, with its checksum
  const list = JSON.parse(ctlc(conf, '--json', 'backup', 'list', '--tenant', A).stdout);
  assert.equal(list[0].generation, gen);
  assert.equal(list[0].sha256, f.sha256);
  assert.deepEqual(list[0].tags.slice(0, 1), ['daily']);

  const before = Date.parse(f.snapshot_not_before), after = Date.parse(f.snapshot_not_after);
  const bBefore = dbChecksum(tenantDb(B));
  const r = ctlc(conf, 'restore', '--tenant', A, gen, '--as', COPY);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`restored from ${A} generation ${gen} as new tenant ${COPY}: \\d+ tables, \\d+ rows, \\d+ sealed values re-encrypted`));
  const copyDb = tenantDb(COPY);
  // the values as "sheet/cluster=value ..." (reports.vals is JSON; the client's batch output escapes \\)
  const rows = sql(`SELECT id, name, vals FROM ${copyDb}.reports`).stdout.split('\n').filter(Boolean);
  const restored = new Map(rows.map((l) => {
    const [id, name, text] = l.split('\t');
    const stored = JSON.parse(text.replace(/\\(.)/g, (m, ch) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch)));
    return [id, { name, vals: Object.keys(stored).sort().map((k) => `${k}=${stored[k].v}`).join(' ') }];
  }));
  for (const w of written) {
    if (w.ackedAt < before) assert.ok(restored.has(w.id), `report ${w.machine} acknowledged before the snapshot is restored`);
    if (w.sentAt > after) assert.ok(!restored.has(w.id), `report ${w.machine} sent after the dump is not in it`);
  }
  const ours = new Map(written.map((w) => [w.id, w]));
  for (const [id, x] of restored) {
    const w = ours.get(id);
    if (!w) continue;   // an earlier run of this file
    assert.equal(x.name, `report ${w.machine}`);
    assert.match(x.vals, new RegExp(`(^| )1/4=${w.machine}( |$)`), `report ${w.machine} has its values: ${x.vals}`);
    assert.match(x.vals, /(^| )1\/6=3\.5( |$)/);
  }
  assert.ok(restored.size >= 5);

  // the copy serves, with its own key: the seal image and the attachment were re-sealed for it
  assert.equal((await api(COPY, 'GET', '/status')).status, 200);
  const dkCopy = dataKey(COPY);
  assert.notDeepEqual(dkCopy, dataKey(A));
  const sealHex = sql(`SELECT HEX(seal_image) FROM ${copyDb}.users WHERE id = 1`).stdout;
  assert.deepEqual(openSealed(dkCopy, `genba/data|${COPY}|seal|1`, Buffer.from(sealHex, 'hex')), seal);
  const attHex = sql(`SELECT HEX(sealed) FROM ${copyDb}.report_attachments WHERE report_id = '${written[0].id}'`).stdout;
  assert.deepEqual(openSealed(dkCopy, `genba/data|${COPY}|attachment|${written[0].id}/2/0`, Buffer.from(attHex, 'hex')), photo);
  // the console of the copy serves the seal image (sessions were cleared: a new sign-in)
  const cookie = await consoleCookie(COPY, 'admin', PW);
  const img = await request('GET', `/${COPY}/manager/users/1/seal`, { headers: { Cookie: cookie } });
  assert.equal(img.status, 200);
  assert.equal(Number(img.headers['content-length']), seal.length);
  assert.equal(sql(`SELECT COUNT(*) FROM ${copyDb}.sessions`).stdout, '1', 'only the new console session');
  // the copy's account reaches its own database only
  assert.match(sql(`SHOW GRANTS FOR '${copyDb}'@'localhost'`).stdout, new RegExp(`\`${copyDb}\`\\.\`reports\``));

  // tenant b was not touched, and its sessions still work
  assert.equal(dbChecksum(tenantDb(B)), bBefore);
  assert.equal((await api(B, 'GET', '/me', { token: tb.token })).status, 200);
  const audit = sql("SELECT command, result FROM genba_control.operator_audit WHERE command LIKE 'restore%' ORDER BY id DESC LIMIT 1").stdout;
  assert.match(audit, new RegExp(`restore --tenant ${A} ${gen} --as ${COPY}\tok`));
});

test('/metrics tells the age of each tenant\'s newest backup', async () => {
  const m = await get('/metrics');
  assert.equal(m.status, 200);
  for (const t of ['bk-a', 'bk-b']) {
    const line = m.text.split('\n').find((l) => l.startsWith(`genba_backup_age_seconds{tenant="${t}"}`));
    assert.ok(line, `a backup age for ${t}`);
    const age = Number(line.split(' ')[1]);
    assert.ok(age >= 0 && age < 3600, line);
  }
});

test('restore in place: refused while the tenant is active, then replaces its data and ends its sessions', async () => {
  const bBefore = dbChecksum(tenantDb(B));
  let r = ctlc(conf, 'restore', '--tenant', A, gen);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /tenant bk-a is active: suspend it first/);
  const later = await writeReport(A, ta, 'LATE1');
  assert.equal(ctlc(conf, 'tenant', 'suspend', A).status, 0);
  r = ctlc(conf, 'restore', '--tenant', A, gen);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /restored in place from generation/);
  const now = new Set(sql(`SELECT id FROM ${tenantDb(A)}.reports`).stdout.split('\n'));
  const copy = new Set(sql(`SELECT id FROM ${tenantDb(COPY)}.reports`).stdout.split('\n'));
  assert.deepEqual([...now].sort(), [...copy].sort(), 'bk-a holds exactly what the backup held');
  assert.ok(!now.has(later.id), 'a report written after the backup is gone');
  assert.equal(ctlc(conf, 'tenant', 'resume', A).status, 0);
  assert.equal((await api(A, 'GET', '/me', { token: ta.token })).status, 401, 'sessions ended by the restore');
  ta.token = await tokenFor(A, 'admin', PW);
  const one = await api(A, 'GET', `/reports/${written[0].id}`, { token: ta.token });
  assert.equal(one.status, 200, one.text);
  // the seal image still opens with bk-a's own key
  const sealHex = sql(`SELECT HEX(seal_image) FROM ${tenantDb(A)}.users WHERE id = 1`).stdout;
  assert.deepEqual(openSealed(dataKey(A), `genba/data|${A}|seal|1`, Buffer.from(sealHex, 'hex')), seal);
  assert.equal(dbChecksum(tenantDb(B)), bBefore, 'bk-b untouched');
  assert.equal((await api(B, 'GET', '/me', { token: tb.token })).status, 200);
  assert.equal(sql("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE 'genba\\_restore\\_%' OR schema_name LIKE 'genba\\_old\\_%'").stdout, '0', 'no scratch database left');
});

test('backup verify detects a flipped byte and a truncated file, and says which', () => {
  let r = ctlc(conf, 'backup', 'verify', gen);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ok {3}control +\d+ tables, \d+ rows, checksums match$/m);
  assert.match(r.stdout, new RegExp(`^ok {3}${B} +\\d+ tables`, 'm'));
  assert.match(r.stdout, new RegExp(`^generation ${gen} verified`, 'm'));
  const file = path.join(dir, gen, `tenant-${B}.dump.enc`);
  const orig = readFileSync(file);
  try {
    const bad = Buffer.from(orig);
    bad[Math.floor(bad.length / 2)] ^= 0x01;
    writeFileSync(file, bad);
    r = ctlc(conf, 'backup', 'verify', gen);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^FAIL ${B} +tenant-${B}\\.dump\\.enc .*does not match its SHA-256 in the manifest.*corrupted: record \\d+ at byte \\d+ does not decrypt`, 'm'));
    assert.match(r.stdout, new RegExp(`^ok {3}${A} `, 'm'), 'the other files still verify');
    assert.match(r.stderr, new RegExp(`generation ${gen} did not verify`));
    r = ctlc(conf, 'restore', '--tenant', B, gen, '--as', 'bk-b-never');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /does not match its SHA-256 in the manifest \(corrupted\?\)/);
    assert.equal(sql("SELECT COUNT(*) FROM genba_control.tenants WHERE code = 'bk-b-never'").stdout, '0');

    writeFileSync(file, orig.subarray(0, Math.floor(orig.length * 0.6)));
    r = ctlc(conf, 'backup', 'verify', '--tenant', B, gen);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^FAIL ${B} .*truncated: `, 'm'));
    writeFileSync(file, orig.subarray(0, orig.length - 1));
    r = ctlc(conf, 'backup', 'verify', '--tenant', B, gen);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /truncated: /);
  } finally {
    writeFileSync(file, orig);
  }
  r = ctlc(conf, 'backup', 'verify', '--tenant', B, gen);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(sql("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE 'genba\\_verify\\_%'").stdout, '0');
});

// ---- retention, with the test clock, on a control DB of its own (fast: one small tenant) ----

const day0 = Date.UTC(2026, 0, 5, 1);   // Monday 2026-01-05 01:00Z
const iso = (d) => new Date(day0 + d * 86400000).toISOString().replace('.000Z', 'Z');
const rtDir = mkdtempSync('/tmp/genba-bk30-rt.');
const rt = confWith({ control_db: 'genba_control_rt', backup_dir: rtDir, backup_daily: 2, backup_weekly: 4, backup_monthly: 3 });
const listRt = () => JSON.parse(ctlc(rt, '--json', 'backup', 'list').stdout);

// The rule, written again: newest per day for the 2 newest days, Sundays
// for the 4 newest, first Sundays for the 3 newest months.
function expected(gens) {
  const complete = gens.filter((g) => g.complete).sort((a, b) => b.at - a.at);
  const keep = new Set();
  const pick = (filter, key, count) => {
    const seen = [];
    for (const g of complete.filter(filter)) {
      const k = key(g);
      if (seen.includes(k)) continue;
      seen.push(k);
      if (seen.length > count) break;
      keep.add(g.id);
    }
  };
  const day = (g) => new Date(g.at).toISOString().slice(0, 10);
  pick(() => true, day, 2);
  pick((g) => g.tags.includes('weekly'), day, 4);
  pick((g) => g.tags.includes('monthly'), (g) => day(g).slice(0, 7), 3);
  return [...keep].sort();
}

test('retention over 70 days: daily 2, weekly (Sundays), monthly (first Sundays), one copy with every tag', () => {
  let r = ctlc(rt, 'setup');
  assert.equal(r.status, 0, r.stderr);
  r = ctlc(rt, 'tenant', 'create', 'bk-rt', '--name', 'Retention', '--contact', 'ops@bk-rt.example');
  assert.ok(r.status === 0 || /already exists/.test(r.stderr), r.stderr);
  const model = [];
  for (let d = 0; d < 70; d++) {
    r = ctlc(rt, 'backup', 'run', '--now', iso(d));
    assert.equal(r.status, 0, `day ${d}: ${r.stderr}`);
    const id = r.stdout.match(/^backup (\S+) \(([a-z,]+)\)/);
    assert.ok(id, r.stdout);
    const dow = new Date(day0 + d * 86400000).getUTCDay(), mday = new Date(day0 + d * 86400000).getUTCDate();
    const tags = ['daily', ...(dow === 0 ? ['weekly'] : []), ...(dow === 0 && mday <= 7 ? ['monthly'] : [])];
    assert.equal(id[2], tags.join(','), `tags of ${iso(d)}`);
    model.push({ id: id[1], at: day0 + d * 86400000, tags, complete: true });
    const want = expected(model);
    const have = listRt().map((g) => g.generation).sort();
    assert.deepEqual(have, want, `after ${iso(d)}`);
    for (let i = model.length - 1; i >= 0; i--) if (!want.includes(model[i].id)) model.splice(i, 1);
  }
  const final = listRt().map((g) => [g.run_at.slice(0, 10), g.tags.join(',')]);
  assert.deepEqual(final, [
    ['2026-03-15', 'daily,weekly'],
    ['2026-03-14', 'daily'],
    ['2026-03-08', 'daily,weekly'],
    ['2026-03-01', 'daily,weekly,monthly'],
    ['2026-02-22', 'daily,weekly'],
    ['2026-02-01', 'daily,weekly,monthly'],
  ]);
  assert.deepEqual(readdirSync(rtDir).filter((n) => !n.startsWith('.')).sort(), listRt().map((g) => g.generation).sort());
  const recorded = sql("SELECT COUNT(*) FROM genba_control_rt.backup_generations WHERE pruned_at IS NULL").stdout;
  assert.equal(recorded, '6');
});

test('a run that fails part way (file size limit: the disk is full) prunes nothing and keeps every older generation', () => {
  const before = listRt().map((g) => g.generation);
  // 3 MiB that do not compress, so bk-rt's file passes the 1 MiB limit while the control DB's does not
  const blob = crypto.randomBytes(3 << 20).toString('hex');
  sqlIn(`DELETE FROM genba_t_bk_rt.images; INSERT INTO genba_t_bk_rt.images (sha256, content_type, width, height, bytes)
         VALUES (REPEAT('a', 64), 'image/png', 1, 1, 0x${blob})`);
  const r = ctlShell(rt, 'ulimit -f 1024', 'backup', 'run', '--now', iso(70));
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /bk-rt: .*File too large/);
  assert.match(r.stdout, /is incomplete: 1 database written, 1 problem; nothing was pruned/);
  const after = listRt();
  for (const g of before) assert.ok(after.some((x) => x.generation === g), `${g} kept`);
  const failed = after.find((g) => g.run_at === iso(70));
  assert.equal(failed.complete, false);
  assert.equal(after.length, before.length + 1);
  assert.equal(ctlc(rt, 'backup', 'verify', before[0]).status, 0);
  const audit = sql("SELECT result FROM genba_control_rt.operator_audit WHERE command LIKE 'backup run%' ORDER BY id DESC LIMIT 1").stdout;
  assert.equal(audit, 'failed');
});

test('a run killed midway leaves no generation and older ones intact; the next run cleans up and prunes', async () => {
  const before = listRt().map((g) => g.generation);
  const run = ctlAsync(rt, 'backup', 'run', '--now', iso(71));
  const partial = path.join(rtDir, `.partial-${iso(71).replace(/[-:]/g, '')}`);
  await waitFor('the tenant dump to start', () => existsSync(path.join(partial, 'tenant-bk-rt.dump.enc.tmp')), { every: 2, timeout: 60000 });
  run.child.kill('SIGKILL');
  const res = await run.done;
  assert.equal(res.signal, 'SIGKILL');
  assert.ok(existsSync(partial));
  assert.deepEqual(listRt().map((g) => g.generation), before, 'nothing pruned, nothing added');
  sqlIn('DELETE FROM genba_t_bk_rt.images');
  const r = ctlc(rt, 'backup', 'run', '--now', iso(72));
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(partial), 'the killed run\'s directory is gone');
  const after = listRt();
  assert.ok(after.every((g) => g.complete), 'the incomplete generation was pruned with the first complete run');
  assert.deepEqual(after.map((g) => g.run_at.slice(0, 10)), ['2026-03-18', '2026-03-15', '2026-03-08', '2026-03-01', '2026-02-22', '2026-02-01']);
});

test('backup_copy_command copies each new generation; its failure is reported, keeps the backup and prunes nothing', () => {
  const second = mkdtempSync('/tmp/genba-bk30-copy.');
  const ok = confWith({ control_db: 'genba_control_rt', backup_dir: rtDir, backup_daily: 2, backup_weekly: 4, backup_monthly: 3,
    backup_copy_command: `cp -r -t ${second}` });
  let r = ctlc(ok, 'backup', 'run', '--now', iso(73));
  assert.equal(r.status, 0, r.stderr);
  const g = r.stdout.match(/^backup (\S+) /)[1];
  assert.match(r.stdout, /; copied$/m);
  assert.deepEqual(readFileSync(path.join(second, g, 'manifest.json')), readFileSync(path.join(rtDir, g, 'manifest.json')));
  const before = listRt().map((x) => x.generation);
  const bad = confWith({ control_db: 'genba_control_rt', backup_dir: rtDir, backup_copy_command: 'false' });
  r = ctlc(bad, 'backup', 'run', '--now', iso(74));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /copy to the second location: backup_copy_command failed with exit status 1/);
  const after = listRt().map((x) => x.generation);
  for (const x of before) assert.ok(after.includes(x));
  assert.equal(after.length, before.length + 1, 'the local backup is kept');
  // tidy: the retention tenant and its control DB
  ctlc(rt, 'tenant', 'erase', 'bk-rt', '--confirm', 'bk-rt');
  sql('DROP DATABASE IF EXISTS genba_control_rt');
});
