/* export/xlsx_int.h - what the two XLSX writers share (export/xlsx_report.c,
 * export/xlsx_table.c): the temporary file libxlsxwriter writes, copied to
 * the sink, and text as a cell takes it.  Operation thread only. */
#ifndef GENBA_EXPORT_XLSX_INT_H
#define GENBA_EXPORT_XLSX_INT_H

#include "export/writer.h"

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

#endif
