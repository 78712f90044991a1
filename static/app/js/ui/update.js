// The app's own updates: registers the service worker (sw.js) and, when a
// new version has installed, offers to switch to it.

import { h } from '../dom.js';
import { t } from '../i18n.js';

export function watchForUpdates() {
  if (!('serviceWorker' in navigator)) return;
  // reload only when the user chose to switch to a new version (the first install also
  // changes the controller, and must not reload a page being filled in)
  let switching = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!switching) return;
    switching = false;
    location.reload();
  });
  navigator.serviceWorker.register('sw.js', { updateViaCache: 'none' }).then((reg) => {
    const offer = (worker) => {
      if (!worker || !navigator.serviceWorker.controller || document.getElementById('update-offer')) return;
      document.body.append(h('div#update-offer.update', { role: 'status' },
        h('span', t('update.ready')),
        h('button.primary', { type: 'button', dataset: { action: 'update-app' }, on: { click: () => { switching = true; worker.postMessage('skip-waiting'); } } }, t('update.apply'))));
    };
    if (reg.waiting) offer(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const w = reg.installing;
      w?.addEventListener('statechange', () => { if (w.state === 'installed') offer(w); });
    });
    // look for a new version when the app comes back to the foreground
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') reg.update().catch(() => {}); });
  }).catch((e) => console.warn('service worker not registered', e));
}
