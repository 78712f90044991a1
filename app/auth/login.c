#include "auth/login.h"
#include "tenant/audit.h"
#include "auth/password.h"
#include "auth/throttle.h"
#include "tenant/op.h"
#include "tenant/resolve.h"
#include "util/log.h"
#include "util/tz.h"
#include "util/str.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A hash of a random password, verified against when the login id is
 * unknown so that both cases cost the same. */
static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[33];
    if (!password_generate(pw, 32) || !password_hash(pw, dummy_hash, sizeof dummy_hash))
        dummy_hash[0] = '\0';
}

static login_result failed(op_ctx *op, const char *login, const char *why)
{
    if (throttle_failed(op, login) == DB_GONE)
        return LOGIN_DB_GONE;
    audit_log(op, login, "login", "user", NULL, AUDIT_FAILED, why);
    return LOGIN_BAD;
}

login_result login_check(op_ctx *op, const char *login, const char *password, login_user *u, long *retry_after)
{
    db_conn *db = op->tenant->db;
    memset(u, 0, sizeof *u);
    *retry_after = 0;
    if (!login || !*login || strlen(login) > 64 || !str_utf8_valid(login, strlen(login)))
        login = "";
    if (!password || strlen(password) > 1024)
        password = "";
    long wait = throttle_wait(op, login);
    if (wait < 0)
        return LOGIN_DB_GONE;
    if (wait > 0) {
        *retry_after = wait;
        audit_log(op, login, "login", "user", NULL, AUDIT_DENIED, "throttled after repeated failures");
        return LOGIN_THROTTLED;
    }
    if (!*login)
        return failed(op, login, "no login id");
    db_rows rows;
    char today[11];   /* validity dates are the customer's days */
    cdate_format(tz_today(tenant_zone(op->tenant)), today);
    db_status st = db_query(db, op->a,
                            "SELECT id, login, name, lang, password_hash, must_change_password, is_admin, enabled, "
                            "(valid_from IS NULL OR valid_from <= ?) AND "
                            "(valid_until IS NULL OR valid_until >= ?) FROM users WHERE login = ?",
                            DB_ARGS(DB_STR(today), DB_STR(today), DB_STR(login)), &rows, NULL);
    if (st != DB_OK)
        return LOGIN_DB_GONE;
    pthread_once(&dummy_once, make_dummy);
    if (rows.nrows != 1) {
        if (dummy_hash[0])
            password_verify(dummy_hash, password);
        return failed(op, login, "unknown login id");
    }
    const char *hash = db_cell(&rows, 0, 4);
    if (!password_verify(hash, password))
        return failed(op, login, "wrong password");
    if (strcmp(db_cell(&rows, 0, 7), "1"))
        return failed(op, login, "user disabled");
    if (strcmp(db_cell(&rows, 0, 8), "1"))
        return failed(op, login, "outside the user's validity period");
    u->id = atoll(db_cell(&rows, 0, 0));
    u->login = db_cell(&rows, 0, 1);
    u->name = db_cell(&rows, 0, 2);
    u->lang = db_cell(&rows, 0, 3);
    u->must_change = !strcmp(db_cell(&rows, 0, 5), "1");
    u->is_admin = !strcmp(db_cell(&rows, 0, 6), "1");
    if (throttle_succeeded(op, login) == DB_GONE)
        return LOGIN_DB_GONE;
    if (password_needs_rehash(hash)) {
        char nh[PASSWORD_HASH_MAX];
        if (password_hash(password, nh, sizeof nh) &&
            db_query(db, op->a, "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?",
                     DB_ARGS(DB_STR(nh), DB_INT(u->id), DB_STR(hash)), NULL, NULL) == DB_OK)
            log_info("req id=%s: password hash of user %lld renewed with the current cost", op->req_id, u->id);
    }
    return LOGIN_OK;
}
