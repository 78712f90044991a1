#include "http/guard.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "http/cookies.h"
#include "http/form.h"
#include "http/multipart.h"
#include "http/response.h"
#include "http/router.h"
#include "util/config.h"
#include "util/crypto.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static bool console_auth(request *r, bool any)
{
    sess_result s = cookie_session(r);
    if (s == SESS_DB_GONE) {
        resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
        return false;
    }
    if (s != SESS_OK) {
        if (s == SESS_INVALID)
            cookie_clear_session(r);
        if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")) {
            const char *uri = req_env(r, "REQUEST_URI");
            resp_redirect(r, arena_printf(r->a, "/%s/manager/login?next=%s", r->tenant_code,
                                          uri ? str_urlencode(r->a, uri) : ""));
        } else {
            resp_error(r, 401, "not_signed_in", "Please sign in again; your session has ended.");
        }
        return false;
    }
    if (r->op.user->lang)
        r->lang = r->op.lang = r->op.user->lang;
    if (r->op.user->must_change && !any) {
        if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))
            resp_redirect(r, arena_printf(r->a, "/%s/manager/account?must_change=1", r->tenant_code));
        else
            resp_error(r, 403, "password_change_required", "Please set a new password first.");
        return false;
    }
    return true;
}

static bool token_auth(request *r, bool any)
{
    sess_result s = bearer_session(r);
    if (s == SESS_DB_GONE) {
        resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
        return false;
    }
    if (s != SESS_OK) {
        resp_header(r, "WWW-Authenticate", "Bearer realm=\"genba\"");
        resp_error(r, 401, s == SESS_NONE ? "token_missing" : "token_invalid",
                   s == SESS_NONE ? "This call needs a token (Authorization: Bearer ...)."
                                  : "The token is not valid or has expired; please sign in again.");
        return false;
    }
    if (r->op.user->must_change && !any) {
        resp_error(r, 403, "password_change_required",
                   "The password must be changed first (POST /api/v1/account/password).");
        return false;
    }
    return true;
}

/* The Origin of a browser's POST must be this very site. */
static bool same_origin(request *r)
{
    const char *origin = FCGX_GetParam("HTTP_ORIGIN", r->fcgx->envp);
    const char *host = FCGX_GetParam("HTTP_HOST", r->fcgx->envp);
    if (!origin)
        return true;   /* older browsers; the CSRF token still decides */
    if (!host || strncmp(origin, "https://", 8))
        return false;
    return !strcmp(origin + 8, host);
}

static bool read_form(request *r)
{
    form *f = arena_calloc(r->a, 1, sizeof *f);
    r->form = f;
    if (!r->has_body)
        return true;
    if (str_starts(r->content_type, "multipart/form-data")) {
        int st = req_body(r, r->op.cfg->max_body);
        char err[200];
        if (st) {
            resp_error(r, st, st == 413 ? "body_too_large" : "bad_request", "The form could not be read.");
            return false;
        }
        if (!multipart_parse(r->a, r->content_type, r->body, r->body_len, &r->parts, &r->nparts, err, sizeof err)) {
            resp_error(r, 400, "bad_form", arena_printf(r->a, "The form could not be read: %s", err));
            return false;
        }
        f->f = arena_calloc(r->a, (size_t)r->nparts + 1, sizeof *f->f);
        for (int i = 0; i < r->nparts; i++)
            if (!r->parts[i].filename && str_utf8_valid(r->parts[i].data, r->parts[i].len) &&
                !memchr(r->parts[i].data, 0, r->parts[i].len)) {
                f->f[f->n].name = r->parts[i].name;
                f->f[f->n].value = arena_strndup(r->a, r->parts[i].data, r->parts[i].len);
                f->n++;
            }
        return true;
    }
    int st = req_form(r, f);
    if (st) {
        resp_error(r, st, st == 413 ? "body_too_large" : "bad_form", "The form could not be read.");
        return false;
    }
    return true;
}

static bool csrf_ok(request *r)
{
    if (!same_origin(r)) {
        resp_error(r, 403, "csrf_failed", "The form came from another site.");
        return false;
    }
    if (!read_form(r))
        return false;
    const char *t = form_get(r->form, "_csrf");
    if (!t)
        t = FCGX_GetParam("HTTP_X_CSRF_TOKEN", r->fcgx->envp);
    /* a form with a session carries the session's token; the sign-in form
     * (no session yet) the pre-session token bound to its cookie */
    const char *want = r->op.user ? r->op.user->csrf : cookie_login_expected(r);
    if (!want || !t || strlen(t) != 64 || !str_ct_equal(t, want, 64)) {
        resp_error(r, 403, "csrf_failed",
                   "The form has expired or did not come from this site. Please reload the page and try again.");
        return false;
    }
    return true;
}

bool guard_request(request *r)
{
    const route *rt = r->route;
    switch (rt->auth) {
    case AUTH_SESSION:
    case AUTH_SESSION_ANY:
        if (!console_auth(r, rt->auth == AUTH_SESSION_ANY))
            return false;
        break;
    case AUTH_TOKEN:
    case AUTH_TOKEN_ANY:
        if (!token_auth(r, rt->auth == AUTH_TOKEN_ANY))
            return false;
        break;
    default:
        break;
    }
    if (rt->perm && !perm_require(&r->op, rt->perm, NULL, rt->pattern)) {
        resp_error(r, 403, "forbidden", "You are not allowed to do this.");   /* 503 when the rights could not be read */
        return false;
    }
    if (rt->csrf && !csrf_ok(r))
        return false;
    return true;
}
