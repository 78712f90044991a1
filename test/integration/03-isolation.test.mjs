// Tenants never meet: own MariaDB account with grants on its own database
// alone; data keys wrapped per tenant; sealed blobs bound to their context.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sql, ensureTenant, masterKey, openSealed, wrapped, get } from './lib.mjs';

let pwA;
before(() => {
  ensureTenant('iso-a', 'Iso A');
  ensureTenant('iso-b', 'Iso B');
  // tenant iso-a's database password, unwrapped the way a worker does it
  pwA = openSealed(masterKey(), 'genba/master|iso-a|dbpass', wrapped('iso-a', 'db_password_wrapped')).toString();
  assert.match(pwA, /^[0-9a-f]{48}$/);
});

test("tenant A's account reads its own database", () => {
  const r = sql('SELECT login FROM genba_t_iso_a.users', { user: 'genba_t_iso_a', password: pwA });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'admin');
});

test("tenant A's account cannot read, write or even see tenant B's database", () => {
  for (const q of ['SELECT * FROM genba_t_iso_b.users', "INSERT INTO genba_t_iso_b.settings VALUES ('x','y',NOW())",
    'USE genba_t_iso_b']) {
    const r = sql(q, { user: 'genba_t_iso_a', password: pwA });
    assert.notEqual(r.status, 0, q);
    assert.match(r.stderr, /denied/i, q);
  }
  const dbs = sql('SHOW DATABASES', { user: 'genba_t_iso_a', password: pwA }).stdout.split('\n');
  assert.ok(!dbs.includes('genba_t_iso_b'));
  assert.ok(!dbs.includes('genba_control'));
});

test("tenant A's account cannot read the control database or change its own schema", () => {
  for (const q of ['SELECT * FROM genba_control.tenants', 'CREATE TABLE genba_t_iso_a.x (i INT)',
    'DROP TABLE genba_t_iso_a.users', 'ALTER TABLE genba_t_iso_a.users ADD COLUMN z INT',
    "GRANT SELECT ON genba_t_iso_a.users TO 'genba_t_iso_b'@'localhost'"]) {
    const r = sql(q, { user: 'genba_t_iso_a', password: pwA });
    assert.notEqual(r.status, 0, q);
    assert.match(r.stderr, /denied/i, q);
  }
});

test("tenant B's password does not open tenant A's account", () => {
  const pwB = openSealed(masterKey(), 'genba/master|iso-b|dbpass', wrapped('iso-b', 'db_password_wrapped')).toString();
  assert.notEqual(pwA, pwB);
  const r = sql('SELECT 1', { user: 'genba_t_iso_a', password: pwB });
  assert.notEqual(r.status, 0);
});

test('wrapped keys live in the control database only, never in the tenant database', () => {
  const dk = wrapped('iso-a', 'data_key_wrapped').toString('hex');
  const hits = sql(`SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'genba_t_iso_a' AND column_name LIKE '%key%' AND column_name NOT LIKE 'system\\_key%'`);   // a report's system keys are the customer's labels, not keys
  assert.equal(hits.stdout, '0');
  const dump = sql('SELECT * FROM genba_t_iso_a.users').stdout + sql('SELECT * FROM genba_t_iso_a.settings').stdout;
  assert.ok(!dump.includes(dk));
});

test("a wrapped data key opens only for its own tenant, and not after one flipped bit", () => {
  const key = masterKey();
  const blob = wrapped('iso-a', 'data_key_wrapped');
  const dk = openSealed(key, 'genba/master|iso-a|datakey', blob);
  assert.equal(dk.length, 32);
  assert.throws(() => openSealed(key, 'genba/master|iso-b|datakey', blob));
  assert.throws(() => openSealed(key, 'genba/master|iso-a|dbpass', blob));
  for (const i of [0 + 21, 30, blob.length - 1]) {
    const bad = Buffer.from(blob);
    bad[i] ^= 0x01;
    assert.throws(() => openSealed(key, 'genba/master|iso-a|datakey', bad), `byte ${i}`);
  }
  const dkB = openSealed(key, 'genba/master|iso-b|datakey', wrapped('iso-b', 'data_key_wrapped'));
  assert.notDeepEqual(dk, dkB);
});

test("a wrapped key copied onto another tenant's row makes that tenant fail closed, not open with the wrong key", async () => {
  const orig = sql("SELECT HEX(data_key_wrapped) FROM genba_control.tenants WHERE code='iso-b'").stdout;
  sql("UPDATE genba_control.tenants b JOIN genba_control.tenants a ON a.code='iso-a' SET b.data_key_wrapped = a.data_key_wrapped WHERE b.code='iso-b'");
  try {
    const r = await get('/iso-b/api/v1/status');
    assert.equal(r.status, 500);
    assert.equal(r.json.error.code, 'internal_error');
    assert.equal((await get('/iso-a/api/v1/status')).status, 200);
  } finally {
    sql(`UPDATE genba_control.tenants SET data_key_wrapped = UNHEX('${orig}') WHERE code='iso-b'`);
  }
  assert.equal((await get('/iso-b/api/v1/status')).status, 200);
});
