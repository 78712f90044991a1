// test/bench/scale-setup.mjs: the tenant of the scale benchmark.
//
//   node test/bench/scale-setup.mjs URL TENANT ADMIN_ONE_TIME_PASSWORD OUT_DIR DEFINITION_XML...
//
// (NODE_EXTRA_CA_CERTS = the stack's CA.)  Signs the first administrator in
// and sets its password, makes the groups the samples' approval stages name
// (foremen, managers), uploads and publishes each definition, and writes to
// OUT_DIR: token (the administrator's API token), password, and defs.json
// ([{"file", "id"}] in the order given).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { client, firstAdmin } from './lib.mjs';

const [url, tenant, oneTime, out, ...xmlFiles] = process.argv.slice(2);
if (!xmlFiles.length) {
  console.error('usage: scale-setup.mjs URL TENANT ADMIN_ONE_TIME_PASSWORD OUT_DIR DEFINITION_XML...');
  process.exit(2);
}

const { call, must } = client(url, tenant, 'scale-setup');

const { token, password: pw } = await firstAdmin({ call, must }, oneTime, 'Scale');
for (const name of ['foremen', 'managers'])
  must(await call('POST', '/groups', { token, json: { name } }), 201, `group ${name}`);
const defs = [];
for (const f of xmlFiles) {
  const d = must(await call('POST', '/definitions', { token, body: readFileSync(f, 'utf8'), type: 'application/xml' }), 201, `upload ${f}`);
  must(await call('POST', `/definitions/${d.id}/status`, { token, json: { status: 'published' } }), 200, `publish ${f}`);
  defs.push({ file: path.basename(f), id: d.id });
}
writeFileSync(path.join(out, 'token'), token);
writeFileSync(path.join(out, 'password'), pw);
writeFileSync(path.join(out, 'defs.json'), JSON.stringify(defs));
