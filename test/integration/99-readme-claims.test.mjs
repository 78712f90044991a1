// What the README says is checked against what the service does. Runs last
// (99-), when the other tests have written their access-log rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repo, sql, get } from './lib.mjs';

const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');

// "`user.create|update|password_reset`" → user.create, user.update, user.password_reset
function documentedActions() {
  const start = readme.indexOf('- **Access log**');
  const section = readme.slice(start, readme.indexOf('\n\n', start));
  const out = new Set();
  for (const [, code] of section.matchAll(/`([a-z_]+(?:\.[a-z_]+)?(?:\|[a-z_]+)*)`/g)) {
    if (!code.includes('.') && !['login', 'logout'].includes(code)) continue;
    const [first, ...rest] = code.split('|');
    out.add(first);
    const prefix = first.includes('.') ? first.slice(0, first.lastIndexOf('.') + 1) : '';
    for (const r of rest) out.add(prefix + r);
  }
  return out;
}

function cSources(dir = path.join(repo, 'app')) {
  let text = '';
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) text += cSources(p);
    else if (e.name.endsWith('.c')) text += readFileSync(p, 'utf8');
  }
  return text;
}

test('every access-log action the tests produced is documented in the README', () => {
  const documented = documentedActions();
  assert.ok(documented.size > 30, `the README lists ${documented.size} actions`);
  const dbs = sql("SELECT db_name FROM genba_control.tenants WHERE status = 'active'").stdout.split('\n').filter(Boolean);
  assert.ok(dbs.length > 5);
  const seen = new Set();
  for (const db of dbs) {
    const r = sql(`SELECT DISTINCT action FROM \`${db}\`.access_log`);
    if (r.status === 0) for (const a of r.stdout.split('\n').filter(Boolean)) seen.add(a);
  }
  assert.ok(seen.size > 20, `the suite produced ${seen.size} actions`);
  const undocumented = [...seen].filter((a) => !documented.has(a) && !a.startsWith('tz.'));
  assert.deepEqual(undocumented, [], 'actions written but not in the README');
});

test('every action the README lists is one the code writes', () => {
  const src = cSources();
  const missing = [...documentedActions()].filter((a) => {
    if (src.includes(`"${a}"`)) return false;
    // actions made with a format: "report.%s" with "approve", "%s.import" with "users"
    const [pre, suf] = a.split('.');
    return !((src.includes(`"${pre}.%s"`) && src.includes(`"${suf}"`)) || (src.includes(`"%s.${suf}"`) && src.includes(`"${pre}"`)));
  });
  assert.deepEqual(missing, []);
});

test('the ConMas API answers where the README says, in XML, POST only', async () => {
  assert.match(readme, /at `\/<tenant>\/ConMasAPI\/Rests\/APIExecute\.aspx`/);
  const r = await get('/mst-a/ConMasAPI/Rests/APIExecute.aspx');
  assert.equal(r.status, 405);
  assert.match(r.headers['content-type'], /^text\/xml; charset=utf-8/);
  assert.match(r.text, /<conmas><error><code>92<\/code><name>method_not_allowed<\/name>/);
});
