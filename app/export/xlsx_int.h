/* export/xlsx_int.h - what the two XLSX writers share (export/xlsx_report.c,
 * export/xlsx_table.c): the temporary file libxlsxwriter writes, copied to
 * the sink, and text as a cell takes it.  Operation thread only. */
#ifndef GENBA_EXPORT_XLSX_INT_H
#define GENBA_EXPORT_XLSX_INT_H

#include "export/writer.h"
#include "forms/model.h"
#include <xlsxwriter.h>

/* A new temporary file in $TMPDIR (or /tmp): its descriptor (-1, logged,
 * when none), *path its name (in op->a), *dir the folder for
 * libxlsxwriter's own temporary files (NULL: its default).  what names
 * the file in the log. */
int xlsx_tmp_open(op_ctx *op, const char *what, char **path, const char **dir);
/* The closed workbook at path (descriptor fd) to out: unlinked first,
 * read through fd.  OP_ERROR when reading or the sink fails.  Closes fd
 * and unlinks path in every case (path NULL: unlinked already). */
op_result xlsx_tmp_send(int fd, const char *path, export_sink *out);
/* s as a cell takes it: at most 32,767 characters (cut at a code point;
 * a copy in a when cut). */
const char *xlsx_cell_text(arena *a, const char *s);

/* The formats of the typed cells (the workbook's own). */
typedef struct xlsx_fmts {
    lxw_format *date, *time, *time_s, *duration, *stamp;
} xlsx_fmts;
/* s, the value of cluster c, into (row, col) as a typed cell when its type
 * stores one and s is such: a number (Numeric, Calculate, NumericSelect;
 * its format num(ctx, c, s)), a date, a time of day, a duration
 * (TimeCalculate, [h]:mm), the local date and time RegisterDate and
 * UpdateDate carry.  false when it wrote nothing (s empty, another type,
 * or not what the type stores): the caller writes the text.  (Check is
 * the caller's: a boolean, even when empty.) */
bool xlsx_typed_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const def_cluster *c, const char *s,
                     const xlsx_fmts *f, lxw_format *(*num)(void *ctx, const def_cluster *c, const char *s), void *ctx);

#endif
