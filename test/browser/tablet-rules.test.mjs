// genba browser tests: the tablet app's own checks agree with the server.
//
// The app checks values as they are typed, computes Calculate and
// TimeCalculate for display, and refuses to queue what the server would
// refuse (static/app/js/rules.js, formula.js, decimal.js; pure modules that
// run in Node too). Here every case of a table is judged by the app's code
// and by the server (a report saved with that one value): the same verdict
// (accepted, or refused with the same code) and the same canonical value;
// and formulas give the same result on both sides.
//
// Also: static/app/ is ready to serve (tools/app/update.mjs --check: the
// vendored library and the service worker's file list and version are
// current), its index has no inline script, and the Japanese and English
// messages have the same keys.
//
// Needs a running stack: GENBA_STACK_ENV=DIR/stack.env.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HERE } from './lib.mjs';
import { setUpTenant, tokyoDate } from './tablet-lib.mjs';

const APP = path.resolve(HERE, '../../static/app');
const mod = (f) => import(pathToFileURL(path.join(APP, 'js', f)).href);

// [cluster id, type, parameters]
const CLUSTERS = [
  [1, 'KeyboardText', '<maxLength>5</maxLength><charset>alphanumeric</charset>'],
  [2, 'KeyboardText', '<lines>3</lines><maxLength>6</maxLength>'],
  [3, 'KeyboardText', '<pattern>[A-Z]{2}-[0-9]+</pattern>'],
  [4, 'KeyboardText', '<charset>digits</charset>'],
  [5, 'Numeric', '<decimalPlaces>1</decimalPlaces><minimum>-5</minimum><maximum>10</maximum><normalMinimum>2</normalMinimum><normalMaximum>6.5</normalMaximum>'],
  [6, 'Numeric', ''],
  [7, 'NumericSelect', '<items><item value="1.0">1</item><item value="2.5">2.5</item></items>'],
  [8, 'Date', '<minimum>2026-01-01</minimum><maximum>2030-12-31</maximum>'],
  [9, 'Time', ''],
  [10, 'Time', '<seconds>true</seconds>'],
  [11, 'Check', ''],
  [12, 'Select', '<items><item value="ok">OK</item><item value="ng">NG</item></items>'],
  [13, 'MultipleChoice', '<minSelected>1</minSelected><maxSelected>2</maxSelected><items><item value="a">A</item><item value="b">B</item><item value="c">C</item></items>'],
  [14, 'Toggle', '<items><item value="on">On</item><item value="off">Off</item></items>'],
  [15, 'Gps', ''],
  [16, 'CodeReader', '<maxLength>8</maxLength><pattern>[0-9A-F]+</pattern>'],
  [17, 'Calculate', '<formula>IF(C(1,5)+C(1,6)=0, 0, ROUND(C(1,6)/(C(1,5)+C(1,6))*100, 2))</formula><decimalPlaces>2</decimalPlaces>'],
  [18, 'Calculate', '<formula>SUM(C(1,5), C(1,6), 0.1) * 3 − ABS(-2)</formula>'],
  [19, 'Calculate', '<formula>AVERAGE(C(1,5), C(1,6)) ÷ 3</formula><decimalPlaces>4</decimalPlaces>'],
  [20, 'TimeCalculate', '<start>C(1,9)</start><end>C(1,10)</end><breakMinutes>45</breakMinutes>'],
];

const CASES = [
  [1, 'AB12'], [1, 'AB 12'], [1, 'ABCDEF'], [1, 'ＡＢ'], [1, 'ab\tc'],
  [2, 'ab\r\ncd'], [2, 'a\nb\nc\nd'], [2, '日本語テキスト'], [2, '😀😀😀😀😀😀'],
  [3, 'AB-12'], [3, 'ab-12'], [3, 'AB-'], [3, 'XAB-1'],
  [4, '0042'], [4, '４２'],
  [5, '9.5'], [5, '5'], [5, '10.0'], [5, '10.1'], [5, '-5'], [5, '-5.1'], [5, '1.25'], [5, '007'], [5, '-0'], [5, '.5'], [5, '5.'],
  [5, '+1'], [5, '1e3'], [5, ' 5'],
  [6, '0.1000000000'], [6, '1.50'], [6, '12345678901234567'], [6, '0.00000000001'], [6, '123456789012345'],
  [7, '1'], [7, '2.50'], [7, '3'],
  [8, '2026-02-28'], [8, '2026-02-29'], [8, '2028-02-29'], [8, '2025-12-31'], [8, '2026-1-05'],
  [9, '08:30'], [9, '24:00'], [9, '08:30:00'], [9, '8:30'],
  [10, '08:30'], [10, '08:30:59'], [10, '08:30:60'],
  [11, '1'], [11, '0'], [11, 'true'],
  [12, 'ok'], [12, 'OK'], [12, 'maybe'],
  [13, 'a'], [13, 'c\ta'], [13, 'a\tb\tc'], [13, 'a\ta'], [13, 'd'],
  [14, 'on'], [14, 'x'],
  [15, '35.68120,139.76710'], [15, '35.6812,139.7671,40.5'], [15, '91,0'], [15, '35.6, 139.7'], [15, '35.6'],
  [16, 'DEADBEEF'], [16, 'deadbeef'], [16, '0123456789'],
];

let ctx, token, defId, defRev, rules, formula, compute;
const XML = () => '<?xml version="1.0" encoding="UTF-8"?>\n<conmas><top><defTopName>Rules</defTopName><sheets><sheet>' +
  '<sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height><clusters>' +
  CLUSTERS.map(([id, type, p]) => `<cluster><sheetNo>1</sheetNo><clusterId>${id}</clusterId><clusterName>c${id}</clusterName>` +
    `<type>${type}</type><top>${(id * 0.04).toFixed(2)}</top><bottom>${(id * 0.04 + 0.03).toFixed(2)}</bottom><left>0.1</left>` +
    `<right>0.9</right>${p}</cluster>`).join('') + '</clusters></sheet></sheets></top></conmas>\n';

/** The server's verdict on values: { status, values: {cluster: value}, codes: {cluster: code} }. */
async function serverSays(values) {
  const r = await ctx.api('POST', '/reports', {
    token, headers: { 'Idempotency-Key': randomUUID() },
    body: { id: randomUUID(), definition_id: defId, definition_revision: defRev, action: 'save', values: values.map(([cluster, value]) => ({ sheet: 1, cluster, value })) },
  });
  const codes = {};
  for (const det of r.json?.error?.details || []) codes[det.cluster] = det.code;
  const vals = {};
  for (const v of r.json?.values || []) vals[v.cluster] = v.value;
  return { status: r.status, values: vals, codes, text: r.text };
}

before(async () => {
  rules = await mod('rules.js');
  formula = await mod('formula.js');
  compute = await mod('compute.js');
  ctx = await setUpTenant('tab-rules');
  token = ctx.adminToken;
  const r = await ctx.api('POST', '/definitions', { token, body: XML(), headers: { 'Content-Type': 'application/xml' } });
  assert.equal(r.status, 201, r.text);
  defId = r.json.id;
  defRev = r.json.revision;
  assert.equal((await ctx.api('POST', `/definitions/${defId}/status`, { token, body: { status: 'published' } })).status, 200);
});

test('static/app is ready to serve: vendored library and service worker stamp current, no inline script, both languages complete', async () => {
  const r = spawnSync(process.execPath, [path.resolve(HERE, '../../tools/app/update.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const index = fs.readFileSync(path.join(APP, 'index.html'), 'utf8');
  for (const m of index.matchAll(/<script\b[^>]*>/g)) assert.match(m[0], /\bsrc="/, `inline script: ${m[0]}`);
  assert.doesNotMatch(index, /\son[a-z]+="/i, 'no inline event handlers');
  const k = (await mod('i18n.js')).MESSAGE_KEYS();
  assert.ok(k.en.length > 100);
  assert.deepEqual([...k.ja].sort(), [...k.en].sort(), 'every message in both languages');
});

test('the app judges every value as the server does, with the same canonical form', async () => {
  const def = (await ctx.api('GET', `/definitions/${defId}`, { token })).json;
  const byId = Object.fromEntries(def.sheets[0].clusters.map((c) => [c.id, c]));
  const today = tokyoDate(0);   // the server's "today" is the tenant's (Asia/Tokyo)
  const mismatches = [];
  let refused = 0;
  for (const [cluster, input] of CASES) {
    const mine = rules.check(byId[cluster], input, { today });
    const theirs = await serverSays([[cluster, input]]);
    assert.ok([201, 422].includes(theirs.status), theirs.text);
    const server = theirs.status === 201 ? { value: theirs.values[cluster] ?? '' } : { code: theirs.codes[cluster] };
    const app = mine.code ? { code: mine.code } : { value: mine.value };
    if (server.code) refused++;
    if (JSON.stringify(app) !== JSON.stringify(server)) mismatches.push({ cluster, type: byId[cluster].type, input, app, server });
  }
  assert.deepEqual(mismatches, [], 'the app and the server disagree');
  assert.ok(refused >= 25 && CASES.length - refused >= 25, `both verdicts are tried: ${refused} refused of ${CASES.length}`);
  // out of the normal range: the same flag
  for (const input of ['1.9', '2', '6.5', '6.6']) {
    const theirs = await serverSays([[5, input]]);
    const stored = (await ctx.api('GET', `/reports/${JSON.parse(theirs.text).id}`, { token })).json.values.find((v) => v.cluster === 5);
    assert.equal(Boolean(rules.check(byId[5], input, { today }).oon), Boolean(stored.out_of_normal), `out of normal: ${input}`);
  }
});

test('Calculate and TimeCalculate give the same results on the device as on the server', async () => {
  const def = (await ctx.api('GET', `/definitions/${defId}`, { token })).json;
  const inputs = [
    [['5', '1'], ['6', '3']], [['5', '0'], ['6', '0']], [['5', '-5'], ['6', '5']], [['5', '9.9'], ['6', '0.0000000001']],
    [['5', '1'], ['6', '']], [['5', '7'], ['6', '1234567.891']], [['9', '22:00'], ['10', '06:30:30']], [['9', '08:00'], ['10', '08:30:00']],
  ];
  for (const set of inputs) {
    const values = set.filter(([, v]) => v !== '').map(([c, v]) => [Number(c), v]);
    const theirs = await serverSays(values);
    assert.equal(theirs.status, 201, theirs.text);
    const vals = Object.fromEntries(values.map(([c, v]) => [`1/${c}`, rules.check(def.sheets[0].clusters.find((x) => x.id === c), v, {}).value]));
    const mine = compute.computeAll(def, vals, {});
    for (const c of [17, 18, 19, 20])
      assert.equal(mine[`1/${c}`] ?? '', theirs.values[c] ?? '', `C(1,${c}) with ${JSON.stringify(set)}`);
  }
  // exact decimals: 0.1 + 0.2 is 0.3, and rounding is half away from zero
  const t = formula.parseFormula('ROUND(0.1 + 0.2, 1) * 10 + ROUND(-2.5, 0)');
  assert.deepEqual(formula.evaluate(t, () => '', null), { value: '0' });
});
