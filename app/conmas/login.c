/* login.c - Login and Logout: the ASP.NET_SessionId cookie session.
 *
 * Sign-in goes through auth/login.c like every other (throttled on
 * failures only; an unknown id costs the same argon2id work and gets the
 * same answer as a wrong password); only users whose groups hold `api`
 * get a session.  The session is a console-like one (kind conmas: idle
 * and absolute limits of the console), its token the cookie's value. */
#include "conmas/conmas.h"
#include "auth/login.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "db/txn.h"
#include "http/response.h"
#include "tenant/audit.h"
#include "tenant/resolve.h"
#include "util/crypto.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define COOKIE "ASP.NET_SessionId"

/* <conmas><loginResult><code>N</code><remark>…</remark></loginResult></conmas> */
static void login_answer(conmas_call *c, int code, const char *remark, const login_user *u)
{
    cmx x;
    cmx_init(&x, c->r->a);
    cmx_open(&x, "loginResult");
    cmx_int(&x, "code", code);
    cmx_text(&x, "remark", remark);
    if (code) {
        const cm_code_info *ci = cm_code_by_number(code);
        cmx_text(&x, "name", ci ? ci->name : "");
    }
    if (u) {
        cmx_int(&x, "userId", u->id);
        cmx_text(&x, "userLoginId", u->login);
        cmx_text(&x, "userName", u->name);
    }
    conmas_reply(c, &x);
    c->code = code;
}

void conmas_login(conmas_call *c)
{
    request *r = c->r;
    const char *login = conmas_field(c, "user"), *password = conmas_field(c, "password");
    if (!login || !*login || !password || !*password)
        return login_answer(c, CM_FIELD_MISSING, "Login needs the fields \"user\" and \"password\".", NULL);
    login_user lu;
    long retry = 0;
    switch (login_check(&r->op, login, password, &lu, &retry)) {
    case LOGIN_OK:
        break;
    case LOGIN_THROTTLED:
        resp_header(r, "Retry-After", arena_printf(r->a, "%ld", retry));
        return login_answer(c, CM_LOGIN_THROTTLED,
                            arena_printf(r->a, "Too many failed logins; wait %ld seconds before trying again.", retry), NULL);
    case LOGIN_DB_GONE:
        c->code = CM_UNAVAILABLE;
        return resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
    default:   /* the same words whether the login id exists or not */
        return login_answer(c, CM_LOGIN_FAILED, "The login id or the password is not right.", NULL);
    }
    auth_user *u = arena_calloc(r->a, 1, sizeof *u);
    u->id = lu.id;
    u->login = lu.login;
    u->name = lu.name;
    u->is_admin = lu.is_admin;
    u->kind = SESS_CONMAS;
    r->op.user = u;
    if (!perm_has(&r->op, "api", NULL)) {
        if (u->perms_failed) {
            c->code = CM_UNAVAILABLE;
            return resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
        }
        audit_log(&r->op, NULL, "login", "user", lu.login, AUDIT_DENIED, "no external API permission");
        return login_answer(c, CM_API_NOT_ALLOWED,
                            "This user may not use the external API: its groups need the external API permission.", NULL);
    }
    if (lu.must_change) {
        audit_log(&r->op, NULL, "login", "user", lu.login, AUDIT_DENIED, "password change required");
        return login_answer(c, CM_PASSWORD_CHANGE, "The password must be changed in the console first.", NULL);
    }
    char token[65];
    time_t expires;
    db_status st = db_begin(r->op.tenant->db);
    if (st == DB_OK)
        st = session_create(&r->op, lu.id, SESS_CONMAS, NULL, token, &expires);
    if (st == DB_OK)
        st = audit_log(&r->op, NULL, "login", "user", lu.login, AUDIT_OK, NULL);
    op_result res = txn_finish(r->op.tenant->db, st, r->id, "ConMas login");
    if (res != OP_OK) {
        crypto_wipe(token, sizeof token);
        return conmas_refusal(c, res, NULL, NULL);
    }
    /* the cookie goes back only to this tenant's ConMas API */
    resp_header(r, "Set-Cookie",
                arena_printf(r->a, COOKIE "=%s; Path=/%s/ConMasAPI/; Secure; HttpOnly; SameSite=Lax", token, r->tenant_code));
    crypto_wipe(token, sizeof token);
    login_answer(c, CM_OK, "", &lu);
}

void conmas_logout(conmas_call *c)
{
    request *r = c->r;
    db_status st = db_begin(r->op.tenant->db);
    if (st == DB_OK)
        st = session_end_current(&r->op);
    if (st == DB_OK)
        st = audit_log(&r->op, NULL, "logout", "user", r->op.user->login, AUDIT_OK, NULL);
    op_result res = txn_finish(r->op.tenant->db, st, r->id, "ConMas logout");
    if (res != OP_OK)
        return conmas_refusal(c, res, NULL, NULL);
    resp_header(r, "Set-Cookie",
                arena_printf(r->a, COOKIE "=; Path=/%s/ConMasAPI/; Secure; HttpOnly; SameSite=Lax; Max-Age=0", r->tenant_code));
    login_answer(c, CM_OK, "", NULL);
}
