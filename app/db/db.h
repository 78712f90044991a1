/* db.h - MariaDB connections and a small typed prepared-statement wrapper.
 *
 * SQL runs only through prepared statements with bound parameters
 * (db_query); db_exec_script is for trusted migration and DDL text that the
 * project itself ships or builds from validated identifiers.
 *
 * A db_conn belongs to one thread at a time.  Prepared statements are cached
 * per connection; when the server goes away the connection is marked broken,
 * and db_reconnect opens a new one and drops the cache so every statement is
 * prepared again (never MYSQL_OPT_RECONNECT).  Results are copied into the
 * caller's arena as NUL-terminated strings.
 */
#ifndef GENBA_DB_H
#define GENBA_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "util/arena.h"

typedef enum db_status {
    DB_OK = 0,
    DB_GONE,      /* the server cannot be reached: answer 503 */
    DB_DUP,       /* duplicate key */
    DB_DENIED,    /* the account lacks the privilege */
    DB_BUSY,      /* a lock wait timed out or a deadlock was broken: the transaction is gone, retry it */
    DB_ERR,       /* anything else: a bug or a constraint */
} db_status;

typedef struct db_params {
    const char *socket;    /* unix socket, used when host is NULL or "" */
    const char *host;
    unsigned port;
    const char *user, *password;
    const char *database;  /* may be NULL */
    bool multi_statements; /* only for migrations */
} db_params;

typedef struct db_conn db_conn;

typedef struct db_arg {
    enum { DA_NULL, DA_STR, DA_INT, DA_BLOB } type;
    const void *p;
    size_t len;
    long long i;
} db_arg;

static inline db_arg db_arg_str(const char *s)
{
    db_arg a = {.type = s ? DA_STR : DA_NULL, .p = s, .len = s ? strlen(s) : 0};
    return a;
}
#define DB_STR(s) db_arg_str(s)
#define DB_INT(v) ((db_arg){.type = DA_INT, .i = (long long)(v)})
#define DB_BLOB(ptr, n) ((db_arg){.type = DA_BLOB, .p = (ptr), .len = (n)})
#define DB_NULLARG ((db_arg){.type = DA_NULL})
#define DB_ARGS(...) (const db_arg[]){__VA_ARGS__}, sizeof((const db_arg[]){__VA_ARGS__}) / sizeof(db_arg)
#define DB_NOARGS NULL, 0

typedef struct db_rows {
    size_t nrows, ncols;
    char **cell;            /* nrows * ncols, NULL for SQL NULL */
    unsigned long *len;
} db_rows;

/* Connect.  NULL on failure with the reason in err (no password in it);
 * *gone tells whether the server was unreachable (as opposed to refused). */
db_conn *db_open(const db_params *p, char *err, size_t errlen, bool *gone);
void db_close(db_conn **c);
/* A second connection with c's parameters (a walk reading on two at once);
 * NULL with the reason in err. */
db_conn *db_open_like(const db_conn *c, char *err, size_t errlen);
/* Reconnect with the same parameters after DB_GONE. */
db_status db_reconnect(db_conn *c);
/* true when the last call found the server gone and no reconnect succeeded. */
bool db_broken(const db_conn *c);
/* Last error text for logs (never contains parameters). */
const char *db_error(const db_conn *c);
unsigned db_errno(const db_conn *c);

/* Run sql with args; when out is non-NULL the rows are copied into a.
 * *affected (optional) receives the affected row count. */
db_status db_query(db_conn *c, arena *a, const char *sql, const db_arg *args, size_t nargs, db_rows *out,
                   uint64_t *affected);
/* The same for a large read: the rows are converted as they arrive
 * (unbuffered), so the server sends while the client converts, instead of
 * one after the other.  The connection is busy until it returns. */
db_status db_query_stream(db_conn *c, arena *a, const char *sql, const db_arg *args, size_t nargs, db_rows *out);
/* Text of one cell, or NULL (out of range or SQL NULL). */
const char *db_cell(const db_rows *r, size_t row, size_t col);
/* Run trusted SQL text (may hold several statements when the connection was
 * opened with multi_statements); results are discarded. */
db_status db_exec_script(db_conn *c, const char *sql);
/* Many rows of whole numbers in one statement: runs before + "(v0,v1,..),
 * (..)" + after (text protocol; nrows rows of ncols numbers from v, row
 * after row).  before and after are the caller's trusted SQL: only numbers,
 * formatted here, come from the values.  *affected as db_query's. */
db_status db_exec_ints(db_conn *c, arena *a, const char *before, const long long *v, size_t nrows, size_t ncols,
                       const char *after, uint64_t *affected);
/* The prepared statement sql (an INSERT with ncols placeholders) run once
 * for each of nrows rows of whole numbers (v: row after row), in one round
 * trip: MariaDB's array binding (COM_STMT_BULK_EXECUTE), so the server
 * neither parses nor plans it again for each row. */
db_status db_insert_rows(db_conn *c, arena *a, const char *sql, const long long *v, size_t nrows, size_t ncols);
db_status db_begin(db_conn *c);
db_status db_commit(db_conn *c);
db_status db_rollback(db_conn *c);
/* The last AUTO_INCREMENT id. */
uint64_t db_insert_id(db_conn *c);
/* USE db: switch the connection's database and forget its prepared
 * statements (MariaDB binds unqualified table names at prepare time).
 * db must already be a validated identifier. */
db_status db_use(db_conn *c, const char *db);
/* Escape an identifier already validated by the caller, for DDL only. */
bool db_ident_ok(const char *ident);

/* Per-thread library setup; call at thread start and end. */
void db_thread_init(void);
void db_thread_end(void);

#endif
