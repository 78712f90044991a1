// The tablet app's service worker: it keeps a copy of every file of the app
// (FILES, stamped with VERSION by tools/app/update.mjs) so the app opens
// with no network at all after its first visit. It never touches the API:
// reports, definitions and the outbox live in IndexedDB and the app itself
// decides what to send (js/outbox.js).
//
// Updates: a new version installs beside the running one and waits; the
// page offers to switch ("skip-waiting" message) and reloads when this
// worker takes over. Caches are per scope (one per tenant), so a new
// version for one tenant never removes another tenant's offline copy.

const VERSION = 'd40586688721da82';
const FILES = [
  './',
  'app.css',
  'icons/icon-192.png',
  'icons/icon-512.png',
  'icons/icon-maskable-512.png',
  'icons/icon.svg',
  'index.html',
  'js/api.js',
  'js/catalog.js',
  'js/compute.js',
  'js/dates.js',
  'js/db.js',
  'js/decimal.js',
  'js/dom.js',
  'js/drawpad.js',
  'js/env.js',
  'js/formula.js',
  'js/i18n.js',
  'js/images.js',
  'js/main.js',
  'js/outbox.js',
  'js/refresh.js',
  'js/reports.js',
  'js/rules.js',
  'js/session.js',
  'js/ui/badges.js',
  'js/ui/editors.js',
  'js/ui/home.js',
  'js/ui/panel.js',
  'js/ui/report.js',
  'js/ui/sheet.js',
  'js/ui/shell.js',
  'js/ui/signin.js',
  'js/ui/text.js',
  'js/ui/update.js',
  'js/uuid.js',
  'manifest.webmanifest',
  'vendor/idb.js',
];

const PREFIX = `genba-app|${self.registration.scope}|`;
const CACHE = PREFIX + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // cache: 'reload' so that the HTTP cache never hands an old file to a new version
    await cache.addAll(FILES.map((f) => new Request(new URL(f, self.registration.scope), { cache: 'reload' })));
    // the first install has nothing to wait for
    if (!self.registration.active) await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys())
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
  else if (event.data === 'version' && event.source) event.source.postMessage({ version: VERSION });
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;   // the API, the console
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // every page of the app is the one page (the app routes with #)
    const hit = req.mode === 'navigate' ? await cache.match(scope.href) : await cache.match(req, { ignoreSearch: true });
    if (hit) return hit;
    return fetch(req);
  })());
});
