/* util/recio.h - files of records, each framed as a 4-byte big-endian
 * length then that many bytes: the framing the sealed files share
 * (ops/bkfile.c's backups, jobs/file.c's exports; what a record holds and
 * how it is sealed is theirs), whole reads and writes on a descriptor,
 * and making a finished file durable.
 * Thread-safe (no state); the caller owns fd and the buffers. */
#ifndef GENBA_UTIL_RECIO_H
#define GENBA_UTIL_RECIO_H

#include <stdbool.h>
#include <stddef.h>

#define RECIO_LEN_BYTES 4

/* Write all n bytes (EINTR retried); false on an error (errno set). */
bool recio_write_all(int fd, const void *p, size_t n);
/* Read n bytes, or fewer when the file ends first (*got says how many);
 * false on an error (errno set). */
bool recio_read_all(int fd, void *p, size_t n, size_t *got);
/* Write n bytes of data to path atomically and durably: "<path>.tmp"
 * (mode 0600), fsync, rename over path, fsync the directory.  false with
 * err (path and the system's reason); the tmp file is then removed. */
bool recio_write_file(const char *path, const void *data, size_t n, char *err, size_t errlen);
/* Make what was written to *fd durable and close it (fsync, then close;
 * *fd becomes -1 either way); false when either fails (errno: the first
 * failure's). */
bool recio_sync_close(int *fd);
/* fsync the directory dir (a new or renamed entry in it becomes durable);
 * false when it cannot be opened or synced. */
bool recio_sync_dir(const char *dir);
/* recio_sync_dir of the directory that holds path (after a rename to path). */
bool recio_sync_dir_of(const char *path);

/* Write one record: its length (len4 gets those 4 bytes, for a caller that
 * hashes what it writes; may be NULL) then its n bytes (n < 2^32). */
bool recio_put(int fd, const void *p, size_t n, unsigned char len4[RECIO_LEN_BYTES]);

typedef enum recio_status {
    RECIO_OK,
    RECIO_END,        /* the file ends here, before a record */
    RECIO_IO,         /* cannot read (errno) */
    RECIO_TRUNCATED,  /* the file ends within the length */
} recio_status;
/* Read the next record's length into *len (len4 gets its bytes, *got how
 * many of them were read); its bytes are the caller's to read next. */
recio_status recio_get_len(int fd, unsigned char len4[RECIO_LEN_BYTES], size_t *got, size_t *len);

#endif
