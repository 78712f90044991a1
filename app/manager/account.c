#include "manager/account.h"
#include "tenant/audit.h"
#include "auth/session.h"
#include "auth/users.h"
#include "db/txn.h"
#include "http/response.h"
#include "manager/view.h"
#include "tenant/resolve.h"

#include <string.h>

static void render(request *r, int status, const errs *e)
{
    page *p = view_page(r, "account.title");
    page_set(p, "Account.lang", r->op.user->lang ? r->op.user->lang : "");
    if (r->op.user->must_change)
        page_set(p, "MustChange", "1");
    if (e)
        page_set_errors(p, r, e);
    page_render(r, status, &p, "manager/account.cs");
}

void manager_account(request *r)
{
    render(r, 200, NULL);
}

void manager_account_password(request *r)
{
    const char *cur = view_field(r, "current"), *nw = view_field(r, "new"), *confirm = view_field(r, "confirm");
    errs e;
    errs_init(&e, r->a);
    if (strcmp(nw, confirm)) {
        errs_add(&e, "confirm", "confirm_mismatch");
        return render(r, 422, &e);
    }
    op_result res = users_change_own_password(&r->op, cur, nw, &e);
    if (res == OP_INVALID)
        return render(r, 422, &e);
    if (res != OP_OK)
        return view_fail(r, res);
    view_done(r, "account", "password");
}

void manager_account_language(request *r)
{
    const char *lang = view_field(r, "lang");
    if (strcmp(lang, "ja") && strcmp(lang, "en") && *lang)
        return resp_error(r, 400, "bad_lang", "The language must be ja or en.");
    db_conn *db = r->op.tenant->db;
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, r->a, "UPDATE users SET lang = NULLIF(?, '') WHERE id = ?",
                      DB_ARGS(DB_STR(lang), DB_INT(r->op.user->id)), NULL, NULL);
    if (st == DB_OK)
        st = audit_log(&r->op, NULL, "account.language", "user", r->op.user->login, AUDIT_OK, *lang ? lang : "browser");
    op_result res = txn_finish(db, st, r->id, "language");
    if (res != OP_OK)
        return view_fail(r, res);
    view_done(r, "account", "language");
}
