// Tenant export (everything the customer owns, decrypted, with a SHA-256
// manifest) and tenant erase (database, account, files and keys destroyed,
// key copies in retained control-DB backups overwritten, a certificate);
// afterwards the erased tenant's backups cannot be read while another
// tenant's still restore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import crypto from 'node:crypto';
import { api, sql, env, tenantDb, parseCsv, get } from './lib.mjs';
import {
  confWith, ctlc, sqlIn, manifestOf, tenantWithDefinition, writeReport, png, storeSeal, storeAttachment, dataKey,
} from './backup-lib.mjs';

// the erased tenant's code is new on every run (an erased code stays taken)
const E = `bk-e-${process.pid}`, F = 'bk-f';
const PW = 'Export-admin-pass-77';
const dir = mkdtempSync('/tmp/genba-bk31.');
const conf = confWith({ backup_dir: dir });
const outDir = path.join(mkdtempSync('/tmp/genba-bk31-export.'), 'export');
const sealImg = png('seal of bk-e admin'), photo = png('photo for bk-e');
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
let te, tf, reports = [], gen, exportSha;

test('setup: a tenant with a definition, reports, master data, a seal image and an attachment; and another', async () => {
  te = await tenantWithDefinition(E, PW);
  tf = await tenantWithDefinition(F, PW);
  for (const m of ['M100', 'M200', 'M300']) reports.push(await writeReport(E, te, m));
  await writeReport(F, tf, 'F1');
  storeSeal(E, tenantDb(E), 1, sealImg);
  storeAttachment(E, tenantDb(E), reports[0].id, 2, 0, photo);
  assert.equal(sql(`UPDATE reports SET remarks1 = 'Line 3', remarks10 = '夜勤', system_key1 = 'WO-9' WHERE id = '${reports[1].id}'`, { database: tenantDb(E) }).status, 0);
  // the third is deleted: the archive keeps it, marked
  const g = await api(E, 'GET', `/reports/${reports[2].id}`, { token: te.token });
  assert.equal(g.status, 200, g.text);
  const d = await api(E, 'DELETE', `/reports/${reports[2].id}`, { token: te.token, headers: { 'Idempotency-Key': crypto.randomUUID(), 'If-Match': `"${g.json.rev}"` } });
  assert.ok([200, 204].includes(d.status), d.text);
  assert.equal((await api(E, 'GET', `/reports/${reports[2].id}/xml`, { token: te.token })).status, 404);
  const r = await api(E, 'POST', '/masters?name=parts', { token: te.token, body: 'code,name,price:number\nA1,ボルト M8,12.5\nA2,"nut, 8mm",3\n', headers: { 'Content-Type': 'text/csv' } });
  assert.ok(r.status === 201 || r.status === 200, r.text);
});

test('tenant export writes everything the tenant owns, decrypted, and a manifest that matches', async () => {
  const r = ctlc(conf, 'tenant', 'export', E, outDir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^tenant ${E} exported to ${outDir}: \\d+ files, .*\\(1 definition revisions, 3 reports, 1 attachments, 1 seal images, \\d+ access log rows\\); manifest.json SHA-256 ([0-9a-f]{64})$`, 'm'));
  exportSha = r.stdout.match(/SHA-256 ([0-9a-f]{64})/)[1];
  const manifestBytes = readFileSync(path.join(outDir, 'manifest.json'));
  assert.equal(sha(manifestBytes), exportSha);
  const m = JSON.parse(manifestBytes);
  assert.equal(m.format, 'genba-export-manifest 1');
  assert.equal(m.tenant, E);
  assert.equal(m.counts.reports, 3);
  // every file listed matches, and every file is listed
  const listed = new Set();
  for (const f of m.files) {
    const b = readFileSync(path.join(outDir, f.path));
    assert.equal(b.length, f.bytes, f.path);
    assert.equal(sha(b), f.sha256, f.path);
    assert.equal(statSync(path.join(outDir, f.path)).mode & 0o777, 0o600);
    listed.add(f.path);
  }
  const walk = (d, pre = '') => readdirSync(d, { withFileTypes: true }).flatMap((x) => (x.isDirectory() ? walk(path.join(d, x.name), `${pre}${x.name}/`) : [`${pre}${x.name}`]));
  for (const f of walk(outDir)) if (f !== 'manifest.json' && f !== 'SHA256SUMS') assert.ok(listed.has(f), `${f} is in the manifest`);
  const check = spawnSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: outDir, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /^manifest\.json: OK$/m);

  // reports: CSV with values, one XML each
  const rc = parseCsv(readFileSync(path.join(outDir, 'reports/reports.csv'), 'utf8'));
  assert.deepEqual(rc[0].slice(0, 3), ['id', 'definition_id', 'definition_revision']);
  assert.deepEqual(rc.slice(1).map((x) => x[0]).sort(), reports.map((x) => x.id).sort());
  // remarks and system keys: columns of their own, and in the report's XML
  const col = (n) => rc[0].indexOf(n);
  const r1 = rc.find((x) => x[0] === reports[1].id);
  assert.deepEqual([r1[col('remarks1')], r1[col('remarks10')], r1[col('system_key1')], r1[col('system_key5')]], ['Line 3', '夜勤', 'WO-9', '']);
  const x1 = readFileSync(path.join(outDir, `reports/${reports[1].id}.xml`), 'utf8');
  assert.match(x1, /<remarksValue1>Line 3<\/remarksValue1>\s*<remarksValue10>夜勤<\/remarksValue10>\s*<systemKey1>WO-9<\/systemKey1>/);
  const vc = parseCsv(readFileSync(path.join(outDir, 'reports/values.csv'), 'utf8'));
  for (const w of reports) {
    const row = vc.find((x) => x[0] === w.id && x[1] === '1' && x[2] === '4');
    assert.ok(row, `values of ${w.machine}`);
    assert.equal(row[3], 'machine_no');
    assert.equal(row[4], 'KeyboardText');
    assert.equal(row[5], w.machine);
    const xml = readFileSync(path.join(outDir, `reports/${w.id}.xml`), 'utf8');
    assert.match(xml, new RegExp(`<reportId>${w.id}</reportId>`));
    assert.match(xml, new RegExp(`<clusterId>4</clusterId>\\s*<name>machine_no</name>\\s*<type>KeyboardText</type>\\s*<value>${w.machine}</value>`));
  }
  // the attachment and the seal image, decrypted
  assert.deepEqual(readFileSync(path.join(outDir, `attachments/${reports[0].id}/2-0.png`)), photo);
  const ac = parseCsv(readFileSync(path.join(outDir, 'attachments/attachments.csv'), 'utf8'));
  assert.equal(ac[1][5], sha(photo));
  assert.equal(ac[1][9], `attachments/${reports[0].id}/2-0.png`);
  // each report's XML is the report XML of the API (GET /reports/{id}/xml), byte for byte, for the live ones ...
  for (const w of reports.slice(0, 2)) {
    const api1 = await api(E, 'GET', `/reports/${w.id}/xml`, { token: te.token });
    assert.equal(api1.status, 200, api1.text);
    assert.equal(readFileSync(path.join(outDir, `reports/${w.id}.xml`), 'utf8'), api1.text, `${w.machine}: the archive's XML is the API's`);
    assert.doesNotMatch(api1.text, /<deleteTime>/);
  }
  // ... and the deleted one is there, marked with its time of deletion (the tenant's zone, as the other times)
  const x2 = readFileSync(path.join(outDir, `reports/${reports[2].id}.xml`), 'utf8');
  assert.match(x2, /<updateTime>[^<]+<\/updateTime>\s*<deleteTime>\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}<\/deleteTime>/);
  const r2 = rc.find((x) => x[0] === reports[2].id);
  assert.match(r2[col('deleted_at')], /^\d{4}-\d{2}-\d{2}T/);
  assert.equal(rc.find((x) => x[0] === reports[1].id)[col('deleted_at')], '');
  assert.deepEqual(readFileSync(path.join(outDir, 'users/seals/1.png')), sealImg);
  const uc = parseCsv(readFileSync(path.join(outDir, 'users/users.csv'), 'utf8'));
  assert.equal(uc[1][1], 'admin');
  assert.equal(uc[1][11], 'users/seals/1.png');
  assert.ok(!readFileSync(path.join(outDir, 'users/users.csv'), 'utf8').includes('argon2'), 'no password hashes');
  // definitions as stored, masters re-importable, the access log
  const exp = await api(E, 'GET', `/definitions/${te.def}/export`, { token: te.token });
  assert.equal(readFileSync(path.join(outDir, `definitions/${te.def}/revision-1.xml`), 'utf8'), exp.text);
  const masters = parseCsv(readFileSync(path.join(outDir, 'masters/masters.csv'), 'utf8'));
  const parts = parseCsv(readFileSync(path.join(outDir, masters[1][4]), 'utf8'));
  assert.deepEqual(parts, [['code', 'name', 'price:number'], ['A1', 'ボルト M8', '12.5'], ['A2', 'nut, 8mm', '3']]);
  const log = parseCsv(readFileSync(path.join(outDir, 'access_log.csv'), 'utf8'));
  assert.ok(log.some((x) => x[8] === 'login' && x[3] === 'admin' && x[11] === 'ok'), 'sign-ins are in the access log');
  // recorded, with the manifest's hash
  assert.equal(sql(`SELECT manifest_sha256 FROM genba_control.tenant_exports WHERE tenant_code = '${E}' ORDER BY id DESC LIMIT 1`).stdout, exportSha);
  // a directory with something in it is refused
  const again = ctlc(conf, 'tenant', 'export', E, outDir);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /is not empty/);
});

test('tenant erase needs --confirm with the code', () => {
  let r = ctlc(conf, 'tenant', 'erase', E);
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`repeat its code with --confirm ${E}`));
  r = ctlc(conf, 'tenant', 'erase', E, '--confirm', F);
  assert.equal(r.status, 2);
  assert.equal(sql(`SELECT status FROM genba_control.tenants WHERE code = '${E}'`).stdout, 'active');
});

test('tenant erase destroys database, account, files and keys, and prints a certificate', async () => {
  const b = ctlc(conf, 'backup', 'run');
  assert.equal(b.status, 0, b.stderr);
  gen = b.stdout.match(/^backup (\S+) /)[1];
  const backupSha = sha(readFileSync(path.join(dir, gen, 'manifest.json')));
  const files = path.join(env.GENBA_DIR, 'data', E);
  mkdirSync(path.join(files, 'sub'), { recursive: true });
  writeFileSync(path.join(files, 'sub', 'photo.bin'), 'x');
  writeFileSync(path.join(files, 'note.txt'), 'y');
  const keyBefore = dataKey(E);

  const r = ctlc(conf, 'tenant', 'erase', E, '--confirm', E);
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout;
  assert.match(text, /^genba erasure certificate #\d+$/m);
  assert.match(text, new RegExp(`^tenant: +${E} \\(Tenant ${E}\\)$`, 'm'));
  assert.match(text, /^erased by: +\S+ on \S+ \(genbactl tenant erase\)$/m);
  assert.match(text, new RegExp(`- database ${tenantDb(E)} \\(\\d+ tables, .*\\) dropped`));
  assert.match(text, new RegExp(`- MariaDB account '${tenantDb(E)}'@'localhost' dropped`));
  assert.match(text, new RegExp(`- files under ${files} \\(2\\) deleted`));
  assert.match(text, /- data key \(AES-256, wrapped by master key [0-9a-f]{16}\) overwritten with zeros/);
  assert.match(text, new RegExp(`- key copies in the control-DB backups of generations .*${gen}.*: overwritten with zeros`));
  assert.match(text, new RegExp(`^last backup: generation ${gen}, manifest SHA-256 ${backupSha}$`, 'm'));
  assert.match(text, new RegExp(`^last export: \\S+, manifest SHA-256 ${exportSha}$`, 'm'));
  const certSha = text.match(/^certificate SHA-256: ([0-9a-f]{64})$/m)[1];
  assert.equal(sha(text.slice(0, text.indexOf('certificate SHA-256:'))), certSha, 'the hash covers the text above it');

  // the control DB: erased, keys zeroed, the certificate stored
  const row = sql(`SELECT status, HEX(data_key_wrapped), HEX(db_password_wrapped) FROM genba_control.tenants WHERE code = '${E}'`).stdout.split('\t');
  assert.equal(row[0], 'erased');
  assert.match(row[1], /^(00)+$/);
  assert.match(row[2], /^(00)+$/);
  assert.equal(sql(`SELECT certificate_sha256 FROM genba_control.erasure_certificates WHERE tenant_code = '${E}'`).stdout, certSha);
  // gone: database, account, files; the tenant answers 404
  assert.equal(sql(`SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '${tenantDb(E)}'`).stdout, '0');
  assert.equal(sql(`SELECT COUNT(*) FROM mysql.user WHERE user = '${tenantDb(E)}'`).stdout, '0');
  assert.ok(!existsSync(files));
  assert.equal((await get(`/${E}/api/v1/status`)).status, 404);
  // the code stays taken
  const again = ctlc(conf, 'tenant', 'create', E, '--name', 'X', '--contact', 'x@example.com');
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists \(status erased\)/);
  // erasing again prints the same certificate
  const twice = ctlc(conf, 'tenant', 'erase', E, '--confirm', E);
  assert.equal(twice.status, 0, twice.stderr);
  assert.match(twice.stdout, /was already erased/);
  assert.match(twice.stdout, new RegExp(`certificate SHA-256: ${certSha}`));

  // the copy of the key in the generation's control-DB dump is gone too
  const m = manifestOf(dir, gen);
  assert.match(m.amended[0].what, new RegExp(`tenant ${E} erased`));
  const dump = spawnSync(env.GENBA_CTL.split(' ')[0], ['-c', conf, 'backup', 'extract', gen, '--control'], { maxBuffer: 256 << 20 });
  assert.equal(dump.status, 0, String(dump.stderr));
  sqlIn('DROP DATABASE IF EXISTS genba_test_ctrl; CREATE DATABASE genba_test_ctrl');
  sqlIn(dump.stdout.toString('utf8'), 'genba_test_ctrl');
  const inDump = sql(`SELECT code, status, HEX(data_key_wrapped) FROM genba_test_ctrl.tenants WHERE code IN ('${E}', '${F}') ORDER BY code`).stdout.split('\n').map((l) => l.split('\t'));
  sql('DROP DATABASE genba_test_ctrl');
  assert.equal(inDump[0][0], E);
  assert.equal(inDump[0][1], 'erased');
  assert.match(inDump[0][2], /^(00)+$/, 'no copy of the erased key in the backup');
  assert.equal(inDump[1][0], F);
  assert.doesNotMatch(inDump[1][2], /^(00)+$/, 'the other tenant keeps its key');
  assert.ok(keyBefore.length === 32);
});

test('after erase the tenant\'s backup cannot be restored for lack of its key; other tenants\' still restore', async () => {
  let r = ctlc(conf, 'restore', '--tenant', E, gen, '--as', 'bk-e-back');
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`tenant ${E} was erased \\(certificate #\\d+, [^)]*\\): its data key was destroyed, so its backups can no longer be read`));
  r = ctlc(conf, 'backup', 'extract', gen, '--tenant', E);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /data key was destroyed/);
  r = ctlc(conf, 'backup', 'verify', gen);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^skip ${E} +skipped: the tenant was erased`, 'm'));
  assert.match(r.stdout, /^ok {3}control /m);
  const copy = `bk-f-copy-${process.pid}`;
  r = ctlc(conf, 'restore', '--tenant', F, gen, '--as', copy);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await api(copy, 'GET', '/status')).status, 200);
  assert.equal(sql(`SELECT COUNT(*) FROM ${tenantDb(copy)}.reports`).stdout, sql(`SELECT COUNT(*) FROM ${tenantDb(F)}.reports`).stdout);
  const audit = sql(`SELECT result FROM genba_control.operator_audit WHERE command = 'tenant erase ${E} --confirm ${E}' ORDER BY id`).stdout;
  assert.equal(audit, 'ok\nok');
});
