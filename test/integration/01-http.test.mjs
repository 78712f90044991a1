// The front line: health endpoints, security headers, routing, hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get, request, ensureTenant, logText, waitFor } from './lib.mjs';

test('GET /healthz answers 200 JSON with the security headers and a request id', async () => {
  const r = await get('/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok' });
  const h = r.headers;
  assert.match(h['x-request-id'], /^[0-9a-f]{32}$/);
  assert.match(h['strict-transport-security'], /max-age=\d+/);
  assert.equal(h['x-content-type-options'], 'nosniff');
  assert.equal(h['referrer-policy'], 'same-origin');
  assert.match(h['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(h['cache-control'], 'no-store');
});

test('request ids differ per request and appear in the service log with the route', async () => {
  const a = await get('/healthz'), b = await get('/healthz');
  assert.notEqual(a.headers['x-request-id'], b.headers['x-request-id']);
  const id = b.headers['x-request-id'];
  const line = await waitFor('log line', () => logText().split('\n').find((l) => l.includes(`id=${id}`)));
  assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info /);
  assert.match(line, /tenant=- method=GET route=\/healthz status=200 dur_ms=\d+\.\d+ bytes=15 /);
});

test('HEAD works where GET does, without a body', async () => {
  const r = await request('HEAD', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.text, '');
});

test('GET /readyz is 200 with the schema versions', async () => {
  const r = await get('/readyz');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ready');
  assert.ok(r.json.control_schema >= 1);
});

test('GET /metrics from the local host is Prometheus text with requests, latency, restarts, connections', async () => {
  await get('/healthz');
  const r = await get('/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  assert.match(r.text, /^genba_requests_total\{route="\/healthz",status="200"\} \d+$/m);
  assert.match(r.text, /^genba_request_duration_seconds_bucket\{route="\/healthz",le="\+Inf"\} \d+$/m);
  assert.match(r.text, /^genba_worker_restarts_total \d+$/m);
  assert.match(r.text, /^genba_workers [1-9]\d*$/m);
  assert.match(r.text, /^genba_db_connections\{kind="control"\} \d+$/m);
});

test('an X-Forwarded-For from the client is not believed', async () => {
  const r = await get('/healthz', { headers: { 'X-Forwarded-For': '203.0.113.9', 'X-Real-IP': '203.0.113.9' } });
  const id = r.headers['x-request-id'];
  const line = await waitFor('log line', () => logText().split('\n').find((l) => l.includes(`id=${id}`)));
  assert.match(line, /addr=127\.0\.0\.1$/);
  assert.doesNotMatch(line, /203\.0\.113\.9/);
});

test('unknown routes are 404, with JSON under /api/ and a page in the console', async () => {
  ensureTenant('front-a', 'Front A');
  const api = await get('/front-a/api/v1/nope');
  assert.equal(api.status, 404);
  assert.equal(api.json.error.code, 'not_found');
  assert.match(api.json.error.request_id, /^[0-9a-f]{32}$/);
  const page = await get('/front-a/manager/nope');
  assert.equal(page.status, 404);
  assert.match(page.headers['content-type'], /^text\/html/);
  assert.match(page.text, /Page not found/);
  const top = await get('/no-such-thing');
  assert.equal(top.status, 404);
});

test('a wrong method is 405 with Allow', async () => {
  const r = await request('POST', '/healthz', { headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.allow, 'GET, HEAD');
  assert.equal(r.json.error.code, 'method_not_allowed');
  const d = await request('DELETE', '/front-a/api/v1/status');
  assert.equal(d.status, 405);
});

test('a body where none is taken is 415, not read', async () => {
  const r = await request('GET', '/front-a/api/v1/status', { headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
  assert.equal(r.status, 415);
  assert.equal(r.json.error.code, 'unexpected_body');
});

test('a body over the application limit is 413 before it is read; far over, nginx refuses it', async () => {
  const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x61);
  const r = await request('POST', '/front-a/api/v1/status', { headers: { 'Content-Type': 'application/json' }, body: big });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'body_too_large');
  assert.match(r.json.error.message, /10485760 bytes/);
  const huge = Buffer.alloc(13 * 1024 * 1024, 0x61);
  const n = await request('POST', '/front-a/api/v1/status', { headers: { 'Content-Type': 'application/json' }, body: huge });
  assert.equal(n.status, 413);
  assert.equal(n.json.error.code, 'body_too_large');
  // the service is fine afterwards
  assert.equal((await get('/front-a/api/v1/status')).status, 200);
});

const hostile = [
  ['/front-a/../healthz', 400],
  ['/front-a/%2e%2e/healthz', 400],
  ['/front-a/%2E%2E/%2E%2E/etc/passwd', 400],
  ['/./healthz', 400],
  ['/front-a/api/v1/status%00', 400],
  ['/front-a%00/api/v1/status', 400],
  ['/front-a/api/v1/%2fstatus', 400],
  ['/front-a/api/v1/st%5catus', 400],
  ['/front-a/api/v1/%0d%0aX-Injected:%201', 400],
  ['/front-a/api/v1/%ff%fe', 400],
  ['/front-a/api/v1/%c0%af', 400],
  ['/front-a/api/v1/%zz', 400],
  ['/front-a//api/v1/status', 400],
  [`/${'a'.repeat(33)}/api/v1/status`, 404],
  [`/${'a'.repeat(300)}/api/v1/status`, 404],
  ['/FRONT-A/api/v1/status', 404],
  ['/front_a/api/v1/status', 404],
  ['/x/api/v1/status', 404],
  ['/api/api/v1/status', 404],
  ['/-front/api/v1/status', 404],
  [`/front-a/${'x/'.repeat(40)}`, 404],
  [`/front-a/api/v1/${'%41'.repeat(3000)}`, 400],
];
for (const [p, want] of hostile) {
  test(`hostile path ${p.length > 60 ? p.slice(0, 60) + '…' : p} → ${want}`, async () => {
    const r = await get(p);
    assert.equal(r.status, want, r.text.slice(0, 200));
    assert.ok(!('x-injected' in r.headers));
  });
}

test('after all that, nothing crashed: no 500 and no worker restart', async () => {
  const m = await get('/metrics');
  assert.doesNotMatch(m.text, /status="5\d\d"/);
  assert.match(m.text, /^genba_worker_restarts_total 0$/m);
});

test('a chunked body (no Content-Length) where none is taken is 415 too', async () => {
  const r = await request('POST', '/front-a/api/v1/status', {
    headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, body: '{"a":1}',
  });
  assert.ok(r.status === 415 || r.status === 405, `${r.status}`);
  const g = await request('GET', '/front-a/api/v1/status', { headers: { 'Transfer-Encoding': 'chunked' }, body: 'x' });
  assert.equal(g.status, 415);
  assert.equal(g.json.error.code, 'unexpected_body');
});

test('workers run as the configured unprivileged user; the master stays root', async () => {
  const { readFileSync } = await import('node:fs');
  const { pidOf, childrenOf, env } = await import('./lib.mjs');
  const uid = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)[1]);
  const master = pidOf(env.GENBA_FCGI_PIDFILE);
  const user = readFileSync(env.GENBA_CONF, 'utf8').match(/^user = (.*)$/m)[1];
  const want = Number((await import('node:child_process')).spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
  assert.equal(uid(master), 0);
  const kids = childrenOf(master);
  assert.ok(kids.length > 0);
  for (const k of kids) assert.equal(uid(k), want, `worker ${k}`);
  assert.equal((await get('/healthz')).status, 200);
});
