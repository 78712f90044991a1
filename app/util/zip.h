/* zip.h - reading an uploaded zip archive held in memory (libzip).
 *
 * zip_read_entries unpacks every file of the archive into the caller's
 * arena, refusing what an upload has no business holding: unsafe names
 * (absolute, drive letters, '..' or '.' components, backslashes, control
 * characters, duplicates), more entries than allowed, encrypted entries,
 * compression other than stored/deflate, and entries or archives that
 * unpack to more than the limits.  Sizes are enforced on the bytes
 * actually produced while decompressing, not only on the sizes the
 * archive declares: an entry is read into a buffer of its declared size
 * (itself within the limits) and refused as soon as it yields more, so a
 * zip bomb never costs more memory than the limits.  Directory entries
 * (names ending in '/') are skipped.
 *
 * Thread-safe (each call has its own libzip objects); the input is not
 * copied or changed; names and data are allocated in the arena.
 */
#ifndef GENBA_ZIP_H
#define GENBA_ZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

typedef struct genba_zip_entry {
    const char *name;            /* UTF-8 path inside the archive ("sheet1.png") */
    const unsigned char *data;   /* len bytes, followed by a NUL not counted in len */
    size_t len;
} zip_entry;

typedef struct genba_zip_limits {
    int max_entries;             /* entries in the archive, directories included */
    size_t max_entry;            /* unpacked bytes of one entry */
    size_t max_total;            /* unpacked bytes of all entries together */
    bool flat;                   /* refuse entries inside folders */
} zip_limits;

/* 50 entries, 10 MiB per entry, 50 MiB in all, folders allowed. */
extern const zip_limits zip_default_limits;

/* Unpack the archive zip[0..len) with lim (NULL: zip_default_limits).
 * On success *entries (in archive order) and *n are set and true is
 * returned; otherwise false and err holds an English reason naming the
 * entry ("entry \"../x\": unsafe name"). */
bool zip_read_entries(arena *a, const void *zip, size_t len, zip_entry **entries, int *n,
                      const zip_limits *lim, char *err, size_t errlen);

/* Write entries (name, data, len) as a zip archive (deflated) into out.
 * False with a reason in err when libzip fails.  Thread-safe. */
struct buf;
bool zip_write_entries(const zip_entry *entries, int n, struct buf *out, char *err, size_t errlen);

#endif
