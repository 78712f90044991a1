// Sending what the device saved. The outbox holds operations in the order
// they were saved (create, update, image upload); they are sent one at a
// time, oldest first, each with the Idempotency-Key it was given when it
// was saved (so a resend after a lost answer is answered from the server's
// record and never makes a second report) and If-Match with the revision
// the device's changes build on.
//
// Outcomes of one operation:
//   done        removed from the outbox; the report takes the server's answer
//   412         the report changed on the server: changes that do not touch
//               the same items are merged and saved again; otherwise the
//               report is in conflict until the user chooses (resolve())
//   refused     4xx: the report is marked refused with the server's reasons;
//               its later operations wait until the user corrects it
//   locked      another user holds the report's lock: tried again later
//   transient   offline, timeout, 5xx, 429: everything stops and is tried
//               again after a backoff (2 s doubling to 60 s, or Retry-After)
//   401         the session ended: nothing more is sent until sign-in
//
// After the outbox is empty the user's reports are pulled (GET /reports?
// mine=1&updated_since) so approvals, rejections and edits made in the
// console reach the device. Only one tab sends at a time (Web Locks).

import { call, NetworkError, errorCode, retryAfter } from './api.js';
import { db, kvGet, kvSet } from './db.js';
import { TENANT } from './env.js';
import * as session from './session.js';
import * as reports from './reports.js';
import * as catalog from './catalog.js';
import { FILE_TYPES, INPUT_TYPES } from './rules.js';

const status = { phase: 'idle', count: 0, blocked: 0, retryAt: null, code: null };
const listeners = new Set();
/** f(status) whenever the outbox's state changes: { phase, count, blocked, retryAt, code }. */
export const onStatus = (f) => { listeners.add(f); f({ ...status }); return () => listeners.delete(f); };
function publish(patch = {}) {
  Object.assign(status, patch);
  for (const f of listeners) f({ ...status });
}

/** Recounts the operations waiting for the signed-in user and the reports that need the user. */
export async function recount() {
  const login = session.user()?.login;
  const d = await db();
  const ops = login ? (await d.getAll('outbox')).filter((o) => o.user === login) : [];
  const mine = login ? await reports.listFor(login) : [];
  publish({ count: ops.length, blocked: mine.filter((r) => ['conflict', 'refused'].includes(r.sync?.state)).length });
}
let recountTimer = null;
reports.onReportChange(() => { clearTimeout(recountTimer); recountTimer = setTimeout(recount, 50); });

let timer = null, running = null, again = false, failures = 0;

/** Sends (and then pulls) after delay ms; a sooner kick replaces a later one. */
export function kick(delay = 0) {
  clearTimeout(timer);
  timer = setTimeout(() => { run(); }, delay);
}

/** One sending run now (resolves when it ends). */
export function run() {
  if (running) { again = true; return running; }
  running = (async () => {
    try {
      if (navigator.locks) {
        await navigator.locks.request(`genba-app-outbox-${TENANT}`, { ifAvailable: true }, async (lock) => {
          if (!lock) { kick(10000); return; }   // another tab of the app is sending
          await runLocked();
        });
      } else {
        await runLocked();
      }
    } catch (e) {
      console.error('outbox run failed', e);
      publish({ phase: 'retry', retryAt: Date.now() + 15000, code: 'internal' });
      kick(15000);
    }
  })().finally(() => {
    running = null;
    if (again) { again = false; kick(0); }
  });
  return running;
}

function backoff(r) {
  failures++;
  let delay = Math.min(60000, 2000 * 2 ** Math.min(failures - 1, 5));
  delay += Math.floor(Math.random() * 1000);
  const ra = r ? retryAfter(r) : null;
  if (ra !== null) delay = Math.min(Math.max(delay, ra * 1000), 300000);
  if (r?.status === 507) delay = 300000;
  kick(delay);
  publish({ phase: r?.status === 507 ? 'quota' : navigator.onLine ? 'retry' : 'offline', retryAt: Date.now() + delay, code: r ? errorCode(r) : 'network' });
  return 'stop';
}

async function runLocked() {
  await recount();
  if (!navigator.onLine) return publish({ phase: 'offline', retryAt: null });
  const s = session.current();
  if (!s) return publish({ phase: 'signed_out', retryAt: null });
  const login = s.user.login;
  publish({ phase: 'sending', retryAt: null, code: null });
  const skip = new Set();
  let locked = false;
  for (;;) {
    const d = await db();
    let next = null;
    for (const op of await d.getAll('outbox')) {
      if (op.user !== login || skip.has(op.reportId)) continue;
      const r = await reports.get(op.reportId);
      if (!r || ['conflict', 'refused'].includes(r.sync?.state)) { skip.add(op.reportId); continue; }
      next = op;
      break;
    }
    if (!next) break;
    const outcome = await sendOne(next);
    if (outcome === 'stop') return;
    if (outcome === 'locked') { locked = true; skip.add(next.reportId); }
    if (outcome === 'skip') skip.add(next.reportId);
  }
  failures = 0;
  const pulled = await pull(login);
  if (pulled === 'stop') return;
  await recount();
  if (locked) kick(30000);
  publish({ phase: 'idle', retryAt: null, lastSync: new Date().toISOString() });
}

// ---------------------------------------------------------------- one operation

async function sendOne(op) {
  const rep = await reports.get(op.reportId);
  const def = await catalog.definition(rep.definitionId, rep.definitionRevision);
  if (!def) return 'skip';   // downloaded with the catalog; tried again after it
  let r;
  try {
    if (op.kind === 'create') {
      r = await call('POST', '/reports', { json: op.body, headers: { 'Idempotency-Key': op.key } });
    } else if (op.kind === 'update') {
      r = await call('PUT', `/reports/${op.reportId}`, {
        json: op.body, headers: { 'Idempotency-Key': op.key, 'If-Match': `"${rep.server?.rev ?? 0}"` },
      });
    } else {
      const b = await reports.blob(op.file.blobKey);
      if (!b) return refuse(op, { status: 0, json: { error: { code: 'image_missing', message: 'The image is no longer on this device.' } } });
      r = await call('PUT', `/reports/${op.reportId}/attachments/${op.file.sheet}/${op.file.cluster}`, {
        body: b, type: op.file.type, timeout: 180000,
      });
    }
  } catch (e) {
    if (e instanceof NetworkError) return backoff(null);
    throw e;
  }
  const code = errorCode(r);
  if (r.status === 200 || r.status === 201) return done(op, def, r);
  if (r.status === 401) { await session.expire(); publish({ phase: 'signed_out' }); return 'stop'; }
  if (r.status === 412 && r.json?.id) { await merge(def, op.reportId, r.json); return 'next'; }
  if (op.kind === 'create' && r.status === 409 && code === 'report_exists') {
    let g;
    try { g = await call('GET', `/reports/${op.reportId}`); } catch (e) { if (e instanceof NetworkError) return backoff(null); throw e; }
    if (g.status === 200) { await merge(def, op.reportId, g.json); return 'next'; }
    return backoff(g);
  }
  if (r.status === 409 && code === 'report_locked') {
    const holder = r.json?.holder?.name || r.json?.holder?.login || '';
    await reports.update(op.reportId, (x) => { x.sync = { state: 'locked', holder }; });
    return 'locked';
  }
  if (r.status >= 500 || r.status === 429 || (r.status === 409 && code === 'idempotency_in_flight')) return backoff(r);
  return refuse(op, r);
}

/** The operation went through: out of the outbox, and the report takes the answer. */
async function done(op, def, r) {
  const d = await db();
  const tx = d.transaction(['outbox', 'reports'], 'readwrite');
  await tx.objectStore('outbox').delete(op.seq);
  const x = await tx.objectStore('reports').get(op.reportId);
  if (op.kind === 'file') {
    const known = x.server?.rev ?? 0, got = r.json?.rev ?? known;
    // our own upload moves the revision by one; more means someone else changed the report meanwhile,
    // which the next update meets as a 412 (and merges)
    if (x.server) {
      x.server.files = { ...x.server.files, [reports.keyOf(op.file.sheet, op.file.cluster)]: op.file.sha256 };
      if (got <= known + 1) x.server.rev = Math.max(known, got);
    }
  } else {
    x.server = reports.snapshot(r.json);
    if (x.remote && x.remote.rev <= x.server.rev) x.remote = null;
  }
  x.pending = Math.max(0, (x.pending || 0) - 1);
  x.sync = { state: 'ok' };
  if (x.pending === 0 && !x.dirty && x.server) reports.adopt(def, x, x.server);
  await tx.objectStore('reports').put(x);
  await tx.done;
  notify(x);
  return 'next';
}

// reports.update() tells listeners itself; transactions here do it by hand
const notify = (x) => reports.announce(x);

async function refuse(op, r) {
  const e = r.json?.error || {};
  await reports.update(op.reportId, (x) => {
    x.sync = { state: 'refused', error: { status: r.status, code: e.code || `http_${r.status}`, message: e.message || '',
      details: e.details || [], kind: op.kind, file: op.file || null } };
  });
  return 'skip';
}

// ---------------------------------------------------------------- conflicts

/**
 * The server holds json, newer than what the device's changes build on.
 * Items only one side changed are merged; items both changed differently
 * are a conflict for the user to decide.
 */
export async function merge(def, id, json) {
  const current = reports.snapshot(json);
  let outcome = 'merged';
  await reports.update(id, (y) => {
    const baseVals = y.server ? reports.inputValues(def, y.server) : {};
    const curVals = reports.inputValues(def, current);
    const merged = { ...y.values };
    const items = [];
    for (const c of reports.clustersOf(def)) {
      if (INPUT_TYPES.has(c.type)) {
        const b = baseVals[c.key] ?? '', s = curVals[c.key] ?? '', l = y.values[c.key] ?? '';
        if (s === b || l === s) continue;
        if (l === b) { if (s) merged[c.key] = s; else delete merged[c.key]; continue; }
        items.push({ key: c.key, mine: l, theirs: s, by: current.editedBy[c.key] || current.updated_by });
      } else if (FILE_TYPES.has(c.type)) {
        const b = y.server?.files?.[c.key], s = current.files[c.key], l = y.files[c.key]?.sha256 ?? b;
        if (s === b || l === s || l === b) continue;
        items.push({ key: c.key, file: true, by: current.updated_by });
      }
    }
    if (items.length) {
      y.sync = { state: 'conflict', conflict: { server: current, items, by: current.updated_by, at: current.updated_at } };
      outcome = 'conflict';
      return;
    }
    y.values = merged;
    y.server = current;
    y.remote = null;
    y.sync = { state: 'ok' };
    y.notice = 'merged';
    y.valuesVersion = (y.valuesVersion || 0) + 1;
  });
  return outcome === 'merged' ? rebuild(def, id) : outcome;
}

async function rebuild(def, id) {
  const y = await reports.get(id);
  const res = await reports.save(def, id, { complete: Boolean(y.completeWanted), rebuild: true });
  if (res.invalid || res.missing) {
    await reports.update(id, (z) => {
      z.sync = { state: 'refused', error: { status: 422, code: 'validation_failed', message: '',
        details: (res.invalid || res.missing.map((key) => ({ key, code: 'required' }))).map((p) => {
          const [sheet, cluster] = p.key.split('/').map(Number);
          return { sheet, cluster, code: p.code };
        }) } };
    });
    return 'refused';
  }
  return 'merged';
}

/** The user's choices for a conflict ({ "S/C": "mine" | "theirs" }); then everything is sent again. */
export async function resolve(def, id, choices) {
  const x = await reports.get(id);
  const conflict = x.sync?.conflict;
  if (!conflict) return null;
  await reports.update(id, (y) => {
    for (const it of conflict.items) {
      if ((choices[it.key] || 'mine') !== 'theirs') continue;
      if (it.file) delete y.files[it.key];
      else if (it.theirs) y.values[it.key] = it.theirs;
      else delete y.values[it.key];
    }
    // what neither side argued about: the server's changes come in
    const baseVals = y.server ? reports.inputValues(def, y.server) : {};
    const curVals = reports.inputValues(def, conflict.server);
    for (const c of reports.clustersOf(def)) {
      if (!INPUT_TYPES.has(c.type) || conflict.items.some((it) => it.key === c.key)) continue;
      const b = baseVals[c.key] ?? '', s = curVals[c.key] ?? '', l = y.values[c.key] ?? '';
      if (s !== b && l === b) { if (s) y.values[c.key] = s; else delete y.values[c.key]; }
    }
    y.server = conflict.server;
    y.remote = null;
    y.sync = { state: 'ok' };
    y.valuesVersion = (y.valuesVersion || 0) + 1;
  });
  const out = await rebuild(def, id);
  kick(0);
  return out;
}

// ---------------------------------------------------------------- learning from the server

/** Reports of login changed on the server since the last pull (status, approvals, console edits). */
async function pull(login) {
  const key = `pull:${login}`;
  let since = await kvGet(key);
  let cursor = null, newest = since;
  const needed = [];
  try {
    do {
      const q = new URLSearchParams({ mine: '1', limit: '200' });
      if (since) q.set('updated_since', since);
      if (cursor) q.set('cursor', cursor);
      const page = await call('GET', `/reports?${q}`);
      if (page.status === 401) { await session.expire(); publish({ phase: 'signed_out' }); return 'stop'; }
      if (page.status !== 200) return null;
      for (const s of page.json.reports) {
        if (!newest || s.updated_at > newest) newest = s.updated_at;
        const x = await reports.get(s.id);
        if (x && x.server && s.rev <= x.server.rev && !x.needsValues) continue;
        if (x?.remote && s.rev <= x.remote.rev) continue;
        if (x && x.user !== login) continue;
        const full = await call('GET', `/reports/${s.id}`);
        if (full.status !== 200) continue;
        const def = await catalog.definition(s.definition_id, s.definition_revision);
        if (!def) needed.push([s.definition_id, s.definition_revision]);
        await store(def, login, full.json, s.definition_name);
      }
      cursor = page.json.next_cursor;
    } while (cursor);
  } catch (e) {
    if (e instanceof NetworkError) return null;
    throw e;
  }
  if (newest) await kvSet(key, newest);
  if (needed.length) {
    try { await catalog.refresh(needed); } catch (e) { if (!(e instanceof NetworkError)) throw e; }
    for (const r of await reports.listFor(login)) {
      if (!r.needsValues) continue;
      const def = await catalog.definition(r.definitionId, r.definitionRevision);
      if (def) await reports.update(r.id, (y) => { reports.adopt(def, y, y.server); });
    }
  }
  return null;
}

async function store(def, login, json, definitionName) {
  const d = await db();
  const tx = d.transaction('reports', 'readwrite');
  const x = await tx.store.get(json.id);
  let out;
  if (!x) {
    out = reports.fromServer(def, json, login, definitionName);
  } else if (!x.pending && !x.dirty && x.sync?.state === 'ok' && def) {
    out = reports.adopt(def, x, reports.snapshot(json));
  } else {
    // the device has changes of its own: keep its base revision (its next update meets the change
    // as a 412 and merges), and show the newer state meanwhile
    x.remote = reports.snapshot(json);
    out = x;
  }
  await tx.store.put(out);
  await tx.done;
  notify(out);
}

// ---------------------------------------------------------------- starting

/** Starts sending: now, when the network returns, and every minute. */
export function start() {
  addEventListener('online', () => { failures = 0; kick(0); });
  addEventListener('offline', () => { publish({ phase: 'offline', retryAt: null }); });
  session.onSessionChange(() => { recount(); kick(0); });
  setInterval(() => { if (navigator.onLine && !running) kick(0); }, 60000);
  kick(0);
}
