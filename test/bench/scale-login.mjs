// test/bench/scale-login.mjs: a console session cookie, as a browser gets
// it (the sign-in form's page first, for its token and cookie).
//
//   node test/bench/scale-login.mjs URL TENANT PASSWORD   -> prints "name=value"
const [url, tenant, pw] = process.argv.slice(2);
const base = `${url}/${tenant}/manager`;
const page = await fetch(`${base}/login`);
const formCookie = (page.headers.getSetCookie() || []).find((c) => c.startsWith(`__Host-genba-login-${tenant}=`));
const csrf = ((await page.text()).match(/name="_csrf" value="([0-9a-f]{64})"/) || [])[1];
if (!formCookie || !csrf) { console.error('scale-login: no sign-in form token'); process.exit(1); }
const r = await fetch(`${base}/login`, {
  method: 'POST', redirect: 'manual',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: formCookie.split(';')[0] },
  body: new URLSearchParams({ login: 'admin', password: pw, _csrf: csrf }).toString(),
});
const session = (r.headers.getSetCookie() || []).find((c) => c.startsWith(`__Host-genba-${tenant}=`));
if (r.status !== 303 || !session) { console.error(`scale-login: sign-in answered ${r.status}`); process.exit(1); }
console.log(session.split(';')[0]);
