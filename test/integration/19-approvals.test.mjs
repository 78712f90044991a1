// The report workflow over the tablet API: approvals stage by stage (the
// full cycle with a rejection, groups nested below a stage's group, wrong
// group, stages out of order, applicant lock, If-Match, withdrawal, the
// Approve clusters' sign-offs, report_approvals rows, history, access log),
// exclusive locks (contention naming the holder, renewal, saves refused,
// expiry, breaking by an administrator), copies (copyOnDuplicate clusters
// only, a new number), soft deletion with the purge of old deletions, and
// ids of another tenant or none at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repo, ensureTenant, adminToken, api, sql, tenantDb, tokenFor, newDevice, assertError } from './lib.mjs';

const T = 'apr-a', TB = 'apr-b';
const PW = 'Approvals-admin-77';
const UPW = 'Approvals-user-2026';
const daily = readFileSync(path.resolve(repo, '../shared/samples/daily-inspection.xml'), 'utf8');
const uuid = () => crypto.randomUUID();
const today = () => new Date().toISOString().slice(0, 10);

// A small definition: copyOnDuplicate on clusters 1 and 3, not on 2; a
// calculation over 3; an auto-number; no stages, no exclusive lock.
const copyXml = `<?xml version="1.0" encoding="UTF-8"?>
<conmas><top><defTopName>Copy test</defTopName>
<settings><autoNumber prefix="CP-" digits="3" start="1" step="1"/></settings>
<sheets><sheet><sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height><clusters>
<cluster><sheetNo>1</sheetNo><clusterId>1</clusterId><clusterName>site</clusterName><type>KeyboardText</type>
<top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.9</right><copyOnDuplicate>true</copyOnDuplicate></cluster>
<cluster><sheetNo>1</sheetNo><clusterId>2</clusterId><clusterName>reading</clusterName><type>KeyboardText</type>
<top>0.3</top><bottom>0.4</bottom><left>0.1</left><right>0.9</right></cluster>
<cluster><sheetNo>1</sheetNo><clusterId>3</clusterId><clusterName>count</clusterName><type>Numeric</type>
<top>0.5</top><bottom>0.6</bottom><left>0.1</left><right>0.9</right><copyOnDuplicate>true</copyOnDuplicate></cluster>
<cluster><sheetNo>1</sheetNo><clusterId>4</clusterId><clusterName>double</clusterName><type>Calculate</type>
<top>0.7</top><bottom>0.8</bottom><left>0.1</left><right>0.9</right><formula>C(1,3)*2</formula></cluster>
</clusters></sheet></sheets></top></conmas>
`;

let admin, adminB, applicant, foreman, manager, editor;
const ids = {};
let dailyId, copyId, dailyIdB;

const q = (t, query) => {
  const r = sql(query, { database: tenantDb(t) });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};
const count = (t, table, where) => Number(q(t, `SELECT COUNT(*) FROM ${table} WHERE ${where}`));

const headers = ({ rev, key = uuid() } = {}) => {
  const h = {};
  if (key !== null) h['Idempotency-Key'] = key;
  if (rev !== undefined && rev !== null) h['If-Match'] = `"${rev}"`;
  return h;
};
const createReport = (tok, values, { def = dailyId, action = 'save', id = uuid(), t = T } = {}) =>
  api(t, 'POST', '/reports', { token: tok, headers: headers(), body: { id, definition_id: def, definition_revision: 1, values, action } });
const putReport = (tok, id, rev, values, action = 'save') =>
  api(T, 'PUT', `/reports/${id}`, { token: tok, headers: headers({ rev }), body: { values, action } });
const act = (tok, id, rev, stage, action, comment, { key, t = T } = {}) =>
  api(t, 'POST', `/reports/${id}/approvals`, { token: tok, headers: headers({ rev, key }), body: comment === undefined ? { stage, action } : { stage, action, comment } });
const getReport = (tok, id, t = T) => api(t, 'GET', `/reports/${id}`, { token: tok });
const value = (rep, sheet, cluster) => rep.values.find((v) => v.sheet === sheet && v.cluster === cluster)?.value;
const signoff = (rep, sheet, cluster) => { const v = value(rep, sheet, cluster); return v ? JSON.parse(v) : v; };

// the required values of the daily sample
const dailyValues = (pressure = '4.5') => [
  { sheet: 1, cluster: 1, value: today() },
  { sheet: 1, cluster: 4, value: 'M100' },
  { sheet: 1, cluster: 5, value: 'day' },
  { sheet: 1, cluster: 6, value: pressure },
];

async function newDaily(tok = applicant, action = 'save', values = dailyValues()) {
  const r = await createReport(tok, values, { action });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('setup: tenants, the approval groups (one nested), users, the daily sample and a copy definition published', async () => {
  admin = await adminToken(T, ensureTenant(T), PW);
  adminB = await adminToken(TB, ensureTenant(TB), PW);
  for (const [t, tok] of [[T, admin], [TB, adminB]])
    assert.equal((await api(t, 'PUT', '/settings', { token: tok, body: { 'devices.auto_approve': true } })).status, 200);
  // (a second run on the same stack finds the groups and users of the first)
  const group = async (body) => {
    const r = await api(T, 'POST', '/groups', { token: admin, body });
    if (r.status === 409) return (await api(T, 'GET', '/groups', { token: admin })).json.groups.find((g) => g.name === body.name).id;
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  // approvers may read the reports they approve; they create none
  const foremen = await group({ name: 'foremen', permissions: ['def.view', 'def.reports.view'] });
  const line1 = await group({ name: 'foremen line 1', parent_id: foremen });
  const managers = await group({ name: 'managers', permissions: ['def.view', 'def.reports.view'] });
  const writers = await group({ name: 'writers', permissions: ['def.view', 'def.reports.create'] });
  const editors = await group({ name: 'editors', permissions: ['def.view', 'def.reports.view', 'def.reports.create', 'def.reports.edit'] });
  for (const [login, g] of [['applicant', writers], ['foreman', line1], ['manager', managers], ['editor', editors]]) {
    const u = await api(T, 'POST', '/users', { token: admin, body: { login, name: `User ${login}`, password: UPW, groups: [g] } });
    if (u.status === 409) {
      ids[login] = (await api(T, 'GET', '/users', { token: admin })).json.users.find((x) => x.login === login).id;
      continue;
    }
    assert.equal(u.status, 201, u.text);
    ids[login] = u.json.id;
  }
  assert.equal(q(T, `SELECT COUNT(*) FROM group_members WHERE user_id = ${ids.foreman} AND group_id = ${foremen}`), '0', 'the foreman is not a direct member');
  [applicant, foreman, manager, editor] = await Promise.all(['applicant', 'foreman', 'manager', 'editor'].map((l) => tokenFor(T, l, UPW, { device: newDevice() })));
  const upload = async (t, tok, xml) => {
    const r = await api(t, 'POST', '/definitions', { token: tok, body: xml, headers: { 'Content-Type': 'application/xml' } });
    assert.equal(r.status, 201, r.text);
    const p = await api(t, 'POST', `/definitions/${r.json.id}/status`, { token: tok, body: { status: 'published' } });
    assert.equal(p.status, 200, p.text);
    return r.json.id;
  };
  dailyId = await upload(T, admin, daily);
  copyId = await upload(T, admin, copyXml);
  for (const g of ['foremen', 'managers']) assert.ok([201, 409].includes((await api(TB, 'POST', '/groups', { token: adminB, body: { name: g } })).status));
  dailyIdB = await upload(TB, adminB, daily);
});

// ---- approvals ------------------------------------------------------------

test('the full cycle: apply, stage 1, rejected at stage 2, edited, applied again, both stages, approved', async () => {
  let rep = await newDaily();
  const id = rep.id;
  assert.equal(rep.status, 'editing');
  // completing applies for stage 1 (the definition has stages)
  let r = await putReport(applicant, id, 1, [], 'complete');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'applying');
  assert.equal(r.json.stage, 1);
  assert.equal(r.json.rev, 2);
  assert.deepEqual(r.json.approvals.map((a) => [a.stage, a.action, a.user]), [[1, 'apply', 'applicant']]);

  // the applicant cannot edit while the application is pending (applicantLock)
  assertError(await putReport(applicant, id, 2, [{ sheet: 1, cluster: 6, value: '5.0' }]), 409, 'approval_pending');
  // the manager is not in stage 1's group
  r = await act(manager, id, 2, 1, 'approve');
  assertError(r, 403, 'not_in_stage_group');
  assert.equal(count(T, 'access_log', `action = 'report.approve' AND result = 'denied' AND object_id = '${id}' AND login = 'manager'`), 1, 'the denial is in the access log');
  // stage 2 is not the current stage yet
  assertError(await act(manager, id, 2, 2, 'approve'), 409, 'stage_not_current');
  assertError(await act(manager, id, 2, 2, 'reject'), 409, 'stage_not_current');
  // the applicant is in no group
  assertError(await act(applicant, id, 2, 1, 'approve'), 403, 'not_in_stage_group');
  // If-Match: missing 428, stale 412 with the current report
  assertError(await act(foreman, id, null, 1, 'approve'), 428, 'if_match_required');
  r = await act(foreman, id, 1, 1, 'approve');
  assertError(r, 412, 'stale_revision');
  assert.equal(r.json.rev, 2);
  assert.equal(r.json.status, 'applying');
  assert.equal(r.headers.etag, '"2"');
  assert.equal((await getReport(applicant, id)).json.rev, 2, 'nothing was written by the refusals');

  // the foreman (a member of a group below foremen) approves stage 1
  const key = uuid();
  r = await act(foreman, id, 2, 1, 'approve', 'looks fine', { key });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.etag, '"3"');
  assert.equal(r.json.status, 'applying');
  assert.equal(r.json.stage, 2);
  let s = signoff(r.json, 2, 3);
  assert.equal(s.user, 'foreman');
  assert.equal(s.name, 'User foreman');
  assert.equal(s.comment, 'looks fine');
  assert.match(s.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(value(r.json, 2, 4), undefined, 'stage 2 is not signed yet');
  // the same request again: the same answer, one approval
  const again = await act(foreman, id, 2, 1, 'approve', 'looks fine', { key });
  assert.equal(again.status, 200);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(again.text, r.text);
  assert.equal(count(T, 'report_approvals', `report_id = '${id}' AND action = 'approve'`), 1);
  // the foreman is not a manager
  assertError(await act(foreman, id, 3, 2, 'approve'), 403, 'not_in_stage_group');
  // stage 1 is done
  assertError(await act(foreman, id, 3, 1, 'approve'), 409, 'stage_not_current');

  // the manager rejects stage 2: back to the applicant, every sign-off cleared
  r = await act(manager, id, 3, 2, 'reject', 'pressure reading is wrong');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'rejected');
  assert.equal(r.json.stage, 2);
  assert.equal(r.json.rev, 4);
  assert.equal(value(r.json, 2, 3), '', 'stage 1 sign-off cleared');
  assertError(await act(manager, id, 4, 2, 'approve'), 409, 'not_applying');

  // the applicant edits (allowed after a rejection) and applies again
  r = await putReport(applicant, id, 4, [{ sheet: 1, cluster: 6, value: '5.5' }]);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'rejected');
  assert.equal(value(r.json, 1, 6), '5.5');
  assertError(await act(applicant, id, 5, 2, 'apply'), 409, 'stage_not_current');
  r = await act(applicant, id, 5, 1, 'apply', 'fixed the pressure');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'applying');
  assert.equal(r.json.stage, 1);
  assert.equal(r.json.rev, 6);
  assertError(await act(applicant, id, 6, 1, 'apply'), 409, 'approval_pending');

  r = await act(foreman, id, 6, 1, 'approve');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.stage, 2);
  r = await act(manager, id, 7, 2, 'approve', '承認します');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'approved');
  assert.equal(r.json.stage, 2);
  assert.equal(r.json.rev, 8);
  s = signoff(r.json, 2, 3);
  assert.equal(s.user, 'foreman');
  assert.equal(s.comment, null);
  s = signoff(r.json, 2, 4);
  assert.equal(s.user, 'manager');
  assert.equal(s.comment, '承認します');

  // approved: no more edits (applicantLock), no more approvals
  assertError(await putReport(applicant, id, 8, [{ sheet: 1, cluster: 6, value: '5.6' }]), 409, 'approved_locked');
  assertError(await act(manager, id, 8, 2, 'approve'), 409, 'not_applying');
  assertError(await act(applicant, id, 8, 1, 'apply'), 409, 'already_approved');
  assertError(await act(applicant, id, 8, 2, 'withdraw'), 409, 'not_applying');

  // report_approvals: one row per action, with its user and comment
  assert.equal(q(T, `SELECT GROUP_CONCAT(CONCAT_WS(':', a.stage, a.action, u.login, COALESCE(a.comment, '-')) ORDER BY a.id SEPARATOR '|') FROM report_approvals a JOIN users u ON u.id = a.user_id WHERE a.report_id = '${id}'`),
    '1:apply:applicant:-|1:approve:foreman:looks fine|2:reject:manager:pressure reading is wrong|1:apply:applicant:fixed the pressure|1:approve:foreman:-|2:approve:manager:承認します');
  const rep2 = (await getReport(manager, id)).json;
  assert.deepEqual(rep2.approvals.map((a) => `${a.stage}${a.action}${a.user}`), ['1applyapplicant', '1approveforeman', '2rejectmanager', '1applyapplicant', '1approveforeman', '2approvemanager']);
  // the access log has every action
  // (two applications: completing by PUT, then the apply action after the rejection)
  for (const [a, n] of [['report.apply', 2], ['report.approve', 3], ['report.reject', 1]])
    assert.equal(count(T, 'access_log', `action = '${a}' AND result = 'ok' AND object_id = '${id}'`), n, a);

  // the history: oldest first, the sign-offs with who made them
  r = await api(T, 'GET', `/reports/${id}/history`, { token: manager });
  assert.equal(r.status, 200, r.text);
  const h = r.json.history;
  for (let i = 1; i < h.length; i++) assert.ok(h[i].rev >= h[i - 1].rev, 'oldest first');
  const stage1 = h.filter((x) => x.sheet === 2 && x.cluster === 3);
  assert.deepEqual(stage1.map((x) => [x.rev, x.user, x.old === null ? null : x.old === '' ? '' : 'signed', x.new === '' ? '' : 'signed']),
    [[3, 'foreman', null, 'signed'], [4, 'manager', 'signed', ''], [7, 'foreman', '', 'signed']]);
  assert.equal(JSON.parse(stage1[0].new).comment, 'looks fine');
  // the create is one entry (its values are the report's first revision); changes name old and new
  assert.deepEqual([h[0].rev, h[0].event, h[0].user, h[0].sheet], [1, 'create', 'applicant', undefined]);
  assert.equal(h.filter((x) => x.rev === 1).length, 1, 'a create is one event, not a copy of every value');
  const pressure = h.filter((x) => x.sheet === 1 && x.cluster === 6);
  assert.deepEqual(pressure.map((x) => [x.rev, x.old, x.new, x.user, x.event]), [[5, '4.5', '5.5', 'applicant', 'update']]);
  assert.match(pressure[0].device_id, /^[0-9a-f-]{36}$/);
  assert.match(pressure[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(h.filter((x) => x.sheet === 2 && x.cluster === 4).length, 1, 'stage 2 signed once');
});

test('withdrawing: the applicant takes a pending application back; sign-offs go; only while applying', async () => {
  const rep = await newDaily(applicant, 'complete');
  assert.equal(rep.status, 'applying');
  let r = await act(foreman, rep.id, 1, 1, 'approve');
  assert.equal(r.status, 200, r.text);
  assert.ok(signoff(r.json, 2, 3));
  assertError(await act(foreman, rep.id, 2, 2, 'withdraw'), 403, 'not_applicant');
  assertError(await act(applicant, rep.id, 2, 1, 'withdraw'), 409, 'stage_not_current');
  r = await act(applicant, rep.id, 2, 2, 'withdraw', 'forgot a photo');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'editing');
  assert.equal(r.json.stage, null);
  assert.equal(value(r.json, 2, 3), '');
  assertError(await act(manager, rep.id, 3, 2, 'approve'), 409, 'not_applying');
  assertError(await act(applicant, rep.id, 3, 1, 'withdraw'), 409, 'not_applying');
  // editing is allowed again
  r = await putReport(applicant, rep.id, 3, [{ sheet: 1, cluster: 14, value: 'photo to follow' }]);
  assert.equal(r.status, 200, r.text);
  assert.equal(count(T, 'report_approvals', `report_id = '${rep.id}' AND action = 'withdraw' AND stage = 2 AND comment = 'forgot a photo'`), 1);
  assert.equal(count(T, 'access_log', `action = 'report.withdraw' AND result = 'ok' AND object_id = '${rep.id}' AND login = 'applicant'`), 1);
  assert.equal(count(T, 'access_log', `action = 'report.withdraw' AND result = 'denied' AND object_id = '${rep.id}' AND login = 'foreman'`), 1);
});

test('applying checks the required values like completing does, and answers each one', async () => {
  const rep = await newDaily(applicant, 'save', [{ sheet: 1, cluster: 1, value: today() }]);
  const r = await act(applicant, rep.id, 1, 1, 'apply');
  assertError(r, 422, 'validation_failed');
  assert.deepEqual(r.json.error.details.map((d) => `${d.sheet}/${d.cluster}:${d.code}`).sort(), ['1/4:required', '1/5:required', '1/6:required']);
  const g = await getReport(applicant, rep.id);
  assert.equal(g.json.status, 'editing');
  assert.equal(g.json.rev, 1);
  assert.equal(count(T, 'report_approvals', `report_id = '${rep.id}'`), 0);
});

test('approval requests that make no sense: 400, unknown stage 422, no stages 409, no key 400, 404', async () => {
  const rep = await newDaily();
  assertError(await act(applicant, rep.id, 1, 1, 'escalate'), 400, 'bad_request');
  assertError(await act(applicant, rep.id, 1, '1', 'apply'), 400, 'bad_request');
  assertError(await act(applicant, rep.id, 1, 1, 'apply', 42), 400, 'bad_request');
  assertError(await act(applicant, rep.id, 1, 1, 'apply', 'x'.repeat(1001)), 400, 'bad_request');
  let r = await api(T, 'POST', `/reports/${rep.id}/approvals`, { token: applicant, headers: headers({ rev: 1 }), body: { stage: 1, action: 'apply', extra: 1 } });
  assertError(r, 400, 'unknown_field');
  r = await api(T, 'POST', `/reports/${rep.id}/approvals`, { token: applicant, headers: headers({ rev: 1, key: null }), body: { stage: 1, action: 'apply' } });
  assertError(r, 400, 'idempotency_key_required');
  assertError(await act(applicant, rep.id, 1, 3, 'apply'), 422, 'unknown_stage');
  assertError(await act(applicant, uuid(), 1, 1, 'apply'), 404, 'not_found');
  const c = await createReport(applicant, [{ sheet: 1, cluster: 1, value: 'x' }], { def: copyId });
  assert.equal(c.status, 201, c.text);
  assertError(await act(applicant, c.json.id, 1, 1, 'apply'), 409, 'no_approval_stages');
  assert.equal((await getReport(applicant, rep.id)).json.rev, 1, 'nothing written');
});

// ---- locks -----------------------------------------------------------------

const lock = (tok, id, t = T) => api(t, 'POST', `/reports/${id}/lock`, { token: tok });
const unlock = (tok, id, force = false, t = T) => api(t, 'DELETE', `/reports/${id}/lock${force ? '?force=1' : ''}`, { token: tok });

test('exclusive locks: one holder at a time, named in the 409; saves by others refused; renewal; release', async () => {
  const rep = await newDaily();
  const id = rep.id;
  let r = await lock(applicant, id);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.holder, { id: ids.applicant, login: 'applicant', name: 'User applicant' });
  const exp = Date.parse(r.json.expires_at);
  assert.ok(Math.abs(exp - (Date.now() + 30 * 60000)) < 120000, `expires in 30 minutes: ${r.json.expires_at}`);
  assert.equal(count(T, 'access_log', `action = 'report.lock' AND object_id = '${id}' AND login = 'applicant'`), 1);

  r = await lock(editor, id);
  assertError(r, 409, 'report_locked');
  assert.equal(r.json.holder.login, 'applicant');
  assert.equal(r.json.holder.name, 'User applicant');
  assert.equal(r.json.expires_at, new Date(exp).toISOString().replace('.000', ''));
  r = await putReport(editor, id, 1, [{ sheet: 1, cluster: 6, value: '3.0' }]);
  assertError(r, 409, 'report_locked');
  assert.equal(r.json.holder.login, 'applicant');
  // the holder saves
  r = await putReport(applicant, id, 1, [{ sheet: 1, cluster: 6, value: '3.5' }]);
  assert.equal(r.status, 200, r.text);

  // taking it again renews it, with the tenant's lock time
  q(T, "UPDATE settings SET value = '5' WHERE name = 'reports.lock_minutes'");
  try {
    r = await lock(applicant, id);
    assert.equal(r.status, 200, r.text);
    assert.ok(Math.abs(Date.parse(r.json.expires_at) - (Date.now() + 5 * 60000)) < 120000, `5 minutes: ${r.json.expires_at}`);
  } finally {
    q(T, "UPDATE settings SET value = '30' WHERE name = 'reports.lock_minutes'");
  }
  assert.equal(count(T, 'report_locks', `report_id = '${id}'`), 1);

  // only the holder releases; force needs an administrator
  assertError(await unlock(editor, id), 409, 'report_locked');
  assertError(await unlock(editor, id, true), 403, 'forbidden');
  assert.equal(count(T, 'report_locks', `report_id = '${id}'`), 1);
  r = await unlock(applicant, id);
  assert.equal(r.status, 204, r.text);
  assert.equal(count(T, 'report_locks', `report_id = '${id}'`), 0);
  assert.equal(count(T, 'access_log', `action = 'report.unlock' AND object_id = '${id}'`), 1);
  assert.equal((await unlock(applicant, id)).status, 204, 'releasing nothing is fine');

  // now the editor takes it, and the applicant's save is refused
  r = await lock(editor, id);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.holder.login, 'editor');
  r = await putReport(applicant, id, 2, [{ sheet: 1, cluster: 6, value: '3.6' }]);
  assertError(r, 409, 'report_locked');
  assert.equal(r.json.holder.login, 'editor');
  assertError(await lock(applicant, id), 409, 'report_locked');
});

test('locks expire, an administrator breaks them (logged), and definitions without exclusiveLock have none', async () => {
  const rep = await newDaily();
  const id = rep.id;
  assert.equal((await lock(editor, id)).status, 200);
  // an expired lock counts for nothing: the other user saves and takes it
  q(T, `UPDATE report_locks SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE report_id = '${id}'`);
  let r = await putReport(applicant, id, 1, [{ sheet: 1, cluster: 6, value: '2.5' }]);
  assert.equal(r.status, 200, r.text);
  r = await lock(applicant, id);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.holder.login, 'applicant');
  assert.equal(q(T, `SELECT user_id FROM report_locks WHERE report_id = '${id}'`), String(ids.applicant));

  // the administrator breaks the applicant's lock
  r = await unlock(admin, id, true);
  assert.equal(r.status, 204, r.text);
  assert.equal(count(T, 'report_locks', `report_id = '${id}'`), 0);
  assert.equal(q(T, `SELECT CONCAT(login, ' ', result, ' ', detail) FROM access_log WHERE action = 'report.lock_break' AND object_id = '${id}'`),
    'admin ok lock held by applicant broken');
  r = await putReport(editor, id, 2, [{ sheet: 1, cluster: 6, value: '2.6' }]);
  assert.equal(r.status, 200, r.text);

  // a definition without exclusiveLock
  const c = await createReport(applicant, [], { def: copyId });
  assertError(await lock(applicant, c.json.id), 409, 'lock_not_used');
  // someone who may only read the report cannot lock it
  assertError(await lock(foreman, id), 403, 'forbidden');
  assertError(await lock(applicant, uuid()), 404, 'not_found');
});

// ---- copies ----------------------------------------------------------------

const copy = (tok, src, body, { key = uuid(), t = T } = {}) => api(t, 'POST', `/reports/${src}/copy`, { token: tok, headers: headers({ key }), body });

test('a copy takes only the copyOnDuplicate clusters, gets a new number, starts at rev 1 with its own history', async () => {
  let r = await createReport(applicant, [{ sheet: 1, cluster: 1, value: 'Plant 7' }, { sheet: 1, cluster: 2, value: 'r-42' }, { sheet: 1, cluster: 3, value: '21' }], { def: copyId });
  assert.equal(r.status, 201, r.text);
  let src = r.json;
  r = await putReport(applicant, src.id, 1, [{ sheet: 1, cluster: 3, value: '22' }]);
  assert.equal(r.status, 200, r.text);
  src = r.json;
  assert.match(src.number, /^CP-\d{3}$/);
  const nid = uuid();
  const key = uuid();
  r = await copy(editor, src.id, { id: nid }, { key });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.etag, '"1"');
  assert.equal(r.headers.location, `/${T}/api/v1/reports/${nid}`);
  const cp = r.json;
  assert.equal(cp.id, nid);
  assert.equal(cp.status, 'editing');
  assert.equal(cp.rev, 1);
  assert.equal(cp.definition_id, copyId);
  assert.equal(cp.definition_revision, 1);
  assert.equal(cp.created_by, 'editor');
  assert.match(cp.number, /^CP-\d{3}$/);
  assert.notEqual(cp.number, src.number);
  assert.equal(Number(cp.number.slice(3)), Number(src.number.slice(3)) + 1);
  assert.equal(value(cp, 1, 1), 'Plant 7');
  assert.equal(value(cp, 1, 2), undefined, 'not copyOnDuplicate');
  assert.equal(value(cp, 1, 3), '22', 'the source\'s current value');
  assert.equal(value(cp, 1, 4), '44', 'computed again');
  assert.deepEqual(cp.approvals, []);
  // the same request again: replayed, still one copy
  const again = await copy(editor, src.id, { id: nid }, { key });
  assert.equal(again.status, 201);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(count(T, 'reports', `id = '${nid}'`), 1);
  // its history starts at rev 1 by the copier: one create event
  r = await api(T, 'GET', `/reports/${nid}/history`, { token: editor });
  assert.deepEqual(r.json.history.map((x) => [x.rev, x.event, x.user, x.cluster]), [[1, 'create', 'editor', undefined]]);
  assert.equal(count(T, 'access_log', `action = 'report.copy' AND object_id = '${nid}' AND detail = 'copy of ${src.id}'`), 1);
  // the source is untouched
  const s2 = (await getReport(applicant, src.id)).json;
  assert.equal(s2.rev, 2);
  assert.equal(value(s2, 1, 2), 'r-42');

  // an id in use, no id, someone who may not create, an unknown source
  assertError(await copy(editor, src.id, { id: nid }), 409, 'report_exists');
  assertError(await copy(editor, src.id, {}), 400, 'bad_request');
  assertError(await copy(editor, src.id, { id: 'not-a-uuid' }), 400, 'bad_id');
  assertError(await api(T, 'POST', `/reports/${src.id}/copy`, { token: editor, body: { id: uuid() } }), 400, 'idempotency_key_required');
  assertError(await copy(foreman, src.id, { id: uuid() }), 403, 'forbidden');
  // the applicant may not see the editor's copy (no def.reports.view): unknown
  assertError(await copy(applicant, nid, { id: uuid() }), 404, 'not_found');
  assertError(await copy(editor, uuid(), { id: uuid() }), 404, 'not_found');
});

test('copying a daily report leaves the sign-offs behind and does not copy a status', async () => {
  // nothing in the sample is copyOnDuplicate: the copy has only what the server fills
  const rep = await newDaily(applicant, 'complete');
  const r = await copy(applicant, rep.id, { id: uuid() });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'editing');
  assert.equal(r.json.stage, null);
  assert.equal(value(r.json, 1, 6), undefined);
  assert.equal(value(r.json, 2, 2), undefined, 'the Create sign-off is not copied');
  assert.equal(value(r.json, 1, 3), 'User applicant', 'Registrant filled for the copier');
  assert.match(r.json.number, /^INS-\d{8}-?\d{4}$|^INS-\d{12}$/);
  assert.notEqual(r.json.number, rep.number);
});

// ---- delete ----------------------------------------------------------------

const del = (tok, id, rev, { key = uuid(), t = T } = {}) => api(t, 'DELETE', `/reports/${id}`, { token: tok, headers: headers({ rev, key }) });

test('deleting: If-Match, creator or def.reports.delete, then 404 everywhere and gone from the list', async () => {
  const rep = await newDaily();
  const id = rep.id;
  assertError(await del(applicant, id, null), 428, 'if_match_required');
  let r = await del(applicant, id, 7);
  assertError(r, 412, 'stale_revision');
  assert.equal(r.json.rev, 1);
  assertError(await del(applicant, id, 1, { key: null }), 400, 'idempotency_key_required');
  assertError(await del(foreman, id, 1), 403, 'forbidden');
  const key = uuid();
  r = await del(applicant, id, 1, { key });
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  // the same request again is a replay; a new one finds nothing
  r = await del(applicant, id, 1, { key });
  assert.equal(r.status, 204);
  assert.equal(r.headers['idempotent-replayed'], 'true');
  assertError(await del(applicant, id, 2), 404, 'not_found');
  assertError(await getReport(applicant, id), 404, 'not_found');
  assertError(await getReport(admin, id), 404, 'not_found');
  assertError(await api(T, 'GET', `/reports/${id}/history`, { token: admin }), 404, 'not_found');
  assertError(await act(applicant, id, 2, 1, 'apply'), 404, 'not_found');
  assertError(await lock(applicant, id), 404, 'not_found');
  assertError(await copy(applicant, id, { id: uuid() }), 404, 'not_found');
  assertError(await putReport(applicant, id, 2, []), 404, 'not_found');
  const list = await api(T, 'GET', '/reports?limit=500', { token: admin });
  assert.equal(list.status, 200);
  assert.ok(list.json.reports.length > 0);
  assert.ok(!list.json.reports.some((x) => x.id === id), 'not listed');
  // soft: the row stays, marked
  assert.equal(count(T, 'reports', `id = '${id}' AND deleted_at IS NOT NULL AND rev = 2`), 1);
  assert.equal(count(T, 'access_log', `action = 'report.delete' AND object_id = '${id}' AND login = 'applicant'`), 1);

  // the creator may not delete what is under approval; an administrator may
  const ap = await newDaily(applicant, 'complete');
  assertError(await del(applicant, ap.id, 1), 409, 'approval_pending');
  assert.equal((await del(admin, ap.id, 1)).status, 204);
  // nor what someone else has locked
  const lk = await newDaily();
  assert.equal((await lock(editor, lk.id)).status, 200);
  r = await del(applicant, lk.id, 1);
  assertError(r, 409, 'report_locked');
  assert.equal(r.json.holder.login, 'editor');
  assert.equal((await unlock(editor, lk.id)).status, 204);
  assert.equal((await del(applicant, lk.id, 1)).status, 204);
});

test('deleted reports are purged after reports.purge_days, when a later report is deleted', async () => {
  const a = await newDaily(), b = await newDaily(), c = await newDaily();
  // a has a history row (an update), which goes with it
  const u = await api(T, 'PUT', `/reports/${a.id}`, { token: applicant, headers: { 'If-Match': '"1"', 'Idempotency-Key': crypto.randomUUID() },
    body: { values: [{ sheet: 1, cluster: 6, value: '5.0' }], action: 'save' } });
  assert.equal(u.status, 200, u.text);
  assert.equal((await del(applicant, a.id, 2)).status, 204);
  // 30 days (the default): another deletion keeps it
  assert.equal((await del(applicant, b.id, 1)).status, 204);
  assert.equal(count(T, 'reports', `id = '${a.id}'`), 1);
  assert.ok(count(T, 'report_events', `report_id = '${a.id}'`) > 0);
  q(T, "UPDATE settings SET value = '0' WHERE name = 'reports.purge_days'");
  try {
    // 0 days: the next deletion purges the ones before it, with their rows
    assert.equal((await del(applicant, c.id, 1)).status, 204);
    assert.equal(count(T, 'reports', `id IN ('${a.id}', '${b.id}')`), 0);
    assert.equal(count(T, 'report_events', `report_id IN ('${a.id}', '${b.id}')`), 0);
    assert.equal(count(T, 'reports', `id = '${c.id}' AND deleted_at IS NOT NULL`), 1, 'the one just deleted stays');
    assert.equal(count(T, 'access_log', `action = 'report.purge' AND object_id IN ('${a.id}', '${b.id}')`), 2);
  } finally {
    q(T, "UPDATE settings SET value = '30' WHERE name = 'reports.purge_days'");
  }
  const d = await newDaily();
  assert.equal((await del(applicant, d.id, 1)).status, 204);
  assert.equal(count(T, 'reports', `id = '${c.id}'`), 1, 'kept again under 30 days');
});

// ---- tenants ---------------------------------------------------------------

test('another tenant\'s report ids are unknown: 404 for every workflow call, nothing changes', async () => {
  const rep = await newDaily(applicant, 'complete');
  const tb = adminB;
  assertError(await act(tb, rep.id, 2, 1, 'approve', undefined, { t: TB }), 404, 'not_found');
  assertError(await act(tb, rep.id, 2, 1, 'apply', undefined, { t: TB }), 404, 'not_found');
  assertError(await lock(tb, rep.id, TB), 404, 'not_found');
  assertError(await unlock(tb, rep.id, true, TB), 404, 'not_found');
  assertError(await copy(tb, rep.id, { id: uuid() }, { t: TB }), 404, 'not_found');
  assertError(await del(tb, rep.id, 2, { t: TB }), 404, 'not_found');
  assertError(await api(TB, 'GET', `/reports/${rep.id}/history`, { token: tb }), 404, 'not_found');
  // and a report in TB is not reachable from T
  const rb = await createReport(tb, dailyValues(), { def: dailyIdB, t: TB });
  assert.equal(rb.status, 201, rb.text);
  assertError(await del(admin, rb.json.id, 1), 404, 'not_found');
  assertError(await api(T, 'GET', `/reports/${rb.json.id}/history`, { token: admin }), 404, 'not_found');
  const g = await getReport(applicant, rep.id);
  assert.equal(g.json.rev, 1);
  assert.equal(g.json.status, 'applying');
  // odd ids are unknown ids, never a 500
  for (const bad of ['x', 'A'.repeat(200), '%27%20OR%201%3D1'])
    assertError(await api(T, 'GET', `/reports/${bad}/history`, { token: admin }), 404, 'not_found');
});
