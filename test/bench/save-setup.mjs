// test/bench/save-setup.mjs: prepares the report save benchmark on a
// tenant that genbactl has just created.
//
//   node test/bench/save-setup.mjs URL TENANT ADMIN_ONE_TIME_PASSWORD DEFINITION_XML OUT_DIR
//
// (NODE_EXTRA_CA_CERTS = the stack's CA.)  Signs the first administrator in
// and sets its password, lets devices in without approval, creates a group
// with the report permissions and a user "bench" in it, signs that user in
// from a tablet (device) and writes its token to OUT_DIR/token; uploads and
// publishes the definition; reads the cluster types from the XML and writes
// OUT_DIR/body-rest.json: a save body for every cluster, without its
// leading '{"id":"…",' (save.lua puts a fresh id in front); and
// OUT_DIR/body.json, a complete body for a check with curl.  Prints the
// definition id.
import { readFileSync, writeFileSync } from 'node:fs';
import crypto from 'node:crypto';
import { client, firstAdmin } from './lib.mjs';

const [url, tenant, oneTime, xmlFile, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: save-setup.mjs URL TENANT ADMIN_ONE_TIME_PASSWORD DEFINITION_XML OUT_DIR');
  process.exit(2);
}

const { call, must } = client(url, tenant, 'save-setup');

const { token: admin } = await firstAdmin({ call, must }, oneTime, 'Bench');
must(await call('PUT', '/settings', { token: admin, json: { 'devices.auto_approve': true } }), 200, 'device auto-approval');
const g = must(await call('POST', '/groups', {
  token: admin, json: { name: 'bench', permissions: ['def.view', 'def.reports.view', 'def.reports.create', 'def.reports.edit'] },
}), 201, 'group');
const userPw = `Bench-user-${crypto.randomBytes(12).toString('hex')}`;
must(await call('POST', '/users', { token: admin, json: { login: 'bench', name: 'Bench tablet', password: userPw, groups: [g.id] } }), 201, 'user');
const device = { id: crypto.randomUUID(), name: 'bench tablet', platform: 'ios' };
const token = must(await call('POST', '/sessions', { json: { user: 'bench', password: userPw, device } }), 201, 'tablet sign-in').token;

const xml = readFileSync(xmlFile, 'utf8');
const def = must(await call('POST', '/definitions', { token: admin, body: xml, type: 'application/xml' }), 201, 'definition upload');
must(await call('POST', `/definitions/${def.id}/status`, { token: admin, json: { status: 'published' } }), 200, 'publish');

// A value for every cluster, valid for its type and limits, never empty.
const values = [];
const clusters = [...xml.matchAll(/<cluster>([\s\S]*?)<\/cluster>/g)].map((m) => m[1]);
const tag = (c, t) => (c.match(new RegExp(`<${t}>([^<]*)</${t}>`)) || [])[1];
for (const c of clusters) {
  const sheet = Number(tag(c, 'sheetNo')), cluster = Number(tag(c, 'clusterId')), type = tag(c, 'type');
  const n = sheet * 1000 + cluster;
  let value;
  switch (type) {
    case 'KeyboardText': {
      const max = Number(tag(c, 'maxLength') || 200);
      value = `点検メモ ${n}: no abnormality found, belt tension normal`.slice(0, max);
      break;
    }
    case 'Numeric': {
      const dp = Number(tag(c, 'decimalPlaces') ?? 2);
      const lo = Number(tag(c, 'minimum') ?? -1e6), hi = Number(tag(c, 'maximum') ?? 1e6);
      value = (lo + ((n * 37.13) % (hi - lo))).toFixed(Math.min(dp, 4));
      break;
    }
    case 'Date': value = `2026-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`; break;
    case 'Time': value = `${String(n % 24).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`; break;
    // ticked: an empty value is no value (nothing is stored for it), and
    // test/bench/run checks that every report holds one value per cluster
    case 'Check': value = '1'; break;
    case 'Select': {
      const items = [...c.matchAll(/<item value="([^"]*)"/g)].map((m) => m[1]);
      value = items[n % items.length];
      break;
    }
    default:
      console.error(`save-setup: cluster ${sheet}/${cluster} has type ${type}, which this script does not fill`);
      process.exit(1);
  }
  if (value === undefined || value === '') {
    console.error(`save-setup: no value for cluster ${sheet}/${cluster} (${type})`);
    process.exit(1);
  }
  values.push({ sheet, cluster, value, edited_at: '2026-11-25T08:30:00Z' });
}
const rest = JSON.stringify({ definition_id: def.id, definition_revision: def.revision, values, action: 'save' }).slice(1);
writeFileSync(`${out}/body-rest.json`, rest);
writeFileSync(`${out}/body.json`, `{"id":"${crypto.randomUUID()}",${rest}`);
writeFileSync(`${out}/token`, token);
console.log(def.id);
