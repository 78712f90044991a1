// A ConMas API client as an outside integration writes one: plain HTTPS
// POSTs of forms (or multipart), the ASP.NET_SessionId cookie kept by hand,
// XML answers parsed into a small tree.  Used by 40-conmas-flow and
// 41-conmas-errors.
import assert from 'node:assert/strict';
import { request, freshAddr } from './lib.mjs';

export const URL_PATH = (t) => `/${t}/ConMasAPI/Rests/APIExecute.aspx`;

// ---- XML: elements, attributes, text, entities, comments -----------------
const ENT = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const decode = (s) => s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) =>
  e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENT[e] ?? m);

// Parse into {name, children: [], text}; throws on anything not well-formed.
export function parseXml(src) {
  let s = src.replace(/^\uFEFF/, '').replace(/^<\?xml[^?]*\?>\s*/, '');
  const root = { name: '#doc', children: [], text: '' };
  const stack = [root];
  const re = /<\/([A-Za-z_][\w.-]*)\s*>|<([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<!--[\s\S]*?-->|([^<]+)/gy;
  let m;
  while (re.lastIndex < s.length) {
    const at = re.lastIndex;
    m = re.exec(s);
    if (!m) throw new Error(`not XML near: ${s.slice(at, at + 40)}`);
    if (m[1]) {
      const top = stack.pop();
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}>`);
    } else if (m[2]) {
      const attrs = Object.fromEntries([...m[3].matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((a) => [a[1], decode(a[2] ?? a[3])]));
      const el = { name: m[2], attrs, children: [], text: '' };
      stack[stack.length - 1].children.push(el);
      if (!m[4]) stack.push(el);
    } else if (m[5] !== undefined) {
      stack[stack.length - 1].text += decode(m[5]);
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].name}> is not closed`);
  const roots = root.children;
  if (roots.length !== 1) throw new Error('not one root element');
  return roots[0];
}
// The first descendant named by a path ("error/code"), or undefined.
export function find(el, p) {
  let cur = el;
  for (const n of p.split('/')) {
    cur = cur?.children.find((c) => c.name === n);
    if (!cur) return undefined;
  }
  return cur;
}
export const text = (el, p) => find(el, p)?.text.trim();
export const all = (el, p) => {
  const parts = p.split('/');
  const last = parts.pop();
  const parent = parts.length ? find(el, parts.join('/')) : el;
  return parent ? parent.children.filter((c) => c.name === last) : [];
};
// An element's children as {name: text} (the last one wins).
export const fields = (el) => Object.fromEntries(el.children.map((c) => [c.name, c.text]));

// ---- calls -----------------------------------------------------------------
// One call: fields as a form (or multipart when files are given); the
// session cookie when given.  Answers {status, headers, text, xml, body}.
export async function call(t, fields, { cookie, files, localAddress = freshAddr(), query = '', headers = {}, raw } = {}) {
  const h = { ...headers };
  let body;
  if (raw !== undefined) {
    body = raw;
  } else if (files) {
    const boundary = `----conmas${Math.random().toString(16).slice(2)}`;
    const parts = [];
    for (const [k, v] of Object.entries(fields))
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    for (const f of files)
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.data, Buffer.from('\r\n'));
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    body = Buffer.concat(parts);
    h['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
  } else {
    body = new URLSearchParams(fields).toString();
    h['Content-Type'] ??= 'application/x-www-form-urlencoded';
  }
  if (cookie) h.Cookie = `ASP.NET_SessionId=${cookie}`;
  const r = await request('POST', URL_PATH(t) + query, { headers: h, body, localAddress });
  if ((r.headers['content-type'] || '').startsWith('text/xml')) r.xml = parseXml(r.text);
  return r;
}

export async function login(t, user, password, opts = {}) {
  const r = await call(t, { command: 'Login', user, password }, opts);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.xml.name, 'conmas');
  const code = Number(text(r.xml, 'loginResult/code'));
  const sc = [].concat(r.headers['set-cookie'] || []).find((c) => c.startsWith('ASP.NET_SessionId='));
  return { r, code, remark: text(r.xml, 'loginResult/remark'), cookie: sc ? sc.split(';')[0].split('=')[1] : null, setCookie: sc };
}

// An application error: HTTP 200 (unless status says otherwise), <error><code>.
export function assertCmError(r, code, name, status = 200) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers['content-type'], /^text\/xml; charset=utf-8/);
  const x = r.xml ?? parseXml(r.text);
  assert.equal(x.name, 'conmas');
  assert.equal(text(x, 'error/code'), String(code), r.text);
  if (name) assert.equal(text(x, 'error/name'), name, r.text);
  assert.ok(text(x, 'error/message'), 'a message for people');
}
