/* export/walk.h - inside the walk over many reports (export/report.h):
 * what export/each.c (the walk, a page at a time) and export/parallel.c
 * (the rest of a walk over a filter, on two connections) share.  Not for
 * use outside export/. */
#ifndef GENBA_EXPORT_WALK_H
#define GENBA_EXPORT_WALK_H

#include "export/report.h"
#include "db/db.h"

static inline const char *cell(const db_rows *r, size_t row, int col)
{
    const char *s = db_cell(r, row, col);
    return s ? s : "";
}

/* A whole number the database wrote (no sign, no spaces): atoll without its cost. */
static inline long long num(const char *s)
{
    long long v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return v;
}

/* The columns of a page (export_read_page). */
enum { C_ID, C_SEQ, C_DEF, C_REV, C_NAME, C_NUMBER, C_STATUS, C_STAGE, C_RREV, C_CREATED, C_UPDATED, C_CREATOR,
       C_UPDATER, C_VALS, C_REMARKS, C_KEY = C_CREATED };

/* The walk's users: id -> login and name, read a page's missing ones at a
 * time (at most USERS_KEPT kept; then forgotten and read again). */
#define USERS_KEPT 4096
typedef struct wuser {
    long long id;
    const char *login, *name;
} wuser;
typedef struct users {
    arena *a;
    wuser *slot;   /* open addressing, 2 * USERS_KEPT slots */
    int n;
} users;

typedef struct defslot {
    long long id;
    int rev;
    const definition *d;
} defslot;

/* What the writing side of a walk keeps between pages. */
typedef struct wstate {
    arena *ra;         /* a report's own, reset after each */
    users us;
    defslot defs[8];
    int ndefs;
} wstate;

/* One page: after the key (at, id) when ids is NULL, else exactly ids;
 * when lo is given (and at is not), from creation time lo on; when hi is
 * given, before creation time hi.  Read on db. */
db_status export_read_page(op_ctx *op, db_conn *db, arena *a, const export_filter *f, const char *at, const char *id,
                           const char *lo, const char *hi, const char *const *ids, int nids, int limit, bool full,
                           db_rows *rows);
/* The users of a page's reports not in u yet, read into u. */
db_status export_users_load(op_ctx *op, arena *a, users *u, const db_rows *page);
/* Each report of a page decoded and handed to fn (att and appr: the
 * page's attachments and approvals, empty unless full). */
op_result export_write_rows(op_ctx *op, wstate *w, const db_rows *rows, const db_rows *att, const db_rows *appr,
                            bool full, export_each_fn fn, void *ctx);
/* A walk from its first page (first, a full one, its users loaded): first
 * written while two connections of the walk's own read the rest in pages
 * of limit, all given to fn in order.  *alone is true when they could not
 * be had and nothing was written (the caller walks on alone). */
op_result export_walk_parallel(op_ctx *op, const export_filter *f, const db_rows *first, int limit, wstate *ws,
                               export_each_fn fn, void *ctx, bool *alone);

#endif
