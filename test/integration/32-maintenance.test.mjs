// Maintenance windows and mode, notices by mail: genbactl against a test
// SMTP receiver this test starts (127.0.0.1, a free port), the workers'
// 503 while maintenance is on, /maintenance and the console banner.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { get, sql, env, sleep, waitFor, ensureTenant } from './lib.mjs';
import { startSmtp, closedPort, ctlAsync as ctl } from './smtp.mjs';

const conf = env.GENBA_CONF;
const original = readFileSync(conf, 'utf8');
const tmp = mkdtempSync(path.join(tmpdir(), 'genba-32-'));
const H = 3600e3;
let smtp;

// The config as test/stack wrote it plus lines (genbactl reads it each run).
function setConf(lines) {
  writeFileSync(conf, `${original}\n# 32-maintenance\n${lines.join('\n')}\n`);
}
const smtpConf = (port, extra = []) => [`smtp_host = 127.0.0.1`, `smtp_port = ${port}`, 'smtp_from = ops@genba.example',
  'smtp_timeout = 5', ...extra];

// 00:00 UTC of the local (JST) calendar day `days` from today, in ms.
function jstDay(days) {
  const n = new Date(Date.now() + 9 * H);
  return Date.UTC(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate() + days);
}
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
// "YYYY-MM-DD HH:MM" in JST
const jst = (ms) => new Date(ms + 9 * H).toISOString().slice(0, 16).replace('T', ' ');
// "YYYY-MM-DD HH:MM EST" in New York (ops-m2's time zone), as genba shows it
function ny(ms) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23', timeZoneName: 'short',
  }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}
const since = (n) => smtp.messages.slice(n);
const count = (q) => Number(sql(q).stdout);
const activeContacts = () => count("SELECT COUNT(*) FROM genba_control.tenant_contacts c JOIN genba_control.tenants t "
  + "ON t.id = c.tenant_id WHERE t.status = 'active'");
const windows = {};

before(async () => {
  smtp = await startSmtp({ rejectRcpt: (to) => to.startsWith('bounce@') });
  setConf(smtpConf(smtp.port));
  ensureTenant('ops-m1', 'Ops 一号 株式会社');
  ensureTenant('ops-m2', 'Ops Two Ltd');
  // ops-m2 is a customer in New York: its mails and banner show its own time
  assert.equal(sql("INSERT INTO genba_t_ops_m2.settings (name, value) VALUES ('time_zone', 'America/New_York') "
    + "ON DUPLICATE KEY UPDATE value = VALUES(value)").status, 0);
  ensureTenant('ops-m3', 'Ops Three (suspended)');
  sql("INSERT IGNORE INTO genba_control.tenant_contacts (tenant_id, email, role) SELECT id, 'second@ops-m1.example', "
    + "'technical' FROM genba_control.tenants WHERE code = 'ops-m1'");
  assert.equal((await ctl('tenant', 'suspend', 'ops-m3', '--reason', 'test')).status, 0);
});

after(async () => {
  await ctl('maintenance', 'off');
  for (const id of Object.values(windows)) await ctl('maintenance', 'cancel', String(id), '--no-mail');
  writeFileSync(conf, original);
  await ctl('tenant', 'resume', 'ops-m3');
  await smtp?.close();
});

function scheduled(r) {
  const m = r.stdout.match(/maintenance window (\d+) scheduled/);
  assert.ok(m, `${r.status} ${r.stdout} ${r.stderr}`);
  return Number(m[1]);
}

test('schedule refuses bad windows with a clear message', async () => {
  const from = jstDay(30) + 14 * H;
  const before = count('SELECT COUNT(*) FROM genba_control.maintenance_windows');
  const cases = [
    [['--from', iso(from), '--to', iso(from), '--message', 'x'], 2, /--to must be after --from/],
    [['--from', iso(from), '--to', iso(from - H), '--message', 'x'], 2, /--to must be after --from/],
    [['--from', iso(Date.now() - H), '--to', iso(Date.now() + H), '--message', 'x'], 2, /must start in the future/],
    [['--from', iso(from), '--to', iso(from + 7 * H + 1000), '--message', 'x'], 2, /at most 7 hours/],
    [['--from', iso(from).replace('Z', ''), '--to', iso(from + H), '--message', 'x'], 2, /RFC 3339/],
    [['--from', iso(from), '--to', iso(from + H)], 2, /usage/],
    [['--from', iso(from), '--to', iso(from + H), '--message', ''], 2, /--message/],
  ];
  for (const [args, status, re] of cases) {
    const r = await ctl('maintenance', 'schedule', ...args);
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stdout} ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  assert.equal(count('SELECT COUNT(*) FROM genba_control.maintenance_windows'), before);
});

test('schedule mails every active tenant\'s contacts at once; enough notice gives no warning', async () => {
  const from = jstDay(20) + 14 * H;   // 23:00 JST, three weeks ahead
  const n0 = smtp.messages.length;
  const r = await ctl('maintenance', 'schedule', '--from', iso(from), '--to', iso(from + H), '--message', 'データベースの更新 / DB upgrade');
  // one contact (bounce@...) does not exist anywhere: none is registered, so all succeed
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /warning/);
  windows.a = scheduled(r);
  const want = activeContacts();
  assert.match(r.stdout, new RegExp(`${want} contacts mailed, 0 failed`));
  const got = since(n0);
  assert.equal(got.length, want);
  // each message to one recipient, never another customer's address
  for (const m of got) assert.equal(m.to.length, 1);
  const rcpts = got.map((m) => m.to[0]);
  for (const a of ['ops@ops-m1.example', 'second@ops-m1.example', 'ops@ops-m2.example']) assert.ok(rcpts.includes(a), a);
  assert.ok(!rcpts.includes('ops@ops-m3.example'), 'a suspended tenant is not mailed');
  const m = got.find((x) => x.to[0] === 'second@ops-m1.example');
  assert.equal(m.from, 'ops@genba.example');
  assert.equal(m.headers.from, 'ops@genba.example');
  assert.equal(m.headers.to, 'second@ops-m1.example');
  assert.match(m.headers.subject, /^=\?UTF-8\?B\?/);
  assert.equal(m.subject, `メンテナンスのお知らせ / Scheduled maintenance: ${jst(from)} JST – ${jst(from + H)} JST`);
  assert.match(m.headers['content-type'], /^text\/plain; charset=UTF-8$/i);
  assert.equal(m.headers['content-transfer-encoding'], 'base64');
  assert.match(m.headers['message-id'], /^<[^@>]+@genba\.example>$/);
  assert.ok(!Number.isNaN(Date.parse(m.headers.date)));
  assert.equal(m.headers['mime-version'], '1.0');
  assert.match(m.body, /Ops 一号 株式会社 ご担当者様/);
  assert.match(m.body, /データベースの更新 \/ DB upgrade/);
  assert.ok(m.body.includes(`${jst(from)} JST 〜 ${jst(from + H)} JST (Asia/Tokyo)`));
  assert.ok(m.body.includes(`(Asia/Tokyo; ${iso(from)} to ${iso(from + H)})`));
  // the New York customer reads its own time
  const m2 = got.find((x) => x.to[0] === 'ops@ops-m2.example');
  assert.equal(m2.subject, `メンテナンスのお知らせ / Scheduled maintenance: ${ny(from)} – ${ny(from + H)}`);
  assert.ok(m2.body.includes(`${ny(from)} 〜 ${ny(from + H)} (America/New_York)`), m2.body);
  assert.match(m.body, /\r\n/);   // CRLF lines inside the text
  // logged: one notice_log row per recipient, the window marked notified, the action audited
  assert.equal(count(`SELECT COUNT(*) FROM genba_control.notice_log WHERE window_id = ${windows.a} AND kind = 'maintenance' AND result = 'sent'`), want);
  assert.equal(sql(`SELECT notified_at IS NOT NULL FROM genba_control.maintenance_windows WHERE id = ${windows.a}`).stdout, '1');
  assert.match(sql("SELECT result, detail FROM genba_control.operator_audit WHERE command LIKE 'maintenance schedule%' ORDER BY id DESC LIMIT 1").stdout,
    new RegExp(`^ok\twindow ${windows.a} `));
  // the same window again: nothing new, nobody mailed twice
  const again = await ctl('maintenance', 'schedule', '--from', iso(from), '--to', iso(from + H), '--message', 'データベースの更新 / DB upgrade');
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`window ${windows.a} is already scheduled`));
  assert.equal(smtp.messages.length, n0 + want);
  // an overlapping one is refused
  const ov = await ctl('maintenance', 'schedule', '--from', iso(from + H / 2), '--to', iso(from + 2 * H), '--message', 'x');
  assert.equal(ov.status, 1);
  assert.match(ov.stderr, new RegExp(`overlaps maintenance window ${windows.a}`));
});

test('under 5 business days of notice: a warning, and the window is still scheduled', async () => {
  const from = jstDay(2) + 14 * H;
  const r = await ctl('maintenance', 'schedule', '--from', iso(from), '--to', iso(from + H), '--message', 'Short notice');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: only [01] business days? of notice .* at least 5\); scheduling anyway/);
  windows.b = scheduled(r);
});

test('business days: exactly 5 is enough; a listed public holiday does not count', async () => {
  const from = jstDay(8) + 14 * H;   // 7 whole days between: always 5 weekdays
  const r = await ctl('maintenance', 'schedule', '--from', iso(from), '--to', iso(from + H), '--message', 'Five days');
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /warning/);
  windows.h0 = scheduled(r);
  // list a weekday in between as a public holiday
  let d = jstDay(1);
  while ([0, 6].includes(new Date(d).getUTCDay())) d += 24 * H;
  const hol = path.join(tmp, 'holidays.txt');
  writeFileSync(hol, `# test\n${new Date(d).toISOString().slice(0, 10)}\n`);
  setConf(smtpConf(smtp.port, [`holidays_file = ${hol}`]));
  const r2 = await ctl('maintenance', 'schedule', '--from', iso(from - 4 * H), '--to', iso(from - 3 * H), '--message', 'Holiday');
  assert.equal(r2.status, 0, r2.stderr);
  assert.match(r2.stderr, /warning: only 4 business days of notice/);
  windows.h1 = scheduled(r2);
  writeFileSync(hol, '2026-02-30\n');
  const bad = await ctl('maintenance', 'schedule', '--from', iso(from + 2 * H), '--to', iso(from + 3 * H), '--message', 'x');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /holidays\.txt:1: expected a date/);
  setConf(smtpConf(smtp.port));
});

test('at most 7 hours of maintenance in a month (local time), in total', async () => {
  const base = new Date(jstDay(75));
  const m10 = Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), 10) + 14 * H;
  const m20 = Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), 20) + 14 * H;
  const a = await ctl('maintenance', 'schedule', '--from', iso(m10), '--to', iso(m10 + 5 * H), '--message', 'Five hours');
  assert.equal(a.status, 0, a.stderr);
  windows.d = scheduled(a);
  const b = await ctl('maintenance', 'schedule', '--from', iso(m20), '--to', iso(m20 + 3 * H), '--message', 'Three more');
  assert.equal(b.status, 1);
  assert.match(b.stderr, /would pass 7 hours of maintenance in the month \(5\.0 h already planned, 2\.0 h left/);
  const c = await ctl('maintenance', 'schedule', '--from', iso(m20), '--to', iso(m20 + 2 * H), '--message', 'Two more', '--no-mail');
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /no mail sent \(--no-mail\)/);
  windows.e = scheduled(c);
});

test('maintenance list shows the windows; cancel tells the contacts who were told', async () => {
  const l = await ctl('maintenance', 'list');
  assert.equal(l.status, 0, l.stderr);
  assert.match(l.stdout, /^maintenance mode: off$/m);
  for (const id of [windows.a, windows.b, windows.d, windows.e]) assert.match(l.stdout, new RegExp(`^${id} `, 'm'));
  assert.match(l.stdout, new RegExp(`^${windows.e} .* scheduled +Two more$`, 'm'));
  assert.match(l.stdout, new RegExp(`^${windows.a} .* notified +データベースの更新`, 'm'));
  const j = JSON.parse((await ctl('--json', 'maintenance', 'list')).stdout);
  assert.equal(j.mode.active, false);
  assert.ok(j.windows.find((w) => w.id === windows.d && w.status === 'notified'));
  const n0 = smtp.messages.length;
  const c = await ctl('maintenance', 'cancel', String(windows.d));
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, new RegExp(`window ${windows.d} cancelled`));
  const got = since(n0);
  assert.equal(got.length, activeContacts());
  assert.match(got[0].subject, /^メンテナンス中止のお知らせ \/ Maintenance cancelled: /);
  assert.match(got[0].body, /has been cancelled/);
  assert.equal(count(`SELECT COUNT(*) FROM genba_control.notice_log WHERE window_id = ${windows.d} AND kind = 'maintenance_cancel'`), got.length);
  const twice = await ctl('maintenance', 'cancel', String(windows.d));
  assert.equal(twice.status, 0);
  assert.match(twice.stdout, /already cancelled/);
  assert.equal((await ctl('maintenance', 'cancel', '999999')).status, 1);
  delete windows.d;
  // notify: only the contacts who did not get it yet (nobody, for e: --no-mail → everyone)
  const n1 = smtp.messages.length;
  const nt = await ctl('maintenance', 'notify', String(windows.e));
  assert.equal(nt.status, 0, nt.stderr);
  assert.equal(smtp.messages.length - n1, activeContacts());
  const nt2 = await ctl('maintenance', 'notify', String(windows.e));
  assert.equal(nt2.status, 0, nt2.stderr);
  assert.match(nt2.stdout, /every contact had it already/);
  assert.equal(smtp.messages.length - n1, activeContacts());
});

test('/maintenance lists the upcoming windows (ja/en, JSON); the console shows a banner within 7 days', async () => {
  const r = await get('/maintenance', { headers: { 'Accept-Language': 'en' } });
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/html/);
  const from = jstDay(20) + 14 * H;
  assert.match(r.text, new RegExp(`id="window-${windows.a}"`));
  assert.ok(r.text.includes(`<time datetime="${iso(from)}">${jst(from)} JST</time>`));
  assert.match(r.text, /Scheduled maintenance windows/);
  assert.doesNotMatch(r.text, new RegExp(`id="window-${windows.d ?? 0}"`));
  const ja = await get('/maintenance', { headers: { 'Accept-Language': 'ja' } });
  assert.match(ja.text, /<html lang="ja">/);
  assert.match(ja.text, /予定されているメンテナンスの一覧/);
  const js = await get('/maintenance', { headers: { Accept: 'application/json' } });
  assert.equal(js.status, 200);
  assert.equal(js.json.maintenance.active, false);
  const w = js.json.windows.find((x) => x.id === windows.a);
  assert.deepEqual(w, { id: windows.a, from: iso(from), to: iso(from + H), message: 'データベースの更新 / DB upgrade' });
  // banner: window b (2 days ahead) on every console page of a tenant, within the cache time
  const b = jstDay(2) + 14 * H;
  const page = await waitFor('the banner', async () => {
    const p = await get('/ops-m1/manager/login', { headers: { 'Accept-Language': 'en' } });
    return p.text.includes('id="maintenance-banner"') && p;
  }, { timeout: 10000 });
  assert.match(page.text, /Scheduled maintenance:/);
  assert.ok(page.text.includes(`<time datetime="${iso(b)}">${jst(b)} JST</time>`));
  assert.match(page.text, /Short notice/);
  assert.match(page.text, /href="\/maintenance\?lang=en&amp;tz=Asia%2FTokyo"/);
  const pja = await get('/ops-m2/manager/login', { headers: { 'Accept-Language': 'ja' } });
  assert.match(pja.text, /メンテナンスのお知らせ：/);
  assert.ok(pja.text.includes(`<time datetime="${iso(b)}">${ny(b)}</time>`), 'the banner in the tenant\'s zone');
  const pub = await get('/maintenance?lang=en&tz=America%2FNew_York');
  assert.ok(pub.text.includes(`<time datetime="${iso(b)}">${ny(b)}</time>`), 'the linked page in that zone too');
  assert.match(pub.text, /Times are shown in America\/New_York/);
});

test('maintenance on: tenants answer 503 with Retry-After; health, readiness, metrics and /maintenance go on', async () => {
  const until = Date.now() + H;
  const on = await ctl('maintenance', 'on', '--message', 'サーバー移設中です / Moving servers', '--until', iso(until));
  assert.equal(on.status, 0, on.stderr);
  assert.match(on.stdout, /maintenance mode on until .*: every tenant answers 503 within 2 s/);
  assert.match((await ctl('maintenance', 'list')).stdout, /^maintenance mode: ON until /m);
  await waitFor('503', async () => (await get('/ops-m1/api/v1/status')).status === 503, { timeout: 10000 });
  await sleep(2200);   // every thread's copy is now at most 2 s old
  for (let i = 0; i < 12; i++) {
    const r = await get(`/ops-m${1 + (i % 2)}/api/v1/status`);
    assert.equal(r.status, 503, `request ${i}: ${r.text}`);
    assert.equal(r.json.error.code, 'maintenance');
    assert.equal(r.json.error.message, 'サーバー移設中です / Moving servers');
    assert.equal(r.json.error.until, iso(until));
    assert.equal(r.json.error.request_id, r.headers['x-request-id']);
    const ra = Number(r.headers['retry-after']);
    assert.ok(ra > 3500 && ra <= 3600, `Retry-After ${ra}`);
  }
  // even an unknown tenant, and sign-in: every tenant route
  assert.equal((await get('/no-such-tenant/api/v1/status')).status, 503);
  const con = await get('/ops-m1/manager/login', { headers: { 'Accept-Language': 'en' } });
  assert.equal(con.status, 503);
  assert.match(con.headers['content-type'], /^text\/html/);
  assert.ok(con.headers['retry-after']);
  assert.match(con.text, /Down for maintenance/);
  assert.match(con.text, /サーバー移設中です \/ Moving servers/);
  assert.ok(con.text.includes(`until about ${jst(until)} JST`));
  const conJa = await get('/ops-m1/manager', { headers: { 'Accept-Language': 'ja' } });
  assert.equal(conJa.status, 503);
  assert.match(conJa.text, /メンテナンス中/);
  // the probes keep answering
  const hz = await get('/healthz');
  assert.equal(hz.status, 200);
  const rz = await waitFor('readyz to report maintenance', async () => {
    const x = await get('/readyz');
    return x.status === 200 && x.json.maintenance === true && x;
  }, { timeout: 10000 });
  assert.equal(rz.json.status, 'ready');
  const mt = await get('/metrics');
  assert.equal(mt.status, 200);
  assert.match(mt.text, /^genba_maintenance_active [01]$/m);
  const pg = await get('/maintenance', { headers: { 'Accept-Language': 'en' } });
  assert.equal(pg.status, 200);
  assert.match(pg.text, /id="maintenance-now"/);
  assert.match(pg.text, /Moving servers/);
  const pj = await get('/maintenance?format=json');
  assert.equal(pj.json.maintenance.active, true);
  assert.equal(pj.json.maintenance.until, iso(until));
  assert.match(sql("SELECT result, detail FROM genba_control.operator_audit WHERE command LIKE 'maintenance on%' ORDER BY id DESC LIMIT 1").stdout, /^ok\ton until /);
});

test('maintenance off: back to normal within the cache time', async () => {
  const off = await ctl('maintenance', 'off');
  assert.equal(off.status, 0, off.stderr);
  assert.match(off.stdout, /maintenance mode off/);
  await waitFor('200', async () => (await get('/ops-m1/api/v1/status')).status === 200, { timeout: 10000 });
  await sleep(2200);
  for (let i = 0; i < 12; i++) assert.equal((await get(`/ops-m${1 + (i % 2)}/api/v1/status`)).status, 200);
  assert.equal((await get('/ops-m1/manager/login')).status, 200);
  assert.match((await ctl('maintenance', 'off')).stdout, /already off/);
  // without --until: Retry-After is maintenance_retry_after (300); an --until in the past is refused
  assert.equal((await ctl('maintenance', 'on', '--until', iso(Date.now() - 1000))).status, 2);
  assert.equal((await ctl('maintenance', 'on')).status, 0);
  const r = await waitFor('503', async () => { const x = await get('/ops-m2/api/v1/status'); return x.status === 503 && x; }, { timeout: 10000 });
  assert.equal(r.headers['retry-after'], '300');
  assert.equal(r.json.error.until, undefined);
  assert.equal((await ctl('maintenance', 'off')).status, 0);
  await waitFor('200', async () => (await get('/ops-m2/api/v1/status')).status === 200, { timeout: 10000 });
});

const body = 'お客様各位\n\n本日 10:00 頃からデータベースの応答が遅くなっております。\n.この行はドットで始まります\n..二つ\n\nThe genba operations team\n';

test('notice send --all mails every active tenant\'s contacts; each send is logged and audited', async () => {
  const f = path.join(tmp, 'notice.txt');
  writeFileSync(f, body);
  const subject = '【障害報告】応答の遅延について / Slow responses';
  const n0 = smtp.messages.length;
  const logs0 = count("SELECT COUNT(*) FROM genba_control.notice_log WHERE kind = 'notice'");
  const r = await ctl('notice', 'send', '--all', '--subject', subject, '--body-file', f);
  assert.equal(r.status, 0, r.stderr);
  const want = activeContacts();
  assert.match(r.stdout, new RegExp(`^notice sent to ${want} contacts of \\d+ tenants$`, 'm'));
  const got = since(n0);
  assert.equal(got.length, want);
  for (const m of got) {
    assert.equal(m.subject, subject);
    assert.equal(m.body, body.replace(/\n/g, '\r\n'));   // dot-stuffing undone, text intact
  }
  assert.ok(!got.some((m) => m.to[0] === 'ops@ops-m3.example'));
  assert.equal(count("SELECT COUNT(*) FROM genba_control.notice_log WHERE kind = 'notice'") - logs0, want);
  const row = sql("SELECT os_user, tenant_code, recipient, subject, result FROM genba_control.notice_log "
    + "WHERE recipient = 'second@ops-m1.example' AND kind = 'notice' ORDER BY id DESC LIMIT 1").stdout.split('\t');
  assert.deepEqual(row, [process.env.USER || 'root', 'ops-m1', 'second@ops-m1.example', subject, 'sent']);
  assert.match(sql("SELECT result, detail FROM genba_control.operator_audit WHERE command LIKE 'notice send --all%' ORDER BY id DESC LIMIT 1").stdout,
    new RegExp(`^ok\tsubject ".*": ${want} sent, 0 failed$`));
  const log = await ctl('notice', 'log', '--tenant', 'ops-m1', '--limit', '5');
  assert.equal(log.status, 0, log.stderr);
  assert.match(log.stdout, /second@ops-m1\.example +sent/);
});

test('notice send --tenant: only that tenant\'s contacts (a suspended one too); usage errors', async () => {
  const f = path.join(tmp, 'notice.txt');
  const n0 = smtp.messages.length;
  const r = await ctl('notice', 'send', '--tenant', 'ops-m3', '--subject', 'Your service', '--body-file', f);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /notice sent to 1 contact of 1 tenant/);
  assert.deepEqual(since(n0).map((m) => m.to[0]), ['ops@ops-m3.example']);
  assert.equal(sql("SELECT tenant_code FROM genba_control.operator_audit WHERE command LIKE 'notice send --tenant ops-m3%' ORDER BY id DESC LIMIT 1").stdout, 'ops-m3');
  for (const [args, status, re] of [
    [['--tenant', 'ops-m1', '--all', '--subject', 's', '--body-file', f], 2, /usage/],
    [['--subject', 's', '--body-file', f], 2, /usage/],
    [['--all', '--subject', 'two\nlines', '--body-file', f], 2, /--subject/],
    [['--all', '--subject', 's', '--body-file', path.join(tmp, 'missing.txt')], 1, /cannot read/],
    [['--tenant', 'no-such-tenant', '--subject', 's', '--body-file', f], 1, /no tenant no-such-tenant/],
  ]) {
    const x = await ctl('notice', 'send', ...args);
    assert.equal(x.status, status, `${args.join(' ')}: ${x.stderr}`);
    assert.match(x.stderr, re);
  }
  assert.equal(smtp.messages.length, n0 + 1);
});

test('a refused recipient: the others still get it, exit 1 lists who failed', async () => {
  sql("INSERT IGNORE INTO genba_control.tenant_contacts (tenant_id, email) SELECT id, 'bounce@ops-m2.example' "
    + "FROM genba_control.tenants WHERE code = 'ops-m2'");
  try {
    const n0 = smtp.messages.length;
    const r = await ctl('notice', 'send', '--tenant', 'ops-m2', '--subject', 'Partly', '--body-file', path.join(tmp, 'notice.txt'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /mail to bounce@ops-m2\.example \(tenant ops-m2\) failed: .*recipient refused: 550 5\.1\.1 no such user here/);
    assert.match(r.stderr, /1 of 2 mails failed/);
    assert.deepEqual(since(n0).map((m) => m.to[0]), ['ops@ops-m2.example']);
    assert.equal(sql("SELECT result FROM genba_control.notice_log WHERE recipient = 'bounce@ops-m2.example' ORDER BY id DESC LIMIT 1").stdout, 'failed');
    assert.match(sql("SELECT result FROM genba_control.operator_audit WHERE command LIKE 'notice send --tenant ops-m2%' ORDER BY id DESC LIMIT 1").stdout, /^failed$/);
  } finally {
    sql("DELETE FROM genba_control.tenant_contacts WHERE email = 'bounce@ops-m2.example'");
  }
});

test('an unreachable SMTP server: exit 1, every recipient listed, failed rows in notice_log', async () => {
  setConf(smtpConf(await closedPort()));
  const last = count('SELECT COALESCE(MAX(id), 0) FROM genba_control.notice_log');
  try {
    const t0 = Date.now();
    const r = await ctl('notice', 'send', '--tenant', 'ops-m1', '--subject', 'Unreachable', '--body-file', path.join(tmp, 'notice.txt'));
    assert.equal(r.status, 1);
    assert.ok(Date.now() - t0 < 30000);
    assert.match(r.stderr, /mail to ops@ops-m1\.example \(tenant ops-m1\) failed: 127\.0\.0\.1:\d+: cannot connect to the SMTP server: Connection refused/);
    assert.match(r.stderr, /mail to second@ops-m1\.example/);
    assert.match(r.stderr, /2 of 2 mails failed/);
    const rows = sql(`SELECT result, detail FROM genba_control.notice_log WHERE subject = 'Unreachable' AND id > ${last} ORDER BY id`).stdout.split('\n');
    assert.equal(rows.length, 2);
    for (const x of rows) assert.match(x, /^failed\t.*cannot connect/);
    // no SMTP server configured at all: a clear message
    writeFileSync(conf, original);
    const n = await ctl('notice', 'send', '--tenant', 'ops-m1', '--subject', 'Unconfigured', '--body-file', path.join(tmp, 'notice.txt'));
    assert.equal(n.status, 1);
    assert.match(n.stderr, /no SMTP server is configured \(set smtp_host, smtp_port and smtp_from\)/);
  } finally {
    setConf(smtpConf(smtp.port));
  }
});

test('STARTTLS with a verified certificate and AUTH PLAIN; no password over plain text', async () => {
  const dir = env.GENBA_DIR;
  const secure = await startSmtp({
    tls: { key: readFileSync(path.join(dir, 'tls/server.key')), cert: readFileSync(path.join(dir, 'tls/server.crt')) },
    auth: { user: 'genba', password: 's3cret pass' },
  });
  try {
    const base = ['smtp_host = localhost', `smtp_port = ${secure.port}`, 'smtp_from = ops@genba.example', 'smtp_timeout = 5'];
    setConf([...base, 'smtp_tls = starttls', `smtp_cafile = ${path.join(dir, 'tls/ca.crt')}`, 'smtp_user = genba', 'smtp_password = s3cret pass']);
    const r = await ctl('notice', 'send', '--tenant', 'ops-m2', '--subject', 'Over TLS', '--body-file', path.join(tmp, 'notice.txt'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(secure.messages.length, 1);
    assert.equal(secure.messages[0].tls, true);
    assert.ok(secure.sessions.some((s) => s.authed && s.authUser === 'genba'));
    // the password is never sent before TLS
    const s = secure.sessions.find((x) => x.authed);
    assert.ok(s.commands.indexOf('STARTTLS') < s.commands.findIndex((c) => c.startsWith('AUTH')));
    // a certificate the configured CAs do not vouch for
    setConf([...base, 'smtp_tls = starttls', 'smtp_cafile = /etc/ssl/certs/ca-certificates.crt', 'smtp_user = genba', 'smtp_password = s3cret pass']);
    const v = await ctl('notice', 'send', '--tenant', 'ops-m2', '--subject', 'Untrusted', '--body-file', path.join(tmp, 'notice.txt'));
    assert.equal(v.status, 1);
    assert.match(v.stderr, /TLS handshake failed: .*(certificate|issuer)/);
    // a wrong password
    setConf([...base, 'smtp_tls = starttls', `smtp_cafile = ${path.join(dir, 'tls/ca.crt')}`, 'smtp_user = genba', 'smtp_password = nope']);
    const w = await ctl('notice', 'send', '--tenant', 'ops-m2', '--subject', 'Wrong', '--body-file', path.join(tmp, 'notice.txt'));
    assert.equal(w.status, 1);
    assert.match(w.stderr, /authentication as genba failed: 535/);
    // a user without TLS: refused before anything is sent
    setConf([...base, 'smtp_user = genba', 'smtp_password = s3cret pass']);
    const p = await ctl('notice', 'send', '--tenant', 'ops-m2', '--subject', 'Plain', '--body-file', path.join(tmp, 'notice.txt'));
    assert.equal(p.status, 1);
    assert.match(p.stderr, /refusing to send smtp_password over an unencrypted connection \(set smtp_tls = starttls\)/);
    assert.ok(!secure.sessions.some((x) => x.commands.some((c) => c.startsWith('AUTH') && !x.tls)));
    assert.equal(secure.messages.length, 1);
  } finally {
    setConf(smtpConf(smtp.port));
    await secure.close();
  }
});
