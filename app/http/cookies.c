#include "http/cookies.h"
#include "http/form.h"
#include "http/response.h"
#include "util/crypto.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *session_cookie_name(request *r)
{
    return arena_printf(r->a, "__Host-genba-%s", r->tenant_code);
}

static const char *login_cookie_name(request *r)
{
    return arena_printf(r->a, "__Host-genba-login-%s", r->tenant_code);
}

sess_result cookie_session(request *r)
{
    const char *tok = req_cookie(r, session_cookie_name(r));
    return tok ? session_lookup(&r->op, tok, SESS_CONSOLE) : SESS_NONE;
}

sess_result bearer_session(request *r)
{
    const char *h = FCGX_GetParam("HTTP_AUTHORIZATION", r->fcgx->envp);
    if (!h)
        return SESS_NONE;
    if (strncasecmp(h, "Bearer ", 7))
        return SESS_INVALID;
    h += 7;
    while (*h == ' ')
        h++;
    return session_lookup(&r->op, h, SESS_SCRIPT);
}

void cookie_set_session(request *r, const char *token)
{
    resp_header(r, "Set-Cookie",
                arena_printf(r->a, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Lax", session_cookie_name(r), token));
}

void cookie_clear_session(request *r)
{
    resp_header(r, "Set-Cookie",
                arena_printf(r->a, "%s=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0", session_cookie_name(r)));
}

/* SHA-256("genba-login|" + the cookie's value), or NULL when the value is
 * not 64 lower-case hex digits. */
static const char *login_token_of(request *r, const char *cookie)
{
    if (!cookie || strlen(cookie) != 64 || strspn(cookie, "0123456789abcdef") != 64)
        return NULL;
    char in[80], *out = arena_alloc(r->a, 65);
    unsigned char h[32];
    int n = snprintf(in, sizeof in, "genba-login|%s", cookie);
    crypto_sha256(in, (size_t)n, h);
    str_hex(h, sizeof h, out);
    return out;
}

const char *cookie_login_expected(request *r)
{
    return login_token_of(r, req_cookie(r, login_cookie_name(r)));
}

const char *cookie_login_token(request *r)
{
    const char *t = cookie_login_expected(r);
    if (t)
        return t;
    unsigned char raw[32];
    char *v = arena_alloc(r->a, 65);
    if (!crypto_random(raw, sizeof raw))
        return "";
    str_hex(raw, sizeof raw, v);
    resp_header(r, "Set-Cookie", arena_printf(r->a, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=43200",
                                              login_cookie_name(r), v));
    return login_token_of(r, v);
}
