// Password guessing is slowed down and then refused with 429, per login id
// and address, without locking the real user out: from another address the
// right password works at once, and from the attacker's own address once
// the lock is over (login_lock_max = 3 s, login_account_lock_max = 2 s in
// the test configuration).  Each test uses its own source addresses
// (127.0.5.x-127.0.7.x) so that nothing else counts against them.  Guesses
// are paced (PACE ms apart, 40 a second) to stay below the per-address rate
// nginx applies in front of the sign-in routes in the test stack: the
// application's own throttle is under test here, and its answers carry a
// request id and (in the API) the code too_many_attempts, nginx's do not.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, signIn, adminToken, ensureTenant, consoleLogin, sleep } from './lib.mjs';

const T = 'thr-a';
const LOCK_MAX = 3, ACCOUNT_LOCK_MAX = 2, PACE = 25;
let admin, apiGroup;

async function user(login, password, groups = [apiGroup]) {
  const r = await api(T, 'POST', '/users', { token: admin, body: { login, name: login, password, groups } });
  assert.equal(r.status, 201, r.text);
}
function retryAfter(r, max = LOCK_MAX) {
  const v = r.headers['retry-after'];
  assert.match(v || '', /^\d+$/, `Retry-After on a 429: ${JSON.stringify(r.headers)}`);
  const s = Number(v);
  assert.ok(s >= 1 && s <= max, `Retry-After ${s} not in 1..${max}`);
  return s;
}
// An API 429 from the throttle: its JSON code and a bounded Retry-After.
function assertThrottled(r, max = LOCK_MAX) {
  assert.equal(r.status, 429, r.text);
  assert.equal(r.json?.error?.code, 'too_many_attempts', `a 429 without code too_many_attempts (is it nginx's per-address limit?): ${r.text.slice(0, 200)}`);
  return retryAfter(r, max);
}
// A persistent attacker: keeps guessing, waiting out each lock as announced,
// until `n` more guesses were checked (401).  Returns the waits imposed.
async function persist(guess, n, check) {
  const waits = [];
  for (let checked = 0; checked < n;) {
    const r = await guess();
    if (r.status === 429) {
      const s = check(r);
      waits.push(s);
      await sleep(s * 1000 + 100);
    } else {
      assert.equal(r.status, 401, r.text.slice(0, 200));
      checked++;
    }
  }
  return waits;
}
// Sign in with the right password from `addr`, waiting out a lock once.
async function rightAfterLock(attempt, check, okStatus, max) {
  const t0 = Date.now();
  let r = await attempt();
  if (r.status === 429) {
    await sleep(check(r) * 1000 + 100);
    r = await attempt();
  }
  assert.equal(r.status, okStatus, r.text.slice(0, 300));
  assert.ok(Date.now() - t0 <= (max + 1.5) * 1000, `locked out for ${Date.now() - t0} ms`);
  return r;
}

before(async () => {
  const initial = ensureTenant(T, 'Throttle A');
  admin = await adminToken(T, initial, 'Throttle admin pw 1');
  const g = await api(T, 'POST', '/groups', { token: admin, body: { name: 'thr api', permissions: ['api'] } });
  assert.equal(g.status, 201, g.text);
  apiGroup = g.json.id;
  await user('thr.api', 'Right password api 1');
  await user('thr.console', 'Right password console 1');
  await user('thr.probe', 'Right password probe 1');
  await user('thr.spray', 'Right password spray 1');
});

test('50 wrong passwords from one address: refused, slowed to 429 with Retry-After; the real user still gets in', async () => {
  const attacker = '127.0.5.1';
  const guess = (i) => signIn(T, 'thr.api', `wrong guess ${i}`, { localAddress: attacker });
  const answers = [];
  for (let i = 0; i < 50; i++) {
    answers.push(await guess(i));
    await sleep(PACE);
  }
  const first429 = answers.findIndex((r) => r.status === 429);
  assert.ok(first429 > 0, `statuses: ${answers.map((r) => r.status).join(' ')}`);
  for (const r of answers.slice(0, first429)) {
    assert.equal(r.status, 401, r.text);
    assert.equal(r.json.error.code, 'invalid_credentials');
  }
  for (const r of answers.slice(first429)) {
    if (r.status === 429) assertThrottled(r);
    else assert.equal(r.json?.error?.code, 'invalid_credentials', r.text);
  }
  const checked = answers.filter((r) => r.status === 401).length;
  assert.ok(checked <= 12, `${checked} of 50 guesses were checked: not slowed down`);
  // the attacker waits out every lock: the waits grow, up to login_lock_max and no further
  let i = 50;
  const waits = await persist(() => guess(i++), 4, (r) => assertThrottled(r));
  assert.equal(Math.max(...waits), LOCK_MAX, `waits ${waits.join(' ')}`);

  // from another address at once
  const other = await signIn(T, 'thr.api', 'Right password api 1', { localAddress: '127.0.5.2' });
  assert.equal(other.status, 201, other.text);
  // from the attacker's address: the right password waits out the lock too, then works
  await rightAfterLock(() => signIn(T, 'thr.api', 'Right password api 1', { localAddress: attacker }), (r) => assertThrottled(r), 201, LOCK_MAX);
});

test('50 wrong passwords on the console form: 401 pages, then 429; the real user still gets in', async () => {
  const attacker = '127.0.5.3';
  const guess = async (i) => {
    const r = await consoleLogin(T, 'thr.console', `wrong guess ${i}`, { localAddress: attacker });
    assert.match(r.headers['x-request-id'] || '', /^[0-9a-f]{32}$/, `answer ${i} (${r.status}) is not genba's: ${r.text.slice(0, 120)}`);
    assert.equal(r.cookie, undefined, 'no session for a refused sign-in');
    assert.match(r.headers['content-type'] || '', /^text\/html/);
    return r;
  };
  const statuses = [];
  for (let i = 0; i < 50; i++) {
    const r = await guess(i);
    await sleep(PACE);
    statuses.push(r.status);
    if (r.status === 429) retryAfter(r);
  }
  const first429 = statuses.indexOf(429);
  assert.ok(first429 > 0, statuses.join(' '));
  assert.ok(statuses.every((s) => s === 401 || s === 429), statuses.join(' '));
  assert.ok(statuses.filter((s) => s === 401).length <= 12, statuses.join(' '));
  let i = 50;
  const waits = await persist(() => guess(i++), 3, (r) => retryAfter(r));
  assert.equal(Math.max(...waits), LOCK_MAX, `waits ${waits.join(' ')}`);
  const other = await consoleLogin(T, 'thr.console', 'Right password console 1', { localAddress: '127.0.5.4' });
  assert.equal(other.status, 303, other.text.slice(0, 300));
  assert.ok(other.cookie);
  const r = await rightAfterLock(() => consoleLogin(T, 'thr.console', 'Right password console 1', { localAddress: attacker }),
    (x) => retryAfter(x), 303, LOCK_MAX);
  assert.ok(r.cookie);
});

test('an unknown login id is throttled exactly like a real one (no way to tell which exist)', async () => {
  const run = async (login, addr) => {
    const out = [];
    for (let i = 0; i < 10; i++) { out.push(await signIn(T, login, `probe ${i}`, { localAddress: addr })); await sleep(PACE); }
    return out;
  };
  const real = await run('thr.probe', '127.0.5.5');
  const ghost = await run('thr.nobody', '127.0.5.6');
  const s1 = real.map((r) => r.status), s2 = ghost.map((r) => r.status);
  assert.ok(s1.includes(429), s1.join(' '));
  assert.equal(s1.indexOf(429), s2.indexOf(429), `${s1.join(' ')} / ${s2.join(' ')}`);
  const strip = (r) => { const e = { ...r.json.error }; delete e.request_id; return JSON.stringify(e); };
  assert.equal(strip(real[0]), strip(ghost[0]));
  assert.equal(strip(real[s1.indexOf(429)]), strip(ghost[s2.indexOf(429)]));
  for (const r of [...real, ...ghost].filter((x) => x.status === 429)) assertThrottled(r);
});

test('guesses spread over many addresses lock the login for at most login_account_lock_max', async () => {
  let n = 0;
  const guess = () => { n++; return signIn(T, 'thr.spray', `spray ${n}`, { localAddress: `127.0.6.${n}` }); };
  const seen = [];
  for (let i = 0; i < 40; i++) {
    const r = await guess();
    assert.ok(r.status === 401 || r.status === 429, `${r.status} ${r.text}`);
    if (r.status === 429) seen.push(assertThrottled(r, ACCOUNT_LOCK_MAX));
    await sleep(PACE);
  }
  assert.ok(seen.length > 0, 'forty guesses at one login from forty addresses were never slowed');
  const waits = await persist(guess, 3, (r) => assertThrottled(r, ACCOUNT_LOCK_MAX));
  assert.equal(Math.max(...waits), ACCOUNT_LOCK_MAX, `waits ${waits.join(' ')}`);
  await rightAfterLock(() => signIn(T, 'thr.spray', 'Right password spray 1', { localAddress: '127.0.6.250' }),
    (r) => assertThrottled(r, ACCOUNT_LOCK_MAX), 201, ACCOUNT_LOCK_MAX);
});
