#include "tenant/audit.h"
#include "tenant/user.h"
#include "tenant/resolve.h"
#include "util/log.h"

#include <string.h>

static const char *result_name(audit_result r)
{
    return r == AUDIT_OK ? "ok" : r == AUDIT_DENIED ? "denied" : "failed";
}

const char *audit_channel(const op_ctx *op)
{
    if (op->user)
        return user_kind_name(op->user->kind);
    return op->channel ? op->channel : "system";
}

/* At most n bytes of s, cut on a UTF-8 character boundary. */
static const char *clip(op_ctx *op, const char *s, size_t n)
{
    if (!s || strlen(s) <= n)
        return s;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return arena_strndup(op->a, s, n);
}

db_status audit_log(op_ctx *op, const char *login, const char *action, const char *object_type,
                    const char *object_id, audit_result result, const char *detail)
{
    if (!op->tenant)
        return DB_ERR;
    const auth_user *u = op->user;
    db_status st = db_query(
        op->tenant->db, op->a,
        "INSERT INTO access_log (at, user_id, login, device_id, client_addr, user_agent, channel, action, "
        "object_type, object_id, result, detail) VALUES (UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        DB_ARGS(u ? DB_INT(u->id) : DB_NULLARG, DB_STR(clip(op, u ? u->login : login, 64)),
                DB_STR(u ? u->device_id : NULL), DB_STR(clip(op, op->client_addr, 64)),
                DB_STR(clip(op, op->user_agent, 300)), DB_STR(audit_channel(op)), DB_STR(action),
                DB_STR(object_type), DB_STR(clip(op, object_id, 64)), DB_STR(result_name(result)),
                DB_STR(clip(op, detail, 500))),
        NULL, NULL);
    if (st != DB_OK)
        log_error("req id=%s: access log row for %s not written: %s", op->req_id, action, db_error(op->tenant->db));
    return st;
}
