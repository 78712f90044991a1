// Building the page without markup strings: h('div.card', {attrs}, children)
// makes elements whose text is always text (never parsed as HTML).

/**
 * h('tag#id.class1.class2', props, ...children). props: attributes, except
 * `on` (event name -> handler), `dataset`, `style` (object), `hidden`,
 * `value`, `checked`, `disabled`, `selected`. Children: nodes, strings,
 * numbers, arrays, null/false (skipped).
 */
export function h(spec, props, ...children) {
  if (props === null || typeof props !== 'object' || props instanceof Node || Array.isArray(props)) {
    children.unshift(props);
    props = {};
  }
  const m = /^([a-z0-9-]+)?(?:#([\w-]+))?((?:\.[\w-]+)*)$/i.exec(spec);
  const tag = m[1] || 'div';
  const el = tag === 'svg' || props.svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  if (m[2]) el.id = m[2];
  if (m[3]) for (const c of m[3].split('.').filter(Boolean)) el.classList.add(c);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'svg') continue;
    if (k === 'on') for (const [ev, f] of Object.entries(v)) el.addEventListener(ev, f);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') Object.assign(el.style, v);
    else if (k === 'class') for (const c of String(v).split(' ').filter(Boolean)) el.classList.add(c);
    else if (['value', 'checked', 'disabled', 'selected', 'hidden', 'multiple'].includes(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** An SVG element with attributes. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs))
    if (v !== undefined && v !== null && v !== false) {
      if (k === 'class') el.setAttribute('class', v);
      else if (k === 'href') el.setAttribute('href', v);
      else el.setAttribute(k, String(v));
    }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces el's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A short-lived message at the bottom of the screen. */
export function toast(text, { kind = 'info', ms = 4000 } = {}) {
  let box = document.getElementById('toasts');
  if (!box) {
    box = h('div#toasts', { role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const el = h(`div.toast.${kind}`, text);
  box.replaceChildren(el);   // one message at a time: the newest
  setTimeout(() => el.remove(), ms);
}

/** A modal question; resolves true (confirmed) or false. */
export function confirmBox(text, { ok = 'OK', cancel = 'Cancel', danger = false } = {}) {
  return new Promise((resolve) => {
    const dlg = h('dialog.confirm',
      h('p', text),
      h('div.row.end',
        h('button', { type: 'button', on: { click: () => done(false) } }, cancel),
        h(`button.${danger ? 'danger' : 'primary'}`, { type: 'button', dataset: { action: 'confirm' }, on: { click: () => done(true) } }, ok)));
    const done = (v) => { dlg.close(); dlg.remove(); resolve(v); };
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    document.body.append(dlg);
    dlg.showModal();
  });
}
