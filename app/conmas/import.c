/* import.c - AutoGenerate and UpdateReport: a report-data file (xml,
 * xmlZip, csv) read by reports/import_read.c and written report by report
 * by reports/import.c; the answer lists every report's outcome:
 * <conmas><results><result><topId/><reportId/><code/><name/><message/>
 * [<details>…</details>]</result>…</results></conmas>. */
#include "conmas/conmas.h"
#include "reports/import.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The file: the part named dataFile, else the first file part (some
 * clients send it unnamed), else a dataFile text field. */
static bool data_file(conmas_call *c, const char **data, size_t *len)
{
    request *r = c->r;
    const multipart_part *p = conmas_file(c, "dataFile");
    for (int i = 0; !p && i < r->nparts; i++)
        if (r->parts[i].filename)
            p = &r->parts[i];
    if (p) {
        *data = p->data;
        *len = p->len;
        return true;
    }
    const char *f = conmas_field(c, "dataFile");
    if (f && *f) {
        *data = f;
        *len = strlen(f);
        return true;
    }
    return false;
}

static int fail_code(imp_fail f)
{
    switch (f) {
    case IMP_BAD_ENCODING: return CM_BAD_ENCODING;
    case IMP_BAD_XML: return CM_BAD_XML;
    case IMP_BAD_ZIP: return CM_BAD_ZIP;
    case IMP_ZIP_LIMITS: return CM_ZIP_LIMITS;
    default: return CM_BAD_FILE;
    }
}

/* One report's outcome as a <result>. */
static void result(conmas_call *c, cmx *x, const imp_report *in, const import_result *res)
{
    request *r = c->r;
    cmx_open(x, "result");
    if (res->seq)
        cmx_int(x, "topId", res->seq);
    else
        cmx_text(x, "topId", in->rep_id);
    cmx_text(x, "reportId", res->id);
    cmx_int(x, "line", in->line);
    if (res->res == OP_OK) {
        cmx_int(x, "code", 0);
        cmx_text(x, "message", "");
    } else {
        const char *message;
        int code = conmas_outcome(r, res->res, &res->why, &res->e, &message);
        const cm_code_info *ci = cm_code_by_number(code);
        cmx_int(x, "code", code);
        cmx_text(x, "name", ci ? ci->name : "error");
        cmx_text(x, "message", message);
        if (res->e.n)
            conmas_details(r, x, &res->e);
    }
    cmx_close(x);
}

static void import_cmd(conmas_call *c, bool update)
{
    request *r = c->r;
    op_ctx *op = &r->op;
    const char *type = conmas_field(c, "type");
    if (!type || !*type)
        type = "xml";
    bool zip = !strcasecmp(type, "xmlZip"), csv = !strcasecmp(type, "csv");
    if (!zip && !csv && strcasecmp(type, "xml"))
        return conmas_error(c, CM_FIELD_INVALID,
                            update ? "The field \"type\" must be xml or xmlZip." : "The field \"type\" must be xml, xmlZip or csv.");
    if (update && csv)
        return conmas_error(c, CM_FIELD_INVALID, "UpdateReport takes type xml or xmlZip (csv is for AutoGenerate).");
    const char *enc = import_encoding(conmas_field(c, "encoding"));
    if (!enc)
        return conmas_error(c, CM_FIELD_INVALID, "The field \"encoding\" must be UTF-8 (65001) or Shift_JIS (932).");
    long long user_mode = 0, mode = 0, ignored, def_id = 0;
    if (!conmas_int(c, "userMode", 0, 1, 0, &user_mode) || !conmas_int(c, "mode", 0, 1, 0, &mode) ||
        !conmas_int(c, "labelMode", 0, 9, 0, &ignored) || (!update && !conmas_int(c, "defTopId", 1, 1LL << 53, 0, &def_id)))
        return;
    const char *update_user = update ? conmas_field(c, "updateUser") : NULL;
    const char *data;
    size_t len;
    if (!data_file(c, &data, &len))
        return conmas_error(c, CM_FILE_MISSING, "Send the report data as the file dataFile (multipart/form-data).");
    imp_batch b;
    const char *msg;
    imp_fail f = zip ? import_read_zip(r->a, data, len, enc, &b, &msg)
                 : csv ? import_read_csv(r->a, data, len, enc, &b, &msg)
                       : import_read_xml(r->a, data, len, enc, &b, &msg);
    if (f != IMP_OK) {
        c->detail = arena_printf(r->a, "%s refused", type);
        return conmas_error(c, fail_code(f), msg);
    }
    for (int i = 0; def_id && i < b.n; i++)   /* the field: the definition of the reports that name none */
        if (!b.r[i].def_id)
            b.r[i].def_id = def_id;
    import_opts o = {.update = update, .force = update && mode == 1, .creator_from_file = !update && user_mode == 1,
                     .update_user = update_user && *update_user ? update_user : NULL};
    import_result *res = arena_calloc(r->a, (size_t)b.n, sizeof *res);
    int written = import_run(op, &b, &o, res);
    cmx x;
    cmx_init(&x, r->a);
    cmx_open(&x, "results");
    for (int i = 0; i < b.n; i++)
        result(c, &x, &b.r[i], &res[i]);
    cmx_close(&x);
    cmx_int(&x, "written", written);
    cmx_int(&x, "refused", b.n - written);
    c->detail = arena_printf(r->a, "%s%s: %d of %d reports written", type, o.force ? " force" : "", written, b.n);
    if (b.n == 1 && res[0].id) {
        c->object_type = "report";
        c->object_id = res[0].id;
    }
    conmas_reply(c, &x);
}

void conmas_auto_generate(conmas_call *c)
{
    import_cmd(c, false);
}

void conmas_update_report(conmas_call *c)
{
    import_cmd(c, true);
}
