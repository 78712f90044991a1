// A user's seal (stamp) image: uploaded in the console's user form
// (multipart), checked by its magic bytes and size, stored sealed with the
// tenant's data key, and served back only to the tenant's console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import {
  ensureTenant, adminToken, api, consoleCookie, consoleGet, csrfOf, request, sql, tenantDb, masterKey, openSealed, wrapped,
} from './lib.mjs';

const T = 'seal-a';
const ADMIN_PW = 'Seal-admin-password-9';

// A real 2x2 PNG made here (signature, IHDR, IDAT, IEND with CRCs).
function png() {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(2, 0); ihdr.writeUInt32BE(2, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.from([0, 255, 0, 0, 255, 0, 0, 0, 0, 0, 255, 0, 0, 255]);
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function multipart(fields, file) {
  const boundary = `----genba${Date.now()}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file)
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="seal"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`),
      file.data, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

test('a seal image is checked, stored encrypted and served back', async () => {
  const first = ensureTenant(T);
  const token = await adminToken(T, first, ADMIN_PW);
  const u = await api(T, 'POST', '/users', { token, body: { login: 'stamp.user', name: '判子 太郎', password: 'Hanko-user-2026' } });
  assert.equal(u.status, 201, u.text);
  const id = u.json.id;
  const cookie = await consoleCookie(T, 'admin', ADMIN_PW);
  const page = await consoleGet(T, `/users/${id}`, cookie);
  assert.equal(page.status, 200);
  const csrf = csrfOf(page.text);
  const fields = { _csrf: csrf, name: '判子 太郎', email: '', lang: '', valid_from: '', valid_until: '', enabled: '1' };
  const post = (file) => {
    const m = multipart(fields, file);
    return request('POST', `/${T}/manager/users/${id}`, { headers: { Cookie: cookie, 'Content-Type': m.type }, body: m.body });
  };

  // a GIF, and a text file calling itself PNG, are refused; nothing stored
  let r = await post({ name: 'seal.gif', type: 'image/gif', data: Buffer.from('GIF89a\x02\x00\x02\x00', 'latin1') });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.match(r.text, /Only PNG and JPEG images are accepted/);
  r = await post({ name: 'seal.png', type: 'image/png', data: Buffer.from('<svg onload=alert(1)>') });
  assert.equal(r.status, 422);
  // too large (over 512 KiB), with a PNG signature
  r = await post({ name: 'big.png', type: 'image/png', data: Buffer.concat([png(), Buffer.alloc(600 * 1024)]) });
  assert.equal(r.status, 422);
  assert.match(r.text, /The image is too large/);
  assert.equal(sql(`SELECT seal_image IS NULL FROM ${tenantDb(T)}.users WHERE id = ${id}`).stdout, '1');

  const img = png();
  r = await post({ name: 'seal.png', type: 'image/png', data: img });
  assert.equal(r.status, 303, r.text.slice(0, 300));

  // stored sealed (AES-256-GCM) with the tenant's data key, bound to the user
  const hex = sql(`SELECT HEX(seal_image) FROM ${tenantDb(T)}.users WHERE id = ${id}`).stdout;
  const blob = Buffer.from(hex, 'hex');
  assert.ok(!blob.includes(img.subarray(0, 16)), 'the image is not stored in the clear');
  const dataKey = openSealed(masterKey(), `genba/master|${T}|datakey`, wrapped(T, 'data_key_wrapped'));
  assert.deepEqual(openSealed(dataKey, `genba/data|${T}|seal|${id}`, blob), img);
  assert.throws(() => openSealed(dataKey, `genba/data|${T}|seal|${id + 1}`, blob));

  // served back as the same bytes, sandboxed
  const back = await request('GET', `/${T}/manager/users/${id}/seal`, { headers: { Cookie: cookie } });
  assert.equal(back.status, 200);
  assert.equal(back.headers['content-type'], 'image/png');
  assert.match(back.headers['content-security-policy'], /sandbox/);
  assert.equal(back.headers['x-content-type-options'], 'nosniff');
  assert.equal(Number(back.headers['content-length']), img.length);
  assert.ok(back.text.startsWith('\ufffdPNG'), 'PNG bytes');
  // no session: the sign-in page, not the image
  const anon = await request('GET', `/${T}/manager/users/${id}/seal`);
  assert.equal(anon.status, 303);
});
