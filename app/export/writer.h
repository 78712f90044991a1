/* export/writer.h - where the output writers put their bytes, and the
 * writers of one report that the many-report exports (zip of PDFs, zip of
 * XML) and the tenant export call once per report.
 *
 * A sink is a write callback: it returns false to stop the writer (disk
 * full, the job was cancelled, the client went away); the writer then
 * returns OP_ERROR without writing more.  Operation thread only.
 */
#ifndef GENBA_EXPORT_WRITER_H
#define GENBA_EXPORT_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include "export/report.h"

typedef struct export_sink {
    bool (*write)(void *ctx, const void *p, size_t n);
    void *ctx;
} export_sink;

/* PDF (export/pdf.c): one page per sheet, drawn like the console's sheet
 * view; first_page..last_page (1-based, 0 = from the first / to the last);
 * history: a last page with the report's history after the approvals. */
typedef struct export_pdf_opts {
    int first_page, last_page;
    bool history;
} export_pdf_opts;
op_result export_pdf_write(op_ctx *op, const export_report *r, const export_pdf_opts *o, export_sink *out);

/* XML of one report in the ConMas report-data format (export/xml.c,
 * ../shared/spec/conmas-api.md), the same document the ConMas API answers
 * and imports. */
op_result export_xml_write(op_ctx *op, const export_report *r, export_sink *out);

#endif
