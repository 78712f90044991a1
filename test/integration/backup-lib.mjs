// Helpers for the backup, restore, export and erase tests (30-, 31-):
// genbactl with a configuration of the test's own (own backup_dir, maybe
// own control DB), SQL fed on standard input, sealing like the C code, a
// tenant with the sample definition published and reports written through
// the JSON API.
import { readFileSync, writeFileSync, mkdtempSync, chmodSync } from 'node:fs';
import { spawnSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import path from 'node:path';
import { env, repo, ensureTenant, adminToken, api, masterKey, openSealed, wrapped } from './lib.mjs';

const ctlBin = env.GENBA_CTL.split(' ')[0];

// A copy of the stack's genba.conf with some keys replaced or added.
export function confWith(keys) {
  let text = readFileSync(env.GENBA_CONF, 'utf8');
  for (const [k, v] of Object.entries(keys)) {
    const re = new RegExp(`^${k}\\s*=.*$`, 'm');
    text = re.test(text) ? text.replace(re, `${k} = ${v}`) : `${text}${k} = ${v}\n`;
  }
  const dir = mkdtempSync('/tmp/genba-bkconf.');
  const file = path.join(dir, 'genba.conf');
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(dir, 0o700);
  return file;
}

// genbactl -c conf ...args (TZ=UTC: days and Sundays are UTC's).
export function ctlc(conf, ...args) {
  const r = spawnSync(ctlBin, ['-c', conf, ...args], { encoding: 'utf8', timeout: 300000, env: { ...process.env, TZ: 'UTC' } });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
// The same, through bash (for ulimit), or in the background.
export function ctlShell(conf, prefix, ...args) {
  const q = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;
  const cmd = `${prefix}; exec ${q(ctlBin)} -c ${q(conf)} ${args.map(q).join(' ')}`;
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', timeout: 300000, env: { ...process.env, TZ: 'UTC' } });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
export function ctlAsync(conf, ...args) {
  const child = spawn(ctlBin, ['-c', conf, ...args], { env: { ...process.env, TZ: 'UTC' } });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, done };
}

// SQL as root, the text on standard input (large statements).
export function sqlIn(query, database = null) {
  const args = ['--no-defaults', '-S', env.GENBA_DB_SOCKET, '-u', 'root', '--batch', '--skip-column-names', '--max-allowed-packet=1G'];
  if (database) args.push(database);
  const r = spawnSync('mariadb', args, { input: query, encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`SQL failed: ${r.stderr}`);
  return r.stdout.trim();
}

// Seal like tenant_seal / keys_wrap (crypto.h): 0x01 | key id | nonce | ciphertext | tag.
export function seal(key, ad, plain) {
  const keyId = crypto.createHash('sha256').update(Buffer.concat([Buffer.from('genba-keyid'), key])).digest().subarray(0, 8);
  const nonce = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(ad));
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([Buffer.from([1]), keyId, nonce, ct, c.getAuthTag()]);
}
export function dataKey(code) {
  return openSealed(masterKey(), `genba/master|${code}|datakey`, wrapped(code, 'data_key_wrapped'));
}

// The generation's manifest.
export function manifestOf(backupDir, gen) {
  return JSON.parse(readFileSync(path.join(backupDir, gen, 'manifest.json'), 'utf8'));
}

// A tenant with groups foremen/managers and the daily inspection sample
// published; returns {token, def, rev}.
export async function tenantWithDefinition(code, password) {
  const token = await adminToken(code, ensureTenant(code), password);
  for (const g of ['foremen', 'managers']) {
    const r = await api(code, 'POST', '/groups', { token, body: { name: g } });
    if (r.status !== 201 && r.status !== 409 && r.status !== 422) throw new Error(`group ${g}: ${r.status} ${r.text}`);
  }
  const xml = readFileSync(path.resolve(repo, '../shared/samples/daily-inspection.xml'), 'utf8');
  const up = await api(code, 'POST', '/definitions', { token, body: xml, headers: { 'Content-Type': 'application/xml' } });
  if (up.status !== 201) throw new Error(`definition upload: ${up.status} ${up.text}`);
  const pub = await api(code, 'POST', `/definitions/${up.json.id}/status`, { token, body: { status: 'published' } });
  if (pub.status !== 200) throw new Error(`publish: ${pub.status} ${pub.text}`);
  return { token, def: up.json.id, rev: up.json.revision };
}

// Write one report (machine number and pressure) and wait for its answer.
export async function writeReport(code, t, machine) {
  const id = crypto.randomUUID();
  const body = {
    id, definition_id: t.def, definition_revision: t.rev, name: `report ${machine}`,
    values: [{ sheet: 1, cluster: 4, value: machine }, { sheet: 1, cluster: 6, value: '3.5' }], action: 'save',
  };
  const sentAt = Date.now();
  const r = await api(code, 'POST', '/reports', { token: t.token, body, headers: { 'Idempotency-Key': crypto.randomUUID() } });
  const ackedAt = Date.now();
  if (r.status !== 201) throw new Error(`report ${machine}: ${r.status} ${r.text}`);
  return { id, machine, sentAt, ackedAt };
}

// A real 2x2 PNG (as in 16-user-seal), with a marker in a text chunk.
export function png(marker = 'genba') {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(2, 0); ihdr.writeUInt32BE(2, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.from([0, 255, 0, 0, 255, 0, 0, 0, 0, 0, 255, 0, 0, 255]);
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from(`Comment\0${marker}`)), chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0))]);
}

// Store a sealed seal image for a user, and a sealed attachment for a
// report, straight in the tenant's database (sealed as the server does).
export function storeSeal(code, db, userId, image) {
  const blob = seal(dataKey(code), `genba/data|${code}|seal|${userId}`, image);
  sqlIn(`UPDATE ${db}.users SET seal_image = 0x${blob.toString('hex')}, seal_type = 'image/png' WHERE id = ${userId}`);
}
export function storeAttachment(code, db, reportId, sheet, cluster, image) {
  const blob = seal(dataKey(code), `genba/data|${code}|attachment|${reportId}/${sheet}/${cluster}`, image);
  const sha = crypto.createHash('sha256').update(image).digest('hex');
  sqlIn(`INSERT INTO ${db}.report_attachments (report_id, sheet_no, cluster_id, sha256, content_type, size, width, height, sealed, uploaded_by, uploaded_at)
         VALUES ('${reportId}', ${sheet}, ${cluster}, '${sha}', 'image/png', ${image.length}, 2, 2, 0x${blob.toString('hex')}, 1, UTC_TIMESTAMP(3))`);
}

// Row counts and CHECKSUM TABLE of every table of a database, as text.
export function dbChecksum(db) {
  const tables = sqlIn(`SELECT table_name FROM information_schema.tables WHERE table_schema = '${db}' ORDER BY table_name`).split('\n').filter(Boolean);
  return sqlIn(`CHECKSUM TABLE ${tables.map((t) => `\`${db}\`.\`${t}\``).join(', ')}`);
}
