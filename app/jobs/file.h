/* jobs/file.h - a job's output file at rest: sealed with the tenant's data
 * key, written and read as a stream.
 *
 * Layout: the line "GENBA-JOBFILE 1\n" in the clear, then records, each a
 * 4-byte big-endian length and a blob sealed with AES-256-GCM
 * (tenant_seal, purpose "jobfile", object id "<job id>/<record number>").
 * A record's plaintext is a type byte and its payload:
 *
 *     'D' + up to JOBFILE_CHUNK bytes of the file
 *     'E' + the file's size (8 bytes, big-endian)
 *
 * Record numbers count from 0 and include the end record, so a record that
 * is altered, moved, dropped or taken from another job or tenant does not
 * open, and a file cut anywhere lacks its end record.  Nothing follows the
 * end record.
 *
 * A writer writes "<path>.part" and renames it to path only in
 * jobfile_finish, after fsync: a file under its final name is always
 * whole.  One writer or reader per thread at a time; memory is two
 * JOBFILE_CHUNK buffers, whatever the file's size.
 */
#ifndef GENBA_JOBS_FILE_H
#define GENBA_JOBS_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOBFILE_CHUNK (1u << 20)

typedef struct jobfile_key {
    const unsigned char *datakey;   /* the tenant's, CRYPTO_KEY_LEN bytes */
    const char *tenant;             /* its code */
    const char *job;                /* the job id */
} jobfile_key;

typedef struct jobfile_w jobfile_w;

/* Create "<path>.part" (replacing one left by a runner that died; mode
 * 0600).  The writer keeps key's pointers: they must outlive it.  NULL
 * with err. */
jobfile_w *jobfile_create(const char *path, const jobfile_key *key, char *err, size_t errlen);
/* Add n bytes (an export_sink's write: false when the disk refused). */
bool jobfile_write(void *w, const void *p, size_t n);
/* The errno of the write jobfile_write failed on (ENOSPC: the disk is
 * full), 0 while none has. */
int jobfile_error(const jobfile_w *w);
/* Write the end record, fsync, rename to the final name, fsync the
 * directory; *plain and *stored: the file's size and the sealed size.
 * Frees w (also on failure, when the part file is removed, with errno
 * the first failure's: ENOSPC when the disk is full). */
bool jobfile_finish(jobfile_w **w, uint64_t *plain, uint64_t *stored, char *err, size_t errlen);
/* Close and remove the part file; NULL-safe. */
void jobfile_abort(jobfile_w **w);

typedef enum jobfile_status {
    JF_OK,
    JF_IO,         /* cannot be read */
    JF_CORRUPT,    /* not such a file, a record does not open, or sizes disagree */
    JF_TRUNCATED,  /* ends before its end record */
    JF_SINK,       /* the sink refused the bytes */
} jobfile_status;

/* Read path, handing the plain bytes to sink as they are opened (sink may
 * return false to stop: JF_SINK).  *plain (optional) gets the size the end
 * record states. */
jobfile_status jobfile_read(const char *path, const jobfile_key *key, bool (*sink)(void *ctx, const void *p, size_t n),
                            void *ctx, uint64_t *plain);

#endif
