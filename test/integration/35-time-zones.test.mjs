// The customer's time zone (tenant setting time_zone): "today" bounds,
// auto-numbers and the console's times follow the tenant's zone, whatever the
// UTC time of the run; local days in filters; daylight saving transitions.
//
// Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25 hours apart, so their
// local dates always differ: a server that used one date for both (UTC's, or
// its own) fails here at any hour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  ctl, sql, tenantDb, adminToken, api, assertError, consoleCookie, consoleGet, consolePost, csrfOf, parseCsv,
} from './lib.mjs';

const KIRI = 'tz-kiri', PAGO = 'tz-pago', NY = 'tz-ny';
const PW = 'Time-zones-admin-5';
const tok = {}, defs = {};
const uuid = () => crypto.randomUUID();

// "YYYY-MM-DD" of the instant t in zone
function localDate(zone, t = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);
}
function localClock(zone, t) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(t).map((x) => [x.type, x.value]));
  return `${p.hour}:${p.minute}`;
}
const addDays = (ymd, n) => new Date(Date.parse(`${ymd}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

function createTenant(code, zone) {
  const args = ['--json', 'tenant', 'create', code, '--name', `TZ ${code}`, '--contact', `ops@${code}.example`];
  if (zone) args.push('--time-zone', zone);
  const r = ctl(...args);
  if (r.status === 0) return JSON.parse(r.stdout);
  assert.match(r.stderr, /already exists/, r.stderr);
  return null;
}

// A Date cluster bounded by today on both sides (0), and an auto-number with the date
function xml() {
  return '<?xml version="1.0" encoding="UTF-8"?>\n<conmas><top><defTopName>TZ check</defTopName><settings>' +
    '<autoNumber prefix="TZ-" date="yyyyMMdd" digits="3" start="1" step="1"/></settings><sheets><sheet>' +
    '<sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height><clusters>' +
    '<cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><clusterName>day</clusterName><type>Date</type>' +
    '<top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.9</right><minimum>today</minimum><maximum>today</maximum></cluster>' +
    '<cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><clusterName>registered</clusterName><type>RegisterDate</type>' +
    '<top>0.3</top><bottom>0.4</bottom><left>0.1</left><right>0.9</right></cluster>' +
    '</clusters></sheet></sheets></top></conmas>\n';
}

async function setup(code, zone) {
  const made = createTenant(code, zone);
  tok[code] = await adminToken(code, made ? made.admin.password : null, PW);
  let r = await api(code, 'POST', '/definitions', { token: tok[code], body: xml(), headers: { 'Content-Type': 'application/xml' } });
  assert.equal(r.status, 201, r.text);
  defs[code] = r.json.id;
  r = await api(code, 'POST', `/definitions/${defs[code]}/status`, { token: tok[code], body: { status: 'published' } });
  assert.equal(r.status, 200, r.text);
  return made;
}

const save = (code, day) => api(code, 'POST', '/reports', {
  token: tok[code], headers: { 'Idempotency-Key': uuid() },
  body: { id: uuid(), definition_id: defs[code], definition_revision: 1, values: [{ sheet: 1, cluster: 0, value: day }], action: 'save' },
});

// Runs f with the zone's date; again if the local date changed meanwhile (a run across midnight).
async function onLocalDay(zone, f) {
  for (let i = 0; i < 2; i++) {
    const before = localDate(zone);
    const out = await f(before);
    if (localDate(zone) === before) return out;
  }
  throw new Error(`the local date of ${zone} kept changing`);
}

test('setup: a tenant created with --time-zone, one set through the settings API', async () => {
  const k = await setup(KIRI, 'Pacific/Kiritimati');
  if (k) assert.equal(k.time_zone, 'Pacific/Kiritimati');
  await setup(PAGO, null);
  let r = await api(PAGO, 'GET', '/settings', { token: tok[PAGO] });
  assert.equal(r.status, 200, r.text);
  r = await api(PAGO, 'PUT', '/settings', { token: tok[PAGO], body: { time_zone: 'Pacific/Pago_Pago' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.time_zone, 'Pacific/Pago_Pago');
  r = await api(KIRI, 'GET', '/settings', { token: tok[KIRI] });
  assert.equal(r.json.time_zone, 'Pacific/Kiritimati');
  r = await api(KIRI, 'GET', '/me', { token: tok[KIRI] });
  assert.equal(r.json.time_zone, 'Pacific/Kiritimati', 'a tablet learns the zone from /me');
  assert.notEqual(localDate('Pacific/Kiritimati'), localDate('Pacific/Pago_Pago'), '25 hours apart: never the same date');
});

test('a tenant created without --time-zone is in Asia/Tokyo; a bad zone is refused', async () => {
  const r = ctl('tenant', 'create', 'tz-bad', '--name', 'Bad zone', '--contact', 'ops@tz-bad.example', '--time-zone', 'Mars/Olympus');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--time-zone 'Mars\/Olympus' is not a time zone/);
  assert.equal(sql("SELECT COUNT(*) FROM genba_control.tenants WHERE code = 'tz-bad'").stdout, '0', 'nothing was created');
  for (const [body, code] of [
    [{ time_zone: 'Mars/Olympus' }, 'unknown_time_zone'],
    [{ time_zone: 'asia/tokyo' }, 'unknown_time_zone'],
    [{ time_zone: 9 }, 'wrong_type'],
  ]) {
    const p = await api(PAGO, 'PUT', '/settings', { token: tok[PAGO], body });
    assertError(p, 422, 'validation_failed', JSON.stringify(body));
    assert.deepEqual(p.json.error.details.map((d) => `${d.field}:${d.code}`), [`time_zone:${code}`]);
  }
  const g = await api(PAGO, 'GET', '/settings', { token: tok[PAGO] });
  assert.equal(g.json.time_zone, 'Pacific/Pago_Pago', 'a refused change changes nothing');
  assert.equal(sql(`SELECT value FROM ${tenantDb(PAGO)}.settings WHERE name = 'time_zone'`).stdout, 'Pacific/Pago_Pago');
});

for (const [code, zone] of [[KIRI, 'Pacific/Kiritimati'], [PAGO, 'Pacific/Pago_Pago']]) {
  test(`${zone}: a Date bounded by today takes the local date, refuses the day before and after`, async () => {
    await onLocalDay(zone, async (today) => {
      const ok = await save(code, today);
      assert.equal(ok.status, 201, `${today} in ${zone}: ${ok.text}`);
      for (const other of [addDays(today, 1), addDays(today, -1)]) {
        const bad = await save(code, other);
        assertError(bad, 422, 'validation_failed', other);
        assert.deepEqual(bad.json.error.details.map((d) => d.code), ['date_out_of_range'], other);
      }
    });
  });

  test(`${zone}: auto-numbers and RegisterDate carry the local date`, async () => {
    await onLocalDay(zone, async (today) => {
      const r = await save(code, today);
      assert.equal(r.status, 201, r.text);
      assert.match(r.json.number, new RegExp(`^TZ-${today.replaceAll('-', '')}\\d{3}$`), r.json.number);
      const reg = r.json.values.find((v) => v.cluster === 1).value;
      assert.equal(reg.slice(0, 10), today, `RegisterDate ${reg}`);
      assert.equal(Date.parse(reg) > Date.now() - 120000, true, reg);
      assert.match(reg, zone.includes('Kiritimati') ? /\+14:00$/ : /-11:00$/);
    });
  });

  test(`${zone}: the console shows times in the local zone`, async () => {
    const r = await save(code, localDate(zone));
    assert.equal(r.status, 201, r.text);
    const cookie = await consoleCookie(code, 'admin', PW);
    const page = await consoleGet(code, `/reports/${r.json.id}`, cookie);
    assert.equal(page.status, 200);
    const t = new Date(r.json.created_at);
    const abbr = zone.includes('Kiritimati') ? 'GMT+14' : 'GMT-11';
    const want = `${localDate(zone, t)} ${localClock(zone, t)} ${abbr}`;
    assert.ok(page.text.includes(want), `the report page shows ${want}`);
    const list = await consoleGet(code, '/reports', cookie);
    assert.ok(list.text.includes(`${localDate(zone, new Date(r.json.updated_at))} ${localClock(zone, new Date(r.json.updated_at))} ${abbr}`),
      'the list shows the local time');
    // the creation-date filter counts local days
    const local = localDate(zone, t);
    const hit = await consoleGet(code, `/reports?from=${local}&to=${local}`, cookie);
    assert.ok(hit.text.includes(r.json.id), 'found on its local day');
    const miss = await consoleGet(code, `/reports?from=${addDays(local, 1)}&to=${addDays(local, 1)}`, cookie);
    assert.ok(!miss.text.includes(r.json.id), 'not on the next local day');
  });
}

test('America/New_York: a day with a daylight saving transition is 25 hours in filters, the console and CSV', async () => {
  const made = createTenant(NY, 'America/New_York');
  tok[NY] = await adminToken(NY, made ? made.admin.password : null, PW);
  const db = tenantDb(NY);
  // entries around the fall-back day 2026-11-01 (EDT -04:00 until 06:00Z, then EST -05:00)
  const rows = [
    ['2026-11-01 03:59:00', 'tz.before'],   // 2026-10-31 23:59 EDT: the day before
    ['2026-11-01 04:30:00', 'tz.first'],    // 2026-11-01 00:30 EDT
    ['2026-11-02 04:30:00', 'tz.last'],     // 2026-11-01 23:30 EST: still Nov 1, 24.5 h after its start
    ['2026-11-02 05:00:00', 'tz.after'],    // 2026-11-02 00:00 EST: the next day
  ];
  sql(`DELETE FROM ${db}.access_log WHERE action LIKE 'tz.%'`);
  for (const [at, action] of rows)
    assert.equal(sql(`INSERT INTO ${db}.access_log (at, login, client_addr, channel, action, result) VALUES ('${at}', 'tz', '127.0.0.1', 'system', '${action}', 'ok')`).status, 0);
  const r = await api(NY, 'GET', '/access-log?from=2026-11-01&to=2026-11-01&user=tz', { token: tok[NY] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.entries.map((e) => e.action).sort(), ['tz.first', 'tz.last']);
  // a time without Z is the tenant's clock (EDT at 00:31, EST at 23:30)
  const t = await api(NY, 'GET', '/access-log?from=2026-11-01T00:31&to=2026-11-01T23:30&user=tz', { token: tok[NY] });
  assert.deepEqual(t.json.entries.map((e) => e.action), ['tz.last']);
  const z = await api(NY, 'GET', '/access-log?from=2026-11-01T04:30:00Z&to=2026-11-01T04:30:00Z&user=tz', { token: tok[NY] });
  assert.deepEqual(z.json.entries.map((e) => e.action), ['tz.first'], 'a time with Z is UTC');

  const cookie = await consoleCookie(NY, 'admin', PW);
  const page = await consoleGet(NY, '/log?user=tz', cookie);
  assert.equal(page.status, 200);
  for (const s of ['2026-10-31 23:59 EDT', '2026-11-01 00:30 EDT', '2026-11-01 23:30 EST', '2026-11-02 00:00 EST'])
    assert.ok(page.text.includes(s), `the console shows ${s}`);
  const csv = await consoleGet(NY, '/log.csv?user=tz&from=2026-11-01&to=2026-11-01', cookie);
  assert.equal(csv.status, 200);
  const table = parseCsv(csv.text);
  const at = table.slice(1).map((row) => row[table[0].indexOf('at')]).sort();
  assert.deepEqual(at, ['2026-11-01T00:30:00-04:00', '2026-11-01T23:30:00-05:00']);

  // the console's settings page shows the zone and saves another one
  const set = await consoleGet(NY, '/settings', cookie);
  assert.match(set.text, /<option value="America\/New_York" selected>/);
  const bad = await consolePost(NY, '/settings', cookie, { _csrf: csrfOf(set.text), time_zone: 'Nowhere/Land' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="err-time_zone"/);
  const good = await consolePost(NY, '/settings', cookie, { _csrf: csrfOf(set.text), time_zone: 'Europe/London' });
  assert.equal(good.status, 303, good.text);
  assert.equal((await api(NY, 'GET', '/settings', { token: tok[NY] })).json.time_zone, 'Europe/London');
  const again = await consoleGet(NY, '/log?user=tz', cookie);
  assert.ok(again.text.includes('2026-11-01 04:30 GMT'), 'the same entry, now in London time');
});
