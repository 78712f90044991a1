/* bkfile.h - the encrypted backup file: a database dump, compressed and
 * sealed in records, written and read as a stream.
 *
 * Layout: one header line in the clear,
 *
 *     GENBA-BACKUP 1 <kind> <owner> <generation> zlib\n
 *
 * (kind "tenant" or "control"; owner the tenant code, or "control"), then
 * records, each a 4-byte big-endian length and a blob sealed with
 * AES-256-GCM (crypto.h: 0x01 | key id | nonce | ciphertext | tag).  The
 * plaintext of a record is a type byte and its payload:
 *
 *     'D' + up to BK_CHUNK bytes of the zlib stream of the dump
 *     'E' + "records=<data records> plain=<dump bytes> sha256=<of the dump>"
 *
 * A tenant's records are sealed with its data key (tenant_seal, purpose
 * "backup", object id "<generation>/<record number>"); the control DB's
 * with the master key (keys_wrap, tenant "control" (a reserved code),
 * purpose "backup|<generation>/<record number>").  Record numbers count
 * from 0 and include the end record, so a record that is altered, moved,
 * dropped, repeated or taken from another file or tenant does not open,
 * and a file cut anywhere lacks its end record: corruption and truncation
 * are always detected.  Nothing may follow the end record.
 *
 * Single-threaded (one writer or reader at a time).
 */
#ifndef GENBA_BKFILE_H
#define GENBA_BKFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tenant/keys.h"

#define BK_CHUNK (1u << 20)
#define BK_CONTROL_OWNER "control"

typedef enum bk_kind { BK_TENANT, BK_CONTROL } bk_kind;

typedef struct bk_key {
    bk_kind kind;
    const char *owner;                  /* tenant code (BK_TENANT) */
    const unsigned char *datakey;       /* BK_TENANT: CRYPTO_KEY_LEN bytes */
    const keyring *kr;                  /* BK_CONTROL */
} bk_key;

typedef struct bk_stats {
    uint64_t size;          /* bytes of the file */
    uint64_t plain;         /* bytes of the dump */
    uint64_t records;       /* data records */
    char sha256[65];        /* of the file */
    char plain_sha256[65];  /* of the dump */
    char key_id[17];        /* hex id of the key that sealed it */
} bk_stats;

typedef struct bk_writer bk_writer;

/* Create path (must not exist; mode 0600) and write the header.  NULL with
 * err.  The writer keeps pointers to key and gen: they must outlive it. */
bk_writer *bk_writer_new(const char *path, const bk_key *key, const char *gen, char *err, size_t errlen);
/* Add n bytes of the dump. */
bool bk_writer_add(bk_writer *w, const void *p, size_t n, char *err, size_t errlen);
/* Flush, write the end record, fsync and close; frees w (also on failure,
 * when the file is removed). */
bool bk_writer_finish(bk_writer **w, bk_stats *st, char *err, size_t errlen);
/* Close and remove the file; NULL-safe. */
void bk_writer_abort(bk_writer **w);

typedef enum bk_status {
    BK_OK,
    BK_IO,         /* the file cannot be read */
    BK_HEADER,     /* not a backup file, or not the one expected */
    BK_CORRUPT,    /* a record does not open, or the stream is inconsistent */
    BK_TRUNCATED,  /* the file ends before its end record */
    BK_NOKEY,      /* sealed with a master key that is not loaded */
    BK_SINK,       /* the sink refused the data (its own error) */
} bk_status;

/* The dump's bytes as they are read; false stops reading (BK_SINK). */
typedef bool (*bk_sink)(void *arg, const void *p, size_t n);

/* Read path, expecting key's kind and owner and generation gen; hand the
 * dump to sink (may be NULL: only check).  st (optional) gets the figures,
 * sha256 included, even when reading fails part way.  err names the record
 * and byte offset of a problem. */
bk_status bk_read(const char *path, const bk_key *key, const char *gen, bk_sink sink, void *arg, bk_stats *st,
                  char *err, size_t errlen);
/* The header's fields of a file (kind, owner, generation), for tools. */
bool bk_peek(const char *path, char *kind, char *owner, char *gen, size_t len);

#endif
