// The ConMas API's input side as an outside integration uses it: Login ->
// AutoGenerate (xml pretty-printed with a declaration, a batch where one
// report fails; xmlZip with an image and a stamp image approving the
// workflow's stage; csv in Shift_JIS with cluster names) -> the reports
// checked through GetReportDetail and the JSON API -> UpdateReport (normal:
// ignore markers, empty = clear, the revision check; force: lockAfterSave)
// -> DownloadCsv -> Logout.  Hostile input (DOCTYPE and entities, zip slip,
// a zip bomb, bytes that are not Shift_JIS, no file) is refused with its
// code and nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTenant, adminToken, api, sql, tenantDb } from './lib.mjs';
import { call, login, text, find, all, fields, assertCmError, parseXml } from './conmas-lib.mjs';
import { makeZip, makePng } from './zip.mjs';
import { spawnSync } from 'node:child_process';

// A zip's entries [{name, data}], read by Python's zipfile (which checks every CRC).
function readZip(buf) {
  const py = 'import sys, json, base64, zipfile, io\nz = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\nassert z.testzip() is None\n' +
    'print(json.dumps([[i.filename, base64.b64encode(z.read(i)).decode()] for i in z.infolist()]))';
  const r = spawnSync('python3', ['-c', py], { input: buf, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).map(([name, b]) => ({ name, data: Buffer.from(b, 'base64') }));
}

const T = process.env.CMI_TENANT || 'cmi-a';
const PW = 'Conmas-admin-2026', UPW = 'Integration-pw-77';
let admin, defId, cookie;
const seqs = {};

const DEF = `<?xml version="1.0" encoding="UTF-8"?>
<conmas><top><defTopName>Press import</defTopName><remarksName1>Line</remarksName1>
<settings><applicantLock>true</applicantLock><approvalStages><stage no="1" name="Foreman" group="foremen"/></approvalStages></settings>
<sheets><sheet><sheetNo>1</sheetNo><defSheetName>Check</defSheetName><width>595</width><height>842</height><clusters>
<cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><clusterName>machine</clusterName><type>KeyboardText</type><top>0.1</top><bottom>0.15</bottom><left>0.1</left><right>0.9</right></cluster>
<cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><clusterName>pressure</clusterName><type>Numeric</type><top>0.2</top><bottom>0.25</bottom><left>0.1</left><right>0.9</right><decimalPlaces>1</decimalPlaces><minimum>0</minimum><maximum>10</maximum></cluster>
<cluster><sheetNo>1</sheetNo><clusterId>2</clusterId><clusterName>photo</clusterName><type>Image</type><top>0.3</top><bottom>0.5</bottom><left>0.1</left><right>0.9</right></cluster>
<cluster><sheetNo>1</sheetNo><clusterId>3</clusterId><clusterName>検査者</clusterName><type>KeyboardText</type><top>0.55</top><bottom>0.6</bottom><left>0.1</left><right>0.9</right></cluster>
<cluster><sheetNo>1</sheetNo><clusterId>4</clusterId><clusterName>lot</clusterName><type>KeyboardText</type><top>0.65</top><bottom>0.7</bottom><left>0.1</left><right>0.9</right><lockAfterSave>true</lockAfterSave></cluster>
</clusters></sheet><sheet><sheetNo>2</sheetNo><defSheetName>Sign-off</defSheetName><width>595</width><height>842</height><clusters>
<cluster><sheetNo>2</sheetNo><clusterId>0</clusterId><clusterName>made_by</clusterName><type>Create</type><top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.4</right></cluster>
<cluster><sheetNo>2</sheetNo><clusterId>1</clusterId><clusterName>foreman_ok</clusterName><type>Approve</type><top>0.1</top><bottom>0.2</bottom><left>0.5</left><right>0.9</right><stage>1</stage></cluster>
</clusters></sheet></sheets></top></conmas>
`;

const db = () => ({ database: tenantDb(T) });
const count = () => Number(sql('SELECT COUNT(*) FROM reports', db()).stdout);
const counts = () => sql('SELECT (SELECT COUNT(*) FROM reports), (SELECT COUNT(*) FROM report_attachments), (SELECT COUNT(*) FROM report_approvals), (SELECT COUNT(*) FROM report_events)', db()).stdout;
const idOf = (seq) => sql(`SELECT id FROM reports WHERE seq = ${Number(seq)}`, db()).stdout;

// A report as the JSON API gives it, values by "sheet/cluster".
async function report(seq) {
  const r = await api(T, 'GET', `/reports/${idOf(seq)}`, { token: admin });
  assert.equal(r.status, 200, r.text);
  r.json.v = Object.fromEntries(r.json.values.map((x) => [`${x.sheet}/${x.cluster}`, x.value]));
  return r.json;
}
async function detail(seq) {
  const r = await call(T, { command: 'GetReportDetail', topId: String(seq) }, { cookie });
  assert.equal(r.status, 200, r.text);
  const d = find(r.xml, 'detailInfo');
  assert.ok(d, r.text);
  return { d, f: fields(d), clusters: all(d, 'clusters/cluster').map(fields), approval: all(d, 'approval/cluster').map(fields) };
}
const results = (r) => {
  assert.equal(r.status, 200, r.text);
  assert.ok(find(r.xml, 'results'), r.text);
  return all(r.xml, 'results/result').map(fields);
};
const upload = (command, data, { type = 'xml', name = 'upload.xml', mime = 'text/xml', extra = {} } = {}) =>
  call(T, { command, type, ...extra }, { cookie, files: [{ field: 'dataFile', name, type: mime, data: Buffer.isBuffer(data) ? data : Buffer.from(data) }] });

test('setup: a tenant, an integration user with the api right, a foreman, a definition with an approval stage', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  assert.equal((await api(T, 'PUT', '/settings', { token: admin, body: { time_zone: 'Asia/Tokyo' } })).status, 200);
  const group = async (body) => {
    const r = await api(T, 'POST', '/groups', { token: admin, body });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const integ = await group({ name: 'integration', permissions: ['api', 'def.view', 'def.reports.view', 'def.reports.create', 'def.reports.edit'] });
  const foremen = await group({ name: 'foremen', permissions: ['def.view', 'def.reports.view'] });
  for (const [login, name, g] of [['erp', 'ERP 連携', integ], ['foreman', '佐藤 花子', foremen], ['sato', 'Sato Ichiro', foremen]]) {
    const u = await api(T, 'POST', '/users', { token: admin, body: { login, name, password: UPW, groups: [g] } });
    assert.equal(u.status, 201, u.text);
  }
  const d = await api(T, 'POST', '/definitions', { token: admin, body: DEF, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(d.status, 201, d.text);
  defId = d.json.id;
  assert.equal((await api(T, 'POST', `/definitions/${defId}/status`, { token: admin, body: { status: 'published' } })).status, 200);
  const l = await login(T, 'erp', UPW);
  assert.equal(l.code, 0, l.r.text);
  cookie = l.cookie;
});

test('AutoGenerate xml: a pretty-printed batch with a declaration; a report that fails is reported and nothing of it is written', async () => {
  const before = count();
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<conmas>
  <top>
    <defTopId>${defId}</defTopId>
    <repTopName>Press 7, morning</repTopName>
    <editStatus>1</editStatus>
    <createUserId>sato</createUserId>
    <createRoleMode>1</createRoleMode>
    <remarksValue1>Line 3</remarksValue1>
    <systemKey1>WO-2001</systemKey1>
    <sheets>
      <sheet>
        <sheetNo>1</sheetNo>
        <clusters>
          <cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><value>PRESS-7</value>
            <approver/><approvalDate/><approverComment/><approvalSignImage/></cluster>
          <cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><value>4.5</value></cluster>
          <cluster><sheetNo>1</sheetNo><clusterId>4</clusterId><value>LOT-1</value></cluster>
        </clusters>
      </sheet>
    </sheets>
  </top>
  <top>
    <defTopId>${defId}</defTopId>
    <repTopName>Broken</repTopName>
    <sheets><sheet><sheetNo>1</sheetNo><clusters>
      <cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><value>PRESS-8</value></cluster>
      <cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><value>45.5</value></cluster>
      <cluster><sheetNo>1</sheetNo><clusterId>99</clusterId><value>x</value></cluster>
    </clusters></sheet></sheets>
  </top>
</conmas>
`;
  const r = await upload('AutoGenerate', xml, { extra: { encoding: 'UTF-8', userMode: '1', labelMode: '0', isCabonCopy: '0', isCompulsive: '0', thumbnailUpdate: '0' } });
  const res = results(r);
  assert.equal(res.length, 2);
  assert.equal(res[0].code, '0', r.text);
  assert.match(res[0].topId, /^\d+$/);
  assert.equal(res[1].code, '23', r.text);
  assert.equal(res[1].name, 'validation_failed');
  const det = all(all(r.xml, 'results/result')[1], 'details/detail').map(fields);
  assert.deepEqual(det.map((d) => `${d.sheetNo}/${d.clusterId}:${d.code}`).sort(), ['1/1:above_maximum', '1/99:unknown_cluster'].sort(), r.text);
  assert.equal(count(), before + 1, 'only the good report is written');
  seqs.xml = res[0].topId;
  // what the report holds, through the API's own commands
  const { f, clusters } = await detail(seqs.xml);
  assert.equal(f.topName, 'Press 7, morning');
  assert.equal(f.remarksValue1, 'Line 3');
  assert.equal(f.systemKey1, 'WO-2001');
  assert.equal(f.registUser, 'sato', 'userMode 1: createUserId is the creator');
  assert.equal(f.editStatus, '1');
  const v = Object.fromEntries(clusters.map((c) => [`${c.sheetNo}/${c.clusterId}`, c.value]));
  assert.equal(v['1/0'], 'PRESS-7');
  assert.equal(v['1/1'], '4.5');
  assert.equal(v['1/4'], 'LOT-1');
});

test('AutoGenerate: an unknown createUserId, a missing defTopId and an unknown definition each fail alone', async () => {
  const before = count();
  const xml = `<conmas><top><defTopId>${defId}</defTopId><createUserId>nobody</createUserId></top>
<top><repTopName>no definition</repTopName></top><top><defTopId>999999</defTopId></top></conmas>`;
  const res = results(await upload('AutoGenerate', xml, { extra: { userMode: '1' } }));
  assert.deepEqual(res.map((x) => x.code), ['13', '12', '20'], JSON.stringify(res));
  assert.match(res[0].message, /nobody/);
  assert.equal(count(), before);
});

test('AutoGenerate xmlZip: an image cluster and a stamp image from the zip, the foreman\'s approval on stage 1', async () => {
  const photo = makePng(12, 8), stamp = makePng(6, 6);
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<conmas><top><defTopId>${defId}</defTopId><repTopName>Zip report</repTopName><editStatus>4</editStatus>
<sheets><sheet><sheetNo>1</sheetNo><clusters>
  <cluster><clusterId>0</clusterId><value>PRESS-9</value></cluster>
  <cluster><clusterId>1</clusterId><value>3</value></cluster>
  <cluster><clusterId>2</clusterId><value>photo.png</value></cluster>
</clusters></sheet>
<sheet><sheetNo>2</sheetNo><clusters>
  <cluster><clusterId>1</clusterId><value>4</value><approver>foreman</approver><approvalDate>2026/12/05 09:30</approvalDate>
    <approverComment>圧力 OK</approverComment><approvalSignImage>stamp.png</approvalSignImage></cluster>
</clusters></sheet></sheets></top></conmas>`;
  const zip = makeZip([{ name: 'import.xml', data: Buffer.from(xml), deflate: true }, { name: 'photo.png', data: photo }, { name: 'stamp.png', data: stamp }]);
  const r = await upload('AutoGenerate', zip, { type: 'xmlZip', name: 'upload.zip', mime: 'application/zip' });
  const res = results(r);
  assert.equal(res[0].code, '0', r.text);
  seqs.zip = res[0].topId;
  const rep = await report(seqs.zip);
  assert.equal(rep.status, 'approved', 'completed, applied and approved by the stage named');
  assert.deepEqual(rep.attachments.map((a) => `${a.sheet}/${a.cluster}:${a.content_type}:${a.size}`).sort(),
    [`1/2:image/png:${photo.length}`, `2/1:image/png:${stamp.length}`], JSON.stringify(rep.attachments));
  const signed = JSON.parse(rep.v['2/1']);
  assert.equal(signed.user, 'foreman');
  assert.equal(signed.name, '佐藤 花子');
  assert.equal(signed.comment, '圧力 OK');
  assert.equal(signed.at, '2026-12-05T00:30:00Z', 'the tenant\'s local time, stored in UTC');
  assert.ok(rep.approvals.some((a) => a.action === 'approve' && a.stage === 1 && a.user === 'foreman'), JSON.stringify(rep.approvals));
  // the PDF draws the photo and, in place of the round stamp, the stamp image that came with the sign-off
  const pdf = await call(T, { command: 'GetReportFile', report: String(seqs.zip), fileType: 'pdf' }, { cookie });
  assert.equal(pdf.status, 200);
  const imgs = spawnSync('pdfimages', ['-list', '-'], { input: pdf.bytes, encoding: 'utf8' });
  assert.equal(imgs.status, 0, imgs.stderr);
  const sizes = imgs.stdout.split('\n').slice(2).filter(Boolean).map((l) => l.trim().split(/\s+/).slice(3, 5).join('x'));
  assert.deepEqual(sizes.sort(), ['12x8', '6x6'], imgs.stdout);
  const { f, approval } = await detail(seqs.zip);
  assert.equal(f.editStatus, '4');
  const fo = approval.find((a) => a.clusterId === '1' && a.sheetNo === '2');
  assert.equal(fo.approver, '佐藤 花子');
  assert.equal(fo.approvalDate, '2026/12/05 09:30:00');
  assert.equal(fo.value, '4');
});

test('AutoGenerate: an approver outside the stage\'s group, a stage not pending, a file not in the zip: refused, nothing written', async () => {
  const before = counts();
  const top = (extra, sign) => `<top><defTopId>${defId}</defTopId>${extra}<sheets><sheet><sheetNo>2</sheetNo><clusters>
  <cluster><clusterId>1</clusterId><approver>${sign}</approver></cluster></clusters></sheet></sheets></top>`;
  const xml = `<conmas>${top('<editStatus>4</editStatus>', 'erp')}${top('<editStatus>1</editStatus>', 'foreman')}${top('<editStatus>4</editStatus>', 'ghost')}
<top><defTopId>${defId}</defTopId><sheets><sheet><sheetNo>1</sheetNo><clusters><cluster><clusterId>2</clusterId><value>missing.png</value></cluster></clusters></sheet></sheets></top></conmas>`;
  const r = await upload('AutoGenerate', xml);
  const res = results(r);
  const code = (i) => fields(find(all(r.xml, 'results/result')[i], 'details/detail')).code;
  assert.deepEqual(res.map((x) => x.code), ['23', '23', '23', '23'], r.text);
  assert.deepEqual([0, 1, 2, 3].map(code), ['approver_not_in_stage_group', 'approval_out_of_order', 'unknown_approver', 'file_not_in_zip']);
  assert.equal(fields(find(all(r.xml, 'results/result')[0], 'details/detail')).message, 'The approver is not a member of the stage\'s group foremen.');
  assert.equal(counts(), before);
});

test('AutoGenerate csv in Shift_JIS: a header of field names, S-C ids and a Japanese cluster name', async () => {
  const before = count();
  const hex = (h) => Buffer.from(h, 'hex');
  // defTopId,repTopName,1-0,pressure,検査者,remarksValue1 / one row a report
  const csv = Buffer.concat([
    Buffer.from('defTopId,repTopName,1-0,pressure,'), hex('8c9f8db88ed2'), Buffer.from(',remarksValue1\r\n'),
    Buffer.from(`${defId},CSV one,PRESS-1,1.5,`), hex('8db293a1'), Buffer.from(','), hex('92e88afa935f8c9f'), Buffer.from('\r\n'),
    Buffer.from(`${defId},CSV two,PRESS-2,(ignore),`), hex('88b389848740'), Buffer.from(',\r\n'),
  ]);
  const r = await upload('AutoGenerate', csv, { type: 'csv', name: 'upload.csv', mime: 'text/csv', extra: { encoding: '932' } });
  const res = results(r);
  assert.deepEqual(res.map((x) => x.code), ['0', '0'], r.text);
  assert.equal(count(), before + 2);
  seqs.csv = res[0].topId;
  const one = await report(res[0].topId), two = await report(res[1].topId);
  assert.equal(one.name, 'CSV one');
  assert.deepEqual([one.v['1/0'], one.v['1/1'], one.v['1/3']], ['PRESS-1', '1.5', '佐藤']);
  assert.equal(one.remarks['1'], '定期点検');
  assert.deepEqual([two.v['1/0'], two.v['1/1'], two.v['1/3']], ['PRESS-2', undefined, '圧延①']);
  // the definition as a field, for a file without the column
  const noDef = results(await upload('AutoGenerate', 'repTopName,1-0\r\nField def,PRESS-3\r\n', { type: 'csv', name: 'upload.csv', mime: 'text/csv', extra: { defTopId: String(defId) } }));
  assert.equal(noDef[0].code, '0', JSON.stringify(noDef));
  assert.equal((await report(noDef[0].topId)).v['1/0'], 'PRESS-3');
  // the same bytes as UTF-8: a clear error, nothing written
  assertCmError(await upload('AutoGenerate', csv, { type: 'csv', name: 'upload.csv', mime: 'text/csv', extra: { encoding: '65001' } }), 15, 'bad_encoding');
  assert.equal(count(), before + 3);
});

test('UpdateReport normal: ignore markers leave, empty clears, the revision read is checked, lockAfterSave holds', async () => {
  const rep = await report(seqs.xml);
  assert.equal((await detail(seqs.xml)).f.rev, String(rep.rev), 'GetReportDetail gives the revision to send back');
  const up = (body, extra = {}) => upload('UpdateReport', `<?xml version="1.0"?>\n<conmas><top><repTopId>${seqs.xml}</repTopId>${body}</top></conmas>`, { extra });
  let res = results(await up(`<rev>${rep.rev + 5}</rev><sheets><sheet><sheetNo>1</sheetNo><clusters><cluster><clusterId>1</clusterId><value>5</value></cluster></clusters></sheet></sheets>`));
  assert.equal(res[0].code, '22', 'a stale rev is a conflict');
  assert.equal(res[0].name, 'conflict');
  res = results(await up(`<rev>${rep.rev}</rev><repTopName>(ignore)</repTopName><remarksValue1/><systemKey1>{ignore}</systemKey1>
<sheets><sheet><sheetNo>1</sheetNo><clusters>
<cluster><clusterId>0</clusterId><value/></cluster><cluster><clusterId>1</clusterId><value>6.5</value></cluster>
<cluster><clusterId>3</clusterId><value>(ignore)</value></cluster></clusters></sheet></sheets>`, { mode: '0', updateUser: '' }));
  assert.equal(res[0].code, '0');
  assert.equal(res[0].topId, seqs.xml);
  const after = await report(seqs.xml);
  assert.equal(after.name, 'Press 7, morning');
  assert.equal(after.v['1/0'] ?? '', '', 'empty clears');
  assert.equal(after.v['1/1'], '6.5');
  assert.equal(after.remarks['1'], undefined, 'an empty remark clears it');
  assert.equal(after.system_keys['1'], 'WO-2001', 'ignored');
  assert.equal(after.rev, rep.rev + 1);
  // lockAfterSave: normal mode refuses the change
  res = results(await up('<sheets><sheet><sheetNo>1</sheetNo><clusters><cluster><clusterId>4</clusterId><value>LOT-2</value></cluster></clusters></sheet></sheets>'));
  assert.equal(res[0].code, '23');
  assert.equal((await report(seqs.xml)).v['1/4'], 'LOT-1');
});

test('UpdateReport force (mode 1): lockAfterSave and the revision do not stop it; updateUser is recorded', async () => {
  const res = results(await upload('UpdateReport', `<conmas><top><repTopId>${seqs.xml}</repTopId><rev>1</rev><sheets><sheet><sheetNo>1</sheetNo><clusters>
<cluster><clusterId>4</clusterId><value>LOT-2</value></cluster></clusters></sheet></sheets></top></conmas>`, { extra: { mode: '1', updateUser: 'sato' } }));
  assert.equal(res[0].code, '0', JSON.stringify(res));
  const after = await report(seqs.xml);
  assert.equal(after.v['1/4'], 'LOT-2');
  assert.equal(after.updated_by, 'sato');
  // force never skips the value rules
  const bad = results(await upload('UpdateReport', `<conmas><top><repTopId>${seqs.xml}</repTopId><clusters><cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><value>abc</value></cluster></clusters></top></conmas>`, { extra: { mode: '1' } }));
  assert.equal(bad[0].code, '23');
  // an unknown report
  const none = results(await upload('UpdateReport', '<conmas><top><repTopId>987654</repTopId></top></conmas>'));
  assert.equal(none[0].code, '20');
});

test('UpdateReport on the workflow: complete (apply), then the foreman\'s stamp alone approves; the applicant lock holds but for force', async () => {
  const up = (body, extra = {}) => upload('UpdateReport', `<conmas><top><repTopId>${seqs.csv}</repTopId>${body}</top></conmas>`, { extra });
  let res = results(await up('<editStatus>4</editStatus>'));
  assert.equal(res[0].code, '0', JSON.stringify(res));
  assert.equal((await report(seqs.csv)).status, 'applying');
  // values of a report under approval: the applicant lock
  res = results(await up('<clusters><cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><value>PRESS-X</value></cluster></clusters>'));
  assert.equal(res[0].code, '22', JSON.stringify(res));
  // only the approval: not a change of values, so the lock does not stop it
  res = results(await up('<clusters><cluster><sheetNo>2</sheetNo><clusterId>1</clusterId><approver>foreman</approver></cluster></clusters>'));
  assert.equal(res[0].code, '0', JSON.stringify(res));
  let rep = await report(seqs.csv);
  assert.equal(rep.status, 'approved');
  assert.equal(JSON.parse(rep.v['2/1']).user, 'foreman');
  assert.equal(rep.v['1/0'], 'PRESS-1');
  // the same stamp again, editStatus 4 again: nothing changes (a report written out comes back as it is)
  const rev = rep.rev;
  res = results(await up('<editStatus>4</editStatus><clusters><cluster><sheetNo>2</sheetNo><clusterId>1</clusterId><approver>foreman</approver></cluster></clusters>'));
  assert.equal(res[0].code, '0');
  rep = await report(seqs.csv);
  assert.deepEqual([rep.rev, rep.status], [rev, 'approved']);
  assert.equal(results(await up('<editStatus>3</editStatus>'))[0].code, '13');
  // force: a correction of an approved report
  res = results(await up('<clusters><cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><value>PRESS-X</value></cluster></clusters>', { mode: '1' }));
  assert.equal(res[0].code, '0', JSON.stringify(res));
  rep = await report(seqs.csv);
  assert.deepEqual([rep.v['1/0'], rep.status], ['PRESS-X', 'approved']);
});

test('hostile input: DOCTYPE and entities, zip slip, a zip bomb, bytes that are not Shift_JIS, no file: clear errors, nothing written', async () => {
  const before = counts();
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><conmas><top><defTopId>${defId}</defTopId><repTopName>&lol3;</repTopName></top></conmas>`;
  let r = await upload('AutoGenerate', laughs);
  assertCmError(r, 14, 'bad_xml');
  assert.match(text(r.xml, 'error/message'), /DOCTYPE/);
  assertCmError(await upload('AutoGenerate', `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><conmas><top><defTopId>${defId}</defTopId><repTopName>&e;</repTopName></top></conmas>`), 14, 'bad_xml');
  r = await upload('AutoGenerate', `<conmas>\n<top><defTopId>${defId}</defTopId>\n<repTopName>x</repTopNam></top></conmas>`);
  assertCmError(r, 14, 'bad_xml');
  assert.match(text(r.xml, 'error/message'), /line 3/);
  const good = Buffer.from(`<conmas><top><defTopId>${defId}</defTopId></top></conmas>`);
  assertCmError(await upload('AutoGenerate', makeZip([{ name: 'import.xml', data: good }, { name: '../../evil.png', data: makePng(2, 2) }]), { type: 'xmlZip', name: 'upload.zip', mime: 'application/zip' }), 18, 'bad_zip');
  assertCmError(await upload('AutoGenerate', makeZip([{ name: '/import.xml', data: good }]), { type: 'xmlZip', name: 'upload.zip', mime: 'application/zip' }), 18, 'bad_zip');
  // a bomb: 40 MiB of zeros in a few KiB, and an entry whose declared size lies
  const bomb = makeZip([{ name: 'import.xml', data: good }, { name: 'pad.bin', data: Buffer.alloc(40 << 20), deflate: true }]);
  assert.ok(bomb.length < 200 * 1024);
  assertCmError(await upload('AutoGenerate', bomb, { type: 'xmlZip', name: 'upload.zip', mime: 'application/zip' }), 19, 'zip_limits');
  const liar = makeZip([{ name: 'import.xml', data: Buffer.concat([good, Buffer.alloc(1 << 20, 32)]), deflate: true, declaredSize: good.length }]);
  assertCmError(await upload('AutoGenerate', liar, { type: 'xmlZip', name: 'upload.zip', mime: 'application/zip' }), 19, 'zip_limits');
  assertCmError(await upload('AutoGenerate', makeZip([{ name: 'other.xml', data: good }]), { type: 'xmlZip', name: 'upload.zip', mime: 'application/zip' }), 18, 'bad_zip');
  const sj = Buffer.concat([Buffer.from(`<conmas><top><defTopId>${defId}</defTopId><repTopName>`), Buffer.from([0x8c, 0x20]), Buffer.from('</repTopName></top></conmas>')]);
  assertCmError(await upload('AutoGenerate', sj, { extra: { encoding: '932' } }), 15, 'bad_encoding');
  assertCmError(await upload('AutoGenerate', sj), 15, 'bad_encoding');
  assertCmError(await call(T, { command: 'AutoGenerate', type: 'xml' }, { cookie }), 16, 'file_missing');
  assertCmError(await upload('AutoGenerate', good, { type: 'pdf' }), 13, 'field_invalid');
  assertCmError(await upload('AutoGenerate', good, { extra: { encoding: 'EUC-JP' } }), 13, 'field_invalid');
  assertCmError(await upload('UpdateReport', good, { type: 'csv' }), 13, 'field_invalid');
  assert.equal(counts(), before, 'nothing written by any of them');
});

test('DownloadCsv: the reports as CSV in a zip, with their images on request', async () => {
  const r = await call(T, { command: 'DownloadCsv', report: `${seqs.xml},${seqs.zip}`, withImage: '1' }, { cookie });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers['content-type'], /^application\/zip/);
  const entries = readZip(r.bytes);
  const names = entries.map((e) => e.name).sort();
  assert.ok(names.includes('reports.csv'), names.join());
  assert.ok(names.some((n) => n.startsWith(`images/${seqs.zip}/`)), names.join());
  const csv = entries.find((e) => e.name === 'reports.csv').data.toString('utf8');
  assert.match(csv, /PRESS-9/);
  assert.match(csv, /Press 7, morning/);
  const noimg = await call(T, { command: 'DownloadCsv', report: String(seqs.zip) }, { cookie });
  assert.equal(noimg.status, 200);
  assert.deepEqual(readZip(noimg.bytes).map((e) => e.name), ['reports.csv']);
  assertCmError(await call(T, { command: 'DownloadCsv', report: '987654' }, { cookie }), 20, 'object_not_found');
  assertCmError(await call(T, { command: 'DownloadCsv' }, { cookie }), 12, 'field_missing');
});

test('the access log has every call; Logout ends the session', async () => {
  const rows = sql("SELECT action, result, detail FROM access_log WHERE action IN ('conmas.auto_generate', 'conmas.update_report', 'conmas.download_csv') ORDER BY id", db()).stdout.split('\n');
  assert.ok(rows.some((l) => /^conmas\.auto_generate\tok\txml: 1 of 2 reports written/.test(l)), rows.join('\n'));
  assert.ok(rows.some((l) => /^conmas\.auto_generate\tfailed\tcode 14 bad_xml/.test(l)), rows.join('\n'));
  assert.ok(rows.some((l) => /^conmas\.update_report\tok\txml force: 1 of 1/.test(l)), rows.join('\n'));
  assert.ok(rows.some((l) => l.startsWith('conmas.download_csv')), rows.join('\n'));
  const out = await call(T, { command: 'Logout' }, { cookie });
  assert.equal(out.status, 200);
  assertCmError(await upload('AutoGenerate', '<conmas><top/></conmas>'), 2, 'session_expired');
});
