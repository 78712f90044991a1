#include "tenant/settings.h"
#include "tenant/audit.h"
#include "db/txn.h"
#include "tenant/quota.h"
#include "tenant/resolve.h"
#include "util/buf.h"
#include "util/tz.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Every setting genba knows: name, type and default ("0"/"1" for booleans). */
typedef enum { S_BOOL, S_ZONE } stype;
static const struct {
    const char *name;
    stype type;
    const char *dflt;
} known[] = {
    {"devices.auto_approve", S_BOOL, "0"},
    {"time_zone", S_ZONE, TZ_DEFAULT},   /* IANA name: the customer's day and clock (util/tz.h) */
};
#define NKNOWN (sizeof known / sizeof known[0])

static const char *value_of(op_ctx *op, const char *name, const char *dflt)
{
    db_rows rows;
    if (db_query(op->tenant->db, op->a, "SELECT value FROM settings WHERE name = ?", DB_ARGS(DB_STR(name)), &rows, NULL) !=
            DB_OK ||
        !rows.nrows)
        return dflt;
    return db_cell(&rows, 0, 0);
}

bool settings_bool(op_ctx *op, const char *name, bool dflt)
{
    return !strcmp(value_of(op, name, dflt ? "1" : "0"), "1");
}

long long settings_int(op_ctx *op, const char *name, long long dflt, long long min, long long max)
{
    const char *v = value_of(op, name, NULL);
    if (!v || !*v)
        return dflt;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    return errno || *end || n < min || n > max ? dflt : n;
}

json_object *settings_all(op_ctx *op, op_result *res)
{
    json_object *storage = quota_json(op, res);
    if (!storage)
        return NULL;
    json_object *o = json_object_new_object();
    for (size_t i = 0; i < NKNOWN; i++) {
        const char *v = value_of(op, known[i].name, known[i].dflt);
        if (known[i].type == S_BOOL)
            json_object_object_add(o, known[i].name, json_object_new_boolean(!strcmp(v, "1")));
        else   /* the zone in effect: a stored name ICU no longer knows reads as the default */
            json_object_object_add(o, known[i].name, json_object_new_string(tz_find(v) ? v : known[i].dflt));
    }
    json_object_object_add(o, "storage", storage);   /* read-only */
    *res = OP_OK;
    return o;
}

op_result settings_set(op_ctx *op, json_object *o, errs *e)
{
    json_object_object_foreach(o, k, v) {
        int found = -1;
        for (size_t i = 0; i < NKNOWN; i++)
            if (!strcmp(known[i].name, k))
                found = (int)i;
        if (found < 0 && !strcmp(k, "storage"))
            errs_add(e, "storage", "read_only");
        else if (found < 0)
            errs_add(e, arena_strdup(op->a, k), "unknown_setting");
        else if (known[found].type == S_BOOL && (!v || !json_object_is_type(v, json_type_boolean)))
            errs_add(e, arena_strdup(op->a, k), "wrong_type");
        else if (known[found].type == S_ZONE && (!v || !json_object_is_type(v, json_type_string)))
            errs_add(e, arena_strdup(op->a, k), "wrong_type");
        else if (known[found].type == S_ZONE && !tz_find(json_object_get_string(v)))
            errs_add_arg(e, arena_strdup(op->a, k), "unknown_time_zone", arena_strdup(op->a, json_object_get_string(v)));
    }
    if (e->n)
        return OP_INVALID;
    db_conn *db = op->tenant->db;
    buf changed;
    buf_init(&changed, op->a);
    db_status st = db_begin(db);
    json_object_object_foreach(o, k2, v2) {
        const char *val = json_object_is_type(v2, json_type_boolean) ? (json_object_get_boolean(v2) ? "1" : "0")
                                                                     : json_object_get_string(v2);
        if (st == DB_OK)
            st = db_query(db, op->a, "INSERT INTO settings (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = ?",
                          DB_ARGS(DB_STR(k2), DB_STR(val), DB_STR(val)), NULL, NULL);
        buf_printf(&changed, "%s%s=%s", changed.len ? " " : "", k2, val);
    }
    if (st == DB_OK)
        st = audit_log(op, NULL, "settings.update", "settings", NULL, AUDIT_OK, changed.data);
    return txn_finish(db, st, op->req_id, "settings");
}
