/* backup.h - backups in generations, their verification, and restores
 * (genbactl backup run|list|verify|extract, genbactl restore).
 *
 * backup run: under backup_dir/.lock, in ".partial-<generation>", for the
 * control DB and then each active or suspended tenant: mariadb-dump
 * --single-transaction (a consistent snapshot per database while the
 * service keeps writing) streamed into an encrypted file (bkfile.h) named
 * "<file>.tmp", fsynced; checked by loading it into a scratch database
 * (genba_check_…), whose row counts and CHECKSUM TABLE values go into the
 * manifest; renamed into place.  A tenant that fails is reported and the
 * others go on; the generation is then marked incomplete.  Last, the
 * manifest is written, the directory renamed to "<generation>", the
 * directory fsynced, and the run recorded in the control DB.  Only a
 * complete run (copy command included) prunes (retention.h).
 *
 * Single-threaded; every function prints nothing but progress and returns
 * its outcome.
 */
#ifndef GENBA_BACKUP_H
#define GENBA_BACKUP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "ops/ops.h"

typedef struct backup_result {
    char gen[48];
    char tags[40];
    unsigned files, failed;          /* databases written / failed */
    uint64_t bytes;
    unsigned kept, pruned;
    bool complete, copy_ran, copy_ok;
    char manifest_sha256[65];
    char problems[2048];             /* one line per failed database */
} backup_result;

/* Run a backup at clock now.  false with err when the generation could not
 * be written at all; otherwise r tells what happened (r->complete false:
 * some databases failed, r->problems says which; nothing was pruned). */
bool backup_run(const ops_env *e, time_t now, backup_result *r, char *err, size_t errlen);

/* Prune backup_dir by the configured retention (as a successful run does);
 * *kept and *pruned count generations. */
bool backup_prune(const ops_env *e, unsigned *kept, unsigned *pruned, char *err, size_t errlen);

/* Run backup_copy_command with dir; false with err when it fails. */
bool backup_copy(const ops_env *e, const char *dir, char *err, size_t errlen);

/* Lock backup_dir for a run or an amendment (blocking: wait); returns the
 * lock's file descriptor or -1 with err. */
int backup_lock(const ops_env *e, bool wait, char *err, size_t errlen);
void backup_unlock(int fd);

typedef struct verify_item {
    const char *what;      /* "control" or the tenant code */
    bool ok, skipped;
    char msg[600];
} verify_item;

/* Verify generation gen (NULL: newest), every file or only tenant's:
 * SHA-256 against the manifest, decryption to the end record, a restore
 * into genba_verify_… and its tables against the manifest.  Files of
 * erased tenants are skipped (their key is gone by design) unless tenant
 * names one.  items (in e->a) tells file by file; false when any failed or
 * the generation cannot be read (err). */
bool backup_verify(const ops_env *e, const char *gen, const char *tenant, char *gen_out, verify_item **items,
                   size_t *nitems, char *err, size_t errlen);

/* Write the plain SQL dump of tenant's (NULL: the control DB's) file of
 * generation gen to fd. */
bool backup_extract(const ops_env *e, const char *gen, const char *tenant, int fd, char *err, size_t errlen);

typedef struct restore_opts {
    const char *tenant;    /* whose backup */
    const char *gen;
    const char *as;        /* NULL: in place */
    bool force;            /* in place although the tenant is not suspended */
} restore_opts;

typedef struct restore_result {
    const char *code;        /* the tenant restored into */
    unsigned tables;
    long long rows;
    int schema_from, schema_to;
    unsigned resealed;       /* sealed values re-encrypted for the new code */
    bool created;            /* a new tenant (--as) */
} restore_result;

/* Restore one tenant from a generation (see restore.c). */
bool backup_restore(const ops_env *e, const restore_opts *o, restore_result *r, char *err, size_t errlen);

#endif
