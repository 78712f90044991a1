#include "auth/session.h"
#include "tenant/resolve.h"
#include "util/config.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/str.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static bool token_hash(const char *token, unsigned char out[32])
{
    if (!token || strlen(token) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (str_hexval(token[i]) < 0)
            return false;
    crypto_sha256(token, 64, out);
    return true;
}

void session_csrf_for(const char *token, char out[65])
{
    char in[80];
    unsigned char h[32];
    int n = snprintf(in, sizeof in, "genba-csrf|%s", token);
    crypto_sha256(in, (size_t)n, h);
    str_hex(h, 32, out);
    crypto_wipe(in, sizeof in);
}

db_status session_create(op_ctx *op, long long user_id, sess_kind kind, const char *device_id, char token[65],
                         time_t *expires)
{
    const genba_config *cfg = op->cfg;
    unsigned char h[32];
    if (!crypto_token_hex(32, token))
        return DB_ERR;
    crypto_sha256(token, 64, h);
    unsigned life = kind == SESS_CONSOLE || kind == SESS_CONMAS ? cfg->session_absolute : cfg->token_lifetime;
    *expires = time(NULL) + life;
    return db_query(op->tenant->db, op->a,
                    "INSERT INTO sessions (token_hash, user_id, kind, device_id, created_at, last_seen_at, expires_at, "
                    "client_addr, user_agent) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), "
                    "UTC_TIMESTAMP(3) + INTERVAL ? SECOND, ?, LEFT(?, 300))",
                    DB_ARGS(DB_BLOB(h, 32), DB_INT(user_id), DB_STR(user_kind_name(kind)), DB_STR(device_id),
                            DB_INT(life), DB_STR(op->client_addr), DB_STR(op->user_agent)),
                    NULL, NULL);
}

/* One query checks the session, its expiry, the user's state and validity
 * and the device's approval. */
sess_result session_lookup(op_ctx *op, const char *token, sess_kind kind)
{
    bool console = kind == SESS_CONSOLE;
    /* which kinds of session the token may be: 0 console, 2 conmas, 1 the bearer's (tablet, script) */
    int want = console ? 0 : kind == SESS_CONMAS ? 2 : 1;
    const genba_config *cfg = op->cfg;
    unsigned char h[32];
    if (!token_hash(token, h))
        return SESS_INVALID;
    db_rows rows;
    /* the same round trip reads the tenant's time zone and the version of
     * its permissions (auth/perm.c keeps a user's rights while it holds) */
    db_status st = db_query(
        op->tenant->db, op->a,
        "SELECT u.id, u.login, u.name, u.email, u.lang, u.is_admin, u.must_change_password, s.kind, s.device_id, "
        "s.last_seen_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND, u.valid_from, u.valid_until, "
        "(SELECT value FROM settings WHERE name = 'time_zone'), (SELECT value FROM settings WHERE name = 'perm_version') "
        "FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN devices d ON d.id = s.device_id "
        "WHERE s.token_hash = ? AND s.expires_at > UTC_TIMESTAMP(3) "
        "AND (CASE s.kind WHEN 'console' THEN 0 WHEN 'conmas' THEN 2 ELSE 1 END) = ? "
        "AND (s.kind NOT IN ('console', 'conmas') OR s.last_seen_at > UTC_TIMESTAMP(3) - INTERVAL ? SECOND) "
        "AND u.enabled = 1 AND (s.device_id IS NULL OR d.status = 'approved')",
        DB_ARGS(DB_INT(cfg->session_idle / 10 < 60 ? cfg->session_idle / 10 : 60), DB_BLOB(h, 32),
                DB_INT(want), DB_INT(cfg->session_idle)),
        &rows, NULL);
    if (st == DB_GONE)
        return SESS_DB_GONE;
    if (st != DB_OK) {
        log_error("req id=%s: session lookup: %s", op->req_id, db_error(op->tenant->db));
        return SESS_DB_GONE;
    }
    if (rows.nrows != 1)
        return SESS_INVALID;
    tenant_set_zone(op->tenant, db_cell(&rows, 0, 12));
    /* validity dates are the customer's days */
    char today[11];
    cdate_format(tz_today(tenant_zone(op->tenant)), today);
    const char *from = db_cell(&rows, 0, 10), *until = db_cell(&rows, 0, 11);
    if ((from && strcmp(from, today) > 0) || (until && strcmp(until, today) < 0))
        return SESS_INVALID;
    auth_user *u = arena_calloc(op->a, 1, sizeof *u);
    u->perm_version = db_cell(&rows, 0, 13) ? atoll(db_cell(&rows, 0, 13)) : -1;
    u->id = atoll(db_cell(&rows, 0, 0));
    u->login = db_cell(&rows, 0, 1);
    u->name = db_cell(&rows, 0, 2);
    u->email = db_cell(&rows, 0, 3);
    u->lang = db_cell(&rows, 0, 4);
    u->is_admin = !strcmp(db_cell(&rows, 0, 5), "1");
    u->must_change = !strcmp(db_cell(&rows, 0, 6), "1");
    const char *k = db_cell(&rows, 0, 7);
    u->kind = !strcmp(k, "console")  ? SESS_CONSOLE
              : !strcmp(k, "tablet") ? SESS_TABLET
              : !strcmp(k, "conmas") ? SESS_CONMAS
                                     : SESS_SCRIPT;
    u->device_id = db_cell(&rows, 0, 8);
    memcpy(u->token_hash, h, 32);
    if (console)
        session_csrf_for(token, u->csrf);
    /* sliding idle limit: touch the session at most every min(60, idle/10) s */
    if (!strcmp(db_cell(&rows, 0, 9), "1") &&
        db_query(op->tenant->db, op->a, "UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(3) WHERE token_hash = ?",
                 DB_ARGS(DB_BLOB(h, 32)), NULL, NULL) == DB_GONE)
        return SESS_DB_GONE;
    op->user = u;
    return SESS_OK;
}

db_status session_end_current(op_ctx *op)
{
    if (!op->user)
        return DB_OK;
    return db_query(op->tenant->db, op->a, "DELETE FROM sessions WHERE token_hash = ?",
                    DB_ARGS(DB_BLOB(op->user->token_hash, 32)), NULL, NULL);
}

db_status session_end_user(db_conn *db, arena *a, long long user_id)
{
    return db_query(db, a, "DELETE FROM sessions WHERE user_id = ?", DB_ARGS(DB_INT(user_id)), NULL, NULL);
}

db_status session_end_device(db_conn *db, arena *a, const char *device_id)
{
    return db_query(db, a, "DELETE FROM sessions WHERE device_id = ?", DB_ARGS(DB_STR(device_id)), NULL, NULL);
}
