#include "forms/masters.h"
#include "tenant/audit.h"
#include "auth/session.h"
#include "auth/users.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "util/charset.h"
#include "util/csv.h"
#include "util/jsonx.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool number_ok(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    size_t n = strspn(p, "0123456789");
    if (!n)
        return false;
    p += n;
    if (*p == '.') {
        n = strspn(p + 1, "0123456789");
        if (!n)
            return false;
        p += 1 + n;
    }
    return !*p && strlen(s) <= 32;
}

/* Parse the header into fields; false with errors in e. */
static json_object *parse_header(op_ctx *op, const csv_row *h, const char ***types, const char ***names, errs *e)
{
    json_object *fields = json_object_new_array();
    *types = arena_calloc(op->a, (size_t)h->n, sizeof **types);
    *names = arena_calloc(op->a, (size_t)h->n, sizeof **names);
    for (int i = 0; i < h->n; i++) {
        char *name = arena_strdup(op->a, h->f[i]);
        char *colon = strrchr(name, ':');
        const char *type = "text";
        if (colon) {
            *colon = '\0';
            type = colon + 1;
        }
        if (strcmp(type, "text") && strcmp(type, "number") && strcmp(type, "date"))
            errs_add_arg(e, "header", "master_field_type", type);
        if (!*name || str_utf8_len(name) > 64)
            errs_add_arg(e, "header", "master_field_name", name);
        for (int k = 0; k < i; k++)
            if (!strcmp(json_object_get_string(json_object_object_get(json_object_array_get_idx(fields, (size_t)k), "name")), name))
                errs_add_arg(e, "header", "master_field_duplicate", name);
        json_object *f = json_object_new_object();
        jx_add_str(f, "name", name);
        jx_add_str(f, "type", type);
        json_object_array_add(fields, f);
        (*types)[i] = type;
        (*names)[i] = name;   /* in the arena: outlives the JSON */
    }
    return fields;
}

op_result masters_upload(op_ctx *op, const char *name, const char *encoding, const char *data, size_t len, errs *e,
                         long long *id, int *version)
{
    if (!name || !*name || str_utf8_len(name) > 100) {
        errs_add(e, "name", name && *name ? "too_long" : "required");
        return OP_INVALID;
    }
    char err[200];
    size_t ulen;
    const char *text = charset_to_utf8(op->a, data, len, encoding ? encoding : "auto", &ulen, err, sizeof err);
    csv_table t;
    if (!text) {
        errs_add(e, "file", "csv_encoding");
        return OP_INVALID;
    }
    if (!csv_parse(op->a, text, ulen, &t, err, sizeof err)) {
        errs_add_arg(e, "file", "csv_malformed", arena_strdup(op->a, err));
        return OP_INVALID;
    }
    if (t.nrows < 1) {
        errs_add(e, "file", "csv_empty");
        return OP_INVALID;
    }
    const char **types, **names;
    json_object *fields = parse_header(op, &t.rows[0], &types, &names, e);
    int nf = t.rows[0].n;
    /* every record, checked before anything is written */
    json_object *seen = json_object_new_object();
    const char **keys = arena_calloc(op->a, (size_t)t.nrows, sizeof *keys), **datas = arena_calloc(op->a, (size_t)t.nrows, sizeof *datas);
    for (int i = 1; i < t.nrows && e->n < 200; i++) {
        const csv_row *row = &t.rows[i];
        e->line = row->line;
        if (row->n != nf) {
            errs_add(e, "row", "csv_columns");
            continue;
        }
        const char *key = row->f[0];
        if (!*key || strlen(key) > 200)
            errs_add(e, "key", *key ? "too_long" : "required");
        else if (json_object_object_get_ex(seen, key, NULL))
            errs_add_arg(e, "key", "master_duplicate_key", key);
        json_object_object_add(seen, key, NULL);
        json_object *rec = json_object_new_object();
        for (int k = 0; k < nf; k++) {
            const char *v = row->f[k];
            if (*v && !strcmp(types[k], "number") && !number_ok(v))
                errs_add_arg(e, names[k], "not_a_number", v);
            if (*v && !strcmp(types[k], "date") && !users_date_ok(v))
                errs_add_arg(e, names[k], "invalid_date", v);
            json_object_object_add(rec, names[k], json_object_new_string(v));
        }
        keys[i] = key;
        datas[i] = arena_strdup(op->a, json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PLAIN));
        json_object_put(rec);
    }
    e->line = 0;
    json_object_put(seen);
    const char *fields_json = arena_strdup(op->a, json_object_to_json_string_ext(fields, JSON_C_TO_STRING_PLAIN));
    json_object_put(fields);
    if (e->n)
        return OP_INVALID;

    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a, "SELECT id, version FROM masters WHERE name = ? FOR UPDATE", DB_ARGS(DB_STR(name)), &rows, NULL);
    if (st == DB_OK && rows.nrows) {
        *id = atoll(db_cell(&rows, 0, 0));
        *version = atoi(db_cell(&rows, 0, 1)) + 1;
        st = db_query(db, op->a,
                      "UPDATE masters SET fields = ?, version = ?, record_count = ?, updated_by = ?, updated_at = "
                      "UTC_TIMESTAMP(3) WHERE id = ?",
                      DB_ARGS(DB_STR(fields_json), DB_INT(*version), DB_INT(t.nrows - 1), DB_INT(op->user->id), DB_INT(*id)),
                      NULL, NULL);
    } else if (st == DB_OK) {
        *version = 1;
        st = db_query(db, op->a,
                      "INSERT INTO masters (name, fields, version, record_count, updated_by, updated_at) VALUES "
                      "(?, ?, 1, ?, ?, UTC_TIMESTAMP(3))",
                      DB_ARGS(DB_STR(name), DB_STR(fields_json), DB_INT(t.nrows - 1), DB_INT(op->user->id)), NULL, NULL);
        *id = (long long)db_insert_id(db);
    }
    for (int i = 1; st == DB_OK && i < t.nrows; i++)
        st = db_query(db, op->a,
                      "INSERT INTO master_records (master_id, record_id, data, version, deleted, updated_at) VALUES "
                      "(?, ?, ?, ?, 0, UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE "
                      "updated_at = IF(deleted = 1 OR data <> VALUES(data), UTC_TIMESTAMP(3), updated_at), "
                      "data = VALUES(data), version = VALUES(version), deleted = 0",
                      DB_ARGS(DB_INT(*id), DB_STR(keys[i]), DB_STR(datas[i]), DB_INT(*version)), NULL, NULL);
    if (st == DB_OK)   /* records the new version does not have are gone */
        st = db_query(db, op->a,
                      "UPDATE master_records SET deleted = 1, updated_at = UTC_TIMESTAMP(3) WHERE master_id = ? "
                      "AND version < ? AND deleted = 0",
                      DB_ARGS(DB_INT(*id), DB_INT(*version)), NULL, NULL);
    if (st == DB_OK)
        st = audit_log(op, NULL, "master.upload", "master", name, AUDIT_OK,
                       arena_printf(op->a, "version %d, %d records", *version, t.nrows - 1));
    return txn_finish(db, st, op->req_id, "master upload");
}

#define MASTER_COLS "SELECT id, name, fields, version, record_count, DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%sZ') FROM masters "

static json_object *master_json(const db_rows *rows, size_t i)
{
    json_object *o = json_object_new_object();
    jx_add_int(o, "id", atoll(db_cell(rows, i, 0)));
    jx_add_str(o, "name", db_cell(rows, i, 1));
    json_object_object_add(o, "fields", json_tokener_parse(db_cell(rows, i, 2)));
    jx_add_int(o, "version", atoll(db_cell(rows, i, 3)));
    jx_add_int(o, "records", atoll(db_cell(rows, i, 4)));
    jx_add_str(o, "updated_at", db_cell(rows, i, 5));
    return o;
}

json_object *masters_list(op_ctx *op, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, MASTER_COLS "ORDER BY name", DB_NOARGS, &rows, NULL);
    *res = txn_result(st);
    if (st != DB_OK)
        return NULL;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < rows.nrows; i++)
        json_object_array_add(arr, master_json(&rows, i));
    return arr;
}

json_object *masters_get(op_ctx *op, long long id, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, MASTER_COLS "WHERE id = ?", DB_ARGS(DB_INT(id)), &rows, NULL);
    *res = st != DB_OK ? txn_result(st) : rows.nrows ? OP_OK : OP_NOT_FOUND;
    return *res == OP_OK ? master_json(&rows, 0) : NULL;
}

json_object *masters_records(op_ctx *op, long long id, const char *since, const char *cursor, int limit, op_result *res)
{
    json_object *m = masters_get(op, id, res);
    if (!m)
        return NULL;
    /* cursor: "<updated_at, 23 chars>_<hex of the key>" */
    const char *cur_at = NULL, *cur_key = NULL;
    if (cursor) {
        size_t n = strlen(cursor);
        if (n < 25 || cursor[23] != '_' || (n - 24) % 2 || n - 24 > 400) {
            json_object_put(m);
            *res = OP_INVALID;
            return NULL;
        }
        char *at = arena_strndup(op->a, cursor, 23);
        at[10] = ' ';
        unsigned char *k = arena_alloc(op->a, (n - 24) / 2 + 1);
        if (!str_unhex(cursor + 24, k, (n - 24) / 2)) {
            json_object_put(m);
            *res = OP_INVALID;
            return NULL;
        }
        k[(n - 24) / 2] = '\0';
        cur_at = at;
        cur_key = (const char *)k;
    }
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT record_id, data, deleted, DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%f') FROM "
                            "master_records WHERE master_id = ? AND (? IS NULL OR updated_at > ?) AND (? IS NOT NULL OR "
                            "deleted = 0) AND (? IS NULL OR updated_at > ? OR (updated_at = ? AND record_id > ?)) "
                            "ORDER BY updated_at, record_id LIMIT ?",
                            DB_ARGS(DB_INT(id), DB_STR(since), DB_STR(since), DB_STR(since), DB_STR(cur_at),
                                    DB_STR(cur_at), DB_STR(cur_at), DB_STR(cur_key), DB_INT(limit + 1)),
                            &rows, NULL);
    *res = txn_result(st);
    if (st != DB_OK) {
        json_object_put(m);
        return NULL;
    }
    bool more = rows.nrows > (size_t)limit;
    if (more)
        rows.nrows = (size_t)limit;
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < rows.nrows; i++) {
        json_object *o = json_object_new_object();
        jx_add_str(o, "key", db_cell(&rows, i, 0));
        json_object_object_add(o, "data", json_tokener_parse(db_cell(&rows, i, 1)));
        jx_add_bool(o, "deleted", !strcmp(db_cell(&rows, i, 2), "1"));
        jx_add_str(o, "updated_at", arena_printf(op->a, "%.23sZ", db_cell(&rows, i, 3)));
        json_object_array_add(arr, o);
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "master", m);
    json_object_object_add(out, "records", arr);
    if (more) {
        const char *k = db_cell(&rows, rows.nrows - 1, 0);
        char *hex = arena_alloc(op->a, 2 * strlen(k) + 1);
        str_hex((const unsigned char *)k, strlen(k), hex);
        jx_add_str(out, "next_cursor", arena_printf(op->a, "%.23s_%s", db_cell(&rows, rows.nrows - 1, 3), hex));
    } else {
        jx_add_str(out, "next_cursor", NULL);
    }
    return out;
}

bool masters_has_key(op_ctx *op, const char *name, const char *key)
{
    db_rows rows;
    return db_query(op->tenant->db, op->a,
                    "SELECT 1 FROM master_records mr JOIN masters m ON m.id = mr.master_id WHERE m.name = ? AND "
                    "mr.record_id = ? AND mr.deleted = 0",
                    DB_ARGS(DB_STR(name), DB_STR(key)), &rows, NULL) == DB_OK &&
           rows.nrows > 0;
}

const char *masters_field(op_ctx *op, const char *name, const char *key, const char *field, bool *gone)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT COALESCE(JSON_VALUE(mr.data, CONCAT('$.\"', REPLACE(?, '\"', ''), '\"')), '') FROM master_records mr "
                            "JOIN masters m ON m.id = mr.master_id WHERE m.name = ? AND mr.record_id = ? AND mr.deleted = 0",
                            DB_ARGS(DB_STR(field ? field : ""), DB_STR(name), DB_STR(key)), &rows, NULL);
    *gone = st != DB_OK;
    return st == DB_OK && rows.nrows ? db_cell(&rows, 0, 0) : NULL;
}
