// Tenants: created with genbactl, each answering on its own path, suspended
// and resumed, with clear errors for operators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get, ctl, sql, env } from './lib.mjs';
import { spawnSync } from 'node:child_process';

test('genbactl tenant create --json prints the code and a one-time admin password', () => {
  const r = ctl('--json', 'tenant', 'create', 'tenant-a', '--name', 'Acme 製作所', '--contact', 'ops@acme.example',
    '--plan', 'annual', '--quota', '40GiB', '--users', '25');
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.code, 'tenant-a');
  assert.equal(o.admin.login, 'admin');
  assert.match(o.admin.password, /^[A-Za-z0-9]{20}$/);
  // the password is stored only as an argon2id hash, and must be changed
  const row = sql("SELECT password_hash, must_change_password, is_admin FROM genba_t_tenant_a.users WHERE login='admin'");
  assert.match(row.stdout, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.ok(!row.stdout.includes(o.admin.password));
  assert.match(row.stdout, /\t1\t1$/);
});

test('genbactl tenant create (text) for a second tenant', () => {
  const r = ctl('tenant', 'create', 'tenant-b', '--name', 'Beta Works', '--contact', 'b@beta.example');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^tenant tenant-b created \(database genba_t_tenant_b, schema \d+, contract from \d{4}-\d\d-01, time zone Asia\/Tokyo\)$/m);
  assert.match(r.stdout, /one-time password [A-Za-z0-9]{20}/);
});

test('each tenant answers on its own path with its own data', async () => {
  const a = await get('/tenant-a/api/v1/status');
  assert.equal(a.status, 200);
  assert.equal(a.json.tenant, 'tenant-a');
  assert.equal(a.json.name, 'Acme 製作所');
  const b = await get('/tenant-b/api/v1/status');
  assert.equal(b.json.name, 'Beta Works');
  // the console sends a visitor without a session to its own sign-in page
  const home = await get('/tenant-a/manager/');
  assert.equal(home.status, 303);
  assert.match(home.headers.location, /^\/tenant-a\/manager\/login\?next=/);
  const page = await get('/tenant-a/manager/login', { headers: { 'Accept-Language': 'ja,en;q=0.5' } });
  assert.equal(page.status, 200);
  assert.match(page.text, /<html lang="ja">/);
  assert.match(page.text, /Acme 製作所/);
  assert.doesNotMatch(page.text, /Beta Works/);
  const en = await get('/tenant-b/manager/login', { headers: { 'Accept-Language': 'en-US' } });
  assert.match(en.text, /Sign in to the console/);
  assert.match(en.text, /Beta Works/);
});

test('names are escaped on output', async () => {
  const r = ctl('tenant', 'create', 'tenant-x', '--name', '<script>alert(1)</script>&"', '--contact', 'x@x.example');
  assert.equal(r.status, 0, r.stderr);
  const page = await get('/tenant-x/manager/login');
  assert.doesNotMatch(page.text, /<script>alert/);
  assert.match(page.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&amp;&quot;/);
});

test('an unknown tenant is 404 on API and console paths', async () => {
  const r = await get('/tenant-zz/api/v1/status');
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'tenant_not_found');
  assert.equal((await get('/tenant-zz/manager/')).status, 404);
});

test('a suspended tenant answers 403 with a clear message; resume restores it; nothing is deleted', async () => {
  let r = ctl('tenant', 'suspend', 'tenant-b', '--reason', 'invoice overdue');
  assert.equal(r.status, 0, r.stderr);
  const api = await get('/tenant-b/api/v1/status');
  assert.equal(api.status, 403);
  assert.equal(api.json.error.code, 'tenant_suspended');
  assert.match(api.json.error.message, /suspended/);
  const page = await get('/tenant-b/manager/', { headers: { 'Accept-Language': 'ja' } });
  assert.equal(page.status, 403);
  assert.match(page.text, /アクセスできません/);
  assert.equal((await get('/tenant-a/api/v1/status')).status, 200, 'other tenants unaffected');
  r = ctl('tenant', 'show', 'tenant-b');
  assert.match(r.stdout, /status +suspended: invoice overdue/);
  r = ctl('tenant', 'suspend', 'tenant-b');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /already suspended/);
  r = ctl('tenant', 'resume', 'tenant-b');
  assert.equal(r.status, 0);
  assert.equal((await get('/tenant-b/api/v1/status')).status, 200);
  assert.equal(sql('SELECT COUNT(*) FROM genba_t_tenant_b.users').stdout, '1');
});

test('tenant list and show describe plan, quota, contract and storage', () => {
  const l = ctl('tenant', 'list');
  assert.equal(l.status, 0);
  assert.match(l.stdout, /^tenant-a +active +annual +40\.0 GiB +Acme 製作所$/m);
  const s = ctl('--json', 'tenant', 'show', 'tenant-a');
  const o = JSON.parse(s.stdout);
  assert.equal(o.plan, 'annual');
  assert.equal(o.quota_bytes, 40 * 1024 ** 3);
  assert.match(o.contract_start, /^\d{4}-\d\d-01$/);
  assert.match(o.contract_end, /^\d{4}-\d\d-\d\d$/);
  assert.ok(o.used_bytes > 0);
  assert.equal(o.contacts, 'ops@acme.example');
});

test('genbactl refuses bad input with exit 2 and a reason, and duplicates with exit 1', () => {
  const cases = [
    [['tenant', 'create', 'Acme', '--name', 'x', '--contact', 'a@b.example'], 2, /lowercase/],
    [['tenant', 'create', 'api', '--name', 'x', '--contact', 'a@b.example'], 2, /reserved/],
    [['tenant', 'create', 'a', '--name', 'x', '--contact', 'a@b.example'], 2, /2 to 32/],
    [['tenant', 'create', 'okcode', '--contact', 'a@b.example'], 2, /--name is required/],
    [['tenant', 'create', 'okcode', '--name', 'x', '--contact', 'not-an-email'], 2, /valid email/],
    [['tenant', 'create', 'okcode', '--name', 'x', '--contact', 'a@b.example', '--quota', 'lots'], 2, /--quota/],
    [['tenant', 'create', 'okcode', '--name', 'x', '--contact', 'a@b.example', '--plan', 'weekly'], 2, /--plan/],
    [['tenant', 'create', 'okcode', '--name'], 2, /usage/],
    [['tenant', 'frobnicate'], 2, /unknown tenant command/],
    [['bogus'], 2, /unknown command/],
    [['tenant', 'show', 'no-such'], 1, /no tenant no-such/],
    [['tenant', 'suspend', 'no-such'], 1, /no tenant no-such/],
    [['tenant', 'create', 'tenant-a', '--name', 'x', '--contact', 'a@b.example'], 1, /already exists/],
  ];
  for (const [args, code, msg] of cases) {
    const r = ctl(...args);
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg, args.join(' '));
  }
  assert.equal(sql("SELECT COUNT(*) FROM genba_control.tenants WHERE code='okcode'").stdout, '0');
});

test('genbactl with a missing configuration or an unreachable database says what to do', () => {
  const bin = env.GENBA_CTL.split(' ')[0];
  let r = spawnSync(bin, ['-c', '/nonexistent/genba.conf', 'tenant', 'list'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot read configuration \/nonexistent\/genba\.conf/);
  r = spawnSync('sh', ['-c', `sed 's|^db_socket = .*|db_socket = /nonexistent.sock|' ${env.GENBA_CONF} > ${env.GENBA_DIR}/bad.conf && ${bin} -c ${env.GENBA_DIR}/bad.conf tenant list`], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot connect to MariaDB/);
  assert.match(r.stderr, /is MariaDB running/);
});

test('every operator action is in the operator audit log with the OS user and result', () => {
  const rows = sql("SELECT os_user, command, COALESCE(tenant_code,'-'), result FROM genba_control.operator_audit ORDER BY id").stdout;
  assert.match(rows, /^root\ttenant create tenant-a .*\ttenant-a\tok$/m);
  assert.match(rows, /^root\ttenant suspend tenant-b --reason invoice overdue\ttenant-b\tok$/m);
  assert.match(rows, /^root\ttenant create tenant-a --name x --contact a@b.example\ttenant-a\tfailed$/m);
});
