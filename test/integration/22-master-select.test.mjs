// Clusters that draw from master data: a Select with `master` takes only
// keys of live records, and a MasterSelect fills its linked clusters from
// the chosen record.  Removing a record from the master refuses it after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ensureTenant, adminToken, api } from './lib.mjs';

const T = 'mst-a';
const PW = 'Master-select-admin-5';
let token, defId;
const uuid = () => crypto.randomUUID();

function xml() {
  const c = (id, type, params) => `<cluster><sheetNo>1</sheetNo><clusterId>${id}</clusterId><clusterName>c${id}</clusterName>` +
    `<type>${type}</type><top>${(0.05 + id * 0.1).toFixed(2)}</top><bottom>${(0.1 + id * 0.1).toFixed(2)}</bottom>` +
    `<left>0.05</left><right>0.95</right>${params}</cluster>`;
  return '<?xml version="1.0" encoding="UTF-8"?>\n<conmas><top><defTopName>Parts check</defTopName><sheets><sheet>' +
    '<sheetNo>1</sheetNo><defSheetName>Parts</defSheetName><width>595</width><height>842</height><clusters>' +
    c(0, 'Select', '<master>parts</master>') +
    c(1, 'MasterSelect', '<master>parts</master><fill><map cluster="2" field="name"/><map cluster="3" field="price"/></fill>') +
    c(2, 'KeyboardText', '') + c(3, 'KeyboardText', '') +
    '</clusters></sheet></sheets></top></conmas>\n';
}
const save = (values) => {
  const id = uuid();
  return api(T, 'POST', '/reports', {
    token, headers: { 'Idempotency-Key': uuid() },
    body: { id, definition_id: defId, definition_revision: 1, values: values.map(([c, v]) => ({ sheet: 1, cluster: c, value: v })), action: 'save' },
  });
};

test('setup: a master and a definition that draws from it', async () => {
  token = await adminToken(T, ensureTenant(T), PW);
  let r = await api(T, 'POST', '/masters?name=parts', {
    token, body: 'code,name,price:number\nP-1,ボルト,12.5\nP-2,ナット,3\n', headers: { 'Content-Type': 'text/csv' },
  });
  assert.ok([200, 201].includes(r.status), r.text);
  r = await api(T, 'POST', '/definitions', { token, body: xml(), headers: { 'Content-Type': 'application/xml' } });
  assert.equal(r.status, 201, r.text);
  defId = r.json.id;
  assert.equal((await api(T, 'POST', `/definitions/${defId}/status`, { token, body: { status: 'published' } })).status, 200);
});

test('a master key is accepted and a MasterSelect fills its linked clusters', async () => {
  const r = await save([[0, 'P-2'], [1, 'P-1']]);
  assert.equal(r.status, 201, r.text);
  const val = (c) => r.json.values.find((x) => x.cluster === c)?.value;
  assert.equal(val(0), 'P-2');
  assert.equal(val(1), 'P-1');
  assert.equal(val(2), 'ボルト');
  assert.equal(val(3), '12.5');
});

test('a key that is not in the master is refused, also after it is removed from it', async () => {
  let r = await save([[0, 'P-9']]);
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => [d.cluster, d.code]), [[0, 'not_in_items']]);
  r = await api(T, 'POST', '/masters?name=parts', {
    token, body: 'code,name,price:number\nP-1,ボルト,12.5\n', headers: { 'Content-Type': 'text/csv' },
  });
  assert.equal(r.status, 200, r.text);
  r = await save([[1, 'P-2']]);
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.details.map((d) => [d.cluster, d.code]), [[1, 'not_in_items']]);
  assert.equal((await save([[1, 'P-1']])).status, 201);
});
