// Master key rotation, migrations, and workers refusing unknown schemas.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { ctl, sql, get, ensureTenant, masterKey, openSealed, wrapped, env, waitFor } from './lib.mjs';

before(() => {
  ensureTenant('keys-a', 'Keys A');
  ensureTenant('keys-b', 'Keys B');
});

test('the master key file is 0600', () => {
  assert.equal(statSync(`${env.GENBA_DIR}/master.key`).mode & 0o777, 0o600);
});

test('key rotate-master re-wraps every tenant key; the old master key opens none; service continues', async () => {
  const oldKey = masterKey();
  const dkBefore = openSealed(oldKey, 'genba/master|keys-a|datakey', wrapped('keys-a', 'data_key_wrapped'));
  const r = ctl('key', 'rotate-master');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /master key rotated: \d+ tenant keys? re-wrapped/);
  assert.match(r.stdout, /told to reload/);
  assert.ok(!existsSync(`${env.GENBA_DIR}/master.key.new`));
  const newKey = masterKey();
  assert.notDeepEqual(newKey, oldKey);
  assert.equal(statSync(`${env.GENBA_DIR}/master.key`).mode & 0o777, 0o600);
  const blob = wrapped('keys-a', 'data_key_wrapped');
  assert.throws(() => openSealed(oldKey, 'genba/master|keys-a|datakey', blob));
  // the data key itself is unchanged (so data encrypted with it stays readable)
  assert.deepEqual(openSealed(newKey, 'genba/master|keys-a|datakey', blob), dkBefore);
  // workers were reloaded with the new key and serve every tenant
  await waitFor('tenants served after rotation', async () =>
    (await get('/keys-a/api/v1/status')).status === 200 && (await get('/keys-b/api/v1/status')).status === 200);
  const rows = sql("SELECT command, result FROM genba_control.operator_audit WHERE command = 'key rotate-master'").stdout;
  assert.match(rows, /key rotate-master\tok/);
});

test('migrate is safe to run twice and reports per tenant', () => {
  let r = ctl('migrate');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^control: up to date \(schema \d+\)$/m);
  assert.match(r.stdout, /^keys-a: up to date \(schema \d+\)$/m);
  assert.match(r.stdout, /tenants? checked, 0 failed$/m);
  r = ctl('migrate', '--tenant', 'keys-b');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^keys-b: up to date/m);
  assert.doesNotMatch(r.stdout, /^keys-a:/m);
  r = ctl('migrate', '--tenant', 'no-such');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no tenant no-such/);
});

test('migrate brings a tenant whose schema is behind up to date', async () => {
  // forget the last migration of keys-b, as if it were created by an older build
  const v = Number(sql("SELECT MAX(version) FROM genba_t_keys_b.schema_migrations").stdout);
  // the version before it (numbers may skip one another change reserved)
  const prev = Number(sql(`SELECT MAX(version) FROM genba_t_keys_b.schema_migrations WHERE version < ${v}`).stdout);
  sql(`DELETE FROM genba_t_keys_b.schema_migrations WHERE version = ${v}`);
  sql(`UPDATE genba_control.tenants SET schema_version = ${prev} WHERE code = 'keys-b'`);
  const refused = await get('/keys-b/api/v1/status');
  assert.equal(refused.status, 503);
  assert.equal(refused.json.error.code, 'schema_outdated');
  assert.ok(refused.headers['retry-after']);
  assert.equal((await get('/keys-a/api/v1/status')).status, 200, 'other tenants keep serving');
  const r = ctl('migrate');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^keys-b: migrated ${prev} -> ${v}$`, 'm'));
  assert.equal((await get('/keys-b/api/v1/status')).status, 200);
});

test('a worker refuses a tenant whose schema is newer than it knows, and says why', async () => {
  sql("UPDATE genba_control.tenants SET schema_version = 9999 WHERE code = 'keys-a'");
  try {
    const r = await get('/keys-a/api/v1/status');
    assert.equal(r.status, 503);
    assert.equal(r.json.error.code, 'schema_unknown');
    assert.match(r.json.error.message, /newer than this server/);
    const log = (await import('./lib.mjs')).logText();
    assert.match(log, /tenant keys-a: schema version 9999 is newer than this server knows/);
  } finally {
    sql("UPDATE genba_control.tenants SET schema_version = (SELECT MAX(version) FROM genba_t_keys_a.schema_migrations) WHERE code = 'keys-a'");
  }
  assert.equal((await get('/keys-a/api/v1/status')).status, 200);
});

test('readyz says so when the control schema is not what this build needs', async () => {
  const v = Number(sql('SELECT MAX(version) FROM genba_control.schema_migrations').stdout);
  sql(`INSERT INTO genba_control.schema_migrations (version, name, checksum) VALUES (${v + 100}, 'from-the-future', REPEAT('0',64))`);
  try {
    const r = await get('/readyz');
    assert.equal(r.status, 503);
    assert.equal(r.json.error.code, 'schema_mismatch');
  } finally {
    sql(`DELETE FROM genba_control.schema_migrations WHERE version = ${v + 100}`);
  }
  assert.equal((await get('/readyz')).status, 200);
});
