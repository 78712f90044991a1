/* download.c - DownloadCsv: reports as one CSV table in a zip
 * (export/csv_table.c, the table the background exports write), with
 * their images on request: reports.csv, images/<topId>/<sheet>-<cluster>.<ext>. */
#include "conmas/conmas.h"
#include "db/txn.h"
#include "export/report.h"
#include "export/writer.h"
#include "reports/import.h"
#include "auth/users.h"
#include "tenant/resolve.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

#define DOWNLOAD_MAX_REPORTS 1000

static bool to_buf(void *ctx, const void *p, size_t n)
{
    buf_add(ctx, p, n);
    return true;
}

/* The reports the field names (topIds or reportIds, comma-separated), each
 * loaded (so visible to the user); NULL after answering. */
static export_report *reports_named(conmas_call *c, const char *list, int *n)
{
    request *r = c->r;
    char *s = arena_strdup(r->a, list), *save = NULL;
    int cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    if (cap > DOWNLOAD_MAX_REPORTS) {
        conmas_error(c, CM_FIELD_INVALID, arena_printf(r->a, "At most %d reports in one DownloadCsv.", DOWNLOAD_MAX_REPORTS));
        return NULL;
    }
    export_report *reps = arena_calloc(r->a, (size_t)cap, sizeof *reps);
    *n = 0;
    for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        t = str_trim(t);
        if (!*t)
            continue;
        long long seq = 0;
        if (!str_uuid_ok(t) && !users_parse_id(t, &seq)) {
            conmas_error(c, CM_FIELD_INVALID, arena_printf(r->a, "\"%.40s\" is not a report's topId or reportId.", t));
            return NULL;
        }
        db_rows rows;
        db_arg arg = seq ? DB_INT(seq) : DB_STR(t);
        db_status st = db_query(r->op.tenant->db, r->a,
                                seq ? "SELECT id FROM reports WHERE seq = ? AND deleted_at IS NULL"
                                    : "SELECT id FROM reports WHERE id = LOWER(?) AND deleted_at IS NULL",
                                &arg, 1, &rows, NULL);
        op_result res = st == DB_OK ? (rows.nrows ? OP_OK : OP_NOT_FOUND) : txn_result(st);
        if (res == OP_OK)
            res = export_report_load(&r->op, db_cell(&rows, 0, 0), &reps[*n]);
        if (res == OP_NOT_FOUND) {
            conmas_error(c, CM_NOT_FOUND, arena_printf(r->a, "There is no report %.40s for you.", t));
            return NULL;
        }
        if (res != OP_OK) {
            conmas_refusal(c, res, NULL, NULL);
            return NULL;
        }
        bool twice = false;
        for (int k = 0; k < *n && !twice; k++)
            twice = !strcmp(reps[k].id, reps[*n].id);
        if (!twice)
            (*n)++;
    }
    if (!*n) {
        conmas_error(c, CM_FIELD_MISSING, "The field \"report\" names no report.");
        return NULL;
    }
    return reps;
}

void conmas_download_csv(conmas_call *c)
{
    request *r = c->r;
    op_ctx *op = &r->op;
    const char *list = conmas_field(c, "report");
    if (!list || !*list)
        list = conmas_field(c, "topId");
    if (!list || !*list)
        return conmas_error(c, CM_FIELD_MISSING, "The field \"report\" is required (topIds or reportIds, comma-separated).");
    long long with_image;
    if (!conmas_int(c, "withImage", 0, 1, 0, &with_image))
        return;
    const char *enc = import_encoding(conmas_field(c, "encoding"));
    if (!enc)
        return conmas_error(c, CM_FIELD_INVALID, "The field \"encoding\" must be UTF-8 (65001) or Shift_JIS (932).");
    int n;
    export_report *reps = reports_named(c, list, &n);
    if (!reps)
        return;
    const char **ids = arena_calloc(r->a, (size_t)n, sizeof *ids);
    for (int i = 0; i < n; i++)
        ids[i] = reps[i].id;
    buf out;
    buf_init(&out, r->a);
    export_sink sink = {to_buf, &out};
    export_zip *z = export_zip_new(&sink);
    bool ok = z && export_zip_begin(z, "reports.csv", true);
    export_sink zs = ok ? export_zip_sink(z) : sink;
    op_result res = ok ? export_csv_table_write(op, NULL, ids, n, !strcmp(enc, "shift_jis"), NULL, &zs) : OP_ERROR;
    ok = ok && res == OP_OK && export_zip_end(z);
    int images = 0;
    for (int i = 0; ok && with_image && i < n; i++)
        for (int k = 0; ok && k < reps[i].natt; k++) {
            const export_attachment *x = &reps[i].att[k];
            const unsigned char *data;
            size_t len;
            res = export_attachment_read(op, &reps[i], x, &data, &len);
            if (res == OP_NOT_FOUND)
                continue;   /* gone meanwhile */
            ok = res == OP_OK &&
                 export_zip_add(z, arena_printf(r->a, "images/%lld/%d-%d.%s", reps[i].seq, x->sheet, x->cluster,
                                                strstr(x->content_type, "jpeg") ? "jpg" : "png"),
                                data, len, false);
            images += ok;
        }
    if (ok)
        ok = export_zip_finish(&z);
    else
        export_zip_free(&z);
    if (!ok)
        return conmas_refusal(c, res == OP_OK ? OP_ERROR : res, NULL, NULL);
    c->detail = arena_printf(r->a, "%d reports, %d images", n, images);
    if (n == 1) {
        c->object_type = "report";
        c->object_id = reps[0].id;
    }
    conmas_send_file(c, "application/zip", "reports.zip", out.data, out.len);
}
