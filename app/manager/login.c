#include "manager/login.h"
#include "tenant/audit.h"
#include "auth/login.h"
#include "auth/session.h"
#include "db/txn.h"
#include "http/form.h"
#include "http/cookies.h"
#include "http/page.h"
#include "http/response.h"
#include "manager/view.h"
#include "tenant/resolve.h"
#include "util/crypto.h"

#include <string.h>

/* Only a console page of this tenant may be the page to come back to. */
static const char *safe_next(request *r, const char *next)
{
    const char *prefix = arena_printf(r->a, "/%s/manager", r->tenant_code);
    size_t n = strlen(prefix);
    if (!next || strncmp(next, prefix, n) || (next[n] && next[n] != '/' && next[n] != '?') || strstr(next, "//") ||
        strchr(next, '\\') || strpbrk(next, "\r\n"))
        return prefix;
    return next;
}

static void render(request *r, int status, const char *login, const char *next, const char *error)
{
    page *p = view_page(r, "login.title");
    page_set(p, "CSRF", cookie_login_token(r));   /* pre-session: the form is protected like every other */
    page_set(p, "Form.login", login);
    page_set(p, "Form.next", safe_next(r, next));
    if (error)
        page_set(p, "Errors.form", page_msg(r->lang, error));
    page_render(r, status, &p, "manager/login.cs");
}

void manager_login_form(request *r)
{
    if (cookie_session(r) == SESS_OK)
        return resp_redirect(r, safe_next(r, req_query(r, "next")));
    r->op.user = NULL;
    render(r, 200, "", req_query(r, "next"), NULL);
}

void manager_login(request *r)
{
    const char *login = view_field(r, "login"), *password = view_field(r, "password");
    const char *next = view_field(r, "next");
    login_user lu;
    long retry;
    switch (login_check(&r->op, login, password, &lu, &retry)) {
    case LOGIN_OK:
        break;
    case LOGIN_THROTTLED:
        resp_header(r, "Retry-After", arena_printf(r->a, "%ld", retry));
        return render(r, 429, login, next, "login.throttled");
    case LOGIN_DB_GONE:
        return resp_unavailable(r, "database_unavailable", "The database is not reachable right now.");
    default:
        return render(r, 401, login, next, "login.failed");
    }
    auth_user u = {.id = lu.id, .login = lu.login, .name = lu.name, .kind = SESS_CONSOLE};
    r->op.user = &u;
    char token[65];
    time_t expires;
    db_conn *db = r->op.tenant->db;
    /* a new session id at every sign-in; the old cookie's session ends */
    const char *old = req_cookie(r, arena_printf(r->a, "__Host-genba-%s", r->tenant_code));
    db_status st = db_begin(db);
    if (st == DB_OK && old && strlen(old) == 64) {
        unsigned char h[32];
        crypto_sha256(old, 64, h);
        st = db_query(db, r->a, "DELETE FROM sessions WHERE token_hash = ?", DB_ARGS(DB_BLOB(h, 32)), NULL, NULL);
    }
    if (st == DB_OK)
        st = db_query(db, r->a, "DELETE FROM sessions WHERE user_id = ? AND expires_at < UTC_TIMESTAMP(3)",
                      DB_ARGS(DB_INT(lu.id)), NULL, NULL);
    if (st == DB_OK)
        st = session_create(&r->op, lu.id, SESS_CONSOLE, NULL, token, &expires);
    if (st == DB_OK)
        st = audit_log(&r->op, NULL, "login", "user", lu.login, AUDIT_OK, NULL);
    op_result res = txn_finish(db, st, r->id, "console sign-in");
    r->op.user = NULL;
    if (res != OP_OK)
        return view_fail(r, res);
    cookie_set_session(r, token);
    crypto_wipe(token, sizeof token);
    if (lu.must_change)
        return resp_redirect(r, arena_printf(r->a, "/%s/manager/account?must_change=1", r->tenant_code));
    resp_redirect(r, safe_next(r, next));
}

void manager_logout(request *r)
{
    db_conn *db = r->op.tenant->db;
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = session_end_current(&r->op);
    if (st == DB_OK)
        st = audit_log(&r->op, NULL, "logout", "user", r->op.user->login, AUDIT_OK, NULL);
    op_result res = txn_finish(db, st, r->id, "sign-out");
    if (res != OP_OK)
        return view_fail(r, res);
    cookie_clear_session(r);
    resp_redirect(r, arena_printf(r->a, "/%s/manager/login?done=logout", r->tenant_code));
}
