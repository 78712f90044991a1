/* Exclusive locks (definitions with exclusiveLock): one user edits a report
 * at a time.  A lock lasts reports.lock_minutes (30, 1..1440) from the last
 * time it was taken; taking it again renews it; an expired lock is as good
 * as none.  report_update refuses saves by others while it is held. */
#include "reports/flow.h"
#include "tenant/audit.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"

#include <stdlib.h>
#include <string.h>

static int lock_minutes(op_ctx *op)
{
    db_rows rows;
    int m = 30;
    if (db_query(op->tenant->db, op->a, "SELECT value FROM settings WHERE name = 'reports.lock_minutes'", DB_NOARGS, &rows,
                 NULL) == DB_OK &&
        rows.nrows && db_cell(&rows, 0, 0))
        m = atoi(db_cell(&rows, 0, 0));
    return m < 1 ? 1 : m > 1440 ? 1440 : m;
}

static op_result acquire(op_ctx *op, const flow_report *fr, json_object **out, refusal *why)
{
    db_conn *db = op->tenant->db;
    op_result res;
    const definition *d = report_definition(op, fr->def_id, fr->def_rev, &res);
    if (!d)
        return res == OP_NOT_FOUND ? refuse(why, REF_CONFLICT, "definition_gone", "The report's definition revision is not available.")
                                   : res;
    if (!d->exclusive_lock)
        return refuse(why, REF_CONFLICT, "lock_not_used", "Reports of this definition are not locked for editing.");
    if (!flow_may_edit(op, fr))
        return refuse(why, REF_FORBIDDEN, "forbidden", "You may not edit this report.");
    const char *login;
    db_status st = flow_other_holder(op, fr->id, &why->body, &login);
    if (st != DB_OK)
        return txn_result(st);
    if (why->body)
        return refuse(why, REF_CONFLICT, "report_locked", arena_printf(op->a, "The report is being edited by %s.", login));
    db_rows mine;
    st = db_query(db, op->a, "SELECT 1 FROM report_locks WHERE report_id = ? AND user_id = ? AND expires_at > UTC_TIMESTAMP(3)",
                  DB_ARGS(DB_STR(fr->id), DB_INT(op->user->id)), &mine, NULL);
    bool renew = st == DB_OK && mine.nrows > 0;
    int minutes = lock_minutes(op);
    if (st == DB_OK && renew)
        st = db_query(db, op->a,
                      "UPDATE report_locks SET device_id = ?, expires_at = UTC_TIMESTAMP(3) + INTERVAL ? MINUTE WHERE "
                      "report_id = ?",
                      DB_ARGS(DB_STR(op->user->device_id), DB_INT(minutes), DB_STR(fr->id)), NULL, NULL);
    else if (st == DB_OK)   /* none, or an expired one (anyone's): taken over */
        st = db_query(db, op->a,
                      "REPLACE INTO report_locks (report_id, user_id, device_id, acquired_at, expires_at) VALUES (?, ?, ?, "
                      "UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) + INTERVAL ? MINUTE)",
                      DB_ARGS(DB_STR(fr->id), DB_INT(op->user->id), DB_STR(op->user->device_id), DB_INT(minutes)), NULL,
                      NULL);
    db_rows ex;
    if (st == DB_OK)
        st = db_query(db, op->a, "SELECT DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%sZ') FROM report_locks WHERE report_id = ?",
                      DB_ARGS(DB_STR(fr->id)), &ex, NULL);
    if (st == DB_OK)
        st = audit_log(op, NULL, "report.lock", "report", fr->id, AUDIT_OK,
                       arena_printf(op->a, "%s for %d minutes", renew ? "renewed" : "taken", minutes));
    if (st != DB_OK)
        return txn_result(st);
    if (!ex.nrows)
        return OP_ERROR;
    json_object *o = json_object_new_object(), *h = json_object_new_object();
    jx_add_int(h, "id", op->user->id);
    jx_add_str(h, "login", op->user->login);
    jx_add_str(h, "name", op->user->name);
    json_object_object_add(o, "holder", h);
    jx_add_str(o, "expires_at", db_cell(&ex, 0, 0));
    if (out)
        *out = o;
    else
        json_object_put(o);
    return OP_OK;
}

static op_result release(op_ctx *op, const flow_report *fr, bool force, refusal *why)
{
    db_conn *db = op->tenant->db;
    const char *login;
    db_status st = flow_other_holder(op, fr->id, &why->body, &login);
    if (st != DB_OK)
        return txn_result(st);
    const char *action = "report.unlock", *detail = NULL;
    if (why->body) {
        if (!force)
            return refuse(why, REF_CONFLICT, "report_locked",
                               arena_printf(op->a, "The report is locked by %s; only they can release it.", login));
        if (!perm_has(op, "definitions.edit", NULL)) {
            json_object_put(why->body);
            why->body = NULL;
            return refuse(why, REF_FORBIDDEN, "forbidden", "Only administrators may break another user's lock.");
        }
        json_object_put(why->body);
        why->body = NULL;
        action = "report.lock_break";
        detail = arena_printf(op->a, "lock held by %s broken", login);
    }
    uint64_t n = 0;
    /* the user's own lock or the broken one; an expired one of anybody's
     * goes too, without a word (it was over already) */
    st = db_query(db, op->a, "DELETE FROM report_locks WHERE report_id = ? AND (user_id = ? OR ?)",
                  DB_ARGS(DB_STR(fr->id), DB_INT(op->user->id), DB_INT(detail != NULL)), NULL, &n);
    if (st == DB_OK && n)
        st = audit_log(op, NULL, action, "report", fr->id, AUDIT_OK, detail);
    if (st == DB_OK)
        st = db_query(db, op->a, "DELETE FROM report_locks WHERE report_id = ? AND expires_at <= UTC_TIMESTAMP(3)",
                      DB_ARGS(DB_STR(fr->id)), NULL, NULL);
    return txn_result(st);
}

op_result report_lock(op_ctx *op, const char *id, bool acquire_it, bool force, json_object **out, refusal *why)
{
    memset(why, 0, sizeof *why);
    if (out)
        *out = NULL;
    flow_report fr;
    op_result res = flow_load(op, id, &fr, why);
    if (res != OP_OK)
        return res;
    return acquire_it ? acquire(op, &fr, out, why) : release(op, &fr, force, why);
}
