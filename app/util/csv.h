/* csv.h - RFC 4180 CSV: reading uploaded tables, writing exports.
 *
 * Pure functions without global state.  They are thread-safe as long as
 * each arena and buffer passed in is used by one thread at a time (see
 * arena.h); everything they return lives in the caller's arena.
 */
#ifndef GENBA_CSV_H
#define GENBA_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"

#define CSV_MAX_ROWS 100000        /* rows (not counting skipped empty lines) */
#define CSV_MAX_FIELDS 200         /* fields in one row */
#define CSV_MAX_FIELD (64 * 1024)  /* bytes in one field, after unquoting */

typedef struct {
    const char **f;  /* n NUL-terminated, unquoted fields */
    int n;           /* >= 1 */
    int line;        /* 1-based physical line where the row starts */
} csv_row;

typedef struct {
    csv_row *rows;
    int nrows;
} csv_table;

/* Parse data[0..len) as RFC 4180 CSV (comma-separated, '"' quoting with
 * '""' for a quote) into *out.
 *
 * Accepted: quoted fields holding commas, quotes and line breaks; CR LF,
 * LF or CR line ends (mixed too); a UTF-8 byte order mark at the start
 * (skipped); a last line with or without a line end.  Lines with no bytes
 * at all are skipped; a line holding only spaces is a row of one field.
 * The parser is strict: no spaces around a quoted field.
 *
 * Refused (returns false; err gets "line N: reason", N being the
 * physical line where the problem is, or where the row or quoted field
 * starts): a quote inside an unquoted field, an unterminated quoted field,
 * text after a closing quote, a NUL byte, invalid UTF-8, more than
 * CSV_MAX_ROWS rows, more than CSV_MAX_FIELDS fields in a row, a field
 * longer than CSV_MAX_FIELD bytes.  Empty input is a table of 0 rows.
 *
 * Ownership: rows, field arrays and field strings are allocated in a;
 * data is not referenced after the call.  On failure *out is {NULL, 0}.
 * err may be NULL when errlen is 0.
 * Thread-safety: as the arena (one thread at a time). */
bool csv_parse(arena *a, const char *data, size_t len, csv_table *out, char *err, size_t errlen);

/* Append one row of n fields to b, ending with CR LF.  A NULL field is
 * written as empty.
 *
 * A field is quoted (and its quotes doubled) when it contains a comma,
 * quote, CR, LF or semicolon, or starts or ends with a space.
 *
 * Spreadsheet formula injection (OWASP "CSV Injection"): a field starting
 * with '=', '+', '-', '@', TAB or CR gets a leading apostrophe, so Excel
 * and LibreOffice show it as text instead of evaluating it ("=1+2" is
 * written as '=1+2; "-5" becomes '-5, which spreadsheets show as the text
 * -5).  Semicolons are quoted for the same reason: in locales where ';'
 * separates cells, an unquoted one would start a new cell.  Reading such
 * an export back with csv_parse keeps the apostrophe.
 *
 * Ownership: the bytes are copied into b (b's arena); fields are only read.
 * Thread-safety: as the buffer (one thread at a time). */
void csv_write_row(buf *b, const char *const *fields, int n);
/* The same with flags: CSV_KEEP_NUMBERS writes a field that is a plain
 * decimal number (-?digits, optionally .digits: "-5", "-0.25") as it is,
 * without the apostrophe: a spreadsheet reads it as that number, and no
 * formula fits in it ("-2+3", "-A1", "-1e5" are still neutralised). */
#define CSV_KEEP_NUMBERS 1u
void csv_write_row_ex(buf *b, const char *const *fields, int n, unsigned flags);

/* Append the UTF-8 byte order mark (EF BB BF).  Write it first in a file
 * meant for Excel, which otherwise reads CSV in the locale's code page
 * (Shift_JIS on Japanese Windows) and garbles UTF-8 text.
 * Thread-safety: as the buffer. */
void csv_write_bom(buf *b);

#endif
