// Images made on the device: photos are decoded (turned upright), scaled
// down to the cluster's limits (maxPixels, maxBytes; at most 2560 pixels a
// side when the form sets no pixel limit) and stored as JPEG; drawings are
// PNG. Every image gets the SHA-256 the server will report for it.

export const DEFAULT_MAX_SIDE = 2560;
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;   // the server's default attachments.max_bytes

export async function sha256(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function canvas(w, h) {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

function encode(c, type, quality) {
  if (c.convertToBlob) return c.convertToBlob({ type, quality });
  return new Promise((resolve) => c.toBlob(resolve, type, quality));
}

const limitOf = (v, dflt) => { const n = Number(v); return Number.isFinite(n) && n > 0 ? n : dflt; };

/**
 * A photo or picture file for cluster c, within its limits.
 * Resolves to { blob, type, width, height, size, sha256 } or throws an
 * Error whose message is 'unreadable' or 'too_big'.
 */
export async function preparePhoto(file, c) {
  let bmp;
  try {
    bmp = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new Error('unreadable');
  }
  const maxBytes = limitOf(c.maxBytes, DEFAULT_MAX_BYTES);
  const maxPixels = limitOf(c.maxPixels, Infinity);
  let scale = Math.min(1, DEFAULT_MAX_SIDE / Math.max(bmp.width, bmp.height), Math.sqrt(maxPixels / (bmp.width * bmp.height)));
  for (let attempt = 0; attempt < 12; attempt++) {
    const w = Math.max(1, Math.floor(bmp.width * scale)), h = Math.max(1, Math.floor(bmp.height * scale));
    const cv = canvas(w, h);
    const g = cv.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, w, h);
    g.drawImage(bmp, 0, 0, w, h);
    for (const q of [0.85, 0.72, 0.6]) {
      const blob = await encode(cv, 'image/jpeg', q);
      if (blob.size <= maxBytes) {
        bmp.close?.();
        return { blob, type: 'image/jpeg', width: w, height: h, size: blob.size, sha256: await sha256(blob) };
      }
    }
    scale *= 0.75;
    if (w < 64 || h < 64) break;
  }
  bmp.close?.();
  throw new Error('too_big');
}

/** A drawing (a canvas) as PNG within c's byte limit (scaled down if needed). */
export async function prepareDrawing(source, c) {
  const maxBytes = limitOf(c.maxBytes, DEFAULT_MAX_BYTES);
  let scale = 1;
  for (let attempt = 0; attempt < 8; attempt++) {
    const w = Math.max(1, Math.round(source.width * scale)), h = Math.max(1, Math.round(source.height * scale));
    const cv = canvas(w, h);
    cv.getContext('2d').drawImage(source, 0, 0, w, h);
    const blob = await encode(cv, 'image/png');
    if (blob.size <= maxBytes) return { blob, type: 'image/png', width: w, height: h, size: blob.size, sha256: await sha256(blob) };
    scale *= 0.7;
  }
  throw new Error('too_big');
}
