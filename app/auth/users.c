#include "auth/users.h"
#include "auth/perm.h"
#include "tenant/audit.h"
#include "auth/password.h"
#include "auth/pwpolicy.h"
#include "auth/session.h"
#include "auth/groups.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "db/rowjson.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void user_in_init(user_in *in)
{
    memset(in, 0, sizeof *in);
    in->enabled = -1;
}

bool users_parse_id(const char *s, long long *id)
{
    uint64_t v;
    if (!s || !str_parse_uint(s, 1000000000000ull, &v) || v == 0)
        return false;
    *id = (long long)v;
    return true;
}

static bool login_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr("._@-", *s)))
            return false;
    return true;
}

static bool email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (strlen(s) > 254 || !at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.')
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || strchr("<>()[],;:\\\"", *s))
            return false;
    return s[-1] != '.';
}

bool users_date_ok(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' || s[7] != '-')
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

static void check_password(const char *pw, const char *login, const char *field, errs *e)
{
    pw_verdict v = pwpolicy_check(pw, login);
    if (v != PW_OK)
        errs_add(e, field, pwpolicy_code(v));
}

bool users_validate(op_ctx *op, const user_in *in, bool create, errs *e)
{
    (void)op;
    int before = e->n;
    if (create) {
        if (!in->login || !*in->login)
            errs_add(e, "login", "required");
        else if (!login_ok(in->login))
            errs_add(e, "login", "invalid_login");
    }
    if (in->name || create) {
        size_t n = in->name ? str_utf8_len(in->name) : 0;
        if (n == 0)
            errs_add(e, "name", "required");
        else if (n > 200)
            errs_add(e, "name", "too_long");
    }
    if (in->email && *in->email && !email_ok(in->email))
        errs_add(e, "email", "invalid_email");
    if (in->lang && *in->lang && strcmp(in->lang, "ja") && strcmp(in->lang, "en"))
        errs_add(e, "lang", "invalid_lang");
    bool from_ok = !in->valid_from || !*in->valid_from || users_date_ok(in->valid_from);
    bool until_ok = !in->valid_until || !*in->valid_until || users_date_ok(in->valid_until);
    if (!from_ok)
        errs_add(e, "valid_from", "invalid_date");
    if (!until_ok)
        errs_add(e, "valid_until", "invalid_date");
    if (from_ok && until_ok && in->valid_from && *in->valid_from && in->valid_until && *in->valid_until &&
        strcmp(in->valid_from, in->valid_until) > 0)
        errs_add(e, "valid_until", "date_order");
    if (create) {
        if (!in->password || !*in->password)
            errs_add(e, "password", "required");
        else
            check_password(in->password, in->login ? in->login : "", "password", e);
    }
    return e->n == before;
}


/* Replace the user's direct memberships; unknown group ids are refused. */
static db_status set_groups(op_ctx *op, long long id, const user_in *in, errs *e)
{
    db_conn *db = op->tenant->db;
    db_status st = perm_changed(op);   /* memberships are rights */
    if (st == DB_OK)
        st = db_query(db, op->a, "DELETE FROM group_members WHERE user_id = ?", DB_ARGS(DB_INT(id)), NULL, NULL);
    for (int i = 0; st == DB_OK && i < in->ngroups; i++) {
        uint64_t n = 0;
        st = db_query(db, op->a, "INSERT IGNORE INTO group_members (group_id, user_id) SELECT id, ? FROM `groups` WHERE id = ?",
                      DB_ARGS(DB_INT(id), DB_INT(in->groups[i])), NULL, &n);
        if (st == DB_OK && n == 0 && !groups_exists(op, in->groups[i])) {
            errs_add(e, "groups", "unknown_group");
            return DB_ERR;
        }
    }
    return st;
}

op_result users_create(op_ctx *op, const user_in *in, errs *e, long long *id)
{
    db_conn *db = op->tenant->db;
    if (!users_validate(op, in, true, e))
        return OP_INVALID;
    char hash[PASSWORD_HASH_MAX];
    if (!password_hash(in->password, hash, sizeof hash))
        return OP_ERROR;
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "INSERT INTO users (login, name, email, password_hash, must_change_password, enabled, lang, "
                      "valid_from, valid_until, password_changed_at) VALUES (?, ?, NULLIF(?, ''), ?, 0, ?, NULLIF(?, ''), "
                      "NULLIF(?, ''), NULLIF(?, ''), UTC_TIMESTAMP(3))",
                      DB_ARGS(DB_STR(in->login), DB_STR(in->name), DB_STR(in->email ? in->email : ""), DB_STR(hash),
                              DB_INT(in->enabled == 0 ? 0 : 1), DB_STR(in->lang ? in->lang : ""),
                              DB_STR(in->valid_from ? in->valid_from : ""),
                              DB_STR(in->valid_until ? in->valid_until : "")),
                      NULL, NULL);
    if (st == DB_OK) {
        *id = (long long)db_insert_id(db);
        if (in->has_groups && (st = set_groups(op, *id, in, e)) != DB_OK && e->n) {
            db_rollback(db);
            return OP_INVALID;
        }
    }
    if (st == DB_OK)
        st = audit_log(op, NULL, "user.create", "user", in->login, AUDIT_OK, NULL);
    op_result res = txn_finish(op->tenant->db, st, op->req_id, "user change");
    if (res == OP_CONFLICT)
        errs_add(e, "login", "login_taken");
    return res;
}

static bool user_exists(op_ctx *op, long long id, const char **login, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, "SELECT login FROM users WHERE id = ?", DB_ARGS(DB_INT(id)), &rows, NULL);
    *res = st != DB_OK ? txn_result(st) : rows.nrows ? OP_OK : OP_NOT_FOUND;
    if (*res == OP_OK && login)
        *login = db_cell(&rows, 0, 0);
    return *res == OP_OK;
}

op_result users_update(op_ctx *op, long long id, const user_in *in, errs *e)
{
    db_conn *db = op->tenant->db;
    const char *login;
    op_result res;
    if (!user_exists(op, id, &login, &res))
        return res;
    if (in->login && strcmp(in->login, login))
        errs_add(e, "login", "login_immutable");
    if (!users_validate(op, in, false, e) || e->n)
        return OP_INVALID;
    if (in->enabled == 0 && op->user && op->user->id == id) {
        errs_add(e, "enabled", "cannot_disable_self");
        return OP_INVALID;
    }
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "UPDATE users SET name = COALESCE(?, name), "
                      "email = IF(? IS NULL, email, NULLIF(?, '')), lang = IF(? IS NULL, lang, NULLIF(?, '')), "
                      "valid_from = IF(? IS NULL, valid_from, NULLIF(?, '')), "
                      "valid_until = IF(? IS NULL, valid_until, NULLIF(?, '')), "
                      "enabled = IF(? < 0, enabled, ?), disabled_at = IF(? = 0 AND enabled = 1, UTC_TIMESTAMP(3), "
                      "IF(? = 1, NULL, disabled_at)) WHERE id = ?",
                      DB_ARGS(DB_STR(in->name), DB_STR(in->email), DB_STR(in->email), DB_STR(in->lang),
                              DB_STR(in->lang), DB_STR(in->valid_from), DB_STR(in->valid_from),
                              DB_STR(in->valid_until), DB_STR(in->valid_until), DB_INT(in->enabled),
                              DB_INT(in->enabled), DB_INT(in->enabled), DB_INT(in->enabled), DB_INT(id)),
                      NULL, NULL);
    if (st == DB_OK && in->has_groups && (st = set_groups(op, id, in, e)) != DB_OK && e->n) {
        db_rollback(db);
        return OP_INVALID;
    }
    /* a disabled user is signed out at once (validity dates are checked on
     * every request, so a session outside them stops working by itself) */
    if (st == DB_OK && in->enabled == 0)
        st = session_end_user(db, op->a, id);
    if (st == DB_OK)
        st = audit_log(op, NULL, "user.update", "user", login, AUDIT_OK,
                       in->enabled == 0 ? "disabled" : in->enabled == 1 ? "enabled" : NULL);
    return txn_finish(op->tenant->db, st, op->req_id, "user change");
}

op_result users_reset_password(op_ctx *op, long long id, const char *password, errs *e)
{
    db_conn *db = op->tenant->db;
    const char *login;
    op_result res;
    if (!user_exists(op, id, &login, &res))
        return res;
    if (!password || !*password)
        errs_add(e, "password", "required");
    else
        check_password(password, login, "password", e);
    if (e->n)
        return OP_INVALID;
    char hash[PASSWORD_HASH_MAX];
    if (!password_hash(password, hash, sizeof hash))
        return OP_ERROR;
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "UPDATE users SET password_hash = ?, must_change_password = 1, password_changed_at = "
                      "UTC_TIMESTAMP(3) WHERE id = ?",
                      DB_ARGS(DB_STR(hash), DB_INT(id)), NULL, NULL);
    if (st == DB_OK)
        st = session_end_user(db, op->a, id);
    if (st == DB_OK)
        st = audit_log(op, NULL, "user.password_reset", "user", login, AUDIT_OK, NULL);
    return txn_finish(op->tenant->db, st, op->req_id, "user change");
}

op_result users_change_own_password(op_ctx *op, const char *current, const char *password, errs *e)
{
    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st = db_query(db, op->a, "SELECT password_hash FROM users WHERE id = ?", DB_ARGS(DB_INT(op->user->id)),
                            &rows, NULL);
    if (st != DB_OK || rows.nrows != 1)
        return st == DB_OK ? OP_NOT_FOUND : txn_result(st);
    if (!current || !password_verify(db_cell(&rows, 0, 0), current))
        errs_add(e, "current", "wrong_password");
    if (!password || !*password)
        errs_add(e, "new", "required");
    else
        check_password(password, op->user->login, "new", e);
    if (e->n) {
        audit_log(op, NULL, "account.password", "user", op->user->login, AUDIT_FAILED, e->e[0].code);
        return OP_INVALID;
    }
    char hash[PASSWORD_HASH_MAX];
    if (!password_hash(password, hash, sizeof hash))
        return OP_ERROR;
    st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "UPDATE users SET password_hash = ?, must_change_password = 0, password_changed_at = "
                      "UTC_TIMESTAMP(3) WHERE id = ?",
                      DB_ARGS(DB_STR(hash), DB_INT(op->user->id)), NULL, NULL);
    /* other sessions of the user end; this one goes on */
    if (st == DB_OK)
        st = db_query(db, op->a, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
                      DB_ARGS(DB_INT(op->user->id), DB_BLOB(op->user->token_hash, 32)), NULL, NULL);
    if (st == DB_OK)
        st = audit_log(op, NULL, "account.password", "user", op->user->login, AUDIT_OK, NULL);
    op_result res = txn_finish(op->tenant->db, st, op->req_id, "user change");
    if (res == OP_OK)
        op->user->must_change = false;
    return res;
}

op_result users_end_sessions(op_ctx *op, long long id)
{
    const char *login;
    op_result res;
    if (!user_exists(op, id, &login, &res))
        return res;
    db_status st = db_begin(op->tenant->db);
    if (st == DB_OK)
        st = session_end_user(op->tenant->db, op->a, id);
    if (st == DB_OK)
        st = audit_log(op, NULL, "user.sessions_end", "user", login, AUDIT_OK, NULL);
    return txn_finish(op->tenant->db, st, op->req_id, "user change");
}

#define USER_COLS                                                                                                  \
    "SELECT id, login, name, email, lang, enabled, valid_from, valid_until, must_change_password, "               \
    "seal_image IS NOT NULL, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ') FROM users "

static json_object *user_json(const db_rows *rows, size_t i)
{
    json_object *o = json_object_new_object();
    jx_add_int(o, "id", atoll(db_cell(rows, i, 0)));
    jx_add_str(o, "login", db_cell(rows, i, 1));
    jx_add_str(o, "name", db_cell(rows, i, 2));
    jx_add_str(o, "email", db_cell(rows, i, 3));
    jx_add_str(o, "lang", db_cell(rows, i, 4));
    jx_add_bool(o, "enabled", !strcmp(db_cell(rows, i, 5), "1"));
    jx_add_str(o, "valid_from", db_cell(rows, i, 6));
    jx_add_str(o, "valid_until", db_cell(rows, i, 7));
    jx_add_bool(o, "must_change_password", !strcmp(db_cell(rows, i, 8), "1"));
    jx_add_bool(o, "has_seal", !strcmp(db_cell(rows, i, 9), "1"));
    jx_add_str(o, "created_at", db_cell(rows, i, 10));
    json_object_object_add(o, "groups", json_object_new_array());
    return o;
}

/* Fill each user's "groups" from one query. */
static db_status add_groups(op_ctx *op, json_object *users, long long only)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT user_id, group_id FROM group_members WHERE ? = 0 OR user_id = ? ORDER BY group_id",
                            DB_ARGS(DB_INT(only), DB_INT(only)), &rows, NULL);
    if (st != DB_OK)
        return st;
    size_t n = json_object_array_length(users);
    for (size_t k = 0; k < rows.nrows; k++) {
        long long uid = atoll(db_cell(&rows, k, 0));
        for (size_t i = 0; i < n; i++) {
            json_object *u = json_object_array_get_idx(users, i);
            if (json_object_get_int64(json_object_object_get(u, "id")) == uid)
                json_object_array_add(json_object_object_get(u, "groups"),
                                      json_object_new_int64(atoll(db_cell(&rows, k, 1))));
        }
    }
    return DB_OK;
}

json_object *users_get(op_ctx *op, long long id, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, USER_COLS "WHERE id = ?", DB_ARGS(DB_INT(id)), &rows, NULL);
    *res = st != DB_OK ? txn_result(st) : rows.nrows ? OP_OK : OP_NOT_FOUND;
    if (*res != OP_OK)
        return NULL;
    json_object *arr = json_object_new_array();
    json_object_array_add(arr, user_json(&rows, 0));
    if ((st = add_groups(op, arr, id)) != DB_OK) {
        json_object_put(arr);
        *res = txn_result(st);
        return NULL;
    }
    json_object *u = json_object_get(json_object_array_get_idx(arr, 0));
    json_object_put(arr);
    return u;
}

json_object *users_list(op_ctx *op, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, USER_COLS "ORDER BY login", DB_NOARGS, &rows, NULL);
    *res = txn_result(st);
    if (st != DB_OK)
        return NULL;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < rows.nrows; i++)
        json_object_array_add(arr, user_json(&rows, i));
    if ((st = add_groups(op, arr, 0)) != DB_OK) {
        json_object_put(arr);
        *res = txn_result(st);
        return NULL;
    }
    return arr;
}

json_object *users_sessions(op_ctx *op, long long id, op_result *res)
{
    if (!user_exists(op, id, NULL, res))
        return NULL;
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT kind, device_id, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), "
                            "DATE_FORMAT(last_seen_at, '%Y-%m-%dT%H:%i:%sZ'), "
                            "DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%sZ'), client_addr, user_agent FROM sessions "
                            "WHERE user_id = ? AND expires_at > UTC_TIMESTAMP(3) ORDER BY created_at DESC",
                            DB_ARGS(DB_INT(id)), &rows, NULL);
    *res = txn_result(st);
    if (st != DB_OK)
        return NULL;
    static const char *const names[] = {"kind", "device_id", "created_at", "last_seen_at", "expires_at",
                                        "client_addr", "user_agent"};
    return db_rows_json(&rows, names, 7);
}
