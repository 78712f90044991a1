/* export.c - genbactl tenant export (see export.h). */
#include "ops/export.h"
#include "config.h"
#include "ops/sealed.h"
#include "export/writer.h"
#include "reports/report.h"
#include "tenant/resolve.h"
#include "tenant/code.h"
#include "util/recio.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "reports/values.h"
#include "util/csv.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 200
#define LOG_PAGE 5000

typedef struct exporter {
    const ops_env *e;
    db_conn *db;
    const char *dir, *code, *name;
    unsigned char key[CRYPTO_KEY_LEN];
    FILE *list;                /* the files written: "sha256 bytes path" lines (an unlinked
                                  temporary file: memory does not grow with them) */
    char last_sha256[65];      /* of the file ex_close closed last */
    export_result *r;
    char *err;
    size_t errlen;
} exporter;

typedef struct exfile {
    int fd;
    EVP_MD_CTX *md;
    uint64_t size;
    char rel[256];   /* not in an arena: the export writes a file per report */
    bool unlisted;   /* SHA256SUMS: not in the list */
    buf b;          /* pending bytes */
    arena *a;
} exfile;

static bool ex_fail(exporter *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool ex_fail(exporter *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err, x->errlen, fmt, ap);
    va_end(ap);
    return false;
}

static bool ex_open(exporter *x, exfile *f, const char *rel)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    char path[PATH_MAX];
    if ((size_t)snprintf(f->rel, sizeof f->rel, "%s", rel) >= sizeof f->rel ||
        (size_t)snprintf(path, sizeof path, "%s/%s", x->dir, rel) >= sizeof path)
        return ex_fail(x, "the path %s/%s is too long", x->dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    if (!ops_mkdirs(path, 0700, x->err, x->errlen))
        return false;
    *slash = '/';
    f->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (f->fd < 0)
        return ex_fail(x, "cannot create %s: %s", path, strerror(errno));
    f->md = EVP_MD_CTX_new();
    f->a = arena_new();
    buf_init(&f->b, f->a);
    if (!f->md || EVP_DigestInit_ex(f->md, EVP_sha256(), NULL) != 1)
        return ex_fail(x, "out of memory");
    return true;
}

static bool flush_to(exporter *x, exfile *f, const void *p, size_t n)
{
    EVP_DigestUpdate(f->md, p, n);
    f->size += n;
    if (!recio_write_all(f->fd, p, n))
        return ex_fail(x, "cannot write %s: %s", f->rel, strerror(errno));
    return true;
}

static bool ex_flush(exporter *x, exfile *f)
{
    if (!f->b.len)
        return true;
    bool ok = flush_to(x, f, f->b.data, f->b.len);
    arena_reset(f->a);
    buf_init(&f->b, f->a);
    return ok;
}

static bool ex_maybe_flush(exporter *x, exfile *f)
{
    return f->b.len < 256 * 1024 || ex_flush(x, f);
}

static void ex_discard(exfile *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    EVP_MD_CTX_free(f->md);
    f->md = NULL;
    arena_free(&f->a);
}

static bool ex_close(exporter *x, exfile *f)
{
    bool ok = ex_flush(x, f);
    int why = errno;
    if (!recio_sync_close(&f->fd) && ok) {
        ok = false;
        why = errno;
    }
    if (!ok) {
        ex_discard(f);
        return ex_fail(x, "cannot write %s: %s", f->rel, strerror(why));
    }
    unsigned char h[32];
    unsigned hl = 32;
    char hex[65];
    EVP_DigestFinal_ex(f->md, h, &hl);
    str_hex(h, 32, hex);
    memcpy(x->last_sha256, hex, sizeof hex);
    if (!f->unlisted) {
        if (fprintf(x->list, "%s %llu %s\n", hex, (unsigned long long)f->size, f->rel) < 0) {
            ex_discard(f);
            return ex_fail(x, "cannot write the list of files: %s", strerror(errno));
        }
        x->r->files++;
        x->r->bytes += f->size;
    }
    ex_discard(f);
    return true;
}

static bool ex_whole(exporter *x, const char *rel, const void *p, size_t n)
{
    exfile f;
    if (!ex_open(x, &f, rel)) {
        ex_discard(&f);
        return false;
    }
    if (!flush_to(x, &f, p, n)) {
        ex_discard(&f);
        return false;
    }
    return ex_close(x, &f);
}

static void put_row(exfile *f, const char *const *fields, int n)
{
    csv_write_row(&f->b, fields, n);
}

static const char *ext_for(const char *content_type)
{
    return content_type && strstr(content_type, "jpeg") ? "jpg" : "png";
}

/* Run a read query in a (results only; sql must be long-lived). */
static bool q(exporter *x, arena *a, const char *sql, const db_arg *args, size_t nargs, db_rows *out)
{
    if (db_query(x->db, a, sql, args, nargs, out, NULL) == DB_OK)
        return true;
    snprintf(x->err, x->errlen, "cannot read the tenant's data: %s", db_error(x->db));
    return false;
}

#define TS(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"

static bool export_definitions(exporter *x)
{
    db_rows r;
    if (!q(x, x->e->a,
           "SELECT r.definition_id, r.revision, r.name, r.status, r.sha256, " TS("r.created_at") ", " TS("r.updated_at")
           " FROM definition_revisions r ORDER BY r.definition_id, r.revision",
           DB_NOARGS, &r))
        return false;
    exfile idx;
    if (!ex_open(x, &idx, "definitions/definitions.csv"))
        return ex_discard(&idx), false;
    csv_write_bom(&idx.b);
    const char *head[] = {"definition_id", "revision", "name", "status", "sha256", "created_at", "updated_at", "file"};
    put_row(&idx, head, 8);
    for (size_t i = 0; i < r.nrows; i++) {
        const char *id = db_cell(&r, i, 0), *rev = db_cell(&r, i, 1);
        const char *rel = arena_printf(x->e->a, "definitions/%s/revision-%s.xml", id, rev);
        const char *row[] = {id, rev, db_cell(&r, i, 2), db_cell(&r, i, 3), db_cell(&r, i, 4), db_cell(&r, i, 5),
                             db_cell(&r, i, 6), rel};
        put_row(&idx, row, 8);
        arena *t = arena_new();
        db_rows xr;
        bool ok = q(x, t, "SELECT xml FROM definition_revisions WHERE definition_id = ? AND revision = ?",
                    DB_ARGS(DB_STR(id), DB_STR(rev)), &xr) &&
                  xr.nrows == 1 && ex_whole(x, rel, xr.cell[0], xr.len[0]);
        arena_free(&t);
        if (!ok || !ex_maybe_flush(x, &idx))
            return ex_discard(&idx), false;
        x->r->definitions++;
    }
    if (!ex_close(x, &idx))
        return false;
    db_rows im;
    if (!q(x, x->e->a, "SELECT sha256, content_type FROM images ORDER BY sha256", DB_NOARGS, &im))
        return false;
    for (size_t i = 0; i < im.nrows; i++) {
        const char *sha = db_cell(&im, i, 0);
        arena *t = arena_new();
        db_rows b;
        bool ok = q(x, t, "SELECT bytes FROM images WHERE sha256 = ?", DB_ARGS(DB_STR(sha)), &b) && b.nrows == 1 &&
                  ex_whole(x, arena_printf(x->e->a, "definitions/images/%s.%s", sha, ext_for(db_cell(&im, i, 1))),
                           b.cell[0], b.len[0]);
        arena_free(&t);
        if (!ok)
            return false;
    }
    return true;
}

static bool export_masters(exporter *x)
{
    db_rows m;
    if (!q(x, x->e->a, "SELECT id, name, version, fields, " TS("updated_at") " FROM masters ORDER BY id", DB_NOARGS, &m))
        return false;
    exfile idx;
    if (!ex_open(x, &idx, "masters/masters.csv"))
        return ex_discard(&idx), false;
    csv_write_bom(&idx.b);
    const char *head[] = {"id", "name", "version", "updated_at", "file"};
    put_row(&idx, head, 5);
    for (size_t i = 0; i < m.nrows; i++) {
        const char *id = db_cell(&m, i, 0);
        const char *rel = arena_printf(x->e->a, "masters/%s.csv", id);
        const char *row[] = {id, db_cell(&m, i, 1), db_cell(&m, i, 2), db_cell(&m, i, 4), rel};
        put_row(&idx, row, 5);
        json_object *fields = json_tokener_parse(db_cell(&m, i, 3) ? db_cell(&m, i, 3) : "[]");
        size_t nf = fields && json_object_is_type(fields, json_type_array) ? json_object_array_length(fields) : 0;
        /* the header as uploaded ("price:number"), so the file imports back */
        const char **names = arena_calloc(x->e->a, nf + 1, sizeof *names), **mhead = arena_calloc(x->e->a, nf + 1, sizeof *mhead);
        for (size_t k = 0; k < nf; k++) {
            json_object *fk = json_object_array_get_idx(fields, k);
            const char *type = json_object_get_string(json_object_object_get(fk, "type"));
            names[k] = arena_strdup(x->e->a, json_object_get_string(json_object_object_get(fk, "name")));
            mhead[k] = type && strcmp(type, "text") ? arena_printf(x->e->a, "%s:%s", names[k], type) : names[k];
        }
        json_object_put(fields);
        exfile f;
        if (!ex_open(x, &f, rel)) {
            ex_discard(&f);
            return ex_discard(&idx), false;
        }
        csv_write_bom(&f.b);
        put_row(&f, mhead, (int)nf);
        const char *after = "";
        for (;;) {
            arena *t = arena_new();
            db_rows rec;
            if (!q(x, t,
                   "SELECT record_id, data FROM master_records WHERE master_id = ? AND deleted = 0 AND record_id > ? "
                   "ORDER BY record_id LIMIT 1000",
                   DB_ARGS(DB_STR(id), DB_STR(after)), &rec)) {
                arena_free(&t);
                ex_discard(&f);
                return ex_discard(&idx), false;
            }
            const char **vals = arena_calloc(t, nf + 1, sizeof *vals);
            for (size_t k = 0; k < rec.nrows; k++) {
                json_object *d = json_tokener_parse(db_cell(&rec, k, 1));
                for (size_t j = 0; j < nf; j++) {
                    json_object *v = d ? json_object_object_get(d, names[j]) : NULL;
                    vals[j] = v ? arena_strdup(t, json_object_get_string(v)) : "";
                }
                json_object_put(d);
                put_row(&f, vals, (int)nf);
            }
            bool more = rec.nrows == 1000;
            if (more)
                after = arena_strdup(x->e->a, db_cell(&rec, rec.nrows - 1, 0));
            arena_free(&t);
            if (!ex_maybe_flush(x, &f)) {
                ex_discard(&f);
                return ex_discard(&idx), false;
            }
            if (!more)
                break;
        }
        if (!ex_close(x, &f))
            return ex_discard(&idx), false;
    }
    return ex_close(x, &idx);
}

static bool export_users(exporter *x)
{
    db_rows u;
    if (!q(x, x->e->a,
           "SELECT id, login, name, email, enabled, is_admin, valid_from, valid_until, lang, seal_type, "
           "seal_image IS NOT NULL, " TS("created_at") ", " TS("updated_at") " FROM users ORDER BY id",
           DB_NOARGS, &u))
        return false;
    exfile f;
    if (!ex_open(x, &f, "users/users.csv"))
        return ex_discard(&f), false;
    csv_write_bom(&f.b);
    const char *head[] = {"id", "login", "name", "email", "enabled", "is_admin", "valid_from", "valid_until", "lang",
                          "created_at", "updated_at", "seal_file"};
    put_row(&f, head, 12);
    for (size_t i = 0; i < u.nrows; i++) {
        const char *id = db_cell(&u, i, 0);
        const char *seal = NULL;
        if (!strcmp(db_cell(&u, i, 10), "1")) {
            seal = arena_printf(x->e->a, "users/seals/%s.%s", id, ext_for(db_cell(&u, i, 9)));
            arena *t = arena_new();
            db_rows s;
            bool ok = q(x, t, "SELECT seal_image FROM users WHERE id = ?", DB_ARGS(DB_STR(id)), &s) && s.nrows == 1 &&
                      s.cell[0] && s.len[0] > CRYPTO_SEAL_OVERHEAD;
            if (ok) {
                size_t n = s.len[0] - CRYPTO_SEAL_OVERHEAD;
                unsigned char *plain = arena_alloc(t, n + 1);
                if (!tenant_open(x->key, x->code, "seal", id, (const unsigned char *)s.cell[0], s.len[0], plain))
                    ok = ex_fail(x, "the seal image of user %s does not decrypt with the tenant's key", id);
                else
                    ok = ex_whole(x, seal, plain, n);
                crypto_wipe(plain, n);
            } else if (!x->err[0]) {
                ex_fail(x, "cannot read the seal image of user %s", id);
            }
            arena_free(&t);
            if (!ok)
                return ex_discard(&f), false;
            x->r->seals++;
        }
        const char *row[] = {id, db_cell(&u, i, 1), db_cell(&u, i, 2), db_cell(&u, i, 3), db_cell(&u, i, 4),
                             db_cell(&u, i, 5), db_cell(&u, i, 6), db_cell(&u, i, 7), db_cell(&u, i, 8),
                             db_cell(&u, i, 11), db_cell(&u, i, 12), seal};
        put_row(&f, row, 12);
    }
    if (!ex_close(x, &f))
        return false;
    static const struct {
        const char *file, *sql;
        const char *head[6];
        int n;
    } more[] = {
        {"users/groups.csv", "SELECT id, name, parent_id, description FROM `groups` ORDER BY id",
         {"id", "name", "parent_id", "description"}, 4},
        {"users/group_members.csv",
         "SELECT m.group_id, g.name, m.user_id, u.login FROM group_members m JOIN `groups` g ON g.id = m.group_id "
         "JOIN users u ON u.id = m.user_id ORDER BY m.group_id, m.user_id",
         {"group_id", "group", "user_id", "login"}, 4},
        {"users/group_permissions.csv",
         "SELECT p.group_id, g.name, p.permission, p.scope FROM group_permissions p JOIN `groups` g ON g.id = p.group_id "
         "ORDER BY p.group_id, p.permission, p.scope",
         {"group_id", "group", "permission", "scope"}, 4},
    };
    for (size_t k = 0; k < sizeof more / sizeof more[0]; k++) {
        db_rows r;
        exfile g;
        if (!q(x, x->e->a, more[k].sql, DB_NOARGS, &r) || !ex_open(x, &g, more[k].file))
            return false;
        csv_write_bom(&g.b);
        put_row(&g, more[k].head, more[k].n);
        for (size_t i = 0; i < r.nrows; i++)
            put_row(&g, (const char *const *)&r.cell[i * r.ncols], (int)r.ncols);
        if (!ex_close(x, &g))
            return false;
    }
    return true;
}

static bool has_table(exporter *x, const char *t)
{
    db_rows r;
    return db_query(x->db, x->e->a, "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
                    DB_ARGS(DB_STR(t)), &r, NULL) == DB_OK &&
           r.nrows == 1;
}

static bool export_attachments(exporter *x)
{
    if (!has_table(x, "report_attachments"))
        return true;
    db_rows a;
    if (!q(x, x->e->a,
           "SELECT report_id, sheet_no, cluster_id, content_type, size, sha256, width, height, " TS("uploaded_at")
           " FROM report_attachments ORDER BY report_id, sheet_no, cluster_id",
           DB_NOARGS, &a))
        return false;
    exfile f;
    if (!ex_open(x, &f, "attachments/attachments.csv"))
        return ex_discard(&f), false;
    csv_write_bom(&f.b);
    const char *head[] = {"report_id", "sheet", "cluster", "content_type", "bytes", "sha256", "width", "height",
                          "uploaded_at", "file"};
    put_row(&f, head, 10);
    for (size_t i = 0; i < a.nrows; i++) {
        const char *rid = db_cell(&a, i, 0), *sh = db_cell(&a, i, 1), *cl = db_cell(&a, i, 2);
        const char *oid = arena_printf(x->e->a, "%s/%s/%s", rid, sh, cl);
        const char *rel = arena_printf(x->e->a, "attachments/%s/%s-%s.%s", rid, sh, cl, ext_for(db_cell(&a, i, 3)));
        arena *t = arena_new();
        db_rows s;
        bool ok = q(x, t, "SELECT sealed FROM report_attachments WHERE report_id = ? AND sheet_no = ? AND cluster_id = ?",
                    DB_ARGS(DB_STR(rid), DB_STR(sh), DB_STR(cl)), &s) &&
                  s.nrows == 1 && s.len[0] > CRYPTO_SEAL_OVERHEAD;
        if (ok) {
            size_t n = s.len[0] - CRYPTO_SEAL_OVERHEAD;
            unsigned char *plain = arena_alloc(t, n + 1), h[32];
            char hex[65];
            if (!tenant_open(x->key, x->code, "attachment", oid, (const unsigned char *)s.cell[0], s.len[0], plain)) {
                ok = ex_fail(x, "attachment %s does not decrypt with the tenant's key", oid);
            } else {
                crypto_sha256(plain, n, h);
                str_hex(h, 32, hex);
                if (strcmp(hex, db_cell(&a, i, 5)))
                    ok = ex_fail(x, "attachment %s does not match its recorded SHA-256", oid);
                else
                    ok = ex_whole(x, rel, plain, n);
            }
            crypto_wipe(plain, n);
        } else if (!x->err[0]) {
            ex_fail(x, "cannot read attachment %s", oid);
        }
        arena_free(&t);
        if (!ok)
            return ex_discard(&f), false;
        const char *row[] = {rid, sh, cl, db_cell(&a, i, 3), db_cell(&a, i, 4), db_cell(&a, i, 5),
                             db_cell(&a, i, 6), db_cell(&a, i, 7), db_cell(&a, i, 8), rel};
        put_row(&f, row, 10);
        x->r->attachments++;
        if (!ex_maybe_flush(x, &f))
            return ex_discard(&f), false;
    }
    return ex_close(x, &f);
}

/* The names and types of the clusters of a definition revision:
 * {"sheet/cluster": [name, type]}, read once per revision into cache. */
static json_object *cluster_names(exporter *x, json_object *cache, const char *def, const char *rev)
{
    const char *key = arena_printf(x->e->a, "%s/%s", def, rev);
    json_object *m = json_object_object_get(cache, key);
    if (m)
        return m;
    arena *t = arena_new();
    db_rows c;
    bool ok = q(x, t, "SELECT sheet_no, cluster_id, name, type FROM definition_clusters WHERE definition_id = ? AND revision = ?",
                DB_ARGS(DB_STR(def), DB_STR(rev)), &c);
    if (ok) {
        m = json_object_new_object();
        for (size_t i = 0; i < c.nrows; i++) {
            json_object *nt = json_object_new_array();
            json_object_array_add(nt, json_object_new_string(db_cell(&c, i, 2) ? db_cell(&c, i, 2) : ""));
            json_object_array_add(nt, json_object_new_string(db_cell(&c, i, 3) ? db_cell(&c, i, 3) : ""));
            json_object_object_add(m, arena_printf(t, "%s/%s", db_cell(&c, i, 0), db_cell(&c, i, 1)), nt);
        }
        json_object_object_add(cache, key, m);
    }
    arena_free(&t);
    return m;
}

/* reports/<id>.xml: the report as the loader reads it (deleted ones too:
 * the system's own load) in the ConMas report-data XML that GET
 * /api/v1/reports/{id}/xml gives (export_xml_write), op's arena reset
 * first: memory does not grow with the reports. */
typedef struct xml_out {
    exporter *x;
    exfile *f;
} xml_out;

static bool xml_out_write(void *ctx, const void *p, size_t n)
{
    xml_out *o = ctx;
    return flush_to(o->x, o->f, p, n);
}

static bool report_xml(exporter *x, op_ctx *op, const char *id, const char *rel)
{
    arena_reset(op->a);
    export_report full;
    op_result res = report_load_ex(op, id, REPORT_LOAD_DELETED, &full);
    if (res != OP_OK)
        return ex_fail(x, "report %s cannot be read: %s", id,
                       res == OP_ERROR ? "its stored values do not parse" : res == OP_NOT_FOUND ? "its definition revision is missing" : db_error(x->db));
    exfile f;
    if (!ex_open(x, &f, rel))
        return ex_discard(&f), false;
    xml_out o = {x, &f};
    export_sink sink = {xml_out_write, &o};
    if (export_xml_write(op, &full, &sink) != OP_OK) {
        ex_discard(&f);
        return x->err[0] ? false : ex_fail(x, "cannot write %s", rel);
    }
    return ex_close(x, &f);
}

static bool export_reports(exporter *x)
{
    exfile rf, vf;
    if (!ex_open(x, &rf, "reports/reports.csv"))
        return ex_discard(&rf), false;
    if (!ex_open(x, &vf, "reports/values.csv")) {
        ex_discard(&vf);
        return ex_discard(&rf), false;
    }
    json_object *clusters = json_object_new_object();   /* cluster_names' cache */
    csv_write_bom(&rf.b);
    csv_write_bom(&vf.b);
    const char *rh[] = {"id", "definition_id", "definition_revision", "name", "number", "status", "stage", "rev",
                        "created_by", "created_at", "updated_by", "updated_at", "deleted_at", "file",
                        "remarks1", "remarks2", "remarks3", "remarks4", "remarks5", "remarks6", "remarks7", "remarks8",
                        "remarks9", "remarks10", "system_key1", "system_key2", "system_key3", "system_key4", "system_key5"};
    const char *vh[] = {"report_id", "sheet", "cluster", "cluster_name", "cluster_type", "value", "out_of_normal",
                        "gps", "edited_by", "edited_at", "attachment"};
    put_row(&rf, rh, 29);
    put_row(&vf, vh, 11);
    /* the system's operation on the export's connection (its snapshot) */
    tenant_memo memo = {0};
    tenant_ctx tc = {.code = x->code, .name = x->name, .status = "active", .db = x->db, .datakey = x->key, .memo = &memo};
    op_ctx op = {.a = arena_new(), .req_id = "tenant-export", .tenant = &tc, .channel = "system", .client_addr = "system",
                 .user_agent = "", .lang = "ja", .cfg = x->e->cfg};
    char after[64] = "";
    bool ok = true, with_att = has_table(x, "report_attachments");
    for (;;) {
        arena *t = arena_new();
        db_rows r;
        ok = q(x, t,
               "SELECT r.id, r.definition_id, r.definition_revision, r.name, r.number, r.status, r.stage, r.rev, "
               "cu.login, " TS("r.created_at") ", uu.login, " TS("r.updated_at") ", " TS("r.deleted_at") ", r.vals, " REPORT_EXTRA_SELECT("r.")
               " FROM reports r LEFT JOIN users cu ON cu.id = r.created_by LEFT JOIN users uu ON uu.id = r.updated_by "
               "WHERE r.id > ? ORDER BY r.id LIMIT 200",
               DB_ARGS(DB_STR(after)), &r);
        /* the page's attachment files, as export_attachments named them: {"report/sheet/cluster": file} */
        json_object *attached = json_object_new_object();
        db_rows at = {0};
        if (ok && r.nrows && with_att)
            ok = q(x, t, "SELECT report_id, sheet_no, cluster_id, content_type FROM report_attachments "
                   "WHERE report_id > ? AND report_id <= ?",
                   DB_ARGS(DB_STR(after), DB_STR(db_cell(&r, r.nrows - 1, 0))), &at);
        for (size_t k = 0; ok && k < at.nrows; k++)
            json_object_object_add(attached, arena_printf(t, "%s/%s/%s", db_cell(&at, k, 0), db_cell(&at, k, 1), db_cell(&at, k, 2)),
                                   json_object_new_string(arena_printf(t, "attachments/%s/%s-%s.%s", db_cell(&at, k, 0),
                                                                       db_cell(&at, k, 1), db_cell(&at, k, 2),
                                                                       ext_for(db_cell(&at, k, 3)))));
        if (!ok) {
            json_object_put(attached);
            arena_free(&t);
            break;
        }
        for (size_t i = 0; ok && i < r.nrows; i++) {
            const char *id = db_cell(&r, i, 0);
            const char *rel = arena_printf(t, "reports/%s.xml", id);
            const char *row[] = {id, db_cell(&r, i, 1), db_cell(&r, i, 2), db_cell(&r, i, 3), db_cell(&r, i, 4),
                                 db_cell(&r, i, 5), db_cell(&r, i, 6), db_cell(&r, i, 7), db_cell(&r, i, 8),
                                 db_cell(&r, i, 9), db_cell(&r, i, 10), db_cell(&r, i, 11), db_cell(&r, i, 12), rel,
                                 db_cell(&r, i, 14), db_cell(&r, i, 15), db_cell(&r, i, 16), db_cell(&r, i, 17),
                                 db_cell(&r, i, 18), db_cell(&r, i, 19), db_cell(&r, i, 20), db_cell(&r, i, 21),
                                 db_cell(&r, i, 22), db_cell(&r, i, 23), db_cell(&r, i, 24), db_cell(&r, i, 25),
                                 db_cell(&r, i, 26), db_cell(&r, i, 27), db_cell(&r, i, 28)};
            put_row(&rf, row, 29);
            rvals vals;
            json_object *names = cluster_names(x, clusters, db_cell(&r, i, 1), db_cell(&r, i, 2));
            if (!rvals_parse(t, db_cell(&r, i, 13), &vals) || !names) {
                ok = names ? ex_fail(x, "report %s: its stored values do not parse", id) : false;
                break;
            }
            for (int vi = 0; vi < vals.n; vi++) {
                const rvalue *rv = &vals.v[vi];
                const char *sh = arena_printf(t, "%d", rv->sheet), *cl = arena_printf(t, "%d", rv->cluster);
                json_object *att = json_object_object_get(attached, arena_printf(t, "%s/%s/%s", id, sh, cl));
                const char *att_rel = att ? json_object_get_string(att) : NULL;
                json_object *nt = json_object_object_get(names, arena_printf(t, "%s/%s", sh, cl));
                const char *vrow[] = {id, sh, cl,
                                      nt ? json_object_get_string(json_object_array_get_idx(nt, 0)) : NULL,
                                      nt ? json_object_get_string(json_object_array_get_idx(nt, 1)) : NULL,
                                      rv->value, rv->oon ? "1" : "0", rv->gps, rv->by, rv->at, att_rel};
                put_row(&vf, vrow, 11);
                x->r->values++;
            }
            ok = report_xml(x, &op, id, rel) && ex_maybe_flush(x, &rf) && ex_maybe_flush(x, &vf);
            x->r->reports++;
        }
        bool more = ok && r.nrows == PAGE;
        if (more)
            snprintf(after, sizeof after, "%s", db_cell(&r, r.nrows - 1, 0));
        json_object_put(attached);
        arena_free(&t);
        if (!more)
            break;
    }
    arena_free(&op.a);
    json_object_put(clusters);
    if (!ok) {
        ex_discard(&rf);
        ex_discard(&vf);
        return false;
    }
    bool ok1 = ex_close(x, &rf);
    if (!ok1) {
        ex_discard(&vf);
        return false;
    }
    return ex_close(x, &vf);
}

static bool export_access_log(exporter *x)
{
    exfile f;
    if (!ex_open(x, &f, "access_log.csv"))
        return ex_discard(&f), false;
    csv_write_bom(&f.b);
    const char *head[] = {"id", "at", "user_id", "login", "device_id", "client_addr", "user_agent", "channel",
                          "action", "object_type", "object_id", "result", "detail"};
    put_row(&f, head, 13);
    long long after = 0;
    for (;;) {
        arena *t = arena_new();
        db_rows r;
        if (!q(x, t,
               "SELECT id, " TS("at") ", user_id, login, device_id, client_addr, user_agent, channel, action, "
               "object_type, object_id, result, detail FROM access_log WHERE id > ? ORDER BY id LIMIT 5000",
               DB_ARGS(DB_INT(after)), &r)) {
            arena_free(&t);
            return ex_discard(&f), false;
        }
        for (size_t i = 0; i < r.nrows; i++)
            put_row(&f, (const char *const *)&r.cell[i * r.ncols], (int)r.ncols);
        x->r->log_rows += (long long)r.nrows;
        bool more = r.nrows == LOG_PAGE;
        if (more)
            after = atoll(db_cell(&r, r.nrows - 1, 0));
        arena_free(&t);
        if (!ex_maybe_flush(x, &f))
            return ex_discard(&f), false;
        if (!more)
            break;
    }
    return ex_close(x, &f);
}

static bool dir_empty_or_missing(const char *dir, bool *existed)
{
    DIR *d = opendir(dir);
    *existed = d != NULL;
    if (!d)
        return errno == ENOENT;
    struct dirent *de;
    bool empty = true;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            empty = false;
    closedir(d);
    return empty;
}

static bool cancelled(const ops_env *e, exporter *x)
{
    if (e->cancelled && e->cancelled(e->progress_arg))
        return ex_fail(x, "cancelled");
    return false;
}

/* One line of the list: sha256, bytes, path. */
static bool list_line(const char *line, char sha[65], char bytes[24], char path[256])
{
    return sscanf(line, "%64s %23s %255[^\n]", sha, bytes, path) == 3;
}

static bool list_rewind(exporter *x)
{
    if (fflush(x->list) != 0 || fseek(x->list, 0, SEEK_SET) != 0)
        return ex_fail(x, "cannot read the list of files back: %s", strerror(errno));
    return true;
}

/* From the list: manifest.json, when head is the manifest's JSON without
 * its files (as json-c writes it, pretty), with "files" added last in the
 * same layout ([{path, bytes, sha256}]); else SHA256SUMS, every file
 * listed (manifest.json too, not itself), for `sha256sum -c`. */
static bool write_listing(exporter *x, const char *head)
{
    const char *end = head ? strrchr(head, '}') : NULL;
    if ((head && !end) || !list_rewind(x))
        return head && !end ? ex_fail(x, "the manifest's JSON is not an object") : false;
    exfile f;
    if (!ex_open(x, &f, head ? "manifest.json" : "SHA256SUMS"))
        return ex_discard(&f), false;
    f.unlisted = !head;
    if (head) {
        while (end > head && (end[-1] == '\n' || end[-1] == ' '))
            end--;
        buf_add(&f.b, head, (size_t)(end - head));
        buf_adds(&f.b, ",\n  \"files\": [\n");
    }
    char line[512], sha[65], bytes[24], path[256];
    for (bool first = true; fgets(line, sizeof line, x->list); first = false) {
        if (!list_line(line, sha, bytes, path)) {
            ex_discard(&f);
            return ex_fail(x, "the list of files is damaged");
        }
        if (!head) {
            buf_printf(&f.b, "%s  %s\n", sha, path);
        } else {
            buf_printf(&f.b, "%s    {\n      \"path\": \"", first ? "" : ",\n");
            for (const char *p = path; *p; p++)   /* our own names: ids, numbers, hex; escaped all the same */
                if (*p == '"' || *p == '\\')
                    buf_printf(&f.b, "\\%c", *p);
                else if ((unsigned char)*p < 0x20)
                    buf_printf(&f.b, "\\u%04x", (unsigned char)*p);
                else
                    buf_addc(&f.b, *p);
            buf_printf(&f.b, "\",\n      \"bytes\": %s,\n      \"sha256\": \"%s\"\n    }", bytes, sha);
        }
        if (!ex_maybe_flush(x, &f)) {
            ex_discard(&f);
            return false;
        }
    }
    if (head)
        buf_adds(&f.b, "\n  ]\n}\n");
    if (!ex_close(x, &f))
        return false;
    if (!head)
        x->r->files++;
    return true;
}

bool tenant_export_from(const ops_env *e, db_conn *db, const char *code, const char *name, int schema,
                        const unsigned char key[CRYPTO_KEY_LEN], const char *dir, export_result *r, char *err,
                        size_t errlen)
{
    memset(r, 0, sizeof *r);
    err[0] = '\0';
    exporter x = {.e = e, .db = db, .dir = dir, .code = code, .name = name, .r = r, .err = err, .errlen = errlen};
    memcpy(x.key, key, CRYPTO_KEY_LEN);
    bool ok = false;
    json_object *m = NULL;
    if (db_exec_script(x.db, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ") != DB_OK ||
        db_exec_script(x.db, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY") != DB_OK) {
        snprintf(err, errlen, "cannot start a consistent read: %s", db_error(x.db));
        goto out;
    }
    if (!ops_mkdirs(dir, 0700, err, errlen))
        goto out;
    if (!(x.list = tmpfile())) {
        snprintf(err, errlen, "cannot create a temporary file: %s", strerror(errno));
        goto out;
    }
    ops_progress(e, "exporting", 0, 6);
    if (cancelled(e, &x) || !export_definitions(&x))
        goto out;
    ops_progress(e, "exporting", 1, 6);
    if (cancelled(e, &x) || !export_masters(&x))
        goto out;
    ops_progress(e, "exporting", 2, 6);
    if (cancelled(e, &x) || !export_users(&x))
        goto out;
    ops_progress(e, "exporting", 3, 6);
    if (cancelled(e, &x) || !export_attachments(&x))
        goto out;
    ops_progress(e, "exporting", 4, 6);
    if (cancelled(e, &x) || !export_reports(&x))
        goto out;
    ops_progress(e, "exporting", 5, 6);
    if (cancelled(e, &x) || !export_access_log(&x))
        goto out;
    ops_progress(e, "", 6, 6);
    db_rollback(x.db);

    char now[32], host[256] = "";
    ops_format_time(time(NULL), now);
    gethostname(host, sizeof host - 1);
    json_object *counts = json_object_new_object();
    json_object_object_add(counts, "definition_revisions", json_object_new_int64(r->definitions));
    json_object_object_add(counts, "reports", json_object_new_int64(r->reports));
    json_object_object_add(counts, "values", json_object_new_int64(r->values));
    json_object_object_add(counts, "attachments", json_object_new_int64(r->attachments));
    json_object_object_add(counts, "seal_images", json_object_new_int64(r->seals));
    json_object_object_add(counts, "access_log_rows", json_object_new_int64(r->log_rows));
    json_object *info = json_object_new_object();
    json_object_object_add(info, "tenant", json_object_new_string(code));
    json_object_object_add(info, "name", json_object_new_string(name));
    json_object_object_add(info, "exported_at", json_object_new_string(now));
    json_object_object_add(info, "schema_version", json_object_new_int(schema));
    json_object_object_add(info, "counts", json_object_get(counts));
    bool wrote = ex_whole(&x, "tenant.json", ops_json_text(info, true), strlen(ops_json_text(info, true)));
    json_object_put(info);
    if (!wrote) {
        json_object_put(counts);
        goto out;
    }
    m = json_object_new_object();
    json_object_object_add(m, "format", json_object_new_string("genba-export-manifest 1"));
    json_object_object_add(m, "tenant", json_object_new_string(code));
    json_object_object_add(m, "name", json_object_new_string(name));
    json_object_object_add(m, "exported_at", json_object_new_string(now));
    json_object_object_add(m, "host", json_object_new_string(host));
    json_object_object_add(m, "os_user", json_object_new_string(e->os_user ? e->os_user : "?"));
    json_object_object_add(m, "genba_version", json_object_new_string(PACKAGE_VERSION));
    json_object_object_add(m, "counts", counts);
    if (!write_listing(&x, ops_json_text(m, true)))
        goto out;
    memcpy(r->manifest_sha256, x.last_sha256, sizeof r->manifest_sha256);
    if (!write_listing(&x, NULL))
        goto out;
    recio_sync_dir(dir);
    ok = true;
out:
    if (!ok)
        db_rollback(x.db);
    crypto_wipe(x.key, sizeof x.key);
    if (x.list)
        fclose(x.list);
    json_object_put(m);
    return ok;
}

bool tenant_export(const ops_env *e, const char *code, const char *dir, export_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    err[0] = '\0';
    const char *why = tenant_code_problem(code);
    if (why) {
        snprintf(err, errlen, "tenant code '%s': %s", code, why);
        return false;
    }
    bool existed;
    if (!dir_empty_or_missing(dir, &existed)) {
        snprintf(err, errlen, "%s is not empty (or cannot be read): give a new or empty directory", dir);
        return false;
    }
    unsigned char key[CRYPTO_KEY_LEN];
    db_conn *control = ops_admin(e, e->cfg->control_db, err, errlen), *db = NULL;
    if (!control)
        return false;
    bool ok = false;
    db_rows t;
    if (db_query(control, e->a, "SELECT status, name, db_name, schema_version FROM tenants WHERE code = ?",
                 DB_ARGS(DB_STR(code)), &t, NULL) != DB_OK) {
        snprintf(err, errlen, "cannot read tenants: %s", db_error(control));
        goto out;
    }
    if (t.nrows == 0 || !strcmp(db_cell(&t, 0, 0), "provisioning")) {
        snprintf(err, errlen, "no tenant %s", code);
        goto out;
    }
    if (ops_tenant_key(e, control, code, key, err, errlen) != OPS_KEY_OK)
        goto out;
    if (!(db = ops_admin(e, db_cell(&t, 0, 2), err, errlen)))
        goto out;
    if (!tenant_export_from(e, db, code, db_cell(&t, 0, 1), atoi(db_cell(&t, 0, 3)), key, dir, r, err, errlen)) {
        if (!existed)
            ops_rmtree(dir);
        goto out;
    }
    if (db_query(control, e->a,
                 "INSERT INTO tenant_exports (tenant_code, dir, files, bytes, manifest_sha256, os_user) "
                 "VALUES (?, ?, ?, ?, ?, ?)",
                 DB_ARGS(DB_STR(code), DB_STR(dir), DB_INT(r->files), DB_INT(r->bytes), DB_STR(r->manifest_sha256),
                         DB_STR(e->os_user ? e->os_user : "?")),
                 NULL, NULL) != DB_OK)
        fprintf(stderr, "genbactl: warning: the export was not recorded in the control database (%s)\n",
                db_error(control));
    ok = true;
out:
    ops_progress(e, "", 1, 1);
    crypto_wipe(key, sizeof key);
    db_close(&db);
    db_close(&control);
    return ok;
}
