// Report attachments (tablet-api.md "Reports"): PUT and GET
// /reports/{id}/attachments/{sheet}/{cluster}.  Images checked by their magic
// bytes against the declared type and the cluster's rules (PNG only for
// Handwriting and FreeDraw, maxBytes, maxPixels), stored sealed with the
// tenant's data key bound to report/sheet/cluster (opened here in JS), the
// same bytes again change nothing, new bytes move the report's rev with a
// history and an access-log row; a tampered blob is never served; the
// storage quota (507, nothing written; shown to administrators); ids of
// another tenant are 404.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import https from 'node:https';
import {
  base, ca, ensureTenant, adminToken, api, sql, tenantDb, tokenFor, assertError, masterKey, openSealed, wrapped,
  consoleCookie, consoleGet, logText, waitFor,
} from './lib.mjs';
import { makePng, crc32 } from './zip.mjs';

const T = 'att-a', TB = 'att-b';
const PW = 'Attachments-admin-77';
const USER_PW = 'Attachment-user-2026';
const uuid = () => crypto.randomUUID();
const RUN = Date.now().toString(36);   // names of this run (the test can run again on the same stack)
const DB = tenantDb(T);

// The test definition: [clusterId, type, parameters]
const CL = [
  [0, 'KeyboardText', ''],
  [1, 'Image', '<maxBytes>300000</maxBytes><maxPixels>1000000</maxPixels>'],
  [2, 'Handwriting', ''],
  [3, 'FreeDraw', ''],
  [4, 'Image', ''],
  [5, 'Image', '<lockAfterSave>true</lockAfterSave>'],
  [6, 'Create', ''],
];
function defXml(name, settings = '') {
  const cl = CL.map(([id, type, params]) => {
    const top = (0.01 + id * 0.05).toFixed(3), bottom = (0.05 + id * 0.05).toFixed(3);
    return `<cluster><sheetNo>1</sheetNo><clusterId>${id}</clusterId><clusterName>c${id}</clusterName><type>${type}</type>` +
      `<top>${top}</top><bottom>${bottom}</bottom><left>0.050</left><right>0.950</right>${params}</cluster>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<conmas><top><defTopName>${name}</defTopName>${settings}<sheets><sheet>` +
    `<sheetNo>1</sheetNo><defSheetName>Photos</defSheetName><width>595</width><height>842</height><clusters>\n${cl}\n` +
    '</clusters></sheet></sheets></top></conmas>\n';
}

// A minimal JPEG: SOI, APP0 (JFIF), SOF0 with the size (1 component), EOI.
function makeJpeg(w, h) {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const sof0 = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, h >> 8, h & 0xff, w >> 8, w & 0xff, 0x01, 0x01, 0x11, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof0, Buffer.from([0xff, 0xd9])]);
}
// A PNG header only (signature, IHDR, IEND) claiming w x h pixels: a 1x1
// PNG without its IDAT, the IHDR's size and CRC rewritten.
function pngHeader(w, h) {
  const p = makePng(1, 1), idat = 33 + 8 + p.readUInt32BE(33) + 4;
  const out = Buffer.concat([p.subarray(0, 33), p.subarray(idat)]);
  out.writeUInt32BE(w, 16); out.writeUInt32BE(h, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}
// A real PNG padded after IEND to n bytes (decoders ignore the tail).
const paddedPng = (n, seed = 1) => {
  const p = makePng(4, 4);
  const pad = Buffer.alloc(n - p.length);
  for (let i = 0; i < pad.length; i++) pad[i] = (i * 31 + seed * 7) & 0xff;
  return Buffer.concat([p, pad]);
};
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

// Requests whose bodies stay bytes.
function bin(method, p, { token, headers = {}, body } = {}) {
  const u = new URL(p, base);
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body) h['Content-Length'] = body.length;
  return new Promise((resolve, reject) => {
    const req = https.request({ host: u.hostname, port: u.port, method, path: u.pathname, ca, agent: false, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json = null;
        if ((res.headers['content-type'] || '').startsWith('application/json')) json = JSON.parse(body.toString('utf8'));
        resolve({ status: res.statusCode, headers: res.headers, body, json, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}
const attPath = (t, id, s, c) => `/${t}/api/v1/reports/${id}/attachments/${s}/${c}`;
const put = (id, s, c, data, type, { token = admin, tenant = T, headers = {} } = {}) =>
  bin('PUT', attPath(tenant, id, s, c), { token, body: data, headers: { 'Content-Type': type, ...headers } });
const getAtt = (id, s, c, { token = admin, tenant = T, headers = {} } = {}) =>
  bin('GET', attPath(tenant, id, s, c), { token, headers });

// the history's changes (report_events.changes), one row each
const CHANGES = "report_events e, JSON_TABLE(e.changes, '$[*]' COLUMNS (s INT PATH '$.s', c INT PATH '$.c', o TEXT PATH '$.o', n TEXT PATH '$.n')) j";
const q = (query, database = DB) => {
  const r = sql(query, { database });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};
const nAttachments = (id) => Number(q(`SELECT COUNT(*) FROM report_attachments WHERE report_id = '${id}'`));
const revOf = (id) => Number(q(`SELECT rev FROM reports WHERE id = '${id}'`));

let admin, adminB, viewer, other, defId, lockedDefId;
let rep, repLocked, repB;

async function createReport(token, definition, { action = 'save', tenant = T } = {}) {
  const id = uuid();
  const r = await api(tenant, 'POST', '/reports', {
    token, headers: { 'Idempotency-Key': uuid() },
    body: { id, definition_id: definition, definition_revision: 1, values: [], action },
  });
  assert.equal(r.status, 201, r.text);
  return id;
}

test('setup: tenants, a definition with image clusters, users, reports', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  adminB = await adminToken(TB, ensureTenant(TB), PW);
  let r = await api(T, 'POST', '/groups', { token: admin, body: { name: `att-checkers-${RUN}` } });
  assert.equal(r.status, 201, r.text);
  const upload = async (xml) => {
    const u = await api(T, 'POST', '/definitions', { token: admin, body: xml, headers: { 'Content-Type': 'application/xml' } });
    assert.equal(u.status, 201, u.text);
    const p = await api(T, 'POST', `/definitions/${u.json.id}/status`, { token: admin, body: { status: 'published' } });
    assert.equal(p.status, 200, p.text);
    return u.json.id;
  };
  defId = await upload(defXml('Attachments'));
  lockedDefId = await upload(defXml('Attachments under approval',
    `<settings><applicantLock>true</applicantLock><approvalStages><stage no="1" name="Check" group="att-checkers-${RUN}"/></approvalStages></settings>`));
  // a reader of every report, and a creator who sees only their own
  const gv = await api(T, 'POST', '/groups', { token: admin, body: { name: `att-viewers-${RUN}`, permissions: ['api', 'def.view', 'def.reports.view'] } });
  const gc = await api(T, 'POST', '/groups', { token: admin, body: { name: `att-creators-${RUN}`, permissions: ['api', 'def.view', 'def.reports.create'] } });
  assert.equal(gv.status, 201, gv.text);
  assert.equal(gc.status, 201, gc.text);
  for (const [login, g] of [[`att.viewer.${RUN}`, gv.json.id], [`att.other.${RUN}`, gc.json.id]]) {
    r = await api(T, 'POST', '/users', { token: admin, body: { login, name: login, password: USER_PW, groups: [g] } });
    assert.equal(r.status, 201, r.text);
  }
  viewer = await tokenFor(T, `att.viewer.${RUN}`, USER_PW);
  other = await tokenFor(T, `att.other.${RUN}`, USER_PW);
  rep = await createReport(admin, defId);
  repLocked = await createReport(admin, lockedDefId, { action: 'complete' });
  // tenant B: a report of its own
  const ub = await api(TB, 'POST', '/definitions', { token: adminB, body: defXml('B'), headers: { 'Content-Type': 'application/xml' } });
  assert.equal(ub.status, 201, ub.text);
  assert.equal((await api(TB, 'POST', `/definitions/${ub.json.id}/status`, { token: adminB, body: { status: 'published' } })).status, 200);
  repB = await createReport(adminB, ub.json.id, { tenant: TB });
});

const png = makePng(16, 8);
const jpeg = makeJpeg(320, 240);

test('a PNG is stored (201), the same bytes again are 200 and write nothing, and it comes back identical', async () => {
  const rev0 = revOf(rep);
  let r = await put(rep, 1, 1, png, 'image/png');
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(
    { sha256: r.json.sha256, size: r.json.size, content_type: r.json.content_type, width: r.json.width, height: r.json.height },
    { sha256: sha(png), size: png.length, content_type: 'image/png', width: 16, height: 8 });
  assert.equal(r.json.rev, rev0 + 1);
  assert.equal(r.headers.etag, `"${sha(png)}"`);
  assert.equal(revOf(rep), rev0 + 1);
  const updated = q(`SELECT updated_at FROM reports WHERE id = '${rep}'`);
  // history: old (none) and new = the SHA-256; access log
  assert.equal(q(`SELECT CONCAT_WS('|', e.rev, e.kind, COALESCE(j.o, 'NULL'), j.n) FROM ${CHANGES} WHERE e.report_id = '${rep}' AND j.c = 1`),
    `${rev0 + 1}|attachment|NULL|${sha(png)}`);
  assert.equal(q(`SELECT COUNT(*) FROM access_log WHERE action = 'report.attachment' AND object_id = '${rep}/1/1' AND result = 'ok'`), '1');

  r = await put(rep, 1, 1, png, 'image/png');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sha256, sha(png));
  assert.equal(r.json.rev, rev0 + 1);
  assert.equal(revOf(rep), rev0 + 1, 'the same bytes do not move the revision');
  assert.equal(q(`SELECT updated_at FROM reports WHERE id = '${rep}'`), updated);
  assert.equal(q(`SELECT COUNT(*) FROM ${CHANGES} WHERE e.report_id = '${rep}' AND j.c = 1`), '1');
  assert.equal(q(`SELECT COUNT(*) FROM access_log WHERE action = 'report.attachment' AND object_id = '${rep}/1/1'`), '1');

  const g = await getAtt(rep, 1, 1);
  assert.equal(g.status, 200);
  assert.ok(g.body.equals(png), 'the same bytes');
  assert.equal(g.headers['content-type'], 'image/png');
  assert.equal(Number(g.headers['content-length']), png.length);
  assert.equal(g.headers['content-disposition'], `attachment; filename="${rep}-1-1.png"`);
  assert.equal(g.headers['content-security-policy'], "default-src 'none'; sandbox");
  assert.equal(g.headers['x-content-type-options'], 'nosniff');
  assert.equal(g.headers.etag, `"${sha(png)}"`);
});

test('a JPEG is stored and comes back identical; replacing it moves the rev with old and new in the history', async () => {
  const rev0 = revOf(rep);
  let r = await put(rep, 1, 4, jpeg, 'image/jpeg');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.content_type, 'image/jpeg');
  assert.deepEqual([r.json.width, r.json.height], [320, 240]);
  const g = await getAtt(rep, 1, 4);
  assert.equal(g.status, 200);
  assert.ok(g.body.equals(jpeg));
  assert.equal(g.headers['content-type'], 'image/jpeg');
  assert.equal(g.headers['content-disposition'], `attachment; filename="${rep}-1-4.jpg"`);
  const png2 = makePng(20, 10);
  r = await put(rep, 1, 4, png2, 'image/png; charset=binary');
  assert.equal(r.status, 201, r.text);
  assert.equal(revOf(rep), rev0 + 2);
  assert.equal(q(`SELECT CONCAT_WS('|', j.o, j.n) FROM ${CHANGES} WHERE e.report_id = '${rep}' AND j.c = 4 AND e.rev = ${rev0 + 2}`),
    `${sha(jpeg)}|${sha(png2)}`);
  assert.ok((await getAtt(rep, 1, 4)).body.equals(png2));
  // a large image (6 MiB, within the default 10 MiB) makes the round trip too
  const big = paddedPng(6 * 1024 * 1024, 3);
  r = await put(rep, 1, 4, big, 'image/png');
  assert.equal(r.status, 201, r.text);
  const gb = await getAtt(rep, 1, 4);
  assert.equal(gb.status, 200);
  assert.ok(gb.body.equals(big));
});

test('the report lists its attachments; If-None-Match answers 304', async () => {
  const r = await api(T, 'GET', `/reports/${rep}`, { token: admin });
  assert.equal(r.status, 200);
  const a = r.json.attachments.find((x) => x.sheet === 1 && x.cluster === 1);
  assert.deepEqual(a, { sheet: 1, cluster: 1, sha256: sha(png), size: png.length, content_type: 'image/png' });
  assert.equal(r.json.rev, revOf(rep));
  const etag = `"${sha(png)}"`;
  let g = await getAtt(rep, 1, 1, { headers: { 'If-None-Match': etag } });
  assert.equal(g.status, 304);
  assert.equal(g.body.length, 0);
  assert.equal(g.headers.etag, etag);
  g = await getAtt(rep, 1, 1, { headers: { 'If-None-Match': `"${'0'.repeat(64)}", W/${etag}` } });
  assert.equal(g.status, 304);
  g = await getAtt(rep, 1, 1, { headers: { 'If-None-Match': `"${'0'.repeat(64)}"` } });
  assert.equal(g.status, 200);
  assert.ok(g.body.equals(png));
});

test('wrong types, sizes and pixel counts are refused and nothing is stored', async () => {
  const before = nAttachments(rep), rev0 = revOf(rep);
  const gif = Buffer.from('GIF89a\x02\x00\x02\x00\x00\x00\x00;', 'latin1');
  assertError(await put(rep, 1, 3, gif, 'image/png'), 415, 'not_an_image', 'GIF as PNG');
  assertError(await put(rep, 1, 3, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'image/png'), 415, 'not_an_image', 'text as PNG');
  assertError(await put(rep, 1, 3, gif, 'image/gif'), 415, 'unsupported_media_type', 'image/gif');
  assertError(await put(rep, 1, 3, png, 'application/octet-stream'), 415, 'unsupported_media_type', 'octet-stream');
  // the declared type must agree with the bytes
  assertError(await put(rep, 1, 4, png, 'image/jpeg'), 415, 'content_type_mismatch', 'PNG declared JPEG');
  assertError(await put(rep, 1, 4, jpeg, 'image/png'), 415, 'content_type_mismatch', 'JPEG declared PNG');
  // a PNG signature without a usable header
  assertError(await put(rep, 1, 4, png.subarray(0, 20), 'image/png'), 422, 'bad_image', 'truncated');
  assertError(await put(rep, 1, 4, Buffer.alloc(0), 'image/png'), 400, 'empty_body', 'empty');
  // Handwriting and FreeDraw take PNG only
  assertError(await put(rep, 1, 2, jpeg, 'image/jpeg'), 422, 'png_required', 'Handwriting JPEG');
  assertError(await put(rep, 1, 3, jpeg, 'image/jpeg'), 422, 'png_required', 'FreeDraw JPEG');
  // maxBytes 300000 (cluster 1); the default 10 MiB elsewhere
  assertError(await put(rep, 1, 1, paddedPng(300001), 'image/png'), 413, 'attachment_too_large', 'over maxBytes');
  const over = await put(rep, 1, 4, paddedPng(10 * 1024 * 1024 + 1), 'image/png');
  assert.equal(over.status, 413, over.text);
  // maxPixels 1,000,000 (cluster 1); 40,000,000 by default
  assertError(await put(rep, 1, 1, makePng(1001, 1000), 'image/png'), 422, 'too_many_pixels', 'over maxPixels');
  assertError(await put(rep, 1, 4, pngHeader(7000, 6000), 'image/png'), 422, 'too_many_pixels', 'over the default');
  // not an attachment cluster, no such cluster
  assertError(await put(rep, 1, 0, png, 'image/png'), 422, 'not_an_attachment_cluster', 'KeyboardText');
  assertError(await put(rep, 1, 6, png, 'image/png'), 422, 'not_an_attachment_cluster', 'Create');
  assertError(await put(rep, 1, 99, png, 'image/png'), 404, 'cluster_not_found', 'cluster 99');
  assertError(await put(rep, 2, 1, png, 'image/png'), 404, 'cluster_not_found', 'sheet 2');
  assertError(await put(rep, 1, 'x', png, 'image/png'), 404, 'not_found', 'cluster x');
  assertError(await put(uuid(), 1, 1, png, 'image/png'), 404, 'not_found', 'no such report');
  assert.equal(nAttachments(rep), before);
  assert.equal(revOf(rep), rev0);
  // the limits hold at the pixel boundary exactly
  assert.equal((await put(rep, 1, 1, makePng(1000, 1000), 'image/png')).status, 201);
  assert.equal((await put(rep, 1, 1, png, 'image/png')).status, 201);
});

test('who may upload: the report rules (view-only 403, others\' reports 404, applicant lock 409, lockAfterSave, If-Match)', async () => {
  // a reader sees the image but may not change it
  const g = await getAtt(rep, 1, 1, { token: viewer });
  assert.equal(g.status, 200);
  assert.ok(g.body.equals(png));
  assertError(await put(rep, 1, 3, png, 'image/png', { token: viewer }), 403, 'forbidden', 'viewer');
  // a creator without view rights does not see another's report
  assertError(await put(rep, 1, 3, png, 'image/png', { token: other }), 404, 'not_found', 'other PUT');
  assertError(await getAtt(rep, 1, 1, { token: other }), 404, 'not_found', 'other GET');
  // ... but uploads to their own
  const own = await createReport(other, defId);
  assert.equal((await put(own, 1, 2, png, 'image/png', { token: other })).status, 201);
  assert.ok((await getAtt(own, 1, 2, { token: other })).body.equals(png));
  // under approval with applicantLock: no change
  assertError(await put(repLocked, 1, 1, png, 'image/png'), 409, 'approval_pending', 'applying');
  assert.equal(nAttachments(repLocked), 0);
  // lockAfterSave: the first image stays
  assert.equal((await put(rep, 1, 5, png, 'image/png')).status, 201);
  assert.equal((await put(rep, 1, 5, png, 'image/png')).status, 200);
  assertError(await put(rep, 1, 5, jpeg, 'image/jpeg'), 422, 'locked_after_save', 'lockAfterSave');
  // If-Match, when sent, must be the current revision
  const rev = revOf(rep);
  const stale = await put(rep, 1, 3, png, 'image/png', { headers: { 'If-Match': `"${rev - 1}"` } });
  assertError(stale, 412, 'stale_revision', 'stale If-Match');
  assert.equal(stale.json.rev, rev);
  assert.equal(stale.headers.etag, `"${rev}"`);
  const ok = await put(rep, 1, 3, png, 'image/png', { headers: { 'If-Match': `"${rev}"` } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.rev, rev + 1);
  // a retry of that upload whose answer was lost: the same bytes with the
  // If-Match it was sent with (stale now) are 200, nothing written
  const retry = await put(rep, 1, 3, png, 'image/png', { headers: { 'If-Match': `"${rev}"` } });
  assert.equal(retry.status, 200, retry.text);
  assert.equal(revOf(rep), rev + 1);
  // other bytes with that stale If-Match are still refused
  assertError(await put(rep, 1, 3, makePng(12, 6), 'image/png', { headers: { 'If-Match': `"${rev}"` } }), 412, 'stale_revision', 'stale If-Match, new bytes');
});

test('stored sealed: not the plain bytes; opens in JS with the tenant key for its own place only', async () => {
  const blob = Buffer.from(q(`SELECT HEX(sealed) FROM report_attachments WHERE report_id = '${rep}' AND sheet_no = 1 AND cluster_id = 1`), 'hex');
  assert.equal(blob.length, png.length + 37);
  assert.ok(!blob.includes(png.subarray(0, 16)), 'the image is not stored in the clear');
  assert.equal(q(`SELECT sha256 FROM report_attachments WHERE report_id = '${rep}' AND sheet_no = 1 AND cluster_id = 1`), sha(png));
  const dataKey = openSealed(masterKey(), `genba/master|${T}|datakey`, wrapped(T, 'data_key_wrapped'));
  assert.deepEqual(openSealed(dataKey, `genba/data|${T}|attachment|${rep}/1/1`, blob), png);
  assert.throws(() => openSealed(dataKey, `genba/data|${T}|attachment|${rep}/1/3`, blob), 'another cluster');
  assert.throws(() => openSealed(dataKey, `genba/data|${TB}|attachment|${rep}/1/1`, blob), 'another tenant');
  assert.throws(() => openSealed(dataKey, `genba/data|${T}|seal|${rep}/1/1`, blob), 'another purpose');
  const keyB = openSealed(masterKey(), `genba/master|${TB}|datakey`, wrapped(TB, 'data_key_wrapped'));
  assert.throws(() => openSealed(keyB, `genba/data|${T}|attachment|${rep}/1/1`, blob), 'another key');
});

test('a tampered blob is never served: 409 attachment_unreadable, a log line; others still work; uploading again repairs it', async () => {
  const where = `report_id = '${rep}' AND sheet_no = 1 AND cluster_id = 3`;
  const blob = Buffer.from(q(`SELECT HEX(sealed) FROM report_attachments WHERE ${where}`), 'hex');
  blob[blob.length - 20] ^= 0x01;   // one ciphertext byte
  q(`UPDATE report_attachments SET sealed = UNHEX('${blob.toString('hex')}') WHERE ${where}`);
  const g = await getAtt(rep, 1, 3);
  assertError(g, 409, 'attachment_unreadable', 'tampered');
  assert.ok(!g.body.includes(png.subarray(0, 8)), 'no image bytes');
  assert.match(g.headers['content-type'], /^application\/json/);
  await waitFor('the log line', () => logText().includes(`attachment ${rep}/1/3 does not open`));
  // the report and its other attachments are fine
  assert.equal((await api(T, 'GET', `/reports/${rep}`, { token: admin })).status, 200);
  const other1 = await getAtt(rep, 1, 1);
  assert.equal(other1.status, 200);
  assert.ok(other1.body.equals(png));
  // a blob moved to another place does not open there either
  const good = q(`SELECT HEX(sealed) FROM report_attachments WHERE report_id = '${rep}' AND sheet_no = 1 AND cluster_id = 1`);
  q(`UPDATE report_attachments SET sealed = UNHEX('${good}') WHERE ${where}`);
  assertError(await getAtt(rep, 1, 3), 409, 'attachment_unreadable', 'moved blob');
  // the same image uploaded again replaces the damaged copy
  const rev0 = revOf(rep);
  const again = await put(rep, 1, 3, png, 'image/png');
  assert.equal(again.status, 201, again.text);
  assert.equal(revOf(rep), rev0 + 1);
  const back = await getAtt(rep, 1, 3);
  assert.equal(back.status, 200);
  assert.ok(back.body.equals(png));
});

test('ids of another tenant are 404 on PUT and GET', async () => {
  assertError(await put(rep, 1, 3, png, 'image/png', { token: adminB, tenant: TB }), 404, 'not_found', 'A report via B');
  assertError(await getAtt(rep, 1, 1, { token: adminB, tenant: TB }), 404, 'not_found', 'A report via B');
  assert.equal((await put(repB, 1, 1, png, 'image/png', { token: adminB, tenant: TB })).status, 201);
  assertError(await put(repB, 1, 1, makePng(3, 3), 'image/png'), 404, 'not_found', 'B report via A');
  assertError(await getAtt(repB, 1, 1), 404, 'not_found', 'B report via A');
  assert.equal((await getAtt(repB, 1, 1, { token: adminB, tenant: TB })).status, 200);
  // A's token on B's path is not a session there
  assert.equal((await getAtt(repB, 1, 1, { tenant: TB })).status, 401);
  // no attachment stored yet at a place: 404
  assertError(await getAtt(rep, 1, 2), 404, 'not_found', 'nothing stored');
});

test('storage quota: 507 and nothing written; administrators see the use', async () => {
  const used = async () => (await api(T, 'GET', '/settings', { token: admin })).json.storage.used;
  const setQuota = (n) => q(`UPDATE genba_control.tenants SET quota_bytes = ${n} WHERE code = '${T}'`, null);
  try {
    // room for 256 KiB more: a 600 KB image does not fit, a small one does
    setQuota(await used() + 256 * 1024);
    const before = nAttachments(rep), rev0 = revOf(rep), hist0 = q(`SELECT COUNT(*) FROM report_events WHERE report_id = '${rep}'`);
    assertError(await put(rep, 1, 2, paddedPng(600000, 5), 'image/png'), 507, 'quota_exceeded', 'over quota');
    assert.equal(nAttachments(rep), before);
    assert.equal(revOf(rep), rev0);
    assert.equal(q(`SELECT COUNT(*) FROM report_events WHERE report_id = '${rep}'`), hist0);
    // the same bytes as stored write nothing, so they are fine
    assert.equal((await put(rep, 1, 1, png, 'image/png')).status, 200);
    assert.equal((await put(rep, 1, 2, makePng(2, 2), 'image/png')).status, 201);

    const s = await api(T, 'GET', '/settings', { token: admin });
    assert.equal(s.status, 200);
    assert.equal(typeof s.json.storage.used, 'number');
    assert.ok(s.json.storage.used > 0);
    assert.ok(s.json.storage.percent >= 80 && s.json.storage.percent <= 100, JSON.stringify(s.json.storage));
    assertError(await api(T, 'PUT', '/settings', { token: admin, body: { storage: { quota: 1 } } }), 422, 'validation_failed', 'storage is read-only');
    const cookie = await consoleCookie(T, 'admin', PW);
    const page = await consoleGet(T, '/settings', cookie);
    assert.equal(page.status, 200);
    assert.match(page.text, /id="storage-use">Storage: [0-9.]+ (KiB|MiB) of [0-9.]+ (KiB|MiB) \(\d+ %\)/);
    assert.match(page.text, /id="storage-warning"/);

    // used up: report creates and updates are refused too, nothing written
    setQuota(1024);
    const nReports = Number(q('SELECT COUNT(*) FROM reports'));
    const id = uuid();
    const c = await api(T, 'POST', '/reports', {
      token: admin, headers: { 'Idempotency-Key': uuid() },
      body: { id, definition_id: defId, definition_revision: 1, values: [{ sheet: 1, cluster: 0, value: 'x' }], action: 'save' },
    });
    assertError(c, 507, 'quota_exceeded', 'create over quota');
    assert.equal(Number(q('SELECT COUNT(*) FROM reports')), nReports);
    const rev1 = revOf(rep);
    const u = await api(T, 'PUT', `/reports/${rep}`, {
      token: admin, headers: { 'Idempotency-Key': uuid(), 'If-Match': `"${rev1}"` },
      body: { values: [{ sheet: 1, cluster: 0, value: 'changed' }], action: 'save' },
    });
    assertError(u, 507, 'quota_exceeded', 'update over quota');
    assert.equal(revOf(rep), rev1);
    assert.equal(q(`SELECT COALESCE(JSON_VALUE(vals, '$."1/0".v'), 'none') FROM reports WHERE id = '${rep}'`), 'none');
    assertError(await put(rep, 1, 2, makePng(3, 3), 'image/png'), 507, 'quota_exceeded', 'tiny image, no room');
    // reading is never refused
    assert.equal((await getAtt(rep, 1, 1)).status, 200);
  } finally {
    setQuota(20 * 1024 * 1024 * 1024);
  }
  // the use counts an upload at once (InnoDB's statistics alone would lag)
  const u0 = await used();
  assert.equal((await put(rep, 1, 2, paddedPng(600000, 5), 'image/png')).status, 201);
  assert.ok(await used() >= u0 + 590000);
  const s = await api(T, 'GET', '/settings', { token: admin });
  assert.ok(s.json.storage.percent < 1, JSON.stringify(s.json.storage));
  assert.equal(s.json.storage.quota, 20 * 1024 * 1024 * 1024);
});
