#include "reports/report.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "db/txn.h"
#include "reports/values.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void report_extras_json(json_object *o, const db_rows *rows, size_t row, int col)
{
    for (int k = 0; k < 2; k++) {
        json_object *x = json_object_new_object();
        int n = k ? REPORT_SYSKEYS : REPORT_REMARKS, base = col + (k ? REPORT_REMARKS : 0);
        for (int i = 0; i < n; i++) {
            const char *v = db_cell(rows, row, base + i);
            if (v && *v) {
                char key[4];
                snprintf(key, sizeof key, "%d", i + 1);
                jx_add_str(x, key, v);
            }
        }
        json_object_object_add(o, k ? "system_keys" : "remarks", x);
    }
}

json_object *report_json(op_ctx *op, const char *id, op_result *res)
{
    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st = db_query(db, op->a,
                            "SELECT rp.id, rp.definition_id, rp.definition_revision, rp.name, rp.number, rp.status, rp.stage, "
                            "rp.rev, DATE_FORMAT(rp.created_at, '%Y-%m-%dT%H:%i:%sZ'), c.login, "
                            "DATE_FORMAT(rp.updated_at, '%Y-%m-%dT%H:%i:%sZ'), u.login, rp.created_by, rp.vals, "
                            REPORT_EXTRA_SELECT("rp.") " "
                            "FROM reports rp JOIN users c ON c.id = rp.created_by JOIN users u ON u.id = rp.updated_by "
                            "WHERE rp.id = ? AND rp.deleted_at IS NULL",
                            DB_ARGS(DB_STR(id)), &rows, NULL);
    if (st != DB_OK || !rows.nrows) {
        *res = st != DB_OK ? txn_result(st) : OP_NOT_FOUND;
        return NULL;
    }
    const char *scope = db_cell(&rows, 0, 1);
    if (atoll(db_cell(&rows, 0, 12)) != op->user->id && !perm_has(op, "def.reports.view", scope)) {
        *res = OP_NOT_FOUND;
        return NULL;
    }
    json_object *o = json_object_new_object();
    jx_add_str(o, "id", db_cell(&rows, 0, 0));
    jx_add_int(o, "definition_id", atoll(db_cell(&rows, 0, 1)));
    jx_add_int(o, "definition_revision", atoll(db_cell(&rows, 0, 2)));
    jx_add_str(o, "name", db_cell(&rows, 0, 3));
    jx_add_str(o, "number", db_cell(&rows, 0, 4));
    jx_add_str(o, "status", db_cell(&rows, 0, 5));
    if (db_cell(&rows, 0, 6))
        jx_add_int(o, "stage", atoll(db_cell(&rows, 0, 6)));
    else
        jx_add_str(o, "stage", NULL);
    jx_add_int(o, "rev", atoll(db_cell(&rows, 0, 7)));
    jx_add_str(o, "created_at", db_cell(&rows, 0, 8));
    jx_add_str(o, "created_by", db_cell(&rows, 0, 9));
    jx_add_str(o, "updated_at", db_cell(&rows, 0, 10));
    jx_add_str(o, "updated_by", db_cell(&rows, 0, 11));
    report_extras_json(o, &rows, 0, 14);

    rvals vals;
    if (!rvals_parse(op->a, db_cell(&rows, 0, 13), &vals)) {
        log_error("req id=%s tenant=%s: the stored values of report %s do not parse", op->req_id, op->tenant->code, id);
        json_object_put(o);
        *res = OP_ERROR;
        return NULL;
    }
    json_object *values = rvals_api_json(&vals);
    json_object_object_add(o, "values", values);
    db_rows at;
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "SELECT sheet_no, cluster_id, sha256, size, content_type FROM report_attachments WHERE report_id = ? "
                      "ORDER BY sheet_no, cluster_id",
                      DB_ARGS(DB_STR(id)), &at, NULL);
    json_object *atts = json_object_new_array();
    for (size_t i = 0; st == DB_OK && i < at.nrows; i++) {
        json_object *x = json_object_new_object();
        jx_add_int(x, "sheet", atoll(db_cell(&at, i, 0)));
        jx_add_int(x, "cluster", atoll(db_cell(&at, i, 1)));
        jx_add_str(x, "sha256", db_cell(&at, i, 2));
        jx_add_int(x, "size", atoll(db_cell(&at, i, 3)));
        jx_add_str(x, "content_type", db_cell(&at, i, 4));
        json_object_array_add(atts, x);
    }
    json_object_object_add(o, "attachments", atts);
    db_rows ap;
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "SELECT a.stage, a.action, u.login, u.name, a.comment, DATE_FORMAT(a.at, '%Y-%m-%dT%H:%i:%sZ') FROM "
                      "report_approvals a JOIN users u ON u.id = a.user_id WHERE a.report_id = ? ORDER BY a.id",
                      DB_ARGS(DB_STR(id)), &ap, NULL);
    json_object *apps = json_object_new_array();
    for (size_t i = 0; st == DB_OK && i < ap.nrows; i++) {
        json_object *x = json_object_new_object();
        jx_add_int(x, "stage", atoll(db_cell(&ap, i, 0)));
        jx_add_str(x, "action", db_cell(&ap, i, 1));
        jx_add_str(x, "user", db_cell(&ap, i, 2));
        jx_add_str(x, "user_name", db_cell(&ap, i, 3));
        jx_add_str(x, "comment", db_cell(&ap, i, 4));
        jx_add_str(x, "at", db_cell(&ap, i, 5));
        json_object_array_add(apps, x);
    }
    json_object_object_add(o, "approvals", apps);
    if (st != DB_OK) {
        json_object_put(o);
        *res = txn_result(st);
        return NULL;
    }
    *res = OP_OK;
    return o;
}
