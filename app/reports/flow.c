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
                            "SELECT id, definition_id, definition_revision, rev, status, stage, created_by, applicant_id, "
                            "seq, vals, remarks1, remarks2, remarks3, remarks4, remarks5, remarks6, remarks7, remarks8, remarks9, "
                            "remarks10, " RSEARCH_CREATED_MS " FROM reports WHERE id = ? AND deleted_at IS NULL FOR UPDATE",
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
    fr->seq = atoll(db_cell(&rows, 0, 8));
    fr->created_ms = atoll(db_cell(&rows, 0, 20));
    for (int i = 0; i < REPORT_REMARKS; i++)
        fr->remarks[i] = db_cell(&rows, 0, (size_t)(10 + i));
    if (!rvals_parse(op->a, db_cell(&rows, 0, 9), &fr->vals)) {
        log_error("req id=%s tenant=%s: the stored values of report %s do not parse", op->req_id, op->tenant->code,
                  fr->id);
        return OP_ERROR;
    }
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

db_status flow_set_values(op_ctx *op, const flow_report *fr, const definition *d, int rev, const char *kind,
                          const rvals *after, const char **text)
{
    *text = NULL;
    const char *changes = rvals_changes(op->a, &fr->vals, after);
    if (!changes)
        return DB_OK;
    db_status st = rvals_index(op, d, (rsearch_key){fr->def_id, fr->created_ms, fr->seq}, &fr->vals, after);
    if (st == DB_OK)
        st = report_event(op, fr->id, rev, kind, changes);
    if (st == DB_OK)
        *text = rvals_text(op->a, after);
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
    db_status st;
    report_write w = {.id = new_id, .definition_id = fr.def_id, .definition_revision = fr.def_rev};
    w.values = arena_calloc(op->a, (size_t)fr.vals.n + 1, sizeof *w.values);
    for (int i = 0; i < fr.vals.n; i++) {
        const rvalue *sv = &fr.vals.v[i];
        if (!*sv->value)
            continue;
        const def_cluster *c = def_find(d, sv->sheet, sv->cluster);
        /* what the user entered, not what the server computes or signs, nor attachments */
        if (!c || !c->copy_on_duplicate || value_server_computed(c->type) || value_read_only(c->type))
            continue;
        report_value_in *v = &w.values[w.nvalues++];
        v->sheet = c->sheet_no;
        v->cluster = c->id;
        v->value = sv->value;
        v->gps = sv->gps;
    }
    for (int i = 0; i < REPORT_REMARKS; i++)   /* the remarks go along; system keys name the original elsewhere: not */
        w.remarks[i] = fr.remarks[i] && *fr.remarks[i] ? fr.remarks[i] : NULL;
    /* a value valid then may not be now (a date bound "today-7"): the copy
     * goes without it rather than failing; at most three attempts (all,
     * without the refused ones, none) -- a refused create writes nothing */
    errs e;
    for (int attempt = 0; attempt < 3; attempt++) {
        errs_init(&e, op->a);
        res = report_create(op, &w, &e, why, NULL);
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
    rvals none = {0};   /* a deleted report is found by no search: its entries go now, by their keys */
    if (st == DB_OK)
        st = rvals_index(op, NULL, (rsearch_key){fr.def_id, fr.created_ms, fr.seq}, &fr.vals, &none);   /* NULL: every entry there may be */
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
    db_status st = db_query(db, op->a,
                            "SELECT r.definition_id, r.created_by, u.login, r.created_device, "
                            "DATE_FORMAT(r.created_at, '%Y-%m-%dT%H:%i:%sZ'), "
                            "NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.rev = 1) "
                            "FROM reports r LEFT JOIN users u ON u.id = r.created_by WHERE r.id = ? AND r.deleted_at IS NULL",
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
                  "SELECT e.rev, e.kind, u.login, e.device_id, DATE_FORMAT(e.at, '%Y-%m-%dT%H:%i:%sZ'), e.changes "
                  "FROM report_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.report_id = ? ORDER BY e.id",
                  DB_ARGS(DB_STR(id)), &h, NULL);
    if (st != DB_OK) {
        *res = txn_result(st);
        return NULL;
    }
    /* an entry per change; the create, one event that the report's row
     * records (reports converted from schema 4 have it as an event) */
    json_object *arr = json_object_new_array();
    if (!strcmp(db_cell(&rows, 0, 5), "1")) {
        json_object *x = json_object_new_object();
        jx_add_int(x, "rev", 1);
        jx_add_str(x, "event", "create");
        jx_add_str(x, "user", db_cell(&rows, 0, 2));
        jx_add_str(x, "device_id", db_cell(&rows, 0, 3));
        jx_add_str(x, "at", db_cell(&rows, 0, 4));
        json_object_array_add(arr, x);
    }
    for (size_t i = 0; i < h.nrows; i++) {
        json_object *changes = db_cell(&h, i, 5) ? json_tokener_parse(db_cell(&h, i, 5)) : NULL;
        size_t n = changes && json_object_is_type(changes, json_type_array) ? json_object_array_length(changes) : 0;
        for (size_t k = 0; k < (n ? n : 1); k++) {
            json_object *x = json_object_new_object(), *c = n ? json_object_array_get_idx(changes, k) : NULL;
            jx_add_int(x, "rev", atoll(db_cell(&h, i, 0)));
            jx_add_str(x, "event", db_cell(&h, i, 1));
            json_object *rk = c ? json_object_object_get(c, "r") : NULL;
            if (rk) {   /* a remark: remarksValueN */
                jx_add_int(x, "remark", json_object_get_int(rk));
                json_object *o = json_object_object_get(c, "o"), *nw = json_object_object_get(c, "n");
                jx_add_str(x, "old", o ? json_object_get_string(o) : NULL);
                jx_add_str(x, "new", nw ? json_object_get_string(nw) : NULL);
            } else if (c) {
                jx_add_int(x, "sheet", json_object_get_int(json_object_object_get(c, "s")));
                jx_add_int(x, "cluster", json_object_get_int(json_object_object_get(c, "c")));
                json_object *o = json_object_object_get(c, "o"), *nw = json_object_object_get(c, "n");
                jx_add_str(x, "old", o ? json_object_get_string(o) : NULL);
                jx_add_str(x, "new", nw ? json_object_get_string(nw) : NULL);
            }
            jx_add_str(x, "user", db_cell(&h, i, 2));
            jx_add_str(x, "device_id", db_cell(&h, i, 3));
            jx_add_str(x, "at", db_cell(&h, i, 4));
            json_object_array_add(arr, x);
        }
        json_object_put(changes);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "history", arr);
    *res = OP_OK;
    return o;
}
