// `genbactl migrate` while the service is serving: the tenant being
// migrated is refused with 503 schema_outdated (and Retry-After) until its
// migration is done, then serves again; every other tenant keeps serving
// without a single error while it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ensureTenant, get, sql, env } from './lib.mjs';

test('migrate keeps other tenants serving', async () => {
  ensureTenant('mig-a');
  ensureTenant('mig-b');
  // mig-a's newest migration is undone in the books, as if it were pending
  const v = Number(sql('SELECT MAX(version) FROM genba_t_mig_a.schema_migrations').stdout);
  assert.ok(v > 1);
  sql(`DELETE FROM genba_t_mig_a.schema_migrations WHERE version = ${v}`);
  sql(`UPDATE genba_control.tenants SET schema_version = ${v - 1} WHERE code = 'mig-a'`);
  const refused = await get('/mig-a/api/v1/status');
  assert.equal(refused.status, 503);
  assert.equal(refused.json.error.code, 'schema_outdated');
  assert.match(refused.headers['retry-after'], /^\d+$/);

  // load on mig-b for the whole run of migrate
  let running = true, ok = 0;
  const bad = [];
  const load = (async () => {
    while (running) {
      const r = await get('/mig-b/api/v1/status');
      if (r.status === 200) ok++;
      else bad.push(r.status);
    }
  })();
  const parts = env.GENBA_CTL.split(' ');
  const code = await new Promise((resolve) => {
    const p = spawn(parts[0], [...parts.slice(1), 'migrate'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('close', (c) => { process.stdout.write(`# ${out.split('\n').filter((l) => /mig-/.test(l)).join(' | ')}\n`); resolve(c); });
  });
  await new Promise((r) => setTimeout(r, 300));
  running = false;
  await load;
  assert.equal(code, 0);
  assert.deepEqual(bad, [], 'mig-b answered every request while migrate ran');
  assert.ok(ok > 5, `mig-b served ${ok} requests during the run`);
  const back = await get('/mig-a/api/v1/status');
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.schema_version, v);
});
