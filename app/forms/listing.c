#include "forms/listing.h"
#include "auth/perm.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cursor: "<updated_at as YYYY-MM-DD HH:MM:SS.mmm>|<id>" hex-free text, opaque to clients */
static bool parse_cursor(op_ctx *op, const char *c, const char **at, long long *id)
{
    const char *bar = strchr(c, '_');
    if (!bar || bar - c != 23)
        return false;
    char *s = arena_strndup(op->a, c, 23);
    s[10] = ' ';
    int y, mo, d, h, mi, se, ms;
    if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d.%3d", &y, &mo, &d, &h, &mi, &se, &ms) != 7)
        return false;
    char *end;
    *id = strtoll(bar + 1, &end, 10);
    if (*end || *id <= 0)
        return false;
    *at = s;
    return true;
}

json_object *deflisting_page(op_ctx *op, const def_listing_query *q, op_result *res)
{
    const char *cur_at = NULL;
    long long cur_id = 0;
    if (q->cursor && !parse_cursor(op, q->cursor, &cur_at, &cur_id)) {
        *res = OP_INVALID;
        return NULL;
    }
    bool tester = perm_has(op, "tester", NULL);
    const char *scopes = perm_scopes(op, "def.view");
    db_rows rows;
    db_status st = db_query(
        op->tenant->db, op->a,
        "WITH RECURSIVE sub (id) AS (SELECT id FROM labels WHERE id = ? UNION SELECT l.id FROM labels l JOIN sub ON "
        "l.parent_id = sub.id), "
        "usable AS (SELECT v.definition_id, MAX(v.revision) AS revision FROM definition_revisions v "
        "WHERE (v.status = 'published' OR (? AND v.status = 'test')) "
        "AND (v.available_from IS NULL OR v.available_from <= UTC_DATE()) "
        "AND (v.available_until IS NULL OR v.available_until >= UTC_DATE()) GROUP BY v.definition_id) "
        "SELECT d.id, u.revision, v.name, v.status, DATE_FORMAT(d.updated_at, '%Y-%m-%dT%H:%i:%sZ'), v.sha256, "
        "DATE_FORMAT(d.updated_at, '%Y-%m-%dT%H:%i:%s.%f'), "
        "(SELECT GROUP_CONCAT(dl.label_id ORDER BY dl.label_id) FROM definition_labels dl WHERE dl.definition_id = d.id) "
        "FROM definitions d JOIN usable u ON u.definition_id = d.id "
        "JOIN definition_revisions v ON v.definition_id = d.id AND v.revision = u.revision "
        "WHERE (? IS NULL OR FIND_IN_SET(d.id, ?)) AND (? IS NULL OR d.updated_at > ?) "
        "AND (? = 0 OR d.id IN (SELECT definition_id FROM definition_labels WHERE label_id IN (SELECT id FROM sub))) "
        "AND (? IS NULL OR d.updated_at < ? OR (d.updated_at = ? AND d.id < ?)) "
        "ORDER BY d.updated_at DESC, d.id DESC LIMIT ?",
        DB_ARGS(DB_INT(q->label), DB_INT(tester), DB_STR(scopes), DB_STR(scopes), DB_STR(q->updated_since),
                DB_STR(q->updated_since), DB_INT(q->label), DB_STR(cur_at), DB_STR(cur_at), DB_STR(cur_at),
                DB_INT(cur_id), DB_INT(q->limit + 1)),
        &rows, NULL);
    *res = txn_result(st);
    if (st != DB_OK)
        return NULL;
    bool more = rows.nrows > (size_t)q->limit;
    if (more)
        rows.nrows = (size_t)q->limit;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < rows.nrows; i++) {
        json_object *o = json_object_new_object(), *labels = json_object_new_array();
        jx_add_int(o, "id", atoll(db_cell(&rows, i, 0)));
        jx_add_int(o, "revision", atoll(db_cell(&rows, i, 1)));
        jx_add_str(o, "name", db_cell(&rows, i, 2));
        jx_add_str(o, "status", db_cell(&rows, i, 3));
        const char *l = db_cell(&rows, i, 7);
        while (l && *l) {
            json_object_array_add(labels, json_object_new_int64(atoll(l)));
            l = strchr(l, ',');
            l = l ? l + 1 : NULL;
        }
        json_object_object_add(o, "labels", labels);
        jx_add_str(o, "updated_at", db_cell(&rows, i, 4));
        jx_add_str(o, "etag", arena_printf(op->a, "\"%s-%.16s\"", db_cell(&rows, i, 1), db_cell(&rows, i, 5)));
        json_object_array_add(arr, o);
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "definitions", arr);
    if (more) {
        const char *at = db_cell(&rows, rows.nrows - 1, 6);   /* microseconds; the column keeps milliseconds */
        jx_add_str(out, "next_cursor", arena_printf(op->a, "%.23s_%s", at, db_cell(&rows, rows.nrows - 1, 0)));
    } else {
        jx_add_str(out, "next_cursor", NULL);
    }
    return out;
}
