// A drawing pad for Handwriting and FreeDraw clusters: strokes with a
// finger, pen or mouse (pointer events, pressure when the pen gives it),
// undo and erase; the result is a transparent PNG of the cluster's
// proportions, drawn over the sheet like ink on the paper form.

import { h } from './dom.js';

/**
 * A pad of the given aspect (width / height). Returns { el, isEmpty(),
 * clear(), undo(), setColor(), toCanvas(), onChange }.
 */
export function drawPad(aspect, { color = '#1b3a8a', width = 3, background = null } = {}) {
  const OUT_W = 900;                    // pixels of the stored image across
  const outH = Math.max(60, Math.round(OUT_W / aspect));
  const strokes = [];
  let current = null;
  let ink = color;
  const cv = h('canvas.pad', { width: OUT_W, height: outH, 'aria-label': 'drawing', dataset: { pad: '1' } });
  cv.style.aspectRatio = `${OUT_W} / ${outH}`;
  const wrap = h('div.pad-wrap', background ? h('img.pad-bg', { src: background, alt: '' }) : null, cv);
  const g = cv.getContext('2d');
  const api = { el: wrap, canvas: cv, onChange: null };

  function point(e) {
    const r = cv.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * OUT_W, y: ((e.clientY - r.top) / r.height) * outH, p: e.pressure > 0 ? e.pressure : 0.5 };
  }
  function drawStroke(s) {
    if (s.image) { g.drawImage(s.image, 0, 0, OUT_W, outH); return; }   // the stored drawing, under new strokes
    g.strokeStyle = s.color;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    if (s.points.length === 1) {
      const p = s.points[0];
      g.fillStyle = s.color;
      g.beginPath();
      g.arc(p.x, p.y, s.width, 0, Math.PI * 2);
      g.fill();
      return;
    }
    for (let i = 1; i < s.points.length; i++) {
      const a = s.points[i - 1], b = s.points[i];
      g.lineWidth = s.width * (0.6 + b.p * 0.8);
      g.beginPath();
      g.moveTo(a.x, a.y);
      g.lineTo(b.x, b.y);
      g.stroke();
    }
  }
  function redraw() {
    g.clearRect(0, 0, OUT_W, outH);
    for (const s of strokes) drawStroke(s);
  }
  const scaleWidth = () => width * (OUT_W / Math.max(200, cv.getBoundingClientRect().width));
  cv.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    cv.setPointerCapture(e.pointerId);
    current = { color: ink, width: scaleWidth(), points: [point(e)] };
    strokes.push(current);
    drawStroke(current);
  });
  cv.addEventListener('pointermove', (e) => {
    if (!current) return;
    e.preventDefault();
    for (const ev of e.getCoalescedEvents ? e.getCoalescedEvents() : [e]) current.points.push(point(ev));
    redraw();
  });
  const end = () => {
    if (!current) return;
    current = null;
    api.onChange?.();
  };
  cv.addEventListener('pointerup', end);
  cv.addEventListener('pointercancel', end);

  api.isEmpty = () => strokes.length === 0;
  api.changed = () => strokes.some((st) => !st.image);
  api.clear = () => { strokes.length = 0; redraw(); api.onChange?.(); };
  api.undo = () => { strokes.pop(); redraw(); api.onChange?.(); };
  api.setColor = (c) => { ink = c; };
  /** Starts from an existing image (a stored drawing), drawn under new strokes. */
  api.load = (bitmap) => {
    strokes.unshift({ image: bitmap });
    redraw();
  };
  api.toCanvas = () => cv;
  return api;
}
