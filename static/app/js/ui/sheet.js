// One sheet of a report drawn like the paper form, with the same geometry
// as the console's sheet view: an SVG of the sheet's size in points with
// its background image, every value inside its cluster's rectangle
// (fractions of the sheet), sign-offs as red date stamps.
//
// Over the drawing lies one box per cluster (.cl, what the user taps) and
// in it the cluster's own form control ([data-cluster="S/C"]: an input,
// textarea or select), which stays in the page the whole time the report
// is open — behind the drawing, except the check box, which is the box.
// Tests and scripts can fill those controls directly; the app listens to
// them as it listens to its own input panels.

import { h, s } from '../dom.js';
import { t } from '../i18n.js';
import { check, INPUT_TYPES, FILE_TYPES, SIGN_TYPES, SERVER_TYPES, lines as linesOf, withSeconds } from '../rules.js';
import { dateBound } from '../dates.js';
import { valueText, signoff } from './text.js';

// ---------------------------------------------------------------- fitting text in a box

function wide(cp) {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x20000;
}
function charWidth(ch) {
  const cp = ch.codePointAt(0);
  if (cp === 32) return 0.28;
  if (cp < 0x7f) {
    if ('iljtfI.,:;!|\'`()[]{}'.includes(ch)) return 0.34;
    if ('mwMW@%'.includes(ch)) return 0.9;
    if (ch >= 'A' && ch <= 'Z') return 0.68;
    return 0.58;
  }
  if (wide(cp) || cp === 0x2713) return 1;
  if (cp >= 0xff61 && cp <= 0xff9f) return 0.5;
  return 0.62;
}
export const emWidth = (text) => [...text].reduce((w, ch) => w + charWidth(ch), 0);

/** Lines of text wrapped at maxEm ems: at spaces, and between wide (Japanese) characters. */
function wrap(text, maxEm) {
  const out = [];
  for (const para of text.split('\n')) {
    const units = para.match(/[\u1100-\u115f\u2e80-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]|[^\s\u1100-\u115f\u2e80-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]+\s*|\s+/gu) || [''];
    let line = '';
    for (const u of units) {
      if (line && emWidth((line + u).trimEnd()) > maxEm) { out.push(line.trimEnd()); line = u.trimStart(); }
      else line += u;
    }
    out.push(line.trimEnd());
  }
  return out;
}

/** The largest font size (points, at most 12) at which text fits a w × h box, and its lines. */
export function fit(text, w, h, { multiline = true, max = 12 } = {}) {
  const pad = Math.min(3, w * 0.04);
  const top = Math.min(max, h * 0.72);
  for (let fs = top; fs >= 4; fs -= 0.5) {
    const maxEm = (w - 2 * pad) / fs;
    const ls = multiline ? wrap(text, maxEm) : [text.replace(/\n/g, ' ')];
    if (ls.length * fs * 1.18 <= h - pad * 0.5 + 0.01 && ls.every((l) => emWidth(l) <= maxEm)) return { fs, lines: ls, pad, squeeze: false };
  }
  // what cannot fit even at 4 pt: one line squeezed, or as many lines as fit with "…"
  const fs = 4, maxEm = (w - 2 * pad) / fs;
  let ls = multiline ? wrap(text, maxEm) : [text.replace(/\n/g, ' ')];
  const room = Math.max(1, Math.floor((h - pad * 0.5) / (fs * 1.18)));
  if (ls.length > room) { ls = ls.slice(0, room); ls[room - 1] = `${ls[room - 1].slice(0, -1)}…`; }
  return { fs, lines: ls, pad, squeeze: true };
}

// ---------------------------------------------------------------- controls

function control(c, key, readonly) {
  const common = { dataset: { cluster: key }, tabindex: '-1', 'aria-label': c.name, disabled: readonly };
  switch (c.type) {
    case 'KeyboardText':
      return linesOf(c) > 1 ? h('textarea.ctl', { ...common, rows: String(linesOf(c)) }) : h('input.ctl', { ...common, type: 'text' });
    case 'CodeReader':
    case 'Gps':
    case 'MasterSelect':
      return h('input.ctl', { ...common, type: 'text', autocomplete: 'off' });
    case 'Numeric':
      return h('input.ctl', { ...common, type: 'text', inputmode: 'decimal', autocomplete: 'off' });
    case 'Date':
      return h('input.ctl', { ...common, type: 'date' });
    case 'Time':
      return h('input.ctl', { ...common, type: 'time', step: withSeconds(c) ? '1' : '60' });
    case 'Check':
      return h('input.ctl.ctl-check', { ...common, type: 'checkbox', tabindex: '0' });
    case 'Select':
      if (c.master) return h('input.ctl', { ...common, type: 'text', autocomplete: 'off' });
      // falls through
    case 'Toggle':
    case 'NumericSelect':
      return h('select.ctl', common, h('option', { value: '' }, ''), (c.items || []).map((it) => h('option', { value: it.value }, it.label || it.value)));
    case 'MultipleChoice':
      return h('select.ctl', { ...common, multiple: true }, (c.items || []).map((it) => h('option', { value: it.value }, it.label || it.value)));
    case 'Image':
      return h('input.ctl', { ...common, type: 'file', accept: 'image/jpeg,image/png,image/*' });
    default:
      return null;
  }
}

/** Puts value into a control without firing its events. */
export function setControl(el, c, value, ctx) {
  if (!el) return;
  if (el.type === 'checkbox') el.checked = value === '1';
  else if (el.type === 'file') { /* a file input only ever reports what is picked */ }
  else if (el.multiple) { const vs = (value || '').split('\t'); for (const o of el.options) o.selected = vs.includes(o.value); }
  else if (document.activeElement !== el || el.value !== value) {
    if (el.tagName === 'SELECT' && value && ![...el.options].some((o) => o.value === value)) el.append(h('option', { value }, value));
    el.value = value || '';
  }
  if (c.type === 'Date') {
    const lo = dateBound(c.minimum, ctx.today), hi = dateBound(c.maximum, ctx.today);
    if (lo) el.min = lo; else el.removeAttribute('min');
    if (hi) el.max = hi; else el.removeAttribute('max');
  }
}

/** What a control holds, as the cluster's value text. */
export function readControl(el) {
  if (el.type === 'checkbox') return el.checked ? '1' : '';
  if (el.multiple) return [...el.selectedOptions].map((o) => o.value).join('\t');
  return el.value;
}

// ---------------------------------------------------------------- the sheet

/**
 * buildSheet(def, sheet, { onTap(key), onControl(key, el), readonly })
 * → { el, draw(state), controls: Map key → element, boxes: Map key → element }
 * state: { vals, fileUrls, invalid: Map key → code, missing: Set, conflict: Set, oon: Set,
 *          background: URL|null, lang, today, readonly }
 */
export function buildSheet(def, sheet, { onTap, onControl, readonly }) {
  const W = sheet.width, H = sheet.height;
  const svg = s('svg', { class: 'paper-svg', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${t('report.sheet', { n: sheet.no })}: ${sheet.name}` });
  const bg = s('g', { class: 'bg' });
  const ink = s('g', { class: 'ink' });
  svg.append(s('rect', { class: 'paper', x: 0, y: 0, width: W, height: H }), bg, ink);
  const hits = h('div.hits');
  const controls = new Map(), boxes = new Map();
  for (const c of sheet.clusters) {
    if (c.type === 'FixedText') continue;
    const key = `${sheet.no}/${c.id}`;
    const r = c.rect;
    const box = h(`div.cl.t-${c.type}`, {
      role: 'button', tabindex: c.type === 'Check' ? '-1' : '0', dataset: { key, type: c.type },
      style: { left: `${r.left * 100}%`, top: `${r.top * 100}%`, width: `${(r.right - r.left) * 100}%`, height: `${(r.bottom - r.top) * 100}%` },
    });
    const ctl = control(c, key, readonly);
    if (ctl) {
      box.append(ctl);
      controls.set(key, ctl);
      const ev = ctl.type === 'checkbox' || ctl.tagName === 'SELECT' || ctl.type === 'file' || ctl.type === 'date' || ctl.type === 'time' ? 'change' : 'input';
      ctl.addEventListener(ev, () => onControl(key, ctl));
      if (ev === 'input') ctl.addEventListener('change', () => onControl(key, ctl));
      if (ctl.type === 'date' || ctl.type === 'time') ctl.addEventListener('input', () => onControl(key, ctl));
    }
    if (c.type !== 'Check') {
      box.addEventListener('click', (e) => { if (e.target === box || !e.target.closest('.ctl')) onTap(key); });
      box.addEventListener('keydown', (e) => { if ((e.key === 'Enter' || e.key === ' ') && e.target === box) { e.preventDefault(); onTap(key); } });
    }
    boxes.set(key, box);
    hits.append(box);
  }
  const frame = h('div.sheet-frame', { style: { aspectRatio: `${W} / ${H}` }, dataset: { sheet: String(sheet.no) } }, svg, hits);
  let bgUrl = null;

  function drawCluster(c, st) {
    const key = `${sheet.no}/${c.id}`;
    const x = c.rect.left * W, y = c.rect.top * H, w = (c.rect.right - c.rect.left) * W, hh = (c.rect.bottom - c.rect.top) * H;
    const v = st.vals[key] ?? '';
    const cls = ['v', `t-${c.type}`];
    if (c.required === true && c.type !== 'FixedText') cls.push('req');
    if (st.oon.has(key)) cls.push('oon');
    if (st.invalid.has(key)) cls.push('bad');
    if (st.missing.has(key)) cls.push('missing');
    if (st.conflict.has(key)) cls.push('conflict');
    if (st.current === key) cls.push('current');
    const g = s('g', { class: cls.join(' '), id: `v-${sheet.no}-${c.id}` });
    if (c.type === 'FixedText') {
      const f = fit(c.text || '', w, hh, { max: 14 });
      g.append(textEl(f, x, y, w, hh, 'val fixed', 'start'));
      return g;
    }
    g.append(s('rect', { class: 'box', x, y, width: w, height: hh, rx: 1.5 }));
    const empty = !v && !st.fileUrls[key] && !(FILE_TYPES.has(c.type) && st.serverFiles?.[key]);
    if (empty && !bgUrl) g.append(s('text', { class: 'cap', x: x + 2, y: y + Math.min(7, hh * 0.45), 'font-size': Math.min(6, hh * 0.42) }, c.name));
    if (FILE_TYPES.has(c.type)) {
      if (st.fileUrls[key]) g.append(s('image', { href: st.fileUrls[key], x, y, width: w, height: hh, preserveAspectRatio: 'xMidYMid meet' }));
      else if (st.serverFiles?.[key]) {
        const f = fit(t('report.server_image'), w, hh, { max: 8 });
        g.append(textEl(f, x, y, w, hh, 'cap', 'middle'));
      }
      return g;
    }
    if (SIGN_TYPES.has(c.type)) {
      g.append(stamp(c, v, x, y, w, hh, st));
      return g;
    }
    if (c.type === 'Check') {
      if (v === '1') g.append(s('text', { class: 'val chk', x: x + w / 2, y: y + hh * 0.78, 'font-size': Math.min(hh * 0.95, w * 0.95, 16), 'text-anchor': 'middle' }, '✓'));
      return g;
    }
    if (!v) return g;
    const text = valueText(c, v, st.lang);
    const numeric = ['Numeric', 'Calculate', 'NumericSelect', 'TimeCalculate'].includes(c.type);
    const multi = c.type === 'KeyboardText' && linesOf(c) > 1;
    const f = fit(text, w, hh, { multiline: multi || c.type === 'MultipleChoice' });
    g.append(textEl(f, x, y, w, hh, `val${SERVER_TYPES.has(c.type) ? ' computed' : ''}`, numeric ? 'end' : 'start'));
    return g;
  }

  function textEl(f, x, y, w, hh, cls, anchor) {
    const tx = anchor === 'end' ? x + w - f.pad : anchor === 'middle' ? x + w / 2 : x + f.pad;
    const total = f.lines.length * f.fs * 1.18;
    const y0 = y + (hh - total) / 2 + f.fs * 0.95;
    const el = s('text', { class: cls, 'font-size': f.fs.toFixed(2), 'text-anchor': anchor });
    f.lines.forEach((l, i) => {
      const span = s('tspan', { x: tx.toFixed(2), y: (y0 + i * f.fs * 1.18).toFixed(2) }, l);
      if (f.squeeze && emWidth(l) * f.fs > w - 2 * f.pad) { span.setAttribute('textLength', (w - 2 * f.pad).toFixed(2)); span.setAttribute('lengthAdjust', 'spacingAndGlyphs'); }
      el.append(span);
    });
    return el;
  }

  function stamp(c, v, x, y, w, hh, st) {
    const cx = x + w / 2, cy = y + hh / 2, r = Math.min(w, hh) / 2 * 0.88;
    const so = signoff(v);
    if (!so) return s('circle', { class: 'slot', cx, cy, r });
    const stage = c.type === 'Approve' ? (def.settings?.approvalStages || []).find((x2) => String(x2.no) === String(c.stage)) : null;
    const role = c.type === 'Create' ? t('stamp.create') : c.type === 'Inspect' ? t('stamp.inspect') : (stage?.name || '').split(/\s+/)[0] || t('stamp.approve');
    const at = so.at ? new Date(so.at) : null;
    const date = at ? new Intl.DateTimeFormat('ja-JP', { timeZone: st.zone, year: '2-digit', month: '2-digit', day: '2-digit' }).format(at) : '';
    const sw = r * 0.06;
    const g = s('g', { class: 'stamp', transform: `rotate(-6 ${cx} ${cy})` },
      s('circle', { cx, cy, r, 'stroke-width': sw }),
      s('line', { x1: cx - r * 0.92, y1: cy - r * 0.3, x2: cx + r * 0.92, y2: cy - r * 0.3, 'stroke-width': sw }),
      s('line', { x1: cx - r * 0.92, y1: cy + r * 0.3, x2: cx + r * 0.92, y2: cy + r * 0.3, 'stroke-width': sw }));
    const line = (text, yy, fs) => {
      const el = s('text', { x: cx, y: yy, 'font-size': fs, 'text-anchor': 'middle' }, text);
      if (emWidth(text) * fs > r * 1.6) { el.setAttribute('textLength', (r * 1.6).toFixed(2)); el.setAttribute('lengthAdjust', 'spacingAndGlyphs'); }
      return el;
    };
    g.append(line(role, cy - r * 0.45, r * 0.32), line(date, cy + r * 0.12, r * 0.34), line(so.name || so.user || '', cy + r * 0.68, r * 0.32));
    return g;
  }

  function draw(st) {
    if (st.background !== bgUrl) {
      bgUrl = st.background;
      bg.replaceChildren(...(bgUrl ? [s('image', { href: bgUrl, x: 0, y: 0, width: W, height: H, preserveAspectRatio: 'none' })] : []));
      svg.classList.toggle('has-bg', Boolean(bgUrl));
    }
    ink.replaceChildren(...sheet.clusters.map((c) => drawCluster(c, st)));
    for (const c of sheet.clusters) {
      const key = `${sheet.no}/${c.id}`;
      const box = boxes.get(key);
      if (!box) continue;
      const v = st.vals[key] ?? '';
      box.setAttribute('aria-label', `${c.name}: ${valueText(c, v, st.lang) || t('report.empty')}`);
      box.classList.toggle('current', st.current === key);
      box.classList.toggle('locked', st.readonly || (!INPUT_TYPES.has(c.type) && !FILE_TYPES.has(c.type)));
      const ctl = controls.get(key);
      if (ctl) {
        ctl.disabled = st.readonly;
        if (INPUT_TYPES.has(c.type)) setControl(ctl, c, v, st);
        ctl.setAttribute('aria-invalid', st.invalid.has(key) ? 'true' : 'false');
      }
    }
  }

  return { el: frame, draw, controls, boxes, sheet };
}

/** Whether value v of c is out of its normal range (Numeric only). */
export function outOfNormal(c, v, today) {
  if (c.type !== 'Numeric' || !v) return false;
  const r = check(c, v, { today });
  return Boolean(r.oon);
}
