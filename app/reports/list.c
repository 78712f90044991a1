#include "reports/list.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cursor: "<time, 23 chars>_<report id>" */
static bool parse_cursor(op_ctx *op, const char *c, const char **at, const char **id)
{
    if (!c)
        return true;
    if (strlen(c) != 23 + 1 + 36 || c[23] != '_')
        return false;
    char *t = arena_strndup(op->a, c, 23);
    t[10] = ' ';
    int y, mo, d, h, mi, s, ms;
    if (sscanf(t, "%4d-%2d-%2d %2d:%2d:%2d.%3d", &y, &mo, &d, &h, &mi, &s, &ms) != 7)
        return false;
    for (const char *p = c + 24; *p; p++)
        if (!strchr("0123456789abcdef-", *p))
            return false;
    *at = t;
    *id = c + 24;
    return true;
}

json_object *reports_list(op_ctx *op, const report_filter *f, bool console, op_result *res)
{
    const char *cat = NULL, *cid = NULL;
    if (!parse_cursor(op, f->cursor, &cat, &cid)) {
        *res = OP_INVALID;
        return NULL;
    }
    const char *scopes = perm_scopes(op, "def.reports.view");
    /* the console orders by creation (newest first), the API by change (oldest first) */
    const char *order_col = console ? "rp.created_at" : "rp.updated_at";
    const char *sql = arena_printf(
        op->a,
        "WITH RECURSIVE sub (id) AS (SELECT id FROM labels WHERE id = ? UNION SELECT l.id FROM labels l JOIN sub ON "
        "l.parent_id = sub.id) "
        "SELECT rp.id, rp.definition_id, rp.definition_revision, rp.name, rp.number, rp.status, rp.stage, rp.rev, "
        "DATE_FORMAT(rp.created_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ'), c.login, DATE_FORMAT(rp.updated_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ'), "
        "u.login, DATE_FORMAT(%s, '%%Y-%%m-%%dT%%H:%%i:%%s.%%f'), d.name "
        "FROM reports rp JOIN users c ON c.id = rp.created_by JOIN users u ON u.id = rp.updated_by "
        "JOIN definitions d ON d.id = rp.definition_id "
        "WHERE rp.deleted_at IS NULL AND (rp.created_by = ? OR ? IS NULL OR FIND_IN_SET(rp.definition_id, ?)) "
        "AND (? IS NULL OR rp.status = ?) AND (? = 0 OR rp.definition_id = ?) AND (? = 0 OR rp.created_by = ?) "
        "AND (? IS NULL OR rp.updated_at > ?) AND (? IS NULL OR rp.created_at >= ?) "
        "AND (? IS NULL OR rp.created_at < ?) AND (? IS NULL OR c.login = ?) "
        "AND (? = 0 OR rp.definition_id IN (SELECT definition_id FROM definition_labels WHERE label_id IN (SELECT id FROM sub))) "
        "AND (? IS NULL OR rp.name LIKE CONCAT('%%', ?, '%%') OR rp.number LIKE CONCAT('%%', ?, '%%')) "
        /* one cluster's value, checked against the value itself: of an indexed
         * type, among the narrow index's candidates (report_search); else
         * among the definition's reports */
        "AND (? IS NULL OR ((? = 0 OR rp.seq IN (SELECT s.seq FROM report_search s WHERE s.definition_id = ? "
        "AND s.field = ? AND s.vhash = CRC32(?))) AND rp.definition_id = ? AND JSON_VALUE(rp.vals, ?) = ?)) "
        "AND (? IS NULL OR %s %s ? OR (%s = ? AND rp.id %s ?)) "
        "ORDER BY %s %s, rp.id %s LIMIT ?",
        order_col, order_col, console ? "<" : ">", order_col, console ? "<" : ">", order_col, console ? "DESC" : "ASC",
        console ? "DESC" : "ASC");
    /* the creation dates are the customer's days: [start of from, start of the day after to) */
    char from_utc[20], to_utc[20];
    const char *from = f->from && tz_day_start_sql(tenant_zone(op->tenant), f->from, 0, from_utc) ? from_utc : NULL;
    const char *to = f->to && tz_day_start_sql(tenant_zone(op->tenant), f->to, 1, to_utc) ? to_utc : NULL;
    db_rows rows;
    long long me = op->user->id;
    db_status st = db_query(
        op->tenant->db, op->a, sql,
        DB_ARGS(DB_INT(f->label), DB_INT(me), DB_STR(scopes), DB_STR(scopes), DB_STR(f->status), DB_STR(f->status),
                DB_INT(f->definition), DB_INT(f->definition), DB_INT(f->mine), DB_INT(me), DB_STR(f->updated_since),
                DB_STR(f->updated_since), DB_STR(from), DB_STR(from), DB_STR(to), DB_STR(to),
                DB_STR(f->creator), DB_STR(f->creator), DB_INT(f->label), DB_STR(f->text), DB_STR(f->text),
                DB_STR(f->text), DB_STR(f->value_text), DB_INT(f->value_indexed), DB_INT(f->definition),
                DB_INT((long long)f->value_sheet * 100000 + f->value_cluster), DB_STR(f->value_text),
                DB_INT(f->definition),
                DB_STR(arena_printf(op->a, "$.\"%d/%d\".v", f->value_sheet, f->value_cluster)), DB_STR(f->value_text),
                DB_STR(cat), DB_STR(cat), DB_STR(cat), DB_STR(cid), DB_INT(f->limit + 1)),
        &rows, NULL);
    *res = txn_result(st);
    if (st != DB_OK)
        return NULL;
    bool more = rows.nrows > (size_t)f->limit;
    if (more)
        rows.nrows = (size_t)f->limit;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < rows.nrows; i++) {
        json_object *o = json_object_new_object();
        jx_add_str(o, "id", db_cell(&rows, i, 0));
        jx_add_int(o, "definition_id", atoll(db_cell(&rows, i, 1)));
        jx_add_int(o, "definition_revision", atoll(db_cell(&rows, i, 2)));
        jx_add_str(o, "definition_name", db_cell(&rows, i, 13));
        jx_add_str(o, "name", db_cell(&rows, i, 3));
        jx_add_str(o, "number", db_cell(&rows, i, 4));
        jx_add_str(o, "status", db_cell(&rows, i, 5));
        if (db_cell(&rows, i, 6))
            jx_add_int(o, "stage", atoll(db_cell(&rows, i, 6)));
        else
            jx_add_str(o, "stage", NULL);
        jx_add_int(o, "rev", atoll(db_cell(&rows, i, 7)));
        jx_add_str(o, "created_at", db_cell(&rows, i, 8));
        jx_add_str(o, "created_by", db_cell(&rows, i, 9));
        jx_add_str(o, "updated_at", db_cell(&rows, i, 10));
        jx_add_str(o, "updated_by", db_cell(&rows, i, 11));
        json_object_array_add(arr, o);
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "reports", arr);
    if (more)
        jx_add_str(out, "next_cursor", arena_printf(op->a, "%.23s_%s", db_cell(&rows, rows.nrows - 1, 12),
                                                    db_cell(&rows, rows.nrows - 1, 0)));
    else
        jx_add_str(out, "next_cursor", NULL);
    return out;
}
