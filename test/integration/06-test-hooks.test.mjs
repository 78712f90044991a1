// The test hooks (/__test/… routes) exist only where test_hooks = 1: a
// genba-fcgi started with this stack's configuration but test_hooks = 0 (as
// in production) answers 404 there, while the stack's own server (test
// hooks on) answers.  The second server gets a socket of its own and is
// spoken to directly over FastCGI, as nginx would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { repo, env, get, pidOf, alive, waitFor } from './lib.mjs';

// A minimal FastCGI client (one GET request on a fresh connection): the
// records of the FastCGI 1.0 specification, as nginx sends them.
function fcgiGet(socket, uri, params = {}) {
  const record = (type, body) => {
    const pad = (8 - (body.length % 8)) % 8;
    const h = Buffer.alloc(8);
    h.writeUInt8(1, 0); h.writeUInt8(type, 1); h.writeUInt16BE(1, 2);   // version, type, request id 1
    h.writeUInt16BE(body.length, 4); h.writeUInt8(pad, 6);
    return Buffer.concat([h, body, Buffer.alloc(pad)]);
  };
  const len = (n) => (n < 128 ? Buffer.from([n]) : Buffer.from([(n >>> 24) | 0x80, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]));
  const [p, q = ''] = uri.split('?');
  const all = {
    REQUEST_METHOD: 'GET', REQUEST_URI: uri, QUERY_STRING: q, SCRIPT_NAME: p, SERVER_PROTOCOL: 'HTTP/1.1', SERVER_NAME: 'localhost',
    SERVER_PORT: '443', HTTPS: 'on', REMOTE_ADDR: '127.0.0.1', REMOTE_PORT: '40000', REQUEST_ID: 'hooks0-test', ...params,
  };
  const pairs = Buffer.concat(Object.entries(all).map(([k, v]) => {
    const kb = Buffer.from(k), vb = Buffer.from(String(v));
    return Buffer.concat([len(kb.length), len(vb.length), kb, vb]);
  }));
  const begin = Buffer.from([0, 1, 0, 0, 0, 0, 0, 0]);   // role RESPONDER, do not keep the connection
  return new Promise((resolve, reject) => {
    const c = net.createConnection(socket);
    let buf = Buffer.alloc(0), out = Buffer.alloc(0);
    c.setTimeout(20000, () => c.destroy(new Error(`FastCGI timeout: ${uri}`)));
    c.on('error', reject);
    c.on('connect', () => c.end(Buffer.concat([record(1, begin), record(4, pairs), record(4, Buffer.alloc(0)), record(5, Buffer.alloc(0))])));
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        const type = buf[1], n = buf.readUInt16BE(4), pad = buf[6];
        if (buf.length < 8 + n + pad) break;
        if (type === 6) out = Buffer.concat([out, buf.subarray(8, 8 + n)]);   // STDOUT
        buf = buf.subarray(8 + n + pad);
        if (type === 3) {                                                     // END_REQUEST
          c.destroy();
          const text = out.toString('utf8');
          const at = text.indexOf('\r\n\r\n');
          const head = text.slice(0, at), body = text.slice(at + 4);
          const status = Number((head.match(/^Status: (\d{3})/mi) || [])[1] || 200);
          resolve({ status, head, body });
          return;
        }
      }
    });
    c.on('end', () => reject(new Error(`FastCGI connection closed before the end of the request: ${uri}`)));
  });
}

// the second server: this stack's configuration with test_hooks = 0 and
// files of its own
const dir = mkdtempSync('/tmp/genba-hooks0.');
chmodSync(dir, 0o711);
const own = {
  socket: path.join(dir, 'genba.sock'), pid_file: path.join(dir, 'genba-fcgi.pid'), log_file: path.join(dir, 'genba.log'),
  workers: '1', threads: '1', test_hooks: '0',
};
let conf = readFileSync(env.GENBA_CONF, 'utf8');
for (const [k, v] of Object.entries(own)) {
  const re = new RegExp(`^${k}\\s*=.*$`, 'm');
  conf = re.test(conf) ? conf.replace(re, `${k} = ${v}`) : `${conf}${k} = ${v}\n`;
}
writeFileSync(path.join(dir, 'genba.conf'), conf, { mode: 0o600 });

// under the sanitizers, its reports go where test/run-all reads the stack's
const sanitizerEnv = {};
for (const [k, name] of [['ASAN_OPTIONS', 'asan-hooks0'], ['UBSAN_OPTIONS', 'ubsan-hooks0']]) {
  if (process.env[k]) sanitizerEnv[k] = `${process.env[k]}:log_path=${path.join(env.GENBA_DIR, 'log/asan', name)}`;
}

let server;
after(async () => {
  const pid = existsSync(own.pid_file) ? pidOf(own.pid_file) : server?.pid;
  if (pid && alive(pid)) {
    process.kill(pid, 'SIGTERM');
    await waitFor('the test_hooks = 0 server to stop', () => !alive(pid), { timeout: 30000 }).catch(() => process.kill(pid, 'SIGKILL'));
  }
  rmSync(dir, { recursive: true, force: true });
});

test('the stack (test_hooks = 1) serves /__test/sleep', async () => {
  const r = await get('/__test/sleep?ms=0');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.slept_ms, 0);
});

test('a genba-fcgi with test_hooks = 0 answers 404 at /__test/sleep, and serves the rest', async () => {
  const bin = path.join(process.env.GENBA_BUILD || path.join(repo, 'build'), 'genba-fcgi');
  server = spawn(bin, ['-c', path.join(dir, 'genba.conf')], { stdio: 'ignore', env: { ...process.env, ...sanitizerEnv } });
  await waitFor('the test_hooks = 0 server', () => existsSync(own.socket), { timeout: 20000 });
  // the same server answers an ordinary route, so its 404 below is the hook's
  const h = await fcgiGet(own.socket, '/healthz');
  assert.equal(h.status, 200, h.head + h.body);
  const r = await fcgiGet(own.socket, '/__test/sleep?ms=5000');
  assert.equal(r.status, 404, r.head + r.body);
  assert.doesNotMatch(r.body, /slept_ms/);
  // and the configuration it runs with says so
  assert.match(readFileSync(path.join(dir, 'genba.conf'), 'utf8'), /^test_hooks = 0$/m);
});
