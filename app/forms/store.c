#include "forms/store.h"
#include "tenant/audit.h"
#include "auth/session.h"
#include "db/txn.h"
#include "forms/defxml.h"
#include "tenant/resolve.h"
#include "util/crypto.h"
#include "db/rowjson.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/str.h"
#include "util/zip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *sha_hex(op_ctx *op, const void *p, size_t n)
{
    unsigned char h[32];
    char *out = arena_alloc(op->a, 65);
    crypto_sha256(p, n, h);
    str_hex(h, 32, out);
    return out;
}

static db_status save_image(op_ctx *op, const def_image *img, const char **sha)
{
    *sha = sha_hex(op, img->data, img->len);
    return db_query(op->tenant->db, op->a,
                    "INSERT IGNORE INTO images (sha256, content_type, width, height, bytes) VALUES (?, ?, ?, ?, ?)",
                    DB_ARGS(DB_STR(*sha), DB_STR(img->content_type), DB_INT(img->width), DB_INT(img->height),
                            DB_BLOB(img->data, img->len)),
                    NULL, NULL);
}

static db_status save_cluster(op_ctx *op, long long id, int rev, const def_cluster *c)
{
    json_object *params = json_object_new_object(), *items = NULL;
    for (int i = 0; i < c->nparams; i++)
        json_object_object_add(params, c->params[i].name, json_object_new_string(c->params[i].value));
    if (c->copy_on_duplicate)
        json_object_object_add(params, "copyOnDuplicate", json_object_new_string("true"));
    if (c->lock_after_save)
        json_object_object_add(params, "lockAfterSave", json_object_new_string("true"));
    if (c->nitems) {
        items = json_object_new_array();
        for (int i = 0; i < c->nitems; i++) {
            json_object *it = json_object_new_object();
            jx_add_str(it, "value", c->items[i].value);
            jx_add_str(it, "label", c->items[i].label);
            jx_add_bool(it, "default", c->items[i].is_default);
            json_object_array_add(items, it);
        }
    }
    const char *pj = arena_strdup(op->a, json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN));
    const char *ij = items ? arena_strdup(op->a, json_object_to_json_string_ext(items, JSON_C_TO_STRING_PLAIN)) : NULL;
    json_object_put(params);
    json_object_put(items);
    return db_query(op->tenant->db, op->a,
                    "INSERT INTO definition_clusters (definition_id, revision, sheet_no, cluster_id, name, type, rect_top, "
                    "rect_bottom, rect_left, rect_right, required, params, items) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    DB_ARGS(DB_INT(id), DB_INT(rev), DB_INT(c->sheet_no), DB_INT(c->id), DB_STR(c->name),
                            DB_STR(cluster_type_name(c->type)), DB_STR(c->top), DB_STR(c->bottom), DB_STR(c->left),
                            DB_STR(c->right), DB_INT(c->required), DB_STR(pj), DB_STR(ij)),
                    NULL, NULL);
}

/* Write revision rev of id: the revision row, sheets, clusters, stages. */
static db_status save_revision(op_ctx *op, long long id, int rev, const definition *d, const def_image *images,
                               int nimages, const char *xml, size_t xml_len)
{
    db_conn *db = op->tenant->db;
    db_status st = db_query(db, op->a,
                            "INSERT INTO definition_revisions (definition_id, revision, name, status, available_from, "
                            "available_until, exclusive_lock, applicant_lock, xml, sha256, created_by, created_at, "
                            "updated_at) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
                            DB_ARGS(DB_INT(id), DB_INT(rev), DB_STR(d->name), DB_STR(d->available_from),
                                    DB_STR(d->available_until), DB_INT(d->exclusive_lock), DB_INT(d->applicant_lock),
                                    DB_BLOB(xml, xml_len), DB_STR(sha_hex(op, xml, xml_len)),
                                    op->user ? DB_INT(op->user->id) : DB_NULLARG),
                            NULL, NULL);
    for (int s = 0; st == DB_OK && s < d->nsheets; s++) {
        const def_sheet *sh = &d->sheets[s];
        const char *bsha = NULL;
        for (int i = 0; st == DB_OK && sh->background && i < nimages; i++)
            if (!strcmp(images[i].name, sh->background))
                st = save_image(op, &images[i], &bsha);
        if (st == DB_OK)
            st = db_query(db, op->a,
                          "INSERT INTO definition_sheets (definition_id, revision, sheet_no, name, width, height, "
                          "background, background_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          DB_ARGS(DB_INT(id), DB_INT(rev), DB_INT(sh->no), DB_STR(sh->name), DB_INT(sh->width),
                                  DB_INT(sh->height), DB_STR(sh->background), DB_STR(bsha)),
                          NULL, NULL);
        for (int c = 0; st == DB_OK && c < sh->nclusters; c++)
            st = save_cluster(op, id, rev, &sh->clusters[c]);
    }
    for (int i = 0; st == DB_OK && i < d->nstages; i++)
        st = db_query(db, op->a,
                      "INSERT INTO definition_stages (definition_id, revision, stage_no, name, group_name) VALUES (?, ?, ?, ?, ?)",
                      DB_ARGS(DB_INT(id), DB_INT(rev), DB_INT(d->stages[i].no), DB_STR(d->stages[i].name),
                              DB_STR(d->stages[i].group)),
                      NULL, NULL);
    return st;
}

op_result defstore_save(op_ctx *op, long long id, const definition *d, const def_image *images, int nimages,
                        errs *e, long long *out_id, int *out_rev, bool *new_rev)
{
    db_conn *db = op->tenant->db;
    buf xml;
    buf_init(&xml, op->a);
    defxml_write(d, &xml);
    *new_rev = true;
    int rev = 1;
    db_rows rows;
    db_status st = db_begin(db);
    if (st == DB_OK && id) {
        st = db_query(db, op->a,
                      "SELECT d.latest_revision, v.was_published FROM definitions d JOIN definition_revisions v ON "
                      "v.definition_id = d.id AND v.revision = d.latest_revision WHERE d.id = ? FOR UPDATE",
                      DB_ARGS(DB_INT(id)), &rows, NULL);
        if (st == DB_OK && !rows.nrows) {
            db_rollback(db);
            return OP_NOT_FOUND;
        }
        if (st == DB_OK) {
            int latest = atoi(db_cell(&rows, 0, 0));
            bool frozen = !strcmp(db_cell(&rows, 0, 1), "1");
            rev = frozen ? latest + 1 : latest;
            *new_rev = frozen;
            if (!frozen)   /* a draft or test revision is replaced */
                st = db_query(db, op->a, "DELETE FROM definition_revisions WHERE definition_id = ? AND revision = ?",
                              DB_ARGS(DB_INT(id), DB_INT(rev)), NULL, NULL);
            if (st == DB_OK)
                st = db_query(db, op->a,
                              "UPDATE definitions SET name = ?, latest_revision = ?, updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
                              DB_ARGS(DB_STR(d->name), DB_INT(rev), DB_INT(id)), NULL, NULL);
        }
    } else if (st == DB_OK) {
        st = db_query(db, op->a,
                      "INSERT INTO definitions (name, latest_revision, created_by, created_at, updated_at) VALUES "
                      "(?, 1, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
                      DB_ARGS(DB_STR(d->name), op->user ? DB_INT(op->user->id) : DB_NULLARG), NULL, NULL);
        id = (long long)db_insert_id(db);
    }
    if (st == DB_OK)
        st = save_revision(op, id, rev, d, images, nimages, xml.data, xml.len);
    if (st == DB_OK)
        st = audit_log(op, NULL, *new_rev ? "definition.create" : "definition.update", "definition",
                       arena_printf(op->a, "%lld", id), AUDIT_OK, arena_printf(op->a, "revision %d: %s", rev, d->name));
    op_result res = txn_finish(db, st, op->req_id, "definition");
    (void)e;
    *out_id = id;
    *out_rev = rev;
    return res;
}

op_result defstore_set_status(op_ctx *op, long long id, const char *status, errs *e)
{
    db_conn *db = op->tenant->db;
    if (strcmp(status, "draft") && strcmp(status, "test") && strcmp(status, "published") && strcmp(status, "archived")) {
        errs_add(e, "status", "invalid_value");
        return OP_INVALID;
    }
    db_rows rows;
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "SELECT d.latest_revision, v.was_published, v.status FROM definitions d JOIN definition_revisions v "
                      "ON v.definition_id = d.id AND v.revision = d.latest_revision WHERE d.id = ? FOR UPDATE",
                      DB_ARGS(DB_INT(id)), &rows, NULL);
    if (st == DB_OK && !rows.nrows) {
        db_rollback(db);
        return OP_NOT_FOUND;
    }
    if (st != DB_OK)
        return txn_finish(db, st, op->req_id, "definition status");
    int rev = atoi(db_cell(&rows, 0, 0));
    if (!strcmp(db_cell(&rows, 0, 1), "1") && (!strcmp(status, "draft") || !strcmp(status, "test"))) {
        db_rollback(db);
        errs_add(e, "status", "status_frozen");
        return OP_INVALID;
    }
    bool publish = !strcmp(status, "published");
    if (publish)   /* the revision published before becomes archived */
        st = db_query(db, op->a,
                      "UPDATE definition_revisions SET status = 'archived', updated_at = UTC_TIMESTAMP(3) "
                      "WHERE definition_id = ? AND revision < ? AND status = 'published'",
                      DB_ARGS(DB_INT(id), DB_INT(rev)), NULL, NULL);
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "UPDATE definition_revisions SET status = ?, was_published = was_published OR ?, "
                      "updated_at = UTC_TIMESTAMP(3) WHERE definition_id = ? AND revision = ?",
                      DB_ARGS(DB_STR(status), DB_INT(publish), DB_INT(id), DB_INT(rev)), NULL, NULL);
    if (st == DB_OK)
        st = db_query(db, op->a, "UPDATE definitions SET updated_at = UTC_TIMESTAMP(3) WHERE id = ?", DB_ARGS(DB_INT(id)),
                      NULL, NULL);
    if (st == DB_OK)
        st = audit_log(op, NULL, "definition.status", "definition", arena_printf(op->a, "%lld", id), AUDIT_OK,
                       arena_printf(op->a, "revision %d: %s", rev, status));
    return txn_finish(db, st, op->req_id, "definition status");
}

#define REV_COLS                                                                                                  \
    "SELECT v.definition_id, v.revision, v.name, v.status, v.sha256, v.xml, "                                     \
    "DATE_FORMAT(v.updated_at, '%Y-%m-%dT%H:%i:%sZ'), v.available_from, v.available_until FROM definition_revisions v "

static void fill_rev(const db_rows *rows, def_rev *out)
{
    out->id = atoll(db_cell(rows, 0, 0));
    out->revision = atoi(db_cell(rows, 0, 1));
    out->name = db_cell(rows, 0, 2);
    out->status = db_cell(rows, 0, 3);
    out->sha256 = db_cell(rows, 0, 4);
    out->xml = db_cell(rows, 0, 5);
    out->updated_at = db_cell(rows, 0, 6);
    out->available_from = db_cell(rows, 0, 7);
    out->available_until = db_cell(rows, 0, 8);
}

op_result defstore_get(op_ctx *op, long long id, int rev, def_rev *out)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            REV_COLS "JOIN definitions d ON d.id = v.definition_id WHERE v.definition_id = ? "
                                     "AND v.revision = IF(? = 0, d.latest_revision, ?)",
                            DB_ARGS(DB_INT(id), DB_INT(rev), DB_INT(rev)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (!rows.nrows)
        return OP_NOT_FOUND;
    fill_rev(&rows, out);
    return OP_OK;
}

op_result defstore_get_for_tablet(op_ctx *op, long long id, bool tester, def_rev *out)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            REV_COLS "WHERE v.definition_id = ? AND (v.status = 'published' OR (? AND v.status = 'test')) "
                                     "AND (v.available_from IS NULL OR v.available_from <= UTC_DATE()) "
                                     "AND (v.available_until IS NULL OR v.available_until >= UTC_DATE()) "
                                     "ORDER BY v.revision DESC LIMIT 1",
                            DB_ARGS(DB_INT(id), DB_INT(tester)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (!rows.nrows)
        return OP_NOT_FOUND;
    fill_rev(&rows, out);
    return OP_OK;
}

definition *defstore_model(op_ctx *op, const def_rev *rev, op_result *res)
{
    errs e;
    errs_init(&e, op->a);
    definition *d = NULL;
    if (!defxml_read(op->a, rev->xml, strlen(rev->xml), &d, &e)) {
        *res = OP_ERROR;
        return NULL;
    }
    *res = OP_OK;
    return d;
}

op_result defstore_background(op_ctx *op, long long id, int rev, int sheet, const char **ctype, const void **data,
                              size_t *len)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT i.content_type, i.bytes FROM definition_sheets s JOIN images i ON i.sha256 = "
                            "s.background_sha256 WHERE s.definition_id = ? AND s.revision = ? AND s.sheet_no = ?",
                            DB_ARGS(DB_INT(id), DB_INT(rev), DB_INT(sheet)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (!rows.nrows)
        return OP_NOT_FOUND;
    *ctype = db_cell(&rows, 0, 0);
    *data = db_cell(&rows, 0, 1);
    *len = rows.len[1];
    return OP_OK;
}

json_object *defstore_revisions(op_ctx *op, long long id, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT v.revision, v.name, v.status, DATE_FORMAT(v.created_at, '%Y-%m-%dT%H:%i:%sZ'), "
                            "DATE_FORMAT(v.updated_at, '%Y-%m-%dT%H:%i:%sZ'), u.login, "
                            "(SELECT COUNT(*) FROM definition_clusters c WHERE c.definition_id = v.definition_id AND "
                            "c.revision = v.revision) FROM definition_revisions v LEFT JOIN users u ON u.id = v.created_by "
                            "WHERE v.definition_id = ? ORDER BY v.revision DESC",
                            DB_ARGS(DB_INT(id)), &rows, NULL);
    *res = txn_result(st);
    if (st != DB_OK)
        return NULL;
    if (!rows.nrows) {
        *res = OP_NOT_FOUND;
        return NULL;
    }
    static const char *const names[] = {"revision", "name", "status", "created_at", "updated_at", "created_by", "clusters"};
    return db_rows_json(&rows, names, 7);
}

json_object *defstore_list(op_ctx *op, long long label, const char *status, const char *name, op_result *res)
{
    db_rows rows;
    db_status st = db_query(
        op->tenant->db, op->a,
        "WITH RECURSIVE sub (id) AS (SELECT id FROM labels WHERE id = ? UNION SELECT l.id FROM labels l JOIN sub ON "
        "l.parent_id = sub.id) "
        "SELECT d.id, d.name, d.latest_revision, v.status, DATE_FORMAT(d.updated_at, '%Y-%m-%dT%H:%i:%sZ'), "
        "(SELECT MAX(p.revision) FROM definition_revisions p WHERE p.definition_id = d.id AND p.status = 'published'), "
        "(SELECT GROUP_CONCAT(l.name ORDER BY l.name SEPARATOR ', ') FROM definition_labels dl JOIN labels l ON "
        "l.id = dl.label_id WHERE dl.definition_id = d.id) "
        "FROM definitions d JOIN definition_revisions v ON v.definition_id = d.id AND v.revision = d.latest_revision "
        "WHERE (? = 0 OR d.id IN (SELECT definition_id FROM definition_labels WHERE label_id IN (SELECT id FROM sub))) "
        "AND (? IS NULL OR v.status = ?) AND (? IS NULL OR d.name LIKE CONCAT('%', ?, '%')) "
        "ORDER BY d.updated_at DESC, d.id DESC LIMIT 500",
        DB_ARGS(DB_INT(label), DB_INT(label), DB_STR(status), DB_STR(status), DB_STR(name), DB_STR(name)), &rows, NULL);
    *res = txn_result(st);
    if (st != DB_OK)
        return NULL;
    static const char *const names[] = {"id", "name", "revision", "status", "updated_at", "published_revision", "labels"};
    return db_rows_json(&rows, names, 7);
}

op_result defstore_export(op_ctx *op, const def_rev *rev, buf *out, const char **ctype, const char **ext)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT DISTINCT s.background, i.bytes FROM definition_sheets s JOIN images i ON i.sha256 = "
                            "s.background_sha256 WHERE s.definition_id = ? AND s.revision = ?",
                            DB_ARGS(DB_INT(rev->id), DB_INT(rev->revision)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    size_t xlen = strlen(rev->xml);
    if (!rows.nrows) {
        buf_add(out, rev->xml, xlen);
        *ctype = "application/xml; charset=utf-8";
        *ext = "xml";
        return OP_OK;
    }
    zip_entry *e = arena_calloc(op->a, rows.nrows + 1, sizeof *e);
    e[0] = (zip_entry){.name = "definition.xml", .data = (const unsigned char *)rev->xml, .len = xlen};
    for (size_t i = 0; i < rows.nrows; i++)
        e[i + 1] = (zip_entry){.name = db_cell(&rows, i, 0), .data = (const unsigned char *)db_cell(&rows, i, 1),
                               .len = rows.len[1 + i * rows.ncols]};
    char err[300];
    if (!zip_write_entries(e, (int)rows.nrows + 1, out, err, sizeof err)) {
        log_error("req id=%s: export of definition %lld: %s", op->req_id, rev->id, err);
        return OP_ERROR;
    }
    *ctype = "application/zip";
    *ext = "zip";
    return OP_OK;
}
