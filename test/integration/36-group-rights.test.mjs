// Saving a group's console page changes exactly what the page showed: the
// per-definition rights the group holds (set on each definition's page) are
// listed with the definitions' names and survive the save; the access log
// names what was added and removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTenant, adminToken, api, consoleCookie, consoleGet, consolePost, csrfOf } from './lib.mjs';

const T = 'grp-rights';
const PW = 'Group-rights-admin-5';
let token, cookie, defId, groupId, userId;

const DEF = '<?xml version="1.0" encoding="UTF-8"?>\n<conmas><top><defTopName>右側点検 Right check</defTopName><sheets><sheet>' +
  '<sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height><clusters>' +
  '<cluster><sheetNo>1</sheetNo><clusterId>0</clusterId><clusterName>note</clusterName><type>KeyboardText</type>' +
  '<top>0.1</top><bottom>0.2</bottom><left>0.1</left><right>0.9</right></cluster></clusters></sheet></sheets></top></conmas>\n';

// The form as a browser would send it: text fields, the selected parent,
// the checked boxes (every <input type=checkbox ... checked>).
function formOf(html) {
  const fields = [['_csrf', csrfOf(html)]];
  const attr = (tag, n) => { const m = tag.match(new RegExp(`\\b${n}\\s*=\\s*"([^"]*)"`)); return m ? m[1] : undefined; };
  const form = html.slice(html.indexOf('id="group-form"'), html.indexOf('</form>', html.indexOf('id="group-form"')));
  for (const m of form.matchAll(/<input\b[^>]*>/g)) {
    const type = attr(m[0], 'type') || 'text', name = attr(m[0], 'name');
    if (!name || name === '_csrf') continue;
    if (type === 'checkbox') { if (/\schecked\b/.test(m[0])) fields.push([name, attr(m[0], 'value')]); }
    else fields.push([name, attr(m[0], 'value') ?? '']);
  }
  const sel = form.match(/<select id="g-parent" name="parent_id">([\s\S]*?)<\/select>/)[1];
  const chosen = sel.match(/<option value="([^"]*)" selected>/);
  fields.push(['parent_id', chosen ? chosen[1] : '']);
  return fields;
}
const post = (fields) => consolePost(T, `/groups/${groupId}`, cookie, fields);
const perms = async () => (await api(T, 'GET', `/groups/${groupId}`, { token })).json.permissions
  .map((p) => (p.scope ? `${p.name}:${p.scope}` : p.name)).sort();
const lastLog = async (action) => {
  const r = await api(T, 'GET', `/access-log?action=${action}&limit=1`, { token });
  return r.json.entries[0];
};

test('setup: a group with company-wide and per-definition rights, and a member', async () => {
  token = await adminToken(T, ensureTenant(T), PW);
  let r = await api(T, 'POST', '/definitions', { token, body: DEF, headers: { 'Content-Type': 'application/xml' } });
  assert.equal(r.status, 201, r.text);
  defId = String(r.json.id);
  r = await api(T, 'POST', '/users', { token, body: { login: 'grp.member', name: 'Member', password: 'Member-password-5' } });
  assert.equal(r.status, 201, r.text);
  userId = r.json.id;
  r = await api(T, 'POST', '/groups', {
    token, body: {
      name: 'inspectors', description: 'plant floor',
      permissions: ['reports.view', { name: 'def.view', scope: defId }, { name: 'def.reports.create', scope: defId }],
    },
  });
  assert.equal(r.status, 201, r.text);
  groupId = r.json.id;
  r = await api(T, 'PUT', `/groups/${groupId}/members`, { token, body: { users: [userId] } });
  assert.equal(r.status, 200, r.text);
  cookie = await consoleCookie(T, 'admin', PW);
});

test('the group page lists the per-definition rights with the definition\'s name', async () => {
  const page = await consoleGet(T, `/groups/${groupId}`, cookie);
  assert.equal(page.status, 200);
  const box = page.text.slice(page.text.indexOf('id="g-def-rights"'));
  assert.ok(box.includes('右側点検 Right check'), 'the definition is named');
  assert.ok(box.includes('<code>def.view</code>') && box.includes('<code>def.reports.create</code>'));
  assert.ok(box.includes(`/manager/definitions/${defId}"`), 'and linked');
});

test('saving the page unchanged keeps every right, and is logged as no change', async () => {
  const before = await perms();
  assert.deepEqual(before, [`def.reports.create:${defId}`, `def.view:${defId}`, 'reports.view']);
  const page = await consoleGet(T, `/groups/${groupId}`, cookie);
  const r = await post(formOf(page.text));
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.deepEqual(await perms(), before, 'nothing lost');
  const g = (await api(T, 'GET', `/groups/${groupId}`, { token })).json;
  assert.deepEqual(g.members, [userId]);
  const e = await lastLog('group.update');
  assert.equal(e.object_id, 'inspectors');
  assert.equal(e.detail, 'no changes to name or permissions');
});

test('a change on the page changes exactly that, and the log names it', async () => {
  const page = await consoleGet(T, `/groups/${groupId}`, cookie);
  const fields = formOf(page.text).filter(([k, v]) => !(k === 'perm' && v === 'reports.view'));
  fields.push(['perm', 'logs.view']);
  const r = await post(fields);
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.deepEqual(await perms(), [`def.reports.create:${defId}`, `def.view:${defId}`, 'logs.view']);
  const e = await lastLog('group.update');
  assert.equal(e.detail, 'permissions: -reports.view +logs.view');
  // members: removing the only member is named too
  const p2 = await consoleGet(T, `/groups/${groupId}`, cookie);
  const r2 = await post(formOf(p2.text).filter(([k]) => k !== 'member'));
  assert.equal(r2.status, 303);
  assert.equal((await lastLog('group.members')).detail, 'members: -grp.member');
  // the API's permission replacement reports what it changed
  const r3 = await api(T, 'PUT', `/groups/${groupId}/permissions`, { token, body: { permissions: ['logs.view'] } });
  assert.equal(r3.status, 200, r3.text);
  assert.equal((await lastLog('group.permissions')).detail, `permissions: -def.reports.create:${defId} -def.view:${defId}`);
});
