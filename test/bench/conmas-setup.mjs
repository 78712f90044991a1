// test/bench/conmas-setup.mjs: prepares the ConMas API benchmark on a
// tenant that genbactl has just created.
//
//   node test/bench/conmas-setup.mjs URL TENANT ADMIN_ONE_TIME_PASSWORD SAMPLE_XML OUT_DIR
//
// (NODE_EXTRA_CA_CERTS = the stack's CA.)  Sets the administrator's
// password, makes the user "erp" in a group holding `api` and the report
// rights, publishes the daily-inspection sample and stores one report of it
// with its first sheet filled.  Writes OUT_DIR/login (the form body of
// erp's Login), OUT_DIR/batch.xml (BENCH_BATCH reports, default 1,000, for
// one AutoGenerate call) and prints the report's topId (reports.seq).
import { readFileSync, writeFileSync } from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import { client, firstAdmin } from './lib.mjs';

const [url, tenant, oneTime, xmlFile, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: conmas-setup.mjs URL TENANT ADMIN_ONE_TIME_PASSWORD SAMPLE_XML OUT_DIR');
  process.exit(2);
}
const { call, must } = client(url, tenant, 'conmas-setup');
const { token } = await firstAdmin({ call, must }, oneTime, 'Bench');
for (const name of ['foremen', 'managers']) must(await call('POST', '/groups', { token, json: { name } }), 201, `group ${name}`);
const g = must(await call('POST', '/groups', { token, json: { name: 'integration',
  permissions: ['api', 'def.view', 'def.reports.view', 'def.reports.create', 'def.reports.edit'] } }), 201, 'group');
const password = `Erp-${crypto.randomBytes(12).toString('hex')}`;
must(await call('POST', '/users', { token, json: { login: 'erp', name: 'ERP', password, groups: [g.id] } }), 201, 'user erp');
const def = must(await call('POST', '/definitions', { token, body: readFileSync(xmlFile), type: 'application/xml' }), 201, 'definition');
must(await call('POST', `/definitions/${def.id}/status`, { token, json: { status: 'published' } }), 200, 'publish');
const values = [[1, '2026-12-04'], [2, '08:30'], [4, 'PRESS07'], [5, 'night'], [6, '7.2'], [7, '65.5'], [8, '1'],
  [10, 'noise\tvibration'], [11, '3'], [12, '97'], [14, '始業前点検で異音を確認。Belt tension adjusted.'], [15, '35.6812,139.7671']]
  .map(([cluster, value]) => ({ sheet: 1, cluster, value }));
const id = crypto.randomUUID();
must(await call('POST', '/reports', { token, headers: { 'Idempotency-Key': crypto.randomUUID() },
  json: { id, definition_id: def.id, definition_revision: 1, values, action: 'save', remarks: { 1: 'Line 3' }, system_keys: { 1: 'WO-1' } } }), 201, 'report');
writeFileSync(path.join(out, 'login'), new URLSearchParams({ command: 'Login', user: 'erp', password }).toString());
// the batch AutoGenerate: 1,000 reports of the sample in one file, pretty-printed as clients send it
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const tops = Array.from({ length: Number(process.env.BENCH_BATCH || 1000) }, (_, i) => `  <top>
    <defTopId>${def.id}</defTopId>
    <repTopName>Batch ${i + 1}</repTopName>
    <editStatus>1</editStatus>
    <remarksValue1>Line ${i % 7}</remarksValue1>
    <systemKey1>WO-${100000 + i}</systemKey1>
    <sheets>
      <sheet>
        <sheetNo>1</sheetNo>
        <clusters>
${values.map((v) => `          <cluster><sheetNo>1</sheetNo><clusterId>${v.cluster}</clusterId><value>${esc(v.value)}</value></cluster>`).join('\n')}
        </clusters>
      </sheet>
    </sheets>
  </top>`);
writeFileSync(path.join(out, 'batch.xml'), `<?xml version="1.0" encoding="UTF-8"?>\n<conmas>\n${tops.join('\n')}\n</conmas>\n`);
// the topId: the report's place in the tenant's list (GetReportList through the API itself)
const login = await fetch(`${url}/${tenant}/ConMasAPI/Rests/APIExecute.aspx`, { method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: readFileSync(path.join(out, 'login'), 'utf8') });
const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
const list = await (await fetch(`${url}/${tenant}/ConMasAPI/Rests/APIExecute.aspx`, { method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie }, body: 'command=GetReportList' })).text();
const top = /<topId>(\d+)<\/topId><reportId>([0-9a-f-]+)<\/reportId>/.exec(list);
if (!top || top[2] !== id) {
  console.error(`conmas-setup: GetReportList did not list the report: ${list.slice(0, 300)}`);
  process.exit(1);
}
process.stdout.write(top[1]);
