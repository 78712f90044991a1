/* ops.h - what the operator's commands share (genbactl only): the
 * environment an operation runs in, administrator connections, scratch
 * databases, per-table checksums, tenant data keys, files and times.
 *
 * Everything under app/ops/ runs in genbactl's single thread.  Functions
 * report failures as a message in err (never a secret) and return false.
 * SQL text handed to db_query must outlive the connection (its statement
 * cache keeps the pointer): dynamic SQL is allocated in ops_env.a, which
 * lives as long as the command.
 */
#ifndef GENBA_OPS_H
#define GENBA_OPS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "db/db.h"
#include "tenant/keys.h"
#include "util/arena.h"
#include "util/config.h"

typedef struct ops_env {
    const genba_config *cfg;
    const keyring *kr;
    arena *a;                 /* lives as long as the command */
    const char *os_user;
    /* progress on a terminal (may be NULL) */
    void (*progress)(void *arg, const char *label, unsigned i, unsigned n);
    void *progress_arg;
    /* asked between the parts of a long operation (may be NULL): true stops it */
    bool (*cancelled)(void *arg);
} ops_env;

void ops_progress(const ops_env *e, const char *label, unsigned i, unsigned n);

/* Administrator connection (admin_user from the config) to db (NULL =
 * none), with multi-statements.  NULL with the reason in err. */
db_conn *ops_admin(const ops_env *e, const char *db, char *err, size_t errlen);

/* A scratch database "genba_<purpose>_<unix time>_<8 hex>" (purpose:
 * verify, check, restore, old), created empty.  false with err. */
bool ops_scratch_create(const ops_env *e, db_conn *admin, const char *purpose, char name[65], char *err,
                        size_t errlen);
/* DROP DATABASE IF EXISTS (best effort; NULL-safe and empty-name-safe). */
void ops_scratch_drop(const ops_env *e, db_conn *admin, const char *name);
/* Drop scratch databases left by runs that were killed: those whose time
 * in the name is older than max_age seconds. */
void ops_scratch_sweep(const ops_env *e, db_conn *admin, long max_age);

/* Base tables of database db, sorted by name (NULL-terminated, in e->a). */
const char **ops_tables(const ops_env *e, db_conn *admin, const char *db, size_t *n, char *err, size_t errlen);
/* {"table": {"rows": N, "checksum": "CHECKSUM TABLE value"}, ...} for
 * every base table of db.  The caller puts the object. */
json_object *ops_table_sums(const ops_env *e, db_conn *admin, const char *db, char *err, size_t errlen);
/* Compare sums (as ops_table_sums makes them) with the manifest's: false
 * with the first difference in err ("table reports: 12 rows, the manifest
 * says 13"). */
bool ops_sums_equal(json_object *want, json_object *got, char *err, size_t errlen);

typedef enum ops_key_status {
    OPS_KEY_OK,
    OPS_KEY_MISSING,   /* no such tenant in the control DB */
    OPS_KEY_ERASED,    /* the tenant was erased: its key is destroyed */
    OPS_KEY_ERROR,     /* the database failed, or the key does not unwrap */
} ops_key_status;
/* The data key of tenant code, unwrapped with the master keyring, read
 * through control (a connection on the control DB).  err says why not. */
ops_key_status ops_tenant_key(const ops_env *e, db_conn *control, const char *code,
                              unsigned char key[CRYPTO_KEY_LEN], char *err, size_t errlen);

/* Files. */
/* mkdir -p with mode for the directories it creates. */
bool ops_mkdirs(const char *path, unsigned mode, char *err, size_t errlen);
/* rm -rf path (does not follow symbolic links); false when something
 * stayed. */
bool ops_rmtree(const char *path);
/* SHA-256 of a file as 64 hex digits; false when it cannot be read. */
bool ops_sha256_file(const char *path, char hex[65], uint64_t *size);

/* Times.  "2026-03-01T01:00:00Z" <-> time_t (UTC); false on garbage. */
bool ops_parse_time(const char *s, time_t *out);
void ops_format_time(time_t t, char out[32]);
/* The current time as "YYYY-MM-DD HH:MM:SS.mmm" (UTC) for DATETIME(3). */
void ops_sql_now(char out[32]);
void ops_sql_time(time_t t, char out[32]);

/* A JSON value as text, with forward slashes left alone. */
const char *ops_json_text(json_object *o, bool pretty);

#endif
