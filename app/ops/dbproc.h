/* dbproc.h - MariaDB's own client programs as child processes: the dump
 * (mariadb-dump) and the loader (mariadb), with the administrator account
 * and the socket or host from the configuration.
 *
 * The account's settings reach the child as an option file in memory
 * (memfd, --defaults-file=/dev/fd/3), so the password appears neither on a
 * command line nor in a file.  The child's standard error goes to an
 * unlinked temporary file whose end is quoted when it fails.  genbactl
 * ignores SIGPIPE while a child runs, so a loader that dies makes writes
 * fail with EPIPE instead of killing genbactl.  Single-threaded.
 */
#ifndef GENBA_DBPROC_H
#define GENBA_DBPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "ops/bkfile.h"
#include "ops/ops.h"

typedef struct ops_child {
    pid_t pid;
    int fd;           /* the dump's standard output (read) / the loader's standard input (write) */
    int errfd;        /* the child's standard error */
    const char *what; /* "mariadb-dump" / "mariadb" */
} ops_child;

/* mariadb-dump --single-transaction --routines --triggers --no-tablespaces
 * of database db (tables, no CREATE DATABASE/USE), readable at ch->fd. */
bool ops_dump_start(const ops_env *e, const char *db, ops_child *ch, char *err, size_t errlen);
/* mariadb --binary-mode into database db, reading SQL from ch->fd. */
bool ops_load_start(const ops_env *e, const char *db, ops_child *ch, char *err, size_t errlen);
/* Close ch->fd, wait for the child; true when it exited with status 0,
 * else err quotes the end of its standard error. */
bool ops_child_wait(ops_child *ch, char *err, size_t errlen);
/* Kill (SIGTERM) and reap a child after a failure; NULL-safe. */
void ops_child_kill(ops_child *ch);

/* Dump database db into a new backup file at path. */
bool ops_dump_to_file(const ops_env *e, const char *db, const char *path, const bk_key *key, const char *gen,
                      bk_stats *st, char *err, size_t errlen);
/* Load backup file path (key, gen) into database db (normally a scratch
 * database).  *bst says how the file read (BK_OK, or why not). */
bool ops_load_file(const ops_env *e, const char *path, const bk_key *key, const char *gen, const char *db,
                   bk_status *bst, bk_stats *st, char *err, size_t errlen);

#endif
