// The exports page (templates/manager/exports.cs): while an export is
// queued or running, ask the server every second how far each one is and
// move its progress bar, count and estimated time left; show the download
// link when it is done.  No inline scripts (CSP): this file only.
'use strict';
(function () {
  const table = document.getElementById('exports');
  const msg = document.getElementById('ex-msg');
  if (!table || !msg) return;
  const busy = () => [...table.querySelectorAll('tbody tr')].some((tr) => ['queued', 'running'].includes(tr.dataset.status));
  function show(tr, x) {
    tr.dataset.status = x.status;
    const bar = tr.querySelector('.ex-bar');
    if (bar) { bar.value = x.percent; bar.textContent = `${x.percent}%`; }
    const count = tr.querySelector('.ex-count');
    if (count) count.textContent = x.total === null ? String(x.done) : `${x.done} / ${x.total}`;
    const eta = tr.querySelector('.ex-eta');
    if (eta) eta.textContent = x.eta_seconds ? `${msg.dataset.eta} ${x.eta_seconds}${msg.dataset.seconds}` : '';
    const st = tr.querySelector('.ex-status');
    if (st) { st.className = `badge ex-status ex-${x.status}`; st.textContent = msg.getAttribute(`data-st-${x.status}`) || x.status; }
    const dl = tr.querySelector('.ex-download');
    if (dl) dl.hidden = x.status !== 'done';
    if (['failed', 'cancelled'].includes(x.status)) {
      const c = tr.querySelector('.ex-cancel');
      if (c) c.remove();
    }
  }
  async function tick() {
    if (!busy()) return;
    try {
      const r = await fetch(table.dataset.status, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (r.ok) {
        const o = await r.json();
        for (const x of o.exports) {
          const tr = document.getElementById(`export-${x.id}`);
          if (tr) show(tr, x);
        }
      }
    } catch (e) { /* try again */ }
    setTimeout(tick, 1000);
  }
  setTimeout(tick, 500);
}());
