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

/* A message catalog for the texts people read in a file (a stamp's role,
 * column heads, statuses): the text of key in lang, or NULL.  The
 * console's page_msg (http/page.h) has this shape; NULL: English
 * defaults.  The language is op->lang. */
typedef const char *(*export_msg_fn)(const char *lang, const char *key);

/* PDF (export/pdf.c): one page per sheet at the sheet's size, drawn like
 * the console's sheet view (export/layout.h), then the record pages: the
 * report's facts and approval record, and with history its history
 * (oldest first).  Pages are numbered 1.. over the whole document (sheets
 * first); first_page..last_page picks some (0 = from the first / to the
 * last; a last page past the end means the end).  OP_INVALID, before a
 * byte is written, when the range is empty or starts past the document's
 * end; *pages (when not NULL) is then, and after a success, the number of
 * pages of the whole document (-1 after a range that ends before the
 * record pages: they are then not laid out, so not counted).  Times in the tenant's time zone. */
typedef struct export_pdf_range {
    int first, last;               /* as first_page, last_page */
} export_pdf_range;
typedef struct export_pdf_opts {
    int first_page, last_page;
    /* or several ranges ("1,3,5-7"): a page is in when any range holds it
     * (first_page and last_page are then ignored) */
    const export_pdf_range *ranges;
    int nranges;
    bool history;
    export_msg_fn msg;
    int *pages;
} export_pdf_opts;
op_result export_pdf_write(op_ctx *op, const export_report *r, const export_pdf_opts *o, export_sink *out);
/* A page range as people write it: "3", "1-3", "2-" (to the end), "-4"
 * (from the first); pages 1 to 99999.  false when s is none of these or
 * runs backwards ("3-1"). */
bool export_pdf_pages_parse(const char *s, int *first, int *last);
/* A list of such ranges separated by commas ("1,3,5-7", spaces allowed
 * around them), at most EXPORT_PDF_MAX_RANGES; *out in a.  false when any
 * part is not a range. */
#define EXPORT_PDF_MAX_RANGES 100
bool export_pdf_pages_parse_list(arena *a, const char *s, export_pdf_range **out, int *n);

/* The file name report r is downloaded (or zipped) as:
 * "<number> <name>.<ext>", or "<name>.<ext>" without a number or when the
 * name holds it already (the id when it has no name); characters file systems refuse (/\:*?"<>| and control
 * characters) become "_"; at most 150 bytes before the extension.  In a. */
const char *export_file_name(arena *a, const export_report *r, const char *ext);

/* XLSX of one report (export/xlsx_report.c): a worksheet per sheet with a
 * row per cluster (name, type, value as a typed cell: numbers with their
 * decimals, dates, times, checks as booleans; images embedded), and a
 * worksheet with the report's facts and approval record.  libxlsxwriter
 * writes a file: a temporary one in $TMPDIR (or /tmp), unlinked at once,
 * is copied to out. */
op_result export_xlsx_report_write(op_ctx *op, const export_report *r, export_msg_fn msg, export_sink *out);

/* XML of one report in the ConMas report-data format (export/xml.c,
 * ../shared/spec/conmas-api.md), the same document the ConMas API answers
 * and imports. */
op_result export_xml_write(op_ctx *op, const export_report *r, export_sink *out);

#endif
