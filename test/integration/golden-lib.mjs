// Golden-file comparison of PDF pages: pdftoppm (poppler-utils) renders a
// page to an 8-bit grey PNG, which is compared pixel by pixel with the
// reference stored in test/integration/golden/.  GENBA_GOLDEN_UPDATE=1
// writes the references instead (then look at them, and commit them).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { repo } from './lib.mjs';

export const goldenDir = path.join(repo, 'test/integration/golden');
export const DPI = 72;

// Run a poppler tool; throws with its stderr when it fails.
export function poppler(tool, args, input) {
  const r = spawnSync(tool, args, { input, maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${tool}: ${r.error.message} (install poppler-utils)`);
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// The text of a PDF (all pages, or first..last), as pdftotext reads it.
export function pdfText(pdf, { first, last, layout = false, raw = false } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'genba-pdf-'));
  try {
    const f = path.join(dir, 'r.pdf');
    writeFileSync(f, pdf);
    const args = ['-enc', 'UTF-8'];
    if (layout) args.push('-layout');
    if (raw) args.push('-raw');
    if (first) args.push('-f', String(first));
    if (last) args.push('-l', String(last));
    return poppler('pdftotext', [...args, f, '-']).toString('utf8');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

// pdfinfo's "Key: value" lines as an object.
export function pdfInfo(pdf) {
  const out = {};
  for (const line of poppler('pdfinfo', ['-'], pdf).toString('utf8').split('\n')) {
    const m = line.match(/^([^:]+):\s*(.*)$/);
    if (m) out[m[1].trim()] = m[2];
  }
  return out;
}

// pdffonts' table: [{name, type, emb, sub, uni}].
export function pdfFonts(pdf) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'genba-pdf-'));
  try {
    const f = path.join(dir, 'r.pdf');
    writeFileSync(f, pdf);
    const lines = poppler('pdffonts', [f]).toString('utf8').split('\n').slice(2).filter(Boolean);
    return lines.map((l) => {
      const cols = l.trim().split(/\s+/);
      // name type… encoding emb sub uni object ID: read from the right
      const n = cols.length;
      return { name: cols[0], emb: cols[n - 5], sub: cols[n - 4], uni: cols[n - 3], line: l };
    });
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

// Page n of a PDF as a grey PNG (bytes).
export function renderPage(pdf, n, dpi = DPI) {
  return poppler('pdftoppm', ['-f', String(n), '-l', String(n), '-r', String(dpi), '-gray', '-png', '-singlefile', '-'], pdf);
}

// Decode an 8-bit grey or RGB, non-interlaced PNG (what pdftoppm writes)
// into grey levels: {width, height, data}.
export function decodeGreyPng(png) {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let off = 8, width = 0, height = 0, bpp = 1;
  const idat = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off), type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      if (data[8] !== 8 || ![0, 2].includes(data[9]) || data[12] !== 0) throw new Error('not an 8-bit grey or RGB PNG');
      bpp = data[9] === 2 ? 3 : 1;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp, px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const i = y * stride + x;
      const a = x >= bpp ? px[i - bpp] : 0, b = y ? px[i - stride] : 0, c = x >= bpp && y ? px[i - stride - bpp] : 0;
      let v = row[x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) { const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c); v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      px[i] = v & 0xff;
    }
  }
  if (bpp === 1) return { width, height, data: px };
  const grey = Buffer.alloc(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round(0.299 * px[3 * i] + 0.587 * px[3 * i + 1] + 0.114 * px[3 * i + 2]);
  return { width, height, data: grey };
}

// How two grey images differ: the share of pixels that differ by more than
// 48 levels (of 255), their mean absolute difference, and where the
// differing pixels are (a bounding box), for the message.
export function difference(a, b) {
  if (a.width !== b.width || a.height !== b.height) return { sizeDiffers: true, pixels: Infinity, share: 1, mean: 255 };
  let n = 0, sum = 0, x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    sum += d;
    if (d > 48) {
      n++;
      const x = i % a.width, y = Math.floor(i / a.width);
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    }
  }
  return { share: n / a.data.length, mean: sum / a.data.length, pixels: n, box: n ? [x0, y0, x1, y1] : null };
}

// The tolerance: the same poppler, fonts and cairo (Debian 12's packages,
// test/install-deps) draw the same page to the pixel; a few edge pixels
// may move with another rasteriser build.  One digit changed in a value
// already differs by more (about 15 pixels at 72 dpi).
export const TOLERANCE = { pixels: 4, mean: 0.03 };
export const within = (d) => !d.sizeDiffers && d.pixels <= TOLERANCE.pixels && d.mean <= TOLERANCE.mean;

// Compare page n of pdf with the reference name (…/golden/<name>.png).
// Returns the difference; writes the rendering as <name>.actual.png under
// the OS temp dir when it is not within tolerance.  update: false for a
// comparison that must not become the reference in update mode.
export function compareWithGolden(pdf, n, name, { update = true } = {}) {
  const ref = path.join(goldenDir, `${name}.png`);
  const png = renderPage(pdf, n);
  if ((update && process.env.GENBA_GOLDEN_UPDATE === '1') || !existsSync(ref)) {
    if (process.env.GENBA_GOLDEN_UPDATE !== '1') throw new Error(`no reference ${ref}: run with GENBA_GOLDEN_UPDATE=1 once, look at it, commit it`);
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(ref, png);
  }
  const d = difference(decodeGreyPng(readFileSync(ref)), decodeGreyPng(png));
  if (!within(d)) {
    d.actual = path.join(os.tmpdir(), `${name}.actual.png`);
    writeFileSync(d.actual, png);
  }
  return d;
}
