#include "api/reports_out.h"
#include "http/router.h"
#include "api/reply.h"
#include "export/writer.h"
#include "http/page.h"
#include "http/response.h"
#include "tenant/audit.h"
#include "util/str.h"

#include <string.h>

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static bool to_buf(void *ctx, const void *p, size_t n)
{
    buf_add(ctx, p, n);
    return true;
}

/* The report of the path, or false after answering 404 (another tenant's,
 * deleted, not visible: all the same). */
static bool load(request *r, export_report *rep)
{
    const char *id = req_param(r, "id");
    op_result res = str_uuid_ok(id) ? export_report_load(&r->op, id, rep) : OP_NOT_FOUND;
    if (res != OP_OK)
        api_fail(r, res, NULL);
    return res == OP_OK;
}

static void send_file(request *r, const export_report *rep, const char *action, const char *detail, const char *ctype,
                      const char *ext, const buf *b)
{
    audit_log(&r->op, NULL, action, "report", rep->id, AUDIT_OK, detail);
    resp_download(r, ctype, export_file_name(r->a, rep, ext), b->data, b->len);
}

void api_reports_pdf(request *r)
{
    const char *pages = req_query(r, "pages"), *history = req_query(r, "history");
    int npages = 0;
    export_pdf_opts o = {.msg = page_msg, .pages = &npages};
    if (pages && !export_pdf_pages_parse(pages, &o.first_page, &o.last_page))
        return resp_error(r, 400, "bad_pages", "pages must be a page or a range of pages, such as 2 or 1-3.");
    if (history && strcmp(history, "0") && strcmp(history, "1"))
        return resp_error(r, 400, "bad_history", "history must be 0 or 1.");
    o.history = history && !strcmp(history, "1");
    export_report rep;
    if (!load(r, &rep))
        return;
    buf b;
    buf_init(&b, r->a);
    op_result res = export_pdf_write(&r->op, &rep, &o, &(export_sink){to_buf, &b});
    if (res == OP_INVALID)
        return resp_error(r, 400, "pages_out_of_range",
                          arena_printf(r->a, "The report's PDF has %d pages: the range %s is outside them.", npages,
                                       pages ? pages : ""));
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    const char *detail = pages || o.history ? arena_printf(r->a, "%s%s%s", pages ? "pages " : "", pages ? pages : "",
                                                           o.history ? (pages ? ", history" : "history") : "")
                                            : NULL;
    send_file(r, &rep, "report.pdf", detail, "application/pdf", "pdf", &b);
}

void api_reports_xlsx(request *r)
{
    export_report rep;
    if (!load(r, &rep))
        return;
    buf b;
    buf_init(&b, r->a);
    op_result res = export_xlsx_report_write(&r->op, &rep, page_msg, &(export_sink){to_buf, &b});
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    send_file(r, &rep, "report.xlsx", NULL, XLSX_TYPE, "xlsx", &b);
}

void api_reports_xml(request *r)
{
    export_report rep;
    if (!load(r, &rep))
        return;
    buf b;
    buf_init(&b, r->a);
    op_result res = export_xml_write(&r->op, &rep, &(export_sink){to_buf, &b});
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    send_file(r, &rep, "report.xml", NULL, "application/xml; charset=utf-8", "xml", &b);
}
