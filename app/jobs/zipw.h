/* jobs/zipw.h - a zip archive written as a stream to an export_sink: each
 * entry's local header, its data (deflated as it comes, or stored, as the
 * caller says), a data descriptor, and at
 * the end the central directory (zip64 records when the archive passes 4
 * GiB or 65535 entries).  Memory: the entry being added plus one record
 * per entry for the central directory (name and figures, ~100 bytes) and
 * 256 KiB of deflate output.
 * One writer per thread.
 */
#ifndef GENBA_JOBS_ZIPW_H
#define GENBA_JOBS_ZIPW_H

#include <stdbool.h>
#include <stddef.h>
#include "export/writer.h"

typedef struct zipw zipw;

/* A writer to out (kept by pointer: it must outlive the writer). */
zipw *zipw_new(export_sink *out);
/* Add the whole entry name (UTF-8, '/' separated) with data; deflate:
 * compress it (else stored).  A name already added gets " (2)", " (3)" ...
 * before its extension.  false when the sink refused or memory ran out. */
bool zipw_add(zipw *z, const char *name, const void *data, size_t n, bool deflate);
/* The same in pieces, for entries too large to hold: begin, data as it
 * comes (zipw_write is it as an export_sink's write, ctx the writer), end.
 * One entry open at a time. */
bool zipw_begin(zipw *z, const char *name, bool compress);
bool zipw_data(zipw *z, const void *data, size_t n);
bool zipw_write(void *z, const void *p, size_t n);
bool zipw_end(zipw *z);
/* Write the central directory and free z; false when the sink refused. */
bool zipw_finish(zipw **z);
/* Free without finishing; NULL-safe. */
void zipw_free(zipw **z);

#endif
