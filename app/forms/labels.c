#include "forms/labels.h"
#include "tenant/audit.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"
#include "util/str.h"

#include <stdlib.h>

json_object *labels_list(op_ctx *op, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "WITH RECURSIVE t (id, name, parent_id, path) AS (SELECT id, name, parent_id, "
                            "CAST(name AS CHAR(1000)) FROM labels WHERE parent_id IS NULL UNION ALL SELECT l.id, l.name, "
                            "l.parent_id, CONCAT(t.path, ' / ', l.name) FROM labels l JOIN t ON l.parent_id = t.id) "
                            "SELECT id, name, parent_id, path FROM t ORDER BY path",
                            DB_NOARGS, &rows, NULL);
    *res = txn_result(st);
    if (st != DB_OK)
        return NULL;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < rows.nrows; i++) {
        json_object *o = json_object_new_object();
        jx_add_int(o, "id", atoll(db_cell(&rows, i, 0)));
        jx_add_str(o, "name", db_cell(&rows, i, 1));
        if (db_cell(&rows, i, 2))
            jx_add_int(o, "parent_id", atoll(db_cell(&rows, i, 2)));
        else
            jx_add_str(o, "parent_id", NULL);
        jx_add_str(o, "path", db_cell(&rows, i, 3));
        json_object_array_add(arr, o);
    }
    return arr;
}

op_result labels_create(op_ctx *op, const char *name, long long parent, errs *e, long long *id)
{
    if (!name || !*name || str_utf8_len(name) > 100) {
        errs_add(e, "name", name && *name ? "too_long" : "required");
        return OP_INVALID;
    }
    db_conn *db = op->tenant->db;
    db_rows rows;
    if (parent) {
        db_status q = db_query(db, op->a, "SELECT 1 FROM labels WHERE id = ?", DB_ARGS(DB_INT(parent)), &rows, NULL);
        if (q != DB_OK)
            return txn_result(q);
        if (!rows.nrows) {
            errs_add(e, "parent_id", "unknown_label");
            return OP_INVALID;
        }
    }
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a, "INSERT INTO labels (name, parent_id) VALUES (?, NULLIF(?, 0))",
                      DB_ARGS(DB_STR(name), DB_INT(parent)), NULL, NULL);
    if (st == DB_OK) {
        *id = (long long)db_insert_id(db);
        st = audit_log(op, NULL, "label.create", "label", name, AUDIT_OK, NULL);
    }
    op_result res = txn_finish(db, st, op->req_id, "label");
    if (res == OP_CONFLICT)
        errs_add(e, "name", "name_taken");
    return res;
}

op_result labels_set(op_ctx *op, long long def_id, const long long *labels, int n, errs *e)
{
    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st = db_query(db, op->a, "SELECT 1 FROM definitions WHERE id = ?", DB_ARGS(DB_INT(def_id)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (!rows.nrows)
        return OP_NOT_FOUND;
    st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a, "DELETE FROM definition_labels WHERE definition_id = ?", DB_ARGS(DB_INT(def_id)), NULL, NULL);
    for (int i = 0; st == DB_OK && i < n; i++) {
        uint64_t added = 0;
        st = db_query(db, op->a,
                      "INSERT IGNORE INTO definition_labels (definition_id, label_id) SELECT ?, id FROM labels WHERE id = ?",
                      DB_ARGS(DB_INT(def_id), DB_INT(labels[i])), NULL, &added);
        if (st == DB_OK && !added) {
            st = db_query(db, op->a, "SELECT 1 FROM labels WHERE id = ?", DB_ARGS(DB_INT(labels[i])), &rows, NULL);
            if (st == DB_OK && !rows.nrows) {
                db_rollback(db);
                errs_add(e, "labels", "unknown_label");
                return OP_INVALID;
            }
        }
    }
    if (st == DB_OK)
        st = db_query(db, op->a, "UPDATE definitions SET updated_at = UTC_TIMESTAMP(3) WHERE id = ?", DB_ARGS(DB_INT(def_id)),
                      NULL, NULL);
    if (st == DB_OK)
        st = audit_log(op, NULL, "definition.labels", "definition", arena_printf(op->a, "%lld", def_id), AUDIT_OK,
                       arena_printf(op->a, "labels: %d", n));
    return txn_finish(db, st, op->req_id, "labels");
}
