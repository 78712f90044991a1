#include "manager/report_out.h"
#include "http/router.h"
#include "export/writer.h"
#include "http/page.h"
#include "http/response.h"
#include "manager/view.h"
#include "tenant/audit.h"
#include "util/str.h"

#include <string.h>

static bool to_buf(void *ctx, const void *p, size_t n)
{
    buf_add(ctx, p, n);
    return true;
}

/* The report of the path, or false after the 404 page. */
static bool load(request *r, export_report *rep)
{
    const char *id = req_param(r, "id");
    op_result res = str_uuid_ok(id) ? export_report_load(&r->op, id, rep) : OP_NOT_FOUND;
    if (res != OP_OK)
        view_fail(r, res);
    return res == OP_OK;
}

void manager_report_pdf(request *r)
{
    const char *pages = req_query(r, "pages"), *history = req_query(r, "history");
    int npages = 0;
    export_pdf_opts o = {.msg = page_msg, .pages = &npages, .history = history && !strcmp(history, "1")};
    if (pages && *pages && !export_pdf_pages_parse(pages, &o.first_page, &o.last_page))
        return resp_error(r, 400, "bad_pages", "pages must be a page or a range of pages, such as 2 or 1-3.");
    export_report rep;
    if (!load(r, &rep))
        return;
    buf b;
    buf_init(&b, r->a);
    op_result res = export_pdf_write(&r->op, &rep, &o, &(export_sink){to_buf, &b});
    if (res == OP_INVALID)
        return resp_error(r, 400, "pages_out_of_range",
                          arena_printf(r->a, "The report's PDF has %d pages: the range %s is outside them.", npages, pages));
    if (res != OP_OK)
        return view_fail(r, res);
    audit_log(&r->op, NULL, "report.pdf", "report", rep.id, AUDIT_OK,
              pages && *pages ? arena_printf(r->a, "pages %s%s", pages, o.history ? ", history" : "")
                              : o.history ? "history" : NULL);
    resp_download(r, "application/pdf", export_file_name(r->a, &rep, "pdf"), b.data, b.len);
}

void manager_report_xlsx(request *r)
{
    export_report rep;
    if (!load(r, &rep))
        return;
    buf b;
    buf_init(&b, r->a);
    op_result res = export_xlsx_report_write(&r->op, &rep, page_msg, &(export_sink){to_buf, &b});
    if (res != OP_OK)
        return view_fail(r, res);
    audit_log(&r->op, NULL, "report.xlsx", "report", rep.id, AUDIT_OK, NULL);
    resp_download(r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  export_file_name(r->a, &rep, "xlsx"), b.data, b.len);
}

void manager_report_xml(request *r)
{
    export_report rep;
    if (!load(r, &rep))
        return;
    buf b;
    buf_init(&b, r->a);
    op_result res = export_xml_write(&r->op, &rep, &(export_sink){to_buf, &b});
    if (res != OP_OK)
        return view_fail(r, res);
    audit_log(&r->op, NULL, "report.xml", "report", rep.id, AUDIT_OK, NULL);
    resp_download(r, "application/xml; charset=utf-8", export_file_name(r->a, &rep, "xml"), b.data, b.len);
}
