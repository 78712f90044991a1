/* masters.c - GetMasterRecordList: the live records of one master (by id
 * or name), one record by its key, or those with a field holding a text. */
#include "conmas/conmas.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "util/str.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

void conmas_master_records(conmas_call *c)
{
    request *r = c->r;
    op_ctx *op = &r->op;
    long long id, limit;
    const char *name = conmas_field(c, "masterKey"), *key = conmas_field(c, "recordKey"),
               *search = conmas_field(c, "fieldSearch"), *after = conmas_field(c, "cursor");
    if (!conmas_int(c, "masterId", 1, 1LL << 53, 0, &id) || !conmas_int(c, "limit", 1, 5000, 1000, &limit))
        return;
    if (!id && (!name || !*name))
        return conmas_error(c, CM_FIELD_MISSING, "GetMasterRecordList needs \"masterId\" (or the master's name in \"masterKey\").");
    if ((search && str_utf8_len(search) > 200) || (key && strlen(key) > 800) || (name && str_utf8_len(name) > 100))
        return conmas_error(c, CM_FIELD_INVALID, "A search field is too long.");
    db_rows m, rows;
    db_status st = db_query(op->tenant->db, r->a,
                            "SELECT id, name, version, fields, DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%sZ') FROM masters "
                            "WHERE (? > 0 AND id = ?) OR (? = 0 AND name = ?)",
                            DB_ARGS(DB_INT(id), DB_INT(id), DB_INT(id), DB_STR(name ? name : "")), &m, NULL);
    if (st != DB_OK)
        return conmas_refusal(c, txn_result(st), NULL, NULL);
    c->object_type = "master";
    c->object_id = id ? conmas_field(c, "masterId") : name;
    if (!m.nrows)
        return conmas_error(c, CM_NOT_FOUND, "There is no such master.");
    id = atoll(db_cell(&m, 0, 0));
    /* fieldSearch: "text" (in any field) or "field:text" (in that field) */
    const char *sfield = NULL, *stext = search && *search ? search : NULL;
    const char *colon = stext ? strchr(stext, ':') : NULL;
    if (colon) {
        sfield = arena_strndup(r->a, stext, (size_t)(colon - stext));
        stext = colon + 1;
    }
    st = db_query(op->tenant->db, r->a,
                  "SELECT record_id, data FROM master_records WHERE master_id = ? AND deleted = 0 "
                  "AND (? IS NULL OR record_id = ?) AND (? IS NULL OR record_id > ?) "
                  "AND (? IS NULL OR (? IS NULL AND JSON_SEARCH(data, 'one', CONCAT('%', ?, '%')) IS NOT NULL) "
                  "OR (? IS NOT NULL AND JSON_VALUE(data, CONCAT('$.\"', REPLACE(?, '\"', ''), '\"')) LIKE CONCAT('%', ?, '%'))) "
                  "ORDER BY record_id LIMIT ?",
                  DB_ARGS(DB_INT(id), DB_STR(key && *key ? key : NULL), DB_STR(key), DB_STR(after && *after ? after : NULL),
                          DB_STR(after), DB_STR(stext), DB_STR(sfield), DB_STR(stext), DB_STR(sfield), DB_STR(sfield),
                          DB_STR(stext), DB_INT(limit + 1)),
                  &rows, NULL);
    if (st != DB_OK)
        return conmas_refusal(c, txn_result(st), NULL, NULL);
    bool more = rows.nrows > (size_t)limit;
    if (more)
        rows.nrows = (size_t)limit;
    cmx x;
    cmx_init(&x, r->a);
    cmx_open(&x, "master");
    cmx_text(&x, "masterId", db_cell(&m, 0, 0));
    cmx_text(&x, "name", db_cell(&m, 0, 1));
    cmx_text(&x, "version", db_cell(&m, 0, 2));
    cmx_text(&x, "updateTime", conmas_time(c, db_cell(&m, 0, 4)));
    json_object *fields = json_tokener_parse(db_cell(&m, 0, 3));
    size_t nf = fields && json_object_is_type(fields, json_type_array) ? json_object_array_length(fields) : 0;
    const char **fname = arena_calloc(r->a, nf + 1, sizeof *fname);
    cmx_open(&x, "fields");
    for (size_t i = 0; i < nf; i++) {
        json_object *f = json_object_array_get_idx(fields, i), *v;
        fname[i] = arena_strdup(r->a, json_object_object_get_ex(f, "name", &v) ? json_object_get_string(v) : "");
        cmx_open(&x, "field");
        cmx_text(&x, "name", fname[i]);
        cmx_text(&x, "type", json_object_object_get_ex(f, "type", &v) ? json_object_get_string(v) : "text");
        cmx_close(&x);
    }
    json_object_put(fields);
    cmx_close(&x);
    cmx_close(&x);
    cmx_open(&x, "records");
    for (size_t i = 0; i < rows.nrows; i++) {
        json_object *d = json_tokener_parse(db_cell(&rows, i, 1)), *v;
        cmx_open(&x, "record");
        cmx_text(&x, "recordKey", db_cell(&rows, i, 0));
        cmx_open(&x, "values");
        for (size_t k = 0; k < nf; k++) {
            cmx_open(&x, "value");
            cmx_text(&x, "name", fname[k]);
            cmx_text(&x, "data", d && json_object_object_get_ex(d, fname[k], &v) && v ? json_object_get_string(v) : "");
            cmx_close(&x);
        }
        cmx_close(&x);
        cmx_close(&x);
        json_object_put(d);
    }
    cmx_close(&x);
    cmx_text(&x, "nextCursor", more ? db_cell(&rows, rows.nrows - 1, 0) : "");
    c->detail = arena_printf(r->a, "%zu records", rows.nrows);
    conmas_reply(c, &x);
}
