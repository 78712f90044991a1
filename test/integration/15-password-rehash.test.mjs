// Password hashes follow the configured argon2id cost: when the operator
// raises it (argon2_time), a user's hash is renewed at the next sign-in,
// and hashes made with the old cost keep working until then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { request, ensureTenant, sql, env, pidOf, workersOf as childrenOf, waitFor } from './lib.mjs';

const T = 'rehash-a';
const json = (method, path, body, token) => request(method, path, {
  headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  body: body ? JSON.stringify(body) : null,
});
const hashOf = (login) => sql(`SELECT password_hash FROM genba_t_rehash_a.users WHERE login='${login}'`).stdout;

async function reload() {
  const master = pidOf(env.GENBA_FCGI_PIDFILE);
  const old = childrenOf(master);
  process.kill(master, 'SIGHUP');
  await waitFor('new workers', () => {
    const c = childrenOf(master);
    return c.length > 0 && c.every((p) => !old.includes(p));
  });
}

test('raising argon2_time renews a hash at the next sign-in, without locking anyone out', async () => {
  const first = ensureTenant(T);
  let r = await json('POST', `/${T}/api/v1/sessions`, { user: 'admin', password: first });
  assert.equal(r.status, 201, r.text);
  const pw = 'Rehash-when-cost-rises-42';
  r = await json('POST', `/${T}/api/v1/account/password`, { current: first, new: pw }, r.json.token);
  assert.equal(r.status, 204, r.text);
  assert.match(hashOf('admin'), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

  // signing in again at the same cost leaves the hash alone
  const before = hashOf('admin');
  assert.equal((await json('POST', `/${T}/api/v1/sessions`, { user: 'admin', password: pw })).status, 201);
  assert.equal(hashOf('admin'), before);

  const good = readFileSync(env.GENBA_CONF, 'utf8');
  writeFileSync(env.GENBA_CONF, `${good}\nargon2_time = 3\n`);
  try {
    await reload();
    // a wrong password changes nothing
    assert.equal((await json('POST', `/${T}/api/v1/sessions`, { user: 'admin', password: 'not-the-password-1' })).status, 401);
    assert.equal(hashOf('admin'), before);
    // the right one is accepted with the old hash, and the hash is renewed
    assert.equal((await json('POST', `/${T}/api/v1/sessions`, { user: 'admin', password: pw })).status, 201);
    const after = hashOf('admin');
    assert.match(after, /^\$argon2id\$v=19\$m=19456,t=3,p=1\$/);
    assert.notEqual(after, before);
    assert.equal((await json('POST', `/${T}/api/v1/sessions`, { user: 'admin', password: pw })).status, 201);
    assert.equal(hashOf('admin'), after, 'renewed once, not at every sign-in');
  } finally {
    writeFileSync(env.GENBA_CONF, good);
    await reload();
  }
  // back at the lower cost, the stronger hash still verifies and is kept
  assert.equal((await json('POST', `/${T}/api/v1/sessions`, { user: 'admin', password: pw })).status, 201);
  assert.match(hashOf('admin'), /t=3/);
});

test('a cost below the minimum is refused by the configuration', async () => {
  const { spawnSync } = await import('node:child_process');
  const bad = `${env.GENBA_DIR}/bad.conf`;
  writeFileSync(bad, readFileSync(env.GENBA_CONF, 'utf8') + '\nargon2_memory = 4096\n', { mode: 0o600 });
  const parts = env.GENBA_CTL.split(' ');
  const r = spawnSync(parts[0], ['-c', bad, 'tenant', 'list'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /argon2_memory must be at least 19456/);
});
