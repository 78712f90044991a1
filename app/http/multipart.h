/* multipart.h - multipart/form-data request bodies (RFC 7578, RFC 2046).
 *
 * Pure functions without global state; thread-safe as long as each arena
 * is used by one thread at a time (see arena.h).
 */
#ifndef GENBA_MULTIPART_H
#define GENBA_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

#define MULTIPART_MAX_PARTS 100
#define MULTIPART_MAX_HEADER 8192  /* bytes of one part's header block */
#define MULTIPART_MAX_BOUNDARY 70  /* RFC 2046 */

typedef struct multipart_part {
    const char *name;          /* the form field's name: non-empty, valid UTF-8 */
    const char *filename;      /* NULL if not a file; "" for a file input left empty */
    const char *content_type;  /* as sent, or "text/plain" when absent (RFC 7578 4.4) */
    const char *data;          /* points into the body: NOT NUL-terminated, may hold NULs */
    size_t len;
} multipart_part;

/* Split body[0..len) of a request whose Content-Type header is
 * content_type into its parts.
 *
 * content_type must be multipart/form-data with a boundary parameter
 * (quoted or not, 1 to 70 characters of RFC 2046's bchars, not ending in a
 * space).  Lines end in CR LF.  A preamble before the first delimiter and
 * an epilogue after the closing one are ignored.  A delimiter is CR LF
 * "--" boundary followed by "--" or optional spaces/tabs and CR LF; the
 * same text in any other place (not after CR LF, or followed by other
 * bytes) is data.  Of each part's headers, Content-Disposition (form-data;
 * name="..."; filename="...") and Content-Type are read, others ignored;
 * filename* is ignored.  Quoted parameter values end at the next '"' with
 * no backslash escapes (browsers send '"' as %22, and old ones send
 * Windows paths with backslashes); percent escapes are left as they are.
 *
 * Refused (returns false, reason in err; err may be NULL when errlen is
 * 0): another media type, a missing, empty, overlong or invalid boundary,
 * no delimiter, no closing delimiter, more than MULTIPART_MAX_PARTS parts,
 * a header block over MULTIPART_MAX_HEADER bytes or not ended by an empty
 * line, a malformed, folded or repeated header or parameter, a control
 * byte in a header, a part without a Content-Disposition of type form-data
 * or without a non-empty name, a name or filename that is not valid UTF-8.
 * A body with no parts at all ("--boundary--") gives *nparts = 0.
 *
 * Ownership: *parts is an array in a; names, filenames and content types
 * are NUL-terminated copies in a; data points into body, which must
 * outlive the parts (the request body lives in the same arena).  On
 * failure *parts = NULL and *nparts = 0.
 * Thread-safety: as the arena. */
bool multipart_parse(arena *a, const char *content_type, const char *body, size_t len,
                     multipart_part **parts, int *nparts, char *err, size_t errlen);

/* The first part named name (exact, case-sensitive), or NULL.  parts may
 * be NULL when n is 0.  Pure; thread-safe. */
const multipart_part *multipart_get(const multipart_part *parts, int n, const char *name);

#endif
