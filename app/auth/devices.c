#include "auth/devices.h"
#include "tenant/audit.h"
#include "auth/session.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "tenant/settings.h"
#include "db/rowjson.h"
#include "util/jsonx.h"
#include "util/str.h"

#include <string.h>

bool devices_id_ok(const char *s)
{
    return str_uuid_ok(s);
}

const char *devices_register(op_ctx *op, const char *id, const char *name, const char *platform, op_result *res)
{
    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st = db_query(db, op->a, "SELECT status FROM devices WHERE id = ?", DB_ARGS(DB_STR(id)), &rows, NULL);
    if (st != DB_OK) {
        *res = txn_result(st);
        return NULL;
    }
    if (rows.nrows) {
        db_query(db, op->a, "UPDATE devices SET last_seen_at = UTC_TIMESTAMP(3) WHERE id = ?", DB_ARGS(DB_STR(id)), NULL,
                 NULL);
        *res = OP_OK;
        return db_cell(&rows, 0, 0);
    }
    bool autoapp = settings_bool(op, "devices.auto_approve", false);
    const char *status = autoapp ? "approved" : "pending";
    st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "INSERT INTO devices (id, name, platform, status, registered_by, decided_at, last_seen_at) "
                      "VALUES (?, ?, ?, ?, ?, IF(? = 'approved', UTC_TIMESTAMP(3), NULL), UTC_TIMESTAMP(3))",
                      DB_ARGS(DB_STR(id), DB_STR(name), DB_STR(platform), DB_STR(status),
                              op->user ? DB_INT(op->user->id) : DB_NULLARG, DB_STR(status)),
                      NULL, NULL);
    if (st == DB_OK)
        st = audit_log(op, NULL, "device.register", "device", id, AUDIT_OK,
                       arena_printf(op->a, "%s (%s), %s", name, platform, status));
    *res = txn_finish(db, st, op->req_id, "device registration");
    if (*res == OP_CONFLICT)   /* registered by a parallel sign-in */
        return devices_register(op, id, name, platform, res);
    return *res == OP_OK ? status : NULL;
}

#define DEVICE_COLS                                                                                            \
    "SELECT id, name, platform, status, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), "                       \
    "DATE_FORMAT(last_seen_at, '%Y-%m-%dT%H:%i:%sZ'), DATE_FORMAT(decided_at, '%Y-%m-%dT%H:%i:%sZ') FROM devices "
static const char *const device_names[] = {"id", "name", "platform", "status", "created_at", "last_seen_at", "decided_at"};

op_result devices_set_status(op_ctx *op, const char *id, const char *status, json_object **out)
{
    db_conn *db = op->tenant->db;
    *out = NULL;
    if (!devices_id_ok(id))
        return OP_NOT_FOUND;
    db_status st = db_begin(db);
    uint64_t n = 0;
    db_rows rows;
    if (st == DB_OK)
        st = db_query(db, op->a, "SELECT 1 FROM devices WHERE id = ? FOR UPDATE", DB_ARGS(DB_STR(id)), &rows, NULL);
    if (st == DB_OK && !rows.nrows) {
        db_rollback(db);
        return OP_NOT_FOUND;
    }
    if (st == DB_OK)
        st = db_query(db, op->a, "UPDATE devices SET status = ?, decided_by = ?, decided_at = UTC_TIMESTAMP(3) WHERE id = ?",
                      DB_ARGS(DB_STR(status), DB_INT(op->user->id), DB_STR(id)), NULL, &n);
    if (st == DB_OK && !strcmp(status, "revoked"))
        st = session_end_device(db, op->a, id);
    if (st == DB_OK)
        st = audit_log(op, NULL, !strcmp(status, "revoked") ? "device.revoke" : "device.approve", "device", id,
                       AUDIT_OK, NULL);
    op_result res = txn_finish(db, st, op->req_id, "device decision");
    if (res == OP_OK && db_query(db, op->a, DEVICE_COLS "WHERE id = ?", DB_ARGS(DB_STR(id)), &rows, NULL) == DB_OK &&
        rows.nrows) {
        json_object *arr = db_rows_json(&rows, device_names, 7);
        *out = json_object_get(json_object_array_get_idx(arr, 0));
        json_object_put(arr);
    }
    return res;
}

json_object *devices_list(op_ctx *op, const char *status, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, DEVICE_COLS "WHERE ? IS NULL OR status = ? ORDER BY created_at DESC, id",
                            DB_ARGS(DB_STR(status), DB_STR(status)), &rows, NULL);
    *res = txn_result(st);
    return st == DB_OK ? db_rows_json(&rows, device_names, 7) : NULL;
}
