#include "reports/list.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "db/txn.h"
#include "reports/report.h"
#include "tenant/resolve.h"
#include "util/buf.h"
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

void report_q_arg(report_q *x, db_arg a)
{
    if (x->n < x->cap)
        x->args[x->n++] = a;
}

#define arg report_q_arg

void reports_filter_init(op_ctx *op, report_q *x, size_t extra)
{
    memset(x, 0, sizeof *x);
    x->cap = REPORT_Q_ARGS + extra;
    x->args = arena_calloc(op->a, x->cap, sizeof(db_arg));
    buf_init(&x->sql, op->a);
}

void reports_filter_with(op_ctx *op, const report_filter *f, report_q *x)
{
    (void)op;
    if (f->label) {
        buf_adds(&x->sql, "WITH RECURSIVE sub (id) AS (SELECT id FROM labels WHERE id = ? UNION SELECT l.id FROM labels l "
                          "JOIN sub ON l.parent_id = sub.id) ");
        arg(x, DB_INT(f->label));
    }
}

/* a value the search index holds (reports_filter_from reads it first) */
static bool value_from_index(const report_filter *f)
{
    return f->value_text && f->value_indexed && f->definition;
}

void reports_filter_from(op_ctx *op, const report_filter *f, report_q *x)
{
    bool by_index = value_from_index(f);
    if (by_index) {
        /* the few reports holding the value come first: the index's entries
         * (definition, cluster, CRC32, newest first), then their rows by
         * reports.seq */
        buf_adds(&x->sql, "report_search s STRAIGHT_JOIN reports rp ON rp.seq = s.seq ");
    } else if (x->in_key_order) {
        bool one_status = f->status && !strchr(f->status, ',');
        buf_adds(&x->sql, f->definition && one_status ? "reports rp FORCE INDEX (reports_def_status_created) "
                          : f->definition          ? "reports rp FORCE INDEX (reports_def_created) "
                          : one_status             ? "reports rp FORCE INDEX (reports_status_created) "
                                                   : "reports rp FORCE INDEX (reports_created) ");
    } else {
        buf_adds(&x->sql, "reports rp ");
    }
    buf_adds(&x->sql, "WHERE rp.deleted_at IS NULL ");
    if (by_index) {
        buf_adds(&x->sql, "AND s.definition_id = ? AND s.field = ? AND s.vhash = CRC32(?) ");
        arg(x, DB_INT(f->definition));
        arg(x, DB_INT((long long)f->value_sheet * 100000 + f->value_cluster));
        arg(x, DB_STR(f->value_text));
    }
    const char *scopes = op->user ? perm_scopes(op, "def.reports.view") : NULL;
    if (scopes) {   /* NULL: the user may see every definition's reports (the system too) */
        buf_adds(&x->sql, "AND (rp.created_by = ? OR FIND_IN_SET(rp.definition_id, ?)) ");
        arg(x, DB_INT(op->user->id));
        arg(x, DB_STR(scopes));
    }
    if (f->status) {   /* one, or several: "completed,approved" */
        buf_adds(&x->sql, strchr(f->status, ',') ? "AND FIND_IN_SET(rp.status, ?) " : "AND rp.status = ? ");
        arg(x, DB_STR(f->status));
    }
    if (f->definition) {
        buf_adds(&x->sql, "AND rp.definition_id = ? ");
        arg(x, DB_INT(f->definition));
    }
    if (f->mine && op->user) {
        buf_adds(&x->sql, "AND rp.created_by = ? ");
        arg(x, DB_INT(op->user->id));
    }
    if (f->updated_since) {
        buf_adds(&x->sql, "AND rp.updated_at > ? ");
        arg(x, DB_STR(f->updated_since));
    }
    /* the creation dates are the customer's days: [start of from, start of the day after to) */
    char *from_utc = arena_alloc(op->a, 20), *to_utc = arena_alloc(op->a, 20);
    const char *created = by_index ? "s.created_at" : "rp.created_at";   /* the same time; the index's is in order */
    if (f->from && tz_day_start_sql(tenant_zone(op->tenant), f->from, 0, from_utc)) {
        buf_printf(&x->sql, "AND %s >= ? ", created);
        arg(x, DB_STR(from_utc));
    }
    if (f->to && tz_day_start_sql(tenant_zone(op->tenant), f->to, 1, to_utc)) {
        buf_printf(&x->sql, "AND %s < ? ", created);
        arg(x, DB_STR(to_utc));
    }
    if (f->creator) {
        buf_adds(&x->sql, "AND rp.created_by = (SELECT id FROM users WHERE login = ?) ");
        arg(x, DB_STR(f->creator));
    }
    if (f->label)
        buf_adds(&x->sql, "AND rp.definition_id IN (SELECT definition_id FROM definition_labels WHERE label_id IN "
                          "(SELECT id FROM sub)) ");
    if (f->text) {
        buf_adds(&x->sql, "AND (rp.name LIKE CONCAT('%', ?, '%') OR rp.number LIKE CONCAT('%', ?, '%')) ");
        arg(x, DB_STR(f->text));
        arg(x, DB_STR(f->text));
    }
    for (int i = 0; i < REPORT_REMARKS + REPORT_SYSKEYS; i++) {
        const char *v = i < REPORT_REMARKS ? f->remarks[i] : f->system_keys[i - REPORT_REMARKS];
        if (v) {
            buf_printf(&x->sql, "AND rp.%s = ? ", report_extra_cols[i]);
            arg(x, DB_STR(v));
        }
    }
    if (f->remarks_text) {
        buf_adds(&x->sql, "AND CONCAT_WS('\\n', rp.remarks1, rp.remarks2, rp.remarks3, rp.remarks4, rp.remarks5, rp.remarks6, "
                          "rp.remarks7, rp.remarks8, rp.remarks9, rp.remarks10) LIKE CONCAT('%', ?, '%') ");
        arg(x, DB_STR(f->remarks_text));
    }
    if (f->system_key_any) {
        buf_adds(&x->sql, "AND ? IN (rp.system_key1, rp.system_key2, rp.system_key3, rp.system_key4, rp.system_key5) ");
        arg(x, DB_STR(f->system_key_any));
    }
    if (f->value_text) {   /* the value itself (the index holds its CRC32; other types: read every report's) */
        buf_adds(&x->sql, "AND rp.definition_id = ? AND JSON_VALUE(rp.vals, ?) = ? ");
        arg(x, DB_INT(f->definition));
        arg(x, DB_STR(arena_printf(op->a, "$.\"%d/%d\".v", f->value_sheet, f->value_cluster)));
        arg(x, DB_STR(f->value_text));
    }
}

json_object *reports_list(op_ctx *op, const report_filter *f, bool console, op_result *res)
{
    const char *cat = NULL, *cid = NULL;
    if (!parse_cursor(op, f->cursor, &cat, &cid)) {
        *res = OP_INVALID;
        return NULL;
    }
    /* the console orders by creation (newest first), the API by change
     * (oldest first); only the filters in use are in the statement, so
     * MariaDB plans each shape for what it is (indexes: reports_created,
     * reports_def_created, reports_updated, reports_definition,
     * reports_creator; a value through report_search) */
    const char *order_col = console ? "rp.created_at" : "rp.updated_at", *dir = console ? "DESC" : "ASC";
    /* a search by an indexed value reads the index's entries in their order
     * (the report's creation, then reports.seq) and stops at the page: the
     * same order as the lists' but for reports created in the same
     * millisecond, which come in the order they were stored */
    bool by_search = console && value_from_index(f);
    const char *pick_col = by_search ? "s.created_at" : order_col, *pick_tie = by_search ? "s.seq" : "rp.id",
               *tie = by_search ? "rp.seq" : "rp.id";
    report_q x;
    reports_filter_init(op, &x, 0);
    reports_filter_with(op, f, &x);
    buf_printf(&x.sql,
               "SELECT rp.id, rp.definition_id, rp.definition_revision, rp.name, rp.number, rp.status, rp.stage, rp.rev, "
               "DATE_FORMAT(rp.created_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ'), c.login, "
               "DATE_FORMAT(rp.updated_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ'), u.login, DATE_FORMAT(%s, '%%Y-%%m-%%dT%%H:%%i:%%s.%%f'), "
               "d.name, " REPORT_EXTRA_SELECT("rp.") " FROM (SELECT rp.id FROM ",
               order_col);
    reports_filter_from(op, f, &x);
    if (cat) {
        const char *cmp = console ? "<" : ">";
        buf_printf(&x.sql, "AND (%s %s ? OR (%s = ? AND %s %s %s)) ", pick_col, cmp, pick_col, pick_tie, cmp,
                   by_search ? "(SELECT seq FROM reports WHERE id = ?)" : "?");
        arg(&x, DB_STR(cat));
        arg(&x, DB_STR(cat));
        arg(&x, DB_STR(cid));
    }
    /* the page is picked from reports alone (one table: its order comes
     * from an index, the scan stops at the limit), then joined to its
     * users and definition; with the joins in one statement MariaDB was
     * seen to switch to a full scan and a sort (users joined through a
     * join buffer) once the users table had statistics */
    buf_printf(&x.sql,
               "ORDER BY %s %s, %s %s LIMIT %d) pick STRAIGHT_JOIN reports rp ON rp.id = pick.id "
               "STRAIGHT_JOIN users c FORCE INDEX (PRIMARY) ON c.id = rp.created_by "
               "STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = rp.updated_by "
               "STRAIGHT_JOIN definitions d FORCE INDEX (PRIMARY) ON d.id = rp.definition_id "
               "ORDER BY %s %s, %s %s",
               pick_col, dir, pick_tie, dir, f->limit + 1, order_col, dir, tie, dir);
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, x.sql.data, x.args, x.n, &rows, NULL);
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
        report_extras_json(o, &rows, i, 14);
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
