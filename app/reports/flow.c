/* The report workflow: copies, deletion (and the purge of old deletions),
 * the history of values, and what approve.c and lock.c share (flow.h). */
#include "reports/flow.h"
#include "tenant/audit.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "db/txn.h"
#include "forms/value.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


op_result flow_load(op_ctx *op, const char *id, flow_report *fr, refusal *why)
{
    memset(fr, 0, sizeof *fr);
    if (!id || strlen(id) > 64)
        return refuse(why, REF_NOT_FOUND, "not_found", "There is no such report.");
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT id, definition_id, definition_revision, rev, status, stage, created_by, applicant_id "
                            "FROM reports WHERE id = ? AND deleted_at IS NULL FOR UPDATE",
                            DB_ARGS(DB_STR(id)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (!rows.nrows)
        return refuse(why, REF_NOT_FOUND, "not_found", "There is no such report.");
    fr->id = db_cell(&rows, 0, 0);
    fr->def_id = atoll(db_cell(&rows, 0, 1));
    fr->def_rev = atoi(db_cell(&rows, 0, 2));
    fr->rev = atoi(db_cell(&rows, 0, 3));
    fr->status = db_cell(&rows, 0, 4);
    fr->stage = db_cell(&rows, 0, 5) ? atoi(db_cell(&rows, 0, 5)) : 0;
    fr->created_by = atoll(db_cell(&rows, 0, 6));
    fr->applicant_id = db_cell(&rows, 0, 7) ? atoll(db_cell(&rows, 0, 7)) : 0;
    fr->scope = db_cell(&rows, 0, 1);
    fr->own = fr->created_by == op->user->id;
    if (!fr->own && !perm_has(op, "def.reports.view", fr->scope))
        return refuse(why, REF_NOT_FOUND, "not_found", "There is no such report.");
    return OP_OK;
}

bool flow_may_edit(op_ctx *op, const flow_report *fr)
{
    return (fr->own && perm_has(op, "def.reports.create", fr->scope)) || perm_has(op, "def.reports.edit", fr->scope);
}

op_result flow_stale(op_ctx *op, const char *id, refusal *why)
{
    op_result res;
    why->body = report_json(op, id, &res);
    if (!why->body)
        return res;
    return refuse(why, REF_STALE, "stale_revision", "The report changed since you read it; the current report is in the body.");
}

db_status flow_other_holder(op_ctx *op, const char *id, json_object **body, const char **login)
{
    *body = NULL;
    db_rows lk;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT l.user_id, u.login, u.name, DATE_FORMAT(l.expires_at, '%Y-%m-%dT%H:%i:%sZ') FROM "
                            "report_locks l JOIN users u ON u.id = l.user_id WHERE l.report_id = ? AND l.user_id <> ? "
                            "AND l.expires_at > UTC_TIMESTAMP(3)",
                            DB_ARGS(DB_STR(id), DB_INT(op->user->id)), &lk, NULL);
    if (st != DB_OK || !lk.nrows)
        return st;
    json_object *h = json_object_new_object(), *o = json_object_new_object();
    jx_add_int(h, "id", atoll(db_cell(&lk, 0, 0)));
    jx_add_str(h, "login", db_cell(&lk, 0, 1));
    jx_add_str(h, "name", db_cell(&lk, 0, 2));
    json_object_object_add(o, "holder", h);
    jx_add_str(o, "expires_at", db_cell(&lk, 0, 3));
    *body = o;
    if (login)
        *login = db_cell(&lk, 0, 1);
    return DB_OK;
}

db_status flow_set_value(op_ctx *op, const char *id, int rev, int sheet, int cluster, const char *old, const char *value)
{
    if (!strcmp(old ? old : "", value ? value : ""))
        return DB_OK;
    db_conn *db = op->tenant->db;
    db_status st = db_query(db, op->a,
                            "INSERT INTO report_values (report_id, sheet_no, cluster_id, value, edited_by, edited_at, "
                            "device_id) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?) ON DUPLICATE KEY UPDATE value = "
                            "VALUES(value), out_of_normal = 0, edited_by = VALUES(edited_by), edited_at = "
                            "VALUES(edited_at), device_id = VALUES(device_id)",
                            DB_ARGS(DB_STR(id), DB_INT(sheet), DB_INT(cluster), DB_STR(value ? value : ""),
                                    DB_INT(op->user->id), DB_STR(op->user->device_id)),
                            NULL, NULL);
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "INSERT INTO report_history (report_id, rev, sheet_no, cluster_id, old_value, new_value, user_id, "
                      "device_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))",
                      DB_ARGS(DB_STR(id), DB_INT(rev), DB_INT(sheet), DB_INT(cluster), DB_STR(old),
                              DB_STR(value ? value : ""), DB_INT(op->user->id), DB_STR(op->user->device_id)),
                      NULL, NULL);
    return st;
}

/* ---- copy ---- */

/* Drop the values e complains about ("sheet/cluster" fields); false when
 * none of them was one of w's. */
static bool drop_refused(report_write *w, const errs *e)
{
    bool dropped = false;
    for (int i = 0; i < w->nvalues;) {
        bool bad = false;
        for (int k = 0; k < e->n && !bad; k++) {
            int s, c;
            bad = e->e[k].field && sscanf(e->e[k].field, "%d/%d", &s, &c) == 2 && s == w->values[i].sheet &&
                  c == w->values[i].cluster;
        }
        if (bad) {
            w->values[i] = w->values[--w->nvalues];
            dropped = true;
        } else {
            i++;
        }
    }
    return dropped;
}

op_result report_copy(op_ctx *op, const char *src, const char *new_id, refusal *why)
{
    memset(why, 0, sizeof *why);
    flow_report fr;
    op_result res = flow_load(op, src, &fr, why);   /* the source stays put while it is read */
    if (res != OP_OK)
        return res;
    const definition *d = report_definition(op, fr.def_id, fr.def_rev, &res);
    if (!d)
        return res == OP_NOT_FOUND ? refuse(why, REF_CONFLICT, "definition_gone", "The report's definition revision is not available.")
                                   : res;
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT sheet_no, cluster_id, value, gps FROM report_values WHERE report_id = ? AND value <> ''",
                            DB_ARGS(DB_STR(fr.id)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    report_write w = {.id = new_id, .definition_id = fr.def_id, .definition_revision = fr.def_rev};
    w.values = arena_calloc(op->a, rows.nrows + 1, sizeof *w.values);
    for (size_t i = 0; i < rows.nrows; i++) {
        const def_cluster *c = def_find(d, atoi(db_cell(&rows, i, 0)), atoi(db_cell(&rows, i, 1)));
        /* what the user entered, not what the server computes or signs, nor attachments */
        if (!c || !c->copy_on_duplicate || value_server_computed(c->type) || value_read_only(c->type))
            continue;
        report_value_in *v = &w.values[w.nvalues++];
        v->sheet = c->sheet_no;
        v->cluster = c->id;
        v->value = db_cell(&rows, i, 2);
        v->gps = db_cell(&rows, i, 3);
    }
    /* a value valid then may not be now (a date bound "today-7"): the copy
     * goes without it rather than failing; at most three attempts (all,
     * without the refused ones, none) -- a refused create writes nothing */
    errs e;
    for (int attempt = 0; attempt < 3; attempt++) {
        errs_init(&e, op->a);
        res = report_create(op, &w, &e, why);
        if (res != OP_INVALID || why->kind || !e.n)
            break;
        if (!drop_refused(&w, &e))
            w.nvalues = 0;
    }
    if (res == OP_INVALID && !why->kind)
        return refuse(why, REF_INVALID, "copy_not_valid", "The copy would not be a valid report.");
    if (res != OP_OK)
        return res;
    st = audit_log(op, NULL, "report.copy", "report", new_id, AUDIT_OK, arena_printf(op->a, "copy of %s", fr.id));
    return txn_result(st);
}

/* ---- delete ---- */

/* Physically delete reports deleted more than reports.purge_days (30) days
 * ago, at most 50 at a time: the ids come from a consistent (non-locking)
 * read, the rows go by primary key (so only those rows are locked); values,
 * history, approvals, locks and attachments go with them (ON DELETE
 * CASCADE).  Called by every deletion, in its transaction. */
static db_status purge(op_ctx *op, const char *except)
{
    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st = db_query(db, op->a,
                            "SELECT id FROM reports WHERE deleted_at IS NOT NULL AND id <> ? AND deleted_at < "
                            "UTC_TIMESTAMP(3) - INTERVAL COALESCE((SELECT CAST(value AS UNSIGNED) FROM settings WHERE "
                            "name = 'reports.purge_days'), 30) DAY ORDER BY id LIMIT 50",
                            DB_ARGS(DB_STR(except)), &rows, NULL);
    for (size_t i = 0; st == DB_OK && i < rows.nrows; i++) {
        uint64_t n = 0;
        st = db_query(db, op->a, "DELETE FROM reports WHERE id = ? AND deleted_at IS NOT NULL",
                      DB_ARGS(DB_STR(db_cell(&rows, i, 0))), NULL, &n);
        if (st == DB_OK && n)
            st = audit_log(op, NULL, "report.purge", "report", db_cell(&rows, i, 0), AUDIT_OK,
                           "deleted longer than reports.purge_days ago; removed for good");
    }
    if (st == DB_OK && rows.nrows)
        log_info("req id=%s: purged %zu deleted reports", op->req_id, rows.nrows);
    return st;
}

op_result report_delete(op_ctx *op, const char *id, int if_match, refusal *why)
{
    memset(why, 0, sizeof *why);
    flow_report fr;
    op_result res = flow_load(op, id, &fr, why);
    if (res != OP_OK)
        return res;
    bool deleter = perm_has(op, "def.reports.delete", fr.scope);
    if (!fr.own && !deleter)
        return refuse(why, REF_FORBIDDEN, "forbidden", "You may not delete this report.");
    if (fr.rev != if_match)
        return flow_stale(op, fr.id, why);
    if (!deleter) {
        /* the creator alone may not delete what is under approval (applicant
         * lock) or what someone else is editing right now */
        const definition *d = report_definition(op, fr.def_id, fr.def_rev, &res);
        if (!d && res != OP_NOT_FOUND)
            return res;
        if (d && d->applicant_lock && (!strcmp(fr.status, "applying") || !strcmp(fr.status, "approved")))
            return refuse(why, REF_CONFLICT, !strcmp(fr.status, "applying") ? "approval_pending" : "approved_locked",
                               "The report is under approval and cannot be deleted now.");
        const char *login;
        db_status st = flow_other_holder(op, fr.id, &why->body, &login);
        if (st != DB_OK)
            return txn_result(st);
        if (why->body)
            return refuse(why, REF_CONFLICT, "report_locked", arena_printf(op->a, "The report is being edited by %s.", login));
    }
    db_conn *db = op->tenant->db;
    db_status st = purge(op, fr.id);
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "UPDATE reports SET deleted_at = UTC_TIMESTAMP(3), rev = rev + 1, updated_by = ?, updated_at = "
                      "UTC_TIMESTAMP(3) WHERE id = ?",
                      DB_ARGS(DB_INT(op->user->id), DB_STR(fr.id)), NULL, NULL);
    if (st == DB_OK)
        st = db_query(db, op->a, "DELETE FROM report_locks WHERE report_id = ?", DB_ARGS(DB_STR(fr.id)), NULL, NULL);
    if (st == DB_OK)
        st = audit_log(op, NULL, "report.delete", "report", fr.id, AUDIT_OK, NULL);
    return txn_result(st);
}

/* ---- history ---- */

json_object *report_history(op_ctx *op, const char *id, op_result *res)
{
    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st = db_query(db, op->a, "SELECT definition_id, created_by FROM reports WHERE id = ? AND deleted_at IS NULL",
                            DB_ARGS(DB_STR(id)), &rows, NULL);
    if (st != DB_OK || !rows.nrows) {
        *res = st != DB_OK ? txn_result(st) : OP_NOT_FOUND;
        return NULL;
    }
    if (atoll(db_cell(&rows, 0, 1)) != op->user->id && !perm_has(op, "def.reports.view", db_cell(&rows, 0, 0))) {
        *res = OP_NOT_FOUND;
        return NULL;
    }
    db_rows h;
    st = db_query(db, op->a,
                  "SELECT h.rev, h.sheet_no, h.cluster_id, h.old_value, h.new_value, u.login, h.device_id, "
                  "DATE_FORMAT(h.at, '%Y-%m-%dT%H:%i:%sZ') FROM report_history h LEFT JOIN users u ON u.id = h.user_id "
                  "WHERE h.report_id = ? ORDER BY h.id",
                  DB_ARGS(DB_STR(id)), &h, NULL);
    if (st != DB_OK) {
        *res = txn_result(st);
        return NULL;
    }
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < h.nrows; i++) {
        json_object *x = json_object_new_object();
        jx_add_int(x, "rev", atoll(db_cell(&h, i, 0)));
        jx_add_int(x, "sheet", atoll(db_cell(&h, i, 1)));
        jx_add_int(x, "cluster", atoll(db_cell(&h, i, 2)));
        jx_add_str(x, "old", db_cell(&h, i, 3));
        jx_add_str(x, "new", db_cell(&h, i, 4));
        jx_add_str(x, "user", db_cell(&h, i, 5));
        jx_add_str(x, "device_id", db_cell(&h, i, 6));
        jx_add_str(x, "at", db_cell(&h, i, 7));
        json_object_array_add(arr, x);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "history", arr);
    *res = OP_OK;
    return o;
}
