// The device's storage: one IndexedDB database per tenant (the same origin
// serves every tenant's app), through the idb library (vendor/idb.js).
//
// Stores:
//   kv           small records by name: device, session, me, catalog state
//   catalog      definitions the user may start reports from (the API's list)
//   defs         full definitions by [id, revision] (kept while reports use them)
//   backgrounds  sheet background images (Blob) by "id/revision/sheet"
//   masters      master data descriptions by id
//   records      master records by [master, key]
//   reports      the reports on this device by id (see reports.js)
//   blobs        images of reports (photos, handwriting) by key
//   outbox       changes waiting to be sent, in order (seq; see outbox.js)

import { openDB } from '../vendor/idb.js';
import { TENANT } from './env.js';

let opening = null;

/** The open database (opened once). */
export function db() {
  if (!opening) {
    opening = openDB(`genba-app-${TENANT}`, 1, {
      upgrade(d) {
        d.createObjectStore('kv');
        d.createObjectStore('catalog', { keyPath: 'id' });
        d.createObjectStore('defs', { keyPath: ['id', 'revision'] });
        d.createObjectStore('backgrounds');
        d.createObjectStore('masters', { keyPath: 'id' });
        const rec = d.createObjectStore('records', { keyPath: ['master', 'key'] });
        rec.createIndex('master', 'master');
        const rep = d.createObjectStore('reports', { keyPath: 'id' });
        rep.createIndex('user', 'user');
        d.createObjectStore('blobs');
        const out = d.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        out.createIndex('report', 'reportId');
      },
      // another tab opened a newer version of the app: let it upgrade
      blocking() { opening.then((d) => d.close()); location.reload(); },
    });
  }
  return opening;
}

export async function kvGet(key) { return (await db()).get('kv', key); }
export async function kvSet(key, value) { return (await db()).put('kv', value, key); }
export async function kvDel(key) { return (await db()).delete('kv', key); }

/** Asks the browser to keep this site's data even when space runs low. */
export async function keepData() {
  try {
    if (navigator.storage?.persist && !(await navigator.storage.persisted())) await navigator.storage.persist();
  } catch { /* not offered: the data is still kept unless the user clears it */ }
}
