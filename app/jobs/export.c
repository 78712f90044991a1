/* jobs/export.c - the background export of many reports (see export.h):
 * CSV and XLSX tables (export/csv_table.c, xlsx_table.c), and zips of one
 * PDF or XML file per report, streamed into the job's sealed file. */
#include "jobs/export.h"
#include "auth/users.h"
#include "export/report.h"
#include "export/writer.h"
#include "jobs/job.h"
#include "tenant/resolve.h"
#include "util/buf.h"
#include "util/cdate.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/str.h"
#include "util/tz.h"

#include <stdlib.h>
#include <string.h>


static const char *const format_names[] = {"csv", "xlsx", "pdf-zip", "xml-zip"};
static const char *const statuses[] = {"editing", "completed", "applying", "approved", "rejected"};

const char *export_format_name(export_format f)
{
    return (unsigned)f < 4 ? format_names[f] : "?";
}

/* A filter member as text ("" and null: absent). */
static const char *fstr(json_object *f, const char *key, errs *e, const char *field)
{
    const char *s = NULL;
    jx_status st = jx_str(f, key, &s);
    if (st == JX_WRONG_TYPE) {
        errs_add(e, field, "wrong_type");
        return NULL;
    }
    return st == JX_OK && *s ? s : NULL;
}

static void read_filter(arena *a, json_object *f, report_filter *out, errs *e)
{
    static const char *const keys[] = {"definition", "status", "mine", "updated_since", "from", "to",
                                       "creator", "label", "text", "q", NULL};
    const char *unknown = NULL;
    if (!json_object_is_type(f, json_type_object)) {
        errs_add(e, "filter", "wrong_type");
        return;
    }
    if (!jx_only(f, keys, &unknown)) {
        errs_add_arg(e, arena_printf(a, "filter.%s", unknown), "unknown_field", unknown);
        return;
    }
    json_object *v;
    if (json_object_object_get_ex(f, "definition", &v) && !json_object_is_type(v, json_type_null) &&
        !(json_object_is_type(v, json_type_string) && !*json_object_get_string(v)) &&
        jx_id(f, "definition", &out->definition) != JX_OK)
        errs_add(e, "filter.definition", "invalid_value");
    if (json_object_object_get_ex(f, "label", &v) && !json_object_is_type(v, json_type_null) &&
        !(json_object_is_type(v, json_type_string) && !*json_object_get_string(v)) &&
        jx_id(f, "label", &out->label) != JX_OK)
        errs_add(e, "filter.label", "invalid_value");
    const char *st = fstr(f, "status", e, "filter.status");
    if (st) {
        bool known = false;
        for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
            known |= !strcmp(st, statuses[i]);
        if (known)
            out->status = st;
        else
            errs_add(e, "filter.status", "invalid_value");
    }
    if (json_object_object_get_ex(f, "mine", &v) && !json_object_is_type(v, json_type_null)) {
        if (json_object_is_type(v, json_type_boolean))
            out->mine = json_object_get_boolean(v);
        else if (json_object_is_type(v, json_type_string) && (!strcmp(json_object_get_string(v), "1") ||
                                                              !strcmp(json_object_get_string(v), "0")))
            out->mine = !strcmp(json_object_get_string(v), "1");
        else
            errs_add(e, "filter.mine", "wrong_type");
    }
    const char *since = fstr(f, "updated_since", e, "filter.updated_since");
    if (since) {
        if (strlen(since) < 19 || strlen(since) > 30 || since[10] != 'T' || !users_date_ok(arena_strndup(a, since, 10))) {
            errs_add(e, "filter.updated_since", "invalid_value");
        } else {
            char *s = arena_strndup(a, since, 23);
            s[10] = ' ';
            if (s[strlen(s) - 1] == 'Z')
                s[strlen(s) - 1] = '\0';
            out->updated_since = s;
        }
    }
    out->from = fstr(f, "from", e, "filter.from");
    out->to = fstr(f, "to", e, "filter.to");
    if (out->from && !users_date_ok(out->from))
        errs_add(e, "filter.from", "invalid_date");
    if (out->to && !users_date_ok(out->to))
        errs_add(e, "filter.to", "invalid_date");
    if (out->from && out->to && !errs_for(e, "filter.from") && !errs_for(e, "filter.to") && strcmp(out->to, out->from) < 0)
        errs_add(e, "filter.to", "date_order");
    out->creator = fstr(f, "creator", e, "filter.creator");
    if (out->creator && strlen(out->creator) > 64)
        errs_add(e, "filter.creator", "too_long");
    out->text = fstr(f, "text", e, "filter.text");
    if (!out->text)
        out->text = fstr(f, "q", e, "filter.q");
    if (out->text && str_utf8_len(out->text) > 100)
        errs_add(e, "filter.text", "too_long");
}

bool export_params_read(arena *a, json_object *o, export_params *p, errs *e)
{
    memset(p, 0, sizeof *p);
    int before = e->n;
    const char *fmt = NULL, *enc = NULL;
    jx_status st = jx_str(o, "format", &fmt);
    if (st == JX_ABSENT || (st == JX_OK && !*fmt))
        errs_add(e, "format", "required");
    else if (st == JX_WRONG_TYPE)
        errs_add(e, "format", "wrong_type");
    else {
        int k = -1;
        for (int i = 0; i < 4; i++)
            if (!strcmp(fmt, format_names[i]))
                k = i;
        if (k < 0)
            errs_add_arg(e, "format", "invalid_value", "csv, xlsx, pdf-zip, xml-zip");
        else
            p->format = (export_format)k;
    }
    st = jx_str(o, "encoding", &enc);
    if (st == JX_WRONG_TYPE)
        errs_add(e, "encoding", "wrong_type");
    else if (st == JX_OK && *enc) {
        if (!strcmp(enc, "shift_jis") || !strcmp(enc, "Shift_JIS") || !strcmp(enc, "cp932"))
            p->shift_jis = true;
        else if (strcmp(enc, "utf-8") && strcmp(enc, "UTF-8"))
            errs_add_arg(e, "encoding", "invalid_value", "utf-8, shift_jis");
        if (p->shift_jis && p->format != EXPORT_CSV && !errs_for(e, "format"))
            errs_add(e, "encoding", "csv_only");
    }
    json_object *f;
    if (json_object_object_get_ex(o, "filter", &f) && !json_object_is_type(f, json_type_null))
        read_filter(a, f, &p->filter, e);
    json_object *ids;
    if (json_object_object_get_ex(o, "ids", &ids) && !json_object_is_type(ids, json_type_null)) {
        if (!json_object_is_type(ids, json_type_array)) {
            errs_add(e, "ids", "wrong_type");
        } else {
            size_t n = json_object_array_length(ids);
            if (n > EXPORT_JOB_IDS_MAX) {
                errs_add(e, "ids", "too_many");
            } else if (n == 0) {
                errs_add(e, "ids", "required");
            } else {
                p->ids = arena_alloc(a, n * sizeof *p->ids);
                for (size_t i = 0; i < n; i++) {
                    json_object *x = json_object_array_get_idx(ids, i);
                    const char *s = json_object_is_type(x, json_type_string) ? json_object_get_string(x) : NULL;
                    if (!s || !str_uuid_ok(s)) {
                        errs_add(e, "ids", "invalid_value");
                        break;
                    }
                    p->ids[p->nids++] = s;
                }
            }
        }
    }
    return e->n == before;
}

const char *export_params_json(arena *a, const export_params *p, const char *lang)
{
    buf b;
    buf_init(&b, a);
    const report_filter *f = &p->filter;
    buf_printf(&b, "{\"format\":\"%s\",\"encoding\":\"%s\",\"lang\":\"%s\",\"filter\":{", export_format_name(p->format),
               p->shift_jis ? "shift_jis" : "utf-8", lang && !strcmp(lang, "en") ? "en" : "ja");
    bool first = true;
#define KEY(k) (buf_printf(&b, "%s\"%s\":", first ? "" : ",", k), first = false)
    if (f->definition)
        KEY("definition"), buf_printf(&b, "%lld", f->definition);
    if (f->status)
        KEY("status"), jx_buf_str(&b, f->status);
    if (f->mine)
        KEY("mine"), buf_adds(&b, "true");
    if (f->updated_since) {
        char *s = arena_strdup(a, f->updated_since);
        s[10] = 'T';
        KEY("updated_since"), jx_buf_str(&b, arena_printf(a, "%sZ", s));
    }
    if (f->from)
        KEY("from"), jx_buf_str(&b, f->from);
    if (f->to)
        KEY("to"), jx_buf_str(&b, f->to);
    if (f->creator)
        KEY("creator"), jx_buf_str(&b, f->creator);
    if (f->label)
        KEY("label"), buf_printf(&b, "%lld", f->label);
    if (f->text)
        KEY("text"), jx_buf_str(&b, f->text);
#undef KEY
    buf_adds(&b, "}");
    if (p->ids) {
        buf_adds(&b, ",\"ids\":[");
        for (int i = 0; i < p->nids; i++)
            buf_printf(&b, "%s\"%s\"", i ? "," : "", p->ids[i]);
        buf_adds(&b, "]");
    }
    buf_adds(&b, "}");
    return b.data;
}

/* ------------------------------------------------------------ the run */

static void step(void *ctx, long long done, long long total)
{
    job_run *r = ctx;
    r->progress(r, done, total);
}

static bool cancelled(void *ctx)
{
    job_run *r = ctx;
    return r->stop(r);
}


op_result job_export_run(job_run *r)
{
    op_ctx *op = r->op;
    export_params p;
    errs e;
    errs_init(&e, op->a);
    if (!export_params_read(op->a, r->params, &p, &e)) {
        r->error = "The export's parameters are not valid.";
        return OP_INVALID;
    }
    char day[11];
    cdate_format(tz_today(tenant_zone(op->tenant)), day);
    static const char *const ext[] = {"csv", "xlsx", "zip", "zip"};
    r->file_name = arena_printf(op->a, "reports-%s%s.%s", day, p.format == EXPORT_PDF_ZIP ? "-pdf" :
                                                              p.format == EXPORT_XML_ZIP ? "-xml" : "", ext[p.format]);
    export_progress pr = {.step = step, .cancelled = cancelled, .ctx = r};
    switch (p.format) {
    case EXPORT_CSV:
        r->content_type = p.shift_jis ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8";
        return export_csv_table_write(op, &p.filter, p.ids, p.nids, p.shift_jis, &pr, &r->out);
    case EXPORT_XLSX:
        r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        return export_xlsx_table_write(op, &p.filter, p.ids, p.nids, &pr, &r->out);
    case EXPORT_PDF_ZIP:
    case EXPORT_XML_ZIP:
        r->content_type = "application/zip";
        return export_zip_reports_write(op, &p.filter, p.ids, p.nids,
                                        p.format == EXPORT_PDF_ZIP ? EXPORT_ZIP_PDF : EXPORT_ZIP_XML, r->msg, &pr,
                                        &r->out);
    }
    return OP_ERROR;
}
