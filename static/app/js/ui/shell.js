// The bar at the top of every screen: the tenant, whether the device is
// online, the outbox (its count in [data-outbox], digits only) with the
// sync button, the language switch and the user's menu.

import { h, fill, toast, confirmBox } from '../dom.js';
import { t, getLang, setLang, onLangChange } from '../i18n.js';
import { TENANT } from '../env.js';
import * as session from '../session.js';
import * as outbox from '../outbox.js';
import { refreshCatalog } from '../refresh.js';

export function mountBar(bar) {
  let st = { phase: 'idle', count: 0, blocked: 0 };
  const count = h('span.count', { dataset: { outbox: '' }, 'aria-label': t('sync.waiting') }, '0');
  const syncLabel = h('span.sync-label', t('sync.button'));
  const syncBtn = h('button.sync', { type: 'button', dataset: { action: 'sync' } }, syncLabel, count);
  const statusText = h('span.sync-status', { role: 'status', 'aria-live': 'polite' });
  // signed out with changes waiting: the status is the way back to the sign-in form
  statusText.addEventListener('click', () => {
    if (session.current()) return;
    if (location.hash !== '#/') location.hash = '#/'; else dispatchEvent(new Event('genba:route'));
  });
  const net = h('span.net');
  const lang = h('button.lang', { type: 'button' });
  const who = h('button.who', { type: 'button', 'aria-haspopup': 'true' });
  const menu = h('div.menu', { hidden: true });
  let tick = null;

  syncBtn.addEventListener('click', async () => {
    if (!navigator.onLine) { toast(t('sync.offline')); return; }
    await outbox.run();
    refreshCatalog();
  });
  lang.addEventListener('click', () => setLang(getLang() === 'ja' ? 'en' : 'ja'));
  who.addEventListener('click', () => { menu.hidden = !menu.hidden; });
  document.addEventListener('click', (e) => { if (!menu.hidden && !menu.contains(e.target) && e.target !== who) menu.hidden = true; });

  async function signOut() {
    menu.hidden = true;
    const ok = await confirmBox(st.count ? t('home.signout_pending', { n: st.count }) : t('home.signout_confirm'),
      { ok: t('home.signout'), cancel: t('common.cancel') });
    if (ok) await session.signOut();
  }

  function render() {
    const u = session.current()?.user;
    count.textContent = String(st.count);
    syncLabel.textContent = t('sync.button');
    count.setAttribute('aria-label', t('sync.waiting'));
    syncBtn.classList.toggle('has', st.count > 0);
    syncBtn.title = `${t('sync.waiting')}: ${st.count}`;
    const online = navigator.onLine;
    fill(net, h('span.dot', { 'aria-hidden': 'true' }), online ? t('net.online') : t('net.offline'));
    net.className = `net ${online ? 'on' : 'off'}`;
    let text = '';
    if (st.phase === 'sending') text = t('sync.sending');
    else if (st.phase === 'signed_out' && st.count) text = t('sync.signed_out');
    else if (st.phase === 'quota') text = t('sync.quota');
    else if (!online && st.count) text = t('sync.offline');
    else if (st.phase === 'retry' && st.retryAt && st.count) text = t('sync.retry', { s: Math.max(1, Math.ceil((st.retryAt - Date.now()) / 1000)) });
    else if (st.blocked) text = t('sync.blocked', { n: st.blocked });
    else if (!st.count && u && online && st.lastSync) text = t('sync.all_sent');
    statusText.textContent = text;
    statusText.className = `sync-status ${st.blocked || st.phase === 'quota' || (st.phase === 'signed_out' && st.count) ? 'warn' : ''}`;
    statusText.classList.toggle('link', !session.current() && Boolean(u || session.user()));
    lang.textContent = t('lang.other');
    lang.setAttribute('aria-label', t('lang.other_label'));
    lang.lang = getLang() === 'ja' ? 'en' : 'ja';
    who.hidden = !u;
    if (u) {
      who.textContent = u.name || u.login;
      fill(menu, h('p.menu-user', t('home.user', { name: u.name || u.login }), h('br'), h('small', `${u.login} @ ${TENANT}`)),
        h('button.danger', { type: 'button', dataset: { action: 'sign-out' }, on: { click: signOut } }, t('home.signout')));
    }
  }

  fill(bar,
    h('a.brand', { href: '#/' }, h('span.logo', { 'aria-hidden': 'true' }, '現'), 'genba', h('span.tenant', TENANT)),
    h('span.grow'), net, statusText, syncBtn, lang, h('span.who-wrap', who, menu));
  outbox.onStatus((s) => {
    st = s;
    render();
    clearInterval(tick);
    if (s.phase === 'retry') tick = setInterval(render, 1000);
  });
  addEventListener('online', render);
  addEventListener('offline', render);
  onLangChange(render);
  session.onSessionChange(render);
  render();
}
