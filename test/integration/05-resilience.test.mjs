// Resilience: a worker killed under load, a reload, the database going away
// and coming back, and a draining stop.  Runs last: it restarts services.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { get, ensureTenant, env, pidOf, workersOf as childrenOf, alive, sleep, waitFor, stack, base, logText } from './lib.mjs';

const conf = (k) => Number((spawnSync('sh', ['-c', `grep '^${k} ' ${env.GENBA_CONF} | cut -d= -f2`], { encoding: 'utf8' }).stdout || '').trim());
let threads, workers;

before(() => {
  ensureTenant('res-a', 'Resilience A');
  threads = conf('threads');
  workers = conf('workers');
});

function runWrk(path, seconds, conns) {
  // wrk verifies nothing about TLS; the other tests do.  Output parsed below.
  return new Promise((resolve) => {
    const p = spawn('wrk', ['-t2', `-c${conns}`, `-d${seconds}s`, `${base}${path}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('close', () => {
      const total = Number((out.match(/(\d+) requests in/) || [])[1] || 0);
      const non2xx = Number((out.match(/Non-2xx or 3xx responses: (\d+)/) || [])[1] || 0);
      const m = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
      const sockErr = m ? m.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0;
      resolve({ total, non2xx, sockErr, out });
    });
  });
}

test('kill -9 of a worker under load: the master restarts it and the service keeps answering', async () => {
  const master = pidOf(env.GENBA_FCGI_PIDFILE);
  const before = childrenOf(master);
  assert.equal(before.length, workers);
  const load = runWrk('/res-a/api/v1/status', 4, 16);
  await sleep(1500);
  const victim = before[0];
  process.kill(victim, 'SIGKILL');
  const r = await load;
  assert.ok(r.total > 100, r.out);
  // only the requests the killed worker was serving may fail: one per thread
  assert.ok(r.non2xx + r.sockErr <= threads, `${r.non2xx} non-2xx and ${r.sockErr} socket errors with ${threads} threads per worker\n${r.out}`);
  const after = await waitFor('a replacement worker', () => {
    const c = childrenOf(master);
    return c.length === workers && !c.includes(victim) ? c : null;
  });
  assert.ok(after.every(alive));
  const m = await get('/metrics');
  assert.match(m.text, /^genba_worker_restarts_total [1-9]\d*$/m);
  assert.equal((await get('/res-a/api/v1/status')).status, 200);
});

test('SIGHUP replaces every worker without refusing requests', async () => {
  const master = pidOf(env.GENBA_FCGI_PIDFILE);
  const old = childrenOf(master);
  const load = runWrk('/healthz', 3, 8);
  await sleep(1000);
  process.kill(master, 'SIGHUP');
  const r = await load;
  // requests were really sent across the reload (a wrk that sent nothing has no errors either)
  assert.ok(r.total > 0, `wrk sent no request\n${r.out}`);
  assert.equal(r.non2xx + r.sockErr, 0, r.out);
  const now = await waitFor('new generation', () => {
    const c = childrenOf(master);
    return c.length === workers && c.every((p) => !old.includes(p)) ? c : null;
  });
  assert.equal(now.length, workers);
  assert.ok(alive(master), 'the master itself stays');
});

test('a SIGHUP with a configuration whose workers cannot start keeps the running workers', async () => {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const master = pidOf(env.GENBA_FCGI_PIDFILE);
  const old = childrenOf(master).sort();
  const good = readFileSync(env.GENBA_CONF, 'utf8');
  writeFileSync(env.GENBA_CONF, good.replace(/^templates_dir = .*$/m, 'templates_dir = /nonexistent/templates'));
  try {
    process.kill(master, 'SIGHUP');
    await waitFor('reload refused in the log', () => /reload failed: the new workers did not start/.test(logText()), { timeout: 30000 });
    assert.deepEqual(childrenOf(master).sort(), old, 'the same workers serve');
    assert.equal((await get('/res-a/api/v1/status')).status, 200);
  } finally {
    writeFileSync(env.GENBA_CONF, good);
  }
  process.kill(master, 'SIGHUP');
  await waitFor('a good reload', () => {
    const c = childrenOf(master);
    return c.length === workers && c.every((p) => !old.includes(p));
  });
  assert.equal((await get('/res-a/api/v1/status')).status, 200);
});

test('a worker that keeps dying is restarted with growing delays, and the others keep serving', async () => {
  const master = pidOf(env.GENBA_FCGI_PIDFILE);
  const others = childrenOf(master);
  let victim = others[0];
  for (let i = 0; i < 3; i++) {
    process.kill(victim, 'SIGKILL');
    victim = await waitFor('its replacement', () => childrenOf(master).find((p) => !others.includes(p)), { timeout: 20000 });
    others.push(victim);
  }
  assert.match(logText(), /worker slot \d+ keeps dying; next start in [12]s/);
  assert.equal((await get('/res-a/api/v1/status')).status, 200);
  await waitFor('all workers back', () => childrenOf(master).length === workers);
});

test('MariaDB stopped: readyz and tenant routes answer 503 with Retry-After; healthz stays 200; recovery without restart', async () => {
  const fcgi = pidOf(env.GENBA_FCGI_PIDFILE);
  const workersBefore = childrenOf(fcgi);
  assert.equal((await get('/res-a/api/v1/status')).status, 200);
  stack('db-stop');
  try {
    for (const p of ['/readyz', '/res-a/api/v1/status', '/res-a/manager/']) {
      const r = await get(p);
      assert.equal(r.status, 503, p);
      assert.match(r.headers['retry-after'] || '', /^\d+$/, p);
    }
    const api = await get('/res-a/api/v1/status');
    assert.equal(api.json.error.code, 'database_unavailable');
    const page = await get('/res-a/manager/', { headers: { 'Accept-Language': 'ja' } });
    assert.match(page.text, /一時的に利用できません/);
    assert.equal((await get('/healthz')).status, 200);
  } finally {
    stack('db-start');
  }
  // every thread's connections come back by themselves
  await waitFor('recovery', async () => (await get('/readyz')).status === 200, { timeout: 180000 });
  for (let i = 0; i < 4 * workers * threads; i++) {
    const r = await get('/res-a/api/v1/status');
    assert.equal(r.status, 200, `request ${i} after the database returned: ${r.text}`);
  }
  assert.deepEqual(childrenOf(fcgi).sort(), workersBefore.sort(), 'no worker was restarted');
});

test('SIGTERM: requests in flight finish, new ones are refused, the master exits', async () => {
  const master = pidOf(env.GENBA_FCGI_PIDFILE);
  const slow = [1, 2, 3].map(() => get('/__test/sleep?ms=1500'));
  await sleep(400);
  process.kill(master, 'SIGTERM');
  await sleep(200);
  const late = await get('/healthz');
  assert.equal(late.status, 503, 'nginx answers for the stopped service');
  assert.equal(late.json.error.code, 'unavailable');
  const done = await Promise.all(slow);
  for (const r of done) {
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.slept_ms, 1500);
  }
  await waitFor('master exit', () => !alive(master), { timeout: 20000 });
  stack('fcgi-restart');
  await waitFor('service back', async () => (await get('/res-a/api/v1/status')).status === 200);
});
