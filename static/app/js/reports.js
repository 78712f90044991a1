// Reports on this device. Every change is written to IndexedDB at once, so
// a closed tab, a reload or a crash keeps it; saving turns the changes into
// outbox operations (outbox.js sends them) in the same transaction.
//
// A report record:
//   id, user (login), definitionId, definitionRevision, definitionName,
//   createdAt, changedAt                 times on this device (ISO)
//   values   { "S/C": text }             what the user entered (input types)
//   editedAt { "S/C": ISO }
//   files    { "S/C": { key, sha256, type, width, height, size } }  images made here (blobs store)
//   sent     { exists, values, files }   what the server will hold once the
//                                        outbox is sent: the base of the next save
//   server   null | snapshot of the server's report at the revision the
//            device's changes build on (rev, status, values, files, approvals…)
//   remote   null | { rev, status, stage, approvals, … } newer server state
//            learnt while the device had changes of its own (shown only)
//   dirty    changes not saved yet;  touched: the user changed something
//   pending  operations in the outbox;  completeWanted: the last save completes
//   sync     { state: 'ok' | 'refused' | 'conflict' | 'locked', error?, conflict?, holder? }
//   valuesVersion  grows when something other than the editor changes values

import { db } from './db.js';
import { uuid } from './uuid.js';
import { today } from './dates.js';
import { INPUT_TYPES, FILE_TYPES, check, defaultValue, requiredMissing, SIGN_TYPES, SERVER_TYPES } from './rules.js';
import { computeAll } from './compute.js';

const listeners = new Set();
/** f(report) after any stored change of a report (null report: one was deleted). */
export const onReportChange = (f) => { listeners.add(f); return () => listeners.delete(f); };
const changed = (r) => { for (const f of listeners) f(r); };
/** Tells the listeners about a report stored by a transaction of another module. */
export const announce = (r) => changed(r);

export const keyOf = (sheet, cluster) => `${sheet}/${cluster}`;
export const nowIso = () => new Date().toISOString();

/** Every cluster of a definition with its key, in sheet and id order. */
export function clustersOf(def) {
  return def.sheets.flatMap((sh) => sh.clusters.map((c) => ({ ...c, sheet: sh.no, key: keyOf(sh.no, c.id) })));
}

/** A server report (GET /reports/{id}) as the device keeps it. */
export function snapshot(j) {
  const values = {}, oon = {}, editedBy = {}, files = {};
  for (const v of j.values || []) {
    const k = keyOf(v.sheet, v.cluster);
    values[k] = v.value ?? '';
    if (v.out_of_normal) oon[k] = true;
    if (v.edited_by) editedBy[k] = v.edited_by;
  }
  for (const a of j.attachments || []) files[keyOf(a.sheet, a.cluster)] = a.sha256;
  return {
    rev: j.rev, status: j.status, stage: j.stage ?? null, number: j.number ?? null, name: j.name ?? null,
    values, oon, editedBy, files, approvals: j.approvals || [],
    created_at: j.created_at, created_by: j.created_by, updated_at: j.updated_at, updated_by: j.updated_by,
  };
}

/** The user-entered values of a snapshot (only input types of def). */
export function inputValues(def, snap) {
  const out = {};
  for (const c of clustersOf(def)) if (INPUT_TYPES.has(c.type) && snap.values[c.key]) out[c.key] = snap.values[c.key];
  return out;
}

// ---------------------------------------------------------------- reading and writing records

export async function get(id) { return (await db()).get('reports', id); }

/** The reports of user on this device, most recently changed first. */
export async function listFor(login) {
  const all = await (await db()).getAllFromIndex('reports', 'user', login);
  return all.sort((a, b) => (b.changedAt || '').localeCompare(a.changedAt || ''));
}

/**
 * Reads, changes (fn(record), may return false to write nothing) and writes
 * one report in a single transaction, so the editor and the sender never
 * overwrite each other's changes. Resolves to the stored record.
 */
export async function update(id, fn) {
  const d = await db();
  const tx = d.transaction('reports', 'readwrite');
  const r = await tx.store.get(id);
  if (!r) { await tx.done; return undefined; }
  const keep = fn(r);
  if (keep !== false) await tx.store.put(r);
  await tx.done;
  if (keep !== false) changed(r);
  return r;
}

function fresh(def, login, id = uuid()) {
  return {
    id, user: login, definitionId: def.id, definitionRevision: def.revision, definitionName: def.name,
    createdAt: nowIso(), changedAt: nowIso(), values: {}, editedAt: {}, files: {},
    sent: { exists: false, values: {}, files: {} }, server: null, remote: null,
    dirty: true, touched: false, pending: 0, completeWanted: false, sync: { state: 'ok' }, valuesVersion: 0,
  };
}

/** A new report of def for login, with the definition's defaults (today in the tenant's zone for dates). */
export async function create(def, login) {
  const r = fresh(def, login);
  const ctx = { today: today() };
  for (const c of clustersOf(def)) {
    const v = defaultValue(c, ctx);
    if (v) r.values[c.key] = v;
  }
  await (await db()).put('reports', r);
  changed(r);
  return r;
}

/** A new draft with the values of src that its definition copies (copyOnDuplicate), as the server's copy does. */
export async function copy(src, def, login) {
  const r = fresh(def, login);
  const ctx = { today: today() };
  for (const c of clustersOf(def)) {
    const v = src.values[c.key];
    if (c.copyOnDuplicate && INPUT_TYPES.has(c.type) && v && !check(c, v, ctx).code) r.values[c.key] = v;
    else {
      const dv = defaultValue(c, ctx);
      if (dv) r.values[c.key] = dv;
    }
  }
  r.touched = true;
  await (await db()).put('reports', r);
  changed(r);
  return r;
}

/** Removes a report that was never saved nor sent. */
export async function dropUntouched(id) {
  const d = await db();
  const tx = d.transaction('reports', 'readwrite');
  const r = await tx.store.get(id);
  if (r && !r.touched && !r.server && !r.pending && !r.sent.exists) await tx.store.delete(id);
  await tx.done;
  changed(null);
}

/** Sets one value (as typed: it is made canonical when saved). */
export function setValue(id, key, value) {
  return update(id, (r) => {
    if ((r.values[key] ?? '') === value) return false;
    if (value === '') delete r.values[key]; else r.values[key] = value;
    r.editedAt[key] = nowIso();
    r.changedAt = nowIso();
    r.dirty = true;
    r.touched = true;
    return true;
  });
}

/** Sets several values at once (a MasterSelect and the clusters it fills). */
export function setValues(id, pairs) {
  return update(id, (r) => {
    for (const [key, value] of pairs) {
      if (value === '') delete r.values[key]; else r.values[key] = value;
      r.editedAt[key] = nowIso();
    }
    r.changedAt = nowIso();
    r.dirty = true;
    r.touched = true;
  });
}

/** Stores an image (Blob) for an Image, Handwriting or FreeDraw cluster. */
export async function setFile(id, key, blob, meta) {
  const d = await db();
  const blobKey = uuid();
  const tx = d.transaction(['blobs', 'reports'], 'readwrite');
  await tx.objectStore('blobs').put(blob, blobKey);
  const r = await tx.objectStore('reports').get(id);
  r.files[key] = { key: blobKey, ...meta };
  r.editedAt[key] = nowIso();
  r.changedAt = nowIso();
  r.dirty = true;
  r.touched = true;
  await tx.objectStore('reports').put(r);
  await tx.done;
  changed(r);
  return r;
}

export async function blob(key) { return (await db()).get('blobs', key); }
export async function putBlob(key, b) { return (await db()).put('blobs', b, key); }

// ---------------------------------------------------------------- checking

/** The values of r as they would be computed on this device (input values, calculations, names). */
export function displayValues(def, r, who) {
  const base = r.server && !r.dirty && !r.pending ? { ...r.server.values } : {};
  const vals = { ...base, ...r.values };
  for (const c of clustersOf(def)) if (INPUT_TYPES.has(c.type) && !(c.key in r.values)) delete vals[c.key];
  return computeAll(def, vals, { who, server: r.server });
}

/**
 * What stops r from being saved or completed: { invalid: [{key, code}], missing: [key] }.
 * Values are checked as the server checks them; `required` only when completing.
 */
export function problems(def, r, { complete = false } = {}) {
  const ctx = { today: today() };
  const invalid = [], missing = [];
  const vals = displayValues(def, r);
  for (const c of clustersOf(def)) {
    if (INPUT_TYPES.has(c.type)) {
      const v = r.values[c.key];
      if (v) {
        const res = check(c, v, ctx);
        if (res.code) invalid.push({ key: c.key, code: res.code });
      }
    }
    if (!complete || c.type === 'Approve' || SIGN_TYPES.has(c.type)) continue;
    if (FILE_TYPES.has(c.type)) {
      if ((c.required === true || c.required === 'true') && !r.files[c.key] && !r.server?.files?.[c.key]) missing.push(c.key);
    } else if (requiredMissing(c, vals[c.key])) {
      if (!SERVER_TYPES.has(c.type) || c.type === 'Calculate' || c.type === 'TimeCalculate') missing.push(c.key);
    }
  }
  return { invalid, missing };
}

// ---------------------------------------------------------------- saving into the outbox

function valueEntries(def, r, keys) {
  const byKey = new Map(clustersOf(def).map((c) => [c.key, c]));
  const list = keys.map((k) => {
    const [sheet, cluster] = k.split('/').map(Number);
    return { sheet, cluster, value: r.values[k] ?? '', edited_at: r.editedAt[k] || r.changedAt, type: byKey.get(k)?.type };
  });
  // a MasterSelect fills other clusters on the server: send it last so what the master says wins
  list.sort((a, b) => (a.type === 'MasterSelect') - (b.type === 'MasterSelect'));
  return list.map(({ type, ...v }) => v);
}

/** Operations that bring the server from r.sent to r (values, images, completion). */
function operations(def, r, complete) {
  const ops = [];
  const keys = clustersOf(def).filter((c) => INPUT_TYPES.has(c.type)).map((c) => c.key);
  const changedKeys = keys.filter((k) => (r.values[k] ?? '') !== (r.sent.values[k] ?? ''));
  const files = Object.entries(r.files).filter(([k, f]) => f.sha256 !== r.sent.files[k]);
  const base = { reportId: r.id, user: r.user, createdAt: nowIso(), attempts: 0 };
  const completeNow = complete && !files.length;
  if (!r.sent.exists) {
    ops.push({ ...base, kind: 'create', key: uuid(), body: {
      id: r.id, definition_id: r.definitionId, definition_revision: r.definitionRevision,
      values: valueEntries(def, r, keys.filter((k) => r.values[k])), action: completeNow ? 'complete' : 'save',
    } });
  } else if (changedKeys.length || completeNow) {
    ops.push({ ...base, kind: 'update', key: uuid(), body: { values: valueEntries(def, r, changedKeys), action: completeNow ? 'complete' : 'save' } });
  }
  for (const [k, f] of files) {
    const [sheet, cluster] = k.split('/').map(Number);
    ops.push({ ...base, kind: 'file', file: { sheet, cluster, blobKey: f.key, type: f.type, sha256: f.sha256 } });
  }
  if (complete && files.length) ops.push({ ...base, kind: 'update', key: uuid(), body: { values: [], action: 'complete' } });
  return ops;
}

/** Makes every value canonical (as the server would store it); invalid ones are left as typed. */
function canonicalise(def, r) {
  const ctx = { today: today() };
  for (const c of clustersOf(def)) {
    if (!INPUT_TYPES.has(c.type) || !r.values[c.key]) continue;
    const res = check(c, r.values[c.key], ctx);
    if (!res.code && res.value !== r.values[c.key]) {
      if (res.value) r.values[c.key] = res.value; else delete r.values[c.key];
    }
  }
}

/**
 * Saves r: its changes become outbox operations in the same transaction.
 * complete: also complete it (apply for approval when the form has stages).
 * rebuild: first drop every operation of r still in the outbox and build on
 * what the server holds (after a conflict or a refusal).
 * Resolves to { ops } (the number queued), or { invalid } / { missing }
 * when the report cannot be saved as it is (nothing is queued; the values
 * stay on the device).
 */
export async function save(def, id, { complete = false, rebuild = false } = {}) {
  const d = await db();
  const tx = d.transaction(['reports', 'outbox'], 'readwrite');
  const rs = tx.objectStore('reports'), out = tx.objectStore('outbox');
  const r = await rs.get(id);
  canonicalise(def, r);
  const p = problems(def, r, { complete });
  if (p.invalid.length || (complete && p.missing.length)) {
    await rs.put(r);
    await tx.done;
    changed(r);
    return p.invalid.length ? { invalid: p.invalid } : { missing: p.missing };
  }
  if (rebuild) {
    const mine = await out.index('report').getAll(id);
    for (const op of mine) await out.delete(op.seq);
    r.pending = 0;
    r.sent = r.server ? { exists: true, values: inputValues(def, r.server), files: { ...r.server.files } } : { exists: false, values: {}, files: {} };
    r.sync = { state: 'ok' };
  }
  const ops = operations(def, r, complete);
  for (const op of ops) await out.add(op);
  r.pending += ops.length;
  r.sent = { exists: true, values: { ...r.values }, files: Object.fromEntries(Object.entries(r.files).map(([k, f]) => [k, f.sha256])) };
  for (const [k, sha] of Object.entries(r.server?.files || {})) if (!r.sent.files[k]) r.sent.files[k] = sha;
  r.dirty = false;
  r.touched = true;
  if (ops.length) r.completeWanted = complete;
  r.changedAt = nowIso();
  await rs.put(r);
  await tx.done;
  changed(r);
  return { ops: ops.length };
}

/** Drops every change the server has not accepted: r goes back to the server's state. */
export async function discard(def, id) {
  const d = await db();
  const tx = d.transaction(['reports', 'outbox'], 'readwrite');
  const rs = tx.objectStore('reports'), out = tx.objectStore('outbox');
  const r = await rs.get(id);
  for (const op of await out.index('report').getAll(id)) await out.delete(op.seq);
  if (!r.server) {
    await rs.delete(id);
    await tx.done;
    changed(null);
    return null;
  }
  r.values = inputValues(def, r.server);
  r.files = {};
  r.sent = { exists: true, values: { ...r.values }, files: { ...r.server.files } };
  r.pending = 0;
  r.dirty = false;
  r.completeWanted = false;
  r.sync = { state: 'ok' };
  r.valuesVersion++;
  await rs.put(r);
  await tx.done;
  changed(r);
  return r;
}

/** A report the server no longer has: the same values under a new id, saved as a new report. */
export async function asNew(def, id) {
  const d = await db();
  const tx = d.transaction(['reports', 'outbox'], 'readwrite');
  const rs = tx.objectStore('reports'), out = tx.objectStore('outbox');
  const old = await rs.get(id);
  for (const op of await out.index('report').getAll(id)) await out.delete(op.seq);
  const r = { ...fresh(def, old.user), values: old.values, editedAt: old.editedAt, files: old.files, touched: true };
  await rs.delete(id);
  await rs.put(r);
  await tx.done;
  changed(r);
  return r;
}

// ---------------------------------------------------------------- states

/** The sync state shown for r: draft, waiting, sent, refused, conflict, locked. */
export function syncState(r) {
  if (r.sync?.state === 'conflict') return 'conflict';
  if (r.sync?.state === 'refused') return 'refused';
  if (r.pending > 0) return r.sync?.state === 'locked' ? 'locked' : 'waiting';
  if (r.dirty || !r.server) return 'draft';
  return 'sent';
}

/** The newest server state known (status, stage, approvals, number). */
export const serverState = (r) => (r.remote && r.server && r.remote.rev > r.server.rev ? r.remote : r.server);

/** The approval the report is back from, when it was rejected: { user_name, stage, comment, at }. */
export function rejection(r) {
  const s = serverState(r);
  if (!s || s.status !== 'rejected') return null;
  return [...(s.approvals || [])].reverse().find((a) => a.action === 'reject') || null;
}

/** A report learnt from the server (made on another device, or before this one signed in). */
export function fromServer(def, json, login, definitionName) {
  const snap = snapshot(json);
  const values = def ? inputValues(def, snap) : {};
  return {
    id: json.id, user: login, definitionId: json.definition_id, definitionRevision: json.definition_revision,
    definitionName: definitionName || def?.name || '', createdAt: json.created_at, changedAt: json.updated_at,
    values, editedAt: {}, files: {}, sent: { exists: true, values: { ...values }, files: { ...snap.files } },
    server: snap, remote: null, dirty: false, touched: true, pending: 0, completeWanted: false,
    sync: { state: 'ok' }, valuesVersion: 0, needsValues: !def,
  };
}

/** Takes the server's state as the device's (only when the device has no changes of its own). */
export function adopt(def, r, snap) {
  const values = inputValues(def, snap);
  const same = JSON.stringify(values) === JSON.stringify(r.values);
  r.server = snap;
  r.remote = null;
  r.values = values;
  r.sent = { exists: true, values: { ...values }, files: { ...snap.files } };
  for (const [k, f] of Object.entries(r.files)) if (f.sha256 !== snap.files[k]) delete r.files[k];
  r.needsValues = false;
  r.completeWanted = false;
  if (!same) r.valuesVersion = (r.valuesVersion || 0) + 1;
  return r;
}

/**
 * Removes stored images nothing refers to any more: replaced photos and
 * drawings whose upload is done, copies of server images of reports that
 * are gone or changed. Images of reports on the device and of operations
 * still in the outbox always stay.
 */
export async function collectBlobs() {
  const d = await db();
  const tx = d.transaction(['reports', 'outbox', 'blobs'], 'readwrite');
  const keep = new Set();
  const serverCopies = new Set();
  for (const r of await tx.objectStore('reports').getAll()) {
    for (const f of Object.values(r.files || {})) keep.add(f.key);
    for (const [k, sha] of Object.entries(r.server?.files || {})) serverCopies.add(`srv:${r.id}/${k}/${sha}`);
  }
  for (const op of await tx.objectStore('outbox').getAll()) if (op.file) keep.add(op.file.blobKey);
  let removed = 0;
  for (const key of await tx.objectStore('blobs').getAllKeys()) {
    if (keep.has(key) || serverCopies.has(key)) continue;
    await tx.objectStore('blobs').delete(key);
    removed++;
  }
  await tx.done;
  return removed;
}
