/* attach.c - report attachments: see attach.h. */
#include "reports/attach.h"
#include "reports/values.h"
#include "tenant/audit.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "db/txn.h"
#include "tenant/keys.h"
#include "tenant/quota.h"
#include "tenant/resolve.h"
#include "tenant/settings.h"
#include "util/crypto.h"
#include "util/image.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/str.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The report row an attachment belongs to. */
typedef struct rep_row {
    const char *id, *status;
    long long definition_id, created_by;
    int definition_revision, rev;
} rep_row;


static const char *object_id(op_ctx *op, const attach_target *t)
{
    return arena_printf(op->a, "%s/%d/%d", t->report_id, t->sheet, t->cluster);
}

/* Report id, not deleted, visible to the user (its creator, or
 * def.reports.view for its definition); lock: FOR UPDATE. */
static op_result load_report(op_ctx *op, const char *id, bool lock, rep_row *out, refusal *why)
{
    if (!id || !*id || strlen(id) > 36)
        return refuse(why, REF_NOT_FOUND, "not_found", "There is no such report.");
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            lock ? "SELECT id, definition_id, definition_revision, rev, status, created_by FROM reports "
                                   "WHERE id = ? AND deleted_at IS NULL FOR UPDATE"
                                 : "SELECT id, definition_id, definition_revision, rev, status, created_by FROM reports "
                                   "WHERE id = ? AND deleted_at IS NULL",
                            DB_ARGS(DB_STR(id)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (!rows.nrows)
        return refuse(why, REF_NOT_FOUND, "not_found", "There is no such report.");
    out->id = db_cell(&rows, 0, 0);
    out->definition_id = atoll(db_cell(&rows, 0, 1));
    out->definition_revision = atoi(db_cell(&rows, 0, 2));
    out->rev = atoi(db_cell(&rows, 0, 3));
    out->status = db_cell(&rows, 0, 4);
    out->created_by = atoll(db_cell(&rows, 0, 5));
    if (out->created_by != op->user->id &&
        !perm_has(op, "def.reports.view", arena_printf(op->a, "%lld", out->definition_id)))
        return refuse(why, REF_NOT_FOUND, "not_found", "There is no such report.");
    return OP_OK;
}

/* May the user change the report now?  The rules of report_update. */
static op_result may_edit(op_ctx *op, const rep_row *rp, const definition *d, refusal *why)
{
    const char *scope = arena_printf(op->a, "%lld", rp->definition_id);
    bool own = rp->created_by == op->user->id;
    if (!(own && perm_has(op, "def.reports.create", scope)) && !perm_has(op, "def.reports.edit", scope))
        return refuse(why, REF_FORBIDDEN, "forbidden", "You may not edit this report.");
    return report_check_locks(op, rp->id, rp->status, d, why);
}

/* A size parameter of the cluster, else the tenant setting, else dflt. */
static uint64_t limit_of(op_ctx *op, const def_cluster *c, const char *param, const char *setting, uint64_t dflt)
{
    uint64_t v;
    const char *p = def_param_get(c, param);
    if (p && str_parse_uint(p, UINT64_MAX, &v) && v > 0)
        return v;
    long long s = settings_int(op, setting, (long long)dflt, 1, LLONG_MAX);
    return (uint64_t)s;
}

op_result attach_target_find(op_ctx *op, const char *id, const char *sheet, const char *cluster, bool write,
                             attach_target *t, refusal *why)
{
    memset(t, 0, sizeof *t);
    memset(why, 0, sizeof *why);
    uint64_t s, c;
    if (!str_parse_uint(sheet, INT_MAX, &s) || !str_parse_uint(cluster, INT_MAX, &c))
        return refuse(why, REF_NOT_FOUND, "not_found", "There is no such attachment.");
    rep_row rp;
    op_result res = load_report(op, id, false, &rp, why);
    if (res != OP_OK)
        return res;
    t->report_id = rp.id;
    t->sheet = (int)s;
    t->cluster = (int)c;
    t->definition_id = rp.definition_id;
    t->definition_revision = rp.definition_revision;
    if (!write)
        return OP_OK;
    const definition *d = report_definition(op, rp.definition_id, rp.definition_revision, &res);
    if (!d)
        return res == OP_NOT_FOUND
                   ? refuse(why, REF_CONFLICT, "definition_gone", "The report's definition revision is not available.")
                   : res;
    const def_cluster *dc = def_find(d, t->sheet, t->cluster);
    if (!dc)
        return refuse(why, REF_NOT_FOUND, "cluster_not_found", "The report's form has no such cluster.");
    if (dc->type != CT_IMAGE && dc->type != CT_HANDWRITING && dc->type != CT_FREE_DRAW)
        return refuse(why, REF_INVALID, "not_an_attachment_cluster",
                      arena_printf(op->a, "Cluster %d of sheet %d is a %s cluster: it takes no image.", t->cluster,
                                   t->sheet, cluster_type_name(dc->type)));
    t->type = dc->type;
    t->png_only = dc->type != CT_IMAGE;
    t->max_bytes = limit_of(op, dc, "maxBytes", "attachments.max_bytes", ATTACH_MAX_BYTES_DEFAULT);
    t->max_pixels = limit_of(op, dc, "maxPixels", "attachments.max_pixels", ATTACH_MAX_PIXELS_DEFAULT);
    t->def = d;
    t->lock_after_save = dc->lock_after_save;
    return may_edit(op, &rp, d, why);
}

/* The media type of a Content-Type header ("image/png; x=y" → matches "image/png"). */
static bool media_is(const char *declared, const char *want)
{
    size_t n = strlen(want);
    return declared && !strncasecmp(declared, want, n) &&
           (declared[n] == '\0' || declared[n] == ';' || declared[n] == ' ');
}

/* Check the bytes against t's rules; fills m (not rev). */
static op_result check_bytes(op_ctx *op, const attach_target *t, const void *data, size_t len, const char *declared,
                             attach_meta *m, refusal *why)
{
    if (len == 0)
        return refuse(why, REF_BAD_INPUT, "empty_body", "The body must be the image (PNG or JPEG).");
    if (len > t->max_bytes)
        return refuse(why, REF_TOO_LARGE, "attachment_too_large",
                      arena_printf(op->a, "The image is larger than this cluster's limit of %llu bytes.",
                                   (unsigned long long)t->max_bytes));
    image_info info;
    bool ok = image_probe(data, len, 0, &info);
    if (info.kind == IMAGE_UNKNOWN)
        return refuse(why, REF_BAD_TYPE, "not_an_image", "The body is not a PNG or JPEG image (judged by its content).");
    if (!media_is(declared, info.content_type))
        return refuse(why, REF_BAD_TYPE, "content_type_mismatch",
                      arena_printf(op->a, "The body is a %s image, but Content-Type says otherwise.",
                                   info.kind == IMAGE_PNG ? "PNG" : "JPEG"));
    if (!ok)
        return refuse(why, REF_INVALID, "bad_image", arena_printf(op->a, "The image cannot be used: %s.", info.why));
    if (t->png_only && info.kind != IMAGE_PNG)
        return refuse(why, REF_INVALID, "png_required",
                      arena_printf(op->a, "A %s cluster takes PNG images only.", cluster_type_name(t->type)));
    if ((uint64_t)info.width * info.height > t->max_pixels)
        return refuse(why, REF_INVALID, "too_many_pixels",
                      arena_printf(op->a, "The image has %u x %u pixels; this cluster takes at most %llu.", info.width,
                                   info.height, (unsigned long long)t->max_pixels));
    unsigned char h[32];
    crypto_sha256(data, len, h);
    str_hex(h, 32, m->sha256);
    m->sha256[64] = '\0';
    m->content_type = info.content_type;
    m->size = len;
    m->width = info.width;
    m->height = info.height;
    return OP_OK;
}

/* Does the sealed copy stored at t open? */
static db_status stored_opens(op_ctx *op, const attach_target *t, bool *opens)
{
    db_rows rows;
    *opens = false;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT sealed FROM report_attachments WHERE report_id = ? AND sheet_no = ? AND cluster_id = ?",
                            DB_ARGS(DB_STR(t->report_id), DB_INT(t->sheet), DB_INT(t->cluster)), &rows, NULL);
    if (st != DB_OK || !rows.nrows || rows.len[0] < CRYPTO_SEAL_OVERHEAD)
        return st;
    unsigned char *plain = arena_alloc(op->a, rows.len[0] - CRYPTO_SEAL_OVERHEAD + 1);
    *opens = tenant_open(op->tenant->datakey, op->tenant->code, "attachment", object_id(op, t),
                         (const unsigned char *)db_cell(&rows, 0, 0), rows.len[0], plain);
    return DB_OK;
}

typedef struct put_txn {
    op_ctx *op;
    const attach_target *t;
    const unsigned char *sealed;
    size_t sealed_len;
    int if_match;
    attach_meta *m;
    bool *created;
    refusal *why;
} put_txn;

/* The history's change: the cluster's image from old_sha (NULL: none) to sha. */
static const char *attach_change(op_ctx *op, const attach_target *t, const char *old_sha, const char *sha)
{
    buf b;
    buf_init(&b, op->a);
    buf_printf(&b, "[{\"s\":%d,\"c\":%d,\"o\":", t->sheet, t->cluster);
    jx_buf_str(&b, old_sha);
    buf_adds(&b, ",\"n\":");
    jx_buf_str(&b, sha);
    buf_adds(&b, "}]");
    return b.data;
}

/* Store the sealed bytes at t (report id at revision rev): the row, a
 * history event, rev + 1 and the access-log row (note ends its detail). */
static db_status write_row(op_ctx *op, const attach_target *t, const char *id, int rev, const attach_meta *m,
                           const unsigned char *sealed, size_t sealed_len, const char *old_sha, const char *note)
{
    db_conn *db = op->tenant->db;
    db_status st = db_query(db, op->a,
                            "INSERT INTO report_attachments (report_id, sheet_no, cluster_id, sha256, content_type, size, "
                            "width, height, sealed, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                            "UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE sha256 = VALUES(sha256), content_type = "
                            "VALUES(content_type), size = VALUES(size), width = VALUES(width), height = VALUES(height), "
                            "sealed = VALUES(sealed), uploaded_by = VALUES(uploaded_by), uploaded_at = VALUES(uploaded_at)",
                            DB_ARGS(DB_STR(id), DB_INT(t->sheet), DB_INT(t->cluster), DB_STR(m->sha256),
                                    DB_STR(m->content_type), DB_INT(m->size), DB_INT(m->width), DB_INT(m->height),
                                    DB_BLOB(sealed, sealed_len), DB_INT(op->user->id)),
                            NULL, NULL);
    if (st == DB_OK)
        st = report_event(op, id, rev + 1, "attachment", attach_change(op, t, old_sha, m->sha256));
    if (st == DB_OK)
        st = db_query(db, op->a, "UPDATE reports SET rev = rev + 1, updated_by = ?, updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
                      DB_ARGS(DB_INT(op->user->id), DB_STR(id)), NULL, NULL);
    if (st == DB_OK)
        st = audit_log(op, NULL, "report.attachment", "report", object_id(op, t), AUDIT_OK,
                       arena_printf(op->a, "%s %s %llu bytes %ux%u sha256=%.16s%s", old_sha ? "replaced" : "added",
                                    m->content_type, (unsigned long long)m->size, m->width, m->height, m->sha256, note));
    return st;
}

/* The write, in txn_run's transaction (run again after a lock wait). */
static op_result put_once(void *arg)
{
    put_txn *x = arg;
    op_ctx *op = x->op;
    const attach_target *t = x->t;
    attach_meta *m = x->m;
    refusal *why = x->why;
    json_object_put(why->body);
    why->body = NULL;
    why->kind = REF_NONE;
    *x->created = false;
    db_conn *db = op->tenant->db;
    db_status st;
    int if_match = x->if_match;
    rep_row rp;
    op_result res = load_report(op, t->report_id, true, &rp, why);
    if (res == OP_OK)
        res = may_edit(op, &rp, t->def, why);   /* again, under the row lock */
    /* the same bytes sent again (a retry whose answer was lost) are 200
     * whatever revision the client read: nothing is written, nothing lost;
     * If-Match is checked below, before anything is */
    db_rows old;
    if (res == OP_OK) {
        st = db_query(db, op->a,
                      "SELECT sha256 FROM report_attachments WHERE report_id = ? AND sheet_no = ? AND cluster_id = ? "
                      "FOR UPDATE",
                      DB_ARGS(DB_STR(rp.id), DB_INT(t->sheet), DB_INT(t->cluster)), &old, NULL);
        res = txn_result(st);
    }
    const char *old_sha = res == OP_OK && old.nrows ? db_cell(&old, 0, 0) : NULL;
    bool repair = false;
    if (res == OP_OK && old_sha && !strcmp(old_sha, m->sha256)) {
        bool opens;
        st = stored_opens(op, t, &opens);
        res = txn_result(st);
        if (res == OP_OK && opens) {   /* the same bytes: nothing to write */
            m->rev = rp.rev;
            return OP_OK;
        }
        repair = true;
        if (res == OP_OK)
            log_warn("req id=%s tenant=%s: attachment %s does not open; replaced by the same image uploaded again",
                     op->req_id, op->tenant->code, object_id(op, t));
    }
    if (res == OP_OK && if_match && if_match != rp.rev) {
        op_result jr;
        why->body = report_json(op, rp.id, &jr);
        res = refuse(why, REF_STALE, "stale_revision",
                     "The report changed since you read it; the current report is in the body.");
    }
    if (res == OP_OK && old_sha && !repair && t->lock_after_save)
        res = refuse(why, REF_INVALID, "locked_after_save", "This cluster cannot be changed once saved.");
    if (res == OP_OK) {
        bool fits;
        res = quota_check(op, x->sealed_len, &fits);
        if (res == OP_OK && !fits)
            res = refuse(why, REF_NO_SPACE, QUOTA_CODE, QUOTA_MESSAGE);
    }
    if (res != OP_OK)
        return res;
    st = write_row(op, t, rp.id, rp.rev, m, x->sealed, x->sealed_len, old_sha, repair ? " (repaired)" : "");
    if (st != DB_OK) {
        if (st != DB_BUSY && st != DB_GONE)
            log_error("req id=%s tenant=%s: storing attachment %s failed: %s", op->req_id, op->tenant->code,
                      object_id(op, t), db_error(db));
        return txn_result(st);   /* OP_BUSY: txn_run runs it again */
    }
    m->rev = rp.rev + 1;
    *x->created = true;
    return OP_OK;
}

op_result attach_put(op_ctx *op, const attach_target *t, const void *data, size_t len, const char *declared,
                     int if_match, attach_meta *m, bool *created, refusal *why)
{
    memset(why, 0, sizeof *why);
    memset(m, 0, sizeof *m);
    *created = false;
    op_result res = check_bytes(op, t, data, len, declared, m, why);
    if (res != OP_OK)
        return res;
    size_t sealed_len = len + CRYPTO_SEAL_OVERHEAD;
    unsigned char *sealed = arena_alloc(op->a, sealed_len);
    if (!tenant_seal(op->tenant->datakey, op->tenant->code, "attachment", object_id(op, t), data, len, sealed)) {
        log_error("req id=%s tenant=%s: sealing attachment %s failed", op->req_id, op->tenant->code, object_id(op, t));
        return OP_ERROR;
    }
    put_txn x = {.op = op, .t = t, .sealed = sealed, .sealed_len = sealed_len, .if_match = if_match, .m = m,
                 .created = created, .why = why};
    return txn_run(op->tenant->db, op->req_id, "attachment", put_once, &x);
}

static op_result stat_rows(op_ctx *op, const attach_target *t, bool with_blob, attach_meta *m, db_rows *rows)
{
    db_status st = db_query(op->tenant->db, op->a,
                            with_blob ? "SELECT sha256, content_type, size, width, height, sealed FROM report_attachments "
                                        "WHERE report_id = ? AND sheet_no = ? AND cluster_id = ?"
                                      : "SELECT sha256, content_type, size, width, height FROM report_attachments "
                                        "WHERE report_id = ? AND sheet_no = ? AND cluster_id = ?",
                            DB_ARGS(DB_STR(t->report_id), DB_INT(t->sheet), DB_INT(t->cluster)), rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (!rows->nrows)
        return OP_NOT_FOUND;
    memset(m, 0, sizeof *m);
    snprintf(m->sha256, sizeof m->sha256, "%s", db_cell(rows, 0, 0));
    m->content_type = db_cell(rows, 0, 1);
    m->size = strtoull(db_cell(rows, 0, 2), NULL, 10);
    m->width = (unsigned)strtoul(db_cell(rows, 0, 3), NULL, 10);
    m->height = (unsigned)strtoul(db_cell(rows, 0, 4), NULL, 10);
    return OP_OK;
}

op_result attach_stat(op_ctx *op, const attach_target *t, attach_meta *m)
{
    db_rows rows;
    return stat_rows(op, t, false, m, &rows);
}

op_result attach_read(op_ctx *op, const attach_target *t, attach_meta *m, const unsigned char **data,
                      refusal *why)
{
    memset(why, 0, sizeof *why);
    *data = NULL;
    db_rows rows;
    op_result res = stat_rows(op, t, true, m, &rows);
    if (res != OP_OK)
        return res;
    size_t n = rows.len[5];
    unsigned char *plain = arena_alloc(op->a, n >= CRYPTO_SEAL_OVERHEAD ? n - CRYPTO_SEAL_OVERHEAD + 1 : 1);
    bool ok = n >= CRYPTO_SEAL_OVERHEAD &&
              tenant_open(op->tenant->datakey, op->tenant->code, "attachment", object_id(op, t),
                          (const unsigned char *)db_cell(&rows, 0, 5), n, plain);
    if (ok) {   /* belt and braces: the bytes are the ones recorded */
        unsigned char h[32];
        char hex[65];
        crypto_sha256(plain, n - CRYPTO_SEAL_OVERHEAD, h);
        str_hex(h, 32, hex);
        hex[64] = '\0';
        ok = n - CRYPTO_SEAL_OVERHEAD == m->size && !strcmp(hex, m->sha256);
    }
    if (!ok) {
        log_error("req id=%s tenant=%s: attachment %s does not open (altered or damaged in the database): not served",
                  op->req_id, op->tenant->code, object_id(op, t));
        return refuse(why, REF_CONFLICT, "attachment_unreadable",
                      "The stored image is damaged and cannot be served. Please upload it again.");
    }
    *data = plain;
    return OP_OK;
}

/* ---- inside a caller's transaction (reports/import.c) ---- */

op_result attach_store_in(op_ctx *op, const char *report_id, const def_cluster *dc, const void *data, size_t len,
                          bool force, refusal *why)
{
    memset(why, 0, sizeof *why);
    bool signoff = dc->type == CT_CREATE || dc->type == CT_INSPECT || dc->type == CT_APPROVE;
    attach_target t = {.report_id = report_id, .sheet = dc->sheet_no, .cluster = dc->id, .type = dc->type,
                       .png_only = dc->type == CT_HANDWRITING || dc->type == CT_FREE_DRAW,
                       .lock_after_save = dc->lock_after_save && !force};
    if (!signoff && dc->type != CT_IMAGE && !t.png_only)
        return refuse(why, REF_INVALID, "not_an_attachment_cluster",
                      arena_printf(op->a, "Cluster %d of sheet %d is a %s cluster: it takes no image.", dc->id,
                                   dc->sheet_no, cluster_type_name(dc->type)));
    t.max_bytes = limit_of(op, dc, "maxBytes", "attachments.max_bytes", ATTACH_MAX_BYTES_DEFAULT);
    t.max_pixels = limit_of(op, dc, "maxPixels", "attachments.max_pixels", ATTACH_MAX_PIXELS_DEFAULT);
    image_info info;
    image_probe(data, len, 0, &info);
    attach_meta m;
    op_result res = check_bytes(op, &t, data, len, info.kind == IMAGE_UNKNOWN ? "-" : info.content_type, &m, why);
    if (res != OP_OK)
        return res;
    db_conn *db = op->tenant->db;
    db_rows old;
    db_status st = db_query(db, op->a,
                            "SELECT sha256 FROM report_attachments WHERE report_id = ? AND sheet_no = ? AND cluster_id = ? "
                            "FOR UPDATE",
                            DB_ARGS(DB_STR(report_id), DB_INT(t.sheet), DB_INT(t.cluster)), &old, NULL);
    if (st != DB_OK)
        return txn_result(st);
    const char *old_sha = old.nrows ? db_cell(&old, 0, 0) : NULL;
    if (old_sha && !strcmp(old_sha, m.sha256))
        return OP_OK;   /* the same image: nothing to write */
    if (old_sha && t.lock_after_save)
        return refuse(why, REF_INVALID, "locked_after_save", "This cluster cannot be changed once saved.");
    size_t sealed_len = len + CRYPTO_SEAL_OVERHEAD;
    unsigned char *sealed = arena_alloc(op->a, sealed_len);
    if (!tenant_seal(op->tenant->datakey, op->tenant->code, "attachment", object_id(op, &t), data, len, sealed)) {
        log_error("req id=%s tenant=%s: sealing attachment %s failed", op->req_id, op->tenant->code, object_id(op, &t));
        return OP_ERROR;
    }
    bool fits;
    res = quota_check(op, sealed_len, &fits);
    if (res == OP_OK && !fits)
        res = refuse(why, REF_NO_SPACE, QUOTA_CODE, QUOTA_MESSAGE);
    if (res != OP_OK)
        return res;
    db_rows rv;
    st = db_query(db, op->a, "SELECT rev FROM reports WHERE id = ?", DB_ARGS(DB_STR(report_id)), &rv, NULL);
    if (st == DB_OK && !rv.nrows)
        st = DB_ERR;
    if (st == DB_OK)
        st = write_row(op, &t, report_id, atoi(db_cell(&rv, 0, 0)), &m, sealed, sealed_len, old_sha, " (import)");
    return txn_result(st);
}

op_result attach_clear_in(op_ctx *op, const char *report_id, const def_cluster *dc, bool force, refusal *why)
{
    memset(why, 0, sizeof *why);
    attach_target t = {.report_id = report_id, .sheet = dc->sheet_no, .cluster = dc->id};
    db_conn *db = op->tenant->db;
    db_rows old;
    db_status st = db_query(db, op->a,
                            "SELECT sha256 FROM report_attachments WHERE report_id = ? AND sheet_no = ? AND cluster_id = ? "
                            "FOR UPDATE",
                            DB_ARGS(DB_STR(report_id), DB_INT(t.sheet), DB_INT(t.cluster)), &old, NULL);
    if (st != DB_OK || !old.nrows)
        return txn_result(st);   /* nothing stored: nothing to clear */
    if (dc->lock_after_save && !force)
        return refuse(why, REF_INVALID, "locked_after_save", "This cluster cannot be changed once saved.");
    db_rows rv;
    st = db_query(db, op->a, "DELETE FROM report_attachments WHERE report_id = ? AND sheet_no = ? AND cluster_id = ?",
                  DB_ARGS(DB_STR(report_id), DB_INT(t.sheet), DB_INT(t.cluster)), NULL, NULL);
    if (st == DB_OK)
        st = db_query(db, op->a, "SELECT rev FROM reports WHERE id = ?", DB_ARGS(DB_STR(report_id)), &rv, NULL);
    if (st == DB_OK && !rv.nrows)
        st = DB_ERR;
    if (st == DB_OK)
        st = report_event(op, report_id, atoi(db_cell(&rv, 0, 0)) + 1, "attachment",
                          attach_change(op, &t, db_cell(&old, 0, 0), NULL));
    if (st == DB_OK)
        st = db_query(db, op->a, "UPDATE reports SET rev = rev + 1, updated_by = ?, updated_at = UTC_TIMESTAMP(3) WHERE id = ?",
                      DB_ARGS(DB_INT(op->user->id), DB_STR(report_id)), NULL, NULL);
    if (st == DB_OK)
        st = audit_log(op, NULL, "report.attachment", "report", object_id(op, &t), AUDIT_OK, "removed (import)");
    return txn_result(st);
}
