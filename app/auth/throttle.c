#include "auth/throttle.h"
#include "util/config.h"
#include "tenant/resolve.h"

#include <ctype.h>
#include <stdlib.h>

enum { FREE_LOGIN_ADDR = 5, FREE_LOGIN = 20, FREE_ADDR = 50 };

/* Keys: the login id is folded to lower case (login ids are compared
 * case-insensitively by the collation too). */
static void keys(op_ctx *op, const char *login, const char **k_la, const char **k_l, const char **k_a)
{
    char *l = arena_strndup(op->a, login, 64);
    for (char *c = l; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    *k_la = arena_printf(op->a, "la:%s|%.64s", l, op->client_addr);
    *k_l = arena_printf(op->a, "l:%s", l);
    *k_a = arena_printf(op->a, "a:%.64s", op->client_addr);
}

long throttle_wait(op_ctx *op, const char *login)
{
    const char *k1, *k2, *k3;
    keys(op, login, &k1, &k2, &k3);
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT COALESCE(MAX(CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), blocked_until) "
                            "/ 1000000)), 0) FROM login_throttle WHERE k IN (?, ?, ?) "
                            "AND blocked_until > UTC_TIMESTAMP(3)",
                            DB_ARGS(DB_STR(k1), DB_STR(k2), DB_STR(k3)), &rows, NULL);
    if (st != DB_OK)
        return -1;
    const char *v = db_cell(&rows, 0, 0);
    return v ? atol(v) : 0;
}

static db_status fail_one(op_ctx *op, const char *k, int free, unsigned max)
{
    return db_query(
        op->tenant->db, op->a,
        "INSERT INTO login_throttle (k, failures, window_start, blocked_until) VALUES (?, 1, UTC_TIMESTAMP(3), NULL) "
        "ON DUPLICATE KEY UPDATE "
        "failures = IF(window_start < UTC_TIMESTAMP(3) - INTERVAL 1 HOUR, 1, failures + 1), "
        "window_start = IF(failures = 1, UTC_TIMESTAMP(3), window_start), "
        "blocked_until = IF(failures > ?, UTC_TIMESTAMP(3) + INTERVAL LEAST(POW(2, LEAST(failures - ? - 1, 20)), ?) "
        "SECOND, NULL)",
        DB_ARGS(DB_STR(k), DB_INT(free), DB_INT(free), DB_INT(max)), NULL, NULL);
}

db_status throttle_failed(op_ctx *op, const char *login)
{
    const genba_config *cfg = op->cfg;
    const char *k1, *k2, *k3;
    keys(op, login, &k1, &k2, &k3);
    db_status st = fail_one(op, k1, FREE_LOGIN_ADDR, cfg->login_lock_max);
    if (st == DB_OK)
        st = fail_one(op, k2, FREE_LOGIN, cfg->login_account_lock_max);
    if (st == DB_OK)
        st = fail_one(op, k3, FREE_ADDR, cfg->login_lock_max);
    return st;
}

db_status throttle_succeeded(op_ctx *op, const char *login)
{
    const char *k1, *k2, *k3;
    keys(op, login, &k1, &k2, &k3);
    (void)k2;
    (void)k3;
    return db_query(op->tenant->db, op->a, "DELETE FROM login_throttle WHERE k = ?", DB_ARGS(DB_STR(k1)), NULL, NULL);
}
