// A report open for filling in: its sheets drawn like the paper form
// (ui/sheet.js), the input panel (ui/panel.js), the actions ([data-action]
// save, complete, copy) and what the user must know about its state:
// unsaved input, refusals with the server's reasons, conflicts to decide,
// a rejection with the approver's comment, a report that is locked.

import { h, fill, toast, confirmBox } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { today, currentZone, formatTime } from '../dates.js';
import { call, NetworkError } from '../api.js';
import * as session from '../session.js';
import * as catalog from '../catalog.js';
import * as reports from '../reports.js';
import * as outbox from '../outbox.js';
import { refreshCatalog } from '../refresh.js';
import { INPUT_TYPES, FILE_TYPES, check } from '../rules.js';
import { buildSheet, readControl, outOfNormal } from './sheet.js';
import { createPanel } from './panel.js';
import { problemText } from './editors.js';
import { stateBadges } from './badges.js';
import { valueText } from './text.js';
import { preparePhoto } from '../images.js';

export async function reportView(view, id) {
  view.className = 'report-view';
  const me = session.user();
  let rep = await reports.get(id);
  const back = () => { location.hash = '#/'; };
  if (!rep || rep.user !== me.login) {
    fill(view, h('section.card.narrow', h('p', t('report.not_found')), h('a.button', { href: '#/' }, t('report.back'))));
    return null;
  }
  let def = await catalog.definition(rep.definitionId, rep.definitionRevision);
  if (!def && navigator.onLine) {
    await refreshCatalog();
    def = await catalog.definition(rep.definitionId, rep.definitionRevision);
  }
  if (!def) {
    fill(view, h('section.card.narrow', h('p', t('report.def_missing', { n: rep.definitionRevision })), h('a.button', { href: '#/' }, t('report.back'))));
    return null;
  }

  const lang = getLang();
  const who = { name: me.name || me.login };
  const clusters = reports.clustersOf(def);
  const byKey = new Map(clusters.map((c) => [c.key, c]));
  const editable = clusters.filter((c) => c.type !== 'FixedText');
  const stages = def.settings?.approvalStages || [];
  const urls = [];                 // object URLs to revoke on leaving
  const fileUrls = {};             // key → URL of the image shown
  const bgUrls = {};
  const unsaved = new Map();       // values typed whose write to IndexedDB has not finished
  let showMissing = false;         // after a refused completion: mark the empty required items
  let lastResult = null;           // what the last save said (invalid / missing)
  let zoom = 1;

  for (const sh of def.sheets) {
    const b = await catalog.background(def.id, def.revision, sh.no);
    if (b) { bgUrls[sh.no] = URL.createObjectURL(b); urls.push(bgUrls[sh.no]); }
  }
  async function loadFiles({ remote = true } = {}) {
    for (const [k, f] of Object.entries(rep.files)) {
      if (fileUrls[k]?.sha === f.sha256) continue;
      const b = await reports.blob(f.key);
      if (b) { const u = URL.createObjectURL(b); urls.push(u); fileUrls[k] = { url: u, sha: f.sha256 }; }
    }
    if (!remote) return;
    // images only the server has (made on another device, or drawn by the server): fetched once, kept
    for (const [k, sha] of Object.entries(rep.server?.files || {})) {
      if (rep.files[k] || fileUrls[k]?.sha === sha) continue;
      const cacheKey = `srv:${rep.id}/${k}/${sha}`;
      let b = await reports.blob(cacheKey);
      if (!b && navigator.onLine && session.current()) {
        try {
          const r = await call('GET', `/reports/${rep.id}/attachments/${k}`, { blob: true, headers: { Accept: 'image/*' } });
          if (r.status === 200) { b = r.blob; await reports.putBlob(cacheKey, b); }
        } catch (e) { if (!(e instanceof NetworkError)) throw e; }
      }
      if (b) { const u = URL.createObjectURL(b); urls.push(u); fileUrls[k] = { url: u, sha }; }
    }
  }
  await loadFiles({ remote: false });   // the server's images come after the first drawing

  // ---------------------------------------------------------------- layout
  const title = h('div.rtitle');
  const badges = h('span.badges');
  const draftNote = h('span.draft-note', { role: 'status' });
  const saveBtn = h('button.primary', { type: 'button', dataset: { action: 'save' } }, t('report.save'));
  const completeBtn = h('button.complete', { type: 'button', dataset: { action: 'complete' } });
  const copyBtn = h('button', { type: 'button', dataset: { action: 'copy' } }, t('report.copy'));
  const zoomOut = h('button.icon', { type: 'button', 'aria-label': t('report.zoom_out'), dataset: { action: 'zoom-out' } }, '−');
  const zoomIn = h('button.icon', { type: 'button', 'aria-label': t('report.zoom_in'), dataset: { action: 'zoom-in' } }, '+');
  const tools = h('div.rtools',
    h('a.button.back', { href: '#/', dataset: { action: 'back' } }, '‹ ', t('report.back')),
    title, badges, h('span.grow'), draftNote,
    h('span.zoom', zoomOut, zoomIn), copyBtn, saveBtn, completeBtn);
  const notices = h('div.notices');
  const sheetsBox = h('div.sheets');
  const sheetNav = def.sheets.length > 1 ? h('nav.sheet-nav', { 'aria-label': t('report.sheet', { n: '' }) },
    def.sheets.map((sh) => h('a', { href: `#/report/${id}`, dataset: { sheetLink: String(sh.no) },
      on: { click: (e) => { e.preventDefault(); builders[sh.no].el.parentElement.scrollIntoView({ behavior: 'smooth', block: 'start' }); } } },
    `${sh.no}. ${sh.name}`))) : null;
  fill(view, tools, notices, h('div.sheet-scroll', sheetNav, sheetsBox));
  const panel = createPanel(view, { onClose: () => { view.classList.remove('panel-open'); draw(); } });

  const builders = {};
  for (const sh of def.sheets) {
    const b = buildSheet(def, sh, { onTap: tap, onControl, readonly: readonly() });
    builders[sh.no] = b;
    sheetsBox.append(h('section.sheet-box', { 'aria-label': `${t('report.sheet', { n: sh.no })}: ${sh.name}` },
      h('h2.sheet-title', `${t('report.sheet', { n: sh.no })} · ${sh.name}`), b.el));
  }

  // ---------------------------------------------------------------- state

  function readonly() {
    const s = reports.serverState(rep);
    if (def.settings?.applicantLock && s && ['applying', 'approved'].includes(s.status)) return true;
    // completed on this device (an application), not sent yet: the server will lock it
    return Boolean(def.settings?.applicantLock && stages.length && rep.completeWanted && rep.pending > 0);
  }

  function state() {
    const vals = reports.displayValues(def, rep, who);
    const tday = today();
    const invalid = new Map(), oon = new Set(), missing = new Set(), conflict = new Set();
    for (const c of clusters) {
      const v = rep.values[c.key];
      if (INPUT_TYPES.has(c.type) && v) {
        const r = check(c, v, { today: tday });
        if (r.code) invalid.set(c.key, r.code);
      }
      if (outOfNormal(c, vals[c.key], tday) || rep.server?.oon?.[c.key] && vals[c.key] === rep.server.values[c.key]) oon.add(c.key);
    }
    if (showMissing) for (const k of reports.problems(def, rep, { complete: true }).missing) missing.add(k);
    for (const d of rep.sync?.error?.details || []) if (d.sheet !== undefined) invalid.set(`${d.sheet}/${d.cluster}`, d.code);
    for (const it of rep.sync?.conflict?.items || []) conflict.add(it.key);
    const urlMap = Object.fromEntries(Object.entries(fileUrls).map(([k, f]) => [k, f.url]));
    return { vals, invalid, oon, missing, conflict, fileUrls: urlMap, serverFiles: rep.server?.files || {}, lang, today: tday,
      zone: currentZone(), readonly: readonly(), current: panel.key() };
  }

  function draw() {
    const st = state();
    for (const sh of def.sheets) builders[sh.no].draw({ ...st, background: bgUrls[sh.no] || null });
    renderTools(st);
    renderNotices(st);
    panel.refresh();
  }

  function renderTools(st) {
    const s = reports.serverState(rep);
    fill(title, h('strong', s?.number ? `${t('report.number')} ${s.number}` : s ? t('report.untitled') : t('report.new')), h('small', def.name));
    fill(badges, stateBadges(rep));
    const ro = st.readonly;
    saveBtn.disabled = ro;
    completeBtn.disabled = ro;
    completeBtn.textContent = !stages.length ? t('report.complete') : s?.status === 'rejected' ? t('report.reapply') : t('report.apply');
    draftNote.textContent = rep.dirty && !ro ? t('report.unsaved') : '';
  }

  function goto(key) {
    openPanel(key);
  }

  function itemLinks(keys, codeOf) {
    return h('ul.items', keys.map((k) => {
      const c = byKey.get(k);
      return h('li', h('button.link', { type: 'button', dataset: { goto: k }, on: { click: () => goto(k) } }, c ? c.name : k),
        codeOf ? ` — ${c ? problemText(c, codeOf(k)) : codeOf(k)}` : '');
    }));
  }

  function renderNotices(st) {
    const out = [];
    const s = reports.serverState(rep);
    if (st.readonly) out.push(h('div.notice.info', { dataset: { notice: 'readonly' } }, s?.status === 'approved' ? t('report.readonly_approved') : t('report.readonly_applying')));
    const rej = reports.rejection(rep);
    if (rej && !rep.pending) {
      const stage = stages.find((x) => Number(x.no) === Number(rej.stage));
      out.push(h('div.notice.rejected', { dataset: { notice: 'rejected' } },
        h('strong', t('report.rejected', { name: rej.user_name || rej.user, stage: stage?.name || rej.stage, t: formatTime(rej.at, lang) })),
        h('blockquote.comment', { dataset: { rejectComment: '' } }, rej.comment || t('report.no_comment')),
        h('p', t('report.rejected_help'))));
    }
    if (rep.sync?.state === 'locked' && rep.pending) out.push(h('div.notice.info', { dataset: { notice: 'locked' } }, t('report.locked_by', { name: rep.sync.holder || '?' })));
    if (rep.sync?.state === 'refused') out.push(refusedNotice(rep.sync.error));
    if (rep.sync?.state === 'conflict') out.push(conflictNotice(rep.sync.conflict));
    if (rep.notice === 'merged') out.push(h('div.notice.info', { dataset: { notice: 'merged' } }, t('report.merged')));
    if (lastResult?.invalid?.length && st.invalid.size)
      out.push(h('div.notice.warn', { dataset: { notice: 'invalid' } }, t('report.invalid', { n: st.invalid.size }), itemLinks([...st.invalid.keys()], (k) => st.invalid.get(k))));
    if (showMissing && st.missing.size)
      out.push(h('div.notice.warn', { dataset: { notice: 'missing' } }, t('report.missing', { n: st.missing.size }), itemLinks([...st.missing])));
    fill(notices, out);
  }

  function refusedNotice(err) {
    const gone = err.status === 404 && err.code === 'not_found';
    const details = (err.details || []).filter((d) => d.sheet !== undefined);
    return h('div.notice.error', { dataset: { notice: 'refused', code: err.code } },
      h('strong', t('report.refused_title')),
      h('p', gone ? t('report.refused_gone') : details.length ? t('report.refused_fix') : (errText(err.code) || err.message || err.code)),
      details.length ? itemLinks(details.map((d) => `${d.sheet}/${d.cluster}`), (k) => details.find((d) => `${d.sheet}/${d.cluster}` === k).code) : null,
      h('div.row',
        gone ? h('button.primary', { type: 'button', dataset: { action: 'as-new' }, on: { click: asNew } }, t('report.as_new')) : null,
        h('button.danger', { type: 'button', dataset: { action: 'discard' }, on: { click: discard } }, t('report.discard'))));
  }

  function errText(code) {
    const c = { type: '' };
    const s = problemText(c, code);
    return s === code ? null : s;
  }

  function conflictNotice(conflict) {
    const choices = {};
    const apply = h('button.primary', { type: 'button', dataset: { action: 'resolve' }, disabled: true }, t('report.conflict_apply'));
    const show = (c, v) => (v ? valueText(c, v, lang) : t('report.empty'));
    const rows = conflict.items.map((it) => {
      const c = byKey.get(it.key);
      const opt = (which, label, text) => h('label.choice-opt',
        h('input', { type: 'radio', name: `conflict-${it.key}`, value: which, dataset: { conflict: it.key, choice: which },
          on: { change: () => { choices[it.key] = which; apply.disabled = conflict.items.some((x) => !choices[x.key]); } } }),
        h('span.opt-label', label), h('span.opt-value', text));
      return h('div.conflict-item', { dataset: { key: it.key } },
        h('div.conflict-name', c?.name || it.key),
        opt('mine', t('report.conflict_mine'), it.file ? t('report.conflict_image') : show(c, it.mine)),
        opt('theirs', `${t('report.conflict_theirs')} (${it.by || conflict.by || ''})`, it.file ? t('report.conflict_image') : show(c, it.theirs)));
    });
    apply.addEventListener('click', async () => {
      apply.disabled = true;
      await flush();
      await outbox.resolve(def, id, choices);
    });
    return h('div.notice.conflict', { dataset: { notice: 'conflict' } },
      h('strong', t('report.conflict_title')),
      h('p', t('report.conflict_text', { who: conflict.by || '?' })),
      rows, h('div.row', apply));
  }

  // ---------------------------------------------------------------- changing values

  function storageFailed(e) {
    console.error('storing failed', e);
    toast(t('storage.failed'), { kind: 'error', ms: 10000 });
  }

  // Every change is written at once (IndexedDB runs the writes in the order they were made);
  // [data-stored] on the view says whether everything typed is on the device yet.
  const writing = new Set();
  function track(w) {
    writing.add(w);
    view.dataset.stored = 'false';
    w.catch(storageFailed).finally(() => {
      writing.delete(w);
      if (!writing.size) view.dataset.stored = 'true';
    });
    return w;
  }
  const flush = async () => { while (writing.size) await Promise.allSettled([...writing]); };

  function set(key, value) {
    if (readonly()) return;
    if ((rep.values[key] ?? '') === value) return;
    if (value === '') delete rep.values[key]; else rep.values[key] = value;
    rep.dirty = true;
    rep.touched = true;
    unsaved.set(key, value);
    track(reports.setValue(id, key, value).then(() => { if (unsaved.get(key) === value) unsaved.delete(key); }));
    draw();
  }

  function setMany(pairs) {
    if (readonly()) return;
    for (const [k, v] of pairs) { if (v === '') delete rep.values[k]; else rep.values[k] = v; unsaved.set(k, v); }
    rep.dirty = true;
    rep.touched = true;
    track(reports.setValues(id, pairs).then(() => { for (const [k, v] of pairs) if (unsaved.get(k) === v) unsaved.delete(k); }));
    draw();
  }

  async function setFile(key, img) {
    if (readonly()) return;
    const stored = await track(reports.setFile(id, key, img.blob,
      { sha256: img.sha256, type: img.type, width: img.width, height: img.height, size: img.size }));
    rep = { ...stored, values: { ...stored.values, ...Object.fromEntries(unsaved) } };
    const u = URL.createObjectURL(img.blob);
    urls.push(u);
    fileUrls[key] = { url: u, sha: img.sha256 };
    draw();
  }

  /** A MasterSelect chosen by its key: the linked clusters take the record's fields. */
  async function masterChosen(c, value) {
    const pairs = [[c.key, value]];
    if (c.type === 'MasterSelect' && value) {
      const m = await catalog.masterByName(c.master);
      const rec = m ? await catalog.record(m.id, value) : null;
      if (rec) for (const f of c.fill || []) pairs.push([`${c.sheet}/${f.cluster}`, rec.data?.[f.field] ?? '']);
    }
    setMany(pairs);
  }

  async function onControl(key, el) {
    const c = byKey.get(key);
    if (el.type === 'file') {
      const f = el.files[0];
      if (!f) return;
      try {
        await setFile(key, await preparePhoto(f, c));
      } catch (e) {
        toast(t(e.message === 'too_big' ? 'image.too_big' : 'image.unreadable'), { kind: 'warn' });
      }
      el.value = '';
      return;
    }
    const v = readControl(el);
    if (c.type === 'MasterSelect') masterChosen(c, v);
    else set(key, v);
  }

  // ---------------------------------------------------------------- the panel

  function ctxFor(key) {
    const c = byKey.get(key);
    const i = editable.findIndex((x) => x.key === key);
    return {
      c, key, def, lang, today: today(), zone: currentZone(), readonly: readonly() || !(INPUT_TYPES.has(c.type) || FILE_TYPES.has(c.type)),
      get: () => rep.values[key] ?? '',
      shown: () => state().vals[key] ?? '',
      set: (v) => set(key, v),
      setMany,
      setFile: (img) => setFile(key, img),
      fileUrl: () => fileUrls[key]?.url || null,
      serverFile: () => Boolean(rep.server?.files?.[key]),
      cluster: (k) => byKey.get(k),
      records: catalog,
      hasPrev: i > 0, hasNext: i >= 0 && i < editable.length - 1,
      prev: () => { if (i > 0) openPanel(editable[i - 1].key); },
      next: () => { if (i < editable.length - 1) openPanel(editable[i + 1].key); else panel.close(); },
    };
  }

  function openPanel(key) {
    panel.show(ctxFor(key));
    view.classList.add('panel-open');
    draw();
    const box = Object.values(builders).map((b) => b.boxes.get(key)).find(Boolean);
    box?.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'smooth' });
  }

  function tap(key) {
    const c = byKey.get(key);
    if (c.type === 'Toggle' && !readonly()) {
      const items = (c.items || []).map((it) => it.value);
      const at = items.indexOf(rep.values[key] ?? '');
      set(key, at + 1 < items.length ? items[at + 1] : '');   // the last choice goes back to empty
      return;
    }
    openPanel(key);
  }

  // ---------------------------------------------------------------- actions

  async function save(complete) {
    panel.close();
    await flush();
    showMissing = complete;
    const res = await reports.save(def, id, { complete, rebuild: rep.sync?.state === 'refused' });
    lastResult = res;
    const stored = await reports.get(id);
    rep = { ...stored, values: { ...stored.values, ...Object.fromEntries(unsaved) } };
    if (res.invalid) toast(t('report.invalid', { n: res.invalid.length }), { kind: 'warn' });
    else if (res.missing) toast(t('report.missing', { n: res.missing.length }), { kind: 'warn' });
    else {
      showMissing = false;
      toast(navigator.onLine ? t('report.saved_sending') : complete ? t('report.completed_local') : t('report.saved_local'));
      outbox.kick(0);
    }
    draw();
    return res;
  }

  async function discard() {
    if (!(await confirmBox(t('report.discard_confirm'), { ok: t('report.discard'), cancel: t('common.cancel'), danger: true }))) return;
    await flush();
    const r = await reports.discard(def, id);
    if (!r) { back(); return; }
    rep = r;
    draw();
  }

  async function asNew() {
    await flush();
    const r = await reports.asNew(def, id);
    await reports.save(def, r.id, {});
    outbox.kick(0);
    location.hash = `#/report/${r.id}`;
  }

  saveBtn.addEventListener('click', () => save(false));
  completeBtn.addEventListener('click', () => save(true));
  copyBtn.addEventListener('click', async () => {
    await flush();
    const c = await reports.copy(rep, def, me.login);
    toast(t('home.copied'));
    location.hash = `#/report/${c.id}`;
  });
  const setZoom = (z) => {
    zoom = Math.min(3, Math.max(1, z));
    sheetsBox.style.setProperty('--zoom', String(zoom));
    zoomOut.disabled = zoom <= 1;
  };
  zoomIn.addEventListener('click', () => setZoom(zoom + 0.5));
  zoomOut.addEventListener('click', () => setZoom(zoom - 0.5));
  setZoom(1);

  // the sender (or another tab) changed the stored report
  const off = reports.onReportChange(async (r) => {
    if (!r || r.id !== id) return;
    const valuesFromStore = (r.valuesVersion || 0) !== (rep.valuesVersion || 0);
    rep = { ...r, values: valuesFromStore ? { ...r.values, ...Object.fromEntries(unsaved) } : rep.values, dirty: r.dirty || unsaved.size > 0 };
    if (r.notice === 'merged') setTimeout(() => reports.update(id, (y) => { if (y.notice !== 'merged') return false; y.notice = null; return true; }), 8000);
    await loadFiles();
    draw();
  });

  view.dataset.stored = 'true';
  draw();
  loadFiles().then(draw).catch((e) => console.warn('images of the server', e));

  return async () => {
    off();
    delete view.dataset.stored;
    panel.close();
    await flush();
    const cur = await reports.get(id);
    if (cur && !cur.touched && !cur.server && !cur.pending && !cur.sent.exists) await reports.dropUntouched(id);
    else if (cur?.dirty && !readonly()) {
      // leaving keeps what was typed; a report that can be saved as it is goes to the outbox
      const res = await reports.save(def, id, { rebuild: cur.sync?.state === 'refused' });
      if (res.ops !== undefined) outbox.kick(0);
      else toast(t('report.invalid', { n: res.invalid?.length || 0 }), { kind: 'warn' });
    }
    for (const u of urls) URL.revokeObjectURL(u);
  };
}
