// test/bench/pdf-setup.mjs: prepares the PDF benchmark on a tenant that
// genbactl has just created.
//
//   node test/bench/pdf-setup.mjs URL TENANT ADMIN_ONE_TIME_PASSWORD SAMPLE_XML FIXTURES_DIR OUT_DIR
//
// (NODE_EXTRA_CA_CERTS = the stack's CA.)  Signs the administrator in (and
// sets its password), uploads and publishes a one-sheet form: the first
// sheet of the daily-inspection sample on a background image
// (FIXTURES_DIR/form.png), and stores one report of it with a value in
// every cluster (one out of the normal range).  Writes OUT_DIR/token (the
// administrator's script token) and prints the report's id.
import { readFileSync, writeFileSync } from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import { makeZip } from '../integration/zip.mjs';
import { client, firstAdmin } from './lib.mjs';

const [url, tenant, oneTime, xmlFile, fixtures, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: pdf-setup.mjs URL TENANT ADMIN_ONE_TIME_PASSWORD SAMPLE_XML FIXTURES_DIR OUT_DIR');
  process.exit(2);
}
const { call, must } = client(url, tenant, 'pdf-setup');

const { token } = await firstAdmin({ call, must }, oneTime, 'Bench');

const oneSheet = readFileSync(xmlFile, 'utf8')
  .replace('<minimum>today-7</minimum><maximum>today</maximum>', '').replace('<default>today</default>', '')
  .replace(/<sheet>\s*<sheetNo>2<\/sheetNo>[\s\S]*?<\/sheet>/, '')
  .replace('<height>842</height>\n        <clusters>', '<height>842</height>\n        <background>form.png</background>\n        <clusters>')
  .replace(/<approvalStages>[\s\S]*?<\/approvalStages>/, '');
const zip = makeZip([{ name: 'definition.xml', data: Buffer.from(oneSheet), deflate: true },
  { name: 'form.png', data: readFileSync(path.join(fixtures, 'form.png')) }]);
const def = must(await call('POST', '/definitions', { token, body: zip, type: 'application/zip' }), 201, 'definition upload');
must(await call('POST', `/definitions/${def.id}/status`, { token, json: { status: 'published' } }), 200, 'publish');
const values = [[1, '2026-12-04'], [2, '08:30'], [4, 'PRESS07'], [5, 'night'], [6, '7.2'], [7, '65.5'], [8, '1'],
  [10, 'noise\tvibration'], [11, '3'], [12, '97'], [14, '始業前点検で異音を確認。ベルトの張りを調整した。Belt tension adjusted.'],
  [15, '35.6812,139.7671']].map(([cluster, value]) => ({ sheet: 1, cluster, value }));
const id = crypto.randomUUID();
must(await call('POST', '/reports', {
  token, headers: { 'Idempotency-Key': crypto.randomUUID() },
  json: { id, definition_id: def.id, definition_revision: 1, values, action: 'save' },
}), 201, 'report');
writeFileSync(path.join(out, 'token'), token);
console.log(id);
