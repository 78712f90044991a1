#include "auth/audit.h"
#include "auth/session.h"
#include "tenant/resolve.h"
#include "util/log.h"

#include <string.h>

static const char *result_name(audit_result r)
{
    return r == AUDIT_OK ? "ok" : r == AUDIT_DENIED ? "denied" : "failed";
}

const char *audit_channel(const request *r)
{
    if (r->user)
        return session_kind_name(r->user->kind);
    if (r->channel)
        return r->channel;
    if (r->kind == KIND_CONMAS)
        return "conmas";
    if (r->kind == KIND_API)
        return "tablet";
    return "console";
}

/* At most n bytes of s, cut on a UTF-8 character boundary. */
static const char *clip(request *r, const char *s, size_t n)
{
    if (!s || strlen(s) <= n)
        return s;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return arena_strndup(r->a, s, n);
}

db_status audit_log(request *r, const char *login, const char *action, const char *object_type,
                    const char *object_id, audit_result result, const char *detail)
{
    if (!r->tenant)
        return DB_ERR;
    const auth_user *u = r->user;
    db_status st = db_query(
        r->tenant->db, r->a,
        "INSERT INTO access_log (at, user_id, login, device_id, client_addr, user_agent, channel, action, "
        "object_type, object_id, result, detail) VALUES (UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        DB_ARGS(u ? DB_INT(u->id) : DB_NULLARG, DB_STR(clip(r, u ? u->login : login, 64)),
                DB_STR(u ? u->device_id : NULL), DB_STR(clip(r, r->remote_addr, 64)),
                DB_STR(clip(r, r->user_agent, 300)), DB_STR(audit_channel(r)), DB_STR(action),
                DB_STR(object_type), DB_STR(clip(r, object_id, 64)), DB_STR(result_name(result)),
                DB_STR(clip(r, detail, 500))),
        NULL, NULL);
    if (st != DB_OK)
        log_error("req id=%s: access log row for %s not written: %s", r->id, action, db_error(r->tenant->db));
    return st;
}
