/* defzip.h - a definition uploaded as a zip: definition.xml and the
 * background images its sheets name (definition-xml.md).
 *
 * The archive is unpacked with util/zip.h's default limits (50 entries,
 * 10 MiB each, 50 MiB in all, safe names only), definition.xml (at the
 * top of the archive) is read with defxml_read, and each sheet's
 * background must be a file at the top of the archive that is really a
 * PNG or JPEG matching its extension, at most DEFZIP_MAX_IMAGE_BYTES and
 * DEFZIP_MAX_IMAGE_PIXELS.  Other files are ignored.  Every problem is
 * reported at once, as in defxml_read.
 *
 * Ownership and thread-safety as defxml.h: everything in the caller's
 * arena (image data included), any number of threads at once.
 *
 * Error codes, besides defxml.h's and defcheck.h's (suggested English):
 *   zip_invalid         The zip file cannot be used: {arg}.            (field "zip")
 *   definition_missing  The zip file holds no definition.xml.          (field "zip")
 *   background_missing  The background image {arg} is not in the zip file.
 *                       (field "sheet S", line of the <sheet>)
 *   bad_image           The background image is not usable: {arg}.
 *                       (arg "name: reason", reason from image_probe or
 *                       "larger than 10 MiB", "a JPEG image named otherwise",
 *                       "a PNG image named otherwise")
 */
#ifndef GENBA_DEFZIP_H
#define GENBA_DEFZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "forms/model.h"
#include "util/arena.h"
#include "util/errs.h"
#include "util/zip.h"

#define DEFZIP_MAX_IMAGE_BYTES (10u * 1024 * 1024)
#define DEFZIP_MAX_IMAGE_PIXELS 40000000u

/* Read the zip in zip[0..len).  On success *out is the definition and
 * *images / *nimages the background images the sheets name (each once,
 * in sheet order; name = the file name the sheets use).  On failure the
 * errors are in e; *out is as defxml_read leaves it and *images NULL. */
bool defzip_read(arena *a, const void *zip, size_t len, definition **out, zip_entry **images,
                 int *nimages, errs *e);

/* The same, checking approval stage groups with group_exists (defcheck_run). */
bool defzip_read_checked(arena *a, const void *zip, size_t len,
                         bool (*group_exists)(void *ctx, const char *name), void *ctx,
                         definition **out, zip_entry **images, int *nimages, errs *e);

#endif
