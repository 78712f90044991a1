// Background exports as tables (issue 11): the CSV in UTF-8 (with a byte
// order mark) and in Shift_JIS decoded back to the same values, a value
// that a spreadsheet would take for a formula ("=1+2 式") neutralised, the
// XLSX read back by an independent reader (python3-openpyxl): every report,
// typed cells; the reports' own remarks (remarksValue1-10) in both, one
// starting with "=" neutralised in the CSV and text in the XLSX; and a 100,000-report export whose runner is killed halfway
// completes correctly after the restart, no partial file ever offered.
// (The table writers are export/csv_table.c and xlsx_table.c; a build
// without them refuses the formats, and these tests say so as skipped.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { env, api, sql, pidOf, runnersOf, alive, waitFor, assertError } from './lib.mjs';
import { bulkReports, waitJob, exportFile, dailyTenant, exportHalfway } from './exports-lib.mjs';

const T = 'ex-tab', TK = 'ex-kill';
const PW = 'Export-tables-2026!';
let tok, tokK, def, defK, tables = true;

async function exportDone(t, token, body) {
  const r = await api(t, 'POST', '/exports', { token, body });
  assert.equal(r.status, 202, r.text);
  const j = await waitJob(t, token, r.json.id);
  return { id: r.json.id, job: j };
}
const py = (code, input) => {
  const r = spawnSync('/usr/bin/python3', ['-c', code], { input, maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, String(r.stderr));
  return JSON.parse(r.stdout);
};
const CSV_ROWS = (enc) => `
import sys, csv, io, json
raw = sys.stdin.buffer.read()
text = raw.decode('${enc}')
print(json.dumps({"bom": text.startswith('\\ufeff'), "rows": list(csv.reader(io.StringIO(text.lstrip('\\ufeff'), newline='')))}))`;

// the report's remark 1 (the definition names it "Line"): every 5th starts with "="
const REMARK1 = (n) => (n % 5 === 0 ? '=SUM(A1:A9) 備考' : `ライン ${n}`);
const remarkCol = (head, n) => head.findIndex((h) => new RegExp(`^(備考|remark )${n}(: |$)`).test(h));

test('setup: a tenant with 30 daily-inspection reports (every 7th remarks cluster starts with "=", every 5th remark 1)', async () => {
  [tok, def] = await dailyTenant(T, PW);
  bulkReports(T, def, 30, { prefix: 'TAB' });
  const n = 'CAST(RIGHT(number, 8) AS UNSIGNED)';
  const u = sql(`UPDATE reports SET remarks1 = IF(${n} % 5 = 0, '=SUM(A1:A9) 備考', CONCAT('ライン ', ${n})),
                 remarks10 = IF(${n} % 2 = 0, '夜勤', '') WHERE number LIKE 'TAB-%'`, { database: 'genba_t_ex_tab' });
  assert.equal(u.status, 0, u.stderr);
  const probe = await exportDone(T, tok, { format: 'csv', filter: { definition: def }, ids: [sql('SELECT id FROM reports LIMIT 1', { database: `genba_t_ex_tab` }).stdout] });
  tables = probe.job.status === 'done' || !/not available in this build/.test(probe.job.error || '');
});

test('CSV in UTF-8 and in Shift_JIS: the same values; formulas neutralised', async (t) => {
  if (!tables) return t.skip('the table writers are not in this build');
  const u = await exportDone(T, tok, { format: 'csv', filter: { definition: def } });
  const s = await exportDone(T, tok, { format: 'csv', encoding: 'shift_jis', filter: { definition: def } });
  assert.equal(u.job.status, 'done', JSON.stringify(u.job));
  assert.equal(s.job.status, 'done', JSON.stringify(s.job));
  const fu = await exportFile(T, tok, u.id), fs = await exportFile(T, tok, s.id);
  assert.match(fu.headers['content-type'], /^text\/csv; charset=utf-8/);
  assert.match(fs.headers['content-type'], /^text\/csv; charset=Shift_JIS/i);
  const a = py(CSV_ROWS('utf-8'), fu.body), b = py(CSV_ROWS('cp932'), fs.body);
  assert.equal(a.bom, true, 'UTF-8 with a byte order mark');
  assert.equal(b.bom, false);
  assert.deepEqual(b.rows, a.rows, 'the same table in both encodings');
  assert.equal(a.rows.length, 31);
  const head = a.rows[0], remarks = head.findIndex((h) => /remarks/.test(h)), pressure = head.findIndex((h) => /pressure/.test(h));
  assert.ok(remarks > 0 && pressure > 0, head.join('|'));
  const cells = a.rows.slice(1).flat();
  assert.ok(!cells.some((c) => /^[=+@]/.test(c)), 'no cell starts a formula');
  const neutral = a.rows.slice(1).filter((r) => r[remarks].includes('=1+2'));
  assert.equal(neutral.length, 4);   // reports 7, 14, 21, 28
  for (const r of neutral) assert.equal(r[remarks], "'=1+2 式");
  assert.ok(a.rows.slice(1).some((r) => r[remarks] === 'ベルト交換予定'));
  assert.ok(a.rows.slice(1).every((r) => /^\d+(\.\d+)?$/.test(r[pressure])), 'pressure as a plain number');
  // the reports' own remarks, after the own columns and before the clusters, in both encodings (the same rows above)
  const r1 = remarkCol(head, 1), r10 = remarkCol(head, 10), num = head.findIndex((h) => /^(番号|number)$/.test(h));
  assert.ok(num >= 0 && r1 > num && r10 === r1 + 9 && r10 < pressure, head.join('|'));
  for (const r of a.rows.slice(1)) {
    const n = Number(r[num].slice(4));
    assert.equal(r[r1], n % 5 === 0 ? "'=SUM(A1:A9) 備考" : REMARK1(n), r[num]);
    assert.equal(r[r10], n % 2 === 0 ? '夜勤' : '', r[num]);
  }
  assert.equal(b.rows.slice(1).filter((r) => r[r1] === "'=SUM(A1:A9) 備考").length, 6, 'Shift_JIS: neutralised too');
});

test('XLSX read back by openpyxl: every report, typed cells, the same values as the CSV', async (t) => {
  if (!tables) return t.skip('the table writers are not in this build');
  const x = await exportDone(T, tok, { format: 'xlsx', filter: { definition: def } });
  assert.equal(x.job.status, 'done', JSON.stringify(x.job));
  const f = await exportFile(T, tok, x.id);
  assert.equal(f.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const o = py(`
import sys, io, json, openpyxl, datetime
wb = openpyxl.load_workbook(io.BytesIO(sys.stdin.buffer.read()))
ws = wb.worksheets[0]
rows = []
for row in ws.iter_rows():
    rows.append([{"t": c.data_type, "v": (c.value.isoformat() if isinstance(c.value, (datetime.date, datetime.time, datetime.datetime)) else c.value)} for c in row])
print(json.dumps(rows))`, f.body);
  assert.equal(o.length, 31);
  const head = o[0].map((c) => c.v);
  const pressure = head.findIndex((h) => /pressure/.test(h)), remarks = head.findIndex((h) => /remarks/.test(h));
  const number = head.findIndex((h) => /^(番号|Number|No\.?)$/i.test(h));
  assert.ok(pressure > 0 && remarks > 0, head.join('|'));
  for (const r of o.slice(1)) {
    assert.equal(r[pressure].t, 'n', 'pressure is a number');
    assert.equal(typeof r[pressure].v, 'number');
    assert.notEqual(r[remarks].t, 'f', 'never a formula');
  }
  const csv = py(CSV_ROWS('utf-8'), (await exportFile(T, tok, (await exportDone(T, tok, { format: 'csv', filter: { definition: def } })).id)).body).rows;
  assert.deepEqual(o.slice(1).map((r) => Number(r[pressure].v)).sort(), csv.slice(1).map((r) => Number(r[pressure])).sort());
  if (number >= 0) assert.deepEqual(o.slice(1).map((r) => r[number].v).sort(), csv.slice(1).map((r) => r[number]).sort());
  assert.ok(o.slice(1).some((r) => r[remarks].v === '=1+2 式' || r[remarks].v === "'=1+2 式"));
  // the reports' own remarks: text as entered, never a formula (the CSV's, less its apostrophe)
  const r1 = remarkCol(head, 1), r10 = remarkCol(head, 10), numx = head.findIndex((h) => /^(番号|number)$/.test(h));
  assert.ok(r1 > 0 && r10 === r1 + 9 && numx >= 0, head.join('|'));
  for (const r of o.slice(1)) {
    const n = Number(r[numx].v.slice(4));
    assert.equal(r[r1].t, 's', 'remark 1 is text');
    assert.equal(r[r1].v, REMARK1(n));
    assert.equal(r[r10].v, n % 2 === 0 ? '夜勤' : null);
  }
  const c1 = remarkCol(csv[0], 1), cn = csv[0].findIndex((h) => /^(番号|number)$/.test(h));
  assert.deepEqual(o.slice(1).map((r) => r[r1].v).sort(), csv.slice(1).map((r) => r[c1].replace(/^'=/, '=')).sort());
  assert.equal(cn, numx);
});

const runners = () => runnersOf(pidOf(env.GENBA_FCGI_PIDFILE));

test('100,000 reports: the runner killed halfway, the job taken over, the CSV whole; no partial file ever offered', { timeout: 600000 }, async (t) => {
  if (!tables) return t.skip('the table writers are not in this build');
  [tokK, defK] = await dailyTenant(TK, PW);
  bulkReports(TK, defK, 100000, { prefix: 'K' });
  const before = runners();
  assert.equal(before.length, 1);
  // (test stacks only: the runner pauses at each progress step, so the export is caught halfway)
  const id = await exportHalfway(TK, tokK, { format: 'csv', filter: { definition: defK } }, 30000);
  process.kill(before[0], 'SIGKILL');
  await waitFor('the runner gone', () => !alive(before[0]));
  let polls = 0;
  // (a job seen running may finish before the file is asked for: a file
  // given then must be the whole one, and the job done by then)
  const early = [];
  const j = await waitJob(TK, tokK, id, ['done', 'failed', 'cancelled'], {
    timeout: 300000,
    onPoll: async (x) => {
      if (x.status === 'done') return;
      polls++;
      const f = await api(TK, 'GET', `/exports/${id}/file`, { token: tokK });
      if (f.status === 200) {
        assert.equal((await api(TK, 'GET', `/exports/${id}`, { token: tokK })).json.status, 'done', 'a file given while the job runs');
        early.push(f.bytes.length);
      } else {
        assertError(f, 409, 'not_ready');
      }
    },
  });
  for (const n of early) assert.equal(n, j.bytes, 'a file given at the end is the whole file');
  assert.ok(polls > 3);
  assert.equal(j.status, 'done', JSON.stringify(j));
  assert.equal(j.total, 100000);
  assert.equal(j.done, 100000);
  assert.equal(sql(`SELECT attempts FROM genba_control.jobs WHERE id = '${id}'`).stdout, '2');
  const f = await exportFile(TK, tokK, id);
  assert.equal(f.body.length, j.bytes);
  const o = py(`
import sys, csv, io, json
rows = list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode('utf-8').lstrip('\\ufeff'), newline='')))
head = rows[0]
num = next(i for i, h in enumerate(head) if 'K-' in rows[1][i])
print(json.dumps({"rows": len(rows) - 1, "distinct": len(set(r[num] for r in rows[1:])), "widths": sorted(set(len(r) for r in rows))}))`, f.body);
  assert.equal(o.rows, 100000);
  assert.equal(o.distinct, 100000, 'every report once');
  assert.equal(o.widths.length, 1, 'every row whole');
  const dir = path.join(env.GENBA_DIR, 'data', TK, 'exports');
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith(id)), [`${id}-2.job`]);
});
