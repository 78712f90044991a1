// What the device needs to fill reports offline: the published definitions
// the user may use (GET /definitions, then each one with If-None-Match so an
// unchanged one costs a 304), their background images, older revisions that
// reports on this device still use, and the master data the definitions
// draw from (records fetched by updated_since, so only changes travel).

import { call, errorCode } from './api.js';
import { db, kvGet, kvSet } from './db.js';
import { masterName } from './rules.js';

const listeners = new Set();
export const onCatalogChange = (f) => { listeners.add(f); return () => listeners.delete(f); };
const changed = () => { for (const f of listeners) f(); };

class Refused extends Error {
  constructor(r) { super(errorCode(r)); this.status = r.status; }
}
async function ok(r, ...good) {
  if (!good.includes(r.status)) throw new Refused(r);
  return r;
}

/** The definitions the user may start reports from, newest change first. */
export async function catalog() {
  const all = await (await db()).getAll('catalog');
  return all.sort((a, b) => (b.updated_at || '').localeCompare(a.updated_at || '') || a.name.localeCompare(b.name));
}

/** A definition revision kept on this device, or undefined. */
export async function definition(id, revision) {
  return (await db()).get('defs', [Number(id), Number(revision)]);
}

/** The newest revision of a definition in the catalog, or undefined. */
export async function latest(id) {
  const d = await db();
  const entry = await d.get('catalog', Number(id));
  return entry ? d.get('defs', [entry.id, entry.revision]) : undefined;
}

/** A sheet's background image (Blob) or undefined. */
export async function background(defId, revision, sheet) {
  return (await db()).get('backgrounds', `${defId}/${revision}/${sheet}`);
}

/** When the catalog was last refreshed (ISO time) or null. */
export const refreshedAt = () => kvGet('catalogAt');

async function fetchDefinition(d, id, revision, etag) {
  const q = revision ? `?revision=${revision}` : '';
  const r = await ok(await call('GET', `/definitions/${id}${q}`, { headers: etag ? { 'If-None-Match': etag } : {} }), 200, 304);
  if (r.status === 304) return null;
  const def = { ...r.json, etag: r.headers.get('ETag') || etag || null };
  await d.put('defs', def);
  return def;
}

async function fetchBackgrounds(d, def) {
  for (const sh of def.sheets) {
    if (!sh.background) continue;
    const key = `${def.id}/${def.revision}/${sh.no}`;
    if (await d.getKey('backgrounds', key)) continue;
    const r = await ok(await call('GET', sh.background, { blob: true, headers: { Accept: 'image/*' } }), 200);
    await d.put('backgrounds', r.blob, key);
  }
}

async function fetchMasters(d, names) {
  if (!names.size) return;
  const list = (await ok(await call('GET', '/masters'), 200)).json.masters || [];
  for (const m of list) {
    if (!names.has(m.name)) continue;
    const kept = await d.get('masters', m.id);
    let since = kept?.since || null, cursor = null;
    do {
      const q = new URLSearchParams({ limit: '5000' });
      if (since && !cursor) q.set('updated_since', since);
      if (cursor) q.set('cursor', cursor);
      const page = (await ok(await call('GET', `/masters/${m.id}/records?${q}`), 200)).json;
      const tx = d.transaction('records', 'readwrite');
      for (const rec of page.records) {
        if (rec.deleted) tx.store.delete([m.id, rec.key]);
        else tx.store.put({ master: m.id, key: rec.key, data: rec.data, updated_at: rec.updated_at });
        if (!since || rec.updated_at > since) since = rec.updated_at;
      }
      await tx.done;
      cursor = page.next_cursor;
    } while (cursor);
    await d.put('masters', { ...m, since });
  }
}

/**
 * Brings everything up to date. needed: [[definitionId, revision]] that
 * reports on this device use. Resolves to null when done, else an error
 * code (offline: NetworkError is thrown).
 */
export async function refresh(needed = []) {
  const d = await db();
  try {
    const entries = [];
    let cursor = null;
    do {
      const q = new URLSearchParams({ limit: '200' });
      if (cursor) q.set('cursor', cursor);
      const page = (await ok(await call('GET', `/definitions?${q}`), 200)).json;
      entries.push(...page.definitions);
      cursor = page.next_cursor;
    } while (cursor);
    const defs = [];
    for (const e of entries) {
      const kept = await d.get('defs', [e.id, e.revision]);
      let def = kept && kept.etag === e.etag ? kept : null;
      if (!def) def = (await fetchDefinition(d, e.id, 0, kept?.etag)) || kept;
      if (def) defs.push(def);
    }
    for (const [id, rev] of needed) {
      let def = await d.get('defs', [Number(id), Number(rev)]);
      if (!def) {
        try { def = await fetchDefinition(d, id, rev, null); } catch (e) { if (!(e instanceof Refused)) throw e; }
      }
      if (def) defs.push(def);
    }
    for (const def of defs) await fetchBackgrounds(d, def);
    const names = new Set(defs.flatMap((def) => def.sheets.flatMap((sh) => sh.clusters.map(masterName).filter(Boolean))));
    await fetchMasters(d, names);
    // the list is what the user may use now; revisions stay for the reports that use them
    const tx = d.transaction('catalog', 'readwrite');
    await tx.store.clear();
    for (const e of entries) tx.store.put(e);
    await tx.done;
    await kvSet('catalogAt', new Date().toISOString());
    changed();
    return null;
  } catch (e) {
    if (e instanceof Refused) return e.message;
    throw e;
  }
}

/** The master (by name) and whether its records are on this device. */
export async function masterByName(name) {
  const all = await (await db()).getAll('masters');
  return all.find((m) => m.name === name) || null;
}

/** Records of a master whose key or any field contains q (case-insensitive); at most limit. */
export async function searchRecords(masterId, q, limit = 60) {
  const d = await db();
  const all = await d.getAllFromIndex('records', 'master', masterId);
  const needle = q.trim().toLowerCase();
  const hits = needle
    ? all.filter((r) => r.key.toLowerCase().includes(needle) || Object.values(r.data || {}).some((v) => String(v).toLowerCase().includes(needle)))
    : all;
  hits.sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
  return { total: all.length, found: hits.length, records: hits.slice(0, limit) };
}

/** One master record or undefined. */
export async function record(masterId, key) {
  return (await db()).get('records', [masterId, key]);
}
