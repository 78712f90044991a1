// Signing in as this device, waiting for the device's approval, and the
// password change some accounts must make first.

import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { TENANT } from '../env.js';
import { NetworkError } from '../api.js';
import { db } from '../db.js';
import * as session from '../session.js';

const POLL_SECONDS = 20;   // a whole site of new tablets stays under the sign-in rate limit

function field(label, input, help) {
  return h('label.field', h('span.label', label), input, help ? h('small.help', help) : null);
}

function errorMessage(res) {
  switch (res.error) {
    case 'invalid_credentials': return t('signin.wrong');
    case 'too_many_attempts':
    case 'too_many_requests': return t('signin.throttled', { s: res.retry || 60 });
    case 'device_revoked': return t('signin.revoked');
    default: return t('signin.failed', { code: res.error });
  }
}

async function unsentOf(login) {
  if (!login) return 0;
  return (await (await db()).getAll('outbox')).filter((o) => o.user === login).length;
}

export async function signInView(view, { onSignedIn }) {
  const dev = await session.device();
  const kept = await session.pendingState();
  let timer = null;
  let password = null;   // in memory only, while this page is open: to ask again for the approval

  const login = h('input#login', { name: 'login', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true });
  const pw = h('input#password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const devName = h('input#device-name', { name: 'device', value: kept?.name || dev.name, maxlength: 100 });
  const msg = h('p.error', { role: 'alert', hidden: true });
  const button = h('button.primary.big', { type: 'submit', dataset: { action: 'sign-in' } }, t('signin.button'));
  login.value = kept?.login || session.lastLogin();
  const last = session.lastLogin();
  const unsent = await unsentOf(last);
  const expired = session.ended();

  const form = h('form.signin.card.narrow', { novalidate: true },
    h('h1', t('signin.title')),
    h('p.tenant-line', `${t('signin.tenant')}: `, h('strong', TENANT)),
    expired ? h('p.notice.info', t('signin.expired')) : null,
    unsent ? h('p.notice.warn', t('signin.same_user', { login: last })) : null,
    field(t('signin.login'), login),
    field(t('signin.password'), pw),
    field(t('signin.device_name'), devName, t('signin.device_help')),
    msg, button);

  const say = (text) => { msg.textContent = text; msg.hidden = !text; };

  async function attempt(l, p, name) {
    try {
      return await session.signIn(l, p, name);
    } catch (e) {
      if (e instanceof NetworkError) return { error: 'offline' };
      throw e;
    }
  }

  function pendingScreen(l, device, { askPassword = false } = {}) {
    clearTimeout(timer);
    const status = h('p.help', { role: 'status' });
    const again = h('button', { type: 'button', dataset: { action: 'check-approval' } }, t('pending.check_now'));
    const other = h('button.link', { type: 'button', on: { click: async () => { clearTimeout(timer); password = null; await session.clearPending(); fill(view, form); } } }, t('pending.other'));
    const pw2 = h('input#password', { name: 'password', type: 'password', autocomplete: 'current-password' });
    const box = h('section.card.narrow.pending', { dataset: { state: 'device-pending' } },
      h('h1', t('pending.title')),
      h('p', t('pending.text')),
      h('p.ask', t('pending.ask', { name: device.name })),
      h('dl.facts', h('dt', t('pending.user')), h('dd', l), h('dt', t('signin.device_name')), h('dd', device.name),
        h('dt', t('pending.id')), h('dd', h('code', device.id))),
      askPassword ? field(t('pending.reenter'), pw2) : null,
      status, h('div.row', again, other));
    async function check() {
      clearTimeout(timer);
      const p = password || pw2.value;
      if (!p) { pw2.focus(); return; }
      password = p;
      status.textContent = t('pending.checking', { s: POLL_SECONDS });
      const res = await attempt(l, p, device.name);
      if (res.ok) { password = null; onSignedIn(); return; }
      if (res.pending || res.error === 'offline' || res.error === 'too_many_requests') {
        if (res.error === 'offline') status.textContent = t('signin.offline');
        timer = setTimeout(check, POLL_SECONDS * 1000);
        return;
      }
      password = null;
      fill(view, form);
      say(errorMessage(res));
    }
    again.addEventListener('click', check);
    fill(view, box);
    if (password) {
      status.textContent = t('pending.checking', { s: POLL_SECONDS });
      timer = setTimeout(check, POLL_SECONDS * 1000);
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    say('');
    if (!login.value.trim() || !pw.value) { (login.value.trim() ? pw : login).focus(); return; }
    button.disabled = true;
    const res = await attempt(login.value.trim(), pw.value, devName.value);
    button.disabled = false;
    if (res.ok) { onSignedIn(); return; }
    if (res.pending) {
      password = pw.value;
      pw.value = '';
      pendingScreen(login.value.trim(), res.device);
      return;
    }
    say(res.error === 'offline' ? t('signin.offline') : errorMessage(res));
  });

  if (kept?.login) pendingScreen(kept.login, { id: kept.device || dev.id, name: kept.name || dev.name }, { askPassword: true });
  else {
    fill(view, form);
    (login.value ? pw : login).focus();
  }
  return () => { clearTimeout(timer); password = null; };
}

export async function passwordView(view, { onDone }) {
  const cur = h('input', { name: 'current', type: 'password', autocomplete: 'current-password' });
  const nw = h('input', { name: 'new', type: 'password', autocomplete: 'new-password' });
  const msg = h('p.error', { role: 'alert', hidden: true });
  const form = h('form.card.narrow', { novalidate: true },
    h('h1', t('password.title')), h('p', t('password.text')),
    field(t('password.current'), cur), field(t('password.new'), nw), msg,
    h('button.primary.big', { type: 'submit', dataset: { action: 'change-password' } }, t('password.button')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let code;
    try { code = await session.changePassword(cur.value, nw.value); } catch (err) { code = err instanceof NetworkError ? 'offline' : String(err); }
    if (!code) { onDone(); return; }
    msg.textContent = code === 'offline' ? t('signin.offline') : t('signin.failed', { code });
    msg.hidden = false;
  });
  fill(view, form);
}
