// Shared helpers for the integration tests: they drive the real stack that
// test/stack started (its stack.env is in GENBA_STACK_ENV) over HTTPS with
// certificate verification (NODE_EXTRA_CA_CERTS = the stack's CA).
import { readFileSync } from 'node:fs';
import { spawnSync, spawn } from 'node:child_process';
import https from 'node:https';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function loadEnv() {
  const file = process.env.GENBA_STACK_ENV;
  if (!file) throw new Error('GENBA_STACK_ENV is not set: run the tests through test/run-all');
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^([A-Z_]+)=(.*)$/);
    if (m) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}
export const env = loadEnv();
export const base = env.GENBA_URL;
export const ca = readFileSync(env.GENBA_CACERT);

// A raw HTTPS request: the path is sent exactly as given (no URL
// normalisation, so "..", "%00" and friends reach the server).
export function request(method, rawPath, { headers = {}, body = null, timeout = 20000 } = {}) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: url.hostname, port: url.port, method, path: rawPath, ca, headers,
      servername: url.hostname, timeout, agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        if ((res.headers['content-type'] || '').startsWith('application/json')) {
          try { json = JSON.parse(text); } catch { json = undefined; }
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${rawPath}`)));
    req.on('error', reject);
    if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'transfer-encoding')) req.setHeader('Content-Length', Buffer.byteLength(body));
    if (body) req.write(body);
    req.end();
  });
}
export const get = (p, opts) => request('GET', p, opts);

// genbactl bound to this stack.  Returns {status, stdout, stderr}.
export function ctl(...args) {
  const parts = env.GENBA_CTL.split(' ');
  const r = spawnSync(parts[0], [...parts.slice(1), ...args], { encoding: 'utf8', timeout: 120000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// SQL as MariaDB's root (unix socket) or as another account.
export function sql(query, { user = 'root', password = null, database = null } = {}) {
  const args = ['--no-defaults', '-S', env.GENBA_DB_SOCKET, '-u', user, '--batch', '--skip-column-names', '-e', query];
  if (password !== null) args.splice(5, 0, `-p${password}`);
  if (database) args.push(database);
  const r = spawnSync('mariadb', args, { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}
// Same, with binary columns read as hex.
export function sqlHex(query) { return sql(query).stdout; }

// Create a tenant unless it exists; returns its admin password (or null if it existed).
export function ensureTenant(code, name = `Tenant ${code}`) {
  const r = ctl('--json', 'tenant', 'create', code, '--name', name, '--contact', `ops@${code}.example`);
  if (r.status === 0) return JSON.parse(r.stdout).admin.password;
  if (/already exists/.test(r.stderr)) {
    ctl('tenant', 'resume', code);
    return null;
  }
  throw new Error(`tenant create ${code} failed: ${r.stderr}`);
}

// The stack's master key and the wrapped-secret format (version 1 | key id 8 |
// nonce 12 | ciphertext | tag 16; AES-256-GCM; associated data
// "genba/master|<tenant>|<purpose>").  The tests open blobs themselves to
// check the format independently of the C code.
export function masterKey() {
  return Buffer.from(readFileSync(path.join(env.GENBA_DIR, 'master.key'), 'utf8').trim(), 'hex');
}
export function openSealed(key, ad, blob) {
  if (blob.length < 37 || blob[0] !== 1) throw new Error('malformed blob');
  const nonce = blob.subarray(9, 21), tag = blob.subarray(blob.length - 16), ct = blob.subarray(21, blob.length - 16);
  const d = crypto.createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(Buffer.from(ad));
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}
export function wrapped(code, column) {
  const hex = sqlHex(`SELECT HEX(${column}) FROM genba_control.tenants WHERE code = '${code}'`);
  return Buffer.from(hex, 'hex');
}

export function pidOf(file) {
  return parseInt(readFileSync(file, 'utf8').trim(), 10);
}
export function childrenOf(pid) {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}
export function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export async function waitFor(what, fn, { timeout = 30000, every = 200 } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}
export function stack(...args) {
  const r = spawnSync(path.join(repo, 'test/stack'), [...args, env.GENBA_DIR], {
    encoding: 'utf8', timeout: 120000, env: { ...process.env, GENBA_BUILD: process.env.GENBA_BUILD || path.join(repo, 'build') },
  });
  if (r.status !== 0) throw new Error(`test/stack ${args.join(' ')} failed: ${r.stderr}`);
}
export function logText() { return readFileSync(env.GENBA_LOG, 'utf8'); }
export { spawn };
