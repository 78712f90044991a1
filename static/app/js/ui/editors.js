// The editor shown in the input panel for each cluster type
// (definition-xml.md "Cluster types"). Each editor writes through
// ctx.set / ctx.setMany / ctx.setFile (see ui/report.js), so what it does
// lands in the same place as a value typed into the cluster's own control.

import { h, fill } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { check, lines, maxLength, decimalPlaces, withSeconds, MASTER_KEY_MAX } from '../rules.js';
import { dateBound, addDays, nowTime } from '../dates.js';
import { preparePhoto, prepareDrawing } from '../images.js';
import { drawPad } from '../drawpad.js';
import { valueText, signoff } from './text.js';
import { formatTime } from '../dates.js';

/** The words for a value-rule code of cluster c. */
export function problemText(c, code) {
  const params = {
    dp: decimalPlaces(c) ?? 10, min: c.minimum ?? c.minSelected, max: c.maximum ?? c.maxSelected,
  };
  if (code === 'too_long') params.max = c.master || c.type === 'MasterSelect' ? MASTER_KEY_MAX : maxLength(c);
  if (code === 'too_few_selected') params.min = c.minSelected;
  if (code === 'too_many_selected') params.max = c.maxSelected;
  return errorText(code, params) || code;
}

function statusLine() { return h('p.status-line', { role: 'status', 'aria-live': 'polite' }); }

function clearButton(ctx, after) {
  return h('button', { type: 'button', dataset: { action: 'clear' }, disabled: ctx.readonly, on: { click: () => { ctx.set(''); after?.(); } } }, t('panel.clear'));
}

// ---------------------------------------------------------------- typing

function textEditor(ctx) {
  const c = ctx.c;
  const multi = lines(c) > 1;
  const props = { dataset: { input: ctx.key }, 'aria-label': c.name, disabled: ctx.readonly, autocomplete: 'off', spellcheck: 'false' };
  const el = multi ? h('textarea.big-input', { ...props, rows: String(Math.min(8, Math.max(3, lines(c)))) })
    : h('input.big-input', { ...props, type: 'text', inputmode: c.charset === 'digits' ? 'numeric' : 'text', enterkeyhint: 'next' });
  el.value = ctx.get();
  const st = statusLine();
  const hints = [];
  if (c.charset && c.charset !== 'any') hints.push(t(`charset.${c.charset}`));
  function refreshHint() {
    const max = maxLength(c);
    const n = [...el.value].length;
    const parts = [...hints];
    if (max !== null) parts.push(t('text.count', { n, max }));
    const code = el.value ? check(c, el.value, { today: ctx.today }).code : null;
    fill(st, parts.join(' · '), code ? h('span.err', ` ${problemText(c, code)}`) : null);
    st.classList.toggle('bad', Boolean(code));
  }
  el.addEventListener('input', () => { ctx.set(el.value); refreshHint(); });
  if (!multi) el.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); ctx.next(); } });
  refreshHint();
  return { el: h('div.ed-text', el, st), focus: () => el.focus(), refresh: () => { if (document.activeElement !== el) el.value = ctx.get(); refreshHint(); } };
}

function numericEditor(ctx) {
  const c = ctx.c;
  const unit = c.unit ? h('span.unit', c.unit) : null;
  const field = h('input.big-input.num', { type: 'text', inputmode: 'none', dataset: { input: ctx.key }, 'aria-label': c.name, disabled: ctx.readonly, autocomplete: 'off' });
  field.value = ctx.get();
  const st = statusLine();
  const info = [];
  if (c.minimum !== undefined || c.maximum !== undefined) info.push(t('numeric.range', { min: c.minimum ?? '', max: c.maximum ?? '' }));
  if (c.normalMinimum !== undefined || c.normalMaximum !== undefined) info.push(t('numeric.normal', { min: c.normalMinimum ?? '', max: c.normalMaximum ?? '' }));
  function refresh() {
    const v = field.value;
    const r = v ? check(c, v, { today: ctx.today }) : { value: '' };
    st.replaceChildren();
    st.className = 'status-line';
    if (r.code) { st.append(h('span.err', problemText(c, r.code))); st.classList.add('bad'); }
    else if (r.oon) { st.append(h('span.oon', { dataset: { flag: 'out-of-normal' } }, `⚠ ${t('numeric.oon')}`)); st.classList.add('warn'); }
    field.classList.toggle('oon', Boolean(r.oon));
    field.classList.toggle('bad', Boolean(r.code));
  }
  const put = (v) => { field.value = v; ctx.set(v); refresh(); };
  function press(k) {
    if (ctx.readonly) return;
    let v = field.value;
    if (k === 'back') v = v.slice(0, -1);
    else if (k === 'clear') v = '';
    else if (k === 'sign') v = v.startsWith('-') ? v.slice(1) : `-${v}`;
    else if (k === '.') v = v.includes('.') ? v : `${v || '0'}.`;
    else v = v === '0' ? k : v === '-0' ? `-${k}` : v + k;
    put(v);
  }
  const key = (k, label, cls = '') => h(`button.key${cls}`, { type: 'button', dataset: { keypad: k }, 'aria-label': label || k, disabled: ctx.readonly, on: { click: () => press(k) } }, label || k);
  const pad = h('div.keypad',
    key('7'), key('8'), key('9'), key('back', '⌫', '.fn'),
    key('4'), key('5'), key('6'), key('sign', t('numeric.sign'), '.fn'),
    key('1'), key('2'), key('3'), key('clear', 'C', '.fn'),
    key('0', '0', '.zero'), key('.'));
  field.addEventListener('input', () => { ctx.set(field.value); refresh(); });
  field.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); ctx.next(); } });
  refresh();
  return {
    el: h('div.ed-num', h('div.num-row', field, unit), h('p.range', info.join(' · ')), st, pad),
    focus: () => field.focus(),
    refresh: () => { if (document.activeElement !== field) field.value = ctx.get(); refresh(); },
  };
}

function dateEditor(ctx) {
  const c = ctx.c;
  const lo = dateBound(c.minimum, ctx.today), hi = dateBound(c.maximum, ctx.today);
  const el = h('input.big-input', { type: 'date', dataset: { input: ctx.key }, 'aria-label': c.name, disabled: ctx.readonly, min: lo, max: hi });
  el.value = ctx.get();
  const st = statusLine();
  const refresh = () => {
    const code = el.value ? check(c, el.value, { today: ctx.today }).code : null;
    fill(st, lo || hi ? t('date.range', { min: lo || '…', max: hi || '…' }) : '', code ? h('span.err', ` ${problemText(c, code)}`) : null);
    st.classList.toggle('bad', Boolean(code));
  };
  const put = (v) => { el.value = v; ctx.set(v); refresh(); };
  el.addEventListener('input', () => { ctx.set(el.value); refresh(); });
  el.addEventListener('change', () => { ctx.set(el.value); refresh(); });
  refresh();
  return {
    el: h('div.ed-date', el, h('div.row',
      h('button', { type: 'button', dataset: { action: 'today' }, disabled: ctx.readonly, on: { click: () => put(ctx.today) } }, t('date.today')),
      h('button', { type: 'button', dataset: { action: 'yesterday' }, disabled: ctx.readonly, on: { click: () => put(addDays(ctx.today, -1)) } }, t('date.yesterday')),
      clearButton(ctx, () => { el.value = ''; refresh(); })), st),
    focus: () => el.focus(),
    refresh: () => { el.value = ctx.get(); refresh(); },
  };
}

function timeEditor(ctx) {
  const c = ctx.c;
  const secs = withSeconds(c);
  const el = h('input.big-input', { type: 'time', step: secs ? '1' : '60', dataset: { input: ctx.key }, 'aria-label': c.name, disabled: ctx.readonly });
  el.value = ctx.get();
  const on = () => ctx.set(el.value);
  el.addEventListener('input', on);
  el.addEventListener('change', on);
  return {
    el: h('div.ed-time', el, h('div.row',
      h('button', { type: 'button', dataset: { action: 'now' }, disabled: ctx.readonly, on: { click: () => { el.value = nowTime(secs); on(); } } }, t('time.now')),
      clearButton(ctx, () => { el.value = ''; }))),
    focus: () => el.focus(),
    refresh: () => { el.value = ctx.get(); },
  };
}

// ---------------------------------------------------------------- choosing

function choiceEditor(ctx) {
  const c = ctx.c;
  const box = h('div.choices', { role: 'radiogroup', 'aria-label': c.name });
  function render() {
    const v = ctx.get();
    fill(box, (c.items || []).map((it) => h('button.choice', {
      type: 'button', role: 'radio', 'aria-checked': String(v === it.value), dataset: { choice: it.value }, disabled: ctx.readonly,
      on: { click: () => { ctx.set(v === it.value && c.type !== 'Toggle' ? '' : it.value); render(); } },
    }, it.label || it.value, c.unit && c.type === 'NumericSelect' ? ` ${c.unit}` : '')));
  }
  render();
  return { el: h('div.ed-choice', box, c.type === 'Toggle' ? h('p.help', t('toggle.help')) : null, h('div.row', clearButton(ctx, render))), refresh: render };
}

function multiEditor(ctx) {
  const c = ctx.c;
  const box = h('div.choices', { role: 'group', 'aria-label': c.name });
  const st = statusLine();
  const min = c.minSelected, max = c.maxSelected;
  const hint = min && max ? t('multi.limits', { min, max }) : max ? t('multi.max', { max }) : min ? t('multi.min', { min }) : '';
  function render() {
    const chosen = ctx.get() ? ctx.get().split('\t') : [];
    fill(box, (c.items || []).map((it) => {
      const on = chosen.includes(it.value);
      return h('button.choice.multi', {
        type: 'button', 'aria-pressed': String(on), dataset: { choice: it.value }, disabled: ctx.readonly,
        on: { click: () => {
          const next = on ? chosen.filter((x) => x !== it.value) : [...chosen, it.value];
          const ordered = (c.items || []).map((i) => i.value).filter((x) => next.includes(x));
          ctx.set(ordered.join('\t'));
          render();
        } },
      }, h('span.tick', { 'aria-hidden': 'true' }, on ? '☑' : '☐'), ' ', it.label || it.value);
    }));
    const code = ctx.get() ? check(c, ctx.get(), {}).code : null;
    fill(st, hint, code ? h('span.err', ` ${problemText(c, code)}`) : null);
    st.classList.toggle('bad', Boolean(code));
  }
  render();
  return { el: h('div.ed-multi', box, st), refresh: render };
}

function checkEditor(ctx) {
  const b = h('button.choice.check-big', { type: 'button', dataset: { action: 'toggle-check' }, disabled: ctx.readonly });
  const render = () => { const on = ctx.get() === '1'; b.setAttribute('aria-pressed', String(on)); b.textContent = on ? '✓' : ''; };
  b.addEventListener('click', () => { ctx.set(ctx.get() === '1' ? '' : '1'); render(); });
  render();
  return { el: h('div.ed-check', b), refresh: render, focus: () => b.focus() };
}

function masterEditor(ctx) {
  const c = ctx.c;
  const q = h('input.big-input', { type: 'search', dataset: { input: ctx.key }, placeholder: t('master.search'), 'aria-label': `${c.name}: ${t('master.search')}`, disabled: ctx.readonly, autocomplete: 'off' });
  const results = h('div.records', { role: 'listbox', 'aria-label': c.name });
  const st = statusLine();
  const fills = (c.fill || []).map((f) => ({ ...f, key: `${c.sheet}/${f.cluster}`, name: ctx.cluster(`${c.sheet}/${f.cluster}`)?.name || f.cluster }));
  let master = null, seq = 0;
  async function search() {
    const mine = ++seq;
    master = master || await ctx.records.masterByName(c.master);
    if (mine !== seq) return;
    if (!master) { fill(results, h('p.notice.warn', t('master.no_data', { name: c.master }))); return; }
    const res = await ctx.records.searchRecords(master.id, q.value);
    if (mine !== seq) return;
    const v = ctx.get();
    const fields = (master.fields || []).map((f) => f.name).filter((n) => n !== master.fields[0]?.name).slice(0, 3);
    fill(results, res.records.map((rec) => h('button.record', {
      type: 'button', role: 'option', 'aria-selected': String(rec.key === v), dataset: { record: rec.key }, disabled: ctx.readonly,
      on: { click: () => choose(rec) },
    }, h('strong', rec.key), fields.map((f) => h('span', rec.data?.[f] ?? '')))));
    fill(st, t('master.count', { n: res.records.length, total: res.total }), fills.length ? ` · ${t('master.fills', { list: fills.map((f) => f.name).join('、') })}` : '');
  }
  function choose(rec) {
    const pairs = [[ctx.key, rec.key]];
    if (c.type === 'MasterSelect') for (const f of fills) pairs.push([f.key, rec.data?.[f.field] ?? '']);
    ctx.setMany(pairs);
    search();
  }
  q.addEventListener('input', search);
  search();
  const cur = h('p.current-value');
  const refresh = () => { fill(cur, ctx.get() ? h('strong', ctx.get()) : ''); search(); };
  refresh();
  return { el: h('div.ed-master', cur, q, st, results, h('div.row', clearButton(ctx, refresh))), focus: () => q.focus(), refresh };
}

// ---------------------------------------------------------------- the device's sensors

function gpsEditor(ctx) {
  const c = ctx.c;
  const field = h('input.big-input', { type: 'text', inputmode: 'decimal', dataset: { input: ctx.key }, placeholder: t('gps.manual'), 'aria-label': c.name, disabled: ctx.readonly, autocomplete: 'off' });
  field.value = ctx.get();
  const st = statusLine();
  const btn = h('button.primary', { type: 'button', dataset: { action: 'locate' }, disabled: ctx.readonly || !navigator.geolocation }, '⌖ ', t('gps.get'));
  const refresh = () => {
    const code = field.value ? check(c, field.value, {}).code : null;
    if (code) fill(st, h('span.err', problemText(c, code)));
    st.classList.toggle('bad', Boolean(code));
  };
  btn.addEventListener('click', () => {
    fill(st, t('gps.getting'));
    navigator.geolocation.getCurrentPosition((pos) => {
      const { latitude, longitude, altitude, accuracy } = pos.coords;
      const parts = [latitude.toFixed(6), longitude.toFixed(6)];
      if (altitude !== null && altitude !== undefined) parts.push(altitude.toFixed(1));
      const v = check(c, parts.join(','), {}).value || parts.slice(0, 2).join(',');
      field.value = v;
      ctx.set(v);
      fill(st, t('gps.accuracy', { m: Math.round(accuracy) }));
    }, (err) => {
      fill(st, h('span.err', err.code === 1 ? t('gps.denied') : t('gps.failed')));
    }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 10000 });
  });
  field.addEventListener('input', () => { ctx.set(field.value.replace(/\s+/g, '')); refresh(); });
  return { el: h('div.ed-gps', h('div.row', btn), field, st), refresh: () => { if (document.activeElement !== field) field.value = ctx.get(); refresh(); } };
}

function codeEditor(ctx) {
  const c = ctx.c;
  const field = h('input.big-input', { type: 'text', dataset: { input: ctx.key }, 'aria-label': c.name, placeholder: t('code.type'), disabled: ctx.readonly, autocomplete: 'off', spellcheck: 'false' });
  field.value = ctx.get();
  const st = statusLine();
  const video = h('video.scan', { muted: true, playsinline: true, hidden: true });
  const supported = 'BarcodeDetector' in window;
  let stream = null, timer = null;
  const stop = () => {
    clearTimeout(timer);
    stream?.getTracks().forEach((tr) => tr.stop());
    stream = null;
    video.hidden = true;
  };
  const take = (text) => { field.value = text; ctx.set(text); stop(); refresh(); };
  const refresh = () => {
    const code = field.value ? check(c, field.value, {}).code : null;
    fill(st, code ? h('span.err', problemText(c, code)) : supported ? '' : t('code.unsupported'));
    st.classList.toggle('bad', Boolean(code));
  };
  async function scan() {
    try {
      const detector = new window.BarcodeDetector();
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const loop = async () => {
        if (!stream) return;
        const found = await detector.detect(video).catch(() => []);
        if (found.length) take(found[0].rawValue);
        else timer = setTimeout(loop, 250);
      };
      loop();
    } catch {
      stop();
      fill(st, h('span.err', t('code.unsupported')));
    }
  }
  const photo = h('input', { type: 'file', accept: 'image/*', capture: 'environment', hidden: true });
  photo.addEventListener('change', async () => {
    const f = photo.files[0];
    photo.value = '';
    if (!f) return;
    try {
      const found = await new window.BarcodeDetector().detect(await createImageBitmap(f));
      if (found.length) take(found[0].rawValue); else fill(st, h('span.err', t('code.none_found')));
    } catch { fill(st, h('span.err', t('code.none_found'))); }
  });
  field.addEventListener('input', () => { ctx.set(field.value); refresh(); });
  field.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); ctx.next(); } });
  refresh();
  const buttons = supported ? h('div.row',
    h('button.primary', { type: 'button', dataset: { action: 'scan' }, disabled: ctx.readonly, on: { click: scan } }, t('code.scan')),
    h('button', { type: 'button', disabled: ctx.readonly, on: { click: () => photo.click() } }, t('code.photo')),
    h('button', { type: 'button', on: { click: stop } }, t('code.stop'))) : null;
  return { el: h('div.ed-code', buttons, video, photo, field, st), focus: () => field.focus(), dispose: stop, refresh: () => { if (document.activeElement !== field) field.value = ctx.get(); refresh(); } };
}

// ---------------------------------------------------------------- images

function imageEditor(ctx) {
  const c = ctx.c;
  const st = statusLine();
  const preview = h('div.preview');
  const camera = h('input', { type: 'file', accept: 'image/*', capture: 'environment', hidden: true, dataset: { camera: ctx.key } });
  const file = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/*', hidden: true, dataset: { file: ctx.key } });
  async function take(input) {
    const f = input.files[0];
    input.value = '';
    if (!f) return;
    fill(st, t('image.working'));
    try {
      const img = await preparePhoto(f, c);
      await ctx.setFile(img);
      fill(st, t('image.resized', { w: img.width, h: img.height, kb: Math.round(img.size / 1024) }));
      render();
    } catch (e) {
      fill(st, h('span.err', t(e.message === 'too_big' ? 'image.too_big' : 'image.unreadable')));
    }
  }
  camera.addEventListener('change', () => take(camera));
  file.addEventListener('change', () => take(file));
  function render() {
    const url = ctx.fileUrl();
    fill(preview, url ? h('img', { src: url, alt: c.name }) : ctx.serverFile() ? h('p.help', t('report.server_image')) : null);
  }
  render();
  return {
    el: h('div.ed-image', preview, h('div.row',
      h('button.primary', { type: 'button', dataset: { action: 'camera' }, disabled: ctx.readonly, on: { click: () => camera.click() } }, '📷 ', t('image.camera')),
      h('button', { type: 'button', dataset: { action: 'choose-file' }, disabled: ctx.readonly, on: { click: () => file.click() } }, t('image.file'))), camera, file, st),
    refresh: render,
  };
}

function drawEditor(ctx) {
  const c = ctx.c;
  const sheet = ctx.def.sheets.find((s) => s.no === c.sheet);
  const aspect = ((c.rect.right - c.rect.left) * sheet.width) / Math.max(1, (c.rect.bottom - c.rect.top) * sheet.height);
  const pad = drawPad(aspect, { color: c.type === 'Handwriting' ? '#1b3a8a' : '#111' });
  const st = statusLine();
  let saving = null;
  const existing = ctx.fileUrl();
  if (existing) {
    fetch(existing).then((r) => r.blob()).then(createImageBitmap).then((bmp) => pad.load(bmp)).catch(() => {});
  }
  async function keep() {
    if (!pad.changed() || ctx.readonly) return;
    saving = (async () => {
      try {
        const img = await prepareDrawing(pad.toCanvas(), c);
        await ctx.setFile(img);
        fill(st, t('image.resized', { w: img.width, h: img.height, kb: Math.max(1, Math.round(img.size / 1024)) }));
      } catch {
        fill(st, h('span.err', t('image.too_big')));
      }
    })();
    await saving;
  }
  let debounce = null;
  pad.onChange = () => { clearTimeout(debounce); debounce = setTimeout(keep, 600); };
  const colors = c.type === 'FreeDraw' ? h('div.row.colors', { 'aria-label': t('draw.color') },
    ['#111111', '#c8272d', '#1b3a8a'].map((col) => h('button.swatch', { type: 'button', style: { background: col }, 'aria-label': col, on: { click: () => pad.setColor(col) } }))) : null;
  return {
    el: h('div.ed-draw', h('p.help', t('draw.help')), pad.el, h('div.row',
      h('button', { type: 'button', dataset: { action: 'undo' }, disabled: ctx.readonly, on: { click: () => pad.undo() } }, t('draw.undo')),
      h('button', { type: 'button', dataset: { action: 'erase' }, disabled: ctx.readonly, on: { click: () => pad.clear() } }, t('draw.clear')),
      colors,
      h('button.primary', { type: 'button', dataset: { action: 'keep-drawing' }, disabled: ctx.readonly, on: { click: () => { clearTimeout(debounce); keep(); } } }, t('draw.save'))), st),
    dispose: () => { clearTimeout(debounce); keep(); },
  };
}

// ---------------------------------------------------------------- what the user does not enter

function infoEditor(ctx) {
  const c = ctx.c;
  const v = ctx.shown();
  const parts = [];
  if (['Create', 'Inspect', 'Approve'].includes(c.type)) {
    const so = signoff(v);
    parts.push(h('p.big-value', so ? t('panel.signed', { name: so.name || so.user, t: formatTime(so.at, ctx.lang) }) : t('panel.unsigned')));
    if (so?.comment) parts.push(h('p', so.comment));
    if (!so) parts.push(h('p.help', c.type === 'Approve' ? t('panel.sign_on_approval', { n: c.stage }) : t('panel.sign_on_complete')));
  } else {
    parts.push(h('p.big-value', valueText(c, v, ctx.lang) || t('report.empty')));
    if (c.type === 'Calculate' || c.type === 'TimeCalculate') {
      parts.push(h('p.help', t('panel.calc')));
      if (c.formula) parts.push(h('p.help', `${t('panel.formula')}: `, h('code', c.formula)));
    } else parts.push(h('p.help', t('panel.server_fills')));
  }
  return { el: h('div.ed-info', parts) };
}

/** The editor for ctx.c's type. */
export function editorFor(ctx) {
  switch (ctx.c.type) {
    case 'KeyboardText': return textEditor(ctx);
    case 'CodeReader': return codeEditor(ctx);
    case 'Numeric': return numericEditor(ctx);
    case 'NumericSelect':
    case 'Toggle': return choiceEditor(ctx);
    case 'Select': return ctx.c.master ? masterEditor(ctx) : choiceEditor(ctx);
    case 'MasterSelect': return masterEditor(ctx);
    case 'MultipleChoice': return multiEditor(ctx);
    case 'Check': return checkEditor(ctx);
    case 'Date': return dateEditor(ctx);
    case 'Time': return timeEditor(ctx);
    case 'Gps': return gpsEditor(ctx);
    case 'Image': return imageEditor(ctx);
    case 'Handwriting':
    case 'FreeDraw': return drawEditor(ctx);
    default: return infoEditor(ctx);
  }
}
