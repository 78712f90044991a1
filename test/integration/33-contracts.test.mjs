// Contracts (start after signing, the 25th rule, renewals, the daily job
// that suspends ended contracts) and storage quotas, through genbactl.
// Dates are given with --date and the tenants' contract dates are set in
// the past, so the other tests' tenants (contracts from next month) are
// never touched.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { get, ctl, sql, ensureTenant } from './lib.mjs';

const H = 3600e3;
const q = (s) => sql(s).stdout;
const contract = (code) => q(`SELECT plan, contract_months, contract_signed, contract_start, COALESCE(contract_end, '-') `
  + `FROM genba_control.tenants WHERE code = '${code}'`).split('\t');
const statusOf = (code) => {
  const [status, reason = ''] = q(`SELECT status, COALESCE(status_reason, '') FROM genba_control.tenants WHERE code = '${code}'`).split('\t');
  return [status, reason];
};
const lastAudit = (like) => q(`SELECT result, COALESCE(tenant_code, ''), COALESCE(detail, '') FROM genba_control.operator_audit `
  + `WHERE command LIKE '${like}' ORDER BY id DESC LIMIT 1`).split('\t');
function due(date) {
  const r = ctl('--json', 'contracts', 'due', '--date', date);
  assert.equal(r.status, 0, r.stderr);
  return Object.fromEntries(JSON.parse(r.stdout).filter((x) => x.code.startsWith('ct-')).map((x) => [x.code, x]));
}
function setDates(code, { signed, start, end = null, months }) {
  const r = sql(`UPDATE genba_control.tenants SET contract_signed = '${signed}', contract_start = '${start}', `
    + `contract_end = ${end ? `'${end}'` : 'NULL'}, contract_months = ${months} WHERE code = '${code}'`);
  assert.equal(r.status, 0, r.stderr);
}

let fresh = true;   // the tenants were created by this run (not by an earlier one on the same stack)
before(() => {
  for (const [code, plan, extra] of [['ct-monthly', 'monthly', []], ['ct-monthly2', 'monthly', []],
    ['ct-annual', 'annual', []], ['ct-multi', 'multi-month', ['--months', '3']]]) {
    const r = ctl('tenant', 'create', code, '--name', `Contract ${code}`, '--contact', `ops@${code}.example`, '--plan', plan, ...extra);
    assert.ok(r.status === 0 || /already exists/.test(r.stderr), r.stderr);
    if (r.status !== 0) fresh = false;
  }
  // a second run on the same stack starts from the same state
  sql("UPDATE genba_control.tenants SET status = 'active', status_reason = NULL, quota_bytes = 21474836480 WHERE code LIKE 'ct-%'");
});

test('tenant create: the contract starts on the first of next month; fixed terms record their end and length', (t) => {
  if (!fresh) { t.skip('the tenants were created by an earlier run'); return; }
  const n = new Date(Date.now() + 9 * H);   // today in JST, as genbactl counts
  const first = new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() + 1, 1));
  const lastOf = (months) => new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + months, 0)).toISOString().slice(0, 10);
  const day = (d) => d.toISOString().slice(0, 10);
  const today = day(new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate())));
  assert.deepEqual(contract('ct-monthly'), ['monthly', '1', today, day(first), '-']);
  assert.deepEqual(contract('ct-annual'), ['annual', '12', today, day(first), lastOf(12)]);
  assert.deepEqual(contract('ct-multi'), ['multi-month', '3', today, day(first), lastOf(3)]);
});

test('contracts due: what renews or ends this month, around the 25th', () => {
  setDates('ct-monthly', { signed: '2025-01-10', start: '2025-02-01', months: 1 });
  setDates('ct-monthly2', { signed: '2024-12-26', start: '2025-01-01', months: 1 });
  setDates('ct-annual', { signed: '2024-01-10', start: '2024-02-01', end: '2025-01-31', months: 12 });
  setDates('ct-multi', { signed: '2024-10-05', start: '2024-11-01', end: '2025-01-31', months: 3 });
  sql(`DELETE r FROM genba_control.contract_requests r JOIN genba_control.tenants t ON t.id = r.tenant_id WHERE t.code LIKE 'ct-%'`);
  let d = due('2025-01-20');
  assert.equal(d['ct-monthly'], undefined, 'starts next month');
  assert.deepEqual([d['ct-monthly2'].due, d['ct-monthly2'].date], ['renews', '2025-01-31']);
  assert.match(d['ct-monthly2'].note, /unless cancelled by 2025-01-25/);
  assert.deepEqual([d['ct-annual'].due, d['ct-annual'].date, d['ct-annual'].note], ['ends', '2025-01-31', 'ends unless renewed by 2025-01-25']);
  assert.deepEqual([d['ct-multi'].due, d['ct-multi'].date], ['ends', '2025-01-31']);
  d = due('2025-01-26');
  assert.equal(d['ct-annual'].note, 'renewal deadline passed');
  assert.match(d['ct-monthly2'].note, /a cancellation now ends it next month/);
  d = due('2024-12-31');
  assert.equal(d['ct-annual'], undefined);
  assert.equal(d['ct-monthly2'], undefined, 'starts in January');
  const text = ctl('contracts', 'due', '--date', '2025-01-20');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^ct-annual +annual +ends +2025-01-31 +active +ends unless renewed by 2025-01-25$/m);
  assert.match(text.stdout, /^2025-01: \d+ renews?, \d+ ends?$/m);
  assert.equal(ctl('contracts', 'due', '--date', '2025-02-30').status, 2);
});

test('tenant renew: by the 25th of the last month adds a term; after it, too late', () => {
  const r = ctl('tenant', 'renew', 'ct-annual', '--date', '2025-01-25');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /annual contract renewed \(request of 2025-01-25\): ends on 2026-01-31 instead of 2025-01-31/);
  assert.equal(contract('ct-annual')[4], '2026-01-31');
  assert.equal(q("SELECT kind, requested_on, end_before, end_after, os_user FROM genba_control.contract_requests r "
    + "JOIN genba_control.tenants t ON t.id = r.tenant_id WHERE t.code = 'ct-annual'"),
  `renew\t2025-01-25\t2025-01-31\t2026-01-31\t${process.env.USER || 'root'}`);
  assert.deepEqual(lastAudit('tenant renew ct-annual%'), ['ok', 'ct-annual', 'renewal requested 2025-01-25: end 2025-01-31 -> 2026-01-31']);
  // the same request again changes nothing
  const again = ctl('tenant', 'renew', 'ct-annual', '--date', '2025-01-25');
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /already renewed until 2026-01-31/);
  assert.equal(contract('ct-annual')[4], '2026-01-31');
  const d = due('2025-01-26');
  assert.deepEqual([d['ct-annual'].due, d['ct-annual'].note], ['renews', 'renewed: next term ends 2026-01-31']);
  // multi-month, a day late
  const late = ctl('tenant', 'renew', 'ct-multi', '--date', '2025-01-26');
  assert.equal(late.status, 1);
  assert.match(late.stderr, /too late: a renewal must arrive by 2025-01-25 to take effect; the contract of ct-multi ends on 2025-01-31/);
  assert.equal(contract('ct-multi')[4], '2025-01-31');
  assert.equal(lastAudit('tenant renew ct-multi%')[0], 'failed');
  assert.equal(ctl('tenant', 'renew', 'ct-multi', '--date', '2024-01-01').status, 2);   // before signing
  assert.equal(ctl('tenant', 'renew', 'no-such-tenant').status, 1);
});

test('tenant cancel (monthly): by the 25th ends this month, after it the next', () => {
  const a = ctl('tenant', 'cancel', 'ct-monthly', '--date', '2025-03-25');
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /cancellation of 2025-03-25 recorded; the contract ends on 2025-03-31/);
  assert.equal(contract('ct-monthly')[4], '2025-03-31');
  const b = ctl('tenant', 'cancel', 'ct-monthly2', '--date', '2025-03-26');
  assert.equal(b.status, 0, b.stderr);
  assert.equal(contract('ct-monthly2')[4], '2025-04-30');
  // asking again later keeps the earlier end
  const c = ctl('tenant', 'cancel', 'ct-monthly', '--date', '2025-03-28');
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /already ends on 2025-03-31/);
  assert.equal(contract('ct-monthly')[4], '2025-03-31');
  const d = due('2025-03-10');
  assert.deepEqual([d['ct-monthly'].due, d['ct-monthly'].date, d['ct-monthly'].note], ['ends', '2025-03-31', 'cancelled']);
  assert.equal(d['ct-monthly2'].due, 'renews');
  assert.equal(due('2025-04-10')['ct-monthly2'].due, 'ends');
  // a fixed term has nothing to cancel unless a renewal is pending
  const f = ctl('tenant', 'cancel', 'ct-multi', '--date', '2025-01-10');
  assert.equal(f.status, 0, f.stderr);
  assert.match(f.stdout, /ends at its term on 2025-01-31 \(no renewal recorded\)/);
  assert.deepEqual(lastAudit('tenant cancel ct-monthly2%'), ['ok', 'ct-monthly2', 'cancellation requested 2025-03-26: end none -> 2025-04-30']);
});

test('contracts run suspends tenants whose contract ended; a suspended tenant answers 403', async () => {
  let r = ctl('contracts', 'run', '--date', '2025-01-31');
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /ct-/);
  assert.equal(statusOf('ct-multi')[0], 'active');
  r = ctl('contracts', 'run', '--date', '2025-02-01');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^tenant ct-multi suspended: its multi-month contract ended on 2025-01-31$/m);
  assert.doesNotMatch(r.stdout, /ct-annual/);
  assert.deepEqual(statusOf('ct-multi'), ['suspended', 'contract ended']);
  assert.deepEqual(statusOf('ct-annual'), ['active', '']);
  assert.deepEqual(q("SELECT result, tenant_code, detail FROM genba_control.operator_audit WHERE command LIKE 'contracts run%' "
    + "AND tenant_code = 'ct-multi' ORDER BY id DESC LIMIT 1").split('\t'),
  ['ok', 'ct-multi', 'contracts run 2025-02-01: suspended (contract ended 2025-01-31)']);
  assert.match(lastAudit('contracts run%')[2], /^run for 2025-02-01: [1-9]\d* suspended, 0 resumed, 0 failed$/);
  const api = await get('/ct-multi/api/v1/status');
  assert.equal(api.status, 403);
  assert.equal(api.json.error.code, 'tenant_suspended');
  assert.equal((await get('/ct-annual/api/v1/status')).status, 200);
  // idempotent
  r = ctl('contracts', 'run', '--date', '2025-02-01');
  assert.equal(r.status, 0);
  assert.doesNotMatch(r.stdout, /ct-multi/);
  // month ends: the monthly contract cancelled to 2025-03-31 runs on the 31st, ends on 1 April
  ctl('contracts', 'run', '--date', '2025-03-31');
  assert.equal(statusOf('ct-monthly')[0], 'active');
  r = ctl('contracts', 'run', '--date', '2025-04-01');
  assert.match(r.stdout, /tenant ct-monthly suspended: its monthly contract ended on 2025-03-31/);
  assert.equal(statusOf('ct-monthly2')[0], 'active');
  assert.equal((await get('/ct-monthly/api/v1/status')).status, 403);
  // a late withdrawal the provider accepts: the contract runs again and the tenant is resumed
  const late = ctl('tenant', 'renew', 'ct-monthly', '--date', '2025-04-02');
  assert.equal(late.status, 1);
  assert.match(late.stderr, /ended on 2025-03-31; a renewal the provider accepts anyway: --force/);
  const forced = ctl('tenant', 'renew', 'ct-monthly', '--date', '2025-04-02', '--force');
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(forced.stdout, /cancellation withdrawn/);
  assert.match(forced.stdout, /tenant ct-monthly resumed/);
  assert.equal(contract('ct-monthly')[4], '-');
  assert.deepEqual(statusOf('ct-monthly'), ['active', '']);
  assert.equal((await get('/ct-monthly/api/v1/status')).status, 200);
  // a tenant suspended by hand is never resumed by the job
  ctl('tenant', 'suspend', 'ct-monthly', '--reason', 'unpaid');
  ctl('contracts', 'run', '--date', '2025-04-02');
  assert.deepEqual(statusOf('ct-monthly'), ['suspended', 'unpaid']);
  ctl('tenant', 'resume', 'ct-monthly');
  // the job resumes what it suspended once the contract runs again: renewed late (--force) on
  // 2025-02-03 to 2025-04-30, it is over by today's date, so only the job run for 2025-02-04 resumes it
  const ren = ctl('tenant', 'renew', 'ct-multi', '--date', '2025-02-03', '--force');
  assert.equal(ren.status, 0, ren.stderr);
  assert.equal(contract('ct-multi')[4], '2025-04-30');
  assert.deepEqual(statusOf('ct-multi'), ['suspended', 'contract ended']);
  r = ctl('contracts', 'run', '--date', '2025-02-04');
  assert.match(r.stdout, /^tenant ct-multi resumed: its contract runs again$/m);
  assert.deepEqual(statusOf('ct-multi'), ['active', '']);
  assert.equal((await get('/ct-multi/api/v1/status')).status, 200);
});

test('tenant quota changes the quota (audited); usage lists every tenant against its quota', () => {
  const r = ctl('tenant', 'quota', 'ct-annual', '40GiB');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^tenant ct-annual: quota 20\.0 GiB -> 40\.0 GiB \(.* used, 0\.0 %\)$/m);
  assert.equal(q("SELECT quota_bytes FROM genba_control.tenants WHERE code = 'ct-annual'"), String(40 * 2 ** 30));
  assert.deepEqual(lastAudit('tenant quota ct-annual%'), ['ok', 'ct-annual', `quota ${20 * 2 ** 30} -> ${40 * 2 ** 30} bytes`]);
  assert.match(ctl('tenant', 'quota', 'ct-annual', '40GiB').stdout, /already 40\.0 GiB/);
  assert.equal(ctl('tenant', 'quota', 'ct-annual', 'lots').status, 2);
  assert.equal(ctl('tenant', 'quota', 'ct-annual').status, 2);
  assert.equal(ctl('tenant', 'quota', 'ct-nobody', '1GiB').status, 1);
  // usage: the database size from information_schema against the quota
  let u = JSON.parse(ctl('--json', 'usage').stdout);
  const a = u.find((x) => x.code === 'ct-annual');
  const size = Number(q("SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = 'genba_t_ct_annual'"));
  assert.ok(size > 0);
  assert.deepEqual(a, { code: 'ct-annual', status: 'active', used_bytes: size, quota_bytes: 40 * 2 ** 30, percent: 0, warn: false });
  // 70 % and more is flagged
  const at80 = Math.ceil(size / 0.8);
  assert.equal(ctl('tenant', 'quota', 'ct-monthly2', String(at80)).status, 0);
  const at50 = size * 2;
  assert.equal(ctl('tenant', 'quota', 'ct-monthly', String(at50)).status, 0);
  u = JSON.parse(ctl('--json', 'usage').stdout);
  const m2 = u.find((x) => x.code === 'ct-monthly2'), m1 = u.find((x) => x.code === 'ct-monthly');
  assert.equal(m2.warn, true);
  assert.ok(m2.percent >= 70 && m2.percent <= 90, String(m2.percent));
  assert.equal(m1.warn, false);
  assert.ok(m1.percent < 70);
  const text = ctl('usage');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^ct-monthly2 +active +.* +\d+\.\d% +WARN >= 70%$/m);
  assert.match(text.stdout, /^ct-annual +active +.* 40\.0 GiB +0\.0% *$/m);
  assert.match(text.stdout, /^\d+ tenants, \d+ at 70 % or more of their quota$/m);
  // a quota below what is used is applied, with a warning
  const over = ctl('tenant', 'quota', 'ct-monthly2', '16KiB');
  assert.equal(over.status, 0);
  assert.match(over.stderr, /already uses more than the new quota/);
  assert.match(ctl('usage').stdout, /^ct-monthly2 .* OVER QUOTA$/m);
});
