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

/* Many reports as one table (export/table.h tells the columns), for the
 * background exports and genbactl tenant report-table: the reports the
 * filter or the ids select, as export_each walks them (export/report.h:
 * visible ones only, oldest first, streamed page by page).
 *
 * Progress: p (may be NULL) is told p->step(ctx, done, total) after every
 * EXPORT_PAGE reports (the zips below: every report) and at the end (total: the count taken at the
 * start), and asked p->cancelled(ctx) as often (either may be NULL); a yes
 * stops the writer, which returns OP_CONFLICT (OP_GONE is the database
 * going away, as everywhere).  A sink that refuses stops it
 * with OP_ERROR.  OP_INVALID for ids that are not report ids. */
typedef struct export_progress {
    void (*step)(void *ctx, long long done, long long total);
    bool (*cancelled)(void *ctx);
    void *ctx;
} export_progress;

/* CSV (export/csv_table.c): RFC 4180, CRLF; UTF-8 with a byte order mark,
 * or with shift_jis in CP932 (a character CP932 lacks becomes its
 * look-alike or '?', util/charset.h).  A cell that a spreadsheet would
 * take for a formula (=, +, -, @, tab or CR first) gets a leading
 * apostrophe, except a plain number ("-5", "-0.25"), which stays the
 * number it is (util/csv.h CSV_KEEP_NUMBERS).  Cells: numbers, dates
 * (YYYY-MM-DD) and times (HH:MM) as stored; a check 1 or 0; choices by
 * their labels; sign-offs "name — time — comment"; the report's times
 * "YYYY-MM-DD HH:MM:SS" in the tenant's zone. */
op_result export_csv_table_write(op_ctx *op, const export_filter *f, const char *const *ids, int nids, bool shift_jis,
                                 export_progress *p, export_sink *out);

/* XLSX (export/xlsx_table.c): the same table in one worksheet, typed
 * cells (numbers with their decimal places, dates, times, checks as
 * booleans, the report's times as date-times), written by libxlsxwriter in
 * constant-memory mode to a temporary file copied to out. */
op_result export_xlsx_table_write(op_ctx *op, const export_filter *f, const char *const *ids, int nids,
                                  export_progress *p, export_sink *out);

/* A zip archive written as it goes (export/zipw.c): entries go to out at
 * once (deflated, or stored), the central directory waits in an unlinked
 * temporary file until export_zip_finish, so memory does not grow with the
 * entries (but for 8 bytes a name, to keep them unique).  ZIP64 when the
 * archive needs it (over 65,535 entries or 4 GiB); an entry under 4 GiB.
 * Any failure (the sink refused, a bad call) sticks: later calls return
 * false.  One thread. */
typedef struct export_zip export_zip;
export_zip *export_zip_new(export_sink *out);
/* name, or "name (2).ext", "name (3).ext"... when name is taken (in a). */
const char *export_zip_unique(export_zip *z, arena *a, const char *name);
/* An entry: begin, its bytes in any number of writes (or through the sink
 * export_zip_sink gives, for a writer above), end.  export_zip_add: all at
 * once. */
bool export_zip_begin(export_zip *z, const char *name, bool deflate);
bool export_zip_write(export_zip *z, const void *p, size_t n);
bool export_zip_end(export_zip *z);
bool export_zip_add(export_zip *z, const char *name, const void *data, size_t len, bool deflate);
export_sink export_zip_sink(export_zip *z);
/* The central directory and the end records; frees *z (NULL after).
 * false when anything failed: the archive is then not complete. */
bool export_zip_finish(export_zip **z);
/* Free without finishing (an abandoned archive). */
void export_zip_free(export_zip **z);

/* Many reports as a zip of one file each (export/zipw.c): a PDF (sheets
 * and record page, as export_pdf_write with msg; stored, being compressed
 * already) or the ConMas XML (deflated), named export_file_name made
 * unique, for the reports export_each walks.  p is told after each
 * report. */
typedef enum export_zip_kind { EXPORT_ZIP_PDF, EXPORT_ZIP_XML } export_zip_kind;
op_result export_zip_reports_write(op_ctx *op, const export_filter *f, const char *const *ids, int nids,
                                   export_zip_kind kind, export_msg_fn msg, export_progress *p, export_sink *out);

/* XML of one report in the ConMas report-data format (export/xml.c,
 * ../shared/spec/conmas-api.md), the document AutoGenerate and
 * UpdateReport import: export/xml.c lists its elements.  Written to out in
 * one piece (a report's XML is small).  Times in the tenant's zone. */
op_result export_xml_write(op_ctx *op, const export_report *r, export_sink *out);
/* The ConMas editStatus of a report: 0 not started (editing, no value
 * yet), 1 editing, 2 applying (waiting for approval), 3 rejected, 4
 * completed or approved. */
int export_edit_status(const char *status, bool untouched);
/* Append s to b as XML text (element content or an attribute in double
 * quotes): & < > " escaped, CR as &#13;, what XML 1.0 forbids (controls but
 * tab/LF/CR, U+FFFE/U+FFFF) and bytes that are not UTF-8 left out. */
struct buf;
void export_xml_text(struct buf *b, const char *s);

#endif
