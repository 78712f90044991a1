// The tablet app: starts the pieces and shows one view at a time
// (#/ = home, #/report/<id> = a report). No inline scripts: every script is
// a module of this folder (the Content-Security-Policy forbids the rest).

import { TENANT } from './env.js';
import { getLang, t, onLangChange } from './i18n.js';
import { h, fill } from './dom.js';
import * as session from './session.js';
import * as outbox from './outbox.js';
import { refreshCatalog } from './refresh.js';
import * as reports from './reports.js';
import { mountBar } from './ui/shell.js';
import { signInView, passwordView } from './ui/signin.js';
import { homeView } from './ui/home.js';
import { reportView } from './ui/report.js';
import { watchForUpdates } from './ui/update.js';

const view = document.getElementById('view');
let leave = null;   // cleanup of the current view (may be async: it saves)

async function show(render, ...args) {
  if (leave) {
    const l = leave;
    leave = null;
    await l();
  }
  fill(view);
  view.className = '';
  leave = (await render(view, ...args)) || null;
}

async function route() {
  if (!session.current()) return show(signInView, { onSignedIn: signedIn });
  if (session.mustChange()) return show(passwordView, { onDone: route });
  const m = /^#\/report\/([0-9a-f-]{36})$/.exec(location.hash);
  if (m) return show(reportView, m[1]);
  return show(homeView);
}

async function signedIn() {
  location.hash = '#/';
  await route();
  refreshCatalog();
  outbox.kick(0);
}

async function boot() {
  document.documentElement.lang = getLang();
  document.title = `genba ${t('app.tagline')}`;
  if (!TENANT) {
    fill(view, h('section.card.narrow', h('h1', 'genba'), h('p', t('signin.no_tenant'))));
    return;
  }
  watchForUpdates();
  await session.load();
  mountBar(document.getElementById('bar'));
  outbox.start();
  addEventListener('hashchange', route);
  onLangChange(() => { document.title = `genba ${t('app.tagline')}`; route(); });
  // the session ended (401, sign-out): to the sign-in form, unless a report is open (it is kept, and
  // leaving it leads there)
  session.onSessionChange(() => {
    if (!session.current() && !view.querySelector('form.signin') && !location.hash.startsWith('#/report/')) route();
  });
  addEventListener('genba:route', () => route());
  await route();
  // images nothing refers to any more (replaced before they were sent) go, once the app is up
  setTimeout(() => reports.collectBlobs().catch((e) => console.warn('cleaning images', e)), 5000);
  const online = () => {
    if (!session.current() || !navigator.onLine) return;
    session.refreshMe().catch(() => {});
    refreshCatalog();
  };
  online();
  addEventListener('online', online);
}

boot().catch((e) => {
  console.error(e);
  fill(view, h('section.card.narrow', h('h1', 'genba'), h('p.error', String(e?.message || e))));
});
