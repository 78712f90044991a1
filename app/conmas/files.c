/* files.c - GetReportFile: one report as PDF (with pageNo "1,3,5-7") or
 * Excel, from the same writers as the console and the tablet API. */
#include "conmas/conmas.h"
#include "export/writer.h"
#include "http/page.h"

#include <string.h>
#include <strings.h>

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static bool to_buf(void *ctx, const void *p, size_t n)
{
    buf_add(ctx, p, n);
    return true;
}

void conmas_report_file(conmas_call *c)
{
    request *r = c->r;
    const char *field = conmas_field(c, "report") ? "report" : conmas_field(c, "topId") ? "topId" : "report";
    const char *type = conmas_field(c, "fileType"), *pages = conmas_field(c, "pageNo");
    /* fileType: pdf or excel (also the original's numbers: 1 excel, 2 pdf; xlsx) */
    bool pdf;
    if (!type || !*type || !strcasecmp(type, "pdf") || !strcmp(type, "2"))
        pdf = true;
    else if (!strcasecmp(type, "excel") || !strcasecmp(type, "xlsx") || !strcmp(type, "1"))
        pdf = false;
    else
        return conmas_error(c, CM_FIELD_INVALID, "The field \"fileType\" must be pdf or excel.");
    export_pdf_range *ranges = NULL;
    int nranges = 0, npages = 0;
    if (pages && *pages && pdf && !export_pdf_pages_parse_list(r->a, pages, &ranges, &nranges))
        return conmas_error(c, CM_FIELD_INVALID,
                            "The field \"pageNo\" must list pages and ranges of pages, such as 1,3,5-7.");
    const char *id = conmas_report_id(c, field);
    if (!id)
        return;
    export_report rep;
    op_result res = export_report_load(&r->op, id, &rep);
    if (res == OP_NOT_FOUND)
        return conmas_error(c, CM_NOT_FOUND, "There is no such report for you.");
    if (res != OP_OK)
        return conmas_refusal(c, res, NULL, NULL);
    buf b;
    buf_init(&b, r->a);
    if (pdf) {
        export_pdf_opts o = {.msg = page_msg, .pages = &npages, .ranges = ranges, .nranges = nranges};
        res = export_pdf_write(&r->op, &rep, &o, &(export_sink){to_buf, &b});
        if (res == OP_INVALID)
            return conmas_error(c, CM_NO_PAGES,
                                arena_printf(r->a, "The report's PDF has %d pages: pageNo %s selects none of them.", npages,
                                             pages ? pages : ""));
    } else {
        res = export_xlsx_report_write(&r->op, &rep, page_msg, &(export_sink){to_buf, &b});
    }
    if (res != OP_OK)
        return conmas_refusal(c, res, NULL, NULL);
    c->detail = pdf ? (pages && *pages ? arena_printf(r->a, "pdf, pages %s", pages) : "pdf") : "excel";
    conmas_send_file(c, pdf ? "application/pdf" : XLSX_TYPE, export_file_name(r->a, &rep, pdf ? "pdf" : "xlsx"), b.data, b.len);
}
